"""Reminders that tell the truth, on the shipped networks, through the runner, on a fixed
clock: the countdown a post states is true on the day it is sent, one post per deadline
and channel when several of its reminders are due at once, no reminder lost to a weekend,
a post on every deadline's day, and minutes chases off the weekend.

Each test is one of the defects seen when the bot ran under a shifted clock against a
loopback Teams (Best Service and the e-council installed).
"""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import datetime, timedelta
from pathlib import Path

import pytest

from dialogs.conversation import CommandRequest
from dialogs.posts import PostsOverview
from domain.meetings import MeetingDraft
from domain.minutes import MinutesRules
from domain.recurrence import STOCKHOLM
from domain.turns import Turn
from services.minutes import MinutesChaser
from services.planning import MeetingPlanner
from storage.conversations import ConversationStore
from storage.database import Database
from storage.meetings import MeetingRepository
from storage.minutes import MinutesRepository
from storage.outbox import Outbox
from storage.registry_files import load_directory
from storage.registry_repository import RegistryRepository
from tests.scheduler.minutes_fixtures import (
    MEETING_END,
    NETWORK,
    SECRETARY,
    StaticRegistry,
    add_meeting,
)
from tests.scheduler.planned import (
    LOGISTIK,
    MALTIDER,
    TENANT,
    FixedClock,
    bind_team,
    channel_reference,
    delivery_runner,
)

SHIPPED = Path(__file__).resolve().parents[2] / "data" / "networks"
ERAD_TEAM = "19:erad-general@thread.tacv2"
ERADET = "19:eradet@thread.tacv2"

AKTIVITETSPLAN = "Aktivitetsplan för kommande år klar"
BUDGET = "Budget för kommande år inför årsmötet i november"
REVISED = "Uppdragshandlingen reviderad inför nytt år"


def stockholm(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=STOCKHOLM)


async def shipped_planner(database: Database) -> MeetingPlanner:
    registry = RegistryRepository(database)
    await registry.replace_networks(load_directory(SHIPPED).networks)
    return MeetingPlanner(registry, MeetingRepository(database))


async def bind_eradet(database: Database, service_url: str) -> None:
    """The e-council's team installed, its council channel bound to the group `eradet`."""
    store = ConversationStore(database)
    for conversation_id in (ERAD_TEAM, ERADET):
        await store.save_reference(
            channel_reference(service_url, conversation_id),
            tenant_id=TENANT,
            team_id=ERAD_TEAM,
            channel_id=conversation_id,
            kind="channel",
        )
    await store.set_binding(ERAD_TEAM, None, "erad", None)
    await store.set_binding(ERAD_TEAM, ERADET, "erad", "eradet")


def posted(connector, conversation_id: str) -> list[str]:
    """The posts a channel got, as their notification reads (the post's text)."""
    return [
        a.activity.get("summary") or a.text or ""
        for a in connector.activities
        if a.conversation_id == conversation_id
    ]


def cards_sent(connector, conversation_id: str) -> list[str]:
    """The cards a channel got, as JSON text (facts and text blocks alike)."""
    return [
        json.dumps(a.attachments, ensure_ascii=False)
        for a in connector.activities
        if a.conversation_id == conversation_id
    ]


async def overview_text(database: Database, planner: MeetingPlanner, clock: FixedClock) -> str:
    registry = await RegistryRepository(database).load()
    network = registry.network("bestservice")
    (reply,) = await PostsOverview(Outbox(database), [planner], clock).handle(
        CommandRequest(
            turn=Turn(text="utskick"),
            argument="",
            language="sv",
            network=network,
            registry=registry,
            today=clock().date(),
        )
    )
    return reply.text


