"""Minutes filed in SharePoint, and received files still waiting to be filed.

A file the bot receives is stored as a `PendingUpload` before anything is fetched or
sent to Graph: the row is the background job that files it. It names where to fetch the
bytes (`download_url`, until they are fetched), then holds them in the row or (when a
data folder is configured) in a file under `<data folder>/pending/`. A worker claims
due rows with a lease (`claim_uploads`, renewed by `extend_claim`), so two replicas
never work on the same file; a failed try waits until `next_attempt_at`. The upload
session URL and the next byte Graph expects are saved as the upload goes, so a restart
resumes it. One file per meeting: a new file for a meeting replaces the one still
waiting (`add_pending`). When the file is safely in SharePoint, `file_minutes` records
the drive item (and its version) against the meeting and deletes the pending upload in
one transaction; the spilled file is removed after that commits.

Graph names a team by its Microsoft 365 group id, which Teams sends beside the team's
thread id (`channelData.team.aadGroupId`); `remember_team` keeps it for uploads that
run outside a conversation (a restart, the command line). A channel's files folder
(`remember_folder`) is kept the same way, so the asking card can link to it without a
Graph call while planning (`folder_urls`).

A file whose meeting is not yet known (several lack minutes) is fetched at once and kept
as a `ReceivedFile` under a random id until its sender picks the meeting: the picking
card carries only that id, so a forged card submit cannot make the bot fetch an address
of its choosing, and only the sender may use it. It is unusable after
`RECEIVED_FILE_LIFETIME` and deleted by the daily housekeeping (`purge_received`).
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
import os
import secrets
import uuid
from collections.abc import Iterable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import delete, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import defer

from domain.minutes import RECEIVED_FILE_LIFETIME, Minutes, PendingUpload, ReceivedFile
from storage import audit
from storage.database import Database
from storage.schema import (
    ChannelBindingRow,
    ChannelFolderRow,
    GraphTeamRow,
    MinutesRow,
    PendingUploadRow,
    ReceivedFileRow,
)

log = logging.getLogger(__name__)

# A pick that claimed a file and died (no finish, no release) frees it after this.
RECEIVED_FILE_TAKE_TIMEOUT = timedelta(minutes=5)


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
            row.version = minutes.version
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
        content: bytes | None,
        sha256: str,
        uploaded_by: str | None,
        language: str,
        reply_conversation_id: str | None,
        now: datetime,
        download_url: str | None = None,
        shared: bool = False,
        awaiting_confirmation: bool = False,
        sender_id: str | None = None,
        sender_aad_object_id: str | None = None,
    ) -> tuple[PendingUpload, list[str]]:
        """Keep a received file until it is filed: its bytes (`content`), or where to
        fetch them (`download_url`, `content` None). Written to disk before the row
        exists, so a row never points at a missing file.

        One file per meeting: any other pending upload of the meeting is deleted in the
        same transaction (a corrected file replaces the one still waiting). Returns the
        new pending upload and the names of the files it replaced.
        """
        data_path = (
            await asyncio.to_thread(self._spill, content)
            if self._data_dir and content is not None
            else None
        )
        replaced_paths: list[str | None] = []
        try:
            async with self._database.transaction() as session:
                earlier = list(
                    await session.execute(
                        delete(PendingUploadRow)
                        .where(PendingUploadRow.meeting_id == meeting_id)
                        .returning(PendingUploadRow.file_name, PendingUploadRow.data_path)
                    )
                )
                replaced_paths = [path for _, path in earlier]
                row = PendingUploadRow(
                    meeting_id=meeting_id,
                    file_name=file_name,
                    target_path=target_path,
                    size=len(content) if content is not None else 0,
                    sha256=sha256,
                    # Empty until fetched: the row always holds its bytes or their path.
                    content=None if data_path else (content or b""),
                    data_path=data_path,
                    state="received",
                    attempts=0,
                    uploaded_by=uploaded_by,
                    language=language,
                    reply_conversation_id=reply_conversation_id,
                    created_at=now,
                    updated_at=now,
                    download_url=download_url if content is None else None,
                    shared=shared,
                    awaiting_confirmation=awaiting_confirmation,
                    token=secrets.token_urlsafe(32),
                    sender_id=sender_id,
                    sender_aad_object_id=sender_aad_object_id,
                )
                session.add(row)
                await session.flush()
                pending = _pending(row)
        except BaseException:
            _remove(data_path)
            raise
        remove_spilled(replaced_paths)
        log.info(
            "file received",
            extra={"meeting": meeting_id, "pending": pending.id, "replaced": len(earlier)},
        )
        return pending, [name for name, _ in earlier]

    async def pending(self, pending_id: int) -> PendingUpload | None:
        """One pending upload; None if it is filed or discarded."""
        async with self._database.snapshot() as session:
            row = await session.get(PendingUploadRow, pending_id)
            return _pending(row) if row is not None else None

    async def unfinished(self) -> list[PendingUpload]:
        """Pending uploads not given up on and not waiting for their sender's answer
        (received or under way), oldest first: what the filing worker still has to do."""
        # The bytes are read only when uploading (`content`), not with every state check.
        async with self._database.snapshot() as session:
            rows = await session.scalars(
                select(PendingUploadRow)
                .options(defer(PendingUploadRow.content))
                .where(
                    PendingUploadRow.state != "failed",
                    PendingUploadRow.awaiting_confirmation.is_(False),
                )
                .order_by(PendingUploadRow.id)
            )
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
                .options(defer(PendingUploadRow.content))
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
        self,
        pending_id: int,
        error: str,
        *,
        give_up: bool,
        now: datetime,
        next_attempt_at: datetime | None = None,
    ) -> None:
        """Count a failed attempt and end this worker's claim; `give_up` marks it failed
        (kept, not resumed), else it is due again at `next_attempt_at`."""
        async with self._database.transaction() as session:
            row = await session.get(PendingUploadRow, pending_id)
            if row is not None:
                row.attempts += 1
                row.last_error = error[:1000]
                row.updated_at = now
                row.next_attempt_at = next_attempt_at
                row.claimed_by = row.claimed_until = None
                if give_up:
                    row.state = "failed"

    # --- the background job: claims ---

    async def claim_uploads(
        self,
        worker_id: str,
        now: datetime,
        lease: timedelta,
        *,
        limit: int = 10,
        pending_id: int | None = None,
        ignore_backoff: bool = False,
    ) -> list[PendingUpload]:
        """Claim up to `limit` pending uploads for `worker_id` until `now + lease`,
        oldest first: rows not given up on, not claimed (or whose worker's lease ran
        out), due (`next_attempt_at` passed, unless `ignore_backoff`), and either
        confirmed or still to be fetched. `pending_id` claims that one row only.

        As the outbox's claims: `FOR UPDATE SKIP LOCKED` on PostgreSQL, the single
        writer on SQLite, so of two replicas only one gets a row.
        """
        conditions = [
            PendingUploadRow.state != "failed",
            or_(
                PendingUploadRow.claimed_until.is_(None),
                PendingUploadRow.claimed_until <= now,
            ),
            or_(
                PendingUploadRow.awaiting_confirmation.is_(False),
                PendingUploadRow.download_url.is_not(None),
            ),
        ]
        if not ignore_backoff:
            conditions.append(
                or_(
                    PendingUploadRow.next_attempt_at.is_(None),
                    PendingUploadRow.next_attempt_at <= now,
                )
            )
        if pending_id is not None:
            conditions.append(PendingUploadRow.id == pending_id)
        async with self._database.transaction() as session:
            rows = list(
                await session.scalars(
                    select(PendingUploadRow)
                    .options(defer(PendingUploadRow.content))
                    .where(*conditions)
                    .order_by(PendingUploadRow.id)
                    .limit(limit)
                    .with_for_update(skip_locked=True)
                )
            )
            for row in rows:
                if row.claimed_by is not None:
                    log.warning(
                        "upload claim expired: taking over",
                        extra={"pending": row.id, "dead_worker": row.claimed_by},
                    )
                row.claimed_by, row.claimed_until = worker_id, now + lease
            await session.flush()
            return [_pending(row) for row in rows]

    async def extend_claim(self, pending_id: int, worker_id: str, until: datetime) -> bool:
        """Renew this worker's lease on a row; False if the row is gone or not its own."""
        async with self._database.transaction() as session:
            result = await session.execute(
                update(PendingUploadRow)
                .where(
                    PendingUploadRow.id == pending_id,
                    PendingUploadRow.claimed_by == worker_id,
                )
                .values(claimed_until=until)
            )
            return result.rowcount > 0

    async def release_claim(self, pending_id: int, worker_id: str) -> None:
        """End this worker's claim without counting an attempt (shutting down, or a
        file fetched that waits for its sender's confirmation)."""
        async with self._database.transaction() as session:
            await session.execute(
                update(PendingUploadRow)
                .where(
                    PendingUploadRow.id == pending_id,
                    PendingUploadRow.claimed_by == worker_id,
                )
                .values(claimed_by=None, claimed_until=None)
            )

    async def next_upload_due(self) -> datetime | None:
        """When the earliest waiting upload is due (its next try, or its worker's lease
        running out); None when nothing waits."""
        waiting = [
            PendingUploadRow.state != "failed",
            or_(
                PendingUploadRow.awaiting_confirmation.is_(False),
                PendingUploadRow.download_url.is_not(None),
            ),
        ]
        async with self._database.snapshot() as session:
            due = await session.execute(
                select(
                    PendingUploadRow.next_attempt_at, PendingUploadRow.claimed_until
                ).where(*waiting)
            )
            times = [
                max(t for t in (retry, lease) if t is not None)
                if (retry or lease) is not None
                else datetime.min.replace(tzinfo=UTC)
                for retry, lease in due
            ]
        return min(times, default=None)

    async def store_content(self, pending_id: int, content: bytes, *, now: datetime) -> bool:
        """Keep the fetched bytes of a pending upload and forget where they came from;
        False if the row is gone (replaced by a newer file meanwhile)."""
        data_path = await asyncio.to_thread(self._spill, content) if self._data_dir else None
        try:
            async with self._database.transaction() as session:
                row = await session.get(PendingUploadRow, pending_id)
                if row is None:
                    _remove(data_path)
                    return False
                _keep_content(row, content, data_path)
                row.updated_at = now
        except BaseException:
            _remove(data_path)
            raise
        return True

    async def held(self, token: str) -> PendingUpload | None:
        """The pending upload a confirmation card names by `token`; None if unknown."""
        async with self._database.snapshot() as session:
            row = await session.scalar(
                select(PendingUploadRow)
                .options(defer(PendingUploadRow.content))
                .where(PendingUploadRow.token == token)
            )
            return _pending(row) if row is not None else None

    async def confirm(self, pending_id: int, *, now: datetime) -> bool:
        """The sender confirmed the replacement: the upload may start (due now). False if
        it was confirmed already, or is gone."""
        async with self._database.transaction() as session:
            result = await session.execute(
                update(PendingUploadRow)
                .where(
                    PendingUploadRow.id == pending_id,
                    PendingUploadRow.awaiting_confirmation.is_(True),
                )
                .values(awaiting_confirmation=False, next_attempt_at=None, updated_at=now)
            )
            return result.rowcount > 0

    async def discard(self, pending_id: int) -> None:
        """Forget a pending upload and its bytes (the sender chose not to file it)."""
        data_path: str | None = None
        async with self._database.transaction() as session:
            row = await session.get(PendingUploadRow, pending_id)
            if row is not None:
                data_path = row.data_path
                await session.delete(row)
        _remove(data_path)

    async def purge_failed(self, untouched_since: datetime) -> int:
        """Delete the uploads given up on (`failed`) and untouched since `untouched_since`,
        with their bytes; returns how many. Received files still being filed are kept."""
        # A plain DELETE: a second replica purging at once deletes nothing more.
        async with self._database.transaction() as session:
            data_paths = list(
                await session.scalars(
                    delete(PendingUploadRow)
                    .where(
                        PendingUploadRow.state == "failed",
                        PendingUploadRow.updated_at < untouched_since,
                    )
                    .returning(PendingUploadRow.data_path)
                )
            )
        # After the commit, as `file_minutes` does: a row never points at a missing file.
        remove_spilled(data_paths)
        if data_paths:
            log.info("failed uploads purged", extra={"uploads": len(data_paths)})
        return len(data_paths)

    # --- received files waiting for a meeting ---

    async def add_received(
        self,
        *,
        network_key: str,
        group_key: str,
        file_name: str,
        content: bytes | None,
        sha256: str,
        sender_id: str | None,
        sender_aad_object_id: str | None,
        sender_name: str | None,
        conversation_id: str | None,
        language: str,
        now: datetime,
        download_url: str | None = None,
        shared: bool = False,
    ) -> ReceivedFile:
        """Keep a file until its sender picks the meeting, under a new random id: its
        bytes, or (`content` None) where to fetch them until `store_received` has them.
        Written to disk before the row exists, as `add_pending`. Expired ones go first."""
        await self.purge_received(now - RECEIVED_FILE_LIFETIME)
        data_path = (
            await asyncio.to_thread(self._spill, content, "received")
            if self._data_dir and content is not None
            else None
        )
        try:
            async with self._database.transaction() as session:
                row = ReceivedFileRow(
                    # 256 random bits: the id is the only thing that names the file.
                    id=secrets.token_urlsafe(32),
                    network_key=network_key,
                    group_key=group_key,
                    file_name=file_name,
                    size=len(content) if content is not None else 0,
                    sha256=sha256,
                    content=None if data_path else (content or b""),
                    data_path=data_path,
                    download_url=download_url if content is None else None,
                    shared=shared,
                    sender_id=sender_id,
                    sender_aad_object_id=sender_aad_object_id,
                    sender_name=sender_name,
                    conversation_id=conversation_id,
                    language=language,
                    created_at=now,
                )
                session.add(row)
                await session.flush()
                received = _received(row)
        except BaseException:
            _remove(data_path)
            raise
        log.info("file awaits its meeting", extra={"group": group_key, "fetched": bool(content)})
        return received

    async def store_received(self, file_id: str, content: bytes) -> bool:
        """Keep the fetched bytes of a received file and forget its link; False if it is
        gone or taken meanwhile (then it is filed from its link)."""
        data_path = (
            await asyncio.to_thread(self._spill, content, "received") if self._data_dir else None
        )
        async with self._database.transaction() as session:
            row = await session.get(ReceivedFileRow, file_id)
            if row is None or row.taken_at is not None or row.download_url is None:
                _remove(data_path)
                return False
            _keep_content(row, content, data_path)
        return True

    async def received(self, file_id: str, *, now: datetime) -> ReceivedFile | None:
        """A received file still waiting; None if unknown, taken or expired at `now`."""
        async with self._database.snapshot() as session:
            row = await session.get(ReceivedFileRow, file_id)
            if row is None or row.created_at <= now - RECEIVED_FILE_LIFETIME:
                return None
            return _received(row)

    async def take_received(
        self, file_id: str, *, now: datetime
    ) -> tuple[ReceivedFile, bytes | None] | None:
        """Claim a received file for filing and return it with its bytes (None while they
        are still only behind its `download_url`); None if unknown, expired, or claimed
        meanwhile (a second click, another replica): one taker gets it.

        The file stays until `finish_received` (it is safely a pending upload, or refused)
        or `release_received`; a taker that dies without either leaves it to be picked
        again after `RECEIVED_FILE_TAKE_TIMEOUT`, so a crash mid-pick loses nothing.
        """
        async with self._database.transaction() as session:
            # One UPDATE … RETURNING: of two takers at once, only one gets the row.
            row = (
                await session.execute(
                    update(ReceivedFileRow)
                    .where(
                        ReceivedFileRow.id == file_id,
                        ReceivedFileRow.created_at > now - RECEIVED_FILE_LIFETIME,
                        or_(
                            ReceivedFileRow.taken_at.is_(None),
                            ReceivedFileRow.taken_at <= now - RECEIVED_FILE_TAKE_TIMEOUT,
                        ),
                    )
                    .values(taken_at=now)
                    .returning(*ReceivedFileRow.__table__.columns)
                )
            ).one_or_none()
        if row is None:
            return None
        received = _received(row)
        if row.download_url is not None:
            return received, None
        if row.content is not None:
            return received, bytes(row.content)
        try:
            content = await asyncio.to_thread(Path(row.data_path).read_bytes)
        except BaseException:
            await self.release_received(file_id)
            raise
        return received, content

    async def finish_received(self, file_id: str) -> None:
        """Forget a taken file: it is a pending upload now (or was refused)."""
        async with self._database.transaction() as session:
            data_path = (
                await session.execute(
                    delete(ReceivedFileRow)
                    .where(ReceivedFileRow.id == file_id)
                    .returning(ReceivedFileRow.data_path)
                )
            ).scalar_one_or_none()
        _remove(data_path)

    async def release_received(self, file_id: str) -> None:
        """Give a taken file back (filing it failed): it can be picked again at once."""
        async with self._database.transaction() as session:
            await session.execute(
                update(ReceivedFileRow)
                .where(ReceivedFileRow.id == file_id)
                .values(taken_at=None)
            )

    async def purge_received(self, created_before: datetime) -> int:
        """Delete the received files that arrived before `created_before` and still wait
        for their sender (who never picked a meeting, or never answered whether the file
        replaces filed minutes), with their bytes; returns how many."""
        async with self._database.transaction() as session:
            data_paths = list(
                await session.scalars(
                    delete(ReceivedFileRow)
                    .where(ReceivedFileRow.created_at < created_before)
                    .returning(ReceivedFileRow.data_path)
                )
            )
            data_paths += await session.scalars(
                delete(PendingUploadRow)
                .where(
                    PendingUploadRow.awaiting_confirmation.is_(True),
                    PendingUploadRow.created_at < created_before,
                )
                .returning(PendingUploadRow.data_path)
            )
        remove_spilled(data_paths)
        if data_paths:
            log.info("expired received files purged", extra={"files": len(data_paths)})
        return len(data_paths)

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

    # --- channels' files folders ---

    async def remember_folder(
        self, channel_id: str, *, drive_id: str, item_id: str, web_url: str, now: datetime
    ) -> None:
        """Record (or refresh) a channel's files folder as Graph reported it at `now`.

        One upsert: two replicas filing into the same channel at once both write it."""
        values = {"drive_id": drive_id, "item_id": item_id, "web_url": web_url, "updated_at": now}
        insert = self._database.insert(ChannelFolderRow).values(channel_id=channel_id, **values)
        async with self._database.transaction() as session:
            await session.execute(
                insert.on_conflict_do_update(index_elements=["channel_id"], set_=values)
            )

    async def folder_checked(self, channel_id: str) -> datetime | None:
        """When the channel's folder was last reported by Graph; None if never."""
        async with self._database.snapshot() as session:
            row = await session.get(ChannelFolderRow, channel_id)
            return row.updated_at if row is not None else None

    async def folder_urls(self, network_key: str) -> dict[str, str]:
        """The known files-folder web URL of each group channel of a network, by group key."""
        async with self._database.snapshot() as session:
            rows = await session.execute(
                select(ChannelBindingRow.group_key, ChannelFolderRow.web_url)
                .join(ChannelFolderRow, ChannelFolderRow.channel_id == ChannelBindingRow.channel_id)
                .where(
                    ChannelBindingRow.network_key == network_key,
                    ChannelBindingRow.group_key.is_not(None),
                )
            )
            return {group_key: web_url for group_key, web_url in rows if group_key and web_url}

    def _spill(self, content: bytes, folder_name: str = "pending") -> str:
        assert self._data_dir is not None
        folder = self._data_dir / folder_name
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


