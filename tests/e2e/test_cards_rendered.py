"""Every card the bot sends, rendered by Microsoft's Adaptive Cards renderer as Teams would.

The cards come from real questions (tests/e2e/bot_cards.py: every network, both languages,
small talk, commands, every role, and every button clicked), plus samples for cards the
shipped data never produce. Each is rendered in headless Chromium by the `adaptivecards`
JavaScript renderer (tests/node, pinned) with a Teams light host config
(tests/node/teams-host-config.json) and markdown-it for the markdown Teams renders, inside a
Teams-like chat frame (tests/node/render-cards.html). A member would notice if a card showed
less than the bot meant to say, showed markdown syntax, ran lines together, cut text off,
or had a button that did something other than what it says. Screenshots: artifacts/cards/.
"""

from __future__ import annotations

import asyncio
import json
import re
import shutil
import unicodedata
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from tests.e2e.bot_cards import (
    NOT_YET_REACHED,
    SAMPLE,
    CardCollection,
    SentCard,
    card_builder_names,
    collect_cards,
    shipped_registry,
)
from tests.e2e.processes import ARTIFACTS
from tests.manifest.node_deps import NODE_DIR, require_node_modules

pytestmark = pytest.mark.e2e

RENDERER_PAGE = NODE_DIR / "render-cards.html"
HOST_CONFIG = NODE_DIR / "teams-host-config.json"
CARD_SHOTS = ARTIFACTS / "cards"

_WORD = re.compile(r"[^\W_]+")
_LINK = re.compile(r"\[([^\]]*)\]\([^)]*\)")
# A list item's marker ("- ", "1. "): the renderer draws it as a bullet or number, not text.
_LIST_MARKER = re.compile(r"^\s*(?:[-*+]|\d{1,9}[.)])\s+", re.MULTILINE)
# Markdown a reader should never see: bold markers, or an underscore opening or closing italics.
_LITERAL_MARKDOWN = re.compile(r"\*\*|(?:^|\s)_(?=\S)|(?<=\S)_(?:\s|$)")
# Where a link button may lead: an e-mail to someone, or a secure page (Teams opens nothing else).
_LINK_TARGET = re.compile(r"mailto:[^@\s]+@[^@\s]+\.[a-z]+|https://\S+")


@dataclass
class RenderedCard:
    """A card as the renderer showed it: what it reported, what each button did when clicked."""

    sent: SentCard
    screenshot: Path
    report: dict[str, Any]
    clicks: list[dict[str, Any] | None]

    def where(self) -> str:
        return f"{self.sent.label} (screenshot: {self.screenshot})"


class CardRenderer:
    """tests/node/render-cards.html in a Chromium page."""

    def __init__(self, page: Any):
        self.page = page
        self.host_config = json.loads(HOST_CONFIG.read_text(encoding="utf-8"))
        page.goto(RENDERER_PAGE.as_uri())
        loaded = page.evaluate("typeof AdaptiveCards + ' ' + typeof markdownit")
        assert loaded == "object function", (
            f"{RENDERER_PAGE.name} did not load adaptivecards and markdown-it from "
            f"tests/node/node_modules ({loaded}); run: bash .ci/node-deps.sh"
        )

    def render(self, sent: SentCard, screenshot: Path) -> RenderedCard:
        """Render, screenshot, then click every button in turn, recording what it does."""
        report = self.page.evaluate(
            "([card, config]) => renderCard(card, config)", [sent.card, self.host_config]
        )
        self.page.locator("#chat").screenshot(path=screenshot)
        clicks = [
            self.page.evaluate("(i) => clickButton(i)", i) for i in range(len(report["buttons"]))
        ]
        return RenderedCard(sent, screenshot, report, clicks)


@pytest.fixture(scope="module")
def collection(tmp_path_factory: pytest.TempPathFactory) -> CardCollection:
    # Playwright's sync API keeps an event loop running in this thread: run the
    # conversation's coroutines on a thread of their own.
    workdir = tmp_path_factory.mktemp("cards")
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(asyncio.run, collect_cards(workdir)).result()


@pytest.fixture(scope="module")
def renderer(browser) -> Iterator[CardRenderer]:
    require_node_modules()
    page = browser.new_page(viewport={"width": 720, "height": 400})
    try:
        yield CardRenderer(page)
    finally:
        page.close()


