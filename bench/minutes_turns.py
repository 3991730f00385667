"""Benchmark: how long a Teams turn that brings a minutes file takes, whatever Graph does.

Run from the repository root:  .venv/bin/python bench/minutes_turns.py   (about a minute)

Two processes on loopback: this one (the load generator, the loopback Bot Connector
`bot.local_connector.LocalConnector` and the loopback Graph `tests.graph_fake.GraphFake`,
which also serves the files' Teams download links) and the bot (`app.create_app`, as
`app.py serve` builds it, signed in to the loopback Graph with a static token, on a fresh
SQLite database unless --database-url names another).

The secretary of one group sends --turns files (a PDF of --kib KiB each) in personal
chats, --concurrency at a time, for the group's one past meeting; the time of a turn is
from the POST to /api/messages until its HTTP answer (by then the reply was posted to the
connector); --warmup untimed turns go first. Three rounds, each on a fresh bot:

- healthy: Graph answers at once;
- slow: every request to Graph and to the download link waits --slow-seconds;
- failing: every Graph request answers 500 (the bot's own retries: 2 + 4 + 8 s).

The first file of a round is filed (healthy) or waits (slow, failing); each later one
either replaces the one still waiting (the reply says so) or, once the meeting is filed,
gets the card asking whether to replace the filed minutes. In every case the turn only
records the file and answers; the download and the upload run in the background. Printed
per round: turns, p50, p99 and the slowest turn in ms, the bot's CPU time, and what the
loopback Graph saw; the load average is printed with every figure.
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import json
import os
import sys
import tempfile
import time
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from datetime import time as clock_time
from pathlib import Path
from typing import Any

import aiohttp
from aiohttp import web

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

TENANT_ID = "72f988bf-86f1-41af-91ab-2d7cd011db47"
TEAM_ID = "19:bench-team@thread.tacv2"
CHANNEL_ID = "19:bench-channel@thread.tacv2"
GROUP_ID = "5c2d6f0e-1b7a-4a8e-9d3c-2f4e6a8b0c1d"  # the team's Microsoft 365 group id
BOT = {"id": "28:bench-bot", "name": "samverkan"}
SECRETARY = {"id": "29:bench-secretary", "name": "Sara Sekreterare",
             "aadObjectId": "0f3b6c1e-2d4a-4b8c-9e7f-1a2b3c4d5e6f"}  # fmt: skip
NETWORK_YAML = f"""\
key: natet
name: {{sv: Nätet, en: The network}}
groups:
  - key: alfa
    name: {{sv: Alfa, en: Alpha}}
roles:
  - key: sekreterare
    scope: group
    title: {{sv: Sekreterare, en: Secretary}}
    duties:
      sv: [Skriver protokoll.]
      en: [Writes the minutes.]
holders:
  - role: sekreterare
    group: alfa
    name: {SECRETARY["name"]}
    entra_object_id: {SECRETARY["aadObjectId"]}
"""
ROUNDS = ("healthy", "slow", "failing")


@dataclass
class RoundResult:
    """One round's turn times (seconds) and what the bot and Graph did meanwhile."""

    name: str
    seconds: list[float] = field(default_factory=list)
    failures: int = 0
    cpu_seconds: float = 0.0
    graph_requests: int = 0
    replies: dict[str, int] = field(default_factory=dict)

    def percentile(self, share: float) -> float:
        ordered = sorted(self.seconds)
        return ordered[min(len(ordered) - 1, int(share * len(ordered)))] if ordered else 0.0


def file_activity(service_url: str, turn: int, download_url: str) -> dict[str, Any]:
    """A personal-chat message from the secretary with one file, as Teams sends it."""
    return {
        "type": "message",
        "id": f"bench-{turn}",
        "timestamp": datetime.now(UTC).isoformat(),
        "channelId": "msteams",
        "serviceUrl": service_url,
        "from": SECRETARY,
        "recipient": BOT,
        "conversation": {"id": "a:bench-personal-chat", "conversationType": "personal",
                         "tenantId": TENANT_ID},  # fmt: skip
        "channelData": {"tenant": {"id": TENANT_ID}},
        "locale": "sv-SE",
        "attachments": [
            {
                "contentType": "application/vnd.microsoft.teams.file.download.info",
                "name": f"Protokoll {turn}.pdf",
                "content": {"downloadUrl": download_url, "fileType": "pdf",
                            "uniqueId": f"bench-file-{turn}"},  # fmt: skip
            }
        ],
    }


