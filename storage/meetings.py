"""Meetings of the networks' groups and the points members add to their agendas.

A meeting comes either from a meeting series in a network's data file (placed here by
`sync_series`, which runs at every start and import) or from an admin's card. Series
meetings keep the series key and the start the series gave them, so syncing again
adds only what is missing, updates what an admin has not touched and removes future
meetings the series no longer has (unless an admin touched them or members added
points). Times are stored in UTC and returned timezone-aware.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Iterable, Sequence
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import case, exists, func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from domain.meetings import AgendaItem, Meeting, MeetingDraft, SyncResult
from storage import audit
from storage.database import Database
from storage.schema import AgendaItemRow, MeetingRow

log = logging.getLogger(__name__)

# Rows inserted per statement: far below both databases' bound-parameter limits.
_INSERT_CHUNK = 200


class MeetingRepository:
    """Meetings and agenda items in the database."""

    def __init__(self, database: Database):
        self._database = database

    # --- reading ---

    async def get(self, meeting_id: int) -> Meeting | None:
        """The meeting with this id, cancelled or not; None if there is none."""
        async with self._database.snapshot() as session:
            row = await session.get(MeetingRow, meeting_id)
            return _meeting(row) if row is not None else None

    async def meetings(
        self,
        network_key: str,
        start: datetime,
        end: datetime,
        *,
        group_key: str | None = None,
        include_cancelled: bool = False,
    ) -> list[Meeting]:
        """Meetings of a network (or one group) that end after `start` and start before
        `end`, in order of start."""
        query = select(MeetingRow).where(
            MeetingRow.network_key == network_key,
            MeetingRow.ends_at > start,
            MeetingRow.starts_at < end,
        )
        if group_key is not None:
            query = query.where(MeetingRow.group_key == group_key)
        if not include_cancelled:
            query = query.where(~MeetingRow.cancelled)
        async with self._database.snapshot() as session:
            rows = await session.scalars(query.order_by(MeetingRow.starts_at, MeetingRow.id))
            return [_meeting(row) for row in rows]

    async def fingerprints(self) -> dict[str, tuple[Any, ...]]:
        """Per network, a value that changes whenever one of its meetings is added, moved,
        cancelled or removed, or changed by a series sync: how many rows it has, the
        largest id, the latest `updated_at` (every such write sets it), how many are
        cancelled and the sums of their start and end times (so a write stamped by a
        replica whose clock lags behind still shows).

        One aggregate query for all networks: the planner compares it with the last one
        to know whether what it worked out from a network's meetings still holds.
        """
        if self._database.dialect == "postgresql":
            def seconds(column: Any) -> Any:
                return func.extract("epoch", column)
        else:
            def seconds(column: Any) -> Any:
                return func.julianday(column)

        async with self._database.snapshot() as session:
            rows = await session.execute(
                select(
                    MeetingRow.network_key,
                    func.count(),
                    func.max(MeetingRow.id),
                    func.max(MeetingRow.updated_at),
                    func.sum(case((MeetingRow.cancelled, 1), else_=0)),
                    func.sum(seconds(MeetingRow.starts_at)),
                    func.sum(seconds(MeetingRow.ends_at)),
                ).group_by(MeetingRow.network_key)
            )
            return {key: tuple(values) for key, *values in rows}

    async def next_meeting(self, network_key: str, group_key: str, now: datetime) -> Meeting | None:
        """The group's next meeting that has not ended by `now` (not cancelled)."""
        async with self._database.snapshot() as session:
            row = await session.scalar(
                select(MeetingRow)
                .where(
                    MeetingRow.network_key == network_key,
                    MeetingRow.group_key == group_key,
                    MeetingRow.ends_at > now,
                    ~MeetingRow.cancelled,
                )
                .order_by(MeetingRow.starts_at, MeetingRow.id)
                .limit(1)
            )
            return _meeting(row) if row is not None else None

    async def items(self, meeting_ids: Iterable[int]) -> dict[int, list[AgendaItem]]:
        """The members' agenda items of each meeting, in the order they were added."""
        ids = list(dict.fromkeys(meeting_ids))
        found: dict[int, list[AgendaItem]] = defaultdict(list)
        if not ids:
            return found
        async with self._database.snapshot() as session:
            rows = await session.scalars(
                select(AgendaItemRow)
                .where(AgendaItemRow.meeting_id.in_(ids))
                .order_by(AgendaItemRow.added_at, AgendaItemRow.id)
            )
            for row in rows:
                found[row.meeting_id].append(_item(row))
        return found

    # --- writing ---

    async def add(self, draft: MeetingDraft, *, by: str | None, now: datetime) -> Meeting:
        """Store a meeting an admin added (`by`: their Entra object id or user id)."""
        _check_times(draft.starts_at, draft.ends_at)
        async with self._database.transaction() as session:
            row = MeetingRow(**_columns(draft), cancelled=False, edited=True)
            row.updated_by, row.updated_at = by, now
            session.add(row)
            await session.flush()
            meeting = _meeting(row)
            await audit.record(
                session, action="meeting.add", actor=by, at=now,
                network_key=meeting.network_key, subject=f"meeting {meeting.id}",
                after=_audited(meeting),
            )
        log.info(
            "meeting added",
            extra={"meeting": meeting.id, "network": meeting.network_key, "by": by},
        )
        return meeting

    async def move(
        self,
        meeting_id: int,
        starts_at: datetime,
        ends_at: datetime,
        *,
        place: str | None,
        online_url: str | None,
        by: str | None,
        now: datetime,
    ) -> Meeting | None:
        """Give a meeting new times (and place and link); None if there is no such meeting.

        A moved meeting is no longer changed by importing its series again.
        """
        _check_times(starts_at, ends_at)
        async with self._database.transaction() as session:
            row = await session.get(MeetingRow, meeting_id)
            if row is None:
                return None
            before = _audited(_meeting(row))
            row.starts_at, row.ends_at = starts_at, ends_at
            row.place, row.online_url = place, online_url
            row.edited, row.updated_by, row.updated_at = True, by, now
            row.sequence += 1
            await session.flush()
            meeting = _meeting(row)
            await audit.record(
                session, action="meeting.move", actor=by, at=now,
                network_key=meeting.network_key, subject=f"meeting {meeting.id}",
                before=before, after=_audited(meeting),
            )
        log.info("meeting moved", extra={"meeting": meeting_id, "by": by})
        return meeting

    async def cancel(self, meeting_id: int, *, by: str | None, now: datetime) -> Meeting | None:
        """Cancel a meeting (kept, marked cancelled); None if there is no such meeting."""
        async with self._database.transaction() as session:
            row = await session.get(MeetingRow, meeting_id)
            if row is None:
                return None
            before = _audited(_meeting(row))
            row.cancelled, row.edited, row.updated_by, row.updated_at = True, True, by, now
            row.sequence += 1
            await session.flush()
            meeting = _meeting(row)
            await audit.record(
                session, action="meeting.cancel", actor=by, at=now,
                network_key=meeting.network_key, subject=f"meeting {meeting.id}",
                before=before, after=_audited(meeting),
            )
        log.info("meeting cancelled", extra={"meeting": meeting_id, "by": by})
        return meeting

    async def add_item(
        self,
        meeting_id: int,
        text: str,
        *,
        author_name: str | None,
        author_id: str | None,
        now: datetime,
    ) -> AgendaItem | None:
        """Add a point to a meeting's agenda; None if there is no such meeting."""
        async with self._database.transaction() as session:
            meeting_row = await session.get(MeetingRow, meeting_id)
            if meeting_row is None:
                return None
            row = AgendaItemRow(
                meeting_id=meeting_id,
                text=text,
                author_name=author_name,
                author_id=author_id,
                added_at=now,
            )
            session.add(row)
            await session.flush()
            item = _item(row)
            await audit.record(
                session, action="agenda.add_item", actor=author_id, at=now,
                network_key=meeting_row.network_key, subject=f"meeting {meeting_id}",
                after={"item": item.id, "text": text},
            )
        log.info("agenda item added", extra={"meeting": meeting_id, "item": item.id})
        return item

    async def sync_series(
        self,
        network_key: str,
        drafts: Sequence[MeetingDraft],
        window_start: datetime,
        window_end: datetime,
        *,
        now: datetime,
    ) -> SyncResult:
        """Make the network's series meetings in [window_start, window_end) match `drafts`.

        `drafts` are every occurrence the data file's series give in that window. Missing
        ones are added; ones an admin never touched take the draft's details; future ones
        the series no longer gives are removed, unless an admin touched them or members
        added points to them. Meetings outside the window are left as they are.
        """
        wanted = {(d.series_key, _utc(d.occurrence_start)): d for d in drafts if d.series_key}
        added = updated = removed = 0
        async with self._database.transaction() as session:
            rows = await session.scalars(
                select(MeetingRow).where(
                    MeetingRow.network_key == network_key,
                    MeetingRow.series_key.is_not(None),
                    MeetingRow.occurrence_start >= window_start,
                    MeetingRow.occurrence_start < window_end,
                )
            )
            stored = {(row.series_key, _utc(row.occurrence_start)): row for row in rows}
            for key, row in stored.items():
                draft = wanted.get(key)
                if row.edited:
                    continue
                if draft is None:
                    if row.starts_at > now and not await _has_items(session, row.id):
                        await session.delete(row)
                        removed += 1
                    continue
                columns = _columns(draft)
                if any(getattr(row, name) != value for name, value in columns.items()):
                    for name, value in columns.items():
                        setattr(row, name, value)
                    row.updated_at = now
                    row.sequence += 1
                    updated += 1
            new = [draft for key, draft in wanted.items() if key not in stored]
            # In chunks: a network of a thousand groups meeting monthly adds tens of
            # thousands of rows, beyond SQLite's limit of bound parameters per statement.
            for start in range(0, len(new), _INSERT_CHUNK):
                # Another replica may sync the same series at the same moment.
                insert = self._database.insert(MeetingRow).values(
                    [
                        {
                            **_columns(draft),
                            "cancelled": False,
                            "edited": False,
                            "sequence": 0,
                            "updated_by": None,
                            "updated_at": now,
                        }
                        for draft in new[start : start + _INSERT_CHUNK]
                    ]
                )
                result = await session.execute(
                    insert.on_conflict_do_nothing(
                        index_elements=[
                            MeetingRow.network_key,
                            MeetingRow.series_key,
                            MeetingRow.occurrence_start,
                        ]
                    )
                )
                added += max(result.rowcount or 0, 0)
        if added or updated or removed:
            log.info(
                "meeting series synced",
                extra={
                    "network": network_key,
                    "added": added,
                    "updated": updated,
                    "removed": removed,
                },
            )
        return SyncResult(added, updated, removed)


