"""The annual-wheel page as a reader gets it: months in order, every date in its month's
sector and in the list, today marked, both languages, user text shown as text.

The page is well-formed XML as well as HTML, so these tests read it with ElementTree; the
route is served over real loopback HTTP. The browser's view is in tests/e2e.
"""

from __future__ import annotations

import base64
import hashlib
import math
import xml.etree.ElementTree as ET
from datetime import date

import aiohttp
import pytest
from aiohttp import web
from aiohttp.test_utils import TestServer

from bot.wheel_routes import page_language, wheel_routes
from domain.registry import UnknownNetwork
from views.wheel_page import (
    CENTER,
    LANE_RADII,
    MARK_EXTENT,
    WheelEntry,
    WheelPage,
    day_angle,
    month_index,
    render_wheel_page,
)

SVG = "{http://www.w3.org/2000/svg}"
TODAY = date(2026, 11, 24)
YEAR_START = date(2026, 11, 1)

ENTRIES = [
    WheelEntry(date(2026, 11, 19), "Årsmöte", "Budgeten beslutas.", "Allmänt", "Ekonomiansvarig",
               "meeting"),
    WheelEntry(date(2026, 12, 15), "Möteslokaler bokade", "", "Allmänt", "Mötesansvarig"),
    WheelEntry(date(2027, 2, 1), "Medlemsregistret uppdaterat", kind="check"),
    WheelEntry(date(2027, 10, 31), "Budgetförslag inlämnat"),
]  # fmt: skip


def page(entries=ENTRIES, *, language="sv", today=TODAY, year_start=YEAR_START) -> WheelPage:
    return WheelPage("Best Service", year_start, today, entries, language)


def parse(html: str) -> ET.Element:
    assert html.startswith("<!DOCTYPE html>\n")
    return ET.fromstring(html)


def text_of(element: ET.Element) -> str:
    """The element's text as words, one space between words and between elements."""
    return " ".join(" ".join(element.itertext()).split())


def marks(root: ET.Element) -> dict[str, ET.Element]:
    return {mark.get("data-entry"): mark for mark in root.iter(f"{SVG}a")}


def list_items(root: ET.Element) -> list[ET.Element]:
    return [item for item in root.iter("li") if item.get("data-date")]


def ring_labels(root: ET.Element) -> list[str]:
    sectors = sorted(
        (g for g in root.iter(f"{SVG}g") if "sector" in g.get("class", "").split()),
        key=lambda g: int(g.get("data-index")),
    )
    return [text_of(sector) for sector in sectors]


def mark_angle(mark: ET.Element) -> float:
    """Where a mark is drawn, in degrees clockwise from the top of the ring."""
    transform = next(g for g in mark.iter(f"{SVG}g")).get("transform")
    x, y = (float(value) for value in transform.removeprefix("translate(").rstrip(")").split())
    return math.degrees(math.atan2(x - CENTER, CENTER - y)) % 360


def test_each_day_falls_in_its_own_months_sector():
    start = date(2027, 1, 1)  # a calendar-year wheel, with a leap-year February after it
    for day in [date(2027, 1, 1), date(2027, 1, 31), date(2027, 2, 28), date(2027, 12, 31)]:
        index = month_index(start, day)
        assert index == day.month - 1
        assert index * 30 < day_angle(start, day) < (index + 1) * 30
    assert day_angle(date(2028, 1, 1), date(2028, 2, 29)) < 60
    assert month_index(start, date(2026, 12, 31)) is None
    assert month_index(start, date(2028, 1, 1)) is None


def test_every_date_in_the_year_is_numbered_on_the_ring_and_in_the_list():
    root = parse(render_wheel_page(page()))

    items = list_items(root)
    on_ring = marks(root)
    assert [item.get("data-entry") for item in items] == ["1", "2", "3", "4"]
    assert set(on_ring) == {"1", "2", "3", "4"}
    for item, entry in zip(items, ENTRIES, strict=True):
        mark = on_ring[item.get("data-entry")]
        assert mark.get("data-month") == f"{entry.when:%Y-%m}"
        assert mark.get("href") == f"#entry-{item.get('data-entry')}"
        assert entry.title in text_of(mark.find(f"{SVG}title"))
        assert entry.title in text_of(item)
        index = month_index(YEAR_START, entry.when)
        assert index * 30 <= mark_angle(mark) <= (index + 1) * 30, entry


def test_the_list_gives_day_kind_title_detail_channel_and_role():
    root = parse(render_wheel_page(page()))

    first = text_of(list_items(root)[0])
    assert first.startswith("1 tors 19 november · Möte (passerat)")
    assert "Årsmöte" in first and "Budgeten beslutas." in first
    assert "Kanal: Allmänt" in first and "Ansvarig: Ekonomiansvarig" in first
    english = text_of(list_items(parse(render_wheel_page(page(language="en"))))[0])
    assert english.startswith("1 Thu 19 November · Meeting")
    assert "Responsible: Ekonomiansvarig" in english


