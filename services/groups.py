"""Which group a message is about: the one group resolution every command uses.

`resolve_group` decides it by one precedence, the first that applies:

1. a group chosen on a card (`chosen`: the group key a button's data carries);
2. the channel's group, when the command's argument is content rather than a group's name
   (`content`: an agenda point may well begin with another group's name);
3. a group named at the start of the argument ("dagordning logistik", "lägg till punkt
   logistik: budgeten"; its key, Swedish or English name or an alias, the longest that
   matches), and the rest of the argument is what follows the name;
4. a group named anywhere in the message (`named`: what the contact finder reads in the
   whole sentence, inflections included: "vad står på dagordningen för logistiken?");
5. the channel's group (the channel is bound to it);
6. the sender's one group (`sender_groups`: e.g. the groups a sender of minutes is
   secretary of), when there is exactly one;
7. the network's only group, unless the command has an answer for the network as a whole
   that is no group's (`only_group=False`: the network's roles, every group's minutes);
8. none: the command asks which group, or answers for the whole network.

A key that names no group of the network (a stale card, a channel bound to a declared
channel such as the board's) counts as not given.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Literal

from domain.registry import Group, Network
from services.text import fold

GroupSource = Literal["card", "channel", "argument", "message", "sender", "only", "none"]

# What may follow a group's name at the start of an argument ("logistik: budgeten").
_AFTER_NAME = r"(?=[\s:,.–?!-])"
_SEPARATORS = " :,.–-?!"


@dataclass(frozen=True)
class GroupChoice:
    """The group a message is about (None: no group), the rest of the command's argument
    once a group's name is taken off its start, and which rule decided (`source`)."""

    group: Group | None
    rest: str
    source: GroupSource


def resolve_group(
    network: Network,
    *,
    argument: str = "",
    channel_group: str | None = None,
    named: str | None = None,
    chosen: str | None = None,
    sender_groups: Iterable[str] = (),
    content: bool = False,
    only_group: bool = True,
) -> GroupChoice:
    """The group of `network` a message is about, by the module's precedence.

    `argument`: the words after the command; `channel_group`: the group the channel is
    bound to; `named`: the group named anywhere in the message; `chosen`: the group a
    card's button carries. Never raises: keys that name no group are ignored.
    """
    # Looked up in the network's own index: a dict of its groups built per call cost as much
    # as the rest of answering a question in a network of 2,000 groups. (Group keys are
    # unique within a network, in files and in the database alike.)
    channel = network.find_group(channel_group) if channel_group is not None else None
    if chosen is not None and (card := network.find_group(chosen)) is not None:
        return GroupChoice(card, argument, "card")
    if content and channel is not None:
        return GroupChoice(channel, argument, "channel")
    at_start = _named_at_start(network, argument)
    if at_start is not None:
        group, length = at_start
        # `fold` keeps the length of Swedish letters, so the rest is cut from the original.
        return GroupChoice(group, argument[length:].lstrip(_SEPARATORS), "argument")
    if named is not None and (in_message := network.find_group(named)) is not None:
        return GroupChoice(in_message, argument, "message")
    if channel is not None:
        return GroupChoice(channel, argument, "channel")
    senders = {key for key in sender_groups if network.find_group(key) is not None}
    if len(senders) == 1:
        return GroupChoice(network.group(senders.pop()), argument, "sender")
    if only_group and len(network.groups) == 1:
        return GroupChoice(network.groups[0], argument, "only")
    return GroupChoice(None, argument, "none")


def group_names(group: Group) -> tuple[str, ...]:
    """Every name a message may call `group` by: its key, names and aliases."""
    return tuple(n for n in (group.key, group.name.sv, group.name.en, *group.aliases) if n)


def _named_at_start(network: Network, argument: str) -> tuple[Group, int] | None:
    """The group whose name the argument is or begins with (the longest name), and the
    length of that name."""
    folded = fold(argument.strip())
    if not folded:
        return None
    offset = len(argument) - len(argument.lstrip())
    best: tuple[Group, int] | None = None
    for group in network.groups:
        for name in group_names(group):
            name = fold(name)
            whole = folded.rstrip(_SEPARATORS) == name
            if (whole or re.match(re.escape(name) + _AFTER_NAME, folded)) and (
                best is None or len(name) > best[1]
            ):
                best = (group, len(name))
    return (best[0], offset + best[1]) if best is not None else None
