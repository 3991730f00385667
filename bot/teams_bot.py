"""The Teams bot: translates activities into `Turn`s and `Reply`s back into activities.

Every incoming activity first has its conversation reference stored (so that scheduled
posts can reach the conversation later, even after a restart). A message is stripped
of the bot's @mention and of Teams' HTML, placed in its conversation (personal chat,
group chat or a channel bound to a network group) and handed to the conversation
logic; its replies are sent back as messages with adaptive cards.

Installation events go to `dialogs.installation.TeamInstallations`: when the bot is
added to a team it lists the team's channels and stores a reference per channel (the
channel id is the conversation id of a new post there), then posts the proposed
channel mapping in General; channel created/renamed/deleted events and the bot's
removal keep the references and bindings current.

The people picker of the role-holder cards (an `Input.ChoiceSet` with a `Data.Query`)
makes Teams send an `application/search` invoke as one types; it is answered with a
`searchResponse` from `dialogs.roles_admin.RolesAdminDialogs.search_people`.
"""

from __future__ import annotations

import asyncio
import copy
import html
import logging
import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from operator import attrgetter
from typing import Any, NamedTuple, Protocol

from botbuilder.core import ActivityHandler, InvokeResponse, TurnContext
from botbuilder.core.teams import TeamsInfo
from botbuilder.schema import (
    Activity,
    ActivityTypes,
    ChannelAccount,
    ConversationAccount,
    ConversationReference,
)
from botframework.connector import Channels

from bot.activity_json import model_to_json
from bot.cards import edge_text, reply_activities, text_activity
from bot.file_hosts import FileHosts
from bot.files import TEAMS_FILE_HOSTS, ReceivedFile, received_files
from dialogs.installation import CONFIRM_ACTION, Team, TeamChannel
from dialogs.minutes import FILE_ACTION
from domain.language import detect_language
from domain.ports import ConversationPort, MinutesPort
from domain.registry import Language
from domain.turns import ConversationKind, Reply, Turn
from views.cards import PEOPLE_DATASET

logger = logging.getLogger(__name__)

_KINDS: dict[str, ConversationKind] = {
    "personal": "personal",
    "channel": "channel",
    "groupchat": "groupChat",
}

_MEMBERSHIP_ACTIVITIES = {ActivityTypes.conversation_update, ActivityTypes.installation_update}

# Tags Teams may wrap message text in; <at> is handled separately.
_MARKUP_TAG = re.compile(r"</?(?:p|div|span|br)\b[^>]*>", re.IGNORECASE)
_AT_TAG = re.compile(r"<at\b[^>]*>(.*?)</at>", re.IGNORECASE | re.DOTALL)


class ConversationLogic(Protocol):
    """What the bot needs from `dialogs.conversation.Conversation`."""

    async def respond(self, turn: Turn) -> list[Reply]: ...


class Installations(Protocol):
    """What the bot needs from `dialogs.installation.TeamInstallations`."""

    async def installed(
        self, team: Team, channels: list[TeamChannel], language: Language = "sv"
    ) -> Reply | None: ...

    async def removed(self, team_id: str) -> None: ...

    async def installed_personally(self, user_entra_object_id: str | None) -> int: ...

    async def channel_created(self, team: Team, channel: TeamChannel) -> None: ...

    async def channel_renamed(self, team: Team, channel: TeamChannel) -> None: ...

    async def channel_deleted(self, team: Team, channel_id: str) -> None: ...

    def confirmed(self, language: Language) -> Reply: ...


class PeopleSearch(Protocol):
    """What the bot needs from `dialogs.roles_admin.RolesAdminDialogs`: picker choices."""

    async def search_people(self, turn: Turn, text: str, top: int) -> list[tuple[str, str]]: ...


SEARCH_INVOKE = "application/search"
SEARCH_RESPONSE = "application/vnd.microsoft.search.searchResponse"
MAX_SEARCH_RESULTS = 15  # what Teams' typeahead shows

