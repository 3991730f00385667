"""Fixtures for storage: a started change feed, a second replica, the emptied PostgreSQL."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from sqlalchemy import delete

from storage.changes import REGISTRY, ChangeFeed
from storage.conversations import BINDINGS
from storage.database import Database
from storage.schema import Base
from tests.conftest import until


@pytest.fixture
async def feed(database: Database) -> AsyncIterator[ChangeFeed]:
    """A started feed on `database`, once it can tell registry and binding changes."""
    feed = ChangeFeed(database)
    await feed.start()
    await until(lambda: None not in (feed.version(REGISTRY), feed.version(BINDINGS)))
    yield feed
    await feed.close()


@pytest.fixture
async def other_replica(database: Database) -> AsyncIterator[Database]:
    """A second connection pool to the same database: another replica, or the CLI."""
    other = Database(database.url)
    yield other
    await other.close()


@pytest.fixture
async def postgres_database(postgres_url: str) -> AsyncIterator[Database]:
    """The session's PostgreSQL database, emptied: for what only replicas can do."""
    database = Database(postgres_url)
    async with database.transaction() as session:
        for table in reversed(Base.metadata.sorted_tables):
            await session.execute(delete(table))
    yield database
    await database.close()
