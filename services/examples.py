"""The example questions nearest a new one, and the role they were answered with.

The finder reads a question against the roles' titles, duties and situations. A member who
only tells what happened ("we'll be four more than planned, who do I tell?") often shares
no word with any of them, but shares several with a question someone asked before. This
index finds the few most similar labelled questions of the network (TF-IDF over word stems
and pairs of stems, cosine similarity) and says which role they agree on, so the finder
can let a clear agreement of precedents overrule its own guess, or answer a situation it has
no role for. It never decides whether a message asks for a person at all: the message
classifier does that.
"""

from __future__ import annotations

import heapq
import math
from array import array
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from domain.examples import ExampleQuestion
from domain.language import language_scores
from services.text import fold, stem, words

# How many nearest examples vote. Few: a situation is usually told in one or two ways.
NEIGHBOURS = 3
# A term found in more than this share of a network's examples (and in more than
# COMMON_AT_LEAST of them) is common: "vem", "the", "vem är". Common terms count in the
# similarity but do not pick candidates; the best CANDIDATES by the other terms are scored.
COMMON_SHARE = 0.02
COMMON_AT_LEAST = 10
CANDIDATES = 15
# An example this close is the same question, however worded around it: its role is the
# answer, whatever the others say. So a question the bot got wrong, once added with its
# role, is answered right.
SAME_QUESTION = 0.8


_NO_POSTINGS: tuple[array[int], array[float]] = (array("I"), array("d"))


@dataclass(frozen=True)
class ExampleVote:
    """The role the nearest examples agree on, with how strongly."""

    role_key: str
    # The share of the nearest examples' similarity that backs the role (0-1).
    agreement: float
    # The cosine similarity of the single nearest example (0-1).
    closeness: float
    # The nearest examples that back the role, as asked.
    backing: tuple[str, ...] = ()


def _terms(text: str) -> Counter[str]:
    """A question's terms: its words' stems and each pair of neighbouring stems."""
    language = language_scores(text).decided or "sv"
    stemmed = [stem(word, language) for word in words(fold(text))]
    terms = Counter(stemmed)
    terms.update(f"{a} {b}" for a, b in zip(stemmed, stemmed[1:]))
    return terms


class _NetworkExamples:
    """One network's examples as TF-IDF vectors, indexed by term.

    Each term's examples and weights are kept as two arrays (a few bytes an entry, where a
    tuple of two Python numbers is about sixty), and of each example's own vector only its
    common terms, the ones `vote` reads example by example.
    """

    def __init__(self, examples: list[tuple[ExampleQuestion, Counter[str]]], weights: _Weights):
        self.weights = weights
        self.role_keys = [example.role_keys for example, _ in examples]
        self.texts = [example.text for example, _ in examples]
        vectors = [weights.vector(terms) for _, terms in examples]
        found: dict[str, list[int]] = defaultdict(list)
        for position, vector in enumerate(vectors):
            for term in vector:
                found[term].append(position)
        self.postings: dict[str, tuple[array[int], array[float]]] = {
            term: (array("I", positions), array("d", (vectors[p][term] for p in positions)))
            for term, positions in found.items()
        }
        limit = max(COMMON_AT_LEAST, COMMON_SHARE * len(examples))
        self.common = frozenset(t for t, positions in found.items() if len(positions) > limit)
        self.common_weights = [
            {t: v for t, v in vector.items() if t in self.common} for vector in vectors
        ]

    def vote(self, text: str) -> ExampleVote | None:
        query = self.weights.vector(_terms(text))
        # The rarer terms pick the candidates; their full similarity is then worked out.
        # Going through every example with "vem" or "the" would cost most of a turn's
        # answering, and an example that shares only such words with the question is
        # seldom among the nearest.
        telling = [(t, v) for t, v in query.items() if t not in self.common]
        common = [(t, v) for t, v in query.items() if t in self.common]
        if not telling:  # only common words ("vem är det?"): they pick the candidates
            telling, common = common, []
        partial: dict[int, float] = defaultdict(float)
        for term, value in telling:
            positions, weights = self.postings.get(term, _NO_POSTINGS)
            for position, weight in zip(positions, weights):
                partial[position] += value * weight
        candidates = heapq.nlargest(CANDIDATES, partial, key=lambda p: (partial[p], -p))
        similarity = {}
        for position in candidates:
            vector, value = self.common_weights[position], partial[position]
            for term, weight in common:
                value += weight * vector.get(term, 0.0)
            similarity[position] = value
        nearest = heapq.nsmallest(
            NEIGHBOURS, similarity.items(), key=lambda item: (-item[1], item[0])
        )
        if not nearest:
            return None
        if nearest[0][1] >= SAME_QUESTION:
            nearest = nearest[:1]
        votes: dict[str, float] = defaultdict(float)
        for position, value in nearest:
            roles = self.role_keys[position]
            for role_key in roles:
                votes[role_key] += value / len(roles)
        role_key = max(votes, key=lambda key: votes[key])  # the first of equals: nearest
        return ExampleVote(
            role_key=role_key,
            agreement=votes[role_key] / sum(votes.values()),
            closeness=nearest[0][1],
            backing=tuple(
                self.texts[position] for position, _ in nearest
                if role_key in self.role_keys[position]
            ),
        )


