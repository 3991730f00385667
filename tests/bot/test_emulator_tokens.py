"""Production refuses the Bot Framework Emulator's tokens unless a setting allows them.

Real RS256 tokens signed by a key that a loopback OpenID endpoint publishes, for both
the Bot Framework channel's metadata and the Emulator's (`signing_keys`): an Emulator
token (its Entra issuer, `ver` and `appid` claims) is valid as far as the SDK goes, so
the refusal is this bot's own.
"""

from __future__ import annotations

import dataclasses
from collections.abc import AsyncIterator

import pytest
from botframework.connector.auth import AuthenticationConstants, ChannelValidation

from bot.settings import Settings
from tests.bot.conftest import RunningBot, running_bot
from tests.bot.teams_activities import personal_message
from tests.bot.test_http_auth import APP_ID, SigningKeys, signing_keys  # noqa: F401 - fixture

EMULATOR_ISSUER = "https://sts.windows.net/d6d49420-f39b-4df7-a1dc-d59a935871db/"


@pytest.fixture
def emulator_keys(signing_keys: SigningKeys, monkeypatch) -> SigningKeys:  # noqa: F811
    """The same loopback key server for the Emulator's metadata."""
    monkeypatch.setattr(
        AuthenticationConstants,
        "TO_BOT_FROM_EMULATOR_OPENID_METADATA_URL",
        ChannelValidation.open_id_metadata_endpoint,
    )
    return signing_keys


@pytest.fixture(params=[False, True], ids=["production", "production allowing the Emulator"])
async def production_bot(request, settings, emulator_keys) -> AsyncIterator[RunningBot]:
    production = dataclasses.replace(
        settings,
        app_id=APP_ID,
        app_password="not-used-offline",
        environment="production",
        allow_emulator_tokens=request.param,
        allowed_service_url_hosts=("127.0.0.1",),
        scheduler_interval_seconds=0,
    )
    async with running_bot(production) as running:
        yield running


def emulator_token(keys: SigningKeys, service_url: str) -> str:
    return keys.token(service_url, iss=EMULATOR_ISSUER, ver="1.0", appid=APP_ID)


async def test_an_emulator_token_is_refused_in_production_unless_allowed(
    production_bot, connector, emulator_keys
):
    token = emulator_token(emulator_keys, connector.service_url)
    activity = personal_message(connector.service_url, "hej", deliveryMode="expectReplies")

    status, body = await production_bot.post(activity, headers={"Authorization": f"Bearer {token}"})

    if production_bot.settings.allow_emulator_tokens:
        assert status == 200, body
        assert len(body["activities"]) == 1
        assert "/keys" in emulator_keys.requests  # validated by the SDK, on loopback
    else:
        assert status == 401
        assert body["error"]["code"] == "emulator_token_refused"
        assert "ALLOW_EMULATOR_TOKENS" in body["error"]["message"]
        assert emulator_keys.requests == []  # refused before any key was fetched
    assert connector.requests == []


async def test_a_bot_framework_token_is_accepted_in_production(
    production_bot, connector, emulator_keys
):
    token = emulator_keys.token(connector.service_url)
    activity = personal_message(connector.service_url, "hej", deliveryMode="expectReplies")

    status, body = await production_bot.post(activity, headers={"Authorization": f"Bearer {token}"})

    assert status == 200, body


def test_the_setting_is_read_and_checked():
    base = {"MicrosoftAppId": APP_ID, "MicrosoftAppPassword": "x", "BOT_ENVIRONMENT": "production"}
    assert Settings.from_mapping(base).allow_emulator_tokens is False
    assert Settings.from_mapping({**base, "ALLOW_EMULATOR_TOKENS": "TRUE"}).allow_emulator_tokens
    with pytest.raises(ValueError, match="ALLOW_EMULATOR_TOKENS"):
        Settings.from_mapping({**base, "ALLOW_EMULATOR_TOKENS": "yes please"})
