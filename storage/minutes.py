"""Minutes filed in SharePoint, and received files still waiting to be filed.

A file the bot receives is stored as a `PendingUpload` before anything is sent to
Graph: its bytes in the row, or (when a data folder is configured) in a file under
`<data folder>/pending/`. The upload session URL and the next byte Graph expects are
saved as the upload goes, so a restart resumes it. When the file is safely in
SharePoint, `file_minutes` records the drive item against the meeting and deletes the
pending upload in one transaction; the spilled file is removed after that commits.

Graph names a team by its Microsoft 365 group id, which Teams sends beside the team's
thread id (`channelData.team.aadGroupId`); `remember_team` keeps it for uploads that
run outside a conversation (a restart, the command line).
"""

from __future__ import annotations

import asyncio
import logging
import os
import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from sqlalchemy import select

from storage.database import Database
from storage.schema import GraphTeamRow, MinutesRow, PendingUploadRow

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Minutes:
    """The minutes of a meeting as filed: the drive item and who sent it."""

    meeting_id: int
    drive_id: str
    item_id: str
    web_url: str
    path: str  # inside the channel folder
    file_name: str  # as the sender named it
    size: int
    sha256: str
    uploaded_by: str | None
    uploaded_at: datetime


@dataclass(frozen=True)
class PendingUpload:
    """A received file not yet filed. `next_offset` is the first byte the upload
    session (`upload_url`) still expects."""

    id: int
    meeting_id: int
    file_name: str
    target_path: str
    size: int
    sha256: str
    state: str  # received, uploading, failed
    upload_url: str | None
    next_offset: int | None
    attempts: int
    last_error: str | None
    uploaded_by: str | None
    language: str
    reply_conversation_id: str | None
    created_at: datetime


