"""Where "årshjul" sends people for the rest of the wheel: the app's tab in Teams for the
default network (the tab's address names no network), the page at PUBLIC_BASE_URL for
any other, the bot's own page at its bound address in local mode."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from bot.settings import Settings
from bot.wheel_source import WHEEL_TAB_ENTITY_ID, wheel_page_link
from tests.bot.conftest import running_bot

APP_ID = "7e2b0c1d-aaaa-4bbb-8ccc-123456789abc"
TEAMS = {"MicrosoftAppId": APP_ID, "MicrosoftAppPassword": "pw", "DEFAULT_NETWORK": "bestservice"}
PUBLIC = "https://samverkan.example.se"


def test_in_teams_the_default_networks_link_opens_the_apps_wheel_tab():
    link = wheel_page_link(Settings.from_mapping(TEAMS))("bestservice", "en")

    assert link == f"https://teams.microsoft.com/l/entity/{APP_ID}/arshjul"


async def test_in_teams_another_networks_link_opens_that_networks_own_page(settings):
    # The tab shows the default network's wheel: an e-council member pressing "Hela
    # årshjulet" must land on the e-council's wheel, not Best Service's.
    teams = Settings.from_mapping({**TEAMS, "PUBLIC_BASE_URL": PUBLIC + "/"})

    link = wheel_page_link(teams)("erad", "sv")

    assert link is not None and link.startswith(f"{PUBLIC}/wheel?")
    parts = urlsplit(link)
    async with running_bot(settings) as bot:
        async with bot.http.get(f"{bot.base_url}{parts.path}?{parts.query}") as response:
            assert response.status == 200
            page = ET.fromstring(await response.text())
    assert "".join(page.find(".//h1").itertext()) == "Fyrbodals e-råd"
    assert page.get("lang") == "sv"


def test_in_teams_without_a_public_address_another_network_gets_no_link():
    # No link rather than one to the wrong network's wheel.
    assert wheel_page_link(Settings.from_mapping(TEAMS))("erad", "sv") is None


def test_in_local_mode_the_link_is_the_page_this_bot_serves():
    settings = Settings.from_mapping({"HOST": "0.0.0.0", "PORT": "4000"})

    assert wheel_page_link(settings)("erad", "sv") == (
        "http://127.0.0.1:4000/wheel?network=erad&lang=sv"
    )


def test_in_local_mode_a_public_address_is_preferred_to_the_bound_one():
    settings = Settings.from_mapping({"PORT": "4000", "PUBLIC_BASE_URL": PUBLIC})

    assert wheel_page_link(settings)("erad", "en") == f"{PUBLIC}/wheel?network=erad&lang=en"


@pytest.mark.parametrize("host, expected", [("::1", "::1"), ("::", "::1"), ("fe80::2", "fe80::2")])
def test_an_ipv6_host_is_bracketed_so_the_link_parses(host, expected):
    link = wheel_page_link(Settings(host=host, port=4000))("erad", "sv")

    assert link is not None
    parts = urlsplit(link)
    assert (parts.hostname, parts.port, parts.path) == (expected, 4000, "/wheel")


def test_a_server_not_yet_bound_to_a_port_gives_no_link():
    # Port 0 means "any free port", chosen at bind time: ":0" would be a dead link.
    assert wheel_page_link(Settings(host="127.0.0.1", port=0))("erad", "sv") is None


def test_the_link_names_the_tab_the_manifest_declares():
    template = Path(__file__).resolve().parents[2] / "manifest" / "manifest.template.json"
    tabs = json.loads(template.read_text(encoding="utf-8"))["staticTabs"]

    wheel_tab = next(tab for tab in tabs if "/wheel" in tab.get("contentUrl", ""))

    assert wheel_tab["entityId"] == WHEEL_TAB_ENTITY_ID