# Universal Actions (`Action.Execute`). The bot's cards use `Action.Submit` only; the
# SDK's own answer to a malformed one puts an Exception in the body and fails to
# serialise it (a 500), so the bot answers these invokes itself.
ACTION_EXECUTE_INVOKE = "adaptiveCard/action"
# The invokes the bot answers (the README lists them). Every other invoke (sign-in,
# task modules, message extensions, …) gets `_invoke_not_supported`: the SDK's own answer
# is a 501 with an empty body, and for `signin/tokenExchange` an AttributeError (a failed
# turn), since it calls a method only `TeamsActivityHandler` has.
HANDLED_INVOKES = (SEARCH_INVOKE,)


class SamverkanBot(ActivityHandler):
    """Answers "who do I contact?" in Teams and remembers every conversation it is part of."""

    def __init__(
        self,
        conversation: ConversationLogic,
        references: ConversationPort,
        installations: Installations,
        graph_teams: MinutesPort | None = None,
        people: PeopleSearch | None = None,
        file_hosts: FileHosts = TEAMS_FILE_HOSTS,
    ):
        self._file_hosts = file_hosts
        self._conversation = conversation
        self._references = references
        self._installations = installations
        self._graph_teams = graph_teams
        self._people = people

    async def on_turn(self, turn_context: TurnContext) -> None:
        """Store the conversation reference, then dispatch by activity type."""
        await self._remember(turn_context.activity)
        await self._remember_team(turn_context.activity)
        await super().on_turn(turn_context)

    async def _remember_team(self, activity: Activity) -> None:
        """Keep the team's Microsoft 365 group id: Graph names the team by it."""
        data = activity.channel_data if isinstance(activity.channel_data, Mapping) else {}
        team = data.get("team")
        if self._graph_teams is None or not isinstance(team, Mapping):
            return
        team_id, group_id = _text(team.get("id")), _text(team.get("aadGroupId"))
        if team_id and group_id:
            await self._graph_teams.remember_team(team_id, group_id, datetime.now(UTC))

    async def on_message_activity(self, turn_context: TurnContext) -> None:
        """Answer a typed question or a card button's question; take a file sent."""
        activity = turn_context.activity
        files = received_files(activity.attachments)
        if files and not self._file_accepted(activity, files[0]):
            await turn_context.send_activity(
                text_activity(edge_text("file_refused", turn_language(activity)))
            )
            return
        if files:
            # A file is the minutes: it goes to the conversation's action table.
            sent = {
                "action": FILE_ACTION,
                "name": files[0].name,
                "url": files[0].download_url,
                "shared": files[0].shared,
                "lang": turn_language(activity),
            }
            replies = await self._conversation.respond(await self._turn(activity, "", sent))
            await turn_context.send_activities(
                [a for reply in replies for a in reply_activities(reply)]
            )
            return
        text = message_text(activity)
        if not text and activity.value is not None:
            value = activity.value
            if isinstance(value, Mapping) and value.get("action") == CONFIRM_ACTION:
                reply = self._installations.confirmed(turn_language(activity))
                await turn_context.send_activities(reply_activities(reply))
                return
        # A card submit that names an action (add an agenda point, move a meeting) goes to
        # the conversation's action table with its data.
        action = submitted_action(activity.value) if not text else None
        if not text and activity.value is not None and action is None:
            question = submitted_question(activity.value)
            if question is None:
                language = turn_language(activity)
                await turn_context.send_activity(
                    text_activity(edge_text("unknown_button", language))
                )
                return
            text = question

        # An empty text (a bare @mention) goes to the conversation too: it answers with help.
        turn = await self._turn(activity, text, action)
        replies = await self._conversation.respond(turn)
        activities = [a for reply in replies for a in reply_activities(reply)]
        if activities:
            await turn_context.send_activities(activities)

    def _file_accepted(self, activity: Activity, file: ReceivedFile) -> bool:
        """Only Teams delivers files, from Microsoft's file hosts (`bot.file_hosts`): any
        other address would make the bot fetch, or ask Graph about, what a sender chose."""
        accepted = activity.channel_id == Channels.ms_teams and self._file_hosts.allows(
            file.download_url
        )
        if not accepted:
            logger.warning(
                "file refused",
                extra={"channel": activity.channel_id, "shared": file.shared},
            )
        return accepted

    async def on_invoke_activity(self, turn_context: TurnContext) -> InvokeResponse | None:
        """Answer the people picker's search and refuse Action.Execute (no such cards);
        any other invoke gets a 400 with a JSON error naming the invokes handled."""
        activity = turn_context.activity
        if activity.name == ACTION_EXECUTE_INVOKE:
            return _action_execute_not_supported()
        if activity.name != SEARCH_INVOKE:
            return _invoke_not_supported(activity.name)
        value = activity.value if isinstance(activity.value, Mapping) else {}
        text = value.get("queryText")
        options = value.get("queryOptions")
        top = options.get("top") if isinstance(options, Mapping) else None
        top = min(top, MAX_SEARCH_RESULTS) if isinstance(top, int) and top > 0 else 10
        results: list[tuple[str, str]] = []
        if value.get("dataset") == PEOPLE_DATASET and isinstance(text, str) and self._people:
            results = await self._people.search_people(await self._turn(activity, ""), text, top)
        body = {
            "type": SEARCH_RESPONSE,
            "value": {"results": [{"title": title, "value": v} for title, v in results]},
        }
        return InvokeResponse(status=200, body=body)

    async def on_members_added_activity(
        self, members_added: list[ChannelAccount], turn_context: TurnContext
    ) -> None:
        """Welcome a team or group chat when the bot joins it, and a user who installs it.

        In a team or group chat only the bot's own arrival counts: people joining later
        are not greeted in the channel. A personal chat has just the user and the bot, so
        any membership change there is the installation, whichever of the two Teams lists.
        """
        activity = turn_context.activity
        bot_id = activity.recipient.id if activity.recipient else None
        # `"membersAdded": [null]` gives a None member.
        bot_added = any(member is not None and member.id == bot_id for member in members_added)
        team = _team(activity)
        if bot_added and team is not None:
            # Posted in General: a team's conversationUpdate is the General channel's.
            welcome = await self._installations.installed(
                team, await _team_channels(turn_context, team)
            )
            if welcome is not None:
                await turn_context.send_activities(reply_activities(welcome))
            return
        if bot_added or (members_added and conversation_kind(activity) == "personal"):
            if conversation_kind(activity) == "personal":
                await self._installations.installed_personally(_sender_entra_id(activity))
            await turn_context.send_activity(text_activity(edge_text("welcome", "sv")))

    async def on_members_removed_activity(
        self, members_removed: list[ChannelAccount], turn_context: TurnContext
    ) -> None:
        """The bot removed from a team: its channels can no longer be posted to."""
        activity = turn_context.activity
        bot_id = activity.recipient.id if activity.recipient else None
        team = _team(activity)
        if team is not None and any(
            member is not None and member.id == bot_id for member in members_removed
        ):
            await self._installations.removed(team.id)

    async def on_installation_update_add(self, turn_context: TurnContext) -> None:
        """Installed (or upgraded) in a team: store and bind quietly.

        Teams also sends the conversationUpdate that posts the welcome; posting here
        too would welcome the team twice.
        """
        team = _team(turn_context.activity)
        if team is not None:
            await self._installations.installed(team, await _team_channels(turn_context, team))
        elif conversation_kind(turn_context.activity) == "personal":
            await self._installations.installed_personally(_sender_entra_id(turn_context.activity))

    async def on_installation_update_remove(self, turn_context: TurnContext) -> None:
        """Uninstalled from a team. An upgrade ("remove-upgrade") is not a removal."""
        team = _team(turn_context.activity)
        if team is not None and turn_context.activity.action == "remove":
            await self._installations.removed(team.id)

    async def on_conversation_update_activity(self, turn_context: TurnContext) -> None:
        """Channel created, renamed or deleted; otherwise members added or removed."""
        activity = turn_context.activity
        data = activity.channel_data if isinstance(activity.channel_data, Mapping) else {}
        event = data.get("eventType")
        team = _team(activity)
        channel = data.get("channel") if isinstance(data.get("channel"), Mapping) else None
        if team is not None and channel is not None and _text(channel.get("id")):
            if event in ("channelCreated", "channelRenamed"):
                stored = TeamChannel(
                    channel["id"],
                    _text(channel.get("name")),
                    _channel_reference(activity, channel["id"]),
                )
                if event == "channelCreated":
                    await self._installations.channel_created(team, stored)
                else:
                    await self._installations.channel_renamed(team, stored)
                return
            if event == "channelDeleted":
                await self._installations.channel_deleted(team, channel["id"])
                return
        await super().on_conversation_update_activity(turn_context)

    async def _turn(
        self, activity: Activity, text: str, action: dict[str, Any] | None = None
    ) -> Turn:
        kind = conversation_kind(activity)
        network_key = group_key = None
        teams = teams_channel_data(activity)
        if kind == "channel" and teams.team_id and teams.channel_id:
            binding = await self._references.binding_for(teams.team_id, teams.channel_id)
            if binding is not None:
                network_key, group_key = binding
        user = activity.from_property
        return Turn(
            text=text,
            kind=kind,
            network_key=network_key,
            group_key=group_key,
            user_name=user.name if user else None,
            locale=activity.locale,
            user_id=user.id if user else None,
            user_aad_object_id=user.aad_object_id if user else None,
            value=action,
            team_id=teams.team_id if kind == "channel" else None,
            conversation_id=activity.conversation.id if activity.conversation else None,
        )

    async def _remember(self, activity: Activity) -> None:
        """Store the activity's conversation reference, unless it is known to be stored.

        A message does not even build the reference when the store says that one built
        from equal `reference_inputs` is what the row holds
        (`ConversationStore.reference_unchanged` says exactly when). So, as when only the
        built reference was compared, it is written whenever anything it is built from
        changed, after the row was deactivated or deleted (the bot removed from a team, a
        personal-data erasure, another replica), whenever the change feed cannot tell,
        and at least every `storage.conversations.REFERENCE_REFRESH_SECONDS`.
        """
        conversation = activity.conversation
        if conversation is None or not conversation.id:
            return
        teams = teams_channel_data(activity)
        # Rewriting an unchanged reference on every message only costs a database
        # write; membership events always write, since they may reactivate it.
        only_if_changed = activity.type not in _MEMBERSHIP_ACTIVITIES
        inputs = reference_inputs(activity, teams)
        if (
            only_if_changed
            and inputs is not None
            and self._references.reference_unchanged(conversation.id, inputs)
        ):
            return
        row = stored_reference(activity, teams)
        await self._references.save_reference(
            row.reference,
            tenant_id=row.tenant_id,
            team_id=row.team_id,
            channel_id=row.channel_id,
            kind=row.kind,
            only_if_changed=only_if_changed,
            inputs=inputs,
        )
        logger.debug(
            "conversation reference stored",
            extra={
                "activity_id": activity.id,
                "conversation_type": conversation.conversation_type,
            },
        )