class MinutesRepository:
    """Filed minutes and pending uploads in the database.

    `data_dir`, when given, is where received files are kept instead of in the
    database (`<data_dir>/pending/<random name>`).
    """

    def __init__(self, database: Database, data_dir: Path | None = None):
        self._database = database
        self._data_dir = data_dir
        self._teams: dict[str, str] = {}  # group ids this process wrote or found

    # --- filed minutes ---

    async def minutes(self, meeting_ids: Iterable[int]) -> dict[int, Minutes]:
        """The filed minutes of these meetings, by meeting id (absent: none filed)."""
        ids = list(meeting_ids)
        if not ids:
            return {}
        async with self._database.snapshot() as session:
            rows = await session.scalars(select(MinutesRow).where(MinutesRow.meeting_id.in_(ids)))
            return {row.meeting_id: _minutes(row) for row in rows}

    async def file_minutes(self, minutes: Minutes, *, pending_id: int | None = None) -> Minutes:
        """Record the minutes of a meeting (replacing an earlier record) and forget the
        pending upload they came from."""
        data_path: str | None = None
        async with self._database.transaction() as session:
            row = await session.scalar(
                select(MinutesRow).where(MinutesRow.meeting_id == minutes.meeting_id)
            )
            if row is None:
                row = MinutesRow(meeting_id=minutes.meeting_id)
                session.add(row)
            row.drive_id, row.item_id, row.web_url = (
                minutes.drive_id,
                minutes.item_id,
                minutes.web_url,
            )
            row.path, row.file_name = minutes.path, minutes.file_name
            row.size, row.sha256 = minutes.size, minutes.sha256
            row.uploaded_by, row.uploaded_at = minutes.uploaded_by, minutes.uploaded_at
            if pending_id is not None:
                pending = await session.get(PendingUploadRow, pending_id)
                if pending is not None:
                    data_path = pending.data_path
                    await session.delete(pending)
            await session.flush()
            filed = _minutes(row)
        _remove(data_path)
        log.info("minutes filed", extra={"meeting": minutes.meeting_id, "item": minutes.item_id})
        return filed

    # --- pending uploads ---

    async def add_pending(
        self,
        *,
        meeting_id: int,
        file_name: str,
        target_path: str,
        content: bytes,
        sha256: str,
        uploaded_by: str | None,
        language: str,
        reply_conversation_id: str | None,
        now: datetime,
    ) -> PendingUpload:
        """Keep a received file until it is filed; written to disk before the row exists,
        so a row never points at a missing file."""
        data_path = await asyncio.to_thread(self._spill, content) if self._data_dir else None
        try:
            async with self._database.transaction() as session:
                row = PendingUploadRow(
                    meeting_id=meeting_id,
                    file_name=file_name,
                    target_path=target_path,
                    size=len(content),
                    sha256=sha256,
                    content=None if data_path else content,
                    data_path=data_path,
                    state="received",
                    attempts=0,
                    uploaded_by=uploaded_by,
                    language=language,
                    reply_conversation_id=reply_conversation_id,
                    created_at=now,
                    updated_at=now,
                )
                session.add(row)
                await session.flush()
                pending = _pending(row)
        except BaseException:
            _remove(data_path)
            raise
        log.info("file received", extra={"meeting": meeting_id, "pending": pending.id})
        return pending

    async def pending(self, pending_id: int) -> PendingUpload | None:
        """One pending upload; None if it is filed or discarded."""
        async with self._database.snapshot() as session:
            row = await session.get(PendingUploadRow, pending_id)
            return _pending(row) if row is not None else None

    async def unfinished(self, idle_since: datetime | None = None) -> list[PendingUpload]:
        """Pending uploads not given up on (received or under way), oldest first: what
        to resume after a restart. With `idle_since`, only those untouched since then
        (one being uploaded right now is touched at every chunk)."""
        query = select(PendingUploadRow).where(PendingUploadRow.state != "failed")
        if idle_since is not None:
            query = query.where(PendingUploadRow.updated_at <= idle_since)
        async with self._database.snapshot() as session:
            rows = await session.scalars(query.order_by(PendingUploadRow.id))
            return [_pending(row) for row in rows]

    async def pending_for(self, meeting_ids: Iterable[int]) -> dict[int, list[PendingUpload]]:
        """Pending uploads of these meetings, by meeting id."""
        ids = list(meeting_ids)
        found: dict[int, list[PendingUpload]] = {}
        if not ids:
            return found
        async with self._database.snapshot() as session:
            rows = await session.scalars(
                select(PendingUploadRow)
                .where(PendingUploadRow.meeting_id.in_(ids))
                .order_by(PendingUploadRow.id)
            )
            for row in rows:
                found.setdefault(row.meeting_id, []).append(_pending(row))
        return found

    async def content(self, pending_id: int) -> bytes | None:
        """The received bytes of a pending upload; None if it is gone."""
        async with self._database.snapshot() as session:
            row = await session.get(PendingUploadRow, pending_id)
            if row is None:
                return None
            if row.content is not None:
                return bytes(row.content)
            path = row.data_path
        assert path is not None  # the check constraint: content or a path
        return await asyncio.to_thread(Path(path).read_bytes)

    async def save_progress(
        self,
        pending_id: int,
        *,
        upload_url: str | None,
        next_offset: int | None,
        now: datetime,
        target_path: str | None = None,
    ) -> None:
        """Remember the upload session, the next byte it expects and (when a free name
        was chosen) the path the file is uploaded to."""
        async with self._database.transaction() as session:
            row = await session.get(PendingUploadRow, pending_id)
            if row is not None:
                row.state, row.upload_url, row.next_offset = "uploading", upload_url, next_offset
                row.target_path = target_path or row.target_path
                row.updated_at = now

    async def record_attempt(
        self, pending_id: int, error: str, *, give_up: bool, now: datetime
    ) -> None:
        """Count a failed attempt; `give_up` marks it failed (kept, not resumed)."""
        async with self._database.transaction() as session:
            row = await session.get(PendingUploadRow, pending_id)
            if row is not None:
                row.attempts += 1
                row.last_error = error[:1000]
                row.updated_at = now
                if give_up:
                    row.state = "failed"

    async def discard(self, pending_id: int) -> None:
        """Forget a pending upload and its bytes (the sender chose not to file it)."""
        data_path: str | None = None
        async with self._database.transaction() as session:
            row = await session.get(PendingUploadRow, pending_id)
            if row is not None:
                data_path = row.data_path
                await session.delete(row)
        _remove(data_path)

    # --- teams' Graph ids ---

    async def remember_team(self, team_id: str, group_id: str, now: datetime) -> None:
        """Record the Microsoft 365 group id Teams gave for a team (written when changed)."""
        if self._teams.get(team_id) == group_id:
            return
        async with self._database.transaction() as session:
            row = await session.get(GraphTeamRow, team_id)
            if row is None:
                session.add(GraphTeamRow(team_id=team_id, group_id=group_id, updated_at=now))
            elif row.group_id != group_id:
                row.group_id, row.updated_at = group_id, now
        self._teams[team_id] = group_id

    async def group_id(self, team_id: str) -> str | None:
        """The Microsoft 365 group id of a team, if Teams has told the bot."""
        async with self._database.snapshot() as session:
            row = await session.get(GraphTeamRow, team_id)
            return row.group_id if row is not None else None

    def _spill(self, content: bytes) -> str:
        assert self._data_dir is not None
        folder = self._data_dir / "pending"
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / uuid.uuid4().hex
        partial = path.with_suffix(".part")
        with open(partial, "wb") as file:
            file.write(content)
            file.flush()
            os.fsync(file.fileno())
        # A rename is atomic: a crash leaves a .part file, never a truncated one in use.
        partial.replace(path)
        return str(path)


def _remove(path: str | None) -> None:
    if path is not None:
        Path(path).unlink(missing_ok=True)


def _minutes(row: MinutesRow) -> Minutes:
    return Minutes(
        meeting_id=row.meeting_id,
        drive_id=row.drive_id,
        item_id=row.item_id,
        web_url=row.web_url,
        path=row.path,
        file_name=row.file_name,
        size=row.size,
        sha256=row.sha256,
        uploaded_by=row.uploaded_by,
        uploaded_at=row.uploaded_at,
    )


def _pending(row: PendingUploadRow) -> PendingUpload:
    return PendingUpload(
        id=row.id,
        meeting_id=row.meeting_id,
        file_name=row.file_name,
        target_path=row.target_path,
        size=row.size,
        sha256=row.sha256,
        state=row.state,
        upload_url=row.upload_url,
        next_offset=row.next_offset,
        attempts=row.attempts,
        last_error=row.last_error,
        uploaded_by=row.uploaded_by,
        language=row.language,
        reply_conversation_id=row.reply_conversation_id,
        created_at=row.created_at,
    )
