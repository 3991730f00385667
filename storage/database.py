"""The database connection: engine, transactions and migrations.

`Database(url)` opens SQLite (`sqlite+aiosqlite:///samverkan.db`, one process) or
PostgreSQL (`postgresql+asyncpg://user@host/db`, several replicas). At start the
application calls `await database.migrate()`, which brings the schema to the newest
Alembic migration; on PostgreSQL an advisory lock makes replicas that start together
migrate one after the other.

Adding a migration after changing `storage/schema.py` (from the repository root; any
scratch database will do, it is brought to the current head first):

    ALEMBIC=".venv/bin/alembic -c storage/migrations/alembic.ini -x url=sqlite+aiosqlite:///scratch.db"
    $ALEMBIC upgrade head
    $ALEMBIC revision --autogenerate --rev-id 0002 -m "add meetings"
    $ALEMBIC upgrade head
    $ALEMBIC check        # "No new upgrade operations detected."

Read the generated `storage/migrations/versions/0002_add_meetings.py` before
committing it (autogenerate misses renames and server defaults), and delete
scratch.db. Without `-x url=` the commands use `DATABASE_URL`, then this module's
default. `tests/storage/test_database.py` fails while models and migrations differ.

Outages: on PostgreSQL every pooled connection is pinged when it is checked out, so a
server restarted or failed over costs nothing but the reconnection; a connection that
breaks mid-statement invalidates the pool. While the server cannot be reached, opening
a connection raises `DatabaseUnavailable`, and `is_unavailable(error)` tells such
errors (and statements cut off by a server going down) from bugs, so that callers can
answer "try again shortly" (the HTTP edge: 503 with Retry-After) instead of failing.

Every PostgreSQL statement is bounded (`statement_timeout`, default
`STATEMENT_TIMEOUT_SECONDS`): one waiting for a lock that a stuck replica holds, or on a
server that stopped answering, fails after that long, and `is_unavailable` counts it as
an outage, so a turn answers 503 and a scheduler tick is skipped instead of hanging.
Migrating, and waiting for another replica's migration or first-start work, is exempt:
it may rightly take longer.
"""

from __future__ import annotations

import asyncio
import logging
import json
import os
import signal
import sqlite3
import traceback
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager, suppress
from pathlib import Path
from typing import Any, TypeVar

from sqlalchemy import Connection, event, func, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError, DBAPIError
from sqlalchemy.exc import TimeoutError as PoolTimeout
from sqlalchemy.ext.asyncio import (
    AsyncConnection,
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)
from sqlalchemy.pool import NullPool

log = logging.getLogger(__name__)

DEFAULT_DATABASE_URL = "sqlite+aiosqlite:///samverkan.db"

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"

SUPPORTED_DRIVERS = {"sqlite": "aiosqlite", "postgresql": "asyncpg"}

# Any fixed 64-bit number ("SAMVERKA" in ASCII); every replica must use the same one.
MIGRATION_LOCK_ID = 0x53_41_4D_56_45_52_4B_41
# Held around the first-start work after migrating (seeding the registry), likewise.
STARTUP_LOCK_ID = MIGRATION_LOCK_ID + 1

# How long SQLite waits for another writer before giving up with "database is locked".
SQLITE_BUSY_TIMEOUT_MS = 5_000
SQLITE_WAL_ATTEMPTS = 10  # switching a new file to WAL, see `_configure_sqlite`

# Seconds to wait for a PostgreSQL server before reporting it unavailable.
POSTGRES_CONNECT_TIMEOUT = 10

# How long one PostgreSQL statement may run, waiting for locks included, before the
# server cancels it (`DATABASE_STATEMENT_TIMEOUT_SECONDS`). The bot's statements take
# milliseconds, and the Bot Connector waits about 15 s for a turn: a statement this slow
# is stuck behind something, not busy.
STATEMENT_TIMEOUT_SECONDS = 15.0
# How much longer the client waits for an answer before giving up by itself: only a
# server that answers nothing at all (hung, or cut off without a reset) takes that long.
CLIENT_TIMEOUT_GRACE_SECONDS = 5.0

