"""Hostile input over real HTTP: never a 500, never a crash, nothing half-written, memory flat.

Hypothesis draws requests (tests/bot/hostile_input.py) and POSTs them to the running bot,
whose replies go to a loopback Bot Connector. Every request must get a 4xx with a JSON
error (an invoke the bot does not handle: 400), or be accepted (200/201) with its
replies at the connector and none of them the apology for a failed turn; no ERROR is
logged; and afterwards the bot still answers a question.

Card submits are drawn for every action the bot registers, from a member and from an
admin: each gets a reply, and a refused one leaves every table as it was. Both fuzzers run
on PostgreSQL too, which refuses more than SQLite does. Inputs the fuzzing once broke the
bot with are kept as plain regression cases; a validly signed turn for a serviceUrl the
bot must not send to is a 403 that leaves no trace; and memory stays flat over a few
thousand requests in one process.
"""

from __future__ import annotations

import dataclasses
import gc
import json
import logging
import tracemalloc
from collections.abc import AsyncIterator, Iterator
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import func, select

from app import open_services
from bot.cards import edge_text
from bot.local_connector import LocalConnector
from domain.language import detect_language
from storage.database import Database
from storage.schema import Base
from tests.bot.conftest import RunningBot, shipped_networks
from tests.bot.hostile_input import (
    EDGE_FUZZ,
    FUZZ,
    OTHER_NETWORKS,
    HostileRequest,
    changed_tables,
    hostile_requests,
    submit_values,
    table_contents,
)
from tests.bot.teams_activities import MEMBER, USER, channel_message, personal_message
from tests.bot.test_http_auth import registered_bot, signing_keys  # noqa: F401 - fixtures
from tests.bot.test_meeting_scenarios import bind_channel

APOLOGIES = {edge_text("apology", "sv"), edge_text("apology", "en")}


@pytest.fixture
def settings(settings, tmp_path):
    """No scheduler (its posts would change the outbox under the checks) and the shipped
    networks, with Anna (USER) as an admin of bestservice."""
    networks = shipped_networks(tmp_path)
    return dataclasses.replace(settings, networks_dir=networks, scheduler_interval_seconds=0)


class ErrorRecords(logging.Handler):
    """Collects log records at ERROR and above, from every logger."""

    def __init__(self) -> None:
        super().__init__(logging.ERROR)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)

    def described(self) -> list[str]:
        return [
            f"{r.name}: {r.getMessage()} {r.exc_info[1]!r}" if r.exc_info else r.getMessage()
            for r in self.records
        ]


@pytest.fixture
def errors() -> Iterator[ErrorRecords]:
    handler = ErrorRecords()
    root = logging.getLogger()
    root.addHandler(handler)
    try:
        yield handler
    finally:
        root.removeHandler(handler)


async def post(bot: RunningBot, request: HostileRequest) -> tuple[int, Any]:
    async with bot.http.post(
        bot.messages_url, data=request.body, headers={"Content-Type": request.content_type}
    ) as response:
        text = await response.text()
        try:
            return response.status, json.loads(text) if text else None
        except ValueError:
            return response.status, text


def assert_clear_error(status: int, body: Any) -> None:
    """A 4xx whose JSON body says what is wrong (ours, or an invoke's error response)."""
    assert isinstance(body, dict), f"{status} without a JSON error body: {body!r}"
    error = body.get("error") or body.get("value")
    assert isinstance(error, dict), body
    assert isinstance(error.get("code"), str) and error["code"], body
    assert isinstance(error.get("message"), str) and error["message"], body


def assert_no_apology(sent: list[Any]) -> None:
    assert not [a for a in sent if a.text in APOLOGIES], "a turn failed: the bot apologised"


async def assert_still_answers(bot: RunningBot, connector: LocalConnector) -> None:
    before = len(connector.activities)
    status, _ = await bot.post(personal_message(connector.service_url, "Vem bokar möteslokalen?"))
    assert status == 201
    (reply,) = (await connector.wait_for_activities(before + 1))[before:]
    assert "möteslokal" in reply.visible_text.lower()


