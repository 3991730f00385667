"""What the minutes flow needs from a file store; bot/graph.py implements it over Microsoft Graph.

`ChannelFiles` is the store the filer talks to: a channel's files folder, folders below
it, the names in a folder, uploads that never overwrite unless asked to replace (then
SharePoint keeps the old file as an earlier version), in one request or an upload session
resumed from the first byte it still expects, and a file's current version. It answers
with plain dataclasses (`DriveFolder`, `DriveFile`, `UploadState`) and fails with
`GraphError` subclasses, so the minutes flow can tell a missing permission, refused
credentials, a name already taken and a fault worth retrying apart without importing a
Graph client.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Protocol

# What an admin must grant the app (application permissions, admin consent) for minutes.
REQUIRED_PERMISSIONS = "Files.ReadWrite.All (application), with admin consent"


@dataclass(frozen=True)
class DriveFolder:
    """A folder in a drive (the channel's files folder or one below it)."""

    drive_id: str
    item_id: str
    web_url: str


@dataclass(frozen=True)
class DriveFile:
    """A file in a drive, as Graph reports it after an upload."""

    drive_id: str
    item_id: str
    name: str
    web_url: str
    size: int
    quick_xor_hash: str | None = None


@dataclass(frozen=True)
class UploadState:
    """An upload session and the first byte it still expects."""

    upload_url: str
    next_offset: int


class GraphError(Exception):
    """Graph refused or failed a request. `retryable`: trying later may succeed."""

    retryable = False

    def __init__(self, message: str, *, status: int | None = None, code: str | None = None):
        super().__init__(message)
        self.status = status
        self.code = code


class GraphUnavailable(GraphError):
    """Throttled (429), a 5xx answer or a time-out that outlasted the retries."""

    retryable = True

    def __init__(
        self,
        message: str,
        *,
        status: int | None = None,
        code: str | None = None,
        retry_after: float | None = None,
    ):
        super().__init__(message, status=status, code=code)
        self.retry_after = retry_after


class GraphForbidden(GraphError):
    """403: the app lacks a permission (see `REQUIRED_PERMISSIONS`)."""


class GraphCredentialsRejected(GraphError):
    """The app's credentials were refused: expired or wrong secret or certificate."""


class NameTaken(GraphError):
    """409 nameAlreadyExists: a file of that name is already there."""


class ChannelFiles(Protocol):
    """The file store operations the filer needs (`bot.graph.GraphFiles`)."""

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
