"""The annual-wheel page (årshjul), rendered from plain data.

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
or scripts from elsewhere, so it works offline and inside the Teams tab's iframe.

- `model`: what the page shows (`WheelPage`, `WheelEntry`); whoever serves it fills that
  from the wheel (`bot.wheel_source`) and serves it (`bot.wheel_routes`).
- `geometry`: where months and dates sit on the ring.
- `texts.wheel_page` (in the texts layer): the page's words in Swedish and English, and
  how it writes dates.
- `render`: the HTML; `assets`: the files it is made from, read with `importlib.resources`
  (`page.html`, `wheel.html`, `entry.html`, `not_found.html`, `wheel.css`, `wheel.js`).
"""

from views.wheel_page.assets import SCRIPT, STYLE
from views.wheel_page.geometry import (
    CENTER,
    LANE_RADII,
    MARK_EXTENT,
    R_INNER,
    R_OUTER,
    SIZE,
    day_angle,
    month_index,
    place_entries,
)
from views.wheel_page.model import THEMES, EntryKind, Theme, WheelEntry, WheelPage
from views.wheel_page.render import render_not_found, render_wheel_page

__all__ = [
    "CENTER",
    "LANE_RADII",
    "MARK_EXTENT",
    "R_INNER",
    "R_OUTER",
    "SCRIPT",
    "SIZE",
    "STYLE",
    "THEMES",
    "EntryKind",
    "Theme",
    "WheelEntry",
    "WheelPage",
    "day_angle",
    "month_index",
    "place_entries",
    "render_not_found",
    "render_wheel_page",
]
