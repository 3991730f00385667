"""A loopback server that speaks the parts of Microsoft Graph REST the bot uses.

It plays one team whose channels each have a files folder in one drive, and answers:
`GET /teams/{team}/channels/{channel}/filesFolder`, items by id or by path
(`{id}:/a/b:`), children (listing with `@odata.nextLink` paging, creating folders),
`PUT .../content` (with `@microsoft.graph.conflictBehavior`: `fail`, or `replace`,
which keeps the old content as a version, `GET .../versions`), `createUploadSession`
and the session URL (Content-Range chunks that must be multiples of 320 KiB,
`nextExpectedRanges`, GET for status); and it serves Teams-style download links
(`add_download`). For administration it plays a team's members
(`GET /teams/{group}/members`, paged; `add_member`) and a directory of users
(`GET /users?$search=…`, which like Graph needs `ConsistencyLevel: eventual`, and
`GET /users/{id}`; `add_user`). A file posted in a channel is found by its link
(`share`, `GET /shares/{u!base64url}/driveItem`) and read (`GET .../content`). Item
ids arrive percent-encoded in the path
(`folder-1%3A%2FProtokoll%3A`), as the SDK sends them.

Faults are scripted: `fail(...)` makes the next matching request answer with a status
(429 with Retry-After, 503, 403, ...); `accept=True` stores a chunk first and then
fails, as when a response is lost after the server took the bytes. `hold` stalls matching
requests until released, `delay` slows every request down, and `outage` makes every
Graph request (not the download links) answer with one status.

    async with GraphFake() as graph:
        client = GraphClient(GraphConfig(base_url=graph.base_url, ...), credential)
"""

from __future__ import annotations

import asyncio
import base64
import itertools
import json
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import unquote

from aiohttp import web
from azure.core.credentials import AccessToken
from azure.core.exceptions import ClientAuthenticationError
from multidict import CIMultiDict

CHUNK_UNIT = 320 * 1024
TOKEN = "fake-graph-token"
DRIVE_ID = "drive-1"


@dataclass
class FakeItem:
    """A file or folder in the fake drive. A file keeps every version SharePoint would:
    `versions` holds the content of each, oldest first; the last is `content`."""

    id: str
    name: str
    parent_id: str | None
    folder: bool
    content: bytes = b""
    versions: list[bytes] = field(default_factory=list)

    def __post_init__(self) -> None:
        if not self.folder and not self.versions:
            self.versions.append(self.content)

    def new_version(self, content: bytes) -> None:
        """Replace the content as SharePoint does: the old one stays as a version."""
        self.content = content
        self.versions.append(content)

    def versions_json(self) -> list[dict[str, Any]]:
        """`GET …/versions`: the current version first, labelled "N.0"."""
        return [
            {"id": f"{number}.0", "size": len(content)}
            for number, content in reversed(list(enumerate(self.versions, start=1)))
        ]

    def json(self, base: str) -> dict[str, Any]:
        body: dict[str, Any] = {
            "id": self.id,
            "name": self.name,
            "webUrl": f"https://contoso.sharepoint.com/items/{self.id}",
            "parentReference": {"driveId": DRIVE_ID, "id": self.parent_id},
        }
        if self.folder:
            body["folder"] = {"childCount": 0}
        else:
            body["size"] = len(self.content)
            body["file"] = {"mimeType": "application/octet-stream"}
        return body


@dataclass
class Fault:
    """A scripted answer for the next request whose method and path match."""

    method: str
    path_contains: str
    status: int
    headers: Mapping[str, str] = field(default_factory=dict)
    code: str = "generalException"
    accept: bool = False  # upload chunks: store the bytes, then answer with the fault
    after: int = 0  # let this many matching requests through first
    message: str | None = None  # Graph's error message; "fake <code>" if None


@dataclass(frozen=True)
class GraphRequest:
    """One request the fake received; `path` is percent-decoded."""

    method: str
    path: str
    query: Mapping[str, str]
    body: Any
    authorized: bool
    headers: Mapping[str, str] = field(default_factory=dict)  # case-insensitive keys


@dataclass
class _Session:
    parent_id: str
    name: str
    size: int
    conflict: str
    received: bytearray = field(default_factory=bytearray)


