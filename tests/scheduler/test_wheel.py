"""The annual wheel: rules expanded into dated deadlines per channel, and checks that warn."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

from domain.wheel import wheel_deadlines
from tests.scheduler.wheel_network import WHEEL_NETWORK, meeting


def dated(deadlines, rule: str) -> list[tuple[str, str, str]]:
    return [
        (d.nominal.isoformat(), d.day.isoformat(), d.channel)
        for d in deadlines
        if d.rule.key == rule
    ]


def test_a_yearly_deadline_goes_to_every_group_each_year_moved_off_the_weekend():
    deadlines = wheel_deadlines(WHEEL_NETWORK, [], date(2026, 1, 1), date(2028, 12, 31))

    assert dated(deadlines, "budget") == [
        # 31 October 2026 is a Saturday (and All Saints' Day): Friday the 30th.
        ("2026-10-31", "2026-10-30", channel)
        for channel in ("alfa", "beta", "beredning")
    ] + [
        # 2027: a Sunday, so Friday the 29th; 2028: a Tuesday, kept.
        ("2027-10-31", "2027-10-29", channel)
        for channel in ("alfa", "beta", "beredning")
    ] + [("2028-10-31", "2028-10-31", channel) for channel in ("alfa", "beta", "beredning")]


def test_a_rule_that_does_not_shift_keeps_christmas_eve_and_goes_to_its_channel():
    deadlines = wheel_deadlines(WHEEL_NETWORK, [], date(2026, 12, 1), date(2026, 12, 31))

    assert dated(deadlines, "julhalsning") == [("2026-12-24", "2026-12-24", "styrelsen")]


def test_a_deadline_shifted_back_into_the_period_is_found():
    # 1 November 2026 is a Sunday; a rule on that day falls on Friday 30 October.
    rule = replace(WHEEL_NETWORK.wheel[0], rrule="FREQ=YEARLY;BYMONTH=11;BYMONTHDAY=1")
    network = replace(WHEEL_NETWORK, wheel=(rule,))

    deadlines = wheel_deadlines(network, [], date(2026, 10, 30), date(2026, 10, 30))

    assert {d.day for d in deadlines} == {date(2026, 10, 30)}


def test_relative_rules_follow_the_meetings_they_belong_to():
    meetings = [
        meeting(1, "alfa", "rad", "2027-02-16T13:00"),
        meeting(2, "alfa", "rad", "2027-04-20T13:00"),
        meeting(3, "beta", "traff", "2027-02-03T09:00", step=1),
        meeting(4, "beta", "traff", "2027-04-07T09:00", step=2),
    ]

    deadlines = wheel_deadlines(WHEEL_NETWORK, meetings, date(2027, 1, 1), date(2027, 12, 31))

    assert dated(deadlines, "kallelse") == [
        ("2027-02-02", "2027-02-02", "general"),
        ("2027-04-06", "2027-04-06", "general"),
    ]
    # Only the first meeting of the numbered series, and only in that meeting's group.
    assert dated(deadlines, "utkast") == [("2027-01-27", "2027-01-27", "beta")]
    (notice,) = [d for d in deadlines if d.rule.key == "kallelse" and d.meeting.id == 1]
    assert notice.key == "testnet:kallelse:2027-02-02:general"


def test_a_moved_meeting_moves_its_deadline():
    before = wheel_deadlines(
        WHEEL_NETWORK,
        [meeting(1, "alfa", "rad", "2027-02-16T13:00")],
        date(2027, 1, 1),
        date(2027, 3, 1),
    )
    after = wheel_deadlines(
        WHEEL_NETWORK,
        [meeting(1, "alfa", "rad", "2027-02-23T13:00")],
        date(2027, 1, 1),
        date(2027, 3, 1),
    )

    assert dated(before, "kallelse") == [("2027-02-02", "2027-02-02", "general")]
    assert dated(after, "kallelse") == [("2027-02-09", "2027-02-09", "general")]


def test_too_few_meetings_in_person_warn_only_the_groups_that_have_too_few():
    meetings = [
        meeting(1, "alfa", "mote", "2027-03-09T10:00"),
        meeting(2, "alfa", "mote", "2027-10-12T10:00", mode="hybrid"),  # people in the room
        meeting(3, "beta", "mote", "2027-03-10T10:00"),
        meeting(4, "beta", "mote", "2027-05-10T10:00", mode="online"),  # not in person
        meeting(5, "beta", "mote", "2026-10-10T10:00"),  # last year
    ]

    deadlines = wheel_deadlines(WHEEL_NETWORK, meetings, date(2027, 9, 1), date(2027, 9, 30))

    checks = [d for d in deadlines if d.rule.key == "fysiska"]
    assert [(d.channel, d.found, d.year, d.day) for d in checks] == [
        ("beta", 1, 2027, date(2027, 9, 15)),
        ("beredning", 0, 2027, date(2027, 9, 15)),
    ]


def test_a_council_meeting_without_its_preparation_meeting_is_flagged():
    meetings = [
        meeting(1, "alfa", "rad", "2027-02-16T13:00"),
        meeting(2, "beredning", "beredningsmote", "2027-02-02T09:00"),  # exactly 14 days before
        meeting(3, "alfa", "rad", "2027-04-20T13:00"),
        meeting(4, "beredning", "beredningsmote", "2027-04-01T09:00"),  # 19 days: too early
    ]

    deadlines = wheel_deadlines(WHEEL_NETWORK, meetings, date(2027, 1, 1), date(2027, 12, 31))

    (flagged,) = [d for d in deadlines if d.rule.key == "beredning"]
    assert (flagged.meeting.id, flagged.nominal, flagged.channel) == (
        3,
        date(2027, 4, 6),
        "beredning",
    )


def test_a_chair_whose_term_ends_is_due_for_a_successor():
    deadlines = wheel_deadlines(WHEEL_NETWORK, [], date(2027, 12, 1), date(2027, 12, 31))

    (ending,) = [d for d in deadlines if d.rule.key == "mandat"]
    # 31 December 2027 is New Year's Eve: the Thursday before.
    assert (ending.channel, ending.day) == ("alfa", date(2027, 12, 30))
    assert [a.person.name for a in ending.holders] == ["Åsa Öberg"]


def test_a_group_sees_only_its_own_deadlines():
    deadlines = wheel_deadlines(
        WHEEL_NETWORK, [], date(2026, 10, 1), date(2026, 12, 31), group_key="beta"
    )

    assert {(d.rule.key, d.channel) for d in deadlines} == {("budget", "beta")}
