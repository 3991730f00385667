"""The bot answers in the language it was asked in: Swedish first, English when asked in English."""

import pytest

from domain.language import detect_language, language_from_locale, language_scores


@pytest.mark.parametrize(
    "text",
    [
        "vem är ordförande",
        "Hej",
        "Vem bokar lokalen till träffen?",
        "vem ansvarar för medlemsregistret?",
        "vem e sekreterare",
        "Kan du hjälpa mig?",
        "möteslokaler",  # no function word, but Swedish letters
    ],
)
def test_swedish_questions_are_swedish(text):
    assert detect_language(text) == "sv"


@pytest.mark.parametrize(
    "text",
    [
        "who books rooms?",
        "Who is the secretary in logistik?",
        "who keeps the budget?",
        "Hi",
        "thanks",
        "who is Henrik Röste?",  # a Swedish name in an English question
        "I need the chair",
    ],
)
def test_english_questions_are_english(text):
    assert detect_language(text) == "en"


def test_a_text_without_evidence_follows_the_hint_and_else_is_swedish():
    assert language_scores("chair?").decided is None
    assert detect_language("chair?", hint="en-GB") == "en"
    assert detect_language("budget?", hint="sv-SE") == "sv"
    assert detect_language("budget?") == "sv"


def test_the_text_outweighs_the_hint():
    assert detect_language("vem är ordförande?", hint="en-US") == "sv"
    assert detect_language("who is the chair?", hint="sv-SE") == "en"


@pytest.mark.parametrize(
    ("locale", "language"),
    [("sv-SE", "sv"), ("en-US", "en"), ("en_GB", "en"), ("de-DE", None), (None, None)],
)
def test_locales(locale, language):
    assert language_from_locale(locale) == language


def test_long_texts_are_scored_alike_and_not_remembered():
    from domain.language import _remembered_scores, _scores

    long_text = "vem ansvarar för budgeten " * 20_000  # 500 KB
    remembered = _remembered_scores.cache_info().currsize

    assert language_scores(long_text) == _scores(long_text)
    assert _remembered_scores.cache_info().currsize == remembered
    assert language_scores("who is the chair?") == _scores("who is the chair?")
    assert language_scores("who is the chair?") is language_scores("who is the chair?")
