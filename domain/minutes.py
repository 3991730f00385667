"""Minutes as filed, received files on their way to SharePoint, who sent them, and the
rules a file must pass to be filed.

Plain data: `storage.minutes` keeps them, `services.minutes` files them, and
`dialogs.minutes` lets the sender pick the meeting of a `ReceivedFile`.

The rules: `check_file` refuses what should not be filed (too large, a type not
allowed, empty or unreadable, a name with a path or characters SharePoint forbids) with
a `RejectedFile` that says why (`Refusal`) and with which values; the sentence the
sender reads is in `texts.minutes` (`refusal`). `minutes_path` names the file
`Protokoll/<year>/<date> <group> protokoll.<ext>`; `free_name` finds a name not taken.
"""

from __future__ import annotations

import posixpath
import re
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from domain.meetings import Meeting
from domain.recurrence import local
from domain.registry import ShiftPolicy

# How long a received file waits for its sender to pick the meeting. Teams' download
# links last about an hour; the file itself is kept, so a day is for the sender's sake.
RECEIVED_FILE_LIFETIME = timedelta(hours=24)

MINUTES_FOLDER = "Protokoll"
# SharePoint refuses these in file and folder names.
FORBIDDEN_CHARACTERS = '"*:<>?/\\|'
RESERVED_NAMES = {
    ".lock", "con", "prn", "aux", "nul", "desktop.ini", "_vti_",
    *(f"com{n}" for n in range(10)), *(f"lpt{n}" for n in range(10)),
}  # fmt: skip
# The first bytes of each type's files; a type not listed is taken on its extension.
SIGNATURES = {
    "pdf": (b"%PDF-",),
    "docx": (b"PK\x03\x04",),
    "odt": (b"PK\x03\x04",),
    "xlsx": (b"PK\x03\x04",),
    "pptx": (b"PK\x03\x04",),
    "doc": (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1",),
    "rtf": (b"{\\rtf",),
}
MAX_NAME_ATTEMPTS = 20  # "name (2).pdf" … before giving up on finding a free name


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


@dataclass(frozen=True)
class MinutesRules:
    """What the bot accepts and when it chases (from the settings)."""

    max_bytes: int = 50 * 1024 * 1024
    allowed_types: tuple[str, ...] = ("pdf", "docx", "doc", "odt", "rtf")
    reminder_days: tuple[int, ...] = (3, 7)  # after the meeting; the last one adds the chair
    # Where a reminder day on a weekend or holiday moves. After, by default: a chase is
    # "at least so many days after the meeting", and moved back it could come the day
    # after a Thursday meeting. Moved back it never lands on the meeting's day or before.
    reminder_shift: ShiftPolicy = "next_working_day"
    secretary_role: str = "sekreterare"
    chair_role: str = "ordforande"
    status_days: int = 180  # how far back "protokoll" looks


class Refusal(StrEnum):
    """Why a file is not filed; each has its sentence in `texts.minutes.REFUSALS`, filled
    with the values named here."""

    NO_TYPE = "no_type"  # allowed
    WRONG_TYPE = "wrong_type"  # ext, allowed
    TOO_LARGE = "too_large"  # size, limit (megabytes, as shown)
    EMPTY = "empty"
    UNREADABLE = "unreadable"  # ext
    BAD_NAME_PATH = "bad_name_path"  # name
    BAD_NAME_CHARS = "bad_name_chars"  # name, chars (as shown)
    BAD_NAME_RESERVED = "bad_name_reserved"  # name


class RejectedFile(Exception):
    """A file that will not be filed: why (`reason`) and the values the sender is told
    (a file's name or type as sent: `texts.minutes.refusal` escapes them)."""

    def __init__(self, reason: Refusal, **values: str):
        shown = ", ".join(f"{k}={v!r}" for k, v in values.items())
        super().__init__(f"{reason.value} ({shown})" if shown else reason.value)
        self.reason = reason
        self.values = values


class DownloadFailed(Exception):
    """A received file could not be fetched (the link expired, or no answer)."""


class FileTooLarge(Exception):
    """A received file is larger than allowed; `size`: the bytes read before stopping."""

    def __init__(self, size: int):
        super().__init__(f"more than {size} bytes")
        self.size = size


def check_file(file_name: str, content: bytes | None, rules: MinutesRules) -> str:
    """The file's (lower-case) extension if it may be filed; else `RejectedFile`.

    `content` None checks the name and type only (before downloading).
    """
    check_name(file_name)
    stem, dot, extension = file_name.rpartition(".")
    allowed = ", ".join(rules.allowed_types)
    if not dot or not stem:
        raise RejectedFile(Refusal.NO_TYPE, allowed=allowed)
    extension = extension.lower()
    if extension not in rules.allowed_types:
        raise RejectedFile(Refusal.WRONG_TYPE, ext=extension, allowed=allowed)
    if content is None:
        return extension
    if len(content) > rules.max_bytes:
        raise too_large_file(len(content), rules.max_bytes)
    if not content:
        raise RejectedFile(Refusal.EMPTY)
    signatures = SIGNATURES.get(extension)
    if signatures and not content.startswith(signatures):
        raise RejectedFile(Refusal.UNREADABLE, ext=extension)
    return extension


def too_large_file(size: int, max_bytes: int) -> RejectedFile:
    """The refusal of a file of `size` bytes (or more) when `max_bytes` are allowed."""
    return RejectedFile(Refusal.TOO_LARGE, size=_megabytes(size), limit=_megabytes(max_bytes))


def check_name(file_name: str) -> None:
    """Refuse a name with a path in it, characters SharePoint forbids, or a reserved name."""
    if (
        "/" in file_name
        or "\\" in file_name
        or file_name.strip() in ("", ".", "..")
        or posixpath.normpath(file_name) != file_name
    ):
        raise RejectedFile(Refusal.BAD_NAME_PATH, name=file_name)
    bad = sorted({c for c in file_name if c in FORBIDDEN_CHARACTERS or ord(c) < 32})
    if bad:
        shown = " ".join(repr(c)[1:-1] if ord(c) < 32 else c for c in bad)
        raise RejectedFile(Refusal.BAD_NAME_CHARS, name=file_name, chars=shown)
    lowered = file_name.lower()
    if (
        lowered.split(".")[0] in RESERVED_NAMES
        or lowered in RESERVED_NAMES
        or "_vti_" in lowered
        or lowered.startswith("~$")
        or file_name != file_name.strip()
        or file_name.endswith(".")
    ):
        raise RejectedFile(Refusal.BAD_NAME_RESERVED, name=file_name)


def safe_segment(text: str) -> str:
    """Text usable in a SharePoint name: forbidden characters become "-"."""
    cleaned = "".join("-" if c in FORBIDDEN_CHARACTERS or ord(c) < 32 else c for c in text)
    return re.sub(r"\s+", " ", cleaned).strip(" .") or "-"


def minutes_path(meeting: Meeting, group_name: str, extension: str) -> str:
    """Where a meeting's minutes go in the channel's files folder."""
    day = local(meeting.starts_at).date()
    name = f"{day.isoformat()} {safe_segment(group_name)} protokoll.{extension}"
    return f"{MINUTES_FOLDER}/{day.year}/{name}"


def free_name(name: str, taken: set[str], attempt: int = 1) -> str:
    """`name`, or "stem (2).ext", "stem (3).ext", … whichever is not in `taken`
    (lower-cased); `attempt` > 1 skips the first candidates."""
    stem, dot, extension = name.rpartition(".")
    if not dot:
        stem, extension = name, ""
    n = attempt
    while True:
        candidate = name if n == 1 else f"{stem} ({n}){dot}{extension}"
        if candidate.lower() not in taken:
            return candidate
        n += 1


def _megabytes(size: int) -> str:
    return f"{size / (1024 * 1024):.1f}".replace(".0", "")
