"""The annual-wheel page (årshjul): `GET /wheel`, also the Teams static tab "Årshjul".

A ring of the twelve months of the wheel's year, starting at the top with the month the
year starts in, with every deadline, meeting and checkpoint placed at its day in its
month's sector, today marked by a needle, and a list of the same dates beside it. The
list is the source of truth for screen readers; the ring is a labelled group whose
drawing is hidden from them and whose marks are a list of links to the list's lines.

It is built to WCAG 2.1 AA (EN 301 549, which Swedish public bodies must meet; see
tests/e2e/test_wheel_accessible.py): text and marks keep their contrast in every theme,
every link shows keyboard focus, and the text on the ring grows with browser zoom.

The page is one self-contained HTML document: inline SVG and CSS, a few lines of plain
script that only link hovering and focus between the ring and the list, no fonts, images
or scripts from elsewhere, so it works offline and inside the Teams tab's iframe. It renders
plain data (`WheelPage`, `WheelEntry`); whoever serves it fills that from the wheel.

Query parameters: `lang` (`sv` by default; `en`, or a Teams locale such as `en-us` for
the tab's `{app.locale}`), `theme` (Teams' `{app.theme}`: `default`, `dark`, `contrast`;
without it the page follows the system's colour scheme) and `network` (a network key,
passed on to the loader).
"""

from __future__ import annotations

import base64
import calendar
import hashlib
import logging
import math
from collections.abc import Awaitable, Callable, Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import date
from html import escape
from typing import Literal
from urllib.parse import urlencode

from aiohttp import web

from domain.registry import Language, Localized
from services.calendar_feed import webcal_url

logger = logging.getLogger(__name__)

EntryKind = Literal["deadline", "meeting", "check"]
Theme = Literal["default", "dark", "contrast"]

KINDS: tuple[EntryKind, ...] = ("deadline", "meeting", "check")
# The networks' data gives places as one free text, written in Swedish: on an English
# page it is marked `lang="sv"` so that a screen reader pronounces it as Swedish.
PLACE_LANGUAGE: Language = "sv"


@dataclass(frozen=True)
class WheelEntry:
    """One date on the wheel: a deadline, a meeting or a checkpoint.

    `title` is short (it is also shown in the ring's centre when it is next); `detail`
    says more. `channel_name` is the Teams channel the wheel posts it to and
    `role_title` the responsible role, both already in the page's language. `late` marks
    something that is due or past and not done: it is flagged wherever it is shown.
    `place` is where a meeting is held, as the data writes it: free text in
    `PLACE_LANGUAGE`, marked as such on a page in another language.
    """

    when: date
    title: str
    detail: str = ""
    channel_name: str = ""
    role_title: str | None = None
    kind: EntryKind = "deadline"
    late: bool = False
    place: str = ""


@dataclass(frozen=True)
class WheelPage:
    """What the page shows: a network's wheel for the twelve months from `year_start`.

    Only the month of `year_start` counts (the wheel starts on its first day). Entries in
    the twelve months are placed on the ring; earlier ones that are `late` are listed
    above the months as still overdue; any other entry outside the window is not shown.
    """

    network_name: str
    year_start: date
    today: date
    entries: Sequence[WheelEntry]
    language: Language = "sv"
    # The calendar feed's subscription address (https), shown as "Subscribe in Outlook"
    # only when the page was opened with that link's token (it is no public address).
    subscribe_url: str | None = None
    # Whether the chat hands out subscription links at all (calendar links enabled and a
    # public address to put in them): only then does the page say how to get one.
    subscriptions_enabled: bool = False


SubscriptionLookup = Callable[[str, str | None, str], Awaitable[str | None]]
"""The calendar subscription address (https) that a token from `?calendar=` opens, for
the page's network key (None: the default network) under a base URL; None when the
token opens no calendar of that network."""

PageLoader = Callable[[str | None, Language], Awaitable[WheelPage]]
"""Builds the page for a network key (None: the default network) in a language.

Raises `LookupError` (e.g. `domain.registry.UnknownNetwork`) for an unknown network:
the route answers 404.
"""


# --- texts -------------------------------------------------------------------------

_MONTHS = Localized(
    sv=("januari", "februari", "mars", "april", "maj", "juni", "juli", "augusti",
        "september", "oktober", "november", "december"),
    en=("January", "February", "March", "April", "May", "June", "July", "August",
        "September", "October", "November", "December"),
)  # fmt: skip
_MONTHS_SHORT = Localized(
    sv=("jan", "feb", "mars", "apr", "maj", "juni", "juli", "aug", "sep", "okt", "nov", "dec"),
    en=("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"),
)
_WEEKDAYS = Localized(
    sv=("mån", "tis", "ons", "tors", "fre", "lör", "sön"),
    en=("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"),
)
_KIND_NAMES: dict[EntryKind, Localized[tuple[str, str]]] = {
    "deadline": Localized(sv=("Sista dag", "Sista dagar"), en=("Deadline", "Deadlines")),
    "meeting": Localized(sv=("Möte", "Möten"), en=("Meeting", "Meetings")),
    "check": Localized(sv=("Kontrollpunkt", "Kontrollpunkter"), en=("Checkpoint", "Checkpoints")),
}
_TEXTS: dict[str, Localized[str]] = {
    "wheel": Localized(sv="Årshjul", en="Annual wheel"),
    "today": Localized(sv="I dag", en="Today"),
    "next": Localized(sv="Nästa", en="Next"),
    "nothing_next": Localized(sv="Inga fler datum i år", en="No more dates this year"),
    "late": Localized(sv="Försenad", en="Overdue"),
    "past": Localized(sv="passerat", en="past"),
    "this_month": Localized(sv="Denna månad", en="This month"),
    "dates": Localized(sv="Datum i årshjulet", en="Dates in the annual wheel"),
    "overdue_before": Localized(sv="Försenat sedan tidigare", en="Overdue from before"),
    "empty": Localized(
        sv="Inga datum i årshjulet ännu. När nätverkets årshjul är inlagt visas mötena, "
        "sista dagarna och kontrollpunkterna här.",
        en="No dates in the annual wheel yet. Once the network's wheel is set up, its "
        "meetings, deadlines and checkpoints show here.",
    ),
    "channel": Localized(sv="Kanal", en="Channel"),
    "responsible": Localized(sv="Ansvarig", en="Responsible"),
    "other_language": Localized(sv="In English", en="På svenska"),
    "subscribe": Localized(sv="Prenumerera i Outlook", en="Subscribe in Outlook"),
    "subscribe_how": Localized(
        sv="Prenumerera i Outlook: skriv ”årshjul” till Samverkan, så har svaret länken.",
        en='Subscribe in Outlook: write "wheel" to Samverkan; the answer has the link.',
    ),
    "legend": Localized(sv="Teckenförklaring", en="Legend"),
    "ring_desc": Localized(
        sv="Årets tolv månader som en ring, med {first} överst och sedan medurs. "
        "{count} datum är utsatta som numrerade markeringar vid sin dag. {today}"
        "Samma datum finns i listan, med samma nummer.",
        en="The year's twelve months as a ring, {first} at the top and then clockwise. "
        "{count} dates are placed as numbered marks at their day. {today}"
        "The list has the same dates, with the same numbers.",
    ),
    "ring_today": Localized(
        sv="En nål visar dagens datum, {date}. ", en="A needle marks today, {date}. "
    ),
    "in_days": Localized(sv="om {n} dagar", en="in {n} days"),
    "days_ago": Localized(sv="för {n} dagar sedan", en="{n} days ago"),
    "tomorrow": Localized(sv="i morgon", en="tomorrow"),
    "yesterday": Localized(sv="i går", en="yesterday"),
    "today_lower": Localized(sv="i dag", en="today"),
    "not_found_title": Localized(sv="Nätverket finns inte", en="No such network"),
    "not_found": Localized(
        sv="Det finns inget nätverk med nyckeln ”{key}”. Öppna årshjulet utan "
        "nätverksnyckel för standardnätverket.",
        en='There is no network with the key "{key}". Open the annual wheel without a '
        "network key for the default network.",
    ),
}


