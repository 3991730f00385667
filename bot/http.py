"""The bot's HTTP edge: `POST /api/messages`, `GET /healthz` and `GET /readyz`.

`/healthz` is liveness (the process serves HTTP); `/readyz` is readiness: 200 when the
database answers and the scheduler, if this process runs one, ticks; else 503 naming
what is not ready, so a load balancer sends turns to another replica meanwhile.

botbuilder's `CloudAdapter.process` answers many bad requests with a 500 (see
STACK-NOTES.md): any Authorization header in local mode, forged or malformed tokens,
a missing conversation or serviceUrl, and every `expectReplies` request. This handler
checks the request itself, authenticates it through the SDK, runs the turn with
`adapter.process_activity` and writes the response, so that a client's mistake gets the
right 4xx with a JSON error body and only our own failures are 5xx:

    415  not JSON                          413  body larger than MAX_ACTIVITY_BYTES
    400  malformed JSON, nested deeper than MAX_JSON_DEPTH, strings with NUL or unpaired
         surrogates, not an object, missing type / conversation.id / serviceUrl, ids too
         long for a URL or for the column that stores them (`STORED_IDS`; an over-long
         name is dropped instead, `DROPPABLE_FIELDS`)
    401  local mode with an Authorization header; with an app id a missing, malformed
         or invalid token (any validation error; the SDK allows 5 minutes of clock skew
         on `exp` and `nbf`), and in production a token from the Bot Framework Emulator's
         issuers unless ALLOW_EMULATOR_TOKENS
    403  a serviceUrl the bot must not send its token to (`ServiceUrlNotAllowed`): the
         turn does not run, nothing is stored or sent
    200  expectReplies ({"activities": [...]}) and invokes (their own status and body)
    201  any other accepted activity
    503  the database is unavailable (down, restarting): Retry-After, so the connector
         delivers the activity again; logged as a WARNING, not a failed turn
"""

from __future__ import annotations

import asyncio
import errno
import json
import logging
import re
import socket
import threading
import time
from collections.abc import Awaitable, Callable, Iterable
from datetime import UTC, datetime
from typing import Any, Protocol, TypeVar
from urllib.parse import urlsplit

import jwt
from aiohttp import web
from botbuilder.core import Bot, InvokeResponse, serializer_helper
from botbuilder.integration.aiohttp import CloudAdapter
from botbuilder.schema import Activity
from botframework.connector.auth import (
    AuthenticateRequestResult,
    AuthenticationConstants,
    EmulatorValidation,
)
from msrest.exceptions import DeserializationError
from msrest.serialization import Model

from bot.activity_json import activity_from_json
from bot.adapter import ServiceUrlNotAllowed
from bot.compression import compress_pages
from bot.metrics import TurnCounters, observe_turns
from bot.settings import Settings
from storage.database import is_unavailable
from storage.schema import (
    ENTRA_ID_LENGTH,
    NAME_LENGTH,
    TEAMS_ID_LENGTH,
    TENANT_ID_LENGTH,
    USER_ID_LENGTH,
)

logger = logging.getLogger(__name__)

# Teams caps a message at about 28 KB of text and an adaptive card submit is smaller
# still; the rest of an activity (channelData, entities) is a few KB. 256 KiB leaves
# ample room for any real activity while bounding what an anonymous caller can make us
# buffer and parse.
MAX_ACTIVITY_BYTES = 256 * 1024

# Real activities nest a dozen levels (an adaptive card's submit data inside `value`);
# anything much deeper is hostile, and walking it recursively (msrest, json.dumps of the
# stored reference) could exhaust Python's recursion limit mid-turn.
MAX_JSON_DEPTH = 64

# Validating a token may fetch Bot Framework's signing keys; a stalled fetch must not
# hold the request open forever.
AUTHENTICATION_TIMEOUT_SECONDS = 30

# What a 503 for an unavailable database asks the connector to wait: a restart or a
# failover takes seconds; the connector may wait longer.
DATABASE_RETRY_AFTER_SECONDS = 5

_LOOPBACK_HOSTS = {"127.0.0.1", "localhost", "::1"}