def conversation_reference(activity: Activity) -> ConversationReference:
    """What `TurnContext.get_conversation_reference(activity)` gives, built for a fraction
    of its cost: it runs twice per message (the reference stored, the reply addressed)."""
    if (
        activity.type != ActivityTypes.conversation_update
        and activity.channel_id != Channels.direct_line
        and activity.channel_id != Channels.webchat
    ):
        activity_id = activity.id
    else:
        activity_id = None
    return ConversationReference(
        activity_id=activity_id,
        user=shallow_copy(activity.from_property),
        bot=shallow_copy(activity.recipient),
        conversation=shallow_copy(activity.conversation),
        channel_id=activity.channel_id,
        locale=activity.locale,
        service_url=activity.service_url,
    )


class ReferenceRow(NamedTuple):
    """What `SamverkanBot._remember` stores for an activity."""

    reference: dict[str, Any]
    tenant_id: str | None
    team_id: str | None
    channel_id: str | None
    kind: ConversationKind


def stored_reference(activity: Activity, teams: TeamsChannelData) -> ReferenceRow:
    """The conversation reference JSON, ids and kind stored for `activity`, whose
    `channelData` ids are `teams`."""
    reference = conversation_reference(activity)
    # The schema maps tenant_id to the JSON key "tenantID", so Teams' conversation.tenantId
    # never reaches the model; put it back so the stored reference is complete.
    reference.conversation.tenant_id = teams.tenant_id
    return ReferenceRow(
        model_to_json(reference),  # what reference.serialize() gives, cheaper
        teams.tenant_id,
        teams.team_id,
        teams.channel_id,
        conversation_kind(activity),
    )


