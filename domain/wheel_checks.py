"""The kinds of annual-wheel check, one class each, and the table that names them.

A wheel rule may carry a `check`: something the wheel verifies, that becomes a deadline
only when it fails (too few meetings planned, a meeting without its preparation meeting,
a term of office running out). Each kind is one class here that knows

- its key in the data files (`type: min_meetings`) and its `settings` there, which the
  data-file reader validates (a meeting kind, a role, a count, one of some words) and
  hands to `from_settings` as a plain mapping; `to_settings` is the way back;
- whether it falls on dates of its own (`own_dates`: the meetings or terms it checks)
  or on the rule's `rrule` dates;
- how it finds its failing dates (`failing`), from a `CheckScope`: the rule, the
  period, the network's meetings counted once (`domain.wheel.MeetingIndex`), so a year
  of a large network costs time linear in its meetings;
- which sentence describes what it found (`problem`): the key of a text in
  `texts.meetings.CHECK_PROBLEMS` and the values it is filled with, as the things they
  are (a meeting kind, a role, a meeting, a day); `views.meetings.deadline_problem`
  writes them in the reader's language.

`CHECK_KINDS` maps each data-file key to its class: the reader, the writer, the wheel
and the views all go through it, so a new kind is one class here, its sentence in
`texts/meetings.py`, and a test.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from typing import TYPE_CHECKING, Any, ClassVar, Literal, Self

from domain.meetings import Meeting
from domain.recurrence import LONGEST_SHIFT
from domain.registry import TARGET_EACH_GROUP, TARGET_GENERAL, Assignment

if TYPE_CHECKING:
    from domain.wheel import CheckScope, WheelDeadline

# --- what a check's settings are -------------------------------------------------------------

SettingKind = Literal["meeting_kind", "role", "count", "choice"]


@dataclass(frozen=True)
class Setting:
    """One field of a check in the data files, as the reader validates it.

    `meeting_kind` and `role` are keys the network must declare; `count` a whole number,
    at least 1; `choice` one of `choices`. A setting that is not `required` may be left
    out: the class's default applies.
    """

    name: str
    kind: SettingKind
    required: bool = True
    choices: tuple[str, ...] = ()


# --- what a check's sentence mentions ---------------------------------------------------------


@dataclass(frozen=True)
class Scope:
    """The group a deadline concerns (its name), or the whole network when None."""

    group_key: str | None


@dataclass(frozen=True)
class KindName:
    """A meeting kind's name, in the middle of a sentence (lower case)."""

    key: str


@dataclass(frozen=True)
class RoleTitle:
    """A role's title, in the middle of a sentence (lower case)."""

    key: str


@dataclass(frozen=True)
class MeetingTime:
    """When a meeting is: its day and times."""

    meeting: Meeting


@dataclass(frozen=True)
class Day:
    """A date written out with its weekday."""

    day: date


@dataclass(frozen=True)
class Names:
    """People's names, comma-separated."""

    holders: tuple[Assignment, ...]


SentenceValue = Scope | KindName | RoleTitle | MeetingTime | Day | Names | int | str | None


@dataclass(frozen=True)
class CheckProblem:
    """What a failed check found: the key of its sentence and the values that fill it."""

    text: str
    values: Mapping[str, SentenceValue]


# --- the kinds -------------------------------------------------------------------------------


class WheelCheck:
    """A kind of check; subclasses are frozen dataclasses whose fields are the settings."""

    key: ClassVar[str]  # `type` in the data files
    settings: ClassVar[tuple[Setting, ...]]
    own_dates: ClassVar[bool] = False  # falls on the dates it checks, not on an rrule's

    @classmethod
    def from_settings(cls, settings: Mapping[str, Any]) -> Self:
        """The check with these (validated) settings; those left out keep their defaults."""
        names = {setting.name for setting in cls.settings}
        return cls(**{name: value for name, value in settings.items() if name in names})

    def to_settings(self) -> dict[str, Any]:
        """The settings as the data files write them, in `settings` order; unset ones out."""
        values = ((s.name, getattr(self, s.name)) for s in self.settings)
        return {name: value for name, value in values if value is not None}

    def failing(self, scope: CheckScope) -> Iterable[WheelDeadline]:
        """A deadline for each date (and channel) on which the check fails."""
        raise NotImplementedError

    def problem(self, deadline: WheelDeadline, *, names: bool) -> CheckProblem | None:
        """The sentence for a deadline this check failed; `names=False` leaves people out."""
        raise NotImplementedError


