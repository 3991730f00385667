"""The annual-wheel page in headless Chromium, as a coordinator would show it.

The page is served by `wheel_routes` from an aiohttp app on a loopback port, with Best
Service's year as the glue would fill it, and read back from the rendered DOM at the size
of the Teams tab (about 900 px wide), of a projector (1600 px) and of a phone (390 px,
where the ring draws its text and marks larger): every date is a mark on
the ring, inside its own month's sector (found by what is drawn under the mark's
direction, not by our own arithmetic), with its number and a line in the list; marks and
month names never overlap; the whole ring fits the window; today is marked in the current
month. Screenshots go to artifacts/wheel/; with WHEEL_DOCS_SCREENSHOT=1 the projector view
is also written to docs/wheel.png for the README.
"""

from __future__ import annotations

import asyncio
import math
import os
import shutil
import threading
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from aiohttp import web

from bot.wheel_routes import wheel_routes
from tests.e2e.conftest import ARTIFACTS
from tests.e2e.processes import ROOT
from views.wheel_page import R_INNER, R_OUTER, SIZE, WheelEntry, WheelPage

pytestmark = pytest.mark.e2e

SHOTS = ARTIFACTS / "wheel"
DOCS_SCREENSHOT = ROOT / "docs" / "wheel.png"
TODAY = date(2026, 11, 24)

VIEWS = {
    "teams-tab": {"width": 900, "height": 800},
    "projector": {"width": 1600, "height": 900},
    "phone": {"width": 390, "height": 844},
}


def _entry(when, title, detail, channel, role, kind="deadline", late=False) -> WheelEntry:
    return WheelEntry(date(*when), title, detail, channel, role, kind, late)


# Best Service's year from November 2026, from the seeds: meetings of the expert groups,
# the annual meeting, the activity plans due the same day in four channels, room booking
# by December, the autumn board meeting; two items overdue.
BEST_SERVICE_YEAR = [
    _entry((2026, 10, 30), "Verksamhetsberättelse till styrelsen",
           "Gruppens år sammanfattat inför styrelsens höstmöte.", "Allmänt",
           "Kontaktperson och ordförande", late=True),
    _entry((2026, 11, 12), "Expertgruppsmöte Logistik", "Digitalt möte; stående dagordning.",
           "Logistik", "Kontaktperson och ordförande", "meeting"),
    _entry((2026, 11, 19), "Årsmöte: budget för 2027 beslutas",
           "Gruppernas budgetförslag behandlas på Best Service årsmöte.", "Allmänt",
           "Ekonomiansvarig", "meeting"),
    _entry((2026, 11, 20), "Protokoll från årsmötet sparat",
           "Sekreteraren sparar protokollet i kanalens filer.", "Allmänt", "Sekreterare",
           "check", late=True),
    _entry((2026, 11, 26), "Expertgruppsmöte Måltider", "Fysiskt möte i Göteborg.", "Måltider",
           "Mötesansvarig", "meeting"),
    *[
        _entry((2026, 11, 30), "Aktivitetsplan 2027 klar",
               "Baserad på gruppens syfte och årets tema.", group,
               "Kontaktperson och ordförande")
        for group in ("Lokalvård", "Logistik", "Måltider", "VNS")
    ],
    _entry((2026, 12, 4), "Ordförande för 2027 utsedd",
           "Gruppen utser sin kontaktperson och ordförande för ett år i taget.", "Allmänt",
           "Kontaktperson och ordförande", "check"),
    _entry((2026, 12, 15), "Möteslokaler för 2027 bokade",
           "Senast i december för kommande år; stäm av med Konstella.", "Allmänt",
           "Mötesansvarig"),
    _entry((2027, 1, 21), "Expertgruppsmöte Lokalvård", "Digitalt möte.", "Lokalvård",
           "Kontaktperson och ordförande", "meeting"),
    _entry((2027, 2, 1), "Medlemsregistret uppdaterat", "Nya och avgångna medlemmar.",
           "Allmänt", "Medlemsansvarig", "check"),
    _entry((2027, 2, 11), "Styrelsemöte", "Gruppernas frågor till styrelsen.", "Styrelsen",
           "Styrelsen", "meeting"),
    _entry((2027, 3, 5), "Datainsamling nyckeltal 2026", "Underlag till benchmarkingprogrammet.",
           "FoU", "Kontaktpersoner för datainsamlingen"),
    _entry((2027, 3, 18), "Expertgruppsmöte VNS", "Fysiskt möte.", "VNS", "Mötesansvarig",
           "meeting"),
    _entry((2027, 4, 22), "Servicechefsdag", "Erfarenhetsutbyte för servicecheferna.",
           "Servicechefer", "Styrelsen", "meeting"),
    _entry((2027, 5, 12), "Expertgruppsmöte Logistik", "Fysiskt möte i Stockholm.", "Logistik",
           "Mötesansvarig", "meeting"),
    _entry((2027, 5, 31), "Halvårsavstämning av budget", "Ekonomiavstämning mot årets budget.",
           "Allmänt", "Ekonomiansvarig", "check"),
    _entry((2027, 6, 10), "Kommunikation till hemsidan", "Nyheter från grupperna till webbplatsen.",
           "Allmänt", "Kontaktperson och ordförande"),
    _entry((2027, 8, 26), "Expertgruppsmöte Måltider", "Digitalt möte.", "Måltider",
           "Kontaktperson och ordförande", "meeting"),
    _entry((2027, 9, 9), "Styrelsens höstmöte", "En representant presenterar gruppens år.",
           "Styrelsen", "Styrelsens kontaktperson", "meeting"),
    _entry((2027, 9, 30), "Två fysiska möten genomförda", "Minst två fysiska möten per år.",
           "Allmänt", "Mötesansvarig", "check"),
    _entry((2027, 10, 15), "Budgetförslag 2028 inlämnat", "Till årsmötet i november.", "Allmänt",
           "Ekonomiansvarig"),
    _entry((2027, 10, 21), "Expertgruppsmöte Lokalvård", "Fysiskt möte.", "Lokalvård",
           "Mötesansvarig", "meeting"),
]  # fmt: skip
# What the ring shows: one mark per date and title, with every channel it goes to (the
# activity plan is due in all four expert groups' channels on the same day).
ON_THE_RING: dict[tuple[date, str], list[str]] = {}
for _e in BEST_SERVICE_YEAR:
    if _e.when >= date(2026, 11, 1):
        ON_THE_RING.setdefault((_e.when, _e.title), []).append(_e.channel_name)