@pytest.fixture(scope="module")
def rendered(renderer: CardRenderer, collection: CardCollection) -> list[RenderedCard]:
    """Every collected card, rendered, screenshotted and clicked through."""
    shutil.rmtree(CARD_SHOTS, ignore_errors=True)
    CARD_SHOTS.mkdir(parents=True)
    return [
        renderer.render(sent, CARD_SHOTS / f"{number:02d}-{_slug(sent)}.png")
        for number, sent in enumerate(collection.cards, start=1)
    ]


def test_every_card_builder_is_reached_by_a_question(collection):
    builders = set(card_builder_names())
    listed = set(NOT_YET_REACHED)
    missing = sorted(builders - collection.builders_reached - listed)
    assert not missing, (
        f"no question in tests/e2e/bot_cards.py leads to a card from {missing}; add one that a "
        "member would ask (or, for a card no conversation sends, a sample in builder_samples())"
    )
    stale = sorted((listed & collection.builders_reached) | (listed - builders))
    assert not stale, (
        f"{stale} are reached (or gone) now: strike them from NOT_YET_REACHED in "
        "tests/e2e/bot_cards.py, so their cards are checked from here on"
    )


def test_the_conversation_sends_cards_in_both_languages_in_every_network(collection):
    # Guards the collection itself: an empty or one-language harvest would make the rest vacuous.
    networks = sorted(n.key for n in shipped_registry().networks)
    greeted = sorted(c.network for c in collection.cards if c.question in ("Hej", "Hello"))
    assert greeted == sorted(2 * networks)


def test_the_renderer_accepts_every_card_without_errors_or_warnings(rendered):
    problems = [p for card in rendered for p in renderer_problems(card)]
    assert not problems, "\n".join(problems)


def test_every_card_shows_all_its_text_formatted_and_in_full(rendered):
    problems = [p for card in rendered for p in text_problems(card)]
    assert not problems, "\n".join(problems)


def test_every_button_is_shown_and_does_what_it_says(rendered):
    problems = [p for card in rendered for p in button_problems(card)]
    assert not problems, "\n".join(problems)


def test_every_question_button_gets_an_answer_not_a_dont_know(collection):
    assert not collection.unanswered_buttons, (
        "clicking these buttons makes the bot say it does not know:\n"
        + "\n".join(collection.unanswered_buttons)
    )


def test_the_checks_report_what_a_member_would_notice(renderer, tmp_path):
    """The checks above on a card with one of each fault: each is reported."""
    broken = {
        "type": "AdaptiveCard",
        "version": "1.5",
        "body": [
            {"type": "TextBlok", "text": "a misspelt element"},
            {"type": "TextBlock", "text": "Rollen **Sekreterare", "wrap": True},
            {"type": "TextBlock", "text": "Första raden\nAndra raden", "wrap": True},
            {"type": "TextBlock", "text": "utan radbrytning " * 20},
        ],
        "actions": [
            {"type": "Action.OpenUrl", "title": "Skicka e-post", "url": "http://example.se"},
        ],
    }
    card = renderer.render(SentCard(broken, SAMPLE, "broken", False), tmp_path / "broken.png")

    reported = "\n".join(renderer_problems(card) + text_problems(card) + button_problems(card))
    for expected in (
        'Unknown element type "TextBlok"',
        "shows markdown syntax literally: 'Rollen **Sekreterare'",
        "the line 'Andra raden' runs on from the line before it",
        "is cut off: 'utan radbrytning",
        "'Skicka e-post' opens 'http://example.se': not an e-mail address or https",
    ):
        assert expected in reported


# --- the checks -----------------------------------------------------------------------


def renderer_problems(card: RenderedCard) -> list[str]:
    """What the renderer itself reported: parse events and validation results."""
    events = card.report["parseEvents"] + card.report["validationEvents"]
    if not card.report["rendered"]:
        events.append("the renderer drew nothing")
    return [f"{card.where()}: {event}" for event in events]


def text_problems(card: RenderedCard) -> list[str]:
    """Texts a reader would not see as the bot meant them."""
    texts = list(_texts_in_render_order(card.sent.card.get("body", [])))
    shown = card.report["textBlocks"]
    problems = [f"is cut off: {text!r}" for text in card.report["clipped"]]
    if len(texts) != len(shown):
        problems.append(f"{len(texts)} texts in the card, {len(shown)} shown")
    else:
        for source, seen in zip(texts, shown, strict=True):
            problems += _one_text_problems(source, seen)
    return [f"{card.where()}: {problem}" for problem in problems]