@dataclass(frozen=True)
class MinMeetingsCheck(WheelCheck):
    """At least `count` meetings (of `kind`, physical ones or any) in a calendar year.

    `year`: the year the check occurs in, or the next one (planning the coming year).
    Runs on the rule's `rrule` dates.
    """

    key: ClassVar[str] = "min_meetings"
    settings: ClassVar[tuple[Setting, ...]] = (
        Setting("count", "count"),
        Setting("kind", "meeting_kind", required=False),
        Setting("mode", "choice", required=False, choices=("physical", "any")),
        Setting("year", "choice", required=False, choices=("current", "next")),
    )

    count: int
    kind: str | None = None
    mode: Literal["physical", "any"] = "physical"
    year: Literal["current", "next"] = "current"

    def failing(self, scope: CheckScope) -> Iterable[WheelDeadline]:
        meetings, physical = scope.meetings, self.mode != "any"
        for nominal in scope.dates():
            year = nominal.year + (1 if self.year == "next" else 0)
            for channel, group in scope.channels():
                count = meetings.count(year, group, self.kind, physical)
                if count < self.count:
                    yield scope.deadline(nominal, channel, group, found=count, year=year)

    def problem(self, deadline: WheelDeadline, *, names: bool) -> CheckProblem | None:
        return CheckProblem(
            "min_meetings",
            {
                "scope": Scope(deadline.group_key),
                "found": deadline.found,
                "year": deadline.year,
                "count": self.count,
            },
        )


@dataclass(frozen=True)
class PrecededByCheck(WheelCheck):
    """Each meeting of `kind` has a meeting of `by_kind` in the `days` days before it."""

    key: ClassVar[str] = "preceded_by"
    settings: ClassVar[tuple[Setting, ...]] = (
        Setting("kind", "meeting_kind"),
        Setting("by_kind", "meeting_kind"),
        Setting("days", "count"),
    )
    own_dates: ClassVar[bool] = True

    kind: str
    by_kind: str
    days: int

    def failing(self, scope: CheckScope) -> Iterable[WheelDeadline]:
        each_group = scope.rule.target == TARGET_EACH_GROUP
        meetings, before = scope.meetings, timedelta(days=self.days)
        for meeting, day in meetings.of_kind(self.kind):
            nominal = day - before
            group = meeting.group_key if each_group else None
            if not meetings.any_between(self.by_kind, group, nominal, day):
                for channel, group in scope.channels(meeting.group_key):
                    yield scope.deadline(nominal, channel, group, meeting=meeting)

    def problem(self, deadline: WheelDeadline, *, names: bool) -> CheckProblem | None:
        if deadline.meeting is None:
            return None
        return CheckProblem(
            "preceded_by",
            {
                "by_kind": KindName(self.by_kind),
                "days": self.days,
                "kind": KindName(self.kind),
                "when": MeetingTime(deadline.meeting),
            },
        )


@dataclass(frozen=True)
class TermEndCheck(WheelCheck):
    """The term of office of the holders of `role` ends: time to appoint someone."""

    key: ClassVar[str] = "term_end"
    settings: ClassVar[tuple[Setting, ...]] = (Setting("role", "role"),)
    own_dates: ClassVar[bool] = True

    role: str

    def failing(self, scope: CheckScope) -> Iterable[WheelDeadline]:
        ending: dict[tuple[date, str | None], list[Assignment]] = {}
        for assignment in scope.network.assignments:
            if assignment.role_key != self.role or assignment.deputy or not assignment.term_end:
                continue
            if scope.start <= assignment.term_end <= scope.end + LONGEST_SHIFT:
                key = (assignment.term_end, assignment.group_key)
                ending.setdefault(key, []).append(assignment)
        for (term_end, group_key), holders in ending.items():
            # A network role's term concerns no group's channel: it goes to General.
            target = (
                TARGET_GENERAL
                if scope.rule.target == TARGET_EACH_GROUP and group_key is None
                else scope.rule.target
            )
            for channel, group in scope.channels(group_key, target=target):
                yield scope.deadline(term_end, channel, group, holders=tuple(holders))

    def problem(self, deadline: WheelDeadline, *, names: bool) -> CheckProblem | None:
        if not names:
            return CheckProblem(
                "term_end_unnamed", {"role": RoleTitle(self.role), "day": Day(deadline.nominal)}
            )
        return CheckProblem(
            "term_end",
            {
                "role": RoleTitle(self.role),
                "who": Names(deadline.holders),
                "day": Day(deadline.nominal),
            },
        )


CHECK_KINDS: dict[str, type[WheelCheck]] = {
    kind.key: kind for kind in (MinMeetingsCheck, PrecededByCheck, TermEndCheck)
}
"""Every kind of check by its key in the data files, in the order error messages list them."""
