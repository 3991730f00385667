"""The terminal chat behind `python app.py chat`: talk to the real bot without Teams.

It runs the same web app as production (`create_app`, the adapter, `/api/messages`)
on a loopback port in local mode, with a `LocalConnector` as the Teams service. Every
line typed becomes a Teams personal-chat message activity posted over HTTP; the bot's
replies are read back from the connector and printed, adaptive cards included. A
card's buttons are numbered: type `/1` to press the first.
"""

from __future__ import annotations

import asyncio
import dataclasses
import itertools
import re
import socket
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from typing import Any, Protocol

import aiohttp
from aiohttp import web

from bot.cards import ADAPTIVE_CARD_CONTENT_TYPE
from bot.local_connector import LocalConnector, SentActivity
from bot.settings import Settings
from texts.markdown import plain_text

PROMPT = "du> "
QUIT = "/quit"
_BUTTON = re.compile(r"/[0-9]+")

AppFactory = Callable[[Settings], Awaitable[web.Application]]

# What a Teams personal chat looks like to the bot; fixed ids keep the stored
# conversation reference the same from one chat session to the next.
_TENANT_ID = "00000000-0000-0000-0000-00000000c4a7"
_USER_OBJECT_ID = "00000000-0000-0000-0000-0000000000a1"
_BOT = {"id": "28:samverkan-bot-local", "name": "samverkan"}
_CONVERSATION_ID = "a:local-terminal-chat"


class LineReader(Protocol):
    def readline(self) -> str: ...


class TextWriter(Protocol):
    def write(self, text: str) -> Any: ...

    def flush(self) -> Any: ...


async def run_chat(
    settings: Settings,
    stdin: LineReader,
    stdout: TextWriter,
    *,
    create_app: AppFactory,
    user_name: str = "Kim Andersson",
) -> None:
    """Chat with the bot on `stdin`/`stdout` until `/quit` or end of input.

    The bot runs in local mode on 127.0.0.1 whatever `settings` say about the app id
    and address: the chat is its own Teams. `create_app` builds the web app (app.py
    passes its own: nothing imports the composition root).
    """
    # Bound before the app is built, so the wheel-page links the bot gives in this chat
    # name the port it listens on (with port 0 it would have none to give).
    sock = socket.create_server(("127.0.0.1", 0))
    host, port = sock.getsockname()[:2]
    local_settings = dataclasses.replace(
        settings,
        app_id="",
        app_password="",
        app_tenant_id="",
        app_type="MultiTenant",
        host=host,
        port=port,
    )
    with sock:  # closed here whatever happens; closing it twice is harmless
        async with LocalConnector() as connector:
            runner = web.AppRunner(await create_app(local_settings), access_log=None)
            await runner.setup()
            try:
                site = web.SockSite(runner, sock)
                await site.start()
                session = _ChatSession(
                    endpoint=f"http://{host}:{port}/api/messages",
                    connector=connector,
                    stdout=stdout,
                    user={
                        "id": "29:local-user",
                        "name": user_name,
                        "aadObjectId": _USER_OBJECT_ID,
                    },
                )
                async with aiohttp.ClientSession() as http:
                    await session.install(http)
                    while True:
                        stdout.write(PROMPT)
                        stdout.flush()
                        line = await asyncio.to_thread(stdin.readline)
                        if not line:  # end of input
                            stdout.write("\n")
                            break
                        text = line.strip()
                        if text == QUIT:
                            break
                        if text:
                            await session.say(http, text)
            finally:
                await runner.cleanup()
    stdout.flush()


