"""Text normalisation for matching members' questions against the role registry's own texts.

A word becomes one or more *terms*: lowercase, diacritics folded (members type "ordforande" on
English keyboards), stemmed with the Swedish or English Snowball stemmer. Swedish compounds
("medlemsregistret", "logistikgruppen", "budgetansvarig") are split into parts that the registry
itself uses, so a question meets a duty even when one of them writes the compound and the other
the parts. Words close to a registry term ("ordförnade", "sekretrare", "budjet") are read as that
term, with less confidence. All of it is driven by the registry's vocabulary: nothing here knows
any role.

`Analyzer` holds the vocabulary; `Analyzer.index_words` turns a registry text into terms and
`Analyzer.query_words` a question into `Word`s with their possible readings.
"""

from __future__ import annotations

import bisect
import importlib
import importlib.util
import re
import sys
import threading
import types
import unicodedata
from collections import defaultdict
from collections.abc import Callable, Hashable, Iterable, Mapping
from dataclasses import dataclass
from functools import lru_cache
from itertools import filterfalse
from pathlib import Path
from typing import Any, Generic, TypeVar

from rapidfuzz import process
from rapidfuzz.distance import OSA

from domain.registry import Language

# Snowball's Swedish and English stop lists, less nothing and plus a few everyday words.
_SWEDISH_STOP = """
och det att i en jag hon som han på den med var sig för så till är men ett om hade de av icke
mig du henne då sin nu har inte hans honom skulle hennes där min man ej vid kunde något från ut
när efter upp vi dem vara vad över än dig kan sina här ha mot alla under någon eller allt mycket
sedan ju denna själv detta åt utan varit hur ingen mitt ni bli blev oss din dessa några deras blir
mina samma vilken er sådan vår blivit dess inom mellan sådant varför varje vilka ditt vem vilket
sitta sådana vart dina vars vårt våra ert era vilkas
ska skall måste får vill kommer gör göra gjorde också bara just nog väl redan även finns fanns
e va nån nåt dom mej dej sej idag igår imorgon
"""
_ENGLISH_STOP = """
i me my myself we our ours ourselves you your yours yourself yourselves he him his himself she
her hers herself it its itself they them their theirs themselves what which who whom this that
these those am is are was were be been being have has had having do does did doing a an the
and but if or because as until while of at by for with about against between into through during
before after above below to from up down in out on off over under again further then once here
there when where why how all any both each few more most other some such no nor not only own
same so than too very s t can will just don should now
could would shall may might must let lets get gets got us
"""
# Words of asking, greeting and being responsible: they say that a question is asked, never
# which role it is about ("vem ansvarar för ...", "who is responsible for ...", "kontakta ...").
_SWEDISH_ASKING = """
hej hejsan hallå tjena tjenare god morgon tack tackar snälla vänligen
ansvarar ansvarig ansvariga ansvaret ansvar ansvars kontakta kontaktar kontakt kontakten
fråga frågar frågor frågan frågorna undrar undra veta vet hitta hittar
hand handen koll någon roll rollen roller
håller hålla håll sköter sköta vänder vända vänd
"""
_ENGLISH_ASKING = """
hi hello hey thanks thank please cheers
responsible responsibility responsibilities charge contact contacting contacts
ask asking question questions wondering wonder know find tell need want
someone somebody anyone anybody role roles keep keeps handle handles
"""

# Words with which a message asks for a person: without one ("I lost my keys", "recommend a good
# book") a message needs more than one ordinary word of a duty to be about a role.
_ASKING_FOR_SOMEONE = """
vem vilka vems kontakta kontaktar kontakt ansvarar ansvarig ansvariga ansvar fråga vända
who whom whose contact responsible ask charge someone anyone
"""

# Words that name a kind of unit or a duty-holder in Swedish compounds ("logistikgruppen",
# "budgetansvarig", "e-rådsmötet", "sekreterarrollen"): compound splitting needs them as parts
# even where no role text happens to use them on their own.
_SWEDISH_COMPOUND_PARTS = (
    "grupp gruppen ansvarig ansvar möte mötet person kontakt nätverk roll rollen"
)

