"""The conversation over the real registry repository (SQLite and PostgreSQL).

What a member notices: small talk is answered as such, questions get roles, unknown
networks and groups get a clear reply, and an edit stored by another replica is seen
on the very next message.
"""

from __future__ import annotations

import dataclasses
from datetime import date
from pathlib import Path

import pytest

from dialogs.conversation import Conversation
from domain.registry import Assignment, Person
from domain.turns import Turn
from services.registry_snapshots import RegistrySnapshots
from storage.registry_files import load_directory
from storage.registry_repository import RegistryRepository

SHIPPED = Path(__file__).resolve().parents[2] / "data" / "networks"
TODAY = date(2026, 11, 24)


@pytest.fixture
async def repository(database) -> RegistryRepository:
    repository = RegistryRepository(database)
    await repository.replace_networks(load_directory(SHIPPED).networks)
    return repository


@pytest.fixture
def conversation(repository) -> Conversation:
    return Conversation(
        RegistrySnapshots(repository), default_network="bestservice", today=lambda: TODAY
    )


async def say(conversation: Conversation, text: str, **turn) -> str:
    (reply,) = await conversation.respond(Turn(text=text, **turn))
    return reply


async def test_a_greeting_is_greeted_back_with_questions_to_try(conversation):
    reply = await say(conversation, "Hej!", user_name="Kim Andersson")

    assert reply.text.startswith("Hej Kim!")
    assert reply.contact is None
    assert reply.suggestions and all(q.startswith("Vem är") for q in reply.suggestions)
    # every suggestion on the card is a question the bot really answers
    for question in reply.suggestions:
        answer = await say(conversation, question)
        assert answer.contact and answer.contact.roles


@pytest.mark.parametrize(("text", "said"), [
    ("hej då", "Hej då!"), ("bye!", "Bye!"), ("ok", "👍 Fråga gärna igen"),
    ("👍", "👍 Fråga gärna igen"), ("got it", "👍 Just ask"),
])
async def test_a_goodbye_or_an_ok_gets_one_short_sentence_and_no_role(conversation, text, said):
    reply = await say(conversation, text)

    assert reply.text.startswith(said)
    assert reply.contact is None and not reply.suggestions


async def test_help_in_english_lists_the_networks_roles(conversation):
    reply = await say(conversation, "help", locale="en-US")

    assert reply.language == "en"
    assert "Membership officer" in reply.text and "Secretary" in reply.text


async def test_a_question_in_a_bound_channel_is_answered_for_that_group(conversation):
    reply = await say(conversation, "vem bokar lokalen?", kind="channel", group_key="maltider")

    assert reply.contact.roles[0] == "motesansvarig"
    assert reply.contact.group_key == "maltider"
    assert "Måltider" in reply.text


async def test_an_unknown_network_or_group_gets_a_clear_answer(conversation):
    network = await say(conversation, "vem är ordförande?", network_key="okand")
    group = await say(conversation, "who is the chair?", group_key="ekonomi")

    assert "okand" in network.text and "bestservice" in network.text
    assert group.language == "en"
    assert "ekonomi" in group.text and "Logistics (logistik)" in group.text


async def test_a_holder_stored_by_another_replica_is_seen_on_the_next_message(
    conversation, repository, database
):
    before = await say(conversation, "vem är sekreterare i logistik?")
    assert before.contact.holders == ()

    # Another replica (its own repository over the same database) registers a secretary.
    other_replica = RegistryRepository(database)
    registry = await other_replica.load()
    bestservice = registry.network("bestservice")
    secretary = Assignment(
        role_key="sekreterare",
        group_key="logistik",
        person=Person(name="Maja Lund", email="maja.lund@region.example"),
    )
    await other_replica.replace_networks(
        [dataclasses.replace(bestservice, assignments=bestservice.assignments + (secretary,))]
    )

    after = await say(conversation, "vem är sekreterare i logistik?")
    assert [a.person.name for a in after.contact.holders] == ["Maja Lund"]
    assert "maja.lund@region.example" in after.text
    mail_buttons = [a for a in after.card["actions"] if a["type"] == "Action.OpenUrl"]
    assert mail_buttons[0]["url"] == "mailto:maja.lund@region.example"


async def test_an_empty_registry_says_so_instead_of_failing(database):
    conversation = Conversation(
        RegistrySnapshots(RegistryRepository(database)), default_network="bestservice"
    )

    reply = await say(conversation, "vem är ordförande?")

    assert "Inga nätverk" in reply.text
