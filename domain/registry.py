"""The role registry as plain, immutable Python data.

A `RoleRegistry` is a snapshot of every configured network: its groups, its roles
(with Swedish and English titles, duties and synonyms) and who holds each role.
It is what the data files describe (`storage.registry_files`), what the database
stores (`storage.registry_repository`) and what the answering logic in `dialogs/`
reads. Nothing here knows about SQL, YAML or Teams.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from functools import cached_property
from typing import TYPE_CHECKING, Generic, Literal, TypeVar

if TYPE_CHECKING:
    from domain.wheel_checks import WheelCheck

T = TypeVar("T")

Language = Literal["sv", "en"]
LANGUAGES: tuple[Language, ...] = ("sv", "en")

RoleScope = Literal["group", "network"]

MeetingMode = Literal["physical", "online", "hybrid"]
MEETING_MODES: tuple[MeetingMode, ...] = ("physical", "online", "hybrid")

ShiftPolicy = Literal["previous_working_day", "next_working_day", "none"]
SHIFT_POLICIES: tuple[ShiftPolicy, ...] = ("previous_working_day", "next_working_day", "none")

# Wheel-rule targets besides group keys and the network's own `channels`.
TARGET_GENERAL = "general"  # the team's General channel
TARGET_EACH_GROUP = "each_group"  # every group's channel, each about its own group

# The DTSTART of a wheel rule that gives no `start`: any date well before the bot's time.
DEFAULT_RULE_START = date(2020, 1, 1)


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

    No private contact details are kept (see docs/data-protection.md).
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
class Channel:
    """A channel of the network's team that is no group's, e.g. the board's."""

    key: str
    name: Localized[str]


@dataclass(frozen=True)
class MeetingStep:
    """One meeting of a fixed sequence (a working group's meeting n of 6).

    `homework` is what the participants do between this meeting and the next.
    """

    title: Localized[str]
    purpose: Localized[str]
    homework: Localized[str] = field(default_factory=lambda: Localized("", ""))


@dataclass(frozen=True)
class MeetingKind:
    """A kind of meeting (expert-group meeting, e-council meeting, …).

    `standing_agenda`: whether the network's standing points belong on its agenda.
    `steps`: for a kind held as a numbered sequence, each meeting's purpose and homework.
    """

    key: str
    name: Localized[str]
    standing_agenda: bool = True
    steps: tuple[MeetingStep, ...] = ()


@dataclass(frozen=True)
class AgendaSettings:
    """The standing points of every meeting's agenda, in order, and when to post it.

    `reminder_days`: the agenda is posted in the group's channel this many days before
    each meeting (one post per number); `shift` moves a posting day off a weekend or
    Swedish holiday (to the working day before, by default).
    """

    standing_points: tuple[Localized[str], ...] = ()
    reminder_days: tuple[int, ...] = (7,)
    shift: ShiftPolicy = "previous_working_day"


@dataclass(frozen=True)
class MeetingSeries:
    """Meetings of one group described by a recurrence, as shipped in the data files.

    `start` and `end` are the first meeting's wall-clock times in Europe/Stockholm
    (naive); `rrule` is an RFC 5545 RRULE (without DTSTART: `start` is it), or None
    for a single meeting. Each occurrence keeps the first meeting's length.
    """

    key: str
    group_key: str
    kind: str
    start: datetime
    end: datetime
    rrule: str | None = None
    mode: MeetingMode = "physical"
    place: str | None = None
    online_url: str | None = None


@dataclass(frozen=True)
class MeetingOffset:
    """A date relative to each meeting of a kind: `days` after it (negative: before).

    `step`: only the meetings with this step number (1-based) of a numbered kind.
    """

    kind: str
    days: int
    step: int | None = None