# --- the edge ---------------------------------------------------------------------------


@EDGE_FUZZ
@given(data=st.data())
async def test_no_hostile_request_gets_a_500_or_crashes_a_turn(bot, connector, errors, data):
    request = data.draw(hostile_requests(connector.service_url), label="request")

    await _post_and_check(bot, connector, errors, request)


@FUZZ
@given(data=st.data())
@pytest.mark.postgres
async def test_no_hostile_request_gets_a_500_on_postgresql(
    postgres_bot, connector, errors, data
):
    # PostgreSQL is stricter than SQLite: no NUL in text, 32-bit integers, typed JSON.
    request = data.draw(hostile_requests(connector.service_url), label="request")

    await _post_and_check(postgres_bot, connector, errors, request)




async def _post_and_check(bot, connector, errors, request: HostileRequest) -> None:
    errors.records.clear()  # each example answers for its own log
    sent_before = len(connector.activities)

    status, body = await post(bot, request)

    sent = connector.activities[sent_before:]
    assert errors.described() == []
    assert status < 500, (status, body)
    if 400 <= status < 500:
        assert_clear_error(status, body)
        if not _is_invoke(request):
            assert sent == []  # refused before the turn: nothing sent
    else:
        assert status in (200, 201), (status, body)
        assert_no_apology(sent)
        if isinstance(body, dict) and "activities" in body:  # expectReplies
            assert_no_apology(_as_sent(body["activities"]))
        elif _is_readable_message(request) and status == 201:
            # A message gets an answer: a reply, a card, or help.
            assert sent, "an accepted message got no reply"
            assert all(a.text or a.attachments for a in sent)


async def test_the_bot_still_answers_after_hostile_requests(bot, connector, errors):
    # Kept apart so that hypothesis shrinks a failing request, not this.
    for body in (b"[" * 10_000, b'{"type": "message", "text": "\xff"}', b"{"):
        await post(bot, HostileRequest("x", body))

    await assert_still_answers(bot, connector)

    assert errors.described() == []


def _garbled(**fields: Any):
    def garble(service_url: str) -> dict[str, Any]:
        activity = personal_message(service_url, "hej")
        activity.update(fields)
        return activity

    return garble


# Each of these once ended as a 500 or a failed turn with a stack trace.
@pytest.mark.parametrize(
    ("make", "expected"),
    [
        (lambda url: b"[" * 10_000 + b"]" * 10_000, 400),
        (_garbled(channelData={"a": json.loads('{"a":' * 100 + "1" + "}" * 100)}), 400),
        (_garbled(type="invoke", name="adaptiveCard/action", value="x"), 400),
        (_garbled(type="invoke", name="signin/tokenExchange", value={}), 400),
        (_garbled(entities=[{"type": "mention", "mentioned": 1, "text": 5}]), 201),
        (_garbled(entities=[None], attachments=[None]), 201),
        (_garbled(type="conversationUpdate", membersAdded=[None]), 201),
        (_garbled(channelData={"team": {"id": {"a": 1}, "aadGroupId": [1]}}), 201),
        (_garbled(id="å" * 3_000), 400),
        (_garbled(id=["x" * 10_000]), 400),
        (_garbled(serviceUrl="http://["), 400),
        (_garbled(text="hej\x00"), 400),
        (_garbled(**{"from": {**USER, "name": "\ud800"}}), 400),
        (_garbled(text="x" * 60_000), 201),  # a minute of the event loop, once
        (_garbled(text="", value={"action": "meeting.move", "meeting_id": 10**30}), 201),
    ],
    ids=[
        "10,000 levels deep",
        "101 levels deep in channelData",
        "Action.Execute invoke with a string value",
        "a sign-in token exchange the bot has no sign-in for",
        "mention with a number for its text",
        "null entity and attachment",
        "null member added",
        "team ids that are not strings",
        "an activity id too long for the reply's URL",
        "an activity id that is a list",
        "a serviceUrl urlsplit cannot read",
        "a NUL, which PostgreSQL cannot store",
        "an unpaired surrogate, which PostgreSQL cannot store",
        "one 60,000-letter word",
        "a meeting id past the database's integers",
    ],
)
async def test_inputs_that_once_failed_get_a_clear_answer(bot, connector, errors, make, expected):
    made = make(connector.service_url)
    body = made if isinstance(made, bytes) else json.dumps(made).encode()

    status, response = await post(bot, HostileRequest("regression", body))

    assert status == expected, response
    assert errors.described() == []
    if 400 <= status < 500:
        assert_clear_error(status, response)
    else:
        assert_no_apology(connector.activities)
    await assert_still_answers(bot, connector)