def _keep_content(
    row: PendingUploadRow | ReceivedFileRow, content: bytes, data_path: str | None
) -> None:
    """A fetched file's bytes on its row (or in `data_path`, spilled to `DATA_DIR`), with
    their size and hash; the link they came from is forgotten."""
    row.content = None if data_path else content
    row.data_path = data_path
    row.size = len(content)
    row.sha256 = hashlib.sha256(content).hexdigest()
    row.download_url = None


def _remove(path: str | None) -> None:
    if path is not None:
        Path(path).unlink(missing_ok=True)


def remove_spilled(data_paths: Iterable[str | None]) -> None:
    """Remove the files deleted rows kept their bytes in; call after the commit, so a
    row never points at a missing file."""
    for data_path in data_paths:
        _remove(data_path)


def _received(row: Any) -> ReceivedFile:
    """A `ReceivedFile` from its row (or a RETURNING row with the same columns)."""
    return ReceivedFile(
        id=row.id,
        network_key=row.network_key,
        group_key=row.group_key,
        file_name=row.file_name,
        size=row.size,
        sha256=row.sha256,
        sender_id=row.sender_id,
        sender_aad_object_id=row.sender_aad_object_id,
        sender_name=row.sender_name,
        conversation_id=row.conversation_id,
        language=row.language,
        created_at=row.created_at,
        download_url=row.download_url,
        shared=bool(row.shared),
    )


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
        version=row.version,
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
        download_url=row.download_url,
        shared=bool(row.shared),
        awaiting_confirmation=bool(row.awaiting_confirmation),
        token=row.token,
        sender_id=row.sender_id,
        sender_aad_object_id=row.sender_aad_object_id,
        next_attempt_at=row.next_attempt_at,
    )