@dataclass(frozen=True)
class WheelRule:
    """One rule of the annual wheel (årshjul): a deadline, or a check, and who hears of it.

    When it falls: `rrule` (an RFC 5545 RRULE over dates, DTSTART `start`), or
    `relative_to` each meeting of a kind, or, for the checks that carry their own dates
    (`WheelCheck.own_dates`: `preceded_by`, `term_end`), neither. A `check` (one of the
    kinds in `domain.wheel_checks.CHECK_KINDS`) posts only when it fails.
    `target` is a group key, a channel key, `general` or `each_group`; `responsible` a
    role key whose holder is mentioned. Reminders go out `lead_days` before the date
    (0: on the day), each on the working day at or before; with `on_the_day` (the default)
    there is a post on the day itself even when `lead_days` has no 0. `shift` moves a
    date on a weekend or Swedish holiday.
    """

    key: str
    title: Localized[str]
    target: str
    lead_days: tuple[int, ...] = (0,)
    description: Localized[str] = field(default_factory=lambda: Localized("", ""))
    responsible: str | None = None
    rrule: str | None = None
    start: date | None = None
    relative_to: MeetingOffset | None = None
    check: WheelCheck | None = None
    shift: ShiftPolicy = "previous_working_day"
    on_the_day: bool = True

    @property
    def reminder_leads(self) -> tuple[int, ...]:
        """The days before the date a reminder goes out: `lead_days`, and 0 (the day
        itself) unless the rule opts out with `on_the_day: false`; longest first."""
        leads = set(self.lead_days) | ({0} if self.on_the_day else set())
        return tuple(sorted(leads, reverse=True))


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
    # Who may add, move and cancel meetings: work e-mails or Entra object ids.
    admins: tuple[str, ...] = ()
    channels: tuple[Channel, ...] = ()  # channels that are no group's
    agenda: AgendaSettings = field(default_factory=AgendaSettings)
    meeting_kinds: tuple[MeetingKind, ...] = ()
    meetings: tuple[MeetingSeries, ...] = ()  # shipped meeting series
    wheel: tuple[WheelRule, ...] = ()

    # Lookups by key, built on first use: a registry snapshot lives for many turns, and
    # answering one question asks for its roles, groups and holders several times.
    # (Not fields: equality, hashing and `replace` see only the data.)
    @cached_property
    def _groups_by_key(self) -> dict[str, Group]:
        found: dict[str, Group] = {}
        for group in self.groups:
            found.setdefault(group.key, group)  # the first of a key, as a scan finds it
        return found

    @cached_property
    def _roles_by_key(self) -> dict[str, Role]:
        found: dict[str, Role] = {}
        for role in self.roles:
            found.setdefault(role.key, role)
        return found

    @cached_property
    def _assignments_by_post(self) -> dict[tuple[str, str | None, bool], tuple[Assignment, ...]]:
        found: dict[tuple[str, str | None, bool], list[Assignment]] = {}
        for a in self.assignments:
            found.setdefault((a.role_key, a.group_key, a.deputy), []).append(a)
        return {post: tuple(assignments) for post, assignments in found.items()}

    def group(self, key: str) -> Group:
        group = self._groups_by_key.get(key)
        if group is None:
            raise UnknownGroup(self.key, key, tuple(g.key for g in self.groups))
        return group

    def find_group(self, key: str) -> Group | None:
        """The group with `key` (the first of a key, as `group`), or None: for callers that
        fall back to another rule rather than fail."""
        return self._groups_by_key.get(key)

    def role(self, key: str) -> Role:
        role = self._roles_by_key.get(key)
        if role is None:
            raise KeyError(f"unknown role {key!r} in network {self.key!r}")
        return role

    def meeting_kind(self, key: str) -> MeetingKind:
        for kind in self.meeting_kinds:
            if kind.key == key:
                return kind
        raise KeyError(f"unknown meeting kind {key!r} in network {self.key!r}")

    def channel_name(self, key: str) -> Localized[str] | None:
        """The name of a group's channel or of another declared channel; None if unknown."""
        for item in (*self.groups, *self.channels):
            if item.key == key:
                return item.name
        return None

    def holders(
        self, role_key: str, group_key: str | None, today: date, *, deputies: bool = False
    ) -> tuple[Assignment, ...]:
        """Current holders (or deputies) of a role; `group_key` is ignored for network roles."""
        role = self.role(role_key)
        wanted_group = group_key if role.scope == "group" else None
        assignments = self._assignments_by_post.get((role_key, wanted_group, deputies), ())
        return tuple(a for a in assignments if a.is_current(today))


@dataclass(frozen=True)
class RoleRegistry:
    """Every configured network, keyed by network key."""

    networks: tuple[Network, ...] = ()

    @cached_property
    def _networks_by_key(self) -> dict[str, Network]:
        found: dict[str, Network] = {}
        for network in self.networks:
            found.setdefault(network.key, network)
        return found

    def network(self, key: str) -> Network:
        network = self._networks_by_key.get(key)
        if network is None:
            raise UnknownNetwork(key, self.keys())
        return network

    def keys(self) -> tuple[str, ...]:
        return tuple(n.key for n in self.networks)
