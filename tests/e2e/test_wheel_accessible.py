"""The annual-wheel page meets WCAG 2.1 AA (EN 301 549), as Swedish public bodies must.

Four checks, in headless Chromium:
- axe-core (tests/node) finds no violation of WCAG 2.0/2.1 A and AA on any variant: the
  sample year of test_wheel_browser (past, late and overdue dates, a crowded month) and
  every shipped network as the running bot serves it, in Swedish and English, light and
  dark, at desktop and phone width (and the sample in a dark system's colours and in
  Teams' high-contrast theme, and the page for an unknown network). axe cannot
  see the colours behind SVG text, nor the contrast of graphics, so `_SVG_CONTRAST`
  measures those: text on the ring ≥ 4.5:1, marks against the ring ≥ 3:1.
- The keyboard: Tab reaches every link in reading order (the other language, then the
  marks in date order), each with a focus indicator of at least 3:1.
- Zoom: browser zoom to 200 % is a window half as wide and as high in CSS pixels at
  twice the device pixel ratio; that is what Chromium shows the page, media queries
  included. So the test opens a 1280 × 900 window at ratio 1 and a 640 × 450 one at
  ratio 2 and compares each text's size in device pixels: the wheel's and the list's
  text grow to at least twice their size. At 200 %, at 400 % (320 CSS px, WCAG 1.4.10)
  and on a phone nothing scrolls sideways and no month name is cut off.
- English pages mark Swedish place names with `lang="sv"` (WCAG 3.1.2).

What axe found is printed rule by rule, with the elements, when a test fails.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from storage.registry_files import load_directory
from tests.e2e.bot_cards import SHIPPED_NETWORKS
from tests.e2e.test_wheel_browser import ON_THE_RING, wheel_url  # noqa: F401  (a fixture)
from tests.manifest.node_deps import require_node_modules

pytestmark = pytest.mark.e2e

WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}
# (name, window, the system's colour scheme, query): Teams passes its theme in the query;
# a browser outside Teams has none and follows the system. Every page is audited in
# VARIANTS; the sample year also in MORE_THEMES (the same colours reached another way,
# and Teams' high-contrast theme).
VARIANTS = [
    ("light, desktop", DESKTOP, "light", ""),
    ("dark, desktop", DESKTOP, "light", "theme=dark"),
    ("light, phone", PHONE, "light", ""),
    ("dark, phone", PHONE, "light", "theme=dark"),
]
MORE_THEMES = [
    ("dark system, desktop", DESKTOP, "dark", ""),
    ("high contrast, phone", PHONE, "light", "theme=contrast"),
]


@pytest.fixture(scope="module")
def axe_source() -> str:
    """axe-core's browser build from tests/node (installed by .ci/node-deps.sh)."""
    node_modules = require_node_modules()
    return (node_modules / "axe-core" / "axe.min.js").read_text(encoding="utf-8")


@pytest.fixture
def contexts(browser) -> Iterator[Any]:
    """Browser contexts at a window size and colour scheme, closed after the test."""
    opened = []

    def new(viewport: dict[str, int], color_scheme: str = "light", scale: float = 1) -> Any:
        context = browser.new_context(
            viewport=viewport, color_scheme=color_scheme, device_scale_factor=scale, locale="sv-SE"
        )
        opened.append(context)
        return context

    yield new
    for context in opened:
        context.close()


# What axe cannot judge on the ring, measured from the computed styles: the colour of
# each text against the shape it is drawn on, and of each mark (its fill, or its outline
# when it is hollow) against the ring's track, both the plain and the elapsed part.
# Colours as the page paints them: a computed colour with its alpha and the opacity of
# its ancestors, laid over what is behind it; and the WCAG contrast ratio of two.
_COLOURS = """
  const rgba = text => {
    const m = text.match(/rgba?\\(([^)]+)\\)/);
    if (!m) return null;
    const [r, g, b, a = 1] = m[1].split(/[ ,\\/]+/).filter(Boolean).map(Number);
    return [r, g, b, a];
  };
  const opacity = el => {
    let o = 1;
    for (let e = el; e && e !== document.documentElement; e = e.parentElement)
      o *= Number(getComputedStyle(e).opacity);
    return o;
  };
  const over = ([r, g, b, a], [R, G, B]) =>
    [r * a + R * (1 - a), g * a + G * (1 - a), b * a + B * (1 - a), 1];
  const paint = (el, property, backdrop) => {
    const c = rgba(getComputedStyle(el)[property]);
    return c && over([c[0], c[1], c[2], c[3] * opacity(el)], backdrop);
  };
  const lum = c => c.slice(0, 3).map(v => v / 255)
    .map(v => v <= 0.04045 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4)
    .reduce((sum, v, i) => sum + v * [0.2126, 0.7152, 0.0722][i], 0);
  const ratio = (a, b) => {
    const [x, y] = [lum(a), lum(b)].sort((p, q) => q - p);
    return Math.round((x + 0.05) / (y + 0.05) * 100) / 100;
  };
"""

