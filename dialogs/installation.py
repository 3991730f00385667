"""The bot in a team: which network the team is, which channel is which group.

When the bot is added to a team, the Teams edge (`bot.teams_bot`) lists the team's
channels and calls `TeamInstallations.installed`. Every channel's conversation
reference is stored (so scheduled posts can reach it), the team is bound to a network
(its name matched against the networks' names and aliases, else the default network)
and each channel whose name matches a group ("Logistik", "logistikgruppen", "LOGISTIK"
→ `logistik`; case, accents and punctuation ignored) to that group. Bindings that
exist already are kept: a reinstall never undoes what an administrator set. The reply
is the welcome card for the General channel, listing the mapping.

Channel events keep this current: a new channel that matches a group is bound to it,
a renamed one is rebound when its new name matches a group (and otherwise keeps its
binding, so a rename never silently stops reminders), a deleted one is unbound. When
the bot is removed the team's references become inactive; when it comes back they
are active again and posts parked as undeliverable meanwhile are queued again.

Team owners and the network's admins (`services.permissions`) change the mapping by card:
the welcome's "Ändra" button, or "kanaler" ("channels") in one of the team's channels,
opens a form with a choice per channel (a group, a declared channel such as the board's,
or none), and, when several networks are configured, the team's network. Saving checks
the whole form first (channels deleted meanwhile, a group chosen twice, a mapping
changed by someone else meanwhile): then nothing is written and the reply says why;
otherwise every change is written and audited (`binding.set`/`binding.remove`, before
and after). Changing the network needs the rights in both networks (nobody may pull
another network's posts into their team); the channels are then linked by their names
in the new network, to be adjusted in the form that follows.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Protocol, TypeVar

from dialogs.conversation import ActionHandler, ActionRequest, CommandHandler, CommandRequest
from domain.conversations import ChannelBinding, StoredReference
from domain.ports import ConversationPort, OutboxPort
from domain.registry import Group, Language, Localized, Network, RoleRegistry
from domain.turns import Reply, Turn
from services.intents import Command
from services.permissions import Permissions
from services.text import fold
from texts import installation as it
from texts.markdown import escape
from texts.meetings import GENERAL_CHANNEL_NAME
from views import cards

log = logging.getLogger(__name__)

T = TypeVar("T")

CONFIRM_ACTION = "confirm_channel_mapping"  # what the welcome card's button submits
EDIT_ACTION = "channels.edit"  # the welcome's "Ändra" button: the edit form
SAVE_ACTION = "channels.save"  # the edit form's save button
NO_GROUP = "-"  # the edit form's value for "no group"

CHANNELS_COMMAND = Command(
    "channels",
    Localized(
        sv=("kanaler", "kanalerna", "kanalkoppling", "koppla kanaler", "ändra kanaler"),
        en=("channels", "the channels", "channel mapping", "change channels"),
    ),
    Localized(
        sv="vilken kanal som hör till vilken grupp; administratörer kan ändra det",
        en="which channel belongs to which group; admins can change it",
    ),
    topics=Localized(sv=("kanal*",), en=("channel", "channels")),
    rank=40,
)


_NON_WORD = re.compile(r"[^\w]+", re.UNICODE)


@dataclass(frozen=True)
class Team:
    """The team the bot is in, as Teams names it."""

    id: str  # also the General channel's conversation id
    name: str | None
    tenant_id: str | None


@dataclass(frozen=True)
class TeamChannel:
    """A channel of the team and the conversation reference to post into it."""

    id: str
    name: str | None  # Teams gives the General channel no name
    reference: dict[str, Any]


class Registry(Protocol):
    """What installations need from `dialogs.conversation.RegistrySnapshots`."""

    async def current(self) -> tuple[RoleRegistry, Any]: ...


def normalized(name: str) -> str:
    """A name as compared, folded and with punctuation as spaces ("Logistik-gruppen!" ->
    "logistik gruppen")."""
    return " ".join(_NON_WORD.sub(" ", fold(name)).replace("_", " ").split())


def network_for_team(registry: RoleRegistry, team_name: str | None) -> Network | None:
    """The network a team's name names (key, Swedish or English name, alias), if exactly one."""
    return _best_match(team_name, registry.networks, _network_names)


