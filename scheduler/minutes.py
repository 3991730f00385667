"""Minutes: checking a received file, filing it in SharePoint, and chasing what is missing.

Plain Python over plain data. `check_file` refuses what should not be filed (too large,
a type not allowed, empty or unreadable, a name with a path or characters SharePoint
forbids); `minutes_path` names the file `Protokoll/<year>/<date> <group> protokoll.<ext>`.
`MinutesFiler` keeps a received file as a pending upload before it talks to Graph,
uploads it (one request, or an upload session resumed from where Graph says it
stopped), never overwrites a file already there, and records the drive item against
the meeting; a resumed upload is announced in the channel and to its sender's personal
chat, and the channel's files folder is remembered for the asking card (`refresh_folders`
keeps it current). `MinutesChaser` is a `Planner`: it asks for the minutes when a meeting
has ended, in the channel and in the secretary's personal chat, and reminds the secretary
(and at the last reminder the chair too) while they are missing; who hears what, and
why, is in its docstring.
"""

from __future__ import annotations

import asyncio
import hashlib
import html
import logging
import posixpath
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, time, timedelta
from typing import Any, Protocol

from dialogs import cards
from dialogs import meeting_texts as mt
from dialogs import minutes_texts as xt
from dialogs.conversation import RegistrySource
from dialogs.markdown import escape
from scheduler.filing import (
    REQUIRED_PERMISSIONS,
    ChannelFiles,
    DriveFile,
    DriveFolder,
    GraphCredentialsRejected,
    GraphError,
    GraphForbidden,
    NameTaken,
    UploadState,
)
from scheduler.planning import Reminder, reminder_chain
from scheduler.posts import GENERAL_CHANNEL, Countdown, Mention, PlannedPost, Recipient, Target
from scheduler.recurrence import (
    LONGEST_SHIFT,
    at_local,
    local,
    next_working_day,
    shifted,
    start_of_day,
)
from storage.conversations import personal_user
from storage.meetings import Meeting, MeetingRepository
from storage.minutes import Minutes, MinutesRepository, PendingUpload
from storage.registry import (
    Assignment,
    Language,
    Localized,
    Network,
    RoleRegistry,
    ShiftPolicy,
)

log = logging.getLogger(__name__)

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
# A pending upload untouched this long is no longer being uploaded: longer than one
# request with all its retries may take.
RESUME_IDLE = timedelta(minutes=10)
# How long a filing notice or an admin alert is still worth posting.
NOTICE_STALE_AFTER = timedelta(days=1)
# How long a channel's files folder, as Graph reported it, is trusted for the asking card.
FOLDER_MAX_AGE = timedelta(days=1)


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


class RejectedFile(Exception):
    """A file that will not be filed, with the message to give the sender."""

    def __init__(self, message: Localized[str], **values: object):
        super().__init__(message.en.format(**values))
        self.message = message
        self.values = values

    def text(self, language: Language) -> str:
        """The message in `language`, its values (a file's name or type) markdown-escaped."""
        values = {k: escape(v) if isinstance(v, str) else v for k, v in self.values.items()}
        return self.message.get(language).format(**values)


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
        raise RejectedFile(xt.NO_TYPE, allowed=allowed)
    extension = extension.lower()
    if extension not in rules.allowed_types:
        raise RejectedFile(xt.WRONG_TYPE, ext=extension, allowed=allowed)
    if content is None:
        return extension
    if len(content) > rules.max_bytes:
        raise too_large_file(len(content), rules.max_bytes)
    if not content:
        raise RejectedFile(xt.EMPTY)
    signatures = SIGNATURES.get(extension)
    if signatures and not content.startswith(signatures):
        raise RejectedFile(xt.UNREADABLE, ext=extension)
    return extension


def too_large_file(size: int, max_bytes: int) -> RejectedFile:
    """The refusal of a file of `size` bytes (or more) when `max_bytes` are allowed."""
    return RejectedFile(xt.TOO_LARGE, size=_megabytes(size), limit=_megabytes(max_bytes))


