"""A new member talks to the bot in the Microsoft 365 Agents Playground, Teams personal chat.

The bot runs as `app.py serve` (local mode, new SQLite database, shipped networks); the
Playground is Microsoft's Teams-like client for bots on localhost; headless Chromium types
into its compose box and reads the replies off the page, as a person would. The tests run in
file order as one conversation; each reads only its own replies. Screenshots of every step:
artifacts/e2e/NN-step.png.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from storage.registry import Network
from tests.e2e.bot_cards import shipped_registry
from tests.e2e.playground import PlaygroundChat

pytestmark = pytest.mark.e2e

# The Playground's signed-in user (its default in 0.2.28); the bot greets by first name.
PLAYGROUND_USER = "Alex Wilber"


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

        assert reply.startswith("Jag vet inte vem du ska kontakta om det."), reply
