"""The ports: what the rest of the bot may ask of each store and of each outside service.

One `Protocol` per store, declaring the methods its callers use, each parameter with one
type. Services, dialogs, the scheduler and the Teams edge annotate with these; the
composition root (`app.py`) hands them the implementations.

Naming: an implementation keeps the name of what it is (`storage.conversations.
ConversationStore` is SQL, `bot.graph.GraphFiles` is Microsoft Graph); a port is named
for the store it stands for and ends in `Port` (`ConversationPort`), so the two never
read alike. tests/test_ports.py checks that every implementation has each method of
its port with the same parameters, defaults and annotations.

    port                  implemented by
    MeetingPort           storage.meetings.MeetingRepository
    OutboxPort            storage.outbox.Outbox
    ConversationPort      storage.conversations.ConversationStore
    MinutesPort           storage.minutes.MinutesRepository
    RegistryPort          storage.registry_repository.RegistryRepository
    AuditPort             storage.audit.AuditLog
    WheelOverridePort     storage.wheel_overrides.WheelOverrideStore
    CalendarTokenPort     storage.calendar_tokens.CalendarTokenStore
    SendBudgetPort        storage.send_budget.SendBudgetStore, .MemorySendBudget
    SenderPort            bot.proactive.ConnectorSender (Bot Connector)
    ChannelFilesPort      bot.graph.GraphFiles (Microsoft Graph)
    TeamOwnersPort        bot.team_owners.GraphTeamOwners (Microsoft Graph)
    PeopleDirectoryPort   bot.team_owners.DirectoryPeople (Microsoft Graph)

A test fake may implement only the methods its test reaches (a registry that only
`load`s); nothing runs a static type check over fakes, and the implementations above are
the ones held to the whole port.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Hashable, Iterable, Mapping, Sequence
from datetime import datetime, timedelta
from typing import Any, Protocol

from domain.audit import SYSTEM, TEAMS, AuditEntry
from domain.calendar_tokens import CalendarScope, CalendarToken
from domain.conversations import ChannelBinding, StoredReference
from domain.filing import DriveFile, DriveFolder, UploadState
from domain.meetings import AgendaItem, Meeting, MeetingDraft, SyncResult
from domain.minutes import Minutes, PendingUpload, ReceivedFile
from domain.outbox import OutboxEntry
from domain.posts import PlannedPost
from domain.registry import Assignment, Network, Person, RoleRegistry
from domain.send_budget import Slot
from domain.turns import ConversationKind
from domain.wheel_overrides import WheelOverride

# --- stores ---


class MeetingPort(Protocol):
    """Meetings and their agendas: added by admins or synced from the groups' series."""

    async def get(self, meeting_id: int) -> Meeting | None: ...

    async def meetings(
        self,
        network_key: str,
        start: datetime,
        end: datetime,
        *,
        group_key: str | None = None,
        include_cancelled: bool = False,
    ) -> list[Meeting]: ...

    async def fingerprints(self) -> dict[str, tuple[Any, ...]]: ...

    async def next_meeting(
        self, network_key: str, group_key: str, now: datetime
    ) -> Meeting | None: ...

    async def items(self, meeting_ids: Iterable[int]) -> dict[int, list[AgendaItem]]: ...

    async def add(self, draft: MeetingDraft, *, by: str | None, now: datetime) -> Meeting: ...

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
    ) -> Meeting | None: ...

    async def cancel(
        self, meeting_id: int, *, by: str | None, now: datetime
    ) -> Meeting | None: ...

    async def add_item(
        self,
        meeting_id: int,
        text: str,
        *,
        author_name: str | None,
        author_id: str | None,
        now: datetime,
    ) -> AgendaItem | None: ...

    async def sync_series(
        self,
        network_key: str,
        drafts: Sequence[MeetingDraft],
        window_start: datetime,
        window_end: datetime,
        *,
        now: datetime,
    ) -> SyncResult: ...