def check_name(file_name: str) -> None:
    """Refuse a name with a path in it, characters SharePoint forbids, or a reserved name."""
    if (
        "/" in file_name
        or "\\" in file_name
        or file_name.strip() in ("", ".", "..")
        or posixpath.normpath(file_name) != file_name
    ):
        raise RejectedFile(xt.BAD_NAME_PATH, name=file_name)
    bad = sorted({c for c in file_name if c in FORBIDDEN_CHARACTERS or ord(c) < 32})
    if bad:
        shown = " ".join(repr(c)[1:-1] if ord(c) < 32 else c for c in bad)
        raise RejectedFile(xt.BAD_NAME_CHARS, name=file_name, chars=shown)
    lowered = file_name.lower()
    if (
        lowered.split(".")[0] in RESERVED_NAMES
        or lowered in RESERVED_NAMES
        or "_vti_" in lowered
        or lowered.startswith("~$")
        or file_name != file_name.strip()
        or file_name.endswith(".")
    ):
        raise RejectedFile(xt.BAD_NAME_RESERVED, name=file_name)


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


class ChannelLocator(Protocol):
    """Which Teams channel a group has: (Graph team id, channel id), or None; and who
    is at the other end of a personal chat."""

    async def channel_of(self, network_key: str, group_key: str) -> tuple[str, str] | None: ...

    async def personal_recipient(self, conversation_id: str) -> Recipient | None: ...


class PostQueue(Protocol):
    """Where posts to channels go (`storage.outbox.Outbox`)."""

    async def enqueue(self, posts: list[PlannedPost], now: datetime) -> int: ...


class ChannelReferences(Protocol):
    """Where the stored channel references are (`storage.conversations.ConversationStore`)."""

    async def channel_reference(self, network_key: str, group_key: str | None) -> Any: ...

    async def stored_reference(self, conversation_id: str) -> Any: ...


class StoredChannels:
    """A `ChannelLocator` over the stored channel bindings and references.

    Graph names a team by its Microsoft 365 group id, not by the thread id Teams gives
    the bot; the group id is what Teams sent beside it (`MinutesRepository.group_id`).
    """

    def __init__(self, references: ChannelReferences, minutes: MinutesRepository):
        self._references = references
        self._minutes = minutes

    async def channel_of(self, network_key: str, group_key: str) -> tuple[str, str] | None:
        reference = await self._references.channel_reference(network_key, group_key)
        if reference is None or not reference.team_id:
            return None
        group_id = await self._minutes.group_id(reference.team_id)
        if group_id is None:
            return None
        return group_id, reference.channel_id or reference.conversation_id

    async def personal_recipient(self, conversation_id: str) -> Recipient | None:
        """The person of a stored personal chat, when Teams named their Entra object id."""
        stored = await self._references.stored_reference(conversation_id)
        if stored is None or stored.kind != "personal":
            return None
        user = personal_user(stored.reference)
        return Recipient(user.name, user.entra_object_id) if user is not None else None


@dataclass(frozen=True)
class FilingOutcome:
    """What happened to a received file: filed (`minutes`), or kept for a retry, or
    refused; `message` tells the sender, `admin_message` the admins (once)."""

    meeting: Meeting
    minutes: Minutes | None
    message: str
    language: Language = "sv"
    admin_message: str | None = None
    renamed: bool = False
    # Set only on a later try (a resumed upload, not the sender's own turn) of a file
    # sent in a personal chat: that chat, told when the try files it.
    reply_to: str | None = None


