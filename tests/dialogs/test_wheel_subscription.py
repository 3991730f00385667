"""The wheel card's "Prenumerera i Outlook" / "Subscribe in Outlook": the group's (or the
network's) calendar subscription link, made on the first ask and the same afterwards."""

from __future__ import annotations

from pathlib import Path

import pytest

from dialogs.conversation import Conversation
from dialogs.meetings import MeetingDialogs
from domain.calendar_tokens import CalendarScope
from domain.turns import Turn
from services.calendar_feed import CalendarLinks
from services.planning import sync_meeting_series
from services.registry_snapshots import RegistrySnapshots
from storage.calendar_tokens import CalendarTokenStore
from storage.meetings import MeetingRepository
from storage.registry_files import load_directory
from storage.registry_repository import RegistryRepository
from tests.dialogs.test_meetings import NOW, in_channel, texts
from tests.manifest.card_schema import validate_card

SHIPPED = Path(__file__).resolve().parents[2] / "data" / "networks"
BASE = "https://bot.example.se"


@pytest.fixture
async def links(sqlite_database) -> CalendarLinks:
    return CalendarLinks(CalendarTokenStore(sqlite_database), b"k" * 32)


async def chat_with(sqlite_database, links: CalendarLinks | None, base: str) -> Conversation:
    registry = RegistryRepository(sqlite_database)
    await registry.replace_networks(load_directory(SHIPPED).networks)
    meetings = MeetingRepository(sqlite_database)
    await sync_meeting_series(await registry.load(), meetings, NOW)
    dialogs = MeetingDialogs(meetings, now=lambda: NOW, calendar_links=links,
                             public_base_url=base)  # fmt: skip
    return Conversation(
        RegistrySnapshots(registry), default_network="bestservice",
        commands=dialogs.commands(), actions=dialogs.actions(), today=lambda: NOW.date(),
    )  # fmt: skip


def subscribe_action(card: dict) -> dict | None:
    return next((a for a in card["actions"] if a["type"] == "Action.OpenUrl"), None)


async def test_the_wheel_card_offers_the_groups_subscription_link(sqlite_database, links):
    chat = await chat_with(sqlite_database, links, BASE)

    (reply,) = await chat.respond(Turn("årshjul", **in_channel("logistik")))
    validate_card(reply.card)
    action = subscribe_action(reply.card)
    assert action is not None and action["title"] == "Prenumerera i Outlook"
    assert action["url"].startswith("webcal://bot.example.se/calendar/")
    token = action["url"].rsplit("/", 1)[1].removesuffix(".ics")
    assert await links.scope_of(token) == CalendarScope("bestservice", "logistik")
    https = action["url"].replace("webcal://", "https://")
    assert any(https in text and "Prenumerera från webben" in text for text in texts(reply.card))

    (again,) = await chat.respond(Turn("årshjul", **in_channel("logistik")))
    assert subscribe_action(again.card)["url"] == action["url"]
    (english,) = await chat.respond(Turn("the wheel", **in_channel("logistik")))
    assert subscribe_action(english.card)["title"] == "Subscribe in Outlook"
    (network,) = await chat.respond(Turn("årshjul", kind="personal"))
    network_token = subscribe_action(network.card)["url"].rsplit("/", 1)[1].removesuffix(".ics")
    assert await links.scope_of(network_token) == CalendarScope("bestservice")


@pytest.mark.parametrize("configured", ["no key", "no public address"])
async def test_without_a_key_or_a_public_address_the_card_has_no_link(
    sqlite_database, configured
):
    links = CalendarLinks(CalendarTokenStore(sqlite_database), None if configured == "no key"
                          else b"k" * 32)  # fmt: skip
    chat = await chat_with(sqlite_database, links, "" if configured != "no key" else BASE)

    (reply,) = await chat.respond(Turn("årshjul", **in_channel("logistik")))

    assert subscribe_action(reply.card) is None
    assert not any("Outlook" in text for text in texts(reply.card))
