"""Drives the Agents Playground's web page (Teams personal chat) as a person would.

    chat = PlaygroundChat(page, shots=Path("artifacts/e2e"))
    with chat.step("greeting"):
        reply = chat.say("Hej")          # types into the compose box, presses Enter
        assert "Best Service" in reply.text()

Every step leaves a screenshot; a step that fails says which step it was and where its
screenshot is. The Playground's page is a React app: the few selectors it needs live here,
named, and were read off @microsoft/m365agentsplayground 0.2.28 (the pinned version).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # imported at run time by the fixtures, which skip when it is missing
    from playwright.sync_api import Locator, Page

# A bot message's body, a text or an Adaptive Card (Fluent's OutputCard). User messages
# have none.
BOT_MESSAGE = ".fai-OutputCard"
# The compose box: a Lexical rich-text editor.
COMPOSE_BOX = '[data-lexical-editor="true"]'
REPLY_TIMEOUT_MS = 15_000


@dataclass(frozen=True)
class BotMessage:
    """One message from the bot as the page shows it."""

    locator: Locator

    def text(self) -> str:
        """What a reader sees, whitespace collapsed (buttons included)."""
        return " ".join(self.locator.inner_text().split())

    def buttons(self) -> list[str]:
        """The titles of the message's buttons, in order."""
        return [" ".join(b.inner_text().split()) for b in self.locator.get_by_role("button").all()]

    def numbered_lines(self) -> list[str]:
        """The message's numbered-list items as they read, "3. Text" (Teams renders a line
        "3. Text" as a list of its own that starts at 3, so the number is not in the text)."""
        return self.locator.evaluate(
            """message => [...message.querySelectorAll('ol > li')].map(li => {
                 const list = li.parentElement;
                 const n = list.start + [...list.children].indexOf(li);
                 return `${n}. ${li.innerText.split(/\\s+/).join(' ').trim()}`;
               })"""
        )

    def is_card(self) -> bool:
        return self.locator.locator(".ac-adaptiveCard").count() > 0


class StepFailed(AssertionError):
    pass


class PlaygroundChat:
    """The Playground's personal chat with the bot."""

    def __init__(self, page: Page, *, shots: Path, logs: tuple[Path, ...] = ()):
        self.page = page
        self.shots = shots
        self.logs = logs
        self._steps = 0

    def open_personal_chat(self) -> None:
        """Choose the personal chat; hide the Playground's log panel, which would otherwise
        take a third of every screenshot (the bot's own log has every activity)."""
        self.page.get_by_role("treeitem", name="Personal Chat").click()
        self.page.locator(COMPOSE_BOX).wait_for(state="visible")
        self.page.get_by_role("button", name="Toggle Log Panel").click()

    def messages(self) -> Locator:
        return self.page.locator(BOT_MESSAGE)

    def wait_for_message(self, index: int) -> BotMessage:
        """The bot's `index`-th message (0 = first) once it is on the page and not empty."""
        from playwright.sync_api import TimeoutError as PlaywrightTimeout

        try:
            self.page.wait_for_function(
                """([selector, index]) => {
                     const messages = document.querySelectorAll(selector);
                     return messages.length > index && messages[index].innerText.trim() !== "";
                   }""",
                arg=[BOT_MESSAGE, index],
                timeout=REPLY_TIMEOUT_MS,
            )
        except PlaywrightTimeout:
            raise AssertionError(
                f"the page shows no bot message #{index + 1} within {REPLY_TIMEOUT_MS // 1000} s "
                f"(it shows {self.messages().count()})"
            ) from None
        return BotMessage(self.messages().nth(index))

    def say(self, text: str) -> BotMessage:
        """Type `text`, send it, and return the bot's next message."""
        before = self.messages().count()
        box = self.page.locator(COMPOSE_BOX)
        box.click()
        self.page.keyboard.type(text)
        self.page.keyboard.press("Enter")
        return self.wait_for_message(before)

    def click(self, message: BotMessage, button: str) -> BotMessage:
        """Click the button titled `button` on `message`; return the bot's next message."""
        before = self.messages().count()
        message.locator.get_by_role("button", name=button, exact=True).click()
        return self.wait_for_message(before)

    @contextmanager
    def step(self, name: str) -> Iterator[None]:
        """A named step: a screenshot afterwards, and on failure an error naming both."""
        from playwright.sync_api import Error as PlaywrightError

        self._steps += 1
        slug = re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")
        shot = self.shots / f"{self._steps:02d}-{slug}.png"
        try:
            yield
        except (AssertionError, PlaywrightError) as err:
            where = self._screenshot(shot)
            logs = "".join(f"\n  log: {log}" for log in self.logs)
            raise StepFailed(f"step {name!r} failed: {err}\n  screenshot: {where}{logs}") from err
        self._screenshot(shot)

    def _screenshot(self, path: Path) -> str:
        from playwright.sync_api import Error as PlaywrightError

        path.parent.mkdir(parents=True, exist_ok=True)
        try:
            self.page.screenshot(path=path)
        except PlaywrightError as err:  # the page itself is gone: say so, keep the first error
            return f"(none: {err})"
        return str(path)