def _text(name: str, language: Language, **values: object) -> str:
    text = _TEXTS[name].get(language)
    return text.format(**values) if values else text


def page_language(value: str | None) -> Language:
    """The page's language from `?lang=`: English for `en` and any `en-…` locale."""
    if value and value.strip().lower().replace("_", "-").split("-")[0] == "en":
        return "en"
    return "sv"


def page_theme(value: str | None) -> Theme | None:
    """The Teams theme from `?theme=`, or None to follow the system's colour scheme."""
    value = (value or "").strip().lower()
    if value in ("default", "dark", "contrast"):
        return value  # type: ignore[return-value]
    return None


def month_name(month: int, language: Language) -> str:
    """The month's name (1–12), lower case in Swedish as Swedish writes it."""
    return _MONTHS.get(language)[month - 1]


def format_day(day: date, language: Language) -> str:
    """A date in a list: `tis 14 april` / `Tue 14 April`."""
    weekday = _WEEKDAYS.get(language)[day.weekday()]
    return f"{weekday} {day.day} {month_name(day.month, language)}"


def format_date(day: date, language: Language) -> str:
    """A date with its year: `14 april 2026` / `14 April 2026`."""
    return f"{day.day} {month_name(day.month, language)} {day.year}"


def relative_day(day: date, today: date, language: Language) -> str:
    """How far `day` is from `today`: `i dag`, `i morgon`, `om 5 dagar`, `för 3 dagar sedan`."""
    delta = (day - today).days
    if delta == 0:
        return _text("today_lower", language)
    if delta == 1:
        return _text("tomorrow", language)
    if delta == -1:
        return _text("yesterday", language)
    if delta > 0:
        return _text("in_days", language, n=delta)
    return _text("days_ago", language, n=-delta)


def wheel_year_label(year_start: date) -> str:
    """`2026` for a calendar-year wheel, `2026/27` for one that starts in another month."""
    if year_start.month == 1:
        return str(year_start.year)
    return f"{year_start.year}/{(year_start.year + 1) % 100:02d}"


def _capitalized(text: str) -> str:
    return text[:1].upper() + text[1:]


# --- placement on the ring ---------------------------------------------------------


def month_index(year_start: date, day: date) -> int | None:
    """Which of the wheel's twelve months `day` falls in (0 = the first), or None."""
    index = (day.year - year_start.year) * 12 + day.month - year_start.month
    return index if 0 <= index < 12 else None


def day_angle(year_start: date, day: date) -> float:
    """The angle of `day` on the ring, in degrees clockwise from the top.

    Each month is a 30° sector, whatever its length, so a date sits in its own month's
    sector; within it, the middle of the day's slice (the 1st just after the sector's
    start, the last day just before its end).
    """
    index = (day.year - year_start.year) * 12 + day.month - year_start.month
    days = calendar.monthrange(day.year, day.month)[1]
    return (index + (day.day - 0.5) / days) * 30.0


SIZE = 760  # the viewBox is SIZE × SIZE user units; one unit is about a CSS pixel
CENTER = SIZE / 2
R_OUTER = 330  # the month band
R_INNER = 266
R_LABEL_TOP = 292  # baseline of a month name on the upper half (glyphs point outwards)
R_LABEL_BOTTOM = 306  # and on the lower half, where the text is turned to stay upright
R_HUB = 112  # the centre disc
LANE_RADII = (243, 215, 187, 159, 131)  # where markers sit, outermost first
# Every mark fits in a circle of MARK_EXTENT around its centre, outline included, so
# marks whose centres are 2 × MARK_EXTENT + MARK_GAP apart never touch.
MARK_EXTENT = 12.5
MARK_GAP = 1.0


@dataclass(frozen=True)
class PlacedEntry:
    """A date on the ring: its number in the list, its month and where its mark sits.

    `entries` are one date for one or more channels (see `merge_channels`). `angle` is
    the exact day; `mark_angle` the mark's: the same, or moved along its lane within the
    month's sector when every lane is taken at that day.
    """

    number: int
    entries: tuple[WheelEntry, ...]
    month: int
    angle: float
    mark_angle: float
    lane: int

    @property
    def entry(self) -> WheelEntry:
        return self.entries[0]


def _sort_key(entry: WheelEntry) -> tuple[date, int, str, str]:
    return entry.when, KINDS.index(entry.kind), entry.title, entry.channel_name


def merge_channels(entries: Iterable[WheelEntry]) -> list[tuple[WheelEntry, ...]]:
    """The entries by date, those that differ only in channel (and lateness) together.

    A rule for every group gives the same deadline once in each group's channel; the page
    shows it once, with all its channels, rather than as a pile of identical marks.
    """
    merged: dict[tuple[object, ...], list[WheelEntry]] = {}
    for entry in sorted(entries, key=_sort_key):
        same = (entry.when, entry.kind, entry.title, entry.detail, entry.place, entry.role_title)
        merged.setdefault(same, []).append(entry)
    return [tuple(group) for group in merged.values()]


