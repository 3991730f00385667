"""Whether someone else may have written since this process last looked, without a query.

Two things happen on every message: the registry's revision is checked (an edit made
through another replica must be seen) and the conversation reference is stored. Each
costs a database round trip, more than the rest of the turn together. The repositories
cache what they last read or wrote and ask a `ChangeFeed` whether the cache may be stale:
`version(topic)` moves whenever a write to the topic may have been committed by anyone
but the repository itself, and is None when the feed cannot tell (then they query, as
without a feed).

- PostgreSQL (several replicas): the feed LISTENs on one channel; writers call `notify`
  in their transaction, and PostgreSQL delivers the notification when it commits. A
  topic's version counts the notifications, and this process's own `notify` calls at
  once. While the listening connection is down the version is None, and it moves when
  the connection is back (what was sent meanwhile is lost). A closed connection is
  noticed at once, a silently stalled one by a query every `HEALTH_CHECK_SECONDS` (which
  also keeps idle-timeout firewalls from dropping it). Until then the caches are trusted
  (a turn needing nothing else is answered even while the server is down: no one can
  commit then); once noticed, never: every use queries, and gets the outage's error.
- SQLite (one serving process; the command line may write the registry from another):
  the registry's version is `PRAGMA data_version` on a connection of the feed's own,
  which moves with every commit of any other connection, in any process. It is read at
  most once every `SQLITE_RECHECK_SECONDS` (20 ms): in the middle of a turn the PRAGMA
  costs ~15-30 µs (a read transaction's file locks, cold caches), 2-4 % of the turn,
  and under load a few turns share one read. So a commit by another process (the command
  line's registry import) is seen by every message that arrives 20 ms after it; this
  process's own writes count at once, through its `notify`. Only the serving process
  writes conversation references, so for them only its own `notify` counts.

A notification arrives a moment after the commit (well under a millisecond on one host),
about as long as the query it replaces would have taken to see the commit.
"""

from __future__ import annotations

import asyncio
import logging
import sqlite3
import time
from collections import Counter
from collections.abc import Hashable
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncSession, create_async_engine
from sqlalchemy.pool import NullPool

from storage.database import POSTGRES_CONNECT_TIMEOUT, Database

log = logging.getLogger(__name__)

CHANNEL = "samverkan_changes"  # the one LISTEN/NOTIFY channel; the payload is the topic

REGISTRY = "registry"  # networks, groups, roles, holders (storage.registry_repository)
REFERENCES = "references"  # conversation references (storage.conversations)

# Topics that another process may write on SQLite: the command line's registry import.
_SQLITE_EXTERNAL_TOPICS = frozenset({REGISTRY})

HEALTH_CHECK_SECONDS = 5.0
SQLITE_RECHECK_SECONDS = 0.02  # how long one read of PRAGMA data_version stands
RECONNECT_SECONDS = (0.5, 1, 2, 5, 10)  # then every 10 s


# Changes this process made, per topic: part of every version, so a repository also
# notices writes made through another object (another repository, a maintenance task).
_local_changes: Counter[str] = Counter()


async def notify(session: AsyncSession, topic: str) -> None:
    """Tell every feed that `topic` changed: in this process now, in the others at commit.

    Call it after the statements that change the topic: their row locks (the write lock,
    on SQLite) keep a concurrent writer waiting until this transaction commits.
    """
    _local_changes[topic] += 1
    if session.bind.dialect.name == "postgresql":
        await session.execute(select(func.pg_notify(CHANNEL, topic)))


