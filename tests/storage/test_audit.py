"""The audit log: every kind of change leaves an entry, on SQLite and PostgreSQL alike."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

from domain.meetings import MeetingDraft
from domain.registry import Assignment, Person
from storage.audit import AuditLog
from storage.conversations import ConversationStore
from storage.meetings import MeetingRepository
from storage.registry_repository import RegistryRepository
from tests.storage.registries import minimal_network

NOW = datetime(2027, 3, 1, 12, 0, tzinfo=UTC)
ADMIN = "6b1e3f3a-2c1d-4e5f-8a9b-0c1d2e3f4a5b"
ANNA = Person("Anna Ek", email="anna@example.org")
BO = Person("Bo Berg", email="bo@example.org")


def draft(**fields) -> MeetingDraft:
    return MeetingDraft(
        **{
            "network_key": "net",
            "group_key": "alfa",
            "kind": "mote",
            "starts_at": NOW + timedelta(days=7),
            "ends_at": NOW + timedelta(days=7, hours=2),
            "place": "Rum 1",
            **fields,
        }
    )


async def test_meeting_changes_are_logged_with_who_and_before_and_after(database) -> None:
    meetings, log = MeetingRepository(database), AuditLog(database)

    meeting = await meetings.add(draft(), by=ADMIN, now=NOW)
    await meetings.move(
        meeting.id,
        NOW + timedelta(days=8),
        NOW + timedelta(days=8, hours=2),
        place="Rum 2",
        online_url=None,
        by=ADMIN,
        now=NOW + timedelta(minutes=1),
    )
    await meetings.add_item(
        meeting.id,
        "Budgeten",
        author_name="Anna Ek",
        author_id="aad-anna",
        now=NOW + timedelta(minutes=2),
    )
    await meetings.cancel(meeting.id, by=ADMIN, now=NOW + timedelta(minutes=3))

    cancelled, item, moved, added = await log.entries(network_key="net")
    assert [e.action for e in (added, moved, item, cancelled)] == [
        "meeting.add",
        "meeting.move",
        "agenda.add_item",
        "meeting.cancel",
    ]
    assert added.actor == ADMIN and added.before is None and added.after["place"] == "Rum 1"
    assert (moved.before["place"], moved.after["place"]) == ("Rum 1", "Rum 2")
    assert moved.after["starts_at"] == (NOW + timedelta(days=8)).isoformat()
    assert (item.actor, item.after["text"]) == ("aad-anna", "Budgeten")
    assert (cancelled.before["cancelled"], cancelled.after["cancelled"]) == (False, True)
    assert {e.subject for e in (added, moved, item, cancelled)} == {f"meeting {meeting.id}"}
    assert cancelled.at == NOW + timedelta(minutes=3)


async def test_a_registry_import_logs_the_holders_that_changed(database) -> None:
    registry, log = RegistryRepository(database), AuditLog(database)
    await registry.replace_networks([minimal_network("net", ANNA)], action="registry.seed")

    await registry.replace_networks(
        [minimal_network("net", BO)], actor="cli:admin", action="registry.import"
    )

    imported, seeded = await log.entries()
    assert (seeded.action, seeded.actor, seeded.before) == ("registry.seed", "system", None)
    assert seeded.after["holders"] == ["kontakt: Anna Ek <anna@example.org>"]
    assert (imported.action, imported.actor, imported.network_key) == (
        "registry.import",
        "cli:admin",
        "net",
    )
    assert imported.before == {"holders": ["kontakt: Anna Ek <anna@example.org>"]}
    assert imported.after == {"holders": ["kontakt: Bo Berg <bo@example.org>"]}


async def test_an_import_that_changes_nothing_is_logged_without_a_difference(database) -> None:
    registry, log = RegistryRepository(database), AuditLog(database)
    network = replace(minimal_network("net", ANNA), admins=("anna@example.org",))
    await registry.replace_networks([network])

    await registry.replace_networks([network], actor="cli:admin", action="registry.reload")

    reloaded, _ = await log.entries()
    assert (reloaded.action, reloaded.before, reloaded.after) == ("registry.reload", None, None)


async def test_channel_bindings_are_logged_when_they_change(database) -> None:
    store, log = ConversationStore(database), AuditLog(database)

    await store.set_binding("team-1", "channel-1", "net", "alfa")
    await store.set_binding("team-1", "channel-1", "net", "alfa")  # no change: no entry
    await store.set_binding("team-1", "channel-1", "net", "beta", actor=ADMIN)
    await store.remove_binding("team-1", "channel-1")
    await store.remove_binding("team-1", "channel-1")  # nothing left: no entry

    removed, rebound, bound = await log.entries(network_key="net")
    assert (bound.action, bound.actor, bound.before, bound.after) == (
        "binding.set",
        "teams",
        None,
        {"network": "net", "group": "alfa"},
    )
    assert (rebound.actor, rebound.before["group"], rebound.after["group"]) == (
        ADMIN,
        "alfa",
        "beta",
    )
    assert (removed.action, removed.before, removed.after) == (
        "binding.remove",
        {"network": "net", "group": "beta"},
        None,
    )
    assert bound.subject == "team team-1 channel channel-1"


async def test_a_failed_change_leaves_no_entry(database) -> None:
    registry, log = RegistryRepository(database), AuditLog(database)
    broken = minimal_network("net", ANNA)
    broken = replace(broken, assignments=(Assignment("no-such-role", ANNA),))

    try:
        await registry.replace_networks([broken])
    except ValueError:
        pass

    assert await log.entries() == []


async def test_retention_purges_old_entries_only(database) -> None:
    meetings, log = MeetingRepository(database), AuditLog(database)
    old = await meetings.add(draft(), by=ADMIN, now=NOW - timedelta(days=800))
    recent = await meetings.add(draft(), by=ADMIN, now=NOW - timedelta(days=10))

    purged = await log.purge(NOW - timedelta(days=730))

    assert purged == 1
    (kept,) = await log.entries()
    assert kept.subject == f"meeting {recent.id}" != f"meeting {old.id}"
    assert await meetings.get(old.id) is not None  # the meeting itself stays


async def test_entries_can_be_read_since_a_time(database) -> None:
    meetings, log = MeetingRepository(database), AuditLog(database)
    await meetings.add(draft(), by=ADMIN, now=NOW - timedelta(days=3))
    await meetings.add(draft(group_key="beta"), by=ADMIN, now=NOW)

    (entry,) = await log.entries(since=NOW - timedelta(days=1))

    assert entry.after["group"] == "beta"