def test_the_ring_starts_with_the_wheels_first_month_in_swedish_or_english():
    swedish = parse(render_wheel_page(page()))
    english = parse(render_wheel_page(page(language="en")))

    assert ring_labels(swedish) == [
        "november", "december", "januari", "februari", "mars", "april", "maj", "juni",
        "juli", "augusti", "september", "oktober",
    ]  # fmt: skip
    assert ring_labels(english) == [
        "November", "December", "January", "February", "March", "April", "May", "June",
        "July", "August", "September", "October",
    ]  # fmt: skip
    assert swedish.get("lang") == "sv" and english.get("lang") == "en"
    assert [text_of(h) for h in english.iter("h3")] == [
        "November 2026 This month",
        "December 2026",
        "February 2027",
        "October 2027",
    ]


@pytest.mark.parametrize(
    ("value", "language"),
    [(None, "sv"), ("sv", "sv"), ("sv-SE", "sv"), ("en", "en"), ("en-us", "en"), ("EN_GB", "en"),
     ("de-de", "sv"), ("", "sv")],
)  # fmt: skip
def test_the_language_comes_from_lang_or_a_teams_locale(value, language):
    assert page_language(value) == language


def test_the_title_names_the_network_and_the_wheels_year():
    root = parse(render_wheel_page(page()))

    assert text_of(root.find(".//h1")) == "Best Service"
    assert text_of(root.find(".//head/title")) == "Årshjul 2026/27 – Best Service"
    assert "Årshjul 2026/27 · november 2026 – oktober 2027" in text_of(root.find(".//header"))
    calendar_year = parse(render_wheel_page(page(year_start=date(2027, 1, 1), language="en")))
    assert text_of(calendar_year.find(".//head/title")) == "Annual wheel 2027 – Best Service"


def test_today_is_marked_on_the_ring_in_the_centre_and_in_the_list():
    root = parse(render_wheel_page(page()))

    needle = next(g for g in root.iter(f"{SVG}g") if g.get("class") == "today")
    assert needle.get("data-date") == "2026-11-24"
    current = [g for g in root.iter(f"{SVG}g") if "current" in g.get("class", "").split()]
    assert [g.get("data-month") for g in current] == ["2026-11"]
    assert [s.get("data-month") for s in root.iter("section") if s.get("data-current") == ""] == [
        "2026-11"
    ]
    hub = text_of(next(g for g in root.iter(f"{SVG}g") if g.get("class") == "hub"))
    assert "I dag 24 nov" in hub
    # The next date after today is the December booking, 21 days away.
    assert "Nästa · 2 15 dec · om 21 dagar Möteslokaler bokade" in hub


def test_a_page_outside_its_year_has_no_needle():
    root = parse(render_wheel_page(page(today=date(2026, 10, 1))))

    assert not [g for g in root.iter(f"{SVG}g") if g.get("class") == "today"]
    assert not [g for g in root.iter(f"{SVG}g") if "current" in g.get("class", "").split()]


def test_past_late_and_upcoming_dates_are_told_apart_in_words():
    entries = [
        WheelEntry(date(2026, 10, 30), "Verksamhetsberättelse", late=True),
        WheelEntry(date(2026, 9, 1), "Gammalt och klart"),
        WheelEntry(date(2026, 11, 12), "Möte i Logistik", kind="meeting"),
        WheelEntry(date(2026, 11, 20), "Protokoll sparat", kind="check", late=True),
        WheelEntry(date(2026, 11, 26), "Möte i Måltider", kind="meeting"),
        WheelEntry(date(2027, 11, 2), "Nästa års sak"),
    ]
    root = parse(render_wheel_page(page(entries)))

    items = {text_of(item.find(".//p[@class='title']")): text_of(item) for item in list_items(root)}
    assert set(items) == {
        "Verksamhetsberättelse", "Möte i Logistik", "Protokoll sparat", "Möte i Måltider"
    }  # fmt: skip
    # Overdue from before the wheel's year: listed first, not on the ring.
    overdue = next(s for s in root.iter("section") if "overdue" in s.get("class", ""))
    assert "Försenat sedan tidigare" in text_of(overdue)
    assert "Verksamhetsberättelse" in text_of(overdue) and "Försenad" in text_of(overdue)
    assert "(passerat)" in items["Möte i Logistik"]
    assert "Försenad" in items["Protokoll sparat"]
    assert "om 2 dagar" in items["Möte i Måltider"]
    classes = {m.get("data-date"): m.get("class").split() for m in marks(root).values()}
    assert "past" in classes["2026-11-12"] and "late" in classes["2026-11-20"]


