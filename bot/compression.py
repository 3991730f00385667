"""Gzip for the pages the bot serves: HTML, CSS, JavaScript and SVG, when the client takes it.

The annual-wheel page is 17-45 KB of HTML with inline SVG and CSS, and gzip makes it
about a fifth of that (34 KB to 7 KB for Best Service), which matters inside a Teams tab
on a slow connection (and Lighthouse asks for it). aiohttp compresses a response only
when asked, and left to choose it picks deflate whenever the header merely mentions it
(even `deflate;q=0`), so the coding is chosen here, from the request's `Accept-Encoding`
with its q-values.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from aiohttp import hdrs, web
from aiohttp.web_response import ContentCoding

COMPRESSIBLE_TYPES = frozenset(
    {"text/html", "text/css", "text/javascript", "application/javascript", "image/svg+xml"}
)
# Below this a response fits in one packet anyway, and gzip's header would outweigh it.
MIN_COMPRESSED_BYTES = 1024


def accepts_gzip(accept_encoding: str) -> bool:
    """True when an `Accept-Encoding` value allows gzip (RFC 9110, 12.5.3).

    `gzip` (or `x-gzip`) with a q-value above 0 allows it, and so does `*` when gzip is
    not named; `gzip;q=0` and an empty or absent header do not.
    """
    wildcard = None
    for item in accept_encoding.lower().split(","):
        coding, *parameters = (part.strip() for part in item.split(";"))
        quality = 1.0
        for parameter in parameters:
            name, _, value = parameter.partition("=")
            if name.strip() == "q":
                try:
                    quality = float(value)
                except ValueError:
                    quality = 0.0
        if coding in ("gzip", "x-gzip"):
            return quality > 0
        if coding == "*":
            wildcard = quality > 0
    return bool(wildcard)


@web.middleware
async def compress_pages(
    request: web.Request, handler: Callable[[web.Request], Awaitable[web.StreamResponse]]
) -> web.StreamResponse:
    """Gzips a compressible response of `MIN_COMPRESSED_BYTES` or more when the client
    accepts gzip; marks every compressible response `Vary: Accept-Encoding` for caches."""
    response = await handler(request)
    if not isinstance(response, web.Response) or response.content_type not in COMPRESSIBLE_TYPES:
        return response
    response.headers.add(hdrs.VARY, hdrs.ACCEPT_ENCODING)
    body = response.body
    if (
        isinstance(body, bytes)
        and len(body) >= MIN_COMPRESSED_BYTES
        and hdrs.CONTENT_ENCODING not in response.headers
        and accepts_gzip(request.headers.get(hdrs.ACCEPT_ENCODING, ""))
    ):
        response.enable_compression(ContentCoding.gzip)
    return response
