"""Scheduled posts into Teams channels and personal chats: the delivery worker's `Sender`
at the edge.

`ConnectorSender.send` turns a `PlannedPost` into an activity and posts it as a new
thread into the channel of a stored conversation reference, through the adapter's
cached Bot Connector client (`SamverkanAdapter.connector_client`: the bot's token in
production, none in local mode). It returns the Teams activity id, or raises
`scheduler.delivery.SendError` with the HTTP status, the connector's error code and
Retry-After; retrying is the worker's decision. A serviceUrl outside
`ALLOWED_SERVICE_URL_HOSTS` is refused before anything is sent, as a permanent
`403 ServiceUrlNotAllowed`. The client never re-sends a POST on an
error status or after the request went out (only a connection that never opened is
retried), and `send` bounds the whole call by its own timeout, which the worker's
lease is sized against.

A post to one person whose personal chat the bot has no reference for opens the chat
first (`open_personal_chat`): `POST /v3/conversations` with the bot, the person's Entra
object id as the only member, `isGroup: false` and the tenant in `channelData`, on the
serviceUrl of a reference in the same tenant (the network's team). Teams answers 403
or 404 when the app is not installed for that person; the error is raised like a send's.

`CloudAdapter.continue_conversation` is not used: it runs the callback through the
adapter's turn pipeline, whose error handler would log and swallow the very errors
the worker must see.

Mentions: a planner may write `<at>Name</at>` in its text or card where it wants a
person named; each `Mention` becomes a Teams mention entity (`mentioned.id` is the
person's Entra object id) in the activity, or in the card's `msteams.entities` when
the card carries the tag. A mention the post does not place is added as a line of its
own, so nobody who should be notified is left out.
"""

from __future__ import annotations

import asyncio
import html
import logging
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from http import HTTPStatus
from typing import Any

from botbuilder.schema import (
    Activity,
    ActivityTypes,
    Attachment,
    ChannelAccount,
    ConversationAccount,
    ConversationParameters,
    ConversationReference,
    ErrorResponseException,
    TextFormatTypes,
)
from botbuilder.schema import Mention as MentionEntity
from botframework.connector.aio import ConnectorClient
from msrest.exceptions import ClientRequestError

from bot.activity_json import model_from_json
from bot.adapter import SamverkanAdapter, ServiceUrlNotAllowed
from bot.cards import ADAPTIVE_CARD_CONTENT_TYPE
from domain.posts import Mention, PlannedPost
from scheduler.delivery import SEND_TIMEOUT, SendError

# The delivery worker never starts a send with less than its send timeout left of its
# lease (`scheduler.delivery`), so a send must give up by then.
SEND_TIMEOUT_SECONDS = SEND_TIMEOUT.total_seconds()

# Lines logged here carry the worker's `delivery=<key> attempt=<id>` (observability.logs); never
# the post's text or card, never a header.
logger = logging.getLogger(__name__)


class ConnectorSender:
    """Posts new threads into channels with stored references."""

    def __init__(self, adapter: SamverkanAdapter, timeout: float = SEND_TIMEOUT_SECONDS):
        self._adapter = adapter
        self._timeout = timeout

    async def send(self, reference: dict[str, Any], post: PlannedPost) -> str:
        """Post `post` as a new thread in the reference's conversation; the activity id."""
        stored = model_from_json(ConversationReference, reference)
        activity = post_activity(post)
        activity.channel_id = stored.channel_id
        activity.service_url = stored.service_url
        activity.conversation = stored.conversation
        activity.from_property = stored.bot
        response = await self._call_connector(
            stored.service_url,
            lambda client: client.conversations.send_to_conversation(
                stored.conversation.id, activity
            ),
        )
        if response is None or not response.id:
            raise SendError(None, "NoActivityId")
        logger.debug("post accepted by the connector", extra={"activity_id": response.id})
        return response.id

    async def open_personal_chat(
        self, template: dict[str, Any], entra_object_id: str, tenant_id: str | None
    ) -> dict[str, Any]:
        """Open (or find: Teams returns the existing one) the personal chat of the person
        with `entra_object_id`, through the serviceUrl and bot of `template` (a reference
        in their tenant); returns the new chat's conversation reference."""
        stored = model_from_json(ConversationReference, template)
        parameters = ConversationParameters(
            is_group=False,
            bot=stored.bot,
            members=[ChannelAccount(id=entra_object_id)],
            channel_data={"tenant": {"id": tenant_id}} if tenant_id else None,
            tenant_id=tenant_id,
        )
        response = await self._call_connector(
            stored.service_url,
            lambda client: client.conversations.create_conversation(parameters),
        )
        if response is None or not response.id:
            raise SendError(None, "NoConversationId")
        reference = ConversationReference(
            bot=stored.bot,
            channel_id=stored.channel_id,
            service_url=response.service_url or stored.service_url,
            conversation=ConversationAccount(
                id=response.id, conversation_type="personal", is_group=False, tenant_id=tenant_id
            ),
            # Teams' own user id ("29:…") is not known yet; the Entra id finds the chat again.
            user=ChannelAccount(aad_object_id=entra_object_id),
        )
        return reference.serialize()

    async def _call_connector(
        self, service_url: str, call: Callable[[ConnectorClient], Awaitable[Any]]
    ) -> Any:
        """`call` on the client for `service_url`, within the send timeout; every way it
        can fail becomes a `SendError` (what `scheduler.delivery` decides on)."""
        try:
            client = await self._adapter.connector_client(service_url)
            return await asyncio.wait_for(call(client), self._timeout)
        except ErrorResponseException as err:
            refusal = _send_error(err)
            logger.info(
                "connector refused the post",
                extra={"status": refusal.status, "code": refusal.code},
            )
            raise refusal from None
        except ServiceUrlNotAllowed:
            # Nothing was sent, and a retry would be refused the same way: a permanent failure.
            raise SendError(int(HTTPStatus.FORBIDDEN), "ServiceUrlNotAllowed") from None
        except (ClientRequestError, OSError, TimeoutError) as err:
            # No answer: the post may or may not have arrived (see scheduler.delivery).
            logger.info("no answer from the connector", extra={"error": type(err).__name__})
            raise SendError(None, type(err).__name__) from err


