"""The finder's index of one network's roles (see `services.who`): each role's texts as
terms, with the weights of the fields they come from, and what each question word says of
the roles, remembered per network."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import NamedTuple

from domain.registry import Localized, Role
from services.text import RecentlyAsked, Word

TITLE_WEIGHT = 3.0
SYNONYM_WEIGHT = 2.0  # synonyms and the role key
DUTY_WEIGHT = 1.0
SITUATION_WEIGHT = 1.0  # synonyms told in the first person (see `is_situation`)
# Share of a fully matched title's (or several-word synonym's) weight added on top, and of the
# weight of a duty sentence two or more question terms share.
WHOLE_PHRASE_BONUS = 0.5
SAME_DUTY_BONUS = 0.5
# The least score that names a role: about one telling word in a duty, or a common word in a
# title. Tuned on bench/questions.yaml (see bench/README.md).
MIN_SCORE = 1.0


@dataclass
class RoleEntry:
    role: Role
    phrases: list[tuple[frozenset[str], float]] = field(default_factory=list)
    duty_terms: list[set[str]] = field(default_factory=list)
    duty_texts: tuple[Localized[str], ...] = ()  # each duty in both languages
    title_terms: set[str] = field(default_factory=set)  # every term of its titles
    title_words: set[str] = field(default_factory=set)  # the stems of its titles' whole words
    # The same per language, to find the role named in full in another role's duty.
    title_words_by_language: dict[str, set[str]] = field(default_factory=dict)
    # Each name its titles give it, whole: "Kontaktperson och ordförande" and "Styrgrupp
    # (e-rådet)" are two each. A duty names the role when it holds one of them.
    names: list[frozenset[str]] = field(default_factory=list)
    # Each title's words as written, folded, without a leading article or a genitive "'s"
    # ("board", "contact", "person"): a question may begin one and cut it short.
    title_runs: list[tuple[str, ...]] = field(default_factory=list)
    # The stems of each duty's first word when it is an active verb ("Beslutar", "Appoints";
    # not "Utses", "Appointed"), in either language.
    duty_heads: list[set[str]] = field(default_factory=list)
    # The terms of each situation among its synonyms ("jag missade mötet", "we are over budget").
    situation_terms: list[set[str]] = field(default_factory=list)
    # Every term of its duties, what a question must share with one at all; and per term,
    # the situations that use it (set once the role is indexed).
    duty_union: frozenset[str] = frozenset()
    situations_of_term: dict[str, tuple[int, ...]] = field(default_factory=dict)


class WordEvidence(NamedTuple):
    """What one question word says about the roles of one network (see `ContactFinder._rank`).

    `best` holds, per role the word matches, the value of its best reading and that reading's
    terms; `strongest` the strongest field each role was matched in; `terms` every term of the
    word's readings.
    """

    best: tuple[tuple[int, float, tuple[str, ...]], ...]
    strongest: tuple[tuple[int, float], ...]
    terms: frozenset[str]
    # The terms of its whole-word readings: what names a role, without the parts of a
    # compound ("möte" of "mötesansvarig", which "årsmöte" also has).
    whole: frozenset[str] = frozenset()
    # What `ContactFinder._rank` reads of the word besides its scores, none of which depends
    # on the rest of the question (worked out once with the rest, in `_word_evidence`):
    # the terms with which it names a role (`whole`, else `terms`);
    naming_terms: frozenset[str] = frozenset()
    # the roles it names by title or synonym, and by title alone, in `strongest`'s order;
    named: tuple[int, ...] = ()
    titled: tuple[int, ...] = ()
    # of `titled`, those it names by a whole title ("styrelsen"), and those it names by a
    # whole title or by a word only their title has;
    whole_titled: frozenset[int] = frozenset()
    strictly_titled: frozenset[int] = frozenset()
    # in the genitive, the roles it names as owners ("sekreterarens"), each with the terms
    # of its best reading;
    owned: tuple[tuple[int, frozenset[str]], ...] = ()
    # every role whose whole title (in a language) its terms hold, and, in the network's
    # order, every role it names after a preposition (see `relations`).
    whole_title_of: frozenset[int] = frozenset()
    relation_targets: tuple[int, ...] = ()


NO_EVIDENCE = WordEvidence(best=(), strongest=(), terms=frozenset())  # "vem", "the"


@dataclass
class NetworkIndex:
    entries: list[RoleEntry]
    postings: dict[str, list[tuple[int, float]]]  # term -> (entry, field weight)
    term_weight: dict[str, float]
    # term -> (entry, phrase, its bonus) for each phrase with the term: a question is checked
    # against the phrases its terms occur in, not against every phrase of every role it matches.
    phrases: dict[str, list[tuple[int, frozenset[str], float]]]
    role_terms: frozenset[str]  # every term of the network's role texts
    own_terms: frozenset[str]  # and of its group names: what the network's own texts say
    group_names: Names
    # Question words seen in this network, with what they say about its roles: members ask
    # the same few hundred words over and over (bounded by `services.who._EVIDENCE_LIMIT`).
    evidence: RecentlyAsked[Word, WordEvidence]
    # Per role, the whole words of its titles no other role's title uses ("styrgrup", "erad";
    # not "ordfor", which "Vice ordförande" shares): what names that role and no other.
    own_title_terms: list[frozenset[str]] = field(default_factory=list)
    # (how, role named) -> (role, duty) whose duty relates to that role so: ("to", the board)
    # for "frågor till styrelsen", ("towards", the board) for "kontakt gentemot styrelsen",
    # ("in", the board) for "den ledamot i styrelsen". See `related`.
    pairs: dict[tuple[str, int], list[tuple[int, int]]] = field(default_factory=dict)
    # Groups whose name is a role's title (the group "Beredningen", the role "Beredning"):
    # group key -> role key.
    group_roles: dict[str, str] = field(default_factory=dict)
    # Each run of `SITUATION_RUN` folded words of a role's situations -> the roles told so.
    situation_runs: dict[tuple[str, ...], frozenset[int]] = field(default_factory=dict)
    # Per role and duty, how many other roles' title terms the duty uses.
    mentions: list[list[int]] = field(default_factory=list)
    # Kinds of act -> (role, duty) of each duty using a verb of one of them
    # (`ContactFinder._acting`): one entry per set of kinds asked about, of which there are
    # only so many.
    answering_duties: dict[frozenset[str], tuple[tuple[int, int], ...]] = field(
        default_factory=dict
    )
    # Role -> the other roles whose duty names it by a whole title, with that duty
    # (`dealing_with`): filled as questions ask, at most one entry per role.
    dealing_with: dict[int, tuple[tuple[int, int], ...]] = field(default_factory=dict)
    # First word of each role's title name -> (role, the name's words) (`title_begun`).
    title_runs: dict[str, list[tuple[int, tuple[str, ...]]]] = field(default_factory=dict)


@dataclass(frozen=True)
class NameMatch:
    key: str
    start: int
    name: list[frozenset[str]]


class Names:
    """Names of networks or groups (one set of acceptable terms per word), found in questions.

    Indexed by the terms of each name's first word, so a question is checked against the few
    names that can start at each of its words, not against every name in a large registry.
    """

    def __init__(self, names: Iterable[tuple[str, list[frozenset[str]]]]):
        self.by_first_term: dict[str, list[tuple[str, list[frozenset[str]]]]] = defaultdict(list)
        self.terms: set[str] = set()
        for key, name in names:
            if not name:
                continue
            for term in name[0]:
                self.by_first_term[term].append((key, name))
            self.terms.update(t for word_terms in name for t in word_terms)
        self.first_terms = frozenset(self.by_first_term)

    def find(
        self, question_words: list[Word], names: frozenset[str] | None = None
    ) -> list[NameMatch]:
        """Every name that occurs in the question as consecutive words (first occurrence).

        `names`, every term of the question's words' names together, lets a question that
        starts no name (most) be passed over at once."""
        if names is not None and names.isdisjoint(self.first_terms):
            return []
        found: dict[tuple[str, int], NameMatch] = {}
        for start, word in enumerate(question_words):
            if word.names.isdisjoint(self.first_terms):  # most words start no name
                continue
            for term in word.names:
                for key, name in self.by_first_term.get(term, ()):
                    end = start + len(name)
                    if (key, id(name)) in found or end > len(question_words):
                        continue
                    if all(name[j] & question_words[start + j].names for j in range(1, len(name))):
                        found[(key, id(name))] = NameMatch(key, start, name)
        if not found:
            return []
        return sorted(found.values(), key=lambda m: m.start)
