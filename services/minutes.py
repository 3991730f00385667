"""Minutes: checking a received file, filing it in SharePoint, and chasing what is missing.

Plain Python over plain data. The rules a file must pass, and where it is filed, are
the domain's (`domain.minutes`: `check_file`, `minutes_path`, `free_name`).
`MinutesFiler` keeps a received file as a pending upload (the job) before anything is
fetched or sent to Graph, so a turn answers at once; in the background it fetches the
file, uploads it (one request, or an upload session resumed from where Graph says it
stopped), never overwrites a file it did not file (for a meeting already filed the
upload is a new version of its file), records the drive item and its version against
the meeting, and tells the sender and the channel; a failed try is repeated with
exponential backoff and jitter (`UploadRetry`). The channel's files folder is remembered
for the asking card (`refresh_folders` keeps it current). `MinutesChaser` is a `Planner`:
it asks for the minutes when a meeting has ended, in the channel and in the secretary's
personal chat, and reminds the secretary (and at the last reminder the chair too) while
they are missing; who hears what, and why, is in its docstring.
"""

from __future__ import annotations

import asyncio
import hashlib
import html
import logging
import posixpath
import random
from collections.abc import Awaitable, Callable, Sequence
from contextlib import suppress
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, time, timedelta
from typing import Any, Protocol

from domain.conversations import personal_user
from domain.filing import (
    REQUIRED_PERMISSIONS,
    DriveFile,
    DriveFolder,
    GraphCredentialsRejected,
    GraphError,
    GraphForbidden,
    NameTaken,
    UploadState,
)
from domain.meetings import Meeting
from domain.minutes import (
    MAX_NAME_ATTEMPTS,
    DownloadFailed,
    FileTooLarge,
    Minutes,
    MinutesRules,
    PendingUpload,
    RejectedFile,
    check_file,
    free_name,
    minutes_path,
    too_large_file,
)
from domain.ports import (
    ChannelFilesPort,
    ConversationPort,
    MeetingPort,
    MinutesPort,
    OutboxPort,
    RegistryPort,
)
from domain.posts import (
    GENERAL_CHANNEL,
    Countdown,
    Mention,
    PlannedPost,
    PostKey,
    Recipient,
    Target,
)
from domain.recurrence import (
    LONGEST_SHIFT,
    at_local,
    local,
    next_working_day,
    shifted,
    start_of_day,
)
from domain.registry import Assignment, Language, Localized, Network, RoleRegistry
from services.planning import Reminder, reminder_chain
from storage.database import is_unavailable
from texts import meetings as mt
from texts import minutes as xt
from texts.markdown import escape
from views import cards

log = logging.getLogger(__name__)

# The shortest wait of the filing loop between rounds (a job due "now" cannot spin it).
MIN_WAIT_SECONDS = 0.2
# How long a filing notice or an admin alert is still worth posting.
NOTICE_STALE_AFTER = timedelta(days=1)
# How long a channel's files folder, as Graph reported it, is trusted for the asking card.
FOLDER_MAX_AGE = timedelta(days=1)


class ChannelLocator(Protocol):
    """Which Teams channel a group has: (Graph team id, channel id), or None; and who
    is at the other end of a personal chat."""

    async def channel_of(self, network_key: str, group_key: str) -> tuple[str, str] | None: ...

    async def personal_recipient(self, conversation_id: str) -> Recipient | None: ...


class StoredChannels:
    """A `ChannelLocator` over the stored channel bindings and references.

    Graph names a team by its Microsoft 365 group id, not by the thread id Teams gives
    the bot; the group id is what Teams sent beside it (`MinutesPort.group_id`).
    """

    def __init__(self, references: ConversationPort, minutes: MinutesPort):
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
    """What became of a received file: filed (`minutes`), waiting for a retry, given up
    on, or refused; `message` tells the sender and the channel, `admin_message` the
    admins (once). `state`: "filed", "waiting", "failed" or "refused"."""

    meeting: Meeting
    minutes: Minutes | None
    message: str
    language: Language = "sv"
    admin_message: str | None = None
    renamed: bool = False
    # The sender's personal chat (None: sent in the channel, or from the command line).
    reply_to: str | None = None
    upload_key: str | None = None  # `PendingUpload.key`: the notices' keys name it
    state: str = "filed"


