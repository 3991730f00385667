"""Which language a message is written in: Swedish or English, Swedish first.

Members write short questions ("vem är ordförande", "who books rooms?", "chair?"), far too short
for statistical language identification. What works on such texts is what a reader uses:
function words ("vem", "är", "och" / "who", "is", "the") and the letters å, ä and ö. When those
say nothing ("budget?") the caller's hint decides (the Teams client's locale), and without one
the answer is Swedish, the networks' working language.

`language_scores` exposes the evidence so that a caller with more context (the answering logic
knows whether the words matched Swedish or English role texts) can decide the undecided cases.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

from domain.registry import Language

# Words that are frequent in one language and (nearly) never written in the other. Words that
# are both ("i", "in", "man", "den", "by", "hit", "dig", "be", "and", "under") are left out: they
# would vote for the wrong language as often as for the right one.
SWEDISH_MARKERS = frozenset(
    """
    och att det som en ett är var jag du vi ni han hon de dem den detta denna dessa vem vilka vilken
    vilket vad hur varför när var vart kan ska skall måste får vill har hade inte ej också men eller
    för från till med på av om över efter utan hos mig oss er sig sin sitt sina min mitt mina din
    ditt dina vår vårt våra deras hennes hans någon något några alla allt ingen inget inga här där
    nu då så bara mycket mer mest sedan redan även just blir blev bli vara varit kommer gör göra
    hej hejsan hallå tjena tack snälla vänligen ansvarar ansvarig ansvariga kontakta fråga frågor
    e mötet möten gruppen
    """.split()
)
ENGLISH_MARKERS = frozenset(
    """
    the a an of and or to for from with about at on is are was were be been being am do does did
    who whom whose what which where when why how can could should would will shall must may might
    me my mine we us our you your he him his she her they them their it its this that these those
    there here not no yes any some all every each anyone someone somebody anybody please thanks
    thank hi hello hey responsible responsibility contact ask tell know need want charge handles
    meeting meetings group
    """.split()
)
_WORD = re.compile(r"[^\W\d_]+", re.UNICODE)
_SWEDISH_LETTERS = frozenset("åäö")


@dataclass(frozen=True)
class LanguageScores:
    """Evidence for Swedish and for English in one text (higher is stronger)."""

    sv: float
    en: float

    @property
    def decided(self) -> Language | None:
        """The language the evidence points to, or None when it is silent or even."""
        if self.sv > self.en:
            return "sv"
        if self.en > self.sv:
            return "en"
        return None


def language_scores(text: str) -> LanguageScores:
    """Count function words of each language and Swedish letters in `text`."""
    # One question is scored three times per turn (the conversation, the finder's reading
    # of it, its answer); the last few hundred short texts are remembered, not re-scored.
    if len(text) <= _REMEMBERED_TEXT_LENGTH:
        return _remembered_scores(text)
    return _scores(text)


# A Teams message can be 28 KB; only texts up to this long are remembered (at most
# `maxsize` of them), so the memory held stays small whatever is sent.
_REMEMBERED_TEXT_LENGTH = 400


@lru_cache(maxsize=512)
def _remembered_scores(text: str) -> LanguageScores:
    return _scores(text)


def _scores(text: str) -> LanguageScores:
    text = unicodedata.normalize("NFC", text)
    sv = en = 0.0
    for word in _WORD.findall(text):
        if word == "I":
            # "i" is also the Swedish "in"; only the capital pronoun is English evidence.
            en += 1.0
            continue
        lowered = word.casefold()
        if lowered in SWEDISH_MARKERS:
            sv += 1.0
        elif lowered in ENGLISH_MARKERS:
            en += 1.0
        elif _SWEDISH_LETTERS & set(lowered):
            # A Swedish letter in a word that is no function word: usually Swedish, but names
            # ("Henrik Röste") appear in English questions too, so it counts for less.
            sv += 0.75
    return LanguageScores(sv=sv, en=en)


def language_from_locale(locale: str | None) -> Language | None:
    """'sv-SE' -> 'sv', 'en-US' -> 'en'; anything else (or nothing) -> None."""
    if not locale:
        return None
    primary = locale.replace("_", "-").split("-", 1)[0].casefold()
    if primary in ("sv", "en"):
        return primary  # type: ignore[return-value]
    return None


def detect_language(text: str, hint: str | None = None) -> Language:
    """The language `text` is written in: "sv" or "en".

    The text decides when it has evidence; otherwise `hint` (a language or a locale such as
    "en-GB", typically the Teams client's) decides; otherwise Swedish.
    """
    decided = language_scores(text).decided
    if decided is not None:
        return decided
    return language_from_locale(hint) or "sv"
