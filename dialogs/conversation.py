"""The conversation: one user message in, the bot's replies out, in plain Python.

`Conversation.respond` is what every front end calls: the Teams edge (`bot/`), the
terminal chat and `app.py ask`. It classifies the message first (`services.intents`: a
who-question, a command, small talk, or a request the bot does not carry out), decides
the language, the network and group the message is about, and builds the replies; only a
who-question reaches the finder and may name a role. It never raises for user input:
unknown networks or groups come back as a reply that says so.

Commands ("dagordning", "årshjul", …) live in their own modules; each is a `Command`
(its words) and a handler, registered when the `Conversation` is built (see app.py).
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, replace
from datetime import date
from typing import Any

from domain.language import detect_language
from domain.registry import (
    LANGUAGES,
    Group,
    Language,
    Localized,
    Network,
    RoleRegistry,
    UnknownGroup,
    UnknownNetwork,
)
from domain.turns import Reply, Turn
from services.groups import resolve_group
from services.intents import (
    REMARK,
    UNSUPPORTED,
    Classified,
    Command,
    CommandPhrases,
    SmallTalk,
    classify,
)
from services.registry_snapshots import RegistrySnapshots
from services.who import MAX_GROUP_LINES, ContactFinder
from texts import common as texts
from texts.markdown import escape
from views import cards

log = logging.getLogger(__name__)



@dataclass(frozen=True)
class CommandRequest:
    """What a command handler gets: the turn, the words after the command, and context."""

    turn: Turn
    argument: str
    language: Language
    network: Network
    registry: RoleRegistry
    today: date
    # The group the message names anywhere ("what's on the agenda for Logistics?"), if any.
    group_key: str | None = None
    # The group a card's button chose (its data's `group`), for a command shown from a card.
    chosen_group: str | None = None

    def group(self, *, only_group: bool = True) -> Group | None:
        """The group the command is about, by the one precedence (`services.groups`);
        `only_group=False` for a command that has an answer for the network as a whole."""
        return resolve_group(
            self.network,
            argument=self.argument,
            channel_group=self.turn.group_key,
            named=self.group_key,
            chosen=self.chosen_group,
            only_group=only_group,
        ).group


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
        route = self.classify(turn.text, finder)
        language = route.language or language
        own_reply = _REPLIES.get(route.kind)
        if own_reply is not None:
            commands = self._command_phrases.commands
            return [own_reply(turn, network, finder, language, commands)]
        if route.kind in self._handlers:
            request = CommandRequest(
                turn=turn,
                argument=route.argument,
                language=language,
                network=network,
                registry=registry,
                today=self._today(),
                group_key=finder.named_group(turn.text, network_key=network.key),
            )
            return await self._handlers[route.kind](request)
        # Only a who-question gets here. The finder decides the language itself: the words a
        # question matched tell more than a two-word question's function words ("chair?").
        reply = finder.answer(
            turn.text,
            network_key=network.key,
            group_key=turn.group_key,
            today=self._today(),
            hint=turn.locale,
        )
        return [_with_contact_card(reply)]

    def classify(self, text: str, finder: ContactFinder | None = None) -> Classified:
        """What kind of message `text` is, with this conversation's commands (and, given the
        current finder, the registry's duty verbs)."""
        if finder is None:
            return classify(text, self._command_phrases)
        return classify(text, self._command_phrases, finder.request_verbs, finder.role_words)

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


def command_from_card(request: ActionRequest) -> CommandRequest:
    """A button's structured data (`views.cards.command_button`: `network`, `group`,
    `lang`) as the command it shows, with no words: the group is the one the card chose,
    the network the card's when it is still in the registry."""
    network, value = request.network, request.value
    key = value.get("network")
    if isinstance(key, str) and key != network.key and key in request.registry.keys():
        network = request.registry.network(key)
    group = value.get("group")
    return CommandRequest(
        turn=request.turn,
        argument="",
        language=request.language,
        network=network,
        registry=request.registry,
        today=request.today,
        chosen_group=group if isinstance(group, str) else None,
    )


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


def _greeting(
    turn: Turn,
    network: Network,
    finder: ContactFinder,
    language: Language,
    commands: Sequence[Command] = (),
) -> Reply:
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
    commands: Sequence[Command] = (),
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
            + "\n".join(
                f"- **{c.words.get(language)[0]}**: {c.summary.get(language)}" for c in listed
            )
        )
    if network.groups and turn.group_key is None:
        lines.append(
            texts.HELP_GROUPS.get(language).format(
                groups=", ".join(
                    [escape(g.name.get(language)) for g in network.groups[:MAX_GROUP_LINES]]
                    + (["…"] if len(network.groups) > MAX_GROUP_LINES else [])
                )
            )
        )
    suggestions = finder.example_questions(network.key, language)
    title = texts.EXAMPLES_TITLE.get(language)
    text = "\n\n".join(lines) + f"\n\n{title}:\n" + "\n".join(f"- {escape(q)}" for q in suggestions)
    card = cards.suggestions_card(network_name, lines, suggestions)
    return Reply(text, language, card=card, suggestions=suggestions)


def _saying(said: Localized[str]) -> Callable[..., Reply]:
    """A reply of one sentence, nothing more: to thanks, a goodbye, an "ok" or a remark."""

    def reply(
        turn: Turn,
        network: Network,
        finder: ContactFinder,
        language: Language,
        commands: Sequence[Command] = (),
    ) -> Reply:
        return Reply(said.get(language), language)

    return reply


def _cannot(opening: Localized[str]) -> Callable[..., Reply]:
    """A reply that says what the bot cannot do, then what it can: the help's suggestions."""

    def reply(
        turn: Turn,
        network: Network,
        finder: ContactFinder,
        language: Language,
        commands: Sequence[Command] = (),
    ) -> Reply:
        suggestions = (*finder.example_questions(network.key, language), _HELP_WORD[language])
        title = texts.EXAMPLES_TITLE.get(language)
        listed = "\n".join(f"- {escape(q)}" for q in suggestions)
        text = opening.get(language) + f"\n\n{title}:\n" + listed
        card = cards.suggestions_card(opening.get(language), [], suggestions)
        return Reply(text, language, card=card, suggestions=suggestions)

    return reply


_HELP_WORD: dict[Language, str] = {"sv": "hjälp", "en": "help"}

# Replies of the bot's own, by the kind of message: no role in any of them.
_REPLIES: dict[SmallTalk | str, Callable[..., Reply]] = {
    SmallTalk.GREETING: _greeting,
    SmallTalk.THANKS: _saying(texts.THANKS),
    SmallTalk.HELP: _help,
    SmallTalk.CHAT: _cannot(texts.CHAT),
    SmallTalk.GOODBYE: _saying(texts.GOODBYE),
    SmallTalk.ACKNOWLEDGED: _saying(texts.ACKNOWLEDGED),
    UNSUPPORTED: _cannot(texts.CANNOT),
    REMARK: _saying(texts.REMARK),
}


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
