"""Changing annual-wheel entries through a `Conversation` over a real SQLite database,
on a fixed clock (1 March 2027) and the test network with every kind of wheel rule."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime

import pytest

from dialogs.conversation import Conversation
from dialogs.meetings import MeetingDialogs
from dialogs.wheel_admin import WheelAdmin
from domain.recurrence import STOCKHOLM
from domain.turns import Turn
from services.planning import sync_meeting_series
from services.registry_snapshots import RegistrySnapshots
from storage.meetings import MeetingRepository
from storage.outbox import Outbox
from storage.registry_repository import RegistryRepository
from storage.wheel_overrides import WheelOverrideStore
from tests.manifest.card_schema import validate_card
from tests.scheduler.planned import post
from tests.scheduler.wheel_network import ADMIN_ID, WHEEL_NETWORK

NOW = datetime(2027, 3, 1, 12, 0, tzinfo=STOCKHOLM)
TEST_NETWORK = replace(WHEEL_NETWORK, admins=(ADMIN_ID,))


@pytest.fixture
async def chat(sqlite_database) -> Conversation:
    registry = RegistryRepository(sqlite_database)
    await registry.replace_networks([TEST_NETWORK])
    meetings = MeetingRepository(sqlite_database)
    await sync_meeting_series(await registry.load(), meetings, NOW)
    overrides = WheelOverrideStore(sqlite_database)
    wheel = MeetingDialogs(meetings, now=lambda: NOW, wheel_overrides=overrides)
    admin = WheelAdmin(overrides, meetings, Outbox(sqlite_database), now=lambda: NOW)
    return Conversation(
        RegistrySnapshots(registry),
        default_network="testnet",
        commands=wheel.commands(),
        actions=admin.actions(),
        today=lambda: NOW.date(),
    )


def edit(rule: str, language: str = "sv", **fields) -> Turn:
    value = {"action": "wheel.edit", "network": "testnet", "rule": rule, "lang": language}
    return Turn("", user_aad_object_id=ADMIN_ID, value={**value, **fields})


def inputs(card: dict) -> dict[str, object]:
    return {e["id"]: e.get("value") for e in card["body"] if e["type"].startswith("Input.")}


async def save(chat: Conversation, rule: str, language: str = "sv", **changes):
    (form,) = await chat.respond(edit(rule, language))
    data = form.card["actions"][0]["data"]
    value = {**data, **inputs(form.card), **changes}
    return await chat.respond(Turn("", user_aad_object_id=ADMIN_ID, value=value))


async def test_a_relative_entry_is_edited_as_days_before_the_meeting(chat):
    (form,) = await chat.respond(edit("kallelse"))
    validate_card(form.card)
    assert inputs(form.card) == {
        "offset": 14,
        "lead_days": "3, 0",
        "target": "general",
        "responsible": "processledare",
        "paused": "",
    }
    facts = {f["title"]: f["value"] for f in form.card["body"][1]["facts"]}
    assert facts["När"] == "14 dagar före varje rådsmöte"

    (saved,) = await save(chat, "kallelse", offset="21", lead_days="7")

    facts = {f["title"]: f["value"] for f in saved.card["body"][1]["facts"]}
    assert facts["När"] == "21 dagar före varje rådsmöte"
    # Every deadline also gets its post on the day, unless the data file opts out.
    assert facts["Påminnelser"] == "7 dagar före och samma dag"


async def test_a_check_with_its_own_dates_offers_no_date_and_english_reads_english(chat):
    (form,) = await chat.respond(edit("mandat", "en"))

    assert "months" not in inputs(form.card) and "offset" not in inputs(form.card)
    notes = [e["text"] for e in form.card["body"] if e["type"] == "TextBlock"]
    assert any(n.startswith("The date follows from what the check is about") for n in notes)
    assert form.card["actions"][0]["title"] == "Save"


async def test_the_last_day_and_an_unchanged_form(chat):
    (saved,) = await save(chat, "budget", months="2,6", day="-1")
    facts = {f["title"]: f["value"] for f in saved.card["body"][1]["facts"]}
    assert facts["När"] == "sista dagen i februari och juni"

    (again,) = await save(chat, "budget")

    assert again.text == "Inget ändrades: ”Budget klar” var redan så."


async def test_a_february_30th_and_an_unknown_channel_are_refused(chat):
    (reply,) = await save(chat, "budget", months="2", day="30", target="nowhere")

    assert reply.text == (
        "Jag kunde inte spara: februari har inte 30 dagar (välj ”sista dagen” för månadens "
        "sista dag); välj en kanal i listan. Inget har ändrats; rätta och spara igen."
    )


async def test_saving_withdraws_the_entrys_waiting_reminders(chat, sqlite_database):
    outbox = Outbox(sqlite_database)
    waiting = "wheel:testnet:budget:2027-10-31:30d:alfa"
    await outbox.enqueue([post(waiting, "alfa", network="testnet", due_at=NOW)], NOW)

    (saved,) = await save(chat, "budget", day="15")

    assert await outbox.get(waiting) is None
    assert "Väntande påminnelser om den gamla lydelsen som drogs tillbaka: 1." in saved.text
    assert "Nästa datum: fredag 15 oktober 2027" in saved.text


async def test_an_entry_gone_from_the_data_file_is_said_so(chat):
    (reply,) = await chat.respond(edit("finns_inte"))

    assert reply.text.startswith("Den posten finns inte längre i årshjulet")
