"""What users and admins supply never becomes a link, a mention or formatting.

Hostile strings ("[Log in here](https://evil.example) **URGENT**", `<at>` tags, headings,
list markers, line breaks, backslashes) are put into every name, title, place and text a
network's data and its members supply: the network, group, role, meeting kind, wheel entry
and channel names, holders' names, the standing points, duties, a meeting's place, an
agenda point and the name of who added it (a hostile e-mail: the `mailto` test below).
Every command's reply and the scheduled posts are then parsed as CommonMark (markdown-it,
with tables and strikethrough, as Teams renders a message or an Adaptive Card TextBlock):
they may hold no link, emphasis, code, HTML (a mention) or block beyond what the same
replies hold when every one of those strings is a plain word, and every link and mention
the bot puts there is still there. The services are the running bot's (`open_services`).
"""

from __future__ import annotations

import json
import re
from collections import Counter
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
import yaml
from hypothesis import example, given, settings
from hypothesis import strategies as st
from markdown_it import MarkdownIt
from sqlalchemy import delete

from app import Services, open_services
from bot.settings import Settings
from domain.turns import Reply, Turn
from services.planning import MeetingPlanner, sync_meeting_series
from storage.registry_files import load_network_document
from storage.schema import AgendaItemRow
from tests.bot.hostile_input import FUZZ
from texts.markdown import escape, mailto

ADMIN_ID = "6b1e3f3a-2c1d-4e5f-8a9b-0c1d2e3f4a5b"
BENIGN = "Zz"

HOSTILE_PIECES = [
    "[Log in here](https://evil.example) ",
    "**URGENT**",
    "__x__",
    "_",
    "*",
    "`code`",
    "<at>Bo</at>",
    "<b>",
    "&lt;at&gt;",
    "&amp;",
    "# ",
    "- ",
    "1. ",
    "> ",
    "\n",
    "\n\n# Heading\n",
    "|a|b|\n|-|-|\n",
    "~~s~~",
    "![i](https://evil.example/i.png)",
    "<https://evil.example>",
    "\\",
    "[",
    "](",
    ")",
    "    ",
    "===",
]

hostile_strings = st.lists(
    st.one_of(
        st.sampled_from(HOSTILE_PIECES),
        st.text(st.characters(codec="utf-8", exclude_categories=("Cs", "Cc")), max_size=8),
    ),
    min_size=1,
    max_size=6,
).map("".join).filter(lambda s: s.strip())


def network_yaml(x: str) -> str:
    """A network whose every display string is `x` (with a suffix, to stay distinct)."""

    def q(suffix: str = "") -> str:
        # A JSON string is a YAML double-quoted scalar.
        return json.dumps(x + suffix, ensure_ascii=False)

    return f"""\
key: testnet
name: {{sv: {q()}, en: {q()}}}
groups:
  - key: alfa
    name: {{sv: {q(" 1")}, en: {q(" 1")}}}
  - key: beta
    name: {{sv: {q(" 2")}, en: {q(" 2")}}}
roles:
  - key: ordforande
    scope: group
    title: {{sv: {q(" 3")}, en: {q(" 3")}}}
    duties: {{sv: [{q(" 4")}], en: [{q(" 4")}]}}
    synonyms: {{sv: [ordförande], en: [chair]}}
  - key: sekreterare
    scope: network
    title: {{sv: {q(" 5")}, en: {q(" 5")}}}
    duties: {{sv: [], en: []}}
    synonyms: {{sv: [sekreterare], en: [secretary]}}
holders:
  - role: ordforande
    group: alfa
    name: {q(" 6")}
    email: anna@example.org
    entra_object_id: {ADMIN_ID}
    term_start: 2026-01-01
    term_end: 2030-12-31
  - role: ordforande
    group: beta
    name: {q(" 7")}
  - role: sekreterare
    name: {q(" 8")}
    deputy: false
admins: [{ADMIN_ID}]
channels:
  - key: styrelsen
    name: {{sv: {q(" 9")}, en: {q(" 9")}}}
agenda:
  standing_points:
    - {{sv: {q(" 10")}, en: {q(" 10")}}}
  reminder_days: [7, 1]
meeting_kinds:
  - key: mote
    name: {{sv: {q(" 11")}, en: {q(" 11")}}}
meetings:
  - key: alfa_moten
    group: alfa
    kind: mote
    start: 2026-01-06T10:00
    end: 2026-01-06T12:00
    rrule: FREQ=WEEKLY;BYDAY=TU
    mode: physical
    place: {q(" 12")}
wheel:
  - key: budget
    title: {{sv: {q(" 13")}, en: {q(" 13")}}}
    description: {{sv: {q(" 14")}, en: {q(" 14")}}}
    responsible: ordforande
    target: each_group
    rrule: FREQ=WEEKLY;BYDAY=FR
    lead_days: [3, 0]
"""


COMMANDS = [
    "dagordning",
    "möten",
    "årshjul",
    "roller",
    "hjälp",
    "vem är ordförande?",
    "who is the secretary?",
    "protokoll",
    "utskick",
    "logg",
]


@pytest.fixture(scope="module")
def markdown() -> MarkdownIt:
    return MarkdownIt("commonmark").enable(["table", "strikethrough"])


@pytest.fixture
async def services(tmp_path) -> AsyncIterator[Services]:
    networks = tmp_path / "networks"
    networks.mkdir()
    (networks / "testnet.yaml").write_text(network_yaml(BENIGN), encoding="utf-8")
    settings_ = Settings(
        database_url=f"sqlite+aiosqlite:///{tmp_path / 'bot.db'}",
        networks_dir=networks,
        default_network="testnet",
        scheduler_interval_seconds=0,
    )
    async with open_services(settings_) as opened:
        yield opened