# How long `ping` waits for `SELECT 1` before calling the database unavailable.
PING_TIMEOUT_SECONDS = 2.0

# The longest pause between two attempts of `retry_while_unavailable`.
MAX_RETRY_DELAY_SECONDS = 30.0

_T = TypeVar("_T")

# SQLSTATE classes of an unusable server: 08 connection exception, 57P01-57P03 admin or
# crash shutdown and "cannot connect now" (starting up or in recovery).
_UNAVAILABLE_STATES = ("08", "57P01", "57P02", "57P03")
# query_canceled: the statement timeout ran out (or an administrator cancelled it).
_CANCELLED_STATE = "57014"

# Execution option naming a SQLite transaction that will write (see `_begin_sqlite`).
_WRITES = "samverkan_writes"
# Execution option of `Database.statement` on SQLite: no BEGIN, the statement commits alone.
_SINGLE_STATEMENT = "samverkan_single_statement"


class DatabaseUnavailable(Exception):
    """The database cannot be used: unreachable, unopenable or an unsupported URL.

    The message names the URL (never its password) and the cause.
    """

    def __init__(self, url: str, cause: str):
        super().__init__(f"cannot use database {url}: {cause}")
        self.url = url
        self.cause = cause


class Database:
    """An async SQLAlchemy engine with the bot's transaction helpers.

    Repositories open a `transaction()` to write and a `snapshot()` to read several
    tables consistently; nothing outside `storage/` touches the engine.
    """

    def __init__(
        self,
        url: str = DEFAULT_DATABASE_URL,
        *,
        statement_timeout: float = STATEMENT_TIMEOUT_SECONDS,
    ):
        """Open (lazily) the database at `url`; on PostgreSQL no statement of a turn, a
        tick or a command runs longer than `statement_timeout` seconds."""
        if not statement_timeout > 0:
            raise ValueError(f"statement_timeout must be positive, not {statement_timeout!r}")
        self.url = url  # as given, password included: log `safe_url` instead
        try:
            parsed = make_url(url)
        except ArgumentError as err:
            raise DatabaseUnavailable(repr(url), f"not a database URL ({err})") from None
        self.safe_url = parsed.render_as_string(hide_password=True)
        self.dialect = parsed.get_backend_name()
        if SUPPORTED_DRIVERS.get(self.dialect) != parsed.get_driver_name():
            raise DatabaseUnavailable(
                self.safe_url,
                "unsupported URL; use sqlite+aiosqlite:///FILE.db or "
                "postgresql+asyncpg://USER@HOST:PORT/DB",
            )
        self._statement_timeout = statement_timeout
        self._engine = create_async_engine(parsed, **_engine_options(parsed, statement_timeout))
        # For work that may rightly outlast any statement of a turn (see `migrate`).
        self._unbounded_engine = self._engine
        writer, reader = self._engine, self._engine
        if self.dialect == "postgresql":
            self._unbounded_engine = create_async_engine(
                parsed, poolclass=NullPool, **_engine_options(parsed, None)
            )
            for engine in (self._engine, self._unbounded_engine):
                event.listen(engine.sync_engine, "do_connect", self._connect_or_unavailable)
        if self.dialect == "sqlite":
            event.listen(self._engine.sync_engine, "do_connect", _check_sqlite_file_opens)
            event.listen(self._engine.sync_engine, "connect", _configure_sqlite)
            event.listen(self._engine.sync_engine, "begin", _begin_sqlite)
            writer = self._engine.execution_options(**{_WRITES: True})
        else:
            # Each statement of a multi-table read must see the same committed state.
            reader = self._engine.execution_options(
                isolation_level="REPEATABLE READ", postgresql_readonly=True
            )
        # One statement that commits by itself: no BEGIN and COMMIT around it.
        self._statement_engine = (
            self._engine.execution_options(**{_SINGLE_STATEMENT: True})
            if self.dialect == "sqlite"
            else self._engine.execution_options(isolation_level="AUTOCOMMIT")
        )
        self._writer = async_sessionmaker(writer, expire_on_commit=False)
        self._reader = async_sessionmaker(reader, expire_on_commit=False)

    def transaction(self) -> AbstractAsyncContextManager[AsyncSession]:
        """A session in a write transaction, committed on normal exit, rolled back on error."""
        return self._writer.begin()

    def statement(self) -> AbstractAsyncContextManager[AsyncConnection]:
        """A connection for one write statement that commits by itself (atomic, as every
        single statement is), without the BEGIN and COMMIT round trips of `transaction`
        nor its ORM session: for a hot path's one UPDATE. Run one statement in it."""
        return self._statement_engine.connect()

    def snapshot(self) -> AbstractAsyncContextManager[AsyncSession]:
        """A session whose reads all see one consistent state of the database."""
        return self._reader.begin()

    def insert(self, model: Any) -> sqlite.Insert | postgresql.Insert:
        """An INSERT for this database's dialect; it supports `on_conflict_do_update`."""
        if self.dialect == "postgresql":
            return postgresql.insert(model)
        return sqlite.insert(model)

    async def migrate(self) -> None:
        """Bring the schema to the newest migration; a no-op when it is already there.

        Not bounded by the statement timeout: a migration may rewrite a large table, and
        a replica waits here for as long as another one migrates. Raises
        `DatabaseUnavailable` when the database cannot be reached.

        Where the system forks (Linux), Alembic runs in a child process with a connection
        of its own, so this process never imports it: Alembic, Mako and their scripts
        (110 modules, ~8 MiB with pygments installed) would stay in a serving bot's memory
        for nothing. A fork copies the loaded process, so nothing is imported twice. A
        SQLite file this process already has open is migrated here: SQLite's own record of
        the process's locks would be copied into the child, wrong there ("database is
        locked"); an in-memory database exists in this process only.
        """
        if hasattr(os, "fork") and not self._open_in_this_process():
            await _in_forked_child("_migrate_here", self.url, self._statement_timeout)
        else:
            await self._migrate_here()
        log.info("database schema up to date", extra={"database": self.safe_url})

    def _open_in_this_process(self) -> bool:
        """Whether this is a SQLite database that a child could not migrate for us: in
        memory, or a file this process holds open (or cannot tell)."""
        if self.dialect != "sqlite":
            return False
        path = make_url(self.url).database
        if not path or path == ":memory:" or path.startswith("file:"):
            return True
        try:
            wanted = os.stat(path)
        except FileNotFoundError:
            return False  # a new file: nobody has it open
        descriptors = Path("/proc/self/fd")
        if not descriptors.is_dir():
            return True
        for descriptor in descriptors.iterdir():
            with suppress(OSError):
                found = os.stat(descriptor)
                if (found.st_dev, found.st_ino) == (wanted.st_dev, wanted.st_ino):
                    return True
        return False

    async def _migrate_here(self) -> None:
        connection = await self._connect(self._unbounded_engine)
        try:
            if self.dialect == "sqlite":
                # Take the write lock at BEGIN, so a second process waits instead of failing.
                await connection.execution_options(**{_WRITES: True})
            async with connection.begin():
                if self.dialect == "postgresql":
                    # Held until commit: a second replica waits, then finds the schema at head.
                    await connection.execute(select(func.pg_advisory_xact_lock(MIGRATION_LOCK_ID)))
                await connection.run_sync(_upgrade_to_head)
        finally:
            await connection.close()

    @asynccontextmanager
    async def startup_lock(self) -> AsyncIterator[None]:
        """Run the block in one process at a time: the first-start work of replicas that
        start together ("is the registry empty? then seed it") must not interleave.

        PostgreSQL: a session advisory lock on a connection of its own, released at the
        end (or by the server, should the process die); waiting for it is not bounded by
        the statement timeout, since the other replica's work may take longer. SQLite:
        nothing to do, one process serves.
        """
        if self.dialect != "postgresql":
            yield
            return
        connection = await self._connect(self._unbounded_engine)
        try:
            await connection.execute(select(func.pg_advisory_lock(STARTUP_LOCK_ID)))
            await connection.commit()  # a session lock: it outlives this transaction
            try:
                yield
            finally:
                with suppress(OSError, DBAPIError):  # a broken connection released it already
                    await connection.execute(select(func.pg_advisory_unlock(STARTUP_LOCK_ID)))
                    await connection.commit()
        finally:
            await connection.close()

    async def ping(self, within: float = PING_TIMEOUT_SECONDS) -> None:
        """Run `SELECT 1`; raises `DatabaseUnavailable` when it fails or takes over `within` s."""
        try:
            async with asyncio.timeout(within):
                connection = await self._connect()
                try:
                    await connection.execute(select(1))
                finally:
                    await connection.close()
        except TimeoutError:
            raise DatabaseUnavailable(self.safe_url, f"no answer within {within:g} s") from None
        except (OSError, DBAPIError) as err:
            raise DatabaseUnavailable(self.safe_url, _describe(err)) from err

    async def close(self) -> None:
        """Close every pooled connection."""
        await self._engine.dispose()
        if self._unbounded_engine is not self._engine:
            await self._unbounded_engine.dispose()

    async def _connect(self, engine: AsyncEngine | None = None) -> AsyncConnection:
        try:
            return await (engine or self._engine).connect()
        except (OSError, TimeoutError, DBAPIError) as err:
            raise DatabaseUnavailable(self.safe_url, _describe(err)) from err

    def _connect_or_unavailable(
        self, dialect: Any, _record: Any, cargs: list[Any], cparams: dict[str, Any]
    ) -> Any:
        # The driver reports an unreachable server as a bare OSError or TimeoutError,
        # indistinguishable from any other failed socket in a turn; named here, where it
        # is known to be the database, every caller can tell it apart (`is_unavailable`).
        try:
            return dialect.connect(*cargs, **cparams)
        except Exception as err:
            if isinstance(err, OSError | TimeoutError) or _sqlstate(err).startswith(
                _UNAVAILABLE_STATES
            ):
                raise DatabaseUnavailable(self.safe_url, _describe(err)) from err
            raise


