"""The Bot Framework adapter, built from `Settings`, and the one turn error handler.

`create_adapter` is the only place that turns our settings into Bot Framework
configuration. The error handler is the single place where a failed turn is logged
and explained to the user.

Outbound clients are reused, not rebuilt per turn. The stock `CloudAdapter` builds a new
msrest `ConnectorClient` and a new `UserTokenClient` for every turn and every proactive
send (each spends ~3 ms in msrest's retry-policy set-up), a new `requests` session and TCP
connection per client, and new credentials, so a fresh MSAL token cache too.
`CachingBotFrameworkAuthentication` wraps the SDK's authentication without changing what
it decides (who is authenticated, which app id, audience and credentials a client gets):
it only keeps the clients it hands out, per (app id, serviceUrl, audience), in a bounded
LRU, and sends every request through one shared aiohttp session (`OutboundHttp`) instead
of a `requests` call in a thread. The token, the retries and the errors stay the SDK's:
the `Authorization` header is set by the credentials' own `signed_session`, retries follow
the urllib3 `Retry` msrest configures for its sender, and failures raise the same msrest
exceptions. The cached clients serialise activities with `_LeanSerializer`, msrest's
serializer without the work that cannot change its output (models are written by
`bot.activity_json`), build URLs without `urljoin` per request (`_LeanUrls`) and post
replies and scheduled posts without msrest's request factory and pipeline
(`_LeanConversationsOperations`, `_ActivityPoster`: the same headers, token, retries and
errors); each gives msrest's result, which tests compare. A
turn's replies are sent by `LeanTurnContext`, the SDK's context with a shallow copy of
each reply where the SDK deep-copies it. See bench/README.md (`turns.py`) for the
measurements.
"""

from __future__ import annotations

import asyncio
import ipaddress
import json
import logging
import re
from collections import OrderedDict
from collections.abc import Awaitable, Callable
from functools import lru_cache
from http import HTTPStatus
from types import SimpleNamespace
from typing import Any
from urllib.parse import quote, urljoin, urlsplit

import aiohttp
import requests
from botbuilder.core import InvokeResponse, TurnContext
from botbuilder.integration.aiohttp import (
    CloudAdapter,
    ConfigurationBotFrameworkAuthentication,
)
from botbuilder.schema import (
    Activity,
    ActivityTypes,
    DeliveryModes,
    ErrorResponseException,
    ResourceResponse,
)
from botframework.connector.aio import ConnectorClient
from botframework.connector.aio.operations_async import ConversationsOperations
from botframework.connector.auth import (
    AppCredentials,
    AuthenticateRequestResult,
    AuthenticationConstants,
    BotFrameworkAuthentication,
    ClaimsIdentity,
    ConnectorFactory,
    ServiceClientCredentialsFactory,
    UserTokenClient,
)
from botframework.connector.skills import BotFrameworkClient
from msrest.exceptions import ClientRequestError
from msrest.pipeline import AsyncHTTPPolicy, AsyncHTTPSender, AsyncPipeline, Request, Response
from msrest.pipeline.universal import RawDeserializer
from msrest.serialization import Serializer
from msrest.universal_http import ClientRequest
from msrest.universal_http.async_abc import AsyncClientResponse
from multidict import CIMultiDict
from urllib3.exceptions import MaxRetryError, NewConnectionError, ProtocolError
from urllib3.util.retry import Retry

from bot.activity_json import Unconvertible, plain_json_copy, try_model_to_json
from bot.cards import edge_text, text_activity
from bot.settings import DEFAULT_ALLOWED_SERVICE_URL_HOSTS, Settings, host_allowed
from bot.teams_bot import conversation_reference, shallow_copy, turn_language

logger = logging.getLogger(__name__)

# Teams posts from a handful of regional serviceUrls; anything beyond this many live
# (app id, serviceUrl, audience) combinations is evicted least recently used first, so
# activities naming ever new serviceUrls (possible in local mode) cannot grow memory.
MAX_CONNECTOR_CLIENTS = 64


def sdk_configuration(settings: Settings) -> SimpleNamespace:
    """The configuration object `ConfigurationBotFrameworkAuthentication` reads attributes from."""
    return SimpleNamespace(
        APP_ID=settings.app_id,
        APP_PASSWORD=settings.app_password,
        APP_TYPE=settings.app_type,
        APP_TENANTID=settings.app_tenant_id,
    )