async def test_a_reminder_moved_back_over_a_weekend_is_posted_on_the_friday_at_nine(
    database, connector, sender
):
    # The e-council's 30-day reminder before Tuesday 1 December 2026: its day, Sunday
    # 1 November, moves to Friday 30 October. The bot has been running since Thursday.
    clock = FixedClock(stockholm("2026-10-29T12:00"))
    await bind_eradet(database, connector.service_url)
    runner = delivery_runner(database, sender, clock, [await shipped_planner(database)])
    await runner.tick(clock())
    clock.now = stockholm("2026-10-30T08:59")
    await runner.tick(clock())
    assert posted(connector, ERADET) == []

    clock.now = stockholm("2026-10-30T09:00")
    report = await runner.tick(clock())

    key = "wheel:erad:revidera_uppdragshandling:2026-12-01:30d:eradet"
    assert key in report.delivery.sent and key not in report.delivery.late
    (text,) = posted(connector, ERADET)
    assert text.startswith(f"Årshjulet: {REVISED} – senast tisdag 1 december 2026 (om 32 dagar).")
    entry = await Outbox(database).get(key)
    assert entry is not None and (entry.status, entry.sent_at) == ("sent", clock())


async def test_a_first_start_on_a_deadline_day_posts_once_today_without_a_false_countdown(
    database, connector, sender
):
    # Activity plan (Saturday 31 October) and budget (Sunday 1 November) both fall on
    # Friday 30 October 2026; their 7-day reminders were due on the 23rd.
    clock = FixedClock(stockholm("2026-10-30T08:59:30"))
    await bind_team(database, connector.service_url)
    planner = await shipped_planner(database)
    runner = delivery_runner(database, sender, clock, [planner])

    await runner.tick(clock())
    assert posted(connector, LOGISTIK) == []  # nothing before nine, nothing out of date
    clock.now = stockholm("2026-10-30T09:00")
    await runner.tick(clock())
    clock.advance(minutes=1)
    await runner.tick(clock())

    for channel in (LOGISTIK, MALTIDER):
        texts = posted(connector, channel)
        titles = [t.split(" – ")[0] for t in texts]
        assert len(titles) == len(set(titles))  # one post per deadline
        due_today = [t for t in texts if AKTIVITETSPLAN in t or BUDGET in t]
        assert len(due_today) == 2
        assert all("senast fredag 30 oktober 2026 (i dag)." in t for t in due_today)
        assert not any("dagar" in t.split("Ansvarig")[0] for t in due_today)
        assert not any("Skickas sent" in t for t in texts)
    superseded = await Outbox(database).get("wheel:bestservice:budget:2026-11-01:7d:logistik")
    assert superseded is not None and superseded.status == "superseded"
    overview = await overview_text(database, planner, clock)
    assert (
        "**Ersatta av en nyare påminnelse (skickades inte)**\n"
        f"- fre 23 oktober 09:00 · Logistik · Årshjulet: {AKTIVITETSPLAN} – senast fredag"
    ) in overview


async def test_after_downtime_over_several_lead_days_one_post_says_the_days_left_when_sent(
    database, connector, sender
):
    # The budget's day, Sunday 1 November 2026, moves to Friday 30 October: its 30-day
    # reminder is due on 30 September, its 7-day one on 23 October. Down from 29
    # September to Wednesday 28 October, both came due meanwhile.
    clock = FixedClock(stockholm("2026-09-29T12:00"))
    await bind_team(database, connector.service_url)
    planner = await shipped_planner(database)
    runner = delivery_runner(database, sender, clock, [planner])
    await runner.tick(clock())
    clock.now = stockholm("2026-10-28T10:00")

    await runner.tick(clock())

    budget = [t for t in posted(connector, LOGISTIK) if BUDGET in t]
    assert budget == [
        f"Årshjulet: {BUDGET} – senast fredag 30 oktober 2026 (om 2 dagar). "
        "Ansvarig: Ekonomiansvarig.\n\n"
        "_Skickas sent: det skulle ha kommit fre 23 oktober 09:00._"
    ]
    outbox = Outbox(database)
    older = await outbox.get("wheel:bestservice:budget:2026-11-01:30d:logistik")
    newer = await outbox.get("wheel:bestservice:budget:2026-11-01:7d:logistik")
    assert older is not None and older.status == "superseded"
    assert newer is not None and newer.status == "late-sent"
    assert older.post.superseded_by == newer.key
    # The card says the same as the text: the count of the day it was sent.
    (card,) = [c for c in cards_sent(connector, LOGISTIK) if BUDGET in c]
    assert "fredag 30 oktober 2026 (om 2 dagar)" in card and "om 7 dagar" not in card
    overview = await overview_text(database, planner, clock)
    assert "Ersatta av en nyare påminnelse (skickades inte)" in overview
    assert "Skickade sent" in overview


