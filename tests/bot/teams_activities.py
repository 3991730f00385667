"""Activity JSON as Microsoft Teams sends it to a bot, for scenario tests.

Shapes follow what Teams posts to /api/messages: ids with their Teams prefixes
(29: users, 28: bots, 19: threads, a: personal chats), the tenant in both
`conversation.tenantId` and `channelData.tenant.id`, team and channel in `channelData`.
"""

from __future__ import annotations

import itertools
from typing import Any, Literal

from views.cards import PEOPLE_DATASET

TENANT_ID = "72f988bf-86f1-41af-91ab-2d7cd011db47"
BOT = {"id": "28:7c9c3a8e-6f1b-4d3e-9a7e-samverkan", "name": "samverkan"}
USER = {
    "id": "29:1aBcD-user-anna",
    "name": "Anna Lindqvist",
    "aadObjectId": "6b1e3f3a-2c1d-4e5f-8a9b-0c1d2e3f4a5b",
}
# A plain member of the team: in no network's `admins`, owner of nothing.
MEMBER = {"id": "29:member-bo", "name": "Bo Ek", "aadObjectId": "aad-member-bo"}
TEAM_ID = "19:Jk3b8xQ2team@thread.tacv2"
CHANNEL_ID = "19:Qz7LogistikChannel@thread.tacv2"
PERSONAL_CONVERSATION_ID = "a:1Xy8-personal-chat-anna"
GROUP_CHAT_ID = "19:meeting_groupchat01@thread.v2"

_ids = itertools.count(1_732_000_000_001)


def _base(service_url: str, conversation: dict[str, Any], **fields: Any) -> dict[str, Any]:
    activity_id = str(next(_ids))
    activity: dict[str, Any] = {
        "type": "message",
        "id": activity_id,
        "timestamp": "2025-11-24T09:15:00.123Z",
        "localTimestamp": "2025-11-24T10:15:00.123+01:00",
        "channelId": "msteams",
        "serviceUrl": service_url,
        "from": dict(USER),
        "recipient": dict(BOT),
        "conversation": {"tenantId": TENANT_ID, **conversation},
        "locale": "sv-SE",
        "entities": [
            {
                "type": "clientInfo",
                "locale": "sv-SE",
                "country": "SE",
                "platform": "Web",
                "timezone": "Europe/Stockholm",
            }
        ],
        "channelData": {"tenant": {"id": TENANT_ID}},
    }
    activity.update(fields)
    return activity


def personal_message(service_url: str, text: str, **fields: Any) -> dict[str, Any]:
    """A message in the user's 1:1 chat with the bot."""
    return _base(
        service_url,
        {"id": PERSONAL_CONVERSATION_ID, "conversationType": "personal"},
        text=text,
        textFormat="plain",
        **fields,
    )


def group_chat_message(service_url: str, text: str, **fields: Any) -> dict[str, Any]:
    """A message in a group chat that @mentions the bot."""
    activity = _base(
        service_url,
        {"id": GROUP_CHAT_ID, "conversationType": "groupChat", "isGroup": True},
        text=f"<at>{BOT['name']}</at> {text}",
        textFormat="plain",
        **fields,
    )
    activity["entities"].insert(0, _mention())
    return activity


def channel_message(
    service_url: str,
    text: str,
    *,
    team_id: str = TEAM_ID,
    channel_id: str = CHANNEL_ID,
    **fields: Any,
) -> dict[str, Any]:
    """A new post in a team channel that @mentions the bot, as Teams encodes it."""
    activity = _base(service_url, {}, **fields)
    activity["conversation"] = {
        "isGroup": True,
        "conversationType": "channel",
        "tenantId": TENANT_ID,
        "id": f"{channel_id};messageid={activity['id']}",
    }
    activity["text"] = f"<at>{BOT['name']}</at>&nbsp;{text}\n"
    activity["textFormat"] = "plain"
    activity["entities"].insert(0, _mention())
    activity["channelData"] = {
        "teamsChannelId": channel_id,
        "teamsTeamId": team_id,
        "channel": {"id": channel_id},
        "team": {"id": team_id},
        "tenant": {"id": TENANT_ID},
    }
    return activity


Where = Literal["personal", "channel"]


