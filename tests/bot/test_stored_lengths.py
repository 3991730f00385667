"""Every field a turn stores is length-checked at the edge, the same on SQLite and PostgreSQL.

Hypothesis draws one stored field of a Teams channel message ("lägg till punkt …" in a
channel bound to a group, which stores the conversation reference, the team's group id
and an agenda item with its author) and makes it longer than its column. Over real
HTTP, on both databases: an over-long id is a 400 with a JSON error, nothing is stored
or sent and no ERROR is logged; an over-long name is dropped with one WARNING, the turn
is answered and the name is nowhere in the database.
"""

from __future__ import annotations

import dataclasses
import logging
from collections.abc import AsyncIterator, Iterator
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from bot.cards import edge_text
from bot.http import DROPPABLE_FIELDS, STORED_IDS
from storage.database import Database
from storage.schema import TEAMS_ID_LENGTH, USER_ID_LENGTH, Base
from tests.bot.conftest import RunningBot, running_bot, shipped_networks
from tests.bot.hostile_input import EXAMPLES, FUZZ
from tests.bot.teams_activities import channel_message
from tests.bot.test_meeting_scenarios import bind_channel

# Every stored field and its limit: the ids the edge refuses, the names it drops.
REFUSED = [*STORED_IDS, (("conversation", "id"), TEAMS_ID_LENGTH)]
DROPPED = list(DROPPABLE_FIELDS)
# A dozen fields: a quarter of the edge fuzzers' examples covers each several times.
LENGTH_FUZZ = settings(FUZZ, max_examples=max(10, EXAMPLES // 4))


class Records(logging.Handler):
    """Log records at WARNING and above, from every logger."""

    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


@pytest.fixture
def records() -> Iterator[Records]:
    handler = Records()
    logging.getLogger().addHandler(handler)
    try:
        yield handler
    finally:
        logging.getLogger().removeHandler(handler)


@pytest.fixture
async def bound_bot(each_database_settings, tmp_path) -> AsyncIterator[RunningBot]:
    """The bot on SQLite or PostgreSQL, without its scheduler, the test channel bound to
    Best Service's Logistik."""
    settings = dataclasses.replace(
        each_database_settings,
        networks_dir=shipped_networks(tmp_path),
        scheduler_interval_seconds=0,
    )
    async with running_bot(settings) as running:
        await bind_channel(running, "bestservice", "logistik")
        yield running


async def all_rows(database_url: str) -> dict[str, list[tuple[Any, ...]]]:
    database = Database(database_url)
    try:
        async with database.snapshot() as session:
            return {
                table.name: sorted(map(repr, (await session.execute(select(table))).all()))
                for table in Base.metadata.sorted_tables
            }
    finally:
        await database.close()


def message_with(service_url: str, path: tuple[str, ...], value: str) -> dict[str, Any]:
    activity = channel_message(service_url, "lägg till punkt Kaffe och fika")
    activity["channelData"]["team"]["aadGroupId"] = "5c2d6f0e-1b7a-4a8e-9d3c-2f4e6a8b0c1d"
    activity["channelData"]["team"]["name"] = "Best Service"
    activity["channelData"]["channel"]["name"] = "Logistik"
    if path[:2] == ("conversation", "id"):
        value = value[: -len(activity["conversation"]["id"])] + activity["conversation"]["id"]
    if path == ("from", "id"):
        del activity["from"]["aadObjectId"]  # then the agenda item's author is this id
    target = activity
    for key in path[:-1]:
        target = target.setdefault(key, {})
    target[path[-1]] = value
    return activity


def over_long(limit: int) -> st.SearchStrategy[str]:
    """A printable ASCII string (as Teams' ids are) longer than `limit`, up to twice it."""
    alphabet = st.sampled_from("abcdefABCDEF0123456789-:@._")
    return st.integers(limit + 1, 2 * limit + 50).flatmap(
        lambda n: st.text(alphabet, min_size=n, max_size=n)
    )


@LENGTH_FUZZ
@given(data=st.data())
async def test_an_over_long_id_is_refused_with_nothing_stored(
    bound_bot, connector, records, data
):
    path, limit = data.draw(st.sampled_from(REFUSED), label="field")
    value = data.draw(over_long(limit), label="value")
    records.records.clear()
    before = await all_rows(bound_bot.settings.database_url)
    sent_before = len(connector.activities)

    status, body = await bound_bot.post(message_with(connector.service_url, path, value))

    assert status == 400, body
    assert body["error"]["code"] in ("field_too_long", "invalid_activity")
    assert ".".join(path) in body["error"]["message"]
    assert await all_rows(bound_bot.settings.database_url) == before
    assert connector.activities[sent_before:] == []
    assert [r for r in records.records if r.levelno >= logging.ERROR] == []


@LENGTH_FUZZ
@given(data=st.data())
async def test_an_over_long_name_is_dropped_with_a_warning(bound_bot, connector, records, data):
    path, limit = data.draw(st.sampled_from(DROPPED), label="field")
    value = data.draw(over_long(limit), label="value")
    records.records.clear()
    sent_before = len(connector.activities)

    status, _ = await bound_bot.post(message_with(connector.service_url, path, value))

    assert status == 201
    await connector.wait_for_activities(sent_before + 1)
    (warning,) = [r for r in records.records if r.getMessage() == "over-long field dropped"]
    assert (warning.levelno, warning.field) == (logging.WARNING, ".".join(path))
    assert [r for r in records.records if r.levelno >= logging.ERROR] == []
    rows = await all_rows(bound_bot.settings.database_url)
    assert value not in repr(rows)


async def test_ids_at_their_limits_are_stored_on_both_databases(bound_bot, connector, records):
    for path, limit in REFUSED:
        value = "x" * limit
        if path == ("conversation", "id"):
            value = "19:" + "x" * (limit - len("19:;messageid=1732000000000") - 5)
        status, body = await bound_bot.post(message_with(connector.service_url, path, value))
        assert status == 201, (path, body)
    replies = await connector.wait_for_activities(len(REFUSED))
    # Answered (an id of another team or channel: "which group?"), never the apology.
    assert not {r.visible_text for r in replies} & {edge_text("apology", "sv")}
    assert [r for r in records.records if r.levelno >= logging.ERROR] == []
    rows = await all_rows(bound_bot.settings.database_url)
    assert rows["agenda_item"]
    assert any("x" * USER_ID_LENGTH in row for row in rows["agenda_item"])  # the author
