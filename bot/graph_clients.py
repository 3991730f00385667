"""The Graph edge's clients, built on first need instead of before the bot serves.

Building `bot.graph.GraphFiles` and `GraphDirectory` imports msgraph-sdk and
azure-identity and makes the credential: about 0.3 s of CPU, which a bot with Graph
credentials used to spend before its first `/healthz`. `GraphClients` builds both (one
credential, closed with `GraphFiles`) the first time either is needed: a serving bot
does it in its warm-up thread (`DeferredFiles.warm_up`, run by the filing worker before
it starts), a command when it first calls Graph. `DeferredFiles` and `DeferredDirectory`
stand in for the two clients until then: each call waits for the clients (building them
in a thread if nobody is yet) and is then the real client's call, so a request that
needs Graph while the bot is still warming up waits for it instead of failing.

This module imports nothing of msgraph-sdk or azure-identity; `bot.graph` does.
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING

from bot.graph_config import GraphConfig
from domain.filing import DriveFile, DriveFolder, GraphCredentialsRejected, UploadState

if TYPE_CHECKING:  # importing bot.graph loads msgraph-sdk
    from azure.core.credentials_async import AsyncTokenCredential

    from bot.graph import DirectoryUser, GraphDirectory, GraphFiles


class GraphClients:
    """`GraphFiles` and `GraphDirectory` on one credential, built once, on first need.

    `credential` replaces the one `config` describes (tests: a static token).
    """

    def __init__(self, config: GraphConfig, credential: AsyncTokenCredential | None = None):
        self._config = config
        self._credential = credential
        self._lock = threading.Lock()  # the warm-up thread and a request may both build
        self._built: tuple[GraphFiles, GraphDirectory] | None = None

    def build(self) -> tuple[GraphFiles, GraphDirectory]:
        """The two clients, built now if they are not yet. Blocking (imports msgraph-sdk):
        run it in a thread where an event loop is serving. Raises `GraphCredentialsRejected`
        when the configured certificate cannot be read, as Graph calls do for a refused one
        (and tries again on the next call)."""
        with self._lock:
            if self._built is None:
                from bot.graph import GraphDirectory, GraphFiles, credential_for

                try:
                    credential = self._credential or credential_for(self._config)
                except (OSError, ValueError) as error:  # an unreadable or invalid certificate
                    raise GraphCredentialsRejected(
                        f"the app's Graph credential could not be made: {error}"
                    ) from error
                self._built = (
                    GraphFiles(self._config, credential),
                    GraphDirectory(self._config, credential),
                )
            return self._built

    async def ready(self) -> tuple[GraphFiles, GraphDirectory]:
        """The two clients; built in a thread (or waited for) when they are not yet."""
        built = self._built
        return built if built is not None else await asyncio.to_thread(self.build)

    async def close(self) -> None:
        """Close the clients' HTTP sessions and the credential, if they were built; a
        credential given and never used is closed all the same."""
        if self._built is not None:
            await self._built[0].close()  # closes the shared credential too
            return
        close = getattr(self._credential, "close", None)
        if close is not None:
            await close()


class DeferredFiles:
    """`GraphFiles` (`domain.ports.ChannelFilesPort`, and reading shared files) before
    it is built: every call is the built client's, once it is."""

    def __init__(self, clients: GraphClients):
        self._clients = clients

    async def _files(self) -> GraphFiles:
        return (await self._clients.ready())[0]

    def warm_up(self) -> None:
        """Build the clients and load what the first filing needs (`GraphFiles.warm_up`).
        Blocking, a second or more of CPU: a serving bot runs it in a thread."""
        self._clients.build()[0].warm_up()

    async def channel_folder(self, team_id: str, channel_id: str) -> DriveFolder:
        return await (await self._files()).channel_folder(team_id, channel_id)

    async def ensure_folder(self, parent: DriveFolder, names: list[str]) -> DriveFolder:
        return await (await self._files()).ensure_folder(parent, names)

    async def names(self, folder: DriveFolder) -> set[str]:
        return await (await self._files()).names(folder)

    async def file_at(self, folder: DriveFolder, name: str) -> DriveFile | None:
        return await (await self._files()).file_at(folder, name)

    async def shared_file(self, sharing_url: str) -> DriveFile:
        return await (await self._files()).shared_file(sharing_url)

    async def file_content(self, file: DriveFile) -> bytes:
        return await (await self._files()).file_content(file)

    async def upload_small(
        self, folder: DriveFolder, name: str, content: bytes, *, replace: bool = False
    ) -> DriveFile:
        return await (await self._files()).upload_small(folder, name, content, replace=replace)

    async def start_session(
        self, folder: DriveFolder, name: str, *, replace: bool = False
    ) -> UploadState:
        return await (await self._files()).start_session(folder, name, replace=replace)

    async def version(self, file: DriveFile) -> str | None:
        return await (await self._files()).version(file)

    async def session_offset(self, upload_url: str) -> int | None:
        return await (await self._files()).session_offset(upload_url)

    async def upload_chunks(
        self,
        folder: DriveFolder,
        state: UploadState,
        content: bytes,
        on_progress: Callable[[UploadState], Awaitable[None]],
    ) -> DriveFile:
        return await (await self._files()).upload_chunks(folder, state, content, on_progress)


class DeferredDirectory:
    """`GraphDirectory` before it is built: every call is the built client's, once it is."""

    def __init__(self, clients: GraphClients):
        self._clients = clients

    async def _directory(self) -> GraphDirectory:
        return (await self._clients.ready())[1]

    async def team_owner_ids(self, group_id: str) -> frozenset[str]:
        return await (await self._directory()).team_owner_ids(group_id)

    async def search_users(self, text: str, top: int = 10) -> list[DirectoryUser]:
        return await (await self._directory()).search_users(text, top)

    async def user(self, user_id: str) -> DirectoryUser | None:
        return await (await self._directory()).user(user_id)