def create_adapter(
    settings: Settings, *, credentials_factory: ServiceClientCredentialsFactory | None = None
) -> SamverkanAdapter:
    """A `CloudAdapter` authenticating as the configured app (or anonymously in local mode).

    `credentials_factory` replaces the one the SDK derives from the settings (tests use it
    to sign outbound requests without Microsoft Entra ID).
    """
    authentication = ConfigurationBotFrameworkAuthentication(
        sdk_configuration(settings),
        credentials_factory=credentials_factory,
        logger=logging.getLogger("botframework"),
    )
    caching = CachingBotFrameworkAuthentication(
        authentication, allowed_hosts=settings.allowed_service_url_hosts
    )
    adapter = SamverkanAdapter(caching, settings.app_id)
    adapter.on_turn_error = on_turn_error
    return adapter


# In local mode the connector is a local client (Agents Playground, `app.py chat`, a test):
# it answers in milliseconds or not at all, so a send gives up after this long, retries
# included, instead of the minute and more of retries meant for Teams.
LOCAL_CONNECTOR_TIMEOUT_SECONDS = 2.0


class ConnectorUnreachable(ClientRequestError):
    """Local mode: the connector did not answer within LOCAL_CONNECTOR_TIMEOUT_SECONDS."""


class ServiceUrlNotAllowed(ValueError):
    """A serviceUrl the bot's token must not be sent to (not https, or a host outside
    `ALLOWED_SERVICE_URL_HOSTS`); no client is built for it, so nothing is sent."""

    def __init__(self, service_url: str):
        self.service_url = service_url
        super().__init__(
            f"refusing to send to serviceUrl {service_url!r}: not https on a host in "
            "ALLOWED_SERVICE_URL_HOSTS"
        )


def service_url_allowed(service_url: str, allowed_hosts: tuple[str, ...]) -> bool:
    """True if `service_url` is https (or http on loopback) on a host `allowed_hosts` names.

    A pattern `*.example.com` matches any subdomain of example.com, not example.com itself.
    Plain http is accepted only for a loopback host, which must still be listed (tests).
    """
    try:
        parts = urlsplit(service_url)
        host = (parts.hostname or "").rstrip(".")
    except ValueError:
        return False
    if parts.scheme != "https" and not (parts.scheme == "http" and _is_loopback(host)):
        return False
    return host_allowed(host, allowed_hosts)


def _is_loopback(host: str) -> bool:
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return host == "localhost"


class SamverkanAdapter(CloudAdapter):
    """The SDK's `CloudAdapter` over `CachingBotFrameworkAuthentication`, and its shutdown.

    `continue_conversation(reference, callback, bot_app_id=...)` reuses the cached clients
    like any turn; `connector_client` gives a proactive sender the same client directly.
    """

    def __init__(self, authentication: CachingBotFrameworkAuthentication, app_id: str):
        super().__init__(authentication)
        self._authentication = authentication
        self._app_id = app_id

    async def connector_client(
        self, service_url: str, *, audience: str | None = None
    ) -> ConnectorClient:
        """The cached Bot Connector client posting to `service_url` as this bot.

        For sends outside a turn (scheduled posts): the same client, token and shared
        HTTP connections as the bot's replies; `audience` as in `continue_conversation`.
        """
        identity = self.create_claims_identity(self._app_id)
        factory = self._authentication.create_connector_factory(identity)
        return await factory.create(service_url, audience)

    async def close(self) -> None:
        """Close the shared HTTP connections; call once when the application stops."""
        await self._authentication.close()

    def _create_turn_context(self, *args: Any, **kwargs: Any) -> TurnContext:
        # The SDK's context with its turn state, unchanged but for a leaner send path: its
        # class is swapped rather than the construction copied, so whatever the SDK puts
        # into a new context stays the SDK's.
        context = super()._create_turn_context(*args, **kwargs)
        if type(context) is TurnContext:
            context.__class__ = LeanTurnContext
        return context


class LeanTurnContext(TurnContext):
    """The SDK's `TurnContext`, sending replies without a deep copy of each.

    `TurnContext.send_activities` deep-copies every activity before addressing it, so that
    the caller's object is left as it was: ~25 µs for a reply with an adaptive card (the
    card's whole dict tree), ~4 % of an inbound turn. Addressing only assigns attributes of
    the copy itself (channel, conversation, from, recipient, replyToId, locale, serviceUrl,
    type, inputHint, id), and neither the adapter nor the serializer changes anything below
    them, so a shallow copy leaves the caller's activity just as unchanged and sends the
    same JSON. Two cases keep the SDK's own method: handlers registered with
    `on_send_activities` (they may change what they are given) and `expectReplies`
    delivery (the copies are kept past the call, to be returned in the HTTP response).
    tests/bot/test_lean_turn_context.py compares both.
    """

    async def send_activities(self, activities: list[Activity]) -> list[ResourceResponse]:
        if self._on_send_activities or self.activity.delivery_mode == DeliveryModes.expect_replies:
            return await super().send_activities(activities)
        reference = conversation_reference(self.activity)
        output = []
        sent_non_trace_activity = False
        for activity in activities:
            sent = TurnContext.apply_conversation_reference(shallow_copy(activity), reference)
            # As the SDK's `activity_validator`.
            if not getattr(sent, "type", None):
                sent.type = ActivityTypes.message
            if sent.type != ActivityTypes.trace:
                sent_non_trace_activity = True
            if not sent.input_hint:
                sent.input_hint = "acceptingInput"
            sent.id = None
            output.append(sent)
        responses = await self.adapter.send_activities(self, output)
        if sent_non_trace_activity:
            self.responded = True
        return responses