def card_submit(
    service_url: str,
    data: dict[str, Any],
    *,
    sender: dict[str, Any] = USER,
    where: Where = "channel",
    channel_id: str = CHANNEL_ID,
    **inputs: Any,
) -> dict[str, Any]:
    """A card button's `Action.Submit` by `sender`, in a channel or the personal chat: a
    message without text whose value is the button's data and the card's inputs."""
    return _card_activity(service_url, sender, where, channel_id, value={**data, **inputs})


def people_search(
    service_url: str,
    query: str,
    *,
    sender: dict[str, Any] = USER,
    where: Where = "personal",
    channel_id: str = CHANNEL_ID,
    options: dict[str, int] | None = None,
) -> dict[str, Any]:
    """The `application/search` invoke Teams sends while `sender` types `query` into a
    people picker (an `Input.ChoiceSet` over the bot's `PEOPLE_DATASET`)."""
    activity = _card_activity(service_url, sender, where, channel_id)
    activity.update(
        type="invoke",
        name="application/search",
        value={
            "queryText": query,
            "dataset": PEOPLE_DATASET,
            "queryOptions": {"skip": 0, "top": 15} if options is None else options,
        },
    )
    return activity


def _card_activity(
    service_url: str, sender: dict[str, Any], where: Where, channel_id: str, **fields: Any
) -> dict[str, Any]:
    """An activity from a card (no text) by `sender` in the channel or the personal chat."""
    if where == "channel":
        activity = channel_message(service_url, "", channel_id=channel_id, **fields)
    else:
        activity = personal_message(service_url, "", **fields)
    activity.pop("text")
    activity["from"] = dict(sender)
    return activity


def bot_added_to_personal_chat(service_url: str, member: dict[str, Any] = BOT) -> dict[str, Any]:
    """The conversationUpdate Teams sends when a user installs the bot (naming `member`)."""
    activity = _base(service_url, {"id": PERSONAL_CONVERSATION_ID, "conversationType": "personal"})
    activity.update(type="conversationUpdate", membersAdded=[dict(member)])
    activity.pop("locale")
    activity.pop("entities")
    return activity


def bot_added_to_team(service_url: str) -> dict[str, Any]:
    """The conversationUpdate Teams sends when the bot is added to a team."""
    activity = _base(service_url, {"id": TEAM_ID, "conversationType": "channel", "isGroup": True})
    activity.update(type="conversationUpdate", membersAdded=[dict(BOT)])
    activity["channelData"] = {
        "team": {"id": TEAM_ID, "name": "Best Service"},
        "eventType": "teamMemberAdded",
        "tenant": {"id": TENANT_ID},
    }
    activity.pop("locale")
    activity.pop("entities")
    return activity


def user_joined_team(service_url: str) -> dict[str, Any]:
    """A conversationUpdate for another member joining: the bot stays quiet."""
    activity = bot_added_to_team(service_url)
    activity["membersAdded"] = [{"id": "29:someone-else", "aadObjectId": "0f0f0f0f"}]
    return activity


def _mention() -> dict[str, Any]:
    return {
        "type": "mention",
        "text": f"<at>{BOT['name']}</at>",
        "mentioned": {"id": BOT["id"], "name": BOT["name"]},
    }


def bot_removed_from_team(service_url: str) -> dict[str, Any]:
    """The conversationUpdate Teams sends when the bot is removed from a team."""
    activity = bot_added_to_team(service_url)
    activity.pop("membersAdded")
    activity["membersRemoved"] = [dict(BOT)]
    activity["channelData"]["eventType"] = "teamMemberRemoved"
    return activity


def installation_update(service_url: str, action: str) -> dict[str, Any]:
    """The installationUpdate Teams sends in a team ("add", "remove", "remove-upgrade", …)."""
    activity = bot_added_to_team(service_url)
    activity.pop("membersAdded")
    activity.update(type="installationUpdate", action=action)
    activity["channelData"].pop("eventType")
    return activity


def channel_event(
    service_url: str, event: str, channel_id: str, name: str | None = None
) -> dict[str, Any]:
    """A channelCreated, channelRenamed or channelDeleted conversationUpdate."""
    activity = bot_added_to_team(service_url)
    activity.pop("membersAdded")
    channel = {"id": channel_id, **({"name": name} if name is not None else {})}
    activity["channelData"] = {
        "channel": channel,
        "team": {"id": TEAM_ID, "name": "Best Service"},
        "eventType": event,
        "tenant": {"id": TENANT_ID},
    }
    return activity