_PLAIN_MODELS = frozenset({Activity, ChannelAccount, ConversationAccount})

# The attributes an account's JSON is written from (`bot.activity_json`, msrest).
_ACCOUNT_FIELDS = {
    cls: attrgetter(*cls._attribute_map) for cls in (ChannelAccount, ConversationAccount)
}
_PLAIN_VALUES = frozenset({str, bool, type(None)})


def reference_inputs(activity: Activity, teams: TeamsChannelData) -> tuple[Any, ...] | None:
    """What `_remember` stores is built from: equal inputs, equal stored reference and ids.

    Every activity attribute `conversation_reference` reads but the activity id (which
    the store ignores), each account by every attribute its JSON is written from, and
    the channelData ids: change them together. None when a value is not a plain string
    or bool, or an account not a plain model (then the reference is built and compared
    whole): equal values of other types may be written differently (1 and true).
    """
    inputs: list[Any] = [
        activity.channel_id,
        activity.locale,
        activity.service_url,
        teams.tenant_id,
        teams.team_id,
        teams.channel_id,
    ]
    if not _PLAIN_VALUES.issuperset(map(type, inputs)):
        return None
    for account in (activity.from_property, activity.recipient, activity.conversation):
        if account is None:
            inputs.append(None)  # no account: no key in the JSON, unlike an empty one
            continue
        fields = _ACCOUNT_FIELDS.get(type(account))
        if fields is None:
            return None
        values = fields(account)
        if not _PLAIN_VALUES.issuperset(map(type, values)):
            return None
        inputs.append(values)
    return tuple(inputs)