# --- data protection (`storage.personal_data`) ---


async def uploads_naming(session: AsyncSession, needles: Iterable[str]) -> dict[str, Any]:
    """The filed minutes and pending uploads whose sender or file name names one of
    `needles` (ids, e-mail, name; case-insensitive), as JSON-ready dicts for an export."""
    folded = audit.folded_needles(needles)
    filed = await session.scalars(select(MinutesRow).order_by(MinutesRow.id))
    pending = await session.scalars(select(PendingUploadRow).order_by(PendingUploadRow.id))
    return {
        "minutes": [
            {
                "meeting": row.meeting_id,
                "file_name": row.file_name,
                "uploaded_by": row.uploaded_by,
                "uploaded_at": row.uploaded_at.isoformat(),
                "web_url": row.web_url,
            }
            for row in filed
            if audit.mentions([row.uploaded_by, row.file_name], folded)
        ],
        "pending_uploads": [
            {
                "meeting": row.meeting_id,
                "file_name": row.file_name,
                "uploaded_by": row.uploaded_by,
                "state": row.state,
                "received_at": row.created_at.isoformat(),
            }
            for row in pending
            if audit.mentions([row.uploaded_by, row.file_name], folded)
        ],
        "received_files": [
            {
                "network": row.network_key,
                "group": row.group_key,
                "file_name": row.file_name,
                "size": row.size,
                "sender_name": row.sender_name,
                "received_at": row.created_at.isoformat(),
            }
            for row in await session.scalars(
                select(ReceivedFileRow).order_by(ReceivedFileRow.created_at)
            )
            if audit.mentions(_received_mentions(row), folded)
        ],
    }


