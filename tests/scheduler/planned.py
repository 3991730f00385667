"""Test data for scheduled posts: a fixed clock, planned posts, a team with bound channels,
and the delivery worker and runner over them."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta
from typing import Any

from domain.ports import SenderPort
from domain.posts import GENERAL_CHANNEL, PlannedPost, Planner, Target
from scheduler.delivery import DeliveryWorker
from scheduler.runner import DeliveryRunner
from storage.conversations import ConversationStore
from storage.database import Database
from storage.outbox import Outbox

TENANT = "72f988bf-86f1-41af-91ab-2d7cd011db47"
TEAM = "19:bestservice-general@thread.tacv2"
LOGISTIK = "19:logistik@thread.tacv2"
MALTIDER = "19:maltider@thread.tacv2"

START = datetime(2026, 3, 12, 8, 0, tzinfo=UTC)


class FixedClock:
    """A clock that only moves when the test moves it."""

    def __init__(self, now: datetime = START):
        self.now = now

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> datetime:
        self.now += timedelta(**delta)
        return self.now

    async def sleep(self, seconds: float) -> None:
        """What a pause for a rate limit does to this clock: it moves on, at once."""
        self.advance(seconds=seconds)


def channel_reference(service_url: str, conversation_id: str) -> dict[str, Any]:
    """A channel's conversation reference as the installation stores it."""
    return {
        "bot": {"id": "28:samverkan-bot", "name": "samverkan"},
        "conversation": {
            "id": conversation_id,
            "conversationType": "channel",
            "isGroup": True,
            "tenantId": TENANT,
        },
        "channelId": "msteams",
        "serviceUrl": service_url,
    }


async def bind_team(database: Database, service_url: str) -> ConversationStore:
    """The Best Service team installed: General, Logistik and Måltider bound, references stored."""
    store = ConversationStore(database)
    for conversation_id in (TEAM, LOGISTIK, MALTIDER):
        await store.save_reference(
            channel_reference(service_url, conversation_id),
            tenant_id=TENANT,
            team_id=TEAM,
            channel_id=conversation_id,
            kind="channel",
        )
    await store.set_binding(TEAM, None, "bestservice", None)
    await store.set_binding(TEAM, LOGISTIK, "bestservice", "logistik")
    await store.set_binding(TEAM, MALTIDER, "bestservice", "maltider")
    return store


def post(
    key: str,
    channel: str = "logistik",
    *,
    due_at: datetime = START,
    stale_after: timedelta = timedelta(days=2),
    network: str = "bestservice",
    **fields: Any,
) -> PlannedPost:
    """A planned post whose text is its key, so the connector shows which one arrived."""
    return PlannedPost(
        key=key,
        target=Target(network, channel),
        due_at=due_at,
        stale_after=due_at + stale_after,
        language=fields.pop("language", "sv"),
        text=fields.pop("text", f"Påminnelse {key}"),
        kind=fields.pop("kind", "agenda"),
        **fields,
    )


def general_post(key: str, **fields: Any) -> PlannedPost:
    return post(key, GENERAL_CHANNEL, **fields)


class FixedPlanner:
    """Plans the posts it was given, as a real planner would: due by `until`, not forgotten."""

    def __init__(self, posts: list[PlannedPost]):
        self.posts = posts

    async def planned_posts(self, until: datetime) -> list[PlannedPost]:
        return [p for p in self.posts if p.due_at <= until]


def error(code: str) -> dict[str, object]:
    """An error body as the Bot Connector sends it."""
    return {"error": {"code": code, "message": "from the loopback connector"}}


def worker(
    database: Database,
    sender: SenderPort,
    clock: FixedClock,
    name: str = "replica-1",
    **options: object,
) -> DeliveryWorker:
    """A delivery worker named `name` on `clock`, with seeded jitter."""
    return DeliveryWorker(
        outbox=Outbox(database),
        channels=ConversationStore(database),
        sender=sender,
        worker_id=name,
        clock=clock,
        sleep=clock.sleep,
        rng=random.Random(4),
        **options,  # type: ignore[arg-type]
    )


def delivery_runner(
    database: Database, sender: SenderPort, clock: FixedClock, planners: list[Planner]
) -> DeliveryRunner:
    """The runner as `create_app` builds it, ticking every minute over `planners`."""
    return DeliveryRunner(
        planners=planners,
        outbox=Outbox(database),
        worker=worker(database, sender, clock),
        interval=timedelta(minutes=1),
        clock=clock,
    )
