"""Outbound clients are kept across turns, and replies still go where they must.

`create_adapter` caches the Bot Connector client per (app id, serviceUrl, audience) and
sends through one shared HTTP session; these tests run real turns through the adapter
and the whole app against loopback connectors, including one that drops its
connections or restarts on the same address between turns. The cached clients'
serializer is checked against msrest's own output.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
from collections.abc import AsyncIterator
from datetime import UTC, datetime

import pytest
from botbuilder.core import TurnContext
from botbuilder.integration.aiohttp import ConfigurationBotFrameworkAuthentication
from botbuilder.schema import (
    Activity,
    ActivityTypes,
    Attachment,
    ChannelAccount,
    ConversationAccount,
    Entity,
    ErrorResponseException,
)
from botframework.connector.aio import ConnectorClient
from botframework.connector.auth import (
    MicrosoftAppCredentials,
    PasswordServiceClientCredentialFactory,
)
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.adapter import (
    CachingBotFrameworkAuthentication,
    SamverkanAdapter,
    _use_lean_serializer,
    _use_lean_urls,
    create_adapter,
    sdk_configuration,
)
from bot.cards import ADAPTIVE_CARD_CONTENT_TYPE
from bot.local_connector import LocalConnector
from bot.settings import Settings
from tests.bot.conftest import run_turn
from tests.bot.teams_activities import personal_message
from tests.conftest import until

APP_ID = "3f0d9a51-7c2e-4b8f-9e1a-5d6c7b8a9f00"
TOKEN = "token-from-entra-id"


def connector_client(context: TurnContext):
    return context.turn_state[context.adapter.BOT_CONNECTOR_CLIENT_KEY]


async def test_turns_to_one_service_url_reuse_one_client(adapter, connector):
    first = await run_turn(adapter, personal_message(connector.service_url, "ett"))
    second = await run_turn(adapter, personal_message(connector.service_url, "två"))

    assert connector_client(first) is connector_client(second)
    assert first.turn_state[adapter.USER_TOKEN_CLIENT_KEY] is second.turn_state[
        adapter.USER_TOKEN_CLIENT_KEY
    ]
    assert [a.text for a in connector.activities] == ["eko: ett", "eko: två"]


async def test_each_service_url_has_its_own_client_and_gets_only_its_replies(adapter):
    async with LocalConnector() as emea, LocalConnector() as amer:
        turns = [
            await run_turn(adapter, personal_message(url, text))
            for url, text in [
                (emea.service_url, "1"),
                (amer.service_url, "2"),
                (emea.service_url, "3"),
            ]
        ]

        assert connector_client(turns[0]) is connector_client(turns[2])
        assert connector_client(turns[0]) is not connector_client(turns[1])
        assert [a.text for a in emea.activities] == ["eko: 1", "eko: 3"]
        assert [a.text for a in amer.activities] == ["eko: 2"]


async def test_proactive_sends_share_the_turns_client(adapter, connector):
    turn = await run_turn(adapter, personal_message(connector.service_url, "hej"))

    client = await adapter.connector_client(connector.service_url)
    await client.conversations.send_to_conversation(
        "a:proactive", Activity(type="message", text="påminnelse")
    )

    assert client is connector_client(turn)
    assert [(a.conversation_id, a.text) for a in connector.activities] == [
        (turn.activity.conversation.id, "eko: hej"),
        ("a:proactive", "påminnelse"),
    ]


async def test_the_cache_is_bounded_and_an_evicted_service_url_still_works(connector):
    authentication = ConfigurationBotFrameworkAuthentication(sdk_configuration(Settings()))
    adapter = SamverkanAdapter(CachingBotFrameworkAuthentication(authentication, max_clients=2), "")
    try:
        async with LocalConnector() as second, LocalConnector() as third:
            first_client = await adapter.connector_client(connector.service_url)
            for other in (second, third):
                await adapter.connector_client(other.service_url)

            again = await run_turn(adapter, personal_message(connector.service_url, "åter"))
    finally:
        await adapter.close()

    assert connector_client(again) is not first_client  # evicted, then built anew
    assert [a.text for a in connector.activities] == ["eko: åter"]


class RestartableAddress:
    """A fixed loopback port in front of a LocalConnector that can drop and restart.

    Bytes are copied both ways; `drop()` closes every open connection (as a connector
    restart does to kept-alive connections), `stop()`/`start()` close and reopen the
    listening port itself.
    """

    def __init__(self, target_port: int):
        self._target_port = target_port
        self._server: asyncio.Server | None = None
        self._writers: set[asyncio.StreamWriter] = set()
        self.port = 0
        self.connections = 0

    @property
    def service_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/"

    async def start(self) -> None:
        self._server = await asyncio.start_server(
            self._forward, "127.0.0.1", self.port, reuse_address=True
        )
        self.port = self._server.sockets[0].getsockname()[1]

    async def stop(self) -> None:
        self._server.close()
        self.drop()
        await self._server.wait_closed()

    def drop(self) -> None:
        for writer in list(self._writers):
            writer.close()

    async def _forward(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.connections += 1
        target_reader, target_writer = await asyncio.open_connection("127.0.0.1", self._target_port)
        self._writers |= {writer, target_writer}

        async def pipe(source: asyncio.StreamReader, sink: asyncio.StreamWriter) -> None:
            with contextlib.suppress(ConnectionError):
                while data := await source.read(65536):
                    sink.write(data)
                    await sink.drain()
            sink.close()

        await asyncio.gather(pipe(reader, target_writer), pipe(target_reader, writer))
        self._writers -= {writer, target_writer}


@pytest.fixture
async def address(connector) -> AsyncIterator[RestartableAddress]:
    address = RestartableAddress(int(connector.service_url.rsplit(":", 1)[1].strip("/")))
    await address.start()
    yield address
    await address.stop()


async def test_a_dropped_connection_is_replaced_on_the_next_turn(adapter, connector, address):
    await run_turn(adapter, personal_message(address.service_url, "före"))
    await run_turn(adapter, personal_message(address.service_url, "igen"))
    assert address.connections == 1  # kept alive between turns

    address.drop()
    await until(lambda: not address._writers, timeout=5)
    await run_turn(adapter, personal_message(address.service_url, "efter"))

    assert [a.text for a in connector.activities] == ["eko: före", "eko: igen", "eko: efter"]
    assert address.connections == 2


async def test_a_connector_restarted_on_the_same_address_gets_the_next_reply(
    adapter, connector, address
):
    await run_turn(adapter, personal_message(address.service_url, "före"))

    await address.stop()
    await address.start()
    await run_turn(adapter, personal_message(address.service_url, "efter"))

    assert [a.text for a in connector.activities] == ["eko: före", "eko: efter"]


async def test_the_whole_app_answers_two_connectors_each_in_its_conversation(bot):
    async with LocalConnector() as emea, LocalConnector() as amer:
        for connector, conversation in [(emea, "a:emea"), (amer, "a:amer"), (emea, "a:emea")]:
            activity = personal_message(connector.service_url, "vem är sekreterare?")
            activity["conversation"]["id"] = conversation
            status, _ = await bot.post(activity)
            assert status == 201

        assert [a.conversation_id for a in emea.activities] == ["a:emea", "a:emea"]
        assert [a.conversation_id for a in amer.activities] == ["a:amer"]


class StaticTokenCredentials(MicrosoftAppCredentials):
    """App credentials whose token needs no Microsoft Entra ID."""

    def get_access_token(self, force_refresh: bool = False) -> str:
        return TOKEN


class StaticTokenFactory(PasswordServiceClientCredentialFactory):
    async def create_credentials(self, app_id, oauth_scope, login_endpoint, validate_authority):
        return StaticTokenCredentials(app_id, self.password, self.tenant_id, oauth_scope)


async def test_a_registered_bot_signs_every_request_and_local_mode_none(adapter, connector):
    registered = create_adapter(
        Settings(app_id=APP_ID, app_password="secret", allowed_service_url_hosts=("127.0.0.1",)),
        credentials_factory=StaticTokenFactory(APP_ID, "secret"),
    )
    try:
        for sender in (registered, registered, adapter):
            client = await sender.connector_client(connector.service_url)
            message = Activity(type="message", text="x", conversation=ConversationAccount(id="a:1"))
            await client.conversations.send_to_conversation("a:1", message)
    finally:
        await registered.close()

    authorization = [r.headers.get("Authorization") for r in connector.requests_to("POST")]
    assert authorization == [f"Bearer {TOKEN}", f"Bearer {TOKEN}", None]


async def test_a_refused_post_is_not_sent_again_but_a_refused_read_is_retried(
    adapter, connector
):
    client = await adapter.connector_client(connector.service_url)
    connector.members["a:1"] = [{"id": "29:anna", "name": "Anna"}]

    connector.script(503)
    with pytest.raises(Exception) as refused:
        await client.conversations.send_to_conversation("a:1", Activity(type="message", text="x"))
    connector.script(503)
    members = await client.conversations.get_conversation_members("a:1")

    assert type(refused.value).__name__ == "ErrorResponseException"  # as the stock client
    assert len(connector.requests_to("POST")) == 1  # a message is never posted twice
    assert [m.name for m in members] == ["Anna"]
    assert len(connector.requests_to("GET")) == 2


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(),
    lambda children: st.lists(children, max_size=4)
    | st.dictionaries(st.text(max_size=8), children, max_size=4),
    max_leaves=20,
)


@given(content=json_values, channel_data=json_values, value=json_values)
@settings(max_examples=150, deadline=None)
def test_the_lean_serializer_writes_exactly_what_msrest_writes(content, channel_data, value):
    activity = Activity(
        type=ActivityTypes.message,
        text="Vem är sekreterare?",
        text_format="markdown",
        timestamp=datetime(2026, 3, 2, 9, 15, tzinfo=UTC),
        from_property=ChannelAccount(id="28:bot", name="samverkan"),
        conversation=ConversationAccount(id="a:1", conversation_type="personal", tenant_id="t"),
        attachments=[
            Attachment(content_type=ADAPTIVE_CARD_CONTENT_TYPE, content=content),
            Attachment(content_type="x", content={"who": ChannelAccount(id="29:anna")}),
        ],
        entities=[Entity().deserialize({"type": "mention", "text": "<at>A</at>"})],
        channel_data=channel_data,
        value=value,
    )
    client = ConnectorClient(MicrosoftAppCredentials.empty(), base_url="http://127.0.0.1/")
    stock = client._serialize.body(activity, "Activity")

    _use_lean_serializer(client)

    assert client.conversations._serialize.body(activity, "Activity") == stock


service_urls = st.sampled_from(
    [
        "https://smba.trafficmanager.net/emea/",
        "https://smba.trafficmanager.net/amer",
        "http://127.0.0.1:3978/",
        "http://localhost:56150/_connector",
        "https://h.example//emea/",
        "https://h.example/emea/../",
        "https://h.example/emea/./x/",
        "https://h.example/emea?x=1",
        "https://h.example/emea#f",
        "https://h.example/{tenant}/",
        "https://h.example",
    ]
)
conversation_ids = st.sampled_from(
    ["a:1Xy8-personal", "19:abc@thread.tacv2;messageid=17", ".", "..", ""]
) | st.text(max_size=12)


@given(base_url=service_urls, conversation_id=conversation_ids, activity_id=conversation_ids)
@settings(max_examples=300, deadline=None)
def test_the_lean_clients_build_the_urls_msrest_builds(base_url, conversation_id, activity_id):
    stock = ConnectorClient(MicrosoftAppCredentials.empty(), base_url=base_url)
    lean = ConnectorClient(MicrosoftAppCredentials.empty(), base_url=base_url)
    _use_lean_serializer(lean)
    _use_lean_urls(lean)
    template = stock.conversations.reply_to_activity.metadata["url"]

    def url(client: ConnectorClient) -> str:
        serialize = client.conversations._serialize
        return client._client.format_url(
            template,
            conversationId=serialize.url("conversation_id", conversation_id, "str"),
            activityId=serialize.url("activity_id", activity_id, "str"),
        )

    try:
        expected = url(stock)
    except Exception as error:  # noqa: BLE001 - then the lean client must fail alike
        with pytest.raises(type(error)):
            url(lean)
        return
    assert url(lean) == expected


async def test_the_lean_posts_send_what_the_generated_operations_send(adapter, connector):
    # The client the SDK's own factory builds, as the stock adapter would use it.
    stock_factory = ConfigurationBotFrameworkAuthentication(
        sdk_configuration(Settings())
    ).create_connector_factory(adapter.create_claims_identity(""))
    stock = await stock_factory.create(connector.service_url, None)
    lean = await adapter.connector_client(connector.service_url)
    reply = Activity(
        type=ActivityTypes.message,
        summary="Sekreteraren",
        from_property=ChannelAccount(id="28:bot", name="samverkan"),
        conversation=ConversationAccount(id="a:1", conversation_type="personal", tenant_id="t"),
        attachments=[Attachment(content_type=ADAPTIVE_CARD_CONTENT_TYPE, content={"body": ["å"]})],
    )
    answers = []
    async with stock:
        for client in (stock, lean):
            answers.append(await client.conversations.reply_to_activity("a:1", "17", reply))
            answers.append(await client.conversations.send_to_conversation("a:1", reply))
            connector.script(403, {"error": {"code": "BotNotInConversationRoster", "message": "x"}})
            with pytest.raises(ErrorResponseException) as refused:
                await client.conversations.send_to_conversation("a:1", reply)
            raw_response = refused.value.response  # aiohttp's (status), requests' (status_code)
            status = getattr(raw_response, "status", None) or raw_response.status_code
            answers.append((refused.value.error.error.code, status))

    posts = connector.requests_to("POST")
    assert len(posts) == 6
    for sent_stock, sent_lean in zip(posts[:3], posts[3:], strict=True):
        assert (sent_lean.path, json.dumps(sent_lean.body)) == (
            sent_stock.path,
            json.dumps(sent_stock.body),
        )
        for header in ("Content-Type", "Accept", "x-ms-conversation-id", "User-Agent"):
            assert sent_lean.headers.get(header) == sent_stock.headers.get(header)
    assert [type(a).__name__ for a in answers[3:]] == [type(a).__name__ for a in answers[:3]]
    assert answers[5] == answers[2] == ("BotNotInConversationRoster", 403)
    assert all(a.id for a in answers[3:5])