def shallow_copy(value: Any) -> Any:
    """`copy.copy(value)`: for the schema's msrest models (no `__copy__`, `__reduce__` or
    slots) a new object sharing the attribute values, made directly (a third of the time)."""
    if type(value) not in _PLAIN_MODELS:
        return copy.copy(value)
    copied = object.__new__(type(value))
    copied.__dict__.update(value.__dict__)
    return copied


@dataclass(frozen=True)
class TeamsChannelData:
    """The parts of Teams' `channelData` the bot uses: tenant, team and channel ids."""

    tenant_id: str | None
    team_id: str | None
    channel_id: str | None


def teams_channel_data(activity: Activity) -> TeamsChannelData:
    """Tenant, team and channel ids from `channelData` (absent ones are None)."""
    data = activity.channel_data if isinstance(activity.channel_data, Mapping) else {}

    def nested_id(key: str) -> str | None:
        value = data.get(key)
        return _text(value.get("id")) if isinstance(value, Mapping) else None

    tenant_id = nested_id("tenant")
    if tenant_id is None and activity.conversation is not None:
        # Teams also puts it in conversation.tenantId, which the schema keeps only as an
        # additional property (see `_remember`).
        extra = getattr(activity.conversation, "additional_properties", None) or {}
        tenant_id = _text(extra.get("tenantId"))
    return TeamsChannelData(tenant_id, nested_id("team"), nested_id("channel"))


def _invoke_not_supported(name: Any) -> InvokeResponse:
    """The edge's JSON error (`bot.http`) for an invoke this bot does not handle."""
    shown = name[:100] if isinstance(name, str) else None
    return InvokeResponse(
        status=400,
        body={
            "error": {
                "code": "invoke_not_supported",
                "message": f"This bot does not handle the invoke {shown!r}; it answers "
                + ", ".join(HANDLED_INVOKES)
                + " (and refuses adaptiveCard/action: its cards use Action.Submit).",
            }
        },
    )


def _action_execute_not_supported() -> InvokeResponse:
    """The Universal Actions error response: this bot's cards have no `Action.Execute`."""
    return InvokeResponse(
        status=400,
        body={
            "statusCode": 400,
            "type": "application/vnd.microsoft.error",
            "value": {
                "code": "NotSupported",
                "message": "This bot's cards use Action.Submit; Action.Execute is not supported.",
            },
        },
    )


def _text(value: Any) -> str | None:
    """`value` if it is a non-empty string, else None: ids and names in `channelData` are
    whatever the sender put there, and only strings may reach the database."""
    return value if isinstance(value, str) and value else None


def _sender_entra_id(activity: Activity) -> str | None:
    """The sender's Entra object id, when Teams gives one (and it is a string)."""
    sender = activity.from_property
    return _text(sender.aad_object_id) if sender is not None else None


