"""The inbound edge's shortcuts decide exactly what the long way decides.

Two per-turn costs are skipped when the input shows they cannot matter: the two HTML tag
patterns of `message_text` for text without "<", and a new isodate tzinfo for every
timestamp (`bot.activity_json` keeps one per zone). Bodies with NULs, surrogates or deep
nesting are still refused. And a refused serviceUrl is logged as the caller's mistake it
is: a warning.
"""

from __future__ import annotations

import html
import json
import logging
import re

import pytest

from botbuilder.schema import Activity
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.activity_json import activity_from_json
from bot.adapter import ServiceUrlNotAllowed
from bot.http import MAX_JSON_DEPTH
from bot.teams_bot import message_text
from tests.bot.teams_activities import personal_message
from tests.bot.test_service_url_allowlist import registered_adapter


def nested(depth: int) -> object:
    value: object = "x"
    for _ in range(depth):
        value = [value]
    return value


async def test_bodies_with_nuls_surrogates_or_deep_nesting_are_refused(bot, connector):
    text_problems = [
        json.dumps(personal_message(connector.service_url, "a\x00b")).encode(),
        json.dumps(personal_message(connector.service_url, "a\ud800b")).encode(),
        # A lone surrogate in raw UTF-8, as "surrogatepass" writes it.
        json.dumps(personal_message(connector.service_url, "a\udc00b"), ensure_ascii=False)
        .encode("utf-8", "surrogatepass"),
    ]
    for raw in text_problems:
        status, body = await bot.post_raw(raw, "application/json")
        assert (status, body["error"]["code"]) == (400, "invalid_text")

    too_deep = personal_message(connector.service_url, "hej")
    too_deep["value"] = nested(MAX_JSON_DEPTH)
    status, body = await bot.post_raw(json.dumps(too_deep).encode(), "application/json")
    assert (status, body["error"]["code"]) == (400, "too_deeply_nested")
    assert connector.activities == []


# --- message_text --------------------------------------------------------------------

_MARKUP_TAG = re.compile(r"</?(?:p|div|span|br)\b[^>]*>", re.IGNORECASE)
_AT_TAG = re.compile(r"<at\b[^>]*>(.*?)</at>", re.IGNORECASE | re.DOTALL)
_SPACES = re.compile(r"\s+")


def text_the_long_way(text: str) -> str:
    """`message_text` for an activity without mentions, every pattern applied."""
    text = _AT_TAG.sub(lambda match: match.group(1), text)
    text = _MARKUP_TAG.sub(" ", text)
    text = html.unescape(text).replace("\xa0", " ")
    return _SPACES.sub(" ", text).strip()


@settings(max_examples=300, deadline=None)
@given(
    st.lists(
        st.sampled_from(
            ["<at>Samverkan</at>", "<p>", "</p>", "<br/>", "<span a='1'>", "&lt;p&gt;",
             "&amp;", "&nbsp;", "\xa0", " ", "vem", "bokar", "<", ">", "ö", "<AT x>y</AT>"]
        ),
        max_size=8,
    ).map("".join)
)
def test_message_text_is_the_same_with_or_without_tags(text):
    assert message_text(Activity(type="message", text=text)) == text_the_long_way(text)


# --- timestamps ------------------------------------------------------------------------


def test_timestamps_in_different_zones_keep_their_own_zone():
    stamps = [
        "2026-03-02T09:15:00.12+01:00",
        "2026-03-02T09:15:00-05:30",
        "2026-03-02T09:15:00Z",
        "2026-03-02T10:15:00.5+01:00",
        "2026-03-02T09:15:00-05:30",
    ]
    for stamp in stamps:
        data = {"type": "message", "timestamp": stamp, "localTimestamp": stamp}
        mine = activity_from_json(data).local_timestamp
        theirs = Activity.deserialize(data).local_timestamp
        assert mine == theirs
        assert (mine.tzname(), mine.utcoffset()) == (theirs.tzname(), theirs.utcoffset())


# --- a refused serviceUrl --------------------------------------------------------------


async def test_a_refused_service_url_is_a_warning_not_an_error(caplog):
    # A caller's mistake (or forgery), not the bot's: operators' error alerts stay quiet.
    adapter = registered_adapter()
    caplog.set_level(logging.DEBUG, logger="bot.adapter")
    try:
        with pytest.raises(ServiceUrlNotAllowed):
            await adapter.connector_client("https://evil.example/")
    finally:
        await adapter.close()
    refusals = [r for r in caplog.records if r.getMessage() == "serviceUrl not allowed"]
    assert [r.levelno for r in refusals] == [logging.WARNING]
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]
