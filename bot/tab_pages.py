"""The pages around the Teams tabs: the channel tab's configuration page, the privacy
statement and the terms of use the app package links to, and the Teams JavaScript
library the configuration page needs.

- `GET /wheel/configure`: what Teams shows when someone adds the "Årshjul" tab to a
  channel. It offers the networks, with the team's own (the one the bot bound the team
  to, from `?team=`, Teams' `{teamId}`) chosen, and on save tells Teams to show
  `/wheel?network=KEY` in the tab.
- `GET /privacy`: `docs/data-protection.md`, rendered.
- `GET /terms`: a short terms-of-use text, Swedish and English.
- `GET /static/<MicrosoftTeams-VERSION.min.js>`: Microsoft's Teams JavaScript library
  (npm `@microsoft/teams-js`, MIT licence), served from here so the page needs no other
  host and no other host can change what runs in it.

None of them needs a sign-in, so none shows a person: the configuration page names
networks only, and the privacy statement is the project's own document.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from html import escape
from pathlib import Path

from aiohttp import web

from bot.wheel_routes import page_headers, page_language, page_theme
from domain.registry import Language
from texts.tab_pages import TERMS, TEXTS

logger = logging.getLogger(__name__)

STATIC_DIR = Path(__file__).resolve().parent / "static"
TEAMS_JS = "MicrosoftTeams-2.58.0.min.js"
DATA_PROTECTION = Path(__file__).resolve().parent.parent / "docs" / "data-protection.md"


@dataclass(frozen=True)
class NetworkChoice:
    """A network the tab may show: its key and its name in the page's language."""

    key: str
    name: str


TabNetworks = Callable[[str | None, Language], Awaitable[tuple[Sequence[NetworkChoice], str]]]
"""The networks to offer, in the page's language, and the key to choose first (the
team's own network for a team id the bot knows, else the default network)."""


_CONFIGURE_SCRIPT = """
(function () {
  var teams = window.microsoftTeams;
  var select = document.getElementById('network');
  if (!teams || !select) { return; }
  teams.app.initialize().then(function () {
    teams.pages.config.registerOnSaveHandler(function (save) {
      var key = encodeURIComponent(select.value);
      var page = window.location.origin + '/wheel?network=' + key;
      teams.pages.config.setConfig({
        entityId: 'arshjul-' + select.value,
        suggestedDisplayName: select.getAttribute('data-tab-name'),
        contentUrl: page + '&lang={locale}&theme={theme}',
        websiteUrl: page
      }).then(function () { save.notifySuccess(); },
              function (error) { save.notifyFailure(String(error)); });
    });
    teams.pages.config.setValidityState(true);
  });
})();
"""

_STYLE = """
:root { color-scheme: light dark; --text: #1b1b1b; --background: #ffffff; --muted: #4a4a4a;
  --accent: #1e5a6e; --line: #c8c8c8; }
@media (prefers-color-scheme: dark) { :root { --text: #f0f0f0; --background: #1f1f1f;
  --muted: #d0d0d0; --accent: #8fd0e6; --line: #5a5a5a; } }
[data-theme="default"] { --text: #1b1b1b; --background: #ffffff; --muted: #4a4a4a;
  --accent: #1e5a6e; --line: #c8c8c8; }
[data-theme="dark"] { --text: #f0f0f0; --background: #1f1f1f; --muted: #d0d0d0;
  --accent: #8fd0e6; --line: #5a5a5a; }
[data-theme="contrast"] { --text: #ffffff; --background: #000000; --muted: #ffffff;
  --accent: #ffff00; --line: #ffffff; }
body { font-family: "Segoe UI", system-ui, sans-serif; color: var(--text);
  background: var(--background); max-width: 48rem; margin: 0 auto; padding: 1.5rem;
  line-height: 1.5; }
a { color: var(--accent); }
label { display: block; font-weight: 600; margin-top: 1rem; }
select { font: inherit; margin-top: .25rem; padding: .35rem; min-width: 16rem; }
table { border-collapse: collapse; display: block; overflow-x: auto; }
th, td { border: 1px solid var(--line); padding: .35rem .5rem; vertical-align: top;
  text-align: left; }
code { font-size: .95em; }
.note { color: var(--muted); }
"""


def _text(name: str, language: Language) -> str:
    return TEXTS[name].get(language)