# What a readiness check returns: ready or not, and each component's state.
Readiness = Callable[[], Awaitable[tuple[bool, dict[str, str]]]]


def create_web_app(
    *,
    settings: Settings,
    adapter: CloudAdapter,
    bot: Bot,
    extra_routes: Iterable[web.AbstractRouteDef] | None = None,
    readiness: Readiness | None = None,
    turn_counters: TurnCounters | None = None,
) -> web.Application:
    """The aiohttp application with the bot endpoint, the health checks and `extra_routes`.

    `/readyz` is served when a `readiness` check is given. Every request to
    `/api/messages` gets a correlation id and is counted in `turn_counters` by outcome
    (`bot.metrics.observe_turns`); pages go out gzipped to clients that take it
    (`bot.compression`).
    """
    if settings.local_mode and settings.host not in _LOOPBACK_HOSTS:
        logger.warning(
            "local mode (no MicrosoftAppId) on a non-loopback host: anyone who can reach "
            "this port can talk to the bot and make it post to any serviceUrl",
            extra={"host": settings.host},
        )
    turn_counters = turn_counters or TurnCounters()
    endpoint = MessagesEndpoint(
        settings=settings, adapter=adapter, bot=bot, turn_counters=turn_counters
    )
    app = web.Application(middlewares=[observe_turns(turn_counters), compress_pages])
    app.add_routes([web.post("/api/messages", endpoint.handle), web.get("/healthz", healthz)])
    if readiness is not None:
        app.add_routes([web.get("/readyz", _readyz_handler(readiness))])
    if extra_routes:
        app.add_routes(list(extra_routes))
    return app


async def healthz(request: web.Request) -> web.Response:
    """Liveness: the process serves HTTP."""
    return web.json_response({"status": "ok"})


def _readyz_handler(readiness: Readiness) -> Callable[[web.Request], Awaitable[web.Response]]:
    async def readyz(request: web.Request) -> web.Response:
        ready, components = await readiness()
        status = "ready" if ready else "not ready"
        return web.json_response({"status": status, **components}, status=200 if ready else 503)

    return readyz


class SchedulerHealth(Protocol):
    """What readiness needs from `scheduler.runner.DeliveryRunner`."""

    def healthy(self, now: datetime) -> bool: ...


class ReadinessCheck:
    """Readiness: the database answers `ping()` and the scheduler (None: off) is healthy.

    The answer names components only; why the database failed goes to the log, not to
    an anonymous caller.
    """

    def __init__(
        self,
        *,
        ping: Callable[[], Awaitable[None]],
        scheduler: SchedulerHealth | None,
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
    ):
        self._ping = ping
        self._scheduler = scheduler
        self._clock = clock

    async def __call__(self) -> tuple[bool, dict[str, str]]:
        try:
            await self._ping()
            database = "ok"
        except Exception as error:  # noqa: BLE001 - any failure means not ready
            # Once per probe through an outage; the message may quote a connection string.
            logger.warning("not ready: database %s", type(error).__name__)
            database = "unavailable"
        if self._scheduler is None:
            scheduler = "off"
        elif self._scheduler.healthy(self._clock()):
            scheduler = "running"
        else:
            logger.warning("not ready: the scheduler is stopped or has not ticked lately")
            scheduler = "not running"
        return database == "ok" and scheduler != "not running", {
            "database": database,
            "scheduler": scheduler,
        }


class RequestRejected(Exception):
    """A request the edge refuses, with the status and the message for the client."""

    def __init__(self, status: int, code: str, message: str):
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message

    def response(self) -> web.Response:
        headers = {"WWW-Authenticate": "Bearer"} if self.status == 401 else None
        return web.json_response(
            {"error": {"code": self.code, "message": self.message}},
            status=self.status,
            headers=headers,
        )


