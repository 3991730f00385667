"""Sentences about meetings, agendas and the annual wheel, Swedish and English side by side,
and how dates and times are written in each language.

Swedish dates are written as Swedes write them ("tisdag 16 mars 2027 kl. 10.00–16.00"),
English ones in British style ("Tuesday 16 March 2027, 10:00–16:00"); no system locale
is involved, so the output is the same on every machine.
"""

from __future__ import annotations

from datetime import date, datetime

from domain.registry import Language, Localized
from texts.calendar import MONTHS, MONTHS_SHORT, WEEKDAYS, WEEKDAYS_SHORT

GENERAL_CHANNEL_NAME = Localized(sv="Allmänt", en="General")
"""A team's General channel, as the bot names it in lists and posts."""


def format_day(day: date, language: Language) -> str:
    """`tisdag 16 mars 2027` / `Tuesday 16 March 2027`."""
    weekday = WEEKDAYS.get(language)[day.weekday()]
    return f"{weekday} {day.day} {MONTHS.get(language)[day.month - 1]} {day.year}"


def format_compact_day(day: date, language: Language) -> str:
    """`fre 29 okt. 2027` / `Fri 29 Oct 2027`: a dated row in a list."""
    weekday = WEEKDAYS_SHORT.get(language)[day.weekday()]
    return f"{weekday} {day.day} {MONTHS_SHORT.get(language)[day.month - 1]} {day.year}"


def format_month(day: date, language: Language) -> str:
    """`Oktober 2027` / `October 2027`: the heading of a month in a list."""
    return f"{MONTHS.get(language)[day.month - 1].capitalize()} {day.year}"


def format_short_day(day: date, language: Language) -> str:
    """`16 mars` / `16 March`."""
    return f"{day.day} {MONTHS.get(language)[day.month - 1]}"


def format_clock(moment: datetime, language: Language) -> str:
    """`10.00` in Swedish, `10:00` in English."""
    # As strftime("%H.%M") / strftime("%H:%M") write it, at a fraction of the cost.
    return f"{moment.hour:02d}{'.' if language == 'sv' else ':'}{moment.minute:02d}"


def format_span(start: datetime, end: datetime, language: Language) -> str:
    """A meeting's local times: `tisdag 16 mars 2027 kl. 10.00–16.00`."""
    day = format_day(start.date(), language)
    until = format_clock(end, language)
    if end.date() != start.date():
        until = f"{format_day(end.date(), language)} {until}"
    if language == "sv":
        return f"{day} kl. {format_clock(start, language)}–{until}"
    return f"{day}, {format_clock(start, language)}–{until}"


def in_sentence(name: str, language: Language) -> str:
    """A group's or network's name inside a sentence: English names that start with
    "The" ("The e-council") take a small "the" there; other names stay as they are."""
    if language == "en" and name.startswith("The "):
        return "the " + name[4:]
    return name


def days_until(days: int, language: Language) -> str:
    """`i dag`, `i morgon`, `om 7 dagar`, `i går` / `today`, `tomorrow`, `in 7 days`,
    `yesterday`: how far off a day is, as a post says it on the day it is sent."""
    if days == 0:
        return "i dag" if language == "sv" else "today"
    if days == 1:
        return "i morgon" if language == "sv" else "tomorrow"
    if days == -1:
        return "i går" if language == "sv" else "yesterday"
    if days < 0:
        return f"för {-days} dagar sedan" if language == "sv" else f"{-days} days ago"
    return f"om {days} dagar" if language == "sv" else f"in {days} days"


MODES = {
    "physical": Localized("fysiskt möte", "in person"),
    "online": Localized("webbmöte", "online"),
    "hybrid": Localized("fysiskt och på webben", "in person and online"),
}

# --- the agenda ---------------------------------------------------------------------------