def _team(activity: Activity) -> Team | None:
    """The team an activity comes from (`channelData.team`), or None outside teams."""
    data = activity.channel_data if isinstance(activity.channel_data, Mapping) else {}
    team = data.get("team")
    if not isinstance(team, Mapping) or not _text(team.get("id")):
        return None
    return Team(team["id"], _text(team.get("name")), teams_channel_data(activity).tenant_id)


async def _team_channels(turn_context: TurnContext, team: Team) -> list[TeamChannel]:
    """The team's channels with a reference each; General at least, even if listing fails."""
    activity = turn_context.activity
    listed: list[tuple[str, str | None]] = []
    try:
        client = await TeamsInfo.get_teams_connector_client(turn_context)
        # The Teams client is synchronous (requests): off the event loop it cannot stall
        # other turns, nor deadlock on a connector served by this same loop.
        result = await asyncio.to_thread(client.teams.get_teams_channels, team.id)
        listed = [(c.id, c.name) for c in result.conversations or [] if c.id]
    except Exception as err:  # noqa: BLE001 - without the list, General still works
        logger.warning(
            "could not list the team's channels; only General is stored",
            extra={"team": team.id, "error": type(err).__name__},
        )
    if all(channel_id != team.id for channel_id, _ in listed):
        listed.insert(0, (team.id, None))
    return [TeamChannel(cid, name, _channel_reference(activity, cid)) for cid, name in listed]


def _channel_reference(activity: Activity, channel_id: str) -> dict[str, Any]:
    """A reference for posting a new thread into a channel of the activity's team."""
    reference = TurnContext.get_conversation_reference(activity)
    reference.activity_id = None
    reference.conversation = ConversationAccount(
        id=channel_id,
        conversation_type="channel",
        is_group=True,
        tenant_id=teams_channel_data(activity).tenant_id,
    )
    return reference.serialize()


def conversation_kind(activity: Activity) -> ConversationKind:
    """personal, groupChat or channel; anything else (other channels, emulators) is personal."""
    conversation_type = activity.conversation.conversation_type if activity.conversation else None
    return _KINDS.get((conversation_type or "").lower(), "personal")


def message_text(activity: Activity) -> str:
    """The message text without the bot's @mention, Teams' HTML and extra whitespace.

    Mentions of the bot are removed; mentions of other people keep the name (a question
    may be about them). Teams HTML-encodes the text, so entities are decoded last.
    """
    text = activity.text or ""
    bot_id = activity.recipient.id if activity.recipient else None
    for entity in activity.entities or []:
        kind = getattr(entity, "type", None)  # `"entities": [null]` gives a None
        if not isinstance(kind, str) or kind.lower() != "mention":
            continue
        properties = entity.additional_properties or {}
        mentioned = properties.get("mentioned")
        mention_text = properties.get("text")
        if (
            isinstance(mention_text, str)
            and mention_text
            and bot_id
            and isinstance(mentioned, Mapping)
            and mentioned.get("id") == bot_id
        ):
            text = text.replace(mention_text, " ")
    if "<" in text:  # both tag patterns start with one; most messages have none
        text = _AT_TAG.sub(lambda match: match.group(1), text)
        text = _MARKUP_TAG.sub(" ", text)
    text = html.unescape(text).replace("\xa0", " ")
    # Runs of whitespace to one space, ends trimmed: what `re.sub(r"\s+", " ", text).strip()`
    # gives (`\s` is `str.isspace`), in a sixth of its time.
    return " ".join(text.split())


def turn_language(activity: Activity) -> Language:
    """The language to answer in: the text (without mentions) decides, the locale hints."""
    return detect_language(message_text(activity), hint=activity.locale)


def submitted_action(value: Any) -> dict[str, Any] | None:
    """A card submit's data when it names an `action` (`{"action": "meeting.move", ...}`).

    Not the file action: a file comes as an attachment Teams delivers, never as data a
    sender types, else anyone could make the bot fetch (and file) any address.
    """
    if (
        isinstance(value, Mapping)
        and isinstance(value.get("action"), str)
        and value["action"] != FILE_ACTION
    ):
        return dict(value)
    return None


def submitted_question(value: Any) -> str | None:
    """The question a card button carries (`{"q": ...}` or `{"text": ...}`), if any."""
    if not isinstance(value, Mapping):
        return None
    for key in ("q", "text"):
        question = value.get(key)
        if isinstance(question, str) and question.strip():
            return question.strip()
    return None
