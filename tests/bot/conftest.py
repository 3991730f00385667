"""Fixtures for the Teams edge: the real app on a loopback port, a loopback connector, and
the adapter alone with turns run through it."""

from __future__ import annotations

import contextlib
import dataclasses
import shutil
from collections.abc import AsyncIterator, Awaitable, Callable, Iterable
from pathlib import Path
from typing import Any

import aiohttp
import pytest
from aiohttp import web
from botbuilder.core import TurnContext
from botbuilder.schema import Activity

from app import create_app
from bot.adapter import SamverkanAdapter, create_adapter
from bot.local_connector import LocalConnector
from bot.settings import Settings
from tests.bot.teams_activities import USER

SHIPPED_NETWORKS = Path(__file__).resolve().parents[2] / "data" / "networks"


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


@contextlib.asynccontextmanager
async def running_bot(
    settings: Settings, graph_credential: Any = None
) -> AsyncIterator[RunningBot]:
    """The bot served as `start_bot` serves it, with a client session; stopped on exit."""
    runner, base_url = await start_bot(settings, graph_credential)
    try:
        async with aiohttp.ClientSession() as http:
            yield RunningBot(base_url, http, settings)
    finally:
        await runner.cleanup()


def shipped_networks(
    directory: Path,
    files: Iterable[str] | None = None,
    *,
    administered: Iterable[str] = ("bestservice.yaml",),
) -> Path:
    """A copy of the shipped network data files (`files`, or all of them) in
    `directory/networks`, with Anna (`USER`, by her Entra object id) an admin of the
    `administered` ones."""
    networks = directory / "networks"
    if files is None:
        shutil.copytree(SHIPPED_NETWORKS, networks)
    else:
        networks.mkdir()
        for name in files:
            shutil.copy(SHIPPED_NETWORKS / name, networks)
    for name in administered:
        with (networks / name).open("a", encoding="utf-8") as data_file:
            data_file.write(f"\nadmins: [{USER['aadObjectId']}]\n")
    return networks


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
    async with running_bot(settings) as running:
        yield running


@pytest.fixture
def postgres_settings(settings: Settings, empty_postgres_url: str) -> Settings:
    """`settings` on a new PostgreSQL database of its own."""
    return dataclasses.replace(settings, database_url=empty_postgres_url)


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def each_database_settings(request: pytest.FixtureRequest, settings: Settings) -> Settings:
    """`settings` once on SQLite and once on a new PostgreSQL database of its own."""
    if request.param == "sqlite":
        return settings
    return dataclasses.replace(settings, database_url=request.getfixturevalue("empty_postgres_url"))


@pytest.fixture
async def postgres_bot(postgres_settings: Settings) -> AsyncIterator[RunningBot]:
    """The bot on `postgres_settings`."""
    async with running_bot(postgres_settings) as running:
        yield running


@pytest.fixture
async def adapter() -> AsyncIterator[SamverkanAdapter]:
    """A local-mode adapter (no tokens), closed after the test."""
    adapter = create_adapter(Settings())
    yield adapter
    await adapter.close()


async def echo(context: TurnContext) -> None:
    """Turn logic that answers with the text it got."""
    await context.send_activity(f"eko: {context.activity.text}")


async def run_turn(
    adapter: SamverkanAdapter,
    activity: dict[str, Any],
    logic: Callable[[TurnContext], Awaitable[None]] = echo,
) -> TurnContext:
    """One inbound turn through the adapter running `logic`; returns its context."""
    incoming = Activity().deserialize(activity)
    authentication = await adapter.bot_framework_authentication.authenticate_request(incoming, "")
    seen: list[TurnContext] = []

    async def run(context: TurnContext) -> None:
        seen.append(context)
        await logic(context)

    await adapter.process_activity(authentication, incoming, run)
    return seen[0]