def is_unavailable(error: BaseException) -> bool:
    """Whether `error` (or what caused it) means the database cannot be used right now.

    True for `DatabaseUnavailable` (no connection could be opened), for a statement cut
    off because its connection broke (server restarted, failed over, network dropped),
    for the server refusing work while it starts or shuts down, for a statement that
    outlasted the statement timeout (a lock held by a stuck replica, a server too slow
    or not answering), and for no pooled connection coming free in time (overload);
    False for anything else, bugs and constraint violations included. Such an operation
    may succeed when tried again.
    """
    seen: set[int] = set()
    pending: list[BaseException] = [error]
    while pending:
        current = pending.pop()
        if id(current) in seen:
            continue
        seen.add(id(current))
        if isinstance(current, DatabaseUnavailable | PoolTimeout):
            return True
        if isinstance(current, OSError | TimeoutError) and _raised_by_driver(current):
            return True  # the socket to the server broke under the driver, not wrapped
        if isinstance(current, DBAPIError) and (
            current.connection_invalidated
            or _sqlstate(current.orig).startswith((*_UNAVAILABLE_STATES, _CANCELLED_STATE))
        ):
            return True
        # A failed rollback raises its own error with the real one as its context.
        pending += [e for e in (current.__cause__, current.__context__) if e is not None]
    return False


