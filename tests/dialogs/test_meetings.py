"""Meetings, agendas and the annual wheel in chat, end to end through a `Conversation`
over a real SQLite database with the shipped networks and a test network."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime
from pathlib import Path

import pytest

from dialogs import meetings as meetings_dialogs
from dialogs.conversation import Conversation
from dialogs.meetings import MeetingDialogs
from domain.recurrence import STOCKHOLM
from domain.turns import Turn
from services.planning import sync_meeting_series
from services.registry_snapshots import RegistrySnapshots
from storage.meetings import MeetingRepository
from storage.registry_files import load_directory
from storage.registry_repository import RegistryRepository
from tests.manifest.card_schema import validate_card
from tests.scheduler.wheel_network import ADMIN_ID, CHAIR_ALFA_ID, WHEEL_NETWORK

SHIPPED = Path(__file__).resolve().parents[2] / "data" / "networks"
NOW = datetime(2027, 3, 1, 12, 0, tzinfo=STOCKHOLM)
# In the test network both are admins: one by Entra id, one by the e-mail of a role holder.
TEST_NETWORK = replace(WHEEL_NETWORK, admins=("asa@example.org", ADMIN_ID))


@pytest.fixture
async def meetings(sqlite_database) -> MeetingRepository:
    registry = RegistryRepository(sqlite_database)
    await registry.replace_networks([*load_directory(SHIPPED).networks, TEST_NETWORK])
    meetings = MeetingRepository(sqlite_database)
    await sync_meeting_series(await registry.load(), meetings, NOW)
    return meetings


@pytest.fixture
def chat(sqlite_database, meetings) -> Conversation:
    dialogs = MeetingDialogs(meetings, now=lambda: NOW)
    return Conversation(
        RegistrySnapshots(RegistryRepository(sqlite_database)),
        default_network="bestservice",
        commands=dialogs.commands(),
        actions=dialogs.actions(),
        today=lambda: NOW.date(),
    )


def in_channel(group: str, network: str = "bestservice", **fields) -> dict:
    return {"kind": "channel", "network_key": network, "group_key": group, **fields}


def texts(card: dict) -> list[str]:
    """Every text of a card's body, in order (also inside columns and containers)."""
    found = []
    for element in card["body"]:
        if element["type"] == "TextBlock":
            found.append(element["text"])
        for column in element.get("columns", []):
            found += [item["text"] for item in column["items"] if item["type"] == "TextBlock"]
        found += [i["text"] for i in element.get("items", []) if i["type"] == "TextBlock"]
    return found


def action_titles(card: dict) -> list[str]:
    return [action["title"] for action in card.get("actions", [])]


async def test_the_agenda_in_a_groups_channel_lists_the_standing_points_in_order(chat):
    (reply,) = await chat.respond(Turn("dagordning", **in_channel("logistik")))

    assert reply.language == "sv"
    card = reply.card
    validate_card(card)
    shown = texts(card)
    assert shown[0] == "Dagordning – Logistik"
    assert card["body"][1]["facts"][0] == {
        "title": "När",
        "value": "onsdag 10 mars 2027 kl. 10.00–16.00",
    }
    assert [t for t in shown if t[:2] in {"1.", "2.", "3.", "4.", "5."}] == [
        "1. Ekonomiavstämning",
        "2. Pågående utvecklingsprojekt/arbeten",
        "3. Arbetet med och status på Årets tema",
        "4. Aktivt erfarenhetsutbyte",
        "5. Kommunikation till hemsidan",
    ]
    assert action_titles(card) == ["Lägg till punkt", "Årshjulet"]
    # The button names the group by its key, as data: nothing of it is read as a sentence.
    assert card["actions"][1]["data"] == {
        "action": "wheel.show", "network": "bestservice", "group": "logistik", "lang": "sv"
    }


