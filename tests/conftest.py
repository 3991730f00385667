"""Shared fixtures: migrated databases, on SQLite and on the real PostgreSQL server.

`database` runs a test twice, on a SQLite file and on PostgreSQL (marked `postgres`);
`sqlite_database` is one migrated SQLite file for suites that need only one database.
Migrations run once per database per session: SQLite tests get a copy of a migrated
file, PostgreSQL tests share one session database whose tables are emptied first.

PostgreSQL comes from `SAMVERKAN_TEST_POSTGRES_URL` (default: the local server); a
fresh database is created on it for the session and dropped at the end. Without a
server the PostgreSQL cases are skipped with the reason, except when `CI` is set to a
true value: then they fail, because a skipped PostgreSQL suite proves nothing.

`sender` is the real proactive sender of a local-mode adapter, for the scheduler and
bot suites alike; `until` waits for what changes outside the test's own awaits.
"""

from __future__ import annotations

import asyncio
import os
import shutil
import uuid
from collections.abc import AsyncIterator, Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from sqlalchemy import delete
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import create_async_engine

from bot.adapter import create_adapter
from bot.proactive import ConnectorSender
from bot.settings import Settings
from storage.database import Database
from storage.schema import Base

POSTGRES_URL_VARIABLE = "SAMVERKAN_TEST_POSTGRES_URL"
DEFAULT_POSTGRES_URL = "postgresql+asyncpg://postgres@127.0.0.1:5432/test"


async def until(condition: Callable[[], bool], timeout: float = 10) -> None:
    """Wait (at most `timeout` seconds) for `condition`, which changes from callbacks or
    other connections, not from anything the test awaits."""

    async def poll() -> None:
        while not condition():  # noqa: ASYNC110 - what changes it offers no event, by design
            await asyncio.sleep(0.01)

    await asyncio.wait_for(poll(), timeout)


def running_in_ci() -> bool:
    """Whether the `CI` environment variable is set to a true value."""
    return os.environ.get("CI", "").strip().lower() in {"1", "true", "yes", "on"}


def sqlite_url(path: Path) -> str:
    return f"sqlite+aiosqlite:///{path}"


@dataclass(frozen=True)
class PostgresServer:
    """The PostgreSQL server the tests may create databases on."""

    url: str  # a database on the server to connect to for CREATE/DROP DATABASE

    def url_for(self, name: str) -> str:
        return make_url(self.url).set(database=name).render_as_string(hide_password=False)

    async def execute(self, statement: str) -> None:
        """Run one statement outside a transaction (as CREATE DATABASE needs)."""
        engine = create_async_engine(
            self.url, isolation_level="AUTOCOMMIT", connect_args={"timeout": 5}
        )
        try:
            async with engine.connect() as connection:
                await connection.exec_driver_sql(statement)
        finally:
            await engine.dispose()

    def create_database(self) -> str:
        """A new, empty database with a unique name; returns its URL."""
        name = f"samverkan_test_{uuid.uuid4().hex[:12]}"
        asyncio.run(self.execute(f'CREATE DATABASE "{name}"'))
        return self.url_for(name)

    def drop_database(self, url: str) -> None:
        name = make_url(url).database
        asyncio.run(self.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


@pytest.fixture(scope="session")
def postgres_server() -> PostgresServer:
    """The test PostgreSQL server; skips (fails in CI) when it cannot be reached."""
    server = PostgresServer(os.environ.get(POSTGRES_URL_VARIABLE, DEFAULT_POSTGRES_URL))
    try:
        asyncio.run(server.execute("SELECT 1"))
    except Exception as err:  # whatever the reason, the server is of no use
        safe_url = make_url(server.url).render_as_string(hide_password=True)
        reason = f"PostgreSQL unreachable at {safe_url} ({POSTGRES_URL_VARIABLE}): {err!r}"
        if running_in_ci():
            pytest.fail(f"{reason}; CI is set, so this is a failure, not a skip")
        pytest.skip(reason)
    return server


@pytest.fixture(scope="session")
def postgres_url(postgres_server: PostgresServer) -> Iterator[str]:
    """A migrated database for this test session, dropped at its end."""
    url = postgres_server.create_database()
    try:
        asyncio.run(_migrate(url))
        yield url
    finally:
        postgres_server.drop_database(url)


@pytest.fixture
def empty_postgres_url(postgres_server: PostgresServer) -> Iterator[str]:
    """A new database with no tables at all, dropped after the test."""
    url = postgres_server.create_database()
    yield url
    postgres_server.drop_database(url)


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A migrated SQLite file that tests copy instead of migrating again."""
    path = tmp_path_factory.mktemp("sqlite-template") / "samverkan.db"
    asyncio.run(_migrate(sqlite_url(path)))
    return path


@pytest.fixture
async def sqlite_database(sqlite_template: Path, tmp_path: Path) -> AsyncIterator[Database]:
    """A migrated SQLite database in a temporary file of its own."""
    database = Database(_copy_sqlite(sqlite_template, tmp_path))
    yield database
    await database.close()


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """The URL of a migrated database, once on SQLite and once on PostgreSQL."""
    if request.param == "sqlite":
        return _copy_sqlite(request.getfixturevalue("sqlite_template"), tmp_path)
    return request.getfixturevalue("postgres_url")


@pytest.fixture
async def database(database_url: str) -> AsyncIterator[Database]:
    """A migrated database with no data, on SQLite and on PostgreSQL."""
    database = Database(database_url)
    if database.dialect == "postgresql":
        # Shared by the session's PostgreSQL tests: start each one empty.
        async with database.transaction() as session:
            for table in reversed(Base.metadata.sorted_tables):
                await session.execute(delete(table))
    yield database
    await database.close()


@pytest.fixture
async def sender() -> AsyncIterator[ConnectorSender]:
    """The real sender of a local-mode adapter (no tokens)."""
    adapter = create_adapter(Settings())
    yield ConnectorSender(adapter)
    await adapter.close()


def _copy_sqlite(template: Path, directory: Path) -> str:
    path = directory / "samverkan.db"
    shutil.copyfile(template, path)
    return sqlite_url(path)


async def _migrate(url: str) -> None:
    database = Database(url)
    try:
        await database.migrate()
    finally:
        await database.close()
