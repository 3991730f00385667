"""Small talk is recognised as such; everything else reaches the answering logic."""

import pytest

from dialogs.intents import QUESTION, Command, CommandPhrases, SmallTalk, classify
from storage.registry import Localized


@pytest.mark.parametrize("text", ["Hej", "hej!", "Hejsan bot", "God morgon", "hello there", "Hi",
                                  "hej hej", "Tjena alla"])
def test_greetings(text):
    assert classify(text).kind is SmallTalk.GREETING


@pytest.mark.parametrize("text", ["tack", "Tack så mycket!", "thanks", "Thank you", "tusen tack",
                                  "tack tack"])
def test_thanks(text):
    assert classify(text).kind is SmallTalk.THANKS


@pytest.mark.parametrize("text", ["hjälp", "Help", "?", "", "   ", "vad kan du?", "What can you do?",
                                  "hjälp mig"])
def test_help(text):
    assert classify(text).kind is SmallTalk.HELP


@pytest.mark.parametrize("text", [
    "Vem är ordförande?",
    "Hej, vem bokar lokalen?",      # a greeting with a question is a question
    "thanks, who keeps the budget?",
    "help with the budget",
    "hjälp hjälp",                  # help needs its whole phrase, repeated or not
    "hej tack",                     # small talk of two kinds at once is no one kind
])
def test_questions(text):
    assert classify(text).kind == QUESTION


AGENDA = Command("agenda", Localized(sv=("dagordning", "dagordningen"), en=("agenda",)))
ADD_ITEM = Command("add_item", Localized(sv=("lägg till punkt", "lägg till"), en=("add item",)))
COMMANDS = (AGENDA, ADD_ITEM)


@pytest.mark.parametrize(
    ("text", "name", "argument", "language"),
    [
        ("dagordning", "agenda", "", "sv"),
        ("Dagordningen för logistik", "agenda", "för logistik", "sv"),
        ("agenda", "agenda", "", "en"),
        ("Lägg till punkt: Budget 2027", "add_item", "Budget 2027", "sv"),  # longest phrase wins
        ("lägg till Budget", "add_item", "Budget", "sv"),
        ("add item - new website", "add_item", "new website", "en"),
    ],
)
def test_commands_are_recognised_by_their_leading_words(text, name, argument, language):
    route = classify(text, COMMANDS)
    assert (route.kind, route.argument, route.language) == (name, argument, language)


@pytest.mark.parametrize("text", ["agendas are boring", "Vem sätter dagordningen?", "dagordningar"])
def test_a_command_word_inside_or_extended_is_not_a_command(text):
    assert classify(text, COMMANDS).kind == QUESTION


# Phrases sharing first letters, one phrase in both languages, and the commands above.
ANNUAL = Command("wheel", Localized(sv=("årshjul", "år", "a"), en=("annual wheel", "a")))
MORE = Command("more", Localized(sv=("dagordning för styrelsen",), en=("agenda board",)))


@pytest.mark.parametrize(
    "text",
    [
        "dagordning", "Dagordning för styrelsen i morgon", "agenda board", "agenda", "årshjul",
        "år 2027", "åren", "a", "A b", "annual wheel 2026", "add item x", "lägg till", "",
        "Vem är ordförande?", "?", "ärende", "ÅRSHJUL!", "İstanbul", "agendaboard",
    ],
)
def test_commands_are_found_the_same_with_the_phrase_index_and_without(text):
    commands = (AGENDA, ADD_ITEM, ANNUAL, MORE)

    phrases = CommandPhrases(commands)
    indexed = classify(text, phrases)  # phrases indexed once, reused per message
    scanned = classify(text, commands)  # a plain sequence: every phrase is tried

    assert indexed == scanned
    assert classify(text, phrases) == indexed  # the second time, from the same index


def test_an_empty_command_phrase_is_tried_as_before():
    anything = Command("anything", Localized(sv=("",), en=()))
    assert classify("? hej", CommandPhrases((anything,))) == classify("? hej", [anything])
    assert classify("? hej", CommandPhrases((anything,))).kind == "anything"
