"""With an app id: forged, malformed and missing tokens are 401, never 500; a valid one passes.

Bot Framework signs its tokens with keys published at login.botframework.com. These
tests never reach it: tokens that cannot be Bot Framework tokens are refused before the
SDK looks at them, and for well-formed RS256 tokens the SDK's OpenID metadata endpoint
(`ChannelValidation.open_id_metadata_endpoint`, a class attribute) is pointed at a
loopback server publishing a test key.
"""

from __future__ import annotations

import dataclasses
import json
import time
from collections.abc import AsyncIterator

import jwt
import pytest
from aiohttp import web
from botframework.connector.auth import ChannelValidation
from botframework.connector.auth.jwt_token_extractor import JwtTokenExtractor
from cryptography.hazmat.primitives.asymmetric import rsa

from tests.bot.conftest import RunningBot, running_bot
from tests.bot.teams_activities import personal_message

APP_ID = "3f0d9a51-7c2e-4b8f-9e1a-5d6c7b8a9f00"
ISSUER = "https://api.botframework.com"
KEY_ID = "test-signing-key"


@dataclasses.dataclass
class SigningKeys:
    """A loopback OpenID metadata endpoint publishing one RSA key, and that key."""

    private_key: rsa.RSAPrivateKey
    requests: list[str]

    def token(self, service_url: str, *, key=None, kid: str = KEY_ID, **claims) -> str:
        now = int(time.time())
        payload = {
            "iss": ISSUER,
            "aud": APP_ID,
            "serviceurl": service_url,
            "nbf": now - 60,
            "exp": now + 3600,
            **claims,
        }
        return jwt.encode(payload, key or self.private_key, algorithm="RS256", headers={"kid": kid})


@pytest.fixture
async def signing_keys(monkeypatch) -> AsyncIterator[SigningKeys]:
    private_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    jwk = json.loads(jwt.algorithms.RSAAlgorithm.to_jwk(private_key.public_key()))
    jwk.update(kid=KEY_ID, use="sig")
    keys = SigningKeys(private_key, [])
    base_url = ""

    async def metadata(request: web.Request) -> web.Response:
        keys.requests.append(request.path)
        return web.json_response({"issuer": ISSUER, "jwks_uri": f"{base_url}/keys"})

    async def jwks(request: web.Request) -> web.Response:
        keys.requests.append(request.path)
        return web.json_response({"keys": [jwk]})

    app = web.Application()
    app.add_routes([web.get("/openidconfiguration", metadata), web.get("/keys", jwks)])
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    base_url = f"http://127.0.0.1:{runner.addresses[0][1]}"
    monkeypatch.setattr(
        ChannelValidation, "open_id_metadata_endpoint", f"{base_url}/openidconfiguration"
    )
    # The SDK caches signing keys per metadata URL for a day, in a class attribute. An
    # earlier test's key server may have had this same ephemeral port, so its (other) key
    # would still be served from that cache and every valid token here would be a 401.
    monkeypatch.setattr(JwtTokenExtractor, "metadataCache", {})
    yield keys
    await runner.cleanup()


@pytest.fixture
async def registered_bot(settings, signing_keys) -> AsyncIterator[RunningBot]:
    """The bot with an app registration (MultiTenant), signing keys on loopback."""
    registered = dataclasses.replace(
        settings,
        app_id=APP_ID,
        app_password="not-used-offline",
        allowed_service_url_hosts=("127.0.0.1",),
    )
    async with running_bot(registered) as running:
        yield running


def _unsigned(header: dict, payload: dict) -> str:
    def part(data: dict) -> str:
        return jwt.utils.base64url_encode(json.dumps(data).encode()).decode()

    return f"{part(header)}.{part(payload)}."


async def test_a_missing_token_is_401(registered_bot, connector):
    status, error = await registered_bot.post(personal_message(connector.service_url, "hej"))

    assert status == 401
    assert error["error"]["code"] == "missing_token"
    assert connector.requests == []