def group_for_channel(network: Network, channel_name: str | None) -> Group | None:
    """The group of `network` a channel's name names, if exactly one."""
    return _best_match(channel_name, network.groups, _group_names)


class TeamInstallations:
    """Stores a team's channels and bindings as the bot joins, leaves and channels change."""

    def __init__(
        self,
        *,
        registry: Registry,
        channels: ConversationPort,
        outbox: OutboxPort,
        default_network: str,
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
        permissions: Permissions | None = None,
    ):
        self._registry = registry
        self._channels = channels
        self._outbox = outbox
        self._default_network = default_network
        self._clock = clock
        self._permissions = permissions or Permissions()

    def commands(self) -> list[tuple[Command, CommandHandler]]:
        """The commands to register with the `Conversation`."""
        return [(CHANNELS_COMMAND, self.edit_from_command)]

    def actions(self) -> list[tuple[str, ActionHandler]]:
        """The card actions to register with the `Conversation`."""
        return [(EDIT_ACTION, self.edit_from_card), (SAVE_ACTION, self.save_mapping)]

    async def installed_personally(self, user_entra_object_id: str | None) -> int:
        """A user installed the bot for themself (or wrote to it after removing it).

        Posts to them that were undeliverable because the app was not installed for them
        (a secretary's asking card, a reminder) go out again if still worth sending;
        returns how many were requeued.
        """
        if not user_entra_object_id:
            return 0
        return await self._outbox.requeue_undeliverable_to_person(
            user_entra_object_id, self._clock()
        )

    async def installed(
        self, team: Team, channels: Sequence[TeamChannel], language: Language = "sv"
    ) -> Reply | None:
        """The bot was added (or added again) to `team`: store, bind, reactivate.

        Returns the welcome for the General channel, or None when no network is
        configured at all (then only the references are stored).
        """
        for channel in channels:
            await self._save(team, channel)
        registry, _ = await self._registry.current()
        bindings = await self._channels.bindings_for_team(team.id)
        team_binding = next((b for b in bindings if b.channel_id is None), None)
        network = _known(registry, team_binding.network_key if team_binding else None)
        guessed = False
        if network is None:
            network = network_for_team(registry, team.name)
            if network is None:
                network = _known(registry, self._default_network)
                guessed = True
        if network is None:
            log.warning("bot added to a team but no network is configured", extra={"team": team.id})
            return None
        if team_binding is None or team_binding.network_key != network.key:
            await self._channels.set_binding(team.id, None, network.key, None)

        bound = {b.channel_id: b.group_key for b in bindings if b.channel_id is not None}
        for channel in channels:
            if channel.id == team.id or channel.id in bound:
                continue
            group = group_for_channel(network, channel.name)
            if group is not None and group.key not in bound.values():
                await self._channels.set_binding(team.id, channel.id, network.key, group.key)
                bound[channel.id] = group.key
        requeued = await self._outbox.requeue_undeliverable(network.key, self._clock())
        log.info(
            "bot installed in a team",
            extra={
                "team": team.id,
                "network": network.key,
                "channels": len(channels),
                "bound_groups": sorted(g for g in bound.values() if g),
                "requeued": requeued,
            },
        )
        return _welcome(team, network, channels, bound, guessed, language)

    async def edit_from_command(self, request: CommandRequest) -> list[Reply]:
        """"kanaler": the team's mapping, as an edit form for admins and as facts for others."""
        if request.turn.team_id is None:
            return [_text("not_in_team", request.language)]
        return await self._edit(
            request.turn, request.turn.team_id, request.registry, request.language, read=True
        )

    async def edit_from_card(self, request: ActionRequest) -> list[Reply]:
        """The welcome card's "Ändra" button: the edit form (admins only)."""
        team_id = request.value.get("team")
        if not isinstance(team_id, str) or not team_id:
            team_id = request.turn.team_id
        if team_id is None:
            return [_text("not_in_team", request.language)]
        return await self._edit(request.turn, team_id, request.registry, request.language)

    async def save_mapping(self, request: ActionRequest) -> list[Reply]:
        """The edit form's save button: check the whole form, then apply it in one go."""
        value, language, registry = request.value, request.language, request.registry
        team_id = value.get("team")
        state = await self._state(team_id, registry) if isinstance(team_id, str) else None
        if state is None:
            return [_text("not_installed", language)]
        if not await self._permissions.may_administer(state.network, registry, request.turn):
            _log_refusal(state, request.turn)
            return [_text("not_admin", language)]
        if value.get("network") != state.network.key:
            return [_text("moved_meanwhile", language), self._form(state, registry, language)]
        listed = _listed_channels(value.get("channels"))
        active = {c.conversation_id for c in state.channels}
        gone = [name for channel_id, name in listed if channel_id not in active]
        if gone:
            text = it.TEXTS["gone"].get(language).format(channels=", ".join(map(escape, gone)))
            return [Reply(text, language), self._form(state, registry, language)]

        wanted_network = value.get("team_network", state.network.key)
        if wanted_network != state.network.key:
            return await self._move(state, wanted_network, request)

        targets = _targets(state.network, language)
        wanted: dict[str, str | None] = {}
        for index, (channel_id, name) in enumerate(listed):
            choice = value.get(f"channel_{index}", NO_GROUP)
            if choice not in targets:
                text = it.TEXTS["bad_choice"].get(language).format(
                    choice=escape(str(choice)), network=escape(state.network.name.get(language))
                )
                return [Reply(text, language)]
            wanted[channel_id] = None if choice == NO_GROUP else choice
        names = dict(listed)
        current = state.bound()
        final = {**current, **wanted}
        for target in {t for t in final.values() if t is not None}:
            holders = [c for c, t in final.items() if t == target]
            if len(holders) > 1:
                text = it.TEXTS["twice"].get(language).format(
                    target=escape(targets.get(target, target)),
                    channels=", ".join(
                        escape(n) for n in sorted((names.get(c, c) for c in holders), key=fold)
                    ),
                )
                return [Reply(text, language)]

        actor = request.turn.sender_id
        changes: dict[str | None, tuple[str, str | None] | None] = {
            channel_id: None if target is None else (state.network.key, target)
            for channel_id, target in wanted.items()
            if current.get(channel_id) != target
        }
        changed = len(changes)
        if changed:
            await self._channels.change_bindings(state.team_id, changes, actor=actor)
            await self._outbox.requeue_undeliverable(state.network.key, self._clock())
            log.info(
                "channel mapping changed by card",
                extra={"team": state.team_id, "network": state.network.key, "changes": changed},
            )
        state = await self._state(state.team_id, registry)
        assert state is not None
        text = (
            it.TEXTS["saved"].get(language).format(count=changed)
            if changed
            else it.TEXTS["unchanged"].get(language)
        )
        return [_mapping_reply(state, text, language)]

    async def _move(
        self, state: _TeamState, network_key: Any, request: ActionRequest
    ) -> list[Reply]:
        """Bind the team to another network and its channels to that network's groups by name."""
        language, registry = request.language, request.registry
        target = _known(registry, network_key if isinstance(network_key, str) else None)
        if target is None:
            text = it.TEXTS["bad_choice"].get(language).format(
                choice=network_key, network=state.network.name.get(language)
            )
            return [Reply(text, language)]
        if not await self._permissions.may_administer(target, registry, request.turn):
            _log_refusal(state, request.turn)
            text = it.TEXTS["not_admin_target"].get(language).format(
                network=target.name.get(language)
            )
            return [Reply(text, language)]
        actor = request.turn.sender_id
        changes: dict[str | None, tuple[str, str | None] | None] = {None: (target.key, None)}
        taken: set[str] = set()
        bound = state.bound()
        for reference in state.channels:
            channel_id = reference.conversation_id
            if channel_id == state.team_id:
                continue
            group = group_for_channel(target, _channel_name(reference))
            if group is not None and group.key not in taken:
                taken.add(group.key)
                changes[channel_id] = (target.key, group.key)
            elif channel_id in bound:
                changes[channel_id] = None
        await self._channels.change_bindings(state.team_id, changes, actor=actor)
        await self._outbox.requeue_undeliverable(target.key, self._clock())
        log.info(
            "team moved to another network by card",
            extra={"team": state.team_id, "from": state.network.key, "to": target.key},
        )
        moved = await self._state(state.team_id, registry)
        assert moved is not None
        text = it.TEXTS["network_changed"].get(language).format(network=target.name.get(language))
        return [_mapping_reply(moved, text, language), self._form(moved, registry, language)]

    async def _edit(
        self,
        turn: Turn,
        team_id: str,
        registry: RoleRegistry,
        language: Language,
        *,
        read: bool = False,
    ) -> list[Reply]:
        """The edit form for admins; for others the mapping to read (`read`) or a refusal."""
        state = await self._state(team_id, registry)
        if state is None:
            return [_text("not_installed", language)]
        if not await self._permissions.may_administer(state.network, registry, turn):
            if not read:
                _log_refusal(state, turn)
                return [_text("not_admin", language)]
            heading = it.TEXTS["current"].get(language)
            return [_mapping_reply(state, heading, language, editable=False)]
        return [self._form(state, registry, language)]

    async def _state(self, team_id: str, registry: RoleRegistry) -> _TeamState | None:
        """The team's network, bindings and active channels; None for a team not known."""
        bindings = await self._channels.bindings_for_team(team_id)
        team_binding = next((b for b in bindings if b.channel_id is None), None)
        network = _known(registry, team_binding.network_key if team_binding else None)
        if network is None:
            return None
        # A channel's own reference (the installation's), not those of threads in it.
        channels = [
            r
            for r in await self._channels.references_for_team(team_id)
            if r.kind == "channel" and r.conversation_id == r.channel_id
        ]
        return _TeamState(team_id, network, bindings, channels)

    def _form(self, state: _TeamState, registry: RoleRegistry, language: Language) -> Reply:
        text = it.TEXTS
        targets = _targets(state.network, language)
        bound = state.bound()
        listed = state.editable()
        # A binding to a group the network no longer has shows as "no group".
        chosen = {cid: key if key in targets else NO_GROUP for cid, key in bound.items()}
        rows = [
            (f"channel_{index}", name, chosen.get(channel_id, NO_GROUP))
            for index, (channel_id, name) in enumerate(listed)
        ]
        network_choice = None
        notes = []
        if len(registry.networks) > 1:
            network_choice = (
                text["network_label"].get(language),
                [(n.key, n.name.get(language)) for n in registry.networks],
                state.network.key,
            )
            notes.append(text["network_note"].get(language))
        data = {
            "action": SAVE_ACTION,
            "team": state.team_id,
            "network": state.network.key,
            "channels": [[channel_id, name] for channel_id, name in listed],
            "lang": language,
        }
        title = text["edit_title"].get(language)
        card = cards.channel_edit_card(
            title=title,
            intro=text["edit_intro"].get(language),
            channels=rows,
            choices=list(targets.items()),
            submit=(text["save"].get(language), data),
            network=network_choice,
            notes=notes,
        )
        lines = "\n".join(
            f"- {name}: {targets[chosen.get(cid, NO_GROUP)]}" for cid, name in listed
        )
        return Reply(f"**{title}**\n{lines}", language, card=card)

    async def removed(self, team_id: str) -> None:
        """The bot was removed from the team: nothing can be posted there until it is back."""
        count = await self._channels.set_team_active(team_id, False)
        log.info("bot removed from a team", extra={"team": team_id, "references": count})

    async def channel_created(self, team: Team, channel: TeamChannel) -> None:
        """Store a new channel and bind it when its name names an unbound group."""
        await self._save(team, channel)
        await self._bind_by_name(team, channel)

    async def channel_renamed(self, team: Team, channel: TeamChannel) -> None:
        """Refresh a renamed channel; rebind it when its new name names an unbound group."""
        await self._save(team, channel)
        await self._bind_by_name(team, channel)

    async def channel_deleted(self, team: Team, channel_id: str) -> None:
        """Forget a deleted channel's binding; its reference can no longer be posted to."""
        await self._channels.remove_binding(team.id, channel_id)
        await self._channels.set_active(channel_id, False)
        log.info("channel deleted", extra={"team": team.id, "channel": channel_id})

    def confirmed(self, language: Language) -> Reply:
        """The answer to the welcome card's confirm button."""
        return Reply(it.TEXTS["confirmed"].get(language), language)

    async def _save(self, team: Team, channel: TeamChannel) -> None:
        reference = channel.reference
        conversation = reference.get("conversation")
        if channel.name and isinstance(conversation, dict):
            # The name rides along in the reference (Bot Framework's conversation.name), so
            # the mapping form can name the channel without asking Teams again.
            reference = {**reference, "conversation": {**conversation, "name": channel.name}}
        await self._channels.save_reference(
            reference,
            tenant_id=team.tenant_id,
            team_id=team.id,
            channel_id=channel.id,
            kind="channel",
        )

    async def _bind_by_name(self, team: Team, channel: TeamChannel) -> None:
        registry, _ = await self._registry.current()
        bindings = await self._channels.bindings_for_team(team.id)
        team_binding = next((b for b in bindings if b.channel_id is None), None)
        network = _known(registry, team_binding.network_key if team_binding else None)
        if network is None or channel.id == team.id:
            return
        group = group_for_channel(network, channel.name)
        taken = {b.group_key for b in bindings if b.channel_id not in (None, channel.id)}
        if group is not None and group.key not in taken:
            await self._channels.set_binding(team.id, channel.id, network.key, group.key)
            # The group's posts parked for want of a channel can go out now.
            await self._outbox.requeue_undeliverable(network.key, self._clock())
            log.info(
                "channel bound by its name",
                extra={"team": team.id, "channel": channel.id, "group": group.key},
            )


