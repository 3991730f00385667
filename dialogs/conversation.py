"""The conversation: one user message in, the bot's replies out, in plain Python.

`Conversation.respond` is what every front end calls: the Teams edge (`bot/`), the
terminal chat and `app.py ask`. It decides the language, the route (small talk, a
command, a question), the network and group the message is about, and builds the
replies. It never raises for user input: unknown networks or groups come back as a
reply that says so.

Commands ("dagordning", "årshjul", …) live in their own modules; each is a `Command`
(its words) and a handler, registered when the `Conversation` is built (see app.py).
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import replace
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any, Protocol

from dialogs import cards, texts
from dialogs.intents import Command, CommandPhrases, SmallTalk, classify
from dialogs.language import detect_language
from dialogs.markdown import escape
from dialogs.text import fold
from dialogs.turns import Reply, Turn
from dialogs.who import ContactFinder
from storage.registry import (
    LANGUAGES,
    Group,
    Language,
    Network,
    RoleRegistry,
    UnknownGroup,
    UnknownNetwork,
)

log = logging.getLogger(__name__)


class RegistrySource(Protocol):
    """Where the registry comes from: the database in the bot, a file in tools."""

    async def revision(self) -> int: ...

    async def load(self) -> RoleRegistry: ...


class RegistrySnapshots:
    """The current registry and its search index, rebuilt only when the stored revision moves.

    Every replica asks the database for the revision (one small query) per turn, so an
    edit made through another replica is seen on the next message.
    """

    def __init__(self, source: RegistrySource):
        self._source = source
        self._revision: int | None = None
        self._snapshot: tuple[RoleRegistry, ContactFinder] | None = None
        self._lock = asyncio.Lock()

    async def current(self) -> tuple[RoleRegistry, ContactFinder]:
        revision = await self._source.revision()
        if self._snapshot is not None and revision == self._revision:
            return self._snapshot
        async with self._lock:
            if self._snapshot is None or revision != self._revision:
                registry = await self._source.load()
                self._snapshot = (registry, ContactFinder(registry))
                self._revision = revision
                log.info("registry loaded", extra={"revision": revision})
            return self._snapshot


@dataclass(frozen=True)
class CommandRequest:
    """What a command handler gets: the turn, the words after the command, and context."""

    turn: Turn
    argument: str
    language: Language
    network: Network
    registry: RoleRegistry
    today: date


CommandHandler = Callable[[CommandRequest], Awaitable[list[Reply]]]


@dataclass(frozen=True)
class ActionRequest:
    """What an action handler gets: a card submit's data (`value["action"]` names the
    handler) and the same context as a command."""

    turn: Turn
    value: dict[str, Any]
    language: Language
    network: Network
    registry: RoleRegistry
    today: date


ActionHandler = Callable[[ActionRequest], Awaitable[list[Reply]]]


class Conversation:
    """Answers a `Turn` with `Reply` objects."""

    def __init__(
        self,
        snapshots: RegistrySnapshots,
        *,
        default_network: str,
        commands: Sequence[tuple[Command, CommandHandler]] = (),
        actions: Sequence[tuple[str, ActionHandler]] = (),
        today: Callable[[], date] = date.today,
    ):
        self._snapshots = snapshots
        self._default_network = default_network
        self._command_phrases = CommandPhrases(command for command, _ in commands)
        self._handlers = {command.name: handler for command, handler in commands}
        self._actions = dict(actions)
        self._today = today

    def action_names(self) -> tuple[str, ...]:
        """The card actions registered, by the name a submit's `value["action"]` carries."""
        return tuple(self._actions)

    async def respond(self, turn: Turn) -> list[Reply]:
        language = detect_language(turn.text, hint=turn.locale)
        registry, finder = await self._snapshots.current()
        if not registry.networks:
            return [Reply(texts.EMPTY_REGISTRY.get(language), language)]
        try:
            network = registry.network(turn.network_key or self._default_network)
            if turn.group_key in {c.key for c in network.channels}:
                # A channel bound to a declared channel (the board's) is no group's.
                turn = replace(turn, group_key=None)
            if turn.group_key is not None:
                network.group(turn.group_key)
        except UnknownNetwork as err:
            return [_unknown_network(err, language)]
        except UnknownGroup as err:
            return [_unknown_group(err, network, language)]

        if turn.value is not None and "action" in turn.value:
            return await self._act(turn, turn.value, network, registry)
        route = classify(turn.text, self._command_phrases)
        if route.kind is SmallTalk.GREETING:
            return [_greeting(turn, network, finder, language)]
        if route.kind is SmallTalk.THANKS:
            return [Reply(texts.THANKS.get(language), language)]
        if route.kind is SmallTalk.HELP:
            return [_help(turn, network, finder, language, self._command_phrases.commands)]
        if route.kind in self._handlers:
            request = CommandRequest(
                turn=turn,
                argument=route.argument,
                language=route.language or language,
                network=network,
                registry=registry,
                today=self._today(),
            )
            return await self._handlers[route.kind](request)
        # The finder decides the language itself: the words a question matched tell more
        # than a two-word question's function words ("chair?").
        reply = finder.answer(
            turn.text,
            network_key=network.key,
            group_key=turn.group_key,
            today=self._today(),
            hint=turn.locale,
        )
        return [_with_contact_card(reply)]


    async def _act(
        self, turn: Turn, value: dict[str, Any], network: Network, registry: RoleRegistry
    ) -> list[Reply]:
        # A card's buttons carry the language the card was shown in.
        language = value.get("lang")
        if language not in LANGUAGES:
            language = detect_language("", hint=turn.locale)
        handler = self._actions.get(value["action"])
        if handler is None:
            log.warning("unknown card action", extra={"action": str(value["action"])[:64]})
            return [Reply(texts.UNKNOWN_ACTION.get(language), language)]
        request = ActionRequest(
            turn=turn,
            value=value,
            language=language,
            network=network,
            registry=registry,
            today=self._today(),
        )
        return await handler(request)


