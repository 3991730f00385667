"""The bot joining and leaving a team, and channel events, through the running app.

Activities are posted as Teams sends them; the team's channels are served by the
loopback connector. What the bot stored is read through a second handle on its own
database, what it posted at the connector.
"""

from __future__ import annotations

import random
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime

import pytest

from bot.adapter import create_adapter
from bot.cards import ADAPTIVE_CARD_CONTENT_TYPE
from bot.proactive import ConnectorSender
from bot.settings import Settings
from scheduler.delivery import DeliveryWorker
from storage.conversations import ConversationStore
from storage.database import Database
from storage.outbox import Outbox
from tests.bot.teams_activities import (
    CHANNEL_ID,
    TEAM_ID,
    TENANT_ID,
    bot_added_to_team,
    bot_removed_from_team,
    channel_event,
    channel_message,
    installation_update,
    personal_message,
)
from tests.scheduler.planned import FixedClock, general_post, post

MALTIDER_ID = "19:Mx4maltider@thread.tacv2"
FIKA_ID = "19:Fk9fika@thread.tacv2"


@pytest.fixture
def settings(tmp_path) -> Settings:
    """The bot without its own scheduler: these tests deliver with a worker on a fixed clock."""
    return Settings(
        database_url=f"sqlite+aiosqlite:///{tmp_path / 'bot.db'}",
        port=0,
        scheduler_interval_seconds=0,
    )


@pytest.fixture
async def store(bot) -> AsyncIterator[ConversationStore]:
    database = Database(bot.settings.database_url)
    yield ConversationStore(database)
    await database.close()


@pytest.fixture
def team_channels(connector) -> None:
    # As Teams lists them: General has the team's id and no name.
    connector.channels[TEAM_ID] = [
        {"id": TEAM_ID},
        {"id": CHANNEL_ID, "name": "Logistik"},
        {"id": MALTIDER_ID, "name": "MÅLTIDER"},
        {"id": FIKA_ID, "name": "Fika"},
    ]


def card_of(activity) -> dict:
    (attachment,) = activity.attachments
    assert attachment["contentType"] == ADAPTIVE_CARD_CONTENT_TYPE
    return attachment["content"]


async def bindings(store: ConversationStore) -> list[tuple[str | None, str, str | None]]:
    stored = await store.bindings_for_team(TEAM_ID)
    return [(b.channel_id, b.network_key, b.group_key) for b in stored]


async def test_adding_the_bot_stores_every_channel_binds_groups_and_posts_the_mapping(
    bot, connector, store, team_channels
):
    status, _ = await bot.post(bot_added_to_team(connector.service_url))

    assert status == 201
    assert connector.requests_to("GET", f"/v3/teams/{TEAM_ID}/conversations")
    stored = {r.conversation_id: r for r in await store.references_for_team(TEAM_ID)}
    assert set(stored) == {TEAM_ID, CHANNEL_ID, MALTIDER_ID, FIKA_ID}
    logistik = stored[CHANNEL_ID]
    assert (logistik.tenant_id, logistik.channel_id, logistik.kind) == (
        TENANT_ID,
        CHANNEL_ID,
        "channel",
    )
    assert logistik.reference["conversation"]["id"] == CHANNEL_ID
    assert logistik.reference["serviceUrl"] == connector.service_url
    assert await bindings(store) == [
        (None, "bestservice", None),
        (CHANNEL_ID, "bestservice", "logistik"),
        (MALTIDER_ID, "bestservice", "maltider"),
    ]

    (welcome,) = await connector.wait_for_activities(1)
    assert welcome.conversation_id == TEAM_ID and welcome.reply_to_id is None
    card = card_of(welcome)
    (facts,) = [element["facts"] for element in card["body"] if element["type"] == "FactSet"]
    assert [(f["title"], f["value"]) for f in facts] == [
        ("Allmänt", "hela nätverket"),
        ("Fika", "ingen grupp (frågor här gäller hela nätverket)"),
        ("Logistik", "gruppen Logistik"),
        ("MÅLTIDER", "gruppen Måltider"),
    ]
    assert "Grupper utan egen kanal: Lokalvård, VNS." in welcome.visible_text
    assert card["actions"][0]["data"] == {"action": "confirm_channel_mapping"}


async def test_the_confirm_button_is_acknowledged(bot, connector, team_channels):
    clicked = personal_message(
        connector.service_url, None, value={"action": "confirm_channel_mapping"}
    )
    clicked.pop("text")

    await bot.post(clicked)

    (reply,) = await connector.wait_for_activities(1)
    assert reply.visible_text.startswith("Tack! Kopplingen gäller.")


async def test_posts_asked_for_in_a_bound_channel_are_that_networks(
    bot, connector, team_channels
):
    await bot.post(bot_added_to_team(connector.service_url))

    await bot.post(channel_message(connector.service_url, "utskick"))

    _, overview = await connector.wait_for_activities(2)
    assert overview.visible_text.startswith("Utskick i Best Service")


async def test_a_team_named_after_no_network_is_bound_to_the_default_and_says_so(
    bot, connector, store
):
    activity = bot_added_to_team(connector.service_url)
    activity["channelData"]["team"]["name"] = "Kansliet"

    await bot.post(activity)

    assert await bindings(store) == [(None, "bestservice", None)]
    (welcome,) = await connector.wait_for_activities(1)
    assert "Teamets namn liknade inget nätverk, så jag utgick från Best Service." in (
        welcome.visible_text
    )