@dataclass(frozen=True)
class _TeamState:
    """A team as the mapping form sees it: its network, bindings and active channels."""

    team_id: str
    network: Network
    bindings: list[ChannelBinding]
    channels: list[StoredReference]

    def bound(self) -> dict[str, str | None]:
        """Channel id -> group (or declared channel) key, for the channels bound to one."""
        return {
            b.channel_id: b.group_key
            for b in self.bindings
            if b.channel_id is not None and b.network_key == self.network.key and b.group_key
        }

    def editable(self) -> list[tuple[str, str]]:
        """(channel id, name) of every channel but General, by name."""
        listed = [
            (r.conversation_id, _channel_name(r))
            for r in self.channels
            if r.conversation_id != self.team_id
        ]
        return sorted(listed, key=lambda pair: fold(pair[1]))


def _channel_name(reference: StoredReference) -> str:
    conversation = reference.reference.get("conversation") or {}
    name = conversation.get("name") if isinstance(conversation, dict) else None
    return name or reference.conversation_id


def _targets(network: Network, language: Language) -> dict[str, str]:
    """What a channel may be linked to: value -> title, "no group" first."""
    targets = {NO_GROUP: it.TEXTS["no_group"].get(language)}
    targets.update({g.key: g.name.get(language) for g in network.groups})
    targets.update(
        {
            c.key: it.TEXTS["declared"].get(language).format(channel=c.name.get(language))
            for c in network.channels
        }
    )
    return targets


