"""Benchmark of the Teams edge: turns per second, latency and memory, against a bare handler.

Run from the repository root:  .venv/bin/python bench/turns.py   (about a minute)

Four processes on loopback: a load generator (this one), the loopback Bot Connector
(`bot.local_connector.LocalConnector`), the bot (`app.serving_app`, as `app.py serve` runs
it, in local mode, on a fresh SQLite database unless --database-url names another) and a
bare aiohttp handler that does the same HTTP round trip with nothing else: parse the
activity, POST a reply to the connector with one shared ClientSession, answer 201. Both
servers run at once against the same connector and are timed in alternating rounds of
--round-turns (so load from outside the run falls on both alike); the ratio bot / bare is
the figure.

Two kinds of work are driven, each at --concurrency requests in flight:

- inbound: who-questions from bench/questions.yaml POSTed to /api/messages as Teams
  personal-chat messages over --conversations conversations; the bot answers each with
  its card;
- proactive: POST /bench/proactive {"conversation": id}, a route only these bench
  servers have; the bot posts a scheduled-post card into the stored conversation with
  `bot.proactive.ConnectorSender`, as the delivery worker does (the references are read
  once, before timing, so the figure is the edge's, not the outbox's), the bare handler
  POSTs the same card JSON to the connector.

With --pairs, each pair also prints how many cores processes outside the run kept busy
(the load average counts the run's own processes too); --echo makes the bot answer as the
bare handler does, to measure the edge alone. After every run the bot's resident memory
(VmRSS) is printed (--memory: also before and after the warm-up and after every round);
--turns 100000 gives the figure after 100,000 turns, --new-words N an open vocabulary (N
words no message had before in each), --graph the bot with Graph credentials, as deployed.
--profile FILE samples the bot's stack per millisecond of its CPU time and writes where it
goes. See bench/README.md for how to read the output.
"""

from __future__ import annotations

import argparse
import asyncio
import collections
import itertools
import json
import logging
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

import aiohttp
import yaml
from aiohttp import web

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

NETWORK = "bestservice"  # the default network: personal chats ask about it
TENANT_ID = "72f988bf-86f1-41af-91ab-2d7cd011db47"
BOT = {"id": "28:bench-bot", "name": "samverkan"}
PROACTIVE_CARD = {
    "type": "AdaptiveCard",
    "version": "1.5",
    "body": [
        {"type": "TextBlock", "text": "Påminnelse: dagordningen", "weight": "Bolder", "wrap": True},
        {"type": "TextBlock", "text": "Mötet är om en vecka. Skicka punkter till sekreteraren "
         "senast på fredag.", "wrap": True},
    ],
    "actions": [{"type": "Action.OpenUrl", "title": "Öppna", "url": "https://example.org/agenda"}],
}


# -- the load generator -----------------------------------------------------------------------


@dataclass(frozen=True)
class RunResult:
    """One timed run against one server."""

    target: str
    work: str
    turns: int
    seconds: float
    latencies_ms: list[float]
    failures: int
    rss_mb: float | None
    cpu_ms_per_turn: float  # the server process's CPU time (user + system) per timed turn

    @property
    def per_second(self) -> float:
        return self.turns / self.seconds

    def percentile(self, share: float) -> float:
        ordered = sorted(self.latencies_ms)
        return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def who_questions() -> list[str]:
    """The questions about the default network that name a role (off-topic ones left out)."""
    data = yaml.safe_load((ROOT / "bench" / "questions.yaml").read_text(encoding="utf-8"))
    return [q["question"] for q in data["questions"] if q["network"] == NETWORK and q["expect"]]


def message_template(conversation: int) -> dict[str, Any]:
    """A Teams personal-chat message, as Teams posts it; id and text are filled per turn."""
    user = {"id": f"29:bench-user-{conversation}", "name": f"Bench User {conversation}",
            "aadObjectId": f"00000000-0000-4000-8000-{conversation:012d}"}
    return {
        "type": "message",
        "id": "",
        "timestamp": "2025-11-24T09:15:00.123Z",
        "localTimestamp": "2025-11-24T10:15:00.123+01:00",
        "channelId": "msteams",
        "serviceUrl": "",
        "from": user,
        "recipient": BOT,
        "conversation": {"conversationType": "personal", "tenantId": TENANT_ID,
                         "id": f"a:bench-conversation-{conversation}"},
        "locale": "sv-SE",
        "text": "",
        "textFormat": "plain",
        "entities": [{"type": "clientInfo", "locale": "sv-SE", "country": "SE",
                      "platform": "Web", "timezone": "Europe/Stockholm"}],
        "channelData": {"tenant": {"id": TENANT_ID}},
    }


