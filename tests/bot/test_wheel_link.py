"""Where "årshjul" sends people for the rest of the wheel: the app's tab in Teams, the
bot's own page in local mode."""

from __future__ import annotations

import json
from pathlib import Path

from bot.settings import Settings
from bot.wheel_source import WHEEL_TAB_ENTITY_ID, wheel_page_link


def test_in_teams_the_link_opens_the_apps_wheel_tab():
    settings = Settings.from_mapping(
        {"MicrosoftAppId": "7e2b0c1d-aaaa-4bbb-8ccc-123456789abc", "MicrosoftAppPassword": "pw"}
    )

    link = wheel_page_link(settings)("erad", "en")

    assert link == (
        "https://teams.microsoft.com/l/entity/7e2b0c1d-aaaa-4bbb-8ccc-123456789abc/arshjul"
    )


def test_in_local_mode_the_link_is_the_page_this_bot_serves():
    settings = Settings.from_mapping({"HOST": "0.0.0.0", "PORT": "4000"})

    assert wheel_page_link(settings)("erad", "sv") == (
        "http://127.0.0.1:4000/wheel?network=erad&lang=sv"
    )


def test_the_link_names_the_tab_the_manifest_declares():
    template = Path(__file__).resolve().parents[2] / "manifest" / "manifest.template.json"
    tabs = json.loads(template.read_text(encoding="utf-8"))["staticTabs"]

    wheel_tab = next(tab for tab in tabs if "/wheel" in tab.get("contentUrl", ""))

    assert wheel_tab["entityId"] == WHEEL_TAB_ENTITY_ID