async def forget_received(
    session: AsyncSession,
    needles: Iterable[str],
    conversation_ids: Iterable[str],
    placeholder: str,
) -> tuple[int, list[str | None]]:
    """Take a person out of the received files waiting for a meeting; returns how many
    rows changed, and the `data_path` of each row deleted (call `remove_spilled` with
    them after the commit).

    A file they sent (by their ids or name, or in one of their chats) is deleted: it has
    no meeting yet, and they can send it again. In a file someone else sent, a mention of
    them in its name becomes `placeholder`.
    """
    folded = audit.folded_needles(needles)
    chats = set(conversation_ids)
    changed, deleted = 0, []
    for row in await session.scalars(select(ReceivedFileRow)):
        sender = [row.sender_id, row.sender_aad_object_id, row.sender_name]
        if audit.mentions(sender, folded) or row.conversation_id in chats:
            deleted.append(row.data_path)
            await session.delete(row)
        elif audit.mentions(row.file_name, folded):
            row.file_name = audit.redact(row.file_name, folded, placeholder)
        else:
            continue
        changed += 1
    await session.flush()
    return changed, deleted


def _received_mentions(row: ReceivedFileRow) -> list[str | None]:
    return [row.sender_id, row.sender_aad_object_id, row.sender_name, row.file_name]


