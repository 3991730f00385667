"""Adaptive cards the bot sends, built by small functions in one place.

Cards are plain JSON (Adaptive Card schema 1.5, what Teams renders); the Teams edge only
wraps them in an attachment. Buttons that ask a question send `{"q": "<question>"}`
back to the bot as a card submit, so a click and a typed question take the same path.
"""

from __future__ import annotations

from typing import Any

from storage.registry import Language, Localized

CARD_VERSION = "1.5"
SCHEMA = "http://adaptivecards.io/schemas/adaptive-card.json"

_MAIL_BUTTON = Localized(sv="Skicka e-post till {name}", en="E-mail {name}")


def _card(body: list[dict[str, Any]], actions: list[dict[str, Any]]) -> dict[str, Any]:
    card: dict[str, Any] = {
        "type": "AdaptiveCard",
        "$schema": SCHEMA,
        "version": CARD_VERSION,
        "body": body,
        "msteams": {"width": "Full"},
    }
    if actions:
        card["actions"] = actions
    return card


def question_button(question: str) -> dict[str, Any]:
    """A button that asks the bot `question` when clicked."""
    return {"type": "Action.Submit", "title": question, "data": {"q": question}}


def text_block(text: str, **style: Any) -> dict[str, Any]:
    return {"type": "TextBlock", "text": text, "wrap": True, **style}


def suggestions_card(
    title: str, lines: list[str], suggestions: tuple[str, ...]
) -> dict[str, Any]:
    """A card with a heading, a few lines of text and question buttons (help, greeting)."""
    body = [text_block(title, weight="Bolder", size="Medium")]
    body += [text_block(line, spacing="Small") for line in lines]
    return _card(body, [question_button(q) for q in suggestions[:5]])


def contact_card(
    *,
    language: Language,
    text: str,
    heading: str | None = None,
    contacts: list[tuple[str, str | None]],
    suggestions: tuple[str, ...] = (),
) -> dict[str, Any]:
    """The answer to "who do I contact?": the answer text, and a mail button per contact.

    `contacts` are (name, work e-mail or None) pairs, best first.
    """
    body = [text_block(heading, weight="Bolder", size="Medium")] if heading else []
    body.append(text_block(text))
    actions = [
        {
            "type": "Action.OpenUrl",
            "title": _MAIL_BUTTON.get(language).format(name=name),
            "url": f"mailto:{email}",
        }
        for name, email in contacts
        if email
    ][:3]
    actions += [question_button(q) for q in suggestions[:3]]
    return _card(body, actions)
