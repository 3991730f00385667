"""Skipping the per-message queries stays correct across replicas and processes.

With a `ChangeFeed` the registry revision is not queried, and an unchanged conversation
reference not written, on every message; what another replica (PostgreSQL) or the
command line (SQLite) writes must still be seen by the next message, also when the
feed's own connection dropped meanwhile.
"""

from __future__ import annotations

import asyncio
import sqlite3
import time
from collections.abc import Hashable
from contextlib import closing
from typing import Any

import pytest
from sqlalchemy import text, update
from sqlalchemy.engine import make_url

from storage import changes
from storage.changes import REFERENCES, REGISTRY, SQLITE_RECHECK_SECONDS, ChangeFeed
from storage.conversations import (
    REFERENCE_REFRESH_SECONDS,
    ConversationStore,
    delete_personal_references,
)
from storage.database import Database
from storage.registry_repository import RegistryRepository
from storage.schema import ConversationReferenceRow, RegistryRevisionRow
from tests.conftest import until
from tests.storage.registries import SARA, minimal_network

TEAM = "19:team-general@thread.tacv2"
CHANNEL = "19:lokalvard@thread.tacv2"
THREAD = f"{CHANNEL};messageid=1712345678901"


def reference(activity_id: str, service_url: str = "https://smba.example/emea/") -> dict[str, Any]:
    return {
        "activityId": activity_id,
        "user": {"id": "29:user", "name": "Sara Herrman"},
        "bot": {"id": "28:bot", "name": "Samverkan"},
        "conversation": {"id": THREAD, "conversationType": "channel", "tenantId": "t1"},
        "channelId": "msteams",
        "locale": "sv-SE",
        "serviceUrl": service_url,
    }


async def remember(
    store: ConversationStore, ref: dict[str, Any], inputs: Hashable | None = None
) -> None:
    """What the bot does on every message."""
    await store.save_reference(
        ref, tenant_id="t1", team_id=TEAM, channel_id=CHANNEL, kind="channel",
        only_if_changed=True, inputs=inputs,
    )  # fmt: skip


async def test_a_registry_edit_elsewhere_is_seen_by_the_next_message(
    database, feed, other_replica
):
    repository = RegistryRepository(database, feed)
    before = await repository.revision()
    seen = feed.version(REGISTRY)

    await RegistryRepository(other_replica).replace_networks([minimal_network("ny", SARA)])
    await until(lambda: feed.version(REGISTRY) != seen)

    assert await repository.revision() == before + 1


async def test_an_edit_through_this_repository_is_seen_at_once(database, feed):
    repository = RegistryRepository(database, feed)
    before = await repository.revision()

    await repository.replace_networks([minimal_network("ny", SARA)])

    assert await repository.revision() == before + 1


async def test_between_notifications_the_revision_is_not_read_again(postgres_database):
    feed = ChangeFeed(postgres_database)
    await feed.start()
    try:
        await until(lambda: feed.version(REGISTRY) is not None)
        repository = RegistryRepository(postgres_database, feed)
        known = await repository.revision()
        # A write that bypasses the repository (and so does not notify) stays unseen:
        # the cached revision is used, no query is made.
        async with postgres_database.transaction() as session:
            await session.execute(update(RegistryRevisionRow).values(revision=known + 7))

        assert await repository.revision() == known
    finally:
        await feed.close()


async def test_after_the_feed_lost_its_connection_nothing_written_meanwhile_is_missed(
    postgres_database,
):
    feed = ChangeFeed(postgres_database)
    await feed.start()
    other = Database(postgres_database.url)
    try:
        await until(lambda: feed.version(REGISTRY) is not None)
        repository = RegistryRepository(postgres_database, feed)
        before = await repository.revision()

        async with other.transaction() as session:
            await session.execute(
                text(
                    "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                    "WHERE datname = current_database() AND query ILIKE 'LISTEN%'"
                )
            )
        await until(lambda: feed.version(REGISTRY) is None)
        await RegistryRepository(other).replace_networks([minimal_network("ny", SARA)])

        assert await repository.revision() == before + 1  # asked while the feed is down
        await until(lambda: feed.version(REGISTRY) is not None)  # listening again
        listening = feed.version(REGISTRY)
        await RegistryRepository(other).replace_networks([minimal_network("nyare", SARA)])
        await until(lambda: feed.version(REGISTRY) != listening)

        assert await repository.revision() == before + 2
    finally:
        await other.close()
        await feed.close()


async def test_an_unchanged_reference_is_written_once_and_a_changed_one_again(database, feed):
    store = ConversationStore(database, feed)

    await remember(store, reference("1"))
    (first,) = await store.references_for_team(TEAM)
    await remember(store, reference("2"))
    (unchanged,) = await store.references_for_team(TEAM)
    await remember(store, reference("3", service_url="https://smba.example/amer/"))
    (moved,) = await store.references_for_team(TEAM)

    assert unchanged == first  # not rewritten: same updated_at, first activityId
    assert moved.reference["serviceUrl"] == "https://smba.example/amer/"
    assert moved.updated_at > first.updated_at


async def test_a_message_after_a_deactivation_here_reactivates_the_reference(database, feed):
    store = ConversationStore(database, feed)
    await remember(store, reference("1"))

    await store.set_team_active(TEAM, False)
    await remember(store, reference("2"))

    (stored,) = await store.references_for_team(TEAM)
    assert stored.active