_WORD = re.compile(r"[^\W_]+(?:[-&][^\W_]+)*(?:['’]s\b)?")
_POSSESSIVE = re.compile(r"['’]s$")
_MIN_PART = 3  # shortest compound part ("möt", "råd"); shorter ones split words at random
# A compound whose last part the registry uses nowhere else ("möteslokaler") is split only into
# parts this long, and such a split ranks below one into known parts.
_MIN_NEW_HEAD, _MIN_NEW_TAIL, _NEW_TAIL_QUALITY = 4, 5, 0.85
_MIN_FUZZY_LENGTH = 5  # words shorter than this have too many neighbours to guess a typo safely
_MAX_COMPOUND_LENGTH = 60  # longer "words" (pasted links, blobs) are not split into parts
_PREFIX_SLACK = 3  # letters an inflection may add to a registry term ("regist" + "ret")
_PREFIX_QUALITY = 0.9
# Analysed question words kept per analyzer, in each of two generations: members ask the
# same few thousand words over and over, but their words are open-ended (names, typos,
# pasted text). An analysed word holds about 0.8 KiB, so the two generations stay under
# 7 MiB; at 50,000 words in one generation it was 40 MiB (bench/README.md, "Memory").
_CACHE_LIMIT = 4096
_PREFIX_NEIGHBOURS = 8  # registry terms looked at after a stem in sorted order
_FUZZY_QUALITY = (1.0, 0.8, 0.7)  # by edit distance 0, 1, 2


_SNOWBALL = "snowballstemmer"
_SNOWBALL_ALONE = "_snowballstemmer_sv_en"


def _snowball(module: str, name: str) -> Any:
    """A Snowball stemmer of snowballstemmer's, loaded without its other 35 languages.

    The package's `__init__` imports every language's stemmer (37 modules, ~2.8 MiB kept
    by every process that answers); the bot stems Swedish and English only. Its modules
    are loaded from the package's own folder under a package name of their own, which
    runs no `__init__`: the same code, so the same stems
    (tests/services/test_text_stemmers.py compares them with `snowballstemmer.stemmer`).
    """
    if _SNOWBALL in sys.modules:  # loaded anyway (by a test, say): use it
        return getattr(importlib.import_module(f"{_SNOWBALL}.{module}"), name)()
    if _SNOWBALL_ALONE not in sys.modules:
        spec = importlib.util.find_spec(_SNOWBALL)
        if spec is None or spec.origin is None:
            raise ImportError(f"{_SNOWBALL} is not installed")
        package = types.ModuleType(_SNOWBALL_ALONE)
        package.__path__ = [str(Path(spec.origin).parent)]
        sys.modules[_SNOWBALL_ALONE] = package
    return getattr(importlib.import_module(f"{_SNOWBALL_ALONE}.{module}"), name)()


_STEMMER_CLASSES = {
    "sv": type(_snowball("swedish_stemmer", "SwedishStemmer")),
    "en": type(_snowball("english_stemmer", "EnglishStemmer")),
}


class _ThreadStemmers(threading.local):
    """One stemmer per language and thread: a Snowball stemmer keeps the word it works on
    in itself, and an index is built in a worker thread while the event loop answers."""

    def __init__(self) -> None:
        self.by_language = {language: made() for language, made in _STEMMER_CLASSES.items()}


_STEMMERS = _ThreadStemmers()


def fold(text: str) -> str:
    """Lowercase and strip diacritics: "Ordförande" -> "ordforande", "é" -> "e"."""
    # Called for every word of every message, mostly the same few thousand words: a word's
    # folding is remembered like its stem; long texts are folded afresh and not kept.
    if len(text) <= _REMEMBERED_WORD_LENGTH:
        return _remembered_fold(text)
    return _fold(text)


_REMEMBERED_WORD_LENGTH = 40