class _ChatSession:
    """One chat: builds activities, posts them and prints what came back."""

    def __init__(
        self,
        *,
        endpoint: str,
        connector: LocalConnector,
        stdout: TextWriter,
        user: dict[str, str],
    ):
        self._endpoint = endpoint
        self._connector = connector
        self._stdout = stdout
        self._user = user
        self._ids = itertools.count(1)
        self._seen = 0
        self._buttons: dict[str, dict[str, Any]] = {}

    async def install(self, http: aiohttp.ClientSession) -> None:
        """Add the bot to the chat, as Teams does when a user installs the app."""
        activity = self._activity("conversationUpdate")
        activity["membersAdded"] = [dict(_BOT), dict(self._user)]
        await self._post(http, activity)

    async def say(self, http: aiohttp.ClientSession, text: str) -> None:
        """Send a line: `/N` presses button N of the last card with buttons, text is a message."""
        activity = self._activity("message")
        if _BUTTON.fullmatch(text):
            button = self._buttons.get(text[1:])
            if button is None:
                self._write(f"(no button {text}: the last card has {len(self._buttons)})")
                return
            activity["value"] = button
        else:
            activity["text"] = text
            activity["textFormat"] = "plain"
        await self._post(http, activity)

    def _activity(self, activity_type: str) -> dict[str, Any]:
        now = datetime.now(UTC).isoformat()
        return {
            "type": activity_type,
            "id": f"local-{next(self._ids)}",
            "timestamp": now,
            "localTimestamp": now,
            "channelId": "msteams",
            "serviceUrl": self._connector.service_url,
            "from": dict(self._user),
            "recipient": dict(_BOT),
            "conversation": {
                "id": _CONVERSATION_ID,
                "conversationType": "personal",
                "tenantId": _TENANT_ID,
            },
            "locale": "sv-SE",
            "entities": [
                {
                    "type": "clientInfo",
                    "locale": "sv-SE",
                    "country": "SE",
                    "platform": "Web",
                    "timezone": "Europe/Stockholm",
                }
            ],
            "channelData": {"tenant": {"id": _TENANT_ID}},
        }

    async def _post(self, http: aiohttp.ClientSession, activity: dict[str, Any]) -> None:
        # The bot answers within the request, so its replies are at the connector when
        # the POST returns.
        async with http.post(self._endpoint, json=activity) as response:
            if response.status >= 400:
                self._write(f"(the bot answered HTTP {response.status}: {await response.text()})")
        sent = self._connector.activities[self._seen :]
        self._seen += len(sent)
        for reply in sent:
            self._print(reply)

    def _print(self, reply: SentActivity) -> None:
        lines = plain_text(reply.text or "").splitlines() or [""]
        self._write("bot> " + lines[0])
        for line in lines[1:]:
            self._write("     " + line)
        for attachment in reply.attachments:
            if attachment.get("contentType") == ADAPTIVE_CARD_CONTENT_TYPE:
                buttons: dict[str, dict[str, Any]] = {}
                for line in render_card(attachment.get("content") or {}, buttons):
                    self._write("     | " + line)
                if buttons:
                    # Like a Teams client, older cards stay clickable until a newer one
                    # with buttons takes the numbers.
                    self._buttons = buttons

    def _write(self, line: str) -> None:
        self._stdout.write(line + "\n")
        self._stdout.flush()


def render_card(card: dict[str, Any], buttons: dict[str, dict[str, Any]]) -> list[str]:
    """An adaptive card as lines of text: titles, text, facts and buttons.

    Submit buttons are numbered and their data stored in `buttons` under the number,
    so the chat can press them.
    """
    lines: list[str] = []
    _render_elements(card.get("body") or [], lines, buttons)
    _render_actions(card.get("actions") or [], lines, buttons)
    return lines


def _render_elements(elements: list[Any], lines: list[str], buttons: dict[str, Any]) -> None:
    for element in elements:
        if not isinstance(element, dict):
            continue
        kind = element.get("type")
        if kind == "TextBlock":
            text = str(element.get("text", ""))
            bold = element.get("weight") == "Bolder" or element.get("size") in (
                "Medium",
                "Large",
                "ExtraLarge",
            )
            # A title is marked with stars, the chat's own way; the text's markdown is not.
            text = plain_text(text)
            lines.append(f"*{text}*" if bold else text)
        elif kind == "RichTextBlock":
            lines.append(
                "".join(
                    str(i.get("text", ""))
                    for i in element.get("inlines", [])
                    if isinstance(i, dict)
                )
            )
        elif kind == "FactSet":
            lines.extend(
                f"{f.get('title', '')}: {f.get('value', '')}"
                for f in element.get("facts", [])
                if isinstance(f, dict)
            )
        elif kind == "Image":
            lines.append(f"[bild: {element.get('altText') or element.get('url', '')}]")
        elif kind == "ColumnSet":
            for column in element.get("columns", []):
                if isinstance(column, dict):
                    _render_elements(column.get("items", []), lines, buttons)
        elif kind == "ActionSet":
            _render_actions(element.get("actions", []), lines, buttons)
        elif isinstance(element.get("items"), list):  # Container, Column, TableCell ...
            _render_elements(element["items"], lines, buttons)


def _render_actions(actions: list[Any], lines: list[str], buttons: dict[str, Any]) -> None:
    for action in actions:
        if not isinstance(action, dict):
            continue
        title = action.get("title", "")
        kind = action.get("type")
        if kind == "Action.Submit":
            number = str(len(buttons) + 1)
            buttons[number] = action.get("data") if isinstance(action.get("data"), dict) else {}
            lines.append(f"[/{number}] {title}")
        elif kind == "Action.OpenUrl":
            lines.append(f"[{title}] {action.get('url', '')}")
        elif kind == "Action.ShowCard":
            lines.append(f"[{title}]")
            _render_elements((action.get("card") or {}).get("body", []), lines, buttons)
        else:
            lines.append(f"[{title}]")
