"""Where things sit on the wheel's ring: months as sectors, dates as numbered marks."""

from __future__ import annotations

import calendar
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date

from views.wheel_page.model import KINDS, WheelEntry


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


def point(angle: float, radius: float) -> tuple[float, float]:
    """The x, y of `angle` degrees clockwise from the top, `radius` from the centre."""
    radians = math.radians(angle)
    return CENTER + radius * math.sin(radians), CENTER - radius * math.cos(radians)


def xy(angle: float, radius: float) -> str:
    """`point` as SVG path coordinates, to a tenth of a unit."""
    x, y = point(angle, radius)
    return f"{x:.1f} {y:.1f}"


def annulus_sector(start: float, end: float, inner: float, outer: float) -> str:
    """An SVG path for the ring between two radii from `start` to `end` degrees."""
    large = 1 if end - start > 180 else 0
    return (
        f"M{xy(start, outer)} A{outer} {outer} 0 {large} 1 {xy(end, outer)} "
        f"L{xy(end, inner)} A{inner} {inner} 0 {large} 0 {xy(start, inner)} Z"
    )


def wheel_months(year_start: date) -> list[date]:
    """The first days of the wheel's twelve months, from `year_start`'s month."""
    months = []
    year, month = year_start.year, year_start.month
    for _ in range(12):
        months.append(date(year, month, 1))
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return months