@lru_cache(maxsize=8192)  # about 200 bytes a word
def _remembered_fold(text: str) -> str:
    return _fold(text)


def _fold(text: str) -> str:
    if text.isascii():
        # ASCII has no decompositions and no combining marks: only the case is folded.
        return text.lower()
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    # The characters without a combining class, filtered in C rather than by a generator.
    return "".join(filterfalse(unicodedata.combining, decomposed))


def fold_in_place(text: str) -> str:
    """`fold` one character at a time, each staying where it stood: "Lägg" -> "lagg".

    A character whose folding is not one character ("ŀ" -> "l·", "ß" -> "ss", a lone
    combining mark -> "") is kept lowercased, so that a position in the folded text is the
    same position in `text` (a command's phrase is cut off the original by its length).
    """
    if text.isascii():
        return text.lower()
    return "".join(f if len(f := fold(c)) == 1 else c.lower() for c in text)


def words(text: str) -> list[str]:
    """The lowercase words of `text`; hyphenated words ("e-rådet", "f&u") stay one word."""
    return _WORD.findall(unicodedata.normalize("NFKC", text).casefold())


# About 230 bytes a word: 3.7 MiB when full (15 MiB at 65,536). A registry of 1,000 groups
# is indexed with fewer than 5,000 stems; questions' new words are analysed once per
# generation of the analyzer's word cache.
@lru_cache(maxsize=16384)
def stem(word: str, language: Language) -> str:
    """The folded stem of a lowercase word in `language`.

    Stemming comes before folding because Snowball's Swedish suffixes differ between "ö" and
    "o" ("ordför" keeps its "ör", "ordfor" would lose an "or"). Swedish Snowball also misses some
    definite forms ("mötena", "protokollet", "agendan") and keeps doubled consonants
    ("medlemmar" -> "medlemm"); the extra steps below let those meet their base forms. What
    counts is that the registry's words and the question's are stemmed alike, not linguistics.
    """
    stemmer = _STEMMERS.by_language[language]
    if language == "en":
        return fold(stemmer.stemWord(word))
    if len(word) >= 6 and word.endswith("ena"):
        word = word[:-1]
    stemmed = stemmer.stemWord(word)
    if (len(stemmed) >= 7 and stemmed.endswith("et")) or (
        len(stemmed) >= 6 and stemmed[-1] == "n" and stemmed[-2] in "aio"
    ):
        stemmed = stemmer.stemWord(stemmed[:-2] if stemmed.endswith("et") else stemmed[:-1])
    if len(stemmed) >= 5 and stemmed[-1] == stemmed[-2] and stemmed[-1] not in "aeiouyåäö":
        stemmed = stemmed[:-1]
    return fold(stemmed)


STOP_WORDS = frozenset(fold(w) for w in (_SWEDISH_STOP + _ENGLISH_STOP).split())
ASKING_WORDS = frozenset(fold(w) for w in (_SWEDISH_ASKING + _ENGLISH_ASKING).split())
# Stems too, so that inflections and compound parts of asking words ("ansvars-") are caught.
_ASKING_STEMS = frozenset(stem(w, "sv") for w in _SWEDISH_ASKING.split()) | frozenset(
    stem(w, "en") for w in _ENGLISH_ASKING.split()
)

# Words for a body of people, folded: with every member of a composite role named ("vilken
# grupp består av ordförande, vice ordförande och processledare?") they ask for the body.
BODY_WORDS = frozenset({"grupp", "gruppen", "group", "team", "organ", "organet", "body"})


def carries_no_role_information(word: str) -> bool:
    """True for stop words and asking words ("vem", "the", "ansvarar", "contact")."""
    folded = fold(word)
    if folded in STOP_WORDS or folded in ASKING_WORDS:
        return True
    return stem(word, "sv") in _ASKING_STEMS or stem(word, "en") in _ASKING_STEMS


_ASKING_FOR_SOMEONE_WORDS = frozenset(fold(w) for w in _ASKING_FOR_SOMEONE.split())