def place_entries(year_start: date, entries: Sequence[WheelEntry]) -> list[PlacedEntry]:
    """The dates within the wheel's twelve months, numbered by date, with their marks.

    Entries that differ only in channel share one mark and one number.

    Marks must not overlap. In date order, each goes at its day in the outermost lane
    where it clears the marks already there; when every lane is taken at its day, it
    goes to the nearest free spot in any lane within its own month's sector. A sector
    holds at least fifteen marks however their days fall; only a month with more than
    it can hold gets overlapping marks, placed where they overlap least.
    """
    start = year_start.replace(day=1)
    inside = merge_channels(
        entry for entry in entries if month_index(start, entry.when) is not None
    )
    lanes = range(len(LANE_RADII))
    separation = [math.degrees((2 * MARK_EXTENT + MARK_GAP) / radius) for radius in LANE_RADII]
    taken: list[list[float]] = [[] for _ in lanes]

    def clearance(lane: int, angle: float) -> float:
        """Distance to the nearest mark in `lane`, in marks' widths (1: just touching)."""
        nearest = min(
            (min(abs(angle - other), 360 - abs(angle - other)) for other in taken[lane]),
            default=math.inf,
        )
        return nearest / separation[lane]

    placed = []
    for number, same_date in enumerate(inside, start=1):
        day = same_date[0].when
        month = month_index(start, day)
        assert month is not None
        angle = day_angle(start, day)
        spot = next(((lane, angle) for lane in lanes if clearance(lane, angle) >= 1), None)
        if spot is None:
            spots = [
                (lane, angle + offset)
                for step in range(1, 121)
                for offset in (step * 0.25, -step * 0.25)
                for lane in lanes
                # Keep most of the mark inside its month's sector.
                if month * 30 + 0.4 * separation[lane]
                <= angle + offset
                <= (month + 1) * 30 - 0.4 * separation[lane]
            ]
            spot = next(
                ((lane, at) for lane, at in spots if clearance(lane, at) >= 1),
                None,
            ) or max(spots, key=lambda candidate: clearance(*candidate))
        lane, mark_angle = spot
        taken[lane].append(mark_angle)
        placed.append(PlacedEntry(number, same_date, month, angle, mark_angle, lane))
    return placed


def _point(angle: float, radius: float) -> tuple[float, float]:
    radians = math.radians(angle)
    return CENTER + radius * math.sin(radians), CENTER - radius * math.cos(radians)


def _xy(angle: float, radius: float) -> str:
    x, y = _point(angle, radius)
    return f"{x:.1f} {y:.1f}"


def _annulus_sector(start: float, end: float, inner: float, outer: float) -> str:
    """An SVG path for the ring between two radii from `start` to `end` degrees."""
    large = 1 if end - start > 180 else 0
    return (
        f"M{_xy(start, outer)} A{outer} {outer} 0 {large} 1 {_xy(end, outer)} "
        f"L{_xy(end, inner)} A{inner} {inner} 0 {large} 0 {_xy(start, inner)} Z"
    )


# --- rendering ---------------------------------------------------------------------


def _season(month: int) -> str:
    return {12: "winter", 1: "winter", 2: "winter", 3: "spring", 4: "spring", 5: "spring",
            6: "summer", 7: "summer", 8: "summer"}.get(month, "autumn")  # fmt: skip


def _month_key(day: date) -> str:
    return f"{day.year:04d}-{day.month:02d}"


def _wheel_months(year_start: date) -> list[date]:
    months = []
    year, month = year_start.year, year_start.month
    for _ in range(12):
        months.append(date(year, month, 1))
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return months


def _mark_shape(kind: EntryKind) -> str:
    """The mark's shape, centred on 0 0: a diamond, a circle or a rounded square.

    Each reaches 11.5 units from its centre at most; the 2-unit outline adds one more
    (MARK_EXTENT).
    """
    if kind == "deadline":
        return '<path class="shape" d="M0 -11.5 L11.5 0 L0 11.5 L-11.5 0 Z"/>'
    if kind == "meeting":
        return '<circle class="shape" r="10.5"/>'
    return '<rect class="shape" x="-8.5" y="-8.5" width="17" height="17" rx="3"/>'


def _icon(classes: str, content: str) -> str:
    """A small decorative SVG in the text, 30 units square, centred on 0 0."""
    return (
        f'<svg class="{classes}" xmlns="http://www.w3.org/2000/svg" viewBox="-15 -15 30 30" '
        f'aria-hidden="true" focusable="false">{content}</svg>'
    )


def _badge(kind: EntryKind, label: str, extra_class: str = "") -> str:
    """The list's copy of a mark: same shape, colour and number, for sighted readers."""
    return _icon(
        f"badge kind-{kind} {extra_class}".strip(),
        f'{_mark_shape(kind)}<text class="num" dy="0.35em">{escape(label)}</text>',
    )


def _two_lines(text: str, widths: tuple[int, int]) -> tuple[str, str]:
    """`text` wrapped into at most two lines of about `widths` characters, cut with "…"."""
    words = text.split()
    lines = ["", ""]
    taken = 0
    for line, width in enumerate(widths):
        while taken < len(words):
            candidate = f"{lines[line]} {words[taken]}".strip()
            if len(candidate) > width and lines[line]:
                break
            lines[line] = candidate
            taken += 1
    for line, width in enumerate(widths):
        if len(lines[line]) > width:
            lines[line] = lines[line][: width - 1].rstrip() + "…"
    if taken < len(words) and not lines[1].endswith("…"):
        lines[1] = lines[1][: widths[1] - 1].rstrip() + "…"
    return lines[0], lines[1]


def _sector(index: int, first_day: date, current: bool, elapsed: bool, language: Language) -> str:
    """One month's sector of the band, tinted by season, with its name along the arc.

    Names on the lower half run along a reversed arc so that they read upright. An
    elapsed month's band fades; its name keeps its contrast.
    """
    a0, a1 = index * 30.0, (index + 1) * 30.0
    classes = (
        f"sector season-{_season(first_day.month)}"
        + (" current" if current else "")
        + (" elapsed" if elapsed else "")
    )
    if 90 < (a0 + a1) / 2 < 270:
        r = R_LABEL_BOTTOM
        arc = f"M{_xy(a1 - 1, r)} A{r} {r} 0 0 0 {_xy(a0 + 1, r)}"
    else:
        r = R_LABEL_TOP
        arc = f"M{_xy(a0 + 1, r)} A{r} {r} 0 0 1 {_xy(a1 - 1, r)}"
    return (
        f'<g class="{classes}" data-month="{_month_key(first_day)}" data-index="{index}">'
        f'<path class="band" d="{_annulus_sector(a0, a1, R_INNER, R_OUTER)}"/>'
        f'<path id="month-arc-{index}" class="arc" d="{arc}"/>'
        f'<text class="month-label"><textPath href="#month-arc-{index}" startOffset="50%" '
        f'text-anchor="middle">{escape(month_name(first_day.month, language))}</textPath></text>'
        "</g>"
    )