def post_activity(post: PlannedPost) -> Activity:
    """The message activity of a scheduled post: its card (or text) and its mentions."""
    if post.card is None:
        text = post.text + _missing_mentions(post.text, post.mentions)
        return Activity(
            type=ActivityTypes.message,
            text=text,
            text_format=TextFormatTypes.markdown,
            entities=_mention_entities(text, post.mentions),
        )
    card = dict(post.card)
    in_card = [m for m in post.mentions if mention_tag(m) in _json_text(card)]
    if in_card:
        card["msteams"] = {
            **card.get("msteams", {}),
            "entities": [_mention(m) for m in in_card],
        }
    extra = _missing_mentions(_json_text(card), post.mentions).strip()
    return Activity(
        type=ActivityTypes.message,
        summary=post.text,  # the notification's preview; the card shows the rest
        text=extra or None,
        text_format=TextFormatTypes.markdown if extra else None,
        attachments=[Attachment(content_type=ADAPTIVE_CARD_CONTENT_TYPE, content=card)],
        entities=_mention_entities(extra, post.mentions) or None,
    )


def mention_tag(mention: Mention) -> str:
    """How a mention is written in a message: `<at>Anna Berg</at>`."""
    return f"<at>{html.escape(mention.name, quote=False)}</at>"


def _mention(mention: Mention) -> dict[str, Any]:
    return {
        "type": "mention",
        "text": mention_tag(mention),
        "mentioned": {"id": mention.entra_object_id, "name": mention.name},
    }


def _mention_entities(text: str, mentions: tuple[Mention, ...]) -> list[MentionEntity]:
    return [
        MentionEntity(
            mentioned=ChannelAccount(id=m.entra_object_id, name=m.name),
            text=mention_tag(m),
            type="mention",
        )
        for m in mentions
        if mention_tag(m) in text
    ]


def _missing_mentions(text: str, mentions: tuple[Mention, ...]) -> str:
    missing = [mention_tag(m) for m in mentions if mention_tag(m) not in text]
    return "\n\n" + " ".join(missing) if missing else ""


def _json_text(card: dict[str, Any]) -> str:
    """Every string in a card, joined: enough to tell whether a mention tag is in it."""
    parts: list[str] = []

    def walk(value: Any) -> None:
        if isinstance(value, str):
            parts.append(value)
        elif isinstance(value, dict):
            for item in value.values():
                walk(item)
        elif isinstance(value, list):
            for item in value:
                walk(item)

    walk(card)
    return "\n".join(parts)


def _send_error(err: ErrorResponseException) -> SendError:
    # msrest keeps the transport's own response: aiohttp's (`status`) with the adapter's
    # shared session, requests' (`status_code`) with the SDK's stock sender.
    response = err.response
    status = getattr(response, "status", None) or getattr(response, "status_code", None)
    code = None
    body = getattr(err, "error", None)
    if body is not None and getattr(body, "error", None) is not None:
        code = body.error.code
    headers = getattr(response, "headers", None) or {}
    retry_after = _retry_after(headers.get("Retry-After"))
    return SendError(status, code, retry_after)


def _retry_after(value: str | None) -> float | None:
    """Retry-After in seconds: a number, or an HTTP date."""
    if not value:
        return None
    try:
        return max(float(value), 0.0)
    except ValueError:
        pass
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max((when - datetime.now(UTC)).total_seconds(), 0.0)