async def test_a_message_after_a_deactivation_by_another_replica_reactivates_it(
    postgres_database,
):
    feed = ChangeFeed(postgres_database)
    await feed.start()
    other = Database(postgres_database.url)
    try:
        await until(lambda: feed.version(REFERENCES) is not None)
        store = ConversationStore(postgres_database, feed)
        await remember(store, reference("1"))
        seen = feed.version(REFERENCES)

        await ConversationStore(other).set_team_active(TEAM, False)
        await until(lambda: feed.version(REFERENCES) != seen)
        await remember(store, reference("2"))

        (stored,) = await store.references_for_team(TEAM)
        assert stored.active
    finally:
        await other.close()
        await feed.close()


async def test_without_a_feed_every_message_writes(database):
    store = ConversationStore(database)
    await remember(store, reference("1"))

    await remember(store, reference("2"))

    assert await store.get_reference(THREAD) == reference("2")


async def test_a_user_erased_and_writing_again_has_their_chat_stored_again(database, feed):
    store = ConversationStore(database, feed)
    chat = reference("1") | {
        "conversation": {"id": "a:chat-sara", "conversationType": "personal", "tenantId": "t1"}
    }

    async def message(activity_id: str) -> None:
        await store.save_reference(
            chat | {"activityId": activity_id}, tenant_id="t1", team_id=None, channel_id=None,
            kind="personal", only_if_changed=True,
        )

    await message("1")
    async with database.transaction() as session:
        assert await delete_personal_references(session, ["29:user"]) == 1
    assert await store.get_reference("a:chat-sara") is None

    await message("2")

    assert await store.get_reference("a:chat-sara") == chat | {"activityId": "2"}


async def test_a_reference_is_known_unchanged_only_when_built_from_the_same_inputs(
    database, feed
):
    store = ConversationStore(database, feed)
    await remember(store, reference("1"), inputs=("sara", "emea"))

    assert store.reference_unchanged(THREAD, ("sara", "emea"))
    assert not store.reference_unchanged(THREAD, ("sara", "amer"))
    # Other inputs that build the same reference: found unchanged, and remembered.
    await remember(store, reference("2"), inputs=("sara", "emea", "1"))
    assert store.reference_unchanged(THREAD, ("sara", "emea", "1"))


async def test_a_reference_is_not_known_unchanged_once_the_refresh_is_due(
    database, feed, monkeypatch
):
    store = ConversationStore(database, feed)
    await remember(store, reference("1"), inputs=("sara",))
    written = time.monotonic()

    with monkeypatch.context() as later:
        later.setattr(time, "monotonic", lambda: written + REFERENCE_REFRESH_SECONDS)

        assert not store.reference_unchanged(THREAD, ("sara",))


async def test_a_reference_deleted_by_another_writer_is_stored_again(database, feed, other_replica):
    store = ConversationStore(database, feed)
    chat = reference("1") | {
        "conversation": {"id": "a:chat-sara", "conversationType": "personal", "tenantId": "t1"}
    }
    await store.save_reference(
        chat, tenant_id="t1", team_id=None, channel_id=None, kind="personal",
        only_if_changed=True, inputs=("sara",),
    )  # fmt: skip
    async with other_replica.transaction() as session:
        assert await delete_personal_references(session, ["29:user"]) == 1

    assert not store.reference_unchanged("a:chat-sara", ("sara",))
    await store.save_reference(
        chat, tenant_id="t1", team_id=None, channel_id=None, kind="personal",
        only_if_changed=True, inputs=("sara",),
    )  # fmt: skip
    assert await store.get_reference("a:chat-sara") == chat


@pytest.mark.postgres
async def test_a_reference_another_replica_deactivated_is_stored_again(postgres_database):
    """Two replicas, each with its store and feed; the other's write reaches this one only
    by its NOTIFY (sent here as SQL: this process's own count of changes stays put)."""
    feed = ChangeFeed(postgres_database)
    other = Database(postgres_database.url)
    other_feed = ChangeFeed(other)
    await feed.start()
    await other_feed.start()
    try:
        await until(lambda: feed.version(REFERENCES) is not None)
        store = ConversationStore(postgres_database, feed)
        other_store = ConversationStore(other, other_feed)
        await remember(store, reference("1"), inputs=("sara",))
        await remember(other_store, reference("2"), inputs=("sara",))
        seen = feed.version(REFERENCES)

        async with other.transaction() as session:
            await session.execute(update(ConversationReferenceRow).values(active=False))
            # What `storage.changes.notify` sends, without counting it as this process's.
            await session.execute(
                text("SELECT pg_notify(:channel, :topic)"),
                {"channel": changes.CHANNEL, "topic": REFERENCES},
            )
        await until(lambda: feed.version(REFERENCES) != seen)

        assert not store.reference_unchanged(THREAD, ("sara",))
        await remember(store, reference("3"), inputs=("sara",))
        (stored,) = await store.references_for_team(TEAM)
        assert stored.active
    finally:
        await other_feed.close()
        await other.close()
        await feed.close()


async def test_a_commit_by_another_process_moves_the_registry_version_soon(sqlite_database):
    # SQLite's data_version; PostgreSQL's replicas notify (tested above).
    feed = ChangeFeed(sqlite_database)
    await feed.start()
    try:
        before = feed.version(REGISTRY)
        assert feed.version(REGISTRY) == before  # nothing committed: the caches stand
        # What the command line does: commit through a connection of its own.
        with closing(sqlite3.connect(make_url(sqlite_database.url).database)) as command_line:
            command_line.execute(
                "INSERT INTO registry_revision (id, revision) VALUES (1, 1) "
                "ON CONFLICT (id) DO UPDATE SET revision = revision + 1"
            )
            command_line.commit()
        await asyncio.sleep(SQLITE_RECHECK_SECONDS)

        assert feed.version(REGISTRY) != before
    finally:
        await feed.close()
