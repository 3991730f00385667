"""Hostile input for the bot's edge, as hypothesis strategies, and what to check it against.

`hostile_requests(service_url)` draws HTTP requests for `/api/messages`: broken bodies
(invalid UTF-8, truncated or non-object JSON, 10,000 levels deep, 1 MB texts, wrong
content types) and Teams activities with fields of the wrong type, unknown activity
types, garbage mentions, attachments, channelData and invoke values. `submit_values`
draws card submits for a registered action: missing keys, wrong types, unknown meeting
ids, other networks' keys, huge strings and dates out of range.

`table_contents` reads every table the bot writes, for "nothing half-written" checks.
"""

from __future__ import annotations

import copy
import dataclasses
import json
import os
from typing import Any

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from sqlalchemy import select

from bot.files import FILE_DOWNLOAD_INFO
from storage.database import Database
from storage.schema import Base
from tests.bot.teams_activities import (
    BOT,
    bot_added_to_team,
    channel_event,
    channel_message,
    group_chat_message,
    installation_update,
    personal_message,
)

# Deterministic and bounded, so CI sees the same examples every run and no example
# database is written into the repository. SAMVERKAN_FUZZ_EXAMPLES=2000 digs deeper locally.
EXAMPLES = int(os.environ.get("SAMVERKAN_FUZZ_EXAMPLES", "60"))
FUZZ = settings(
    derandomize=True,
    database=None,
    deadline=None,
    max_examples=EXAMPLES,
    suppress_health_check=[
        HealthCheck.function_scoped_fixture,
        HealthCheck.too_slow,
        HealthCheck.data_too_large,
    ],
)
# Most hostile requests are refused before a turn runs, so the edge affords more.
EDGE_FUZZ = settings(FUZZ, max_examples=EXAMPLES * 4)

ACTIVITY_TYPES = [
    "message",
    "conversationUpdate",
    "installationUpdate",
    "invoke",
    "event",
    "typing",
    "messageReaction",
    "messageUpdate",
    "messageDelete",
    "endOfConversation",
    "trace",
    "handoff",
    "command",
    "suggestion",
    "contactRelationUpdate",
    "deleteUserData",
    "delay",
    "invokeResponse",
]
INVOKE_NAMES = [
    "adaptiveCard/action",
    "application/search",
    "composeExtension/query",
    "composeExtension/submitAction",
    "task/fetch",
    "task/submit",
    "signin/verifyState",
    "signin/tokenExchange",
    "fileConsent/invoke",
    "actionableMessage/executeAction",
    "healthCheck",
]
NON_JSON_CONTENT_TYPES = [
    "text/plain",
    "text/html",
    "application/xml",
    "application/x-www-form-urlencoded",
    "multipart/form-data; boundary=x",
    "application/octet-stream",
    "application/jsonx",
    "json",
    "",
]

# Strings that have broken parsers before: control characters, markup Teams uses,
# surrogates' neighbours, dates and numbers in strings, and long ones.
TRICKY_STRINGS = [
    "",
    " ",
    "\x00",
    "a\x00b",
    "\ud800",  # an unpaired surrogate: valid JSON ("\ud800"), not valid UTF-8
    "\u202e",
    "<at>samverkan</at>",
    "<at>",
    "&nbsp;&amp;&#x0;",
    "😀" * 20,
    "2025-13-45T99:99:99Z",
    "0000-01-01",
    "9999-12-31",
    "-1",
    "1e309",
    "NaN",
    "http://",
    "javascript:alert(1)",
    "x" * 10_000,
    "å" * 5_000,
    "a-" * 2_000,
]

_scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**70), max_value=2**70),
    st.floats(),  # NaN and infinities too: Python's json writes and reads them
    st.text(max_size=30),
    st.sampled_from(TRICKY_STRINGS),
)
junk = st.recursive(
    _scalars,
    lambda children: st.lists(children, max_size=4)
    | st.dictionaries(st.text(max_size=12), children, max_size=4),
    max_leaves=12,
)


@dataclasses.dataclass(frozen=True)
class HostileRequest:
    """One POST to /api/messages: its body, content type and what kind of hostility."""

    kind: str
    body: bytes
    content_type: str = "application/json"
    activity: dict[str, Any] | None = None  # when the body is an activity as JSON


