"""The search index is rebuilt when the registry changes without stopping the event loop:
deliveries, the scheduler and health checks go on while it is built."""

from __future__ import annotations

import asyncio
from pathlib import Path

from domain.registry import RoleRegistry
from services.registry_snapshots import RegistrySnapshots
from services.who import ContactFinder
from storage.registry_files import load_directory

SHIPPED = load_directory(Path(__file__).resolve().parents[2] / "data" / "networks")


class ChangingRegistry:
    """The two calls `RegistrySnapshots` makes of the registry port, answered at once."""

    def __init__(self, registry: RoleRegistry):
        self.registry = registry
        self.number = 1

    async def revision(self) -> int:
        return self.number

    async def load(self) -> RoleRegistry:
        return self.registry


async def test_the_event_loop_goes_on_while_the_index_is_rebuilt():
    source = ChangingRegistry(SHIPPED)
    snapshots = RegistrySnapshots(source)
    await snapshots.current()
    other_work_done = 0
    rebuilding = True

    async def other_work() -> None:  # a delivery, a health check: anything on the loop
        nonlocal other_work_done
        while rebuilding:
            other_work_done += 1
            await asyncio.sleep(0)

    worker = asyncio.create_task(other_work())
    await asyncio.sleep(0)
    source.number = 2  # an edit: the index is built anew (~0.2 s for the shipped networks)
    registry, finder = await snapshots.current()
    rebuilding = False
    await worker

    assert isinstance(finder, ContactFinder) and registry is SHIPPED
    # Stopped for the build, the loop would have run the other work once, before it.
    assert other_work_done > 5
    matches = finder.find("vem bokar lokal?", network_key="bestservice", group_key="logistik")
    assert matches.matches[0].role_key == "motesansvarig"


async def test_an_unchanged_registry_is_not_indexed_again():
    snapshots = RegistrySnapshots(ChangingRegistry(SHIPPED))
    first = await snapshots.current()
    assert await snapshots.current() is first