# Our own style and script, and the Teams library from this host; framed as the wheel page is.
_HEADERS = page_headers(style=_STYLE, script=_CONFIGURE_SCRIPT, script_sources="'self'")


def _document(language: str, theme: str | None, title: str, body: str, script: str = "") -> str:
    theme_attribute = f' data-theme="{escape(theme)}"' if theme else ""
    scripts = (
        f'<script src="/static/{TEAMS_JS}"></script><script>{script}</script>' if script else ""
    )
    return (
        "<!DOCTYPE html>\n"
        f'<html lang="{language}"{theme_attribute}><head><meta charset="utf-8"/>'
        '<meta name="viewport" content="width=device-width, initial-scale=1"/>'
        f"<title>{escape(title)}</title><style>{_STYLE}</style></head>"
        f"<body><main>{body}</main>{scripts}</body></html>"
    )


def render_configure(
    networks: Sequence[NetworkChoice], chosen: str, language: Language, theme: str | None
) -> str:
    """The channel tab's configuration page: the networks, `chosen` selected."""
    options = "".join(
        f'<option value="{escape(n.key)}"{" selected" if n.key == chosen else ""}>'
        f"{escape(n.name)}</option>"
        for n in networks
    )
    body = (
        f"<h1>{escape(_text('configure_title', language))}</h1>"
        f"<p>{escape(_text('configure_intro', language))}</p>"
        f'<label for="network">{escape(_text("network", language))}</label>'
        f'<select id="network" name="network" '
        f'data-tab-name="{escape(_text("tab_name", language))}">{options}</select>'
        f'<p class="note">{escape(_text("configure_save", language))}</p>'
    )
    return _document(
        language, theme, _text("configure_title", language), body, _CONFIGURE_SCRIPT
    )


def render_privacy(document: str, language: Language, theme: str | None) -> str:
    """The data-protection document (Markdown, in English) as a page."""
    import markdown  # only where the page is asked for: 69 modules, ~0.9 MiB

    html = markdown.markdown(document, extensions=["tables"])
    note = (
        f'<p class="note" lang="{language}">{escape(_text("privacy_language", language))}</p>'
        if language != "en"
        else ""
    )
    return _document("en", theme, _text("privacy_title", "en"), note + html)


def render_terms(language: Language, theme: str | None) -> str:
    """The short terms of use, in the page's language."""
    paragraphs = "".join(f"<p>{escape(p)}</p>" for p in TERMS.get(language))
    title = _text("terms_title", language)
    return _document(language, theme, title, f"<h1>{escape(title)}</h1>{paragraphs}")


def tab_routes(networks: TabNetworks) -> list[web.RouteDef]:
    """The configuration page, the privacy and terms pages, and the Teams library."""

    def html(text: str) -> web.Response:
        return web.Response(text=text, content_type="text/html", charset="utf-8",
                            headers=_HEADERS)  # fmt: skip

    async def configure(request: web.Request) -> web.Response:
        language = page_language(request.query.get("lang"))
        theme = page_theme(request.query.get("theme"))
        choices, chosen = await networks(request.query.get("team") or None, language)
        return html(render_configure(choices, chosen, language, theme))

    try:  # read once: the document changes with a new release only
        data_protection: str | None = DATA_PROTECTION.read_text(encoding="utf-8")
    except OSError:
        logger.error("no privacy page: %s is missing from this installation", DATA_PROTECTION)
        data_protection = None

    async def privacy(request: web.Request) -> web.Response:
        if data_protection is None:
            raise web.HTTPNotFound()
        language = page_language(request.query.get("lang"))
        theme = page_theme(request.query.get("theme"))
        return html(render_privacy(data_protection, language, theme))

    async def terms(request: web.Request) -> web.Response:
        language = page_language(request.query.get("lang"))
        return html(render_terms(language, page_theme(request.query.get("theme"))))

    teams_js = (STATIC_DIR / TEAMS_JS).read_bytes()

    async def library(_: web.Request) -> web.Response:
        return web.Response(
            body=teams_js,
            content_type="text/javascript",
            charset="utf-8",
            headers={  # the version is in the name: the file never changes
                "Cache-Control": "public, max-age=31536000, immutable",
                "X-Content-Type-Options": "nosniff",
            },
        )

    return [
        web.get("/wheel/configure", configure),
        web.get("/privacy", privacy),
        web.get("/terms", terms),
        web.get(f"/static/{TEAMS_JS}", library),
    ]