async def seed(database_url: str, networks: Path) -> None:
    """The group's channel, its team's group id and one past meeting, as the bot would
    have them after being added to the team."""
    from domain.meetings import MeetingDraft
    from domain.recurrence import STOCKHOLM
    from storage.conversations import ConversationStore
    from storage.database import Database
    from storage.meetings import MeetingRepository
    from storage.minutes import MinutesRepository

    database = Database(database_url)
    try:
        store = ConversationStore(database)
        await store.save_reference(
            {"conversation": {"id": CHANNEL_ID}, "serviceUrl": "http://127.0.0.1:1"},
            tenant_id=TENANT_ID, team_id=TEAM_ID, channel_id=CHANNEL_ID, kind="channel",
        )  # fmt: skip
        await store.set_binding(TEAM_ID, CHANNEL_ID, "natet", "alfa")
        await MinutesRepository(database).remember_team(TEAM_ID, GROUP_ID, datetime.now(UTC))
        day = date.today() - timedelta(days=2)
        await MeetingRepository(database).add(
            MeetingDraft("natet", "alfa", "mote", datetime.combine(day, clock_time(9), STOCKHOLM),
                         datetime.combine(day, clock_time(11), STOCKHOLM)),  # fmt: skip
            by=None,
            now=datetime.now(UTC),
        )
    finally:
        await database.close()