async def replies_for(services: Services, x: str) -> list[str]:
    """Every markdown text the bot shows for the network made of `x`, in order."""
    network = load_network_document(yaml.safe_load(network_yaml(x)), "hostile network")
    async with services.database.transaction() as session:
        await session.execute(delete(AgendaItemRow))  # each call adds its own point
    await services.registry.replace_networks([network])
    now = datetime.now(UTC)
    await sync_meeting_series(await services.registry.load(), services.meetings, now)
    sender = {
        "user_name": x,
        "user_id": "29:user",
        "user_aad_object_id": ADMIN_ID,
        "network_key": "testnet",
    }
    shown: list[str] = []
    turns = [Turn(f"lägg till punkt Budget {x}", kind="channel", group_key="alfa", **sender)]
    turns += [Turn(c, kind="channel", group_key="alfa", **sender) for c in COMMANDS]
    turns += [Turn(c, kind="personal", **sender) for c in ("hej", "roller", "årshjul")]
    for turn in turns:
        for reply in await services.conversation.respond(turn):
            shown += markdown_contexts(reply)
    planner = MeetingPlanner(services.registry, services.meetings)
    for post in await planner.planned_posts(now + timedelta(days=14)):
        shown += markdown_contexts(Reply(post.text, "sv", card=post.card))
    return shown


def markdown_contexts(reply: Reply) -> list[str]:
    """What Teams renders as markdown: the text of a reply sent without a card, else the
    card's TextBlocks and FactSets (button titles and inputs are plain text)."""
    if reply.card is None:
        return [reply.text]
    found: list[str] = []

    def walk(element: Any) -> None:
        if isinstance(element, dict):
            if element.get("type") == "TextBlock":
                found.append(element["text"])
            if element.get("type") == "FactSet":
                for fact in element["facts"]:
                    found.extend((fact["title"], fact["value"]))
            for key, value in element.items():
                if key not in ("actions", "card"):  # ShowCard forms: inputs, plain text
                    walk(value)
        elif isinstance(element, list):
            for item in element:
                walk(item)

    walk(reply.card)
    return found


FORMATTING = {
    "link_open", "image", "strong_open", "em_open", "s_open", "code_inline", "html_inline",
    "heading_open", "blockquote_open", "bullet_list_open", "ordered_list_open", "code_block",
    "fence", "html_block", "table_open", "hr", "lheading",
}  # fmt: skip


# A Teams mention the bot builds (`<at>name</at>` with its entity): Teams shows a pill
# with the person's name, whatever the name holds. A user's own `<` is escaped, so every
# such tag in a reply is the bot's; they are counted, and their insides not parsed.
MENTION = re.compile(r"<at>.*?</at>", re.DOTALL)


def formatting(markdown: MarkdownIt, text: str) -> Counter[str]:
    """The formatting CommonMark finds in `text`: token kinds, links by their address, and
    the bot's mentions."""
    found: Counter[str] = Counter(mention=len(MENTION.findall(text)))
    for token in markdown.parse(MENTION.sub("@mention", text)):
        for t in [token, *(token.children or [])]:
            if t.type in FORMATTING:
                found[t.type if t.type != "link_open" else f"link {t.attrs.get('href')}"] += 1
    return found


_benign: dict[int, list[Counter[str]]] = {}  # per `services`: the same for every example


@settings(FUZZ, max_examples=12)
@given(x=hostile_strings)
# Found by a draw: a "ŀ" (it folds to two letters) once kept "lägg till punkt" from being
# recognised, and the small-talk "haha" then made the whole message chat.
@example(x="HAHA[Log in here](https://evil.example) Ŀ")
async def test_hostile_strings_add_no_link_mention_or_formatting(services, markdown, x):
    if id(services) not in _benign:
        _benign.clear()
        shown = await replies_for(services, BENIGN)
        _benign[id(services)] = [formatting(markdown, text) for text in shown]
    plain = _benign[id(services)]
    hostile = [formatting(markdown, text) for text in await replies_for(services, x)]

    assert len(hostile) == len(plain)
    for index, (expected, found) in enumerate(zip(plain, hostile, strict=True)):
        assert not found - expected, f"text {index}: {found - expected} more than the bot put"
        # The bot's own links and mentions are all still there.
        links = {k: n for k, n in expected.items() if k.startswith("link") or k == "mention"}
        assert {k: found[k] for k in links} == links, f"text {index}"


@given(x=hostile_strings)
@settings(FUZZ, max_examples=200)
def test_an_escaped_string_is_its_own_text_wherever_it_stands(x):
    markdown = MarkdownIt("commonmark").enable(["table", "strikethrough"])
    shown = x.strip()
    for template in ("{}", "- {}", "1. {}", "**Titel:** {} här", "_{}_", "x\n\n{}"):
        tokens = markdown.parse(template.format(escape(x)))
        kinds = {t.type for token in tokens for t in [token, *(token.children or [])]}
        template_kinds = {
            t.type
            for token in markdown.parse(template.format(BENIGN))
            for t in [token, *(token.children or [])]
        }
        assert kinds <= template_kinds | {"text", "softbreak"}, (template, kinds)
    rendered = "".join(
        child.content
        for token in markdown.parse(escape(x))
        for child in token.children or []
        if child.type == "text"
    )
    assert rendered.split() == shown.split()  # the same words, each as it was typed


def test_a_mailto_link_cannot_be_ended_or_given_more_recipients():
    address = "anna@x.se?cc=evil@example.org&subject=hi) [x](https://evil.example"

    url = mailto(address)

    assert url.startswith("mailto:anna@x.se%3Fcc%3Devil@example.org%26subject%3Dhi%29")
    assert not set(url.removeprefix("mailto:")) & set("?&()[] <>")