def _json_bytes(value: Any) -> bytes:
    # ASCII with escapes, so an unpaired surrogate goes out as the escape "\ud800".
    return json.dumps(value).encode()


def _set_path(activity: dict[str, Any], path: tuple[str, ...], value: Any) -> None:
    target = activity
    for key in path[:-1]:
        if not isinstance(target.get(key), dict):
            target[key] = {}
        target = target[key]
    target[path[-1]] = value


# Fields of a Teams activity, top level and nested, that a mutation may overwrite.
# `serviceUrl` is not among them: an activity naming another host is answered there,
# and the fuzzer must not send the bot's replies off this machine.
MUTABLE_PATHS: list[tuple[str, ...]] = [
    (name,)
    for name in (
        "type", "id", "text", "timestamp", "localTimestamp", "channelId", "from",
        "recipient", "locale", "entities", "attachments", "channelData", "value", "name",
        "action", "membersAdded", "membersRemoved", "replyToId", "deliveryMode",
        "textFormat", "attachmentLayout", "summary", "inputHint", "importance",
        "expiration", "reactionsAdded", "topicName", "code", "relatesTo",
        "suggestedActions", "speak", "label", "valueType", "callerId", "semanticAction",
        "listenFor", "textHighlights", "localTimezone", "historyDisclosed",
    )
] + [
    ("from", "id"), ("from", "aadObjectId"), ("from", "name"), ("from", "role"),
    ("recipient", "id"), ("conversation", "conversationType"), ("conversation", "tenantId"),
    ("conversation", "isGroup"), ("conversation", "name"), ("channelData", "team"),
    ("channelData", "team", "id"), ("channelData", "team", "name"),
    ("channelData", "team", "aadGroupId"), ("channelData", "channel"),
    ("channelData", "channel", "id"), ("channelData", "channel", "name"),
    ("channelData", "tenant"), ("channelData", "tenant", "id"), ("channelData", "eventType"),
    ("value", "action"), ("value", "q"), ("value", "text"), ("value", "lang"),
]  # fmt: skip


def _entities() -> st.SearchStrategy[Any]:
    mention = st.fixed_dictionaries(
        {},
        optional={
            "type": st.sampled_from(["mention", "Mention", "clientInfo"]) | junk,
            "text": st.sampled_from([f"<at>{BOT['name']}</at>", ""]) | junk,
            "mentioned": st.just({"id": BOT["id"], "name": BOT["name"]})
            | st.fixed_dictionaries({}, optional={"id": junk, "name": junk})
            | junk,
        },
    )
    return st.lists(mention | junk, max_size=4) | junk


def _attachments(service_url: str) -> st.SearchStrategy[Any]:
    urls = st.sampled_from(
        [f"{service_url}files/protokoll.pdf", "not a url", "file:///etc/passwd", ""]
    ) | junk
    attachment = st.fixed_dictionaries(
        {},
        optional={
            "contentType": st.sampled_from(
                [FILE_DOWNLOAD_INFO, "reference", "application/vnd.microsoft.card.adaptive",
                 "text/html", "image/png"]
            ) | junk,
            "content": st.fixed_dictionaries(
                {}, optional={"downloadUrl": urls, "uniqueId": junk, "fileType": junk}
            ) | junk,
            "contentUrl": urls,
            "name": st.sampled_from(["protokoll.pdf", "x.exe", "", "../../etc/passwd"]) | junk,
        },
    )  # fmt: skip
    return st.lists(attachment | junk, max_size=3) | junk


def _channel_data() -> st.SearchStrategy[Any]:
    ids = st.sampled_from(["19:x@thread.tacv2", ""]) | junk
    return (
        st.fixed_dictionaries(
            {},
            optional={
                "team": st.fixed_dictionaries(
                    {}, optional={"id": ids, "name": junk, "aadGroupId": junk}
                )
                | junk,
                "channel": st.fixed_dictionaries({}, optional={"id": ids, "name": junk}) | junk,
                "tenant": st.fixed_dictionaries({}, optional={"id": junk}) | junk,
                "eventType": st.sampled_from(
                    ["channelCreated", "channelRenamed", "channelDeleted", "teamRenamed"]
                )
                | junk,
            },
        )
        | junk
    )