async def redact_uploader(
    session: AsyncSession,
    needles: Iterable[str],
    conversation_ids: Iterable[str],
    placeholder: str,
) -> int:
    """Take a person out of filed minutes and pending uploads; returns the rows changed.

    The records and files stay (the meeting needs its minutes): the sender and any
    mention of `needles` in a file name become `placeholder`, and a pending upload stops
    replying into the person's chats (`conversation_ids`) once filed.
    """
    folded = audit.folded_needles(needles)
    chats = set(conversation_ids)
    changed = 0
    for row in [
        *await session.scalars(select(MinutesRow)),
        *await session.scalars(select(PendingUploadRow)),
    ]:
        reply = getattr(row, "reply_conversation_id", None)
        sender = [getattr(row, "sender_id", None), getattr(row, "sender_aad_object_id", None)]
        if not (
            audit.mentions([row.uploaded_by, row.file_name, *sender], folded) or reply in chats
        ):
            continue
        if audit.mentions(row.uploaded_by, folded):
            row.uploaded_by = placeholder
        row.file_name = audit.redact(row.file_name, folded, placeholder)
        if isinstance(row, PendingUploadRow):
            if reply in chats:
                row.reply_conversation_id = None
            if audit.mentions(sender, folded) or reply in chats:
                row.sender_id = row.sender_aad_object_id = None
        changed += 1
    await session.flush()
    return changed
