"""A new member talks to the bot in the Microsoft 365 Agents Playground, Teams personal chat.

The bot runs as `app.py serve` (local mode, new SQLite database, shipped networks); the
Playground is Microsoft's Teams-like client for bots on localhost; headless Chromium types
into its compose box and reads the replies off the page, as a person would. The tests run in
file order as one conversation; each reads only its own replies. Screenshots of every step:
artifacts/e2e/NN-step.png; with PLAYGROUND_DOCS_SCREENSHOT=1 the agenda step is also
written to docs/screenshots/playground-conversation.png for the README.

What the bot should say about meetings and the annual wheel is worked out here from the
shipped data with the functions the bot itself uses (`series_drafts`, `wheel_deadlines`),
for the bot's clock: the real one.
"""

from __future__ import annotations

import os
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest

from dialogs.meetings import WHEEL_DAYS, WHEEL_ROWS, wheel_rows
from domain.meetings import Meeting
from domain.recurrence import local, start_of_day
from domain.registry import Language, Network
from domain.wheel import wheel_deadlines
from services.planning import SERIES_HORIZON, series_drafts
from tests.e2e.bot_cards import shipped_registry
from tests.e2e.playground import PlaygroundChat
from tests.e2e.processes import ROOT
from texts import meetings as mt
from texts.common import CHAT

pytestmark = pytest.mark.e2e

# The Playground's signed-in user (its default in 0.2.28); the bot greets by first name.
PLAYGROUND_USER = "Alex Wilber"
DOCS_SCREENSHOT = ROOT / "docs/screenshots/playground-conversation.png"
DOCS_MAX_HEIGHT = 1400  # px: room for a who-answer, the which-group card and an agenda
DOCS_HEADER = 80  # px: the Playground's title bar and a margin above the first question
# How a date reads, written out here rather than taken from the bot's formatting code.
MONTHS: dict[Language, tuple[str, ...]] = {
    "sv": ("januari", "februari", "mars", "april", "maj", "juni", "juli", "augusti",
           "september", "oktober", "november", "december"),
    "en": ("January", "February", "March", "April", "May", "June", "July", "August",
           "September", "October", "November", "December"),
}  # fmt: skip


@pytest.fixture(scope="module")
def network() -> Network:
    """The network a personal chat talks about: the default, Best Service."""
    return shipped_registry().network("bestservice")


@pytest.fixture(scope="module")
def chat(playground_page, e2e_artifacts: Path, bot_process, playground_process) -> PlaygroundChat:
    chat = PlaygroundChat(
        playground_page,
        shots=e2e_artifacts,
        logs=(bot_process.log_path, playground_process.log_path),
    )
    with chat.step("open personal chat"):
        chat.open_personal_chat()
    return chat


def stored_meetings(network: Network, now: datetime) -> list[Meeting]:
    """The meetings the bot stores at start from the network's series (`sync_meeting_series`:
    from 1 January on, `SERIES_HORIZON` ahead), none cancelled."""
    drafts = series_drafts(network, start_of_day(date(local(now).year, 1, 1)), now + SERIES_HORIZON)
    return [
        Meeting(
            id=n,
            network_key=d.network_key,
            group_key=d.group_key,
            kind=d.kind,
            starts_at=d.starts_at,
            ends_at=d.ends_at,
            mode=d.mode,
            place=d.place,
            online_url=d.online_url,
            step=d.step,
            series_key=d.series_key,
        )
        for n, d in enumerate(drafts, start=1)
    ]


def upcoming(network: Network, group_key: str | None = None) -> list[Meeting]:
    """The meetings that have not ended, soonest first (the group's, or all)."""
    now = datetime.now(UTC)
    return sorted(
        (
            m
            for m in stored_meetings(network, now)
            if m.ends_at > now and group_key in (None, m.group_key)
        ),
        key=lambda m: m.starts_at,
    )