class CachingBotFrameworkAuthentication(BotFrameworkAuthentication):
    """The SDK's authentication, with its connector and user-token clients kept and reused.

    Every decision is the wrapped authentication's; this class only caches what it
    creates, keyed by what the created object depends on.
    """

    def __init__(
        self,
        inner: BotFrameworkAuthentication,
        *,
        max_clients: int = MAX_CONNECTOR_CLIENTS,
        allowed_hosts: tuple[str, ...] = DEFAULT_ALLOWED_SERVICE_URL_HOSTS,
    ):
        self._inner = inner
        self._allowed_hosts = allowed_hosts
        self._http = OutboundHttp()
        self._connector_clients: OrderedDict[tuple[str | None, str, str | None], ConnectorClient]
        self._connector_clients = OrderedDict()
        self._max_clients = max_clients
        # One per app id: the bot's own (or none in local mode).
        self._user_token_clients: dict[str | None, UserTokenClient] = {}

    async def authenticate_request(
        self, activity: Activity, auth_header: str
    ) -> AuthenticateRequestResult:
        result = await self._inner.authenticate_request(activity, auth_header)
        if result.connector_factory is not None:
            result.connector_factory = _CachingConnectorFactory(
                self, result.connector_factory, _app_id(result.claims_identity)
            )
        return result

    async def authenticate_streaming_request(
        self, auth_header: str, channel_id_header: str
    ) -> AuthenticateRequestResult:
        return await self._inner.authenticate_streaming_request(auth_header, channel_id_header)

    def create_connector_factory(self, claims_identity: ClaimsIdentity) -> ConnectorFactory:
        return _CachingConnectorFactory(
            self, self._inner.create_connector_factory(claims_identity), _app_id(claims_identity)
        )

    async def create_user_token_client(self, claims_identity: ClaimsIdentity) -> UserTokenClient:
        app_id = _app_id(claims_identity)
        client = self._user_token_clients.get(app_id)
        if client is None:
            client = await self._inner.create_user_token_client(claims_identity)
            if len(self._user_token_clients) >= self._max_clients:
                self._user_token_clients.clear()
            self._user_token_clients[app_id] = client
        return client

    def create_bot_framework_client(self) -> BotFrameworkClient:
        return self._inner.create_bot_framework_client()

    def get_originating_audience(self) -> str:
        return self._inner.get_originating_audience()

    async def authenticate_channel_request(self, auth_header: str) -> ClaimsIdentity:
        return await self._inner.authenticate_channel_request(auth_header)

    async def connector_client(
        self,
        key: tuple[str | None, str, str | None],
        create: Callable[[], Awaitable[ConnectorClient]],
    ) -> ConnectorClient:
        """The client cached under `key`, or a new one from `create` that sends through
        the shared session.

        With an app id (a client that will carry the bot's token) the serviceUrl must pass
        `service_url_allowed`, else `ServiceUrlNotAllowed`: the inbound token's serviceurl
        claim is checked already, this also covers stored references and proactive sends.
        """
        client = self._connector_clients.get(key)
        if client is not None:
            self._connector_clients.move_to_end(key)
            return client
        app_id, service_url = key[0], key[1]
        if (
            app_id
            and app_id != AuthenticationConstants.ANONYMOUS_SKILL_APP_ID
            and not service_url_allowed(service_url, self._allowed_hosts)
        ):
            logger.warning("serviceUrl not allowed", extra={"service_url": service_url})
            raise ServiceUrlNotAllowed(service_url)
        client = await create()
        _use_lean_serializer(client)
        _use_lean_urls(client)
        config = client.config
        credentials = config.credentials if _signs_requests(config.credentials) else None
        # No app id: local mode, a local connector (see LOCAL_CONNECTOR_TIMEOUT_SECONDS).
        deadline = None if app_id else LOCAL_CONNECTOR_TIMEOUT_SECONDS
        sender = _SharedSessionSender(self._http, config, deadline=deadline)
        policies: list[Any] = [
            config.user_agent_policy,
            RawDeserializer(),
            config.http_logger_policy,
        ]
        if credentials is not None:
            policies.insert(1, _SignedSessionPolicy(credentials))
        config.pipeline = AsyncPipeline(policies, sender)
        client.conversations = _LeanConversationsOperations(
            client.conversations, _ActivityPoster(sender, config, credentials)
        )
        self._connector_clients[key] = client
        while len(self._connector_clients) > self._max_clients:
            self._connector_clients.popitem(last=False)
        logger.debug("connector client created", extra={"service_url": key[1]})
        return client

    async def close(self) -> None:
        await self._http.close()


