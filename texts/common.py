"""The bot's own sentences (greeting, help, errors), Swedish and English side by side.

Answers to "who do I contact?" have their own texts in `texts.who`.
"""

from __future__ import annotations

from domain.registry import Localized

GREETING = Localized(
    sv="Hej{name}! Jag är samverkansboten för {network}. Fråga mig vem du ska kontakta, "
    "till exempel:",
    en="Hi{name}! I am the collaboration bot for {network}. Ask me who to contact, for example:",
)

THANKS = Localized(
    sv="Varsågod! Fråga gärna igen om du undrar något mer.",
    en="You're welcome! Just ask if there is anything else.",
)

GOODBYE = Localized(
    sv="Hej då! Fråga gärna igen när du undrar något.",
    en="Bye! Just ask again whenever you need to.",
)

ACKNOWLEDGED = Localized(
    sv="👍 Fråga gärna igen om du undrar något mer.",
    en="👍 Just ask if there is anything else.",
)

HELP_INTRO = Localized(
    sv="Jag svarar på **vem du ska kontakta** i {network}: vilken roll som ansvarar, vem som "
    "har den i din grupp, hur du når personen och vad rollen gör.",
    en="I answer **who to contact** in {network}: which role is responsible, who holds it in "
    "your group, how to reach them and what the role does.",
)

# To a remark ("budgeten är ju helt orimlig", "the lunch was great 👌"): heard, and how to
# take it further; not "I can't do that", since nothing was asked.
REMARK = Localized(
    sv="Jag hör vad du säger, men jag för inget vidare själv. Om någon borde få veta, fråga "
    "mig vem du ska kontakta.",
    en="I hear you, but I don't pass things on myself. If someone ought to know, ask me who to "
    "contact.",
)

CANNOT = Localized(
    sv="Det kan jag tyvärr inte göra. Jag kan svara på vem du ska kontakta och visa sådant som "
    "dagordningar, möten, årshjulet och protokoll.",
    en="Sorry, I can't do that. I can tell you who to contact and show things such as agendas, "
    "meetings, the annual wheel and minutes.",
)

CHAT = Localized(
    sv="Där kan jag tyvärr inte hänga med: jag är bara en bot för nätverkets frågor.",
    en="I'm afraid I can't keep up there: I'm only a bot for the network's questions.",
)

HELP_ROLES = Localized(sv="Roller jag känner till: {roles}.", en="Roles I know: {roles}.")

HELP_GROUPS = Localized(
    sv="Nämn gärna gruppen i frågan ({groups}).",
    en="You can name the group in your question ({groups}).",
)

HELP_COMMANDS = Localized(sv="Det här kan du också skriva:", en="You can also type:")

EXAMPLES_TITLE = Localized(sv="Prova att fråga", en="Try asking")

UNKNOWN_NETWORK = Localized(
    sv="Jag känner inte till nätverket ”{key}”. Nätverk jag känner till: {known}.",
    en="I don't know the network \"{key}\". Networks I know: {known}.",
)

UNKNOWN_GROUP = Localized(
    sv="Gruppen ”{key}” finns inte i {network}. Grupper: {known}.",
    en="There is no group \"{key}\" in {network}. Groups: {known}.",
)

EMPTY_REGISTRY = Localized(
    sv="Inga nätverk är inlagda ännu. Be administratören läsa in nätverkens datafiler.",
    en="No networks are set up yet. Ask the administrator to load the network data files.",
)

UNKNOWN_ACTION = Localized(
    sv="Jag förstod inte den knappen. Den kan vara från ett äldre kort; skriv ”hjälp” för att "
    "se vad jag kan.",
    en='I didn\'t understand that button. It may be from an older card; type "help" to see '
    "what I can do.",
)

MAIL_BUTTON = Localized(sv="Skicka e-post till {name}", en="E-mail {name}")
"""The contact card's button that writes an e-mail to a role holder."""
