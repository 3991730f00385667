"""Benchmark of the "who do I contact?" answering: speed, reply size and accuracy, beside BM25.

Run from the repository root:  .venv/bin/python bench/answering.py [--questions PATH]

Speed: `ContactFinder` (dialogs/who.py) over the shipped registry (4 groups) and over generated
ones of 500 groups (50 networks x 10) and 2,000 groups (one network), side by side with a plain
BM25 baseline (rank_bm25.BM25Okapi per network over the same role texts: titles, duties and
synonyms in both languages, lowercase word tokens; the top role if its score clears a
threshold, else abstain); and the largest reply each registry gives.

Accuracy on a labelled set (default bench/questions.yaml): the whole bot as `app.py ask --json`
runs it (with the shipped example questions, data/examples, less every question of the set
measured, so that a set the examples were drawn from is still measured as unseen; `--examples`
changes that) (the message classifier, the commands, the finder; on a fresh database), the finder
alone, and BM25, each overall, per `category`, network and `lang`, with the number of messages
that must get no role but got one; and, where items carry `intent`, the classifier's accuracy.
See bench/README.md for how to read it.
"""

from __future__ import annotations

import argparse
import asyncio
import dataclasses
import json
import logging
import random
import re
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import yaml
from rank_bm25 import BM25Okapi

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from app import open_services  # noqa: E402
from bot.settings import Settings  # noqa: E402
from domain.registry import (  # noqa: E402
    Assignment,
    Group,
    Localized,
    Network,
    Person,
    Role,
    RoleRegistry,
)
from domain.turns import Turn  # noqa: E402
from services.intents import QUESTION, SmallTalk, classify  # noqa: E402
from services.who import ContactFinder  # noqa: E402
from domain.examples import ExampleQuestion  # noqa: E402
from storage.registry_files import load_directory, load_examples  # noqa: E402
from views import cards  # noqa: E402

TODAY = date(2026, 3, 2)
LARGE_NETWORKS, GROUPS_PER_NETWORK = 50, 10
LATENCY_SAMPLES = 2000  # timed calls per method and registry
TIME_BUDGET_S = 10.0  # but no more than about this long per method and registry
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