# A network whose March is as crowded as a month gets: fourteen dates, six on one day.
CROWDED_MARCH = [
    WheelEntry(date(2027, 3, day), f"Möte {n}", kind=("deadline", "meeting", "check")[n % 3])
    for n, day in enumerate([2, 9, 9, 9, 9, 9, 9, 10, 12, 16, 23, 24, 30, 31])
]


async def load_page(network: str | None, language: str) -> WheelPage:
    if network in (None, "bestservice"):
        return WheelPage("Best Service", date(2026, 11, 1), TODAY, BEST_SERVICE_YEAR, language)
    if network == "crowded":
        return WheelPage("Trängseln", date(2026, 11, 1), TODAY, CROWDED_MARCH, language)
    if network == "from-march":  # eight months of it behind us
        return WheelPage("Best Service", date(2026, 3, 1), TODAY, BEST_SERVICE_YEAR, language)
    raise LookupError(network)


@pytest.fixture(scope="module")
def wheel_url() -> Iterator[str]:
    """`GET /wheel` served from a thread's event loop on 127.0.0.1 (Playwright's sync API
    owns the test's thread)."""
    loop = asyncio.new_event_loop()
    thread = threading.Thread(target=loop.run_forever, daemon=True)
    thread.start()
    app = web.Application()
    app.add_routes(wheel_routes(load_page))
    runner = web.AppRunner(app, access_log=None)

    async def start() -> int:
        await runner.setup()
        await web.TCPSite(runner, "127.0.0.1", 0).start()
        return runner.addresses[0][1]

    port = asyncio.run_coroutine_threadsafe(start(), loop).result(timeout=30)
    try:
        yield f"http://127.0.0.1:{port}/wheel"
    finally:
        asyncio.run_coroutine_threadsafe(runner.cleanup(), loop).result(timeout=30)
        loop.call_soon_threadsafe(loop.stop)
        thread.join(timeout=30)
        loop.close()


