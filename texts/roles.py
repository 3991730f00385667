"""What the role-holder administration says, in Swedish and English side by side."""

from __future__ import annotations

from domain.registry import Localized

ROLES_TITLE = Localized(sv="Roller – {scope}", en="Roles – {scope}")
NETWORK_ROLES = Localized(sv="Roller i hela {network}", en="Roles in all of {network}")
NO_ROLES = Localized(
    sv="{scope} har inga roller i registret.", en="{scope} has no roles in the registry."
)
VACANT = Localized(sv="Ingen har rollen just nu.", en="Nobody holds the role right now.")
DEPUTY = Localized(sv="ersättare", en="deputy")
DEPUTIES = Localized(sv="Ersättare", en="Deputies")
TERM_FROM = Localized(sv="från {start}", en="from {start}")
TERM_UNTIL = Localized(sv="till och med {end}", en="until {end}")
TERM_BOTH = Localized(sv="{start} – {end}", en="{start} – {end}")
ONLY_ADMINS = Localized(
    sv="Nätverkets administratörer och teamets ägare kan ändra rollerna.",
    en="The network's administrators and the team's owners can change the roles.",
)
GROUP_BUTTON = Localized(sv="Roller i {group}", en="Roles in {group}")

EDIT_A_ROLE = Localized(sv="Ändra en roll", en="Edit a role")
FIELD_ROLE = Localized(sv="Roll", en="Role")
CHOOSE = Localized(sv="Välj", en="Choose")
EDIT_TITLE = Localized(sv="Ändra {role} – {scope}", en="Edit {role} – {scope}")
EDIT_INTRO = Localized(
    sv="Lägg till en person, eller ändra eller ta bort de som har rollen nu.",
    en="Add a person, or change or remove those who hold the role now.",
)
ADD_BUTTON = Localized(sv="Lägg till person", en="Add a person")
CHANGE_BUTTON = Localized(sv="Ändra eller ta bort", en="Change or remove")
FIELD_PERSON = Localized(sv="Person", en="Person")
PERSON_PLACEHOLDER = Localized(sv="Sök på namn eller e-post", en="Search by name or e-mail")
PERSON_REQUIRED = Localized(sv="Välj en person", en="Choose a person")
FIELD_DEPUTY = Localized(sv="Ersättare", en="Deputy")
FIELD_TERM_START = Localized(sv="Mandatperioden börjar", en="Term starts")
FIELD_TERM_END = Localized(sv="Mandatperioden slutar", en="Term ends")
FIELD_REMOVE = Localized(sv="Ta bort {name} från rollen", en="Remove {name} from the role")
SAVE = Localized(sv="Spara", en="Save")
SHOW_FORM = Localized(sv="Ändra rollen", en="Edit the role")

SAVED = Localized(
    sv="Sparat. {role} i {scope}: {holders}.", en="Saved. {role} in {scope}: {holders}."
)
NOBODY = Localized(sv="ingen", en="nobody")
NOTHING_CHANGED = Localized(
    sv="Inget ändrades: rollen har redan de uppgifterna.",
    en="Nothing changed: the role already has those details.",
)
NOT_ADMIN = Localized(
    sv="Tyvärr, bara nätverkets administratörer och teamets ägare kan ändra vem som har en "
    "roll. Fråga någon av dem om något behöver ändras.",
    en="Sorry, only the network's administrators and the team's owners can change who holds "
    "a role. Ask one of them if something needs changing.",
)
UNKNOWN_ROLE = Localized(
    sv="Rollen ”{role}” finns inte i {network}. Skriv ”roller” för att se rollerna.",
    en='There is no role "{role}" in {network}. Type "roles" to see the roles.',
)
NEEDS_GROUP = Localized(
    sv="{role} är en roll i varje grupp: säg vilken grupp, t.ex. ”roller {example}”.",
    en='{role} is a role in each group: say which group, e.g. "roles {example}".',
)
NOT_IN_GROUP = Localized(
    sv="{role} gäller hela nätverket, inte en grupp.",
    en="{role} is held for the whole network, not in a group.",
)
CHANGED_MEANWHILE = Localized(
    sv="Någon annan ändrade rollen medan formuläret var öppet, så inget sparades. "
    "Här är rollen som den är nu:",
    en="Someone else changed the role while the form was open, so nothing was saved. "
    "Here is the role as it is now:",
)
FORM_PROBLEMS = Localized(sv="Inget sparades: {problems}.", en="Nothing was saved: {problems}.")
NO_PERSON = Localized(sv="välj en person", en="choose a person")
BAD_DATE = Localized(
    sv="”{value}” är inget datum (ÅÅÅÅ-MM-DD)", en='"{value}" is not a date (YYYY-MM-DD)'
)
TERM_ORDER = Localized(
    sv="mandatperioden för {name} slutar ({end}) före den börjar ({start})",
    en="the term of {name} ends ({end}) before it starts ({start})",
)
UNKNOWN_PERSON = Localized(
    sv="personen finns inte i organisationens katalog",
    en="the person is not in the organisation's directory",
)
DIRECTORY_DOWN = Localized(
    sv="katalogen gick inte att fråga just nu, försök igen om en stund",
    en="the directory could not be asked just now, try again in a while",
)
ALREADY_HOLDS = Localized(sv="{name} har redan rollen", en="{name} already holds the role")