def large_registry(
    networks_count: int = LARGE_NETWORKS,
    groups_per_network: int = GROUPS_PER_NETWORK,
    seed: int = 7,
) -> tuple[RoleRegistry, list[tuple[str, str | None, str, str]]]:
    """A registry of `networks_count` x `groups_per_network` groups, and questions over it.

    Each network has eight roles (five per group, three for the network) with three generated
    duties each and one holder per role and group. Questions ask for one duty of a random role
    ("vem bokar lokal?"); returned as (network, group, question, expected role).
    """
    rng = random.Random(seed)
    networks, questions = [], []
    for n in range(networks_count):
        groups = tuple(
            Group(f"grupp{g}", Localized(f"Grupp {n}-{g}", f"Group {n}-{g}"))
            for g in range(groups_per_network)
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


# -- measuring speed -------------------------------------------------------------------------


@dataclass
class Timing:
    calls: int
    per_second: float
    p50_ms: float
    p99_ms: float
    # The same call's CPU time (this thread's): what other processes on a busy machine do
    # not add to, unlike the wall-clock figures.
    p99_cpu_ms: float


def timed(call: Callable[[tuple], object], inputs: list[tuple]) -> Timing:
    """Time up to LATENCY_SAMPLES calls cycling through `inputs` (at most TIME_BUDGET_S)."""
    samples, cpu = [], []
    budget_end = time.perf_counter() + TIME_BUDGET_S
    for i in range(LATENCY_SAMPLES):
        args = inputs[i % len(inputs)]
        start, start_cpu = time.perf_counter(), time.thread_time()
        call(args)
        cpu.append(time.thread_time() - start_cpu)
        samples.append(time.perf_counter() - start)
        if start > budget_end and i >= len(inputs):
            break
    samples.sort()
    cpu.sort()
    p99 = min(len(samples) - 1, int(len(samples) * 0.99))
    return Timing(
        calls=len(samples),
        per_second=len(samples) / sum(samples),
        p50_ms=statistics.median(samples) * 1000,
        p99_ms=samples[p99] * 1000,
        p99_cpu_ms=cpu[p99] * 1000,
    )


def built(make: Callable[[], object]) -> tuple[object, float]:
    start = time.perf_counter()
    made = make()
    return made, (time.perf_counter() - start) * 1000


def reply_bytes(reply) -> int:
    """What a reply weighs on the wire: its text and, if it gets one, its card (UTF-8 JSON)."""
    size = len(reply.text.encode("utf-8"))
    people = (reply.contact.holders + reply.contact.deputies) if reply.contact else ()
    contacts = [(a.person.name, a.person.email) for a in people]
    if reply.suggestions or any(email for _, email in contacts):
        card = cards.contact_card(
            language=reply.language, text=reply.text, contacts=contacts,
            suggestions=reply.suggestions,
        )
        size += len(json.dumps(card, ensure_ascii=False).encode("utf-8"))
    return size


def speed(questions: list[dict]) -> None:
    """Latency and reply size at 4 groups (the shipped networks, with the shipped example
    questions), 500 and 2,000 groups (generated, without examples)."""
    default = load_directory(ROOT / "data" / "networks")
    registries = [
        (
            f"shipped ({sum(len(n.groups) for n in default.networks)} groups)",
            default,
            [(q["network"], q.get("group"), q["question"]) for q in questions],
            None,
            load_examples(ROOT / "data" / "examples"),
        )
    ]
    for networks_count, groups in [(LARGE_NETWORKS, GROUPS_PER_NETWORK), (1, 2000)]:
        registry, generated = large_registry(networks_count, groups)
        # Asked with the group and without one: a group role asked network-wide is the
        # answer that grows with the number of groups.
        asked = [(n, g, q) for n, g, q, _ in generated] + [(n, None, q) for n, _, q, _ in generated]
        label = f"{networks_count} x {groups} ({networks_count * groups} groups)"
        registries.append((label, registry, asked, generated, ()))

    rows, sizes, generated_accuracy = [], [], []
    for label, registry, asked, generated, examples in registries:
        finder, finder_ms = built(
            lambda registry=registry, examples=examples: ContactFinder(registry, examples)
        )
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
        largest = max(
            reply_bytes(finder.answer(q, network_key=n, group_key=g, today=TODAY))
            for n, g, q in asked
        )
        sizes.append((label, largest))
        if generated is not None:
            top = finder_top(finder)
            generated_accuracy.append((label, sum(
                top({"question": q, "network": n, "group": g}) == expected
                for n, g, q, expected in generated
            ) / len(generated), len(generated)))

    print(f"Speed (up to {LATENCY_SAMPLES} timed calls each, one process; load {_load()})")
    print(
        f"{'registry':<28} {'method':<21} {'build ms':>9} {'calls':>6} {'per s':>8} "
        f"{'p50 ms':>8} {'p99 ms':>8} {'p99 cpu':>8}"
    )
    for label, method, build_ms, timing in rows:
        build = f"{build_ms:9.1f}" if build_ms is not None else f"{'':>9}"
        print(
            f"{label:<28} {method:<21} {build} {timing.calls:6d} {timing.per_second:8.0f} "
            f"{timing.p50_ms:8.3f} {timing.p99_ms:8.3f} {timing.p99_cpu_ms:8.3f}"
        )
    print("\nLargest reply (text + card, UTF-8 bytes; Teams' limit is about 28 KB):")
    for label, largest in sizes:
        print(f"  {label:<28} {largest:8d}")
    for label, share, count in generated_accuracy:
        print(f"Generated questions, {label}: top-1 role {share:.1%} ({count} questions)")


# -- measuring accuracy ----------------------------------------------------------------------

# What the question sets call the kinds of message, read as the four the bot tells apart.
_INTENT_ALIASES = {
    "who": {"who", "who-question", "who_question", "question", "situation", "role", "contact"},
    "command": {"command", "cmd", "help"},
    "smalltalk": {"smalltalk", "small talk", "small-talk", "small_talk", "greeting", "thanks",
                  "chitchat", "chat"},
    "unsupported": {"unsupported", "other", "off-topic", "offtopic", "off_topic", "refuse",
                    "cannot", "not supported", "not-supported", "out-of-scope", "none"},
}


def expected_intent(label: object) -> str:
    text = str(label).strip().lower()
    for intent, aliases in _INTENT_ALIASES.items():
        if text in aliases or text.startswith(intent):
            return intent
    if text.startswith("command") or text in _COMMAND_NAMES:
        return "command"
    return text


_COMMAND_NAMES = {"agenda", "add_item", "agenda.add_item", "meetings", "wheel", "minutes",
                  "roles", "channels", "posts", "audit"}


def predicted_intent(classified) -> str:
    """The kind of message the bot's classifier made of it, as one of the four intents."""
    intent = getattr(classified, "intent", None)
    if intent is not None:
        return str(getattr(intent, "value", intent))
    kind = classified.kind
    if kind == QUESTION:
        return "who"
    if kind is SmallTalk.HELP or isinstance(kind, str):
        return "command"
    return "smalltalk"


@dataclass
class Outcome:
    """One method's answer to one labelled message."""

    top: str | None
    right: bool
    language_right: bool | None = None  # None: not known for this method or not labelled
    intent: str | None = None
    replies: str = ""  # every reply as JSON: what --replies writes, to compare two versions


def _right(q: dict, top: str | None) -> bool:
    return top is None if not q["expect"] else top in q["expect"]


class Bot:
    """The whole bot as `app.py ask --json` runs it: classification, commands, the finder."""

    def __init__(self, services):
        self.services = services

    async def _classify(self, text: str):
        conversation = self.services.conversation
        if hasattr(conversation, "classify"):
            _, finder = await self.services.snapshots.current()
            return conversation.classify(text, finder)
        return classify(text, conversation._command_phrases)  # before the classifier existed

    async def outcome(self, q: dict) -> Outcome:
        turn = Turn(text=q["question"], network_key=q["network"], group_key=q.get("group"))
        replies = await self.services.conversation.respond(turn)
        reply = replies[0]
        roles = list(reply.contact.roles) if reply.contact else []
        top = roles[0] if roles else None
        return Outcome(
            top=top,
            right=_right(q, top),
            language_right=reply.language == q["lang"] if q.get("lang") in ("sv", "en") else None,
            intent=predicted_intent(await self._classify(q["question"])),
            replies=json.dumps(
                [dataclasses.asdict(r) for r in replies], ensure_ascii=False, sort_keys=True,
                default=str,
            ),
        )


def _load() -> str:
    try:
        return Path("/proc/loadavg").read_text().split()[0]
    except OSError:
        return "?"


def _share(outcomes: list[Outcome]) -> str:
    if not outcomes:
        return "-"
    right = sum(o.right for o in outcomes)
    return f"{right / len(outcomes):6.1%} {right:>3}/{len(outcomes):<3}"


def _breakdown(title: str, key: Callable[[dict], str], questions: list[dict],
               results: list[tuple[str, list[Outcome]]]) -> None:
    values = sorted({key(q) for q in questions})
    print(f"\nBy {title}:")
    print(f"  {title:<22}" + "".join(f" {method:>22}" for method, _ in results))
    for value in values:
        cells = []
        for _, outcomes in results:
            chosen = [o for q, o in zip(questions, outcomes, strict=True) if key(q) == value]
            cells.append(f" {_share(chosen):>22}")
        print(f"  {value:<22}" + "".join(cells))


def examples_for(questions: list[dict], which: str) -> tuple[ExampleQuestion, ...]:
    """The example questions the bot answers with: none, all shipped, or all shipped but
    the measured set's own questions ("held-out", the default)."""
    if which == "none":
        return ()
    shipped = load_examples(ROOT / "data" / "examples")
    if which == "shipped":
        return shipped
    measured = {(q["network"], q["question"].strip()) for q in questions}
    return tuple(e for e in shipped if (e.network_key, e.text) not in measured)


def _write_examples(examples: tuple[ExampleQuestion, ...], folder: Path) -> None:
    """`examples` as example files in `folder`, one per network, for the bot to load."""
    by_network: dict[str, list[dict]] = {}
    for example in examples:
        by_network.setdefault(example.network_key, []).append(
            {"question": example.text, "roles": list(example.role_keys)}
        )
    for network_key, items in by_network.items():
        (folder / f"{network_key}.yaml").write_text(
            yaml.safe_dump({"network": network_key, "examples": items}, allow_unicode=True),
            encoding="utf-8",
        )


def accuracy_report(
    path: Path,
    questions: list[dict],
    bot_outcomes: list[Outcome],
    examples: tuple[ExampleQuestion, ...],
) -> None:
    default = load_directory(ROOT / "data" / "networks")
    finder = ContactFinder(default, examples)
    finder_outcomes = [Outcome(top, _right(q, top)) for q in questions
                       for top in [finder_top(finder)(q)]]
    baseline = Bm25Baseline(default)
    baseline.threshold = best_bm25_threshold(baseline, questions)
    bm25_outcomes = [Outcome(top, _right(q, top)) for q in questions
                     for top in [baseline.top(q["question"], q["network"])]]
    results = [
        ("bot (ask --json)", bot_outcomes),
        ("ContactFinder alone", finder_outcomes),
        (f"BM25 (threshold {baseline.threshold:g})", bm25_outcomes),
    ]
    with_role = [i for i, q in enumerate(questions) if q["expect"]]
    no_role = [i for i, q in enumerate(questions) if not q["expect"]]
    print(
        f"\nAccuracy on {path}: {len(questions)} messages, {len(with_role)} with a role, "
        f"{len(no_role)} that must get none (load {_load()}); answered with "
        f"{len(examples)} example questions"
    )
    print(
        f"{'method':<26} {'overall':>14} {'top-1 role':>14} {'no role':>14} "
        f"{'off-topic given a role':>23}"
    )
    for method, outcomes in results:
        given = sum(1 for i in no_role if outcomes[i].top is not None)
        print(
            f"{method:<26} {_share(outcomes):>14} {_share([outcomes[i] for i in with_role]):>14} "
            f"{_share([outcomes[i] for i in no_role]):>14} {given:>23}"
        )
    _breakdown("category", lambda q: str(q.get("category", "(none)")), questions, results)
    _breakdown("network", lambda q: str(q["network"]), questions, results)
    _breakdown("lang", lambda q: str(q.get("lang", "(none)")), questions, results)
    held_out = [i for i, q in enumerate(questions) if q.get("holdout")]
    if held_out:
        print("\nMarked holdout: " + "  ".join(
            f"{method} {_share([outcomes[i] for i in held_out])}" for method, outcomes in results
        ))

    judged = [o for o in bot_outcomes if o.language_right is not None]
    if judged:
        right = sum(o.language_right for o in judged)
        share = right / len(judged)
        print(f"\nReply language as labelled (bot): {share:.1%} ({right}/{len(judged)})")

    labelled = [(q, o) for q, o in zip(questions, bot_outcomes, strict=True) if "intent" in q]
    if labelled:
        right = sum(expected_intent(q["intent"]) == o.intent for q, o in labelled)
        share = right / len(labelled)
        print(f"\nMessage classifier (bot): {share:.1%} right ({right}/{len(labelled)})")
        confusion: dict[tuple[str, str], int] = {}
        for q, o in labelled:
            pair = (expected_intent(q["intent"]), o.intent or "?")
            confusion[pair] = confusion.get(pair, 0) + 1
        for (expected, got), count in sorted(confusion.items()):
            mark = "" if expected == got else "   <- wrong"
            print(f"  labelled {expected:<12} classified {got:<12} {count:4d}{mark}")

    wrong = [(q, o) for q, o in zip(questions, bot_outcomes, strict=True) if not o.right]
    if wrong:
        print(f"\nWrong answers of the bot ({len(wrong)}):")
        for q, o in wrong:
            where = q["network"] + (f"/{q['group']}" if q.get("group") else "")
            print(f"  [{q.get('category', '-')}] {where}: {q['question']!r} -> {o.top} "
                  f"(expected {q['expect'] or 'no role'})")


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
        score = sum(
            _right(q, baseline.top(q["question"], q["network"])) for q in questions
        ) / len(questions)
        best = max(best, (score, threshold))
    return best[1]


async def bot_outcomes(
    questions: list[dict], examples: tuple[ExampleQuestion, ...] = ()
) -> list[Outcome]:
    """Every message asked of the whole bot, on a fresh database seeded from data/networks,
    answering with `examples`."""
    logging.getLogger().setLevel(logging.WARNING)
    with tempfile.TemporaryDirectory() as folder:
        examples_dir = Path(folder) / "examples"
        examples_dir.mkdir()
        _write_examples(examples, examples_dir)
        settings = Settings.from_mapping({
            "DATABASE_URL": f"sqlite+aiosqlite:///{folder}/bench.db",
            "DATA_DIR": folder,
            "EXAMPLES_DIR": str(examples_dir),
        })
        async with open_services(settings) as services:
            bot = Bot(services)
            return [await bot.outcome(q) for q in questions]


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--questions", type=Path, default=ROOT / "bench" / "questions.yaml",
        help="a labelled question set (default: bench/questions.yaml)",
    )
    parser.add_argument("--no-speed", action="store_true", help="accuracy only")
    parser.add_argument(
        "--examples", choices=("held-out", "shipped", "none"), default="held-out",
        help="the example questions to answer with: the shipped ones less the measured set's "
             "own (default), all shipped ones, or none",
    )
    parser.add_argument(
        "--replies", type=Path,
        help="write every message's replies as JSON lines here (compare two versions with cmp)",
    )
    args = parser.parse_args(argv)
    began = time.perf_counter()
    loaded = yaml.safe_load(args.questions.read_text(encoding="utf-8"))
    questions = loaded["questions"] if isinstance(loaded, dict) else loaded
    for q in questions:
        expect = q.get("expect") or []
        # One role may be written bare ("expect: sekreterare") or as a list of right ones.
        q["expect"] = [expect] if isinstance(expect, str) else list(expect)
    if not args.no_speed:
        speed(questions)
    examples = examples_for(questions, args.examples)
    outcomes = asyncio.run(bot_outcomes(questions, examples))
    accuracy_report(args.questions, questions, outcomes, examples)
    if args.replies:
        args.replies.write_text(
            "".join(f"{o.replies}\n" for o in outcomes), encoding="utf-8"
        )
    print(f"\nTotal run time: {time.perf_counter() - began:.1f} s")


if __name__ == "__main__":
    main()
