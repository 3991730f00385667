"""The posts meetings and the annual wheel call for: agenda reminders, deadlines, warnings.

`MeetingPlanner` is a `domain.posts.Planner`: asked for the posts due by a time, it
reads the registry and the stored meetings and returns
- an agenda reminder (the agenda card) in the group's channel `agenda.reminder_days`
  before each meeting;
- for each annual-wheel deadline, a reminder `lead_days` before it in the rule's target
  channel(s), naming the responsible role's holders (a `Mention` for those with an Entra
  object id);
- for each failed check (too few meetings planned, no preparation meeting, a term of
  office ending), the same kind of notice.

Keys are deterministic per occurrence, lead time and channel, e.g.
`agenda:bestservice:logistik:2027-03-16T10:00:7d` and
`wheel:erad:kallelse_eradsmote:2027-02-02:0d:eradet`, so planning again never doubles a
post. A reminder is due at `post_time` (Stockholm) on its day, moved off weekends and
holidays (back, unless the agenda's `shift` says otherwise). The next, closer reminder of
the same occurrence supersedes it from the start of its day, so after an outage or at a
first start only the newest reminder goes out and the older ones are recorded as
superseded; the last goes stale when the deadline day ends (an agenda: when the meeting
starts). Every deadline has a post on its day unless its rule opts out
(`WheelRule.reminder_leads`). A post states its countdown ("om 7 dagar") for the day it
is due; one sent on another day has it rewritten when it is sent (`Countdown`).

Admins' changes to wheel entries (`storage.wheel_overrides`) are read on every pass, so
the next pass plans the changed dates. The same module keeps the stored meetings in step
with the data files' meeting series (`sync_meeting_series`).
"""

from __future__ import annotations

import html
import logging
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from domain.agenda import compose_agenda
from domain.meetings import AgendaItem, Meeting, MeetingDraft
from domain.ports import MeetingPort, RegistryPort, WheelOverridePort
from domain.posts import Countdown, Mention, PlannedPost, PostKey, Target
from domain.recurrence import (
    LONGEST_SHIFT,
    at_local,
    aware,
    local,
    nth_occurrence,
    occurrences,
    shifted,
    start_of_day,
)
from domain.registry import Assignment, Language, Network, RoleRegistry, ShiftPolicy
from domain.wheel import WheelDeadline, effective_rules, wheel_deadlines
from domain.wheel_overrides import WheelOverride
from texts import meetings as mt
from texts.markdown import escape
from views import cards
from views.meetings import (
    deadline_problem,
    meeting_when,
    responsible_holders,
    responsible_title,
    shift_note,
)

log = logging.getLogger(__name__)

DEFAULT_POST_TIME = time(9, 0)  # reminders appear at the start of a working day
DEFAULT_LOOKBACK = timedelta(days=7)
# How far ahead the data files' meeting series are stored as meetings: a year and a bit,
# so that "next year" checks and the chat's meeting list see a whole year.
SERIES_HORIZON = timedelta(days=400)


@dataclass(frozen=True)
class Reminder:
    """One reminder of an occurrence: its lead time, when it is due and when it goes stale.

    `next_lead` is the lead time of the reminder that supersedes this one from
    `stale_after` on; None for the last reminder, which goes stale when it is too late.
    """

    lead_days: int
    day: date  # the local day it is posted on
    due_at: datetime
    stale_after: datetime
    next_lead: int | None = None


def reminders(
    day: date,
    lead_days: Sequence[int],
    post_time: time,
    ends: datetime,
    shift: ShiftPolicy = "previous_working_day",
) -> list[Reminder]:
    """The reminders of an occurrence on `day` that ends (goes stale) at `ends`.

    Each lead time is posted on `day - lead`, shifted off weekends and holidays by
    `shift`; leads that land on the same day keep only the closest one. Chained as
    `reminder_chain` says.
    """
    by_day: dict[date, int] = {}
    for lead in sorted(set(lead_days), reverse=True):
        by_day[shifted(day - timedelta(days=lead), shift)] = lead
    return reminder_chain(by_day, post_time, ends)


