"""Which kind of message a user sent: a greeting, thanks, a request for help, or a question.

Routing is a table of whole-message phrases, not a chain of substring tests: a message
is small talk only when every word in it is small talk ("Hej!", "hej hej bot",
"thanks a lot"). Anything else is a question for the answering logic, which abstains
by itself when it has nothing to say.
"""

from __future__ import annotations

import re
from enum import Enum


class Intent(Enum):
    GREETING = "greeting"
    THANKS = "thanks"
    HELP = "help"
    QUESTION = "question"


# Words that may accompany small talk without changing it ("hej bot", "hi there all").
_FILLER = {"bot", "boten", "samverkan", "samverkansboten", "samverkan-bot", "där", "alla",
           "allihop", "there", "all", "everyone", "you", "dig", "du", "så", "mycket", "a", "lot",
           "very", "much", "och", "and", "igen", "again"}

_PHRASES: dict[Intent, frozenset[str]] = {
    Intent.GREETING: frozenset({
        "hej", "hejsan", "hallå", "tjena", "tja", "tjenare", "hejhej", "god morgon", "god dag",
        "god eftermiddag", "god kväll", "morgon", "hello", "hi", "hey", "hiya",
        "good morning", "good afternoon", "good evening",
    }),
    Intent.THANKS: frozenset({"tack", "tusen tack", "tackar", "thanks", "thank", "thx", "cheers"}),
    Intent.HELP: frozenset({
        "hjälp", "help", "?", "vad kan du", "vad kan du göra", "vad kan du svara på",
        "what can you do", "kommandon", "commands", "hur funkar du", "how do you work",
        "meny", "menu", "start", "/help", "/hjälp", "hjälp mig", "help me",
    }),
}

_WORD = re.compile(r"[\w/?-]+", re.UNICODE)


def classify(text: str) -> Intent:
    """The intent of a whole message (mentions already stripped)."""
    cleaned = text.strip().lower()
    if not cleaned or cleaned.strip("?! .") == "":
        return Intent.HELP
    all_words = [w.strip("?") or w for w in _WORD.findall(cleaned)]
    words = [w for w in all_words if w not in _FILLER]
    candidates = {" ".join(all_words), " ".join(words)}
    for intent, phrases in _PHRASES.items():
        if candidates & phrases:
            return intent
        # Repeated small talk ("hej hej", "tack tack"); help needs its whole phrase.
        if intent is not Intent.HELP and words and _all_words_in(words, phrases):
            return intent
    return Intent.QUESTION


def _all_words_in(words: list[str], phrases: frozenset[str]) -> bool:
    """True when the message is made only of the phrases' words ("hej hej", "thanks thanks")."""
    vocabulary = {part for phrase in phrases for part in phrase.split()}
    return all(w in vocabulary for w in words)