class _LeanSerializer(Serializer):
    """msrest's serializer, minus work that cannot change the result for our models.

    - No botbuilder schema model declares a validation constraint, so client-side
      validation only walked every activity to find nothing.
    - A plain `str` is returned as it is, not after a failed `.value` lookup (msrest's
      enum check, an exception per string).
    - An `object` field holding plain JSON (an adaptive card, channelData) is copied in
      one pass; msrest dispatches every value through `eval` of its type name. Anything
      else in it (models, dates, enums) goes to msrest as before.
    - A request body that is a model `bot.activity_json` can write whole is written by
      it, without msrest first rebuilding the model from itself.
    - A path parameter that is a plain string is quoted without the type dispatch.

    tests/bot/test_adapter_cache.py checks the output equals msrest's.
    """

    def __init__(self, dependencies: dict[str, type]):
        super().__init__(dependencies)
        self.client_side_validation = False

    def body(self, data: Any, data_type: str, **kwargs: Any) -> Any:
        # A model the compiled plans can write whole (bot/activity_json.py) skips msrest's
        # model-rebuilding pass and per-value dispatch; anything else is msrest's.
        if not kwargs:
            written = try_model_to_json(data)
            if written is not None:
                return written
        return super().body(data, data_type, **kwargs)

    def url(self, name: str, data: Any, data_type: str, **kwargs: Any) -> Any:
        # A path parameter that is a plain string: what msrest returns for it (validation
        # is off), without its type dispatch.
        if data_type == "str" and type(data) is str and not kwargs:
            return quote_path_parameter(data)
        return super().url(name, data, data_type, **kwargs)

    @classmethod
    def serialize_unicode(cls, data: Any) -> Any:
        if type(data) is str:
            return data
        return super().serialize_unicode(data)

    def serialize_object(self, attr: Any, **kwargs: Any) -> Any:
        if not kwargs.get("is_xml") and not kwargs.get("basic_types_serializers"):
            try:
                return plain_json_copy(attr)
            except Unconvertible:
                pass
        return super().serialize_object(attr, **kwargs)


# What `quote(text, safe="")` leaves as it is: a text of only these is its own quoting.
_UNRESERVED = re.compile(r"[A-Za-z0-9_.~-]*")

# Conversation ids are quoted into every reply's URL, and one conversation has many
# turns: the longest ids Teams uses stay well under this, longer ones are not kept.
_REMEMBERED_ID_LENGTH = 512


@lru_cache(maxsize=1024)
def _quote_remembered(text: str) -> str:
    return quote(text, safe="")


def quote_path_parameter(text: str) -> str:
    """`quote(text, safe="")`, as msrest quotes a path parameter.

    An id of unreserved characters only (an activity id: digits) is returned as it is; a
    conversation id (`a:1x…`, `19:…@thread.tacv2;messageid=…`, ~2.5 µs to quote) is
    quoted once and remembered, at most 1,024 of them.
    """
    if _UNRESERVED.fullmatch(text) is not None:
        return text
    if len(text) <= _REMEMBERED_ID_LENGTH:
        return _quote_remembered(text)
    return quote(text, safe="")


# What a path is made of once its parameters are quoted (quote(..., safe="")).
_QUOTED_PATH = re.compile(r"/[A-Za-z0-9_.~%-]+(?:/[A-Za-z0-9_.~%-]+)*")


