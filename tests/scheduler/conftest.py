"""Fixtures for delivery: a fixed clock and a loopback connector (the real sender is
`tests.conftest.sender`)."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from bot.local_connector import LocalConnector
from tests.scheduler.planned import FixedClock


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock()


@pytest.fixture
async def connector() -> AsyncIterator[LocalConnector]:
    async with LocalConnector() as running:
        yield running
