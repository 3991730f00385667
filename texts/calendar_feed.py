"""Texts of the subscribed calendar (the .ics feed), Swedish and English side by side: its
name and description, and the words inside its events."""

from __future__ import annotations

from domain.registry import Localized

TEXTS: dict[str, Localized[str]] = {
    "name": Localized(sv="Samverkan – {scope}", en="Samverkan – {scope}"),
    "description": Localized(
        sv="Möten och årshjulets datum för {scope}.",
        en="Meetings and annual-wheel dates of {scope}.",
    ),
    "agenda": Localized(sv="Dagordning", en="Agenda"),
    "online": Localized(sv="Länk till mötet", en="Meeting link"),
    "cancelled": Localized(sv="INSTÄLLT", en="CANCELLED"),
    "channel": Localized(sv="Kanal", en="Channel"),
    "category_meeting": Localized(sv="Möte", en="Meeting"),
    "category_wheel": Localized(sv="Årshjul", en="Annual wheel"),
    "homework": Localized(sv="Till nästa möte", en="Until the next meeting"),
}