def wheel_lines(network: Network, language: Language, count: int = 3) -> list[str]:
    """The titles of the first `count` deadlines of the network-wide wheel card (each
    deadline is listed once, whatever the number of channels it goes to)."""
    now = datetime.now(UTC)
    today = local(now).date()
    deadlines = wheel_deadlines(
        network, stored_meetings(network, now), today, today + timedelta(days=WHEEL_DAYS)
    )
    rows = wheel_rows(network, deadlines, today, language)[:WHEEL_ROWS]
    return list(dict.fromkeys(row.what for row in rows))[:count]


def date_text(moment: datetime, language: Language) -> str:
    """`10 mars 2027` / `10 March 2027`, in Swedish time."""
    day = local(moment).date()
    return f"{day.day} {MONTHS[language][day.month - 1]} {day.year}"


def in_order(texts: list[str], reply: str) -> bool:
    """Whether every text is in the reply, each after the one before."""
    position = 0
    for text in texts:
        position = reply.find(text, position)
        if position < 0:
            return False
        position += len(text)
    return True


def docs_screenshot(chat: PlaygroundChat, first_question: str) -> None:
    """The page, just tall enough to show the conversation from `first_question` on, for
    the README."""
    page = chat.page
    viewport = page.viewport_size
    last = chat.messages().last

    def show(height: int) -> float:
        """Resize, keep the newest message at the bottom; where the question's top is."""
        page.set_viewport_size({"width": viewport["width"], "height": height})
        last.evaluate("message => message.scrollIntoView({block: 'end'})")
        return page.get_by_text(first_question, exact=True).last.bounding_box()["y"]

    try:
        top = show(DOCS_MAX_HEIGHT)
        show(max(viewport["height"], DOCS_MAX_HEIGHT - int(top) + DOCS_HEADER))
        page.screenshot(path=DOCS_SCREENSHOT)
    finally:
        page.set_viewport_size(viewport)


def title(network: Network, role_key: str, language: str) -> str:
    return network.role(role_key).title.get(language)


def says_a_duty(network: Network, role_key: str, reply: str) -> bool:
    """Whether the reply says one of the role's duties (in Swedish), as the registry words it."""
    return any(duty in reply for duty in network.role(role_key).duties.sv)


def test_installing_the_app_welcomes_the_member_in_swedish(chat):
    with chat.step("welcome on install"):
        # The Playground installs the app when the page opens; the bot answers that at once.
        welcome = chat.wait_for_message(0).text()

        assert welcome.startswith("Hej!"), welcome
        assert "hjälp" in welcome  # how to get more help
        assert "English" in welcome  # and that English works too


def test_hej_gets_a_greeting_by_name_with_questions_to_click(chat, network):
    with chat.step("greeting"):
        assert chat.page.get_by_text(PLAYGROUND_USER, exact=True).is_visible()

        reply = chat.say("Hej")

        first_name = PLAYGROUND_USER.split()[0]
        assert reply.text().startswith(f"Hej {first_name}!"), reply.text()
        assert network.name.sv in reply.text()
        assert reply.is_card()
        assert reply.buttons() and all(b.startswith("Vem ") for b in reply.buttons())


def test_a_swedish_question_names_the_role_in_swedish(chat, network):
    with chat.step("who books rooms, in Swedish"):
        reply = chat.say("Vem bokar möteslokalen?").text()

        assert title(network, "motesansvarig", "sv") in reply
        assert title(network, "motesansvarig", "en") not in reply
        assert says_a_duty(network, "motesansvarig", reply)  # what the role does


def test_an_english_question_gets_an_english_answer(chat, network):
    with chat.step("who keeps the budget, in English"):
        reply = chat.say("Who keeps the budget in Logistik?").text()

        assert title(network, "ekonomiansvarig", "en") in reply
        assert title(network, "ekonomiansvarig", "sv") not in reply
        assert network.group("logistik").name.en in reply  # the group's English name