@pytest.fixture(scope="module")
def shots() -> Path:
    shutil.rmtree(SHOTS, ignore_errors=True)
    SHOTS.mkdir(parents=True)
    return SHOTS


@pytest.fixture
def open_page(browser, wheel_url):
    """Opens the wheel page at a window size; collects what the console complained of."""
    contexts = []

    def open_at(viewport: dict[str, int], query: str = "") -> Any:
        context = browser.new_context(viewport=viewport, locale="sv-SE")
        contexts.append(context)
        page = context.new_page()
        page.console_errors = []
        page.on(
            "console",
            lambda message: message.type == "error" and page.console_errors.append(message.text),
        )
        response = page.goto(wheel_url + query)
        assert response.status == 200
        return page

    yield open_at
    for context in contexts:
        context.close()


# Reads the rendered page: the ring's box, each mark's centre, and what is drawn where the
# mark's direction crosses the middle of the month band.
_READ_RING = """
({bandRadius, size}) => {
  const ring = document.querySelector('svg.ring').getBoundingClientRect();
  const scale = ring.width / size;
  const cx = ring.left + ring.width / 2, cy = ring.top + ring.height / 2;
  const sectorAt = (x, y) => {
    const a = Math.atan2(x - cx, cy - y);
    const px = cx + Math.sin(a) * bandRadius * scale, py = cy - Math.cos(a) * bandRadius * scale;
    const hit = document.elementsFromPoint(px, py).map(e => e.closest('g.sector')).find(Boolean);
    return hit ? {month: hit.dataset.month, current: hit.classList.contains('current')} : null;
  };
  const centre = r => [r.left + r.width / 2, r.top + r.height / 2];
  const marks = [...document.querySelectorAll('svg.ring a.mark')].map(mark => {
    const shape = mark.querySelector('.shape').getBoundingClientRect();
    const [x, y] = centre(shape);
    const top = document.elementFromPoint(x, y);
    return {
      entry: mark.dataset.entry, date: mark.dataset.date, x, y,
      number: mark.querySelector('text').textContent,
      onTop: !!top && top.closest('a.mark') === mark,
      sector: sectorAt(x, y),
    };
  });
  const labels = [...document.querySelectorAll('.month-label')].map(label => {
    const r = label.getBoundingClientRect();
    return {text: label.textContent, shown: label.innerHTML && r.width > 0,
            box: [r.left, r.top, r.right, r.bottom]};
  });
  const pill = document.querySelector('g.today .today-pill');
  const today = pill && {date: pill.closest('g.today').dataset.date,
                         sector: sectorAt(...centre(pill.getBoundingClientRect()))};
  const items = [...document.querySelectorAll('li[data-entry]')].map(li => ({
    entry: li.dataset.entry, date: li.dataset.date,
    badge: li.querySelector('.badge text').textContent,
    title: li.querySelector('.title').innerText, text: li.innerText,
  }));
  return {
    box: [ring.left, ring.top, ring.right, ring.bottom], scale, marks, labels, today, items,
    window: [innerWidth, innerHeight], scrollWidth: document.documentElement.scrollWidth,
    hub: document.querySelector('g.hub').textContent,
  };
}
"""


def read_ring(page: Any) -> dict[str, Any]:
    return page.evaluate(_READ_RING, {"bandRadius": (R_INNER + R_OUTER) / 2, "size": SIZE})


def assert_marks_apart(ring: dict[str, Any]) -> None:
    """Marks are 23 units across (without their outline): no two may touch."""
    marks = ring["marks"]
    for i, a in enumerate(marks):
        for b in marks[i + 1 :]:
            distance = math.dist((a["x"], a["y"]), (b["x"], b["y"]))
            assert distance >= 23 * ring["scale"], f"marks {a['entry']} and {b['entry']} overlap"


def overlapping(a: list[float], b: list[float]) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


