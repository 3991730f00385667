"""Texts of changing annual-wheel entries from chat, Swedish and English side by side."""

from __future__ import annotations

from domain.registry import Localized

EDIT_BUTTON = Localized(sv="Ändra", en="Edit")
EDIT_WHEEL_BUTTON = Localized(sv="Ändra årshjulet", en="Edit the wheel")
ENTRIES_TITLE = Localized(
    sv="Årshjulets poster i {network}", en="The annual wheel's entries in {network}"
)
ENTRIES_INTRO = Localized(
    sv="Välj en post att ändra. Ändringar sparas i boten, ovanpå reglerna i nätverkets datafil.",
    en="Pick an entry to change. Changes are kept by the bot, on top of the rules in the "
    "network's data file.",
)
NO_ENTRIES = Localized(sv="{network} har inget årshjul.", en="{network} has no annual wheel.")
FORM_TITLE = Localized(sv="Ändra: {title}", en="Edit: {title}")
SHIPPED = Localized(sv="Enligt datafilen", en="As the data file says")
SAVE = Localized(sv="Spara", en="Save")
RESET = Localized(sv="Återställ till datafilens regel", en="Back to the data file's rule")

FIELD_MONTHS = Localized(sv="Månad (en eller flera)", en="Month (one or more)")
FIELD_DAY = Localized(sv="Dag i månaden", en="Day of the month")
LAST_DAY = Localized(sv="sista dagen", en="the last day")
FIELD_OFFSET = Localized(
    sv="Dagar före mötet (negativt tal: efter mötet)",
    en="Days before the meeting (a negative number: after it)",
)
FIELD_LEAD = Localized(
    sv="Påminn så många dagar före (t.ex. 30, 7, 0; 0 = samma dag)",
    en="Remind this many days before (e.g. 30, 7, 0; 0 = on the day)",
)
FIELD_TARGET = Localized(sv="Postas i kanalen", en="Posted in the channel")
FIELD_RESPONSIBLE = Localized(sv="Ansvarig roll", en="Responsible role")
FIELD_PAUSED = Localized(sv="Pausad dessa år", en="Paused in these years")
NOBODY = Localized(sv="ingen särskild roll", en="no particular role")
EACH_GROUP = Localized(sv="varje grupps egen kanal", en="each group's own channel")
DATE_FROM_CHECK = Localized(
    sv="Datumet följer av det kontrollen gäller (möten, mandattider) och ändras inte här.",
    en="The date follows from what the check is about (meetings, terms of office) and is "
    "not changed here.",
)

WHEN = Localized(sv="När", en="When")
LEAD = Localized(sv="Påminnelser", en="Reminders")
WHERE = Localized(sv="Kanal", en="Channel")
WHO = Localized(sv="Ansvarig", en="Responsible")
PAUSED = Localized(sv="Pausad", en="Paused")
YEARLY = Localized(sv="{day} {months} varje år", en="{months} {day} every year")
LAST_OF = Localized(sv="sista dagen i {months}", en="the last day of {months}")
RELATIVE_BEFORE = Localized(
    sv="{days} dagar före varje {kind}", en="{days} days before each {kind}"
)
RELATIVE_AFTER = Localized(sv="{days} dagar efter varje {kind}", en="{days} days after each {kind}")
RELATIVE_ON = Localized(sv="samma dag som varje {kind}", en="on the day of each {kind}")
BY_CHECK = Localized(sv="när kontrollen slår till", en="when the check finds a problem")
LEAD_DAYS = Localized(sv="{days} dagar före", en="{days} days before")
ON_THE_DAY = Localized(sv="samma dag", en="on the day")
AND = Localized(sv="och", en="and")

SAVED = Localized(
    sv="Sparat. ”{title}” gäller nu så här; nästa planering använder det.",
    en='Saved. "{title}" now reads like this; the next planning pass uses it.',
)
UNCHANGED = Localized(
    sv="Inget ändrades: ”{title}” var redan så.",
    en='Nothing changed: "{title}" was like that already.',
)
RESET_DONE = Localized(
    sv="”{title}” följer datafilens regel igen.",
    en='"{title}" follows the data file\'s rule again.',
)
RESET_NOTHING = Localized(
    sv="”{title}” var inte ändrad; datafilens regel gäller.",
    en='"{title}" was not changed; the data file\'s rule applies.',
)
WITHDRAWN = Localized(
    sv="Väntande påminnelser om den gamla lydelsen som drogs tillbaka: {count}.",
    en="Waiting reminders of the old version withdrawn: {count}.",
)
NEXT_DATES = Localized(sv="Nästa datum: {dates}", en="Next dates: {dates}")
NO_NEXT_DATES = Localized(sv="Inga datum det närmaste året.", en="No dates in the coming year.")
NOT_ADMIN = Localized(
    sv="Tyvärr, årshjulet kan bara nätverkets administratörer och teamets ägare ändra. "
    "Inget har ändrats.",
    en="Sorry, only the network's admins and the team's owners may change the annual wheel. "
    "Nothing was changed.",
)
ENTRY_GONE = Localized(
    sv="Den posten finns inte längre i årshjulet (datafilen har ändrats). Skriv ”årshjul” för "
    "att se det som det är nu.",
    en='That entry is no longer in the annual wheel (the data file changed). Type "wheel" '
    "to see it as it is now.",
)
BAD_FORM = Localized(
    sv="Jag kunde inte spara: {problems}. Inget har ändrats; rätta och spara igen.",
    en="I could not save: {problems}. Nothing was changed; correct it and save again.",
)
PROBLEMS: dict[str, Localized[str]] = {
    "months": Localized(sv="välj minst en månad", en="choose at least one month"),
    "day": Localized(sv="välj en dag i månaden (1–31 eller sista dagen)",
                     en="choose a day of the month (1-31 or the last day)"),
    "day_in_month": Localized(
        sv="{month} har inte {day} dagar (välj ”sista dagen” för månadens sista dag)",
        en="{month} has no day {day} (choose \"the last day\" for the month's last day)",
    ),
    "offset": Localized(sv="ange dagar före mötet som ett heltal mellan -365 och 365",
                        en="give the days before the meeting as a whole number from -365 to 365"),
    "lead_days": Localized(
        sv="ange påminnelsedagarna som heltal 0–365 med kommatecken emellan, högst fem",
        en="give the reminder days as whole numbers 0-365 separated by commas, at most five",
    ),
    "target": Localized(sv="välj en kanal i listan", en="choose a channel from the list"),
    "responsible": Localized(sv="välj en roll i listan", en="choose a role from the list"),
    "paused": Localized(sv="välj pausår i listan", en="choose years to pause from the list"),
}  # fmt: skip
