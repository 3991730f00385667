"""Benchmark of a fan-out: 1,000 posts due at once in 1,000 channels, with a 1,000-group registry.

    .venv/bin/python bench/fanout.py                        # about two minutes
    .venv/bin/python bench/fanout.py --posts 300 --groups 300 --rate 30

Three processes: this script (it prepares the database and reads the results), the bot
as `app.py serve` runs it (local mode, a fresh SQLite file, `NETWORKS_DIR` the generated
registry of `bench/registry.py`, the default scheduler interval of 60 s) and a loopback
Bot Connector (`--role connector`: answers each activity POST with 201 and notes when
it arrived; it can answer one POST with 429 and a Retry-After).

Once the bot is ready and its first planning pass has finished, the script binds one
channel per group, as installing the bot in the teams would, and stores one post due
`--lead` seconds later for each of `--posts` channels in the outbox, as the planner
would. A second before they are due it adds a meeting to every network, so the
planning pass that comes during the fan-out cannot reuse its work: it reads and checks
a year of meetings of every group again, as on the first pass of a day.

Two runs, each on a fresh bot and database: **clean** (every POST accepted) and
**429** (the 100th POST is answered 429 with `Retry-After: 2`). Printed per run: first
to last arrival against the floor the tenant's rate allows ((posts - 1) / rate, plus the
Retry-After in the 429 run) and their ratio (the goal: at most 1.1), posts lost and
posts that arrived twice, the most arrivals in any second, and, in the 429 run, whether
anything arrived while the Retry-After lasted. The 1-minute load average is printed
with each run.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import shutil
import sys
import tempfile
import time
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import aiohttp
from aiohttp import web

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(1, str(ROOT / "bench"))

from turns import serve  # noqa: E402  (a server that answers the bench's commands on stdin)

TENANT = "72f988bf-86f1-41af-91ab-2d7cd011db47"


# -- the connector ----------------------------------------------------------------------------


async def connector_role(args: argparse.Namespace) -> None:
    """Answer activity POSTs with 201 (one with 429 if asked); print arrivals on `dump`."""
    arrivals: list[tuple[float, str | None, int]] = []
    answered = 0

    async def activities(request: web.Request) -> web.Response:
        nonlocal answered
        body = await request.json()
        answered += 1
        if answered == args.throttle_at:
            arrivals.append((time.time(), body.get("text"), 429))
            return web.json_response(
                {"error": {"code": "Throttled", "message": "too many requests"}},
                status=429, headers={"Retry-After": str(args.retry_after)},
            )
        arrivals.append((time.time(), body.get("text"), 201))
        return web.json_response({"id": f"1700000{answered:09d}"}, status=201)

    async def on_command(command: str) -> str:  # the bench sends only "dump"
        return json.dumps(arrivals)

    app = web.Application()
    app.router.add_post("/v3/conversations/{conversation}/activities", activities)
    await serve(app, on_command)


# -- the bot, counting its database work ------------------------------------------------------

# Tables whose statements are delivery's (the outbox, the shared budget, the channels'
# references and bindings); an INSERT into the outbox is planning's.
_DELIVERY_TABLES = ("outbox", "send_budget", "conversation_reference", "channel_binding")


def bot_role(argv: list[str]) -> int:
    """Run `app.py` with `argv`, counting the database work of delivery.

    Every statement is seen by SQLAlchemy's `before_cursor_execute`; a transaction (BEGIN
    to COMMIT or ROLLBACK on one connection) counts as delivery's when one of its
    statements touches a delivery table. Its round trips are its statements (the BEGIN
    included on SQLite) and its COMMIT or ROLLBACK: one request to the database each
    (on aiosqlite, each also a hop to the driver's thread and back). SIGUSR1 writes the
    totals so far to `$BENCH_DB_COUNTS` as JSON.
    """
    import signal

    from sqlalchemy import event
    from sqlalchemy.engine import Engine

    import app

    totals = {"statements": 0, "transactions": 0, "round_trips": 0,
              "delivery_statements": 0, "delivery_transactions": 0, "delivery_round_trips": 0}
    open_: dict[int, list[bool]] = {}

    def delivery(statement: str) -> bool:
        text = statement.lstrip().lower()
        if text.startswith("insert into outbox"):
            return False
        return any(table in text for table in _DELIVERY_TABLES)

    @event.listens_for(Engine, "before_cursor_execute")
    def _statement(conn, cursor, statement, parameters, context, executemany):  # noqa: ANN001
        totals["statements"] += 1
        is_delivery = delivery(statement)
        totals["delivery_statements"] += is_delivery
        open_.setdefault(id(conn), []).append(is_delivery)

    def _end(conn) -> None:  # noqa: ANN001
        statements = open_.pop(id(conn), [])
        totals["transactions"] += 1
        totals["round_trips"] += len(statements) + 1
        if any(statements):
            totals["delivery_transactions"] += 1
            totals["delivery_round_trips"] += len(statements) + 1

    event.listen(Engine, "commit", _end)
    event.listen(Engine, "rollback", _end)

    def dump(*_: Any) -> None:
        Path(os.environ["BENCH_DB_COUNTS"]).write_text(json.dumps(totals))

    signal.signal(signal.SIGUSR1, dump)
    sys.argv = [str(ROOT / "app.py"), *argv]
    return app.main()


async def _db_counts(bot: Any, path: Path) -> dict[str, int]:
    """The bot's database counts so far (`bot_role`)."""
    path.unlink(missing_ok=True)
    bot.send_signal(10)  # SIGUSR1
    for _ in range(100):
        await asyncio.sleep(0.05)  # the handler runs between the bot's bytecodes
        if path.exists() and path.stat().st_size:
            return json.loads(path.read_text())
    raise RuntimeError("the bot did not write its database counts")


# -- the run ----------------------------------------------------------------------------------


async def _retrying(write: Any) -> Any:
    """Run `write()` again while SQLite says the bot holds the write lock (its start-up
    stores a year of meetings in long transactions)."""
    from sqlalchemy.exc import OperationalError

    for _ in range(100):
        try:
            return await write()
        except OperationalError as err:
            if "locked" not in str(err):
                raise
            await asyncio.sleep(0.2)  # the bot's transaction ends soon
    return await write()


def _cpu_seconds(pid: int) -> float:
    """User plus system CPU time a process has used so far (Linux /proc)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _load() -> str:
    return " ".join(f"{load:.2f}" for load in os.getloadavg())


async def _start_connector(throttle_at: int, retry_after: int) -> tuple[Any, int]:
    process = await asyncio.create_subprocess_exec(
        sys.executable, __file__, "--role", "connector", "--throttle-at", str(throttle_at),
        "--retry-after", str(retry_after),
        stdin=asyncio.subprocess.PIPE, stdout=asyncio.subprocess.PIPE, cwd=ROOT,
    )
    line = await asyncio.wait_for(process.stdout.readline(), 60)
    return process, int(line.split()[1])


async def _wait_ready(http: aiohttp.ClientSession, url: str, bot: Any) -> None:
    deadline = time.monotonic() + 300
    while time.monotonic() < deadline:
        if bot.returncode is not None:
            raise RuntimeError("the bot exited before it was ready")
        try:
            async with http.get(url) as response:
                if response.status == 200:
                    return
        except aiohttp.ClientError:
            pass
        await asyncio.sleep(0.2)  # polling a port
    raise RuntimeError("the bot did not get ready")


async def one_run(args: argparse.Namespace, name: str, throttle_at: int) -> dict[str, Any]:
    from registry import group_key, network_key, write_registry

    from domain.meetings import MeetingDraft
    from domain.posts import PlannedPost, Target
    from scheduler.delivery import MAX_PAUSE
    from storage.conversations import ConversationStore
    from storage.database import Database
    from storage.meetings import MeetingRepository
    from storage.outbox import Outbox

    with tempfile.TemporaryDirectory() as scratch:
        folder = Path(scratch) / "networks"
        write_registry(folder, args.groups, args.networks)
        url = f"sqlite+aiosqlite:///{scratch}/bench.db"
        connector, connector_port = await _start_connector(throttle_at, args.retry_after)
        service_url = f"http://127.0.0.1:{connector_port}/"
        port_probe = web.AppRunner(web.Application())
        await port_probe.setup()
        probe = web.TCPSite(port_probe, "127.0.0.1", 0)
        await probe.start()
        port = port_probe.addresses[0][1]
        await port_probe.cleanup()
        env = {k: v for k, v in os.environ.items() if not k.startswith("Microsoft")}
        env.update(DATABASE_URL=url, NETWORKS_DIR=str(folder), DATA_DIR=f"{scratch}/files",
                   LOG_LEVEL="INFO", TENANT_POSTS_PER_SECOND=str(args.rate),
                   DEFAULT_NETWORK=network_key(0), BENCH_DB_COUNTS=f"{scratch}/counts.json")
        with open(Path(scratch) / "serve.log", "wb") as log:
            bot = await asyncio.create_subprocess_exec(
                sys.executable, __file__, "--role", "bot", "serve", "--host", "127.0.0.1",
                "--port", str(port), cwd=scratch, env=env,
                stdin=asyncio.subprocess.DEVNULL, stdout=log, stderr=log,
            )
        began = time.monotonic()
        async with aiohttp.ClientSession() as http:
            await _wait_ready(http, f"http://127.0.0.1:{port}/readyz", bot)
            ready_after = time.monotonic() - began
            # Its first planning pass done: what the registry's own wheel calls for today
            # is in the outbox, undeliverable while no channel is bound (nothing in the way).
            while True:
                async with http.get(f"http://127.0.0.1:{port}/metrics") as response:
                    if "samverkan_scheduler_last_tick_timestamp_seconds" in await response.text():
                        break
                await asyncio.sleep(0.5)  # polling the metrics
        await asyncio.sleep(args.settle)
        database = Database(url)
        outbox = Outbox(database)
        # And the registry's own posts due today dealt with (undeliverable: no channel).
        while (due_next := await outbox.next_attempt_at()) is not None and (
            due_next < datetime.now(UTC) + timedelta(minutes=5)
        ):
            await asyncio.sleep(0.5)  # polling the outbox
        store = ConversationStore(database)
        per_network = -(-args.groups // args.networks)
        targets = [(network_key(n), group_key(n, g)) for n in range(args.networks)
                   for g in range(per_network)][: args.groups]
        for network, group in targets[: args.posts]:
            team = f"19:team-{network}@thread.tacv2"
            channel = f"19:{group}@thread.tacv2"
            reference = {"bot": {"id": "28:bench-bot", "name": "samverkan"},
                         "conversation": {"id": channel, "conversationType": "channel",
                                          "isGroup": True, "tenantId": TENANT},
                         "channelId": "msteams", "serviceUrl": service_url}
            await _retrying(lambda: store.save_reference(
                reference, tenant_id=TENANT, team_id=team, channel_id=channel, kind="channel"))
            await _retrying(lambda: store.set_binding(team, channel, network, group))
        due = datetime.now(UTC) + timedelta(seconds=args.lead)
        posts = [PlannedPost(key=f"fanout:{network}:{group}", target=Target(network, group),
                             due_at=due, stale_after=due + timedelta(hours=1), language="sv",
                             text=f"fanout:{network}:{group}", kind="wheel")
                 for network, group in targets[: args.posts]]
        await _retrying(lambda: outbox.enqueue(posts, datetime.now(UTC)))
        await asyncio.sleep(max(0.0, args.lead - 1))
        meetings = MeetingRepository(database)
        start = due + timedelta(days=3)
        for n in range(args.networks):  # the next planning pass must work it all out again
            draft = MeetingDraft(network_key(n), group_key(n, 0), "gruppmote", start,
                                 start + timedelta(hours=1))
            await _retrying(lambda: meetings.add(draft, by="bench", now=datetime.now(UTC)))
        expected = {post.key for post in posts}
        counts_path = Path(scratch) / "counts.json"
        counts_before = await _db_counts(bot, counts_path)
        cpu_before = _cpu_seconds(bot.pid)
        spy = None
        if args.py_spy:
            spy = await asyncio.create_subprocess_exec(
                shutil.which("py-spy") or str(Path(sys.executable).parent / "py-spy"),
                "record", "-p", str(bot.pid),
                "-o", f"{args.py_spy}.{name}.txt", "--format", "raw", "--nonblocking",
                stdout=asyncio.subprocess.DEVNULL, stderr=asyncio.subprocess.DEVNULL,
            )
        deadline = time.monotonic() + args.lead + args.posts / args.rate * 3 + 120
        arrivals: list[tuple[float, str, int]] = []
        while time.monotonic() < deadline:
            await asyncio.sleep(1)
            connector.stdin.write(b"dump\n")
            await connector.stdin.drain()
            arrivals = json.loads(await connector.stdout.readline())
            if expected <= {text for _, text, status in arrivals if status == 201}:
                break
        load = _load()
        cpu = _cpu_seconds(bot.pid) - cpu_before
        counts_after = await _db_counts(bot, counts_path)
        database_work = {k: counts_after[k] - counts_before[k] for k in counts_after}
        if spy is not None:
            spy.send_signal(2)
            await spy.wait()
        bot.terminate()
        await bot.wait()
        connector.stdin.close()
        await connector.wait()
        await database.close()
        skipped = (Path(scratch) / "serve.log").read_text(errors="replace").count(
            "maximum number of running instances")

    accepted = sorted((t, text) for t, text, status in arrivals if status == 201
                      and text in expected)  # fmt: skip
    throttled = [t for t, text, status in arrivals if status == 429 and text in expected]
    counts = Counter(text for _, text in accepted)
    times = [t for t, _ in accepted]
    span = times[-1] - times[0] if times else float("nan")
    floor = (args.posts - 1) / args.rate + (args.retry_after if throttled else 0)
    busiest = max((sum(1 for t in times[i:] if t < start + 1) for i, start in
                   enumerate(times)), default=0)  # fmt: skip
    # A send whose slot was reserved before the 429 may still go within MAX_PAUSE.
    during = (sum(1 for t in times
                  if throttled[0] + MAX_PAUSE.total_seconds() < t < throttled[0] + args.retry_after)
              if throttled else None)  # fmt: skip
    return {
        "run": name, "ready_s": ready_after, "posts": args.posts, "span_s": span,
        "floor_s": floor, "ratio": span / floor, "lost": len(expected - set(counts)),
        "twice": sum(1 for n in counts.values() if n > 1), "busiest_second": busiest,
        "throttled": len(throttled), "sent_during_retry_after": during,
        "first_after_due_s": times[0] - due.timestamp() if times else None,
        "skipped_runs": skipped, "load": load, "cpu_ms_per_post": cpu * 1000 / args.posts,
        **{f"{k}_per_post": v / args.posts for k, v in database_work.items()},
    }


async def run(args: argparse.Namespace) -> int:
    print(f"{args.posts} posts to {args.posts} channels, registry of {args.groups} groups in "
          f"{args.networks} networks, tenant rate {args.rate}/s, load {_load()}", flush=True)
    results = []
    for name, throttle_at in (("clean", 0), ("429", args.throttle_at)):
        result = await one_run(args, name, throttle_at)
        results.append(result)
        print(
            f"{name:<6} first to last {result['span_s']:6.1f} s, floor {result['floor_s']:5.1f} s, "
            f"ratio {result['ratio']:.3f} (goal <= 1.1); lost {result['lost']}, twice "
            f"{result['twice']}; busiest second {result['busiest_second']}; first post "
            f"{result['first_after_due_s']:.2f} s after due; 429s {result['throttled']}, "
            f"accepted during Retry-After {result['sent_during_retry_after']}; "
            f"'maximum number of running instances' {result['skipped_runs']}; bot CPU "
            f"{result['cpu_ms_per_post']:.1f} ms per post; database per post: "
            f"{result['delivery_round_trips_per_post']:.2f} round trips in "
            f"{result['delivery_transactions_per_post']:.2f} transactions of delivery "
            f"({result['round_trips_per_post']:.2f} round trips in all); bot ready after "
            f"{result['ready_s']:.1f} s; load {result['load']}", flush=True)
    ok = all(r["ratio"] <= 1.1 and r["lost"] == 0 and r["twice"] == 0 and not r["skipped_runs"]
             for r in results) and not results[1]["sent_during_retry_after"]
    print("goal met" if ok else "goal NOT met")
    return 0 if ok else 1


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--posts", type=int, default=1000)
    parser.add_argument("--groups", type=int, default=1000)
    parser.add_argument("--networks", type=int, default=10)
    parser.add_argument("--rate", type=float, default=30.0, help="TENANT_POSTS_PER_SECOND")
    parser.add_argument("--lead", type=float, default=5.0, help="seconds until the posts are due")
    parser.add_argument("--settle", type=float, default=3.0,
                        help="seconds to wait after the bot's first planning pass")
    parser.add_argument("--throttle-at", type=int, default=100,
                        help="the POST answered 429 in the second run")
    parser.add_argument("--retry-after", type=int, default=2)
    parser.add_argument("--py-spy", metavar="PREFIX",
                        help="sample the bot with py-spy during each fan-out (PREFIX.run.txt)")
    parser.add_argument("--role", choices=("connector", "bot"), help=argparse.SUPPRESS)
    if sys.argv[1:3] == ["--role", "bot"]:
        return bot_role(sys.argv[3:])
    args = parser.parse_args()
    if args.role == "connector":
        asyncio.run(connector_role(args))
        return 0
    return asyncio.run(run(args))


if __name__ == "__main__":
    sys.exit(main())
