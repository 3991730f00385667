"""The inbound edge's shortcuts decide exactly what the long way decides.

Three per-turn costs are skipped when the input shows they cannot matter: the two HTML tag
patterns of `message_text` for text without "<", a new isodate tzinfo for every
timestamp (`bot.activity_json` keeps one per zone), and the walk of the parsed body for
NULs, surrogates and depth when its bytes cannot hold them. Bodies with NULs, surrogates or
deep nesting are still refused. And a refused serviceUrl is logged as the caller's mistake it
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
from bot.http import MAX_JSON_DEPTH, _json_problem, _plainly_sound
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


_TRICKY_TEXTS = ["vem", "ö", "\x00", "\ud800", "\udc00", "\U0001f600", "한", "\\", "\\u0000",
                 "\u00ed", "\x7f", "\n", "[", "{", '"']
_json_values = st.recursive(
    st.lists(st.sampled_from(_TRICKY_TEXTS), max_size=3).map("".join) | st.integers() | st.none(),
    lambda children: st.lists(children, max_size=3)
    | st.dictionaries(st.sampled_from(_TRICKY_TEXTS), children, max_size=3),
    max_leaves=30,
)


@settings(max_examples=500, deadline=None)
@given(
    _json_values | st.integers(MAX_JSON_DEPTH - 2, MAX_JSON_DEPTH + 1).map(nested), st.booleans()
)
def test_a_body_judged_sound_by_its_bytes_has_no_problem_the_walk_would_find(value, ascii_only):
    value = {"value": value}
    raw = json.dumps(value, ensure_ascii=ascii_only).encode("utf-8", "surrogatepass")
    if _plainly_sound(raw):
        assert _json_problem(json.loads(raw)) is None


def test_bodies_a_nul_a_surrogate_or_depth_could_hide_in_are_walked():
    walked = [(value, ascii_only) for value in ["a\x00b", "a\ud800b", nested(MAX_JSON_DEPTH)]
              for ascii_only in (True, False)]
    # An emoji written as an escaped surrogate pair; a Korean syllable's bytes start as a
    # surrogate's do (ED).
    walked += [("\U0001f600", True), ("한", False)]
    for value, ascii_only in walked:
        raw = json.dumps({"v": value}, ensure_ascii=ascii_only).encode("utf-8", "surrogatepass")
        assert not _plainly_sound(raw), (value, ascii_only)
    for ascii_only in (True, False):
        raw = json.dumps({"text": "vem är ordförande? 😀"}, ensure_ascii=ascii_only).encode()
        assert _plainly_sound(raw) is not ascii_only


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
             "&amp;", "&nbsp;", "\xa0", " ", "vem", "bokar", "<", ">", "ö", "<AT x>y</AT>",
             "\t", "\n", "\u2028", "\u3000", "\x1c", "\x85", "\u200b", "&#9;"]
        ),
        max_size=8,
    ).map("".join)
)
def test_message_text_is_the_same_with_or_without_tags(text):
    assert message_text(Activity(type="message", text=text)) == text_the_long_way(text)


def test_whitespace_is_what_the_pattern_calls_whitespace():
    """`message_text` splits on `str.isspace`; the pattern it replaced matched `\\s`."""
    every = "".join(map(chr, range(0x110000)))
    assert [c for c in every if c.isspace()] == [c for c in every if _SPACES.fullmatch(c)]


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