class BotProcess:
    """The bot in its own process (`--role bot`), announcing `READY <port>` on stdout."""

    def __init__(self, process: asyncio.subprocess.Process, port: int):
        self.process = process
        self.port = port

    @classmethod
    async def start(cls, *args: str, log: Any = None) -> BotProcess:
        process = await asyncio.create_subprocess_exec(
            sys.executable, __file__, "--role", "bot", *args,
            stdin=asyncio.subprocess.PIPE, stdout=asyncio.subprocess.PIPE,
            stderr=log if log is not None else asyncio.subprocess.DEVNULL, cwd=ROOT,
        )  # fmt: skip
        assert process.stdout is not None
        line = await asyncio.wait_for(process.stdout.readline(), 120)
        if not line.startswith(b"READY "):
            raise RuntimeError(f"the bot did not start: {line!r}")
        return cls(process, int(line.split()[1]))

    def cpu_seconds(self) -> float:
        fields = Path(f"/proc/{self.process.pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

    async def stop(self) -> None:
        assert self.process.stdin is not None
        self.process.stdin.close()
        await self.process.wait()


async def run_round(name: str, args: argparse.Namespace, workdir: Path) -> RoundResult:
    from bot.local_connector import LocalConnector
    from tests.graph_fake import GraphFake

    result = RoundResult(name)
    networks = workdir / "networks"
    networks.mkdir(exist_ok=True)
    (networks / "natet.yaml").write_text(NETWORK_YAML, encoding="utf-8")
    database_url = args.database_url or f"sqlite+aiosqlite:///{workdir / f'{name}.db'}"
    content = b"%PDF-1.7 " + bytes(args.kib * 1024)
    async with LocalConnector() as connector, GraphFake() as graph:
        graph.add_channel(GROUP_ID, CHANNEL_ID, name="Alfa")
        log = open(args.bot_log, "ab") if args.bot_log else None  # noqa: SIM115
        bot = await BotProcess.start(
            "--database-url", database_url, "--graph", graph.base_url,
            "--networks", str(networks), log=log,
        )  # fmt: skip
        try:
            await seed(database_url, networks)
            if name == "slow":
                graph.delay = args.slow_seconds
            elif name == "failing":
                graph.outage = 500
            cpu_before = bot.cpu_seconds()
            await drive(bot.port, connector, graph, content, args, result)
            result.cpu_seconds = bot.cpu_seconds() - cpu_before
            result.graph_requests = len(graph.requests)
        finally:
            await bot.stop()
            if log is not None:
                log.close()
    return result


async def drive(
    port: int, connector: Any, graph: Any, content: bytes, args: argparse.Namespace,
    result: RoundResult,
) -> None:  # fmt: skip
    """POST `args.turns` file messages, `args.concurrency` at a time, timing each."""
    url = f"http://127.0.0.1:{port}/api/messages"
    turns = itertools.count()

    async def worker(http: aiohttp.ClientSession, until: int, timed: bool) -> None:
        while (turn := next(turns)) < until:
            activity = file_activity(connector.service_url, turn, graph.add_download(content))
            started = time.perf_counter()
            async with http.post(url, json=activity) as response:
                await response.read()
                if response.status != 201:
                    result.failures += 1
            if timed:
                result.seconds.append(time.perf_counter() - started)

    async with aiohttp.ClientSession() as http:
        # Untimed first turns: the first turn of a process loads what every later one uses.
        await worker(http, args.warmup, timed=False)
        turns = itertools.count(args.warmup)
        until = args.warmup + args.turns
        await asyncio.gather(*(worker(http, until, True) for _ in range(args.concurrency)))
    for activity in connector.activities:
        kind = _reply_kind(activity.visible_text)
        result.replies[kind] = result.replies.get(kind, 0) + 1


def _reply_kind(text: str) -> str:
    if text.startswith("Ersätta det arkiverade"):
        return "replace?"
    if "ersätter" in text:
        return "received, replacing the waiting one"
    if text.startswith("Mottaget"):
        return "received"
    return text[:40]


async def bot_role(args: argparse.Namespace) -> None:
    """The real bot as `app.py serve` builds it, signed in to the loopback Graph."""
    from app import create_app
    from bot.settings import Settings
    from observability.logs import configure_logging
    from tests.graph_fake import StaticCredential

    settings = Settings(
        database_url=args.database_url, port=0, log_level="INFO",
        networks_dir=Path(args.networks), default_network="natet",
        scheduler_interval_seconds=0,  # the posts' delivery is not what is timed here
        graph_tenant_id="tenant", graph_client_id="client", graph_client_secret="secret",
        graph_base_url=args.graph,
    )  # fmt: skip
    configure_logging(settings.log_level)
    app = await create_app(settings, graph_credential=StaticCredential())
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    print(f"READY {runner.addresses[0][1]}", flush=True)
    loop = asyncio.get_running_loop()
    await loop.run_in_executor(None, sys.stdin.read)  # until the bench closes stdin
    await runner.cleanup()


def _load_average() -> str:
    return " ".join(f"{load:.1f}" for load in os.getloadavg())


def print_result(result: RoundResult) -> None:
    print(
        f"{result.name:<8} {len(result.seconds):>6} {result.percentile(0.5) * 1000:>8.1f} "
        f"{result.percentile(0.99) * 1000:>8.1f} {max(result.seconds) * 1000:>8.1f} "
        f"{result.cpu_seconds * 1000:>8.0f} {result.graph_requests:>7} {result.failures:>6}  "
        f"load {_load_average()}  replies {json.dumps(result.replies, ensure_ascii=False)}",
        flush=True,
    )


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--turns", type=int, default=200, help="files sent per round")
    parser.add_argument("--concurrency", type=int, default=4, help="turns in flight")
    parser.add_argument("--warmup", type=int, default=3, help="untimed turns first")
    parser.add_argument("--kib", type=int, default=40, help="size of each file")
    parser.add_argument("--slow-seconds", type=float, default=5.0,
                        help="how long the slow Graph takes for every request")  # fmt: skip
    parser.add_argument("--rounds", default=",".join(ROUNDS), help="which rounds to run")
    parser.add_argument("--database-url", help="default: a fresh SQLite file per round")
    parser.add_argument("--p99-limit-ms", type=float, default=1000.0,
                        help="exit 1 when a round's p99 is above this")  # fmt: skip
    parser.add_argument("--bot-log", help="append the bot's log to this file")
    parser.add_argument("--role", choices=["bot"], help=argparse.SUPPRESS)
    parser.add_argument("--graph", help=argparse.SUPPRESS)
    parser.add_argument("--networks", help=argparse.SUPPRESS)
    return parser


def main() -> int:
    args = build_parser().parse_args()
    if args.role == "bot":
        asyncio.run(bot_role(args))
        return 0
    print(f"{args.turns} files of {args.kib} KiB per round, concurrency {args.concurrency}, "
          f"{os.cpu_count()} CPUs, load average {_load_average()}")  # fmt: skip
    print(f"{'round':<8} {'turns':>6} {'p50 ms':>8} {'p99 ms':>8} {'max ms':>8} "
          f"{'CPU ms':>8} {'Graph':>7} {'failed':>6}")  # fmt: skip
    over = False
    with tempfile.TemporaryDirectory() as workdir:
        for name in args.rounds.split(","):
            result = asyncio.run(run_round(name, args, Path(workdir)))
            print_result(result)
            over |= result.percentile(0.99) * 1000 > args.p99_limit_ms or bool(result.failures)
    return 1 if over else 0


if __name__ == "__main__":
    sys.exit(main())
