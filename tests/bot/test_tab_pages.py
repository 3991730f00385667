"""The pages the Teams app links to, over real HTTP from the running bot: the channel
tab's configuration page, privacy and terms, the wheel page's subscription link, and no
person's name on any page served without sign-in."""

from __future__ import annotations

import dataclasses
import re
import xml.etree.ElementTree as ET
from datetime import datetime
from html import unescape
from urllib.parse import urlsplit

import pytest

from bot.settings import Settings
from bot.wheel_source import WheelPages
from domain.calendar_tokens import CalendarScope
from domain.recurrence import STOCKHOLM
from manifest.package import render_manifest
from services.calendar_feed import CalendarLinks
from services.planning import sync_meeting_series
from services.registry_snapshots import RegistrySnapshots
from storage.calendar_tokens import CalendarTokenStore
from storage.conversations import ConversationStore
from storage.database import Database
from storage.meetings import MeetingRepository
from storage.registry_files import load_directory
from storage.registry_repository import RegistryRepository
from tests.bot.conftest import SHIPPED_NETWORKS, running_bot
from tests.scheduler.wheel_network import WHEEL_NETWORK
from views.wheel_page import render_wheel_page

KEY = "k" * 40
TEAM = "19:erad-team@thread.tacv2"
PUBLIC = "https://bot.example.se"


@pytest.fixture
def settings(tmp_path) -> Settings:
    return Settings(
        database_url=f"sqlite+aiosqlite:///{tmp_path / 'bot.db'}",
        port=0,
        scheduler_interval_seconds=0,
        calendar_link_key=KEY,
    )


async def get(bot, path: str) -> tuple[int, str, str]:
    async with bot.http.get(bot.base_url + path) as response:
        return response.status, response.content_type, await response.text()


def shipped_names() -> set[str]:
    networks = load_directory(SHIPPED_NETWORKS).networks
    return {a.person.name for n in networks for a in n.assignments if a.person.name}


async def test_the_manifests_tab_privacy_and_terms_addresses_are_pages_the_bot_serves(settings):
    manifest = render_manifest("0b5f7c1e-2d3a-4c8b-9e6f-1a2b3c4d5e6f", "bot.example.se")
    (tab,) = manifest["configurableTabs"]
    assert tab["scopes"] == ["team"] and tab["context"] == ["channelTab"]
    addresses = [
        tab["configurationUrl"],
        manifest["developer"]["privacyUrl"],
        manifest["developer"]["termsOfUseUrl"],
    ]
    async with running_bot(settings) as bot:
        for address in addresses:
            parts = urlsplit(address)
            assert parts.netloc == "bot.example.se"
            status, content_type, page = await get(bot, f"{parts.path}?{parts.query}")
            assert (status, content_type) == (200, "text/html"), address
            assert "<h1>" in page


async def test_the_tab_configuration_offers_the_networks_with_the_teams_own_chosen(settings):
    async with running_bot(settings) as bot:
        database = Database(settings.database_url)
        try:
            await ConversationStore(database).set_binding(TEAM, None, "erad", None)
        finally:
            await database.close()

        _, _, unknown_team = await get(bot, "/wheel/configure?team=19:other@thread.tacv2")
        _, _, known_team = await get(bot, f"/wheel/configure?team={TEAM}&lang=en-us")
        status, content_type, library = await get(bot, re.search(
            r'<script src="(/static/[^"]+)"', known_team).group(1))  # fmt: skip

    def options(page: str) -> dict[str, bool]:
        return {
            key: bool(selected)
            for key, selected in re.findall(r'<option value="([^"]+)"( selected)?>', page)
        }

    keys = {n.key for n in load_directory(SHIPPED_NETWORKS).networks}
    assert set(options(unknown_team)) == keys
    assert [k for k, chosen in options(unknown_team).items() if chosen] == ["bestservice"]
    assert [k for k, chosen in options(known_team).items() if chosen] == ["erad"]
    assert '<html lang="en"' in known_team and "Annual wheel in the channel" in known_team
    assert "registerOnSaveHandler" in known_team and "/wheel?network=" in known_team
    assert (status, content_type) == (200, "text/javascript")
    assert "microsoftTeams" in library