@pytest.mark.parametrize(
    "header",
    [
        "Bearer not.a.token",
        "Bearer ",
        "Bearer",
        "Basic dXNlcjpwYXNzd29yZA==",
        "bearer " + "x" * 40,
        "Bearer a b",
    ],
)
async def test_a_malformed_authorization_header_is_401(
    registered_bot, connector, signing_keys, header
):
    status, error = await registered_bot.post(
        personal_message(connector.service_url, "hej"), headers={"Authorization": header}
    )

    assert status == 401
    assert error["error"]["code"] == "invalid_token"
    assert signing_keys.requests == []
    assert connector.requests == []


async def test_an_alg_none_token_is_401_without_fetching_keys(
    registered_bot, connector, signing_keys
):
    token = _unsigned(
        {"alg": "none", "typ": "JWT", "kid": KEY_ID},
        {
            "iss": ISSUER,
            "aud": APP_ID,
            "serviceurl": connector.service_url,
            "exp": int(time.time()) + 3600,
        },
    )

    status, error = await registered_bot.post(
        personal_message(connector.service_url, "hej"), headers={"Authorization": f"Bearer {token}"}
    )

    assert status == 401
    assert error["error"]["message"] == "The token's signing algorithm is not accepted."
    assert signing_keys.requests == []
    assert connector.requests == []


async def test_an_hmac_token_is_401_without_fetching_keys(registered_bot, connector, signing_keys):
    token = jwt.encode(
        {
            "iss": ISSUER,
            "aud": APP_ID,
            "serviceurl": connector.service_url,
            "exp": int(time.time()) + 3600,
        },
        "the app password, perhaps, or a guess at it",
        algorithm="HS256",
        headers={"kid": KEY_ID},
    )

    status, error = await registered_bot.post(
        personal_message(connector.service_url, "hej"), headers={"Authorization": f"Bearer {token}"}
    )

    assert status == 401
    assert error["error"]["message"] == "The token's signing algorithm is not accepted."
    assert signing_keys.requests == []


async def test_an_unknown_key_id_is_401(registered_bot, connector, signing_keys):
    token = signing_keys.token(connector.service_url, kid="a-key-nobody-published")

    status, error = await registered_bot.post(
        personal_message(connector.service_url, "hej"), headers={"Authorization": f"Bearer {token}"}
    )

    assert status == 401
    assert error["error"]["code"] == "invalid_token"
    assert "/keys" in signing_keys.requests  # the SDK did look, on loopback
    assert connector.requests == []


async def test_a_token_signed_by_another_key_is_401(registered_bot, connector, signing_keys):
    impostor = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    token = signing_keys.token(connector.service_url, key=impostor)

    status, _ = await registered_bot.post(
        personal_message(connector.service_url, "hej"), headers={"Authorization": f"Bearer {token}"}
    )

    assert status == 401
    assert connector.requests == []


@pytest.mark.parametrize(
    "claims",
    [
        {"aud": "some-other-bot"},
        {"iss": "https://evil.example"},
        {"exp": int(time.time()) - 3600, "nbf": int(time.time()) - 7200},
        {"serviceurl": "https://smba.trafficmanager.net/emea/"},
    ],
    ids=["wrong audience", "wrong issuer", "expired", "other serviceUrl"],
)
async def test_a_valid_signature_with_wrong_claims_is_401(
    registered_bot, connector, signing_keys, claims
):
    token = signing_keys.token(connector.service_url, **claims)

    status, _ = await registered_bot.post(
        personal_message(connector.service_url, "hej"), headers={"Authorization": f"Bearer {token}"}
    )

    assert status == 401
    assert connector.requests == []


async def test_a_valid_token_is_accepted(registered_bot, connector, signing_keys):
    # expectReplies: the replies come back in the response, so no outbound token is needed.
    token = signing_keys.token(connector.service_url)
    activity = personal_message(connector.service_url, "hej", deliveryMode="expectReplies")

    status, body = await registered_bot.post(activity, headers={"Authorization": f"Bearer {token}"})

    assert status == 200
    assert len(body["activities"]) == 1
    assert connector.requests == []