class MessagesEndpoint:
    """`POST /api/messages`: check, authenticate and run one incoming activity."""

    def __init__(
        self,
        *,
        settings: Settings,
        adapter: CloudAdapter,
        bot: Bot,
        turn_counters: TurnCounters,
    ):
        self._settings = settings
        self._adapter = adapter
        self._bot = bot
        self._turn_counters = turn_counters

    async def handle(self, request: web.Request) -> web.Response:
        started = time.perf_counter()
        activity: Activity | None = None
        try:
            body = await _read_json_object(request)
            auth_header = self._checked_auth_header(request)
            _check_required_fields(body)
            _check_stored_lengths(body)
            activity = _deserialize(body)
            authentication = await self._authenticate(activity, auth_header)
        except RequestRejected as rejected:
            logger.info(
                "request rejected",
                extra={
                    "status": rejected.status,
                    "code": rejected.code,
                    "activity_id": activity.id if activity else None,
                },
            )
            return rejected.response()

        unavailable: list[BaseException] = []

        async def run_turn(context: Any) -> None:
            try:
                await self._bot.on_turn(context)
            except Exception as error:
                if not is_unavailable(error):
                    self._turn_counters.failed += 1
                    raise  # to the adapter's turn error handler: logged, user told
                # No apology to the user: the 503 makes the connector send it again.
                unavailable.append(error)

        try:
            invoke_response = await self._adapter.process_activity(
                authentication, activity, run_turn
            )
            if unavailable:
                return _database_unavailable(activity, unavailable[0])
            response = _http_response(invoke_response)
        except ServiceUrlNotAllowed as refused:
            # Raised while the adapter builds the turn's connector client, before the
            # turn runs: a caller's mistake (or forgery), not ours, so 403, not 500.
            logger.warning(
                "request rejected",
                extra={
                    "status": 403,
                    "code": "service_url_not_allowed",
                    "activity_id": activity.id,
                },
            )
            return RequestRejected(
                403,
                "service_url_not_allowed",
                f"The bot does not send to serviceUrl {refused.service_url[:200]!r}: not https "
                "on an allowed Bot Framework host (ALLOWED_SERVICE_URL_HOSTS).",
            ).response()
        except Exception as error:  # noqa: BLE001 - the turn handler already logged turn errors
            if is_unavailable(error):
                return _database_unavailable(activity, error)
            # Only failures outside the turn pipeline get here (building the connector
            # client, serialising the response): they are ours, hence 500.
            logger.debug("activity failed: traceback", exc_info=error)
            logger.error(
                "activity failed",
                extra={
                    "activity_id": activity.id,
                    "activity_type": activity.type,
                    "error": type(error).__name__,
                },
            )
            return web.json_response(
                {
                    "error": {
                        "code": "internal_error",
                        "message": "the bot failed to process the activity; see the bot's log",
                    }
                },
                status=500,
            )
        conversation = activity.conversation
        logger.info(
            "turn",
            extra={
                "activity_id": activity.id,
                "activity_type": activity.type,
                "channel": activity.channel_id,
                "conversation_type": conversation.conversation_type if conversation else None,
                "delivery_mode": activity.delivery_mode or "normal",
                "status": response.status,
                "duration_ms": round((time.perf_counter() - started) * 1000),
            },
        )
        return response

    def _checked_auth_header(self, request: web.Request) -> str:
        """The Authorization header, after the checks that need no network and no activity."""
        header = request.headers.get("Authorization")
        if self._settings.local_mode:
            if header is not None:
                raise RequestRejected(
                    401,
                    "local_mode_cannot_authenticate",
                    "This bot runs in local mode (no MicrosoftAppId), so it cannot validate "
                    "tokens. Remove the Authorization header, or configure MicrosoftAppId and "
                    "MicrosoftAppPassword.",
                )
            return ""
        if not header:
            raise RequestRejected(
                401, "missing_token", "Authorization: Bearer <token> is required."
            )
        problem = _token_shape_problem(header)
        if problem is not None:
            raise RequestRejected(401, "invalid_token", problem)
        if (
            self._settings.environment == "production"
            and not self._settings.allow_emulator_tokens
            and EmulatorValidation.is_token_from_emulator(header)
        ):
            # The SDK accepts the Bot Framework Emulator's Entra tokens wherever it runs;
            # a bot in production talks only to the Bot Framework channels.
            raise RequestRejected(
                401,
                "emulator_token_refused",
                "Tokens from the Bot Framework Emulator are not accepted in production "
                "(BOT_ENVIRONMENT=production; ALLOW_EMULATOR_TOKENS=true would allow them).",
            )
        return header

    async def _authenticate(
        self, activity: Activity, auth_header: str
    ) -> AuthenticateRequestResult:
        authentication = self._adapter.bot_framework_authentication
        if not auth_header:
            # Local mode: the SDK hands out an anonymous identity without any I/O.
            return await authentication.authenticate_request(activity, auth_header)
        try:
            # The SDK fetches signing keys with blocking `requests` calls without a timeout
            # (daily, and at most hourly for an unknown key id): run it off the event loop
            # so a slow key endpoint cannot stall every other conversation.
            return await asyncio.wait_for(
                asyncio.to_thread(
                    _run_on_worker_loop,
                    lambda: authentication.authenticate_request(activity, auth_header),
                ),
                timeout=AUTHENTICATION_TIMEOUT_SECONDS,
            )
        except Exception as error:  # noqa: BLE001 - every validation failure is a 401
            # PermissionError, jwt errors, IndexError for an unknown key id, network errors
            # fetching keys: the SDK raises all of them for "not authenticated".
            logger.warning(
                "token rejected",
                extra={"activity_id": activity.id, "error": type(error).__name__},
            )
            raise RequestRejected(
                401, "invalid_token", "The token could not be validated."
            ) from error