async def test_a_countdown_is_counted_on_the_day_the_post_goes_out_not_when_it_was_planned(
    database, connector, sender
):
    # Planned and stored on Friday 23 October while no channel was bound; the bot is
    # added to the team on Tuesday the 27th and the post goes out then.
    clock = FixedClock(stockholm("2026-10-23T09:00"))
    planner = await shipped_planner(database)
    runner = delivery_runner(database, sender, clock, [planner])
    await runner.tick(clock())
    key = "wheel:bestservice:aktivitetsplan:2026-10-31:7d:logistik"
    stored = await Outbox(database).get(key)
    assert stored is not None and stored.status == "undeliverable"
    assert "(om 7 dagar)" in stored.post.text

    clock.now = stockholm("2026-10-27T11:00")
    await bind_team(database, connector.service_url)
    await Outbox(database).requeue_undeliverable("bestservice", clock())
    await runner.tick(clock())

    (text,) = [t for t in posted(connector, LOGISTIK) if AKTIVITETSPLAN in t]
    assert "senast fredag 30 oktober 2026 (om 3 dagar)." in text
    assert "om 7 dagar" not in text
    (card,) = [c for c in cards_sent(connector, LOGISTIK) if AKTIVITETSPLAN in c]
    assert "fredag 30 oktober 2026 (om 3 dagar)" in card
    assert "om 7 dagar" not in card


async def test_a_deadline_whose_lead_days_have_no_zero_still_gets_a_post_on_its_day(database):
    # Rooms booked: lead days 60, 30 and 7; 31 December is New Year's Eve, so the 30th.
    planner = await shipped_planner(database)

    posts = {p.key: p for p in await planner.planned_posts(stockholm("2026-12-30T09:00"))}

    day_of = posts["wheel:bestservice:lokalbokning:2026-12-31:0d:logistik"]
    assert day_of.due_at == stockholm("2026-12-30T09:00")
    assert "senast onsdag 30 december 2026 (i dag)." in day_of.text
    week_before = posts["wheel:bestservice:lokalbokning:2026-12-31:7d:logistik"]
    assert week_before.superseded_by == day_of.key
    assert week_before.stale_after == stockholm("2026-12-30T00:00")


async def test_a_rule_that_opts_out_of_the_day_of_post_gets_none(database):
    registry = RegistryRepository(database)
    shipped = load_directory(SHIPPED).networks
    bestservice = next(n for n in shipped if n.key == "bestservice")
    quiet = replace(
        bestservice,
        wheel=tuple(
            replace(rule, on_the_day=False) if rule.key == "lokalbokning" else rule
            for rule in bestservice.wheel
        ),
    )
    await registry.replace_networks([quiet])
    planner = MeetingPlanner(registry, MeetingRepository(database))

    keys = {p.key for p in await planner.planned_posts(stockholm("2026-12-30T09:00"))}

    assert "wheel:bestservice:lokalbokning:2026-12-31:7d:logistik" in keys
    assert not any(k.startswith("wheel:bestservice:lokalbokning:2026-12-31:0d") for k in keys)


