"""The HTTP edge over real HTTP: every bad request gets its 4xx, never botbuilder's 500."""

from __future__ import annotations

import json

import aiohttp
import pytest

from bot.http import MAX_ACTIVITY_BYTES
from tests.bot.teams_activities import personal_message


async def test_health_check(bot):
    async with bot.http.get(f"{bot.base_url}/healthz") as response:
        assert response.status == 200
        assert await response.json() == {"status": "ok"}


async def test_a_non_json_content_type_is_415(bot, connector):
    body = json.dumps(personal_message(connector.service_url, "hej"))

    status, error = await bot.post_raw(body, "text/plain")

    assert status == 415
    assert error["error"]["code"] == "unsupported_media_type"


async def test_a_json_content_type_with_charset_is_accepted(bot, connector):
    body = json.dumps(personal_message(connector.service_url, "hej"))

    status, _ = await bot.post_raw(body, "application/json; charset=utf-8")

    assert status == 201


async def test_a_body_over_the_limit_is_413(bot, connector):
    activity = personal_message(connector.service_url, "x" * MAX_ACTIVITY_BYTES)

    status, error = await bot.post(activity)

    assert status == 413
    assert error["error"]["code"] == "payload_too_large"
    assert connector.requests == []


async def test_a_chunked_body_over_the_limit_is_413(bot):
    async def chunks():
        yield b'{"type": "message", "text": "'
        for _ in range(MAX_ACTIVITY_BYTES // 1024 + 1):
            yield b"x" * 1024
        yield b'"}'

    async with bot.http.post(
        bot.messages_url, data=chunks(), headers={"Content-Type": "application/json"}
    ) as response:
        assert response.status == 413


@pytest.mark.parametrize("body", ["{", '{"type": "message",', "\xff"])
async def test_malformed_json_is_400_with_a_json_error(bot, body):
    status, error = await bot.post_raw(body.encode("latin-1"), "application/json")

    assert status == 400
    assert error["error"]["code"] == "malformed_json"


@pytest.mark.parametrize("body", ["[]", '"message"', "null", "42"])
async def test_json_that_is_not_an_object_is_400(bot, body):
    status, error = await bot.post_raw(body, "application/json")

    assert status == 400
    assert error["error"]["code"] == "not_an_activity"


@pytest.mark.parametrize(
    ("remove", "field"),
    [
        (lambda a: a.pop("type"), "type"),
        (lambda a: a.pop("conversation"), "conversation.id"),
        (lambda a: a["conversation"].pop("id"), "conversation.id"),
        (lambda a: a.pop("serviceUrl"), "serviceUrl"),
        (lambda a: a.update(serviceUrl="smba.trafficmanager.net/emea/"), "serviceUrl"),
    ],
)
async def test_an_activity_without_required_fields_is_400(bot, connector, remove, field):
    activity = personal_message(connector.service_url, "hej")
    remove(activity)

    status, error = await bot.post(activity)

    assert status == 400
    assert error["error"]["code"] == "invalid_activity"
    assert field in error["error"]["message"]
    assert connector.requests == []


async def test_a_malformed_field_is_400(bot, connector):
    activity = personal_message(connector.service_url, "hej", timestamp="last tuesday")

    status, error = await bot.post(activity)

    assert status == 400
    assert error["error"]["code"] == "invalid_activity"


@pytest.mark.parametrize("header", ["Bearer not.a.token", "Basic dXNlcjpwdw==", ""])
async def test_local_mode_refuses_any_authorization_header_with_401(bot, connector, header):
    activity = personal_message(connector.service_url, "hej")

    status, error = await bot.post(activity, headers={"Authorization": header})

    assert status == 401
    assert error["error"]["code"] == "local_mode_cannot_authenticate"
    assert "MicrosoftAppId" in error["error"]["message"]
    assert connector.requests == []


async def test_get_on_the_messages_endpoint_is_405(bot):
    async with bot.http.get(bot.messages_url) as response:
        assert response.status == 405


@pytest.mark.parametrize(
    "name",
    ["composeExtension/query", "task/fetch", "signin/tokenExchange", "signin/verifyState", "x"],
)
async def test_an_unhandled_invoke_gets_a_400_with_a_json_error(bot, connector, name):
    activity = personal_message(connector.service_url, "")
    activity.update(type="invoke", name=name, value={"commandId": "x"})

    status, body = await bot.post(activity)

    assert status == 400
    assert body["error"]["code"] == "invoke_not_supported"
    assert repr(name) in body["error"]["message"]
    assert "application/search" in body["error"]["message"]
    assert connector.activities == []


async def test_an_accepted_message_is_201_and_the_reply_goes_to_the_connector(bot, connector):
    status, body = await bot.post(personal_message(connector.service_url, "hej"))

    assert status == 201
    assert body is None
    assert len(connector.activities) == 1


async def test_the_connection_is_reusable_after_a_rejected_request(bot, connector):
    # A 413 answered before the body was read must not poison keep-alive connections.
    big = personal_message(connector.service_url, "x" * MAX_ACTIVITY_BYTES)
    small = personal_message(connector.service_url, "hej")
    connector_ = aiohttp.TCPConnector(limit=1)
    async with aiohttp.ClientSession(connector=connector_) as http:
        async with http.post(bot.messages_url, json=big) as response:
            assert response.status == 413
        async with http.post(bot.messages_url, json=small) as response:
            assert response.status == 201
