"""The sender of scheduled posts: what a channel receives, and how refusals come back."""

from __future__ import annotations

import pytest

from bot.cards import ADAPTIVE_CARD_CONTENT_TYPE
from bot.local_connector import LocalConnector
from bot.proactive import ConnectorSender
from domain.posts import Mention
from scheduler.delivery import SendError
from tests.scheduler.planned import LOGISTIK, channel_reference, post

ANNA = Mention("Anna Berg", "6b1e3f3a-2c1d-4e5f-8a9b-0c1d2e3f4a5b")
BO = Mention("Bo Ek", "0f0f0f0f-1111-2222-3333-444455556666")


async def test_a_post_is_a_new_thread_in_the_channel_with_the_connectors_id(
    connector: LocalConnector, sender: ConnectorSender
):
    activity_id = await sender.send(
        channel_reference(connector.service_url, LOGISTIK), post("agenda:1")
    )

    (sent,) = connector.activities
    assert (sent.conversation_id, sent.reply_to_id, sent.id) == (LOGISTIK, None, activity_id)
    assert sent.activity["type"] == "message"
    assert sent.activity["from"]["id"] == "28:samverkan-bot"
    assert sent.text == "Påminnelse agenda:1"


async def test_mentions_in_a_card_become_teams_mention_entities_of_the_card(
    connector: LocalConnector, sender: ConnectorSender
):
    card = {
        "type": "AdaptiveCard",
        "version": "1.5",
        "body": [{"type": "TextBlock", "text": "Sekreterare: <at>Anna Berg</at>"}],
    }
    planned = post("agenda:1", text="Dagordning för Logistik", card=card, mentions=(ANNA, BO))

    await sender.send(channel_reference(connector.service_url, LOGISTIK), planned)

    (sent,) = connector.activities
    (attachment,) = sent.attachments
    assert attachment["contentType"] == ADAPTIVE_CARD_CONTENT_TYPE
    assert attachment["content"]["msteams"]["entities"] == [
        {
            "type": "mention",
            "text": "<at>Anna Berg</at>",
            "mentioned": {"id": ANNA.entra_object_id, "name": "Anna Berg"},
        }
    ]
    assert sent.activity["summary"] == "Dagordning för Logistik"
    # Bo is not named in the card: he is mentioned in the message text, so he is notified.
    assert sent.text == "<at>Bo Ek</at>"
    assert sent.activity["entities"] == [
        {
            "type": "mention",
            "text": "<at>Bo Ek</at>",
            "mentioned": {"id": BO.entra_object_id, "name": "Bo Ek"},
        }
    ]


async def test_a_text_post_keeps_its_own_mentions_and_gets_the_missing_ones(
    connector: LocalConnector, sender: ConnectorSender
):
    planned = post("minutes:1", text="<at>Anna Berg</at>, protokollet saknas.", mentions=(ANNA, BO))

    await sender.send(channel_reference(connector.service_url, LOGISTIK), planned)

    (sent,) = connector.activities
    assert sent.text == "<at>Anna Berg</at>, protokollet saknas.\n\n<at>Bo Ek</at>"
    assert [e["mentioned"]["id"] for e in sent.activity["entities"]] == [
        ANNA.entra_object_id,
        BO.entra_object_id,
    ]


@pytest.mark.parametrize(
    ("status", "code", "headers", "retry_after"),
    [
        (429, "Throttled", {"Retry-After": "2.5"}, 2.5),
        (403, "BotNotInConversationRoster", {}, None),
        (404, "ConversationNotFound", {}, None),
    ],
)
async def test_a_refusal_comes_back_with_status_code_and_retry_after(
    connector: LocalConnector, sender: ConnectorSender, status, code, headers, retry_after
):
    connector.script(status, {"error": {"code": code, "message": "no"}}, headers=headers)

    with pytest.raises(SendError) as raised:
        await sender.send(channel_reference(connector.service_url, LOGISTIK), post("agenda:1"))

    assert (raised.value.status, raised.value.code, raised.value.retry_after) == (
        status,
        code,
        retry_after,
    )
    assert len(connector.requests) == 1  # not retried behind the worker's back
