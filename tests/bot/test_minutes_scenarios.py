"""Scenarios: a secretary sends the minutes to the bot in Teams and they land in SharePoint.

The running bot, a loopback Bot Connector and a loopback Graph (which also serves the
file's Teams download link); the network comes from a data file in which the test
user is the secretary of the group Alfa.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, date, datetime, time, timedelta

import aiohttp
import pytest
from aiohttp import web

from app import create_app
from bot.files import FILE_DOWNLOAD_INFO
from bot.settings import Settings
from scheduler.recurrence import STOCKHOLM
from storage.conversations import ConversationStore
from storage.database import Database
from storage.meetings import MeetingDraft, MeetingRepository
from storage.minutes import MinutesRepository
from storage.outbox import Outbox
from tests.bot.conftest import RunningBot
from tests.bot.teams_activities import (
    CHANNEL_ID,
    TEAM_ID,
    USER,
    channel_message,
    personal_message,
)
from tests.graph_fake import GraphFake, StaticCredential

PDF = b"%PDF-1.7 protokoll fran motet"
# The team's Microsoft 365 group id, which Graph names the team by.
GROUP_ID = "5c2d6f0e-1b7a-4a8e-9d3c-2f4e6a8b0c1d"
# Meetings in the recent past of the real clock: the bot looks back from now.
TODAY = date.today()

NETWORK_YAML = f"""\
key: natet
name: {{sv: Nätet, en: The network}}
groups:
  - key: alfa
    name: {{sv: Alfa, en: Alpha}}
roles:
  - key: sekreterare
    scope: group
    title: {{sv: Sekreterare, en: Secretary}}
    duties:
      sv: [Skriver protokoll.]
      en: [Writes the minutes.]
holders:
  - role: sekreterare
    group: alfa
    name: {USER["name"]}
    entra_object_id: {USER["aadObjectId"]}
"""


@pytest.fixture
async def graph() -> AsyncIterator[GraphFake]:
    async with GraphFake() as fake:
        fake.add_channel(GROUP_ID, CHANNEL_ID, name="Alfa")
        yield fake


@pytest.fixture
async def minutes_bot(tmp_path, graph) -> AsyncIterator[RunningBot]:
    networks = tmp_path / "networks"
    networks.mkdir()
    (networks / "natet.yaml").write_text(NETWORK_YAML, encoding="utf-8")
    settings = Settings(
        database_url=f"sqlite+aiosqlite:///{tmp_path / 'bot.db'}",
        port=0,
        networks_dir=networks,
        default_network="natet",
        scheduler_interval_seconds=0,
        graph_tenant_id="tenant",
        graph_client_id="client",
        graph_client_secret="secret",
        graph_base_url=graph.base_url,
    )
    runner = web.AppRunner(await create_app(settings, graph_credential=StaticCredential()))
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    host, port = runner.addresses[0][:2]
    database = Database(settings.database_url)
    store = ConversationStore(database)
    await store.save_reference(
        {"conversation": {"id": CHANNEL_ID}, "serviceUrl": "http://127.0.0.1:1"},
        tenant_id=None,
        team_id=TEAM_ID,
        channel_id=CHANNEL_ID,
        kind="channel",
    )
    await store.set_binding(TEAM_ID, CHANNEL_ID, "natet", "alfa")
    await database.close()
    async with aiohttp.ClientSession() as http:
        yield RunningBot(f"http://{host}:{port}", http, settings)
    await runner.cleanup()


async def ask_in_the_channel(bot: RunningBot, connector, text: str):
    """A channel message, which also tells the bot the team's group id."""
    activity = channel_message(connector.service_url, text)
    activity["channelData"]["team"]["aadGroupId"] = GROUP_ID
    await bot.post(activity)


async def add_meeting(bot: RunningBot, day: date) -> int:
    database = Database(bot.settings.database_url)
    try:
        meeting = await MeetingRepository(database).add(
            MeetingDraft(
                "natet",
                "alfa",
                "mote",
                datetime.combine(day, time(9), STOCKHOLM),
                datetime.combine(day, time(11), STOCKHOLM),
            ),
            by=None,
            now=datetime.combine(day, time(8), STOCKHOLM),
        )
        return meeting.id
    finally:
        await database.close()


