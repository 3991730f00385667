"""The Swedish calendar: the same days off and names as the `holidays` package's own.

`domain.recurrence` loads only holidays' Sweden module (the package's way imports all
~250 countries on the first date a turn needs). Each side runs in its own process, so the
reference is the package's ordinary `holidays.country_holidays("SE", ...)` and not the
module the bot loaded.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
YEARS = range(2020, 2041)

# Every day of the years: (ISO date, is it a working day, its name in Swedish, in English).
OURS = f"""
import json, sys
from datetime import date, timedelta
from domain.recurrence import holiday_name, is_working_day
days = []
for year in {tuple(YEARS)!r}:
    day = date(year, 1, 1)
    while day.year == year:
        days.append([day.isoformat(), is_working_day(day), holiday_name(day, "sv"),
                     holiday_name(day, "en")])
        day += timedelta(days=1)
print(json.dumps({{"days": days, "countries": "holidays.countries" in sys.modules}}))
"""

REFERENCE = f"""
import json
from datetime import date, timedelta
import holidays
days = []
for year in {tuple(YEARS)!r}:
    options = dict(years=year, categories=("public", "de_facto"), include_sundays=False)
    sv = holidays.country_holidays("SE", language="sv", **options)
    en = holidays.country_holidays("SE", language="en_US", **options)
    day = date(year, 1, 1)
    while day.year == year:
        days.append([day.isoformat(), day.weekday() < 5 and day not in sv, sv.get(day),
                     en.get(day)])
        day += timedelta(days=1)
print(json.dumps({{"days": days}}))
"""


def _run(script: str) -> dict:
    done = subprocess.run(
        [sys.executable, "-c", script], cwd=ROOT, text=True, capture_output=True, timeout=120
    )
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def test_the_bot_keeps_the_same_days_off_and_names_as_the_holidays_package():
    ours, reference = _run(OURS), _run(REFERENCE)
    assert len(ours["days"]) == len(reference["days"]) == sum(
        366 if year % 4 == 0 else 365 for year in YEARS
    )
    differ = [(a, b) for a, b in zip(ours["days"], reference["days"], strict=True) if a != b]
    assert not differ, differ[:5]
    # Not a vacuous comparison: the years have their days off, with their names.
    days_off = [day for day in reference["days"] if day[2] is not None]
    assert len(days_off) >= 15 * len(YEARS)
    assert ["2030-06-21", False, "Midsommarafton", "Midsummer Eve"] in days_off


def test_the_calendar_loads_sweden_without_the_other_countries():
    assert _run(OURS)["countries"] is False