def made_up_word(n: int) -> str:
    """The `n`-th of 26**7 distinct seven-letter words, in an order no suffix repeats in."""
    n = n * 7919 % 26**7  # 7919 is prime, so this visits every word once
    letters = []
    for _ in range(7):
        n, letter = divmod(n, 26)
        letters.append("abcdefghijklmnopqrstuvwxyz"[letter])
    return "".join(letters)


class Load:
    """Builds request bodies: inbound messages or proactive triggers, cycling conversations."""

    def __init__(self, service_url: str, conversations: int, new_words: int = 0):
        self._service_url = service_url
        self._conversations = conversations
        self._questions = who_questions()
        self._ids = itertools.count(1_800_000_000_000)
        self._new_words = new_words
        self._words = itertools.count()

    def inbound(self, turn: int) -> bytes:
        activity = message_template(turn % self._conversations)
        activity["id"] = str(next(self._ids))
        activity["serviceUrl"] = self._service_url
        activity["text"] = self._questions[turn % len(self._questions)]
        if self._new_words:
            activity["text"] += " " + " ".join(
                made_up_word(next(self._words)) for _ in range(self._new_words)
            )
        return json.dumps(activity).encode()

    def proactive(self, turn: int) -> bytes:
        return json.dumps({"conversation": f"a:bench-conversation-{turn % self._conversations}"}
                          ).encode()


async def drive(
    url: str, bodies: Callable[[int], bytes], *, turns: int, concurrency: int
) -> tuple[float, list[float], int]:
    """POST `turns` requests, `concurrency` at a time.

    Returns the wall-clock seconds, each request's latency in ms and the number of
    requests that did not get 201.
    """
    latencies: list[float] = []
    failures = 0
    headers = {"Content-Type": "application/json"}
    connector = aiohttp.TCPConnector(limit=concurrency)
    async with aiohttp.ClientSession(connector=connector) as http:

        async def worker(counter: itertools.count) -> None:
            nonlocal failures
            for turn in counter:
                if turn >= turns:
                    return
                body = bodies(turn)
                started = time.perf_counter()
                async with http.post(url, data=body, headers=headers) as response:
                    await response.read()
                    failures += response.status != 201
                latencies.append((time.perf_counter() - started) * 1000)

        counter = itertools.count()
        began = time.perf_counter()
        await asyncio.gather(*(worker(counter) for _ in range(concurrency)))
        seconds = time.perf_counter() - began
    return seconds, latencies, failures


def cpu_seconds(pid: int) -> float:
    """User plus system CPU time a process has used so far (Linux /proc), 0 elsewhere."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def rss_mb(pid: int) -> float | None:
    """The resident memory of a process in MiB (Linux), or None where /proc is missing."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except OSError:
        return None
    return None


def machine_busy_seconds() -> float:
    """CPU seconds all CPUs of the machine have been busy since boot (Linux), 0 elsewhere."""
    try:
        fields = Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]
    except OSError:
        return 0.0
    # user nice system idle iowait irq softirq steal (guest time is counted in user already)
    busy = sum(int(value) for index, value in enumerate(fields[:8]) if index not in (3, 4))
    return busy / os.sysconf("SC_CLK_TCK")


class OthersMeter:
    """How many cores processes outside this run kept busy while it ran.

    The machine's busy CPU time (/proc/stat) less what this run's processes used (the load
    generator, the connector and the servers): on a quiet machine about 0. Unlike the load
    average, it leaves out the run's own processes, and it covers exactly the timed span.
    """

    def __init__(self, pids: list[int]):
        self._pids = pids
        self._began = (time.perf_counter(), machine_busy_seconds(), self._ours())

    def _ours(self) -> float:
        return sum(cpu_seconds(pid) for pid in self._pids)

    def cores(self) -> float:
        wall, busy, ours = self._began
        seconds = time.perf_counter() - wall
        others = (machine_busy_seconds() - busy) - (self._ours() - ours)
        return max(0.0, others / seconds) if seconds > 0 else 0.0