async def test_a_card_cannot_pose_as_a_file_sent(bot, connector, errors):
    # The file action takes a download address; only an attachment Teams delivers may
    # name one, or anyone could make the bot fetch any address.
    click = personal_message(connector.service_url, "")
    click.pop("text")
    click["value"] = {
        "action": "minutes.file",
        "name": "protokoll.pdf",
        "url": f"{connector.service_url}secret",
    }

    status, _ = await bot.post(click)

    assert status == 201
    (reply,) = await connector.wait_for_activities(1)
    assert reply.text == edge_text("unknown_button", "sv")
    assert connector.requests_to("GET") == []
    assert errors.described() == []


def _is_invoke(request: HostileRequest) -> bool:
    return bool(request.activity) and request.activity.get("type") == "invoke"


def _is_readable_message(request: HostileRequest) -> bool:
    """A message the bot answers: typed text, or no text at all (help), from a user."""
    activity = request.activity or {}
    return (
        activity.get("type") == "message"
        and activity.get("deliveryMode") in (None, "normal")
        and isinstance(activity.get("from"), dict)
    )


def _as_sent(activities: list[Any]) -> list[Any]:
    @dataclasses.dataclass
    class Returned:
        text: Any

    return [Returned(a.get("text") if isinstance(a, dict) else None) for a in activities]


# --- inbound serviceUrl not allowed -----------------------------------------------------


@pytest.fixture
async def attacker() -> AsyncIterator[LocalConnector]:
    async with LocalConnector() as running:
        yield running


async def test_a_signed_turn_naming_a_disallowed_service_url_is_403_and_leaves_no_trace(
    registered_bot, signing_keys, connector, attacker, errors  # noqa: F811 - fixtures
):
    # Validly signed for the attacker's serviceUrl: loopback, but "localhost" is not
    # among the allowed hosts (127.0.0.1 is).
    service_url = attacker.service_url.replace("127.0.0.1", "localhost")
    token = signing_keys.token(service_url)
    before = await table_contents(registered_bot.settings.database_url)
    references_before = await _conversation_references(registered_bot)

    status, body = await registered_bot.post(
        personal_message(service_url, "hej"), headers={"Authorization": f"Bearer {token}"}
    )

    assert status == 403
    assert body["error"]["code"] == "service_url_not_allowed"
    assert "ALLOWED_SERVICE_URL_HOSTS" in body["error"]["message"]
    assert attacker.requests == [] and connector.requests == []
    after = await table_contents(registered_bot.settings.database_url)
    assert changed_tables(before, after) == []
    assert await _conversation_references(registered_bot) == references_before == 0
    assert [r for r in errors.records if r.exc_info] == []  # no stack trace for a refusal


async def _conversation_references(bot: RunningBot) -> int:
    database = Database(bot.settings.database_url)
    try:
        async with database.snapshot() as session:
            table = Base.metadata.tables["conversation_reference"]
            return (await session.execute(select(func.count()).select_from(table))).scalar_one()
    finally:
        await database.close()


# --- card submits -------------------------------------------------------------------------


@pytest.fixture
async def action_names(settings) -> list[str]:
    """Every card action the bot registers, read from the services the app builds."""
    async with open_services(settings) as services:
        return sorted(services.conversation.action_names())


@pytest.fixture
async def meeting_ids(bot) -> list[int]:
    """Ids of real meetings (the shipped series), so submits can name existing ones."""
    return await _meeting_ids(bot)