class StaticCredential:
    """An azure-identity style credential with the fake's token (or a refusal)."""

    def __init__(self, refuse: bool = False):
        self.refuse = refuse

    async def get_token(self, *scopes: str, **kwargs: object) -> AccessToken:
        if self.refuse:
            raise ClientAuthenticationError("AADSTS7000222: the client secret has expired")
        return AccessToken(TOKEN, int(time.time()) + 3600)

    async def close(self) -> None:
        pass


class Sleeps:
    """Records the delays asked for, without waiting."""

    def __init__(self) -> None:
        self.delays: list[float] = []

    async def __call__(self, seconds: float) -> None:
        self.delays.append(seconds)


class GraphFake:
    """The fake Graph server; `base_url` is what the client's base URL should be."""

    def __init__(self, *, page_size: int = 2):
        self.page_size = page_size
        self.items: dict[str, FakeItem] = {}
        self.channel_folders: dict[tuple[str, str], str] = {}
        self.faults: list[Fault] = []
        self.holds: list[tuple[str, str, asyncio.Event]] = []
        self.requests: list[GraphRequest] = []
        self.downloads: dict[str, bytes] = {}
        self.shares: dict[str, str] = {}  # `/shares` id (u!base64url of a link) -> item id
        self.delay = 0.0  # seconds every request waits before it is answered (a slow Graph)
        self.outage: int | None = None  # every Graph request answers this status (Graph down)
        self.members: dict[str, list[dict[str, Any]]] = {}  # by team (group) id
        self.users: list[dict[str, Any]] = []
        self._sessions: dict[str, _Session] = {}
        self._ids = itertools.count(1)
        self._runner: web.AppRunner | None = None
        self.root_url = ""

    @property
    def base_url(self) -> str:
        return f"{self.root_url}/v1.0"

    async def __aenter__(self) -> GraphFake:
        app = web.Application(client_max_size=200 * 1024 * 1024)
        app.router.add_route("*", "/{tail:.*}", self._handle)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        host, port = self._runner.addresses[0][:2]
        self.root_url = f"http://{host}:{port}"
        return self

    async def __aexit__(self, *exc: object) -> None:
        assert self._runner is not None
        await self._runner.cleanup()

    # --- set-up and inspection ---

    def add_channel(self, team_id: str, channel_id: str, name: str = "General") -> FakeItem:
        """A channel and its files folder."""
        folder = self._add(name, None, folder=True)
        self.channel_folders[(team_id, channel_id)] = folder.id
        return folder

    def add_file(self, parent: FakeItem, name: str, content: bytes = b"x") -> FakeItem:
        return self._add(name, parent.id, folder=False, content=content)

    def add_folder(self, parent: FakeItem, name: str) -> FakeItem:
        return self._add(name, parent.id, folder=True)

    def share(self, item: FakeItem) -> str:
        """The SharePoint link of a file, as Teams puts it in a channel post's `reference`
        attachment; Graph resolves it at `/shares/u!{base64url}/driveItem`."""
        link = f"https://contoso.sharepoint.com/sites/team/Shared Documents/{self._path(item)}"
        encoded = base64.urlsafe_b64encode(link.encode()).decode().rstrip("=")
        self.shares[f"u!{encoded}"] = item.id
        return link

    def add_download(self, content: bytes) -> str:
        """A pre-authenticated link to `content`, as Teams' `downloadUrl` is."""
        download_id = f"d{next(self._ids)}"
        self.downloads[download_id] = content
        return f"{self.root_url}/download/{download_id}"

    def add_member(
        self, group_id: str, user_id: str, name: str, *, owner: bool = False, tenant_id: str = ""
    ) -> None:
        """A member of the team Graph names by `group_id` (an owner with `owner`)."""
        self.members.setdefault(group_id, []).append(
            {
                "@odata.type": "#microsoft.graph.aadUserConversationMember",
                "id": f"member-{next(self._ids)}",
                "roles": ["owner"] if owner else [],
                "displayName": name,
                "userId": user_id,
                "tenantId": tenant_id or None,
            }
        )

    def add_user(self, user_id: str, name: str, mail: str | None = None) -> None:
        """A user of the tenant's directory."""
        upn = mail or f"{name.split()[0].lower()}@contoso.onmicrosoft.com"
        self.users.append(
            {"id": user_id, "displayName": name, "mail": mail, "userPrincipalName": upn,
             "mobilePhone": "+46 70 000 00 00"}  # never asked for: must not be read
        )  # fmt: skip

    def hold(self, method: str, path_contains: str) -> asyncio.Event:
        """Keep matching requests waiting (a stalled Graph) until the event returned is set."""
        gate = asyncio.Event()
        self.holds.append((method, path_contains, gate))
        return gate

    def fail(
        self,
        method: str,
        path_contains: str,
        status: int,
        *,
        times: int = 1,
        headers: Mapping[str, str] | None = None,
        code: str = "generalException",
        accept: bool = False,
        after: int = 0,
        message: str | None = None,
    ) -> None:
        """Answer `times` matching requests with `status`, after letting `after` through."""
        for _ in range(times):
            self.faults.append(
                Fault(method, path_contains, status, headers or {}, code, accept, after, message)
            )

    def file_at(self, path: str) -> FakeItem | None:
        """The item at a path such as `General/Protokoll/2026/x.pdf`; None if none."""
        first, *rest = path.split("/")
        current = next(
            (i for i in self.items.values() if i.parent_id is None and i.name == first), None
        )
        for name in rest:
            if current is None:
                return None
            current = self._child(current.id, name)
        return current

    def paths(self) -> list[str]:
        """Every file's path, sorted: what a user browsing the channel's files sees."""
        return sorted(self._path(item) for item in self.items.values() if not item.folder)

    def count(self, method: str, path_contains: str) -> int:
        return sum(1 for r in self.requests if r.method == method and path_contains in r.path)

    # --- the server ---

    def _add(
        self, name: str, parent_id: str | None, *, folder: bool, content: bytes = b""
    ) -> FakeItem:
        item = FakeItem(f"item-{next(self._ids)}", name, parent_id, folder, content)
        self.items[item.id] = item
        return item

    def _child(self, parent_id: str, name: str) -> FakeItem | None:
        # SharePoint names are case-insensitive.
        return next(
            (
                i
                for i in self.items.values()
                if i.parent_id == parent_id and i.name.lower() == name.lower()
            ),
            None,
        )

    def _path(self, item: FakeItem) -> str:
        names = [item.name]
        while item.parent_id is not None:
            item = self.items[item.parent_id]
            names.append(item.name)
        return "/".join(reversed(names))

    def _resolve(self, reference: str) -> FakeItem | None:
        """An item from an id or an `{id}:/relative/path:` reference."""
        if ":" not in reference:
            return self.items.get(reference)
        base_id, _, relative = reference.partition(":")
        current = self.items.get(base_id)
        for name in relative.strip(":").strip("/").split("/"):
            if current is None:
                return None
            if name:
                current = self._child(current.id, name)
        return current

    async def _handle(self, request: web.Request) -> web.StreamResponse:
        raw = await request.read()
        try:
            body: Any = (
                json.loads(raw) if raw and request.content_type == "application/json" else raw
            )
        except ValueError:
            body = raw
        segments = [unquote(s) for s in request.raw_path.split("?")[0].split("/")[1:]]
        path = "/" + "/".join(segments)
        authorized = request.headers.get("Authorization") == f"Bearer {TOKEN}"
        self.requests.append(
            GraphRequest(
                request.method,
                path,
                dict(request.query),
                body,
                authorized,
                CIMultiDict(request.headers),
            )
        )
        if self.delay:
            await asyncio.sleep(self.delay)
        if self.outage is not None and segments[0] not in ("download", "upload"):
            return _error(self.outage, "serviceNotAvailable")
        for method, path_contains, gate in self.holds:
            if method == request.method and path_contains in path:
                await gate.wait()
        fault = next(
            (f for f in self.faults if f.method == request.method and f.path_contains in path),
            None,
        )
        if fault is not None and fault.after:
            for waiting in self.faults:
                if waiting.method == fault.method and waiting.path_contains == fault.path_contains:
                    waiting.after -= 1
            fault = None
        if fault is not None:
            self.faults.remove(fault)
            if fault.accept and segments[0] == "upload":
                self._chunk(segments[1], request, raw)
            return _error(fault.status, fault.code, headers=fault.headers, message=fault.message)
        if segments[0] == "upload":
            return self._upload(request, segments[1], raw)
        if segments[0] == "download":
            content = self.downloads.get(segments[1])
            return web.Response(body=content) if content is not None else _error(404, "gone")
        if not authorized:
            return _error(401, "InvalidAuthenticationToken")
        return self._graph(request, segments[1:], body)

    def _graph(self, request: web.Request, segments: list[str], body: Any) -> web.Response:
        method = request.method
        if len(segments) == 5 and segments[0] == "teams" and segments[4] == "filesFolder":
            folder_id = self.channel_folders.get((segments[1], segments[3]))
            if folder_id is None:
                return _error(404, "NotFound")
            return web.json_response(self.items[folder_id].json(self.root_url))
        if len(segments) == 3 and segments[0] == "teams" and segments[2] == "members":
            if segments[1] not in self.members:
                return _error(404, "NotFound")
            return self._page(request, self.members[segments[1]])
        if len(segments) == 3 and segments[0] == "shares" and segments[2] == "driveItem":
            shared = self.items.get(self.shares.get(segments[1], ""))
            if shared is None:
                return _error(404, "itemNotFound")
            return web.json_response(shared.json(self.root_url))
        if segments[0] == "users" and method == "GET":
            return self._users(request, segments[1:])
        if len(segments) < 4 or segments[0] != "drives" or segments[2] != "items":
            return _error(400, "invalidRequest")
        reference, action = segments[3], segments[4] if len(segments) > 4 else None
        if method == "GET" and action is None:
            item = self._resolve(reference)
            return (
                web.json_response(item.json(self.root_url)) if item else _error(404, "itemNotFound")
            )
        if action == "children":
            parent = self._resolve(reference)
            if parent is None:
                return _error(404, "itemNotFound")
            if method == "GET":
                return self._list(request, parent)
            return self._create_folder(parent, body)
        if action == "versions" and method == "GET":
            item = self._resolve(reference)
            if item is None or item.folder:
                return _error(404, "itemNotFound")
            return web.json_response({"value": item.versions_json()})
        if action == "content" and method == "GET":
            item = self._resolve(reference)
            return web.Response(body=item.content) if item else _error(404, "itemNotFound")
        if action in ("content", "createUploadSession"):
            # The reference names the new file: `{parent id}:/{name}:`.
            parent_ref, _, name = reference.rstrip(":").rpartition("/")
            parent = self._resolve(
                parent_ref[:-1] if parent_ref.endswith(":") else parent_ref + ":"
            )
            if parent is None:
                return _error(404, "itemNotFound")
            if action == "content":
                conflict = request.query.get("@microsoft.graph.conflictBehavior", "replace")
                return self._put(parent, name, bytes(body or b""), conflict)
            conflict = ((body or {}).get("item") or {}).get(
                "@microsoft.graph.conflictBehavior", "replace"
            )
            if conflict == "fail" and self._child(parent.id, name):
                return _error(409, "nameAlreadyExists")
            session_id = f"s{next(self._ids)}"
            self._sessions[session_id] = _Session(parent.id, name, -1, conflict)
            return web.json_response(
                {
                    "uploadUrl": f"{self.root_url}/upload/{session_id}",
                    "expirationDateTime": "2099-01-01T00:00:00Z",
                    "nextExpectedRanges": ["0-"],
                }
            )
        return _error(400, "invalidRequest")

    def _list(self, request: web.Request, parent: FakeItem) -> web.Response:
        children = sorted(
            (i for i in self.items.values() if i.parent_id == parent.id), key=lambda i: i.id
        )
        start = int(request.query.get("$skiptoken", "0"))
        page = children[start : start + self.page_size]
        body: dict[str, Any] = {"value": [i.json(self.root_url) for i in page]}
        if start + self.page_size < len(children):
            body["@odata.nextLink"] = (
                f"{self.root_url}{request.path}?$skiptoken={start + self.page_size}"
            )
        return web.json_response(body)

    def _page(self, request: web.Request, values: list[dict[str, Any]]) -> web.Response:
        start = int(request.query.get("$skiptoken", "0"))
        body: dict[str, Any] = {"value": values[start : start + self.page_size]}
        if start + self.page_size < len(values):
            body["@odata.nextLink"] = (
                f"{self.root_url}{request.path}?$skiptoken={start + self.page_size}"
            )
        return web.json_response(body)

    def _users(self, request: web.Request, segments: list[str]) -> web.Response:
        fields = request.query.get("$select", "id,displayName").split(",")
        if segments:
            user = next((u for u in self.users if u["id"] == segments[0]), None)
            if user is None:
                return _error(404, "Request_ResourceNotFound")
            return web.json_response({k: user[k] for k in fields if k in user})
        search = request.query.get("$search")
        if search is None:
            return web.json_response({"value": [{k: u[k] for k in fields} for u in self.users]})
        if request.headers.get("ConsistencyLevel") != "eventual":
            return _error(400, "Request_UnsupportedQuery")
        # '"displayName:anna l" OR "mail:anna l"': each word starts a word of the field.
        phrases = [p.split(":", 1) for p in search.split('"')[1::2]]
        top = int(request.query.get("$top", "100"))

        def matches(user: dict[str, Any]) -> bool:
            for name, words in phrases:
                value = (user.get(name) or "").lower().replace(".", " ").replace("@", " ")
                tokens = value.split()
                if all(any(t.startswith(w) for t in tokens) for w in words.lower().split()):
                    return True
            return False

        found = [{k: u[k] for k in fields} for u in self.users if matches(u)][:top]
        return web.json_response({"value": found})

    def _create_folder(self, parent: FakeItem, body: Any) -> web.Response:
        name = body["name"]
        existing = self._child(parent.id, name)
        if existing is not None:
            if body.get("@microsoft.graph.conflictBehavior") == "fail":
                return _error(409, "nameAlreadyExists")
            return web.json_response(existing.json(self.root_url))
        return web.json_response(
            self._add(name, parent.id, folder=True).json(self.root_url), status=201
        )

    def _put(self, parent: FakeItem, name: str, content: bytes, conflict: str) -> web.Response:
        existing = self._child(parent.id, name)
        if existing is not None:
            if conflict == "fail":
                return _error(409, "nameAlreadyExists")
            existing.new_version(content)
            return web.json_response(existing.json(self.root_url))
        item = self._add(name, parent.id, folder=False, content=content)
        return web.json_response(item.json(self.root_url), status=201)

    def _chunk(self, session_id: str, request: web.Request, raw: bytes) -> web.Response | None:
        """Take one chunk; an error response if it is not the one expected."""
        session = self._sessions.get(session_id)
        if session is None:
            return _error(404, "itemNotFound")
        spec = request.headers.get("Content-Range", "")
        try:
            span, total = spec.removeprefix("bytes ").split("/")
            first, last = (int(n) for n in span.split("-"))
            size = int(total)
        except ValueError:
            return _error(400, "invalidRange")
        is_last = last + 1 == size
        if (
            first != len(session.received)
            or last - first + 1 != len(raw)
            or (not is_last and len(raw) % CHUNK_UNIT)
            or (session.size not in (-1, size))
        ):
            return _error(416, "invalidRange")
        session.size = size
        session.received += raw
        return None

    def _upload(self, request: web.Request, session_id: str, raw: bytes) -> web.Response:
        session = self._sessions.get(session_id)
        if session is None:
            return _error(404, "itemNotFound")
        if request.method == "DELETE":
            del self._sessions[session_id]
            return web.Response(status=204)
        if request.method == "PUT":
            problem = self._chunk(session_id, request, raw)
            if problem is not None:
                return problem
        if len(session.received) == session.size:
            del self._sessions[session_id]
            return self._put(
                self.items[session.parent_id],
                session.name,
                bytes(session.received),
                session.conflict,
            )
        return web.json_response(
            {"nextExpectedRanges": [f"{len(session.received)}-"]},
            status=202 if request.method == "PUT" else 200,
        )


def _error(
    status: int,
    code: str,
    *,
    headers: Mapping[str, str] | None = None,
    message: str | None = None,
) -> web.Response:
    return web.json_response(
        {"error": {"code": code, "message": message or f"fake {code}"}},
        status=status,
        headers=dict(headers or {}),
    )