class OutboxPort(Protocol):
    """Every scheduled post, stored once under its key, claimed by one worker, sent once."""

    async def enqueue(self, posts: Iterable[PlannedPost], now: datetime) -> int: ...

    async def claim_due(
        self, worker_id: str, now: datetime, limit: int, lease: timedelta
    ) -> list[OutboxEntry]: ...

    async def release(self, key: str, worker_id: str, not_before: datetime) -> bool: ...

    async def release_many(self, keys: Iterable[str], worker_id: str, not_before: datetime) -> int:
        """`release` for several claimed rows in one statement; how many were given back."""
        ...

    async def mark_sent(
        self,
        key: str,
        activity_id: str,
        late: bool,
        *,
        conversation_id: str,
        sent_at: datetime,
    ) -> bool: ...

    async def mark_retry(
        self,
        key: str,
        next_attempt_at: datetime,
        error: str,
        *,
        worker_id: str,
        count_attempt: bool = True,
    ) -> bool: ...

    async def mark_failed(self, key: str, error: str, *, worker_id: str) -> bool: ...

    async def mark_undeliverable(self, key: str, error: str, *, worker_id: str) -> bool: ...

    async def requeue_undeliverable(self, network_key: str, now: datetime) -> int: ...

    async def requeue_undeliverable_to_person(
        self, entra_object_id: str, now: datetime
    ) -> int: ...

    async def withdraw_pending(self, key_prefix: str) -> int: ...

    async def next_attempt_at(self) -> datetime | None: ...

    async def count_by_status(self) -> dict[str, int]: ...

    async def overview(self, network_key: str, since: datetime) -> list[OutboxEntry]: ...

    async def purge_finished(self, stale_before: datetime) -> int: ...


class ConversationPort(Protocol):
    """Conversation references (to post on the bot's own initiative) and which network,
    and group, each Teams channel is bound to."""

    async def save_reference(
        self,
        reference: dict[str, Any],
        *,
        tenant_id: str | None,
        team_id: str | None,
        channel_id: str | None,
        kind: ConversationKind,
        only_if_changed: bool = False,
        inputs: Hashable | None = None,
    ) -> None: ...

    def reference_unchanged(self, conversation_id: str, inputs: Hashable) -> bool: ...

    async def personal_reference(self, entra_object_id: str) -> StoredReference | None: ...

    async def stored_reference(self, conversation_id: str) -> StoredReference | None: ...

    async def references_for_team(self, team_id: str) -> list[StoredReference]: ...

    async def channel_reference(
        self, network_key: str, group_key: str | None
    ) -> StoredReference | None: ...

    async def channel_references(
        self, targets: Iterable[tuple[str, str | None]]
    ) -> dict[tuple[str, str | None], StoredReference | None]:
        """`channel_reference` for each (network key, group key) of `targets`, at once."""
        ...

    async def set_active(self, conversation_id: str, active: bool) -> bool: ...

    async def set_team_active(self, team_id: str, active: bool) -> int: ...

    async def bindings_for_team(self, team_id: str) -> list[ChannelBinding]: ...

    async def set_binding(
        self,
        team_id: str,
        channel_id: str | None,
        network_key: str,
        group_key: str | None,
        *,
        actor: str | None = TEAMS,
    ) -> None: ...

    async def change_bindings(
        self,
        team_id: str,
        changes: Mapping[str | None, tuple[str, str | None] | None],
        *,
        actor: str | None = TEAMS,
    ) -> None: ...

    async def binding_for(
        self, team_id: str, channel_id: str | None
    ) -> tuple[str, str | None] | None: ...

    async def remove_binding(
        self, team_id: str, channel_id: str | None, *, actor: str | None = TEAMS
    ) -> bool: ...