def stems(word: str, language: Language) -> tuple[str, ...]:
    """The stem of a word as written and, if different, as written without diacritics.

    Members type "ordforande" as well as "ordförande"; the two can stem differently.
    """
    written, folded = stem(word, language), stem(fold(word), language)
    return (written,) if written == folded else (written, folded)


K = TypeVar("K", bound=Hashable)
V = TypeVar("V")


class RecentlyAsked(Generic[K, V]):
    """What was worked out for the keys asked lately, in two generations of `limit` each.

    Members' words are open-ended (names, typos, pasted text): a long-running bot must not
    keep every word it was ever asked. When the current generation is full it becomes the
    earlier one and the one before is let go, so the keys asked in the last two generations
    stay (without being worked out again) and memory stays bounded.
    """

    def __init__(self, limit: int, on_turnover: Callable[[], None] | None = None) -> None:
        self._limit = limit
        self._on_turnover = on_turnover
        self._current: dict[K, V] = {}
        self._earlier: dict[K, V] = {}

    def get(self, key: K) -> V | None:
        """The value kept for `key` (kept in the current generation from now on), or None."""
        value = self._current.get(key)
        if value is None:
            value = self._earlier.get(key)
            if value is not None:
                self.put(key, value)
        return value

    def put(self, key: K, value: V) -> V:
        """Keep `value` for `key`; returns it."""
        if len(self._current) >= self._limit:
            self._earlier = self._current
            self._current = {}
            if self._on_turnover is not None:
                self._on_turnover()
        self._current[key] = value
        return value

    def clear(self) -> None:
        self._current.clear()
        self._earlier.clear()

    def __len__(self) -> int:
        """How many keys are kept, in both generations (a key in both counts twice)."""
        return len(self._current) + len(self._earlier)


@dataclass(frozen=True)
class Reading:
    """One way to read a word as registry terms: a whole word, or compound parts.

    `quality` is 1 for an exact stem, less for an inflection recognised by prefix or a typo.
    """

    terms: tuple[str, ...]
    quality: float


@dataclass(frozen=True)
class Word:
    """A word of a question with everything it may mean.

    `names` are all its terms (parts and asking words included), for matching group and network
    names; `readings` only the ones that can say which role is meant (empty for "vem", "who").
    `languages` are the languages of the registry texts its exact readings come from.
    `genitive` marks an owner ("projektledarens", "the board's"): a role named in the genitive
    is usually not the one asked for ("vem ansvarar för projektledarens kompetensutveckling?").
    `asks_for_someone` marks a word with which a message asks who ("vem", "who"), or whom to
    contact or ask.
    """

    surface: str
    names: frozenset[str]
    readings: tuple[Reading, ...]
    languages: frozenset[Language]
    genitive: bool = False
    asks_for_someone: bool = False

    def __hash__(self) -> int:
        # Words are looked up per question in caches keyed by them (what a word says about a
        # network's roles): hashing every field, each reading's too, cost more than the
        # lookup, so the hash of a word is worked out once (the same value as before).
        known = self.__dict__.get("_hash")
        if known is None:
            known = hash(
                (self.surface, self.names, self.readings, self.languages, self.genitive,
                 self.asks_for_someone)
            )
            object.__setattr__(self, "_hash", known)
        return known

    def __getstate__(self) -> dict:
        # String hashes differ between processes: a copied word works its own out again.
        return {k: v for k, v in self.__dict__.items() if k != "_hash"}

    def without(self, consumed: frozenset[str]) -> Word:
        """This word with the terms that named a group or network removed from its readings."""
        readings = tuple(
            Reading(kept, r.quality)
            for r in self.readings
            if (kept := tuple(t for t in r.terms if t not in consumed))
        )
        return Word(
            self.surface,
            self.names - consumed,
            readings,
            self.languages,
            self.genitive,
            self.asks_for_someone,
        )