class Child:
    """A role of this script in its own process, announcing `READY <port>` on stdout."""

    def __init__(self, process: asyncio.subprocess.Process, port: int):
        self.process = process
        self.port = port

    @classmethod
    async def start(
        cls, role: str, *args: str, log: IO[bytes] | None = None, tree: Path = ROOT
    ) -> Child:
        """`role` of this script in `tree`'s copy of it (another checkout's, for --against)."""
        process = await asyncio.create_subprocess_exec(
            sys.executable, tree / "bench" / "turns.py", "--role", role, *args,
            stdin=asyncio.subprocess.PIPE, stdout=asyncio.subprocess.PIPE,
            stderr=log if log is not None else asyncio.subprocess.DEVNULL, cwd=tree,
        )
        line = await asyncio.wait_for(process.stdout.readline(), 120)
        if not line.startswith(b"READY "):
            raise RuntimeError(f"{role} did not start: {line!r}")
        return cls(process, int(line.split()[1]))

    async def ask(self, command: str) -> str:
        self.process.stdin.write(command.encode() + b"\n")
        await self.process.stdin.drain()
        return (await self.process.stdout.readline()).decode().strip()

    async def stop(self) -> None:
        self.process.stdin.close()
        await self.process.wait()


async def run_benchmark(args: argparse.Namespace, log: IO[bytes] | None) -> list[RunResult]:
    """Both servers run at once; each work is timed in alternating rounds on each.

    Eight engineers share this machine's two cores: load from outside comes and goes
    within seconds. Timing the servers in rounds of --round-turns, alternately (bare
    first in one round, the bot first in the next), exposes both to the same background,
    so the ratio holds even when the absolute figures do not.
    """
    connector = await Child.start("connector")
    service_url = f"http://127.0.0.1:{connector.port}/"
    load = Load(service_url, args.conversations, args.new_words)
    results = []
    with tempfile.TemporaryDirectory() as scratch:
        database_url = args.database_url or f"sqlite+aiosqlite:///{scratch}/bench.db"
        servers: dict[str, Child] = {}
        for target in (t for t in ("bare", "bot") if t in args.targets):
            options = ["--database-url", database_url, "--log-level", args.log_level]
            if args.echo and target == "bot":
                options.append("--echo")
            if args.graph and target == "bot":
                options.append("--graph")
            if args.profile and target == "bot":
                options += ["--profile", str(Path(args.profile).resolve())]
            role = "sdk" if args.sdk_sample and target == "bot" else target
            servers[target] = await Child.start(role, *options, log=log)
            if target == "bot" and args.against:
                # The same bot from another checkout, on a database of its own.
                options = ["--database-url", f"sqlite+aiosqlite:///{scratch}/against.db",
                           "--log-level", args.log_level]
                options += ["--echo"] * args.echo + ["--graph"] * args.graph
                servers["old"] = await Child.start(
                    "bot", *options, log=log, tree=Path(args.against).resolve()
                )
        for work in args.work:
            if args.pairs:
                results += await _measure_pairs(work, servers, connector, load, args)
            else:
                results += await _measure_work(work, servers, connector, load, args)
        for server in servers.values():
            await server.stop()
    await connector.stop()
    return results


async def _measure_work(
    work: str, servers: dict[str, Child], connector: Child, load: Load, args: argparse.Namespace
) -> list[RunResult]:
    bodies = load.inbound if work == "inbound" else load.proactive
    path = "/api/messages" if work == "inbound" else "/bench/proactive"
    urls = {target: f"http://127.0.0.1:{server.port}{path}" for target, server in servers.items()}
    seconds = dict.fromkeys(servers, 0.0)
    cpu = dict.fromkeys(servers, 0.0)
    failures = dict.fromkeys(servers, 0)
    latencies: dict[str, list[float]] = {target: [] for target in servers}
    errors_before = {}

    async def run(target: str, turns: int, timed: bool) -> None:
        server = servers[target]
        delivered_before = int(await connector.ask("count"))
        cpu_before = cpu_seconds(server.process.pid)
        took, waited, refused = await drive(urls[target], bodies, turns=turns,
                                            concurrency=args.concurrency)
        if timed:
            cpu[target] += cpu_seconds(server.process.pid) - cpu_before
            seconds[target] += took
            latencies[target] += waited
        delivered = int(await connector.ask("count")) - delivered_before
        failures[target] += refused + max(0, turns - delivered)

    for target, server in servers.items():
        base = f"http://127.0.0.1:{server.port}"
        if work == "proactive":
            # The stored references come from inbound turns: one per conversation.
            await drive(f"{base}/api/messages", load.inbound, turns=args.conversations,
                        concurrency=args.concurrency)
            await server.ask(f"references {args.conversations}")
        errors_before[target] = int(await server.ask("errors"))
        if args.memory:
            print_memory(work, target, server, "started")
        await run(target, args.warmup, timed=False)
        if args.memory:
            print_memory(work, target, server, "warm-up")
    done, round_number = 0, 0
    while done < args.turns:
        turns = min(args.round_turns, args.turns - done)
        order = list(servers) if round_number % 2 == 0 else list(reversed(servers))
        for target in order:
            await run(target, turns, timed=True)
        done += turns
        round_number += 1
        if args.memory:
            for target, server in servers.items():
                print_memory(work, target, server, f"{done} turns")
    results = []
    for target, server in servers.items():
        failures[target] += int(await server.ask("errors")) - errors_before[target]
        result = RunResult(target, work, args.turns, seconds[target], latencies[target],
                           failures[target], rss_mb(server.process.pid),
                           cpu[target] * 1000 / args.turns)
        results.append(result)
        print_result(result, flush=True)
    return results


