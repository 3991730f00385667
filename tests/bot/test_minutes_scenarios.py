"""Scenarios: a secretary sends the minutes to the bot in Teams and they land in SharePoint.

The running bot, a loopback Bot Connector and a loopback Graph (which also serves the
file's Teams download link); the network comes from a data file in which the test
user is the secretary of the group Alfa. The bot runs without its scheduler; a test
ticks the same services' scheduler itself (`scheduler_tick`, as a second replica
would), on a clock it chooses, and reads what the connector received.
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import logging
from collections.abc import AsyncIterator
from datetime import UTC, date, datetime, time, timedelta
from time import monotonic

import pytest
from sqlalchemy import select, update

from app import open_services
from bot.adapter import create_adapter
from bot.files import FILE_DOWNLOAD_INFO
from bot.proactive import ConnectorSender
from bot.settings import Settings
from domain.meetings import MeetingDraft
from domain.recurrence import STOCKHOLM
from scheduler.delivery import DeliveryWorker
from scheduler.runner import DeliveryRunner, TickReport
from storage.conversations import ConversationStore
from storage.database import Database
from storage.meetings import MeetingRepository
from storage.minutes import MinutesRepository
from storage.outbox import Outbox
from storage.schema import ReceivedFileRow
from tests.bot.conftest import RunningBot, running_bot
from tests.bot.teams_activities import (
    BOT,
    CHANNEL_ID,
    MEMBER,
    PERSONAL_CONVERSATION_ID,
    TEAM_ID,
    TENANT_ID,
    USER,
    bot_added_to_personal_chat,
    card_submit,
    channel_message,
    personal_message,
)
from tests.conftest import until
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
  - key: beta
    name: {{sv: Beta, en: Beta}}
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


def minutes_settings(tmp_path, graph: GraphFake, **changes) -> Settings:
    """The bot's settings: the network file, the loopback Graph, no scheduler."""
    networks = tmp_path / "networks"
    networks.mkdir(exist_ok=True)
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
        graph_retry_seconds=0,  # Graph down: retried at once, so the test does not wait
        # The loopback Graph serves the downloads; shared files are SharePoint links.
        allowed_file_hosts=("127.0.0.1", "*.sharepoint.com"),
    )
    return dataclasses.replace(settings, **changes)


class _FilingReady(logging.Handler):
    """Notes the bot's "filing ready": its Graph clients are built and loaded, and its
    filing worker starts its first round."""

    def __init__(self) -> None:
        super().__init__()
        self.seen = False

    def emit(self, record: logging.LogRecord) -> None:
        self.seen = self.seen or record.getMessage() == "filing ready"


@contextlib.asynccontextmanager
async def serving(settings: Settings) -> AsyncIterator[RunningBot]:
    """The bot served on `settings`, its channel bound to Alfa, once its filing worker
    has started (the bot builds its Graph clients first, in a thread:
    `bot.graph_clients`), so that the worker's first round comes before a test's steps."""
    ready = _FilingReady()
    app_log = logging.getLogger("samverkan")
    level = app_log.level
    app_log.setLevel(logging.INFO)  # "filing ready" is logged at INFO
    app_log.addHandler(ready)
    try:
        async with running_bot(settings, StaticCredential()) as running:
            await until(lambda: ready.seen, timeout=60)
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
            yield running
    finally:
        app_log.removeHandler(ready)
        app_log.setLevel(level)


@pytest.fixture
async def minutes_bot(tmp_path, graph) -> AsyncIterator[RunningBot]:
    async with serving(minutes_settings(tmp_path, graph)) as running:
        yield running


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


async def filed(bot: RunningBot, meeting_id: int, timeout: float = 10):
    """The meeting's minutes once the bot has filed them in the background."""
    database = Database(bot.settings.database_url)
    try:
        async with asyncio.timeout(timeout):
            while True:
                found = (await MinutesRepository(database).minutes([meeting_id])).get(meeting_id)
                if found is not None:
                    return found
                await asyncio.sleep(0.02)
    finally:
        await database.close()


async def notices(bot: RunningBot, prefix: str, count: int = 1, timeout: float = 10):
    """The notices about a file queued so far whose key starts with `prefix`, once
    there are `count` of them."""
    async with asyncio.timeout(timeout):
        while True:
            _, posts = await stored(bot, 0)
            found = [entry.post for entry in posts if entry.post.key.startswith(prefix)]
            if len(found) >= count:
                return found
            await asyncio.sleep(0.02)