_worker_loops = threading.local()
T = TypeVar("T")


def _run_on_worker_loop(coroutine: Callable[[], Awaitable[T]]) -> T:
    """Run `coroutine()` to completion on the calling worker thread's own event loop.

    `asyncio.run` builds and tears down a loop on every call, ~50 µs of CPU per
    authenticated request; a pool thread keeps one, idle between calls.
    """
    loop = getattr(_worker_loops, "loop", None)
    if loop is None or loop.is_closed():
        loop = _worker_loops.loop = asyncio.new_event_loop()
    return loop.run_until_complete(coroutine())


async def _read_json_object(request: web.Request) -> dict[str, Any]:
    """The body as a JSON object, within MAX_ACTIVITY_BYTES."""
    content_type = request.content_type
    if content_type != "application/json" and not content_type.endswith("+json"):
        raise RequestRejected(
            415, "unsupported_media_type", "Content-Type must be application/json."
        )
    length = request.content_length
    if length is not None and length > MAX_ACTIVITY_BYTES:
        raise _too_large()
    if length is not None:
        # The HTTP parser delivers exactly Content-Length bytes, no more; fewer only when
        # the client stops sending, and then the bytes received are parsed (and refused).
        try:
            data = await request.content.readexactly(length)
        except asyncio.IncompleteReadError as cut:
            data = cut.partial
    else:
        chunks: list[bytes] = []
        size = 0
        # Counted while reading, because a chunked request announces no length.
        async for chunk in request.content.iter_chunked(64 * 1024):
            size += len(chunk)
            if size > MAX_ACTIVITY_BYTES:
                raise _too_large()
            chunks.append(chunk)
        data = b"".join(chunks)
    try:
        body = json.loads(data)
    except RecursionError as error:  # the parser's own limit, around 1,000 levels
        raise _too_deep() from error
    except (UnicodeDecodeError, ValueError) as error:
        raise RequestRejected(
            400, "malformed_json", f"The body is not valid JSON: {error}"
        ) from error
    problem = None if _plainly_sound(data) else _json_problem(body)
    if problem == "depth":
        raise _too_deep()
    if problem == "text":
        raise RequestRejected(
            400,
            "invalid_text",
            "Strings may not contain NUL characters or unpaired surrogates (\\u0000, "
            "\\ud800): no database stores them.",
        )
    if not isinstance(body, dict):
        raise RequestRejected(
            400, "not_an_activity", "The body must be a JSON object (an activity)."
        )
    return body


def _too_large() -> RequestRejected:
    return RequestRejected(
        413, "payload_too_large", f"An activity may be at most {MAX_ACTIVITY_BYTES} bytes."
    )


def _too_deep() -> RequestRejected:
    return RequestRejected(
        400, "too_deeply_nested", f"JSON may nest at most {MAX_JSON_DEPTH} levels deep."
    )


