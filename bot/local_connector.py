"""A loopback server that speaks the Bot Connector REST API, as Teams does.

The bot sends its replies to the activity's `serviceUrl`; pointing that at a
`LocalConnector` lets tests and the terminal chat see exactly what the bot sent, over
real HTTP, with no Teams and no network. It records every request, answers the calls
the bot makes (send, reply, update, delete, members, create conversation, team
channels) and can be scripted to fail (429 with Retry-After, 503, 403
BotNotInConversationRoster, ...) for testing retries and clean-up.

A personal chat the bot opens (`POST /v3/conversations` with one member and
`isGroup: false`) gets one conversation id per member, the same on every call as in
Teams; `personal_chats` maps the member's id (the Entra object id the bot gave) to it,
`sent_to_person` lists what was posted there, and a member in `not_installed` is
refused with 403, as Teams refuses a user who has not got the app.

    async with LocalConnector() as connector:
        activity["serviceUrl"] = connector.service_url
        ...
        (reply,) = await connector.wait_for_activities(1)
"""

from __future__ import annotations

import asyncio
import itertools
import json
import re
from collections import deque
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import unquote

from aiohttp import web


@dataclass(frozen=True)
class RecordedRequest:
    """One request the connector received. Path parameters are percent-decoded."""

    method: str
    path: str  # decoded, e.g. /v3/conversations/19:abc@thread.tacv2/activities/1
    raw_path: str  # as sent on the wire
    body: Any
    headers: Mapping[str, str]
    conversation_id: str | None = None
    activity_id: str | None = None


@dataclass(frozen=True)
class ScriptedResponse:
    """A response to give instead of the normal one, for fault injection."""

    status: int
    body: Any = None
    headers: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class SentActivity:
    """An activity the bot posted: the request's body, where it went and the id it got."""

    conversation_id: str
    activity: dict[str, Any]
    id: str
    reply_to_id: str | None  # the activity replied to (from the path), if a reply

    @property
    def text(self) -> str | None:
        return self.activity.get("text")

    @property
    def attachments(self) -> list[dict[str, Any]]:
        return self.activity.get("attachments") or []

    @property
    def visible_text(self) -> str:
        """What a reader sees: the message text and every text block of its cards."""
        parts = [self.text] if self.text else []
        for attachment in self.attachments:
            parts += _card_texts(attachment.get("content") or {})
        return "\n\n".join(parts)


def _card_texts(element: Any) -> list[str]:
    """The `text` of every TextBlock in an adaptive card, in document order."""
    if isinstance(element, list):
        return [text for item in element for text in _card_texts(item)]
    if not isinstance(element, dict):
        return []
    own = [element["text"]] if element.get("type") == "TextBlock" and element.get("text") else []
    return own + [text for value in element.values() for text in _card_texts(value)]


Handler = Callable[[web.Request, list[str], Any], web.Response]