AGENDA_TITLE = Localized(sv="Dagordning – {group}", en="Agenda – {group}")
AGENDA_REMINDER_TITLE = Localized(
    sv="Dagordning inför mötet {when} – {group}", en="Agenda for the meeting on {when} – {group}"
)
WHEN = Localized(sv="När", en="When")
WHERE = Localized(sv="Var", en="Where")
KIND = Localized(sv="Möte", en="Meeting")
ONLINE_LINK = Localized(sv="Länk till mötet", en="Meeting link")
STEP = Localized(sv="Träff {n} av {count}: {title}", en="Meeting {n} of {count}: {title}")
STEP_PURPOSE = Localized(sv="Syfte", en="Purpose")
STEP_HOMEWORK = Localized(sv="Inför nästa träff", en="Before the next meeting")
STANDING_POINTS = Localized(sv="Stående punkter", en="Standing points")
MEMBER_ITEMS = Localized(sv="Punkter från medlemmarna", en="Points from the members")
NO_MEMBER_ITEMS = Localized(
    sv="Inga punkter tillagda än. Lägg till en med knappen nedan eller skriv ”lägg till punkt …”.",
    en='No points added yet. Add one with the button below or type "add item …".',
)
ADDED_BY = Localized(sv="(från {name})", en="(from {name})")
ADD_ITEM_BUTTON = Localized(sv="Lägg till punkt", en="Add a point")
ADD_ITEM_LABEL = Localized(sv="Ny punkt", en="New point")
ADD_ITEM_PLACEHOLDER = Localized(
    sv="Vad vill du ta upp på mötet?", en="What would you like to raise at the meeting?"
)
ADD_ITEM_SUBMIT = Localized(sv="Lägg till", en="Add")
WHEEL_BUTTON = Localized(sv="Årshjulet", en="Annual wheel")
ITEM_ADDED = Localized(
    sv="Punkten ”{text}” är tillagd på dagordningen för mötet {when}.",
    en='The point "{text}" is on the agenda of the meeting {when}.',
)
ITEM_EMPTY = Localized(
    sv="Skriv vad punkten gäller, till exempel ”lägg till punkt Budget för hösten”.",
    en='Say what the point is about, for example "add item Budget for the autumn".',
)
ITEM_TOO_LONG = Localized(
    sv="Punkten är för lång ({length} tecken). Korta den till högst {limit} tecken.",
    en="The point is too long ({length} characters). Please keep it to {limit} characters.",
)
CANCELLED = Localized(sv="INSTÄLLT", en="CANCELLED")

# --- meetings -------------------------------------------------------------------------------

NO_MEETING = Localized(
    sv="Inget kommande möte är inplanerat för {group}. En administratör kan lägga till ett: "
    "skriv ”möten”.",
    en='No upcoming meeting is planned for {group}. An admin can add one: type "meetings".',
)
WHICH_GROUP = Localized(
    sv="Vilken grupp menar du? Välj en nedan, eller skriv till exempel ”{example}”.",
    en='Which group do you mean? Pick one below, or type for example "{example}".',
)
MEETINGS_TITLE = Localized(sv="Kommande möten – {scope}", en="Upcoming meetings – {scope}")
NO_MEETINGS = Localized(
    sv="Inga kommande möten är inplanerade för {scope}.",
    en="No upcoming meetings are planned for {scope}.",
)
MEETING_LINE = Localized(sv="{kind}, {mode}", en="{kind}, {mode}")
ADD_MEETING_BUTTON = Localized(sv="Lägg till möte", en="Add a meeting")
MOVE_BUTTON = Localized(sv="Flytta eller ändra", en="Move or change")
CANCEL_BUTTON = Localized(sv="Ställ in", en="Cancel meeting")
CANCEL_CONFIRM = Localized(
    sv="Ställa in mötet {when}? Det går inte att ångra här.",
    en="Cancel the meeting {when}? This cannot be undone here.",
)
CANCEL_SUBMIT = Localized(sv="Ja, ställ in mötet", en="Yes, cancel the meeting")
SAVE = Localized(sv="Spara", en="Save")
FIELD_GROUP = Localized(sv="Grupp", en="Group")
FIELD_KIND = Localized(sv="Typ av möte", en="Kind of meeting")
FIELD_DATE = Localized(sv="Datum", en="Date")
FIELD_START = Localized(sv="Börjar", en="Starts")
FIELD_END = Localized(sv="Slutar", en="Ends")
FIELD_MODE = Localized(sv="Form", en="Format")
FIELD_PLACE = Localized(sv="Plats (lokal, adress)", en="Place (room, address)")
FIELD_LINK = Localized(sv="Länk för webbmöte", en="Online meeting link")
MEETING_ADDED = Localized(
    sv="Mötet är tillagt: {what} {when}.", en="The meeting is added: {what} {when}."
)
MEETING_MOVED = Localized(sv="Mötet är flyttat till {when}.", en="The meeting is moved to {when}.")
MEETING_CANCELLED = Localized(sv="Mötet {when} är inställt.", en="The meeting {when} is cancelled.")
NOT_ADMIN = Localized(
    sv="Tyvärr, bara nätverkets administratörer kan lägga till, flytta och ställa in möten. "
    "Vill du ändra ett möte? Kontakta gruppens ordförande eller en administratör.",
    en="Sorry, only the network's admins can add, move and cancel meetings. Would you like "
    "a meeting changed? Please contact the group's chair or an admin.",
)
MEETING_GONE = Localized(
    sv="Mötet finns inte längre. Skriv ”möten” för att se de kommande mötena.",
    en='That meeting no longer exists. Type "meetings" to see the upcoming ones.',
)
MEETING_PAST = Localized(
    sv="Mötet {when} har redan varit.", en="The meeting {when} has already taken place."
)
MEETING_CANCELLED_ALREADY = Localized(
    sv="Mötet {when} är inställt.", en="The meeting {when} is cancelled."
)
BAD_MEETING_FORM = Localized(
    sv="Mötet sparades inte: {problems}. Försök igen.",
    en="The meeting was not saved: {problems}. Please try again.",
)
FORM_PROBLEMS = {
    "group": Localized("välj en grupp", "choose a group"),
    "kind": Localized("välj typ av möte", "choose the kind of meeting"),
    "date": Localized("ange ett datum", "give a date"),
    "start": Localized("ange när mötet börjar", "give a start time"),
    "end": Localized("ange en sluttid efter starttiden", "give an end time after the start"),
    "mode": Localized("välj fysiskt möte, webbmöte eller båda", "choose the format"),
    "online_url": Localized("länken ska börja med https://", "the link must start with https://"),
    "past": Localized("mötet ligger i det förflutna", "the meeting would be in the past"),
}
# --- the annual wheel -------------------------------------------------------------------------

