"""No message text, name, e-mail or Entra object id in the log, even when the database fails.

The running bot on SQLite and on PostgreSQL, the loopback Bot Connector, and the log as
`serve` writes it (`configure_logging`) at DEBUG. The database is made to refuse the
turn's conversation reference when it holds a marker (a trigger on SQLite, a CHECK
constraint on PostgreSQL, whose error quotes the whole failing row): a real database
error, whose message and parameters carry the sender's name and the marker.
"""

from __future__ import annotations

import dataclasses
import logging
import re
from collections.abc import AsyncIterator

import aiohttp
import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import create_async_engine

from bot.cards import edge_text
from bot.settings import Settings
from observability.logs import person_hash
from tests.bot.conftest import RunningBot, running_bot, start_bot
from tests.bot.teams_activities import USER, personal_message
from tests.bot.test_observability import LogBuffer, fields, log_buffer  # noqa: F401
from tests.conftest import PostgresServer

MARKER = "Zebrafink-Markor-8842"
EMAIL = "anna.zebrafink@kommun.example"


async def refuse_marked_references(database_url: str) -> None:
    """Make the database fail any conversation reference that holds MARKER."""
    engine = create_async_engine(database_url)
    try:
        async with engine.begin() as connection:
            if engine.dialect.name == "sqlite":
                await connection.execute(
                    text(
                        "CREATE TRIGGER refuse_marker BEFORE INSERT ON conversation_reference "
                        f"WHEN NEW.reference LIKE '%{MARKER}%' "
                        "BEGIN SELECT RAISE(ABORT, 'refused'); END"
                    )
                )
            else:
                await connection.execute(
                    text(
                        "ALTER TABLE conversation_reference ADD CONSTRAINT refuse_marker "
                        f"CHECK (reference::text NOT LIKE '%{MARKER}%')"
                    )
                )
    finally:
        await engine.dispose()


@pytest.fixture
async def bot_on_each_database(each_database_settings) -> AsyncIterator[RunningBot]:
    settings = dataclasses.replace(each_database_settings, scheduler_interval_seconds=0)
    async with running_bot(settings) as running:
        yield running


@pytest.mark.parametrize("log_buffer", ["DEBUG"], indirect=True)
async def test_a_database_error_logs_neither_the_text_nor_the_name_nor_the_id(
    log_buffer: LogBuffer, bot_on_each_database: RunningBot, connector
):
    bot = bot_on_each_database
    await refuse_marked_references(bot.settings.database_url)
    sender = {**USER, "name": f"Anna {MARKER}", "email": EMAIL}
    activity = personal_message(
        connector.service_url, f"Vem bokar {MARKER}-rummet?", **{"from": sender}
    )

    status, _ = await bot.post(activity)

    assert status == 201
    (apology,) = await connector.wait_for_activities(1)
    assert apology.text == edge_text("apology", "sv")  # the database did refuse the turn
    (line,) = [x for x in log_buffer.lines() if re.search(r" ERROR \S+: turn failed ", x)]
    assert fields(line)["turn"]
    assert "IntegrityError" in fields(line)["error"]
    for secret in (MARKER, "Zebrafink", "Anna", EMAIL, USER["aadObjectId"], USER["id"]):
        assert secret not in log_buffer.text, f"{secret!r} is in the log"
    # The traceback is there, at DEBUG, with frames and types but no message.
    (traceback_line,) = log_buffer.lines("turn failed: traceback")
    assert " DEBUG " in traceback_line
    assert "(message not logged)" in log_buffer.text


def test_person_fields_are_logged_as_a_short_keyed_hash(log_buffer: LogBuffer):
    logger = logging.getLogger("samverkan.test")

    logger.info("meeting moved", extra={"meeting": 3, "by": USER["aadObjectId"]})
    logger.info("role changed", extra={"user": USER["aadObjectId"].upper()})
    key = f"minutes-reminder:natet:alfa:2026-11-24T09:00:3d:to:{USER['aadObjectId']}"
    logger.info("post sent", extra={"key": key})

    first, second = log_buffer.lines("meeting moved") + log_buffer.lines("role changed")
    assert fields(first)["by"] == fields(second)["user"] == person_hash(USER["aadObjectId"])
    (sent,) = log_buffer.lines("post sent")
    assert fields(sent)["key"] == key.replace(USER["aadObjectId"], fields(first)["by"])
    assert re.fullmatch(r"p:[0-9a-f]{10}", fields(first)["by"])
    assert USER["aadObjectId"] not in log_buffer.text
    assert USER["aadObjectId"].upper() not in log_buffer.text


@pytest.mark.postgres
async def test_readiness_probes_in_an_outage_log_the_error_type_not_its_message(
    log_buffer: LogBuffer, postgres_server: PostgresServer
):
    # PostgreSQL's errors quote the database's name: here it carries the marker.
    name = f"samverkan_test_{MARKER}"
    await postgres_server.execute(f'CREATE DATABASE "{name}"')
    settings = Settings(
        database_url=postgres_server.url_for(name), port=0, scheduler_interval_seconds=0
    )
    runner, base_url = await start_bot(settings)
    start_up_done = log_buffer.mark()  # start-up names the database it opens, rightly
    try:
        await postgres_server.execute(f'DROP DATABASE "{name}" WITH (FORCE)')
        async with aiohttp.ClientSession() as http:
            for _ in range(2):  # the pool's broken connection, then a refused new one
                async with http.get(f"{base_url}/readyz") as response:
                    assert response.status == 503
    finally:
        await runner.cleanup()
        await postgres_server.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    outage = "\n".join(log_buffer.since(start_up_done))
    assert outage.count("not ready: database ") == 2
    assert MARKER not in outage
