"""Benchmark of the "who do I contact?" answering: speed and accuracy, against plain BM25.

Run from the repository root:  .venv/bin/python bench/answering.py  (about 20-40 s)

Measures `ContactFinder` (dialogs/who.py) over the shipped registry (data/networks/) and over a
generated large one (500 groups in 50 networks, roles with generated duties), side by side with
a plain BM25 baseline (rank_bm25.BM25Okapi per network over the same role texts: titles, duties
and synonyms in both languages, lowercase word tokens; the top role if its score clears a
threshold, else abstain). Prints index build times, answers per second, p50/p99 latency, and
both methods' accuracy on bench/questions.yaml. See bench/README.md for how to read it.
"""

from __future__ import annotations

import random
import re
import statistics
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import yaml
from rank_bm25 import BM25Okapi

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from dialogs.who import ContactFinder  # noqa: E402
from storage.registry import (  # noqa: E402
    Assignment,
    Group,
    Localized,
    Network,
    Person,
    Role,
    RoleRegistry,
)
from storage.registry_files import load_directory  # noqa: E402

TODAY = date(2026, 3, 2)
LARGE_NETWORKS, GROUPS_PER_NETWORK = 50, 10
LATENCY_SAMPLES = 2000  # timed calls per method and registry
_TOKEN = re.compile(r"\w+")


# -- the BM25 baseline ----------------------------------------------------------------------


def _tokens(text: str) -> list[str]:
    return _TOKEN.findall(text.lower())


class Bm25Baseline:
    """BM25Okapi per network over each role's titles, duties and synonyms (both languages)."""

    def __init__(self, registry: RoleRegistry, threshold: float = 0.0):
        self.threshold = threshold
        self._indexes: dict[str, tuple[BM25Okapi, list[str]]] = {}
        for network in registry.networks:
            documents, keys = [], []
            for role in network.roles:
                texts = [role.title.sv, role.title.en, *role.duties.sv, *role.duties.en]
                texts += [*role.synonyms.sv, *role.synonyms.en]
                documents.append(_tokens(" ".join(texts)))
                keys.append(role.key)
            self._indexes[network.key] = (BM25Okapi(documents), keys)

    def scores(self, question: str, network_key: str) -> list[tuple[float, str]]:
        index, keys = self._indexes[network_key]
        scores = index.get_scores(_tokens(question))
        return sorted(zip(scores, keys, strict=True), key=lambda item: -item[0])

    def top(self, question: str, network_key: str) -> str | None:
        best_score, best_key = self.scores(question, network_key)[0]
        return best_key if best_score > self.threshold else None


# -- the generated large registry ------------------------------------------------------------


def _pairs(text: str) -> list[tuple[str, str]]:
    """ "sv = en; sv = en" lines as (sv, en) pairs."""
    pairs = [p.split(" = ") for p in text.replace("\n", ";").split(";") if p.strip()]
    return [(sv.strip(), en.strip()) for sv, en in pairs]


# Swedish and English nouns and verbs to generate duties from (pairs, so both languages exist).
_NOUNS = _pairs("""
budget = budget; protokoll = minutes; lokal = venue; kallelse = notice; hemsida = website
nyhetsbrev = newsletter; medlemsregister = member register; avtal = contract; faktura = invoice
rapport = report; enkät = survey; utbildning = training; konferens = conference
studiebesök = study visit; handlingsplan = action plan; verksamhetsplan = business plan
årshjul = annual wheel; statistik = statistics; nyckeltal = key figures
upphandling = procurement; arkiv = archive; dokumentation = documentation
presentation = presentation; webbinarium = webinar; remiss = consultation
yttrande = statement; ansökan = application; bidrag = grant; projektplan = project plan
tidplan = timetable; riskanalys = risk analysis; uppföljning = follow-up
utvärdering = evaluation; kommunikationsplan = communication plan
pressmeddelande = press release; sociala medier = social media; intranät = intranet
behörighet = access rights; licens = licence; lagring = storage; säkerhet = security
dataskydd = data protection; rekrytering = recruitment; introduktion = onboarding
mentorskap = mentoring; nätverksträff = network meeting; workshop = workshop
seminarium = seminar; resa = travel; boende = accommodation; catering = catering
specialkost = special diets; inköp = purchasing; lager = stock; transport = transport
städning = cleaning; leverantör = supplier; kvalitet = quality; mätning = measurement
benchmarking = benchmarking
""")
_VERBS = _pairs("""
ansvarar för = is responsible for; bokar = books; skriver = writes; uppdaterar = updates
sammanställer = compiles; planerar = plans; beslutar om = decides on; följer upp = follows up
granskar = reviews; samordnar = coordinates; publicerar = publishes; arkiverar = archives
beställer = orders; godkänner = approves; förbereder = prepares
""")
_TITLE_NOUNS = _pairs("""
Ekonomi = Finance; Kommunikations = Communications; Mötes = Meeting; Medlems = Membership
Utbildnings = Training; IT- = IT; Kvalitets = Quality; Inköps = Purchasing; Rese = Travel
Dokument = Records; Projekt = Project; Säkerhets = Security
""")