# An escape that may decode to NUL or to half of a surrogate pair ("\\u0000", "\\ud800").
_RISKY_ESCAPE = re.compile(rb"\\u(?:0000|[dD][89a-fA-F])")


def _plainly_sound(data: bytes) -> bool:
    """True when the JSON text `data` (parsed already) cannot hold what `_json_problem`
    looks for, judged from its bytes without walking the parsed value.

    Without a NUL byte the text is UTF-8 (`json.loads` detects UTF-16 and -32 by their NUL
    bytes). A string then holds NUL only from the escape \\u0000 (a raw control character is
    not JSON), and a surrogate only from an escape \\uD800-\\uDFFF or from the bytes of one
    (ED A0-BF ..., which `json.loads` decodes with surrogatepass). And no value nests deeper
    than the opening brackets it has. Anything that might be either (an emoji's escaped
    pair, a Korean syllable, a backslash before "u0000") is left to the walk.
    """
    return (
        data.count(b"{") + data.count(b"[") <= MAX_JSON_DEPTH
        and b"\x00" not in data
        and b"\xed" not in data
        and _RISKY_ESCAPE.search(data) is None
    )


def _json_problem(value: Any) -> str | None:
    """What is wrong with `value`: "depth" if it nests deeper than MAX_JSON_DEPTH, "text"
    if a string in it (key or value) holds a NUL or an unpaired surrogate, else None.

    PostgreSQL refuses both in text and JSON columns, so such a string would fail the
    turn half-way (after the reply, say, but before the agenda point is stored).
    """
    if isinstance(value, str):
        return None if _storable(value) else "text"
    if isinstance(value, dict | list):
        return _container_problem(value, 1)
    return None


def _container_problem(item: dict | list, depth: int) -> str | None:
    # Recursive, at most MAX_JSON_DEPTH deep: every activity is walked, and a plain loop
    # per container costs a third of a stack of (value, depth) pairs.
    if depth > MAX_JSON_DEPTH:
        return "depth"
    if isinstance(item, dict):
        for key in item:
            if not _storable(key):
                return "text"
        children: Any = item.values()
    else:
        children = item
    for child in children:
        if isinstance(child, str):
            if not _storable(child):
                return "text"
        elif isinstance(child, dict | list):
            problem = _container_problem(child, depth + 1)
            if problem is not None:
                return problem
    return None


def _storable(text: str) -> bool:
    if "\x00" in text:
        return False
    if text.isascii():
        return True
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:  # an unpaired surrogate, from a "\ud800" escape
        return False
    return True


def _check_required_fields(body: dict[str, Any]) -> None:
    """Reject activities the SDK would fail on: no type, conversation id or serviceUrl."""
    missing = []
    if not isinstance(body.get("type"), str) or not body["type"]:
        missing.append("type")
    conversation = body.get("conversation")
    if (
        not isinstance(conversation, dict)
        or not isinstance(conversation.get("id"), str)
        or not conversation["id"]
    ):
        missing.append("conversation.id")
    if not _is_http_url(body.get("serviceUrl")):
        missing.append("serviceUrl (an absolute http(s) URL)")
    if missing:
        raise RequestRejected(
            400,
            "invalid_activity",
            "The activity lacks required fields: " + ", ".join(missing) + ".",
        )
    # Both ids go into the path of the reply's URL; the connector refuses a request line
    # past a few KB, and the turn would fail after running.
    unusable = [
        f"{name} must be a string of at most {limit} printable ASCII characters"
        for name, value, limit in (
            ("id", body.get("id"), MAX_ID_LENGTH),
            ("conversation.id", conversation["id"], TEAMS_ID_LENGTH),  # stored: its column
        )
        if value is not None and not (isinstance(value, str) and _is_usable_id(value, limit))
    ]
    if unusable:
        raise RequestRejected(400, "invalid_activity", "; ".join(unusable) + ".")


# Teams' ids are under 200 characters ("19:…@thread.tacv2;messageid=…").
MAX_ID_LENGTH = 1024