def _listed_channels(value: Any) -> list[tuple[str, str]]:
    """The (channel id, name) pairs a form listed, as its save button sent them back."""
    if not isinstance(value, list):
        return []
    return [
        (str(item[0]), str(item[1]))
        for item in value
        if isinstance(item, list | tuple) and len(item) == 2 and isinstance(item[0], str)
    ]


def _text(key: str, language: Language) -> Reply:
    return Reply(it.TEXTS[key].get(language), language)


def _log_refusal(state: _TeamState, turn: Turn) -> None:
    log.info(
        "channel mapping change refused: not an admin",
        extra={"team": state.team_id, "network": state.network.key, "user": turn.sender_id},
    )


def _mapping_reply(
    state: _TeamState, heading: str, language: Language, *, editable: bool = True
) -> Reply:
    """The mapping as facts (General first), with the "Ändra" button for admins."""
    bound = state.bound()
    mapping = [(GENERAL_CHANNEL_NAME.get(language), it.TEXTS["whole_network"].get(language))]
    mapping += [
        (name, _described(state.network, bound.get(cid), language))
        for cid, name in state.editable()
    ]
    change = (
        (it.TEXTS["change"].get(language),
         {"action": EDIT_ACTION, "team": state.team_id, "lang": language})
        if editable
        else None
    )  # fmt: skip
    title = escape(state.network.name.get(language))
    card = cards.channel_mapping_card(
        title=title,
        intro=heading,
        mapping_heading=it.TEXTS["current"].get(language),
        mapping=mapping,
        notes=[],
        confirm=None,
        change=change,
    )
    lines = "\n".join(f"- {escape(channel)}: {target}" for channel, target in mapping)
    return Reply(f"**{title}**\n\n{heading}\n\n{lines}", language, card=card)


