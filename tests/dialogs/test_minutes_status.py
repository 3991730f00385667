"""The "protokoll" status says when the bot can ask the secretary in the channel only."""

from __future__ import annotations

from datetime import date

from dialogs.conversation import CommandRequest
from dialogs.minutes import MinutesDialogs
from domain.minutes import MinutesRules
from domain.registry import RoleRegistry
from domain.turns import Turn
from storage.database import Database
from storage.meetings import MeetingRepository
from storage.minutes import MinutesRepository
from tests.scheduler.minutes_fixtures import WITH_BETA


async def status(database: Database, group: str) -> str:
    dialogs = MinutesDialogs(MeetingRepository(database), MinutesRepository(database),
                             MinutesRules())  # fmt: skip
    (reply,) = await dialogs.status(
        CommandRequest(
            turn=Turn(text=f"protokoll {group}"),
            argument=group,
            language="sv",
            network=WITH_BETA,
            registry=RoleRegistry((WITH_BETA,)),
            today=date(2026, 3, 12),
        )
    )
    assert reply.card is not None
    assert reply.text.rpartition("\n\n")[2] in str(reply.card)  # the card says it too
    return reply.text


async def test_the_status_says_when_the_secretary_is_asked_in_the_channel_only(
    sqlite_database: Database,
):
    assert "frågar efter protokollen och påminner bara i kanalen" in await status(
        sqlite_database, "beta"
    )
    assert "bara i kanalen" not in await status(sqlite_database, "alfa")