def named_group(network: Network, argument: str) -> Group | None:
    """The group a command's argument names (its key, name or an alias), if any."""
    wanted = fold(argument.strip())
    if not wanted:
        return None
    for group in network.groups:
        if wanted in {fold(n) for n in (group.key, group.name.sv, group.name.en, *group.aliases)}:
            return group
    return None


def _with_contact_card(reply: Reply) -> Reply:
    """Add a card when it gives the reader something to click: a mail button or a suggestion."""
    people = (reply.contact.holders + reply.contact.deputies) if reply.contact else ()
    contacts = [(a.person.name, a.person.email) for a in people]
    if not reply.suggestions and not any(email for _, email in contacts):
        return reply
    card = cards.contact_card(
        language=reply.language, text=reply.text, contacts=contacts, suggestions=reply.suggestions
    )
    return replace(reply, card=card)


def _greeting(turn: Turn, network: Network, finder: ContactFinder, language: Language) -> Reply:
    first_name = turn.user_name.split()[0] if turn.user_name and turn.user_name.split() else ""
    name = f" {escape(first_name)}" if first_name else ""
    heading = texts.GREETING.get(language).format(
        name=name, network=escape(network.name.get(language))
    )
    suggestions = finder.example_questions(network.key, language)
    text = heading + "\n\n" + "\n".join(f"- {escape(q)}" for q in suggestions)
    card = cards.suggestions_card(heading, [], suggestions)
    return Reply(text, language, card=card, suggestions=suggestions)


def _help(
    turn: Turn,
    network: Network,
    finder: ContactFinder,
    language: Language,
    commands: Sequence[Command],
) -> Reply:
    network_name = escape(network.name.get(language))
    lines = [
        texts.HELP_INTRO.get(language).format(network=network_name),
        texts.HELP_ROLES.get(language).format(
            roles=", ".join(escape(r.title.get(language)) for r in network.roles)
        ),
    ]
    listed = [c for c in commands if c.summary is not None]
    if listed:
        lines.append(
            texts.HELP_COMMANDS.get(language)
            + "\n\n"
            + "\n".join(f"- **{c.words.get(language)[0]}**: {c.summary.get(language)}" for c in listed)
        )
    if network.groups and turn.group_key is None:
        lines.append(
            texts.HELP_GROUPS.get(language).format(
                groups=", ".join(escape(g.name.get(language)) for g in network.groups)
            )
        )
    suggestions = finder.example_questions(network.key, language)
    title = texts.EXAMPLES_TITLE.get(language)
    text = "\n\n".join(lines) + f"\n\n{title}:\n" + "\n".join(f"- {escape(q)}" for q in suggestions)
    card = cards.suggestions_card(network_name, lines, suggestions)
    return Reply(text, language, card=card, suggestions=suggestions)


def _unknown_network(err: UnknownNetwork, language: Language) -> Reply:
    text = texts.UNKNOWN_NETWORK.get(language).format(
        key=escape(err.key), known=", ".join(map(escape, err.known))
    )
    return Reply(text, language)


def _unknown_group(err: UnknownGroup, network: Network, language: Language) -> Reply:
    known = ", ".join(f"{escape(g.name.get(language))} ({escape(g.key)})" for g in network.groups)
    text = texts.UNKNOWN_GROUP.get(language).format(
        key=escape(err.key), network=escape(network.name.get(language)), known=known
    )
    return Reply(text, language)
