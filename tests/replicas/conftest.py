"""Fixtures for the replica tests: a private PostgreSQL cluster, bot processes, a connector.

Without PostgreSQL server binaries the tests are skipped with the reason, except when
`CI` is set to a true value: then they fail, as the PostgreSQL tests do
(`tests/conftest.py`).
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable, Iterator
from pathlib import Path
from typing import Any

import aiohttp
import pytest

from tests.conftest import running_in_ci
from tests.replicas.cluster import ClusterUnavailable, PrivateCluster
from tests.replicas.processes import RecordingConnector, Replica


@pytest.fixture(scope="session")
def private_cluster() -> Iterator[PrivateCluster]:
    """A PostgreSQL cluster of the tests' own, running; removed at the end of the session."""
    try:
        cluster = PrivateCluster.create()
    except ClusterUnavailable as err:
        reason = f"cannot run a private PostgreSQL cluster: {err}"
        if running_in_ci():
            pytest.fail(f"{reason}; CI is set, so this is a failure, not a skip")
        pytest.skip(reason)
    try:
        cluster.start()
        yield cluster
    finally:
        cluster.remove()


@pytest.fixture
async def cluster_database_url(private_cluster: PrivateCluster) -> str:
    """A new, empty database on the private cluster (started again if a test stopped it)."""
    if not private_cluster.running():
        await asyncio.to_thread(private_cluster.start)
    return await private_cluster.create_database()


@pytest.fixture
async def connector() -> AsyncIterator[RecordingConnector]:
    async with RecordingConnector() as running:
        yield running


@pytest.fixture
async def http() -> AsyncIterator[aiohttp.ClientSession]:
    async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=30)) as session:
        yield session


@pytest.fixture
def spawn(tmp_path: Path) -> Iterator[Callable[..., Replica]]:
    """Start `app.py serve` processes (`spawn(name, database_url=..., ...)`); all are
    ended after the test."""
    started: list[Replica] = []

    def start(name: str, **options: Any) -> Replica:
        replica = Replica.spawn(name, workdir=tmp_path, **options)
        started.append(replica)
        return replica

    yield start
    for replica in started:  # all at once: each takes a moment to shut down
        if replica.process.poll() is None:
            replica.process.terminate()
    for replica in started:
        replica.stop()
