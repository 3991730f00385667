"""Conversation ids are quoted into every reply's URL exactly as msrest quotes them,
whether quoted afresh, remembered from an earlier turn or too long to remember."""

from __future__ import annotations

from urllib.parse import quote

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.adapter import quote_path_parameter

TEAMS_IDS = st.sampled_from(
    [
        "a:1Xy8-personal",
        "19:abc@thread.tacv2;messageid=17",
        "29:1AbC-dEf_gh.ij~k",
        "1700000000123",
        "f:9b1e…",
        ".",
        "..",
        "",
    ]
)


@given(
    text=TEAMS_IDS
    | st.text(max_size=40)
    | st.text(min_size=500, max_size=700)
    | st.from_regex(r"[\w:@;=.~/-]{1,40}", fullmatch=True)
)
@settings(max_examples=400, deadline=None)
def test_an_id_is_quoted_as_msrest_quotes_a_path_parameter(text):
    try:
        expected = quote(text, safe="")
    except UnicodeEncodeError:  # a lone surrogate: quoting fails alike
        with pytest.raises(UnicodeEncodeError):
            quote_path_parameter(text)
        return
    assert quote_path_parameter(text) == expected
    assert quote_path_parameter(text) == expected  # the second time from memory