class _LeanUrls:
    """msrest's `ServiceClient.format_url` for one client, without `urljoin` per request.

    msrest joins the formatted path onto the base URL with `urljoin`, which also drops
    empty and dot segments; for a base that joins as plain text (checked once) and a path
    of non-empty, non-dot segments, the result is the concatenation. Anything else is
    msrest's (tests/bot/test_adapter_cache.py compares the two).
    """

    def __init__(self, client: Any):
        self._format_url = client.format_url
        base_url = client.config.base_url
        base = base_url.rstrip("/")
        probe = "v3/x"
        joins_plainly = (
            "{" not in base_url
            and "}" not in base_url
            and urljoin(base + "/", probe) == f"{base}/{probe}"
        )
        self._base = base if joins_plainly else None

    def __call__(self, url: str, **kwargs: Any) -> str:
        path = url.format(**kwargs)
        if (
            self._base is not None
            and _QUOTED_PATH.fullmatch(path)
            and "/./" not in path + "/"
            and "/../" not in path + "/"
        ):
            return self._base + path
        return self._format_url(url, **kwargs)


class _LeanConversationsOperations(ConversationsOperations):
    """The generated conversation operations, with the two that post activities leaner.

    `send_to_conversation` (scheduled posts) and `reply_to_activity` (every reply) send
    what the generated code sends (same URL, headers and body; the body written by
    `bot.activity_json`), but through `_ActivityPoster` instead of msrest's request
    factory and pipeline, and read the connector's usual answer (`{"id": ...}`) without
    msrest's deserializer. Every other answer, and every error status, is read by msrest
    and raises the same `ErrorResponseException`. Calls with options (custom headers, raw,
    operation config) or a body the plans cannot write go to the generated code.
    """

    def __init__(self, inner: ConversationsOperations, poster: _ActivityPoster):
        super().__init__(inner._client, inner.config, inner._serialize, inner._deserialize)
        self._poster = poster

    async def send_to_conversation(
        self,
        conversation_id: Any,
        activity: Any,
        *,
        custom_headers: Any = None,
        raw: bool = False,
        **operation_config: Any,
    ) -> Any:
        body = None
        if type(conversation_id) is str and not (custom_headers or raw or operation_config):
            body = try_model_to_json(activity)
        if body is None:
            return await super().send_to_conversation(
                conversation_id, activity, custom_headers=custom_headers, raw=raw,
                **operation_config,
            )
        url = self._client.format_url(
            _SEND_TO_CONVERSATION_URL,
            conversationId=self._serialize.url("conversation_id", conversation_id, "str"),
        )
        return await self._post_activity(url, {}, body)

    send_to_conversation.metadata = ConversationsOperations.send_to_conversation.metadata

    async def reply_to_activity(
        self,
        conversation_id: Any,
        activity_id: Any,
        activity: Any,
        *,
        custom_headers: Any = None,
        raw: bool = False,
        **operation_config: Any,
    ) -> Any:
        body = None
        if (
            type(conversation_id) is str
            and type(activity_id) is str
            and not (custom_headers or raw or operation_config)
        ):
            body = try_model_to_json(activity)
        if body is None:
            return await super().reply_to_activity(
                conversation_id, activity_id, activity, custom_headers=custom_headers, raw=raw,
                **operation_config,
            )
        url = self._client.format_url(
            _REPLY_TO_ACTIVITY_URL,
            conversationId=self._serialize.url("conversation_id", conversation_id, "str"),
            activityId=self._serialize.url("activity_id", activity_id, "str"),
        )
        return await self._post_activity(url, {"x-ms-conversation-id": conversation_id}, body)

    reply_to_activity.metadata = ConversationsOperations.reply_to_activity.metadata

    async def _post_activity(self, url: str, headers: dict[str, str], body: Any) -> Any:
        answer = await self._poster.post(url, headers, json.dumps(body).encode("utf-8"))
        if answer.status in _POSTED:
            resource = _resource_response(answer)
            if resource is not None:
                return resource
        # Anything unusual is read as msrest reads it: the same models, the same errors.
        response = _AnswerResponse(ClientRequest("POST", url), answer)
        response.context = {
            RawDeserializer.CONTEXT_NAME: RawDeserializer.deserialize_from_http_generics(
                response.text(), response.headers
            )
        }
        if answer.status not in _POSTED:
            raise ErrorResponseException(self._deserialize, response)
        return self._deserialize("ResourceResponse", response)


_POSTED = frozenset({200, 201, 202})  # the statuses the generated operations accept


def _resource_response(answer: _Answer) -> ResourceResponse | None:
    """The connector's answer `{"id": "…"}` (or `{}`) as msrest reads it, without msrest's
    dispatch; None for anything else, which msrest then reads."""
    content_type = answer.headers.get("Content-Type", "")
    if not content_type.startswith("application/json"):
        return None
    try:
        data = json.loads(answer.body)
    except ValueError:
        return None
    if type(data) is not dict or not data.keys() <= {"id"}:
        return None
    activity_id = data.get("id")
    if activity_id is not None and type(activity_id) is not str:
        return None
    return ResourceResponse(id=activity_id)