def _described(network: Network, key: str | None, language: Language) -> str:
    """What a channel is linked to, as the welcome says it."""
    if key is None:
        return it.TEXTS["unbound"].get(language)
    group = next((g for g in network.groups if g.key == key), None)
    if group is not None:
        return it.TEXTS["group"].get(language).format(group=escape(group.name.get(language)))
    channel = next((c for c in network.channels if c.key == key), None)
    name = channel.name.get(language) if channel is not None else key
    return it.TEXTS["declared"].get(language).format(channel=escape(name))


def _known(registry: RoleRegistry, key: str | None) -> Network | None:
    return next((n for n in registry.networks if n.key == key), None)


def _network_names(network: Network) -> list[str]:
    return [network.key, network.name.sv, network.name.en, *network.aliases]


def _group_names(group: Group) -> list[str]:
    return [group.key, group.name.sv, group.name.en, *group.aliases]


def _best_match(
    name: str | None, candidates: Sequence[T], names: Callable[[T], list[str]]
) -> T | None:
    """The candidate `name` names: an exact match, else the only one whose name it contains.

    "Logistik" is the group Logistik; "Expertgrupp Logistik 2026" too, as long as no other
    group's name is in it as well.
    """
    if not name:
        return None
    wanted = normalized(name)
    exact = [c for c in candidates if wanted in {normalized(n) for n in names(c)}]
    if len(exact) == 1:
        return exact[0]
    padded = f" {wanted} "
    contained = [
        c for c in candidates if any(f" {normalized(n)} " in padded for n in names(c) if n.strip())
    ]
    return contained[0] if len(contained) == 1 else None


