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
        stored = await self._years_of_meetings(network, start, end)
        return await self._deadlines(network, stored, start, end, group_key)

    async def _years_of_meetings(self, network: Network, start: date, end: date) -> list[Meeting]:
        # Checks count a whole year's meetings, so read every year the period touches.
        return await self._meetings.meetings(
            network.key,
            start_of_day(date(start.year - 1, 1, 1)),
            start_of_day(date(end.year + 2, 1, 1)),
        )

    async def _deadlines(
        self,
        network: Network,
        stored: list[Meeting],
        start: date,
        end: date,
        group_key: str | None,
    ) -> list[WheelDeadline]:
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
        stored = await self._years_of_meetings(network, start, end)
        if include_cancelled:
            meetings = await self.meetings_between(
                network, start, end, group_key=group_key, include_cancelled=True
            )
        else:
            # The years read for the checks hold the period's meetings: one read, not two
            # (a year's listing would otherwise read its meetings a second time).
            meetings = _between(stored, start, end, group_key)
        texts = _Texts(network, language)
        items = [meeting_item(network, m, language, texts) for m in meetings]
        deadlines = await self._deadlines(network, stored, start, end, group_key)
        items += [deadline_item(network, d, language, texts) for d in deadlines]
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


def meeting_item(
    network: Network, meeting: Meeting, language: Language, texts: _Texts | None = None
) -> DueItem:
    """A meeting as listed: its kind and group, how and where it is held.

    `texts`: the network's names in `language` remembered across items (a long listing
    names the same groups and kinds thousands of times); one is made if not given.
    """
    texts = texts or _Texts(network, language)
    group = texts.group_name(meeting.group_key)
    return DueItem(
        day=local(meeting.starts_at).date(),
        key=meeting_key(meeting),
        kind="meeting",
        network_key=network.key,
        group_key=meeting.group_key,
        channel=meeting.group_key,
        title=f"{texts.kind_name(meeting.kind)} {group}",
        detail=texts.meeting_what(meeting),
        channel_name=group,
        meeting=meeting,
    )


def deadline_item(
    network: Network, deadline: WheelDeadline, language: Language, texts: _Texts | None = None
) -> DueItem:
    """A wheel deadline or failed check as listed: what is due, or what the check found."""
    texts = texts or _Texts(network, language)
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
        channel_name=texts.channel_name(deadline.channel),
        responsible=texts.responsible_title(deadline),
        deadline=deadline,
    )


def _between(
    meetings: list[Meeting], start: date, end: date, group_key: str | None
) -> list[Meeting]:
    """What `MeetingRepository.meetings` gives for the days [start, end] (and the group),
    taken from `meetings`, a read of a longer period in order of start."""
    low, high = start_of_day(start), start_of_day(end + timedelta(days=1))
    return [
        m
        for m in meetings
        if m.ends_at > low
        and m.starts_at < high
        and (group_key is None or m.group_key == group_key)
    ]


class _Texts:
    """A network's names and meeting descriptions in one language, each worked out once
    (by `views.meetings`) and remembered for the rest of a listing."""

    def __init__(self, network: Network, language: Language):
        self._network = network
        self._language = language
        self._groups: dict[str, str] = {}
        self._kinds: dict[str, str] = {}
        self._channels: dict[str, str] = {}
        self._responsible: dict[str | None, str | None] = {}
        self._what: dict[tuple[object, ...], str] = {}

    def group_name(self, key: str) -> str:
        name = self._groups.get(key)
        if name is None:
            name = self._groups[key] = self._network.group(key).name.get(self._language)
        return name

    def kind_name(self, key: str) -> str:
        name = self._kinds.get(key)
        if name is None:
            name = self._kinds[key] = kind_name(self._network, key).get(self._language)
        return name

    def channel_name(self, channel: str) -> str:
        name = self._channels.get(channel)
        if name is None:
            name = self._channels[channel] = channel_name(self._network, channel, self._language)
        return name

    def responsible_title(self, deadline: WheelDeadline) -> str | None:
        # The title depends on the rule's responsible role only.
        role = deadline.rule.responsible
        if role not in self._responsible:
            self._responsible[role] = responsible_title(
                self._network, deadline, self._language, markdown=False
            )
        return self._responsible[role]

    def meeting_what(self, meeting: Meeting) -> str:
        # Without the group, the description depends on these fields only.
        key = (meeting.kind, meeting.step, meeting.mode, meeting.place)
        what = self._what.get(key)
        if what is None:
            what = self._what[key] = meeting_what(
                self._network, meeting, self._language, group=False, markdown=False
            )
        return what
