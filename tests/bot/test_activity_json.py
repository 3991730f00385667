"""`bot.activity_json` gives exactly what msrest gives, in both directions.

The edge reads every incoming activity and writes every reply and stored reference with
`bot.activity_json` instead of msrest's generic (de)serializer. These tests hold it to
msrest's results: on every activity Teams sends in tests/bot/teams_activities.py, on
generated activities (known fields with the right and with wrong JSON types, unknown
fields, nested models, cards), and on the error msrest raises for a malformed one.
"""

from __future__ import annotations

import gc
import json
import tracemalloc
from datetime import UTC, datetime, timedelta, timezone
from typing import Any

import pytest
from botbuilder.core import TurnContext
from botbuilder.schema import (
    Activity,
    ActivityTypes,
    Attachment,
    CardAction,
    ChannelAccount,
    ConversationReference,
    Entity,
    Mention,
    SuggestedActions,
)
from botframework.connector.aio import ConnectorClient
from botframework.connector.auth import MicrosoftAppCredentials
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from msrest.exceptions import DeserializationError

from bot.activity_json import (
    activity_from_json,
    model_from_json,
    model_to_json,
    try_model_to_json,
)
from bot.adapter import _use_lean_serializer
from bot.cards import reply_activities
from domain.turns import Reply
from tests.bot import teams_activities as teams

SERVICE_URL = "https://smba.trafficmanager.net/emea/"


def _teams_corpus() -> list[dict[str, Any]]:
    url = SERVICE_URL
    return [
        teams.personal_message(url, "Vem bokar möteslokalen?"),
        teams.group_chat_message(url, "Who keeps the budget?"),
        teams.channel_message(url, "<at>samverkan</at> vem är sekreterare?"),
        teams.bot_added_to_personal_chat(url),
        teams.bot_added_to_team(url),
        teams.user_joined_team(url),
        teams.bot_removed_from_team(url),
        teams.installation_update(url, "add"),
        teams.installation_update(url, "remove"),
        teams.channel_event(url, "channelCreated", "19:new@thread.tacv2", "Nytt"),
        teams.channel_event(url, "channelDeleted", "19:new@thread.tacv2"),
        teams.personal_message(url, "", value={"action": "meeting.move", "date": "2026-03-02"}),
        teams.personal_message(
            url,
            "Här är protokollet",
            attachments=[
                {
                    "contentType": "application/vnd.microsoft.teams.file.download.info",
                    "name": "protokoll.docx",
                    "content": {"downloadUrl": "https://x/d", "uniqueId": "1", "fileType": "docx"},
                }
            ],
        ),
    ]


def _same(fast: Any, stock: Any) -> None:
    """Equal as models (msrest compares every attribute) and as JSON, in the same key order."""
    assert type(fast) is type(stock)
    assert fast == stock
    assert json.dumps(stock.serialize()) == json.dumps(fast.serialize())


@pytest.mark.parametrize("activity", _teams_corpus(), ids=lambda a: a["type"])
def test_every_teams_activity_reads_as_msrest_reads_it(activity):
    data = json.loads(json.dumps(activity))

    fast = activity_from_json(data)

    _same(fast, Activity().deserialize(json.loads(json.dumps(activity))))
    # What the bot reads from it: Teams' conversation.tenantId kept as an extra property.
    assert fast.conversation.additional_properties == {"tenantId": teams.TENANT_ID}


@pytest.mark.parametrize("activity", _teams_corpus(), ids=lambda a: a["type"])
def test_references_and_replies_write_as_msrest_writes_them(activity):
    incoming = Activity().deserialize(activity)
    reference = TurnContext.get_conversation_reference(incoming)
    reference.conversation.tenant_id = teams.TENANT_ID
    card = {"type": "AdaptiveCard", "body": []}
    reply = TurnContext.apply_conversation_reference(
        reply_activities(Reply(text="Sekreteraren", language="sv", card=card))[0], reference
    )

    assert json.dumps(model_to_json(reference)) == json.dumps(reference.serialize())
    assert json.dumps(model_to_json(incoming)) == json.dumps(incoming.serialize())
    assert json.dumps(model_to_json(reply)) == json.dumps(reply.serialize())