def _welcome(
    team: Team,
    network: Network,
    channels: Sequence[TeamChannel],
    bound: dict[str, str | None],
    guessed: bool,
    language: Language,
) -> Reply:
    text = it.TEXTS
    mapping = [(GENERAL_CHANNEL_NAME.get(language), text["whole_network"].get(language))]
    for channel in sorted(channels, key=lambda c: fold(c.name or "")):
        if channel.id == team.id:
            continue
        target = _described(network, bound.get(channel.id), language)
        mapping.append((channel.name or channel.id, target))
    notes = []
    if guessed:
        notes.append(text["default_network"].get(language).format(
            network=escape(network.name.get(language))))
    without = [
        escape(g.name.get(language)) for g in network.groups if g.key not in bound.values()
    ]
    if without:
        notes.append(text["groups_without_channel"].get(language).format(
            groups=", ".join(without)))
    title = text["title"].get(language).format(
        team=escape(team.name or network.name.get(language))
    )
    intro = text["intro"].get(language).format(network=escape(network.name.get(language)))
    heading = text["mapping"].get(language)
    card = cards.channel_mapping_card(
        title=title,
        intro=intro,
        mapping_heading=heading,
        mapping=mapping,
        notes=notes,
        confirm=(text["confirm"].get(language), {"action": CONFIRM_ACTION}),
        change=(text["change"].get(language),
                {"action": EDIT_ACTION, "team": team.id, "lang": language}),
    )  # fmt: skip
    lines = "\n".join(f"- {channel}: {target}" for channel, target in mapping)
    summary = "\n\n".join([f"**{title}**", intro, f"**{heading}**\n{lines}", *notes])
    return Reply(summary, language, card=card)