def _ring_svg(page: WheelPage, placed: list[PlacedEntry], start: date) -> str:
    language = page.language
    months = _wheel_months(start)
    today_month = month_index(start, page.today)
    today_angle = day_angle(start, page.today) if today_month is not None else None
    # A page served after its year has ended (nobody has rolled the wheel on yet).
    after_window = today_month is None and page.today > start
    year = wheel_year_label(start)
    title = f"{_text('wheel', language)} {year} – {page.network_name}"
    today_sentence = (
        _text("ring_today", language, date=format_date(page.today, language))
        if today_angle is not None
        else ""
    )
    desc = _text(
        "ring_desc",
        language,
        first=month_name(start.month, language),
        count=len(placed),
        today=today_sentence,
    )
    # A labelled group rather than role="img": an image may not hold links (WCAG 4.1.2).
    # The drawing is hidden from assistive technology; the marks are a list of links to
    # the lines of the date list, in date order, reachable with Tab.
    parts = [
        f'<svg class="ring" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {SIZE} {SIZE}" '
        'role="group" aria-labelledby="ring-title" aria-describedby="ring-desc">',
        f'<title id="ring-title">{escape(title)}</title>',
        f'<desc id="ring-desc">{escape(desc)}</desc>',
        '<g class="drawing" aria-hidden="true">',
        f'<circle class="track" cx="{CENTER}" cy="{CENTER}" r="{R_INNER}"/>',
    ]
    # The part of the year already behind us, greyed over the track.
    elapsed = 360.0 if after_window else (today_angle or 0.0)
    if elapsed >= 0.5:
        sector = _annulus_sector(0, min(elapsed, 359.99), R_HUB, R_INNER)
        parts.append(f'<path class="elapsed-track" d="{sector}"/>')
    # Months already over fade; the current month stays bright (the needle shows the day).
    done_months = 12 if after_window else (today_month or 0)
    parts += [
        _sector(index, first_day, index == today_month, index < done_months, language)
        for index, first_day in enumerate(months)
    ]
    for index in range(12):
        angle = index * 30.0
        year_change = months[index].month == 1 and index > 0
        parts.append(
            f'<line class="divider" x1="{_point(angle, R_HUB + 6)[0]:.1f}" '
            f'y1="{_point(angle, R_HUB + 6)[1]:.1f}" x2="{_point(angle, R_INNER)[0]:.1f}" '
            f'y2="{_point(angle, R_INNER)[1]:.1f}"/>'
        )
        if year_change:
            x1, y1 = _point(angle, R_INNER)
            x2, y2 = _point(angle, R_OUTER + 8)
            parts.append(
                f'<line class="year-divider" x1="{x1:.1f}" y1="{y1:.1f}" '
                f'x2="{x2:.1f}" y2="{y2:.1f}"/>'
            )
            x, y = _point(angle + 1.5, R_OUTER + 14)
            parts.append(
                f'<text class="year-tag" x="{x:.1f}" y="{y:.1f}" '
                f'text-anchor="{"start" if angle < 180 else "end"}" dy="0.35em">'
                f"{months[index].year}</text>"
            )
    # Stems from the exact day on the ring's inner edge to each mark, then the marks.
    for item in placed:
        x1, y1 = _point(item.angle, R_INNER + 5)
        x2, y2 = _point(item.mark_angle, LANE_RADII[item.lane])
        parts.append(
            f'<line class="stem kind-{item.entry.kind}" x1="{x1:.1f}" y1="{y1:.1f}" '
            f'x2="{x2:.1f}" y2="{y2:.1f}"/>'
        )
    if today_angle is not None:
        parts.append(_needle(today_angle, page.today, language))
    parts.append(_hub(page, placed, year, today_angle is not None))
    parts.append("</g>")
    if placed:
        list_name = escape(_text("dates", language))
        parts.append(f'<g class="marks" role="list" aria-label="{list_name}">')
    for item in placed:
        entry = item.entry
        x, y = _point(item.mark_angle, LANE_RADII[item.lane])
        state = _entry_state(item.entries, page.today)
        channels = ", ".join(e.channel_name for e in item.entries if e.channel_name)
        label = (
            f"{item.number}. {format_day(entry.when, language)}, "
            f"{_KIND_NAMES[entry.kind].get(language)[0]}: {entry.title}"
            + (f" ({channels})" if channels else "")
        )
        # The inner group is what grows with the text on a small ring (see _STYLE); the
        # focus ring shows only while the mark has keyboard focus.
        parts.append(
            '<g role="listitem">'
            f'<a class="mark kind-{entry.kind}{state}" href="#entry-{item.number}" '
            f'data-entry="{item.number}" data-month="{_month_key(entry.when)}" '
            f'data-date="{entry.when.isoformat()}" data-kind="{entry.kind}">'
            f"<title>{escape(label)}</title>"
            f'<g transform="translate({x:.1f} {y:.1f})"><g class="glyph">'
            f'<circle class="focus-ring" r="{MARK_EXTENT + 3}"/>{_mark_shape(entry.kind)}'
            f'<text class="num" dy="0.35em">{item.number}</text></g></g></a></g>'
        )
    if placed:
        parts.append("</g>")
    parts.append("</svg>")
    return "".join(parts)


def _needle(angle: float, today: date, language: Language) -> str:
    """Today: a needle across the track, a pointer on the rim and a label outside it.

    The needle stops at the month band so that it never crosses the month's name; it is
    drawn under the marks so that a mark on today stays readable.
    """
    x1, y1 = _point(angle, R_HUB)
    x2, y2 = _point(angle, R_INNER)
    tip = _xy(angle, R_OUTER - 2)
    left, right = _xy(angle - 1.6, R_OUTER + 9), _xy(angle + 1.6, R_OUTER + 9)
    tx, ty = _point(angle, R_OUTER + 24)
    label = _text("today", language)
    width = 16 + 8.2 * len(label)
    return (
        f'<g class="today" data-date="{today.isoformat()}">'
        f'<line class="needle" x1="{x1:.1f}" y1="{y1:.1f}" x2="{x2:.1f}" y2="{y2:.1f}"/>'
        f'<circle class="needle-hub" cx="{x1:.1f}" cy="{y1:.1f}" r="4"/>'
        f'<path class="needle-tip" d="M{tip} L{left} L{right} Z"/>'
        f'<g class="today-tag"><rect class="today-pill" x="{tx - width / 2:.1f}" '
        f'y="{ty - 11:.1f}" width="{width:.1f}" height="22" rx="11"/>'
        f'<text class="today-label" x="{tx:.1f}" y="{ty:.1f}" text-anchor="middle" '
        f'dy="0.35em">{escape(label)}</text></g></g>'
    )