async def test_the_wheel_button_shows_its_groups_wheel_wherever_it_is_clicked(chat):
    (agenda,) = await chat.respond(Turn("dagordning", **in_channel("logistik")))
    button = agenda.card["actions"][1]["data"]

    # Clicked where the card was forwarded: a personal chat, in English, and another
    # group's channel. The card's group and language decide, not the place or the client.
    clicks = [
        Turn("", value=button),
        Turn("", value=button, locale="en-GB"),
        Turn("", value=button, **in_channel("lokalvard")),
    ]
    for turn in clicks:
        (wheel,) = await chat.respond(turn)
        assert wheel.language == "sv"
        assert texts(wheel.card)[0] == "Årshjulet – Logistik"
    (typed,) = await chat.respond(Turn("årshjul", **in_channel("logistik")))
    assert wheel.card == typed.card


async def test_an_old_wheel_button_that_sends_text_still_works(chat):
    """Cards posted before the buttons carried data send their question as text."""
    (old,) = await chat.respond(Turn("årshjul logistik"))
    (new,) = await chat.respond(
        Turn("", value={"action": "wheel.show", "network": "bestservice", "group": "logistik",
                        "lang": "sv"})
    )  # fmt: skip
    assert texts(old.card)[0] == "Årshjulet – Logistik"
    assert old.card == new.card


async def test_a_button_naming_a_group_no_longer_in_the_registry_shows_the_network(chat):
    value = {"action": "wheel.show", "network": "bestservice", "group": "nedlagd", "lang": "sv"}
    (reply,) = await chat.respond(Turn("", value=value))
    (network,) = await chat.respond(Turn("årshjul"))
    assert reply.card == network.card


async def test_in_a_personal_chat_the_bot_asks_which_group_and_each_button_answers(chat):
    (question,) = await chat.respond(Turn("dagordning"))

    assert question.text.startswith("Vilken grupp menar du?")
    assert question.suggestions == (
        "dagordning Lokalvård",
        "dagordning Logistik",
        "dagordning Måltider",
        "dagordning VNS",
    )
    (answer,) = await chat.respond(Turn(question.suggestions[2]))
    assert texts(answer.card)[0] == "Dagordning – Måltider"
    # The card's buttons carry the group's key; each shows that group's agenda.
    buttons = question.card["actions"]
    assert [b["title"] for b in buttons] == list(question.suggestions)
    assert buttons[2]["data"] == {
        "action": "agenda.show", "network": "bestservice", "group": "maltider", "lang": "sv"
    }
    (clicked,) = await chat.respond(Turn("", value=buttons[2]["data"]))
    assert clicked.card == answer.card


async def test_the_agenda_in_english_names_the_group_in_the_argument(chat):
    (reply,) = await chat.respond(Turn("agenda logistics", locale="en-GB"))

    assert reply.language == "en"
    shown = texts(reply.card)
    assert shown[0] == "Agenda – Logistics"
    assert "1. Budget check" in shown
    assert reply.card["body"][1]["facts"][0]["value"] == "Wednesday 10 March 2027, 10:00–16:00"


async def test_a_member_adds_a_point_and_it_follows_the_standing_points(chat):
    turn = in_channel("lokalvard", user_name="Kim Ek", user_aad_object_id="aad-kim")

    confirmation, agenda = await chat.respond(Turn("lägg till punkt Nya städrutiner", **turn))
    (again,) = await chat.respond(Turn("dagordning", **in_channel("lokalvard")))

    assert confirmation.text == (
        "Punkten ”Nya städrutiner” är tillagd på dagordningen för mötet "
        "tisdag 9 mars 2027 kl. 10.00–16.00."
    )
    assert "6. Nya städrutiner (från Kim Ek)" in texts(agenda.card)
    assert "6. Nya städrutiner (från Kim Ek)" in texts(again.card)


async def test_in_a_personal_chat_a_point_names_its_group_first(chat):
    confirmation, agenda = await chat.respond(Turn("lägg till punkt logistik: Inköp av vagnar"))

    assert "”Inköp av vagnar”" in confirmation.text
    assert texts(agenda.card)[0] == "Dagordning – Logistik"
    (empty,) = await chat.respond(Turn("lägg till punkt", **in_channel("logistik")))
    assert empty.text.startswith("Skriv vad punkten gäller")


