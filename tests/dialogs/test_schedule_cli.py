"""How `wheel`, `agenda` and `calendar` read their arguments (the processes themselves are
tested in tests/test_schedule_cli.py): which networks a --network/--group pair names, and
the mistakes that are refused before any work is done."""

from __future__ import annotations

import io
from dataclasses import replace
from datetime import UTC, datetime

import pytest

from cli.schedule import (
    MAX_WHEEL_DAYS,
    Streams,
    UsageError,
    calendar_command,
    networks_for,
    wheel_command,
)
from domain.calendar_tokens import CalendarScope
from domain.registry import RoleRegistry
from services.calendar_feed import CalendarLinks
from storage.calendar_tokens import CalendarTokenStore
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
