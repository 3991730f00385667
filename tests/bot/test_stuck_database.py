"""A turn stuck behind a lock another replica holds answers 503, and the resent one works.

The running app on PostgreSQL with a short statement timeout; a second connection holds
the row lock of the conversation's stored reference, which every turn in a conversation
new to this process writes first.
"""

from __future__ import annotations

import dataclasses
import logging
import time
from collections.abc import AsyncIterator

import pytest
from sqlalchemy import text

from storage.conversations import ConversationStore
from storage.database import Database
from tests.bot.conftest import RunningBot
from tests.bot.teams_activities import PERSONAL_CONVERSATION_ID, personal_message

pytestmark = pytest.mark.postgres

TIMEOUT = 0.5


@pytest.fixture
def postgres_settings(postgres_settings):
    """The bot's own PostgreSQL database, statements bounded to 0.5 s."""
    return dataclasses.replace(postgres_settings, database_statement_timeout_seconds=TIMEOUT)


@pytest.fixture
async def other_replica(postgres_bot: RunningBot) -> AsyncIterator[Database]:
    """Another process's handle on the bot's database (migrated by the bot's start)."""
    database = Database(postgres_bot.settings.database_url)
    yield database
    await database.close()


async def test_a_turn_blocked_by_a_held_row_lock_answers_503_and_succeeds_when_resent(
    postgres_bot: RunningBot, other_replica: Database, connector, caplog
) -> None:
    # Written by another replica earlier, so this process writes it on the next turn.
    await ConversationStore(other_replica).save_reference(
        {"conversation": {"id": PERSONAL_CONVERSATION_ID}, "serviceUrl": connector.service_url},
        tenant_id=None,
        team_id=None,
        channel_id=None,
        kind="personal",
    )
    activity = personal_message(connector.service_url, "vem är ekonomiansvarig?")

    with caplog.at_level(logging.INFO):
        async with other_replica.transaction() as stuck:
            await stuck.execute(
                text("SELECT 1 FROM conversation_reference WHERE conversation_id = :id FOR UPDATE"),
                {"id": PERSONAL_CONVERSATION_ID},
            )
            started = time.monotonic()
            async with postgres_bot.http.post(postgres_bot.messages_url, json=activity) as response:
                status, headers, body = response.status, response.headers, await response.text()
            waited = time.monotonic() - started

    assert (status, headers.get("Retry-After")) == (503, "5"), body
    assert '"database_unavailable"' in body
    assert "Traceback" not in body and "statement timeout" not in body
    assert TIMEOUT <= waited < TIMEOUT + 3
    assert connector.activities == []  # no apology: the connector sends the activity again
    (warning,) = [
        r for r in caplog.records if r.getMessage() == "database unavailable: answered 503"
    ]
    assert warning.levelno == logging.WARNING and "statement timeout" in warning.error
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]

    # The lock is gone: the connector's second delivery of the same activity is answered.
    status, _ = await postgres_bot.post(activity)

    assert status == 201
    (reply,) = await connector.wait_for_activities(1)
    assert reply.visible_text
