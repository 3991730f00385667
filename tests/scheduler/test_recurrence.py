"""Swedish working days and RFC 5545 recurrences in Stockholm wall-clock time."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from domain.recurrence import aware, is_working_day, occurrences, previous_working_day, shifted


@pytest.mark.parametrize(
    ("deadline", "expected", "why"),
    [
        (date(2026, 10, 31), date(2026, 10, 30), "Saturday and All Saints' Day"),
        (date(2026, 11, 1), date(2026, 10, 30), "Sunday"),
        (date(2026, 6, 19), date(2026, 6, 18), "Midsummer Eve"),
        (date(2026, 6, 20), date(2026, 6, 18), "Midsummer Day"),
        (date(2026, 12, 24), date(2026, 12, 23), "Christmas Eve"),
        (date(2026, 12, 25), date(2026, 12, 23), "Christmas Day"),
        (date(2026, 12, 26), date(2026, 12, 23), "Boxing Day, a Saturday"),
        (date(2027, 12, 26), date(2027, 12, 23), "Christmas Eve to Boxing Day, Friday to Sunday"),
        (date(2026, 12, 31), date(2026, 12, 30), "New Year's Eve"),
        (date(2027, 1, 1), date(2026, 12, 30), "New Year's Day, back into the old year"),
        (date(2027, 3, 29), date(2027, 3, 25), "Easter Monday, back over the Easter weekend"),
        (date(2026, 6, 6), date(2026, 6, 5), "National Day"),
        (date(2026, 11, 24), date(2026, 11, 24), "an ordinary Tuesday"),
    ],
)
def test_a_deadline_on_a_day_off_moves_to_the_working_day_before(deadline, expected, why):
    assert shifted(deadline, "previous_working_day") == expected, why
    assert is_working_day(expected)


def test_a_rule_may_keep_its_deadline_on_a_day_off():
    assert shifted(date(2026, 12, 24), "none") == date(2026, 12, 24)


def test_the_days_before_a_holiday_are_working_days():
    # "Dag före Julafton" and Maundy Thursday are half days, not days off.
    assert is_working_day(date(2026, 12, 23))
    assert is_working_day(date(2026, 4, 2))
    assert previous_working_day(date(2026, 4, 6)) == date(2026, 4, 2)  # over Easter


def test_a_yearly_rule_repeats_across_years_at_the_same_wall_clock_time():
    # The second Tuesday of March and October, 10.00: once in winter time, once in summer.
    times = occurrences(
        "FREQ=YEARLY;BYMONTH=3,10;BYDAY=2TU",
        datetime(2027, 3, 9, 10, 0),
        datetime(2027, 1, 1),
        datetime(2029, 12, 31),
    )

    assert [t.date() for t in times] == [
        date(2027, 3, 9), date(2027, 10, 12), date(2028, 3, 14),
        date(2028, 10, 10), date(2029, 3, 13), date(2029, 10, 9),
    ]  # fmt: skip
    assert {t.time().isoformat() for t in times} == {"10:00:00"}
    # 10.00 in Stockholm is 09.00 UTC in winter and 08.00 UTC in summer.
    assert [aware(t).utcoffset().total_seconds() / 3600 for t in times[:2]] == [1.0, 2.0]


def test_a_counted_rule_stops_and_a_single_meeting_has_no_rule():
    six = occurrences(
        "FREQ=YEARLY;BYMONTH=1,3,5,8,10,12;BYDAY=3WE;COUNT=6",
        datetime(2027, 1, 20, 9, 30),
        datetime(2027, 1, 1),
        datetime(2030, 1, 1),
    )
    assert len(six) == 6 and six[-1].date() == date(2027, 12, 15)

    once = datetime(2027, 5, 4, 13, 0)
    assert occurrences(None, once, datetime(2027, 1, 1), datetime(2028, 1, 1)) == [once]
    assert occurrences(None, once, datetime(2028, 1, 1), datetime(2029, 1, 1)) == []