RECEIVED = "Mottaget, jag arkiverar"


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
    assert reply.visible_text.startswith(
        f"{RECEIVED} Protokoll.pdf i Alfas mapp i SharePoint som protokoll för mötet"
    )
    minutes = await filed(minutes_bot, meeting_id)
    path = f"Alfa/Protokoll/{day.year}/{day.isoformat()} Alfa protokoll.pdf"
    assert graph.file_at(path).content == PDF
    assert (minutes.size, minutes.file_name, minutes.version) == (len(PDF), "Protokoll.pdf", "1.0")
    # What became of it goes to the sender's chat and to the channel, each once.
    told = await notices(minutes_bot, f"minutes-filed:{meeting_id}:", 2)
    assert sorted((p.target.person is not None, "är sparat" in p.text) for p in told) == [
        (False, True), (True, True)
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

    (_, answer) = await connector.wait_for_activities(2)
    assert answer.visible_text.startswith(RECEIVED)
    assert await filed(minutes_bot, picked) is not None


async def test_a_file_of_a_type_not_allowed_gets_an_answer_and_nothing_is_kept(
    minutes_bot, connector, graph
):
    await add_meeting(minutes_bot, TODAY - timedelta(days=2))

    await minutes_bot.post(file_message(connector, graph, "mote.exe", b"MZ"))

    (reply,) = await connector.wait_for_activities(1)
    assert "Filer av typen .exe tas inte emot som protokoll" in reply.visible_text
    assert graph.paths() == []
    assert not any(r.path.startswith("/download/") for r in graph.requests)


# --- the whole loop: asked in the channel and in personal chat, filed, confirmed, quiet ---


async def scheduler_tick(bot: RunningBot, now: datetime) -> TickReport:
    """One tick of the scheduler (plan, store, deliver) at `now`, as a replica runs it."""
    async with open_services(bot.settings, graph_credential=StaticCredential()) as services:
        adapter = create_adapter(bot.settings)
        try:
            worker = DeliveryWorker(
                outbox=services.outbox,
                channels=services.conversation_store,
                sender=ConnectorSender(adapter),
                worker_id="scheduler",
                clock=lambda: now,
            )
            runner = DeliveryRunner(
                planners=services.planners,
                outbox=services.outbox,
                worker=worker,
                interval=timedelta(minutes=1),
                clock=lambda: now,
            )
            return await runner.tick(now)
        finally:
            await adapter.close()


async def resume_uploads(bot: RunningBot) -> None:
    """The first round of the filing job, as a bot starting up runs it
    (`MinutesFiler.work_forever`): take up every waiting upload, look up the channels'
    folders."""
    async with open_services(bot.settings, graph_credential=StaticCredential()) as services:
        await services.minutes.run_round(ignore_backoff=True)
        await services.minutes.refresh_folders()


async def channel_reachable(bot: RunningBot, connector) -> None:
    """The group's channel as the installation stores it: the bot, the tenant, the
    connector's serviceUrl (the fixture's reference points nowhere)."""
    database = Database(bot.settings.database_url)
    try:
        await ConversationStore(database).save_reference(
            {
                "bot": dict(BOT),
                "conversation": {"id": CHANNEL_ID, "conversationType": "channel",
                                 "isGroup": True, "tenantId": TENANT_ID},
                "channelId": "msteams",
                "serviceUrl": connector.service_url,
            },  # fmt: skip
            tenant_id=TENANT_ID,
            team_id=TEAM_ID,
            channel_id=CHANNEL_ID,
            kind="channel",
        )
    finally:
        await database.close()
    await remember_group_id(bot)


def meeting_end(day: date) -> datetime:
    return datetime.combine(day, time(11), STOCKHOLM)


async def test_asked_in_the_channel_and_personally_filed_confirmed_and_no_more_reminders(
    minutes_bot, connector, graph
):
    day = TODAY - timedelta(days=5)
    meeting_id = await add_meeting(minutes_bot, day)
    await channel_reachable(minutes_bot, connector)
    folder = graph.items[graph.channel_folders[(GROUP_ID, CHANNEL_ID)]]

    # The meeting ends: the card in the channel, and to the secretary in a chat the bot opens.
    await resume_uploads(minutes_bot)  # also looks up the channel's folder for the card
    await scheduler_tick(minutes_bot, meeting_end(day) + timedelta(minutes=1))

    in_channel = [a for a in connector.activities if a.conversation_id == CHANNEL_ID]
    personally = connector.sent_to_person(USER["aadObjectId"])
    assert len(in_channel) == len(personally) == 1
    for card in (in_channel[0], personally[0]):
        assert "Protokoll för mötet" in card.visible_text
        actions = card.attachments[0]["content"]["actions"]
        assert {"type": "Action.OpenUrl", "title": "Öppna mappen",
                "url": f"https://contoso.sharepoint.com/items/{folder.id}"} in actions  # fmt: skip
    assert f"<at>{USER['name']}</at>" in in_channel[0].visible_text
    (opened,) = connector.created_conversations
    assert opened["members"] == [{"id": USER["aadObjectId"]}] and opened["isGroup"] is False
    assert opened["channelData"] == {"tenant": {"id": TENANT_ID}}
    assert opened["bot"]["id"] == BOT["id"]

    # The secretary sends the file in personal chat: filed under the minutes' name.
    before = len(connector.activities)
    await minutes_bot.post(file_message(connector, graph, "Protokoll 12.pdf", PDF))
    reply = (await connector.wait_for_activities(before + 1))[before]
    assert reply.conversation_id == PERSONAL_CONVERSATION_ID
    assert reply.visible_text.startswith(RECEIVED)
    await filed(minutes_bot, meeting_id)
    path = f"Alfa/Protokoll/{day.year}/{day.isoformat()} Alfa protokoll.pdf"
    assert graph.file_at(path).content == PDF

    # The secretary and the channel are told; no reminder comes, on day 3 or day 7.
    await scheduler_tick(minutes_bot, datetime.now(UTC))
    confirmations = connector.activities[before + 1 :]
    assert sorted(a.conversation_id for a in confirmations) == sorted(
        [CHANNEL_ID, PERSONAL_CONVERSATION_ID]
    )
    for confirmation in confirmations:
        assert "är sparat" in confirmation.visible_text
        assert path.rpartition("/")[2] in confirmation.visible_text
    after_filing = len(connector.activities)
    for days in (3, 7):
        report = await scheduler_tick(
            minutes_bot, datetime.combine(day + timedelta(days=days), time(9, 5), STOCKHOLM)
        )
        assert report.enqueued == 0  # nothing new: no reminder was planned
    assert len(connector.activities) == after_filing


async def test_graph_down_keeps_the_file_and_the_sender_hears_in_personal_chat_when_filed(
    minutes_bot, connector, graph
):
    day = TODAY - timedelta(days=2)
    meeting_id = await add_meeting(minutes_bot, day)
    await channel_reachable(minutes_bot, connector)
    graph.fail("GET", "filesFolder", 500, times=4)  # every try of the first attempt

    await minutes_bot.post(file_message(connector, graph, "p.pdf", PDF))

    (received,) = await connector.wait_for_activities(1)
    assert received.conversation_id == PERSONAL_CONVERSATION_ID
    assert received.visible_text.startswith(RECEIVED)
    await notices(minutes_bot, f"minutes-waiting:{meeting_id}:", 2)
    await scheduler_tick(minutes_bot, datetime.now(UTC))
    waiting = connector.activities[1:]
    assert sorted(a.conversation_id for a in waiting) == sorted(
        [CHANNEL_ID, PERSONAL_CONVERSATION_ID]
    )
    for notice in waiting:
        assert "Jag har kvar filen och försöker igen" in notice.visible_text
    assert graph.paths() == []
    assert (await stored(minutes_bot, meeting_id))[0] is None

    # Graph is back; the retry job files it (here: as after a restart, another process).
    await resume_uploads(minutes_bot)
    await scheduler_tick(minutes_bot, datetime.now(UTC))

    path = f"Alfa/Protokoll/{day.year}/{day.isoformat()} Alfa protokoll.pdf"
    assert graph.file_at(path).content == PDF
    later = connector.activities[3:]
    assert sorted(a.conversation_id for a in later) == sorted(
        [CHANNEL_ID, PERSONAL_CONVERSATION_ID]
    )
    assert all("är sparat" in a.visible_text for a in later)
    assert connector.created_conversations == []  # the sender's own chat was known


# --- a file posted in the channel with an @mention ---


def channel_file_post(connector, name: str, link: str) -> dict:
    """A channel post with a file, as Teams sends it: the file as a `reference` to its
    SharePoint link, beside the message's HTML."""
    activity = channel_message(connector.service_url, "protokollet")
    activity["channelData"]["team"]["aadGroupId"] = GROUP_ID
    activity["attachments"] = [
        {"contentType": "text/html", "content": "<p><at>samverkan</at> protokollet</p>"},
        {"contentType": "reference", "contentUrl": link, "name": name},
    ]
    return activity


async def test_a_file_posted_in_the_channel_is_filed_as_a_copy_under_the_minutes_name(
    minutes_bot, connector, graph
):
    day = TODAY - timedelta(days=2)
    meeting_id = await add_meeting(minutes_bot, day)
    folder = graph.items[graph.channel_folders[(GROUP_ID, CHANNEL_ID)]]
    posted = graph.add_file(folder, "Anteckningar mars.pdf", PDF)

    await minutes_bot.post(channel_file_post(connector, posted.name, graph.share(posted)))

    (reply,) = await connector.wait_for_activities(1)
    assert reply.visible_text.startswith(RECEIVED)
    minutes = await filed(minutes_bot, meeting_id)
    assert graph.paths() == [
        "Alfa/Anteckningar mars.pdf",  # the posted file stays where it was
        f"Alfa/Protokoll/{day.year}/{day.isoformat()} Alfa protokoll.pdf",
    ]
    assert minutes.file_name == "Anteckningar mars.pdf"
    # Sent in the channel: the channel hears once, no personal chat.
    (notice,) = await notices(minutes_bot, f"minutes-filed:{meeting_id}:")
    assert notice.target.person is None and "är sparat" in notice.text


async def test_a_posted_file_the_bot_cannot_read_gets_a_clear_answer(
    minutes_bot, connector, graph
):
    meeting_id = await add_meeting(minutes_bot, TODAY - timedelta(days=2))
    link = "https://contoso.sharepoint.com/sites/other/Shared Documents/p.pdf"

    await minutes_bot.post(channel_file_post(connector, "p.pdf", link))

    (reply,) = await connector.wait_for_activities(1)
    assert reply.visible_text.startswith(RECEIVED)
    (notice,) = await notices(minutes_bot, f"minutes-failed:{meeting_id}:")
    assert notice.target.person is None
    assert "Jag kunde inte läsa filen från SharePoint" in notice.text
    assert graph.paths() == [] and (await stored(minutes_bot, meeting_id))[0] is None


async def test_a_secretary_without_the_app_gets_the_asking_card_once_they_install_it(
    minutes_bot, connector
):
    day = TODAY - timedelta(days=1)
    await add_meeting(minutes_bot, day)
    await channel_reachable(minutes_bot, connector)
    connector.not_installed.add(USER["aadObjectId"])

    # The meeting ends: the channel gets the card; the secretary's chat cannot be opened.
    report = await scheduler_tick(minutes_bot, meeting_end(day) + timedelta(minutes=1))
    assert len(report.delivery.undeliverable) == 1
    assert [a.conversation_id for a in connector.activities] == [CHANNEL_ID]
    assert connector.sent_to_person(USER["aadObjectId"]) == []

    # The secretary installs the app for themself: Teams says so in their new chat.
    connector.not_installed.discard(USER["aadObjectId"])
    welcome = bot_added_to_personal_chat(connector.service_url, member=USER)
    await minutes_bot.post(welcome)

    # The next tick sends the waiting card to them, into the chat they just opened.
    await scheduler_tick(minutes_bot, datetime.now(UTC))
    (card,) = [
        a for a in connector.activities
        if a.conversation_id == PERSONAL_CONVERSATION_ID and "Protokoll för mötet" in a.visible_text
    ]  # fmt: skip
    assert card.attachments, "the asking card itself, not only a text"


# --- several meetings without minutes: the file is kept and the card names it by an id ---

SECRET = b"%PDF-1.7 not for the bot"
UNKNOWN_FILE = "Jag har inte kvar den filen"
NOT_THE_SENDER = "Bara den som skickade filen kan välja vilket möte den hör till."


async def two_meetings_missing_minutes(bot: RunningBot) -> tuple[int, int]:
    """The older and the newer of two past meetings of Alfa without minutes."""
    older = await add_meeting(bot, TODAY - timedelta(days=9))
    newer = await add_meeting(bot, TODAY - timedelta(days=2))
    await remember_group_id(bot)
    return older, newer


async def choices_on_card(connector, count: int) -> dict[int, dict]:
    """The picking card's button data by meeting id; the card is the `count`th activity."""
    activity = (await connector.wait_for_activities(count))[count - 1]
    card = next(a["content"] for a in activity.attachments if "content" in a)
    return {action["data"]["meeting_id"]: action["data"] for action in card["actions"]}


async def kept_files(bot: RunningBot) -> list[ReceivedFileRow]:
    database = Database(bot.settings.database_url)
    try:
        async with database.snapshot() as session:
            return list(await session.scalars(select(ReceivedFileRow)))
    finally:
        await database.close()


async def fetched(bot: RunningBot, timeout: float = 10) -> None:
    """Wait until every kept file's bytes are fetched (no longer only behind its link)."""
    async with asyncio.timeout(timeout):
        while any(row.download_url is not None for row in await kept_files(bot)):
            await asyncio.sleep(0.02)


async def test_a_file_waiting_for_its_meeting_is_filed_from_its_link_if_the_fetch_failed(
    minutes_bot, connector, graph
):
    _, newer = await two_meetings_missing_minutes(minutes_bot)
    gate = graph.hold("GET", "/download/")  # the link stalls: nothing is fetched yet

    status, card, seconds = await timed_reply(
        minutes_bot, connector, file_message(connector, graph, "p.pdf", PDF), 1
    )
    assert status == 201 and seconds < REPLY_WITHIN_SECONDS
    choice = (await choices_on_card(connector, 1))[newer]
    await minutes_bot.post(card_submit(connector.service_url, choice, where="personal"))
    answer = (await connector.wait_for_activities(2))[1]
    assert answer.visible_text.startswith(RECEIVED)
    gate.set()

    await filed(minutes_bot, newer)
    day = TODAY - timedelta(days=2)
    assert graph.file_at(alfa_path(day)).content == PDF
    assert await kept_files(minutes_bot) == []


async def test_the_picking_card_names_the_kept_file_by_an_id_and_is_used_once(
    minutes_bot, connector, graph
):
    older, newer = await two_meetings_missing_minutes(minutes_bot)

    await minutes_bot.post(file_message(connector, graph, "p.pdf", PDF))

    choices = await choices_on_card(connector, 1)
    assert set(choices) == {newer, older}
    for data in choices.values():
        # No address and no file name: only the kept file's random id.
        assert set(data) == {"action", "file", "meeting_id", "lang"}
        assert len(data["file"]) >= 40 and data["file"] == choices[newer]["file"]
    await fetched(minutes_bot)  # at once, in the background: the link expires soon
    assert graph.count("GET", "/download/") == 1
    assert graph.paths() == []

    await minutes_bot.post(card_submit(connector.service_url, choices[older], where="personal"))
    answer = (await connector.wait_for_activities(2))[1]
    assert answer.visible_text.startswith(RECEIVED)
    await filed(minutes_bot, older)
    day = TODAY - timedelta(days=9)
    path = f"Alfa/Protokoll/{day.year}/{day.isoformat()} Alfa protokoll.pdf"
    assert graph.file_at(path).content == PDF
    assert graph.count("GET", "/download/") == 1  # filed from what was kept
    assert await kept_files(minutes_bot) == []

    # The same card clicked again (the other meeting): the file is not filed twice.
    await minutes_bot.post(card_submit(connector.service_url, choices[newer], where="personal"))
    again = (await connector.wait_for_activities(3))[2]
    assert UNKNOWN_FILE in again.visible_text
    assert graph.paths() == [path]
    assert (await stored(minutes_bot, newer))[0] is None


async def test_a_forged_pick_naming_an_address_or_an_unknown_file_fetches_nothing(
    minutes_bot, connector, graph
):
    _, newer = await two_meetings_missing_minutes(minutes_bot)
    folder = graph.items[graph.channel_folders[(GROUP_ID, CHANNEL_ID)]]
    elsewhere = graph.add_file(graph.add_folder(folder, "Ekonomi"), "lön.pdf", SECRET)
    # The card as it was before: the address and the flag in the submit's data.
    forged = [
        {"url": graph.add_download(SECRET), "shared": False, "name": "p.pdf"},
        {"url": graph.share(elsewhere), "shared": True, "name": "p.pdf"},
        {"url": f"{connector.service_url}secret", "shared": False, "name": "p.pdf"},
        # An id the bot never gave, a wrong type, one too long; with an address beside.
        {"file": "x" * 43, "url": graph.add_download(SECRET)},
        {"file": 12345},
        {"file": "y" * 5000},
    ]
    graph_requests = len(graph.requests)

    for count, fields in enumerate(forged, start=1):
        value = {"action": "minutes.pick", "meeting_id": newer, "lang": "sv", **fields}
        status, _ = await minutes_bot.post(
            card_submit(connector.service_url, value, where="personal")
        )
        assert status == 201
        reply = (await connector.wait_for_activities(count))[count - 1]
        assert UNKNOWN_FILE in reply.visible_text, fields

    assert graph.requests[graph_requests:] == []  # neither a download nor a share read
    assert connector.requests_to("GET") == []
    assert graph.paths() == ["Alfa/Ekonomi/lön.pdf"]
    assert (await stored(minutes_bot, newer))[0] is None


async def test_only_the_sender_can_pick_the_meeting_of_a_file_posted_in_the_channel(
    minutes_bot, connector, graph
):
    _, newer = await two_meetings_missing_minutes(minutes_bot)
    folder = graph.items[graph.channel_folders[(GROUP_ID, CHANNEL_ID)]]
    posted = graph.add_file(folder, "Anteckningar.pdf", PDF)

    await minutes_bot.post(channel_file_post(connector, posted.name, graph.share(posted)))
    choice = (await choices_on_card(connector, 1))[newer]
    await fetched(minutes_bot)  # read at once, in the background
    assert graph.count("GET", "/shares/") == 1

    # Another member clicks the card in the channel, and tries it in their own chat.
    for where in ("channel", "personal"):
        await minutes_bot.post(
            card_submit(connector.service_url, choice, sender=MEMBER, where=where)
        )
    refusals = (await connector.wait_for_activities(3))[1:]
    assert [r.visible_text for r in refusals] == [NOT_THE_SENDER] * 2
    assert (await stored(minutes_bot, newer))[0] is None
    assert len(await kept_files(minutes_bot)) == 1  # still the secretary's to pick

    # The secretary picks: filed from the copy read when it was posted.
    await minutes_bot.post(card_submit(connector.service_url, choice, where="channel"))
    answer = (await connector.wait_for_activities(4))[3]
    assert answer.visible_text.startswith(RECEIVED)
    await filed(minutes_bot, newer)
    day = TODAY - timedelta(days=2)
    assert graph.file_at(f"Alfa/Protokoll/{day.year}/{day.isoformat()} Alfa protokoll.pdf")
    assert graph.count("GET", "/shares/") == 1
    minutes, _ = await stored(minutes_bot, newer)
    assert (minutes.file_name, minutes.uploaded_by) == ("Anteckningar.pdf", USER["name"])


async def test_a_kept_file_expires_after_a_day_and_housekeeping_deletes_it(
    minutes_bot, connector, graph
):
    _, newer = await two_meetings_missing_minutes(minutes_bot)
    await minutes_bot.post(file_message(connector, graph, "p.pdf", PDF))
    choice = (await choices_on_card(connector, 1))[newer]
    database = Database(minutes_bot.settings.database_url)
    try:  # a day and a minute pass
        async with database.transaction() as session:
            await session.execute(
                update(ReceivedFileRow).values(
                    created_at=datetime.now(UTC) - timedelta(hours=24, minutes=1)
                )
            )
    finally:
        await database.close()

    await minutes_bot.post(card_submit(connector.service_url, choice, where="personal"))

    (_, expired) = await connector.wait_for_activities(2)
    assert UNKNOWN_FILE in expired.visible_text and "mer än ett dygn" in expired.visible_text
    assert graph.paths() == [] and (await stored(minutes_bot, newer))[0] is None
    assert len(await kept_files(minutes_bot)) == 1
    await resume_uploads(minutes_bot)  # opening the services runs the housekeeping
    assert await kept_files(minutes_bot) == []


async def test_a_kept_file_is_picked_only_in_its_own_group(minutes_bot, connector, graph):
    _, newer = await two_meetings_missing_minutes(minutes_bot)
    beta_channel = "19:BetaChannel@thread.tacv2"
    database = Database(minutes_bot.settings.database_url)
    try:
        await ConversationStore(database).set_binding(TEAM_ID, beta_channel, "natet", "beta")
    finally:
        await database.close()
    await minutes_bot.post(file_message(connector, graph, "p.pdf", PDF))
    choice = (await choices_on_card(connector, 1))[newer]

    # The secretary submits the card's data in Beta's channel: Alfa's file stays Alfa's.
    await minutes_bot.post(
        card_submit(connector.service_url, choice, where="channel", channel_id=beta_channel)
    )

    (_, refused) = await connector.wait_for_activities(2)
    assert refused.visible_text == "Välj mötet på kortet i chatten där du skickade filen."
    assert graph.paths() == [] and len(await kept_files(minutes_bot)) == 1


# --- the turn never waits for Graph; the filing runs in the background ---

# Teams gives a bot about 15 s before it retries the request; a file's turn answers in 1.
REPLY_WITHIN_SECONDS = 1.0
CORRECTED = b"%PDF-1.7 protokoll fran motet, rattat"


async def timed_reply(bot: RunningBot, connector, activity: dict, count: int):
    """POST an activity; its status, the `count`th activity the connector has then, and
    the seconds from sending it until both the reply and the HTTP answer were in."""
    started = monotonic()
    status, _ = await bot.post(activity)
    reply = (await connector.wait_for_activities(count))[count - 1]
    return status, reply, monotonic() - started


async def waiting_uploads(bot: RunningBot):
    database = Database(bot.settings.database_url)
    try:
        return await MinutesRepository(database).unfinished()
    finally:
        await database.close()


def alfa_path(day: date) -> str:
    return f"Alfa/Protokoll/{day.year}/{day.isoformat()} Alfa protokoll.pdf"


@pytest.mark.parametrize("stalled", ["/download/", "/filesFolder"], ids=["link", "graph"])
async def test_the_reply_comes_at_once_while_graph_or_the_link_stalls(
    minutes_bot, connector, graph, stalled
):
    day = TODAY - timedelta(days=2)
    meeting_id = await add_meeting(minutes_bot, day)
    await remember_group_id(minutes_bot)
    gate = graph.hold("GET", stalled)

    status, reply, seconds = await timed_reply(
        minutes_bot, connector, file_message(connector, graph, "p.pdf", PDF), 1
    )

    assert status == 201 and reply.visible_text.startswith(RECEIVED)
    assert seconds < REPLY_WITHIN_SECONDS, f"the turn took {seconds:.2f} s"
    await until(lambda: graph.count("GET", stalled) == 1)  # the background job is waiting
    assert graph.paths() == []
    gate.set()
    await filed(minutes_bot, meeting_id)
    assert graph.file_at(alfa_path(day)).content == PDF


async def test_the_reply_comes_at_once_while_graph_is_down_and_the_sender_hears_later(
    tmp_path, connector, graph
):
    # Real pauses between Graph's retries (0.3 + 0.6 + 1.2 s): longer than the turn may take.
    async with serving(minutes_settings(tmp_path, graph, graph_retry_seconds=0.3)) as bot:
        day = TODAY - timedelta(days=2)
        meeting_id = await add_meeting(bot, day)
        await remember_group_id(bot)
        # 500: retried by this bot's Graph edge only (the SDK retries 503 for a minute).
        graph.fail("GET", "filesFolder", 500, times=100)

        status, reply, seconds = await timed_reply(
            bot, connector, file_message(connector, graph, "p.pdf", PDF), 1
        )

        assert status == 201 and reply.visible_text.startswith(RECEIVED)
        assert seconds < REPLY_WITHIN_SECONDS, f"the turn took {seconds:.2f} s"
        told = await notices(bot, f"minutes-waiting:{meeting_id}:", 2)
        assert graph.count("GET", "filesFolder") == 4  # one try: the first and 3 retries
        for notice in told:
            assert notice.text.startswith("Protokollet för Alfa")
            assert "SharePoint svarar inte just nu" in notice.text
        (waiting,) = await waiting_uploads(bot)
        # The next try waits with backoff (30 s doubled per try, half of it jitter).
        assert waiting.attempts == 1
        pause = waiting.next_attempt_at - datetime.now(UTC)
        assert timedelta(seconds=10) < pause <= timedelta(seconds=30)


async def test_a_restart_takes_up_a_file_that_failed_a_moment_ago(tmp_path, connector, graph):
    settings = minutes_settings(tmp_path, graph)
    day = TODAY - timedelta(days=2)
    async with serving(settings) as bot:
        meeting_id = await add_meeting(bot, day)
        await remember_group_id(bot)
        graph.fail("GET", "filesFolder", 500, times=4)
        await bot.post(file_message(connector, graph, "p.pdf", PDF))
        await notices(bot, f"minutes-waiting:{meeting_id}:", 2)
        (waiting,) = await waiting_uploads(bot)
        assert waiting.next_attempt_at > datetime.now(UTC) + timedelta(seconds=10)

    # Graph is back and the bot restarts: the file goes in at start, not after the pause.
    async with serving(settings) as restarted:
        minutes = await filed(restarted, meeting_id)
        await notices(restarted, f"minutes-filed:{meeting_id}:", 2)

    assert minutes.uploaded_at < waiting.next_attempt_at and minutes.file_name == "p.pdf"
    assert graph.file_at(alfa_path(day)).content == PDF


async def test_a_corrected_file_replaces_the_one_still_waiting(minutes_bot, connector, graph):
    day = TODAY - timedelta(days=2)
    meeting_id = await add_meeting(minutes_bot, day)
    await remember_group_id(minutes_bot)
    graph.fail("GET", "filesFolder", 500, times=4)  # down for the first file's try
    await minutes_bot.post(file_message(connector, graph, "p.pdf", PDF))
    await notices(minutes_bot, f"minutes-waiting:{meeting_id}:", 2)

    await minutes_bot.post(file_message(connector, graph, "p rättad.pdf", CORRECTED))

    (_, reply) = await connector.wait_for_activities(2)
    assert reply.visible_text.startswith(f"{RECEIVED} p rättad.pdf i Alfas mapp")
    assert "Filen ersätter p.pdf, som inte hann arkiveras." in reply.visible_text
    minutes = await filed(minutes_bot, meeting_id)
    await notices(minutes_bot, f"minutes-filed:{meeting_id}:", 2)
    await asyncio.sleep(0.3)  # time enough for a second upload, were one to come

    assert graph.paths() == [alfa_path(day)]  # one file: no "(2)"
    assert graph.file_at(alfa_path(day)).versions == [CORRECTED]
    assert (minutes.file_name, minutes.size) == ("p rättad.pdf", len(CORRECTED))
    assert len(await notices(minutes_bot, f"minutes-filed:{meeting_id}:", 2)) == 2
    assert await waiting_uploads(minutes_bot) == []


def card_of(activity) -> dict:
    return next(a["content"] for a in activity.attachments if "content" in a)


async def test_a_file_for_filed_minutes_replaces_them_as_a_new_version_once_confirmed(
    minutes_bot, connector, graph
):
    day = TODAY - timedelta(days=2)
    meeting_id = await add_meeting(minutes_bot, day)
    await remember_group_id(minutes_bot)
    await minutes_bot.post(file_message(connector, graph, "p.pdf", PDF))
    assert (await filed(minutes_bot, meeting_id)).version == "1.0"

    status, question, seconds = await timed_reply(
        minutes_bot, connector, file_message(connector, graph, "p rättad.pdf", CORRECTED), 2
    )

    assert status == 201 and seconds < REPLY_WITHIN_SECONDS
    card = card_of(question)
    assert card["body"][0]["text"] == (
        "Ersätta det arkiverade protokollet? SharePoint sparar den gamla versionen"
    )
    assert "är redan arkiverat" in card["body"][1]["text"]
    answers = {action["title"]: action["data"] for action in card["actions"]}
    assert set(answers) == {"Ersätt", "Behåll det arkiverade"}
    assert set(answers["Ersätt"]) == {"action", "upload", "replace", "lang"}  # no address

    # Someone else cannot answer for the sender.
    await minutes_bot.post(card_submit(connector.service_url, answers["Ersätt"], sender=MEMBER,
                                       where="personal"))  # fmt: skip
    refused = (await connector.wait_for_activities(3))[2]
    assert refused.visible_text == (
        "Bara den som skickade filen kan välja om den ska ersätta protokollet."
    )

    await minutes_bot.post(card_submit(connector.service_url, answers["Ersätt"], where="personal"))

    confirmed = (await connector.wait_for_activities(4))[3]
    assert confirmed.visible_text.startswith(
        "Mottaget, jag arkiverar p rättad.pdf som en ny version"
    )
    (notice,) = [n for n in await notices(minutes_bot, f"minutes-filed:{meeting_id}:", 4)
                 if n.target.person is None and "version 2.0" in n.text]  # fmt: skip
    assert "SharePoint sparar de tidigare versionerna" in notice.text
    minutes = await filed(minutes_bot, meeting_id)
    assert (minutes.version, minutes.file_name, minutes.size) == (
        "2.0", "p rättad.pdf", len(CORRECTED)
    )
    assert graph.paths() == [alfa_path(day)]  # the same file: never a "(2)" copy
    assert graph.file_at(alfa_path(day)).versions == [PDF, CORRECTED]

    # The card clicked again: nothing more happens.
    await minutes_bot.post(card_submit(connector.service_url, answers["Ersätt"], where="personal"))
    again = (await connector.wait_for_activities(5))[4]
    assert again.visible_text.startswith("Jag har inte kvar den filen")


async def test_keeping_the_filed_minutes_drops_the_new_file(minutes_bot, connector, graph):
    day = TODAY - timedelta(days=2)
    meeting_id = await add_meeting(minutes_bot, day)
    await remember_group_id(minutes_bot)
    await minutes_bot.post(file_message(connector, graph, "p.pdf", PDF))
    await filed(minutes_bot, meeting_id)
    await minutes_bot.post(file_message(connector, graph, "annan.pdf", CORRECTED))
    question = (await connector.wait_for_activities(2))[1]
    keep = next(a["data"] for a in card_of(question)["actions"] if a["data"]["replace"] is False)

    await minutes_bot.post(card_submit(connector.service_url, keep, where="personal"))

    kept = (await connector.wait_for_activities(3))[2]
    assert kept.visible_text == (
        "Okej, det arkiverade protokollet får vara kvar; annan.pdf sparas inte."
    )
    assert await waiting_uploads(minutes_bot) == []
    assert graph.file_at(alfa_path(day)).versions == [PDF]
    assert (await filed(minutes_bot, meeting_id)).version == "1.0"


@pytest.mark.postgres
async def test_two_replicas_upload_one_waiting_file_once(
    tmp_path, connector, graph, empty_postgres_url
):
    settings = minutes_settings(tmp_path, graph, database_url=empty_postgres_url)
    day = TODAY - timedelta(days=2)
    # A file waits: received by a replica while Graph was down.
    async with serving(settings) as first:
        meeting_id = await add_meeting(first, day)
        await remember_group_id(first)
        graph.fail("GET", "filesFolder", 500, times=4)
        await first.post(file_message(connector, graph, "p.pdf", PDF))
        await notices(first, f"minutes-waiting:{meeting_id}:", 2)

    # Two replicas start together on the database; the upload is slow, so both would be
    # at it: each one's start-up round takes up every waiting file.
    uploading = graph.hold("PUT", "/content")
    async with contextlib.AsyncExitStack() as replicas:
        one, other = await asyncio.gather(
            replicas.enter_async_context(serving(settings)),
            replicas.enter_async_context(serving(settings)),
        )
        await until(lambda: graph.count("PUT", "/content") == 1)
        await asyncio.sleep(0.5)  # time for the other one to upload too, were it to
        uploading.set()
        await filed(one, meeting_id)
        await notices(other, f"minutes-filed:{meeting_id}:", 2)
        await asyncio.sleep(0.3)

    assert graph.count("PUT", "/content") == 1
    assert graph.paths() == [alfa_path(day)]
    assert len(await notices(one, f"minutes-filed:{meeting_id}:", 2)) == 2


async def test_an_english_sender_hears_in_english_and_the_notices_go_out_at_once(
    tmp_path, connector, graph
):
    # The scheduler ticks hourly: only the filer's nudge can send the notices soon.
    settings = minutes_settings(tmp_path, graph, scheduler_interval_seconds=3600)
    async with serving(settings) as bot:
        day = TODAY - timedelta(days=2)
        meeting_id = await add_meeting(bot, day)
        await channel_reachable(bot, connector)
        activity = file_message(connector, graph, "minutes.pdf", PDF)
        activity["text"], activity["locale"] = "Here are the minutes", "en-US"

        await bot.post(activity)

        (received,) = await connector.wait_for_activities(1)
        assert received.visible_text.startswith(
            "Received, I'm filing minutes.pdf in Alpha's folder in SharePoint as the minutes of "
            "the meeting on"
        )
        await filed(bot, meeting_id)
        told = (await connector.wait_for_activities(3))[1:]
        assert sorted(a.conversation_id for a in told) == sorted(
            [CHANNEL_ID, PERSONAL_CONVERSATION_ID]
        )
        for notice in told:
            assert notice.visible_text.startswith("The minutes of Alpha on")
            assert "are filed" in notice.visible_text
