"""Meetings of the networks' groups and the points members add to their agendas, as plain data."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from domain.registry import MeetingMode


@dataclass(frozen=True)
class MeetingDraft:
    """A meeting to store: from a series occurrence (`series_key`, `occurrence_start`) or
    from an admin (neither)."""

    network_key: str
    group_key: str
    kind: str
    starts_at: datetime  # timezone-aware
    ends_at: datetime  # timezone-aware, after starts_at
    mode: MeetingMode = "physical"
    place: str | None = None
    online_url: str | None = None
    step: int | None = None
    series_key: str | None = None
    occurrence_start: datetime | None = None


@dataclass(frozen=True)
class Meeting:
    """A stored meeting. `step` is n in "meeting n of 6" for a numbered kind."""

    id: int
    network_key: str
    group_key: str
    kind: str
    starts_at: datetime  # timezone-aware (UTC)
    ends_at: datetime
    mode: MeetingMode
    place: str | None = None
    online_url: str | None = None
    step: int | None = None
    series_key: str | None = None
    cancelled: bool = False
    # Raised by every move, cancellation or change from the series: iCalendar's SEQUENCE.
    sequence: int = 0
    updated_at: datetime | None = None


@dataclass(frozen=True)
class AgendaItem:
    """A point a member added to a meeting's agenda."""

    id: int
    meeting_id: int
    text: str
    author_name: str | None
    author_id: str | None
    added_at: datetime


@dataclass(frozen=True)
class SyncResult:
    """What `sync_series` changed."""

    added: int
    updated: int
    removed: int
