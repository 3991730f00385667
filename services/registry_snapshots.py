"""The current role registry and its search index, shared by everything that answers.

The chat, the planner, the minutes flow and the calendar feed all read the registry
through `RegistrySnapshots`, so a change made on another replica is seen on the next turn
and the index is rebuilt once per change, not once per reader.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Iterable

from domain.examples import ExampleQuestion
from domain.ports import RegistryPort
from domain.registry import RoleRegistry
from services.who import ContactFinder

log = logging.getLogger(__name__)


class RegistrySnapshots:
    """The current registry and its search index, rebuilt only when the stored revision moves.

    Every replica asks the database for the revision (one small query) per turn, so an
    edit made through another replica is seen on the next message. The index is built in a
    worker thread (0.2 s for the shipped networks, most of a second for 2,000 groups): the
    event loop goes on with the work that does not wait for it (deliveries, the scheduler,
    health checks) instead of stopping until it is built.
    """

    def __init__(self, source: RegistryPort, examples: Iterable[ExampleQuestion] = ()):
        self._source = source
        self._examples = tuple(examples)  # labelled questions, for every index built
        self._revision: int | None = None
        self._snapshot: tuple[RoleRegistry, ContactFinder] | None = None
        self._lock = asyncio.Lock()

    async def current(self) -> tuple[RoleRegistry, ContactFinder]:
        revision = await self._source.revision()
        if self._snapshot is not None and revision == self._revision:
            return self._snapshot
        async with self._lock:
            if self._snapshot is None or revision != self._revision:
                registry = await self._source.load()
                finder = await asyncio.to_thread(ContactFinder, registry, self._examples)
                self._snapshot = (registry, finder)
                self._revision = revision
                log.info("registry loaded", extra={"revision": revision})
            return self._snapshot