class MinutesFiler:
    """Receives minutes files and files them in the group channel's SharePoint folder."""

    def __init__(
        self,
        *,
        minutes: MinutesRepository,
        meetings: MeetingRepository,
        registry: RegistrySource,
        channels: ChannelLocator,
        files: ChannelFiles | None,
        outbox: PostQueue,
        rules: MinutesRules = MinutesRules(),
        simple_upload_limit: int = 4 * 1024 * 1024,
        now: Callable[[], datetime] = lambda: datetime.now(UTC),
    ):
        self._minutes = minutes
        self._meetings = meetings
        self._registry = registry
        self._channels = channels
        self._files = files
        self._outbox = outbox
        self.rules = rules
        self._simple_upload_limit = simple_upload_limit
        self._now = now
        self._reported: set[str] = set()  # admin problems told once per process

    @property
    def minutes_repository(self) -> MinutesRepository:
        """The filed minutes and pending uploads this filer keeps."""
        return self._minutes

    async def receive(
        self,
        meeting: Meeting,
        file_name: str,
        content: bytes,
        *,
        by: str | None,
        language: Language,
        reply_to: str | None = None,
    ) -> FilingOutcome:
        """Check a file, keep it, and file it; raises `RejectedFile` for a bad file."""
        extension = check_file(file_name, content, self.rules)
        registry = await self._registry.load()
        # Swedish names for every file, whoever sends it, so the folder reads as one list.
        group_name = _group_name(registry, meeting, "sv")
        pending = await self._minutes.add_pending(
            meeting_id=meeting.id,
            file_name=file_name,
            target_path=minutes_path(meeting, group_name, extension),
            content=content,
            sha256=hashlib.sha256(content).hexdigest(),
            uploaded_by=by,
            language=language,
            reply_conversation_id=reply_to,
            now=self._now(),
        )
        return await self.upload(pending)

    async def resume(self, idle: timedelta = timedelta(0)) -> list[FilingOutcome]:
        """Upload every file received but not yet filed (after a restart or a fault) and
        left alone for `idle` (so an upload under way is not started twice)."""
        outcomes = []
        for pending in await self._minutes.unfinished(self._now() - idle):
            outcome = await self.upload(pending)
            outcomes.append(replace(outcome, reply_to=pending.reply_conversation_id))
        return outcomes

    async def resume_and_announce(self, idle: timedelta = RESUME_IDLE) -> list[FilingOutcome]:
        """One round of the retry job: `resume`, then announce each filed file in its
        group's channel and to its sender's personal chat (`announce`)."""
        outcomes = await self.resume(idle=idle)
        for outcome in outcomes:
            log.info(
                "pending minutes upload tried",
                extra={"meeting": outcome.meeting.id, "filed": bool(outcome.minutes)},
            )
            await self.announce(outcome, in_channel=False)
        return outcomes

    async def resume_forever(self, interval: timedelta) -> None:
        """Every `interval` until cancelled, from now: `resume_and_announce`, and look up
        the channels' files folders not known or not checked for a day
        (`refresh_folders`); a failure is logged and tried again next round."""
        while True:
            try:
                await self.resume_and_announce()
            except Exception:  # noqa: BLE001 - the next round tries again
                log.exception("resuming minutes uploads failed")
            try:
                await self.refresh_folders()
            except Exception:  # noqa: BLE001 - the next round tries again
                log.exception("looking up the channels' files folders failed")
            await asyncio.sleep(interval.total_seconds())

    async def refresh_folders(self, max_age: timedelta = FOLDER_MAX_AGE) -> int:
        """Ask Graph for the files folder of every group channel whose folder is not
        known or older than `max_age`, and keep it (the asking card links to it);
        returns how many were looked up. Graph faults are logged, not raised."""
        if self._files is None:
            return 0
        registry = await self._registry.load()
        looked_up = 0
        for network in registry.networks:
            for group in network.groups:
                channel = await self._channels.channel_of(network.key, group.key)
                if channel is None:
                    continue
                checked = await self._minutes.folder_checked(channel[1])
                if checked is not None and self._now() - checked < max_age:
                    continue
                try:
                    await self._folder(channel)
                except GraphError as error:
                    log.warning(
                        "files folder not found",
                        extra={"network": network.key, "group": group.key, "error": str(error)},
                    )
                    if isinstance(error, (GraphForbidden, GraphCredentialsRejected)):
                        return looked_up  # the same for every channel: the upload reports it
                    continue
                looked_up += 1
        return looked_up

    async def _folder(self, channel: tuple[str, str]) -> DriveFolder:
        """The channel's files folder from Graph, remembered for the asking card."""
        assert self._files is not None
        folder = await self._files.channel_folder(*channel)
        await self._minutes.remember_folder(
            channel[1],
            drive_id=folder.drive_id,
            item_id=folder.item_id,
            web_url=folder.web_url,
            now=self._now(),
        )
        return folder

    async def announce(self, outcome: FilingOutcome, *, in_channel: bool) -> None:
        """Through the outbox: minutes filed outside the group's channel (personal chat,
        a resumed upload) are announced there with their link; a resumed upload of a file
        sent in a personal chat is also told to its sender there; a problem the admins
        must fix goes to the General channel, once a day."""
        meeting, now = outcome.meeting, self._now()
        posts = []
        sender = (
            await self._channels.personal_recipient(outcome.reply_to)
            if outcome.minutes is not None and outcome.reply_to
            else None
        )
        if sender is not None and outcome.minutes is not None:
            # The sender was told "I will try again" in their chat: close that loop there.
            posts.append(
                PlannedPost(
                    key=f"minutes-filed:{meeting.id}:{outcome.minutes.item_id}:to-sender",
                    target=Target(meeting.network_key, meeting.group_key, sender),
                    due_at=now,
                    stale_after=now + NOTICE_STALE_AFTER,
                    language=outcome.language,
                    text=outcome.message,
                    kind="minutes",
                )
            )
        if outcome.minutes is not None and not in_channel:
            posts.append(
                PlannedPost(
                    key=f"minutes-filed:{meeting.id}:{outcome.minutes.item_id}",
                    target=Target(meeting.network_key, meeting.group_key),
                    due_at=now,
                    stale_after=now + NOTICE_STALE_AFTER,
                    language=outcome.language,
                    text=outcome.message,
                    kind="minutes",
                )
            )
        if outcome.admin_message:
            day = local(now).date().isoformat()
            posts.append(
                PlannedPost(
                    key=f"minutes-admin:{meeting.network_key}:{day}",
                    target=Target(meeting.network_key, GENERAL_CHANNEL),
                    due_at=now,
                    stale_after=now + NOTICE_STALE_AFTER,
                    language=outcome.language,
                    text=outcome.admin_message,
                    kind="minutes",
                )
            )
        if posts:
            await self._outbox.enqueue(posts, now)

    async def upload(self, pending: PendingUpload) -> FilingOutcome:
        """File one pending upload; on a Graph fault keep it and say what happens next."""
        meeting = await self._meetings.get(pending.meeting_id)
        assert meeting is not None  # pending uploads go with their meeting (cascade)
        registry = await self._registry.load()
        language: Language = "en" if pending.language == "en" else "sv"
        group_name = escape(_group_name(registry, meeting, language))
        if self._files is None:
            return FilingOutcome(meeting, None, xt.NOT_CONFIGURED.get(language), language)
        channel = await self._channels.channel_of(meeting.network_key, meeting.group_key)
        if channel is None:
            return FilingOutcome(
                meeting,
                None,
                xt.NO_CHANNEL.get(language).format(group=mt.in_sentence(group_name, language)),
                language,
            )
        content = await self._minutes.content(pending.id)
        if content is None:  # filed meanwhile by another replica
            return FilingOutcome(meeting, None, "", language)
        try:
            file, path = await self._put(channel, pending, content)
        except GraphForbidden as error:
            await self._fail(pending, error, give_up=False)
            return FilingOutcome(
                meeting,
                None,
                xt.FORBIDDEN.get(language),
                language,
                admin_message=self._once(
                    f"forbidden:{meeting.network_key}",
                    xt.ADMIN_FORBIDDEN.get(language).format(permissions=REQUIRED_PERMISSIONS),
                ),
            )
        except GraphCredentialsRejected as error:
            await self._fail(pending, error, give_up=False)
            message = xt.CREDENTIALS.get(language)
            return FilingOutcome(
                meeting, None, message, language, admin_message=self._once("credentials", message)
            )
        except GraphError as error:
            await self._fail(pending, error, give_up=not error.retryable)
            if error.retryable:
                return FilingOutcome(meeting, None, xt.WILL_RETRY.get(language), language)
            return FilingOutcome(
                meeting, None, xt.FAILED.get(language).format(error=error), language
            )
        minutes = await self._minutes.file_minutes(
            Minutes(
                meeting_id=meeting.id,
                drive_id=file.drive_id,
                item_id=file.item_id,
                web_url=file.web_url,
                path=path,
                file_name=pending.file_name,
                size=file.size,
                sha256=pending.sha256,
                uploaded_by=pending.uploaded_by,
                uploaded_at=self._now(),
            ),
            pending_id=pending.id,
        )
        day = mt.format_short_day(local(meeting.starts_at).date(), language)
        message = xt.FILED.get(language).format(
            group=mt.in_sentence(group_name, language),
            day=day,
            name=escape(file.name),
            url=file.web_url,
        )
        wanted = posixpath.basename(pending.target_path)
        renamed = file.name.lower() != wanted.lower()
        if renamed:
            message += " " + xt.FILED_RENAMED.get(language).format(name=escape(file.name))
        return FilingOutcome(meeting, minutes, message, language, renamed=renamed)

    async def _put(
        self, channel: tuple[str, str], pending: PendingUpload, content: bytes
    ) -> tuple[DriveFile, str]:
        assert self._files is not None
        files = self._files
        root = await self._folder(channel)
        folder_path, _, wanted = pending.target_path.rpartition("/")
        folder = await files.ensure_folder(root, folder_path.split("/"))
        if pending.upload_url is not None:
            offset = await files.session_offset(pending.upload_url)
            if offset is not None:  # the session is still open: go on where it stopped
                return await self._chunks(
                    folder, pending, UploadState(pending.upload_url, offset), content
                ), pending.target_path
        taken = await files.names(folder)
        for attempt in range(1, MAX_NAME_ATTEMPTS + 1):
            name = free_name(wanted, taken, attempt)
            path = f"{folder_path}/{name}"
            try:
                if len(content) <= self._simple_upload_limit:
                    return await files.upload_small(folder, name, content), path
                state = await files.start_session(folder, name)
            except NameTaken:  # someone filed a file of that name since we listed
                taken.add(name.lower())
                continue
            await self._minutes.save_progress(
                pending.id,
                upload_url=state.upload_url,
                next_offset=state.next_offset,
                target_path=path,
                now=self._now(),
            )
            return await self._chunks(folder, pending, state, content), path
        raise GraphError(f"no free name for {wanted}")

    async def _chunks(
        self, folder: DriveFolder, pending: PendingUpload, state: UploadState, content: bytes
    ) -> DriveFile:
        assert self._files is not None

        async def saved(now: UploadState) -> None:
            await self._minutes.save_progress(
                pending.id, upload_url=now.upload_url, next_offset=now.next_offset, now=self._now()
            )

        return await self._files.upload_chunks(folder, state, content, saved)

    async def _fail(self, pending: PendingUpload, error: GraphError, *, give_up: bool) -> None:
        log.warning(
            "minutes upload failed",
            extra={"pending": pending.id, "status": error.status, "code": error.code},
        )
        await self._minutes.record_attempt(pending.id, str(error), give_up=give_up, now=self._now())

    def _once(self, key: str, message: str) -> str | None:
        if key in self._reported:
            return None
        self._reported.add(key)
        return message


