"""The Microsoft Graph edge: the channel's files folder in SharePoint, through msgraph-sdk.

`GraphFiles` finds a channel's files folder, makes folders, lists names and uploads a
file (one request when small, an upload session in 320 KiB multiples otherwise); it
also reads a file someone posted in a channel, from its SharePoint link (`/shares`). It
implements `domain.ports.ChannelFilesPort`: it returns `domain.filing`'s plain dataclasses
(`DriveFolder`, `DriveFile`) and raises its `GraphError` subclasses; no Graph type
leaves this module. `GraphDirectory` answers the chat's
administration: who owns a team (`GET /teams/{id}/members`, paged) and who is in the
tenant's directory (`GET /users` with `$search`, and one user by id).

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
import base64
import logging
import re
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any, TypeVar

import aiohttp
import httpx
from azure.core.credentials_async import AsyncTokenCredential
from azure.core.exceptions import AzureError, ClientAuthenticationError
from kiota_abstractions.api_error import APIError
from kiota_abstractions.base_request_configuration import RequestConfiguration
from msgraph import GraphServiceClient
from msgraph.generated.drives.item.items.item.create_upload_session.create_upload_session_post_request_body import (  # noqa: E501
    CreateUploadSessionPostRequestBody,
)
from msgraph.generated.models.drive_item import DriveItem
from msgraph.generated.models.drive_item_collection_response import DriveItemCollectionResponse
from msgraph.generated.models.drive_item_uploadable_properties import (
    DriveItemUploadableProperties,
)
from msgraph.generated.models.drive_item_version_collection_response import (
    DriveItemVersionCollectionResponse,
)
from msgraph.generated.models.folder import Folder
from msgraph.generated.models.item_reference import ItemReference
from msgraph.generated.models.upload_session import UploadSession
from msgraph.generated.models.user import User
from msgraph.generated.users.item.user_item_request_builder import UserItemRequestBuilder
from msgraph.generated.users.users_request_builder import UsersRequestBuilder

from bot.graph_config import CHUNK_UNIT, GRAPH_BASE_URL, GraphConfig
from domain.filing import (
    DriveFile,
    DriveFolder,
    GraphCredentialsRejected,
    GraphError,
    GraphForbidden,
    GraphUnavailable,
    NameTaken,
    UploadState,
)

log = logging.getLogger(__name__)

GRAPH_SCOPES = ["https://graph.microsoft.com/.default"]

# What is read of a directory user: the minimum to name and reach them at work.
USER_FIELDS = ["id", "displayName", "mail", "userPrincipalName"]

_CONFLICT = "@microsoft.graph.conflictBehavior"
_GUID = re.compile(r"^[0-9a-fA-F]{8}-(?:[0-9a-fA-F]{4}-){3}[0-9a-fA-F]{12}$")

T = TypeVar("T")


def scopes_for(config: GraphConfig) -> list[str]:
    """The token scope of the Graph `base_url` names: a sovereign cloud's Graph host
    accepts only tokens for itself."""
    url = httpx.URL(config.base_url)
    if url.host == "graph.microsoft.com":
        return GRAPH_SCOPES
    return [f"{url.scheme}://{url.netloc.decode('ascii')}/.default"]


def credential_for(config: GraphConfig) -> AsyncTokenCredential:
    """The azure-identity credential the config describes (certificate wins over secret)."""
    from azure.identity.aio import CertificateCredential, ClientSecretCredential

    if config.certificate_path is not None:
        return CertificateCredential(
            config.tenant_id, config.client_id, certificate_path=str(config.certificate_path)
        )
    return ClientSecretCredential(config.tenant_id, config.client_id, config.client_secret)


class _GraphEdge:
    """One `GraphServiceClient` and the way every request through it is run (`_call`)."""

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
        self._client = GraphServiceClient(credentials=credential, scopes=scopes_for(config))
        self._client.request_adapter.base_url = config.base_url

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


class GraphFiles(_GraphEdge):
    """Files in channels' SharePoint folders, through one `GraphServiceClient`."""

    def __init__(
        self,
        config: GraphConfig,
        credential: AsyncTokenCredential,
        *,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    ):
        super().__init__(config, credential, sleep=sleep)
        self._http: aiohttp.ClientSession | None = None

    def warm_up(self) -> None:
        """Import now what the first filing would import: msgraph-sdk loads its request
        builders and models on first use, over a thousand modules and seconds of CPU
        that would otherwise stall the event loop, and every turn with it, in the middle
        of serving. Sends nothing."""
        client = self._client
        item = client.drives.by_drive_id("d").items.by_drive_item_id("i")
        # Each request builder's module is imported when its property is first read.
        builders = (
            client.teams.by_team_id("t").channels.by_channel_id("c").files_folder,
            client.shares.by_shared_drive_item_id("s").drive_item,
            item.children, item.content, item.versions, item.create_upload_session,
        )  # fmt: skip
        log.debug("Graph request builders loaded", extra={"builders": len(builders)})
        for model in (DriveItem, DriveItemVersionCollectionResponse,
                      DriveItemCollectionResponse, UploadSession, ItemReference):  # fmt: skip
            model().get_field_deserializers()

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

    # --- files shared in a channel post ---

    async def shared_file(self, sharing_url: str) -> DriveFile:
        """The drive item a SharePoint or OneDrive link points to (a file posted in a
        channel): `GET /shares/{u!base64url(link)}/driveItem`."""
        item = await self._call(
            lambda: self._client.shares.by_shared_drive_item_id(share_id(sharing_url))
            .drive_item.get()
        )
        parent = item.parent_reference
        return _file(item, (parent.drive_id if parent else None) or "")

    async def file_content(self, file: DriveFile) -> bytes:
        """A file's bytes (`GET /drives/{drive}/items/{item}/content`)."""
        return await self._call(
            lambda: self._items(file.drive_id).by_drive_item_id(file.item_id).content.get()
        )

    # --- uploading ---

    async def upload_small(
        self, folder: DriveFolder, name: str, content: bytes, *, replace: bool = False
    ) -> DriveFile:
        """Upload in one request, failing with `NameTaken` rather than overwriting; with
        `replace`, as a new version of the file already there."""
        builder = (
            self._items(folder.drive_id).by_drive_item_id(_by_path(folder.item_id, name)).content
        )
        relative = builder.to_put_request_information(content).url
        # The request builder has no conflict parameter; the URL carries it.
        url = f"{self._config.base_url}{relative}?{_CONFLICT}={_conflict(replace)}"
        item = await self._call(lambda: builder.with_url(url).put(content))
        return self._checked(_file(item, folder.drive_id), len(content))

    async def start_session(
        self, folder: DriveFolder, name: str, *, replace: bool = False
    ) -> UploadState:
        """A new upload session for `name`, failing with `NameTaken` rather than
        overwriting; with `replace`, the upload becomes a new version of the file there."""
        body = CreateUploadSessionPostRequestBody(
            item=DriveItemUploadableProperties(additional_data={_CONFLICT: _conflict(replace)})
        )
        session = await self._call(
            lambda: (
                self._items(folder.drive_id)
                .by_drive_item_id(_by_path(folder.item_id, name))
                .create_upload_session.post(body)
            )
        )
        return UploadState(session.upload_url, _first_offset(session.next_expected_ranges or []))

    async def version(self, file: DriveFile) -> str | None:
        """The label of a file's current version ("1.0", "2.0" …) from
        `GET /drives/{drive}/items/{item}/versions`; None where the drive keeps none."""
        page = await self._call(
            lambda: self._items(file.drive_id).by_drive_item_id(file.item_id).versions.get()
        )
        labels = [version.id for version in page.value or [] if version.id]
        return max(labels, key=_version_order, default=None)

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