def _hub(page: WheelPage, placed: list[PlacedEntry], year: str, has_today: bool) -> str:
    """The centre disc: the wheel's year, today's date and what comes next."""
    language = page.language
    parts = [
        f'<g class="hub"><circle class="hub-disc" cx="{CENTER}" cy="{CENTER}" r="{R_HUB}"/>',
        '<g class="hub-text">',
        f'<text class="hub-kicker" x="{CENTER}" y="{CENTER - 58}" text-anchor="middle">'
        f"{escape(_text('wheel', language))}</text>",
        f'<text class="hub-year" x="{CENTER}" y="{CENTER - 24}" text-anchor="middle">'
        f"{escape(year)}</text>",
    ]
    if has_today:
        today_text = (
            f"{_text('today', language)} {page.today.day} "
            f"{_MONTHS_SHORT.get(language)[page.today.month - 1]}"
        )
        parts.append(
            f'<text class="hub-today" x="{CENTER}" y="{CENTER + 2}" text-anchor="middle">'
            f"{escape(today_text)}</text>"
        )
        upcoming = next((item for item in placed if item.entry.when >= page.today), None)
        parts.append(
            f'<line class="hub-rule" x1="{CENTER - 34}" y1="{CENTER + 17}" '
            f'x2="{CENTER + 34}" y2="{CENTER + 17}"/>'
        )
        if upcoming is None:
            parts.append(
                f'<text class="hub-next-title" x="{CENTER}" y="{CENTER + 44}" '
                f'text-anchor="middle">{escape(_text("nothing_next", language))}</text>'
            )
        else:
            entry = upcoming.entry
            when = (
                f"{entry.when.day} {_MONTHS_SHORT.get(language)[entry.when.month - 1]} · "
                f"{relative_day(entry.when, page.today, language)}"
            )
            first, second = _two_lines(entry.title, (26, 20))
            parts.append(
                f'<text class="hub-kicker" x="{CENTER}" y="{CENTER + 36}" text-anchor="middle">'
                f"{escape(_text('next', language))} · {upcoming.number}</text>"
                f'<text class="hub-next-when kind-{entry.kind}" x="{CENTER}" y="{CENTER + 54}" '
                f'text-anchor="middle">{escape(when)}</text>'
                f'<text class="hub-next-title" x="{CENTER}" y="{CENTER + 72}" '
                f'text-anchor="middle">{escape(first)}</text>'
            )
            if second:
                parts.append(
                    f'<text class="hub-next-title" x="{CENTER}" y="{CENTER + 88}" '
                    f'text-anchor="middle">{escape(second)}</text>'
                )
    parts.append("</g></g>")
    return "".join(parts)


def _in_language(text: str, text_language: Language, page_language: Language) -> str:
    """`text` escaped, marked with its language when the page is in another (WCAG 3.1.2)."""
    if text_language == page_language:
        return escape(text)
    return f'<span lang="{text_language}">{escape(text)}</span>'


def _entry_state(entries: Sequence[WheelEntry], today: date) -> str:
    if any(entry.late for entry in entries):
        return " late"
    if entries[0].when < today:
        return " past"
    return ""


def _entry_item(
    entries: Sequence[WheelEntry], label: str, today: date, language: Language, number: int | None
) -> str:
    """One date in the list: its badge, day, kind, title, detail, channels and role.

    When the date is late in some of its channels but not all, those channels say so.
    """
    entry = entries[0]
    kind_name = _KIND_NAMES[entry.kind].get(language)[0]
    state = _entry_state(entries, today)
    attributes = (
        f' id="entry-{number}" data-entry="{number}"' if number is not None else ""
    ) + f' data-date="{entry.when.isoformat()}" data-kind="{entry.kind}"'
    late = _text("late", language)
    flags = []
    if state == " late":
        flags.append(f'<span class="flag late-flag">{escape(late)}</span>')
    elif state == " past":
        flags.append(f'<span class="visually-hidden">({escape(_text("past", language))})</span>')
    elif (entry.when - today).days <= 14:
        flags.append(
            f'<span class="flag soon">{escape(relative_day(entry.when, today, language))}</span>'
        )
    some_late = state == " late" and not all(e.late for e in entries)
    meta = [
        f'<span class="channel{" late" if some_late and e.late else ""}">'
        f'<span class="visually-hidden">{escape(_text("channel", language))}: </span>'
        f"{escape(e.channel_name)}"
        + (
            f'<span class="visually-hidden"> ({escape(late.lower())})</span>'
            if some_late and e.late
            else ""
        )
        + "</span>"
        for e in entries
        if e.channel_name
    ]
    if entry.role_title:
        meta.append(
            f'<span class="role">{escape(_text("responsible", language))}: '
            f"{escape(entry.role_title)}</span>"
        )
    detail_parts = [escape(entry.detail)] if entry.detail else []
    if entry.place:
        detail_parts.append(_in_language(entry.place, PLACE_LANGUAGE, language))
    detail = f'<p class="detail">{" · ".join(detail_parts)}</p>' if detail_parts else ""
    meta_html = f'<p class="meta">{"".join(meta)}</p>' if meta else ""
    return (
        f'<li class="entry kind-{entry.kind}{state}"{attributes}>'
        f"{_badge(entry.kind, label)}"
        '<div class="entry-body">'
        f'<p class="when"><time datetime="{entry.when.isoformat()}">'
        f"{escape(format_day(entry.when, language))}</time>"
        f' <span class="kind-name">· {escape(kind_name)}</span> {"".join(flags)}</p>'
        f'<p class="title">{escape(entry.title)}</p>{detail}{meta_html}</div></li>'
    )


