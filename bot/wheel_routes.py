"""The annual-wheel page on the web: `GET /wheel`, also the Teams static tab "Årshjul".

The page itself is `views.wheel_page`, rendered from plain data; this module reads the
request, asks the loader for the data, and serves the page with its headers: a
Content-Security-Policy that allows exactly the page's own inline style and script (by
their hashes, computed once from what is served) and lets Teams and the other
Microsoft 365 hosts frame it, and no caching. Compression is the web app's
(`bot.compression`).

Query parameters: `lang` (`sv` by default; `en`, or a Teams locale such as `en-us` for
the tab's `{app.locale}`), `theme` (Teams' `{app.theme}`: `default`, `dark`, `contrast`;
without it the page follows the system's colour scheme), `network` (a network key,
passed on to the loader) and `calendar` (a subscription link's token: the page then
offers that link).
"""

from __future__ import annotations

import base64
import hashlib
import logging
from collections.abc import Awaitable, Callable
from dataclasses import replace

from aiohttp import web

from domain.registry import Language
from services.calendar_feed import webcal_url
from views.wheel_page import (
    SCRIPT,
    STYLE,
    THEMES,
    Theme,
    WheelPage,
    render_not_found,
    render_wheel_page,
)

logger = logging.getLogger(__name__)

SubscriptionLookup = Callable[[str, str | None, str], Awaitable[str | None]]
"""The calendar subscription address (https) that a token from `?calendar=` opens, for
the page's network key (None: the default network) under a base URL; None when the
token opens no calendar of that network."""

PageLoader = Callable[[str | None, Language], Awaitable[WheelPage]]
"""Builds the page for a network key (None: the default network) in a language.

Raises `LookupError` (e.g. `domain.registry.UnknownNetwork`) for an unknown network:
the route answers 404.
"""


def page_language(value: str | None) -> Language:
    """The page's language from `?lang=`: English for `en` and any `en-…` locale."""
    if value and value.strip().lower().replace("_", "-").split("-")[0] == "en":
        return "en"
    return "sv"


def page_theme(value: str | None) -> Theme | None:
    """The Teams theme from `?theme=`, or None to follow the system's colour scheme."""
    value = (value or "").strip().lower()
    if value in THEMES:
        return value  # type: ignore[return-value]
    return None


def csp_hash(source: str) -> str:
    """A Content-Security-Policy source allowing exactly this inline style or script."""
    return "'sha256-" + base64.b64encode(hashlib.sha256(source.encode()).digest()).decode() + "'"


# Who may frame the bot's pages: itself, Teams and the other Microsoft 365 hosts (the hosts
# Microsoft's tab requirements list).
FRAME_ANCESTORS = (
    "frame-ancestors 'self' https://teams.microsoft.com https://*.teams.microsoft.com "
    "https://*.cloud.microsoft https://*.microsoft365.com https://*.office.com"
)


def page_headers(*, style: str, script: str, script_sources: str = "") -> dict[str, str]:
    """The headers of a page the bot serves (the wheel page, the tab pages): only its own
    inline style and script run, hashed from the very strings the page embeds (and scripts
    from `script_sources`, e.g. "'self'"); no forms; framed by Teams and the other
    Microsoft 365 hosts and by itself; never cached, never sniffed, no referrer."""
    script_src = " ".join(filter(None, [script_sources, csp_hash(script)]))
    policy = "; ".join(
        [
            "default-src 'none'",
            f"style-src {csp_hash(style)}",
            f"script-src {script_src}",
            "base-uri 'none'",
            "form-action 'none'",
            FRAME_ANCESTORS,
        ]
    )
    return {
        "Content-Security-Policy": policy,
        "Cache-Control": "no-store",
        "X-Content-Type-Options": "nosniff",
        "Referrer-Policy": "no-referrer",
    }


_HEADERS = page_headers(style=STYLE, script=SCRIPT)


def wheel_routes(
    load_page: PageLoader, subscription: SubscriptionLookup | None = None
) -> list[web.RouteDef]:
    """`GET /wheel`: the annual-wheel page of `?network=` (default network without it).

    With `?calendar=TOKEN` of a subscription link of that network, the page offers the
    link ("Subscribe in Outlook"); without, it says how to get it if the chat gives such
    links.
    """

    async def wheel(request: web.Request) -> web.Response:
        language = page_language(request.query.get("lang"))
        theme = page_theme(request.query.get("theme"))
        network = request.query.get("network") or None
        try:
            page = await load_page(network, language)
        except LookupError:
            logger.info("wheel page for an unknown network", extra={"network": network})
            return web.Response(
                text=render_not_found(network or "", language, theme),
                status=404,
                content_type="text/html",
                charset="utf-8",
                headers=_HEADERS,
            )
        token = request.query.get("calendar")
        if token and subscription is not None:
            base = f"{request.scheme}://{request.host}"
            address = await subscription(token, network, base)
            # The link opens a calendar app to subscribe: the same address as webcal://.
            page = replace(page, subscribe_url=None if address is None else webcal_url(address))
        return web.Response(
            text=render_wheel_page(page, theme=theme, network_key=network),
            content_type="text/html",
            charset="utf-8",
            headers=_HEADERS,
        )

    return [web.get("/wheel", wheel)]