async def _measure_pairs(
    work: str, servers: dict[str, Child], connector: Child, load: Load, args: argparse.Namespace
) -> list[RunResult]:
    """`--pairs` runs of `--turns` per server, back to back, the order alternating; each
    pair gives a ratio under (nearly) the same background, and the medians are printed."""
    bodies = load.inbound if work == "inbound" else load.proactive
    path = "/api/messages" if work == "inbound" else "/bench/proactive"
    urls = {target: f"http://127.0.0.1:{server.port}{path}" for target, server in servers.items()}
    for target, server in servers.items():
        base = f"http://127.0.0.1:{server.port}"
        if work == "proactive":
            await drive(f"{base}/api/messages", load.inbound, turns=args.conversations,
                        concurrency=args.concurrency)
            await server.ask(f"references {args.conversations}")
        await drive(urls[target], bodies, turns=args.warmup, concurrency=args.concurrency)

    async def run(target: str) -> RunResult:
        server = servers[target]
        errors_before = int(await server.ask("errors"))
        delivered_before = int(await connector.ask("count"))
        cpu_before = cpu_seconds(server.process.pid)
        took, waited, refused = await drive(urls[target], bodies, turns=args.turns,
                                            concurrency=args.concurrency)
        cpu = cpu_seconds(server.process.pid) - cpu_before
        delivered = int(await connector.ask("count")) - delivered_before
        failures = refused + max(0, args.turns - delivered)
        failures += int(await server.ask("errors")) - errors_before
        return RunResult(target, work, args.turns, took, waited, failures,
                         rss_mb(server.process.pid), cpu * 1000 / args.turns)

    pairs: list[dict[str, RunResult]] = []
    others: list[float] = []
    pids = [os.getpid(), connector.process.pid, *(s.process.pid for s in servers.values())]
    print(f"{'pair':<5} {'work':<9} {'bot/s':>7} {'bare/s':>7} {'ratio':>6} "
          f"{'bot p99':>8} {'bot CPU':>8} {'bare CPU':>8} {'CPU x':>6} {'load 1m':>8} "
          f"{'others':>7}")
    for number in range(args.pairs):
        order = ["bare", "bot"] if number % 2 == 0 else ["bot", "bare"]
        meter = OthersMeter(pids)
        pair = {target: await run(target) for target in order if target in servers}
        others.append(meter.cores())
        pairs.append(pair)
        if {"bot", "bare"} <= pair.keys():
            bot, bare = pair["bot"], pair["bare"]
            print(f"{number + 1:<5} {work:<9} {bot.per_second:>7.0f} {bare.per_second:>7.0f} "
                  f"{bot.per_second / bare.per_second:>6.2f} {bot.percentile(0.99):>8.1f} "
                  f"{bot.cpu_ms_per_turn:>8.3f} {bare.cpu_ms_per_turn:>8.3f} "
                  f"{bot.cpu_ms_per_turn / bare.cpu_ms_per_turn:>6.2f} "
                  f"{os.getloadavg()[0]:>8.2f} {others[-1]:>7.2f}", flush=True)
    complete = [p for p in pairs if {"bot", "bare"} <= p.keys()]
    if complete:
        ratios = [p["bot"].per_second / p["bare"].per_second for p in complete]
        cpu_x = [p["bot"].cpu_ms_per_turn / p["bare"].cpu_ms_per_turn for p in complete]
        print(f"median of {len(complete)} pairs, {work}: ratio {statistics.median(ratios):.2f}, "
              f"bot p99 {statistics.median(p['bot'].percentile(0.99) for p in complete):.1f} ms, "
              f"bot CPU {statistics.median(p['bot'].cpu_ms_per_turn for p in complete):.3f} ms "
              f"against bare {statistics.median(p['bare'].cpu_ms_per_turn for p in complete):.3f}"
              f" ms per turn ({statistics.median(cpu_x):.2f} x); bot RSS "
              f"{complete[-1]['bot'].rss_mb or 0:.0f} MiB; failures "
              f"{sum(r.failures for p in pairs for r in p.values())}; load {_load_average()}; "
              f"others kept {statistics.median(others):.2f} cores busy (median)", flush=True)
    # One result per server over all pairs, for the summary and the exit status.
    results = []
    for target in servers:
        runs = [p[target] for p in pairs if target in p]
        results.append(RunResult(
            target, work, sum(r.turns for r in runs), sum(r.seconds for r in runs),
            [ms for r in runs for ms in r.latencies_ms], sum(r.failures for r in runs),
            runs[-1].rss_mb, statistics.median(r.cpu_ms_per_turn for r in runs),
        ))  # fmt: skip
    return results


