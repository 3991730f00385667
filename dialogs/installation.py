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
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Protocol, TypeVar

from dialogs import cards
from dialogs.meeting_views import GENERAL_CHANNEL_NAME
from dialogs.text import fold
from dialogs.turns import Reply
from storage.conversations import ChannelBinding
from storage.registry import Group, Language, Localized, Network, RoleRegistry

log = logging.getLogger(__name__)

T = TypeVar("T")

CONFIRM_ACTION = "confirm_channel_mapping"  # what the welcome card's button submits

_TEXTS: dict[str, Localized[str]] = {
    "title": Localized(sv="Hej {team}!", en="Hello {team}!"),
    "intro": Localized(
        sv="Jag är samverkansboten för **{network}**. Jag postar påminnelser om gruppernas "
        "möten och årshjulets datum i gruppernas kanaler, och svarar på vem ni ska kontakta: "
        "nämn mig med @ i en kanal. Skriv ”utskick” för att se vad som är planerat. "
        "*I answer in English too: just ask in English.*",
        en="I am the collaboration bot for **{network}**. I post reminders of the groups' "
        "meetings and the annual wheel's dates in the groups' channels, and answer who to "
        'contact: @mention me in a channel. Type "posts" to see what is planned. '
        "*Jag svarar också på svenska.*",
    ),
    "mapping": Localized(sv="Så här har jag kopplat kanalerna", en="How I linked the channels"),
    "whole_network": Localized(sv="hela nätverket", en="the whole network"),
    "group": Localized(sv="gruppen {group}", en="the group {group}"),
    "unbound": Localized(
        sv="ingen grupp (frågor här gäller hela nätverket)",
        en="no group (questions here are about the whole network)",
    ),
    "groups_without_channel": Localized(
        sv="Grupper utan egen kanal: {groups}. Deras påminnelser postas när en kanal med "
        "gruppens namn finns.",
        en="Groups without a channel of their own: {groups}. Their reminders are posted once "
        "a channel with the group's name exists.",
    ),
    "default_network": Localized(
        sv="Teamets namn liknade inget nätverk, så jag utgick från {network}.",
        en="The team's name matched no network, so I assumed {network}.",
    ),
    "confirm": Localized(sv="Det stämmer", en="That's right"),
    "confirmed": Localized(
        sv="Tack! Kopplingen gäller. Påminnelser och årshjulsdatum postas i kanalerna ovan.",
        en="Thank you! The links stand. Reminders and annual-wheel dates go to the channels "
        "above.",
    ),
}

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


class Channels(Protocol):
    """What installations need from `storage.conversations.ConversationStore`."""

    async def save_reference(
        self,
        reference: dict[str, Any],
        *,
        tenant_id: str | None,
        team_id: str | None,
        channel_id: str | None,
        kind: str,
    ) -> None: ...

    async def set_binding(
        self, team_id: str, channel_id: str | None, network_key: str, group_key: str | None
    ) -> None: ...

    async def remove_binding(self, team_id: str, channel_id: str | None) -> bool: ...

    async def bindings_for_team(self, team_id: str) -> list[ChannelBinding]: ...

    async def set_active(self, conversation_id: str, active: bool) -> bool: ...

    async def set_team_active(self, team_id: str, active: bool) -> int: ...


class Requeue(Protocol):
    """What installations need from `storage.outbox.Outbox`."""

    async def requeue_undeliverable(self, network_key: str, now: datetime) -> int: ...


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
        channels: Channels,
        outbox: Requeue,
        default_network: str,
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
    ):
        self._registry = registry
        self._channels = channels
        self._outbox = outbox
        self._default_network = default_network
        self._clock = clock

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
        return Reply(_TEXTS["confirmed"].get(language), language)

    async def _save(self, team: Team, channel: TeamChannel) -> None:
        await self._channels.save_reference(
            channel.reference,
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
    text = _TEXTS
    groups = {g.key: g for g in network.groups}
    mapping = [(GENERAL_CHANNEL_NAME.get(language), text["whole_network"].get(language))]
    for channel in sorted(channels, key=lambda c: fold(c.name or "")):
        if channel.id == team.id:
            continue
        group = groups.get(bound.get(channel.id) or "")
        target = (
            text["group"].get(language).format(group=group.name.get(language))
            if group is not None
            else text["unbound"].get(language)
        )
        mapping.append((channel.name or channel.id, target))
    notes = []
    if guessed:
        notes.append(text["default_network"].get(language).format(
            network=network.name.get(language)))
    without = [g.name.get(language) for g in network.groups if g.key not in bound.values()]
    if without:
        notes.append(text["groups_without_channel"].get(language).format(
            groups=", ".join(without)))
    title = text["title"].get(language).format(team=team.name or network.name.get(language))
    intro = text["intro"].get(language).format(network=network.name.get(language))
    heading = text["mapping"].get(language)
    card = cards.channel_mapping_card(
        title=title,
        intro=intro,
        mapping_heading=heading,
        mapping=mapping,
        notes=notes,
        confirm=(text["confirm"].get(language), {"action": CONFIRM_ACTION}),
    )
    lines = "\n".join(f"- {channel}: {target}" for channel, target in mapping)
    summary = "\n\n".join([f"**{title}**", intro, f"**{heading}**\n{lines}", *notes])
    return Reply(summary, language, card=card)
