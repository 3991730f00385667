"""Scenarios: role holders changed by card in Teams, by a team owner, an admin and a member.

The running bot, the loopback Bot Connector and a loopback Graph that plays the team's
members (who owns the team) and the tenant's directory (the people picker's search). The
network comes from a data file with one configured admin; the team owner is not in it and
may change holders only because Graph says they own the team.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from typing import Any

import pytest

from bot.settings import Settings
from storage.audit import AuditLog
from storage.conversations import ConversationStore
from storage.database import Database
from storage.registry_repository import RegistryRepository
from tests.bot.conftest import RunningBot, running_bot
from tests.bot.teams_activities import (
    CHANNEL_ID,
    TEAM_ID,
    USER,
    card_submit,
    channel_message,
    people_search,
)
from tests.bot.test_meeting_scenarios import card_of
from tests.graph_fake import GraphFake, StaticCredential
from tests.manifest.card_schema import validate_card
from views.cards import PEOPLE_DATASET

GROUP_ID = "5c2d6f0e-1b7a-4a8e-9d3c-2f4e6a8b0c1d"  # the team's Microsoft 365 group
ADMIN = {**USER, "id": "29:admin-anna", "name": "Anna Lindqvist"}  # in the file's `admins`
OWNER = {
    "id": "29:owner-olle",
    "name": "Olle Ägare",
    "aadObjectId": "0b6c1f4e-7a1d-4c8e-9f0a-1b2c3d4e5f60",
}
MEMBER = {
    "id": "29:member-maja",
    "name": "Maja Medlem",
    "aadObjectId": "9e8d7c6b-5a4f-4e3d-8c2b-1a0f9e8d7c6b",
}
# A colleague in the directory, not yet in the registry.
CECILIA_ID = "3f2e1d0c-9b8a-4f6e-8d4c-2b1a0f9e8d7c"
CECILIA_MAIL = "cecilia.ek@kommun.example.se"

NETWORK_YAML = f"""\
key: natet
name: {{sv: Nätet, en: The network}}
admins: [{ADMIN["aadObjectId"]}]
groups:
  - key: alfa
    name: {{sv: Alfa, en: Alpha}}