class Analyzer:
    """Turns texts into terms against one registry's vocabulary.

    Compounds are split into the stems of `swedish_texts` (the registry's Swedish texts, names
    and aliases). Questions are looked up in the vocabulary given with `set_vocabulary` once
    the registry texts are indexed (each term with the languages of the texts it occurs in);
    its Swedish terms then also serve for splitting.
    """

    def __init__(self, swedish_texts: Iterable[str]):
        split_vocabulary = {stem(w, "sv") for w in words(_SWEDISH_COMPOUND_PARTS)}
        for text in swedish_texts:
            for word in words(text):
                for candidate in _candidates(_POSSESSIVE.sub("", word)):
                    if not carries_no_role_information(candidate):
                        split_vocabulary.update(stems(candidate, "sv"))
        self._split_vocabulary = frozenset(split_vocabulary)
        self._vocabulary: Mapping[str, frozenset[Language]] = {}
        self._sorted_vocabulary: list[str] = []
        self._fuzzy_choices: dict[str, list[str]] = {}
        self._split_cache: dict[str, tuple[tuple[str, ...], float] | None] = {}
        self._words: RecentlyAsked[tuple[str, Language | None], Word] = RecentlyAsked(
            _CACHE_LIMIT, on_turnover=self._split_cache.clear
        )

    def set_vocabulary(self, vocabulary: Mapping[str, frozenset[Language]]) -> None:
        """Set the terms questions are matched against (term -> languages of its texts)."""
        self._vocabulary = vocabulary
        self._sorted_vocabulary = sorted(vocabulary)
        # Parts found inside the registry's own compounds ("bokning" in "lokalbokning") may
        # split a question's compounds too ("mötesbokningen").
        self._split_vocabulary |= {
            t
            for t, languages in vocabulary.items()
            if languages != {"en"} and len(t) >= _MIN_NEW_TAIL
        }
        self._split_cache.clear()
        by_initial: dict[str, list[str]] = defaultdict(list)
        for term in vocabulary:
            if len(term) >= _MIN_FUZZY_LENGTH - 1:
                by_initial[term[0]].append(term)
        self._fuzzy_choices = dict(by_initial)
        self._words.clear()

    # -- registry texts ----------------------------------------------------------------------

    def index_words(self, text: str, language: Language | None) -> list[tuple[str, ...]]:
        """The terms of each role-informative word of a registry text.

        Each word gives its whole stem, then (Swedish only) its compound parts, so that both
        "mötesansvarig" and "möte" find the title "Mötesansvarig"; a hyphenated word also gives
        its pieces. `language` None (names, aliases) stems with both stemmers.
        """
        languages: tuple[Language, ...] = (language,) if language else ("sv", "en")
        result = []
        for word in words(text):
            word = _POSSESSIVE.sub("", word)
            terms: list[str] = []
            for candidate in _candidates(word):
                if carries_no_role_information(candidate):
                    continue
                whole = [term for lang in languages for term in stems(candidate, lang)]
                for term in whole:
                    _add(terms, term)
                if language != "en":
                    split = self._split(candidate, new_tail=True)
                    # "rekommendatio|ner" is the stem and its plural ending, not a compound:
                    # "ner" would make the role answer "vem skriver ner …?".
                    if split and split[0][0] not in whole:
                        for part in split[0]:
                            _add(terms, part)
            terms = [t for t in terms if not _asking_term(t)]
            if terms:
                result.append(tuple(terms))
        return result

    def name_terms(self, text: str) -> list[frozenset[str]]:
        """A group or network name as one set of acceptable terms per word, for phrase matching."""
        joined = [_joined(_POSSESSIVE.sub("", w)) for w in words(text)]
        return [frozenset(stems(w, "sv") + stems(w, "en")) for w in joined]

    # -- questions ---------------------------------------------------------------------------

    def query_words(self, text: str, language: Language | None = None) -> list[Word]:
        """The words of a question, each with its names and readings.

        `language`, when the question's language is known, is stemmed first: the other
        language's stemmer only reads words the first cannot ("who is the ordförande?"), so the
        Swedish stemmer does not turn the English "leader" into "lead".
        """
        return [self._query_word(w, language) for w in words(text)]

    def _query_word(self, word: str, language: Language | None) -> Word:
        # Nearly every word is one asked before: looked up here, analysed only when new.
        key = (word, language)
        cached = self._words.get(key)
        if cached is None:
            cached = self._words.put(key, self._analyse_query_word(word, language))
        return cached

    def _analyse_query_word(self, word: str, language: Language | None) -> Word:
        asks = fold(word) in _ASKING_FOR_SOMEONE_WORDS
        possessive = bool(_POSSESSIVE.search(word))
        word = _POSSESSIVE.sub("", word)
        joined = _joined(word)
        names = set(stems(joined, "sv") + stems(joined, "en"))
        stop = carries_no_role_information(joined)
        readings, languages = self._exact_readings(joined, language)
        genitive = possessive or (language != "en" and self._swedish_genitive(joined, readings))
        if not readings:
            readings = self._prefix_readings(joined)

        pieces = _pieces(word)
        if len(pieces) > 1:  # hyphenated: the pieces in order, as one reading
            parts = [self._query_word(p, language) for p in pieces]
            for part in parts:
                names |= part.names
            firsts = [part.readings[0] for part in parts if part.readings]
            if firsts:
                readings.append(
                    Reading(tuple(r.terms[0] for r in firsts), min(r.quality for r in firsts))
                )
        elif not readings:
            split = self._split(joined)
            if split:
                parts, quality = split
                names.update(parts)
                informative = tuple(p for p in parts if not _asking_term(p))
                if informative:
                    readings.append(Reading(informative, quality))

        if not readings and not stop:
            readings.extend(self._typo_readings(joined, language))

        if stop:
            readings = []
        for reading in readings:
            names.update(reading.terms)
        return Word(word, frozenset(names), tuple(readings), frozenset(languages), genitive, asks)

    def _exact_readings(
        self, word: str, language: Language | None
    ) -> tuple[list[Reading], set[Language]]:
        """Readings of registry terms the word stems to, the question's language first."""
        order: tuple[Language, ...] = {"sv": ("sv", "en"), "en": ("en", "sv")}.get(
            language or "", ("sv", "en")
        )
        for position, lang in enumerate(order):
            found = [t for t in stems(word, lang) if t in self._vocabulary]
            if language is None and position == 0:
                found += [t for t in stems(word, order[1]) if t in self._vocabulary]
            if found:
                terms = list(dict.fromkeys(found))
                languages = set().union(*(self._vocabulary[t] for t in terms))
                if not languages and position == 0:
                    # Only a name ("beredningen", a group's): in "who's in beredningen?" the
                    # other language's stemmer reads it as the role's title word too.
                    titled = [t for t in stems(word, order[1]) if self._vocabulary.get(t)]
                    terms = list(dict.fromkeys(titled + terms))
                    languages = set().union(*(self._vocabulary[t] for t in terms))
                return [Reading((t,), 1.0) for t in terms], languages
        return [], set()

    def _swedish_genitive(self, word: str, readings: list[Reading]) -> bool:
        """ "projektledarens", "styrelsens": the word is the same registry term without its "s"."""
        if len(word) < 5 or not word.endswith("s") or word.endswith("ss") or not readings:
            return False
        return any(r.terms[0] in stems(word[:-1], "sv") for r in readings)

    def _prefix_readings(self, word: str) -> list[Reading]:
        """A registry term this word extends or is extended by, by a short ending.

        Covers inflections and derivations the stemmer leaves apart: "registret" reads as
        "regist" (from "register"), "utvärderar" as "utvärdering".
        """
        folded = fold(word)
        for cut in range(1, _PREFIX_SLACK + 1):
            candidate = folded[:-cut]
            if len(candidate) < _MIN_FUZZY_LENGTH:
                break
            if candidate in self._vocabulary:
                return [Reading((candidate,), _PREFIX_QUALITY)]
        for lang in ("sv", "en"):
            term = stem(folded, lang)
            if len(term) < _MIN_FUZZY_LENGTH:
                continue
            start = bisect.bisect_left(self._sorted_vocabulary, term)
            for candidate in self._sorted_vocabulary[start : start + _PREFIX_NEIGHBOURS]:
                if not candidate.startswith(term):
                    break
                if len(candidate) - len(term) <= _PREFIX_SLACK:
                    return [Reading((candidate,), _PREFIX_QUALITY)]
        return []

    def _typo_readings(self, word: str, language: Language | None) -> list[Reading]:
        """The registry term a misspelt word most likely means, if one is close enough.

        Compared are stems in the question's language (Swedish for a word with å, ä or ö), with
        registry terms of the same first letter (typos rarely hit it): for a five-letter stem
        only a swap of neighbouring letters ("chiar"), one edit from six letters ("budjet"),
        two from nine. An off-topic word ("vädret", "weather", "många") then practically never
        lands on a registry term.
        """
        folded = fold(word)
        if folded != word:
            languages: tuple[Language, ...] = ("sv",)
        elif language is not None:
            languages = (language,)
        else:
            languages = ("sv", "en")
        swapped = self._swapped_reading(folded, languages)
        if swapped is not None:
            return [swapped]
        best: tuple[int, str] | None = None
        for lang in languages:
            term = stem(folded, lang)
            if len(term) < _MIN_FUZZY_LENGTH or not (choices := self._fuzzy_choices.get(term[0])):
                continue
            allowed = 1 if len(term) < 9 else 2
            found = process.extractOne(term, choices, scorer=OSA.distance, score_cutoff=allowed)
            if found is None or (best is not None and found[1] >= best[0]):
                continue
            if len(term) == _MIN_FUZZY_LENGTH and not _is_swap(term, found[0]):
                continue
            best = (int(found[1]), found[0])
        if best is None:
            return []
        return [Reading((best[1],), _FUZZY_QUALITY[best[0]])]

    def _swapped_reading(self, folded: str, languages: tuple[Language, ...]) -> Reading | None:
        """Two neighbouring letters swapped in an inflected word ("budegten", "medlmesregistret"):
        the stemmer cuts a misspelt ending differently ("budeg"), so each neighbouring pair is
        put back and the mended word read as a registry stem and a short ending ("budget" +
        "en"), as `_prefix_readings` reads an inflection. Dictionary look-ups only: a member's
        unknown word costs microseconds, not a stemmer run per pair."""
        if all(len(stem(folded, lang)) < _MIN_FUZZY_LENGTH for lang in languages):
            return None  # "pratar" is no "partar"
        for at in range(1, len(folded) - 1):  # the first letter is seldom hit
            if folded[at] == folded[at + 1]:
                continue
            mended = folded[:at] + folded[at + 1] + folded[at] + folded[at + 2 :]
            for cut in range(_PREFIX_SLACK + 1):
                candidate = mended[: len(mended) - cut]
                if len(candidate) <= at + 1 or len(candidate) < _MIN_FUZZY_LENGTH:
                    break  # the swap must lie inside the stem read
                if candidate in self._vocabulary:
                    return Reading((candidate,), _FUZZY_QUALITY[1])
        return None

    # -- compounds ---------------------------------------------------------------------------

    def _split(self, word: str, new_tail: bool = False) -> tuple[tuple[str, ...], float] | None:
        """Split a Swedish compound into registry stems: fewest parts first, then surest.

        "medlemsregistret" -> ("medlem", "regist"), "logistikgruppen" -> ("logistik", "grup").
        Returns the parts and a quality (lower when a part was only recognised by prefix).
        `new_tail` (for registry texts) also accepts a last part the registry uses nowhere else
        after a known first part: "möteslokaler" then gives "lokal" for "vem bokar lokalen?".
        """
        if len(word) > _MAX_COMPOUND_LENGTH:
            # Splitting tries every cut, recursively: cubic in the length, so one pasted
            # 16,000-letter token held the event loop for a minute. No compound is this long.
            return None
        cache_key = f"+{word}" if new_tail else word
        if cache_key in self._split_cache:
            return self._split_cache[cache_key]
        self._split_cache[cache_key] = None  # guards the recursion below against re-entry
        best: tuple[tuple[str, ...], float] | None = None
        for cut in range(_MIN_PART, len(word) - _MIN_PART + 1):
            found_head = self._head(word[:cut])
            if found_head is None:
                continue
            head, head_quality = found_head
            tail = word[cut:]
            whole_tail = self._part(tail)
            if (
                whole_tail is None
                and new_tail
                and cut >= _MIN_NEW_HEAD
                and len(tail) >= _MIN_NEW_TAIL
                # "mötes|lokaler", not "möte|slokaler": the linking s belongs to the head
                and not (tail.startswith("s") and self._head(word[: cut + 1]))
            ):
                new_part = stem(tail, "sv")
                if len(new_part) >= _MIN_NEW_HEAD:
                    whole_tail = (new_part, _NEW_TAIL_QUALITY)
            if whole_tail is not None:
                candidate = ((head, whole_tail[0]), min(head_quality, whole_tail[1]))
            else:
                rest = self._split(tail)
                if rest is None:
                    continue
                candidate = ((head, *rest[0]), min(head_quality, rest[1]))
            if best is None or (len(candidate[0]), -candidate[1]) < (len(best[0]), -best[1]):
                best = candidate
        self._split_cache[cache_key] = best
        return best

    def _head(self, head: str) -> tuple[str, float] | None:
        """The stem of a compound's first part, allowing the linking "s" ("medlems-") and a
        short ending the registry does not use on its own ("utvecklings-" -> "utveckl")."""
        for form in (head, head[:-1] if head.endswith("s") else None):
            if form is None or len(form) < _MIN_PART:
                continue
            if fold(form) in self._split_vocabulary:
                return fold(form), 1.0
            for stemmed in stems(form, "sv"):
                if stemmed in self._split_vocabulary:
                    return stemmed, 1.0
        return self._known_prefix(fold(head[:-1] if head.endswith("s") else head))

    def _part(self, part: str) -> tuple[str, float] | None:
        """The stem of a compound's last part, exactly or by a known prefix."""
        for stemmed in stems(part, "sv"):
            if stemmed in self._split_vocabulary:
                return stemmed, 1.0
        return self._known_prefix(fold(part))

    def _known_prefix(self, folded: str) -> tuple[str, float] | None:
        """A split-vocabulary stem that `folded` is, but for a short ending ("registret")."""
        for cut in range(1, _PREFIX_SLACK + 1):
            candidate = folded[:-cut]
            if len(candidate) < _MIN_FUZZY_LENGTH:
                break
            if candidate in self._split_vocabulary:
                return candidate, _PREFIX_QUALITY
        return None


def _is_swap(a: str, b: str) -> bool:
    """True when `b` is `a` with two neighbouring letters swapped."""
    if len(a) != len(b):
        return False
    diff = [i for i, (x, y) in enumerate(zip(a, b, strict=True)) if x != y]
    if len(diff) != 2 or diff[1] != diff[0] + 1:
        return False
    first, second = diff
    return a[first] == b[second] and a[second] == b[first]


def _pieces(word: str) -> list[str]:
    """The pieces of a hyphenated word long enough to mean something ("e-rådet" -> "rådet")."""
    pieces = [p for p in re.split(r"[-&]", word) if len(p) >= 2]
    return pieces or [word]


def _candidates(word: str) -> list[str]:
    """A word as written together, then its hyphenated pieces if it has several."""
    pieces = _pieces(word)
    return [_joined(word), *pieces] if len(pieces) > 1 else [_joined(word)]


def _joined(word: str) -> str:
    """A hyphenated word written together ("e-rådet" -> "erådet"), as members also write it."""
    return re.sub(r"[-&]", "", word)


def _asking_term(term: str) -> bool:
    return term in _ASKING_STEMS


def _add(terms: list[str], term: str) -> None:
    if len(term) >= 2 and term not in terms:
        terms.append(term)
