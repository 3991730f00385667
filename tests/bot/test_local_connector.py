"""The loopback connector speaks the Bot Connector REST API as the SDK's own clients expect."""

from __future__ import annotations

import asyncio

import aiohttp
import pytest
from botbuilder.schema import (
    Activity,
    ChannelAccount,
    ConversationAccount,
    ConversationParameters,
)
from botframework.connector.aio import ConnectorClient
from botframework.connector.auth import MicrosoftAppCredentials
from botframework.connector.models import ErrorResponseException
from botframework.connector.teams import TeamsConnectorClient

CHANNEL_THREAD = "19:Qz7LogistikChannel@thread.tacv2;messageid=1732000000001"


@pytest.fixture
def client(connector) -> ConnectorClient:
    return ConnectorClient(MicrosoftAppCredentials.empty(), base_url=connector.service_url)


def _message(text: str) -> Activity:
    return Activity(
        type="message",
        text=text,
        conversation=ConversationAccount(id=CHANNEL_THREAD),
        from_property=ChannelAccount(id="28:bot"),
    )


async def test_ids_arrive_percent_encoded_and_are_decoded(client, connector):
    sent = await client.conversations.send_to_conversation(CHANNEL_THREAD, _message("hej"))

    (request,) = connector.requests
    assert "%3A" in request.raw_path and "%40" in request.raw_path
    assert request.conversation_id == CHANNEL_THREAD
    assert request.path == f"/v3/conversations/{CHANNEL_THREAD}/activities"
    (activity,) = await connector.wait_for_activities(1)
    assert activity.id == sent.id
    assert activity.reply_to_id is None
    assert activity.text == "hej"


async def test_a_reply_names_the_activity_it_answers(client, connector):
    await client.conversations.reply_to_activity(CHANNEL_THREAD, "1732000000001", _message("svar"))

    (activity,) = await connector.wait_for_activities(1)
    assert activity.conversation_id == CHANNEL_THREAD
    assert activity.reply_to_id == "1732000000001"


async def test_update_and_delete(client, connector):
    sent = await client.conversations.send_to_conversation(CHANNEL_THREAD, _message("v1"))

    await client.conversations.update_activity(CHANNEL_THREAD, sent.id, _message("v2"))
    await client.conversations.delete_activity(CHANNEL_THREAD, sent.id)

    assert [(u.id, u.text) for u in connector.updates] == [(sent.id, "v2")]
    assert connector.deleted == [(CHANNEL_THREAD, sent.id)]


async def test_members(client, connector):
    anna = {"id": "29:anna", "name": "Anna Lindqvist", "aadObjectId": "6b1e"}
    connector.members[CHANNEL_THREAD] = [anna]

    members = await client.conversations.get_conversation_members(CHANNEL_THREAD)
    member = await client.conversations.get_conversation_member(CHANNEL_THREAD, "29:anna")

    assert [m.name for m in members] == ["Anna Lindqvist"]
    assert member.aad_object_id == "6b1e"
    with pytest.raises(ErrorResponseException):
        await client.conversations.get_conversation_member(CHANNEL_THREAD, "29:nobody")


async def test_creating_a_personal_conversation(client, connector):
    parameters = ConversationParameters(
        is_group=False,
        bot=ChannelAccount(id="28:bot"),
        members=[ChannelAccount(id="29:anna")],
        tenant_id="tenant-1",
        activity=Activity(type="message", text="Påminnelse"),
    )

    created = await client.conversations.create_conversation(parameters)

    assert created.id.startswith("a:")
    (body,) = connector.created_conversations
    assert body["members"] == [{"id": "29:anna"}]
    (activity,) = await connector.wait_for_activities(1)
    assert (activity.conversation_id, activity.text) == (created.id, "Påminnelse")


async def test_team_channels(connector):
    team_id = "19:Jk3b8xQ2team@thread.tacv2"
    connector.channels[team_id] = [
        {"id": team_id, "name": None},
        {"id": "19:x@thread.tacv2", "name": "VNS"},
    ]
    teams = TeamsConnectorClient(MicrosoftAppCredentials.empty(), base_url=connector.service_url)

    result = await asyncio.to_thread(teams.teams.get_teams_channels, team_id)

    assert [c.name for c in result.conversations] == [None, "VNS"]
    assert connector.requests[0].path == f"/v3/teams/{team_id}/conversations"


async def test_scripted_faults_are_served_in_order_then_normal_service_resumes(connector):
    url = f"{connector.service_url}v3/conversations/a%3Achat/activities"
    connector.script(429, headers={"Retry-After": "7"})
    connector.script(403, {"error": {"code": "BotNotInConversationRoster", "message": "gone"}})
    async with aiohttp.ClientSession() as http:
        responses = []
        for _ in range(3):
            async with http.post(url, json={"type": "message", "text": "x"}) as response:
                responses.append(
                    (
                        response.status,
                        response.headers.get("Retry-After"),
                        await response.json(content_type=None),
                    )
                )

    assert responses[0][:2] == (429, "7")
    assert responses[1][0] == 403
    assert responses[1][2]["error"]["code"] == "BotNotInConversationRoster"
    assert responses[2][0] == 201 and "id" in responses[2][2]
    assert len(connector.requests) == 3
    assert len(connector.activities) == 1  # only the request that was served normally


async def test_a_scripted_roster_error_reaches_the_sdk_as_an_error_response(client, connector):
    connector.script(403, {"error": {"code": "BotNotInConversationRoster", "message": "gone"}})

    with pytest.raises(ErrorResponseException) as raised:
        await client.conversations.send_to_conversation(CHANNEL_THREAD, _message("hej"))

    assert raised.value.error.error.code == "BotNotInConversationRoster"


async def test_waiting_for_more_activities_than_arrive_says_what_did(connector):
    with pytest.raises(TimeoutError, match="expected 1 activities .* got 0"):
        await connector.wait_for_activities(1, timeout=0.05)


async def test_waiting_returns_once_activities_arrive(client, connector):
    waiter = asyncio.create_task(connector.wait_for_activities(2))
    await client.conversations.send_to_conversation(CHANNEL_THREAD, _message("ett"))
    await client.conversations.send_to_conversation(CHANNEL_THREAD, _message("två"))

    assert [a.text for a in await waiter] == ["ett", "två"]