WHEEL_TITLE = Localized(sv="Årshjulet – {scope}", en="Annual wheel – {scope}")
WHEEL_WINDOW = Localized(
    sv="Från {start} till {end}.", en="From {start} to {end}."
)
NO_DEADLINES = Localized(
    sv="Inga datum i årshjulet för {scope} de närmaste {days} dagarna.",
    en="No dates in the annual wheel for {scope} in the next {days} days.",
)
WHEEL_MORE = Localized(
    sv="… och {count} till. Hela årshjulet finns på fliken Årshjul.",
    en="… and {count} more. The whole wheel is on the Annual wheel tab.",
)
WHEEL_MORE_LINKED = Localized(
    sv="… och {count} till. Hela årshjulet: [fliken Årshjul]({url}).",
    en="… and {count} more. The whole wheel: [the Annual wheel tab]({url}).",
)
WHEEL_PAGE_BUTTON = Localized(sv="Hela årshjulet", en="The whole wheel")
RESPONSIBLE = Localized(sv="Ansvarig", en="Responsible")
DEADLINE = Localized(sv="Senast", en="Deadline")
SHIFTED = Localized(sv="(flyttat från {day})", en="(moved from {day})")
SHIFTED_HOLIDAY = Localized(
    sv="(flyttat från {day}, som är {holiday})", en="(moved from {day}, {holiday})"
)
MEETINGS_BUTTON = Localized(sv="Visa möten", en="Show meetings")
SUBSCRIBE_BUTTON = Localized(sv="Prenumerera i Outlook", en="Subscribe in Outlook")
SUBSCRIBE_NOTE = Localized(
    sv="Möten och datum i din Outlook-kalender: knappen öppnar kalenderappen. I Outlook på "
    "webben: Lägg till kalender → Prenumerera från webben, och klistra in {url}",
    en="Meetings and dates in your Outlook calendar: the button opens your calendar app. In "
    "Outlook on the web: Add calendar → Subscribe from web, and paste {url}",
)
WHEEL_POST = Localized(
    sv="Årshjulet: {title} – senast {day} ({relative}).",
    en="Annual wheel: {title} – by {day} ({relative}).",
)
RESPONSIBLE_LINE = Localized(sv="Ansvarig: {who}.", en="Responsible: {who}.")
CHECK_PROBLEMS: dict[str, Localized[str]] = {
    # What a failed check of the annual wheel found, by the text key its class names
    # (`domain.wheel_checks`); the values are written by `views.meetings.deadline_problem`.
    "min_meetings": Localized(
        sv="{scope}: minst {count} sådana möten behövs {year}, inplanerade: {found}.",
        en="{scope}: at least {count} such meetings are needed in {year}; planned: {found}.",
    ),
    "preceded_by": Localized(
        sv="Inget {by_kind} är inplanerat under de {days} dagarna före {kind} {when}.",
        en="No {by_kind} is planned in the {days} days before the {kind} {when}.",
    ),
    "term_end": Localized(
        sv="Mandatperioden för {role} ({who}) går ut {day}.",
        en="The term of the {role} ({who}) ends on {day}.",
    ),
    "term_end_unnamed": Localized(
        sv="Mandatperioden för {role} går ut {day}.",
        en="The term of the {role} ends on {day}.",
    ),
}
RELATIVE_TO_MEETING = Localized(sv="Gäller mötet {when}.", en="For the meeting {when}.")