_SEND_TO_CONVERSATION_URL = ConversationsOperations.send_to_conversation.metadata["url"]
_REPLY_TO_ACTIVITY_URL = ConversationsOperations.reply_to_activity.metadata["url"]


def _use_lean_urls(client: ConnectorClient) -> None:
    # The operation groups share the client's ServiceClient, hence its format_url.
    client._client.format_url = _LeanUrls(client._client)


def _use_lean_serializer(client: ConnectorClient) -> None:
    # The generated client hands its serializer to each operation group.
    serializer = _LeanSerializer(client._serialize.dependencies)
    client._serialize = serializer
    client.conversations._serialize = serializer
    client.attachments._serialize = serializer


class _CachingConnectorFactory(ConnectorFactory):
    """The SDK's factory for one app id; creates through it only on a cache miss."""

    def __init__(
        self, cache: CachingBotFrameworkAuthentication, inner: ConnectorFactory, app_id: str | None
    ):
        self._cache = cache
        self._inner = inner
        self._app_id = app_id
        self._default_audience = cache.get_originating_audience()

    async def create(self, service_url: str, audience: str | None = None) -> ConnectorClient:
        # Keyed by what the SDK's factory builds the client from: no audience means the
        # originating one, and without an app id (None or "") the credentials are empty
        # in local mode and refused otherwise, so a turn and a proactive send share one.
        key = (self._app_id or None, service_url, audience or self._default_audience)
        return await self._cache.connector_client(
            key, lambda: self._inner.create(service_url, audience)
        )


def _app_id(claims_identity: ClaimsIdentity) -> str | None:
    # The rule of the SDK's `_BuiltinBotFrameworkAuthentication.get_app_id`, by which its
    # connector factory and user-token client choose their app id: the audience claim
    # (from a channel), else the appid claim (emulator, skills, proactive identities).
    app_id = claims_identity.get_claim_value(AuthenticationConstants.AUDIENCE_CLAIM)
    if app_id is None:
        app_id = claims_identity.get_claim_value(AuthenticationConstants.APP_ID_CLAIM)
    return app_id


def _signs_requests(credentials: Any) -> bool:
    """False for credentials whose `signed_session` never adds a token (local mode)."""
    if not isinstance(credentials, AppCredentials):
        return credentials is not None
    # `AppCredentials._should_set_token`: no token without an app id or for anonymous skills.
    app_id = credentials.microsoft_app_id
    return bool(app_id) and app_id != AuthenticationConstants.ANONYMOUS_SKILL_APP_ID


class _Headers:
    """The one part of a `requests.Session` that `AppCredentials.signed_session` touches."""

    def __init__(self) -> None:
        self.headers: dict[str, str] = {}


class _SignedSessionPolicy(AsyncHTTPPolicy):
    """Sets `Authorization` exactly as the credentials' own `signed_session` does."""

    def __init__(self, credentials: Any):
        super().__init__()
        self._credentials = credentials

    async def send(self, request: Request, **kwargs: Any) -> Response:
        authorization = await _authorization(self._credentials)
        if authorization is not None:
            request.http_request.headers["Authorization"] = authorization
        return await self.next.send(request, **kwargs)


async def _authorization(credentials: Any) -> str | None:
    """The `Authorization` header the credentials' own `signed_session` would set.

    Getting a token may call Microsoft Entra ID with blocking `requests` (MSAL), so it runs
    in a thread; the stock pipeline ran it on the event loop.
    """
    session = _Headers()
    await asyncio.to_thread(credentials.signed_session, session)
    return session.headers.get("Authorization")


class _ActivityPoster:
    """POSTs an activity's JSON as the client's msrest pipeline would, without the pipeline.

    The same headers (the client's own, its User-Agent, Accept, Content-Type, the token of
    `_authorization`) and the same sender, so the same retries and errors; but no msrest
    request, policy chain or response objects per post: these cost ~8 % of an inbound turn
    (bench/README.md, fifth round). msrest's HTTP logger is not run: it would log the
    token, and `observability.logs` keeps it silent anyway.
    """

    def __init__(self, sender: _SharedSessionSender, config: Any, credentials: Any | None):
        self._sender = sender
        self._credentials = credentials
        self._headers = {
            **config.headers,
            "Accept": "application/json",
            "Content-Type": "application/json; charset=utf-8",
            "User-Agent": config.user_agent_policy.user_agent,
        }

    async def post(self, url: str, headers: dict[str, str], data: bytes) -> _Answer:
        request_headers = {**self._headers, **headers}
        if self._credentials is not None:
            authorization = await _authorization(self._credentials)
            if authorization is not None:
                request_headers["Authorization"] = authorization
        return await self._sender.exchange("POST", url, request_headers, data)


