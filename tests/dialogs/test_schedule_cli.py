"""How `wheel`, `agenda` and `calendar` read their arguments (the processes themselves are
tested in tests/test_schedule_cli.py): which networks a --network/--group pair names, and
the mistakes that are refused before any work is done."""

from __future__ import annotations

import io
import json
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta

import pytest

from cli.schedule import (
    MAX_WHEEL_DAYS,
    Streams,
    UsageError,
    calendar_command,
    json_array,
    networks_for,
    wheel_command,
)
from domain.calendar_tokens import CalendarScope
from domain.meetings import Meeting, MeetingDraft
from domain.recurrence import start_of_day
from domain.registry import RoleRegistry
from services.calendar_feed import CalendarLinks
from services.schedule import Schedule
from storage.calendar_tokens import CalendarTokenStore
from storage.meetings import MeetingRepository
from tests.scheduler.wheel_network import WHEEL_NETWORK

OTHER = replace(WHEEL_NETWORK, key="othernet", groups=WHEEL_NETWORK.groups[:1])
REGISTRY = RoleRegistry(networks=(WHEEL_NETWORK, OTHER))


def test_a_group_alone_finds_its_one_network_and_a_shared_group_needs_the_network():
    assert networks_for(REGISTRY, None, "beta") == [(WHEEL_NETWORK, "beta")]
    assert networks_for(REGISTRY, None, None) == [(WHEEL_NETWORK, None), (OTHER, None)]
    assert networks_for(REGISTRY, "othernet", "alfa") == [(OTHER, "alfa")]
    with pytest.raises(UsageError, match=r"'alfa' is in several networks \(testnet, othernet\)"):
        networks_for(REGISTRY, None, "alfa")
    with pytest.raises(UsageError, match="unknown group 'beta' in network 'othernet'"):
        networks_for(REGISTRY, "othernet", "beta")


@pytest.mark.parametrize("days", [0, -3, MAX_WHEEL_DAYS + 1])
async def test_a_window_of_no_days_or_too_many_is_refused(days):
    streams = Streams(io.StringIO(), io.StringIO())

    code = await wheel_command(
        REGISTRY, None, streams,  # type: ignore[arg-type]  # refused before any reading
        network_key="testnet", group_key=None, start=None, days=days, as_json=True,
        language="sv", now=datetime.now(UTC),
    )  # fmt: skip

    assert code == 2
    assert f"--days {days} is not a number of days" in streams.err.getvalue()
    assert streams.out.getvalue() == ""


@pytest.mark.parametrize(
    ("link", "revoke", "base_url", "message"),
    [
        (True, False, None, "--link needs --base-url"),
        (True, True, "https://bot.example.se", "--link and --revoke exclude each other"),
        (True, False, "https://bot.example.se/?q=1", "is not the bot's public address"),
    ],
)
async def test_calendar_link_arguments_are_checked_before_anything_is_stored(
    sqlite_database, link, revoke, base_url, message
):
    streams = Streams(io.StringIO(), io.StringIO())
    store = CalendarTokenStore(sqlite_database)

    code = await calendar_command(
        REGISTRY, None, CalendarLinks(store, b"k" * 32), streams,  # type: ignore[arg-type]
        network_key="testnet", group_key="alfa", out=None, link=link, revoke=revoke,
        base_url=base_url, language="sv", actor="cli:test",
    )  # fmt: skip

    assert code == 2 and message in streams.err.getvalue()
    assert await store.current(CalendarScope("testnet", "alfa")) is None  # nothing made


@pytest.mark.parametrize(
    "rows",
    [
        [],
        [{"date": "2027-03-01", "title": 'Möte "A"\nrad två\u2028\x00', "group": None,
          "cancelled": True, "step": 2, "share": 0.5}],
        [{"a": "x"}, {"b": None, "c": False}, {"d": "é</script>"}],
        [{}],  # not what the command lists: written by json.dumps itself
        [{"nested": {"a": [1, 2]}}],
    ],
)  # fmt: skip
def test_wheel_json_is_written_exactly_as_json_dumps_indents_it(rows):
    # Scripts outside the repository read `wheel --json`: the faster writer changes no byte.
    assert json_array(rows) == json.dumps(rows, ensure_ascii=False, indent=2)


async def test_a_listing_has_the_meetings_of_its_days_and_group_as_the_repository_reads_them(
    sqlite_database,
):
    # `Schedule.due` takes the window's meetings from the years it reads for the checks:
    # the same meetings the repository gives for the window, at its edges too.
    meetings = MeetingRepository(sqlite_database)
    schedule = Schedule(meetings)
    now = datetime(2027, 1, 1, tzinfo=UTC)

    async def add(group: str, start: datetime, hours: float) -> Meeting:
        draft = MeetingDraft("testnet", group, "mote", start, start + timedelta(hours=hours))
        return await meetings.add(draft, by="test", now=now)

    first, last = date(2027, 3, 10), date(2027, 3, 12)
    opening, closing = start_of_day(first), start_of_day(last + timedelta(days=1))
    await add("alfa", opening - timedelta(hours=2), 2)  # ends as the window opens: out
    await add("alfa", opening - timedelta(hours=1), 2)  # runs into the window: in
    await add("beta", opening + timedelta(hours=10), 1)
    cancelled = await add("alfa", opening + timedelta(days=1), 1)
    await meetings.cancel(cancelled.id, by="test", now=now)
    await add("alfa", closing - timedelta(hours=1), 1)  # the last hour: in
    await add("beta", closing, 1)  # starts as the window closes: out
    await add("alfa", opening - timedelta(days=40), 1)  # read for the checks, not listed

    for group in (None, "alfa", "beta"):
        for cancelled_too in (False, True):
            listed = await schedule.due(
                WHEEL_NETWORK, first, last, "sv", group_key=group,
                include_cancelled=cancelled_too,
            )  # fmt: skip
            read = await meetings.meetings(
                "testnet", opening, closing, group_key=group, include_cancelled=cancelled_too
            )
            assert [i.meeting for i in listed if i.meeting is not None] == read
            assert len(read) == {None: 3, "alfa": 2, "beta": 1}[group] + (
                cancelled_too and group != "beta"
            )
