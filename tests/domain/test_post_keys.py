"""`PostKey` is the one definition of the outbox's key formats. Keys are stored: each one
built here must be byte-identical to what the planners wrote before `PostKey` existed (the
old f-strings are copied below), or rows already in the outbox would not be found and their
posts would go out twice."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from domain.posts import PostKey
from domain.recurrence import local

OID = "8d3c1b2a-0f4e-4c5d-9a6b-7e8f9a0b1c2d"
# 09:00 UTC is 10:00 in Stockholm in March (CET): the key names the local start.
STARTS_AT = datetime(2026, 3, 12, 9, 0, tzinfo=UTC)
SUMMER_START = datetime(2026, 7, 2, 16, 30, tzinfo=UTC)  # 18:30 CEST


def _old_start(starts_at: datetime) -> str:
    return local(starts_at).strftime("%Y-%m-%dT%H:%M")


@pytest.mark.parametrize("starts_at", [STARTS_AT, SUMMER_START])
def test_meeting_keys_are_the_old_formats(starts_at: datetime) -> None:
    start = _old_start(starts_at)
    base = f"bestservice:logistik:{start}"
    assert str(PostKey.agenda("bestservice", "logistik", starts_at, 7)) == (
        f"agenda:bestservice:logistik:{start}:7d"
    )
    assert str(PostKey.minutes_ask("bestservice", "logistik", starts_at)) == f"minutes-ask:{base}"
    assert str(PostKey.minutes_ask("bestservice", "logistik", starts_at).to(OID)) == (
        f"minutes-ask:{base}:to:{OID}"
    )
    reminder = PostKey.minutes_reminder("bestservice", "logistik", starts_at, 1)
    assert str(reminder) == f"minutes-reminder:{base}:1d"
    assert str(reminder.with_lead(3).to(OID)) == f"minutes-reminder:{base}:3d:to:{OID}"


def test_the_literal_keys_stored_in_outboxes() -> None:
    """The exact strings earlier versions stored (as the scenario tests have them)."""
    assert str(PostKey.agenda("bestservice", "logistik", STARTS_AT, 0)) == (
        "agenda:bestservice:logistik:2026-03-12T10:00:0d"
    )
    assert str(PostKey.wheel("bestservice", "budget", date(2026, 10, 31), 30, "general")) == (
        "wheel:bestservice:budget:2026-10-31:30d:general"
    )
    assert str(PostKey.minutes_admin("bestservice", date(2026, 3, 12))) == (
        "minutes-admin:bestservice:2026-03-12"
    )
    assert str(PostKey.minutes_notice("filed", 42, "Abc_12-xyZ")) == "minutes-filed:42:Abc_12-xyZ"
    assert str(PostKey.minutes_notice("refused", 42, "Abc_12-xyZ", to_sender=True)) == (
        "minutes-refused:42:Abc_12-xyZ:to-sender"
    )
    # An outcome without an upload (never from the filer, but the old f-string allowed it).
    assert str(PostKey.minutes_notice("failed", 7, None)) == "minutes-failed:7:None"


def test_wheel_keys_are_the_old_format() -> None:
    nominal, channel = date(2027, 1, 31), "logistik"
    old = f"wheel:bestservice:arsmote:{nominal.isoformat()}:7d:{channel}"
    key = PostKey.wheel("bestservice", "arsmote", nominal, 7, channel)
    assert str(key) == old
    assert str(key.with_lead(0)) == f"wheel:bestservice:arsmote:{nominal.isoformat()}:0d:{channel}"


def test_withdrawing_a_rule_finds_its_reminders_and_no_other_rule() -> None:
    prefix = PostKey.wheel_rule_prefix("bestservice", "budget")
    assert prefix == "wheel:bestservice:budget:"  # what the old code withdrew by
    assert str(PostKey.wheel("bestservice", "budget", date(2026, 10, 31), 7, "general")).startswith(
        prefix
    )
    other = PostKey.wheel("bestservice", "budget_uppfoljning", date(2026, 10, 31), 7, "general")
    assert not str(other).startswith(prefix)


ROUND_TRIPS = [
    PostKey.agenda("bestservice", "logistik", STARTS_AT, 7),
    PostKey.agenda("bestservice", "logistik", SUMMER_START, 0).to(OID),
    PostKey.wheel("bestservice", "budget", date(2026, 10, 31), 30, "general"),
    PostKey.wheel("bestservice", "budget", date(2026, 10, 31), 0, "styrelse").to(OID),
    PostKey.minutes_ask("bestservice", "logistik", STARTS_AT),
    PostKey.minutes_ask("bestservice", "logistik", STARTS_AT).to(OID),
    PostKey.minutes_reminder("bestservice", "logistik", STARTS_AT, 5),
    PostKey.minutes_reminder("bestservice", "logistik", STARTS_AT, 12).to(OID),
    PostKey.minutes_notice("filed", 42, "Abc_12-xyZ"),
    PostKey.minutes_notice("waiting", 42, "17.20260312T101500123456", to_sender=True),
    PostKey.minutes_admin("bestservice", date(2026, 3, 12)),
]


@pytest.mark.parametrize("key", ROUND_TRIPS, ids=str)
def test_a_key_reads_back_as_what_built_it(key: PostKey) -> None:
    assert PostKey.parse(str(key)) == key
    assert str(PostKey.parse(str(key))) == str(key)


def test_a_parsed_key_names_its_parts() -> None:
    key = PostKey.parse(f"minutes-reminder:bestservice:logistik:2026-03-12T10:00:3d:to:{OID}")
    assert (key.kind, key.network, key.group) == ("minutes-reminder", "bestservice", "logistik")
    assert (key.occurrence, key.lead_days, key.person) == ("2026-03-12T10:00", 3, OID)
    wheel = PostKey.parse("wheel:bestservice:budget:2026-10-31:30d:general")
    assert (wheel.rule, wheel.lead_days, wheel.channel) == ("budget", 30, "general")


@pytest.mark.parametrize(
    "text", ["", "agenda:bestservice:logistik", "wheel:x:y:2026-10-31:general", "erased-17"]
)
def test_what_is_no_key_is_refused(text: str) -> None:
    with pytest.raises(ValueError, match="not a post key"):
        PostKey.parse(text)