@pytest.mark.parametrize(
    ("shift", "due", "since"),
    [
        ("previous_working_day", "2026-03-13T09:00", "2 dagar sedan mötet"),
        ("next_working_day", "2026-03-16T09:00", "5 dagar sedan mötet"),
    ],
)
async def test_a_chase_falling_on_a_saturday_moves_to_friday_or_monday_as_the_rule_says(
    database, shift, due, since
):
    # A Wednesday meeting (11 March 2026): its day-3 chase falls on Saturday the 14th.
    await MeetingRepository(database).add(
        MeetingDraft(
            "natet", "alfa", "mote", stockholm("2026-03-11T10:00"), stockholm("2026-03-11T12:00")
        ),
        by=None,
        now=stockholm("2026-03-01T12:00"),
    )
    chaser = MinutesChaser(
        StaticRegistry(),
        MeetingRepository(database),
        MinutesRepository(database),
        rules=MinutesRules(reminder_shift=shift),
    )

    planned = await chaser.planned_posts(stockholm("2026-03-16T12:00"))

    key = f"minutes-reminder:natet:alfa:2026-03-11T10:00:3d:to:{SECRETARY.entra_object_id}"
    (chase,) = [p for p in planned if p.key == key]
    assert chase.due_at == stockholm(due)
    assert f"har inte kommit in ({since})." in chase.text
    assert all(
        p.due_at.astimezone(STOCKHOLM).weekday() < 5 for p in planned if "reminder" in p.key
    )


@pytest.mark.parametrize(
    ("language", "asked", "chased"),
    [
        (
            "sv",
            "Mötet är slut. Gruppen har ingen sekreterare registrerad, så den som förde "
            "protokollet: skicka det till mig i en personlig chatt",
            "Protokollet från Alfa 12 mars har inte kommit in (7 dagar sedan mötet). Gruppen "
            "har ingen sekreterare registrerad, så den som förde protokollet: skicka det till "
            "mig så sparar jag det.",
        ),
        (
            "en",
            "The meeting has ended. The group has no secretary registered, so whoever took the "
            "minutes: please send them to me in a personal chat",
            "The minutes of Alpha on 12 March have not arrived (7 days since the meeting). The "
            "group has no secretary registered, so whoever took the minutes: please send them "
            "to me and I will file them.",
        ),
    ],
)
async def test_without_a_secretary_the_request_and_the_chase_read_properly(
    database, language, asked, chased
):
    await add_meeting(database)
    nobody = replace(NETWORK, assignments=())  # neither secretary nor chair registered
    chaser = MinutesChaser(
        StaticRegistry(nobody),
        MeetingRepository(database),
        MinutesRepository(database),
        rules=MinutesRules(reminder_days=(7,)),
        language=language,
    )

    (ask,) = await chaser.planned_posts(MEETING_END)
    later = await chaser.planned_posts(MEETING_END + timedelta(days=7))
    (chase,) = [p for p in later if "reminder" in p.key]

    assert asked in ask.text and ", skicka" not in ask.text and ", send" not in ask.text
    facts = ask.card["body"][1]["facts"]
    assert facts[1] == {
        "title": "Sekreterare" if language == "sv" else "Secretary",
        "value": "ingen registrerad" if language == "sv" else "none registered",
    }
    assert chase.text == chased
    assert chase.mentions == ()


async def test_with_only_a_chair_the_last_chase_asks_the_chair_to_see_to_it(database):
    await add_meeting(database)
    chair_only = replace(
        NETWORK, assignments=tuple(a for a in NETWORK.assignments if a.role_key == "ordforande")
    )
    chaser = MinutesChaser(
        StaticRegistry(chair_only),
        MeetingRepository(database),
        MinutesRepository(database),
        language="en",
    )

    (last,) = [
        p
        for p in await chaser.planned_posts(MEETING_END + timedelta(days=7))
        if p.key.endswith(":7d")
    ]

    assert last.text == (
        "The minutes of Alpha on 12 March have not arrived (7 days since the meeting). The group "
        "has no secretary registered; <at>Olga Ordförande</at>, please make sure someone sends "
        "them to me and I will file them."
    )