def large_registry(seed: int = 7) -> tuple[RoleRegistry, list[tuple[str, str | None, str, str]]]:
    """A registry of LARGE_NETWORKS networks x GROUPS_PER_NETWORK groups, and questions over it.

    Each network has eight roles (five per group, three for the network) with three generated
    duties each and one holder per role and group. Questions ask for one duty of a random role
    ("vem bokar lokal?"); returned as (network, group, question, expected role).
    """
    rng = random.Random(seed)
    networks, questions = [], []
    for n in range(LARGE_NETWORKS):
        groups = tuple(
            Group(f"grupp{g}", Localized(f"Grupp {n}-{g}", f"Group {n}-{g}"))
            for g in range(GROUPS_PER_NETWORK)
        )
        roles, assignments = [], []
        for r, (sv_head, en_head) in enumerate(rng.sample(_TITLE_NOUNS, 8)):
            duties_sv, duties_en, asked = [], [], []
            for verb, noun in zip(rng.sample(_VERBS, 3), rng.sample(_NOUNS, 3), strict=True):
                duties_sv.append(f"{verb[0].capitalize()} {noun[0]} för nätverket.")
                duties_en.append(f"{verb[1].capitalize()} the network's {noun[1]}.")
                asked.append((f"vem {verb[0]} {noun[0]}?", f"who {verb[1]} the {noun[1]}?"))
            scope = "group" if r < 5 else "network"
            role = Role(
                key=f"roll{r}",
                scope=scope,
                title=Localized(f"{sv_head}ansvarig", f"{en_head} officer"),
                duties=Localized(tuple(duties_sv), tuple(duties_en)),
            )
            roles.append(role)
            for group in groups if scope == "group" else (None,):
                person = Person(f"Person {n}-{r}-{group.key if group else 'n'}", "p@example.org")
                assignments.append(Assignment(role.key, person, group.key if group else None))
            sv_question, en_question = rng.choice(asked)
            group_key = rng.choice(groups).key
            questions.append((f"net{n}", group_key, sv_question, role.key))
            questions.append((f"net{n}", group_key, en_question, role.key))
        networks.append(
            Network(
                key=f"net{n}",
                name=Localized(f"Nätverk {n}", f"Network {n}"),
                groups=groups,
                roles=tuple(roles),
                assignments=tuple(assignments),
            )
        )
    return RoleRegistry(tuple(networks)), questions


# -- measuring -------------------------------------------------------------------------------


@dataclass
class Timing:
    per_second: float
    p50_ms: float
    p99_ms: float


def timed(call: Callable[[tuple], object], inputs: list[tuple]) -> Timing:
    samples = []
    for i in range(LATENCY_SAMPLES):
        args = inputs[i % len(inputs)]
        start = time.perf_counter()
        call(args)
        samples.append(time.perf_counter() - start)
    samples.sort()
    return Timing(
        per_second=len(samples) / sum(samples),
        p50_ms=statistics.median(samples) * 1000,
        p99_ms=samples[int(len(samples) * 0.99)] * 1000,
    )


def built(make: Callable[[], object]) -> tuple[object, float]:
    start = time.perf_counter()
    made = make()
    return made, (time.perf_counter() - start) * 1000


@dataclass
class Accuracy:
    role: float  # questions with a role: the top role is acceptable
    abstention: float  # off-topic questions: no role
    overall: float
    held_out: float  # the questions not used to tune the finder


def accuracy(top: Callable[[dict], str | None], questions: list[dict]) -> Accuracy:
    def right(q: dict) -> bool:
        found = top(q)
        return found is None if not q["expect"] else found in q["expect"]

    def share(subset: list[dict]) -> float:
        return sum(right(q) for q in subset) / len(subset) if subset else float("nan")

    return Accuracy(
        role=share([q for q in questions if q["expect"]]),
        abstention=share([q for q in questions if not q["expect"]]),
        overall=share(questions),
        held_out=share([q for q in questions if q.get("holdout")]),
    )