class ChangeFeed:
    """Per-topic versions that move when another writer may have changed the topic."""

    def __init__(self, database: Database):
        self._database = database
        self._counts: Counter[str] = Counter()
        self._epoch = 0  # moves on every (re)connection of the PostgreSQL listener
        self._listening = False
        self._task: asyncio.Task[None] | None = None
        self._sqlite: sqlite3.Connection | None = None
        self._data_version_cursor: sqlite3.Cursor | None = None  # reused: a little cheaper
        self._data_version_read: tuple[int, float] | None = None  # value, time.monotonic()

    async def start(self) -> None:
        """Begin following changes (PostgreSQL: connect and LISTEN in the background)."""
        if self._database.dialect == "postgresql":
            self._task = asyncio.create_task(self._listen(), name="change-feed")
        else:
            path = make_url(self._database.url).database
            if path and path != ":memory:":
                # timeout=0: never wait for a lock; an error only means "cannot tell".
                self._sqlite = sqlite3.connect(
                    path, timeout=0, isolation_level=None, check_same_thread=False
                )
                self._data_version_cursor = self._sqlite.cursor()

    async def close(self) -> None:
        """Stop following; every version is None afterwards."""
        if self._task is not None:
            self._task.cancel()
            await asyncio.gather(self._task, return_exceptions=True)
            self._task = None
        if self._sqlite is not None:
            self._sqlite.close()
            self._sqlite = None
            self._data_version_cursor = None
            self._data_version_read = None

    def version(self, topic: str) -> Hashable | None:
        """A value that differs from every earlier one once `topic` may have changed.

        None when the feed cannot tell: not started, closed, or not listening right now.
        """
        local = _local_changes[topic]
        if self._database.dialect == "postgresql":
            return (self._epoch, self._counts[topic], local) if self._listening else None
        if self._data_version_cursor is None:
            return None
        if topic not in _SQLITE_EXTERNAL_TOPICS:
            return (0, local)
        data_version = self._data_version()
        return (data_version, local) if data_version is not None else None

    def _data_version(self) -> int | None:
        """PRAGMA data_version, as read within the last `SQLITE_RECHECK_SECONDS`; None on
        an error."""
        now = time.monotonic()
        if self._data_version_read is not None:
            value, read_at = self._data_version_read
            if now - read_at < SQLITE_RECHECK_SECONDS:
                return value
        try:
            # fetchone also finishes the statement: no read transaction stays open.
            (data_version,) = self._data_version_cursor.execute("PRAGMA data_version").fetchone()
        except sqlite3.Error:
            self._data_version_read = None
            return None
        self._data_version_read = (data_version, now)
        return data_version

    async def _listen(self) -> None:
        url = make_url(self._database.url)
        engine = create_async_engine(url, poolclass=NullPool, **_connect_args(url))
        failures = 0
        try:
            while True:
                try:
                    async with engine.connect() as connection:
                        raw = (await connection.get_raw_connection()).driver_connection
                        closed = asyncio.Event()
                        raw.add_termination_listener(lambda _, event=closed: event.set())
                        await raw.add_listener(CHANNEL, self._on_notification)
                        self._epoch += 1
                        self._listening = True
                        failures = 0
                        log.info("following database changes", extra={"channel": CHANNEL})
                        while not closed.is_set():
                            try:
                                await asyncio.wait_for(closed.wait(), HEALTH_CHECK_SECONDS)
                            except TimeoutError:
                                await asyncio.wait_for(
                                    raw.fetchval("SELECT 1"), HEALTH_CHECK_SECONDS
                                )
                        raise ConnectionError("the listening connection was closed")
                except asyncio.CancelledError:
                    raise
                except Exception as error:  # noqa: BLE001 - any failure: reconnect
                    log.warning(
                        "change feed disconnected; querying on every use until it is back",
                        extra={"error": type(error).__name__},
                    )
                finally:
                    self._listening = False
                    self._epoch += 1
                await asyncio.sleep(RECONNECT_SECONDS[min(failures, len(RECONNECT_SECONDS) - 1)])
                failures += 1
        finally:
            await engine.dispose()

    def _on_notification(self, connection: Any, pid: int, channel: str, payload: str) -> None:
        self._counts[payload] += 1


def _connect_args(url: Any) -> dict[str, Any]:
    # As storage.database connects: a bounded wait for an unreachable server.
    return {} if "timeout" in url.query else {"connect_args": {"timeout": POSTGRES_CONNECT_TIMEOUT}}