_SVG_CONTRAST = (
    "() => {"
    + _COLOURS
    + """
  if (!document.querySelector('svg.ring')) return [];
  const page = rgba(getComputedStyle(document.body).backgroundColor);
  const track = paint(document.querySelector('.track'), 'fill', page);
  const elapsedEl = document.querySelector('.elapsed-track');
  const elapsed = elapsedEl ? paint(elapsedEl, 'fill', track) : track;
  const found = [];
  const need = (what, value, minimum) => value < minimum && found.push(`${what}: ${value}:1`);
  for (const label of document.querySelectorAll('.month-label')) {
    const band = paint(label.closest('g.sector').querySelector('.band'), 'fill', page);
    need(`month ${label.textContent}`, ratio(paint(label, 'fill', band), band), 4.5);
  }
  for (const mark of document.querySelectorAll('a.mark')) {
    const shape = mark.querySelector('.shape');
    const hollow = mark.classList.contains('past');
    const body = paint(shape, 'fill', track);
    const edge = hollow ? paint(shape, 'stroke', track) : body;
    const what = `mark ${mark.dataset.entry} (${mark.getAttribute('class')})`;
    need(`${what} against the track`, Math.min(ratio(edge, track), ratio(edge, elapsed)), 3);
    need(`${what}, its number`, ratio(paint(mark.querySelector('.num'), 'fill', body), body), 4.5);
  }
  const pill = document.querySelector('.today-pill');
  if (pill) {
    const fill = paint(pill, 'fill', page);
    need('today', ratio(paint(document.querySelector('.today-label'), 'fill', fill), fill), 4.5);
  }
  const disc = paint(document.querySelector('.hub-disc'), 'fill', page);
  for (const text of document.querySelectorAll('.hub text'))
    need(`centre "${text.textContent}"`, ratio(paint(text, 'fill', disc), disc), 4.5);
  for (const tag of document.querySelectorAll('.year-tag'))
    need(`year ${tag.textContent}`, ratio(paint(tag, 'fill', page), page), 4.5);
  return found;
}
"""
)


def audit(page: Any, axe_source: str) -> list[str]:
    """axe's WCAG 2.1 A/AA violations on the open page, and what `_SVG_CONTRAST` finds.

    axe goes in through the DevTools protocol, so the page's Content-Security-Policy
    (which allows only its own script) stays as it is served.
    """
    if not page.evaluate("typeof axe !== 'undefined'"):
        page.evaluate(axe_source + "\n;0")
    result = page.evaluate(
        "tags => axe.run(document, {runOnly: {type: 'tag', values: tags},"
        " resultTypes: ['violations']})",
        WCAG_TAGS,
    )
    found = []
    for violation in result["violations"]:
        found.append(f"{violation['id']} ({violation['impact']}): {violation['help']}")
        for node in violation["nodes"][:5]:
            summary = " ".join(node["failureSummary"].split())
            found.append(f"    {' '.join(node['target'])}: {summary}")
        if len(violation["nodes"]) > 5:
            found.append(f"    … and {len(violation['nodes']) - 5} more")
    found += page.evaluate(_SVG_CONTRAST)
    return found


def audit_variants(
    contexts, axe_source: str, urls: dict[str, str], variants=VARIANTS, status: int = 200
) -> dict[str, list[str]]:
    """Every URL in every variant: what was found, by page and variant."""
    findings = {}
    for variant, viewport, scheme, query in variants:
        page = contexts(viewport, scheme).new_page()
        for name, url in urls.items():
            full = f"{url}&{query}" if query else url
            response = page.goto(full)
            assert response.status == status, full
            found = audit(page, axe_source)
            if found:
                findings[f"{name}, {variant} ({full})"] = found
        page.close()
    return findings