def finder_top(finder: ContactFinder) -> Callable[[dict], str | None]:
    def top(q: dict) -> str | None:
        search = finder.find(q["question"], network_key=q["network"], group_key=q.get("group"))
        return search.matches[0].role_key if search.matches else None

    return top


def best_bm25_threshold(baseline: Bm25Baseline, questions: list[dict]) -> float:
    """The abstention threshold that suits BM25 best on the question set (in its favour)."""
    best = (-1.0, 0.0)
    for threshold in [t / 4 for t in range(0, 41)]:
        baseline.threshold = threshold
        score = accuracy(lambda q: baseline.top(q["question"], q["network"]), questions).overall
        best = max(best, (score, threshold))
    return best[1]


def main() -> None:
    began = time.perf_counter()
    questions = yaml.safe_load((ROOT / "bench" / "questions.yaml").read_text(encoding="utf-8"))[
        "questions"
    ]
    default = load_directory(ROOT / "data" / "networks")
    large, large_questions = large_registry()

    rows = []
    for label, registry, asked in [
        (
            f"default ({len(default.networks)} networks)",
            default,
            [(q["network"], q.get("group"), q["question"]) for q in questions],
        ),
        (
            f"large ({LARGE_NETWORKS} networks, {LARGE_NETWORKS * GROUPS_PER_NETWORK} groups)",
            large,
            [(n, g, q) for n, g, q, _ in large_questions],
        ),
    ]:
        finder, finder_ms = built(lambda registry=registry: ContactFinder(registry))
        baseline, baseline_ms = built(lambda registry=registry: Bm25Baseline(registry))
        find = timed(lambda a, f=finder: f.find(a[2], network_key=a[0], group_key=a[1]), asked)
        answer = timed(
            lambda a, f=finder: f.answer(a[2], network_key=a[0], group_key=a[1], today=TODAY),
            asked,
        )
        bm25 = timed(lambda a, b=baseline: b.top(a[2], a[0]), asked)
        rows.append((label, "ContactFinder.find", finder_ms, find))
        rows.append((label, "ContactFinder.answer", None, answer))
        rows.append((label, "BM25 baseline", baseline_ms, bm25))
        if registry is large:
            large_accuracy = sum(
                finder_top(finder)({"question": q, "network": n, "group": g}) == expected
                for n, g, q, expected in large_questions
            ) / len(large_questions)

    print(f"Speed ({LATENCY_SAMPLES} timed calls each, one process, one core)")
    print(
        f"{'registry':<32} {'method':<21} {'build ms':>9} {'per s':>8} {'p50 ms':>8} {'p99 ms':>8}"
    )
    for label, method, build_ms, timing in rows:
        build = f"{build_ms:9.1f}" if build_ms is not None else f"{'':>9}"
        print(
            f"{label:<32} {method:<21} {build} {timing.per_second:8.0f} "
            f"{timing.p50_ms:8.3f} {timing.p99_ms:8.3f}"
        )

    finder = ContactFinder(default)
    baseline = Bm25Baseline(default)
    baseline.threshold = best_bm25_threshold(baseline, questions)
    results = [
        ("ContactFinder", accuracy(finder_top(finder), questions)),
        (
            f"BM25 (threshold {baseline.threshold:g})",
            accuracy(lambda q: baseline.top(q["question"], q["network"]), questions),
        ),
    ]
    with_role = sum(1 for q in questions if q["expect"])
    held_out = sum(1 for q in questions if q.get("holdout"))
    print()
    print(
        f"Accuracy on bench/questions.yaml: {len(questions)} questions, {with_role} with a role, "
        f"{len(questions) - with_role} off-topic, {held_out} held out"
    )
    print(f"{'method':<24} {'top-1 role':>10} {'abstention':>10} {'overall':>8} {'held out':>9}")
    for method, result in results:
        print(
            f"{method:<24} {result.role:10.1%} {result.abstention:10.1%} "
            f"{result.overall:8.1%} {result.held_out:9.1%}"
        )
    print(
        f"\nGenerated questions on the large registry, top-1 role: {large_accuracy:.1%} "
        f"({len(large_questions)} questions; each asks for one generated duty)"
    )
    print(f"Total run time: {time.perf_counter() - began:.1f} s")


if __name__ == "__main__":
    main()
