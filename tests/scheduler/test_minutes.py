"""Minutes: refusing bad files, filing good ones in SharePoint, chasing missing ones."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import timedelta

import pytest

from bot.graph import CHUNK_UNIT
from domain.minutes import MinutesRules, Refusal, RejectedFile, check_file
from domain.posts import Recipient, Target
from services.minutes import (
    MinutesChaser,
    UploadRetry,
    minutes_status,
    personal_reach,
)
from storage.conversations import ConversationStore
from storage.meetings import MeetingRepository
from storage.minutes import MinutesRepository
from storage.outbox import Outbox
from tests.bot.test_observability import LogBuffer, fields, log_buffer  # noqa: F401
from tests.graph_fake import GraphFake
from tests.scheduler.minutes_fixtures import (
    CHAIR,
    CHANNEL,
    MEETING_END,
    NETWORK,
    SECRETARY,
    TEAM,
    WITH_BETA,
    StaticRegistry,
    add_meeting,
    filer,
    graph_files,
)
from texts.minutes import refusal

PDF = b"%PDF-1.7\n minutes of the meeting"
# The day-3 reminder of the Thursday meeting: Sunday 15 March moves to Monday the 16th.
DAY_3 = MEETING_END + timedelta(days=4)
FOLDER = "General/Protokoll/2026"


@pytest.fixture
async def graph() -> AsyncIterator[GraphFake]:
    async with GraphFake() as fake:
        fake.add_channel(TEAM, CHANNEL)
        yield fake


@pytest.mark.parametrize(
    ("name", "content", "says"),
    [
        ("p.pdf", PDF * 100, "Filen är för stor"),
        ("virus.exe", b"MZ", "Filer av typen .exe tas inte emot"),
        ("protokoll", PDF, "saknar filändelse"),
        ("p.pdf", b"", "Filen är tom"),
        ("p.pdf", b"PK\x03\x04 a zip", "går inte att läsa som .pdf"),
        ("../../etc/p.pdf", PDF, "innehåller en sökväg"),
        ("C:\\temp\\p.pdf", PDF, "innehåller en sökväg"),
        ('mötet "mars"?.pdf', PDF, 'tecken som SharePoint inte tillåter (" ?)'),
        ("CON.pdf", PDF, "är reserverat"),
    ],
)
def test_a_bad_file_gets_a_clear_answer(name, content, says):
    with pytest.raises(RejectedFile) as refused:
        check_file(name, content, rules_with(max_bytes=1000))
    assert says in refusal(refused.value, "sv")


def test_every_refusal_has_its_sentence_in_both_languages():
    # A new reason in the domain without a sentence would reach the sender as a KeyError.
    values = {"allowed": "pdf", "ext": "exe", "size": "60", "limit": "50", "name": "a*b.pdf",
              "chars": "*"}  # fmt: skip
    for reason in Refusal:
        rejected = RejectedFile(reason, **values)
        swedish, english = refusal(rejected, "sv"), refusal(rejected, "en")
        assert swedish and english and swedish != english
        assert "{" not in swedish + english


def rules_with(**values):
    return MinutesRules(**values)


def test_an_allowed_file_is_accepted_case_blind():
    assert check_file("Protokoll 12 mars.PDF", PDF, rules_with()) == "pdf"


async def test_minutes_are_filed_under_protokoll_year_and_recorded(database, graph):
    meeting = await add_meeting(database)
    files = graph_files(graph)

    outcome = await filer(database, files).receive(
        meeting, "prot.pdf", PDF, by="Sam", language="sv"
    )

    assert graph.paths() == [f"{FOLDER}/2026-03-12 Alfa protokoll.pdf"]
    assert "Protokollet för Alfa" in outcome.message and "https://" in outcome.message
    recorded = (await MinutesRepository(database).minutes([meeting.id]))[meeting.id]
    assert (recorded.size, recorded.file_name, recorded.uploaded_by) == (
        len(PDF),
        "prot.pdf",
        "Sam",
    )
    assert recorded.path == "Protokoll/2026/2026-03-12 Alfa protokoll.pdf"
    assert await MinutesRepository(database).unfinished() == []
    await files.close()


async def test_a_file_already_there_is_kept_and_the_minutes_get_a_new_name(database, graph):
    meeting = await add_meeting(database)
    year = graph.add_folder(graph.add_folder(graph.file_at("General"), "Protokoll"), "2026")
    graph.add_file(year, "2026-03-12 Alfa protokoll.pdf", b"an earlier version")
    files = graph_files(graph)

    outcome = await filer(database, files).receive(meeting, "p.pdf", PDF, by="Sam", language="en")

    assert graph.file_at(f"{FOLDER}/2026-03-12 Alfa protokoll.pdf").content == b"an earlier version"
    assert graph.file_at(f"{FOLDER}/2026-03-12 Alfa protokoll (2).pdf").content == PDF
    assert outcome.renamed and "was kept" in outcome.message
    await files.close()


async def test_a_large_upload_cut_off_is_kept_and_resumed_where_it_stopped(database, graph):
    meeting = await add_meeting(database)
    content = b"%PDF-" + bytes(CHUNK_UNIT * 2 + 100)
    # The first chunk goes through; then Graph stops answering and the upload gives up.
    graph.fail("PUT", "/upload/", 503, times=10, after=1)
    files = graph_files(graph)
    outcome = await filer(database, files).receive(meeting, "p.pdf", content, by="S", language="sv")

    assert outcome.minutes is None and "försöker igen" in outcome.message
    (kept,) = await MinutesRepository(database).unfinished()
    assert kept.next_offset == CHUNK_UNIT and kept.upload_url
    graph.faults.clear()

    # After a restart: a new filer takes up the kept file at once, however recently it
    # failed, finishes it and tells the channel (which heard it was waiting).
    restarted = filer(database, files)
    (resumed,) = await restarted.run_round(ignore_backoff=True)

    assert resumed.minutes is not None
    assert [(e.post.key, e.post.target.channel) for e in await posts(database)] == [
        (f"minutes-waiting:{meeting.id}:{kept.key}", "alfa"),
        (f"minutes-filed:{meeting.id}:{kept.key}", "alfa"),
    ]
    assert graph.file_at(f"{FOLDER}/2026-03-12 Alfa protokoll.pdf").content == content
    assert graph.count("POST", "createUploadSession") == 1  # the same session went on
    await files.close()


async def test_a_missing_permission_keeps_the_file_and_tells_the_admins_once(database, graph):
    meeting = await add_meeting(database)
    graph.fail("GET", "/filesFolder", 403, code="accessDenied", times=2)
    files = graph_files(graph)
    service = filer(database, files)

    first = await service.receive(meeting, "p.pdf", PDF, by="Sam", language="sv")
    second = await service.receive(meeting, "p2.pdf", PDF, by="Sam", language="sv")
    await filer(database, files).announce(first)  # another replica

    assert "saknar behörighet" in first.message
    assert "Files.ReadWrite.All" in (first.admin_message or "")
    assert second.admin_message is None
    (alert,) = [e for e in await posts(database) if e.post.target.channel == "general"]
    assert "Files.ReadWrite.All" in alert.post.text
    # One file per meeting: the second replaced the first, which was still waiting.
    (waiting,) = await MinutesRepository(database).unfinished()
    assert waiting.file_name == "p2.pdf"
    await files.close()


async def test_without_graph_credentials_the_sender_hears_why(database):
    meeting = await add_meeting(database)

    outcome = await filer(database, None).receive(meeting, "p.pdf", PDF, by="S", language="en")

    assert "no Microsoft Graph sign-in" in outcome.message
    assert len(await MinutesRepository(database).unfinished()) == 1


async def posts(database):
    return await Outbox(database).overview("natet", MEETING_END - timedelta(days=1))


def chaser(database) -> MinutesChaser:
    return MinutesChaser(StaticRegistry(), MeetingRepository(database), MinutesRepository(database))


async def test_the_bot_asks_when_the_meeting_ends_then_chases_secretary_and_chair(database):
    await add_meeting(database)
    planner = chaser(database)

    asks = await planner.planned_posts(MEETING_END)
    assert [(p.key, p.target.person) for p in asks] == [
        ("minutes-ask:natet:alfa:2026-03-12T09:00", None),
        (f"minutes-ask:natet:alfa:2026-03-12T09:00:to:{SECRETARY.entra_object_id}",
         Recipient(SECRETARY.name, SECRETARY.entra_object_id)),
    ]  # fmt: skip
    channel, personal = asks
    assert channel.card["body"][0]["text"] == "Protokoll för mötet 12 mars"
    assert [m.name for m in channel.mentions] == [SECRETARY.name]
    assert personal.card["body"][0]["text"] == "Protokoll för mötet 12 mars"
    assert personal.mentions == () and "<at>" not in str(personal.card)
    assert "här i chatten" in personal.text

    # Day 3 (a Sunday, so Monday, day 4): the secretary personally, the channel left alone.
    day3 = reminders(await planner.planned_posts(DAY_3))
    assert [(p.key, p.target.person and p.target.person.name) for p in day3] == [
        (f"minutes-reminder:natet:alfa:2026-03-12T09:00:3d:to:{SECRETARY.entra_object_id}",
         SECRETARY.name),
    ]  # fmt: skip
    assert "4 dagar sedan mötet" in day3[0].text

    # Day 7: the channel with secretary and chair mentioned, and each of them personally.
    day7 = [p for p in reminders(await planner.planned_posts(MEETING_END + timedelta(days=7)))
            if p.key.split(":to:")[0].endswith(":7d")]  # fmt: skip
    assert [(p.target.person.name if p.target.person else "channel") for p in day7] == [
        "channel", SECRETARY.name, CHAIR.name,
    ]  # fmt: skip
    assert [m.name for m in day7[0].mentions] == [SECRETARY.name, CHAIR.name]
    # Planned again, the same keys: the outbox stores each post once.
    again = reminders(await planner.planned_posts(MEETING_END + timedelta(days=7)))
    assert [p.key for p in again] == [
        p.key for p in reminders(await planner.planned_posts(MEETING_END + timedelta(days=7)))
    ]


async def test_a_secretary_without_an_entra_id_is_asked_in_the_channel_only(database):
    await add_meeting(database, group="beta")  # Beta's secretary is not in Entra ID
    planner = MinutesChaser(
        StaticRegistry(WITH_BETA), MeetingRepository(database), MinutesRepository(database)
    )
    asks = await planner.planned_posts(MEETING_END)
    day3 = reminders(await planner.planned_posts(DAY_3))

    assert [p.target for p in asks] == [Target("natet", "beta")]
    assert "Nils Utan" in asks[0].text
    # Nobody to remind personally: the channel hears the first reminder.
    assert [p.target for p in day3] == [Target("natet", "beta")]
    today = MEETING_END.date()
    assert not personal_reach(WITH_BETA, "beta", MinutesRules(), today)
    assert personal_reach(WITH_BETA, "alfa", MinutesRules(), today)


async def test_the_asking_card_links_to_the_channel_folder_once_it_is_known(database, graph):
    await add_meeting(database)
    store = ConversationStore(database)
    await store.set_binding(TEAM, CHANNEL, "natet", "alfa")
    before = await chaser(database).planned_posts(MEETING_END)
    assert all(a["type"] != "Action.OpenUrl" for a in before[0].card["actions"])

    files = graph_files(graph)
    looked_up = await filer(database, files).refresh_folders()
    after = await chaser(database).planned_posts(MEETING_END)
    await files.close()

    assert looked_up == 1  # Alfa and Beta share the test channel here
    folder = graph.items[graph.channel_folders[(TEAM, CHANNEL)]]
    for planned in after:
        (link,) = [a for a in planned.card["actions"] if a["type"] == "Action.OpenUrl"]
        assert (link["title"], link["url"]) == (
            "Öppna mappen", f"https://contoso.sharepoint.com/items/{folder.id}"
        )
    # Fresh: the next round asks Graph nothing.
    files = graph_files(graph)
    assert await filer(database, files).refresh_folders() == 0
    await files.close()


async def test_a_folder_graph_refuses_is_logged_without_graphs_message(
    database, graph, log_buffer: LogBuffer
):
    await add_meeting(database)
    await ConversationStore(database).set_binding(TEAM, CHANNEL, "natet", "alfa")
    # Graph's messages may quote a file, folder or person: here a person's name.
    marker = "Zebrafink-Markor-8842"
    graph.fail("GET", "filesFolder", 404, code="itemNotFound", times=2,  # Alfa and Beta
               message=f"The folder 'Protokoll {marker}' was not found")  # fmt: skip

    files = graph_files(graph)
    looked_up = await filer(database, files).refresh_folders()
    await files.close()

    assert looked_up == 0
    logged = log_buffer.lines("files folder not found")
    assert [(fields(x)["error"], fields(x)["status"], fields(x)["code"]) for x in logged] == [
        ("GraphError", "404", "itemNotFound")
    ] * 2
    assert marker not in log_buffer.text


async def test_a_file_waiting_for_sharepoint_stops_the_reminders(database, graph):
    meeting = await add_meeting(database)
    graph.fail("GET", "filesFolder", 500, times=2)  # more than the tries: Graph is down
    files = graph_files(graph)
    outcome = await filer(database, files).receive(meeting, "p.pdf", PDF, by="Sam", language="sv")
    await files.close()
    assert outcome.minutes is None and "försöker igen" in outcome.message

    assert reminders(await chaser(database).planned_posts(DAY_3)) == []


def reminders(posts):
    return [p for p in posts if p.key.startswith("minutes-reminder:")]


async def test_filed_minutes_stop_the_chasing_and_show_in_the_status(database, graph):
    meeting = await add_meeting(database)
    await add_meeting(database, group="beta")
    files = graph_files(graph)
    await filer(database, files).receive(meeting, "p.pdf", PDF, by="Sam", language="sv")

    later = DAY_3
    posts = await chaser(database).planned_posts(later)
    status = await minutes_status(
        NETWORK, MeetingRepository(database), MinutesRepository(database), later, days=30
    )

    assert {p.target.channel for p in posts} == {"beta"}
    assert [(g.group_key, [m.state for m in g.meetings]) for g in status] == [
        ("alfa", ["filed"]),
        ("beta", ["missing"]),
    ]
    await files.close()


def test_the_pause_between_upload_tries_doubles_up_to_the_cap_with_jitter():
    retry = UploadRetry(base=timedelta(seconds=30), cap=timedelta(minutes=15))

    lowest = [retry.pause(n, random=lambda: 0.0) for n in (1, 2, 3, 6, 20)]
    highest = [retry.pause(n, random=lambda: 1.0) for n in (1, 2, 3, 6, 20)]

    assert [p.total_seconds() for p in highest] == [30, 60, 120, 900, 900]
    assert [p.total_seconds() for p in lowest] == [15, 30, 60, 450, 450]
    # Graph's Retry-After is waited at least.
    assert retry.pause(1, retry_after=120, random=lambda: 0.5) == timedelta(seconds=120)
