"""A PostgreSQL statement that waits too long fails as an outage; migrating may wait.

A lock held by a stuck replica (here: another connection that keeps a row or an advisory
lock) and a server that stops answering must not hang a turn or a tick forever.
"""

from __future__ import annotations

import asyncio
import time
import uuid
from collections.abc import AsyncIterator

import pytest
from sqlalchemy import func, select, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError

import storage.database
from storage.conversations import ConversationStore
from storage.database import MIGRATION_LOCK_ID, STARTUP_LOCK_ID, Database, is_unavailable

pytestmark = pytest.mark.postgres

TIMEOUT = 0.5


def _reference(conversation_id: str) -> dict[str, object]:
    return {"conversation": {"id": conversation_id}, "serviceUrl": "https://smba.example/"}


@pytest.fixture
async def bounded(postgres_url: str) -> AsyncIterator[Database]:
    """The session's PostgreSQL database with a short statement timeout."""
    database = Database(postgres_url, statement_timeout=TIMEOUT)
    yield database
    await database.close()


@pytest.fixture
async def other_replica(postgres_url: str) -> AsyncIterator[Database]:
    """A second handle on the same database, standing for a replica that holds locks."""
    database = Database(postgres_url)
    yield database
    await database.close()


async def test_a_statement_waiting_on_a_locked_row_fails_after_the_timeout_as_an_outage(
    bounded: Database, other_replica: Database
) -> None:
    conversation_id = f"a:locked-{uuid.uuid4().hex}"
    store = ConversationStore(bounded)
    await store.save_reference(
        _reference(conversation_id), tenant_id=None, team_id=None, channel_id=None, kind="personal"
    )

    async with other_replica.transaction() as holder:
        await holder.execute(
            text("SELECT 1 FROM conversation_reference WHERE conversation_id = :id FOR UPDATE"),
            {"id": conversation_id},
        )
        started = time.monotonic()
        with pytest.raises(DBAPIError, match="statement timeout") as error:
            await store.set_active(conversation_id, False)
        waited = time.monotonic() - started

    assert TIMEOUT <= waited < TIMEOUT + 2
    assert is_unavailable(error.value)
    # The connection survived the cancelled statement: the same store works once the
    # lock is gone.
    assert await store.set_active(conversation_id, False)


@pytest.mark.parametrize(
    ("lock_id", "operation"),
    [(MIGRATION_LOCK_ID, "migrate"), (STARTUP_LOCK_ID, "startup_lock")],
)
async def test_waiting_for_another_replicas_migration_or_seeding_is_not_cut_short(
    bounded: Database, other_replica: Database, lock_id: int, operation: str
) -> None:
    held_for = 3 * TIMEOUT

    async def run() -> None:
        if operation == "migrate":
            await bounded.migrate()
        else:
            async with bounded.startup_lock():
                pass

    async with other_replica.transaction() as holder:
        await holder.execute(select(func.pg_advisory_xact_lock(lock_id)))
        waiting = asyncio.create_task(run())
        await asyncio.sleep(held_for)
        assert not waiting.done()
    started = time.monotonic()
    await asyncio.wait_for(waiting, timeout=30)  # the lock went with the commit

    assert time.monotonic() - started < 5


async def test_a_server_that_stops_answering_is_given_up_on_as_an_outage(
    postgres_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The server cannot cancel what it never hears of: the client's own limit applies.
    # Shortened here from seconds, so the test does not sit out the production grace.
    monkeypatch.setattr(storage.database, "CLIENT_TIMEOUT_GRACE_SECONDS", 0.2)
    server = make_url(postgres_url)
    async with BlackHoleProxy(server.host or "127.0.0.1", server.port or 5432) as proxy:
        through_proxy = server.set(host="127.0.0.1", port=proxy.port)
        database = Database(
            through_proxy.render_as_string(hide_password=False), statement_timeout=TIMEOUT
        )
        try:
            async with database.snapshot() as session:
                assert await session.scalar(select(1)) == 1
            proxy.stop_answering()

            started = time.monotonic()
            with pytest.raises(Exception) as error:  # noqa: B017 - the driver's TimeoutError
                async with database.snapshot() as session:
                    await session.scalar(select(1))
            waited = time.monotonic() - started
        finally:
            await database.close()

    assert is_unavailable(error.value), repr(error.value)
    # At most twice the limit: the statement, then the rollback of its transaction.
    assert waited < 2 * (TIMEOUT + 0.2) + 1


class BlackHoleProxy:
    """A TCP proxy to a real server that, once told, swallows everything both ways:
    a hung server, or a network that drops packets without a reset."""

    def __init__(self, host: str, port: int):
        self._target = (host, port)
        self._silent = asyncio.Event()
        self._tasks: set[asyncio.Task[None]] = set()
        self._writers: list[asyncio.StreamWriter] = []
        self.port = 0

    async def __aenter__(self) -> BlackHoleProxy:
        self._server = await asyncio.start_server(self._accept, "127.0.0.1", 0)
        self.port = self._server.sockets[0].getsockname()[1]
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        self._server.close()
        for task in self._tasks:
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)
        for writer in self._writers:
            writer.close()
        await self._server.wait_closed()

    def stop_answering(self) -> None:
        self._silent.set()

    async def _accept(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        upstream_reader, upstream_writer = await asyncio.open_connection(*self._target)
        self._writers += [writer, upstream_writer]
        for source, target in ((reader, upstream_writer), (upstream_reader, writer)):
            task = asyncio.create_task(self._pump(source, target))
            self._tasks.add(task)

    async def _pump(self, source: asyncio.StreamReader, target: asyncio.StreamWriter) -> None:
        while data := await source.read(65536):
            if self._silent.is_set():
                continue  # read and dropped: the peer's bytes vanish
            target.write(data)
            await target.drain()