def _entry_list(page: WheelPage, placed: list[PlacedEntry], start: date) -> str:
    language = page.language
    parts = [
        '<section class="dates" aria-labelledby="dates-heading">',
        f'<h2 id="dates-heading">{escape(_text("dates", language))}</h2>',
    ]
    overdue = merge_channels(entry for entry in page.entries if entry.late and entry.when < start)
    if overdue:
        parts.append(
            '<section class="month overdue" aria-labelledby="overdue-heading">'
            f'<h3 id="overdue-heading">{escape(_text("overdue_before", language))}</h3><ol>'
        )
        parts += [_entry_item(entries, "!", page.today, language, None) for entries in overdue]
        parts.append("</ol></section>")
    if not placed:
        parts.append(f'<p class="empty">{escape(_text("empty", language))}</p>')
    today_key = _month_key(page.today)
    by_month: dict[int, list[PlacedEntry]] = {}
    for item in placed:
        by_month.setdefault(item.month, []).append(item)
    for index, first_day in enumerate(_wheel_months(start)):
        items = by_month.get(index)
        if not items:
            continue
        key = _month_key(first_day)
        heading = _capitalized(f"{month_name(first_day.month, language)} {first_day.year}")
        now = (
            f' <span class="flag now">{escape(_text("this_month", language))}</span>'
            if key == today_key
            else ""
        )
        current = ' data-current=""' if key == today_key else ""
        parts.append(
            f'<section class="month" data-month="{key}"{current} aria-labelledby="month-{key}">'
            f'<h3 id="month-{key}">{escape(heading)}{now}</h3><ol>'
        )
        parts += [
            _entry_item(item.entries, str(item.number), page.today, language, item.number)
            for item in items
        ]
        parts.append("</ol></section>")
    parts.append("</section>")
    return "".join(parts)


def _legend(placed: list[PlacedEntry], language: Language) -> str:
    counts = {kind: sum(1 for item in placed if item.entry.kind == kind) for kind in KINDS}
    items = []
    for kind in KINDS:
        singular, plural = _KIND_NAMES[kind].get(language)
        name = singular if counts[kind] == 1 else plural
        # Swedish writes a kind in running text in lower case: "8 sista dagar".
        name = name.lower() if language == "sv" else name
        items.append(
            f'<li data-kind="{kind}">{_badge(kind, "", "legend-mark")}'
            f'<span class="count">{counts[kind]}</span> {escape(name)}</li>'
        )
    return (
        f'<ul class="legend" aria-label="{escape(_text("legend", language))}">'
        f"{''.join(items)}"
        '<li class="legend-today">'
        + _icon("badge", '<line class="needle" x1="0" y1="12" x2="0" y2="-12"/>')
        + f"{escape(_text('today', language))}</li></ul>"
    )


# Teams' dark theme colours; used for ?theme=dark and, without a theme, a dark system.
_DARK_COLOURS = """
--bg:#1f1f1f;--surface:#292929;--fg:#fff;--muted:#adadad;--line:#3d3d3d;
--accent:#7f85f5;--accent-fg:#1f1f1f;--accent-soft:#25253d;--now:#f1707b;
--meeting:#7f85f5;--deadline:#f08c5a;--check:#5ec25e;--late:#f1707b;--mark-fg:#1f1f1f;
--winter:#22303e;--spring:#243527;--summer:#3a3421;--autumn:#3d2b21;--band-fg:#e6e6e6;
--elapsed-track:rgba(255,255,255,.04);--shadow:rgba(0,0,0,.5)
"""

