"""The Microsoft Graph edge: the channel's files folder in SharePoint, through msgraph-sdk.

`GraphFiles` finds a channel's files folder, makes folders, lists names and uploads a
file (one request when small, an upload session in 320 KiB multiples otherwise). It
returns plain dataclasses (`DriveFolder`, `DriveFile`) and raises `GraphError`
subclasses; no Graph type leaves this module.

Authentication is app-only with azure-identity (client secret or certificate); the
client lets `GraphServiceClient` build its own authentication provider, because
msgraph_core's `AzureIdentityAuthenticationProvider` breaks with kiota-abstractions
1.16. The SDK's retry handler already retries 429/503/504 honouring Retry-After; this
module adds retries with backoff for other 5xx answers and time-outs, and drives
upload sessions itself: the SDK's `LargeFileUploadTask` logs and swallows chunk
errors, so the result could not be trusted.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

import aiohttp
import httpx
from azure.core.credentials_async import AsyncTokenCredential
from azure.core.exceptions import AzureError, ClientAuthenticationError
from kiota_abstractions.api_error import APIError
from msgraph import GraphServiceClient
from msgraph.generated.drives.item.items.item.create_upload_session.create_upload_session_post_request_body import (  # noqa: E501
    CreateUploadSessionPostRequestBody,
)
from msgraph.generated.models.drive_item import DriveItem
from msgraph.generated.models.drive_item_uploadable_properties import (
    DriveItemUploadableProperties,
)
from msgraph.generated.models.folder import Folder

log = logging.getLogger(__name__)

GRAPH_BASE_URL = "https://graph.microsoft.com/v1.0"
GRAPH_SCOPES = ["https://graph.microsoft.com/.default"]

# Upload session chunks must be multiples of 320 KiB (and each request under 60 MiB).
CHUNK_UNIT = 320 * 1024

# What an admin must grant the app (application permissions, admin consent) for minutes.
REQUIRED_PERMISSIONS = "Files.ReadWrite.All (application), with admin consent"

_CONFLICT = "@microsoft.graph.conflictBehavior"

T = TypeVar("T")


@dataclass(frozen=True)
class GraphConfig:
    """How to reach Graph: app-only credentials and the limits of this edge."""

    tenant_id: str = ""
    client_id: str = ""
    client_secret: str = field(default="", repr=False)
    certificate_path: Path | None = None
    base_url: str = GRAPH_BASE_URL
    timeout_seconds: float = 60.0
    retries: int = 3  # tries after the first, for 5xx answers and time-outs
    backoff_seconds: float = 2.0  # doubled on every retry
    chunk_size: int = 10 * CHUNK_UNIT  # 3.2 MiB
    simple_upload_limit: int = 4 * 1024 * 1024  # larger files go through a session

    @property
    def configured(self) -> bool:
        """Whether there are credentials to use."""
        return bool(
            self.tenant_id and self.client_id and (self.client_secret or self.certificate_path)
        )


def credential_for(config: GraphConfig) -> AsyncTokenCredential:
    """The azure-identity credential the config describes (certificate wins over secret)."""
    from azure.identity.aio import CertificateCredential, ClientSecretCredential

    if config.certificate_path is not None:
        return CertificateCredential(
            config.tenant_id, config.client_id, certificate_path=str(config.certificate_path)
        )
    return ClientSecretCredential(config.tenant_id, config.client_id, config.client_secret)


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


class GraphFiles:
    """Files in channels' SharePoint folders, through one `GraphServiceClient`."""

    def __init__(
        self,
        config: GraphConfig,
        credential: AsyncTokenCredential,
        *,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    ):
        self._config = config
        self._credential = credential
        self._sleep = sleep
        self._client = GraphServiceClient(credentials=credential, scopes=GRAPH_SCOPES)
        self._client.request_adapter.base_url = config.base_url
        self._http: aiohttp.ClientSession | None = None

    async def close(self) -> None:
        """Release the HTTP sessions and the credential."""
        if self._http is not None:
            await self._http.close()
        close = getattr(self._credential, "close", None)
        if close is not None:
            await close()

    # --- folders ---

    async def channel_folder(self, team_id: str, channel_id: str) -> DriveFolder:
        """The channel's files folder (`GET /teams/{team}/channels/{channel}/filesFolder`)."""
        item = await self._call(
            lambda: (
                self._client.teams.by_team_id(team_id)
                .channels.by_channel_id(channel_id)
                .files_folder.get()
            )
        )
        return _folder(item)

    async def ensure_folder(self, parent: DriveFolder, names: list[str]) -> DriveFolder:
        """The folder at `names` below `parent`, creating what is missing."""
        folder = parent
        for name in names:
            folder = await self._subfolder(folder, name)
        return folder

    async def _subfolder(self, parent: DriveFolder, name: str) -> DriveFolder:
        items = self._items(parent.drive_id)
        try:
            item = await self._call(
                lambda: items.by_drive_item_id(parent.item_id).children.post(
                    DriveItem(name=name, folder=Folder(), additional_data={_CONFLICT: "fail"})
                )
            )
        except NameTaken:
            item = await self._call(
                lambda: items.by_drive_item_id(_by_path(parent.item_id, name)).get()
            )
        return _folder(item, parent.drive_id)

    async def names(self, folder: DriveFolder) -> set[str]:
        """Names of everything in a folder, lower-cased (SharePoint ignores case);
        follows `@odata.nextLink` through every page."""
        children = self._items(folder.drive_id).by_drive_item_id(folder.item_id).children
        page = await self._call(lambda: children.get())
        found: set[str] = set()
        while True:
            found.update((item.name or "").lower() for item in page.value or [])
            link = page.odata_next_link
            if not link:
                return found
            page = await self._call(lambda link=link: children.with_url(link).get())

    async def file_at(self, folder: DriveFolder, name: str) -> DriveFile | None:
        """The file called `name` in a folder; None if there is none."""
        try:
            item = await self._call(
                lambda: (
                    self._items(folder.drive_id)
                    .by_drive_item_id(_by_path(folder.item_id, name))
                    .get()
                )
            )
        except GraphError as error:
            if error.status == 404:
                return None
            raise
        return _file(item, folder.drive_id)

    # --- uploading ---

    async def upload_small(self, folder: DriveFolder, name: str, content: bytes) -> DriveFile:
        """Upload in one request, failing with `NameTaken` rather than overwriting."""
        builder = (
            self._items(folder.drive_id).by_drive_item_id(_by_path(folder.item_id, name)).content
        )
        relative = builder.to_put_request_information(content).url
        # The request builder has no conflict parameter; the URL carries it.
        url = f"{self._config.base_url}{relative}?{_CONFLICT}=fail"
        item = await self._call(lambda: builder.with_url(url).put(content))
        return self._checked(_file(item, folder.drive_id), len(content))

    async def start_session(self, folder: DriveFolder, name: str) -> UploadState:
        """A new upload session for `name`, failing with `NameTaken` rather than overwriting."""
        body = CreateUploadSessionPostRequestBody(
            item=DriveItemUploadableProperties(additional_data={_CONFLICT: "fail"})
        )
        session = await self._call(
            lambda: (
                self._items(folder.drive_id)
                .by_drive_item_id(_by_path(folder.item_id, name))
                .create_upload_session.post(body)
            )
        )
        return UploadState(session.upload_url, _first_offset(session.next_expected_ranges or []))

    async def session_offset(self, upload_url: str) -> int | None:
        """The first byte an upload session still expects; None if the session is gone."""
        status, body, _ = await self._session_request("GET", upload_url)
        if status == 404:
            return None
        if status != 200:
            raise _session_error(status, body, None)
        return _first_offset(body.get("nextExpectedRanges") or [])

    async def upload_chunks(
        self,
        folder: DriveFolder,
        state: UploadState,
        content: bytes,
        on_progress: Callable[[UploadState], Awaitable[None]],
    ) -> DriveFile:
        """Send `content` from `state.next_offset` on, chunk by chunk; after a fault, ask
        the session what it still expects and go on from there. `on_progress` is awaited
        after every accepted chunk, so the caller can persist where to resume."""
        total = len(content)
        offset = state.next_offset
        faults = 0
        while True:
            end = min(offset + self._config.chunk_size, total)
            headers = {"Content-Range": f"bytes {offset}-{end - 1}/{total}"}
            try:
                status, body, retry_after = await self._session_request(
                    "PUT", state.upload_url, content[offset:end], headers
                )
            except GraphUnavailable as error:
                status, body, retry_after = 0, {}, error.retry_after
            if status in (200, 201):
                return self._checked(_file_json(body, folder.drive_id), total)
            if status == 202:
                faults = 0
                offset = _first_offset(body.get("nextExpectedRanges") or [])
                await on_progress(UploadState(state.upload_url, offset))
                continue
            if status == 409:
                raise NameTaken("name already exists", status=409, code="nameAlreadyExists")
            if status not in (0, 416, 429) and status < 500:
                raise _session_error(status, body, retry_after)
            faults += 1
            if faults > self._config.retries:
                raise (
                    _session_error(status, body, retry_after)
                    if status
                    else GraphUnavailable("upload session timed out")
                )
            await self._sleep(retry_after or self._backoff(faults))
            expected = await self.session_offset(state.upload_url)
            if expected is None:
                raise GraphUnavailable("upload session lost", status=404)
            offset = expected
            log.info("upload resumed", extra={"offset": offset, "status": status})
            await on_progress(UploadState(state.upload_url, offset))

    # --- plumbing ---

    def _items(self, drive_id: str) -> Any:
        return self._client.drives.by_drive_id(drive_id).items

    def _checked(self, file: DriveFile, size: int) -> DriveFile:
        if file.size != size:
            raise GraphError(f"Graph stored {file.size} bytes of {size}", code="sizeMismatch")
        return file

    def _backoff(self, attempt: int) -> float:
        return self._config.backoff_seconds * 2 ** (attempt - 1)

    async def _call(self, request: Callable[[], Awaitable[T]]) -> T:
        """Run one SDK request, translating its errors and retrying 5xx and time-outs."""
        attempt = 0
        while True:
            try:
                result = await asyncio.wait_for(request(), self._config.timeout_seconds)
            except ClientAuthenticationError as error:
                raise GraphCredentialsRejected(
                    f"the app's credentials were refused: {error.message}"
                ) from error
            except AzureError as error:  # no answer from Entra ID when asking for a token
                problem = GraphUnavailable(f"no token from Entra ID: {type(error).__name__}")
            except APIError as error:
                problem = _api_error(error)
            except (TimeoutError, httpx.TransportError) as error:
                problem = GraphUnavailable(f"no answer from Graph: {type(error).__name__}")
            else:
                if result is None:
                    raise GraphError("Graph answered with no body")
                return result
            attempt += 1
            if not problem.retryable or attempt > self._config.retries:
                raise problem
            await self._sleep(getattr(problem, "retry_after", None) or self._backoff(attempt))

    async def _session_request(
        self,
        method: str,
        url: str,
        data: bytes | None = None,
        headers: dict[str, str] | None = None,
    ) -> tuple[int, dict[str, Any], float | None]:
        """One request to an upload session URL (pre-authenticated: no token sent)."""
        if self._http is None:
            self._http = aiohttp.ClientSession(
                timeout=aiohttp.ClientTimeout(total=self._config.timeout_seconds)
            )
        try:
            async with self._http.request(method, url, data=data, headers=headers) as response:
                body = (
                    await response.json(content_type=None) if response.content_length != 0 else {}
                )
                retry = response.headers.get("Retry-After")
                return (
                    response.status,
                    body or {},
                    float(retry) if retry and retry.isdigit() else None,
                )
        except (TimeoutError, aiohttp.ClientError) as error:
            raise GraphUnavailable(
                f"no answer from the upload session: {type(error).__name__}"
            ) from error


