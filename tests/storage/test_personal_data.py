"""A person's data: the export holds all of it and nothing of others; erasure removes it
everywhere (every column of every table is searched afterwards) and leaves an audit entry
that does not repeat it."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from domain.meetings import MeetingDraft
from domain.minutes import Minutes
from domain.posts import CLEARED_POST, Mention, PlannedPost, Recipient, Target
from domain.registry import Assignment, Person
from storage.audit import AuditLog
from storage.conversations import ConversationStore
from storage.database import Database
from storage.meetings import MeetingRepository
from storage.minutes import MinutesRepository
from storage.outbox import RECIPIENT_ERASED, Outbox
from storage.personal_data import PLACEHOLDER, PersonalData
from storage.registry_repository import RegistryRepository
from storage.schema import Base
from tests.storage.registries import minimal_network

NOW = datetime(2027, 3, 1, 12, 0, tzinfo=UTC)
ANNA_ID = "0f8fad5b-d9cb-469f-a165-70867728950e"
BO_ID = "6b1e3f3a-2c1d-4e5f-8a9b-0c1d2e3f4a5b"
ANNA = Person("Anna Ek", email="Anna.Ek@example.org", entra_object_id=ANNA_ID)
BO = Person("Bo Berg", email="bo@example.org", entra_object_id=BO_ID)
BO_TRACES = ("Bo Berg", "bo@example.org", BO_ID, "29:bo", "a:bo-chat", "19:beta")
ANNA_TRACES = ("Anna Ek", "anna.ek@example.org", ANNA_ID, "29:anna", "a:anna-chat")
LEASE = timedelta(minutes=5)


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


# --- minutes and scheduled posts -----------------------------------------------------------


def post(
    key: str,
    text: str,
    *mentions: Mention,
    to: Recipient | None = None,
    due: datetime = NOW + timedelta(days=2),
) -> PlannedPost:
    """A reminder naming holders the way the planners do: a tag in the text and the card."""
    return PlannedPost(
        key=key,
        target=Target("first", "alfa", to),
        due_at=due,
        stale_after=due + timedelta(days=1),
        language="sv",
        text=text,
        card={"type": "AdaptiveCard", "body": [{"type": "TextBlock", "text": text}]},
        mentions=mentions,
        kind="minutes",
    )


ANNA_TAG, BO_TAG = Mention("Anna Ek", ANNA_ID), Mention("Bo Berg", BO_ID)


@pytest.fixture
async def filed_and_posted(database, stored) -> Outbox:
    """Besides `stored`: minutes Anna and Bo sent, and reminders that name them."""
    meeting = (await stored.meetings("first", NOW, NOW + timedelta(days=30)))[0]
    second = await stored.add(
        MeetingDraft(
            "first", "alfa", "mote", NOW + timedelta(days=9), NOW + timedelta(days=9, hours=1)
        ),
        by=BO_ID,
        now=NOW,
    )
    minutes = MinutesRepository(database)
    await minutes.file_minutes(
        Minutes(
            meeting_id=meeting.id,
            drive_id="drive",
            item_id="item-1",
            web_url="https://sp/1",
            path="Protokoll/2027/a.pdf",
            file_name="Protokoll från Anna Ek.pdf",
            size=3,
            sha256="ab" * 32,
            uploaded_by="Anna Ek",
            uploaded_at=NOW,
        )
    )
    await minutes.add_pending(
        meeting_id=second.id,
        file_name="utkast.pdf",
        target_path="Protokoll/2027/b.pdf",
        content=b"%PDF-1.7",
        sha256="cd" * 32,
        uploaded_by="Anna Ek",
        language="sv",
        reply_conversation_id="a:anna-chat",
        now=NOW,
        sender_id="29:anna",
        sender_aad_object_id=ANNA_ID,
    )
    outbox = Outbox(database)
    await outbox.enqueue(
        [
            post("sent", "Kontakt: <at>Anna Ek</at>.", ANNA_TAG, due=NOW - timedelta(hours=1)),
            post("sent-to-anna", "Tack!", to=Recipient("Anna Ek", ANNA_ID), due=NOW),
            post("both", "Ansvariga: <at>Anna Ek</at>, <at>Bo Berg</at>.", ANNA_TAG, BO_TAG),
            # Keyed as the planners key a post to one holder.
            post(f"to:{ANNA_ID}", "Ladda upp protokollet.", to=Recipient("Anna Ek", ANNA_ID)),
            post("bo-only", "Ansvarig: <at>Bo Berg</at>.", BO_TAG),
        ],
        NOW - timedelta(hours=2),
    )
    claimed = await outbox.claim_due("worker", NOW, 10, LEASE)
    assert [e.key for e in claimed] == ["sent", "sent-to-anna"]
    await outbox.mark_sent("sent", "act-1", False, conversation_id="19:alfa", sent_at=NOW)
    await outbox.mark_sent(
        "sent-to-anna", "act-2", False, conversation_id="a:anna-chat", sent_at=NOW
    )
    return outbox


async def every_value(database: Database) -> str:
    """Every column of every row of every table, as one case-folded text."""
    lines = []
    async with database.snapshot() as session:
        for table in Base.metadata.sorted_tables:
            for row in (await session.execute(select(table))).all():
                values = [v.decode("latin-1") if isinstance(v, bytes) else v for v in row]
                lines.append(json.dumps(values, default=str, ensure_ascii=False))
    return "\n".join(lines).casefold()


async def test_the_export_lists_minutes_and_posts_naming_the_person(
    database, filed_and_posted
) -> None:
    exported = await PersonalData(database).export("anna.ek@example.org")

    assert [m["file_name"] for m in exported["minutes"]] == ["Protokoll från Anna Ek.pdf"]
    assert [(p["uploaded_by"], p["state"]) for p in exported["pending_uploads"]] == [
        ("Anna Ek", "received")
    ]
    posts = {p["key"]: p for p in exported["scheduled_posts"]}
    assert set(posts) == {"sent", "sent-to-anna", "both", f"to:{ANNA_ID}"}
    assert posts[f"to:{ANNA_ID}"]["to_them"] and not posts["both"]["to_them"]
    assert posts["sent"]["status"] == "sent"


async def test_erasure_leaves_no_trace_in_any_table(database, filed_and_posted) -> None:
    before = await every_value(database)
    assert [t for t in ANNA_TRACES if t.casefold() not in before] == []  # seeded everywhere

    erasure = await PersonalData(database).erase("anna.ek@example.org", actor="cli:dpo", now=NOW)

    dumped = await every_value(database)
    assert [t for t in ANNA_TRACES if t.casefold() in dumped] == []
    # Bo's data is all still there, his chats and points and posts too.
    assert [t for t in BO_TRACES if t.casefold() not in dumped] == []
    assert (erasure.minutes, erasure.posts) == (2, 4)


async def test_erasure_keeps_the_minutes_without_their_sender(database, filed_and_posted) -> None:
    minutes = MinutesRepository(database)
    meetings = await MeetingRepository(database).meetings("first", NOW, NOW + timedelta(days=30))
    ids = [m.id for m in meetings]

    await PersonalData(database).erase("anna.ek@example.org", actor="cli:dpo", now=NOW)

    (filed,) = (await minutes.minutes(ids)).values()
    assert (filed.uploaded_by, filed.file_name, filed.web_url) == (
        PLACEHOLDER,
        f"Protokoll från {PLACEHOLDER}.pdf",
        "https://sp/1",
    )
    ((pending,),) = (await minutes.pending_for(ids)).values()
    assert (pending.uploaded_by, pending.reply_conversation_id) == (PLACEHOLDER, None)
    assert (pending.sender_id, pending.sender_aad_object_id) == (None, None)
    assert await minutes.content(pending.id) == b"%PDF-1.7"  # still to be filed


async def test_posts_go_on_naming_the_role_and_sent_ones_keep_nothing(
    database, filed_and_posted
) -> None:
    outbox = filed_and_posted
    bo_only = await outbox.get("bo-only")

    await PersonalData(database).erase("anna.ek@example.org", actor="cli:dpo", now=NOW)

    both = await outbox.get("both")
    assert (both.status, both.post.text) == ("pending", "Ansvariga: Kontakt, <at>Bo Berg</at>.")
    assert both.post.card["body"][0]["text"] == both.post.text
    assert both.post.mentions == (BO_TAG,)
    sent = await outbox.get("sent")
    assert (sent.status, sent.activity_id) == ("sent", "act-1")  # the proof it was sent
    assert (sent.post.text, sent.post.card, sent.post.mentions) == (CLEARED_POST.sv, None, ())
    assert await outbox.get(f"to:{ANNA_ID}") is None  # the key named her
    (to_anna,) = [
        e for e in await outbox.overview("first", NOW) if e.key.startswith("to:erased-")
    ]
    assert (to_anna.status, to_anna.last_error, to_anna.post.target.person) == (
        "failed",
        RECIPIENT_ERASED,
        None,
    )
    assert await outbox.get("bo-only") == bo_only


# --- received files waiting for their sender to pick the meeting ---------------------------


async def keep_file(
    minutes: MinutesRepository, file_name: str, sender: tuple[str, str, str, str]
) -> str:
    """A file kept for its sender to pick the meeting; `sender`: Teams user id, Entra
    object id, name and personal chat."""
    user_id, aad_id, name, chat = sender
    kept = await minutes.add_received(
        network_key="first",
        group_key="alfa",
        file_name=file_name,
        content=b"%PDF-1.7 " + file_name.encode(),
        sha256="ef" * 32,
        sender_id=user_id,
        sender_aad_object_id=aad_id,
        sender_name=name,
        conversation_id=chat,
        language="sv",
        now=NOW,
    )
    return kept.id


async def test_export_and_erasure_cover_received_files(database, stored, tmp_path) -> None:
    minutes = MinutesRepository(database, tmp_path)
    annas = await keep_file(minutes, "utkast.pdf", ("29:anna", ANNA_ID, "Anna Ek", "a:anna-chat"))
    naming_her = await keep_file(
        minutes, "Anteckningar Anna Ek.pdf", ("29:bo", BO_ID, "Bo Berg", "a:bo-chat")
    )
    bos = await keep_file(minutes, "mars.pdf", ("29:bo", BO_ID, "Bo Berg", "a:bo-chat"))

    exported = await PersonalData(database).export("anna.ek@example.org")
    assert [(f["file_name"], f["sender_name"]) for f in exported["received_files"]] == [
        ("utkast.pdf", "Anna Ek"),
        ("Anteckningar Anna Ek.pdf", "Bo Berg"),
    ]

    erasure = await PersonalData(database).erase("anna.ek@example.org", actor="cli:dpo", now=NOW)

    assert erasure.received_files == 2
    assert await minutes.received(annas, now=NOW) is None  # hers: gone, with its bytes
    renamed = await minutes.received(naming_her, now=NOW)
    assert renamed.file_name == f"Anteckningar {PLACEHOLDER}.pdf"
    assert renamed.sender_name == "Bo Berg"
    assert (await minutes.received(bos, now=NOW)).file_name == "mars.pdf"
    assert len(list((tmp_path / "received").iterdir())) == 2  # Bo's two files
    dumped = await every_value(database)
    assert [t for t in ANNA_TRACES if t.casefold() in dumped] == []
    assert [t for t in BO_TRACES if t.casefold() not in dumped] == []


async def test_a_name_escaped_for_teams_markdown_is_erased_from_posts_still_to_go(
    database,
) -> None:
    # Posts name holders without an Entra id as text, escaped for Teams' markdown: a name
    # with `_` or `*` is stored as `Eva\_Lind`, which the name as written does not find.
    eva = Person("Eva_Lind *K*", email="eva@example.org")
    await RegistryRepository(database).replace_networks([minimal_network("first", eva, BO)])
    outbox = Outbox(database)
    escaped = r"Eva\_Lind \*K\*"
    await outbox.enqueue([post("eva", f"Ansvarig: {escaped}.")], NOW - timedelta(hours=2))

    await PersonalData(database).erase("eva@example.org", actor="cli:dpo", now=NOW)

    kept = await outbox.get("eva")
    assert kept.status == "pending"
    assert "lind" not in kept.post.text.casefold(), kept.post.text
    assert "lind" not in json.dumps(kept.post.card).casefold()
    assert kept.post.text == "Ansvarig: Kontakt."