@pytest.mark.parametrize("activity", _teams_corpus(), ids=lambda a: a["type"])
def test_stored_references_read_as_msrest_reads_them(activity):
    """A scheduled post reads its channel's stored reference (the JSON the store keeps)."""
    reference = TurnContext.get_conversation_reference(Activity().deserialize(activity))
    reference.conversation.tenant_id = teams.TENANT_ID
    stored = json.loads(json.dumps(model_to_json(reference)))

    _same(
        model_from_json(ConversationReference, stored),
        ConversationReference().deserialize(json.loads(json.dumps(stored))),
    )
    # What the plans cannot decide (a number where a string belongs) msrest still does.
    odd = {**stored, "activityId": 17}
    _same(
        model_from_json(ConversationReference, odd),
        ConversationReference().deserialize(dict(odd)),
    )


def _client_body(activity: Activity, lean: bool) -> dict[str, Any]:
    client = ConnectorClient(MicrosoftAppCredentials.empty(), base_url="http://127.0.0.1/")
    if lean:
        _use_lean_serializer(client)
    return client._serialize.body(activity, "Activity")


def test_the_connector_clients_send_what_msrest_sends():
    activity = Activity(
        type=ActivityTypes.message,
        summary="Påminnelse",
        timestamp=datetime(2026, 3, 2, 9, 15, 0, 120000, tzinfo=timezone(timedelta(hours=1))),
        entities=[
            Mention(mentioned=ChannelAccount(id="29:anna", name="Anna"), text="<at>Anna</at>"),
            Entity(type="clientInfo"),
        ],
        suggested_actions=SuggestedActions(
            to=["29:anna"], actions=[CardAction(type="imBack", title="Ja", value="ja")]
        ),
        attachments=[Attachment(content_type="application/json", content={"a": [1, 2.5, None]})],
    )
    assert json.dumps(_client_body(activity, lean=True)) == json.dumps(
        _client_body(activity, lean=False)
    )


def test_what_the_plans_cannot_decide_is_left_to_msrest():
    # A dict where a model belongs: msrest converts it before sending; a model inside a
    # card: msrest writes it as JSON. Both are msrest's to do, with msrest's result.
    with_dict = Activity(type="message", from_property={"id": "28:bot", "name": "samverkan"})
    with_model_in_card = Activity(
        type="message", attachments=[Attachment(content={"who": ChannelAccount(id="29:a")})]
    )
    for activity in (with_dict, with_model_in_card):
        assert try_model_to_json(activity) is None
        assert _client_body(activity, lean=True) == _client_body(activity, lean=False)


def test_a_malformed_activity_gets_msrests_error():
    data = {"type": "message", "timestamp": "not a time", "conversation": {"id": "a:1"}}

    with pytest.raises(DeserializationError) as stock:
        Activity().deserialize(dict(data))
    with pytest.raises(DeserializationError) as fast:
        activity_from_json(dict(data))

    assert str(fast.value) == str(stock.value)


# --- generated activities -------------------------------------------------------------------