async def test_the_add_point_button_adds_the_point_in_the_cards_language(chat, meetings):
    meeting = await meetings.next_meeting("bestservice", "vns", NOW)

    confirmation, agenda = await chat.respond(
        Turn(
            "",
            kind="channel",
            user_name="Alex Doe",
            value={
                "action": "agenda.add_item",
                "meeting_id": meeting.id,
                "text": " Cleaning  robots ",
                "lang": "en",
            },
        )
    )

    assert confirmation.text.startswith('The point "Cleaning robots" is on the agenda')
    assert "6. Cleaning robots (from Alex Doe)" in texts(agenda.card)


async def test_a_working_groups_agenda_shows_the_steps_purpose_and_homework_first(chat):
    await chat.respond(Turn("lägg till punkt Frågor om utkastet", network_key="arbetsgrupp"))
    (reply,) = await chat.respond(Turn("dagordning", network_key="arbetsgrupp"))

    shown = texts(reply.card)
    # The first of the six met in January: next is the second.
    step = shown.index("Träff 2 av 6: Diskussion och justering")
    purpose = next(
        i for i, t in enumerate(shown) if t.startswith("**Syfte:** Kansliet presenterar")
    )
    homework = next(i for i, t in enumerate(shown) if t.startswith("**Inför nästa träff:**"))
    item = shown.index("1. Frågor om utkastet")
    assert step < purpose < homework < item
    assert "Stående punkter" not in shown  # the working groups have none
    validate_card(reply.card)


def wheel_rows(card: dict) -> list[tuple[str, str, str]]:
    """(date, what, details) of each row of a wheel card."""
    return [
        (
            element["columns"][0]["items"][0]["text"],
            element["columns"][1]["items"][0]["text"],
            " ".join(i["text"] for i in element["columns"][1]["items"][1:]),
        )
        for element in card["body"]
        if element["type"] == "ColumnSet"
    ]


def headings(card: dict) -> list[str]:
    """The month headings of a wheel card, in order."""
    return [
        e["text"] for e in card["body"][1:] if e["type"] == "TextBlock" and e.get("weight")
    ]


async def test_the_wheel_lists_the_groups_coming_dates(chat):
    (reply,) = await chat.respond(Turn("årshjul", **in_channel("logistik")))

    validate_card(reply.card)
    rows = wheel_rows(reply.card)
    assert [(day, what) for day, what, _ in rows[:4]] == [
        ("ons 15 sep. 2027", "Boka tid för höstens redovisning till styrelsen"),
        ("fre 29 okt. 2027", "Aktivitetsplan för kommande år klar"),
        ("mån 1 nov. 2027", "Budget för kommande år inför årsmötet i november"),
        ("tors 30 dec. 2027", "Möteslokaler för kommande år bokade"),
    ]
    details = rows[1][2]
    assert "Ansvarig: Kontaktperson och ordförande" in details
    assert "(flyttat från söndag 31 oktober 2027)" in details
    assert not details.startswith("Logistik")  # its own channel goes without saying
    assert headings(reply.card)[:3] == ["September 2027", "Oktober 2027", "November 2027"]


async def test_the_network_wheel_lists_each_deadline_once_with_its_channels_by_month(chat):
    (swedish,) = await chat.respond(Turn("årshjul"))
    (english,) = await chat.respond(Turn("annual wheel"))

    for reply in (swedish, english):
        validate_card(reply.card)
        rows = wheel_rows(reply.card)
        assert len({(day, what) for day, what, _ in rows}) == len(rows)  # each deadline once
    rows = wheel_rows(swedish.card)
    budget = [r for r in rows if r[1] == "Budget för kommande år inför årsmötet i november"]
    assert [(day, details.split(" · ")[0]) for day, _, details in budget] == [
        ("mån 1 nov. 2027", "Lokalvård, Logistik, Måltider, VNS")
    ]
    # The whole year asked for: from March 2027 to the end of February 2028.
    assert "Från mån 1 mars 2027 till tis 29 feb. 2028." in swedish.text
    assert headings(swedish.card)[-1] == "Januari 2028"
    assert "**November 2027**\n- mån 1 nov. 2027: Budget för kommande år inför årsmötet i " \
        "november (Lokalvård, Logistik, Måltider, VNS)" in swedish.text
    assert "**November 2027**\n- Mon 1 Nov 2027: Budget for the coming year" in english.text
    assert "(Cleaning services, Logistics, Meals, VNS)" in english.text
    rooms = [
        r for r in wheel_rows(english.card) if r[1] == "Meeting rooms for the coming year booked"
    ]
    assert rooms[0][0] == "Thu 30 Dec 2027"
    assert rooms[0][2].endswith("(moved from Friday 31 December 2027, New Year's Eve)")
    swedish_rooms = [r for r in rows if r[1] == "Möteslokaler för kommande år bokade"]
    assert swedish_rooms[0][2].endswith("(flyttat från fredag 31 december 2027, som är nyårsafton)")
    assert "till" not in swedish.text.split("\n")[-1]  # nothing left out