def test_text_from_the_data_is_shown_as_text_never_as_markup():
    hostile = "<script>alert(\"x\")</script> & <b>fet</b> 'citat'"
    entry = WheelEntry(
        date(2026, 12, 1), hostile, detail=hostile, channel_name=hostile, role_title=hostile
    )
    html = render_wheel_page(WheelPage(hostile, YEAR_START, TODAY, [entry]))
    root = parse(html)

    assert [element.tag for element in root.iter() if element.tag in ("b", "script")] == [
        "script"  # the page's own
    ]
    assert text_of(root.find(".//h1")) == " ".join(hostile.split())
    item = text_of(list_items(root)[0])
    assert item.count(" ".join(hostile.split())) == 4  # title, detail, channel, role
    assert f"Ansvarig: {' '.join(hostile.split())}" in item
    assert '<script>alert("x")' not in html


def test_many_dates_in_one_month_get_their_own_numbers_and_never_overlap():
    entries = [WheelEntry(date(2027, 3, 10), f"Möte {n}", kind="meeting") for n in range(8)] + [
        WheelEntry(date(2027, 3, day), f"Sak {day}", kind="check") for day in (1, 5, 11, 31)
    ]
    root = parse(render_wheel_page(page(entries)))

    ring = marks(root)
    assert sorted(ring, key=int) == [str(n) for n in range(1, 13)]
    positions = []
    for mark in ring.values():
        assert mark.get("data-month") == "2027-03"
        assert 120 <= mark_angle(mark) <= 150
        transform = next(g for g in mark.iter(f"{SVG}g")).get("transform")
        positions.append(tuple(float(v) for v in transform[10:-1].split()))
    for i, a in enumerate(positions):
        for b in positions[i + 1 :]:
            assert math.dist(a, b) >= 2 * MARK_EXTENT, (a, b)
    # A lane holds marks only at its own radius.
    radii = {round(math.dist(p, (CENTER, CENTER))) for p in positions}
    assert radii <= {round(r) for r in LANE_RADII}


def test_a_date_due_in_every_groups_channel_is_one_mark_listing_the_channels():
    plan = "Aktivitetsplan klar"
    entries = [
        WheelEntry(date(2026, 11, 20), plan, "", group, "Ordförande", late=group == "VNS")
        for group in ("Logistik", "VNS", "Lokalvård", "Måltider")
    ] + [WheelEntry(date(2026, 11, 20), "Budget klar", "", "Logistik", "Ekonomiansvarig")]
    root = parse(render_wheel_page(page(entries)))

    assert len(marks(root)) == 2
    first, second = list_items(root)
    assert text_of(first.find(".//p[@class='title']")) == "Aktivitetsplan klar"
    assert "Kanal: Logistik Kanal: Lokalvård Kanal: Måltider Kanal: VNS (försenad)" in text_of(
        first
    )
    assert "Försenad" in text_of(first) and "late" in first.get("class").split()
    assert text_of(second.find(".//p[@class='title']")) == "Budget klar"


def test_the_legend_counts_each_kind_with_its_shape():
    root = parse(render_wheel_page(page()))

    legend = next(ul for ul in root.iter("ul") if ul.get("class") == "legend")
    assert text_of(legend) == "2 sista dagar 1 möte 1 kontrollpunkt I dag"
    shapes = {
        li.get("data-kind"): [child.tag for child in li.find(f".//{SVG}svg")]
        for li in legend.iter("li")
        if li.get("data-kind")
    }
    assert shapes == {
        "deadline": [f"{SVG}path", f"{SVG}text"],
        "meeting": [f"{SVG}circle", f"{SVG}text"],
        "check": [f"{SVG}rect", f"{SVG}text"],
    }


def test_an_empty_wheel_says_so():
    root = parse(render_wheel_page(page([]), theme="dark"))

    assert "Inga datum i årshjulet ännu" in text_of(root.find(".//main"))
    assert root.get("data-theme") == "dark"
    assert len(ring_labels(root)) == 12