async def test_channel_events_keep_references_and_bindings_current(
    bot, connector, store, team_channels
):
    await bot.post(bot_added_to_team(connector.service_url))
    vns_id = "19:Vn5vns@thread.tacv2"

    url = connector.service_url
    await bot.post(channel_event(url, "channelCreated", vns_id, "Vårdnära service"))
    # Renamed to a name of no group: the binding stays, reminders keep coming.
    await bot.post(channel_event(url, "channelRenamed", CHANNEL_ID, "Transporter"))
    # Renamed to a group's name: bound to it.
    await bot.post(channel_event(url, "channelRenamed", FIKA_ID, "Lokalvård"))
    await bot.post(channel_event(url, "channelDeleted", MALTIDER_ID))

    assert await bindings(store) == [
        (None, "bestservice", None),
        (CHANNEL_ID, "bestservice", "logistik"),
        (vns_id, "bestservice", "vns"),
        (FIKA_ID, "bestservice", "lokalvard"),
    ]
    active = {r.conversation_id for r in await store.references_for_team(TEAM_ID)}
    assert active == {TEAM_ID, CHANNEL_ID, FIKA_ID, vns_id}
    assert len(connector.activities) == 1  # the welcome; channel events post nothing


@pytest.mark.parametrize(
    "removal",
    [bot_removed_from_team, lambda url: installation_update(url, "remove")],
    ids=["membersRemoved", "installationUpdate remove"],
)
async def test_removing_the_bot_makes_the_team_unreachable(
    bot, connector, store, team_channels, removal
):
    await bot.post(bot_added_to_team(connector.service_url))

    await bot.post(removal(connector.service_url))

    assert await store.references_for_team(TEAM_ID) == []
    reference = await store.channel_reference("bestservice", "logistik")
    assert reference is not None and not reference.active


async def test_an_upgrade_is_not_a_removal(bot, connector, store, team_channels):
    await bot.post(bot_added_to_team(connector.service_url))

    await bot.post(installation_update(connector.service_url, "remove-upgrade"))
    await bot.post(installation_update(connector.service_url, "add-upgrade"))

    assert len(await store.references_for_team(TEAM_ID)) == 4
    assert len(connector.activities) == 1  # installationUpdate posts no second welcome


@asynccontextmanager
async def delivery(bot) -> AsyncIterator[tuple[Outbox, DeliveryWorker, FixedClock]]:
    """A delivery worker on the bot's database, sending to the connector, on a fixed clock."""
    database = Database(bot.settings.database_url)
    adapter = create_adapter(Settings())
    clock = FixedClock(datetime.now(UTC))
    try:
        outbox = Outbox(database)
        worker = DeliveryWorker(
            outbox=outbox,
            channels=ConversationStore(database),
            sender=ConnectorSender(adapter),
            worker_id="replica-1",
            clock=clock,
            rng=random.Random(2),
        )
        yield outbox, worker, clock
    finally:
        await adapter.close()
        await database.close()


async def test_posts_parked_while_the_bot_was_removed_go_out_after_it_is_added_again(
    bot, connector, store, team_channels
):
    await bot.post(bot_added_to_team(connector.service_url))
    async with delivery(bot) as (outbox, worker, clock):
        await outbox.enqueue(
            [post("agenda:logistik", due_at=clock()), general_post("wheel:1", due_at=clock())],
            clock(),
        )
        connector.script(403, {"error": {"code": "BotNotInConversationRoster", "message": "x"}})

        await worker.deliver_due(clock())
        assert [(e.key, e.status) for e in await outbox.overview("bestservice", clock())] == [
            ("agenda:logistik", "undeliverable"),
            ("wheel:1", "undeliverable"),
        ]

        await bot.post(bot_added_to_team(connector.service_url))  # added again
        clock.advance(minutes=1)
        await worker.deliver_due(clock())

    welcome, again, *posts = connector.activities
    assert (welcome.conversation_id, again.conversation_id) == (TEAM_ID, TEAM_ID)
    assert sorted((p.conversation_id, p.text) for p in posts) == [
        (TEAM_ID, "Påminnelse wheel:1"),
        (CHANNEL_ID, "Påminnelse agenda:logistik"),
    ]


async def test_a_groups_posts_wait_for_its_channel_and_go_out_once_it_is_created(
    bot, connector, store, team_channels
):
    await bot.post(bot_added_to_team(connector.service_url))
    vns_id = "19:Vn5vns@thread.tacv2"
    async with delivery(bot) as (outbox, worker, clock):
        await outbox.enqueue([post("agenda:vns", "vns", due_at=clock())], clock())
        await worker.deliver_due(clock())
        parked = await outbox.get("agenda:vns")
        assert parked is not None
        assert (parked.status, parked.last_error) == ("undeliverable", "no channel bound")

        await bot.post(channel_event(connector.service_url, "channelCreated", vns_id, "VNS"))
        clock.advance(minutes=1)
        await worker.deliver_due(clock())

    _, sent = connector.activities
    assert (sent.conversation_id, sent.text) == (vns_id, "Påminnelse agenda:vns")
