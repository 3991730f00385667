"""What Graph tells the chat's administration: a network's team owners, and people.

`GraphTeamOwners` answers `domain.ports.TeamOwnersPort`: the network's team is the
team bound to it (its General channel's stored reference); Teams names that team to the
bot by its thread id, Graph by its Microsoft 365 group id, which Teams sends beside it
(`channelData.team.aadGroupId`, kept in the `graph_team` table). The owners are read
from `GET /teams/{group id}/members` and kept a few minutes per team, so a burst of
clicks costs one Graph call. Errors are raised, never cached: `Permissions` treats a
failed lookup as "not an owner", so an outage grants nothing.

`DirectoryPeople` answers `domain.ports.PeopleDirectoryPort` (is this Entra object id
a person of the tenant, and what is their name and work e-mail) and the people picker's
search (`search`), as plain `Person`s: only a name, a work e-mail and the object id.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable
from typing import TYPE_CHECKING

from domain.ports import ConversationPort, MinutesPort
from domain.registry import Person

if TYPE_CHECKING:  # importing bot.graph loads msgraph-sdk (bot/graph_config.py)
    from bot.graph import DirectoryUser, GraphDirectory
    from bot.graph_clients import DeferredDirectory

log = logging.getLogger(__name__)

OWNERS_CACHE_SECONDS = 300.0


class TeamNotKnown(LookupError):
    """No team is bound to the network, or Teams never told the bot its group id."""


class GraphTeamOwners:
    """Whether a person owns the team a network lives in, from Graph, cached per team."""

    def __init__(
        self,
        directory: GraphDirectory | DeferredDirectory,
        channels: ConversationPort,
        graph_teams: MinutesPort,
        *,
        clock: Callable[[], float] = time.monotonic,
    ):
        self._directory = directory
        self._channels = channels
        self._graph_teams = graph_teams
        self._clock = clock
        self._owners: dict[str, tuple[float, frozenset[str]]] = {}
        self._lookups: dict[str, asyncio.Lock] = {}  # one per team, kept like its owners

    async def is_team_owner(self, network_key: str, user_aad_object_id: str) -> bool:
        """True when Graph lists the person as an owner of the network's team.

        Raises `TeamNotKnown` or a `domain.filing.GraphError` when that cannot be told.
        """
        group_id = await self._group_id(network_key)
        owners = await self._team_owners(group_id)
        return user_aad_object_id.casefold() in owners

    async def _group_id(self, network_key: str) -> str:
        reference = await self._channels.channel_reference(network_key, None)
        if reference is None:
            raise TeamNotKnown(f"no team is bound to network {network_key!r}")
        # The General channel's conversation id is the team's id.
        group_id = await self._graph_teams.group_id(reference.conversation_id)
        if group_id is None:
            raise TeamNotKnown(f"the Microsoft 365 group of network {network_key!r} is not known")
        return group_id

    async def _team_owners(self, group_id: str) -> frozenset[str]:
        cached = self._owners.get(group_id)
        if cached is not None and self._clock() - cached[0] < OWNERS_CACHE_SECONDS:
            return cached[1]
        # One lookup per team at a time: the clicks of a busy minute wait for it, and a
        # slow lookup for one team holds up no other team's admins.
        async with self._lookups.setdefault(group_id, asyncio.Lock()):
            cached = self._owners.get(group_id)
            if cached is not None and self._clock() - cached[0] < OWNERS_CACHE_SECONDS:
                return cached[1]
            owners = await self._directory.team_owner_ids(group_id)
            self._owners[group_id] = (self._clock(), owners)
            log.info("team owners read from Graph", extra={"owners": len(owners)})
            return owners


class DirectoryPeople:
    """People of the tenant's directory as the registry keeps them."""

    def __init__(self, directory: GraphDirectory | DeferredDirectory):
        self._directory = directory

    async def person(self, entra_object_id: str) -> Person | None:
        """The person with this Entra object id; None if the directory has none.

        Raises a `domain.filing.GraphError` when Graph cannot be asked.
        """
        user = await self._directory.user(entra_object_id)
        return _person(user) if user is not None else None

    async def search(self, text: str, top: int = 10) -> list[Person]:
        """People whose name or e-mail starts with the words of `text`."""
        return [_person(user) for user in await self._directory.search_users(text, top)]


def _person(user: DirectoryUser) -> Person:
    # The work e-mail is `mail`; a UPN is a sign-in name, not always an address people read.
    return Person(name=user.name, email=user.mail, entra_object_id=user.id)