def _templates(service_url: str) -> list[dict[str, Any]]:
    invoke = personal_message(service_url, "")
    invoke.update(type="invoke", name="adaptiveCard/action", value={"action": {}})
    return [
        personal_message(service_url, "Vem bokar möteslokalen?"),
        group_chat_message(service_url, "who keeps the budget?"),
        channel_message(service_url, "dagordning"),
        bot_added_to_team(service_url),
        installation_update(service_url, "add"),
        channel_event(service_url, "channelCreated", "19:new@thread.tacv2", "Logistik"),
        invoke,
    ]


@st.composite
def mutated_activities(draw: st.DrawFn, service_url: str) -> HostileRequest:
    """A real Teams activity with one to four fields replaced by garbage."""
    activity = copy.deepcopy(draw(st.sampled_from(_templates(service_url))))
    for _ in range(draw(st.integers(1, 4))):
        path = draw(st.sampled_from(MUTABLE_PATHS))
        field = path[-1]
        if path == ("type",):
            value = draw(st.sampled_from(ACTIVITY_TYPES) | junk)
        elif path == ("name",):
            value = draw(st.sampled_from(INVOKE_NAMES) | junk)
        elif path == ("entities",):
            value = draw(_entities())
        elif path == ("attachments",):
            value = draw(_attachments(service_url))
        elif path == ("channelData",):
            value = draw(_channel_data())
        elif path in (("membersAdded",), ("membersRemoved",)):
            member = st.none() | st.just(dict(BOT)) | st.fixed_dictionaries({"id": junk}) | junk
            value = draw(st.lists(member, max_size=3) | junk)
        elif field == "deliveryMode":
            value = draw(st.sampled_from(["expectReplies", "normal", "notification"]) | junk)
        else:
            value = draw(junk)
        _set_path(activity, path, value)
    return HostileRequest("mutated activity", _json_bytes(activity), activity=activity)


