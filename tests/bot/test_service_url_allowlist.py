"""With an app id, the bot's token goes only to allowed Bot Framework hosts.

The inbound token's serviceurl claim is checked at the edge; this is the outbound side,
for replies and for scheduled posts sent to stored references. A second loopback
connector stands in for an attacker's server and must receive nothing.
"""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from botbuilder.schema import Activity

from bot.adapter import ServiceUrlNotAllowed, create_adapter, service_url_allowed
from bot.local_connector import LocalConnector
from bot.proactive import ConnectorSender
from bot.settings import DEFAULT_ALLOWED_SERVICE_URL_HOSTS, Settings
from scheduler.delivery import SendError
from tests.bot.test_adapter_cache import APP_ID, TOKEN, StaticTokenFactory
from tests.scheduler.planned import LOGISTIK, channel_reference, post


def registered_adapter(allowed_hosts: tuple[str, ...] = DEFAULT_ALLOWED_SERVICE_URL_HOSTS):
    """An adapter with an app id whose token needs no Microsoft Entra ID."""
    settings = Settings(
        app_id=APP_ID, app_password="secret", allowed_service_url_hosts=allowed_hosts
    )
    return create_adapter(settings, credentials_factory=StaticTokenFactory(APP_ID, "secret"))


@pytest.fixture
async def attacker() -> AsyncIterator[LocalConnector]:
    async with LocalConnector() as running:
        yield running


@pytest.mark.parametrize(
    ("service_url", "allowed"),
    [
        ("https://smba.trafficmanager.net/emea/", True),
        ("https://smba.infra.gcc.teams.microsoft.com/teams", True),
        ("https://webchat.botframework.com/", True),
        ("http://smba.trafficmanager.net/emea/", False),  # a token only over https
        ("https://evil.trafficmanager.net/", False),  # anyone can register one
        ("https://smba.trafficmanager.net.evil.example/", False),
        ("https://evilbotframework.com/", False),
        ("https://botframework.com@evil.example/", False),
        ("http://127.0.0.1:3978/", False),
        ("not a url", False),
    ],
)
def test_only_bot_framework_hosts_over_https_are_allowed(service_url, allowed):
    assert service_url_allowed(service_url, DEFAULT_ALLOWED_SERVICE_URL_HOSTS) is allowed


async def test_a_registered_bot_sends_nothing_to_a_disallowed_service_url(attacker):
    adapter = registered_adapter()
    try:
        with pytest.raises(ServiceUrlNotAllowed):
            await adapter.connector_client(attacker.service_url)
        with pytest.raises(SendError) as refused:
            await ConnectorSender(adapter).send(
                channel_reference(attacker.service_url, LOGISTIK), post("agenda:1")
            )
    finally:
        await adapter.close()

    # 403 is not retried by the delivery worker: the post is recorded as failed.
    assert (refused.value.status, refused.value.code) == (403, "ServiceUrlNotAllowed")
    assert attacker.requests == []


async def test_a_registered_bot_still_sends_to_an_allowed_host(connector, attacker):
    adapter = registered_adapter(allowed_hosts=("127.0.0.1",))
    try:
        client = await adapter.connector_client(connector.service_url)
        await client.conversations.send_to_conversation("a:1", Activity(type="message", text="x"))
    finally:
        await adapter.close()

    assert [r.headers.get("Authorization") for r in connector.requests] == [f"Bearer {TOKEN}"]
    assert attacker.requests == []


async def test_local_mode_sends_to_loopback_without_an_allowlist(connector):
    adapter = create_adapter(Settings())  # no app id: no token, any loopback serviceUrl
    try:
        client = await adapter.connector_client(connector.service_url)
        await client.conversations.send_to_conversation("a:1", Activity(type="message", text="x"))
    finally:
        await adapter.close()

    assert [a.text for a in connector.activities] == ["x"]
