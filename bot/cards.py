"""Replies as Bot Framework activities, and the edge's own sentences in Swedish and English.

`reply_activities` is the one place a `Reply` becomes an activity: its text (Teams
renders a markdown subset) and, when the reply has one, its adaptive card as an
attachment. The cards themselves are built in `views.cards`; this module only wraps
them. The few sentences the edge says on its own (welcome, apology, an unknown button)
live here, side by side in both languages.
"""

from __future__ import annotations

from botbuilder.schema import Activity, ActivityTypes, Attachment, TextFormatTypes

from domain.registry import Language, Localized
from domain.turns import Reply

ADAPTIVE_CARD_CONTENT_TYPE = "application/vnd.microsoft.card.adaptive"

_EDGE_TEXTS: dict[str, Localized[str]] = {
    "welcome": Localized(
        sv="Hej! Jag är samverkansboten. Fråga mig vem du ska kontakta, till exempel "
        "”Vem bokar möteslokal?” eller ”Vem är sekreterare i Logistik?”, så svarar jag "
        "med rollen, vem som har den och hur du når personen. I en kanal nämner du mig "
        "med @ först. Skriv ”hjälp” för fler exempel. "
        "*I answer in English too: just ask in English.*",
        en='Hi! I am the collaboration bot. Ask me who to contact, for example "Who books '
        'the meeting room?" or "Who is the secretary of Logistik?", and I answer with the '
        "role, who holds it and how to reach them. In a channel, @mention me first. Type "
        '"help" for more examples. *Jag svarar också på svenska.*',
    ),
    "apology": Localized(
        sv="Något gick fel hos mig och jag kunde inte svara. Försök igen om en stund; "
        "händer det igen, kontakta den som administrerar boten.",
        en="Something went wrong on my side and I could not answer. Please try again in a "
        "moment; if it happens again, contact whoever administers the bot.",
    ),
    "file_refused": Localized(
        sv="Jag kan inte ta emot den filen: jag hämtar bara filer som skickats i Teams och "
        "ligger i Microsofts fillagring (SharePoint eller OneDrive). Skicka filen till mig "
        "i Teams igen, som en bifogad fil.",
        en="I cannot take that file: I only fetch files sent in Teams and stored in "
        "Microsoft's file storage (SharePoint or OneDrive). Please send me the file in "
        "Teams again, as an attachment.",
    ),
    "unknown_button": Localized(
        sv="Jag förstod inte den knappen. Skriv din fråga i stället, eller skriv ”hjälp”.",
        en='I didn\'t understand that button. Please type your question instead, or type "help".',
    ),
}


def edge_text(key: str, language: Language) -> str:
    """One of the edge's own sentences (`welcome`, `apology`, `file_refused`,
    `unknown_button`)."""
    return _EDGE_TEXTS[key].get(language)


def text_activity(text: str) -> Activity:
    """A markdown message.

    No locale is set: the SDK stamps every reply with the incoming activity's locale.
    """
    return Activity(type=ActivityTypes.message, text=text, text_format=TextFormatTypes.markdown)


def reply_activities(reply: Reply) -> list[Activity]:
    """The activities that show `reply`: one message, its card or else its text.

    A reply's card carries everything its text says (the text stays for the command line
    and as the notification `summary`), so sending both would show it twice. One activity
    also counts as one send against Teams' per-thread rate limits.
    """
    if reply.card is None:
        return [text_activity(reply.text)]
    return [
        Activity(
            type=ActivityTypes.message,
            summary=reply.text,
            attachments=[Attachment(content_type=ADAPTIVE_CARD_CONTENT_TYPE, content=reply.card)],
        )
    ]