async def _meeting_ids(bot: RunningBot) -> list[int]:
    database = Database(bot.settings.database_url)
    try:
        async with database.snapshot() as session:
            table = Base.metadata.tables["meeting"]
            rows = (await session.execute(select(table.c.id).limit(5))).all()
            return [row[0] for row in rows]
    finally:
        await database.close()


def test_the_bot_registers_the_actions_its_cards_submit(action_names):
    # The list the submit fuzzing draws from is the live one, not a copy that can go stale.
    assert {"agenda.add_item", "meeting.add", "meeting.move", "meeting.cancel"} <= set(
        action_names
    )
    assert {"minutes.pick", "minutes.replace", "minutes.upload"} <= set(action_names)


@FUZZ
@given(data=st.data())
async def test_a_members_garbled_submit_gets_a_reply_and_changes_nothing(
    bot, connector, errors, action_names, meeting_ids, data
):
    await _members_garbled_submit(bot, connector, errors, action_names, meeting_ids, data)


@FUZZ
@given(data=st.data())
@pytest.mark.postgres
async def test_a_members_garbled_submit_changes_nothing_on_postgresql(
    postgres_bot, connector, errors, action_names, data
):
    meeting_ids = await _meeting_ids(postgres_bot)
    await _members_garbled_submit(
        postgres_bot, connector, errors, action_names, meeting_ids, data
    )


async def _members_garbled_submit(bot, connector, errors, action_names, meeting_ids, data):
    await bind_channel(bot, "bestservice", "logistik")
    action = data.draw(st.sampled_from(action_names), label="action")
    value = data.draw(submit_values(action), label="value")
    if action == "agenda.add_item" and "meeting_id" in value:
        # Anyone may add a point to a real meeting; here the meeting must not exist.
        value["meeting_id"] = data.draw(st.sampled_from([-1, 0, 2**31, "x", None, 10**30]))
    elif data.draw(st.booleans(), label="names a real meeting"):
        value["meeting_id"] = data.draw(st.sampled_from(meeting_ids))
    where = data.draw(st.sampled_from(["channel", "personal"]), label="where")

    await _submit_and_check(bot, connector, errors, value, where, sender=MEMBER)


@FUZZ
@given(data=st.data())
async def test_an_admins_broken_meeting_form_gets_a_reply_and_changes_nothing(
    bot, connector, errors, meeting_ids, data
):
    await bind_channel(bot, "bestservice", "logistik")
    action = data.draw(st.sampled_from(["meeting.add", "meeting.move"]), label="action")
    value = data.draw(submit_values(action), label="value")
    # Whatever else it holds, the form's date is not a date: it must be refused.
    meeting_id = data.draw(st.sampled_from(meeting_ids))
    suffix = f"_{meeting_id}" if action == "meeting.move" else ""
    value.update(meeting_id=meeting_id, network=data.draw(st.sampled_from(OTHER_NETWORKS)))
    value[f"date{suffix}"] = data.draw(
        st.sampled_from(["2025-02-30", "10000-01-01", "", "i morgon", 20260101, None])
    )
    where = data.draw(st.sampled_from(["channel", "personal"]), label="where")

    await _submit_and_check(bot, connector, errors, value, where, sender=USER)


@FUZZ
@given(data=st.data())
async def test_an_admins_garbled_submit_gets_a_clear_reply(
    bot, connector, errors, action_names, meeting_ids, data
):
    # An admin's submit may be valid enough to change something, so only the reply and
    # the log are checked here; every refusal path of the admin forms is exercised.
    await bind_channel(bot, "bestservice", "logistik")
    action = data.draw(st.sampled_from(action_names), label="action")
    value = data.draw(submit_values(action), label="value")
    if data.draw(st.booleans(), label="names a real meeting"):
        value["meeting_id"] = data.draw(st.sampled_from(meeting_ids))
    where = data.draw(st.sampled_from(["channel", "personal"]), label="where")

    await _submit_and_check(bot, connector, errors, value, where, sender=USER, unchanged=False)


