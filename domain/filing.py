"""What the minutes flow gets from a file store, and how it fails.

The store is `domain.ports.ChannelFilesPort` (bot/graph.py implements it over Microsoft
Graph). It answers with plain dataclasses (`DriveFolder`, `DriveFile`, `UploadState`) and
fails with `GraphError` subclasses, so the minutes flow can tell a missing permission,
refused credentials, a name already taken and a fault worth retrying apart without
importing a Graph client.
"""

from __future__ import annotations

from dataclasses import dataclass

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