class AlreadyFiled(Exception):
    """The meeting's minutes are filed; replacing them was not asked for."""

    def __init__(self, minutes: Minutes, message: str):
        super().__init__(message)
        self.minutes = minutes
        self.message = message


@dataclass(frozen=True)
class UploadRetry:
    """The pause after a failed try of a pending upload: `base` doubled with every try,
    at most `cap`, the second half of it random (jitter, so files and replicas spread
    out); a Retry-After from Graph is waited at least."""

    base: timedelta = timedelta(seconds=30)
    cap: timedelta = timedelta(minutes=15)

    def pause(
        self,
        attempts: int,
        retry_after: float | None = None,
        random: Callable[[], float] = random.random,
    ) -> timedelta:
        """The pause after the `attempts`th failed try."""
        full = min(self.cap, self.base * 2 ** min(max(attempts - 1, 0), 30))
        pause = full / 2 + full / 2 * random()
        return max(pause, timedelta(seconds=retry_after or 0))


# A worker's claim on a pending upload; renewed every third of it while it works, so a
# replica that dies frees its uploads this long after, and a slow upload is never taken.
UPLOAD_LEASE = timedelta(minutes=2)
# How often a worker looks for uploads it was not told of (another replica died).
UPLOAD_POLL = timedelta(seconds=30)
# How often the channels' files folders are looked up for the asking card.
FOLDER_REFRESH_INTERVAL = timedelta(minutes=5)
# A link that fails without an answer (not an HTTP error) is tried this often in all.
MAX_FETCH_ATTEMPTS = 3
# Uploads claimed at once by one round.
CLAIM_BATCH = 10

Fetch = Callable[[str, int], Awaitable[bytes]]


