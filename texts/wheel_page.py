"""The annual-wheel page's texts (`views.wheel_page`), Swedish and English side by side,
and how the page writes dates."""

from __future__ import annotations

from datetime import date

from domain.registry import Language, Localized
from texts.calendar import MONTHS, WEEKDAYS_SHORT
from texts.calendar import MONTHS_SHORT as LIST_MONTHS

# The page's dates are tight ("12 okt"): the short month names without their full stops.
MONTHS_SHORT = Localized(
    sv=tuple(month.rstrip(".") for month in LIST_MONTHS.sv), en=LIST_MONTHS.en
)
WEEKDAYS = WEEKDAYS_SHORT
# A kind of date on the wheel (`views.wheel_page.model.EntryKind`): singular, plural.
KIND_NAMES: dict[str, Localized[tuple[str, str]]] = {
    "deadline": Localized(sv=("Sista dag", "Sista dagar"), en=("Deadline", "Deadlines")),
    "meeting": Localized(sv=("Möte", "Möten"), en=("Meeting", "Meetings")),
    "check": Localized(sv=("Kontrollpunkt", "Kontrollpunkter"), en=("Checkpoint", "Checkpoints")),
}
TEXTS: dict[str, Localized[str]] = {
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


def text(name: str, language: Language, **values: object) -> str:
    """The text `name` in `language`, with `values` filled into its `{fields}`."""
    template = TEXTS[name].get(language)
    return template.format(**values) if values else template


def month_name(month: int, language: Language) -> str:
    """The month's name (1–12), lower case in Swedish as Swedish writes it."""
    return MONTHS.get(language)[month - 1]


def format_day(day: date, language: Language) -> str:
    """A date in a list: `tis 14 april` / `Tue 14 April`."""
    weekday = WEEKDAYS.get(language)[day.weekday()]
    return f"{weekday} {day.day} {month_name(day.month, language)}"


def format_date(day: date, language: Language) -> str:
    """A date with its year: `14 april 2026` / `14 April 2026`."""
    return f"{day.day} {month_name(day.month, language)} {day.year}"


def relative_day(day: date, today: date, language: Language) -> str:
    """How far `day` is from `today`: `i dag`, `i morgon`, `om 5 dagar`, `för 3 dagar sedan`."""
    delta = (day - today).days
    if delta == 0:
        return text("today_lower", language)
    if delta == 1:
        return text("tomorrow", language)
    if delta == -1:
        return text("yesterday", language)
    if delta > 0:
        return text("in_days", language, n=delta)
    return text("days_ago", language, n=-delta)


def wheel_year_label(year_start: date) -> str:
    """`2026` for a calendar-year wheel, `2026/27` for one that starts in another month."""
    if year_start.month == 1:
        return str(year_start.year)
    return f"{year_start.year}/{(year_start.year + 1) % 100:02d}"


def capitalized(value: str) -> str:
    """`value` with its first letter in upper case."""
    return value[:1].upper() + value[1:]