def _by_path(parent_id: str, relative: str) -> str:
    """An item reference by path relative to an item: `{id}:/{path}:`."""
    return f"{parent_id}:/{relative}:"


def _first_offset(ranges: list[str]) -> int:
    """The start of the first of `nextExpectedRanges` ("327680-" or "0-327679")."""
    return int(ranges[0].split("-")[0]) if ranges else 0


def _folder(item: DriveItem, drive_id: str | None = None) -> DriveFolder:
    parent = item.parent_reference
    return DriveFolder(
        drive_id=drive_id or (parent.drive_id if parent else None) or "",
        item_id=item.id or "",
        web_url=item.web_url or "",
    )


def _file(item: DriveItem, drive_id: str) -> DriveFile:
    hashes = item.file.hashes if item.file else None
    return DriveFile(
        drive_id=drive_id,
        item_id=item.id or "",
        name=item.name or "",
        web_url=item.web_url or "",
        size=item.size or 0,
        quick_xor_hash=hashes.quick_xor_hash if hashes else None,
    )


def _file_json(body: dict[str, Any], drive_id: str) -> DriveFile:
    hashes = (body.get("file") or {}).get("hashes") or {}
    return DriveFile(
        drive_id=drive_id,
        item_id=body.get("id", ""),
        name=body.get("name", ""),
        web_url=body.get("webUrl", ""),
        size=int(body.get("size", 0)),
        quick_xor_hash=hashes.get("quickXorHash"),
    )


