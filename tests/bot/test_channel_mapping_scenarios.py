"""Scenario: changing which channel is which group by card, through the running bot.

The bot is added to the Best Service team (channels served by the loopback connector);
Anna (by her Entra object id) is a configured admin of bestservice, Bo is a plain
member. Cards are clicked by posting the submit Teams would send: the button's data
with the form's inputs.
"""

from __future__ import annotations

import dataclasses
from typing import Any

import pytest

from storage.audit import AuditLog
from storage.conversations import ConversationStore
from storage.database import Database
from tests.bot.conftest import shipped_networks
from tests.bot.teams_activities import (
    CHANNEL_ID,
    MEMBER,
    TEAM_ID,
    USER,
    bot_added_to_team,
    card_submit,
    channel_event,
    channel_message,
)
from tests.bot.test_installation import FIKA_ID, MALTIDER_ID, card_of, delivery
from tests.manifest.card_schema import validate_card
from tests.scheduler.planned import post



@pytest.fixture
def settings(settings, tmp_path):
    networks = shipped_networks(
        tmp_path,
        ["bestservice.yaml", "erad.yaml", "arbetsgrupp.yaml"],
        administered=["bestservice.yaml", "arbetsgrupp.yaml"],  # not erad
    )
    return dataclasses.replace(settings, networks_dir=networks, scheduler_interval_seconds=0)


@pytest.fixture
async def store(bot):
    database = Database(bot.settings.database_url)
    yield ConversationStore(database), AuditLog(database)
    await database.close()


@pytest.fixture
async def installed(bot, connector):
    connector.channels[TEAM_ID] = [
        {"id": TEAM_ID},
        {"id": CHANNEL_ID, "name": "Logistik"},
        {"id": MALTIDER_ID, "name": "MÅLTIDER"},
        {"id": FIKA_ID, "name": "Fika"},
    ]
    await bot.post(bot_added_to_team(connector.service_url))
    (welcome,) = await connector.wait_for_activities(1)
    return card_of(welcome)


def click(connector, data: dict[str, Any], **fields: Any) -> dict[str, Any]:
    """A card submit in the General channel: the button's data and the inputs."""
    return card_submit(connector.service_url, data, channel_id=TEAM_ID, **fields)


def choice_sets(card: dict) -> dict[str, dict]:
    return {e["id"]: e for e in card["body"] if e["type"] == "Input.ChoiceSet"}


async def bindings(store) -> dict[str | None, str | None]:
    conversations, _ = store
    return {b.channel_id: b.group_key for b in await conversations.bindings_for_team(TEAM_ID)}


async def open_form(bot, connector, installed) -> tuple[dict, Any]:
    validate_card(installed)
    change = installed["actions"][1]
    assert change["title"] == "Ändra"
    await bot.post(click(connector, change["data"]))
    (form,) = (await connector.wait_for_activities(2))[1:]
    return card_of(form), form


async def test_an_admin_moves_a_group_to_another_channel_and_its_agenda_follows(
    bot, connector, store, installed
):
    card, _ = await open_form(bot, connector, installed)
    validate_card(card)
    inputs = choice_sets(card)
    assert [(e["label"], e["value"]) for e in inputs.values()] == [
        ("Teamets nätverk", "bestservice"),
        ("Fika", "-"),
        ("Logistik", "logistik"),
        ("MÅLTIDER", "maltider"),
    ]
    titles = [c["title"] for c in inputs["channel_0"]["choices"]]
    assert titles[:2] == ["ingen grupp", "Lokalvård"] and "kanalen Styrelsen" in titles
    save = card["actions"][0]

    await bot.post(
        click(connector, save["data"], team_network="bestservice",
              channel_0="logistik", channel_1="-", channel_2="maltider")
    )  # fmt: skip

    reply = (await connector.wait_for_activities(3))[2]
    assert "Klart! Ändrade kopplingar: 2." in reply.visible_text
    facts = [e["facts"] for e in card_of(reply)["body"] if e["type"] == "FactSet"][0]
    assert ("Fika", "gruppen Logistik") in [(f["title"], f["value"]) for f in facts]
    assert await bindings(store) == {None: None, FIKA_ID: "logistik", MALTIDER_ID: "maltider"}

    _, audit = store
    changes = [(e.action, e.actor, e.subject, e.before, e.after)
               for e in await audit.entries(network_key="bestservice")][:2]  # fmt: skip
    assert sorted(changes, key=lambda c: c[0]) == [
        ("binding.remove", USER["aadObjectId"], f"team {TEAM_ID} channel {CHANNEL_ID}",
         {"network": "bestservice", "group": "logistik"}, None),
        ("binding.set", USER["aadObjectId"], f"team {TEAM_ID} channel {FIKA_ID}",
         None, {"network": "bestservice", "group": "logistik"}),
    ]  # fmt: skip

    async with delivery(bot) as (outbox, worker, clock):
        await outbox.enqueue([post("agenda:logistik", due_at=clock())], clock())
        await worker.deliver_due(clock())
    sent = connector.activities[-1]
    assert (sent.conversation_id, sent.text) == (FIKA_ID, "Påminnelse agenda:logistik")