class OutboundHttp:
    """One aiohttp session for every outbound Bot Connector request of the process.

    Opened on first use in the running event loop (a new one if the loop changed, as
    between tests) and closed by `close`.
    """

    def __init__(self) -> None:
        self._session: aiohttp.ClientSession | None = None
        self._loop: asyncio.AbstractEventLoop | None = None

    def session(self) -> aiohttp.ClientSession:
        loop = asyncio.get_running_loop()
        if self._session is None or self._session.closed or self._loop is not loop:
            # No cookie jar: the stock per-turn session never carried cookies from one
            # turn (or conversation) to the next, and a shared jar would.
            self._session = aiohttp.ClientSession(cookie_jar=aiohttp.DummyCookieJar())
            self._loop = loop
        return self._session

    async def close(self) -> None:
        if self._session is not None and self._loop is asyncio.get_running_loop():
            await self._session.close()
        self._session = None


class _StatusResponse:
    """What urllib3's `Retry` reads from a response: status, headers, no redirect."""

    def __init__(self, status: int, headers: Any):
        self.status = status
        self.headers = headers

    def get_redirect_location(self) -> bool:
        return False


class _SharedSessionSender(AsyncHTTPSender):
    """Sends msrest requests through `OutboundHttp`, retrying as msrest's requests sender does.

    The retry decisions are made by the urllib3 `Retry` that msrest configures for its
    `requests` adapter (`config.retry_policy()`): connection failures are retried for
    every method (nothing was sent), read failures and the listed statuses (429, 5xx but
    501 and 505, 408) only for idempotent methods, so a POSTed message is never sent twice;
    Retry-After is honoured. Redirects are not followed: the Bot Connector never
    redirects, and following one would carry the bot's token to another address.
    `exchange` is the same without msrest's request and response objects (`_ActivityPoster`).
    """

    def __init__(self, http: OutboundHttp, config: Any, *, deadline: float | None = None):
        self._http = http
        self._config = config
        self._deadline = deadline  # seconds for a whole exchange, retries included
        # The proxy the environment names for this client's serviceUrl (HTTPS_PROXY,
        # NO_PROXY, ...), as requests would use it; looked up once, not per request.
        self._proxy = _environment_proxy(config.base_url)
        seconds = config.connection.timeout
        self._timeout = aiohttp.ClientTimeout(total=None, sock_connect=seconds, sock_read=seconds)

    async def __aenter__(self) -> _SharedSessionSender:
        return self

    async def __aexit__(self, *exc_details: object) -> None:
        # The session outlives any one client; `OutboundHttp.close` closes it.
        return None

    async def send(self, request: Request, **kwargs: Any) -> Response:
        http_request = request.http_request
        if http_request.files:
            raise ValueError("multipart uploads are not used with the Bot Connector")
        headers = {**self._config.headers, **http_request.headers}
        headers.pop("Content-Length", None)  # aiohttp counts the encoded bytes itself
        data = http_request.data
        if isinstance(data, str):
            data = data.encode("utf-8")
        answer = await self.exchange(http_request.method, http_request.url, headers, data)
        return Response(request, _AnswerResponse(http_request, answer))

    async def exchange(
        self, method: str, url: str, headers: dict[str, str], data: bytes | None
    ) -> _Answer:
        """The answer to `method url`, after the retries msrest's sender would make;
        `ConnectorUnreachable` when there is a deadline and it passes first."""
        if self._deadline is None:
            return await self._exchange(method, url, headers, data)
        try:
            async with asyncio.timeout(self._deadline):
                return await self._exchange(method, url, headers, data)
        except (TimeoutError, ClientRequestError) as error:
            raise ConnectorUnreachable(
                f"no answer from the connector within {self._deadline:g} s"
            ) from error

    async def _exchange(
        self, method: str, url: str, headers: dict[str, str], data: bytes | None
    ) -> _Answer:
        retry: Retry = self._config.retry_policy()
        while True:
            try:
                answer = await self._send_once(method, url, headers, data)
            except aiohttp.ClientError as error:
                retry = _retry_after_error(retry, method, url, error)
                await asyncio.sleep(retry.get_backoff_time())
                continue
            except TimeoutError as error:
                retry = _retry_after_error(retry, method, url, error)
                await asyncio.sleep(retry.get_backoff_time())
                continue
            has_retry_after = bool(answer.headers.get("Retry-After"))
            if not retry.is_retry(method, answer.status, has_retry_after):
                return answer
            status = _StatusResponse(answer.status, answer.headers)
            try:
                retry = retry.increment(method, url, response=status)
            except MaxRetryError as error:
                raise ClientRequestError(f"Error occurred in request., {error!r}") from error
            delay = retry.get_retry_after(status) if retry.respect_retry_after_header else None
            await asyncio.sleep(delay if delay is not None else retry.get_backoff_time())

    async def _send_once(
        self, method: str, url: str, headers: dict[str, str], data: bytes | None
    ) -> _Answer:
        session = self._http.session()
        async with session.request(
            method,
            url,
            headers=headers,
            data=data,
            timeout=self._timeout,
            allow_redirects=False,
            proxy=self._proxy,
        ) as raw:
            return _Answer(raw.status, raw.reason, raw.headers, await raw.read())