def file_message(connector, graph: GraphFake, name: str, content: bytes) -> dict:
    activity = personal_message(connector.service_url, "")
    activity.pop("text")
    activity["attachments"] = [
        {
            "contentType": FILE_DOWNLOAD_INFO,
            "name": name,
            "content": {
                "downloadUrl": graph.add_download(content),
                "uniqueId": "1150D938-8870-4044-9F2C-5BBDEBA70C8C",
                "fileType": name.rpartition(".")[2],
            },
        }
    ]
    return activity


async def remember_group_id(bot: RunningBot) -> None:
    database = Database(bot.settings.database_url)
    try:
        await MinutesRepository(database).remember_team(TEAM_ID, GROUP_ID, datetime.now(UTC))
    finally:
        await database.close()


async def stored(bot: RunningBot, meeting_id: int):
    database = Database(bot.settings.database_url)
    try:
        minutes = await MinutesRepository(database).minutes([meeting_id])
        posts = await Outbox(database).overview("natet", datetime.now(STOCKHOLM) - timedelta(1))
        return minutes.get(meeting_id), posts
    finally:
        await database.close()


async def test_a_file_sent_in_personal_chat_is_filed_and_the_channel_hears_of_it(
    minutes_bot, connector, graph
):
    day = TODAY - timedelta(days=2)
    meeting_id = await add_meeting(minutes_bot, day)
    await ask_in_the_channel(minutes_bot, connector, "protokoll")
    (before,) = await connector.wait_for_activities(1)
    assert "saknas" in before.visible_text

    status, _ = await minutes_bot.post(file_message(connector, graph, "Protokoll.pdf", PDF))

    assert status == 201
    reply = (await connector.wait_for_activities(2))[1]
    assert "Protokollet för Alfa" in reply.visible_text and "är sparat" in reply.visible_text
    path = f"Alfa/Protokoll/{day.year}/{day.isoformat()} Alfa protokoll.pdf"
    assert graph.file_at(path).content == PDF
    minutes, posts = await stored(minutes_bot, meeting_id)
    assert (minutes.size, minutes.file_name) == (len(PDF), "Protokoll.pdf")
    assert [p.key for p in posts if p.key.startswith("minutes-filed:")] == [
        f"minutes-filed:{meeting_id}:{minutes.item_id}"
    ]
    await ask_in_the_channel(minutes_bot, connector, "protokoll")
    after = (await connector.wait_for_activities(3))[2]
    assert "sparat" in after.visible_text and minutes.web_url in after.visible_text


async def test_with_two_meetings_missing_minutes_the_secretary_picks_one(
    minutes_bot, connector, graph
):
    await add_meeting(minutes_bot, TODAY - timedelta(days=9))
    picked = await add_meeting(minutes_bot, TODAY - timedelta(days=2))
    await remember_group_id(minutes_bot)

    await minutes_bot.post(file_message(connector, graph, "p.pdf", PDF))
    (question,) = await connector.wait_for_activities(1)
    card = next(a["content"] for a in question.attachments if "content" in a)
    assert card["body"][0]["text"] == "Vilket möte hör p.pdf till?"
    choice = next(a["data"] for a in card["actions"] if a["data"]["meeting_id"] == picked)
    assert graph.paths() == []  # nothing uploaded before the meeting is known

    click = personal_message(connector.service_url, "", value=choice)
    click.pop("text")
    await minutes_bot.post(click)

    (_, filed) = await connector.wait_for_activities(2)
    assert "är sparat" in filed.visible_text
    assert (await stored(minutes_bot, picked))[0] is not None


async def test_a_file_of_a_type_not_allowed_gets_an_answer_and_nothing_is_kept(
    minutes_bot, connector, graph
):
    await add_meeting(minutes_bot, TODAY - timedelta(days=2))

    await minutes_bot.post(file_message(connector, graph, "mote.exe", b"MZ"))

    (reply,) = await connector.wait_for_activities(1)
    assert "Filer av typen .exe tas inte emot som protokoll" in reply.visible_text
    assert graph.paths() == []
    assert not any(r.path.startswith("/download/") for r in graph.requests)
