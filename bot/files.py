"""Files users send the bot in Teams: the attachment Teams delivers, and fetching it.

With `supportsFiles` in the manifest, a file sent in a personal chat arrives as an
attachment of content type `application/vnd.microsoft.teams.file.download.info` whose
`content.downloadUrl` is a short-lived, pre-authenticated link: the bot fetches it
with a plain GET, no token (`download`), and only from Microsoft's file hosts
(`bot.file_hosts`).

A file posted in a channel (with an @mention of the bot) is already in the channel's
SharePoint folder; Teams' bot API does not hand out its bytes. It arrives as a
`reference` attachment whose `contentUrl` is the file's SharePoint link (`shared` is
set): `SharedFileReader` resolves the link through Graph
(`GET /shares/{u!base64url}/driveItem`) and reads the content with the app's own
Graph permission, so the bot files a copy under the minutes' name.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from bot.file_hosts import FileHosts
from domain.filing import GraphError
from domain.minutes import DownloadFailed, FileTooLarge

if TYPE_CHECKING:  # importing bot.graph loads msgraph-sdk (bot/graph_config.py)
    from bot.graph import GraphFiles
    from bot.graph_clients import DeferredFiles

log = logging.getLogger(__name__)

FILE_DOWNLOAD_INFO = "application/vnd.microsoft.teams.file.download.info"
FILE_REFERENCE = "reference"  # a file already in SharePoint or OneDrive, by its link
DOWNLOAD_TIMEOUT_SECONDS = 120
# The default: Microsoft's file hosts over https (a running bot passes its settings').
TEAMS_FILE_HOSTS = FileHosts(https_only=True)


@dataclass(frozen=True)
class ReceivedFile:
    """A file attached to a message: its name and where to fetch it."""

    name: str
    download_url: str
    shared: bool = False  # a SharePoint link, read through Graph (`SharedFileReader`)


def received_files(attachments: list[Any] | None) -> list[ReceivedFile]:
    """The files among a message's attachments (botbuilder `Attachment`s)."""
    files = []
    for attachment in attachments or []:
        if attachment is None:  # `"attachments": [null]` deserialises to a None
            continue
        content = attachment.content if isinstance(attachment.content, Mapping) else {}
        url = content.get("downloadUrl")
        if attachment.content_type == FILE_DOWNLOAD_INFO and isinstance(url, str) and url:
            files.append(ReceivedFile(attachment.name or "", url))
        elif attachment.content_type == FILE_REFERENCE and _is_link(attachment.content_url):
            files.append(ReceivedFile(attachment.name or "", attachment.content_url, shared=True))
    return files


def _is_link(url: Any) -> bool:
    return isinstance(url, str) and url.lower().startswith("https://")


class SharedFileReader:
    """Reads a file posted in a channel from its SharePoint link, through Graph."""

    def __init__(self, files: GraphFiles | DeferredFiles | None):
        self._files = files

    async def __call__(self, url: str, max_bytes: int) -> bytes:
        """The file's bytes; `DownloadFailed` when Graph cannot give them (not set up,
        no permission, not found), `FileTooLarge` past `max_bytes` (before reading)."""
        if self._files is None:
            raise DownloadFailed("Microsoft Graph is not configured")
        try:
            file = await self._files.shared_file(url)
            if file.size > max_bytes:
                raise FileTooLarge(file.size)
            content = await self._files.file_content(file)
        except GraphError as error:
            log.warning(
                "shared file not readable", extra={"status": error.status, "code": error.code}
            )
            raise DownloadFailed(str(error)) from error
        if len(content) > max_bytes:
            raise FileTooLarge(len(content))
        return content


async def download(url: str, max_bytes: int, *, hosts: FileHosts = TEAMS_FILE_HOSTS) -> bytes:
    """The file at `url`; `FileTooLarge` past `max_bytes` (without reading the rest),
    `FileHostRefused` when it (or a redirect) is not on one of `hosts`."""
    return await hosts.fetch(url, max_bytes, timeout_seconds=DOWNLOAD_TIMEOUT_SECONDS)