def _api_error(error: APIError) -> GraphError:
    status = error.response_status_code
    inner = getattr(error, "error", None)
    code = getattr(inner, "code", None)
    message = getattr(inner, "message", None) or str(error)
    headers = {k.lower(): v for k, v in (error.response_headers or {}).items()}
    return _classify(status, code, message, headers.get("retry-after"))


def _session_error(status: int, body: dict[str, Any], retry_after: float | None) -> GraphError:
    inner = body.get("error") or {}
    return _classify(
        status,
        inner.get("code"),
        inner.get("message") or f"HTTP {status}",
        str(int(retry_after)) if retry_after is not None else None,
    )


def _classify(
    status: int | None, code: str | None, message: str, retry_after: str | None
) -> GraphError:
    text = f"HTTP {status} {code or ''}: {message}".strip()
    if status == 401:
        return GraphCredentialsRejected(text, status=status, code=code)
    if status == 403:
        return GraphForbidden(text, status=status, code=code)
    if status == 409 and code == "nameAlreadyExists":
        return NameTaken(text, status=status, code=code)
    if status is not None and (status == 429 or status >= 500):
        seconds = float(retry_after) if retry_after and retry_after.isdigit() else None
        return GraphUnavailable(text, status=status, code=code, retry_after=seconds)
    return GraphError(text, status=status, code=code)