def _check_times(starts_at: datetime, ends_at: datetime) -> None:
    if starts_at.tzinfo is None or ends_at.tzinfo is None:
        raise ValueError("meeting times must be timezone-aware")
    if ends_at <= starts_at:
        raise ValueError(f"a meeting must end after it starts ({starts_at} – {ends_at})")


async def _has_items(session: AsyncSession, meeting_id: int) -> bool:
    return bool(
        await session.scalar(select(exists().where(AgendaItemRow.meeting_id == meeting_id)))
    )


def _utc(value: datetime | None) -> datetime | None:
    return value.astimezone(UTC) if value is not None else None


def _columns(draft: MeetingDraft) -> dict[str, object]:
    return {
        "network_key": draft.network_key,
        "group_key": draft.group_key,
        "kind": draft.kind,
        "series_key": draft.series_key,
        "occurrence_start": _utc(draft.occurrence_start),
        "step": draft.step,
        "starts_at": _utc(draft.starts_at),
        "ends_at": _utc(draft.ends_at),
        "mode": draft.mode,
        "place": draft.place,
        "online_url": draft.online_url,
    }


def _meeting(row: MeetingRow) -> Meeting:
    return Meeting(
        id=row.id,
        network_key=row.network_key,
        group_key=row.group_key,
        kind=row.kind,
        starts_at=_utc(row.starts_at),  # type: ignore[arg-type]
        ends_at=_utc(row.ends_at),  # type: ignore[arg-type]
        mode=row.mode,  # type: ignore[arg-type]  # the table's CHECK allows only the modes
        place=row.place,
        online_url=row.online_url,
        step=row.step,
        series_key=row.series_key,
        cancelled=row.cancelled,
        sequence=row.sequence or 0,
        updated_at=_utc(row.updated_at),
    )