@st.composite
def broken_bodies(draw: st.DrawFn, service_url: str) -> HostileRequest:
    """Bodies that are not an activity at all, or not one the bot can read."""
    activity = personal_message(service_url, "Vem bokar möteslokalen?")
    valid = _json_bytes(activity)
    kind = draw(
        st.sampled_from(
            ["bytes", "invalid utf-8", "truncated", "not an object", "deep", "huge text",
             "content type", "missing fields"]
        )
    )  # fmt: skip
    if kind == "bytes":
        return HostileRequest(kind, draw(st.binary(max_size=200)))
    if kind == "invalid utf-8":
        junk_bytes = draw(st.sampled_from([b"\xff", b"\xc3\x28", b"\xed\xa0\x80", b"\xf8\x88"]))
        cut = valid.index(b"Vem")
        return HostileRequest(kind, valid[:cut] + junk_bytes + valid[cut:])
    if kind == "truncated":
        return HostileRequest(kind, valid[: draw(st.integers(0, len(valid) - 1))])
    if kind == "not an object":
        value = draw(junk.filter(lambda v: not isinstance(v, dict)))
        return HostileRequest(kind, _json_bytes(value))
    if kind == "deep":
        levels = draw(st.sampled_from([65, 200, 1_000, 10_000]))
        opener, closer = draw(st.sampled_from([("[", "]"), ('{"a":', "}")]))
        nested = opener * levels + "1" + closer * levels
        where = draw(st.sampled_from(["body", "value", "channelData"]))
        if where == "body":
            return HostileRequest(kind, nested.encode())
        text = valid.decode()[:-1] + f', "{where}": {nested}}}'
        return HostileRequest(kind, text.encode())
    if kind == "huge text":
        size = draw(st.sampled_from([1_000_000, 250_000, 60_000]))
        unit = draw(st.sampled_from(["x", "å ", "vem ", "<at>", "möteslokal-"]))
        huge = personal_message(service_url, (unit * (size // len(unit) + 1))[:size])
        return HostileRequest(kind, _json_bytes(huge), activity=huge)
    if kind == "content type":
        return HostileRequest(kind, valid, draw(st.sampled_from(NON_JSON_CONTENT_TYPES)))
    broken = copy.deepcopy(activity)
    for field in draw(st.lists(st.sampled_from(["type", "conversation", "serviceUrl"]),
                               min_size=1, unique=True)):  # fmt: skip
        broken[field] = draw(st.none() | st.integers() | st.text(max_size=5) | st.just({}))
    return HostileRequest(kind, _json_bytes(broken), activity=broken)


def hostile_requests(service_url: str) -> st.SearchStrategy[HostileRequest]:
    """Any hostile request; three in four are activities with garbage fields."""
    return st.one_of(
        mutated_activities(service_url),
        mutated_activities(service_url),
        mutated_activities(service_url),
        broken_bodies(service_url),
    )


# --- card submits ---------------------------------------------------------------------

OTHER_NETWORKS = ["erad", "arbetsgrupp", "lansprojekt", "nosuchnetwork"]
SUBMIT_KEYS = [
    "meeting_id", "text", "q", "network", "group", "kind", "mode", "date", "start", "end",
    "place", "online_url", "lang", "name", "url", "shared", "role", "holder", "holders",
    "person", "email", "entry", "rule", "key", "day", "offset", "reason", "channel",
    "channels", "team", "mapping", "confirm", "choice", "value", "id",
]  # fmt: skip
ID_SUFFIXES = ["_1", "_2", "_999999", "_-1", "_x"]

submit_scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.sampled_from([0, -1, 1, 2, 3, 2**31, 2**63, 10**30, -(10**30)]),
    st.floats(),
    st.sampled_from(
        [
            "1", "2", "²", "١", "0x10", " 7 ", "1e3", "-5",
            "0000-01-01", "9999-12-31", "2025-02-30", "1900-01-01", "10000-01-01", "2026-06-01",
            "25:00", "10:60", "10:00", "9:5", "23:59:59", "00:00",
            "bestservice", "logistik", "maltider", "erad", "eradet", "beredningen",
            "lansprojekt", "utvecklingsprojekt", "sekreterare", "ordforande", "sv", "en", "fi",
            "physical", "online", "hybrid", "https://teams.microsoft.com/l/x", "http://",
            "protokoll.pdf", "a@b.se", "29:someone", "confirm_channel_mapping",
        ]
    ),  # fmt: skip
    st.sampled_from(TRICKY_STRINGS),
    st.text(max_size=20),
)
submit_junk = st.recursive(
    submit_scalars,
    lambda children: st.lists(children, max_size=3)
    | st.dictionaries(st.sampled_from(SUBMIT_KEYS) | st.text(max_size=6), children, max_size=3),
    max_leaves=8,
)


@st.composite
def submit_values(draw: st.DrawFn, action: str) -> dict[str, Any]:
    """The `value` of a card submit naming `action`, with garbage in its fields."""
    keys = draw(st.lists(st.sampled_from(SUBMIT_KEYS), max_size=8, unique=True))
    value: dict[str, Any] = {"action": action}
    for key in keys:
        if draw(st.booleans()):
            key += draw(st.sampled_from(ID_SUFFIXES))
        value[key] = draw(submit_junk)
    return value


# --- the database -----------------------------------------------------------------------

# Written by every turn (the sender's conversation reference, the team's Graph id), so
# not part of "nothing changed".
WRITTEN_BY_EVERY_TURN = {"conversation_reference", "graph_team"}


async def table_contents(database_url: str) -> dict[str, list[tuple[str, ...]]]:
    """Every row of every table the bot writes (but `WRITTEN_BY_EVERY_TURN`), as text."""
    database = Database(database_url)
    try:
        contents = {}
        async with database.snapshot() as session:
            for table in Base.metadata.sorted_tables:
                if table.name in WRITTEN_BY_EVERY_TURN:
                    continue
                rows = (await session.execute(select(table))).all()
                contents[table.name] = sorted(tuple(map(repr, row)) for row in rows)
        return contents
    finally:
        await database.close()


def changed_tables(
    before: dict[str, list[tuple[str, ...]]], after: dict[str, list[tuple[str, ...]]]
) -> list[str]:
    """The names of the tables whose rows differ."""
    return [name for name in before if before[name] != after.get(name)]