class MinutesPort(Protocol):
    """Filed minutes, uploads still to file (each a background job with a lease), files
    waiting for their sender to pick the meeting, and teams' and channels' Graph ids."""

    # filed minutes
    async def minutes(self, meeting_ids: Iterable[int]) -> dict[int, Minutes]: ...

    async def file_minutes(
        self, minutes: Minutes, *, pending_id: int | None = None
    ) -> Minutes: ...

    # pending uploads
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
    ) -> tuple[PendingUpload, list[str]]: ...

    async def pending_for(
        self, meeting_ids: Iterable[int]
    ) -> dict[int, list[PendingUpload]]: ...

    async def content(self, pending_id: int) -> bytes | None: ...

    async def save_progress(
        self,
        pending_id: int,
        *,
        upload_url: str | None,
        next_offset: int | None,
        now: datetime,
        target_path: str | None = None,
    ) -> None: ...

    async def record_attempt(
        self,
        pending_id: int,
        error: str,
        *,
        give_up: bool,
        now: datetime,
        next_attempt_at: datetime | None = None,
    ) -> None: ...

    async def claim_uploads(
        self,
        worker_id: str,
        now: datetime,
        lease: timedelta,
        *,
        limit: int = 10,
        pending_id: int | None = None,
        ignore_backoff: bool = False,
    ) -> list[PendingUpload]: ...

    async def extend_claim(self, pending_id: int, worker_id: str, until: datetime) -> bool: ...

    async def release_claim(self, pending_id: int, worker_id: str) -> None: ...

    async def next_upload_due(self) -> datetime | None: ...

    async def store_content(self, pending_id: int, content: bytes, *, now: datetime) -> bool: ...

    async def held(self, token: str) -> PendingUpload | None: ...

    async def confirm(self, pending_id: int, *, now: datetime) -> bool: ...

    async def discard(self, pending_id: int) -> None: ...

    async def purge_failed(self, untouched_since: datetime) -> int: ...

    # received files waiting for their meeting
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
    ) -> ReceivedFile: ...

    async def store_received(self, file_id: str, content: bytes) -> bool: ...

    async def received(self, file_id: str, *, now: datetime) -> ReceivedFile | None: ...

    async def take_received(
        self, file_id: str, *, now: datetime
    ) -> tuple[ReceivedFile, bytes | None] | None: ...

    async def finish_received(self, file_id: str) -> None: ...

    async def release_received(self, file_id: str) -> None: ...

    async def purge_received(self, created_before: datetime) -> int: ...

    # teams' Microsoft 365 group ids and channels' files folders
    async def remember_team(self, team_id: str, group_id: str, now: datetime) -> None: ...

    async def group_id(self, team_id: str) -> str | None: ...

    async def remember_folder(
        self, channel_id: str, *, drive_id: str, item_id: str, web_url: str, now: datetime
    ) -> None: ...

    async def folder_checked(self, channel_id: str) -> datetime | None: ...

    async def folder_urls(self, network_key: str) -> dict[str, str]: ...


class RegistryPort(Protocol):
    """The registry of networks, groups, roles and who holds them."""

    async def revision(self) -> int: ...

    async def is_empty(self) -> bool: ...

    async def load(self) -> RoleRegistry: ...

    async def replace_networks(
        self,
        networks: Iterable[Network],
        *,
        actor: str | None = SYSTEM,
        action: str = "registry.import",
    ) -> None: ...

    async def set_role_holders(
        self,
        network_key: str,
        role_key: str,
        group_key: str | None,
        holders: Sequence[Assignment],
        *,
        actor: str | None,
        expected: Sequence[Assignment] | None = None,
    ) -> bool: ...


class AuditPort(Protocol):
    """The audit log: read for admins, purged after the retention period."""

    async def entries(
        self,
        *,
        network_key: str | None = None,
        since: datetime | None = None,
        limit: int | None = None,
    ) -> list[AuditEntry]: ...

    async def purge(self, older_than: datetime) -> int: ...


