"""The sentences the Teams edge says on its own, Swedish and English side by side: the
welcome in a personal chat, the apology for an error, a refused file and an unknown
button (`bot.cards.edge_text`)."""

from __future__ import annotations

from domain.registry import Localized

EDGE_TEXTS: dict[str, Localized[str]] = {
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