def reminder_chain(by_day: Mapping[date, int], post_time: time, ends: datetime) -> list[Reminder]:
    """Reminders of one occurrence on the posting days of `by_day` (day: the lead time or
    other number its key names), soonest first, each at `post_time`.

    Those due at or after `ends` are dropped. Each is superseded by the next from the start
    of the next one's day (so one day never has two posts of one occurrence, and after
    downtime only the newest goes out); the last goes stale at `ends`.
    """
    planned = [
        (post_day, lead)
        for post_day, lead in sorted(by_day.items())
        if at_local(post_day, post_time) < ends
    ]
    result = []
    for index, (post_day, lead) in enumerate(planned):
        later = planned[index + 1] if index + 1 < len(planned) else None
        result.append(
            Reminder(
                lead_days=lead,
                day=post_day,
                due_at=at_local(post_day, post_time),
                stale_after=start_of_day(later[0]) if later is not None else ends,
                next_lead=later[1] if later is not None else None,
            )
        )
    return result


def series_drafts(network: Network, start: datetime, end: datetime) -> list[MeetingDraft]:
    """The meetings the network's series give with a start in [start, end)."""
    drafts = []
    low, high = local(start).replace(tzinfo=None), local(end).replace(tzinfo=None)
    for series in network.meetings:
        kind = network.meeting_kind(series.kind)
        length = series.end - series.start
        for moment in occurrences(series.rrule, series.start, low, high):
            if moment >= high:
                continue
            step = None
            if kind.steps:
                n = nth_occurrence(series.rrule, series.start, moment)
                step = n if n <= len(kind.steps) else None
            drafts.append(
                MeetingDraft(
                    network_key=network.key,
                    group_key=series.group_key,
                    kind=series.kind,
                    starts_at=aware(moment),
                    ends_at=aware(moment + length),
                    mode=series.mode,
                    place=series.place,
                    online_url=series.online_url,
                    step=step,
                    series_key=series.key,
                    occurrence_start=aware(moment),
                )
            )
    return drafts


async def sync_meeting_series(
    registry: RoleRegistry,
    meetings: MeetingPort,
    now: datetime,
    horizon: timedelta = SERIES_HORIZON,
) -> None:
    """Store the meetings of every network's series from the start of this year on.

    From January, so the checks that count this year's meetings see the past ones too.
    Idempotent; run at start, after an import and by the planner once a day.
    """
    start = start_of_day(date(local(now).year, 1, 1))
    end = now + horizon
    for network in registry.networks:
        drafts = series_drafts(network, start, end)
        await meetings.sync_series(network.key, drafts, start, end, now=now)