async def _submit_and_check(
    bot, connector, errors, value, where, *, sender, unchanged: bool = True
) -> None:
    make = channel_message if where == "channel" else personal_message
    click = make(connector.service_url, "", **{"from": dict(sender)})
    click.pop("text")
    click["value"] = value
    errors.records.clear()  # each example answers for its own log
    before = await table_contents(bot.settings.database_url)
    sent_before = len(connector.activities)

    status, body = await bot.post(click)

    assert errors.described() == []
    sent = connector.activities[sent_before:]
    if status == 400:  # text no database can store (a NUL): refused at the edge
        assert_clear_error(status, body)
        assert body["error"]["code"] == "invalid_text" and sent == []
    else:
        assert status == 201, (status, body)
        assert sent, "a submit got no reply"
        assert all(a.visible_text.strip() for a in sent)
        assert_no_apology(sent)
        expected = _expected_language(value)
        if expected is not None:
            replies = [a.visible_text for a in sent]
            assert [detect_language(text) for text in replies] == [expected] * len(sent), replies
    if unchanged:
        after = await table_contents(bot.settings.database_url)
        assert changed_tables(before, after) == []


def _expected_language(value: dict[str, Any]) -> str | None:
    """The language a submit's reply must be in: the card's (`lang`), else the sender's
    locale (sv-SE in these activities). None for the file action, which no card may
    submit: the bot reads its `q` or `text` as a question, answered in that one's language.
    """
    if value["action"] == "minutes.file":
        return None
    return value["lang"] if value.get("lang") in ("sv", "en") else "sv"


# --- memory -------------------------------------------------------------------------------


async def test_memory_stays_flat_over_thousands_of_hostile_and_normal_requests(
    bot, connector, errors
):
    # A fixed pool, cycled: the bot's bounded caches (analysed words, connector clients)
    # fill during the warm-up, so what grows after it is a leak.
    pool = _memory_pool(connector.service_url)
    for request in pool * 2:  # warm-up
        await post(bot, request)
    connector.activities.clear()
    connector.requests.clear()
    gc.collect()
    tracemalloc.start()
    try:
        baseline = tracemalloc.get_traced_memory()[0]
        for request in pool * 8:
            await post(bot, request)
        connector.activities.clear()
        connector.requests.clear()
        gc.collect()
        grown = tracemalloc.get_traced_memory()[0] - baseline
    finally:
        tracemalloc.stop()

    requests = len(pool) * 8
    # A leak of even 1 KB per request would be 2 MB here; noise is far below it.
    assert grown < 2_000_000, f"{grown} bytes more after {requests} requests"
    assert errors.described() == []


def _memory_pool(service_url: str) -> list[HostileRequest]:
    """About 250 requests: mostly refused ones (cheap), a quarter full turns."""
    questions = ["Vem bokar möteslokalen?", "who keeps the budget?", "hjälp", "dagordning"]
    turns = [
        HostileRequest("turn", json.dumps(personal_message(service_url, q)).encode())
        for q in questions
    ] * 15
    refused = [
        HostileRequest("deep", b"[" * 5_000),
        HostileRequest("utf-8", b'{"type": "message", "text": "\xff"}'),
        HostileRequest("truncated", b'{"type": "mess'),
        HostileRequest("not an object", b"[1, 2, 3]"),
        HostileRequest("type", b"{}", "text/plain"),
        HostileRequest("fields", json.dumps({"type": "message"}).encode()),
        HostileRequest("huge", json.dumps(personal_message(service_url, "x" * 300_000)).encode()),
    ] * 25
    garbled = []
    for index in range(15):
        activity = personal_message(service_url, "")
        activity.update(
            entities=[{"type": "mention", "mentioned": index, "text": [index]}],
            attachments=[None, {"contentType": "reference", "contentUrl": index}],
            channelData={"team": {"id": {"a": index}, "aadGroupId": [index]}},
            value={"action": "meeting.move", "meeting_id": 10**30 + index},
        )
        garbled.append(HostileRequest("garbled", json.dumps(activity).encode()))
    return turns + refused + garbled
