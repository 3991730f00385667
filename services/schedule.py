"""What is due when: a network's meetings and annual-wheel deadlines over a period.

One reading of the wheel and the meetings for everything that lists them outside the
chat: the calendar feed (`services.calendar_feed`) and the command line's `wheel` and
`agenda`. Deadlines come from `domain.wheel` with the admins' overrides applied, and
read as the chat and the posts read them (`views.meetings`), except that nothing
here names a person: what is listed here is also served without sign-in.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Literal

from domain.agenda import Agenda, compose_agenda
from domain.meetings import Meeting
from domain.ports import MeetingPort, WheelOverridePort
from domain.recurrence import local, start_of_day
from domain.registry import Language, Network
from domain.wheel import WheelDeadline, wheel_deadlines
from views.meetings import (
    channel_name,
    deadline_problem,
    kind_name,
    meeting_what,
    responsible_title,
    shift_note,
)

DueKind = Literal["deadline", "check", "meeting"]


def meeting_key(meeting: Meeting) -> str:
    """Stable for the meeting however often it moves: `network:meeting:id`."""
    return f"{meeting.network_key}:meeting:{meeting.id}"


@dataclass(frozen=True)
class DueItem:
    """One dated thing of a network: a meeting, a wheel deadline or a failed check.

    `title`, `detail`, `channel_name` and `responsible` are in the listing's language;
    `responsible` is a role's title, never a person.
    """

    day: date
    key: str
    kind: DueKind
    network_key: str
    group_key: str | None
    channel: str | None
    title: str
    detail: str
    channel_name: str | None = None
    responsible: str | None = None
    meeting: Meeting | None = None
    deadline: WheelDeadline | None = None

    def as_json(self) -> dict[str, object]:
        """The command line's `wheel --json` object (a stable contract)."""
        return {
            "date": self.day.isoformat(),
            "key": self.key,
            "title": self.title,
            "network": self.network_key,
            "group": self.group_key,
            "kind": self.kind,
            "channel": self.channel,
            "responsible": self.responsible,
            "detail": self.detail,
            "start": local(self.meeting.starts_at).isoformat() if self.meeting else None,
            "end": local(self.meeting.ends_at).isoformat() if self.meeting else None,
            "cancelled": self.meeting.cancelled if self.meeting else False,
        }


class Schedule:
    """Reads a network's meetings and deadlines for a period, as listed outside the chat."""

    def __init__(self, meetings: MeetingPort, overrides: WheelOverridePort | None = None):
        self._meetings = meetings
        self._overrides = overrides

    @property
    def meetings(self) -> MeetingPort:
        """The meetings' repository (agendas read their items from it)."""
        return self._meetings

    async def deadlines(
        self, network: Network, start: date, end: date, *, group_key: str | None = None
    ) -> list[WheelDeadline]:
        """The wheel's deadlines (and failed checks) whose day is in [start, end]."""
        # Checks count a whole year's meetings, so read every year the period touches.
        stored = await self._meetings.meetings(
            network.key,
            start_of_day(date(start.year - 1, 1, 1)),
            start_of_day(date(end.year + 2, 1, 1)),
        )
        overrides = (
            await self._overrides.for_network(network.key) if self._overrides is not None else {}
        )
        return wheel_deadlines(
            network, stored, start, end, group_key=group_key, overrides=overrides
        )

    async def meetings_between(
        self,
        network: Network,
        start: date,
        end: date,
        *,
        group_key: str | None = None,
        include_cancelled: bool = False,
    ) -> list[Meeting]:
        """The meetings (of one group) on the days [start, end], in order of start."""
        return await self._meetings.meetings(
            network.key,
            start_of_day(start),
            start_of_day(end + timedelta(days=1)),
            group_key=group_key,
            include_cancelled=include_cancelled,
        )

    async def due(
        self,
        network: Network,
        start: date,
        end: date,
        language: Language,
        *,
        group_key: str | None = None,
        include_cancelled: bool = False,
    ) -> list[DueItem]:
        """Meetings, deadlines and failed checks on the days [start, end], soonest first
        (on one day: meetings by time, then deadlines in the wheel's order)."""
        meetings = await self.meetings_between(
            network, start, end, group_key=group_key, include_cancelled=include_cancelled
        )
        items = [meeting_item(network, m, language) for m in meetings]
        deadlines = await self.deadlines(network, start, end, group_key=group_key)
        items += [deadline_item(network, d, language) for d in deadlines]
        # Both lists come in order (meetings by start, deadlines in the wheel's order).
        position = {id(item): index for index, item in enumerate(items)}
        return sorted(
            items, key=lambda item: (item.day, item.meeting is None, position[id(item)])
        )

    async def next_agenda(self, network: Network, group_key: str, now: datetime) -> Agenda | None:
        """The agenda of the group's next meeting (not cancelled, not over); None if none."""
        meeting = await self._meetings.next_meeting(network.key, group_key, now)
        if meeting is None:
            return None
        items = await self._meetings.items([meeting.id])
        return compose_agenda(network, meeting, items.get(meeting.id, []))


def meeting_item(network: Network, meeting: Meeting, language: Language) -> DueItem:
    """A meeting as listed: its kind and group, how and where it is held."""
    group = network.group(meeting.group_key).name.get(language)
    return DueItem(
        day=local(meeting.starts_at).date(),
        key=meeting_key(meeting),
        kind="meeting",
        network_key=network.key,
        group_key=meeting.group_key,
        channel=meeting.group_key,
        title=f"{kind_name(network, meeting.kind).get(language)} {group}",
        detail=meeting_what(network, meeting, language, group=False, markdown=False),
        channel_name=group,
        meeting=meeting,
    )


def deadline_item(network: Network, deadline: WheelDeadline, language: Language) -> DueItem:
    """A wheel deadline or failed check as listed: what is due, or what the check found."""
    problem = deadline_problem(network, deadline, language, names=False, markdown=False)
    details = [problem or deadline.rule.description.get(language), shift_note(deadline, language)]
    return DueItem(
        day=deadline.day,
        key=deadline.key,
        kind="check" if deadline.rule.check is not None else "deadline",
        network_key=network.key,
        group_key=deadline.group_key,
        channel=deadline.channel,
        title=deadline.rule.title.get(language),
        detail=" ".join(d for d in details if d),
        channel_name=channel_name(network, deadline.channel, language),
        responsible=responsible_title(network, deadline, language, markdown=False),
        deadline=deadline,
    )
