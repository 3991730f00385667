"""`GET /readyz`: ready when the database answers and the scheduler ticks; 503 otherwise.

`/healthz` stays liveness only; these tests are about readiness.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import aiohttp
import pytest
from aiohttp.test_utils import TestClient, TestServer

from bot.adapter import create_adapter
from bot.http import ReadinessCheck, create_web_app
from bot.settings import Settings
from tests.bot.conftest import RunningBot, start_bot
from tests.conftest import PostgresServer

NOW = datetime(2026, 3, 16, 9, 0, tzinfo=UTC)


async def _get(url: str) -> tuple[int, dict]:
    async with aiohttp.ClientSession() as http, http.get(url) as response:
        return response.status, await response.json()


async def test_a_running_bot_is_ready_with_its_database_and_scheduler(bot: RunningBot):
    assert await _get(f"{bot.base_url}/readyz") == (
        200,
        {"status": "ready", "database": "ok", "scheduler": "running"},
    )
    assert await _get(f"{bot.base_url}/healthz") == (200, {"status": "ok"})


@pytest.mark.postgres
async def test_a_dropped_database_makes_the_bot_not_ready_but_still_alive(
    postgres_server: PostgresServer, empty_postgres_url: str
):
    settings = Settings(database_url=empty_postgres_url, port=0, scheduler_interval_seconds=0)
    runner, base_url = await start_bot(settings)
    try:
        assert await _get(f"{base_url}/readyz") == (
            200,
            {"status": "ready", "database": "ok", "scheduler": "off"},
        )
        name = empty_postgres_url.rsplit("/", 1)[1]
        await postgres_server.execute(f'DROP DATABASE "{name}" WITH (FORCE)')

        assert await _get(f"{base_url}/readyz") == (
            503,
            {"status": "not ready", "database": "unavailable", "scheduler": "off"},
        )
        assert await _get(f"{base_url}/healthz") == (200, {"status": "ok"})
    finally:
        await runner.cleanup()


class StalledScheduler:
    """A scheduler that started at NOW and has not ticked since."""

    def healthy(self, now: datetime) -> bool:
        return now - NOW <= timedelta(minutes=3)


async def _ok() -> None:
    return None


async def test_a_scheduler_that_has_not_ticked_makes_the_bot_not_ready(tmp_path):
    settings = Settings(database_url=f"sqlite+aiosqlite:///{tmp_path / 'bot.db'}", port=0)
    readiness = ReadinessCheck(
        ping=_ok, scheduler=StalledScheduler(), clock=lambda: NOW + timedelta(minutes=10)
    )
    app = create_web_app(
        settings=settings, adapter=create_adapter(settings), bot=None, readiness=readiness
    )
    async with TestClient(TestServer(app)) as client:
        response = await client.get("/readyz")
        assert response.status == 503
        assert await response.json() == {
            "status": "not ready",
            "database": "ok",
            "scheduler": "not running",
        }