# Sizes and zoom (WCAG 1.4.4): the root font size is a share of the reader's own, never
# of the window, so browser zoom doubles every text of the list. The ring scales with
# its box, and its box cannot outgrow a window that zoom has made narrow; so a ring in
# a box of 640 CSS px or less (a zoomed window, a phone) draws its text and marks 1.2
# times larger within it, and a single-column ring is no longer capped at the window's
# height below 40rem. Past dates are hollow marks and muted text, not faded, so that
# they keep 3:1 (marks) and 4.5:1 (text) in every theme (WCAG 1.4.3, 1.4.11).
_STYLE = (
    """
:root{color-scheme:light dark;
--bg:#f5f5f5;--surface:#fff;--fg:#242424;--muted:#616161;--line:#e0e0e0;
--accent:#5b5fc7;--accent-fg:#fff;--accent-soft:#e8ebfa;--now:#c4314b;
--meeting:#5b5fc7;--deadline:#ca5010;--check:#237b4b;--late:#c4314b;--mark-fg:#fff;
--winter:#e2edf9;--spring:#e3f2e5;--summer:#fbf1cf;--autumn:#fae6d8;--band-fg:#3d3d3d;
--elapsed-track:rgba(0,0,0,.04);--shadow:rgba(0,0,0,.10)}
:root[data-theme=dark]{color-scheme:dark;"""
    + _DARK_COLOURS
    + """}
@media (prefers-color-scheme:dark){:root:not([data-theme]){"""
    + _DARK_COLOURS
    + """}}
:root[data-theme=default]{color-scheme:light}
:root[data-theme=contrast]{color-scheme:dark;
--bg:#000;--surface:#000;--fg:#fff;--muted:#fff;--line:#fff;
--accent:#ffff01;--accent-fg:#000;--accent-soft:#1a1a00;--now:#ffff01;
--meeting:#fff;--deadline:#ffff01;--check:#3ff23f;--late:#ff6b6b;--mark-fg:#000;
--winter:#000;--spring:#000;--summer:#000;--autumn:#000;--band-fg:#fff;
--elapsed-track:rgba(0,0,0,0);--shadow:rgba(0,0,0,0)}
*{box-sizing:border-box}
html{font-size:93.75%}
body{margin:0;background:var(--bg);color:var(--fg);
font-family:"Segoe UI","Segoe UI Web (West European)",-apple-system,BlinkMacSystemFont,Roboto,
"Helvetica Neue",Arial,sans-serif;line-height:1.4;-webkit-font-smoothing:antialiased}
header{display:flex;flex-wrap:wrap;align-items:flex-end;justify-content:space-between;
gap:.5rem 2rem;padding:1.1rem 1.5rem .6rem}
h1{margin:0;font-size:1.75rem;font-weight:600;letter-spacing:-.01em}
.subtitle{margin:.1rem 0 0;color:var(--muted);font-size:1rem}
.subtitle strong{color:var(--fg);font-weight:600}
.tools{display:flex;flex-wrap:wrap;align-items:center;gap:.5rem 1.25rem}
.legend{display:flex;flex-wrap:wrap;gap:.35rem 1rem;margin:0;padding:0;list-style:none;
font-size:.9rem;color:var(--muted)}
.legend li{display:flex;align-items:center;gap:.35rem}
.legend .count{color:var(--fg);font-weight:600}
.language{color:var(--accent);font-size:.9rem;text-decoration:none;font-weight:600}
.language:hover,.language:focus-visible{text-decoration:underline}
.subscribe-how{margin:0 1.5rem 1.5rem;color:var(--muted);font-size:.9rem}
a:focus-visible{outline:2px solid var(--fg);outline-offset:2px}
main{display:grid;grid-template-columns:min(56vw,calc(100vh - 6.5rem)) minmax(0,1fr);
gap:1.5rem;align-items:start;padding:0 1.5rem 1.5rem}
.wheel{position:sticky;top:.5rem;margin:0;container:wheel/inline-size}
.ring{display:block;width:100%;height:auto;overflow:visible;
font-family:inherit;filter:drop-shadow(0 1px 2px var(--shadow))}
.track{fill:var(--surface)}
.elapsed-track{fill:var(--elapsed-track)}
.band{fill:var(--autumn);stroke:var(--surface);stroke-width:1}
.season-winter .band{fill:var(--winter)}.season-spring .band{fill:var(--spring)}
.season-summer .band{fill:var(--summer)}
.current .band{fill:var(--accent)}
[data-theme=contrast] .band,[data-theme=contrast] .track{stroke:#fff;stroke-width:1.5}
.arc{fill:none}
.month-label{font-size:15.5px;font-weight:600;letter-spacing:.09em;text-transform:uppercase;
fill:var(--band-fg)}
.current .month-label{fill:var(--accent-fg);font-weight:700}
.elapsed .band{opacity:.4}
.divider{stroke:var(--line);stroke-width:1;stroke-dasharray:2 4}
.year-divider{stroke:var(--muted);stroke-width:1.5}
.year-tag{font-size:12px;font-weight:700;fill:var(--muted)}
.stem{stroke:var(--muted);stroke-width:1;opacity:.8}
.kind-meeting{--kind:var(--meeting)}.kind-deadline{--kind:var(--deadline)}
.kind-check{--kind:var(--check)}
.mark .shape,.badge .shape{fill:var(--kind);stroke:var(--surface);stroke-width:2}
.num{font-size:11.5px;font-weight:700;fill:var(--mark-fg);text-anchor:middle}
.kind-deadline .num{font-size:10.5px}
.past .shape{fill:var(--surface);stroke:var(--kind)}
.past .num{fill:var(--fg)}
.mark.late .shape,.badge.late .shape{stroke:var(--late);stroke-width:3.5}
.mark:hover .shape,.mark.hot .shape,.mark:focus-visible .shape{stroke:var(--fg);stroke-width:3}
.focus-ring{fill:none;stroke:none}
.mark:focus-visible .focus-ring{stroke:var(--fg);stroke-width:2.5}
.mark{cursor:pointer}.mark:focus-visible{outline:none}
.needle{stroke:var(--now);stroke-width:2.5;stroke-linecap:round}
.needle-hub,.needle-tip{fill:var(--now)}
.today-pill{fill:var(--now)}
.today-label{font-size:12.5px;font-weight:700;fill:var(--surface)}
.hub-disc{fill:var(--surface);stroke:var(--line);stroke-width:1}
.hub-kicker{font-size:11px;font-weight:600;letter-spacing:.14em;text-transform:uppercase;
fill:var(--muted)}
.hub-year{font-size:31px;font-weight:700;fill:var(--fg)}
.hub-today{font-size:13px;font-weight:600;fill:var(--now)}
.hub-rule{stroke:var(--line);stroke-width:1}
.hub-next-when{font-size:13px;font-weight:700}
.hub-next-when.kind-meeting{fill:var(--meeting)}.hub-next-when.kind-deadline{fill:var(--deadline)}
.hub-next-when.kind-check{fill:var(--check)}
.hub-next-title{font-size:12.5px;fill:var(--fg)}
.dates h2{column-span:all;margin:.2rem 0 .6rem;font-size:1.15rem;font-weight:600}
.month{break-inside:avoid-column;margin:0 0 1rem}
.month h3{display:flex;align-items:center;gap:.5rem;margin:0 0 .35rem;padding-bottom:.25rem;
border-bottom:1px solid var(--line);font-size:.95rem;font-weight:600;color:var(--muted)}
.month[data-current] h3{color:var(--fg)}
.month ol{margin:0;padding:0;list-style:none}
.entry{display:grid;grid-template-columns:1.9rem minmax(0,1fr);gap:.6rem;padding:.45rem .55rem;
margin:0 -.55rem;border-radius:6px;break-inside:avoid;scroll-margin-top:1rem}
.entry:target,.entry.hot{background:var(--accent-soft)}
.entry.past .entry-body,.entry.past .when time{color:var(--muted)}
.entry p{margin:0}
.badge{width:1.9rem;height:1.9rem;overflow:visible}
.legend-mark{width:1.25rem;height:1.25rem}
.when{font-size:.85rem;color:var(--muted)}
.when time{color:var(--fg);font-weight:600}
.title{font-weight:600;overflow-wrap:anywhere}
.detail{font-size:.9rem;overflow-wrap:anywhere}
.meta{display:flex;flex-wrap:wrap;gap:.2rem .8rem;margin-top:.15rem!important;font-size:.82rem;
color:var(--muted)}
.channel::before{content:"#";margin-right:.1em}
.channel.late{color:var(--late);font-weight:600}
.flag{display:inline-block;padding:0 .45em;border-radius:999px;font-size:.75rem;font-weight:600;
vertical-align:.05em}
.late-flag{background:var(--late);color:var(--surface)}
.soon{background:var(--accent-soft);color:var(--accent)}
.now{background:var(--accent);color:var(--accent-fg)}
.empty{color:var(--muted);max-width:34rem}
.visually-hidden{position:absolute!important;width:1px;height:1px;overflow:hidden;
clip:rect(0 0 0 0);white-space:nowrap}
@media (min-width:1380px){.months{column-count:2;column-gap:2rem}}
@media (max-width:1000px){main{grid-template-columns:minmax(0,1fr)}
.months{column-count:2;column-gap:1.5rem}
.wheel{position:static;max-width:min(100%,45rem,max(calc(100vh - 2rem),40rem));margin:0 auto;
width:100%}}
@media (max-width:640px){.months{column-count:1}header{padding:1rem .75rem .5rem}
main{padding:0 .75rem 1.5rem}}
@container wheel (max-width:640px){.month-label{font-size:19px;letter-spacing:.04em}
.glyph,.today-tag,.hub-text{transform:scale(1.2)}}
.today-tag{transform-box:fill-box;transform-origin:center}
.hub-text{transform-origin:50% 50%}
@media print{:root{--bg:#fff}main{grid-template-columns:minmax(0,1fr)}
.wheel{position:static;max-width:17cm;margin:0 auto}.language{display:none}
.months{column-count:2}}
"""
)