def _raised_by_driver(error: BaseException) -> bool:
    """Whether `error` was raised inside SQLAlchemy or asyncpg (not, e.g., by an HTTP call)."""
    frame = error.__traceback__
    while frame is not None:
        if frame.tb_frame.f_globals.get("__name__", "").startswith(("asyncpg.", "sqlalchemy.")):
            return True
        frame = frame.tb_next
    return False


def _sqlstate(error: BaseException | None) -> str:
    """The SQLSTATE of a driver error, or "" when it has none."""
    # asyncpg's own exception, with its SQLSTATE, is the cause of SQLAlchemy's adapter's.
    cause = error
    while cause is not None:
        state = getattr(cause, "sqlstate", None) or getattr(cause, "pgcode", None)
        if isinstance(state, str):
            return state
        cause = cause.__cause__
    return ""


async def retry_while_unavailable(
    attempt: Callable[[], Awaitable[_T]],
    *,
    give_up_after: float,
    max_delay: float = MAX_RETRY_DELAY_SECONDS,
) -> _T:
    """`await attempt()`, again after 1, 2, 4 … `max_delay` s while the database is unavailable.

    Each failure is one WARNING line naming the database (no password) and the cause;
    once `give_up_after` seconds have passed, the last `DatabaseUnavailable` is raised.
    For a server that starts with its database; a command someone waits for fails fast.
    """
    loop = asyncio.get_running_loop()
    give_up_at = loop.time() + give_up_after
    delay, number = 1.0, 0
    while True:
        number += 1
        try:
            return await attempt()
        except DatabaseUnavailable as err:
            remaining = give_up_at - loop.time()
            if remaining <= 0:
                raise
            pause = min(delay, remaining)
            log.warning("%s (attempt %d); retrying in %.3g s", err, number, pause)
            await asyncio.sleep(pause)
            delay = min(delay * 2, max_delay)


