"""Files users send the bot in Teams: the attachment Teams delivers, and fetching it.

With `supportsFiles` in the manifest, a file sent in a personal chat (or posted in a
channel with an @mention) arrives as an attachment of content type
`application/vnd.microsoft.teams.file.download.info` whose `content.downloadUrl` is a
short-lived, pre-authenticated link: the bot fetches it with a plain GET, no token.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import aiohttp

from scheduler.minutes import DownloadFailed, FileTooLarge

log = logging.getLogger(__name__)

FILE_DOWNLOAD_INFO = "application/vnd.microsoft.teams.file.download.info"
DOWNLOAD_TIMEOUT_SECONDS = 120


@dataclass(frozen=True)
class ReceivedFile:
    """A file attached to a message: its name and where to fetch it."""

    name: str
    download_url: str


def received_files(attachments: list[Any] | None) -> list[ReceivedFile]:
    """The files among a message's attachments (botbuilder `Attachment`s)."""
    files = []
    for attachment in attachments or []:
        content = attachment.content if isinstance(attachment.content, Mapping) else {}
        url = content.get("downloadUrl")
        if attachment.content_type == FILE_DOWNLOAD_INFO and isinstance(url, str) and url:
            files.append(ReceivedFile(attachment.name or "", url))
    return files


async def download(url: str, max_bytes: int) -> bytes:
    """The file at `url`; `FileTooLarge` past `max_bytes` (without reading the rest)."""
    timeout = aiohttp.ClientTimeout(total=DOWNLOAD_TIMEOUT_SECONDS)
    try:
        async with (
            aiohttp.ClientSession(timeout=timeout) as session,
            session.get(url) as response,
        ):
            if response.status != 200:
                raise DownloadFailed(f"HTTP {response.status}")
            content = bytearray()
            async for chunk in response.content.iter_chunked(64 * 1024):
                content += chunk
                if len(content) > max_bytes:
                    raise FileTooLarge(len(content))
            return bytes(content)
    except (TimeoutError, aiohttp.ClientError) as error:
        log.warning("file download failed", extra={"error": type(error).__name__})
        raise DownloadFailed(type(error).__name__) from error