roles:
  - key: ordforande
    scope: group
    title: {{sv: Ordförande, en: Chair}}
    duties:
      sv: [Leder gruppens möten.]
      en: [Chairs the group's meetings.]
  - key: samordnare
    scope: network
    title: {{sv: Samordnare, en: Coordinator}}
    duties:
      sv: [Samordnar nätverket.]
      en: [Coordinates the network.]
holders:
  - role: ordforande
    group: alfa
    name: Bo Berg
    email: bo.berg@kommun.example.se
"""


@pytest.fixture
async def graph() -> AsyncIterator[GraphFake]:
    async with GraphFake(page_size=2) as fake:
        # Three members: the owner on the second page of members, as Graph pages them.
        fake.add_member(GROUP_ID, MEMBER["aadObjectId"], MEMBER["name"])
        fake.add_member(GROUP_ID, ADMIN["aadObjectId"], ADMIN["name"])
        fake.add_member(GROUP_ID, OWNER["aadObjectId"], OWNER["name"], owner=True)
        fake.add_user(CECILIA_ID, "Cecilia Ek", CECILIA_MAIL)
        fake.add_user("7a6b5c4d-3e2f-4a1b-9c8d-7e6f5a4b3c2d", "Cecilia Andersson")
        fake.add_user("1a2b3c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d", "David Fors", "david@x.example")
        yield fake


@pytest.fixture
async def roles_bot(tmp_path, graph) -> AsyncIterator[RunningBot]:
    networks = tmp_path / "networks"
    networks.mkdir()
    (networks / "natet.yaml").write_text(NETWORK_YAML, encoding="utf-8")
    settings = Settings(
        database_url=f"sqlite+aiosqlite:///{tmp_path / 'bot.db'}",
        port=0,
        networks_dir=networks,
        default_network="natet",
        scheduler_interval_seconds=0,
        graph_tenant_id="tenant",
        graph_client_id="client",
        graph_client_secret="secret",
        graph_base_url=graph.base_url,
    )
    async with running_bot(settings, StaticCredential()) as running:
        # The bot installed in the team: General (the team's id) and Alfa's channel are bound.
        database = Database(settings.database_url)
        store = ConversationStore(database)
        for channel in (TEAM_ID, CHANNEL_ID):
            await store.save_reference(
                {"conversation": {"id": channel}, "serviceUrl": "http://127.0.0.1:1"},
                tenant_id=None,
                team_id=TEAM_ID,
                channel_id=channel,
                kind="channel",
            )
        await store.set_binding(TEAM_ID, None, "natet", None)
        await store.set_binding(TEAM_ID, CHANNEL_ID, "natet", "alfa")
        await database.close()
        yield running


class Chat:
    """Posts to the bot in Alfa's channel as Teams does, and reads the new replies."""

    def __init__(self, bot: RunningBot, connector):
        self.bot = bot
        self.connector = connector
        self.seen = 0

    @staticmethod
    def _in_team(activity: dict[str, Any]) -> dict[str, Any]:
        # Teams names the team's Microsoft 365 group beside its thread id.
        activity["channelData"]["team"]["aadGroupId"] = GROUP_ID
        return activity

    async def say(self, sender: dict[str, Any], text: str, replies: int = 1) -> list:
        said = channel_message(self.connector.service_url, text, **{"from": sender})
        status, _ = await self.bot.post(self._in_team(said))
        assert status == 201
        return await self._replies(replies)

    async def submit(self, sender: dict[str, Any], value: dict[str, Any], replies: int = 1):
        clicked = card_submit(self.connector.service_url, value, sender=sender)
        status, _ = await self.bot.post(self._in_team(clicked))
        assert status == 201
        return await self._replies(replies)

    async def search(self, sender: dict[str, Any], text: str) -> tuple[int, Any]:
        typed = people_search(self.connector.service_url, text, sender=sender, where="channel")
        return await self.bot.post(self._in_team(typed))

    async def _replies(self, count: int) -> list:
        activities = await self.connector.wait_for_activities(self.seen + count)
        new = activities[self.seen :]
        self.seen = len(activities)
        return new


def submit_data(card: dict[str, Any], button: str) -> dict[str, Any]:
    """The data of the save button inside the card's show-card action titled `button`."""
    shown = next(a for a in card["actions"] if a["title"] == button)
    return dict(shown["card"]["actions"][0]["data"])


async def holders(bot: RunningBot) -> list[tuple[str, str | None, str | None, bool]]:
    database = Database(bot.settings.database_url)
    try:
        network = (await RegistryRepository(database).load()).network("natet")
    finally:
        await database.close()
    return [
        (a.role_key, a.person.name, a.person.email, a.deputy) for a in network.assignments
    ]


async def audit_entries(bot: RunningBot):
    database = Database(bot.settings.database_url)
    try:
        return [e for e in await AuditLog(database).entries() if e.action == "roles.set"]
    finally:
        await database.close()


async def test_a_team_owner_adds_a_chair_from_the_directory_and_answers_name_her(
    roles_bot, connector, graph
):
    chat = Chat(roles_bot, connector)

    (listing,) = await chat.say(OWNER, "roller")
    card = card_of(listing)
    validate_card(card)
    assert "Bo Berg" in listing.visible_text
    edit = submit_data(card, "Ändra en roll")
    (form,) = await chat.submit(OWNER, {**edit, "role": "ordforande"})
    form_card = card_of(form)
    validate_card(form_card)
    picker = next(a for a in form_card["actions"] if a["title"] == "Lägg till person")
    person_input = picker["card"]["body"][0]
    assert person_input["choices.data"] == {"type": "Data.Query", "dataset": PEOPLE_DATASET}

    status, found = await chat.search(OWNER, "cecilia")
    assert status == 200
    assert found["type"] == "application/vnd.microsoft.search.searchResponse"
    assert found["value"]["results"] == [
        {"title": f"Cecilia Ek ({CECILIA_MAIL})", "value": CECILIA_ID},
        {"title": "Cecilia Andersson", "value": "7a6b5c4d-3e2f-4a1b-9c8d-7e6f5a4b3c2d"},
    ]
    (search,) = [r for r in graph.requests if r.path == "/v1.0/users"]
    assert search.headers.get("ConsistencyLevel") == "eventual"
    assert search.query["$select"] == "id,displayName,mail,userPrincipalName"

    saved, updated = await chat.submit(
        OWNER,
        {**submit_data(form_card, "Lägg till person"), "person": CECILIA_ID,
         "deputy_new": "true", "start_new": "2026-01-01", "end_new": "2027-12-31"},
        replies=2,
    )  # fmt: skip

    assert saved.visible_text == (
        "Sparat. Ordförande i Alfa: Bo Berg, Cecilia Ek (ersättare)."
    )
    validate_card(card_of(updated))
    assert await holders(roles_bot) == [
        ("ordforande", "Bo Berg", "bo.berg@kommun.example.se", False),
        ("ordforande", "Cecilia Ek", CECILIA_MAIL, True),  # the work e-mail, no phone
    ]
    (answer,) = await chat.say(MEMBER, "Vem är ordförande?")
    assert "Cecilia Ek" in answer.visible_text
    (entry,) = await audit_entries(roles_bot)
    assert entry.actor == OWNER["aadObjectId"]
    assert entry.subject == "role ordforande in alfa"
    assert entry.before == {"holders": ["ordforande/alfa: Bo Berg <bo.berg@kommun.example.se>"]}
    assert entry.after == {
        "holders": [
            "ordforande/alfa: Bo Berg <bo.berg@kommun.example.se>",
            f"ordforande/alfa: Cecilia Ek <{CECILIA_MAIL}> (deputy) 2026-01-01–2027-12-31",
        ]
    }
    # The owners were read once, following Graph's pages, and then kept.
    assert graph.count("GET", f"/teams/{GROUP_ID}/members") == 2


async def test_an_admin_removes_a_holder_and_the_role_is_vacant(roles_bot, connector):
    chat = Chat(roles_bot, connector)
    edit = {"action": "roles.edit", "network": "natet", "group": "alfa", "lang": "en"}
    (form,) = await chat.submit(ADMIN, {**edit, "role": "ordforande"})
    change = submit_data(card_of(form), "Change or remove")

    saved, _card = await chat.submit(ADMIN, {**change, "remove_0": "true"}, replies=2)

    assert saved.visible_text == "Saved. Chair in Alpha: nobody."
    assert await holders(roles_bot) == []
    (answer,) = await chat.say(MEMBER, "Vem är ordförande?")
    assert "Bo Berg" not in answer.visible_text


async def test_an_admin_gives_a_holder_a_term_and_makes_them_deputy(roles_bot, connector):
    chat = Chat(roles_bot, connector)
    edit = {"action": "roles.edit", "network": "natet", "group": "alfa", "role": "ordforande",
            "lang": "sv"}  # fmt: skip
    (form,) = await chat.submit(ADMIN, edit)
    change = submit_data(card_of(form), "Ändra eller ta bort")

    saved, listing = await chat.submit(
        ADMIN,
        {**change, "deputy_0": "true", "remove_0": "false", "start_0": "2026-01-01",
         "end_0": "2026-12-31"},
        replies=2,
    )  # fmt: skip

    assert saved.visible_text == "Sparat. Ordförande i Alfa: Bo Berg (ersättare)."
    assert "Ersättare: Bo Berg (2026-01-01 – 2026-12-31)" in listing.visible_text
    assert await holders(roles_bot) == [
        ("ordforande", "Bo Berg", "bo.berg@kommun.example.se", True)
    ]
    (again,) = await chat.submit(ADMIN, edit)
    terms = submit_data(card_of(again), "Ändra eller ta bort")
    # Both dates left empty (Teams then sends neither): the term is open again.
    (cleared, _) = await chat.submit(ADMIN, {**terms, "deputy_0": "true"}, replies=2)
    assert cleared.visible_text == "Sparat. Ordförande i Alfa: Bo Berg (ersättare)."
    (entry, _first) = await audit_entries(roles_bot)  # newest first
    assert entry.after == {
        "holders": ["ordforande/alfa: Bo Berg <bo.berg@kommun.example.se> (deputy)"]
    }


async def test_the_network_roles_buttons_name_each_group_by_key_and_show_its_roles(
    roles_bot, connector
):
    chat = Chat(roles_bot, connector)
    said = channel_message(connector.service_url, "roller", channel_id=TEAM_ID, **{"from": MEMBER})
    status, _ = await roles_bot.post(chat._in_team(said))  # in General: the network's roles
    assert status == 201
    (network,) = await chat._replies(1)
    button = next(a for a in card_of(network)["actions"] if a["title"] == "Roller i Alfa")
    assert button["data"] == {"action": "roles.show", "network": "natet", "group": "alfa",
                              "lang": "sv"}  # fmt: skip

    # Clicked in General, where the card is: the button's group decides, not the channel.
    click = card_submit(connector.service_url, button["data"], sender=MEMBER, channel_id=TEAM_ID)
    status, _ = await roles_bot.post(chat._in_team(click))
    assert status == 201
    (clicked,) = await chat._replies(1)
    (typed,) = await chat.say(MEMBER, "roller alfa")

    assert "Samordnare" in network.visible_text
    assert clicked.visible_text.startswith("Roller – Alfa\n\nOrdförande\n\nBo Berg")
    assert "Samordnare" not in clicked.visible_text
    assert clicked.visible_text == typed.visible_text


async def test_a_member_may_look_but_not_change_and_nothing_changes(roles_bot, connector, graph):
    chat = Chat(roles_bot, connector)
    (listing,) = await chat.say(MEMBER, "roller")
    card = card_of(listing)
    assert [a["title"] for a in card.get("actions", [])] == []  # no edit form for members
    assert "administratörer och teamets ägare kan ändra" in listing.visible_text
    add = {"action": "roles.add", "network": "natet", "group": "alfa", "role": "ordforande",
           "lang": "sv", "before": ["bo.berg@kommun.example.se|holder||"],
           "person": MEMBER["aadObjectId"]}  # fmt: skip

    (refusal,) = await chat.submit(MEMBER, add)
    status, found = await chat.search(MEMBER, "cecilia")

    assert refusal.visible_text.startswith("Tyvärr, bara nätverkets administratörer")
    assert await holders(roles_bot) == [
        ("ordforande", "Bo Berg", "bo.berg@kommun.example.se", False)
    ]
    assert await audit_entries(roles_bot) == []
    assert (status, found["value"]["results"]) == (200, [])  # the directory is not theirs
    assert graph.count("GET", "/users") == 0


async def test_when_graph_cannot_say_who_owns_the_team_only_admins_may_change(
    roles_bot, connector, graph, caplog
):
    graph.fail("GET", "/members", 403, code="Forbidden")
    chat = Chat(roles_bot, connector)
    form = {"action": "roles.edit", "network": "natet", "group": None, "role": "samordnare",
            "lang": "sv"}  # fmt: skip

    with caplog.at_level(logging.WARNING):
        (refusal,) = await chat.submit(OWNER, form)
    (admin_form,) = await chat.submit(ADMIN, form)
    add = submit_data(card_of(admin_form), "Lägg till person")
    saved, _ = await chat.submit(ADMIN, {**add, "person": CECILIA_ID}, replies=2)

    assert refusal.visible_text.startswith("Tyvärr, bara nätverkets administratörer")
    assert "team owner lookup failed" in caplog.text
    assert saved.visible_text == "Sparat. Samordnare i Nätet: Cecilia Ek."
    assert ("samordnare", "Cecilia Ek", CECILIA_MAIL, False) in await holders(roles_bot)


async def test_a_term_ending_before_it_starts_and_an_unknown_person_save_nothing(
    roles_bot, connector, graph
):
    chat = Chat(roles_bot, connector)
    edit = {"action": "roles.edit", "network": "natet", "group": "alfa", "role": "ordforande",
            "lang": "sv"}  # fmt: skip
    (form,) = await chat.submit(ADMIN, edit)
    add = submit_data(card_of(form), "Lägg till person")
    change = submit_data(card_of(form), "Ändra eller ta bort")

    (backwards,) = await chat.submit(
        ADMIN, {**add, "person": CECILIA_ID, "start_new": "2026-06-01", "end_new": "2026-01-31"}
    )
    (unknown,) = await chat.submit(
        ADMIN, {**add, "person": "00000000-0000-4000-8000-000000000000"}
    )
    (bad_date,) = await chat.submit(ADMIN, {**change, "end_0": "31/12/2026"})
    (other_group,) = await chat.submit(ADMIN, {**add, "group": "beta", "person": CECILIA_ID})

    assert backwards.visible_text == (
        "Inget sparades: mandatperioden för Cecilia Ek slutar (2026-01-31) före den börjar "
        "(2026-06-01)."
    )
    assert unknown.visible_text == (
        "Inget sparades: personen finns inte i organisationens katalog."
    )
    assert bad_date.visible_text == "Inget sparades: ”31/12/2026” är inget datum (ÅÅÅÅ-MM-DD)."
    assert other_group.visible_text.startswith("Gruppen ”beta” finns inte i Nätet.")
    assert await holders(roles_bot) == [
        ("ordforande", "Bo Berg", "bo.berg@kommun.example.se", False)
    ]
    assert await audit_entries(roles_bot) == []


async def test_a_form_shown_before_someone_elses_change_does_not_undo_it(roles_bot, connector):
    chat = Chat(roles_bot, connector)
    edit = {"action": "roles.edit", "network": "natet", "group": "alfa", "role": "ordforande",
            "lang": "sv"}  # fmt: skip
    (first,) = await chat.submit(ADMIN, edit)
    (second,) = await chat.submit(OWNER, edit)
    await chat.submit(
        ADMIN, {**submit_data(card_of(first), "Lägg till person"), "person": CECILIA_ID},
        replies=2,
    )  # fmt: skip

    stale, fresh = await chat.submit(
        OWNER, {**submit_data(card_of(second), "Ändra eller ta bort"), "remove_0": "true"},
        replies=2,
    )  # fmt: skip

    assert stale.visible_text.startswith("Någon annan ändrade rollen medan formuläret var öppet")
    assert "Cecilia Ek" in fresh.visible_text
    assert [name for _, name, _, _ in await holders(roles_bot)] == ["Bo Berg", "Cecilia Ek"]