def _is_usable_id(value: str, limit: int) -> bool:
    return len(value) <= limit and value.isascii() and value.isprintable()


# Every other field of an activity that a turn stores, with the length of its column
# (`storage.schema`). An id past it is refused: the turn could not be stored, and the
# bot cannot do without it. A name past it is dropped with a warning: the bot answers
# without it ("conversation.id" is checked above).
STORED_IDS: tuple[tuple[tuple[str, ...], int], ...] = (
    (("conversation", "tenantId"), TENANT_ID_LENGTH),
    (("channelData", "tenant", "id"), TENANT_ID_LENGTH),
    (("channelData", "team", "id"), TEAMS_ID_LENGTH),
    (("channelData", "channel", "id"), TEAMS_ID_LENGTH),
    (("from", "id"), USER_ID_LENGTH),
    (("from", "aadObjectId"), ENTRA_ID_LENGTH),
)
DROPPABLE_FIELDS: tuple[tuple[tuple[str, ...], int], ...] = (
    (("from", "name"), NAME_LENGTH),
    (("channelData", "team", "name"), NAME_LENGTH),
    (("channelData", "channel", "name"), NAME_LENGTH),
    (("channelData", "team", "aadGroupId"), ENTRA_ID_LENGTH),
)


def _check_stored_lengths(body: dict[str, Any]) -> None:
    """400 for an id longer than its column; an over-long name is dropped (a WARNING).

    Lengths in characters, as PostgreSQL's `varchar(n)` counts them; SQLite would store
    anything, so the same limits hold on both databases.
    """
    too_long = [
        f"{'.'.join(path)} may be at most {limit} characters"
        for path, limit in STORED_IDS
        if len(_string_at(body, path)) > limit
    ]
    if too_long:
        raise RequestRejected(400, "field_too_long", "; ".join(too_long) + ".")
    for path, limit in DROPPABLE_FIELDS:
        length = len(_string_at(body, path))
        if length > limit:
            parent = _string_at(body, path[:-1], container=True)
            del parent[path[-1]]
            logger.warning(
                "over-long field dropped",
                extra={"field": ".".join(path), "length": length, "limit": limit},
            )


def _string_at(body: dict[str, Any], path: tuple[str, ...], *, container: bool = False) -> Any:
    """The string at `path` in `body` ("" when absent or not a string); with `container`,
    the dict at `path`."""
    value: Any = body
    for key in path:
        value = value.get(key) if isinstance(value, dict) else None
    if container:
        return value
    return value if isinstance(value, str) else ""


def _is_http_url(value: Any) -> bool:
    if not isinstance(value, str):
        return False
    try:
        parts = urlsplit(value)
    except ValueError:  # "http://[", an unclosed IPv6 literal
        return False
    return parts.scheme in ("http", "https") and bool(parts.netloc)


def _deserialize(body: dict[str, Any]) -> Activity:
    try:
        # msrest's result without msrest's per-value cost (bot/activity_json.py).
        return activity_from_json(body)
    except DeserializationError as error:
        raise RequestRejected(
            400, "invalid_activity", f"The activity is malformed: {error}"
        ) from error


def _token_shape_problem(header: str) -> str | None:
    """Why `header` cannot hold a Bot Framework token, or None if it might.

    Bot Framework tokens are RS256 JWTs naming their signing key. Checking that first
    rejects garbage, `alg: none` and HMAC tokens without any network access and before
    the SDK, which answers them with exceptions rather than a refusal.
    """
    scheme, _, token = header.partition(" ")
    if scheme != "Bearer" or not token or " " in token:
        return "Expected 'Authorization: Bearer <token>'."
    try:
        token_header = jwt.get_unverified_header(token)
        jwt.decode(token, options={"verify_signature": False})
    except jwt.PyJWTError:
        return "The token is not a well-formed JWT."
    if token_header.get("alg") not in AuthenticationConstants.ALLOWED_SIGNING_ALGORITHMS:
        return "The token's signing algorithm is not accepted."
    if not token_header.get("kid"):
        return "The token does not name its signing key."
    return None


