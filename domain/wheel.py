"""The annual wheel (årshjul): a network's rules turned into dated deadlines per channel.

A `WheelRule` falls on the dates of an RFC 5545 rule, or at an offset from each meeting
of a kind, or (some checks) on the dates of what it checks. `wheel_deadlines` expands a
network's rules over a period into `WheelDeadline`s, one per date and target channel,
each moved off weekends and Swedish holidays as the rule says. Checks become deadlines
only when they fail: fewer meetings planned than the rule asks for, a meeting without
its preparation meeting, a term of office running out. Each kind of check is a class in
`domain.wheel_checks` that finds its own failing dates from a `CheckScope`.

Admins may change an entry from chat: `storage.wheel_overrides.WheelOverride`s replace a
rule's months and day, its offset from meetings, lead days, target or responsible role,
or pause it for whole years. `wheel_deadlines` applies them when given (`overrides`), so
the planner, "årshjul" and the wheel page all see the entry as changed; `effective_rule`
gives one rule as it stands.

Pure functions over plain data; the planner (`services.planning`) adds lead times and
texts, the chat shows the coming deadlines.
"""

from __future__ import annotations

from bisect import bisect_left
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta
from typing import Any

from domain.meetings import Meeting
from domain.recurrence import LONGEST_SHIFT, local, occurrences, shifted
from domain.registry import (
    DEFAULT_RULE_START,
    TARGET_EACH_GROUP,
    TARGET_GENERAL,
    Assignment,
    Network,
    WheelRule,
)
from domain.wheel_overrides import NO_RESPONSIBLE, WheelOverride

# Expanding rules this far past a period's ends finds every date that shifts into it.
_SHIFT_MARGIN = LONGEST_SHIFT

PHYSICAL_MODES = ("physical", "hybrid")  # a hybrid meeting has people in the room


@dataclass(frozen=True)
class WheelDeadline:
    """One date of one rule for one channel.

    `nominal` is the date the rule gives, `day` the date after the weekend/holiday shift.
    `group_key` is the group the deadline is about (the channel's group, or a relative
    rule's meeting's group), None for the whole network. Checks carry what they found.
    """

    network_key: str
    rule: WheelRule
    nominal: date
    day: date
    channel: str
    group_key: str | None = None
    meeting: Meeting | None = None  # relative rules and preceded_by checks
    holders: tuple[Assignment, ...] = ()  # term_end: whose term ends
    found: int | None = None  # min_meetings: how many such meetings are planned
    year: int | None = None  # min_meetings: the year checked

    @property
    def key(self) -> str:
        """Stable for the occurrence and channel: `network:rule:nominal-date:channel`."""
        return f"{self.network_key}:{self.rule.key}:{self.nominal.isoformat()}:{self.channel}"


def wheel_deadlines(
    network: Network,
    meetings: Sequence[Meeting],
    start: date,
    end: date,
    *,
    group_key: str | None = None,
    overrides: Mapping[str, WheelOverride] | None = None,
) -> list[WheelDeadline]:
    """Every deadline of the network's wheel whose (shifted) day is in [start, end].

    `meetings` are the network's meetings that are not cancelled; for the checks that
    count a year's meetings they must cover the whole years concerned. `group_key`
    keeps only what concerns that group's channel. `overrides` (by rule key) change
    rules as admins set them; a deadline's `rule` is then the changed rule, and the
    dates of a paused year are left out.
    """
    overrides = overrides or {}
    found: dict[str, WheelDeadline] = {}
    index = MeetingIndex(meetings)
    for shipped in network.wheel:
        override = overrides.get(shipped.key)
        rule = _usable(network, effective_rule(shipped, override), shipped)
        paused = set(override.paused_years) if override is not None else set()
        for deadline in _rule_deadlines(network, rule, meetings, start, end, index):
            if deadline.nominal.year in paused:
                continue
            if start <= deadline.day <= end and _concerns(deadline, group_key):
                found.setdefault(deadline.key, deadline)
    order = {rule.key: index for index, rule in enumerate(network.wheel)}
    # Channels in the order people know them: the groups', General, then the others.
    channels = (
        [g.key for g in network.groups] + [TARGET_GENERAL] + [c.key for c in network.channels]
    )
    return sorted(
        found.values(), key=lambda d: (d.day, order[d.rule.key], channels.index(d.channel))
    )