def report(findings: dict[str, list[str]]) -> str:
    return "\n".join(f"{variant}:\n  " + "\n  ".join(found) for variant, found in findings.items())


def test_axe_finds_nothing_on_the_sample_year(contexts, axe_source, wheel_url):  # noqa: F811
    urls = {
        "Best Service sv": f"{wheel_url}?lang=sv",
        "Best Service en": f"{wheel_url}?lang=en",
        "a crowded month": f"{wheel_url}?network=crowded&lang=sv",
        "a year begun in March": f"{wheel_url}?network=from-march&lang=en",
    }
    not_found = {"unknown network": f"{wheel_url}?network=okänt&lang=en"}

    findings = audit_variants(contexts, axe_source, urls)
    findings |= audit_variants(contexts, axe_source, urls, MORE_THEMES)
    findings |= audit_variants(contexts, axe_source, not_found, VARIANTS[:2], status=404)
    assert not findings, "WCAG 2.1 AA violations:\n" + report(findings)


def test_axe_finds_nothing_on_the_shipped_networks(contexts, axe_source, bot_process):
    base = f"http://127.0.0.1:{bot_process.port}/wheel"
    networks = [network.key for network in load_directory(SHIPPED_NETWORKS).networks]
    urls = {
        f"{network} {language}": f"{base}?network={network}&lang={language}"
        for network in networks
        for language in ("sv", "en")
    }
    assert len(networks) == 4, networks

    findings = audit_variants(contexts, axe_source, urls)
    assert not findings, "WCAG 2.1 AA violations:\n" + report(findings)


# The focused element, and how its focus shows: an outline on an HTML link; on a mark of
# the ring, its focus ring (and its line in the list lit).
_FOCUSED = (
    "() => {"
    + _COLOURS
    + """
  const el = document.activeElement;
  if (!el || el === document.body) return null;
  const page = rgba(getComputedStyle(document.body).backgroundColor);
  const base = {visible: el.matches(':focus-visible'),
                name: el.dataset.entry || el.getAttribute('href')};
  if (!(el instanceof SVGElement)) {
    const style = getComputedStyle(el);
    return {...base, style: style.outlineStyle, width: parseFloat(style.outlineWidth),
            contrast: ratio(paint(el, 'outlineColor', page), page)};
  }
  const ring = el.querySelector('.focus-ring');
  const style = getComputedStyle(ring);
  const track = paint(document.querySelector('.track'), 'fill', page);
  const line = document.querySelector(`li[data-entry="${el.dataset.entry}"]`);
  return {...base, style: style.stroke === 'none' ? 'none' : 'solid',
          width: parseFloat(style.strokeWidth),
          contrast: Math.min(ratio(paint(ring, 'stroke', track), track),
                             ratio(paint(ring, 'stroke', page), page)),
          lineLit: line.classList.contains('hot')};
}
"""
)


@pytest.mark.parametrize("theme", ["", "&theme=dark"])
def test_tab_reaches_every_link_in_order_with_a_visible_focus(
    contexts,
    wheel_url,  # noqa: F811
    theme,
):
    page = contexts(DESKTOP).new_page()
    page.goto(f"{wheel_url}?lang=sv{theme}")
    marks = page.evaluate("[...document.querySelectorAll('a.mark')].map(a => a.dataset.entry)")
    listed = page.evaluate(
        "[...document.querySelectorAll('li[data-entry]')].map(li => li.dataset.entry)"
    )
    header_links = page.evaluate(
        "[...document.querySelectorAll('header a[href]')].map(a => a.getAttribute('href'))"
    )
    links = page.evaluate("document.querySelectorAll('a[href]').length")

    reached = []
    for _ in range(links + 3):
        page.keyboard.press("Tab")
        focused = page.evaluate(_FOCUSED)
        if focused is None or (reached and focused["name"] == reached[0]["name"]):
            break
        reached.append(focused)

    # The header's links (the other language among them), then the ring's marks in date
    # order: the order of the list. Nothing else takes focus, nothing is skipped.
    assert any(link.startswith("?lang=en") for link in header_links), header_links
    assert [item["name"] for item in reached] == [*header_links, *listed], reached
    assert len(reached) == links
    assert marks == listed and len(marks) == len(ON_THE_RING)
    for item in reached:
        assert item["visible"], f"no :focus-visible on {item}"
        assert item["style"] == "solid" and item["width"] >= 2, f"focus not shown: {item}"
        assert item["contrast"] >= 3, f"focus indicator below 3:1: {item}"
        assert item.get("lineLit", True), f"the mark's line is not lit: {item}"
    # Enter on a mark does what a click does: it brings its line in the list.
    page.locator("a.mark[data-entry='3']").focus()
    page.keyboard.press("Enter")
    assert page.evaluate("location.hash") == "#entry-3"