async def test_privacy_is_the_data_protection_document_and_terms_are_in_both_languages(
    settings,
):
    async with running_bot(settings) as bot:
        _, _, privacy = await get(bot, "/privacy")
        _, _, terms_sv = await get(bot, "/terms")
        _, _, terms_en = await get(bot, "/terms?lang=en")

    assert "<h1>Data protection</h1>" in privacy
    assert "<table>" in privacy and "<td><code>calendar_token</code></td>" in privacy
    assert "<h1>Användarvillkor</h1>" in terms_sv and 'lang="sv"' in terms_sv
    assert "<h1>Terms of use</h1>" in terms_en and 'lang="en"' in terms_en
    for page in (privacy, terms_sv, terms_en):
        ET.fromstring(page.split("\n", 1)[1].replace("<!DOCTYPE html>", ""))  # well formed


async def test_the_wheel_page_offers_outlook_only_with_a_live_link_of_its_network(settings):
    settings = dataclasses.replace(settings, public_base_url=PUBLIC)
    async with running_bot(settings) as bot:
        database = Database(settings.database_url)
        try:
            links = CalendarLinks(CalendarTokenStore(database), KEY.encode())
            url = await links.link(CalendarScope("bestservice", "logistik"), PUBLIC,
                                   actor=None, now=datetime.now(STOCKHOLM))  # fmt: skip
        finally:
            await database.close()
        token = url.rsplit("/", 1)[1].removesuffix(".ics")

        _, _, with_link = await get(bot, f"/wheel?network=bestservice&calendar={token}")
        _, _, other_network = await get(bot, f"/wheel?network=erad&calendar={token}")
        _, _, wrong_token = await get(bot, f"/wheel?calendar={token[:-1]}x&lang=en")
        pages = [with_link, other_network, wrong_token]
        for key in ("bestservice", "erad", "arbetsgrupp", "lansprojekt"):
            pages.append((await get(bot, f"/wheel?network={key}"))[2])

    webcal = url.replace("https://", "webcal://")
    assert f'href="{webcal}"' in with_link and "Prenumerera i Outlook" in with_link
    assert "webcal://" not in other_network and "webcal://" not in wrong_token
    assert "write &quot;wheel&quot; to Samverkan" in wrong_token
    for page in pages:
        text = unescape(page)
        assert not [name for name in shipped_names() if name in text]


@pytest.mark.parametrize("public_base_url, key", [("", KEY), (PUBLIC, "")])
async def test_the_wheel_page_promises_no_calendar_link_the_chat_would_not_give(
    settings, public_base_url, key
):
    # The chat's "årshjul" gives a subscription link only with both a link key and a
    # public address; without either the page must not send people asking for one.
    settings = dataclasses.replace(settings, public_base_url=public_base_url,
                                   calendar_link_key=key)  # fmt: skip
    async with running_bot(settings) as bot:
        _, _, swedish = await get(bot, "/wheel?network=erad")
        _, _, english = await get(bot, "/wheel?network=erad&lang=en")

    assert "<h1>" in swedish and "<h1>" in english
    assert "Prenumerera i Outlook" not in unescape(swedish)
    assert "to Samverkan" not in unescape(english)
    assert "<footer>" not in swedish + english


async def test_a_term_of_office_ending_shows_the_role_never_the_holder(sqlite_database):
    registry = RegistryRepository(sqlite_database)
    await registry.replace_networks([WHEEL_NETWORK])
    meetings = MeetingRepository(sqlite_database)
    now = datetime(2027, 6, 1, 12, 0, tzinfo=STOCKHOLM)
    await sync_meeting_series(await registry.load(), meetings, now)
    pages = WheelPages(RegistrySnapshots(registry), meetings, default_network="testnet",
                       now=lambda: now)  # fmt: skip

    page = await pages.load("testnet", "sv")
    html = unescape(render_wheel_page(page))

    assert "Mandatperioden för ordförande går ut fredag 31 december 2027." in html
    for assignment in WHEEL_NETWORK.assignments:
        assert assignment.person.name not in html
    assert dataclasses.replace(page, subscribe_url=None) == page  # no link without a token
