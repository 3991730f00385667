"""Scenarios: Teams activity JSON posted to the running app, replies read at the connector.

Each test talks to the real stack (`app.create_app`: database, registry, conversation,
adapter) over HTTP and checks what a Teams client would see.
"""

from __future__ import annotations

import logging

import pytest
from botbuilder.schema import ConversationReference

from bot.cards import ADAPTIVE_CARD_CONTENT_TYPE
from storage.conversations import ConversationStore
from storage.database import Database
from tests.bot.teams_activities import (
    BOT,
    CHANNEL_ID,
    GROUP_CHAT_ID,
    PERSONAL_CONVERSATION_ID,
    TEAM_ID,
    TENANT_ID,
    USER,
    bot_added_to_personal_chat,
    bot_added_to_team,
    channel_message,
    group_chat_message,
    personal_message,
    user_joined_team,
)


def _store_of(bot) -> tuple[Database, ConversationStore]:
    """A second handle on the bot's own database, to see what it stored."""
    database = Database(bot.settings.database_url)
    return database, ConversationStore(database)


def _card(reply) -> dict:
    (attachment,) = [a for a in reply.attachments if a["contentType"] == ADAPTIVE_CARD_CONTENT_TYPE]
    return attachment["content"]


async def test_a_channel_mention_is_answered_in_its_thread_in_swedish(bot, connector):
    activity = channel_message(connector.service_url, "vem är sekreterare?")

    status, _ = await bot.post(activity)

    assert status == 201
    (reply,) = await connector.wait_for_activities(1)
    thread = f"{CHANNEL_ID};messageid={activity['id']}"
    assert connector.requests[0].method == "POST"
    assert connector.requests[0].path == f"/v3/conversations/{thread}/activities/{activity['id']}"
    assert (reply.conversation_id, reply.reply_to_id) == (thread, activity["id"])
    assert reply.activity["from"]["id"] == BOT["id"]
    assert "**Sekreterare** finns i varje grupp" in reply.visible_text


async def test_the_conversation_reference_is_stored_with_the_tenant_from_channel_data(
    bot, connector
):
    activity = channel_message(connector.service_url, "vem är sekreterare?")

    await bot.post(activity)

    database, store = _store_of(bot)
    try:
        reference = await store.get_reference(activity["conversation"]["id"])
        (stored,) = await store.references_for_team(TEAM_ID)
    finally:
        await database.close()
    assert (stored.tenant_id, stored.team_id, stored.channel_id, stored.kind) == (
        TENANT_ID,
        TEAM_ID,
        CHANNEL_ID,
        "channel",
    )
    assert reference["serviceUrl"] == connector.service_url
    assert reference["activityId"] == activity["id"]
    assert (reference["bot"]["id"], reference["user"]["id"]) == (BOT["id"], USER["id"])
    # Stored under the SDK's own key, so the reference turns back into an SDK object whole.
    assert ConversationReference().deserialize(reference).conversation.tenant_id == TENANT_ID


async def test_a_channel_bound_to_a_group_is_answered_about_that_group(bot, connector):
    database, store = _store_of(bot)
    try:
        await store.set_binding(TEAM_ID, CHANNEL_ID, "bestservice", "logistik")
    finally:
        await database.close()

    await bot.post(channel_message(connector.service_url, "vem är sekreterare?"))

    (reply,) = await connector.wait_for_activities(1)
    assert reply.visible_text.startswith("**Sekreterare** i Logistik")


async def test_a_personal_question_in_english_is_answered_in_english(bot, connector):
    activity = personal_message(connector.service_url, "Who is the secretary?")

    await bot.post(activity)

    (reply,) = await connector.wait_for_activities(1)
    assert reply.conversation_id == PERSONAL_CONVERSATION_ID
    assert reply.reply_to_id == activity["id"]
    assert "Each group in Best Service has a **Secretary**" in reply.visible_text


async def test_a_group_chat_mention_is_stripped_before_answering(bot, connector):
    # "hjälp" reaches the conversation only if "<at>samverkan</at> " is removed.
    activity = group_chat_message(connector.service_url, "hjälp")

    await bot.post(activity)

    (reply,) = await connector.wait_for_activities(1)
    assert reply.conversation_id == GROUP_CHAT_ID
    assert "Jag svarar på **vem du ska kontakta**" in reply.visible_text
    card = _card(reply)
    assert card["type"] == "AdaptiveCard"
    assert any(a["type"] == "Action.Submit" and "q" in a["data"] for a in card["actions"])