class WheelOverridePort(Protocol):
    """What admins changed of annual-wheel entries, on top of the data files' rules."""

    async def for_network(self, network_key: str) -> dict[str, WheelOverride]: ...

    async def all(self) -> dict[str, dict[str, WheelOverride]]: ...

    async def save(
        self,
        override: WheelOverride,
        *,
        actor: str | None,
        now: datetime,
        before: dict[str, Any],
        after: dict[str, Any],
    ) -> None: ...

    async def reset(
        self,
        network_key: str,
        rule_key: str,
        *,
        actor: str | None,
        now: datetime,
        before: dict[str, Any],
        after: dict[str, Any],
    ) -> bool: ...


class CalendarTokenPort(Protocol):
    """Calendar subscription links: token hashes, their scopes and generations."""

    async def current(self, scope: CalendarScope) -> CalendarToken | None: ...

    async def next_generation(self, scope: CalendarScope) -> int: ...

    async def add(
        self,
        scope: CalendarScope,
        generation: int,
        token_sha256: str,
        *,
        actor: str | None,
        now: datetime,
    ) -> CalendarToken: ...

    async def revoke(self, scope: CalendarScope, *, actor: str | None, now: datetime) -> int: ...

    async def scope_of(self, token_sha256: str) -> CalendarScope | None: ...


class SendBudgetPort(Protocol):
    """The tenant's send rate, shared by every replica (or kept in one process)."""

    async def reserve(self, key: str, now: datetime, within: timedelta) -> Slot: ...

    async def reserve_many(
        self, key: str, now: datetime, within: timedelta, count: int
    ) -> list[Slot]:
        """Up to `count` next slots within `now + within` in one go (at least one: an
        unreserved slot saying when, if none is near)."""
        ...

    @property
    def spacing(self) -> timedelta:
        """The time between two sends."""
        ...

    async def block(self, key: str, until: datetime) -> None: ...


# --- outside services (the Teams edge implements them) ---


class SenderPort(Protocol):
    """Posts a new thread into a conversation, and opens personal chats (Bot Connector)."""

    async def send(self, reference: dict[str, Any], post: PlannedPost) -> str:
        """Post `post` into the reference's conversation; returns the Teams activity id.

        Raises `SendError` when the connector answers with an error or not at all.
        """
        ...

    async def open_personal_chat(
        self, template: dict[str, Any], entra_object_id: str, tenant_id: str | None
    ) -> dict[str, Any]:
        """Open the personal chat with a person through the serviceUrl of `template`;
        returns its reference. Raises `SendError` like `send`."""
        ...


class ChannelFilesPort(Protocol):
    """A channel's files folder, folders below it, the names in a folder, uploads that
    never overwrite unless asked to replace (then SharePoint keeps the old file as an
    earlier version), in one request or an upload session resumed from the first byte it
    still expects, and a file's current version. Fails with `domain.filing.GraphError`
    subclasses."""

    def warm_up(self) -> None: ...

    async def channel_folder(self, team_id: str, channel_id: str) -> DriveFolder: ...

    async def ensure_folder(self, parent: DriveFolder, names: list[str]) -> DriveFolder: ...

    async def names(self, folder: DriveFolder) -> set[str]: ...

    async def upload_small(
        self, folder: DriveFolder, name: str, content: bytes, *, replace: bool = False
    ) -> DriveFile: ...

    async def start_session(
        self, folder: DriveFolder, name: str, *, replace: bool = False
    ) -> UploadState: ...

    async def version(self, file: DriveFile) -> str | None: ...

    async def session_offset(self, upload_url: str) -> int | None: ...

    async def upload_chunks(
        self,
        folder: DriveFolder,
        state: UploadState,
        content: bytes,
        on_progress: Callable[[UploadState], Awaitable[None]],
    ) -> DriveFile: ...


class TeamOwnersPort(Protocol):
    """Whether a person owns the team a network lives in."""

    async def is_team_owner(self, network_key: str, user_aad_object_id: str) -> bool: ...


class PeopleDirectoryPort(Protocol):
    """The tenant's directory of people."""

    async def person(self, entra_object_id: str) -> Person | None: ...

    async def search(self, text: str, top: int = 10) -> list[Person]: ...
