"""Conversation references and channel bindings, on SQLite and on PostgreSQL."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest

from storage.conversations import ConversationStore
from storage.database import Database

TEAM = "19:team-general@thread.tacv2"
CHANNEL = "19:lokalvard@thread.tacv2"


def reference(
    conversation_id: str, service_url: str = "https://smba.example/emea/"
) -> dict[str, Any]:
    """A conversation reference as the Teams edge serialises it."""
    return {
        "activityId": "1712345678901",
        "user": {"id": "29:user", "name": "Sara Herrman"},
        "bot": {"id": "28:bot", "name": "Samverkan"},
        "conversation": {"id": conversation_id, "conversationType": "channel", "tenantId": "t1"},
        "channelId": "msteams",
        "locale": "sv-SE",
        "serviceUrl": service_url,
    }


@pytest.fixture
def store(database: Database) -> ConversationStore:
    return ConversationStore(database)


async def test_a_saved_reference_is_there_after_a_restart(database: Database) -> None:
    await ConversationStore(database).save_reference(
        reference(CHANNEL), tenant_id="t1", team_id=TEAM, channel_id=CHANNEL, kind="channel"
    )
    await database.close()

    restarted = Database(database.url)
    try:
        assert await ConversationStore(restarted).get_reference(CHANNEL) == reference(CHANNEL)
    finally:
        await restarted.close()


async def test_saving_again_updates_the_reference(store: ConversationStore) -> None:
    before = datetime.now(UTC)
    await store.save_reference(
        reference(CHANNEL), tenant_id="t1", team_id=TEAM, channel_id=CHANNEL, kind="channel"
    )
    moved = reference(CHANNEL, service_url="https://smba.example/amer/")

    await store.save_reference(
        moved, tenant_id="t1", team_id=TEAM, channel_id=CHANNEL, kind="channel"
    )

    assert await store.get_reference(CHANNEL) == moved
    [stored] = await store.references_for_team(TEAM)
    assert stored.reference == moved
    assert stored.updated_at >= before
    assert stored.updated_at.tzinfo is not None


async def test_an_unknown_conversation_has_no_reference(store: ConversationStore) -> None:
    assert await store.get_reference("19:nowhere@thread.tacv2") is None


async def test_a_reference_without_a_conversation_id_is_refused(store: ConversationStore) -> None:
    with pytest.raises(ValueError, match="conversation.id"):
        await store.save_reference(
            {"serviceUrl": "https://smba.example/"},
            tenant_id=None,
            team_id=None,
            channel_id=None,
            kind="personal",
        )


async def test_a_team_lists_the_conversations_of_its_channels(store: ConversationStore) -> None:
    for conversation_id, team_id, channel_id, kind in [
        (CHANNEL, TEAM, CHANNEL, "channel"),
        (TEAM, TEAM, TEAM, "channel"),
        ("a:personal-chat", None, None, "personal"),
        ("19:other@thread.tacv2", "19:other-team@thread.tacv2", "19:other@thread.tacv2", "channel"),
    ]:
        await store.save_reference(
            reference(conversation_id),
            tenant_id="t1",
            team_id=team_id,
            channel_id=channel_id,
            kind=kind,
        )

    stored = await store.references_for_team(TEAM)

    assert [(s.conversation_id, s.channel_id, s.kind, s.tenant_id) for s in stored] == [
        (CHANNEL, CHANNEL, "channel", "t1"),
        (TEAM, TEAM, "channel", "t1"),
    ]
    assert stored[0].reference == reference(CHANNEL)


async def test_a_channel_binding_wins_over_its_teams_binding(store: ConversationStore) -> None:
    await store.set_binding(TEAM, None, "bestservice", None)
    await store.set_binding(TEAM, CHANNEL, "bestservice", "lokalvard")

    assert await store.binding_for(TEAM, CHANNEL) == ("bestservice", "lokalvard")
    assert await store.binding_for(TEAM, "19:logistik@thread.tacv2") == ("bestservice", None)
    assert await store.binding_for("19:other-team@thread.tacv2", CHANNEL) is None


async def test_binding_again_replaces_the_binding(store: ConversationStore) -> None:
    await store.set_binding(TEAM, None, "bestservice", None)
    await store.set_binding(TEAM, CHANNEL, "bestservice", "lokalvard")

    await store.set_binding(TEAM, None, "erad", None)
    await store.set_binding(TEAM, CHANNEL, "erad", "beredningen")

    assert await store.binding_for(TEAM, CHANNEL) == ("erad", "beredningen")
    assert await store.binding_for(TEAM, "19:logistik@thread.tacv2") == ("erad", None)


async def test_a_removed_binding_falls_back_to_the_team_then_to_none(
    store: ConversationStore,
) -> None:
    await store.set_binding(TEAM, None, "bestservice", None)
    await store.set_binding(TEAM, CHANNEL, "erad", "eradet")

    assert await store.remove_binding(TEAM, CHANNEL)
    assert await store.binding_for(TEAM, CHANNEL) == ("bestservice", None)
    assert await store.remove_binding(TEAM, None)
    assert await store.binding_for(TEAM, CHANNEL) is None
    assert not await store.remove_binding(TEAM, None)


async def test_a_whole_team_cannot_be_bound_to_a_group(store: ConversationStore) -> None:
    with pytest.raises(ValueError, match="give a channel"):
        await store.set_binding(TEAM, None, "bestservice", "lokalvard")


async def test_several_binding_changes_are_applied_together(store: ConversationStore) -> None:
    other = "19:logistik@thread.tacv2"
    await store.set_binding(TEAM, None, "bestservice", None)
    await store.set_binding(TEAM, CHANNEL, "bestservice", "lokalvard")

    # Lokalvård's group moves to the other channel; the old channel is unlinked.
    await store.change_bindings(
        TEAM, {CHANNEL: None, other: ("bestservice", "lokalvard")}, actor="aad-admin"
    )

    assert await store.binding_for(TEAM, CHANNEL) == ("bestservice", None)  # the team's
    assert await store.binding_for(TEAM, other) == ("bestservice", "lokalvard")


async def test_a_change_set_with_one_impossible_change_changes_nothing(
    store: ConversationStore,
) -> None:
    await store.set_binding(TEAM, CHANNEL, "bestservice", "lokalvard")

    with pytest.raises(ValueError, match="give a channel"):
        await store.change_bindings(
            TEAM, {CHANNEL: None, None: ("bestservice", "lokalvard")}, actor="aad-admin"
        )

    assert await store.binding_for(TEAM, CHANNEL) == ("bestservice", "lokalvard")


async def _installed_team(store: ConversationStore) -> None:
    """A team bound to bestservice with its General channel and Lokalvård stored."""
    for conversation_id in (TEAM, CHANNEL):
        await store.save_reference(
            reference(conversation_id),
            tenant_id="t1",
            team_id=TEAM,
            channel_id=conversation_id,
            kind="channel",
        )
    await store.set_binding(TEAM, None, "bestservice", None)
    await store.set_binding(TEAM, CHANNEL, "bestservice", "lokalvard")


async def test_a_groups_channel_and_the_general_channel_are_found_through_the_bindings(
    store: ConversationStore,
) -> None:
    await _installed_team(store)

    group = await store.channel_reference("bestservice", "lokalvard")
    general = await store.channel_reference("bestservice", None)

    assert group is not None and (group.conversation_id, group.active) == (CHANNEL, True)
    assert general is not None and general.conversation_id == TEAM
    assert await store.channel_reference("bestservice", "logistik") is None
    assert await store.channel_reference("erad", None) is None


async def test_a_batch_of_posts_finds_the_same_channels_in_one_query(
    store: ConversationStore,
) -> None:
    """What a fan-out's batch finds at once is what each post would have found alone:
    groups' channels, General, an inactive channel (still found), an active one winning
    over an inactive one, and nothing for what no channel is bound to."""
    await _installed_team(store)
    other_team, logistik = "19:other-team@thread.tacv2", "19:logistik@thread.tacv2"
    moved = "19:lokalvard-new@thread.tacv2"
    for team, conversation_id in ((other_team, other_team), (other_team, logistik),
                                  (TEAM, moved)):  # fmt: skip
        await store.save_reference(
            reference(conversation_id), tenant_id="t1", team_id=team,
            channel_id=conversation_id, kind="channel",
        )
    await store.set_binding(other_team, None, "erad", None)
    await store.set_binding(other_team, logistik, "erad", "logistik")
    assert await store.set_active(logistik, False)
    # Lokalvård has two channels bound: the newer is inactive, so the older one wins.
    await store.set_binding(TEAM, moved, "bestservice", "lokalvard")
    assert await store.set_active(moved, False)
    targets = [("bestservice", "lokalvard"), ("bestservice", None), ("erad", "logistik"),
               ("erad", None), ("bestservice", "logistik"), ("nowhere", None),
               ("nowhere", "lokalvard")]  # fmt: skip

    found = await store.channel_references(targets)

    assert found == {target: await store.channel_reference(*target) for target in targets}
    lokalvard, logistik_found = found[("bestservice", "lokalvard")], found[("erad", "logistik")]
    assert lokalvard is not None and lokalvard.conversation_id == CHANNEL
    assert logistik_found is not None and logistik_found.active is False
    assert [target for target, channel in found.items() if channel is None] == [
        ("bestservice", "logistik"), ("nowhere", None), ("nowhere", "lokalvard")
    ]
    assert await store.channel_references([]) == {}


async def test_an_inactive_channel_is_still_found_but_marked_inactive(
    store: ConversationStore,
) -> None:
    await _installed_team(store)

    assert await store.set_active(CHANNEL, False)

    group = await store.channel_reference("bestservice", "lokalvard")
    assert group is not None and not group.active
    assert await store.get_reference(CHANNEL) is None
    assert [s.conversation_id for s in await store.references_for_team(TEAM)] == [TEAM]


async def test_a_whole_team_is_made_inactive_and_active_again(store: ConversationStore) -> None:
    await _installed_team(store)

    assert await store.set_team_active(TEAM, False) == 2
    assert await store.references_for_team(TEAM) == []

    assert await store.set_team_active(TEAM, True) == 2
    assert len(await store.references_for_team(TEAM)) == 2
    assert not await store.set_active("19:nowhere@thread.tacv2", True)


async def test_a_teams_bindings_list_the_team_first(store: ConversationStore) -> None:
    await store.set_binding(TEAM, CHANNEL, "bestservice", "lokalvard")
    await store.set_binding(TEAM, None, "bestservice", None)
    await store.set_binding("19:other-team@thread.tacv2", None, "erad", None)

    assert [(b.channel_id, b.group_key) for b in await store.bindings_for_team(TEAM)] == [
        (None, None),
        (CHANNEL, "lokalvard"),
    ]