def _group_name(registry: RoleRegistry, meeting: Meeting, language: Language) -> str:
    try:
        return registry.network(meeting.network_key).group(meeting.group_key).name.get(language)
    except KeyError:
        return meeting.group_key


# --- status ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class MeetingMinutes:
    """A past meeting and its minutes: filed, being filed (`pending`) or missing."""

    meeting: Meeting
    minutes: Minutes | None
    pending: bool

    @property
    def state(self) -> str:
        return "filed" if self.minutes else "uploading" if self.pending else "missing"


@dataclass(frozen=True)
class GroupMinutes:
    """A group's past meetings of a period and their minutes."""

    network_key: str
    group_key: str
    meetings: tuple[MeetingMinutes, ...] = field(default_factory=tuple)

    @property
    def missing(self) -> tuple[MeetingMinutes, ...]:
        return tuple(m for m in self.meetings if m.state == "missing")


async def minutes_status(
    network: Network,
    meetings: MeetingRepository,
    minutes: MinutesRepository,
    now: datetime,
    *,
    days: int,
    group_key: str | None = None,
) -> list[GroupMinutes]:
    """Each group's meetings that ended in the last `days` days, with their minutes."""
    ended = [
        m
        for m in await meetings.meetings(
            network.key, now - timedelta(days=days), now, group_key=group_key
        )
        if m.ends_at <= now
    ]
    filed = await minutes.minutes(m.id for m in ended)
    pending = await minutes.pending_for(m.id for m in ended)
    groups = [g.key for g in network.groups if group_key in (None, g.key)]
    return [
        GroupMinutes(
            network.key,
            key,
            tuple(
                MeetingMinutes(m, filed.get(m.id), m.id in pending)
                for m in ended
                if m.group_key == key
            ),
        )
        for key in groups
    ]