def yearly_date(rule: WheelRule) -> tuple[tuple[int, ...], int] | None:
    """(months, day of the month) of a rule that falls on a day of given months each year
    (`FREQ=YEARLY;BYMONTH=…;BYMONTHDAY=…`), the date people can change; None otherwise."""
    if rule.rrule is None or rule.relative_to is not None:
        return None
    parts = dict(
        part.split("=", 1) for part in rule.rrule.upper().split(";") if "=" in part
    )
    if set(parts) != {"FREQ", "BYMONTH", "BYMONTHDAY"} or parts["FREQ"] != "YEARLY":
        return None
    try:
        months = tuple(int(m) for m in parts["BYMONTH"].split(","))
        day = int(parts["BYMONTHDAY"])
    except ValueError:
        return None
    return months, day


def effective_rule(rule: WheelRule, override: WheelOverride | None) -> WheelRule:
    """`rule` as an admin's override changes it (the rule itself without one)."""
    if override is None:
        return rule
    changed = rule
    date_rule = yearly_date(rule)
    if date_rule is not None and (override.months is not None or override.day is not None):
        months = override.months if override.months is not None else date_rule[0]
        day = override.day if override.day is not None else date_rule[1]
        rrule = f"FREQ=YEARLY;BYMONTH={','.join(str(m) for m in months)};BYMONTHDAY={day}"
        changed = replace(changed, rrule=rrule)
    if rule.relative_to is not None and override.offset_days is not None:
        changed = replace(changed, relative_to=replace(rule.relative_to, days=override.offset_days))
    if override.lead_days is not None:
        changed = replace(changed, lead_days=override.lead_days)
    if override.target is not None:
        changed = replace(changed, target=override.target)
    if override.responsible is not None:
        responsible = None if override.responsible == NO_RESPONSIBLE else override.responsible
        changed = replace(changed, responsible=responsible)
    return changed


def effective_rules(
    network: Network, overrides: Mapping[str, WheelOverride] | None
) -> list[WheelRule]:
    """The network's wheel rules as its overrides change them, in the file's order."""
    overrides = overrides or {}
    return [
        _usable(network, effective_rule(rule, overrides.get(rule.key)), rule)
        for rule in network.wheel
    ]


def wheel_targets(network: Network) -> list[str]:
    """Where a wheel entry may post: each group's channel, a group's, General, a declared one."""
    each = [TARGET_EACH_GROUP] if network.groups else []
    groups = [g.key for g in network.groups]
    return [*each, *groups, TARGET_GENERAL, *(c.key for c in network.channels)]


def _usable(network: Network, rule: WheelRule, shipped: WheelRule) -> WheelRule:
    # An override outlives data-file imports: a target or role the network no longer has
    # falls back to the shipped rule's rather than breaking the whole wheel.
    if rule.target != shipped.target and rule.target not in wheel_targets(network):
        rule = replace(rule, target=shipped.target)
    if rule.responsible not in (shipped.responsible, None) and rule.responsible not in {
        r.key for r in network.roles
    }:
        rule = replace(rule, responsible=shipped.responsible)
    return rule


def _concerns(deadline: WheelDeadline, group_key: str | None) -> bool:
    return group_key is None or deadline.channel == group_key or deadline.group_key == group_key


def _rule_deadlines(
    network: Network,
    rule: WheelRule,
    meetings: Sequence[Meeting],
    start: date,
    end: date,
    index: MeetingIndex,
) -> Iterable[WheelDeadline]:
    check = rule.check
    if check is not None and (check.own_dates or rule.relative_to is None):
        yield from check.failing(CheckScope(network, rule, start, end, index))
    elif rule.relative_to is not None:
        yield from _relative(network, rule, meetings)
    else:
        for nominal in _rule_dates(rule, start, end):
            for channel, group in _channels(network, rule.target, None):
                yield _deadline(network, rule, nominal, channel, group)


@dataclass(frozen=True)
class CheckScope:
    """What a check sees of the wheel: one rule of a network over [start, end], the
    network's meetings counted once, and how its deadlines are made."""

    network: Network
    rule: WheelRule
    start: date
    end: date
    meetings: MeetingIndex

    def dates(self) -> list[date]:
        """The rule's `rrule` dates that may shift into the period."""
        return _rule_dates(self.rule, self.start, self.end)

    def channels(
        self, group_key: str | None = None, *, target: str | None = None
    ) -> list[tuple[str, str | None]]:
        """(channel, group it concerns) pairs of the rule's target (or `target`);
        `group_key` narrows `each_group` to one group and names the group it concerns."""
        return _channels(self.network, self.rule.target if target is None else target, group_key)

    def deadline(
        self, nominal: date, channel: str, group: str | None, **found: Any
    ) -> WheelDeadline:
        """A deadline of the rule on `nominal` (shifted as the rule says), with what the
        check found (`meeting`, `holders`, `found`, `year`)."""
        rule = self.rule
        return WheelDeadline(
            network_key=self.network.key,
            rule=rule,
            nominal=nominal,
            day=shifted(nominal, rule.shift),
            channel=channel,
            group_key=group,
            **found,
        )