def test_help_lists_the_roles_and_its_buttons_ask_for_the_member(chat, network):
    with chat.step("help card"):
        help_card = chat.say("hjälp")

        assert help_card.is_card()
        assert network.name.sv in help_card.text()
        missing = [r.title.sv for r in network.roles if r.title.sv not in help_card.text()]
        assert not missing, f"roles the help card does not list: {missing}"
        buttons = help_card.buttons()
        assert buttons, "the help card has no question buttons"

    question = buttons[-1]
    # The role the button asks about: the longest role title the question contains.
    asked = max(
        (r for r in network.roles if r.title.sv.lower() in question.lower()),
        key=lambda r: len(r.title.sv),
        default=None,
    )
    assert asked is not None, f"the button {question!r} names no role of {network.key}"
    with chat.step("help card button"):
        answer = chat.click(help_card, question).text()

        assert asked.title.sv.lower() in answer.lower(), answer
        assert says_a_duty(network, asked.key, answer)


def test_an_off_topic_question_is_declined_not_guessed(chat):
    with chat.step("off-topic question"):
        reply = chat.say("Vad blir det för väder i morgon?").text()

        # Small talk about the weather: a friendly no, and questions to try; no role named.
        assert reply.startswith(CHAT.sv), reply
        assert "Vem är" in reply and " vakant " not in reply


def test_the_agenda_asks_which_group_then_shows_its_next_meeting(chat, network):
    logistik = network.group("logistik")
    who = f"Vem är mötesansvarig i {logistik.name.sv}?"
    with chat.step("who organises Logistik's meetings"):
        reply = chat.say(who).text()

        assert title(network, "motesansvarig", "sv") in reply
        assert logistik.name.sv in reply

    with chat.step("agenda asks which group"):
        question = chat.say("dagordning")

        assert question.text().startswith("Vilken grupp menar du?"), question.text()
        buttons = question.buttons()
        for group in network.groups:
            assert any(group.name.sv in b for b in buttons), f"no button for {group.name.sv}"
        button = next(b for b in buttons if logistik.name.sv in b)

    meeting = upcoming(network, logistik.key)[0]
    with chat.step("agenda of Logistik"):
        agenda = chat.click(question, button)

        text = agenda.text()
        assert agenda.is_card()
        assert logistik.name.sv in text
        assert date_text(meeting.starts_at, "sv") in text, text
        assert f"kl. {local(meeting.starts_at):%H.%M}" in text, text
        points = [p.sv for p in network.agenda.standing_points]
        assert len(points) == 5
        numbered = [f"{n}. {point}" for n, point in enumerate(points, start=1)]
        assert agenda.numbered_lines()[:5] == numbered, agenda.numbered_lines()
        if os.environ.get("PLAYGROUND_DOCS_SCREENSHOT") == "1":
            docs_screenshot(chat, who)


def test_the_annual_wheel_lists_the_coming_deadlines(chat, network):
    expected = wheel_lines(network, "sv")
    assert len(expected) == 3, f"the shipped wheel has too few coming dates: {expected}"
    with chat.step("annual wheel"):
        wheel = chat.say("årshjul")

        text = wheel.text()
        assert wheel.is_card()
        assert network.name.sv in text
        assert in_order(expected, text), f"not {expected} in order: {text}"


def test_the_wheel_in_english_and_its_meetings_button(chat, network):
    expected = wheel_lines(network, "en")
    swedish = wheel_lines(network, "sv")
    with chat.step("wheel in English"):
        wheel = chat.say("wheel")

        text = wheel.text()
        assert network.name.en in text
        assert in_order(expected, text), f"not {expected} in order: {text}"
        leaked = [line for line in swedish if line not in expected and line in text]
        assert not leaked, f"Swedish titles in the English card: {leaked}"

    first, second = upcoming(network)[:2]
    with chat.step("wheel card meetings button"):
        meetings = chat.click(wheel, mt.MEETINGS_BUTTON.get("en"))

        text = meetings.text()
        assert meetings.is_card()
        assert text.startswith(f"Upcoming meetings – {network.name.en}"), text
        listed = [
            part
            for meeting in (first, second)
            for part in (
                date_text(meeting.starts_at, "en"),
                network.group(meeting.group_key).name.en,
            )
        ]
        assert in_order(listed, text), f"not {listed} in order: {text}"