# --- asking and chasing ---------------------------------------------------------------------

ASK_STALE_AFTER = timedelta(days=2)
LAST_REMINDER_STALE_AFTER = timedelta(days=7)
DEFAULT_LOOKBACK = timedelta(days=7)
DEFAULT_POST_TIME = time(9, 0)


class MinutesChaser:
    """Plans the minutes posts (a `Planner`): asking for the minutes when a meeting ends,
    and reminders `reminder_days` after it while they are missing.

    Who hears what (so nobody is nagged in public before it helps, and nothing is
    missed in private only):

    - **Asking** (when the meeting ends): the card in the group's channel, the secretary
      @mentioned, and the same card to the secretary in personal chat.
    - **Earlier reminders** (e.g. day 3): to the secretary in personal chat only; the
      channel is not reminded. Without a secretary the bot can reach personally (no
      holder, or no Entra object id) the reminder goes to the channel instead.
    - **The last reminder** (e.g. day 7): in the channel, the secretary and the chair
      @mentioned, and to each of them in personal chat.

    A reminder day on a weekend or Swedish holiday moves as `MinutesRules.reminder_shift`
    says (to the working day after by default); each reminder is superseded by the next
    from the start of the next one's day, so after downtime only the newest goes out. The
    days since the meeting a reminder states are counted on the day it is sent
    (`Countdown`).

    A secretary without an Entra object id gets no personal copy; the status says so
    (`personal_reach`). Nothing is planned for a meeting whose minutes are filed, or
    being filed (a received file waiting for SharePoint). The card links to the
    channel's files folder when it is known (`MinutesRepository.folder_urls`, kept by
    `MinutesFiler`); planning never calls Graph.

    Keys: `minutes-ask:{network}:{group}:{start}`,
    `minutes-reminder:{network}:{group}:{start}:{days}d` for the channel and the same
    with `:to:{entra object id}` for a person, so each goes out once.
    """

    def __init__(
        self,
        registry: RegistrySource,
        meetings: MeetingRepository,
        minutes: MinutesRepository,
        *,
        rules: MinutesRules = MinutesRules(),
        lookback: timedelta = DEFAULT_LOOKBACK,
        post_time: time = DEFAULT_POST_TIME,
        language: Language = "sv",
    ):
        self._registry = registry
        self._meetings = meetings
        self._minutes = minutes
        self._rules = rules
        self._lookback = lookback
        self._post_time = post_time
        self._language = language

    async def planned_posts(self, until: datetime) -> list[PlannedPost]:
        """Asking cards and reminders due by `until`, not stale before `until - lookback`."""
        registry = await self._registry.load()
        since = until - self._lookback
        # A reminder shifted forward over a long holiday is due this much later.
        longest = max(self._rules.reminder_days, default=0) + LONGEST_SHIFT.days
        posts: list[PlannedPost] = []
        for network in registry.networks:
            ended = [
                m
                for m in await self._meetings.meetings(
                    network.key, since - timedelta(days=longest + 2), until
                )
                if m.ends_at <= until
            ]
            filed = await self._minutes.minutes(m.id for m in ended)
            pending = await self._minutes.pending_for(m.id for m in ended)
            folders = await self._minutes.folder_urls(network.key) if ended else {}
            for meeting in ended:
                if meeting.id in filed or any(
                    p.state != "failed" for p in pending.get(meeting.id, ())
                ):
                    continue
                for post in self._posts(network, meeting, folders.get(meeting.group_key)):
                    if post.due_at <= until and post.stale_after > since:
                        posts.append(post)
        return sorted(posts, key=lambda post: (post.due_at, post.key))

    def _posts(
        self, network: Network, meeting: Meeting, folder_url: str | None
    ) -> list[PlannedPost]:
        language = self._language
        start = local(meeting.starts_at)
        today = start.date()
        group = escape(_group_name(RoleRegistry((network,)), meeting, language))
        day = mt.format_short_day(today, language)
        secretaries = _holders(network, self._rules.secretary_role, meeting.group_key, today)
        base = f"{network.key}:{meeting.group_key}:{start.strftime('%Y-%m-%dT%H:%M')}"

        def card_and_text(
            title: str, text_template: Localized[str], nobody_template: Localized[str],
            who: list[Assignment], tagged: bool, **values: object,
        ) -> tuple[dict[str, Any], str]:
            # In the channel people are @mentioned; in a personal chat they are named.
            name = _named if tagged else _plain
            names = ", ".join(name(a) for a in who)
            secretary = ", ".join(name(a) for a in secretaries) or xt.NO_SECRETARY.get(language)
            facts = [
                (xt.MEETING.get(language), f"{group}, {mt.format_day(today, language)}"),
                (xt.SECRETARY.get(language), secretary),
            ]
            template = text_template
            if not names:
                template = nobody_template
            elif not secretaries and text_template is xt.REMINDER_TEXT:
                template = xt.REMINDER_TEXT_CHAIR_ONLY  # only the chair: not "secretary"
            text = template.get(language).format(
                who=names, secretary=names, group=mt.in_sentence(group, language), **values
            )
            card = cards.minutes_request_card(
                title, facts, text, meeting.id, language, folder_url=folder_url
            )
            return card, text

        def post(
            key: str, due: datetime, stale: datetime, title: str, card: dict[str, Any],
            text: str, mentions: tuple[Mention, ...] = (), person: Recipient | None = None,
            countdown: Countdown | None = None, next_key: str | None = None,
        ) -> PlannedPost:
            def personal(key: str) -> str:
                return key if person is None else f"{key}:to:{person.entra_object_id}"

            return PlannedPost(
                key=personal(key),
                target=Target(network.key, meeting.group_key, person),
                due_at=due,
                stale_after=stale,
                language=language,
                text=text if person is None else f"{title}: {text}",
                card=card,
                mentions=mentions,
                kind="minutes",
                countdown=countdown,
                superseded_by=personal(next_key) if next_key is not None else None,
            )

        ask_title = xt.ASK_TITLE.get(language).format(day=day)
        ask_due, ask_stale = meeting.ends_at, meeting.ends_at + ASK_STALE_AFTER
        card, text = card_and_text(
            ask_title, xt.ASK_TEXT, xt.ASK_TEXT_NO_SECRETARY, secretaries, True
        )
        posts = [
            post(
                f"minutes-ask:{base}", ask_due, ask_stale, ask_title, card,
                f"{ask_title}: {text}", _mentions(secretaries),
            )
        ]
        card, text = card_and_text(ask_title, xt.ASK_PERSONAL_TEXT, xt.ASK_PERSONAL_TEXT,
                                   secretaries, False)  # fmt: skip
        for person in _recipients(secretaries):
            posts.append(post(f"minutes-ask:{base}", ask_due, ask_stale, ask_title, card, text,
                              person=person))  # fmt: skip

        chases = self._chases(today)
        for chase in chases:
            last = chase.next_lead is None
            who = list(secretaries)
            if last and len(chases) > 1:
                who += _holders(network, self._rules.chair_role, meeting.group_key, today)
            due, stale, post_day = chase.due_at, chase.stale_after, chase.day
            key = f"minutes-reminder:{base}:{chase.lead_days}d"
            next_key = None if last else f"minutes-reminder:{base}:{chase.next_lead}d"
            title = xt.REMINDER_TITLE.get(language).format(day=day)
            people = _recipients(who)
            since = xt.days_since_meeting((post_day - today).days, language)
            countdown = Countdown(today, since, "since")
            values = {"day": day, "since": since}
            if last or not people:
                card, text = card_and_text(
                    title, xt.REMINDER_TEXT, xt.REMINDER_TEXT_NO_SECRETARY, who, True, **values
                )
                posts.append(post(key, due, stale, title, card, text, _mentions(who),
                                  countdown=countdown, next_key=next_key))  # fmt: skip
            card, text = card_and_text(
                title, xt.REMINDER_TEXT, xt.REMINDER_TEXT_NO_SECRETARY, who, False, **values
            )
            for person in people:
                posts.append(post(key, due, stale, title, card, text, person=person,
                                  countdown=countdown, next_key=next_key))  # fmt: skip
        return posts

    def _chases(self, meeting_day: date) -> list[Reminder]:
        """The reminders of a meeting's minutes, soonest first (`lead_days`: the days after
        the meeting its key names), the last stale a week after it is due.

        A day on a weekend or holiday moves by `reminder_shift`, but never to the meeting's
        day or before it (then to the first working day after); days that land on one day
        keep the later reminder, which is the one that also names the chair.
        """
        by_day: dict[date, int] = {}
        for after in sorted(set(self._rules.reminder_days)):
            day = shifted(meeting_day + timedelta(days=after), self._rules.reminder_shift)
            if day <= meeting_day:
                day = next_working_day(meeting_day + timedelta(days=max(after, 1)))
            by_day[day] = after
        if not by_day:
            return []
        ends = at_local(max(by_day), self._post_time) + LAST_REMINDER_STALE_AFTER
        return reminder_chain(by_day, self._post_time, ends)


