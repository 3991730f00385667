"""Fixtures for delivery: a fixed clock, a loopback connector, the real sender."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from bot.adapter import create_adapter
from bot.local_connector import LocalConnector
from bot.proactive import ConnectorSender
from bot.settings import Settings
from tests.scheduler.planned import FixedClock


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock()


@pytest.fixture
async def connector() -> AsyncIterator[LocalConnector]:
    async with LocalConnector() as running:
        yield running


@pytest.fixture
async def sender() -> AsyncIterator[ConnectorSender]:
    """The real sender of a local-mode adapter (no tokens)."""
    adapter = create_adapter(Settings())
    yield ConnectorSender(adapter)
    await adapter.close()