def _describe(err: BaseException) -> str:
    cause = err
    while cause.__cause__ is not None:  # the driver's own error says most
        cause = cause.__cause__
    return f"{type(cause).__name__}: {cause}" if str(cause) else type(cause).__name__


def _engine_options(url: URL, statement_timeout: float | None) -> dict[str, Any]:
    """Engine options for `url`; on PostgreSQL, statements bounded by `statement_timeout`
    seconds (None: unbounded).

    `hide_parameters`: a statement's parameters are message texts, names and e-mails;
    an error (or SQLAlchemy's own logging) must never print them.
    """
    if url.get_backend_name() == "sqlite":
        return {"hide_parameters": True}
    connect_args: dict[str, Any] = {}
    if "timeout" not in url.query:
        connect_args["timeout"] = POSTGRES_CONNECT_TIMEOUT
    if statement_timeout is not None:
        # The server cancels the statement (a clean error; the connection stays usable);
        # the client's own limit is for a server that cannot even do that.
        milliseconds = max(1, round(statement_timeout * 1000))
        connect_args["server_settings"] = {"statement_timeout": str(milliseconds)}
        connect_args["command_timeout"] = statement_timeout + CLIENT_TIMEOUT_GRACE_SECONDS
    # Pinging on checkout survives a server restart or failover.
    return {"pool_pre_ping": True, "connect_args": connect_args, "hide_parameters": True}


def _check_sqlite_file_opens(
    _dialect: Any, _record: Any, cargs: list[Any], cparams: dict[str, Any]
) -> None:
    # aiosqlite (0.22) answers a file it cannot open by stopping its worker thread without
    # waiting for it; the thread then reports to an event loop that may be closed by then
    # ("RuntimeError: Event loop is closed" in a thread, seen in the tests). Opening the file
    # with sqlite3 first raises the same error with no thread left behind; returning None
    # lets the dialect connect as usual. A local open: well under a millisecond, and only
    # when the pool opens a new connection.
    sqlite3.connect(*cargs, **cparams).close()


def _configure_sqlite(dbapi_connection: Any, _record: Any) -> None:
    # The sqlite3 driver opens transactions lazily and never before DDL, so a failed
    # migration would be half applied; with its own handling off, `_begin_sqlite` BEGINs.
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    # First: switching to WAL needs the lock another process may hold while it migrates.
    cursor.execute(f"PRAGMA busy_timeout = {SQLITE_BUSY_TIMEOUT_MS}")
    cursor.execute("PRAGMA foreign_keys = ON")
    # Readers do not block the writer in WAL. Two processes opening a new file at once may
    # both hold a shared lock and both want the exclusive one to switch: SQLite answers one
    # of them "database is locked" at once, without the busy timeout (it would deadlock), so
    # try again briefly; the other has switched the file by then.
    for attempt in range(SQLITE_WAL_ATTEMPTS):
        try:
            cursor.execute("PRAGMA journal_mode = WAL")
            break
        except Exception as error:  # the driver's OperationalError, whichever module's
            if "locked" not in str(error) or attempt == SQLITE_WAL_ATTEMPTS - 1:
                raise
            time.sleep(0.05 * (attempt + 1))
    cursor.close()