def print_memory(work: str, target: str, server: Child, when: str) -> None:
    """One line of --memory: the server's resident memory now, and the machine's load."""
    rss = rss_mb(server.process.pid)
    print(f"memory {target:<5} {work:<9} {when:>14}: RSS {rss or 0:7.1f} MiB, "
          f"{time.strftime('%H:%M:%S')}, load {_load_average()}", flush=True)


def print_result(result: RunResult, *, flush: bool = False) -> None:
    rss = f"{result.rss_mb:8.1f}" if result.rss_mb is not None else "       ?"
    print(
        f"{result.target:<5} {result.work:<9} {result.turns:>8} {result.per_second:>9.0f} "
        f"{result.percentile(0.50):>8.1f} {result.percentile(0.99):>8.1f} "
        f"{result.cpu_ms_per_turn:>8.3f} {rss} {result.failures:>8}",
        flush=flush,
    )


def print_summary(results: list[RunResult], args: argparse.Namespace) -> None:
    print()
    print(f"{'work':<9} {'bot/bare turns/s':>17} {'bot p99 ms':>11} {'CPU bot/bare':>13} "
          f"{'targets (>= 0.5, < 20 ms, <= 2 x)':>35}")
    for work in args.work:
        by_target = {r.target: r for r in results if r.work == work}
        if {"bot", "bare"} <= by_target.keys():
            bot, bare = by_target["bot"], by_target["bare"]
            ratio = bot.per_second / bare.per_second
            p99 = bot.percentile(0.99)
            cpu = bot.cpu_ms_per_turn / bare.cpu_ms_per_turn
            met = "met" if ratio >= 0.5 and p99 < 20 and cpu <= 2 else "NOT met"
            print(f"{work:<9} {ratio:>17.2f} {p99:>11.1f} {cpu:>13.2f} {met:>35}")
        if {"bot", "old"} <= by_target.keys():
            cpu = by_target["bot"].cpu_ms_per_turn / by_target["old"].cpu_ms_per_turn
            print(f"{work:<9} CPU per turn, this code / --against's: {cpu:.3f}")


# -- the servers ------------------------------------------------------------------------------


async def serve(app: web.Application, on_command: Callable[[str], Awaitable[str]]) -> None:
    """Serve `app` on an ephemeral loopback port and answer commands on stdin until EOF."""
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    print(f"READY {runner.addresses[0][1]}", flush=True)
    loop = asyncio.get_running_loop()
    while line := await loop.run_in_executor(None, sys.stdin.readline):
        print(await on_command(line.strip()), flush=True)
    await runner.cleanup()


async def connector_role(args: argparse.Namespace) -> None:
    """The loopback connector, forgetting what it recorded so a long run stays small."""
    from bot.local_connector import LocalConnector

    connector = LocalConnector()
    await connector.start()
    delivered = 0

    async def forget() -> None:
        nonlocal delivered
        while True:
            await asyncio.sleep(0.5)
            delivered += len(connector.activities)
            connector.activities.clear()
            connector.requests.clear()

    forgetting = asyncio.create_task(forget())

    async def on_command(command: str) -> str:
        return str(delivered + len(connector.activities))

    print(f"READY {connector.service_url.rsplit(':', 1)[1].strip('/')}", flush=True)
    loop = asyncio.get_running_loop()
    while line := await loop.run_in_executor(None, sys.stdin.readline):
        print(await on_command(line.strip()), flush=True)
    forgetting.cancel()
    await connector.close()


