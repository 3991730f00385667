"""Texts of the Teams tab pages (the tab's configuration page, the terms of use and the
data-protection page), Swedish and English side by side."""

from __future__ import annotations

from domain.registry import Localized

TEXTS: dict[str, Localized[str]] = {
    "configure_title": Localized(sv="Årshjul i kanalen", en="Annual wheel in the channel"),
    "configure_intro": Localized(
        sv="Fliken visar nätverkets årshjul: möten, sista dagar och kontrollpunkter för "
        "de kommande tolv månaderna. Den visar roller, aldrig namn.",
        en="The tab shows the network's annual wheel: meetings, deadlines and checkpoints "
        "for the next twelve months. It shows roles, never names.",
    ),
    "network": Localized(sv="Nätverk", en="Network"),
    "configure_save": Localized(
        sv="Välj Spara för att lägga till fliken.", en="Choose Save to add the tab."
    ),
    "tab_name": Localized(sv="Årshjul", en="Annual wheel"),
    "terms_title": Localized(sv="Användarvillkor", en="Terms of use"),
    "privacy_title": Localized(sv="Dataskydd", en="Data protection"),
    "privacy_language": Localized(
        sv="Dokumentet finns på engelska.", en="This document is in English."
    ),
}

TERMS: Localized[tuple[str, ...]] = Localized(
    sv=(
        "Samverkan är ett verktyg för nätverkets eget arbete: vem som har vilken roll, "
        "dagordningar, årshjulets datum och protokoll. Organisationen som driver boten är "
        "personuppgiftsansvarig och bestämmer vilka nätverk och personer som finns i den.",
        "Använd boten för nätverkets arbete. Lägg inte in känsliga personuppgifter i "
        "dagordningspunkter, protokoll eller meddelanden till boten.",
        "Boten svarar utifrån de uppgifter nätverket har lagt in; kontrollera viktiga "
        "datum och ansvar med den som har rollen.",
        "Hur personuppgifter hanteras står i dataskyddsbeskrivningen. Frågor ställs till "
        "organisationen som driver boten.",
    ),
    en=(
        "Samverkan is a tool for the network's own work: who holds which role, agendas, "
        "the annual wheel's dates and minutes. The organisation that runs the bot is the "
        "controller of the personal data and decides which networks and people it holds.",
        "Use the bot for the network's work. Do not put sensitive personal data in agenda "
        "points, minutes or messages to the bot.",
        "The bot answers from what the network has entered; check important dates and "
        "responsibilities with the role's holder.",
        "How personal data is handled is described in the data-protection statement. "
        "Questions go to the organisation that runs the bot.",
    ),
)
"""The terms of use, one paragraph a line."""