async def test_a_window_with_more_rows_than_shown_counts_and_links_the_rest(
    sqlite_database, meetings, monkeypatch
):
    dialogs = MeetingDialogs(
        meetings, now=lambda: NOW, wheel_link=lambda network, language: f"https://w/{network}"
    )
    chat = Conversation(
        RegistrySnapshots(RegistryRepository(sqlite_database)),
        default_network="erad",
        commands=dialogs.commands(),
        actions=dialogs.actions(),
        today=lambda: NOW.date(),
    )
    (short,) = await chat.respond(Turn("årshjul 30 dagar"))
    (year,) = await chat.respond(Turn("årshjul"))
    monkeypatch.setattr(meetings_dialogs, "WHEEL_ROWS", 5)
    (long,) = await chat.respond(Turn("årshjul"))

    assert "Från mån 1 mars 2027 till ons 31 mars 2027." in short.text
    assert 0 < len(wheel_rows(short.card)) < len(wheel_rows(year.card))
    assert wheel_rows(long.card) == wheel_rows(year.card)[:5]
    more = long.card["body"][-1]["text"]
    hidden = len(wheel_rows(year.card)) - 5
    assert more == f"… och {hidden} till. Hela årshjulet: [fliken Årshjul](https://w/erad)."
    assert long.text.endswith(more)
    assert ("Hela årshjulet", "https://w/erad") in [
        (a["title"], a.get("url")) for a in long.card["actions"]
    ]
    validate_card(long.card)


async def test_the_meetings_list_offers_forms_to_admins_only(chat):
    (member,) = await chat.respond(
        Turn("möten", network_key="testnet", user_aad_object_id="aad-someone")
    )
    (admin,) = await chat.respond(Turn("möten", network_key="testnet", user_aad_object_id=ADMIN_ID))
    (by_email,) = await chat.respond(
        Turn("möten", network_key="testnet", user_aad_object_id=CHAIR_ALFA_ID)
    )

    assert texts(member.card)[:3] == [
        "Kommande möten – Testnätet",
        "tisdag 9 mars 2027 kl. 10.00–16.00",
        "Gruppmöte, fysiskt möte · Alfa · Rum 1",
    ]
    assert "Lägg till möte" not in action_titles(member.card)
    assert action_titles(admin.card)[0] == "Lägg till möte"
    assert action_titles(by_email.card)[0] == "Lägg till möte"
    meeting_actions = admin.card["body"][1]["items"][2]["actions"]
    assert [a["title"] for a in meeting_actions] == ["Flytta eller ändra", "Ställ in"]
    validate_card(admin.card)
    validate_card(member.card)


def add_form(**fields) -> dict:
    return {
        "action": "meeting.add",
        "network": "testnet",
        "lang": "sv",
        "group": "beta",
        "kind": "mote",
        "date": "2027-05-04",
        "start": "13:00",
        "end": "15:30",
        "mode": "hybrid",
        "place": "Rum 2",
        "online_url": "https://teams.example.org/m/2",
        **fields,
    }