def proactive_activity() -> dict[str, Any]:
    return {
        "type": "message",
        "summary": "Påminnelse: dagordningen",
        "attachments": [{"contentType": "application/vnd.microsoft.card.adaptive",
                         "content": PROACTIVE_CARD}],
    }


async def bare_role(args: argparse.Namespace) -> None:
    """The baseline: parse, POST a reply with one shared ClientSession, answer 201."""
    http = aiohttp.ClientSession()
    references: dict[str, dict[str, Any]] = {}

    async def post_activity(service_url: str, conversation_id: str, activity: dict) -> None:
        url = f"{service_url.rstrip('/')}/v3/conversations/{conversation_id}/activities"
        async with http.post(url, json=activity) as response:
            await response.read()
            response.raise_for_status()

    async def messages(request: web.Request) -> web.Response:
        incoming = await request.json()
        conversation = incoming["conversation"]
        references[conversation["id"]] = incoming
        reply = {
            "type": "message",
            "from": incoming["recipient"],
            "recipient": incoming["from"],
            "conversation": conversation,
            "replyToId": incoming["id"],
            "text": f"Du frågade: {incoming.get('text', '')}",
        }
        await post_activity(incoming["serviceUrl"], conversation["id"], reply)
        return web.Response(status=201)

    async def proactive(request: web.Request) -> web.Response:
        reference = references[(await request.json())["conversation"]]
        activity = proactive_activity() | {
            "from": reference["recipient"], "recipient": reference["from"],
            "conversation": reference["conversation"],
        }
        await post_activity(reference["serviceUrl"], reference["conversation"]["id"], activity)
        return web.Response(status=201)

    async def on_command(command: str) -> str:
        return "0"  # errors: the bare handler fails its request instead

    app = web.Application()
    app.add_routes([web.post("/api/messages", messages), web.post("/bench/proactive", proactive)])
    await serve(app, on_command)
    await http.close()


async def sdk_role(args: argparse.Namespace) -> None:
    """The SDK's own echo bot and nothing of ours: Microsoft's sample "02.echo-bot" as
    botbuilder-integration-aiohttp 4.17 ships it (`CloudAdapter`, an `ActivityHandler`, the
    SDK's error middleware), answering as the bare handler does. In local mode (no app id),
    like the bot here: the floor of any bot built on the fixed stack as it comes."""
    from types import SimpleNamespace

    from botbuilder.core import ActivityHandler, TurnContext
    from botbuilder.core.integration import aiohttp_error_middleware
    from botbuilder.integration.aiohttp import (
        CloudAdapter,
        ConfigurationBotFrameworkAuthentication,
    )

    errors = ErrorCount()
    logging.getLogger().addHandler(errors)

    class EchoBot(ActivityHandler):
        async def on_message_activity(self, turn_context: TurnContext) -> None:
            await turn_context.send_activity(f"Du frågade: {turn_context.activity.text}")

    configuration = SimpleNamespace(APP_ID="", APP_PASSWORD="", APP_TYPE="MultiTenant",
                                    APP_TENANTID="")
    adapter = CloudAdapter(ConfigurationBotFrameworkAuthentication(configuration))

    async def on_error(context: TurnContext, error: Exception) -> None:
        logging.getLogger("sdk-sample").error("turn failed: %s", error)

    adapter.on_turn_error = on_error
    bot = EchoBot()

    async def messages(request: web.Request) -> web.Response:
        return await adapter.process(request, bot)

    async def on_command(command: str) -> str:
        return str(errors.count) if command == "errors" else "ok"

    app = web.Application(middlewares=[aiohttp_error_middleware])
    app.router.add_post("/api/messages", messages)
    await serve(app, on_command)


class ErrorCount(logging.Handler):
    """Counts error log records: a failed turn still answers 201 (with an apology)."""

    def __init__(self) -> None:
        super().__init__(logging.ERROR)
        self.count = 0

    def emit(self, record: logging.LogRecord) -> None:
        self.count += 1


