"""A turn that fails inside the bot's logic, end to end: what Teams, the user and the
operator get.

The app is composed as `app.create_app` composes it (services, adapter, `SamverkanBot`,
`create_web_app`, `/metrics`) with the conversation logic and the people search replaced
by fakes that raise; replies go to the loopback Bot Connector.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator

import pytest
from aiohttp import web
from aiohttp.test_utils import TestClient, TestServer

from app import open_services
from bot.adapter import create_adapter
from bot.http import create_web_app
from bot.metrics import MetricsEndpoint, TurnCounters
from bot.teams_bot import SamverkanBot
from domain.turns import Reply, Turn
from tests.bot.teams_activities import people_search, personal_message
from tests.bot.test_observability import parse_exposition

# What the fakes raise with: internal detail that must reach neither Teams nor the user.
DETAIL = "registry row 42 is corrupt at /srv/samverkan"


class RegistryCorrupt(Exception):
    """A bug deep in the logic, as far as the edge can tell."""


class BrokenConversation:
    """Conversation logic that fails on every turn."""

    async def respond(self, turn: Turn) -> list[Reply]:
        raise RegistryCorrupt(DETAIL)


class BrokenPeopleSearch:
    """A people picker search that fails on every query."""

    async def search_people(self, turn: Turn, text: str, top: int) -> list[tuple[str, str]]:
        raise RegistryCorrupt(DETAIL)


@pytest.fixture
async def client(settings) -> AsyncIterator[TestClient]:
    """The bot's web app, its logic broken, served on a loopback port."""
    async with open_services(settings) as services:
        adapter = create_adapter(settings)
        bot = SamverkanBot(
            BrokenConversation(),
            services.conversation_store,
            services.installations,
            services.minutes.minutes_repository,
            people=BrokenPeopleSearch(),
        )
        turns = TurnCounters()
        metrics = MetricsEndpoint(
            turns=turns, deliveries=None, outbox_counts=services.outbox.count_by_status
        )
        app = create_web_app(
            settings=settings,
            adapter=adapter,
            bot=bot,
            extra_routes=[web.get("/metrics", metrics.handle)],
            turn_counters=turns,
        )
        try:
            async with TestClient(TestServer(app)) as test_client:
                yield test_client
        finally:
            await adapter.close()


async def turns_total(client: TestClient) -> dict[str, float]:
    """Turns by HTTP status class, and the failed ones, as /metrics shows them."""
    response = await client.get("/metrics")
    metrics = parse_exposition(await response.text())
    counts = {
        outcome: metrics[f'samverkan_turns_total{{outcome="{outcome}"}}']
        for outcome in ("2xx", "4xx", "5xx")
    }
    return counts | {"failed": metrics["samverkan_turns_failed_total"]}


def failures(caplog: pytest.LogCaptureFixture) -> list[logging.LogRecord]:
    return [r for r in caplog.records if r.getMessage() in ("turn failed", "activity failed")]


async def test_a_message_whose_logic_fails_is_apologised_for_in_swedish_and_logged_once(
    client: TestClient, connector, caplog
) -> None:
    activity = personal_message(connector.service_url, "vem är ekonomiansvarig?")

    with caplog.at_level(logging.INFO):
        response = await client.post("/api/messages", json=activity)
        body = await response.text()

    # Handled: the user was told, so the connector must not deliver the activity again
    # (it would fail the same way).
    assert (response.status, body) == (201, "")
    (apology,) = await connector.wait_for_activities(1)
    assert apology.reply_to_id == activity["id"]
    assert apology.text.startswith("Något gick fel hos mig och jag kunde inte svara.")
    assert DETAIL not in apology.text
    (failure,) = failures(caplog)
    assert failure.levelno == logging.ERROR
    assert (failure.error, failure.activity_id) == ("RegistryCorrupt", activity["id"])
    assert all("vem är ekonomiansvarig" not in r.getMessage() for r in caplog.records)
    # Answered, so a 2xx; the failed-turns counter is what tells it apart.
    assert await turns_total(client) == {"2xx": 1, "4xx": 0, "5xx": 0, "failed": 1}


async def test_an_invoke_whose_logic_fails_answers_500_without_detail_and_no_message(
    client: TestClient, connector, caplog
) -> None:
    activity = people_search(connector.service_url, "an", options={"top": 5})

    with caplog.at_level(logging.INFO):
        response = await client.post("/api/messages", json=activity)
        body = await response.text()

    # The people picker waits for this answer, not for a chat message.
    assert response.status == 500
    assert DETAIL not in body and "Traceback" not in body and "RegistryCorrupt" not in body
    assert connector.activities == []
    (failure,) = failures(caplog)
    assert (failure.getMessage(), failure.error) == ("turn failed", "RegistryCorrupt")
    assert await turns_total(client) == {"2xx": 0, "4xx": 0, "5xx": 1, "failed": 1}
