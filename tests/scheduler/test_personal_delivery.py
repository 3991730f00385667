"""Posts to one person: their stored personal chat, or one the bot opens; refusals stay theirs.

Through the real `ConnectorSender` to a `LocalConnector`, on SQLite and PostgreSQL; read
where the person (the connector's chat with them) and an operator (the outbox row, the
"utskick" overview) would look.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date

from dialogs.conversation import CommandRequest
from dialogs.posts import PostsOverview
from domain.posts import PERSONAL_CHAT_UNREACHABLE, PlannedPost, Recipient, Target
from domain.registry import Group, Localized, Network, RoleRegistry
from domain.turns import Turn
from storage.conversations import ConversationStore
from storage.outbox import Outbox
from tests.scheduler.planned import LOGISTIK, START, TEAM, TENANT, bind_team, post, worker

ANNA = Recipient("Anna Berg", "6b1e3f3a-2c1d-4e5f-8a9b-0c1d2e3f4a5b")
BO = Recipient("Bo Ek", "0f0e0d0c-0b0a-4909-8807-060504030201")
BEST_SERVICE = Network(
    key="bestservice",
    name=Localized("Best Service", "Best Service"),
    groups=(Group("logistik", Localized("Logistik", "Logistics")),),
)


def to_person(key: str, person: Recipient = ANNA, **fields: object) -> PlannedPost:
    """A post about Logistik to one person's personal chat."""
    planned = post(key, **fields)  # type: ignore[arg-type]
    return replace(planned, target=Target("bestservice", "logistik", person))


async def test_a_post_to_a_person_opens_their_chat_once_and_goes_there(
    database, connector, sender, clock
):
    await bind_team(database, connector.service_url)
    await Outbox(database).enqueue([to_person("minutes-ask:1"), post("agenda:1")], START)

    report = await worker(database, sender, clock).deliver_due(clock())

    assert sorted(report.sent) == ["agenda:1", "minutes-ask:1"]
    (created,) = connector.created_conversations
    assert created["isGroup"] is False
    assert created["members"] == [{"id": ANNA.entra_object_id}]
    assert created["channelData"] == {"tenant": {"id": TENANT}}
    assert created["bot"]["id"] == "28:samverkan-bot"
    assert [a.text for a in connector.sent_to_person(ANNA.entra_object_id)] == [
        "Påminnelse minutes-ask:1"
    ]
    assert [a.conversation_id for a in connector.activities if a.text.endswith("agenda:1")] == [
        LOGISTIK
    ]
    entry = await Outbox(database).get("minutes-ask:1")
    assert entry is not None and entry.post.target.person == ANNA
    assert entry.conversation_id == connector.personal_chats[ANNA.entra_object_id]

    # The opened chat is stored: the next post to her goes straight there.
    await Outbox(database).enqueue([to_person("minutes-reminder:1")], START)
    clock.advance(seconds=5)
    await worker(database, sender, clock).deliver_due(clock())
    assert len(connector.created_conversations) == 1
    assert len(connector.sent_to_person(ANNA.entra_object_id)) == 2


async def test_a_person_who_talked_to_the_bot_is_reached_in_that_chat(
    database, connector, sender, clock
):
    await bind_team(database, connector.service_url)
    await ConversationStore(database).save_reference(
        {
            "bot": {"id": "28:samverkan-bot"},
            "user": {"id": "29:anna", "aadObjectId": ANNA.entra_object_id.upper()},
            "conversation": {"id": "a:anna-chat", "conversationType": "personal"},
            "channelId": "msteams",
            "serviceUrl": connector.service_url,
        },
        tenant_id=TENANT,
        team_id=None,
        channel_id=None,
        kind="personal",
    )
    await Outbox(database).enqueue([to_person("minutes-ask:1")], START)

    await worker(database, sender, clock).deliver_due(clock())

    assert connector.created_conversations == []
    assert [(a.conversation_id, a.text) for a in connector.activities] == [
        ("a:anna-chat", "Påminnelse minutes-ask:1")
    ]


async def test_a_person_without_the_app_is_undeliverable_with_a_reason_others_still_go(
    database, connector, sender, clock
):
    store = await bind_team(database, connector.service_url)
    connector.not_installed.add(BO.entra_object_id)
    await Outbox(database).enqueue(
        [to_person("minutes-ask:bo", BO), to_person("minutes-ask:anna"), post("agenda:1")], START
    )

    report = await worker(database, sender, clock).deliver_due(clock())

    assert report.undeliverable == ["minutes-ask:bo"]
    assert sorted(report.sent) == ["agenda:1", "minutes-ask:anna"]
    entry = await Outbox(database).get("minutes-ask:bo")
    assert entry is not None and entry.status == "undeliverable"
    assert entry.last_error is not None
    assert entry.last_error.startswith(f"{PERSONAL_CHAT_UNREACHABLE}: 403 Forbidden")
    # The team is fine: its channels stay active.
    assert all(r.active for r in await store.references_for_team(TEAM))

    (reply,) = await PostsOverview(Outbox(database), [], lambda: START).handle(
        CommandRequest(
            turn=Turn(text="utskick"),
            argument="",
            language="sv",
            network=BEST_SERVICE,
            registry=RoleRegistry((BEST_SERVICE,)),
            today=date(2026, 3, 12),
        )
    )
    assert "personligt till Bo Ek" in reply.text
    assert "Bo Ek nås inte i personlig chatt: appen är inte installerad" in reply.text


async def test_a_person_who_removed_the_app_gets_their_chat_reopened_next_time(
    database, connector, sender, clock
):
    await bind_team(database, connector.service_url)
    await Outbox(database).enqueue([to_person("minutes-ask:1")], START)
    await worker(database, sender, clock).deliver_due(clock())
    chat = connector.personal_chats[ANNA.entra_object_id]

    connector.script(403, {"error": {"code": "Forbidden", "message": "uninstalled"}})
    await Outbox(database).enqueue([to_person("minutes-reminder:1")], START)
    clock.advance(seconds=5)
    report = await worker(database, sender, clock).deliver_due(clock())

    assert report.undeliverable == ["minutes-reminder:1"]
    assert await ConversationStore(database).personal_reference(ANNA.entra_object_id) is None
    stale = await ConversationStore(database).stored_reference(chat)
    assert stale is not None and stale.active is False
    await Outbox(database).enqueue([to_person("minutes-reminder:2", due_at=START)], START)
    clock.advance(seconds=5)
    await worker(database, sender, clock).deliver_due(clock())
    assert len(connector.created_conversations) == 2  # asked Teams afresh
    assert connector.sent_to_person(ANNA.entra_object_id)[-1].text.endswith("minutes-reminder:2")
