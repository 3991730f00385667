"""Scenarios: commands asked in plain language, through the running bot and the loopback
connector, as a member writes them in Teams.

The group may be named anywhere in the sentence, the message's language decides the reply's,
and a request the bot cannot carry out gets a polite "I can't" with suggestions, never a role.
"""

from __future__ import annotations

from tests.bot.teams_activities import USER, channel_message, personal_message
from tests.bot.test_meeting_scenarios import bind_channel, body_texts, card_of


async def ask(bot, connector, activity) -> object:
    status, _ = await bot.post(activity)
    assert status == 201
    (reply,) = await connector.wait_for_activities(1)
    return reply


async def test_whats_on_the_agenda_for_a_group_named_last_gets_that_groups_agenda_in_english(
    bot, connector
):
    reply = await ask(
        bot, connector, personal_message(connector.service_url, "what's on the agenda for Logistics?")
    )

    assert body_texts(card_of(reply))[0] == "Agenda – Logistics"
    assert "Budget check" in reply.visible_text


async def test_dagordning_for_a_group_does_not_ask_which_group(bot, connector):
    reply = await ask(bot, connector, personal_message(connector.service_url, "dagordning för VNS"))

    assert body_texts(card_of(reply))[0] == "Dagordning – VNS"
    assert "Vilken grupp" not in reply.visible_text


async def test_a_group_told_first_before_a_comma_or_colon_gets_its_agenda(bot, connector):
    for text, heading in [
        ("För Måltider, vad står på dagordningen?", "Dagordning – Måltider"),
        ("VNS: agenda please", "Agenda – VNS"),
    ]:
        reply = await ask(bot, connector, personal_message(connector.service_url, text))

        assert body_texts(card_of(reply))[0] == heading
        connector.activities.clear()


async def test_a_group_named_in_the_message_wins_over_the_channels_group(bot, connector):
    await bind_channel(bot, "bestservice", "logistik")

    reply = await ask(
        bot, connector, channel_message(connector.service_url, "vad står på dagordningen för Måltider?")
    )

    assert body_texts(card_of(reply))[0] == "Dagordning – Måltider"


async def test_help_written_in_english_is_answered_in_english_despite_a_swedish_client(
    bot, connector
):
    activity = personal_message(connector.service_url, "help")
    assert activity["locale"] == "sv-SE"

    reply = await ask(bot, connector, activity)

    assert "I answer **who to contact** in Best Service" in reply.visible_text
    assert "Jag svarar" not in reply.visible_text


async def test_the_annual_wheel_asked_for_in_a_sentence_shows_the_wheel(bot, connector):
    reply = await ask(bot, connector, personal_message(connector.service_url, "visa årshjulet"))

    assert "Årshjulet – Best Service" in reply.visible_text


async def test_a_request_to_book_a_room_gets_a_polite_no_and_suggestions_but_no_role(
    bot, connector
):
    await bind_channel(bot, "bestservice", "logistik")

    reply = await ask(
        bot, connector, channel_message(connector.service_url, "boka ett rum åt oss på tisdag")
    )

    assert reply.visible_text.startswith("Det kan jag tyvärr inte göra.")
    assert "**Mötesansvarig**" not in reply.visible_text  # no answer naming the role
    buttons = [a["title"] for a in card_of(reply)["actions"]]
    assert "hjälp" in buttons and any(b.startswith("Vem är") for b in buttons)


async def test_an_english_request_the_bot_cannot_do_is_declined_in_english(bot, connector):
    reply = await ask(
        bot,
        connector,
        personal_message(connector.service_url, "can you send the minutes to everyone?"),
    )

    assert reply.visible_text.startswith("Sorry, I can't do that.")
    assert "**Secretary**" not in reply.visible_text


async def test_a_remark_is_heard_not_refused_and_names_no_role(bot, connector):
    for text, heard, role in [
        ("budgeten i år är ju helt orimlig", "Jag hör vad du säger", "**Ekonomiansvarig**"),
        ("the venue in Luleå was great, just fyi", "I hear you", "**Meeting organiser**"),
    ]:
        reply = await ask(bot, connector, personal_message(connector.service_url, text))

        assert reply.visible_text.startswith(heard)
        assert "tyvärr inte göra" not in reply.visible_text
        assert "can't do that" not in reply.visible_text
        assert role not in reply.visible_text
        connector.activities.clear()


async def test_an_item_added_in_a_sentence_lands_on_the_named_groups_agenda_as_written(
    bot, connector
):
    status, _ = await bot.post(
        personal_message(connector.service_url, "lägg till 'Nya skyltar' på dagordningen för VNS")
    )

    assert status == 201
    confirmation, agenda = await connector.wait_for_activities(2)
    assert "Punkten ”Nya skyltar” är tillagd" in confirmation.visible_text
    assert body_texts(card_of(agenda))[0] == "Dagordning – VNS"
    assert any(t.endswith(f"Nya skyltar (från {USER['name']})") for t in body_texts(card_of(agenda)))