def personal_reach(network: Network, group_key: str, rules: MinutesRules, today: date) -> bool:
    """Whether the group's secretary can be reached in personal chat (a holder with an
    Entra object id); if not, the minutes are asked for in the channel only."""
    return bool(_recipients(_holders(network, rules.secretary_role, group_key, today)))


def _holders(network: Network, role: str, group_key: str, today: date) -> list[Assignment]:
    try:
        return list(network.holders(role, group_key, today))
    except KeyError:  # the network has no such role
        return []


def _mentions(holders: Sequence[Assignment]) -> tuple[Mention, ...]:
    seen: dict[str, Mention] = {}
    for a in holders:
        if a.person.entra_object_id:
            seen.setdefault(
                a.person.entra_object_id, Mention(a.person.name, a.person.entra_object_id)
            )
    return tuple(seen.values())


def _recipients(holders: Sequence[Assignment]) -> list[Recipient]:
    """The holders the bot can reach in personal chat, each once."""
    return [Recipient(m.name, m.entra_object_id) for m in _mentions(holders)]


def _plain(assignment: Assignment) -> str:
    return escape(assignment.person.name)


def _named(assignment: Assignment) -> str:
    person = assignment.person
    if person.entra_object_id:
        return f"<at>{html.escape(person.name, quote=False)}</at>"
    return escape(person.name)


def day_range(day: date) -> tuple[datetime, datetime]:
    """The start and end of a local day."""
    return start_of_day(day), start_of_day(day + timedelta(days=1))