def test_the_ring_is_a_labelled_group_whose_marks_are_a_list_of_links():
    root = parse(render_wheel_page(page()))

    svg = root.find(f".//{SVG}svg[@class='ring']")
    # Not role="img": an image may not hold links (WCAG 4.1.2).
    assert svg.get("role") == "group"
    assert svg.get("aria-labelledby") == "ring-title"
    assert svg.get("aria-describedby") == "ring-desc"
    assert text_of(svg.find(f"{SVG}title")) == "Årshjul 2026/27 – Best Service"
    desc = text_of(svg.find(f"{SVG}desc"))
    assert "med november överst" in desc and "4 datum" in desc and "24 november 2026" in desc
    # The drawing is hidden from assistive technology and holds no link; the marks are
    # the list's items, each one link in the tab order, named by its date and title.
    drawing = svg.find(f"{SVG}g[@class='drawing']")
    assert drawing.get("aria-hidden") == "true"
    assert not list(drawing.iter(f"{SVG}a"))
    marks_list = svg.find(f"{SVG}g[@role='list']")
    assert marks_list.get("aria-label") == "Datum i årshjulet"
    items = marks_list.findall(f"{SVG}g")
    assert [item.get("role") for item in items] == ["listitem"] * 4
    links = [item.find(f"{SVG}a") for item in items]
    assert [link.get("data-entry") for link in links] == ["1", "2", "3", "4"]
    assert all(link.get("tabindex") is None for link in links)
    assert text_of(links[0].find(f"{SVG}title")) == (
        "1. tors 19 november, Möte: Årsmöte (Allmänt)"
    )


def test_a_meetings_place_is_marked_swedish_on_the_english_page():
    place = "Konferensrum, Fyrbodals kommunalförbund"
    entries = [
        WheelEntry(date(2026, 12, 8), "E-council meeting", "E-council meeting, in person",
                   "The e-council", kind="meeting", place=place),
    ]  # fmt: skip
    english = parse(render_wheel_page(page(entries, language="en")))
    swedish = parse(render_wheel_page(page(entries, language="sv")))

    detail = english.find(".//p[@class='detail']")
    assert text_of(detail) == f"E-council meeting, in person · {place}"
    assert [(span.get("lang"), span.text) for span in detail.iter("span")] == [("sv", place)]
    # On the Swedish page the place is in the page's own language: no markup.
    detail = swedish.find(".//p[@class='detail']")
    assert text_of(detail) == f"E-council meeting, in person · {place}"
    assert not list(detail.iter("span"))


class Loader:
    """What the glue provides: a page per network key and language."""

    def __init__(self):
        self.calls: list[tuple[str | None, str]] = []

    async def __call__(self, network: str | None, language: str) -> WheelPage:
        self.calls.append((network, language))
        if network not in (None, "bestservice"):
            raise UnknownNetwork(network, ("bestservice",))
        return page(language=language)


@pytest.fixture
async def served():
    loader = Loader()
    app = web.Application()
    app.add_routes(wheel_routes(loader))
    server = TestServer(app, host="127.0.0.1")
    await server.start_server()
    async with aiohttp.ClientSession(base_url=str(server.make_url(""))) as http:
        yield loader, http
    await server.close()


async def test_the_route_serves_the_page_in_the_asked_language(served):
    loader, http = served

    async with http.get("/wheel", params={"lang": "en-us", "network": "bestservice"}) as response:
        assert response.status == 200
        assert response.content_type == "text/html" and response.charset == "utf-8"
        root = parse(await response.text())
        policy = response.headers["Content-Security-Policy"]
        assert response.headers["Cache-Control"] == "no-store"
    assert loader.calls == [("bestservice", "en")]
    assert root.get("lang") == "en"
    assert "default-src 'none'" in policy
    assert "frame-ancestors 'self' https://teams.microsoft.com" in policy
    assert "https://*.cloud.microsoft" in policy
    # The link to the other language keeps the network.
    link = root.find(".//a[@class='language']")
    assert link.get("href") == "?lang=sv&network=bestservice"


async def test_the_policy_lets_the_browser_apply_the_pages_own_style_and_script(served):
    # A browser applies an inline style, or runs an inline script, only when the policy
    # names the hash of its exact text: otherwise the page would show unstyled and inert.
    _, http = served

    async with http.get("/wheel") as response:
        root = parse(await response.text())
        policy = response.headers["Content-Security-Policy"]
    directives = dict(directive.split(" ", 1) for directive in policy.split("; "))

    def source(text: str) -> str:
        return f"'sha256-{base64.b64encode(hashlib.sha256(text.encode()).digest()).decode()}'"

    assert directives["style-src"] == source(root.find("head/style").text)
    assert directives["script-src"] == source(root.find("body/script").text)


async def test_the_route_defaults_to_swedish_and_the_default_network(served):
    loader, http = served

    async with http.get("/wheel", params={"theme": "contrast"}) as response:
        assert response.status == 200
        root = parse(await response.text())
    assert loader.calls == [(None, "sv")]
    assert root.get("data-theme") == "contrast"


async def test_an_unknown_network_is_a_404_page_in_the_asked_language(served):
    _, http = served

    async with http.get("/wheel", params={"network": "<okänt>", "lang": "en"}) as response:
        assert response.status == 404
        root = parse(await response.text())
    assert text_of(root.find(".//h1")) == "No such network"
    assert 'the key "<okänt>"' in text_of(root.find(".//header"))
