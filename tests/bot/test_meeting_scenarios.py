"""Scenarios: meetings and agendas through the running bot, read at the loopback connector.

A member @mentions the bot in a channel bound to an expert group and gets the next
meeting's agenda card; clicking the card's add-point button posts the point back.
"""

from __future__ import annotations

from bot.cards import ADAPTIVE_CARD_CONTENT_TYPE
from storage.conversations import ConversationStore
from storage.database import Database
from tests.bot.teams_activities import CHANNEL_ID, TEAM_ID, USER, channel_message
from tests.manifest.card_schema import validate_card


async def bind_channel(bot, network: str, group: str) -> None:
    database = Database(bot.settings.database_url)
    try:
        await ConversationStore(database).set_binding(TEAM_ID, CHANNEL_ID, network, group)
    finally:
        await database.close()


def card_of(reply) -> dict:
    (attachment,) = [a for a in reply.attachments if a["contentType"] == ADAPTIVE_CARD_CONTENT_TYPE]
    return attachment["content"]


def body_texts(card: dict) -> list[str]:
    return [element["text"] for element in card["body"] if element["type"] == "TextBlock"]


async def test_a_channel_mention_of_dagordning_gets_the_groups_agenda_card(bot, connector):
    await bind_channel(bot, "bestservice", "logistik")
    activity = channel_message(connector.service_url, "dagordning")

    status, _ = await bot.post(activity)

    assert status == 201
    (reply,) = await connector.wait_for_activities(1)
    assert reply.reply_to_id == activity["id"]
    card = card_of(reply)
    validate_card(card)
    texts = body_texts(card)
    assert texts[0] == "Dagordning – Logistik"
    assert texts[texts.index("Stående punkter") + 1 :][:5] == [
        "1. Ekonomiavstämning",
        "2. Pågående utvecklingsprojekt/arbeten",
        "3. Arbetet med och status på Årets tema",
        "4. Aktivt erfarenhetsutbyte",
        "5. Kommunikation till hemsidan",
    ]
    # The shipped series: Logistik meets in person on the second Wednesday of March and October.
    when = card["body"][1]["facts"][0]["value"]
    assert when.startswith("onsdag ") and when.endswith("kl. 10.00–16.00")
    assert (" mars " in when) or (" oktober " in when)
    assert reply.activity["summary"].startswith("Dagordning – Logistik")


async def test_the_add_point_button_puts_the_point_on_the_agenda(bot, connector):
    await bind_channel(bot, "bestservice", "logistik")
    await bot.post(channel_message(connector.service_url, "dagordning"))
    (agenda,) = await connector.wait_for_activities(1)
    form = card_of(agenda)["actions"][0]
    submit = form["card"]["actions"][0]["data"]

    # Teams sends the button's data merged with the form's input, and no text.
    click = channel_message(connector.service_url, "", value={**submit, "text": "Nya vagnar"})
    click.pop("text")
    status, _ = await bot.post(click)

    assert status == 201
    _agenda, confirmation, updated = await connector.wait_for_activities(3)
    assert "”Nya vagnar”" in confirmation.visible_text
    assert f"6. Nya vagnar (från {USER['name']})" in body_texts(card_of(updated))