@pytest.mark.parametrize("view", VIEWS)
def test_every_date_sits_in_its_months_sector_and_is_in_the_list(open_page, shots, view):
    page = open_page(VIEWS[view])
    ring = read_ring(page)
    page.screenshot(path=shots / f"{view}.png")
    page.screenshot(path=shots / f"{view}-full.png", full_page=True)

    width, height = ring["window"]
    left, top, right, bottom = ring["box"]
    assert 0 <= left and right <= width and 0 <= top and bottom <= height, "ring cut off"
    assert ring["scrollWidth"] <= width, "the page scrolls sideways"

    marks = {mark["entry"]: mark for mark in ring["marks"]}
    items = ring["items"]
    assert [item["date"] for item in items] == [day.isoformat() for day, _ in ON_THE_RING]
    assert set(marks) == {item["entry"] for item in items}
    for item, ((day, title), channels) in zip(items, ON_THE_RING.items(), strict=True):
        mark = marks[item["entry"]]
        where = f"{day} {title} ({view}, {shots / view}.png)"
        assert item["title"] == title, where
        assert all(channel in item["text"] for channel in channels), where
        assert item["badge"] == mark["number"] == item["entry"], where
        assert mark["date"] == item["date"], where
        assert mark["onTop"], f"mark hidden under something: {where}"
        assert mark["sector"] == {
            "month": f"{day:%Y-%m}",
            "current": (day.year, day.month) == (TODAY.year, TODAY.month),
        }, where

    assert_marks_apart(ring)

    labels = ring["labels"]
    assert [label["text"] for label in labels] == [
        "november", "december", "januari", "februari", "mars", "april", "maj", "juni",
        "juli", "augusti", "september", "oktober",
    ]  # fmt: skip
    for i, a in enumerate(labels):
        assert a["shown"], a
        for b in labels[i + 1 :]:
            assert not overlapping(a["box"], b["box"]), (a["text"], b["text"])

    assert ring["today"] == {"date": "2026-11-24", "sector": {"month": "2026-11", "current": True}}
    assert "I dag 24 nov" in ring["hub"]
    assert "Expertgruppsmöte Måltider" in ring["hub"]  # next up, on 26 November
    assert page.console_errors == []

    if view == "projector" and os.environ.get("WHEEL_DOCS_SCREENSHOT") == "1":
        DOCS_SCREENSHOT.parent.mkdir(exist_ok=True)
        shutil.copyfile(shots / f"{view}.png", DOCS_SCREENSHOT)


def test_a_crowded_month_keeps_its_marks_apart_and_inside_it(open_page, shots):
    page = open_page(VIEWS["teams-tab"], "?network=crowded")
    ring = read_ring(page)
    page.screenshot(path=shots / "teams-tab-crowded.png")

    assert len(ring["marks"]) == len(CROWDED_MARCH)
    assert_marks_apart(ring)
    for mark in ring["marks"]:
        assert mark["onTop"] and mark["sector"] == {"month": "2027-03", "current": False}, mark


def test_the_page_reads_in_english_with_lang(open_page, shots):
    page = open_page(VIEWS["teams-tab"], "?lang=en-us")
    ring = read_ring(page)
    page.screenshot(path=shots / "teams-tab-en.png")

    assert page.evaluate("document.documentElement.lang") == "en"
    assert [label["text"] for label in ring["labels"]][:3] == ["November", "December", "January"]
    assert page.locator("h2").inner_text() == "Dates in the annual wheel"
    assert "Today 24 Nov" in ring["hub"]
    assert "Thu 12 November · Meeting" in ring["items"][0]["text"]


def test_a_mark_leads_to_its_line_in_the_list_and_back(open_page):
    page = open_page(VIEWS["projector"])
    item = page.locator("li[data-entry='11']")
    mark = page.locator("svg.ring a.mark[data-entry='11']")

    item.hover()
    assert "hot" in mark.get_attribute("class")  # the script runs under the page's CSP
    page.mouse.move(0, 0)
    assert "hot" not in mark.get_attribute("class")
    mark.click()
    assert page.evaluate("location.hash") == "#entry-11"
    assert page.evaluate("document.querySelector(':target').dataset.entry") == "11"
    assert page.console_errors == []


def test_teams_dark_theme(open_page, shots):
    page = open_page(VIEWS["teams-tab"], "?theme=dark")
    page.screenshot(path=shots / "teams-tab-dark.png")

    background = page.evaluate("getComputedStyle(document.body).backgroundColor")
    assert background == "rgb(31, 31, 31)"
