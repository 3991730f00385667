"""`GET /calendar/<token>.ics`: the calendar feed a subscription link opens.

The token is the only credential (calendar apps send no sign-in): a live token gets the
feed of its network or group (`text/calendar`); any other token, malformed, unknown or
revoked, gets the same plain 404, so an answer never tells a revoked link from one that
never existed. The token never reaches a log line.
"""

from __future__ import annotations

import hashlib
import logging

from aiohttp import web

from bot.wheel_routes import page_language
from services.calendar_feed import MEDIA_TYPE, CalendarFeeds, CalendarLinks

logger = logging.getLogger(__name__)

_HEADERS = {
    # The feed changes when meetings move; calendars poll it, so caches must ask again.
    "Cache-Control": "no-cache, private",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
}


def calendar_routes(links: CalendarLinks, feeds: CalendarFeeds) -> list[web.RouteDef]:
    """The feed's route; `?lang=en` gives the English texts."""

    async def feed(request: web.Request) -> web.Response:
        scope = await links.scope_of(request.match_info["token"])
        if scope is None:
            return web.Response(status=404, text="Not found\n", headers=_HEADERS)
        language = page_language(request.query.get("lang"))
        try:
            body = await feeds.feed(scope, language)
        except LookupError:  # the network or group is no longer in the registry
            logger.info("calendar feed of a removed scope", extra={"network": scope.network_key})
            return web.Response(status=404, text="Not found\n", headers=_HEADERS)
        etag = _etag(body)
        if etag in request.headers.get("If-None-Match", ""):
            return web.Response(status=304, headers={**_HEADERS, "ETag": etag})
        return web.Response(
            body=body,
            content_type=MEDIA_TYPE,
            charset="utf-8",
            headers={
                **_HEADERS,
                "ETag": etag,
                "Content-Disposition": 'inline; filename="samverkan.ics"',
            },
        )

    return [web.get(r"/calendar/{token}.ics", feed)]


def _etag(body: bytes) -> str:
    # DTSTAMP is the time of writing, new on every request: the feed has changed only when
    # something else has, and calendars polling it then get 304 and nothing to parse.
    content = b"\n".join(line for line in body.splitlines() if not line.startswith(b"DTSTAMP"))
    return '"' + hashlib.sha256(content).hexdigest()[:32] + '"'
