"""The terminal chat, driven through a pipe like `echo ... | python app.py chat`."""

from __future__ import annotations

import dataclasses
import io
import os
import re
import threading
import time
import urllib.request
from urllib.parse import urlsplit

import dialogs.meetings as meetings_dialogs
from app import create_app
from bot.chat import PROMPT, render_card, run_chat

_WHEEL_URL = re.compile(r"http://[^\s()\]]+/wheel\?[^\s()\]]+")


def _pipe(lines: list[str]) -> io.TextIOWrapper:
    """A real pipe whose far end writes `lines` and closes, as a shell would."""
    read_fd, write_fd = os.pipe()

    def feed() -> None:
        with os.fdopen(write_fd, "w", encoding="utf-8") as writer:
            writer.writelines(line + "\n" for line in lines)

    threading.Thread(target=feed, daemon=True).start()
    return os.fdopen(read_fd, "r", encoding="utf-8")


async def test_the_chat_welcomes_answers_and_quits(settings):
    stdout = io.StringIO()
    with _pipe(["vem är sekreterare?", "/quit", "never read"]) as stdin:
        await run_chat(settings, stdin, stdout, create_app=create_app)

    output = stdout.getvalue()
    welcome, rest = output.split(PROMPT, 1)
    assert welcome.startswith("bot> Hej! Jag är samverkansboten.")
    assert "bot> " in rest and "Sekreterare" in rest
    assert output.count(PROMPT) == 2  # the question, then /quit
    assert "never read" not in output


async def test_the_chat_shows_the_bots_markdown_as_plain_text(settings):
    stdout = io.StringIO()
    with _pipe(["vem är processledare i e-rådet?", "/quit"]) as stdin:
        await run_chat(settings, stdin, stdout, create_app=create_app)

    answer = stdout.getvalue().split(PROMPT)[1]
    assert "bot> Processledare i Fyrbodals e-råd: Sara Herrman." in answer
    assert "Uppgift: Sköter planering" in answer or "Uppgift: " in answer
    assert "**" not in answer and "_" not in answer


async def test_card_buttons_are_numbered_and_can_be_pressed(settings):
    stdout = io.StringIO()
    with _pipe(["hjälp", "/1", "/9"]) as stdin:
        await run_chat(settings, stdin, stdout, create_app=create_app)

    output = stdout.getvalue()
    help_reply, after_press = output.split(PROMPT)[1:3]
    assert "     | [/1] " in help_reply
    pressed_question = help_reply.split("     | [/1] ", 1)[1].splitlines()[0]
    assert pressed_question.startswith("Vem är")
    assert "bot> " in after_press
    assert "(no button /9: the last card has " in output
    assert output.endswith(PROMPT + "\n")  # end of input ends the chat


def test_cards_render_titles_facts_and_buttons():
    card = {
        "type": "AdaptiveCard",
        "body": [
            {"type": "TextBlock", "text": "Sekreterare", "weight": "Bolder"},
            {"type": "TextBlock", "text": "Dokumenterar varje möte."},
            {"type": "FactSet", "facts": [{"title": "Grupp", "value": "Logistik"}]},
            {
                "type": "Container",
                "items": [{"type": "TextBlock", "text": "Ersättare: ingen"}],
            },
        ],
        "actions": [
            {"type": "Action.OpenUrl", "title": "Skicka e-post", "url": "mailto:a@example.se"},
            {
                "type": "Action.Submit",
                "title": "Vem är ordförande?",
                "data": {"q": "Vem är ordförande?"},
            },
        ],
    }
    buttons: dict = {}

    lines = render_card(card, buttons)

    assert lines == [
        "*Sekreterare*",
        "Dokumenterar varje möte.",
        "Grupp: Logistik",
        "Ersättare: ingen",
        "[Skicka e-post] mailto:a@example.se",
        "[/1] Vem är ordförande?",
    ]
    assert buttons == {"1": {"q": "Vem är ordförande?"}}


async def test_the_wheel_page_link_in_the_chat_opens_the_page_while_it_runs(settings, monkeypatch):
    # The chat's bot listens on a port chosen when it binds: the link must name that port
    # (never ":0") and open the network's page while the chat runs.
    monkeypatch.setattr(meetings_dialogs, "WHEEL_ROWS", 3)  # so the wheel has "more"
    settings = dataclasses.replace(settings, default_network="erad")
    stdout = io.StringIO()
    opened: list[tuple[str, int, str]] = []
    read_fd, write_fd = os.pipe()

    def feed() -> None:
        with os.fdopen(write_fd, "w", encoding="utf-8") as writer:
            writer.write("årshjul\n")
            writer.flush()
            deadline = time.monotonic() + 30
            while time.monotonic() < deadline and not _WHEEL_URL.search(stdout.getvalue()):
                time.sleep(0.05)
            match = _WHEEL_URL.search(stdout.getvalue())
            if match:
                with urllib.request.urlopen(match.group(0), timeout=10) as response:
                    opened.append((match.group(0), response.status, response.read().decode()))
            writer.write("/quit\n")

    feeder = threading.Thread(target=feed, daemon=True)
    feeder.start()
    with os.fdopen(read_fd, "r", encoding="utf-8") as stdin:
        await run_chat(settings, stdin, stdout, create_app=create_app)
    feeder.join(timeout=10)

    assert ":0/" not in stdout.getvalue()
    ((url, status, page),) = opened
    assert urlsplit(url).port not in (None, 0) and "network=erad" in url
    assert status == 200 and "<h1>Fyrbodals e-råd</h1>" in page
