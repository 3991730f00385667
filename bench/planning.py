"""Benchmark of planning: a year of the annual wheel, and one planning pass, for a large registry.

    .venv/bin/python bench/planning.py [--groups 1000] [--networks 10] [--repeat 5]
    .venv/bin/python bench/planning.py --code /tmp/other-checkout   # the same, on other code

Generates the registry of `bench/registry.py` (1,000 groups in 10 networks, monthly
meetings, checks that count them), stores it and its meeting series in a fresh SQLite
database, then times, each `--repeat` times (median printed, CPU time of this process):

- **wheel, 365 days** and **wheel, 1 day**: every network's annual-wheel deadlines from
  today over the next 365 days (or 1), from its stored meetings of the years concerned,
  as the chat's "årshjul" and the planner compute them (`domain.wheel.wheel_deadlines`).
  Linear planning makes the year cost about as much as its meetings, not meetings ×
  dates or meetings × meetings;
- **planning pass**: one `MeetingPlanner.planned_posts` pass (what every scheduler
  interval runs: read the registry and the meetings, work out what is due), nothing
  changed since the last pass;
- **pass, meetings changed**: the same after a meeting was added to every network (as
  on the first pass of a day), so every network's year is read and checked again.

Then, through the command line as people run it: `app.py wheel --days 365` and
`--days 1`, plain and `--json`, each run its own process on the same database (this
script only waits for it), `--cli-repeat` interleaved pairs (the 365-day run first in
every other pair). Printed per form: the median wall-clock time and CPU time (user +
system of the child) of each, and the median of the pairs' differences: what a year
costs more than a day (the goal: at most 1 s), with the lines written and the 1-minute
load average. Start-up, reading the registry and the checks' years of meetings are in
both runs; the difference is the year's own work.

With `--code DIR` the modules are imported from DIR instead of this checkout (a
`git archive` of another commit), and the command is DIR's `app.py`, so old and new
code run the same bench.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _load_average() -> str:
    return " ".join(f"{load:.2f}" for load in os.getloadavg())


async def run(args: argparse.Namespace) -> None:
    sys.path.insert(0, str(ROOT / "bench"))
    from registry import write_registry

    # After `registry`, which puts this checkout first on the path: the code under test wins.
    sys.path.insert(0, str(args.code or ROOT))
    import scheduler

    print(f"bot modules from {Path(scheduler.__file__).parent.parent}")

    from domain.meetings import MeetingDraft
    from domain.recurrence import local, start_of_day
    from domain.wheel import wheel_deadlines
    from services.planning import MeetingPlanner, sync_meeting_series
    from storage.database import Database
    from storage.meetings import MeetingRepository
    from storage.registry_files import load_directory
    from storage.registry_repository import RegistryRepository

    with tempfile.TemporaryDirectory() as scratch:
        folder = Path(scratch) / "networks"
        write_registry(folder, args.groups, args.networks)
        database = Database(f"sqlite+aiosqlite:///{scratch}/bench.db")
        await database.migrate()
        registry_repository = RegistryRepository(database)
        await registry_repository.replace_networks(load_directory(folder).networks)
        registry = await registry_repository.load()
        meetings = MeetingRepository(database)
        now = datetime.now(UTC)
        await sync_meeting_series(registry, meetings, now)
        today = local(now).date()
        stored = {}
        for network in registry.networks:
            stored[network.key] = await meetings.meetings(
                network.key,
                start_of_day(date(today.year, 1, 1)),
                start_of_day(date(today.year + 2, 1, 1)),
            )
        count = sum(len(found) for found in stored.values())
        print(f"{len(registry.networks)} networks, "
              f"{sum(len(n.groups) for n in registry.networks)} groups, {count} stored "
              f"meetings this year and next; code: {args.code or ROOT}; "
              f"load average {_load_average()}")

        def wheel(days: int) -> int:
            found = 0
            for network in registry.networks:
                found += len(wheel_deadlines(network, stored[network.key], today,
                                             today + timedelta(days=days)))
            return found

        planner = MeetingPlanner(registry_repository, meetings)
        await planner.planned_posts(now)  # the day's series sync happens once, outside timing

        async def timed(name: str, work, is_async: bool = False) -> None:
            cpu: list[float] = []
            result = None
            for _ in range(args.repeat):
                began = time.process_time()
                result = await work() if is_async else work()
                cpu.append(time.process_time() - began)
            print(f"{name:<22} {statistics.median(cpu):8.3f} s CPU (median of {args.repeat}; "
                  f"min {min(cpu):.3f}, max {max(cpu):.3f})  -> {result} "
                  f"| load {_load_average()}", flush=True)

        await timed("wheel, 365 days", lambda: wheel(365))
        await timed("wheel, 1 day", lambda: wheel(1))

        async def one_pass() -> int:
            return len(await planner.planned_posts(datetime.now(UTC) + timedelta(minutes=1)))

        await timed("planning pass", one_pass, is_async=True)

        async def changed_pass() -> int:
            return len(await planner.planned_posts(datetime.now(UTC) + timedelta(minutes=1)))

        async def change_every_network() -> None:
            start = now + timedelta(days=3)
            for network in registry.networks:
                await meetings.add(
                    MeetingDraft(network.key, network.groups[0].key, network.meeting_kinds[0].key,
                                 start, start + timedelta(hours=1)),
                    by="bench", now=datetime.now(UTC),
                )  # fmt: skip

        cpu: list[float] = []
        for _ in range(args.repeat):
            await change_every_network()  # outside the timing
            began = time.process_time()
            found = await changed_pass()
            cpu.append(time.process_time() - began)
        print(f"{'pass, meetings changed':<22} {statistics.median(cpu):8.3f} s CPU (median of "
              f"{args.repeat}; min {min(cpu):.3f}, max {max(cpu):.3f})  -> {found} "
              f"| load {_load_average()}", flush=True)
        await database.close()
        if args.cli_repeat > 0:
            env = {k: v for k, v in os.environ.items() if not k.startswith("Microsoft")}
            env.update(DATABASE_URL=f"sqlite+aiosqlite:///{scratch}/bench.db",
                       NETWORKS_DIR=str(folder), DATA_DIR=f"{scratch}/files",
                       DEFAULT_NETWORK=registry.networks[0].key)  # fmt: skip
            _command_line(args, Path(args.code or ROOT), env, Path(scratch) / "wheel.out")


def _wheel_run(code: Path, env: dict[str, str], days: int, as_json: bool, out: Path):
    """One `app.py wheel` in its own process: (wall s, CPU s of the child, lines written)."""
    command = [sys.executable, str(code / "app.py"), "wheel", "--days", str(days)]
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    began = time.perf_counter()
    with open(out, "wb") as output:
        subprocess.run(command + (["--json"] if as_json else []), cwd=code, env=env,
                       stdout=output, stderr=subprocess.DEVNULL, check=True)  # fmt: skip
    wall = time.perf_counter() - began
    after = resource.getrusage(resource.RUSAGE_CHILDREN)  # only this child ran since `before`
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    with open(out, "rb") as output:
        lines = sum(1 for _ in output)
    return wall, cpu, lines


def _command_line(args: argparse.Namespace, code: Path, env: dict[str, str], out: Path) -> None:
    print(f"through the command line ({code / 'app.py'} wheel; each run its own process, "
          f"{args.cli_repeat} interleaved pairs, medians):", flush=True)  # fmt: skip
    runs: dict[tuple[bool, int], list[tuple[float, float, int]]] = {}
    loads: dict[bool, list[float]] = {}
    for number in range(args.cli_repeat):
        for as_json in (False, True):
            for days in (365, 1) if number % 2 == 0 else (1, 365):
                run = _wheel_run(code, env, days, as_json, out)
                runs.setdefault((as_json, days), []).append(run)
            loads.setdefault(as_json, []).append(os.getloadavg()[0])
    median = statistics.median
    for as_json in (False, True):
        year, day = runs[as_json, 365], runs[as_json, 1]
        cpu_more = [a[1] - b[1] for a, b in zip(year, day, strict=True)]
        wall_more = [a[0] - b[0] for a, b in zip(year, day, strict=True)]
        print(f"{'--json' if as_json else 'plain':<7} "
              f"365 days: wall {median(r[0] for r in year):5.2f} s, "
              f"CPU {median(r[1] for r in year):5.2f} s ({year[0][2]:,} lines) | "
              f"1 day: wall {median(r[0] for r in day):5.2f} s, "
              f"CPU {median(r[1] for r in day):5.2f} s | "
              f"year more than day: wall {median(wall_more):+.2f} s, "
              f"CPU {median(cpu_more):+.2f} s "
              f"(pairs' CPU {', '.join(f'{c:+.2f}' for c in cpu_more)}) "
              f"| load {min(loads[as_json]):.2f}-{max(loads[as_json]):.2f}",
              flush=True)  # fmt: skip


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--groups", type=int, default=1000)
    parser.add_argument("--networks", type=int, default=10)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--cli-repeat", type=int, default=5,
                        help="pairs of `app.py wheel` runs, 365 days and 1 (0: none)")  # fmt: skip
    parser.add_argument("--code", type=Path, help="import the bot's modules from this tree")
    args = parser.parse_args()
    asyncio.run(run(args))
    return 0


if __name__ == "__main__":
    sys.exit(main())