def _begin_sqlite(connection: Connection) -> None:
    # A transaction that starts by reading and later writes fails at once ("database is
    # locked") when another process wrote meanwhile; BEGIN IMMEDIATE waits its turn instead.
    options = connection.get_execution_options()
    if options.get(_SINGLE_STATEMENT, False):
        return  # the driver runs without a transaction of its own: the statement commits
    connection.exec_driver_sql("BEGIN IMMEDIATE" if options.get(_WRITES, False) else "BEGIN")


async def _in_forked_child(name: str, url: str, statement_timeout: float) -> None:
    """Run `Database(url).<name>()` in a forked child and wait for it; its exception, if
    any, is raised here (`DatabaseUnavailable` as itself, anything else as a
    `RuntimeError` with the child's traceback)."""
    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: a fresh engine and event loop (the parent's are not ours)
        code = 0
        try:
            os.close(read_end)
            with suppress(ValueError):  # forked from a thread other than the main one
                # The parent's event loop set these (aiohttp's SIGINT/SIGTERM handlers write
                # to its wakeup socket): the child ends on a signal by itself instead.
                signal.set_wakeup_fd(-1)
                signal.signal(signal.SIGTERM, signal.SIG_DFL)
                signal.signal(signal.SIGINT, signal.default_int_handler)
            try:
                asyncio.run(_run_fresh(url, statement_timeout, name))
            except BaseException as err:  # noqa: BLE001 - reported to the parent
                code = 1
                failure: tuple[str, Any] = (
                    ("unavailable", [err.url, err.cause])
                    if isinstance(err, DatabaseUnavailable)
                    else ("error", "".join(traceback.format_exception(err)))
                )
                os.write(write_end, json.dumps(failure).encode())
        finally:
            os._exit(code)  # nothing of the parent's (atexit, finalizers) runs here
    os.close(write_end)
    try:
        report = await _read_to_end(read_end)
    except BaseException:
        # Cancelled (the bot stopping while it starts): the child's transaction rolls back.
        with suppress(ProcessLookupError):
            os.kill(pid, signal.SIGKILL)
        os.waitpid(pid, 0)
        raise
    status = os.waitpid(pid, 0)[1]  # it closed the pipe by ending: at most a moment
    if report:
        kind, detail = json.loads(report)
        if kind == "unavailable":
            raise DatabaseUnavailable(*detail)
        raise RuntimeError(f"{name} failed in its child process:\n{detail}")
    if status != 0:
        raise RuntimeError(f"{name} ended with wait status {status} in its child process")


async def _run_fresh(url: str, statement_timeout: float, name: str) -> None:
    database = Database(url, statement_timeout=statement_timeout)
    try:
        await getattr(database, name)()
    finally:
        await database.close()


async def _read_to_end(fd: int) -> bytes:
    """What is written to the pipe `fd` until its writer closes it; then `fd` is closed.
    Read on the event loop: no thread is started for it."""
    loop = asyncio.get_running_loop()
    ended: asyncio.Future[None] = loop.create_future()
    chunks: list[bytes] = []

    def readable() -> None:
        try:
            chunk = os.read(fd, 65536)
        except BlockingIOError:
            return
        if chunk:
            chunks.append(chunk)
        elif not ended.done():
            ended.set_result(None)

    os.set_blocking(fd, False)
    loop.add_reader(fd, readable)
    try:
        await ended
    finally:
        loop.remove_reader(fd)
        os.close(fd)
    return b"".join(chunks)


def _upgrade_to_head(connection: Connection) -> None:
    # Imported here, in the process that migrates (see `Database.migrate`).
    from alembic import command
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    config.attributes["connection"] = connection
    command.upgrade(config, "head")
