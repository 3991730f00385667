"""What the bot reads out of a Teams activity: the text without mentions and HTML, the kind."""

from __future__ import annotations

import pytest
from botbuilder.schema import Activity

from bot.teams_bot import conversation_kind, message_text, submitted_question, turn_language

BOT_ID = "28:bot-id"


def _activity(text: str, *mentions: tuple[str, str], **fields) -> Activity:
    entities = [
        {"type": "mention", "text": f"<at>{name}</at>", "mentioned": {"id": user_id, "name": name}}
        for user_id, name in mentions
    ]
    return Activity().deserialize(
        {
            "type": "message",
            "text": text,
            "recipient": {"id": BOT_ID},
            "entities": entities,
            **fields,
        }
    )


@pytest.mark.parametrize(
    ("text", "mentions", "expected"),
    [
        (
            "<at>samverkan</at>&nbsp;vem är sekreterare?\n",
            [(BOT_ID, "samverkan")],
            "vem är sekreterare?",
        ),
        ("vem bokar rum? <at>samverkan</at>", [(BOT_ID, "samverkan")], "vem bokar rum?"),
        (
            "<at>samverkan</at> är <at>Anna Lindqvist</at> ordförande?",
            [(BOT_ID, "samverkan"), ("29:anna", "Anna Lindqvist")],
            "är Anna Lindqvist ordförande?",
        ),
        ("<p><at>samverkan</at> R&amp;D-frågor</p>", [(BOT_ID, "samverkan")], "R&D-frågor"),
        # Regex characters in the bot's name (the SDK's own remover treats it as a pattern).
        ("<at>samverkan (test)</at> budget?", [(BOT_ID, "samverkan (test)")], "budget?"),
        ("<at>samverkan</at>", [(BOT_ID, "samverkan")], ""),
        ("a &lt; b", [], "a < b"),
        ("  hej\u00a0\u00a0då  ", [], "hej då"),
    ],
)
def test_message_text(text, mentions, expected):
    assert message_text(_activity(text, *mentions)) == expected


def test_a_message_without_text_reads_as_empty():
    assert message_text(Activity(type="message")) == ""


def test_the_mention_does_not_decide_the_language():
    # "<at>" would otherwise count as the English word "at".
    activity = _activity("<at>samverkan</at> <at>samverkan</at> budget?", (BOT_ID, "samverkan"))

    assert turn_language(activity) == "sv"


@pytest.mark.parametrize(
    ("conversation_type", "kind"),
    [
        ("personal", "personal"),
        ("channel", "channel"),
        ("groupChat", "groupChat"),
        (None, "personal"),
        ("somethingNew", "personal"),
    ],
)
def test_conversation_kind(conversation_type, kind):
    activity = Activity(type="message")
    activity.conversation = (
        Activity()
        .deserialize({"conversation": {"id": "x", "conversationType": conversation_type}})
        .conversation
    )

    assert conversation_kind(activity) == kind


@pytest.mark.parametrize(
    ("value", "question"),
    [
        ({"q": " Vem är sekreterare? "}, "Vem är sekreterare?"),
        ({"text": "Vem bokar rum?"}, "Vem bokar rum?"),
        ({"q": ""}, None),
        ({"action": "archive"}, None),
        ("Vem?", None),
        ({"q": 3}, None),
    ],
)
def test_submitted_question(value, question):
    assert submitted_question(value) == question
