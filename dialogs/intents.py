"""Which kind of message a user sent: small talk, a command, or a question.

Routing is by tables, not by chains of substring tests:
- small talk (greeting, thanks, help) is recognised only when the whole message is small
  talk ("Hej!", "hej hej bot", "thanks a lot");
- a command is recognised by its leading words ("dagordning", "lägg till punkt …"), listed
  per language in a `Command`; what follows is the command's argument;
- anything else is a question for the answering logic, which abstains by itself when it has
  nothing to say.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from enum import Enum

from storage.registry import Language, Localized


class SmallTalk(Enum):
    GREETING = "greeting"
    THANKS = "thanks"
    HELP = "help"


@dataclass(frozen=True)
class Command:
    """A command invoked by its leading words, e.g. `dagordning` / `agenda`.

    `words` are phrases of one or more words, lower case; the longest match wins, so
    "lägg till punkt" can sit beside a shorter command.
    """

    name: str
    words: Localized[tuple[str, ...]]
    summary: Localized[str] | None = None  # one line for the help reply; None: not listed


@dataclass(frozen=True)
class Classified:
    """The outcome of routing one message.

    `kind` is a `SmallTalk` member, a command's name, or "question". `argument` is the
    text after a command's words (the whole text for a question). `language` is set
    when the words that decided the route tell the language (a command word).
    """

    kind: SmallTalk | str
    argument: str = ""
    language: Language | None = None


QUESTION = "question"

# Words that may accompany small talk without changing it ("hej bot", "hi there all").
_FILLER = {"bot", "boten", "samverkan", "samverkansboten", "samverkan-bot", "där", "alla",
           "allihop", "there", "all", "everyone", "you", "dig", "du", "så", "mycket", "a", "lot",
           "very", "much", "och", "and", "igen", "again"}

_SMALL_TALK: dict[SmallTalk, frozenset[str]] = {
    SmallTalk.GREETING: frozenset({
        "hej", "hejsan", "hallå", "tjena", "tja", "tjenare", "hejhej", "god morgon", "god dag",
        "god eftermiddag", "god kväll", "morgon", "hello", "hi", "hey", "hiya",
        "good morning", "good afternoon", "good evening",
    }),
    SmallTalk.THANKS: frozenset({"tack", "tusen tack", "tackar", "thanks", "thank", "thx",
                                 "cheers"}),
    SmallTalk.HELP: frozenset({
        "hjälp", "help", "?", "vad kan du", "vad kan du göra", "vad kan du svara på",
        "what can you do", "kommandon", "commands", "hur funkar du", "how do you work",
        "meny", "menu", "start", "/help", "/hjälp", "hjälp mig", "help me",
    }),
}

# The words each kind of small talk is made of, and of any: a message with a word outside
# them (and `_FILLER`) is no small talk, which settles nearly every question at once.
_SMALL_TALK_WORDS: dict[SmallTalk, frozenset[str]] = {
    kind: frozenset(part for phrase in phrases for part in phrase.split())
    for kind, phrases in _SMALL_TALK.items()
}
_ANY_SMALL_TALK_WORD = frozenset().union(*_SMALL_TALK_WORDS.values())

_WORD = re.compile(r"[\w/?-]+", re.UNICODE)
_LEADING_PUNCTUATION = " \t\n:,.;!-–"


def classify(text: str, commands: Sequence[Command] | CommandPhrases = ()) -> Classified:
    """Route a whole message (mentions already stripped).

    `commands`: the commands to recognise, best as `CommandPhrases` built once; a plain
    sequence has every phrase tried.
    """
    cleaned = text.strip().lower()
    if not cleaned or cleaned.strip("?! .") == "":
        return Classified(SmallTalk.HELP)
    command = _command(text.strip(), commands)
    if command is not None:
        return command
    all_words = [w.strip("?") or w for w in _WORD.findall(cleaned)]
    words = [w for w in all_words if w not in _FILLER]
    if _ANY_SMALL_TALK_WORD.issuperset(words):
        candidates = {" ".join(all_words), " ".join(words)}
        for kind, phrases in _SMALL_TALK.items():
            if candidates & phrases:
                return Classified(kind)
            # Repeated small talk ("hej hej", "tack tack"); help needs its whole phrase.
            if kind is not SmallTalk.HELP and words and _SMALL_TALK_WORDS[kind].issuperset(words):
                return Classified(kind)
    return Classified(QUESTION, argument=text.strip())


def _command(text: str, commands: Sequence[Command] | CommandPhrases) -> Classified | None:
    """The command whose longest leading phrase starts `text`, with the rest as argument."""
    lowered = text.lower()
    phrases = (
        commands.starting(lowered)
        if isinstance(commands, CommandPhrases)
        else _all_phrases(commands)
    )
    best: tuple[int, Command, Language] | None = None
    for command, language, phrase in phrases:
        if _starts_with_phrase(lowered, phrase) and (best is None or len(phrase) > best[0]):
            best = (len(phrase), command, language)
    if best is None:
        return None
    length, command, language = best
    in_both = any(
        _starts_with_phrase(lowered, p) and len(p) == length
        for p in command.words.get("en" if language == "sv" else "sv")
    )
    argument = text[length:].lstrip(_LEADING_PUNCTUATION).strip()
    return Classified(command.name, argument, None if in_both else language)


_Phrase = tuple[Command, Language, str]


class CommandPhrases:
    """The phrases of some commands, indexed by their first character.

    Every message is checked against every command phrase (about 70); indexed in the order
    they are tried, only the few that can start the text are. Build it once for a list of
    commands (a `Conversation` does, for its lifetime) and pass it to `classify`.
    """

    def __init__(self, commands: Iterable[Command]):
        self.commands = tuple(commands)
        self._all = _all_phrases(self.commands)
        index: dict[str, list[_Phrase]] | None = {}
        for command, language, phrase in self._all:
            if not phrase:  # an empty phrase starts every text: no index
                index = None
                break
            index.setdefault(phrase[0], []).append((command, language, phrase))
        self._index = index

    def starting(self, lowered: str) -> Sequence[_Phrase]:
        """(command, language, phrase) that may start `lowered`, in the order of the commands."""
        if self._index is None:
            return self._all
        return self._index.get(lowered[:1], ())


def _all_phrases(commands: Sequence[Command]) -> list[_Phrase]:
    return [
        (command, language, phrase)
        for command in commands
        for language in ("sv", "en")
        for phrase in command.words.get(language)
    ]


def _starts_with_phrase(text: str, phrase: str) -> bool:
    if not text.startswith(phrase):
        return False
    rest = text[len(phrase):]
    return not rest or not (rest[0].isalnum() or rest[0] == "_")
