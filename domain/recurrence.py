"""Dates and times of the networks' rhythm: RFC 5545 recurrences, Swedish working days.

Everything the networks plan is in Swedish wall-clock time: a meeting "every other month
on the third Tuesday at 13.00" stays at 13.00 across daylight-saving changes. Rules are
expanded over naive Europe/Stockholm times with python-dateutil's `rrule` and only then
turned into timezone-aware times. Deadlines that fall on a weekend or a Swedish public
holiday (or Midsummer Eve, Christmas Eve or New Year's Eve, which workplaces keep as
holidays) move to the working day before (or after, where a rule says so), with the
`holidays` package as the calendar (its Sweden module only: see `_sweden`).
"""

from __future__ import annotations

import importlib.util
import sys
from datetime import date, datetime, time, timedelta
from functools import cache, lru_cache
from pathlib import Path
from zoneinfo import ZoneInfo

import holidays
from dateutil import rrule as rfc5545

from domain.registry import Language, ShiftPolicy

STOCKHOLM = ZoneInfo("Europe/Stockholm")

# Public holidays and the eves Swedish workplaces close on (holidays' "de_facto" category).
_HOLIDAY_CATEGORIES = ("public", "de_facto")

# The furthest a shift moves a day: over a long Easter or Christmas and a weekend. Who
# looks for what shifts into a period looks this much past its ends.
LONGEST_SHIFT = timedelta(days=10)


def occurrences(
    rule: str | None, dtstart: datetime, start: datetime, end: datetime
) -> list[datetime]:
    """The naive local times of `rule` (an RRULE value) from `dtstart` within [start, end].

    Without a rule there is one occurrence, `dtstart` itself.
    """
    if rule is None:
        return [dtstart] if start <= dtstart <= end else []
    return list(rfc5545.rrulestr(rule, dtstart=dtstart).between(start, end, inc=True))


def nth_occurrence(rule: str | None, dtstart: datetime, moment: datetime) -> int:
    """How many occurrences of `rule` there are up to and including `moment` (1 for the first)."""
    if rule is None:
        return 1
    return len(rfc5545.rrulestr(rule, dtstart=dtstart).between(dtstart, moment, inc=True))


def aware(local: datetime) -> datetime:
    """A naive Europe/Stockholm wall-clock time as a timezone-aware time."""
    return local.replace(tzinfo=STOCKHOLM)


def local(moment: datetime) -> datetime:
    """A timezone-aware time in Europe/Stockholm."""
    return moment.astimezone(STOCKHOLM)


def at_local(day: date, clock: time) -> datetime:
    """The timezone-aware time of `clock` in Stockholm on `day`."""
    return aware(datetime.combine(day, clock))


def start_of_day(day: date) -> datetime:
    """Midnight in Stockholm at the start of `day`, timezone-aware."""
    return at_local(day, time.min)


def holiday_name(day: date, language: Language) -> str | None:
    """The name of the Swedish holiday (or closed eve) on `day` in `language`: "Nyårsafton",
    "New Year's Eve"; None on other days, weekends included."""
    names = _holidays(day.year) if language == "sv" else _holidays(day.year, "en_US")
    return names.get(day)


def is_working_day(day: date) -> bool:
    """A weekday that is no Swedish public holiday, Midsummer, Christmas or New Year's Eve."""
    return day.weekday() < 5 and day not in _holidays(day.year)


def previous_working_day(day: date) -> date:
    """`day` itself if it is a working day, else the last working day before it."""
    while not is_working_day(day):
        day -= timedelta(days=1)
    return day


def next_working_day(day: date) -> date:
    """`day` itself if it is a working day, else the first working day after it."""
    while not is_working_day(day):
        day += timedelta(days=1)
    return day


def shifted(day: date, policy: ShiftPolicy) -> date:
    """The day something due on `day` really falls on under `policy`."""
    if policy == "previous_working_day":
        return previous_working_day(day)
    if policy == "next_working_day":
        return next_working_day(day)
    return day


@lru_cache(maxsize=64)
def _holidays(year: int, language: str = "sv") -> holidays.HolidayBase:
    return _sweden()(
        years=year, categories=_HOLIDAY_CATEGORIES, include_sundays=False, language=language
    )


_SWEDEN_MODULE = "holidays.countries.sweden"


@cache
def _sweden() -> type[holidays.HolidayBase]:
    """holidays' Sweden class, loaded without the package's ~250 other countries.

    `holidays.Sweden` imports `holidays.countries`, whose `__init__` imports every country
    (8 MiB and about 0.2 s, on the first turn that needs a date). The Sweden module itself
    imports only holidays' shared base modules, so it is loaded from its file under its
    own name; a later `import holidays.countries` finds it in `sys.modules` and uses the
    same class. tests/scheduler/test_holiday_calendar.py compares its dates with the package's.
    """
    if (loaded := sys.modules.get(_SWEDEN_MODULE)) is not None:
        return loaded.Sweden
    path = Path(holidays.__file__).with_name("countries") / "sweden.py"
    spec = importlib.util.spec_from_file_location(_SWEDEN_MODULE, path)
    if spec is None or spec.loader is None or not path.is_file():
        return holidays.Sweden  # a layout this loader does not know: the package's own way
    module = importlib.util.module_from_spec(spec)
    sys.modules[_SWEDEN_MODULE] = module
    try:
        spec.loader.exec_module(module)
    except BaseException:
        del sys.modules[_SWEDEN_MODULE]
        raise
    return module.Sweden
