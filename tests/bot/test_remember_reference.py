"""The conversation reference the bot stores on every message, and when it skips that.

A message whose reference is built from what this process last stored is not built
again (`SamverkanBot._remember`, `ConversationStore.reference_unchanged`); the scenarios
show what must still be written: a changed reference, and one someone else deactivated
or deleted meanwhile. The last test checks the promise the skip rests on: whatever the
stored reference, ids and kind are built from is among `reference_inputs`.
"""

from __future__ import annotations

import copy
from typing import Any

import pytest
from azure.core.exceptions import SerializationError
from botbuilder.schema import Activity, ChannelAccount, ConversationAccount

from bot.activity_json import activity_from_json
from bot.teams_bot import (
    ReferenceRow,
    reference_inputs,
    stored_reference,
    teams_channel_data,
)
from domain.conversations import StoredReference
from storage.conversations import (
    ConversationStore,
    delete_personal_references,
    personal_references,
)
from storage.database import Database
from tests.bot.teams_activities import (
    CHANNEL_ID,
    TEAM_ID,
    USER,
    bot_removed_from_team,
    channel_message,
    group_chat_message,
    personal_message,
)


async def stored_chat(bot) -> StoredReference | None:
    """The user's personal chat as stored, active or not; None when there is none."""
    database = Database(bot.settings.database_url)
    try:
        async with database.snapshot() as session:
            found = await personal_references(session, [USER["id"]])
    finally:
        await database.close()
    return found[0] if found else None


async def test_an_unchanged_chat_is_stored_once(bot, connector):
    first = personal_message(connector.service_url, "vem är sekreterare?")
    await bot.post(first)
    stored = await stored_chat(bot)

    await bot.post(personal_message(connector.service_url, "vem är ordförande?"))

    assert await stored_chat(bot) == stored  # same updated_at, the first activityId
    assert stored.reference["activityId"] == first["id"]


@pytest.mark.parametrize(
    "change",
    [
        {"from": USER | {"name": "Anna Lindqvist-Berg"}},
        {"locale": "en-US"},
        {"channelData": {"tenant": {"id": "another-tenant"}}},
    ],
    ids=["renamed user", "new locale", "tenant"],
)
async def test_a_chat_whose_reference_changed_is_stored_again(bot, connector, change):
    await bot.post(personal_message(connector.service_url, "vem är sekreterare?"))
    before = await stored_chat(bot)

    changed = personal_message(connector.service_url, "vem är ordförande?") | change
    await bot.post(changed)

    after = await stored_chat(bot)
    assert after.reference["activityId"] == changed["id"]
    assert after.updated_at > before.updated_at
    assert (after.reference["user"]["name"], after.reference["locale"], after.tenant_id) == (
        changed["from"]["name"],
        changed["locale"],
        changed["channelData"]["tenant"]["id"],
    )


async def test_a_user_erased_meanwhile_has_their_chat_stored_again(bot, connector):
    await bot.post(personal_message(connector.service_url, "vem är sekreterare?"))
    # The erasure, through a connection of its own as `app.py person erase` has.
    database = Database(bot.settings.database_url)
    try:
        async with database.transaction() as session:
            assert await delete_personal_references(session, [USER["id"]]) == 1
    finally:
        await database.close()

    again = personal_message(connector.service_url, "vem är sekreterare?")
    await bot.post(again)

    stored = await stored_chat(bot)
    assert stored is not None and stored.active
    assert stored.reference["activityId"] == again["id"]


async def test_a_message_in_a_team_the_bot_was_removed_from_reactivates_the_thread(
    bot, connector
):
    thread = {"id": f"{CHANNEL_ID};messageid=1", "conversationType": "channel", "isGroup": True}

    def in_thread(text: str) -> dict[str, Any]:
        message = channel_message(connector.service_url, text)
        message["conversation"] |= thread
        return message

    await bot.post(in_thread("vem är sekreterare?"))
    await bot.post(bot_removed_from_team(connector.service_url))
    await bot.post(in_thread("vem är ordförande?"))

    database = Database(bot.settings.database_url)
    try:
        stored = {
            s.conversation_id: s.active
            for s in await ConversationStore(database).references_for_team(TEAM_ID)
        }
    finally:
        await database.close()
    assert stored[thread["id"]] is True


def _stored_form(activity: Activity) -> ReferenceRow:
    """What `_remember` stores for an activity: the reference but its activityId, the ids
    and the kind."""
    row = stored_reference(activity, teams_channel_data(activity))
    row.reference.pop("activityId", None)
    return row


def _other_values(value: Any) -> list[Any]:
    if isinstance(value, bool):
        return [not value, None, 1]
    if isinstance(value, str):
        return [value + "-changed", None, 1]
    return [None, "changed", True, {"changed": 1}]


def _changes(activity: Activity) -> list[Activity]:
    """The activity with one attribute changed, in every way tried here."""
    changed = []
    for attribute in Activity._attribute_map:
        for value in _other_values(getattr(activity, attribute)):
            copied = copy.deepcopy(activity)
            setattr(copied, attribute, value)
            changed.append(copied)
    for account_attribute in ("from_property", "recipient", "conversation"):
        account = getattr(activity, account_attribute)
        for attribute in type(account)._attribute_map:
            for value in _other_values(getattr(account, attribute)):
                copied = copy.deepcopy(activity)
                setattr(getattr(copied, account_attribute), attribute, value)
                changed.append(copied)
        copied = copy.deepcopy(activity)
        setattr(copied, account_attribute, ChannelAccount(id="other"))
        changed.append(copied)
    for key in ("tenant", "team", "channel"):
        copied = copy.deepcopy(activity)
        copied.channel_data = dict(copied.channel_data or {}, **{key: {"id": "other"}})
        changed.append(copied)
    copied = copy.deepcopy(activity)
    copied.conversation.additional_properties = {"tenantId": "other"}
    copied.channel_data = {}
    changed.append(copied)
    copied = copy.deepcopy(activity)
    copied.conversation = ConversationAccount(id=activity.conversation.id)
    changed.append(copied)
    return changed


@pytest.mark.parametrize(
    "message",
    [
        personal_message("https://smba.trafficmanager.net/emea/", "vem?"),
        channel_message("https://smba.trafficmanager.net/emea/", "vem?"),
        group_chat_message("https://smba.trafficmanager.net/emea/", "vem?"),
    ],
    ids=["personal", "channel", "group chat"],
)
def test_whatever_the_stored_reference_is_built_from_is_among_its_inputs(message):
    activity = activity_from_json(message)
    inputs = reference_inputs(activity, teams_channel_data(activity))
    assert inputs is not None
    stored = _stored_form(activity)

    for changed in _changes(activity):
        if getattr(changed.conversation, "id", None) in (None, ""):
            continue  # nothing is stored without a conversation id
        try:
            changed_stored = _stored_form(changed)
        except (SerializationError, AttributeError):
            changed_stored = None  # storing it fails: skipping it must not hide that
        if changed_stored != stored:
            assert reference_inputs(changed, teams_channel_data(changed)) != inputs
