"""A channel's binding is not queried on every message, and a change is still seen.

`ConversationStore.binding_for` runs on every channel message; with a `ChangeFeed` it
answers from memory until a binding may have changed: written here, by another replica
(PostgreSQL NOTIFY) or by another connection to the SQLite file.
"""

from __future__ import annotations

import pytest
from sqlalchemy import update

from storage.changes import REGISTRY, ChangeFeed
from storage.conversations import BINDINGS, ConversationStore
from storage.schema import ChannelBindingRow
from tests.conftest import until

TEAM = "19:team-general@thread.tacv2"
CHANNEL = "19:lokalvard@thread.tacv2"


def versions(feed: ChangeFeed) -> tuple[object, object]:
    return feed.version(BINDINGS), feed.version(REGISTRY)


async def test_a_binding_changed_here_is_answered_at_once(database, feed):
    store = ConversationStore(database, feed)
    await store.set_binding(TEAM, CHANNEL, "bestservice", "logistik")
    assert await store.binding_for(TEAM, CHANNEL) == ("bestservice", "logistik")

    await store.set_binding(TEAM, CHANNEL, "bestservice", "ekonomi")
    assert await store.binding_for(TEAM, CHANNEL) == ("bestservice", "ekonomi")

    await store.remove_binding(TEAM, CHANNEL)
    await store.set_binding(TEAM, None, "fyrbodal", None)
    assert await store.binding_for(TEAM, CHANNEL) == ("fyrbodal", None)


async def test_a_binding_changed_by_another_replica_is_seen_by_the_next_message(
    database, feed, other_replica
):
    store = ConversationStore(database, feed)
    await store.set_binding(TEAM, CHANNEL, "bestservice", "logistik")
    assert await store.binding_for(TEAM, CHANNEL) == ("bestservice", "logistik")
    seen = versions(feed)

    await ConversationStore(other_replica).set_binding(TEAM, CHANNEL, "fyrbodal", "styrgrupp")
    await until(lambda: versions(feed) != seen)
    assert await store.binding_for(TEAM, CHANNEL) == ("fyrbodal", "styrgrupp")

    seen = versions(feed)
    await ConversationStore(other_replica).remove_binding(TEAM, CHANNEL)
    await until(lambda: versions(feed) != seen)
    assert await store.binding_for(TEAM, CHANNEL) is None


@pytest.mark.postgres
async def test_between_binding_changes_the_binding_is_not_read_again(postgres_database):
    feed = ChangeFeed(postgres_database)
    await feed.start()
    try:
        await until(lambda: feed.version(BINDINGS) is not None)
        _, heard, _ = feed.version(BINDINGS)
        store = ConversationStore(postgres_database, feed)
        await store.remove_binding(TEAM, CHANNEL)
        await store.set_binding(TEAM, CHANNEL, "bestservice", "logistik")
        # The feed hears its own two notifications a moment after the commits, and each
        # rightly makes the next message read again: wait for them, so that what follows
        # is "between changes".
        await until(lambda: feed.version(BINDINGS)[1] == heard + 2)
        assert await store.binding_for(TEAM, CHANNEL) == ("bestservice", "logistik")
        # A write that bypasses the store (and so does not notify) stays unseen: the
        # remembered answer is used, no query is made.
        async with postgres_database.transaction() as session:
            await session.execute(
                update(ChannelBindingRow)
                .where(ChannelBindingRow.team_id == TEAM)
                .values(group_key="ekonomi")
            )

        assert await store.binding_for(TEAM, CHANNEL) == ("bestservice", "logistik")
    finally:
        await feed.close()


async def test_without_a_feed_every_message_reads_the_binding(database):
    store = ConversationStore(database)
    await store.set_binding(TEAM, CHANNEL, "bestservice", "logistik")
    assert await store.binding_for(TEAM, CHANNEL) == ("bestservice", "logistik")

    async with database.transaction() as session:
        await session.execute(update(ChannelBindingRow).values(group_key="ekonomi"))

    assert await store.binding_for(TEAM, CHANNEL) == ("bestservice", "ekonomi")