async def test_an_admin_adds_a_meeting_and_others_are_politely_refused(chat, meetings):
    (refused,) = await chat.respond(Turn("", value=add_form(), user_aad_object_id="aad-someone"))
    added, listing = await chat.respond(Turn("", value=add_form(), user_aad_object_id=ADMIN_ID))

    assert refused.text.startswith("Tyvärr, bara nätverkets administratörer")
    assert added.text == (
        "Mötet är tillagt: Gruppmöte, fysiskt och på webben · Beta · Rum 2 "
        "tisdag 4 maj 2027 kl. 13.00–15.30."
    )
    assert "tisdag 4 maj 2027 kl. 13.00–15.30" in texts(listing.card)
    (stored,) = [
        m
        for m in await meetings.meetings("testnet", NOW, NOW.replace(year=2028), group_key="beta")
        if m.kind == "mote"
    ]
    assert (stored.mode, stored.place, stored.online_url) == (
        "hybrid",
        "Rum 2",
        "https://teams.example.org/m/2",
    )


async def test_a_wrong_meeting_form_says_what_to_fix(chat):
    (reply,) = await chat.respond(
        Turn(
            "",
            value=add_form(date="", end="12:00", online_url="teams"),
            user_aad_object_id=ADMIN_ID,
        )
    )

    assert reply.text == (
        "Mötet sparades inte: ange ett datum, ange en sluttid efter starttiden, "
        "länken ska börja med https://. Försök igen."
    )


async def test_an_admin_moves_and_cancels_a_meeting_and_the_agenda_follows(chat, meetings):
    meeting = await meetings.next_meeting("testnet", "alfa", NOW)
    move = {
        "action": "meeting.move",
        "meeting_id": meeting.id,
        "lang": "sv",
        f"date_{meeting.id}": "2027-03-11",
        f"start_{meeting.id}": "09:00",
        f"end_{meeting.id}": "11:00",
        f"place_{meeting.id}": "Rum 3",
    }

    moved, agenda = await chat.respond(Turn("", value=move, user_aad_object_id=ADMIN_ID))
    (cancelled,) = await chat.respond(
        Turn(
            "",
            value={"action": "meeting.cancel", "meeting_id": meeting.id, "lang": "sv"},
            user_aad_object_id=ADMIN_ID,
        )
    )
    (next_agenda,) = await chat.respond(Turn("dagordning", **in_channel("alfa", network="testnet")))

    assert moved.text == "Mötet är flyttat till torsdag 11 mars 2027 kl. 09.00–11.00."
    assert agenda.card["body"][1]["facts"][2] == {"title": "Var", "value": "Rum 3"}
    assert cancelled.text == "Mötet torsdag 11 mars 2027 kl. 09.00–11.00 är inställt."
    assert next_agenda.card["body"][1]["facts"][0]["value"].startswith("tisdag 12 oktober 2027")


async def test_an_unknown_button_gets_a_polite_answer(chat):
    (reply,) = await chat.respond(Turn("", value={"action": "meeting.explode", "lang": "en"}))

    assert reply.text.startswith("I didn't understand that button.")


async def test_an_online_meetings_agenda_links_to_the_meeting_in_english(chat):
    (reply,) = await chat.respond(Turn("agenda beta", network_key="testnet", locale="en-GB"))

    card = reply.card
    validate_card(card)
    # The first of its two sessions was in February: the second is the last, with no homework.
    assert texts(card)[:3] == ["Agenda – Beta", "Meeting 2 of 2: End", "**Purpose:** We finish."]
    assert card["body"][1]["facts"][1] == {"title": "Meeting", "value": "Session, online"}
    assert {
        "type": "Action.OpenUrl",
        "title": "Meeting link",
        "url": "https://teams.example.org/m/1",
    } in card["actions"]
    assert not any(t.startswith("**Before the next meeting:**") for t in texts(card))


async def test_the_admin_meeting_card_in_english_is_a_valid_card(chat):
    (reply,) = await chat.respond(
        Turn("meetings", network_key="testnet", user_aad_object_id=ADMIN_ID)
    )

    validate_card(reply.card)
    assert action_titles(reply.card) == ["Add a meeting", "Annual wheel"]
    (wheel,) = await chat.respond(Turn("wheel", network_key="testnet", locale="en-GB"))
    validate_card(wheel.card)
    assert texts(wheel.card)[0] == "Annual wheel – The test network"
