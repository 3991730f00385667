"""Where the bot may fetch a file sent to it from, and fetching it within those limits.

A file attachment names its download address (`content.downloadUrl`); whoever sends the
activity chooses it. Fetched blindly, it would make the bot a proxy into its own network
(a loopback or internal address) whose answer it then files in SharePoint. `FileHosts`
allows only Microsoft's file hosts (`ALLOWED_FILE_HOSTS`, default SharePoint, OneDrive
and Graph), only https when the bot has an app id, follows redirects itself so that each
hop is checked the same way, and stops reading past the size limit.
"""

from __future__ import annotations

import logging
from urllib.parse import urljoin, urlsplit

import aiohttp

from bot.settings import DEFAULT_ALLOWED_FILE_HOSTS, Settings, host_allowed
from domain.minutes import DownloadFailed, FileTooLarge

log = logging.getLogger(__name__)

MAX_REDIRECTS = 5
_REDIRECTS = {301, 302, 303, 307, 308}


class FileHostRefused(DownloadFailed):
    """The file's address (or a redirect) is not on an allowed file host."""


class FileHosts:
    """The hosts a received file may come from, and fetching it from them.

    `https_only`: with an app id (a bot in Teams) every hop must be https; in local mode
    plain http is accepted too, for a listed host (the tests' loopback file server).
    """

    def __init__(
        self, patterns: tuple[str, ...] = DEFAULT_ALLOWED_FILE_HOSTS, *, https_only: bool
    ):
        self.patterns = patterns
        self.https_only = https_only

    @classmethod
    def from_settings(cls, settings: Settings) -> FileHosts:
        """`ALLOWED_FILE_HOSTS`; https only unless in local mode."""
        return cls(settings.allowed_file_hosts, https_only=not settings.local_mode)

    def allows(self, url: str) -> bool:
        """True if `url` may be fetched: an allowed scheme and a listed host, no user info."""
        try:
            parts = urlsplit(url)
            host = parts.hostname or ""
            port_ok = parts.port is None or parts.port > 0
        except ValueError:  # an unclosed IPv6 literal, a port out of range
            return False
        schemes = ("https",) if self.https_only else ("https", "http")
        return (
            parts.scheme in schemes
            and bool(host)
            and port_ok
            and parts.username is None
            and host_allowed(host, self.patterns)
        )

    async def fetch(self, url: str, max_bytes: int, *, timeout_seconds: float) -> bytes:
        """The body at `url`, following at most MAX_REDIRECTS redirects, each to an allowed
        host; `FileHostRefused` off the list, `FileTooLarge` past `max_bytes` (the rest is
        not read), `DownloadFailed` for any other failure."""
        client_timeout = aiohttp.ClientTimeout(total=timeout_seconds)
        try:
            async with aiohttp.ClientSession(
                timeout=client_timeout, cookie_jar=aiohttp.DummyCookieJar()
            ) as session:
                for _ in range(MAX_REDIRECTS + 1):
                    if not self.allows(url):
                        log.warning("file host not allowed", extra={"host": _host(url)})
                        raise FileHostRefused("not an allowed file host")
                    async with session.get(url, allow_redirects=False) as response:
                        if response.status in _REDIRECTS and "Location" in response.headers:
                            url = urljoin(url, response.headers["Location"])
                            continue
                        if response.status != 200:
                            raise DownloadFailed(f"HTTP {response.status}")
                        if (response.content_length or 0) > max_bytes:
                            raise FileTooLarge(response.content_length or 0)
                        content = bytearray()
                        async for chunk in response.content.iter_chunked(64 * 1024):
                            content += chunk
                            if len(content) > max_bytes:
                                raise FileTooLarge(len(content))
                        return bytes(content)
                log.warning("file download redirected too often")
                raise DownloadFailed("too many redirects")
        except (TimeoutError, aiohttp.ClientError, ValueError) as error:
            log.warning("file download failed", extra={"error": type(error).__name__})
            raise DownloadFailed(type(error).__name__) from error


def _host(url: str) -> str | None:
    """The host of `url` for a log line (never the path or query: they carry tokens)."""
    try:
        return urlsplit(url).hostname
    except ValueError:
        return None
