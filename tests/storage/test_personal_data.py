"""A person's data: the export holds all of it and nothing of others; erasure removes it
everywhere and leaves an audit entry that does not repeat it."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest

from storage.audit import AuditLog
from storage.conversations import ConversationStore
from storage.meetings import MeetingDraft, MeetingRepository
from storage.personal_data import PLACEHOLDER, PersonalData
from storage.registry import Assignment, Person
from storage.registry_repository import RegistryRepository
from tests.storage.registries import minimal_network

NOW = datetime(2027, 3, 1, 12, 0, tzinfo=UTC)
ANNA_ID = "0f8fad5b-d9cb-469f-a165-70867728950e"
BO_ID = "6b1e3f3a-2c1d-4e5f-8a9b-0c1d2e3f4a5b"
ANNA = Person("Anna Ek", email="Anna.Ek@example.org", entra_object_id=ANNA_ID)
BO = Person("Bo Berg", email="bo@example.org", entra_object_id=BO_ID)
BO_TRACES = ("Bo Berg", "bo@example.org", BO_ID, "29:bo", "a:bo-chat", "19:beta")


def personal_chat(conversation_id: str, user_id: str, aad_id: str, name: str) -> dict:
    return {
        "conversation": {"id": conversation_id, "conversationType": "personal"},
        "user": {"id": user_id, "aadObjectId": aad_id, "name": name},
        "bot": {"id": "28:bot"},
        "serviceUrl": "https://smba.example/emea/",
        "channelId": "msteams",
    }


@pytest.fixture
async def stored(database) -> MeetingRepository:
    """Anna and Bo hold roles in two networks, chat with the bot and added agenda points."""
    registry = RegistryRepository(database)
    first = replace(minimal_network("first", ANNA, BO), admins=("anna.ek@example.org",))
    second = minimal_network("second", BO)
    second = replace(
        second, assignments=(*second.assignments, Assignment("kontakt", ANNA, deputy=True))
    )
    await registry.replace_networks([first, second])
    store = ConversationStore(database)
    for conversation_id, user_id, aad_id, person in (
        ("a:anna-chat", "29:anna", ANNA_ID, ANNA),
        ("a:bo-chat", "29:bo", BO_ID, BO),
    ):
        await store.save_reference(
            personal_chat(conversation_id, user_id, aad_id, person.name),
            tenant_id="t1",
            team_id=None,
            channel_id=None,
            kind="personal",
        )
    # A channel's reference keeps whoever last wrote to the bot there.
    for channel, user_id, aad_id, person in (
        ("19:alfa", "29:anna", ANNA_ID, ANNA),
        ("19:beta", "29:bo", BO_ID, BO),
    ):
        reference = personal_chat(channel, user_id, aad_id, person.name)
        reference["conversation"]["conversationType"] = "channel"
        await store.save_reference(
            reference, tenant_id="t1", team_id="19:team", channel_id=channel, kind="channel"
        )
    meetings = MeetingRepository(database)
    meeting = await meetings.add(
        MeetingDraft(
            "first", "alfa", "mote", NOW + timedelta(days=7), NOW + timedelta(days=7, hours=1)
        ),
        by=ANNA_ID,
        now=NOW,
    )
    # Teams gives the Entra id in channels; an older point has only the Teams user id.
    await meetings.add_item(
        meeting.id, "Budgeten", author_name="Anna Ek", author_id=ANNA_ID, now=NOW
    )
    await meetings.add_item(
        meeting.id, "Lokalen", author_name="Anna Ek", author_id="29:anna", now=NOW
    )
    await meetings.add_item(
        meeting.id,
        "Tack till Anna Ek för rapporten",
        author_name="Bo Berg",
        author_id=BO_ID,
        now=NOW,
    )
    return meetings


async def test_the_export_holds_everything_about_the_person(database, stored) -> None:
    exported = await PersonalData(database).export("anna.ek@example.org")

    assert exported["person"] == {
        "name": "Anna Ek",
        "email": "Anna.Ek@example.org",
        "entra_object_id": ANNA_ID,
    }
    assert [(r["network"], r["deputy"]) for r in exported["roles"]] == [
        ("first", False),
        ("second", True),
    ]
    assert exported["admin_of"] == ["first"]
    assert exported["last_sender_in"] == ["19:alfa"]
    (chat,) = exported["personal_chats"]
    assert chat["conversation_id"] == "a:anna-chat"
    assert [i["text"] for i in exported["agenda_items"]] == ["Budgeten", "Lokalen"]
    actions = sorted(e["action"] for e in exported["audit_entries"])
    # Her imports' lines, her meeting, her two points, and Bo's point naming her.
    assert actions == sorted(
        [
            "registry.import",
            "registry.import",
            "meeting.add",
            "agenda.add_item",
            "agenda.add_item",
            "agenda.add_item",
        ]
    )


async def test_the_export_holds_nothing_about_anyone_else(database, stored) -> None:
    exported = json.dumps(await PersonalData(database).export("anna.ek@example.org"))

    assert not [trace for trace in BO_TRACES if trace in exported]


async def test_erasure_removes_the_person_everywhere(database, stored) -> None:
    data = PersonalData(database)

    erasure = await data.erase("anna.ek@example.org", actor="cli:dpo", now=NOW)

    assert (erasure.roles, erasure.admin_entries, erasure.personal_chats) == (2, 1, 1)
    assert erasure.shared_chats == 1
    registry = await RegistryRepository(database).load()
    everyone = [a.person for n in registry.networks for a in n.assignments]
    assert ANNA not in everyone and BO in everyone
    assert registry.network("first").admins == ()
    store = ConversationStore(database)
    assert await store.get_reference("a:anna-chat") is None
    assert await store.get_reference("a:bo-chat") is not None
    channel = await store.get_reference("19:alfa")  # still there to post into, without her
    assert "user" not in channel and channel["conversation"]["id"] == "19:alfa"
    assert (await store.get_reference("19:beta"))["user"]["name"] == "Bo Berg"
    meeting = (await stored.meetings("first", NOW, NOW + timedelta(days=30)))[0]
    items = (await stored.items([meeting.id]))[meeting.id]
    assert [(i.text, i.author_name, i.author_id) for i in items] == [
        ("Budgeten", PLACEHOLDER, None),
        ("Lokalen", PLACEHOLDER, None),
        (f"Tack till {PLACEHOLDER} för rapporten", "Bo Berg", BO_ID),
    ]
    log = json.dumps([e.as_json() for e in await AuditLog(database).entries()])
    assert not [
        t
        for t in ("Anna Ek", "anna.ek@example.org", ANNA_ID, "29:anna")
        if t.casefold() in log.casefold()
    ]
    assert "Bo Berg" in log  # others' entries stay as they were
    after = await data.export("anna.ek@example.org")
    assert (
        after["person"],
        after["roles"],
        after["personal_chats"],
        after["agenda_items"],
        after["audit_entries"],
        after["admin_of"],
        after["last_sender_in"],
    ) == (None, [], [], [], [], [], [])


async def test_the_erasure_is_logged_without_the_erased_data(database, stored) -> None:
    await PersonalData(database).erase("anna.ek@example.org", actor="cli:dpo", now=NOW)

    erased = next(e for e in await AuditLog(database).entries() if e.action == "person.erase")

    assert (erased.actor, erased.at, erased.network_key, erased.subject) == (
        "cli:dpo",
        NOW,
        None,
        None,
    )
    assert erased.after["roles"] == 2 and erased.after["personal_chats"] == 1
    assert "anna" not in json.dumps(erased.as_json()).casefold()


async def test_erasing_someone_unknown_changes_nothing_but_is_logged(database, stored) -> None:
    before = await RegistryRepository(database).load()

    erasure = await PersonalData(database).erase("nobody@example.org", actor="cli:dpo", now=NOW)

    assert set(erasure.as_json().values()) == {0}
    assert await RegistryRepository(database).load() == before