class _Answer:
    """An HTTP answer read whole: status, reason, headers (case-insensitive) and body."""

    __slots__ = ("status", "reason", "headers", "body")

    def __init__(self, status: int, reason: str | None, headers: Any, body: bytes):
        self.status = status
        self.reason = reason
        self.headers = headers
        self.body = body


class _AnswerResponse(AsyncClientResponse):
    """An `_Answer` as the msrest response the pipeline, deserializer and errors read.

    Like msrest's aiohttp response (status_code, a mutable copy of the headers, reason,
    body), except that `body()` also works for an empty body: msrest's raises for b""
    (it tests truth, not presence), so an error status without a body would surface as
    ValueError instead of the SDK's ErrorResponseException.
    """

    def __init__(self, request: ClientRequest, answer: _Answer):
        super().__init__(request, answer)
        self.status_code = answer.status
        self.headers = CIMultiDict(answer.headers)
        self.reason = answer.reason
        self._body = answer.body

    def body(self) -> bytes:
        return self._body


def _environment_proxy(base_url: str) -> str | None:
    return requests.utils.select_proxy(base_url, requests.utils.get_environ_proxies(base_url))


def _retry_after_error(retry: Retry, method: str, url: str, error: Exception) -> Retry:
    """The next `Retry` after a failed attempt, or ClientRequestError when none is left.

    A failure to connect is urllib3's connection error (retried for any method); any
    other failure happened after the request started, urllib3's read error.
    """
    connecting = isinstance(error, aiohttp.ClientConnectorError | aiohttp.ConnectionTimeoutError)
    as_urllib3 = (
        NewConnectionError(None, str(error)) if connecting else ProtocolError(str(error), error)
    )
    try:
        return retry.increment(method, url, error=as_urllib3)
    except (MaxRetryError, NewConnectionError, ProtocolError) as exhausted:
        raise ClientRequestError(f"Error occurred in request., {exhausted!r}") from error


async def on_turn_error(context: TurnContext, error: Exception) -> None:
    """Log a failed turn and tell the user, in their language, that it failed.

    The ERROR line names the turn (its correlation id, bound by `observe_turns`), the
    activity and the error's type, never its message (a database error's message can
    quote the row: a message text, a name); the traceback follows at DEBUG, without any
    exception's message either (`observability.logs.KeyValueFormatter`). Invokes get an invoke
    response of 500 instead of a chat message, because the client is waiting for that
    response, not for a message.
    """
    activity = context.activity
    conversation = activity.conversation
    if isinstance(error, ConnectorUnreachable):
        # Local mode, the local client gone: not a bug, and an apology could not reach it.
        logger.warning(
            "the local connector did not answer",
            extra={
                "activity_id": activity.id,
                "seconds": LOCAL_CONNECTOR_TIMEOUT_SECONDS,
                "error": type(error.__cause__ or error).__name__,
            },
        )
        return
    logger.debug("turn failed: traceback", exc_info=error)
    logger.error(
        "turn failed",
        extra={
            "activity_id": activity.id,
            "activity_type": activity.type,
            "channel": activity.channel_id,
            "conversation_type": conversation.conversation_type if conversation else None,
            "error": type(error).__name__,
        },
    )
    try:
        if activity.type == ActivityTypes.invoke:
            await context.send_activity(
                Activity(
                    type=ActivityTypes.invoke_response,
                    value=InvokeResponse(status=int(HTTPStatus.INTERNAL_SERVER_ERROR)),
                )
            )
        elif activity.type == ActivityTypes.message:
            language = turn_language(activity)
            await context.send_activity(text_activity(edge_text("apology", language)))
    except Exception as apology_error:  # noqa: BLE001 - the handler must not raise in turn
        # Usually the connector itself is down; the first log line already has the cause.
        logger.error(
            "could not send the apology",
            extra={"activity_id": activity.id, "error": type(apology_error).__name__},
        )