def _rule_dates(rule: WheelRule, start: date, end: date) -> list[date]:
    """The nominal dates of an rrule rule that may shift into [start, end] (back or forth)."""
    dtstart = datetime.combine(rule.start or DEFAULT_RULE_START, datetime.min.time())
    low = datetime.combine(start - _SHIFT_MARGIN, datetime.min.time())
    high = datetime.combine(end + _SHIFT_MARGIN, datetime.min.time())
    return [moment.date() for moment in occurrences(rule.rrule, dtstart, low, high)]


def _deadline(
    network: Network,
    rule: WheelRule,
    nominal: date,
    channel: str,
    group: str | None,
    **found: Any,
) -> WheelDeadline:
    return WheelDeadline(
        network_key=network.key,
        rule=rule,
        nominal=nominal,
        day=shifted(nominal, rule.shift),
        channel=channel,
        group_key=group,
        **found,
    )


def _channels(network: Network, target: str, group_key: str | None) -> list[tuple[str, str | None]]:
    """(channel, group it concerns) pairs of a target; `group_key` narrows `each_group`."""
    if target == TARGET_EACH_GROUP:
        keys = [group_key] if group_key is not None else [g.key for g in network.groups]
        return [(key, key) for key in keys]
    is_group = any(g.key == target for g in network.groups)
    return [(target, target if is_group else group_key)]


def _relative(
    network: Network, rule: WheelRule, meetings: Sequence[Meeting]
) -> Iterable[WheelDeadline]:
    offset = rule.relative_to
    assert offset is not None
    for meeting in meetings:
        if meeting.kind != offset.kind or (offset.step is not None and meeting.step != offset.step):
            continue
        nominal = local(meeting.starts_at).date() + timedelta(days=offset.days)
        for channel, group in _channels(network, rule.target, meeting.group_key):
            yield _deadline(network, rule, nominal, channel, group, meeting=meeting)


class MeetingIndex:
    """A network's meetings counted and listed once, for the checks.

    The checks ask "how many meetings of this kind and mode in this year and group" and
    "is there a meeting of this kind in these days", once per rule date or per meeting;
    answered from these tables, a year of a large network is planned in time linear in
    its meetings rather than meetings × dates or meetings × meetings. Built lazily: a
    wheel without checks never pays for it.
    """

    def __init__(self, meetings: Sequence[Meeting]):
        self._meetings = meetings
        self._counts: Counter[tuple[int, str | None, str | None, bool]] | None = None
        self._days: dict[tuple[str, str | None], list[date]] | None = None

    def count(self, year: int, group: str | None, kind: str | None, physical: bool) -> int:
        """Meetings in `year` of `group` and `kind` (None: any), only in person if `physical`."""
        if self._counts is None:
            counts: Counter[tuple[int, str | None, str | None, bool]] = Counter()
            for meeting in self._meetings:
                year_of = local(meeting.starts_at).year
                modes = (False, True) if meeting.mode in PHYSICAL_MODES else (False,)
                for g in (meeting.group_key, None):
                    for k in (meeting.kind, None):
                        for mode in modes:
                            counts[year_of, g, k, mode] += 1
            self._counts = counts
        return self._counts[year, group, kind, physical]

    def of_kind(self, kind: str) -> Iterable[tuple[Meeting, date]]:
        """The meetings of `kind` with their local day."""
        for meeting in self._meetings:
            if meeting.kind == kind:
                yield meeting, local(meeting.starts_at).date()

    def any_between(self, kind: str, group: str | None, first: date, before: date) -> bool:
        """Whether a meeting of `kind` (of `group`; None: any group) falls on a day in
        [first, before)."""
        if self._days is None:
            days: dict[tuple[str, str | None], list[date]] = {}
            for meeting in self._meetings:
                day = local(meeting.starts_at).date()
                days.setdefault((meeting.kind, meeting.group_key), []).append(day)
                days.setdefault((meeting.kind, None), []).append(day)
            for listed in days.values():
                listed.sort()
            self._days = days
        listed = self._days.get((kind, group), [])
        at = bisect_left(listed, first)
        return at < len(listed) and listed[at] < before