async def test_a_member_gets_a_polite_refusal_and_nothing_changes(bot, connector, store, installed):
    change = installed["actions"][1]["data"]
    before = await bindings(store)

    await bot.post(click(connector, change, sender=MEMBER))
    save = {"action": "channels.save", "team": TEAM_ID, "network": "bestservice",
            "channels": [[FIKA_ID, "Fika"]], "lang": "sv"}  # fmt: skip
    await bot.post(click(connector, save, sender=MEMBER, channel_0="logistik"))
    await bot.post(channel_message(connector.service_url, "kanaler", channel_id=FIKA_ID,
                                   **{"from": MEMBER}))  # fmt: skip

    _, refused_form, refused_save, listing = await connector.wait_for_activities(4)
    for refusal in (refused_form, refused_save):
        assert refusal.visible_text.startswith(
            "Tyvärr, kanalkopplingen kan bara teamets ägare och nätverkets administratörer ändra."
        )
        assert not refusal.attachments
    # Everyone may read the mapping, without the change button.
    listed = card_of(listing)
    (facts,) = [e["facts"] for e in listed["body"] if e["type"] == "FactSet"]
    assert ("Logistik", "gruppen Logistik") in [(f["title"], f["value"]) for f in facts]
    assert "actions" not in listed
    assert await bindings(store) == before


async def test_a_form_naming_a_channel_deleted_meanwhile_changes_nothing(
    bot, connector, store, installed
):
    card, _ = await open_form(bot, connector, installed)
    await bot.post(channel_event(connector.service_url, "channelDeleted", FIKA_ID))
    before = await bindings(store)

    await bot.post(
        click(connector, card["actions"][0]["data"], team_network="bestservice",
              channel_0="logistik", channel_1="-", channel_2="maltider")
    )  # fmt: skip

    stale, fresh = (await connector.wait_for_activities(4))[2:]
    assert stale.visible_text == (
        "Kanalen Fika finns inte längre i teamet, så jag har inte ändrat något. "
        "Här är formuläret som teamet ser ut nu."
    )
    assert [e["label"] for e in choice_sets(card_of(fresh)).values()][1:] == [
        "Logistik",
        "MÅLTIDER",
    ]
    assert await bindings(store) == before


async def test_one_group_chosen_for_two_channels_is_refused_whole(bot, connector, store, installed):
    card, _ = await open_form(bot, connector, installed)
    before = await bindings(store)

    await bot.post(
        click(connector, card["actions"][0]["data"], team_network="bestservice",
              channel_0="logistik", channel_1="logistik", channel_2="-")
    )  # fmt: skip

    (reply,) = (await connector.wait_for_activities(3))[2:]
    assert reply.visible_text.startswith(
        "Logistik kan bara höra till en kanal, men du valde den för Fika, Logistik."
    )
    assert await bindings(store) == before


async def test_moving_the_team_to_a_network_the_sender_does_not_administer_is_refused(
    bot, connector, store, installed
):
    card, _ = await open_form(bot, connector, installed)
    before = await bindings(store)

    await bot.post(click(connector, card["actions"][0]["data"], team_network="erad",
                         channel_0="-", channel_1="logistik", channel_2="maltider"))  # fmt: skip

    (reply,) = (await connector.wait_for_activities(3))[2:]
    assert reply.visible_text.startswith(
        "Tyvärr, du är inte administratör i Fyrbodals e-råd, så teamet kan inte flyttas dit."
    )
    assert await bindings(store) == before


async def test_an_admin_of_both_networks_moves_the_team_and_gets_the_new_form(
    bot, connector, store, installed
):
    card, _ = await open_form(bot, connector, installed)

    await bot.post(click(connector, card["actions"][0]["data"], team_network="arbetsgrupp",
                         channel_0="-", channel_1="logistik", channel_2="maltider"))  # fmt: skip

    moved, form = (await connector.wait_for_activities(4))[2:]
    assert "Teamet hör nu till" in moved.visible_text
    conversations, audit = store
    stored = await conversations.bindings_for_team(TEAM_ID)
    # No channel is named like the new network's groups: all are unlinked, none left behind.
    assert [(b.channel_id, b.network_key, b.group_key) for b in stored] == [
        (None, "arbetsgrupp", None)
    ]
    new_form = choice_sets(card_of(form))
    assert new_form["team_network"]["value"] == "arbetsgrupp"
    assert [c["value"] for c in new_form["channel_0"]["choices"]] == ["-", "vardprogram"]
    (team_change,) = [e for e in await audit.entries() if e.subject == f"team {TEAM_ID}"
                      and e.actor == USER["aadObjectId"]]  # fmt: skip
    assert (team_change.before["network"], team_change.after["network"]) == (
        "bestservice",
        "arbetsgrupp",
    )


async def test_a_channel_linked_to_the_boards_channel_gets_the_boards_posts_and_answers(
    bot, connector, store, installed
):
    card, _ = await open_form(bot, connector, installed)
    await bot.post(
        click(connector, card["actions"][0]["data"], team_network="bestservice",
              channel_0="styrelsen", channel_1="logistik", channel_2="maltider")
    )  # fmt: skip
    await bot.post(channel_message(connector.service_url, "årshjul", channel_id=FIKA_ID))

    saved, wheel = (await connector.wait_for_activities(4))[2:]
    assert "Klart! Ändrade kopplingar: 1." in saved.visible_text
    # The board's channel is no group's: it talks about the whole network.
    assert wheel.visible_text.startswith("Årshjulet – Best Service")
    async with delivery(bot) as (outbox, worker, clock):
        await outbox.enqueue([post("wheel:board", "styrelsen", due_at=clock())], clock())
        await worker.deliver_due(clock())
    sent = connector.activities[-1]
    assert (sent.conversation_id, sent.text) == (FIKA_ID, "Påminnelse wheel:board")
