"""Replies as Bot Framework activities, and the edge's own sentences picked by language.

`reply_activities` is the one place a `Reply` becomes an activity: its text (Teams
renders a markdown subset) and, when the reply has one, its adaptive card as an
attachment. The cards themselves are built in `views.cards`; this module only wraps
them. The few sentences the edge says on its own (welcome, apology, an unknown button)
are in `texts.edge`, side by side in both languages.
"""

from __future__ import annotations

from botbuilder.schema import Activity, ActivityTypes, Attachment, TextFormatTypes

from domain.registry import Language
from domain.turns import Reply
from texts.edge import EDGE_TEXTS

ADAPTIVE_CARD_CONTENT_TYPE = "application/vnd.microsoft.card.adaptive"


def edge_text(key: str, language: Language) -> str:
    """One of the edge's own sentences (`welcome`, `apology`, `file_refused`,
    `unknown_button`)."""
    return EDGE_TEXTS[key].get(language)


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