class LocalConnector:
    """An aiohttp Bot Connector on 127.0.0.1 with an ephemeral port.

    `members` (conversation id -> list of ChannelAccount dicts) and `channels` (team id ->
    list of ChannelInfo dicts) are served by the member and channel endpoints; tests may
    fill them.
    """

    def __init__(self) -> None:
        self.requests: list[RecordedRequest] = []
        self.activities: list[SentActivity] = []
        self.updates: list[SentActivity] = []
        self.deleted: list[tuple[str, str]] = []
        self.created_conversations: list[dict[str, Any]] = []
        self.members: dict[str, list[dict[str, Any]]] = {}
        self.channels: dict[str, list[dict[str, Any]]] = {}
        self.personal_chats: dict[str, str] = {}  # member id -> conversation id
        self.not_installed: set[str] = set()  # member ids whose chat cannot be opened
        self._script: deque[ScriptedResponse] = deque()
        self._ids = itertools.count(1)
        self._changed = asyncio.Condition()
        self._runner: web.AppRunner | None = None
        self._port: int | None = None
        # (method, path pattern over raw segments) -> handler; patterns are matched against
        # the raw path split on "/", so a "%2F" inside an id never splits it.
        self._routes: list[tuple[str, re.Pattern[str], Handler]] = [
            ("POST", re.compile(r"^/v3/conversations/?$"), self._create_conversation),
            ("GET", re.compile(r"^/v3/teams/([^/]+)/conversations/?$"), self._team_channels),
            ("GET", re.compile(r"^/v3/conversations/([^/]+)/members/?$"), self._list_members),
            ("GET", re.compile(r"^/v3/conversations/([^/]+)/members/([^/]+)$"), self._get_member),
            ("POST", re.compile(r"^/v3/conversations/([^/]+)/activities/?$"), self._send),
            ("POST", re.compile(r"^/v3/conversations/([^/]+)/activities/([^/]+)$"), self._reply),
            ("PUT", re.compile(r"^/v3/conversations/([^/]+)/activities/([^/]+)$"), self._update),
            ("DELETE", re.compile(r"^/v3/conversations/([^/]+)/activities/([^/]+)$"), self._delete),
        ]

    # -- lifecycle -------------------------------------------------------------------

    async def start(self) -> LocalConnector:
        """Listen on 127.0.0.1, on a port the OS picks."""
        app = web.Application()
        app.router.add_route("*", "/{tail:.*}", self._dispatch)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        self._port = self._runner.addresses[0][1]
        return self

    async def close(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    async def __aenter__(self) -> LocalConnector:
        return await self.start()

    async def __aexit__(self, *exc_info: object) -> None:
        await self.close()

    @property
    def service_url(self) -> str:
        """The `serviceUrl` to put in activities (with a trailing slash, as Teams sends it)."""
        if self._port is None:
            raise RuntimeError("LocalConnector is not started")
        return f"http://127.0.0.1:{self._port}/"

    # -- what tests use ----------------------------------------------------------------

    def script(
        self, status: int, body: Any = None, headers: Mapping[str, str] | None = None
    ) -> None:
        """Answer the next request (whatever it is) with this response instead.

        Scripted responses are consumed one per request, first in, first out; e.g.
        `script(429, headers={"Retry-After": "1"})`, `script(503)` or
        `script(403, {"error": {"code": "BotNotInConversationRoster", "message": "..."}})`.
        """
        self._script.append(ScriptedResponse(status, body, dict(headers or {})))

    async def wait_for_activities(
        self,
        count: int,
        timeout: float = 5.0,  # noqa: ASYNC109 - a plain timeout reads best in tests
    ) -> list[SentActivity]:
        """All sent activities, once at least `count` have arrived.

        Raises TimeoutError naming what did arrive, so a failing test says what the bot sent.
        """
        async with self._changed:
            try:
                await asyncio.wait_for(
                    self._changed.wait_for(lambda: len(self.activities) >= count), timeout
                )
            except TimeoutError:
                raise TimeoutError(
                    f"expected {count} activities at the connector within {timeout} s, got "
                    f"{len(self.activities)}: {[a.text for a in self.activities]}"
                ) from None
            return list(self.activities)

    def sent_to_person(self, member_id: str) -> list[SentActivity]:
        """What was posted in the personal chat with a member (by the id the bot gave)."""
        conversation_id = self.personal_chats.get(member_id)
        return [a for a in self.activities if a.conversation_id == conversation_id]

    def requests_to(self, method: str, path_prefix: str = "") -> list[RecordedRequest]:
        """The recorded requests with `method` whose decoded path starts with `path_prefix`."""
        return [r for r in self.requests if r.method == method and r.path.startswith(path_prefix)]

    # -- the REST API ------------------------------------------------------------------

    async def _dispatch(self, request: web.Request) -> web.Response:
        raw_path = request.raw_path.split("?", 1)[0]
        body: Any = None
        if request.can_read_body:
            raw = await request.read()
            try:
                body = json.loads(raw) if raw else None
            except ValueError:
                body = raw.decode("utf-8", "replace")
        handler, params = self._route(request.method, raw_path)
        recorded = RecordedRequest(
            method=request.method,
            path=unquote(raw_path),
            raw_path=raw_path,
            body=body,
            headers=dict(request.headers),
            conversation_id=(
                params[0] if params and raw_path.startswith("/v3/conversations/") else None
            ),
            activity_id=params[1] if len(params) > 1 and "activities" in raw_path else None,
        )
        async with self._changed:
            self.requests.append(recorded)
            if self._script:
                scripted = self._script.popleft()
                self._changed.notify_all()
                return _json_or_empty(scripted.status, scripted.body, scripted.headers)
            if handler is None:
                response = _error(404, "NotFound", f"no such endpoint: {request.method} {raw_path}")
            else:
                response = handler(request, params, body)
            self._changed.notify_all()
            return response

    def _route(self, method: str, raw_path: str) -> tuple[Handler | None, list[str]]:
        """The handler for a request and its percent-decoded path parameters."""
        for route_method, pattern, handler in self._routes:
            match = pattern.match(raw_path)
            if route_method == method and match:
                return handler, [unquote(p) for p in match.groups()]
        return None, []

    def _new_id(self) -> str:
        # Teams message ids are numeric strings.
        return str(1_700_000_000_000 + next(self._ids))

    def _send(self, request: web.Request, params: list[str], body: Any) -> web.Response:
        return self._post_activity(params[0], None, body)

    def _reply(self, request: web.Request, params: list[str], body: Any) -> web.Response:
        return self._post_activity(params[0], params[1], body)

    def _post_activity(self, conversation_id: str, reply_to: str | None, body: Any) -> web.Response:
        if not isinstance(body, dict) or not body.get("type"):
            return _error(400, "BadArgument", "the body must be an activity")
        activity_id = self._new_id()
        self.activities.append(SentActivity(conversation_id, body, activity_id, reply_to))
        return web.json_response({"id": activity_id}, status=201)

    def _update(self, request: web.Request, params: list[str], body: Any) -> web.Response:
        if not isinstance(body, dict):
            return _error(400, "BadArgument", "the body must be an activity")
        self.updates.append(SentActivity(params[0], body, params[1], None))
        return web.json_response({"id": params[1]})

    def _delete(self, request: web.Request, params: list[str], body: Any) -> web.Response:
        self.deleted.append((params[0], params[1]))
        return web.Response(status=200)

    def _list_members(self, request: web.Request, params: list[str], body: Any) -> web.Response:
        return web.json_response(self.members.get(params[0], []))

    def _get_member(self, request: web.Request, params: list[str], body: Any) -> web.Response:
        conversation_id, user_id = params
        for member in self.members.get(conversation_id, []):
            if member.get("id") == user_id:
                return web.json_response(member)
        return _error(404, "MemberNotFoundInConversation", f"{user_id} is not a member")

    def _create_conversation(
        self, request: web.Request, params: list[str], body: Any
    ) -> web.Response:
        if not isinstance(body, dict):
            return _error(400, "BadArgument", "the body must be ConversationParameters")
        members = body.get("members") if isinstance(body.get("members"), list) else []
        only = members[0] if len(members) == 1 and isinstance(members[0], dict) else {}
        member_id = only.get("id")
        personal = not body.get("isGroup") and isinstance(member_id, str) and bool(member_id)
        if personal and member_id in self.not_installed:
            return _error(403, "Forbidden", "the app is not installed for this user")
        self.created_conversations.append(body)
        if personal:
            conversation_id = self.personal_chats.setdefault(
                member_id, f"a:local-personal-{self._new_id()}"
            )
        else:
            conversation_id = f"a:local-{self._new_id()}"
        result: dict[str, Any] = {"id": conversation_id}
        if isinstance(body.get("activity"), dict):
            activity_id = self._new_id()
            self.activities.append(
                SentActivity(conversation_id, body["activity"], activity_id, None)
            )
            result["activityId"] = activity_id
        return web.json_response(result, status=201)

    def _team_channels(self, request: web.Request, params: list[str], body: Any) -> web.Response:
        return web.json_response({"conversations": self.channels.get(params[0], [])})


def _error(status: int, code: str, message: str) -> web.Response:
    return web.json_response({"error": {"code": code, "message": message}}, status=status)


def _json_or_empty(status: int, body: Any, headers: Mapping[str, str]) -> web.Response:
    if body is None:
        return web.Response(status=status, headers=dict(headers))
    return web.json_response(body, status=status, headers=dict(headers))
