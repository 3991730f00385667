"""Draw the app's two Teams icons: the annual wheel (årshjul) as a ring of twelve months.

    python -m manifest.draw_icons      rewrite manifest/color.png and manifest/outline.png

The PNGs are committed; this script is how they were made, and it is deterministic (the
tests check that it reproduces the committed files byte for byte). PNG encoding is done
here with zlib, so no imaging library is needed.
"""

from __future__ import annotations

import math
import struct
import zlib
from collections.abc import Callable
from pathlib import Path

MANIFEST_DIR = Path(__file__).resolve().parent

# The accent colour is also the manifest's accentColor, so the icon and Teams' tile match.
ACCENT = (0x1E, 0x5A, 0x6E)
WHITE = (0xFF, 0xFF, 0xFF)
# The month that is "now" on the wheel: a warm highlight on the colour icon.
HIGHLIGHT = (0xF4, 0xB9, 0x42)

MONTHS = 12
SUPERSAMPLING = 4  # 4x4 samples per pixel: smooth edges, still deterministic

RGBA = tuple[int, int, int, int]


def _png(width: int, height: int, pixels: list[list[RGBA]]) -> bytes:
    """Encode 8-bit RGBA pixels as a PNG (no filtering, maximum compression)."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    raw = b"".join(b"\x00" + bytes(channel for pixel in row for channel in pixel) for row in pixels)
    header = struct.pack(">IIBBBBB", width, height, 8, 6, 0, 0, 0)  # 8 bits, RGBA
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(raw, 9))
        + chunk(b"IEND", b"")
    )


def _ring_month(size: int, outer: float, inner: float, gap: float) -> Callable[[float, float], int]:
    """A function of a point giving the month (0-11, clockwise from 12 o'clock) of the ring
    segment it falls in, or -1 outside the ring or in a gap between months.

    Gaps have a constant width in pixels, so they look like straight cuts, not wedges.
    """
    centre = size / 2
    step = 2 * math.pi / MONTHS

    def month_at(x: float, y: float) -> int:
        dx, dy = x - centre, y - centre
        radius = math.hypot(dx, dy)
        if not inner <= radius <= outer:
            return -1
        angle = math.atan2(dx, -dy) % (2 * math.pi)
        month = int(angle // step) % MONTHS
        to_boundary = min(angle - month * step, (month + 1) * step - angle)
        return -1 if radius * math.sin(to_boundary) < gap / 2 else month

    return month_at


def _draw(size: int, paint: Callable[[float, float], tuple[tuple[int, int, int], float]]) -> bytes:
    """Rasterise `paint` (a point → colour and opacity) with supersampling."""
    samples = [(i + 0.5) / SUPERSAMPLING for i in range(SUPERSAMPLING)]
    count = SUPERSAMPLING * SUPERSAMPLING
    rows: list[list[RGBA]] = []
    for y in range(size):
        row: list[RGBA] = []
        for x in range(size):
            totals = [0.0, 0.0, 0.0, 0.0]
            for sy in samples:
                for sx in samples:
                    (r, g, b), alpha = paint(x + sx, y + sy)
                    totals[0] += r * alpha
                    totals[1] += g * alpha
                    totals[2] += b * alpha
                    totals[3] += alpha
            coverage = totals[3]
            if coverage == 0:
                row.append((0, 0, 0, 0))
            else:
                r, g, b = (round(totals[i] / coverage) for i in range(3))
                row.append((r, g, b, round(255 * coverage / count)))
        rows.append(row)
    return _png(size, size, rows)


def color_icon() -> bytes:
    """192x192, full colour: a white twelve-month ring with this month highlighted, on the
    accent colour. The ring stays inside the central 120 px, clear of Teams' rounded corners."""
    month_at = _ring_month(192, outer=60, inner=42, gap=5)

    def paint(x: float, y: float) -> tuple[tuple[int, int, int], float]:
        month = month_at(x, y)
        if month == 0:
            return HIGHLIGHT, 1.0
        return (WHITE if month > 0 else ACCENT), 1.0

    return _draw(192, paint)


def outline_icon() -> bytes:
    """32x32, white on transparent (what Teams requires of the outline icon): the same ring."""
    month_at = _ring_month(32, outer=14, inner=9.5, gap=2)

    def paint(x: float, y: float) -> tuple[tuple[int, int, int], float]:
        return WHITE, (1.0 if month_at(x, y) >= 0 else 0.0)

    return _draw(32, paint)


def main() -> None:
    (MANIFEST_DIR / "color.png").write_bytes(color_icon())
    (MANIFEST_DIR / "outline.png").write_bytes(outline_icon())


if __name__ == "__main__":
    main()