class MeetingPlanner:
    """Plans agenda reminders, annual-wheel deadlines and failed checks (a `Planner`)."""

    def __init__(
        self,
        registry: RegistryPort,
        meetings: MeetingPort,
        *,
        lookback: timedelta = DEFAULT_LOOKBACK,
        post_time: time = DEFAULT_POST_TIME,
        language: Language = "sv",
        overrides: WheelOverridePort | None = None,
    ):
        self._registry = registry
        self._meetings = meetings
        self._overrides = overrides
        self._lookback = lookback
        self._post_time = post_time
        self._language = language
        self._synced: tuple[int, date] | None = None  # registry revision and day of the last sync
        self._loaded: tuple[int, RoleRegistry] | None = None  # the registry of a revision
        # Per network: what its meetings and wheel give for a period, and what that
        # depends on (`_NetworkPlan`); reused while none of it changes.
        self._plans: dict[str, _NetworkPlan] = {}

    async def planned_posts(self, until: datetime) -> list[PlannedPost]:
        """Posts due at or before `until` that are not stale before `until - lookback`.

        Call it with `until` = now (or a few minutes ahead): cards are built from the
        data as it is when they are planned, so planning far ahead would post agendas
        without the points members add in the meantime.
        """
        revision = await self._registry.revision()
        if self._loaded is None or self._loaded[0] != revision:
            self._loaded = (revision, await self._registry.load())
        registry = self._loaded[1]
        if self._synced != (revision, local(until).date()):
            await sync_meeting_series(registry, self._meetings, until)
            self._synced = (revision, local(until).date())
        since = until - self._lookback
        overrides = await self._overrides.all() if self._overrides is not None else {}
        fingerprints = await self._meetings.fingerprints()
        posts: list[PlannedPost] = []
        for network in registry.networks:
            plan = await self._network_plan(
                network,
                revision,
                fingerprints.get(network.key),
                overrides.get(network.key, {}),
                since,
                until,
            )
            posts += await self._network_posts(network, plan, since, until)
        current = {network.key for network in registry.networks}
        self._plans = {key: plan for key, plan in self._plans.items() if key in current}
        return sorted(posts, key=lambda post: (post.due_at, post.key))

    async def _network_plan(
        self,
        network: Network,
        revision: int,
        fingerprint: object,
        overrides: dict[str, WheelOverride],
        since: datetime,
        until: datetime,
    ) -> _NetworkPlan:
        """The network's meetings and wheel deadlines around [since, until]: worked out
        again only when the registry, the network's meetings, its wheel overrides or the
        days concerned changed, not on every pass."""
        first_day = local(since).date() - timedelta(days=1)
        rules = effective_rules(network, overrides)
        longest_lead = max(
            [0, *network.agenda.reminder_days, *(d for r in rules for d in r.reminder_leads)]
        )
        # A reminder due by `until` is for a day at most the longest lead after it, plus
        # however far a weekend or holiday moved its posting day back.
        last_day = local(until).date() + timedelta(days=longest_lead) + LONGEST_SHIFT
        depends_on = (revision, fingerprint, overrides, first_day, last_day)
        known = self._plans.get(network.key)
        if known is not None and known.depends_on == depends_on:
            return known
        # Whole years around the period: the checks count a year's (or next year's) meetings.
        meetings = await self._meetings.meetings(
            network.key,
            start_of_day(date(first_day.year, 1, 1)),
            start_of_day(date(last_day.year + 2, 1, 1)),
        )
        plan = _NetworkPlan(
            depends_on=depends_on,
            meetings=tuple(
                m for m in meetings if first_day <= local(m.starts_at).date() <= last_day
            ),
            deadlines=tuple(
                wheel_deadlines(network, meetings, first_day, last_day, overrides=overrides)
            ),
        )
        self._plans[network.key] = plan
        return plan

    async def _network_posts(
        self, network: Network, plan: _NetworkPlan, since: datetime, until: datetime
    ) -> list[PlannedPost]:
        def wanted(reminder: Reminder) -> bool:
            return reminder.due_at <= until and reminder.stale_after > since

        agenda_due = [
            (meeting, reminder)
            for meeting in plan.meetings
            for reminder in reminders(
                local(meeting.starts_at).date(),
                network.agenda.reminder_days,
                self._post_time,
                meeting.starts_at,
                network.agenda.shift,
            )
            if wanted(reminder)
        ]
        items = await self._meetings.items(meeting.id for meeting, _ in agenda_due)
        posts = [
            self._agenda_post(network, meeting, items.get(meeting.id, []), reminder)
            for meeting, reminder in agenda_due
        ]
        for deadline in plan.deadlines:
            ends = start_of_day(deadline.day + timedelta(days=1))
            leads = deadline.rule.reminder_leads
            for reminder in reminders(deadline.day, leads, self._post_time, ends):
                if wanted(reminder):
                    posts.append(self._wheel_post(network, deadline, reminder))
        return posts

    def _agenda_post(
        self, network: Network, meeting: Meeting, items: list[AgendaItem], reminder: Reminder
    ) -> PlannedPost:
        language = self._language
        agenda = compose_agenda(network, meeting, items)
        group = escape(agenda.group_name.get(language))
        when = meeting_when(meeting, language)
        heading = mt.AGENDA_REMINDER_TITLE.get(language).format(
            when=mt.format_short_day(local(meeting.starts_at).date(), language), group=group
        )
        key = PostKey.agenda(network.key, meeting.group_key, meeting.starts_at, reminder.lead_days)
        return PlannedPost(
            key=str(key),
            target=Target(network.key, meeting.group_key),
            due_at=reminder.due_at,
            stale_after=reminder.stale_after,
            language=language,
            text=f"{mt.AGENDA_TITLE.get(language).format(group=group)}: {when}",
            card=cards.agenda_card(agenda, language, heading=heading),
            kind="agenda",
            superseded_by=_next(key, reminder),
        )

    def _wheel_post(
        self, network: Network, deadline: WheelDeadline, reminder: Reminder
    ) -> PlannedPost:
        language = self._language
        rule = deadline.rule
        title = escape(rule.title.get(language))
        day = mt.format_day(deadline.day, language)
        relative = mt.days_until((deadline.day - reminder.day).days, language)
        holders = responsible_holders(network, deadline, reminder.day)
        mentions = tuple(
            Mention(a.person.name, a.person.entra_object_id)
            for a in holders
            if a.person.entra_object_id
        )
        who = ", ".join(_named(a) for a in holders) or responsible_title(
            network, deadline, language
        )
        problem = deadline_problem(network, deadline, language)
        lines = [line for line in (escape(rule.description.get(language)), problem) if line]
        text = mt.WHEEL_POST.get(language).format(title=title, day=day, relative=relative)
        if problem:
            text += " " + problem
        if who:
            text += " " + mt.RESPONSIBLE_LINE.get(language).format(who=who)
        facts = [
            (
                mt.DEADLINE.get(language),
                f"{day} ({relative}) {shift_note(deadline, language)}".strip(),
            )
        ]
        if who:
            facts.append((mt.RESPONSIBLE.get(language), who))
        buttons = [
            cards.command_button(
                mt.WHEEL_BUTTON.get(language),
                cards.SHOW_WHEEL,
                network.key,
                deadline.group_key,
                language,
            )
        ]
        if rule.check is not None:
            buttons.append(
                cards.command_button(
                    mt.MEETINGS_BUTTON.get(language),
                    cards.SHOW_MEETINGS,
                    network.key,
                    deadline.group_key,
                    language,
                )
            )
        key = PostKey.wheel(
            network.key, rule.key, deadline.nominal, reminder.lead_days, deadline.channel
        )
        return PlannedPost(
            key=str(key),
            target=Target(network.key, deadline.channel),
            due_at=reminder.due_at,
            stale_after=reminder.stale_after,
            language=language,
            text=text,
            card=cards.notice_card(
                mt.WHEEL_TITLE.get(language).format(scope=title), facts, lines, buttons
            ),
            mentions=mentions,
            kind="check" if rule.check is not None else "wheel",
            countdown=Countdown(deadline.day, relative),
            superseded_by=_next(key, reminder),
        )


@dataclass(frozen=True)
class _NetworkPlan:
    """What a network's meetings and wheel give around a planning period.

    `depends_on`: the registry revision, the network's meetings fingerprint
    (`MeetingPort.fingerprints`), its wheel overrides and the first and last day
    concerned; while they are equal, so is the rest.
    """

    depends_on: tuple[object, ...]
    meetings: tuple[Meeting, ...]  # not cancelled, starting on a day concerned
    deadlines: tuple[WheelDeadline, ...]


def _next(key: PostKey, reminder: Reminder) -> str | None:
    """The key of the reminder that supersedes this one, if any."""
    return str(key.with_lead(reminder.next_lead)) if reminder.next_lead is not None else None


def _named(assignment: Assignment) -> str:
    """A holder as the post names them: a Teams mention tag when they can be mentioned."""
    person = assignment.person
    if person.entra_object_id:
        return f"<at>{html.escape(person.name, quote=False)}</at>"
    return escape(person.name)
