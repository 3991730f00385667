"""Fixtures for the Teams edge: the real app on a loopback port and a loopback connector."""

from __future__ import annotations

import dataclasses
from collections.abc import AsyncIterator
from typing import Any

import aiohttp
import pytest
from aiohttp import web

from app import create_app
from bot.local_connector import LocalConnector
from bot.settings import Settings


@dataclasses.dataclass
class RunningBot:
    """The bot's web app listening on 127.0.0.1, and a client session to talk to it."""

    base_url: str
    http: aiohttp.ClientSession
    settings: Settings

    @property
    def messages_url(self) -> str:
        return f"{self.base_url}/api/messages"

    async def post(self, activity: Any, headers: dict[str, str] | None = None) -> tuple[int, Any]:
        """POST an activity; returns the status and the JSON body (None when there is none)."""
        async with self.http.post(self.messages_url, json=activity, headers=headers) as response:
            text = await response.text()
            return response.status, (await response.json(content_type=None) if text else None)

    async def post_raw(self, data: bytes | str, content_type: str) -> tuple[int, Any]:
        async with self.http.post(
            self.messages_url, data=data, headers={"Content-Type": content_type}
        ) as response:
            text = await response.text()
            return response.status, (await response.json(content_type=None) if text else None)


async def start_bot(
    settings: Settings, graph_credential: Any = None
) -> tuple[web.AppRunner, str]:
    """The bot's web app served on a free loopback port; its runner and base URL.

    `graph_credential`: a static token for the loopback Graph (`tests.graph_fake`)."""
    runner = web.AppRunner(
        await create_app(settings, graph_credential=graph_credential), access_log=None
    )
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    host, port = runner.addresses[0][:2]
    return runner, f"http://{host}:{port}"


@pytest.fixture
def settings(tmp_path) -> Settings:
    """Local-mode settings with a fresh SQLite database."""
    return Settings(database_url=f"sqlite+aiosqlite:///{tmp_path / 'bot.db'}", port=0)


@pytest.fixture
async def connector() -> AsyncIterator[LocalConnector]:
    async with LocalConnector() as running:
        yield running


@pytest.fixture
async def bot(settings: Settings) -> AsyncIterator[RunningBot]:
    runner, base_url = await start_bot(settings)
    async with aiohttp.ClientSession() as http:
        yield RunningBot(base_url, http, settings)
    await runner.cleanup()