# Sizes in device pixels of one text of each kind, and what zoom could break: sideways
# scrolling, and month names longer than their arc (the rest would not be drawn).
_TEXT_SIZES = """
() => {
  const size = selector => {
    const el = document.querySelector(selector);
    const font = parseFloat(getComputedStyle(el).fontSize);
    if (!(el instanceof SVGElement)) return font * devicePixelRatio;
    const m = el.getScreenCTM();  // user units to CSS pixels, CSS transforms included
    return font * Math.hypot(m.a, m.b) * devicePixelRatio;
  };
  const selectors = {
    'month name': '.month-label', 'mark number': 'a.mark .num', 'centre year': '.hub-year',
    'centre next': '.hub-next-title', 'today': '.today-label', 'heading': 'h1',
    'legend': '.legend', 'list date': '.entry .when', 'list title': '.entry .title',
  };
  const sizes = Object.fromEntries(Object.entries(selectors).map(([k, s]) => [k, size(s)]));
  const cut = [...document.querySelectorAll('.month-label')].filter(label => {
    const arc = document.querySelector(label.firstChild.getAttribute('href'));
    return label.getComputedTextLength() > arc.getTotalLength();
  }).map(label => label.textContent);
  return {sizes, cut, sideways: document.documentElement.scrollWidth > innerWidth};
}
"""


@pytest.mark.parametrize("language", ["sv", "en"])
def test_text_grows_to_twice_its_size_at_200_percent_zoom(
    contexts,
    wheel_url,  # noqa: F811
    language,
):
    url = f"{wheel_url}?lang={language}"
    at_100 = contexts(DESKTOP).new_page()
    at_100.goto(url)
    zoomed = {"width": DESKTOP["width"] // 2, "height": DESKTOP["height"] // 2}
    at_200 = contexts(zoomed, scale=2).new_page()
    at_200.goto(url)
    phone = contexts(PHONE).new_page()
    phone.goto(url)
    # 400 % of a 1280 px window: what WCAG 1.4.10 (reflow) asks to work without sideways
    # scrolling.
    at_400 = contexts({"width": 320, "height": 256}, scale=4).new_page()
    at_400.goto(url)

    normal, double, small, narrow = (
        page.evaluate(_TEXT_SIZES) for page in (at_100, at_200, phone, at_400)
    )
    growth = {
        what: round(double["sizes"][what] / size, 2)
        for what, size in normal["sizes"].items()
    }
    assert all(factor >= 2 for factor in growth.values()), (growth, normal, double)
    for view in (normal, double, small, narrow):
        assert not view["sideways"] and view["cut"] == [], view


def test_english_pages_mark_swedish_place_names_and_read_as_english(browser, bot_process):
    context = browser.new_context(viewport=DESKTOP)
    try:
        page = context.new_page()
        page.goto(f"http://127.0.0.1:{bot_process.port}/wheel?network=erad&lang=en")
        marked = page.evaluate(
            "[...document.body.querySelectorAll('[lang]')]"
            ".map(el => [el.getAttribute('lang'), el.textContent])"
        )
        titles = page.evaluate(
            "[...document.querySelectorAll('li.kind-meeting .title')].map(p => p.textContent)"
        )
        page.goto(f"http://127.0.0.1:{bot_process.port}/wheel?network=erad&lang=sv")
        marked_sv = page.evaluate(
            "[...document.body.querySelectorAll('[lang]')]"
            ".map(el => [el.getAttribute('lang'), el.textContent])"
        )
    finally:
        context.close()

    place = "Konferensrum, Fyrbodals kommunalförbund (länk i kallelsen)"
    # The link to the Swedish page, and the place of every council meeting of the year.
    assert marked[0] == ["sv", "På svenska"]
    assert len(marked) > 3 and marked[1:] == [["sv", place]] * (len(marked) - 1), marked
    assert marked_sv == [["en", "In English"]]
    # A meeting's title names its kind and its group apart.
    assert set(titles) == {
        "E-council meeting · The e-council",
        "Preparation meeting · The preparation group",
    }, titles