def _database_unavailable(activity: Activity, error: BaseException) -> web.Response:
    """503 with Retry-After for a turn the database could not serve; one WARNING line."""
    # The error names the database without its password; no stack trace: not a bug.
    logger.warning(
        "database unavailable: answered 503",
        extra={
            "activity_id": activity.id,
            "activity_type": activity.type,
            "error": f"{type(error).__name__}: {error}".splitlines()[0][:300],
        },
    )
    return web.json_response(
        {
            "error": {
                "code": "database_unavailable",
                "message": "The bot's database is unavailable; send the activity again later.",
            }
        },
        status=503,
        headers={"Retry-After": str(DATABASE_RETRY_AFTER_SECONDS)},
    )


def _http_response(invoke_response: InvokeResponse | None) -> web.Response:
    """The HTTP response for a processed activity.

    `CloudAdapter.process` serialises the body with `serializer_helper`, which fails on
    the already-serialised `ExpectedReplies` dict; here models are serialised and plain
    JSON is passed through.
    """
    if invoke_response is None:
        return web.Response(status=201)
    status = int(invoke_response.status or 200)
    if invoke_response.body is None:
        return web.Response(status=status)
    return web.json_response(
        invoke_response.body,
        status=status,
        dumps=lambda data: json.dumps(data, default=_model_json),
    )


def _model_json(value: Any) -> Any:
    if isinstance(value, Model):
        return serializer_helper(value)
    raise TypeError(f"cannot serialise {type(value).__name__} to JSON")


class PortUnavailable(Exception):
    """The address to serve on cannot be listened on (taken, not allowed, unknown host)."""


# Connections that wait while the start-up work runs, before the web app accepts them.
LISTEN_BACKLOG = 128


def listening_sockets(host: str, port: int) -> list[socket.socket]:
    """Sockets bound to every address of `host` on `port` and listening, before anything
    else starts.

    `serve` binds first so that a taken port is found before any scheduled work runs
    (which would otherwise post, then fail), and connections made while the bot starts
    wait in the backlog instead of being refused. A name such as `localhost` gives one
    socket per address (IPv4 and IPv6), as aiohttp binds them itself; IPv6 sockets take
    IPv6 only, so `::` is IPv6 alone and an empty host every interface. Raises
    `PortUnavailable` with one line that says what to do.
    """
    try:
        found = socket.getaddrinfo(
            host or None, port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE
        )
    except socket.gaierror:
        raise PortUnavailable(_no_such_address(host)) from None
    sockets: list[socket.socket] = []
    bound_port = port
    try:
        for family, kind, proto, _, address in _distinct(found):
            listener = socket.socket(family, kind, proto)
            sockets.append(listener)
            listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            if family == socket.AF_INET6:
                # Else `::` also takes the IPv4 port and the IPv4 socket clashes with it.
                listener.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 1)
            # Port 0: the first socket picks a free port and the others share it.
            listener.bind((address[0], bound_port, *address[2:]))
            listener.listen(LISTEN_BACKLOG)
            bound_port = listener.getsockname()[1]
    except OSError as err:
        for listener in sockets:
            listener.close()
        raise PortUnavailable(_cannot_listen(host, port, err)) from None
    return sockets


def _distinct(found: list[tuple]) -> list[tuple]:
    seen: set[tuple] = set()
    kept = []
    for entry in found:
        if entry[4][:2] not in seen:
            seen.add(entry[4][:2])
            kept.append(entry)
    return kept


def _no_such_address(host: str) -> str:
    return f"cannot listen on {host}: no such address on this machine"


def _cannot_listen(host: str, port: int, err: OSError) -> str:
    if err.errno == errno.EADDRINUSE:
        return (
            f"cannot listen on {host}:{port}: the address is already in use (is the bot "
            "running already?); choose another with --port or PORT"
        )
    if err.errno == errno.EADDRNOTAVAIL:
        return _no_such_address(host)
    if err.errno in (errno.EACCES, errno.EPERM):
        return (
            f"cannot listen on {host}:{port}: permission denied (ports below 1024 need "
            "privileges); choose another with --port or PORT"
        )
    return f"cannot listen on {host}:{port}: {err.strerror or type(err).__name__}"
