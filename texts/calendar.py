"""Month and weekday names, Swedish and English side by side: the one definition every date
the bot writes uses (chat replies, posts, cards, forms and the wheel page).

Swedish names are lower case, as Swedes write them inside a sentence ("tisdag 16 mars");
a heading capitalises them where it needs to. No system locale is involved, so the output
is the same on every machine.
"""

from __future__ import annotations

from domain.registry import Localized

WEEKDAYS: Localized[tuple[str, ...]] = Localized(
    sv=("måndag", "tisdag", "onsdag", "torsdag", "fredag", "lördag", "söndag"),
    en=("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"),
)
"""Monday first, as `date.weekday()` counts."""

WEEKDAYS_SHORT: Localized[tuple[str, ...]] = Localized(
    sv=("mån", "tis", "ons", "tors", "fre", "lör", "sön"),
    en=("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"),
)

MONTHS: Localized[tuple[str, ...]] = Localized(
    sv=(
        "januari", "februari", "mars", "april", "maj", "juni",
        "juli", "augusti", "september", "oktober", "november", "december",
    ),
    en=(
        "January", "February", "March", "April", "May", "June",
        "July", "August", "September", "October", "November", "December",
    ),
)  # fmt: skip
"""January first: `MONTHS.get(language)[day.month - 1]`."""

MONTHS_SHORT: Localized[tuple[str, ...]] = Localized(
    sv=(
        "jan.", "feb.", "mars", "apr.", "maj", "juni",
        "juli", "aug.", "sep.", "okt.", "nov.", "dec.",
    ),
    en=(
        "Jan", "Feb", "Mar", "Apr", "May", "Jun",
        "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ),
)  # fmt: skip
"""Abbreviated, as in a dated row of a list; a shortened Swedish name ends with a full stop
("okt."), a whole one ("mars", "maj") has none."""
