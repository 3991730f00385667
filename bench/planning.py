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

With `--code DIR` the modules are imported from DIR instead of this checkout (a
`git archive` of another commit), so old and new code run the same bench.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
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


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--groups", type=int, default=1000)
    parser.add_argument("--networks", type=int, default=10)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--code", type=Path, help="import the bot's modules from this tree")
    args = parser.parse_args()
    asyncio.run(run(args))
    return 0


if __name__ == "__main__":
    sys.exit(main())
