"""Small talk is recognised as such; everything else reaches the answering logic."""

import pytest

from dialogs.intents import Intent, classify


@pytest.mark.parametrize("text", ["Hej", "hej!", "Hejsan bot", "God morgon", "hello there", "Hi",
                                  "hej hej", "Tjena alla"])
def test_greetings(text):
    assert classify(text) is Intent.GREETING


@pytest.mark.parametrize("text", ["tack", "Tack så mycket!", "thanks", "Thank you", "tusen tack"])
def test_thanks(text):
    assert classify(text) is Intent.THANKS


@pytest.mark.parametrize("text", ["hjälp", "Help", "?", "", "   ", "vad kan du?", "What can you do?",
                                  "hjälp mig"])
def test_help(text):
    assert classify(text) is Intent.HELP


@pytest.mark.parametrize("text", [
    "Vem är ordförande?",
    "Hej, vem bokar lokalen?",      # a greeting with a question is a question
    "Vad är klockan?",              # off-topic: the answering logic abstains, not the router
    "thanks, who keeps the budget?",
    "help with the budget",
])
def test_questions(text):
    assert classify(text) is Intent.QUESTION