class _Weights:
    """Inverse document frequency of each term over every network's examples.

    Counted over all networks, not per network: how rare "budget" or "who keeps" is in
    members' questions says more with two thousand questions than with two hundred.
    """

    def __init__(self, counted: list[Counter[str]]):
        frequency = Counter(term for terms in counted for term in terms)
        total = max(len(counted), 1)
        self.unseen = math.log(total)
        self.idf = {term: math.log(total / (1 + n)) + 1 for term, n in frequency.items()}

    def vector(self, terms: Counter[str]) -> dict[str, float]:
        return _unit({t: n * self.idf.get(t, self.unseen) for t, n in terms.items()})


def _asked_as(text: str) -> str:
    return " ".join(words(fold(text)))


def _unit(vector: dict[str, float]) -> dict[str, float]:
    length = math.sqrt(sum(value * value for value in vector.values()))
    return {term: value / length for term, value in vector.items()} if length else {}


class ExampleIndex:
    """Every network's example questions, for the nearest-example vote.

    Examples whose network or roles the registry does not have (a role since removed) are
    left out, so a vote always names a role the network has.
    """

    def __init__(
        self, examples: Iterable[ExampleQuestion], has_role: Callable[[str, str], bool]
    ):
        self._examples = tuple(examples)
        self._has_role = has_role
        self._pending: dict[str, list[tuple[ExampleQuestion, Counter[str]]]] | None = None
        self._weights: _Weights | None = None
        self._networks: dict[str, _NetworkExamples] = {}
        # (network, the question's words) -> the roles it was labelled with
        self._asked: dict[tuple[str, str], tuple[str, ...]] = {}

    def _read(self) -> None:
        """Every example's terms, and their weights; done on the first question asked, so
        that a start-up reads no more than it uses."""
        counted = [(example, _terms(example.text)) for example in self._examples]
        pending: dict[str, list[tuple[ExampleQuestion, Counter[str]]]] = defaultdict(list)
        for example, terms in counted:
            kept = tuple(k for k in example.role_keys if self._has_role(example.network_key, k))
            if kept:
                pending[example.network_key].append(
                    (ExampleQuestion(example.network_key, example.text, kept), terms)
                )
        self._weights = _Weights([terms for _, terms in counted])
        self._pending = dict(pending)
        self._asked = {
            (network_key, _asked_as(example.text)): example.role_keys
            for network_key, examples in pending.items()
            for example, _ in examples
        }

    def answered_before(self, text: str, network_key: str) -> str | None:
        """The role an example with the very words of `text` (case, accents and punctuation
        aside) was labelled with, if there is one: a lookup, far cheaper than `vote`."""
        if self._pending is None:
            self._read()
        roles = self._asked.get((network_key, _asked_as(text)))
        return roles[0] if roles else None

    def vote(self, text: str, network_key: str) -> ExampleVote | None:
        """What the network's examples nearest `text` agree on; None without examples."""
        network = self._networks.get(network_key)
        if network is None:
            if self._pending is None:
                self._read()
            assert self._pending is not None and self._weights is not None
            pending = self._pending.get(network_key)
            if pending is None:
                return None
            network = self._networks[network_key] = _NetworkExamples(pending, self._weights)
            self._pending.pop(network_key, None)  # its examples' term counts are not needed
        return network.vote(text)