json_scalars = (
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=False)
    | st.text(max_size=12)
)
json_values = st.recursive(
    json_scalars,
    lambda children: st.lists(children, max_size=3)
    | st.dictionaries(st.text(max_size=8), children, max_size=3),
    max_leaves=12,
)
def activity_dicts(loose: bool) -> st.SearchStrategy[dict[str, Any]]:
    """Activities as JSON: with the JSON type each field should have, or (`loose`) with
    anything at all in any field, half of the time."""

    def field(strategy: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
        return strategy | json_values if loose else strategy

    texts = field(st.text(max_size=20))
    accounts = field(
        st.fixed_dictionaries(
            {},
            optional={"id": texts, "name": texts, "aadObjectId": texts, "role": texts,
                      "extra": json_values},
        )
    )
    times = field(
        st.datetimes(
            min_value=datetime(1990, 1, 1),
            max_value=datetime(2090, 1, 1),
            timezones=st.sampled_from([UTC, timezone(timedelta(hours=2))]),
        ).map(lambda t: t.isoformat())
        | st.sampled_from(["2025-11-24T09:15:00.123Z", "2025-11-24T10:15:00.123+01:00"])
    )
    entities = field(
        st.lists(
            st.fixed_dictionaries(
                {"type": st.sampled_from(["mention", "clientInfo"]) | texts},
                optional={"text": texts, "mentioned": accounts, "locale": texts},
            ),
            max_size=3,
        )
    )
    return st.fixed_dictionaries(
        {"type": st.sampled_from(["message", "conversationUpdate", "invoke", "event"]) | texts},
        optional={
            "id": texts,
            "timestamp": times,
            "localTimestamp": times,
            "serviceUrl": texts,
            "channelId": texts,
            "from": accounts,
            "recipient": accounts,
            "conversation": field(
                st.fixed_dictionaries(
                    {"id": texts},
                    optional={"conversationType": texts, "tenantId": texts,
                              "isGroup": field(st.booleans())},
                )
            ),
            "text": texts,
            "locale": texts,
            "entities": entities,
            "attachments": field(
                st.lists(
                    st.fixed_dictionaries(
                        {"contentType": texts}, optional={"content": json_values, "name": texts}
                    ),
                    max_size=2,
                )
            ),
            "membersAdded": field(st.lists(accounts, max_size=2)),
            "channelData": json_values,
            "value": json_values,
            "listenFor": field(st.lists(texts, max_size=2)),
            "unknownField": json_values,
        },
    )


activities = activity_dicts(loose=False) | activity_dicts(loose=True)


@given(activity=activities)
@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
def test_generated_activities_read_as_msrest_reads_them(activity):
    try:
        stock = Activity().deserialize(json.loads(json.dumps(activity)))
    except DeserializationError as error:
        with pytest.raises(DeserializationError) as fast_error:
            activity_from_json(json.loads(json.dumps(activity)))
        assert str(fast_error.value) == str(error)
        return
    _same(activity_from_json(json.loads(json.dumps(activity))), stock)


@given(activity=activities)
@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
def test_generated_activities_write_as_msrest_writes_them(activity):
    try:
        model = Activity().deserialize(activity)
        stock = model.serialize()
    except Exception:  # noqa: BLE001 - what msrest cannot read or write is not the question
        return
    assert json.dumps(model_to_json(model)) == json.dumps(stock)
    reference = TurnContext.get_conversation_reference(model)
    assert json.dumps(model_to_json(reference)) == json.dumps(reference.serialize())
    read_back = ConversationReference().deserialize(model_to_json(reference))
    assert json.dumps(model_to_json(read_back)) == json.dumps(model_to_json(reference))


timestamps = st.builds(
    lambda moment, fraction, zone, lower: (
        moment.strftime("%Y-%m-%dT%H:%M:%S") + fraction + zone
    ).lower() if lower else moment.strftime("%Y-%m-%dT%H:%M:%S") + fraction + zone,
    st.datetimes(min_value=datetime(1, 1, 2), max_value=datetime(9999, 12, 30)),
    st.sampled_from(["", ".1", ".123", ".123456", ".1234567", "."]),
    st.sampled_from(["Z", "+01:00", "-05:30", "+00:00", "+14:00", "+0100", "", "+1"]),
    st.booleans(),
)


@given(text=timestamps | st.text(max_size=30))
@settings(max_examples=400, deadline=None)
def test_timestamps_read_as_msrest_reads_them(text):
    data = {"type": "message", "timestamp": text, "localTimestamp": text}
    try:
        stock = Activity().deserialize(dict(data))
    except DeserializationError:
        with pytest.raises(DeserializationError):
            activity_from_json(dict(data))
        return
    fast = activity_from_json(dict(data))
    for mine, theirs in ((fast.timestamp, stock.timestamp),
                         (fast.local_timestamp, stock.local_timestamp)):
        # The same instant, and the same zone object as isodate builds (name, offset).
        assert repr(mine) == repr(theirs)
        assert mine.tzname() == theirs.tzname()
        assert mine.utcoffset() == theirs.utcoffset()


def test_activities_left_to_msrest_leave_nothing_behind():
    # A number where text belongs: the plans give up and msrest reads it, every time.
    data = {"type": "message", "text": 5, "conversation": {"id": "a:1"}, "value": "x" * 500}
    for _ in range(200):
        activity_from_json(dict(data))
    gc.collect()
    tracemalloc.start()
    try:
        baseline = tracemalloc.get_traced_memory()[0]
        for _ in range(2000):
            assert activity_from_json(dict(data)).text == "5"
        gc.collect()
        grown = tracemalloc.get_traced_memory()[0] - baseline
    finally:
        tracemalloc.stop()
    # Keeping each activity (or the frames that built it) would be over 1 MB here.
    assert grown < 100_000, f"{grown} bytes more after 2000 activities"
