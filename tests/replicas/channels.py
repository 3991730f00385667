"""Test data for the replica tests: a team with many bound channels and posts due now.

Written through the storage classes, as the installation and the planners would, into
the database the replicas share. Each post's text is its key, so the connector's record
says which post arrived how often.
"""

from __future__ import annotations

from datetime import UTC, datetime

from domain.outbox import OutboxEntry
from storage.conversations import ConversationStore
from storage.database import Database
from storage.outbox import Outbox
from tests.scheduler.planned import TENANT, channel_reference, post

NETWORK = "replikor"
TEAM = "19:replikor-team@thread.tacv2"

def channel_id(number: int) -> str:
    return f"19:kanal-{number:03d}@thread.tacv2"

async def bind_channels(database: Database, service_url: str, count: int) -> None:
    """Channels 0 … count-1 of one team, each bound to its own group `kanal-NNN`."""
    store = ConversationStore(database)
    for number in range(count):
        conversation_id = channel_id(number)
        await store.save_reference(
            channel_reference(service_url, conversation_id),
            tenant_id=TENANT,
            team_id=TEAM,
            channel_id=conversation_id,
            kind="channel",
        )
        await store.set_binding(TEAM, conversation_id, NETWORK, f"kanal-{number:03d}")

async def enqueue_due_posts(database: Database, prefix: str, count: int) -> list[str]:
    """One post due now into each of channels 0 … count-1; returns their keys (= texts)."""
    now = datetime.now(UTC)
    keys = [f"{prefix}-{number:03d}" for number in range(count)]
    posts = [
        post(key, f"kanal-{number:03d}", due_at=now, network=NETWORK, text=key)
        for number, key in enumerate(keys)
    ]
    assert await Outbox(database).enqueue(posts, now) == count
    return keys

async def rows(database: Database, keys: list[str]) -> dict[str, OutboxEntry]:
    """The outbox rows of `keys`, by key."""
    outbox = Outbox(database)
    found = {key: await outbox.get(key) for key in keys}
    return {key: entry for key, entry in found.items() if entry is not None}
