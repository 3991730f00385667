"""The edge's fast paths give what the SDK's own code gives.

`LeanTurnContext.send_activities` (a shallow copy of each reply instead of a deep one),
`conversation_reference` (the SDK's reference without `copy.copy`), the connector's
`ResourceResponse` read without msrest, and the log formatter's remembered seconds are
each compared with the SDK's, msrest's or the standard library's result, on the loopback
connector where something is sent.
"""

from __future__ import annotations

import io
import json
import logging
from typing import Any

import pytest
from botbuilder.core import TurnContext
from botbuilder.schema import (
    Activity,
    ActivityTypes,
    ChannelAccount,
    ConversationAccount,
    DeliveryModes,
    ResourceResponse,
)
from msrest.pipeline.universal import RawDeserializer
from msrest.serialization import Deserializer
from msrest.universal_http import ClientRequest
from multidict import CIMultiDict

from bot.activity_json import model_to_json
from bot.adapter import LeanTurnContext, _Answer, _AnswerResponse, _resource_response
from bot.cards import reply_activities, text_activity
from bot.teams_bot import conversation_reference
from domain.turns import Reply
from observability.logs import KeyValueFormatter, format_value
from tests.bot import teams_activities as teams
from tests.bot.conftest import run_turn

CARD = {
    "type": "AdaptiveCard",
    "version": "1.5",
    "body": [{"type": "TextBlock", "text": "Sekreterare: **Anna**", "wrap": True}],
    "actions": [{"type": "Action.OpenUrl", "title": "Mejla", "url": "mailto:anna@example.se"}],
}


def replies() -> list[Activity]:
    """What the bot sends: a card reply, a text, one without a type, a trace."""
    return [
        *reply_activities(Reply(text="Sekreterare: Anna", language="sv", card=CARD)),
        text_activity("Hej!"),
        Activity(text="utan typ"),
        Activity(type=ActivityTypes.trace, name="debug", value={"a": 1}),
    ]


def stock_context(context: TurnContext) -> TurnContext:
    """The SDK's own TurnContext for the same turn (same adapter, activity and clients)."""
    stock = TurnContext(context)
    stock.turn_state.update(context.turn_state)
    return stock


def sent_bodies(connector) -> list[tuple[str, Any]]:
    return [(r.path, r.body) for r in connector.requests_to("POST", "/v3/conversations/")]


@pytest.mark.parametrize(
    "activity",
    [
        teams.personal_message("{url}", "Vem är sekreterare?"),
        teams.channel_message("{url}", "<at>samverkan</at> vem är sekreterare?"),
        teams.bot_added_to_team("{url}"),
    ],
    ids=["personal", "channel", "conversationUpdate"],
)
async def test_replies_go_out_as_the_sdks_context_sends_them(adapter, connector, activity):
    activity = json.loads(json.dumps(activity).replace("{url}", connector.service_url))
    mine, theirs = replies(), replies()
    before = [json.dumps(model_to_json(a)) for a in mine]
    results: dict[str, Any] = {}

    async def logic(context: TurnContext) -> None:
        results["lean"] = await context.send_activities(mine)
        lean_requests = sent_bodies(connector)
        connector.requests.clear()
        stock = stock_context(context)
        results["stock"] = await stock.send_activities(theirs)
        results["bodies"] = (lean_requests, sent_bodies(connector))
        results["responded"] = (context.responded, stock.responded)

    context = await run_turn(adapter, activity, logic)

    assert type(context) is LeanTurnContext
    lean_requests, stock_requests = results["bodies"]
    assert len(lean_requests) == 3  # the trace is not sent to Teams
    assert json.dumps(lean_requests) == json.dumps(stock_requests)
    assert lean_requests[0][1]["attachments"][0]["content"] == CARD
    # The caller's activities are left as they were, as the SDK's deep copy leaves them.
    assert [json.dumps(model_to_json(a)) for a in mine] == before
    assert results["responded"] == (True, True)
    assert [type(r) for r in results["lean"]] == [type(r) for r in results["stock"]]
    assert all(r.id for r in results["lean"][:3])


async def test_with_a_send_handler_the_sdks_deep_copy_protects_the_callers_card(
    adapter, connector
):
    mine = reply_activities(Reply(text="Sekreterare", language="sv", card=json.loads(
        json.dumps(CARD))))

    async def stamp(context, activities, next_send):
        # A handler may change what it is given, down to the card.
        for activity in activities:
            activity.attachments[0].content["body"][0]["text"] = "ändrad"
        return await next_send()

    async def logic(context: TurnContext) -> None:
        context.on_send_activities(stamp)
        await context.send_activities(mine)

    await run_turn(adapter, teams.personal_message(connector.service_url, "vem?"), logic)

    assert connector.activities[0].attachments[0]["content"]["body"][0]["text"] == "ändrad"
    assert mine[0].attachments[0].content == CARD


async def test_expected_replies_are_buffered_as_the_sdk_buffers_them(adapter, connector):
    activity = teams.personal_message(connector.service_url, "vem?")
    activity["deliveryMode"] = DeliveryModes.expect_replies
    buffered: dict[str, list[Activity]] = {}

    async def logic(context: TurnContext) -> None:
        await context.send_activities(replies())
        stock = stock_context(context)
        await stock.send_activities(replies())
        buffered["lean"] = context.buffered_reply_activities
        buffered["stock"] = stock.buffered_reply_activities

    await run_turn(adapter, activity, logic)

    assert connector.activities == []
    assert [json.dumps(model_to_json(a)) for a in buffered["lean"]] == [
        json.dumps(model_to_json(a)) for a in buffered["stock"]
    ]