class MinutesFiler:
    """Files received minutes in the group channel's SharePoint folder, in the background.

    A received file becomes a pending upload at once (`accept`): that row is the job.
    `work_forever` claims due jobs with a lease (`storage.minutes`), fetches the bytes
    (Teams' download link, or a SharePoint link through Graph), checks them, uploads
    them and records the drive item and its version; a failed try waits with
    exponential backoff and jitter (`UploadRetry`). One file per meeting: for a meeting
    already filed the upload is a new version of the filed file (SharePoint keeps the
    old one), never a "(2)" copy. What became of the file — the link, or what went wrong
    and what happens next — goes through the outbox to the sender's personal chat and
    the group's channel (`announce`).
    """

    def __init__(
        self,
        *,
        minutes: MinutesPort,
        meetings: MeetingPort,
        registry: RegistryPort,
        channels: ChannelLocator,
        files: ChannelFilesPort | None,
        outbox: OutboxPort,
        rules: MinutesRules = MinutesRules(),
        simple_upload_limit: int = 4 * 1024 * 1024,
        download: Fetch | None = None,
        read_shared: Fetch | None = None,
        retry: UploadRetry = UploadRetry(),
        lease: timedelta = UPLOAD_LEASE,
        worker_id: str = "minutes",
        on_posts: Callable[[], None] | None = None,
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
        self._download = download
        self._read_shared = read_shared
        self._retry = retry
        self._lease = lease
        self._worker_id = worker_id
        self.on_posts = on_posts
        """Called when notices were queued (the app: deliver them now, not next tick)."""
        self._now = now
        self._reported: set[str] = set()  # admin problems told once per process
        self._wake = asyncio.Event()

    @property
    def minutes_repository(self) -> MinutesPort:
        """The filed minutes and pending uploads this filer keeps."""
        return self._minutes

    def warm_up(self) -> None:
        """Load what the first upload needs (`ChannelFilesPort.warm_up`). Blocking, about a
        second of CPU with Graph: the bot runs it in a thread as it starts, so that neither
        the first file's background work nor the loading itself holds the event loop."""
        if self._files is not None:
            self._files.warm_up()

    def notify(self) -> None:
        """A pending upload was added or confirmed: `work_forever` takes it up now."""
        self._wake.set()

    async def fetch(self, url: str, shared: bool) -> bytes:
        """A received file's bytes: `DownloadFailed`, `FileTooLarge` as the fetchers raise."""
        fetch = self._read_shared if shared else self._download
        if fetch is None:
            raise DownloadFailed("no way to fetch this file (Graph or downloads not set up)")
        return await fetch(url, self.rules.max_bytes)

    async def accept(
        self,
        meeting: Meeting,
        file_name: str,
        *,
        content: bytes | None = None,
        download_url: str | None = None,
        shared: bool = False,
        by: str | None,
        language: Language,
        reply_to: str | None = None,
        sender_id: str | None = None,
        sender_aad_object_id: str | None = None,
        confirm_first: bool = False,
    ) -> tuple[PendingUpload, list[str]]:
        """Check a file (its bytes, or only its name when they are still behind
        `download_url`) and keep it as a pending upload, replacing one of the meeting
        still waiting; `work_forever` files it. `confirm_first`: the meeting is filed and
        the sender must confirm the replacement first (the bytes are fetched meanwhile).
        Returns the pending upload and the names of the files it replaced; raises
        `RejectedFile` for a bad file."""
        extension = check_file(file_name, content, self.rules)
        registry = await self._registry.load()
        # Swedish names for every file, whoever sends it, so the folder reads as one list.
        group_name = _group_name(registry, meeting, "sv")
        accepted = await self._minutes.add_pending(
            meeting_id=meeting.id,
            file_name=file_name,
            target_path=minutes_path(meeting, group_name, extension),
            content=content,
            sha256=hashlib.sha256(content).hexdigest() if content is not None else "",
            uploaded_by=by,
            language=language,
            reply_conversation_id=reply_to,
            now=self._now(),
            download_url=download_url,
            shared=shared,
            awaiting_confirmation=confirm_first,
            sender_id=sender_id,
            sender_aad_object_id=sender_aad_object_id,
        )
        self.notify()
        return accepted

    async def receive(
        self,
        meeting: Meeting,
        file_name: str,
        content: bytes,
        *,
        by: str | None,
        language: Language,
        replace: bool = False,
    ) -> FilingOutcome:
        """Check a file, keep it and file it now, waiting for Graph (the command line).
        Raises `RejectedFile` for a bad file, and `AlreadyFiled` for a meeting whose
        minutes are filed unless `replace` (then the file becomes their new version).
        When a serving bot's worker takes the kept file first, the outcome is "waiting"
        and says that the bot is filing it."""
        filed = (await self._minutes.minutes([meeting.id])).get(meeting.id)
        if filed is not None and not replace:
            registry = await self._registry.load()
            raise AlreadyFiled(filed, _already_filed(registry, meeting, filed, language))
        pending, _ = await self.accept(meeting, file_name, content=content, by=by,
                                       language=language)  # fmt: skip
        outcome = await self.file_now(pending.id)
        if outcome is None:
            # A serving bot's filing worker claimed it first (it is woken by new rows and
            # polls); the file is kept and filed there, which is what the caller wanted.
            return FilingOutcome(
                meeting,
                None,
                xt.FILING_ELSEWHERE.get(language).format(name=escape(file_name)),
                language,
                upload_key=pending.key,
                state="waiting",
            )
        return outcome

    async def file_now(self, pending_id: int) -> FilingOutcome | None:
        """Claim one pending upload (whatever its backoff) and work on it now; None if
        another worker holds it, or it is gone."""
        claimed = await self._minutes.claim_uploads(
            self._worker_id, self._now(), self._lease, pending_id=pending_id,
            ignore_backoff=True,
        )  # fmt: skip
        return await self._work(claimed[0]) if claimed else None

    async def run_round(self, *, ignore_backoff: bool = False) -> list[FilingOutcome]:
        """Work on every pending upload that is due, in batches; `ignore_backoff` (at
        start-up) takes up every waiting one once, however recently it failed."""
        outcomes: list[FilingOutcome] = []
        while True:
            claimed = await self._minutes.claim_uploads(
                self._worker_id,
                self._now(),
                self._lease,
                limit=CLAIM_BATCH if not ignore_backoff else 1000,
                ignore_backoff=ignore_backoff,
            )
            for pending in claimed:
                outcome = await self._work(pending)
                if outcome is not None:
                    outcomes.append(outcome)
            # After the start-up pass, what failed again waits for its next try.
            if not claimed or ignore_backoff:
                return outcomes

    async def work_forever(self) -> None:
        """Until cancelled: take up every waiting upload at once (start-up), then each
        as it comes due, is added (`notify`) or is left by a replica that died; every
        `FOLDER_REFRESH_INTERVAL` also look up the channels' files folders
        (`refresh_folders`). A failure is logged and tried again next round."""
        starting = True
        refresh_at = self._now()
        while True:
            self._wake.clear()
            try:
                await self.run_round(ignore_backoff=starting)
                starting = False
            except Exception as error:  # noqa: BLE001 - the next round tries again
                if is_unavailable(error):  # an outage, not a bug: one line, no traceback
                    log.warning("filing skipped: database unavailable (%s)", type(error).__name__)
                else:
                    log.exception("filing pending minutes failed")
            if self._now() >= refresh_at:
                try:
                    await self.refresh_folders()
                except Exception:  # noqa: BLE001 - the next round tries again
                    log.exception("looking up the channels' files folders failed")
                refresh_at = self._now() + FOLDER_REFRESH_INTERVAL
            wait = min(UPLOAD_POLL, refresh_at - self._now())
            with suppress(Exception):  # the database may be down: poll as usual
                due = await self._minutes.next_upload_due()
                if due is not None:
                    wait = min(wait, due - self._now())
            with suppress(TimeoutError):
                await asyncio.wait_for(
                    self._wake.wait(), max(wait.total_seconds(), MIN_WAIT_SECONDS)
                )

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
                    # Graph's message may quote a file or folder name: type and status only.
                    log.warning(
                        "files folder not found",
                        extra={
                            "network": network.key,
                            "group": group.key,
                            "error": type(error).__name__,
                            "status": error.status,
                            "code": error.code,
                        },
                    )
                    if isinstance(error, GraphForbidden | GraphCredentialsRejected):
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

    async def announce(self, outcome: FilingOutcome) -> None:
        """Through the outbox: what became of a file goes to the group's channel and,
        when it was sent in a personal chat, to its sender there (a refused file to the
        sender only); a problem the admins must fix goes to the General channel, once a
        day. Keyed by the pending upload, so a notice goes out once however often the
        upload is tried."""
        meeting, now = outcome.meeting, self._now()
        def post(target: Target, to_sender: bool = False) -> PlannedPost:
            key = PostKey.minutes_notice(
                outcome.state, meeting.id, outcome.upload_key, to_sender=to_sender
            )
            return PlannedPost(
                key=str(key),
                target=target,
                due_at=now,
                stale_after=now + NOTICE_STALE_AFTER,
                language=outcome.language,
                text=outcome.message,
                kind="minutes",
            )

        sender = (
            await self._channels.personal_recipient(outcome.reply_to)
            if outcome.reply_to
            else None
        )
        posts = []
        if sender is not None:
            posts.append(post(Target(meeting.network_key, meeting.group_key, sender), True))
        if outcome.state != "refused" or sender is None:
            posts.append(post(Target(meeting.network_key, meeting.group_key)))
        if outcome.admin_message:
            day = local(now).date()
            posts.append(
                PlannedPost(
                    key=str(PostKey.minutes_admin(meeting.network_key, day)),
                    target=Target(meeting.network_key, GENERAL_CHANNEL),
                    due_at=now,
                    stale_after=now + NOTICE_STALE_AFTER,
                    language=outcome.language,
                    text=outcome.admin_message,
                    kind="minutes",
                )
            )
        if outcome.message and await self._outbox.enqueue(posts, now) and self.on_posts:
            self.on_posts()

    async def _work(self, pending: PendingUpload) -> FilingOutcome | None:
        """Fetch, check and upload one claimed pending upload, keeping the claim alive
        meanwhile, and announce the outcome; None when there is nothing to tell (it
        waits for its sender's confirmation, or was replaced meanwhile)."""
        keeper = asyncio.create_task(self._keep_claim(pending.id))
        try:
            outcome = await self._fetch_and_file(pending)
        except asyncio.CancelledError:
            # Shutting down: free the upload for the next process at once.
            with suppress(Exception):
                await asyncio.shield(self._minutes.release_claim(pending.id, self._worker_id))
            raise
        except Exception as error:  # noqa: BLE001 - kept, and tried again after a pause
            log.exception("minutes upload failed unexpectedly", extra={"pending": pending.id})
            await self._record_failure(pending, f"{type(error).__name__}: {error}", None)
            return None
        finally:
            keeper.cancel()
        if outcome is not None:
            outcome = replace(outcome, reply_to=pending.reply_conversation_id,
                              upload_key=pending.key)  # fmt: skip
            await self.announce(outcome)
        return outcome

    async def _keep_claim(self, pending_id: int) -> None:
        while True:
            await asyncio.sleep(self._lease.total_seconds() / 3)
            try:
                kept = await self._minutes.extend_claim(
                    pending_id, self._worker_id, self._now() + self._lease
                )
            except Exception:  # noqa: BLE001 - the lease may still hold; try again
                log.warning("renewing an upload claim failed", extra={"pending": pending_id})
                continue
            if not kept:
                return

    async def _fetch_and_file(self, pending: PendingUpload) -> FilingOutcome | None:
        meeting = await self._meetings.get(pending.meeting_id)
        assert meeting is not None  # pending uploads go with their meeting (cascade)
        language: Language = "en" if pending.language == "en" else "sv"
        registry = await self._registry.load()
        header = _header(registry, meeting, language)
        if not pending.fetched:
            assert pending.download_url is not None
            try:
                content = await self.fetch(pending.download_url, pending.shared)
                check_file(pending.file_name, content, self.rules)
            except FileTooLarge as too_large:
                refused = too_large_file(too_large.size, self.rules.max_bytes)
                return await self._refuse(pending, meeting, header + xt.refusal(refused, language))
            except RejectedFile as refused:
                return await self._refuse(pending, meeting, header + xt.refusal(refused, language))
            except DownloadFailed as error:
                failed = xt.SHARED_UNREADABLE if pending.shared else xt.DOWNLOAD_FAILED
                # No answer at all may pass; an HTTP error from the link will not.
                again = error.__cause__ is not None and pending.attempts + 1 < MAX_FETCH_ATTEMPTS
                if pending.shared:
                    cause = error.__cause__
                    again = isinstance(cause, GraphError) and cause.retryable
                await self._record_failure(pending, str(error), None, give_up=not again)
                if again:
                    return None  # quietly: the next try is seconds away
                return FilingOutcome(meeting, None, header + failed.get(language), language,
                                     state="failed")  # fmt: skip
            if not await self._minutes.store_content(pending.id, content, now=self._now()):
                return None  # a newer file for the meeting replaced this one
            if pending.awaiting_confirmation:
                await self._minutes.release_claim(pending.id, self._worker_id)
                return None
        return await self._file(pending, meeting, registry, language, header)

    async def _file(
        self,
        pending: PendingUpload,
        meeting: Meeting,
        registry: RoleRegistry,
        language: Language,
        header: str,
    ) -> FilingOutcome:
        """Upload a fetched pending upload; on a Graph fault keep it and say what happens next."""
        group_name = escape(_group_name(registry, meeting, language))
        if self._files is None:
            await self._record_failure(pending, "Microsoft Graph is not configured", None)
            return self._waiting(meeting, header + xt.NOT_CONFIGURED.get(language), language)
        channel = await self._channels.channel_of(meeting.network_key, meeting.group_key)
        if channel is None:
            await self._record_failure(pending, "the group has no channel", None)
            group = mt.in_sentence(group_name, language)
            message = header + xt.NO_CHANNEL.get(language).format(group=group)
            return self._waiting(meeting, message, language)
        content = await self._minutes.content(pending.id)
        if content is None:  # replaced meanwhile by a newer file
            return FilingOutcome(meeting, None, "", language, state="failed")
        filed = (await self._minutes.minutes([meeting.id])).get(meeting.id)
        try:
            file, path = await self._put(channel, pending, content, filed)
        except GraphForbidden as error:
            await self._record_failure(pending, str(error), error)
            return self._waiting(
                meeting,
                header + xt.FORBIDDEN.get(language),
                language,
                admin_message=self._once(
                    f"forbidden:{meeting.network_key}",
                    xt.ADMIN_FORBIDDEN.get(language).format(permissions=REQUIRED_PERMISSIONS),
                ),
            )
        except GraphCredentialsRejected as error:
            await self._record_failure(pending, str(error), error)
            message = xt.CREDENTIALS.get(language)
            return self._waiting(meeting, header + message, language,
                                 admin_message=self._once("credentials", message))  # fmt: skip
        except GraphError as error:
            await self._record_failure(pending, str(error), error, give_up=not error.retryable)
            if error.retryable:
                return self._waiting(meeting, header + xt.WILL_RETRY.get(language), language)
            return FilingOutcome(
                meeting, None, header + xt.FAILED.get(language).format(error=error), language,
                state="failed",
            )  # fmt: skip
        version = await self._version(file)
        minutes = await self._minutes.file_minutes(
            Minutes(
                meeting_id=meeting.id,
                drive_id=file.drive_id,
                item_id=file.item_id,
                web_url=file.web_url,
                path=path,
                file_name=pending.file_name,
                size=file.size,
                sha256=pending.sha256 or hashlib.sha256(content).hexdigest(),
                uploaded_by=pending.uploaded_by,
                uploaded_at=self._now(),
                version=version,
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
        if filed is not None and filed.item_id == file.item_id:
            message += " " + xt.FILED_AS_VERSION.get(language).format(version=version or "?")
        wanted = posixpath.basename(pending.target_path)
        renamed = filed is None and file.name.lower() != wanted.lower()
        if renamed:
            message += " " + xt.FILED_RENAMED.get(language).format(name=escape(file.name))
        return FilingOutcome(meeting, minutes, message, language, renamed=renamed)

    def _waiting(
        self, meeting: Meeting, message: str, language: Language, admin_message: str | None = None
    ) -> FilingOutcome:
        return FilingOutcome(meeting, None, message, language, admin_message=admin_message,
                             state="waiting")  # fmt: skip

    async def _refuse(
        self, pending: PendingUpload, meeting: Meeting, message: str
    ) -> FilingOutcome:
        """A fetched file that will not be filed: nothing is kept, the sender hears why."""
        await self._minutes.discard(pending.id)
        language: Language = "en" if pending.language == "en" else "sv"
        return FilingOutcome(meeting, None, message, language, state="refused")

    async def _version(self, file: DriveFile) -> str | None:
        assert self._files is not None
        try:
            return await self._files.version(file)
        except GraphError as error:  # filed all the same; the version is only noted
            log.warning("file version unknown", extra={"status": error.status})
            return None

    async def _put(
        self,
        channel: tuple[str, str],
        pending: PendingUpload,
        content: bytes,
        filed: Minutes | None,
    ) -> tuple[DriveFile, str]:
        """Upload into the channel's folder. For a meeting already filed (with a file of
        the same type) the file is replaced: SharePoint keeps the old one as a version.
        Otherwise a file already there under the name is kept and a free name is used."""
        assert self._files is not None
        files = self._files
        root = await self._folder(channel)
        replacing = filed is not None and _extension(filed.path) == _extension(
            pending.target_path
        )
        target = filed.path if replacing and filed is not None else pending.target_path
        folder_path, _, wanted = target.rpartition("/")
        folder = await files.ensure_folder(root, folder_path.split("/"))
        if pending.upload_url is not None:
            offset = await files.session_offset(pending.upload_url)
            if offset is not None:  # the session is still open: go on where it stopped
                return await self._chunks(
                    folder, pending, UploadState(pending.upload_url, offset), content
                ), pending.target_path
        if replacing:
            if len(content) <= self._simple_upload_limit:
                return await files.upload_small(folder, wanted, content, replace=True), target
            state = await files.start_session(folder, wanted, replace=True)
            await self._save_session(pending, state, target)
            return await self._chunks(folder, pending, state, content), target
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
            await self._save_session(pending, state, path)
            return await self._chunks(folder, pending, state, content), path
        raise GraphError(f"no free name for {wanted}")

    async def _save_session(self, pending: PendingUpload, state: UploadState, path: str) -> None:
        await self._minutes.save_progress(
            pending.id,
            upload_url=state.upload_url,
            next_offset=state.next_offset,
            target_path=path,
            now=self._now(),
        )

    async def _chunks(
        self, folder: DriveFolder, pending: PendingUpload, state: UploadState, content: bytes
    ) -> DriveFile:
        assert self._files is not None

        async def saved(now: UploadState) -> None:
            await self._minutes.save_progress(
                pending.id, upload_url=now.upload_url, next_offset=now.next_offset, now=self._now()
            )

        return await self._files.upload_chunks(folder, state, content, saved)

    async def _record_failure(
        self,
        pending: PendingUpload,
        error: str,
        graph_error: GraphError | None,
        *,
        give_up: bool = False,
    ) -> None:
        """Count a failed try: given up on, or due again after the backoff pause."""
        log.warning(
            "minutes upload failed",
            extra={
                "pending": pending.id,
                "status": graph_error.status if graph_error else None,
                "code": graph_error.code if graph_error else None,
                "give_up": give_up,
            },
        )
        retry_after = getattr(graph_error, "retry_after", None)
        pause = self._retry.pause(pending.attempts + 1, retry_after)
        await self._minutes.record_attempt(
            pending.id,
            error,
            give_up=give_up,
            now=self._now(),
            next_attempt_at=None if give_up else self._now() + pause,
        )

    def _once(self, key: str, message: str) -> str | None:
        if key in self._reported:
            return None
        self._reported.add(key)
        return message


def _extension(path: str) -> str:
    return path.rpartition(".")[2].lower()


def _header(registry: RoleRegistry, meeting: Meeting, language: Language) -> str:
    """"The minutes of Alpha on 12 March: " before a notice about them."""
    day = mt.format_short_day(local(meeting.starts_at).date(), language)
    group = escape(mt.in_sentence(_group_name(registry, meeting, language), language))
    return xt.ABOUT_MINUTES.get(language).format(group=group, day=day) + " "


def _already_filed(
    registry: RoleRegistry, meeting: Meeting, filed: Minutes, language: Language
) -> str:
    day = mt.format_short_day(local(meeting.starts_at).date(), language)
    group = escape(mt.in_sentence(_group_name(registry, meeting, language), language))
    return xt.ALREADY_FILED.get(language).format(
        group=group, day=day, name=escape(filed.path.rpartition("/")[2]), url=filed.web_url
    )


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
    meetings: MeetingPort,
    minutes: MinutesPort,
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
    channel's files folder when it is known (`MinutesPort.folder_urls`, kept by
    `MinutesFiler`); planning never calls Graph.

    Keys (`domain.posts.PostKey`): `minutes-ask:{network}:{group}:{start}`,
    `minutes-reminder:{network}:{group}:{start}:{days}d` for the channel and the same
    with `:to:{entra object id}` for a person, so each goes out once.
    """

    def __init__(
        self,
        registry: RegistryPort,
        meetings: MeetingPort,
        minutes: MinutesPort,
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
            key: PostKey, due: datetime, stale: datetime, title: str, card: dict[str, Any],
            text: str, mentions: tuple[Mention, ...] = (), person: Recipient | None = None,
            countdown: Countdown | None = None, next_key: PostKey | None = None,
        ) -> PlannedPost:
            def personal(key: PostKey) -> str:
                return str(key if person is None else key.to(person.entra_object_id))

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
        ask_key = PostKey.minutes_ask(network.key, meeting.group_key, meeting.starts_at)
        card, text = card_and_text(
            ask_title, xt.ASK_TEXT, xt.ASK_TEXT_NO_SECRETARY, secretaries, True
        )
        posts = [
            post(
                ask_key, ask_due, ask_stale, ask_title, card,
                f"{ask_title}: {text}", _mentions(secretaries),
            )
        ]
        card, text = card_and_text(ask_title, xt.ASK_PERSONAL_TEXT, xt.ASK_PERSONAL_TEXT,
                                   secretaries, False)  # fmt: skip
        for person in _recipients(secretaries):
            posts.append(post(ask_key, ask_due, ask_stale, ask_title, card, text,
                              person=person))  # fmt: skip

        chases = self._chases(today)
        for chase in chases:
            last = chase.next_lead is None
            who = list(secretaries)
            if last and len(chases) > 1:
                who += _holders(network, self._rules.chair_role, meeting.group_key, today)
            due, stale, post_day = chase.due_at, chase.stale_after, chase.day
            key = PostKey.minutes_reminder(
                network.key, meeting.group_key, meeting.starts_at, chase.lead_days
            )
            next_key = None if chase.next_lead is None else key.with_lead(chase.next_lead)
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