# Hovering or focusing a mark lights its line in the list and the other way round. The
# ring works without it: each mark links to its line.
_SCRIPT = """
(function () {
  function light(number, on) {
    document.querySelectorAll('[data-entry="' + number + '"]').forEach(function (el) {
      el.classList.toggle('hot', on);
    });
  }
  document.querySelectorAll('[data-entry]').forEach(function (el) {
    var number = el.getAttribute('data-entry');
    el.addEventListener('mouseenter', function () { light(number, true); });
    el.addEventListener('mouseleave', function () { light(number, false); });
    el.addEventListener('focus', function () { light(number, true); });
    el.addEventListener('blur', function () { light(number, false); });
  });
})();
"""


def csp_hash(source: str) -> str:
    """A Content-Security-Policy source allowing exactly this inline style or script."""
    return "'sha256-" + base64.b64encode(hashlib.sha256(source.encode()).digest()).decode() + "'"


# Who may frame the bot's pages: itself, Teams and the other Microsoft 365 hosts (the hosts
# Microsoft's tab requirements list).
FRAME_ANCESTORS = (
    "frame-ancestors 'self' https://teams.microsoft.com https://*.teams.microsoft.com "
    "https://*.cloud.microsoft https://*.microsoft365.com https://*.office.com"
)


# Only our own inline style and script run; the page may be framed by Teams and the other
# Microsoft 365 hosts (the hosts Microsoft's tab requirements list) and by itself.
CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'none'",
        f"style-src {csp_hash(_STYLE)}",
        f"script-src {csp_hash(_SCRIPT)}",
        "base-uri 'none'",
        "form-action 'none'",
        FRAME_ANCESTORS,
    ]
)


def _other_language_link(language: Language, network: str | None, theme: Theme | None) -> str:
    other: Language = "en" if language == "sv" else "sv"
    query = {"lang": other}
    if network:
        query["network"] = network
    if theme:
        query["theme"] = theme
    return (
        f'<a class="language" href="?{escape(urlencode(query))}" lang="{other}" '
        f'hreflang="{other}">{escape(_text("other_language", language))}</a>'
    )


def _subscribe_link(page: WheelPage) -> str:
    """"Subscribe in Outlook" beside the language link, when the page has the link."""
    if page.subscribe_url is None:
        return ""
    return (
        f'<a class="language subscribe" href="{escape(webcal_url(page.subscribe_url))}">'
        f'{escape(_text("subscribe", page.language))}</a>'
    )


def _subscribe_how(page: WheelPage) -> str:
    """Below the dates: how to get the subscription link, when the page does not have it
    and the chat would give it."""
    if page.subscribe_url is not None or not page.subscriptions_enabled:
        return ""
    how = escape(_text("subscribe_how", page.language))
    return f'<footer><p class="subscribe-how">{how}</p></footer>'


def _document(language: Language, title: str, theme: Theme | None, body: str) -> str:
    theme_attribute = f' data-theme="{theme}"' if theme else ""
    return (
        "<!DOCTYPE html>\n"
        f'<html lang="{language}"{theme_attribute}><head><meta charset="utf-8"/>'
        '<meta name="viewport" content="width=device-width, initial-scale=1"/>'
        '<meta name="color-scheme" content="light dark"/>'
        f"<title>{escape(title)}</title><style>{_STYLE}</style></head>"
        f"<body>{body}<script>{_SCRIPT}</script></body></html>"
    )


def render_wheel_page(
    page: WheelPage, *, theme: Theme | None = None, network_key: str | None = None
) -> str:
    """The whole page as an HTML document (well-formed XML as well, for the tests).

    Every text from data is escaped. `theme` pins Teams' theme; `network_key` is kept in
    the link to the other language.
    """
    language = page.language
    start = page.year_start.replace(day=1)
    placed = place_entries(start, page.entries)
    year = wheel_year_label(start)
    months = _wheel_months(start)
    span = (
        f"{month_name(months[0].month, language)} {months[0].year} – "
        f"{month_name(months[-1].month, language)} {months[-1].year}"
    )
    heading = f"{_text('wheel', language)} {year}"
    dates = _entry_list(page, placed, start)
    body = (
        "<header><div>"
        f"<h1>{escape(page.network_name)}</h1>"
        f'<p class="subtitle"><strong>{escape(heading)}</strong> · {escape(span)}</p>'
        "</div>"
        f'<div class="tools">{_legend(placed, language)}'
        f"{_other_language_link(language, network_key, theme)}"
        f"{_subscribe_link(page)}</div>"
        "</header><main>"
        f'<figure class="wheel">{_ring_svg(page, placed, start)}</figure>'
        f'<div class="months">{dates}</div>'
        "</main>"
        f"{_subscribe_how(page)}"
    )
    return _document(language, f"{heading} – {page.network_name}", theme, body)


def render_not_found(key: str, language: Language, theme: Theme | None = None) -> str:
    """The page for an unknown network key."""
    title = _text("not_found_title", language)
    body = (
        f"<header><div><h1>{escape(title)}</h1>"
        f'<p class="subtitle">{escape(_text("not_found", language, key=key))}</p>'
        "</div></header>"
    )
    return _document(language, title, theme, body)


_HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "Cache-Control": "no-store",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
}


def wheel_routes(
    load_page: PageLoader, subscription: SubscriptionLookup | None = None
) -> list[web.RouteDef]:
    """`GET /wheel`: the annual-wheel page of `?network=` (default network without it).

    With `?calendar=TOKEN` of a subscription link of that network, the page offers the
    link ("Subscribe in Outlook"); without, it says how to get it if the chat gives such
    links.
    """

    async def wheel(request: web.Request) -> web.Response:
        language = page_language(request.query.get("lang"))
        theme = page_theme(request.query.get("theme"))
        network = request.query.get("network") or None
        try:
            page = await load_page(network, language)
        except LookupError:
            logger.info("wheel page for an unknown network", extra={"network": network})
            return web.Response(
                text=render_not_found(network or "", language, theme),
                status=404,
                content_type="text/html",
                charset="utf-8",
                headers=_HEADERS,
            )
        token = request.query.get("calendar")
        if token and subscription is not None:
            base = f"{request.scheme}://{request.host}"
            page = replace(page, subscribe_url=await subscription(token, network, base))
        return web.Response(
            text=render_wheel_page(page, theme=theme, network_key=network),
            content_type="text/html",
            charset="utf-8",
            headers=_HEADERS,
        )

    return [web.get("/wheel", wheel)]