def _audited(meeting: Meeting) -> dict[str, object]:
    """What the audit log keeps of a meeting: what admins change, nothing personal."""
    return {
        "group": meeting.group_key,
        "kind": meeting.kind,
        "starts_at": meeting.starts_at.isoformat(),
        "ends_at": meeting.ends_at.isoformat(),
        "mode": meeting.mode,
        "place": meeting.place,
        "online_url": meeting.online_url,
        "cancelled": meeting.cancelled,
    }


def _item(row: AgendaItemRow) -> AgendaItem:
    return AgendaItem(
        id=row.id,
        meeting_id=row.meeting_id,
        text=row.text,
        author_name=row.author_name,
        author_id=row.author_id,
        added_at=_utc(row.added_at),  # type: ignore[arg-type]
    )


# --- data protection (`storage.personal_data`) ---


async def items_by_authors(session: AsyncSession, author_ids: Iterable[str]) -> list[AgendaItem]:
    """The agenda points added by anyone with one of `author_ids`, oldest first."""
    ids = [author_id for author_id in author_ids if author_id]
    if not ids:
        return []
    rows = await session.scalars(
        select(AgendaItemRow).where(AgendaItemRow.author_id.in_(ids)).order_by(AgendaItemRow.id)
    )
    return [_item(row) for row in rows]


async def redact_person(
    session: AsyncSession, author_ids: Iterable[str], names: Iterable[str], placeholder: str
) -> int:
    """Remove a person from agendas and meetings; returns the rows changed.

    Their points stay on the agenda (the meeting needs them) without author; their name in
    any point's text, and their id as the last editor of a meeting, become `placeholder`.
    """
    ids = [author_id for author_id in author_ids if author_id]
    folded = {name.casefold() for name in names if name and name.strip()}
    changed = 0
    for row in await session.scalars(select(AgendaItemRow)):
        text = audit.redact(row.text, folded, placeholder)
        if row.author_id in ids or text != row.text:
            if row.author_id in ids:
                row.author_id, row.author_name = None, placeholder
            row.text = text
            changed += 1
    if ids:
        result = await session.execute(
            update(MeetingRow).where(MeetingRow.updated_by.in_(ids)).values(updated_by=placeholder)
        )
        changed += max(result.rowcount or 0, 0)
    await session.flush()
    return changed