async def bot_role(args: argparse.Namespace) -> None:
    """The real bot, as `app.py serve` builds it (`serving_app`), plus a proactive route."""
    from datetime import UTC, datetime, timedelta

    from app import serving_app
    from bot.adapter import create_adapter
    from bot.proactive import ConnectorSender
    from bot.settings import Settings
    from domain.posts import PlannedPost, Target
    from observability.logs import configure_logging
    from storage.conversations import ConversationStore
    from storage.database import Database

    if args.echo:
        # The edge alone: the bot answers as the bare handler does ("Du frågade: …"), so
        # the difference left is what the edge does beyond the bare round trip.
        from dialogs.conversation import Conversation
        from domain.turns import Reply

        async def echo(self: Conversation, turn: Any) -> list[Reply]:
            return [Reply(f"Du frågade: {turn.text}", "sv")]

        Conversation.respond = echo  # type: ignore[method-assign]
    graph = {}
    if args.graph:
        # As deployed: Graph credentials make the bot load and warm up msgraph-sdk while it
        # starts. Nothing is sent to Graph (no minutes are filed in this bench).
        graph = {"graph_tenant_id": "00000000-0000-4000-8000-000000000001",
                 "graph_client_id": "00000000-0000-4000-8000-000000000002",
                 "graph_client_secret": "not-a-secret"}
    settings = Settings(database_url=args.database_url, port=0, log_level=args.log_level,
                        **graph)
    configure_logging(settings.log_level)
    errors = ErrorCount()
    logging.getLogger().addHandler(errors)
    app = await serving_app(settings)
    # The delivery worker's sender, on an adapter of its own as a separate worker would have.
    adapter = create_adapter(settings)
    sender = ConnectorSender(adapter)
    references: dict[str, dict[str, Any]] = {}
    now = datetime.now(UTC)
    post = PlannedPost(
        key="bench", target=Target(NETWORK, "general"), due_at=now,
        stale_after=now + timedelta(days=1), language="sv", text="Påminnelse: dagordningen",
        card=PROACTIVE_CARD, kind="agenda",
    )

    async def proactive(request: web.Request) -> web.Response:
        reference = references[(await request.json())["conversation"]]
        await sender.send(reference, post)
        return web.Response(status=201)

    async def on_command(command: str) -> str:
        if command == "errors":
            return str(errors.count)
        if command.startswith("references"):
            database = Database(settings.database_url)
            store = ConversationStore(database)
            for conversation in range(int(command.split()[1])):
                conversation_id = f"a:bench-conversation-{conversation}"
                references[conversation_id] = await store.get_reference(conversation_id)
            await database.close()
        return "ok"

    app.router.add_post("/bench/proactive", proactive)
    sampler = StackSampler() if args.profile else None
    if sampler is not None:
        sampler.start()
    await serve(app, on_command)
    if sampler is not None:
        sampler.stop()
        Path(args.profile).write_text(sampler.report(), encoding="utf-8")
    await adapter.close()


