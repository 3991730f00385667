"""The audit log in chat: "logg" shows a network's admins its latest changes, by name, and
politely refuses everyone else. Through a `Conversation` over a real SQLite database."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime

import pytest

from dialogs.admin import AuditDialogs
from dialogs.conversation import Conversation
from dialogs.meetings import MeetingDialogs
from domain.recurrence import STOCKHOLM
from domain.turns import Turn
from services.planning import sync_meeting_series
from services.registry_snapshots import RegistrySnapshots
from storage.audit import AuditLog
from storage.meetings import MeetingRepository
from storage.registry_repository import RegistryRepository
from tests.scheduler.wheel_network import ADMIN_ID, CHAIR_ALFA_ID, WHEEL_NETWORK

NOW = datetime(2027, 3, 1, 12, 0, tzinfo=STOCKHOLM)
# Åsa Öberg (CHAIR_ALFA_ID) is an admin by the e-mail she holds a role under.
TEST_NETWORK = replace(WHEEL_NETWORK, admins=("asa@example.org", ADMIN_ID))


@pytest.fixture
async def chat(sqlite_database) -> Conversation:
    registry = RegistryRepository(sqlite_database)
    await registry.replace_networks([TEST_NETWORK], actor="cli:ops", action="registry.import")
    meetings = MeetingRepository(sqlite_database)
    await sync_meeting_series(await registry.load(), meetings, NOW)
    meeting_dialogs = MeetingDialogs(meetings, now=lambda: NOW)
    return Conversation(
        RegistrySnapshots(registry),
        default_network="testnet",
        commands=[*meeting_dialogs.commands(), *AuditDialogs(AuditLog(sqlite_database)).commands()],
        actions=meeting_dialogs.actions(),
        today=lambda: NOW.date(),
    )


async def cancel_next_alfa_meeting(chat: Conversation, sqlite_database) -> None:
    meeting = await MeetingRepository(sqlite_database).next_meeting("testnet", "alfa", NOW)
    value = {"action": "meeting.cancel", "meeting_id": meeting.id, "lang": "sv"}
    await chat.respond(Turn("", value=value, user_aad_object_id=CHAIR_ALFA_ID))


async def test_an_admin_sees_the_latest_changes_by_name(chat, sqlite_database):
    await cancel_next_alfa_meeting(chat, sqlite_database)

    (reply,) = await chat.respond(Turn("logg", user_aad_object_id=CHAIR_ALFA_ID))

    lines = reply.text.splitlines()
    assert lines[0] == "**Senaste ändringarna i Testnätet**"
    cancelled, imported = lines[2], lines[3]
    assert "Åsa Öberg: ställde in ett möte (meeting " in cancelled
    assert "cancelled: False → True" in cancelled
    assert "kommandoraden (ops): importerade registret (network testnet)" in imported
    # Markdown-escaped, so that Teams shows the e-mail's brackets, not an HTML tag.
    assert "+ordforande/alfa: Åsa Öberg \\<asa@example.org\\>" in imported
    assert lines[-1] == "Hela loggen: `python app.py audit --network testnet` på servern."


async def test_the_log_answers_in_english_when_asked_in_english(chat):
    (reply,) = await chat.respond(Turn("audit log", user_aad_object_id=ADMIN_ID))

    assert reply.text.startswith("**Latest changes in The test network**")
    assert "the command line (ops): imported the registry" in reply.text


async def test_a_plain_member_is_politely_refused(chat, sqlite_database):
    await cancel_next_alfa_meeting(chat, sqlite_database)

    for sender in ("aad-plain-member", None):
        (reply,) = await chat.respond(Turn("logg", user_aad_object_id=sender))

        assert reply.text.startswith("Tyvärr, ändringsloggen kan bara nätverkets administratörer")
        assert "Åsa" not in reply.text and "möte" not in reply.text