@pytest.mark.parametrize(
    "activity",
    [
        teams.personal_message("https://smba.trafficmanager.net/emea/", "Vem?"),
        teams.bot_added_to_team("https://smba.trafficmanager.net/emea/"),
        {"type": "message", "id": "1", "channelId": "webchat", "text": "hej"},
        {"type": "message", "id": "2", "channelId": "directline", "conversation": {"id": "c"}},
    ],
    ids=["personal", "conversationUpdate", "webchat-no-accounts", "directline"],
)
def test_the_reference_is_the_sdks_and_owns_its_accounts(activity):
    incoming = Activity().deserialize(activity)

    fast = conversation_reference(incoming)
    stock = TurnContext.get_conversation_reference(incoming)

    assert fast == stock
    assert json.dumps(model_to_json(fast)) == json.dumps(stock.serialize())
    for name in ("user", "bot", "conversation"):
        copied = getattr(fast, name)
        assert copied is None or copied is not getattr(
            incoming, "from_property" if name == "user" else
            "recipient" if name == "bot" else "conversation"
        )
    # Changing the reference (the bot sets the tenant) leaves the activity as it was.
    if fast.conversation is not None:
        fast.conversation.tenant_id = "changed"
        assert incoming.conversation.tenant_id != "changed"


def test_a_subclassed_account_is_copied_as_copy_copies_it():
    class Member(ChannelAccount):
        pass

    incoming = Activity(
        type="message", id="1", channel_id="msteams",
        from_property=Member(id="29:a", name="Anna"), recipient=ChannelAccount(id="28:bot"),
        conversation=ConversationAccount(id="a:1"),
    )

    fast = conversation_reference(incoming)

    assert type(fast.user) is Member and fast.user == incoming.from_property
    assert fast.user is not incoming.from_property


@pytest.mark.parametrize(
    "body",
    [
        {"id": "1800000000001"}, {}, {"id": None}, {"id": 5}, {"id": "x", "extra": 1}, [], "x",
    ],
)
@pytest.mark.parametrize(
    "content_type", ["application/json; charset=utf-8", "application/json", "text/plain", ""]
)
def test_the_connectors_answer_reads_as_msrest_reads_it(body, content_type):
    import botbuilder.schema as schema

    headers = CIMultiDict({"Content-Type": content_type} if content_type else {})
    answer = _Answer(201, "Created", headers, json.dumps(body).encode())
    response = _AnswerResponse(ClientRequest("POST", "http://x/"), answer)
    msrest = Deserializer({k: v for k, v in vars(schema).items() if isinstance(v, type)})
    try:
        response.context = {
            "deserialized_data": RawDeserializer.deserialize_from_http_generics(
                response.text(), response.headers
            )
        }
        expected = msrest("ResourceResponse", response)
    except Exception as error:  # noqa: BLE001 - then the fast path must leave it to msrest
        assert _resource_response(answer) is None, error
        return

    fast = _resource_response(answer)

    if fast is not None:
        assert type(fast) is ResourceResponse
        assert vars(fast) == vars(expected)
    else:
        # The usual answers, as the connector sends them, take the fast path.
        assert not (
            content_type.startswith("application/json")
            and body in ({"id": "1800000000001"}, {}, {"id": None})
        )


def test_the_formatter_prints_time_as_the_standard_formatter_does():
    mine = KeyValueFormatter("%(asctime)s %(message)s")
    standard = logging.Formatter("%(asctime)s %(message)s")
    for created in (1_764_000_000.001, 1_764_000_000.999, 1_764_000_001.5, 1_764_000_000.25):
        record = logging.makeLogRecord({"msg": "turn", "created": created,
                                        "msecs": (created % 1) * 1000})
        assert mine.formatTime(record) == standard.formatTime(record)
        assert mine.formatTime(record, "%H:%M") == standard.formatTime(record, "%H:%M")


@pytest.mark.parametrize(
    ("value", "printed"),
    [
        (201, "201"), (-3, "-3"), (True, "True"), (None, "None"), (1.5, "1.5"),
        ("personal", "personal"), ("", '""'), ("två ord", '"två ord"'), ('a"b', '"a\\"b"'),
        ("k=v", '"k=v"'), ("rad\nbrytning", '"rad\\nbrytning"'), (("a", 1), '"(\'a\', 1)"'),
    ],
)
def test_field_values_print_as_before(value, printed):
    assert format_value(value) == printed


def test_a_turn_line_has_its_fields_in_order():
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(KeyValueFormatter("%(levelname)s %(name)s: %(message)s"))
    logger = logging.getLogger("tests.lean.turn")
    logger.addHandler(handler)
    logger.propagate = False
    try:
        logger.warning("turn", extra={"activity_id": "1 2", "status": 201, "channel": "msteams"})
    finally:
        logger.removeHandler(handler)
    assert stream.getvalue() == (
        'WARNING tests.lean.turn: turn activity_id="1 2" status=201 channel=msteams\n'
    )


async def test_serve_freezes_startup_objects_and_collects_young_objects_less_often(settings):
    import gc

    from aiohttp.test_utils import TestClient, TestServer

    from app import YOUNG_GC_THRESHOLD, serving_app

    threshold = gc.get_threshold()
    try:
        async with TestClient(TestServer(await serving_app(settings))) as client:
            async with client.get("/healthz") as response:
                assert response.status == 200
            assert gc.get_threshold() == (YOUNG_GC_THRESHOLD, *threshold[1:])
            assert gc.get_freeze_count() > 0
    finally:
        gc.set_threshold(*threshold)
        gc.unfreeze()
