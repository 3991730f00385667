"""The annual-wheel page as the running bot serves it, from the shipped data.

test_wheel_browser.py checks the page's drawing with sample entries; this opens GET /wheel
on the bot the e2e fixtures start (`app.py serve`, shipped networks, the real clock) and
reads it back with the same helpers: the page lists the year's entries, every mark sits
in its own month's sector, and today is marked in the current month. Screenshot:
artifacts/wheel/served.png (and served-full.png, the whole list). The page goes out
gzipped to a client that takes gzip, and as it is to one that does not.
"""

from __future__ import annotations

import gzip
import urllib.request
from datetime import UTC, date, datetime

import pytest

from domain.recurrence import local
from tests.e2e.test_wheel_browser import SHOTS, VIEWS, assert_marks_apart, read_ring

pytestmark = pytest.mark.e2e


def test_the_bots_wheel_page_shows_the_shipped_year(browser, bot_process):
    context = browser.new_context(viewport=VIEWS["teams-tab"], locale="sv-SE")
    try:
        page = context.new_page()
        errors: list[str] = []
        page.on("console", lambda message: message.type == "error" and errors.append(message.text))
        response = page.goto(f"http://127.0.0.1:{bot_process.port}/wheel")
        today = local(datetime.now(UTC)).date()
        ring = read_ring(page)
        SHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=SHOTS / "served.png")
        page.screenshot(path=SHOTS / "served-full.png", full_page=True)
    finally:
        context.close()

    assert response.status == 200
    items = ring["items"]
    assert len(items) >= 10, f"the shipped year lists only {len(items)} dates: {items}"
    marks = {mark["entry"]: mark for mark in ring["marks"]}
    assert set(marks) == {item["entry"] for item in items}
    dates = [date.fromisoformat(item["date"]) for item in items]
    assert dates == sorted(dates), "the list is not in date order"
    assert dates[0] >= today.replace(day=1) and (dates[-1] - today).days < 366, dates
    for item in items:
        mark = marks[item["entry"]]
        day = date.fromisoformat(item["date"])
        where = f"{day} {item['title']} ({SHOTS / 'served.png'})"
        assert item["title"], where
        assert mark["date"] == item["date"] and mark["number"] == item["badge"], where
        assert mark["onTop"], f"mark hidden under something: {where}"
        assert mark["sector"] == {
            "month": f"{day:%Y-%m}",
            "current": (day.year, day.month) == (today.year, today.month),
        }, where
    assert_marks_apart(ring)
    assert ring["today"] == {
        "date": today.isoformat(),
        "sector": {"month": f"{today:%Y-%m}", "current": True},
    }
    assert errors == []


def test_the_bot_sends_its_page_gzipped_to_a_client_that_takes_gzip(bot_process):
    url = f"http://127.0.0.1:{bot_process.port}/wheel?network=erad&lang=en"
    # urllib sends no Accept-Encoding of its own and never decompresses.
    with urllib.request.urlopen(url, timeout=30) as plain:
        assert plain.headers["Content-Encoding"] is None
        assert plain.headers["Vary"] == "Accept-Encoding"
        html = plain.read()
    request = urllib.request.Request(url, headers={"Accept-Encoding": "gzip, deflate, br"})
    with urllib.request.urlopen(request, timeout=30) as zipped:
        assert zipped.headers["Content-Encoding"] == "gzip"
        assert zipped.headers["Content-Type"] == "text/html; charset=utf-8"
        raw = zipped.read()

    assert gzip.decompress(raw) == html
    assert len(raw) * 4 < len(html), (len(raw), len(html))