def button_problems(card: RenderedCard) -> list[str]:
    """Buttons missing, or doing something other than what the card says they do."""
    actions = list(_actions_in_render_order(card.sent.card))
    titles = [b["title"] for b in card.report["buttons"]]
    if titles != [a["title"] for a in actions]:
        return [f"{card.where()}: buttons shown {titles}, the card has {actions}"]
    problems = []
    for action, done in zip(actions, card.clicks, strict=True):
        title = action["title"]
        if done is None:
            problems.append(f"clicking {title!r} does nothing")
        elif done["type"] == "Action.Submit" and done["data"] != action.get("data"):
            problems.append(f"{title!r} sends the bot {done['data']!r}, not {action.get('data')!r}")
        elif done["type"] == "Action.OpenUrl" and not _LINK_TARGET.fullmatch(done["url"] or ""):
            problems.append(f"{title!r} opens {done['url']!r}: not an e-mail address or https")
        elif done["type"] == "Action.ShowCard" and not done["expanded"]:
            problems.append(f"{title!r} opens no card")
    return [f"{card.where()}: {problem}" for problem in problems]


def _texts_in_render_order(elements: list[dict[str, Any]]) -> Iterator[str]:
    """The card's texts in the order the renderer draws them as TextBlocks: TextBlocks, a
    FactSet's title and value per fact, the choices of a choice set shown as radio buttons
    or check boxes, a toggle's title; containers are walked into. (Input labels are drawn
    as HTML labels, not TextBlocks.)"""
    for element in elements:
        kind = element.get("type")
        if kind == "TextBlock":
            yield element["text"]
        elif kind == "FactSet":
            for fact in element.get("facts", []):
                yield fact["title"]
                yield fact["value"]
        elif kind == "Input.ChoiceSet" and (
            element.get("isMultiSelect") or element.get("style") == "expanded"
        ):
            for choice in element.get("choices", []):
                yield choice["title"]
        elif kind == "Input.Toggle":
            yield element["title"]
        elif kind == "ColumnSet":
            for column in element.get("columns", []):
                yield from _texts_in_render_order(column.get("items", []))
        elif kind == "Container":
            yield from _texts_in_render_order(element.get("items", []))


def _actions_in_render_order(card: dict[str, Any]) -> Iterator[dict[str, Any]]:
    """The card's buttons in the order the renderer draws them: those of ActionSets in the
    body (containers walked into), then the card's own actions."""

    def walk(elements: list[dict[str, Any]]) -> Iterator[dict[str, Any]]:
        for element in elements:
            kind = element.get("type")
            if kind == "ActionSet":
                yield from element.get("actions", [])
            elif kind == "ColumnSet":
                for column in element.get("columns", []):
                    yield from walk(column.get("items", []))
            elif kind == "Container":
                yield from walk(element.get("items", []))

    yield from walk(card.get("body", []))
    yield from card.get("actions", [])


def _words(text: str) -> list[str]:
    """The words a reader sees of `text`, markdown or rendered: no link targets, no list
    markers, no punctuation."""
    return _WORD.findall(_LIST_MARKER.sub("", _LINK.sub(r"\1", text)))


def _one_text_problems(source: str, seen: str) -> list[str]:
    """What a reader would miss in `seen` (a rendered TextBlock) of `source` (its markdown)."""
    problems = []
    if _words(source) != _words(seen):
        problems.append(f"shows {seen!r} for {source!r}")
    if _LITERAL_MARKDOWN.search(seen):
        problems.append(f"shows markdown syntax literally: {seen!r}")
    # Teams, like CommonMark, joins lines split by a single newline outside a list: each
    # line the bot meant to stand alone must start a line of what is shown.
    shown_starts = {tuple(_words(line)[:4]) for line in seen.splitlines() if _words(line)}
    for line in source.split("\n"):
        start = tuple(_words(line)[:4])
        if start and start not in shown_starts:
            problems.append(
                f"the line {line.strip()!r} runs on from the line before it (Teams needs a "
                "blank line, \\n\\n, to break a line outside a list)"
            )
    return problems


def _slug(sent: SentCard) -> str:
    ascii_text = unicodedata.normalize("NFKD", f"{sent.network} {sent.question}").encode(
        "ascii", "ignore"
    )
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.decode().lower()).strip("-")[:60]
