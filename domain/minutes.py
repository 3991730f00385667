"""Minutes as filed, received files on their way to SharePoint, and who sent them.

Plain data: `storage.minutes` keeps them, `services.minutes` files them, and
`dialogs.minutes` lets the sender pick the meeting of a `ReceivedFile`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

# How long a received file waits for its sender to pick the meeting. Teams' download
# links last about an hour; the file itself is kept, so a day is for the sender's sake.
RECEIVED_FILE_LIFETIME = timedelta(hours=24)


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
    version: str | None = None  # SharePoint's version label ("1.0", "2.0" …)


@dataclass(frozen=True)
class PendingUpload:
    """A received file not yet filed: the background job that files it.

    `download_url` is set while the bytes are still to be fetched (`shared`: a SharePoint
    link, read through Graph). `next_offset` is the first byte the upload session
    (`upload_url`) still expects. `awaiting_confirmation`: the meeting's minutes are
    filed, and the sender still has to confirm replacing them (on the card that names
    the row by its random `token`).
    """

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
    download_url: str | None = None
    shared: bool = False
    awaiting_confirmation: bool = False
    token: str | None = None
    sender_id: str | None = None
    sender_aad_object_id: str | None = None
    next_attempt_at: datetime | None = None

    @property
    def key(self) -> str:
        """A name of this upload that is never reused (SQLite reuses a deleted row's id):
        part of its random token (a row from before tokens: its id and arrival)."""
        if self.token:
            return self.token[:16]
        return f"{self.id}.{self.created_at.strftime('%Y%m%dT%H%M%S%f')}"

    @property
    def fetched(self) -> bool:
        """Whether the bytes are here (no longer only behind `download_url`)."""
        return self.download_url is None

    def sent_by(self, user_id: str | None, aad_object_id: str | None) -> bool:
        """Whether a turn from these ids is the sender's (as `ReceivedFile.sent_by`)."""
        return _same_sender(
            (self.sender_id, self.sender_aad_object_id), (user_id, aad_object_id)
        )


@dataclass(frozen=True)
class ReceivedFile:
    """A received file waiting for its sender to pick the meeting; `id` is random and is
    all the picking card carries."""

    id: str
    network_key: str
    group_key: str
    file_name: str
    size: int
    sha256: str
    sender_id: str | None  # Teams' user id ("29:…")
    sender_aad_object_id: str | None
    sender_name: str | None
    conversation_id: str | None
    language: str
    created_at: datetime
    download_url: str | None = None  # set until the bytes are fetched
    shared: bool = False  # `download_url` is a SharePoint link, read through Graph

    def sent_by(self, user_id: str | None, aad_object_id: str | None) -> bool:
        """Whether a turn from these ids is the sender's: an id is known on both sides,
        and every id known on both sides is the same."""
        return _same_sender(
            (self.sender_id, self.sender_aad_object_id), (user_id, aad_object_id)
        )


def _same_sender(
    mine: tuple[str | None, str | None], theirs: tuple[str | None, str | None]
) -> bool:
    known = [(a, b) for a, b in zip(mine, theirs, strict=True) if a and b]
    return bool(known) and all(a == b for a, b in known)