@dataclass(frozen=True)
class DirectoryUser:
    """A user of the tenant's directory: Entra object id, display name, work addresses."""

    id: str
    name: str
    mail: str | None = None


class GraphDirectory(_GraphEdge):
    """Team owners and directory users, through one `GraphServiceClient`.

    The credential is the caller's: it is shared with `GraphFiles`, which closes it.
    """

    async def team_owner_ids(self, group_id: str) -> frozenset[str]:
        """The Entra object ids of the team's owners, following every page of members.

        Members whose `roles` contain "owner" count; a member from another tenant never
        does (Graph lists out-of-tenant external members as owners too).
        """
        members = self._client.teams.by_team_id(group_id).members
        page = await self._call(lambda: members.get())
        owners: set[str] = set()
        # The tenant may be configured by domain name; then it cannot be compared.
        ours = self._config.tenant_id if _GUID.match(self._config.tenant_id) else ""
        while True:
            for member in page.value or []:
                extra = member.additional_data or {}
                user_id = getattr(member, "user_id", None) or extra.get("userId")
                tenant = getattr(member, "tenant_id", None) or extra.get("tenantId")
                foreign = bool(tenant and ours and tenant.casefold() != ours.casefold())
                if user_id and "owner" in (member.roles or []) and not foreign:
                    owners.add(str(user_id).casefold())
            link = page.odata_next_link
            if not link:
                return frozenset(owners)
            page = await self._call(lambda link=link: members.with_url(link).get())

    async def search_users(self, text: str, top: int = 10) -> list[DirectoryUser]:
        """Users whose display name or e-mail starts with the words of `text`, at most `top`.

        `$search` needs the `ConsistencyLevel: eventual` header; quotes in `text` are
        dropped, since they would end the search phrase.
        """
        words = " ".join(text.replace('"', " ").replace("\\", " ").split())
        if not words:
            return []
        configuration = RequestConfiguration(
            query_parameters=UsersRequestBuilder.UsersRequestBuilderGetQueryParameters(
                search=f'"displayName:{words}" OR "mail:{words}"',
                select=USER_FIELDS,
                top=top,
            )
        )
        configuration.headers.add("ConsistencyLevel", "eventual")
        page = await self._call(lambda: self._client.users.get(configuration))
        return [_user(user) for user in page.value or [] if user.id][:top]

    async def user(self, user_id: str) -> DirectoryUser | None:
        """One user by Entra object id; None when the directory has no such user."""
        configuration = RequestConfiguration(
            query_parameters=UserItemRequestBuilder.UserItemRequestBuilderGetQueryParameters(
                select=USER_FIELDS
            )
        )
        try:
            found = await self._call(
                lambda: self._client.users.by_user_id(user_id).get(configuration)
            )
        except GraphError as error:
            if error.status in (400, 404):  # 400: not even an id Graph could look up
                return None
            raise
        return _user(found) if found.id else None


def _user(user: User) -> DirectoryUser:
    return DirectoryUser(
        id=user.id or "",
        name=user.display_name or user.user_principal_name or user.id or "",
        mail=user.mail or None,
    )


def share_id(sharing_url: str) -> str:
    """A sharing link as Graph's `/shares` names it: "u!" and the link in unpadded base64url."""
    encoded = base64.urlsafe_b64encode(sharing_url.encode("utf-8")).decode("ascii")
    return "u!" + encoded.rstrip("=")


def _by_path(parent_id: str, relative: str) -> str:
    """An item reference by path relative to an item: `{id}:/{path}:`."""
    return f"{parent_id}:/{relative}:"


def _conflict(replace: bool) -> str:
    """The conflict behaviour of an upload: a new version of the file there, or fail."""
    return "replace" if replace else "fail"


def _version_order(label: str) -> tuple[int, ...]:
    """"2.0" after "1.0" and "10.0" after "9.0"; a label that is not numbers sorts first."""
    try:
        return tuple(int(part) for part in label.split("."))
    except ValueError:
        return ()


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