class StackSampler:
    """A poor man's py-spy: samples the bot's Python stack every millisecond of its CPU time.

    A profiling timer (`ITIMER_PROF`, process CPU time) raises SIGPROF; the handler runs
    in the event loop's thread at the next bytecode and records the stack it interrupted,
    so a sample falls where CPU time was spent (a C call is charged to its Python caller).
    Reports each function's share of the samples with it on the stack (inclusive) and on
    top (self).
    """

    def __init__(self, interval: float = 0.001):
        self._interval = interval
        self._stacks: collections.Counter[tuple[str, ...]] = collections.Counter()

    def start(self) -> None:
        import signal

        signal.signal(signal.SIGPROF, self._sample)
        signal.setitimer(signal.ITIMER_PROF, self._interval, self._interval)

    def stop(self) -> None:
        import signal

        signal.setitimer(signal.ITIMER_PROF, 0, 0)
        signal.signal(signal.SIGPROF, signal.SIG_DFL)

    def _sample(self, signum: int, frame: Any) -> None:
        stack = []
        while frame is not None:
            code = frame.f_code
            path = code.co_filename.replace(str(ROOT) + "/", "").split("site-packages/")[-1]
            stack.append(f"{path}:{code.co_name}")
            frame = frame.f_back
        self._stacks[tuple(stack)] += 1

    def report(self, top: int = 80) -> str:
        busy = self._stacks
        total = sum(busy.values()) or 1
        inclusive: collections.Counter[str] = collections.Counter()
        own: collections.Counter[str] = collections.Counter()
        for stack, count in busy.items():
            own[stack[0]] += count
            for name in set(stack):
                inclusive[name] += count
        lines = [f"{total} samples, one per {self._interval * 1000:g} ms of CPU", "",
                 "inclusive %  self %  function"]
        for name, count in inclusive.most_common(top):
            lines.append(f"{100 * count / total:10.1f} {100 * own[name] / total:7.1f}  {name}")
        lines += ["", "self %  function"]
        for name, count in own.most_common(top // 2):
            lines.append(f"{100 * count / total:6.1f}  {name}")
        return "\n".join(lines) + "\n"


# -- command line -----------------------------------------------------------------------------


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--turns", type=int, default=5000, help="timed requests per run")
    parser.add_argument("--warmup", type=int, default=500, help="untimed requests first")
    parser.add_argument("--round-turns", type=int, default=500,
                        help="timed requests per server per round (rounds alternate servers)")
    parser.add_argument("--concurrency", type=int, default=16, help="requests in flight")
    parser.add_argument("--conversations", type=int, default=50,
                        help="distinct personal chats the turns cycle over")
    parser.add_argument("--work", nargs="+", choices=("inbound", "proactive"),
                        default=["inbound", "proactive"])
    parser.add_argument("--targets", nargs="+", choices=("bare", "bot"), default=["bare", "bot"])
    parser.add_argument("--pairs", type=int, default=0,
                        help="instead of rounds: this many pairs of whole runs of --turns, bare "
                        "and bot back to back (order alternating), with each pair's ratio and "
                        "the medians")
    parser.add_argument("--database-url", help="the bot's database (default: a fresh SQLite file)")
    parser.add_argument("--log-level", default="INFO", help="the bot's log level (as deployed)")
    parser.add_argument("--server-log",
                        help="append the servers' stderr here (the bot logs every turn)")
    parser.add_argument("--profile", metavar="FILE",
                        help="sample the bot's stack every millisecond and write where its busy "
                        "time goes to FILE (the sampling slows the bot a little)")
    parser.add_argument("--echo", action="store_true",
                        help="the bot answers every message as the bare handler does (its text "
                        "echoed, no card), without the registry: the edge's own cost")
    parser.add_argument("--graph", action="store_true",
                        help="give the bot Graph credentials, as a deployed bot has: it then "
                        "loads msgraph-sdk while it starts (nothing is sent to Graph)")
    parser.add_argument("--memory", action="store_true",
                        help="print each server's resident memory before and after the "
                        "warm-up and after every round")
    parser.add_argument("--new-words", type=int, default=0, metavar="N",
                        help="add N made-up words, new in every message, to each inbound "
                        "question: an open vocabulary, as members write (names, typos)")
    parser.add_argument("--against", metavar="TREE",
                        help="also serve the bot from another checkout (a worktree of main, "
                        "say) as server 'old', in the same alternating rounds: old and new "
                        "code timed under the same background (SQLite only)")
    parser.add_argument("--sdk-sample", action="store_true",
                        help="in the bot's place, the SDK's own echo sample (CloudAdapter and "
                        "an ActivityHandler, nothing of ours): what the fixed stack costs as "
                        "it comes (inbound only)")
    parser.add_argument("--role", choices=("connector", "bare", "bot", "sdk"),
                        help=argparse.SUPPRESS)
    return parser


def _load_average() -> str:
    try:
        return " ".join(f"{load:.1f}" for load in os.getloadavg())
    except OSError:
        return "?"


def main() -> int:
    args = build_parser().parse_args()
    if args.against and (args.database_url or args.pairs or "bot" not in args.targets):
        raise SystemExit("--against needs the bot among --targets, SQLite and rounds (no --pairs)")
    if args.sdk_sample and (args.against or args.echo or "proactive" in args.work):
        raise SystemExit("--sdk-sample takes the bot's place for inbound work only")
    if args.role is not None:
        role = {"connector": connector_role, "bare": bare_role, "bot": bot_role,
                "sdk": sdk_role}[args.role]
        asyncio.run(role(args))
        return 0
    if args.sdk_sample:
        print("'bot' below is the SDK's own echo sample, not this bot")
    print(f"{args.turns} timed turns per run after {args.warmup} untimed, concurrency "
          f"{args.concurrency}, {args.conversations} conversations, {os.cpu_count()} CPUs, "
          f"load average {_load_average()}")
    print(f"{'server':<5} {'work':<9} {'turns':>8} {'turns/s':>9} {'p50 ms':>8} {'p99 ms':>8} "
          f"{'CPU ms':>8} {'RSS MiB':>8} {'failures':>8}")
    began = time.perf_counter()
    if args.server_log:
        with open(args.server_log, "ab") as log:
            results = asyncio.run(run_benchmark(args, log))
    else:
        results = asyncio.run(run_benchmark(args, None))
    print_summary(results, args)
    print(f"Total run time: {time.perf_counter() - began:.0f} s; load average "
          f"{_load_average()} (from others on the machine as well as this run)")
    failed = sum(r.failures for r in results)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
