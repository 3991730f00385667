"""A meeting's agenda, composed from the network's data and what members added.

The order is fixed: for a meeting of a numbered sequence (a working group's meeting n of 6)
first that step's purpose and the homework until the next meeting, then the network's
standing points in the order the data file gives them (if the meeting's kind has a standing
agenda), then the points members added, in the order they added them.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from domain.meetings import AgendaItem, Meeting
from domain.registry import Localized, MeetingStep, Network


@dataclass(frozen=True)
class Agenda:
    """Everything the agenda card shows about one meeting."""

    meeting: Meeting
    network_key: str
    group_name: Localized[str]
    kind_name: Localized[str]
    step: MeetingStep | None
    step_count: int
    standing_points: tuple[Localized[str], ...]
    items: tuple[AgendaItem, ...]


def compose_agenda(network: Network, meeting: Meeting, items: Sequence[AgendaItem]) -> Agenda:
    """The agenda of `meeting` in `network`, with the members' `items`."""
    group = network.group(meeting.group_key)
    kind = next((k for k in network.meeting_kinds if k.key == meeting.kind), None)
    # A kind no longer in the data file still shows its key, and the standing points.
    kind_name = kind.name if kind is not None else Localized(meeting.kind, meeting.kind)
    steps = kind.steps if kind is not None else ()
    step = None
    if meeting.step is not None and 1 <= meeting.step <= len(steps):
        step = steps[meeting.step - 1]
    standing = kind is None or kind.standing_agenda
    return Agenda(
        meeting=meeting,
        network_key=network.key,
        group_name=group.name,
        kind_name=kind_name,
        step=step,
        step_count=len(steps),
        standing_points=network.agenda.standing_points if standing else (),
        items=tuple(sorted(items, key=lambda i: (i.added_at, i.id))),
    )
