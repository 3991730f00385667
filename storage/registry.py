"""The role registry as plain, immutable Python data.

A `RoleRegistry` is a snapshot of every configured network: its groups, its roles
(with Swedish and English titles, duties and synonyms) and who holds each role.
It is what the data files describe (`storage.registry_files`), what the database
stores (`storage.registry_repository`) and what the answering logic in `dialogs/`
reads. Nothing here knows about SQL, YAML or Teams.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Generic, Literal, TypeVar

T = TypeVar("T")

Language = Literal["sv", "en"]
LANGUAGES: tuple[Language, ...] = ("sv", "en")

RoleScope = Literal["group", "network"]


class UnknownNetwork(KeyError):
    """Raised when a network key is not in the registry."""

    def __init__(self, key: str, known: tuple[str, ...]):
        super().__init__(key)
        self.key = key
        self.known = known

    def __str__(self) -> str:
        return f"unknown network {self.key!r}; known networks: {', '.join(self.known) or 'none'}"


class UnknownGroup(KeyError):
    """Raised when a group key is not a group of the given network."""

    def __init__(self, network_key: str, key: str, known: tuple[str, ...]):
        super().__init__(key)
        self.network_key = network_key
        self.key = key
        self.known = known

    def __str__(self) -> str:
        return (
            f"unknown group {self.key!r} in network {self.network_key!r}; "
            f"known groups: {', '.join(self.known) or 'none'}"
        )


@dataclass(frozen=True)
class Localized(Generic[T]):
    """One value in Swedish and in English, side by side."""

    sv: T
    en: T

    def get(self, language: Language) -> T:
        return self.en if language == "en" else self.sv


@dataclass(frozen=True)
class Person:
    """Someone who holds a role: the minimum needed to reach them at work.

    No private contact details are kept (see the data-protection notes in README).
    """

    name: str
    email: str | None = None
    entra_object_id: str | None = None


@dataclass(frozen=True)
class Assignment:
    """A person holding a role, in one group or for the whole network."""

    role_key: str
    person: Person
    group_key: str | None = None  # None for network-scope roles
    deputy: bool = False
    term_start: date | None = None
    term_end: date | None = None

    def is_current(self, today: date) -> bool:
        """True while the term of office covers `today` (open ends count as covering)."""
        if self.term_start is not None and today < self.term_start:
            return False
        if self.term_end is not None and today > self.term_end:
            return False
        return True


@dataclass(frozen=True)
class Role:
    """A role with its duties, as the network's documents describe it.

    `synonyms` are extra words and phrases people use for the role or its duties
    ("lokal", "rum", "room booking"); the answering logic reads them together with
    the title and duties, so a new role is answerable without code changes.
    `ask_instead` names roles to turn to when this one is vacant; empty means the
    network's `ask_instead`.
    """

    key: str
    scope: RoleScope
    title: Localized[str]
    duties: Localized[tuple[str, ...]]
    synonyms: Localized[tuple[str, ...]] = field(default_factory=lambda: Localized((), ()))
    ask_instead: tuple[str, ...] = ()


@dataclass(frozen=True)
class Group:
    """A group of a network; in Teams, one channel of the network's team."""

    key: str
    name: Localized[str]
    aliases: tuple[str, ...] = ()  # other names people use for the group


@dataclass(frozen=True)
class Network:
    """A collaboration network: its groups, roles and role holders."""

    key: str
    name: Localized[str]
    description: Localized[str] = field(default_factory=lambda: Localized("", ""))
    aliases: tuple[str, ...] = ()
    groups: tuple[Group, ...] = ()
    roles: tuple[Role, ...] = ()
    assignments: tuple[Assignment, ...] = ()
    ask_instead: tuple[str, ...] = ()  # roles to ask when a role is vacant

    def group(self, key: str) -> Group:
        for group in self.groups:
            if group.key == key:
                return group
        raise UnknownGroup(self.key, key, tuple(g.key for g in self.groups))

    def role(self, key: str) -> Role:
        for role in self.roles:
            if role.key == key:
                return role
        raise KeyError(f"unknown role {key!r} in network {self.key!r}")

    def holders(
        self, role_key: str, group_key: str | None, today: date, *, deputies: bool = False
    ) -> tuple[Assignment, ...]:
        """Current holders (or deputies) of a role; `group_key` is ignored for network roles."""
        role = self.role(role_key)
        wanted_group = group_key if role.scope == "group" else None
        return tuple(
            a
            for a in self.assignments
            if a.role_key == role_key
            and a.group_key == wanted_group
            and a.deputy == deputies
            and a.is_current(today)
        )


@dataclass(frozen=True)
class RoleRegistry:
    """Every configured network, keyed by network key."""

    networks: tuple[Network, ...] = ()

    def network(self, key: str) -> Network:
        for network in self.networks:
            if network.key == key:
                return network
        raise UnknownNetwork(key, self.keys())

    def keys(self) -> tuple[str, ...]:
        return tuple(n.key for n in self.networks)