async def test_a_bare_mention_gets_help(bot, connector):
    activity = channel_message(connector.service_url, "")

    await bot.post(activity)

    (reply,) = await connector.wait_for_activities(1)
    assert "vem du ska kontakta" in reply.visible_text


async def test_expect_replies_returns_the_replies_and_sends_nothing(bot, connector):
    activity = personal_message(
        connector.service_url, "vem bokar möteslokal?", deliveryMode="expectReplies"
    )

    status, body = await bot.post(activity)

    assert status == 200
    (reply,) = body["activities"]
    assert reply["type"] == "message"
    assert reply["replyToId"] == activity["id"]
    assert "Mötesansvarig" in reply["text"]
    assert connector.requests == []


@pytest.mark.parametrize("member", [BOT, USER], ids=["bot listed", "user listed"])
async def test_installing_the_bot_in_a_personal_chat_is_welcomed_in_swedish(bot, connector, member):
    status, _ = await bot.post(bot_added_to_personal_chat(connector.service_url, member))

    assert status == 201
    (welcome,) = await connector.wait_for_activities(1)
    assert welcome.conversation_id == PERSONAL_CONVERSATION_ID
    assert welcome.visible_text.startswith("Hej! Jag är samverkansboten.")
    assert "English" in welcome.visible_text


async def test_adding_the_bot_to_a_team_posts_the_welcome_in_the_team(bot, connector):
    await bot.post(bot_added_to_team(connector.service_url))

    (welcome,) = await connector.wait_for_activities(1)
    (posted,) = connector.requests_to("POST")  # after listing the team's channels
    assert posted.path == f"/v3/conversations/{TEAM_ID}/activities"
    assert welcome.reply_to_id is None
    assert "@" in welcome.visible_text


async def test_someone_else_joining_the_team_is_not_welcomed(bot, connector):
    status, _ = await bot.post(user_joined_team(connector.service_url))

    assert status == 201
    assert connector.requests == []


async def test_a_card_button_asks_its_question_like_typing_it(bot, connector):
    typed = personal_message(connector.service_url, "Vem är medlemsansvarig?")
    clicked = personal_message(connector.service_url, None, value={"q": "Vem är medlemsansvarig?"})
    clicked.pop("text")

    await bot.post(typed)
    await bot.post(clicked)

    typed_reply, clicked_reply = await connector.wait_for_activities(2)
    assert clicked_reply.reply_to_id == clicked["id"]
    assert clicked_reply.visible_text == typed_reply.visible_text
    assert "Medlemsansvarig" in clicked_reply.visible_text


async def test_an_unknown_button_is_explained(bot, connector):
    clicked = personal_message(connector.service_url, None, value={"action": "archive"})
    clicked.pop("text")

    await bot.post(clicked)

    (reply,) = await connector.wait_for_activities(1)
    assert reply.visible_text.startswith("Jag förstod inte den knappen.")


async def test_a_failed_turn_is_logged_and_apologised_for_in_the_users_language(
    bot, connector, caplog
):
    question = "Who books the meeting room?"
    connector.script(403, {"error": {"code": "BotNotInConversationRoster", "message": "x"}})

    with caplog.at_level(logging.INFO):
        status, _ = await bot.post(personal_message(connector.service_url, question))

    assert status == 201
    (apology,) = await connector.wait_for_activities(1)
    assert apology.visible_text.startswith("Something went wrong on my side")
    (failure,) = [r for r in caplog.records if r.getMessage() == "turn failed"]
    assert failure.levelno == logging.ERROR
    assert failure.error == "ErrorResponseException"
    assert all(question not in r.getMessage() for r in caplog.records)


async def test_each_turn_is_logged_with_its_activity_id_and_without_its_text(
    bot, connector, caplog
):
    question = "vem är ekonomiansvarig?"
    activity = personal_message(connector.service_url, question)

    with caplog.at_level(logging.INFO):
        await bot.post(activity)

    (turn,) = [r for r in caplog.records if r.getMessage() == "turn"]
    assert turn.levelno == logging.INFO
    assert (turn.activity_id, turn.status, turn.conversation_type) == (
        activity["id"],
        201,
        "personal",
    )
    for record in caplog.records:
        assert question not in record.getMessage()
        assert question not in str(vars(record))
