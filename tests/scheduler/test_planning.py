"""Planning the posts of meetings and the annual wheel over a real database (SQLite)."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

import pytest

from domain.meetings import MeetingDraft
from domain.posts import Mention, Target
from domain.recurrence import STOCKHOLM, at_local
from services.planning import MeetingPlanner, reminders, sync_meeting_series
from storage.meetings import MeetingRepository
from storage.registry_repository import RegistryRepository
from tests.manifest.card_schema import validate_card
from tests.scheduler.wheel_network import CHAIR_ALFA_ID, WHEEL_NETWORK


def local(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=STOCKHOLM)


def test_each_reminder_is_superseded_on_the_next_ones_day_and_the_last_stale_when_it_ends():
    ends = at_local(date(2027, 3, 9), time(10, 0))

    planned = reminders(date(2027, 3, 9), (30, 7, 0), time(9, 0), ends)

    assert [(r.lead_days, r.day) for r in planned] == [
        (30, date(2027, 2, 7) - timedelta(days=2)),  # Sunday 7 February: Friday the 5th
        (7, date(2027, 3, 2)),
        (0, date(2027, 3, 9)),
    ]
    # From the start of the next one's day: one day never has two posts of one deadline.
    assert planned[0].stale_after == at_local(date(2027, 3, 2), time(0, 0))
    assert planned[1].stale_after == at_local(date(2027, 3, 9), time(0, 0))
    assert [r.next_lead for r in planned] == [7, 0, None]
    assert planned[2].stale_after == ends


def test_lead_times_landing_on_one_working_day_post_once_and_late_ones_are_dropped():
    # Monday 8 March: 1 and 2 days before are the weekend, so both post on Friday.
    planned = reminders(
        date(2027, 3, 8), (3, 2, 1, 0), time(9, 0), at_local(date(2027, 3, 8), time(8, 0))
    )

    assert [(r.lead_days, r.day) for r in planned] == [(1, date(2027, 3, 5))]  # 0: after 08.00


@pytest.fixture
async def planner(sqlite_database) -> MeetingPlanner:
    registry = RegistryRepository(sqlite_database)
    await registry.replace_networks([WHEEL_NETWORK])
    return MeetingPlanner(registry, MeetingRepository(sqlite_database), lookback=timedelta(days=1))


async def posts_on(planner: MeetingPlanner, moment: str):
    return {post.key: post for post in await planner.planned_posts(local(moment))}


async def test_the_agenda_is_posted_a_week_and_a_day_before_each_meeting(planner, sqlite_database):
    meetings = MeetingRepository(sqlite_database)
    await sync_meeting_series(
        await RegistryRepository(sqlite_database).load(), meetings, local("2027-01-02T08:00")
    )
    (meeting, *_) = await meetings.meetings(
        "testnet", local("2027-03-01T00:00"), local("2027-03-31T00:00")
    )
    await meetings.add_item(
        meeting.id,
        "Nya lokaler",
        author_name="Kim Ek",
        author_id="k",
        now=local("2027-03-01T12:00"),
    )

    week = await posts_on(planner, "2027-03-02T09:00")
    day = await posts_on(planner, "2027-03-08T09:30")

    post = week["agenda:testnet:alfa:2027-03-09T10:00:7d"]
    assert post.target == Target("testnet", "alfa")
    assert (post.due_at, post.stale_after) == (local("2027-03-02T09:00"), local("2027-03-08T00:00"))
    assert post.superseded_by == "agenda:testnet:alfa:2027-03-09T10:00:1d"
    assert post.kind == "agenda" and post.language == "sv"
    assert "tisdag 9 mars 2027 kl. 10.00–16.00" in post.text
    card_texts = [block.get("text") for block in post.card["body"]]
    assert (
        card_texts.index("1. Ekonomi")
        < card_texts.index("2. Erfarenhetsutbyte")
        < card_texts.index("3. Nya lokaler (från Kim Ek)")
    )
    validate_card(post.card)
    assert "agenda:testnet:alfa:2027-03-09T10:00:1d" in day


async def test_planning_again_gives_the_same_keys_and_every_key_is_one_post(
    planner, sqlite_database
):
    other = MeetingPlanner(
        RegistryRepository(sqlite_database),
        MeetingRepository(sqlite_database),
        lookback=timedelta(days=1),
    )

    first = await planner.planned_posts(local("2027-10-01T10:00"))
    again = await planner.planned_posts(local("2027-10-01T10:00"))
    elsewhere = await other.planned_posts(local("2027-10-01T10:00"))

    keys = [post.key for post in first]
    assert keys == [post.key for post in again] == [post.key for post in elsewhere]
    assert len(set(keys)) == len(keys)
    # One budget reminder per group channel, each with its own key.
    assert sorted(k for k in keys if ":budget:" in k) == [
        "wheel:testnet:budget:2027-10-31:30d:alfa",
        "wheel:testnet:budget:2027-10-31:30d:beredning",
        "wheel:testnet:budget:2027-10-31:30d:beta",
    ]


async def test_a_deadline_names_the_responsible_holder_and_mentions_those_teams_knows(planner):
    posts = await posts_on(planner, "2027-10-22T09:00")

    alfa = posts["wheel:testnet:budget:2027-10-31:7d:alfa"]
    beta = posts["wheel:testnet:budget:2027-10-31:7d:beta"]
    # 31 October 2027 is a Sunday: the deadline is Friday the 29th, reminded a week before.
    assert alfa.due_at == local("2027-10-22T09:00")
    assert "senast fredag 29 oktober 2027 (om 7 dagar)" in alfa.text
    assert "Ansvarig: <at>Åsa Öberg</at>." in alfa.text
    assert alfa.mentions == (Mention("Åsa Öberg", CHAIR_ALFA_ID),)
    assert "Ansvarig: Bo Berg." in beta.text and beta.mentions == ()
    assert alfa.card["body"][1]["facts"][1] == {"title": "Ansvarig", "value": "<at>Åsa Öberg</at>"}
    validate_card(alfa.card)


async def test_a_failed_check_warns_the_chair_of_the_group_concerned(planner):
    posts = await posts_on(planner, "2027-09-15T09:00")

    warnings = {key: post for key, post in posts.items() if post.kind == "check"}
    assert set(warnings) == {
        "wheel:testnet:fysiska:2027-09-15:0d:beta",
        "wheel:testnet:fysiska:2027-09-15:0d:beredning",
    }  # alfa's series has its two meetings in person in 2027
    warning = warnings["wheel:testnet:fysiska:2027-09-15:0d:beta"]
    assert "Beta: minst 2 sådana möten behövs 2027, inplanerade: 0." in warning.text
    assert "Ansvarig: Bo Berg." in warning.text
    validate_card(warning.card)
    # Its buttons name the group by key, as data: no command text to read back.
    assert [a["data"] for a in warning.card["actions"]] == [
        {"action": action, "network": "testnet", "group": "beta", "lang": "sv"}
        for action in ("wheel.show", "meetings.show")
    ]


async def test_a_term_of_office_ending_is_announced_a_month_before(planner):
    posts = await posts_on(planner, "2027-11-30T09:00")

    post = posts["wheel:testnet:mandat:2027-12-31:30d:alfa"]
    assert "Mandatperioden för ordförande (Åsa Öberg) går ut fredag 31 december 2027." in post.text
    assert post.mentions == (Mention("Åsa Öberg", CHAIR_ALFA_ID),)


async def test_after_an_outage_old_reminders_are_stale_and_only_the_lookback_is_kept(planner):
    # Asked on 30 October: the 7-day budget reminder (due the 22nd) is stale since the
    # on-the-day one was due on the 29th; the 30-day one is older than the look-back.
    posts = await posts_on(planner, "2027-10-30T12:00")

    budget = sorted(k for k in posts if ":budget:" in k and k.endswith(":alfa"))
    assert budget == ["wheel:testnet:budget:2027-10-31:0d:alfa"]
    assert posts[budget[0]].stale_after == local("2027-10-30T00:00")


async def test_a_planner_reusing_its_work_still_sees_every_change_to_the_meetings(database):
    # Admins' changes stamped by a replica whose clock lags behind the planner's must
    # show on the next pass as much as any other.
    registry = RegistryRepository(database)
    await registry.replace_networks([WHEEL_NETWORK])
    meetings = MeetingRepository(database)
    planner = MeetingPlanner(registry, meetings, lookback=timedelta(days=1))
    lagging = local("2027-01-01T08:00")

    def agenda_keys(posts: dict) -> set[str]:
        return {key for key in posts if key.startswith("agenda:")}

    assert agenda_keys(await posts_on(planner, "2027-03-02T09:00")) == {
        "agenda:testnet:alfa:2027-03-09T10:00:7d"
    }
    added = await meetings.add(
        MeetingDraft("testnet", "beta", "mote", local("2027-03-09T13:00"),
                     local("2027-03-09T15:00")),
        by="admin", now=lagging,
    )  # fmt: skip
    assert agenda_keys(await posts_on(planner, "2027-03-02T09:00")) == {
        "agenda:testnet:alfa:2027-03-09T10:00:7d",
        "agenda:testnet:beta:2027-03-09T13:00:7d",
    }
    (alfa,) = await meetings.meetings(
        "testnet", local("2027-03-09T00:00"), local("2027-03-10T00:00"), group_key="alfa"
    )
    await meetings.cancel(alfa.id, by="admin", now=lagging)
    assert agenda_keys(await posts_on(planner, "2027-03-02T09:00")) == {
        "agenda:testnet:beta:2027-03-09T13:00:7d"
    }
    await meetings.move(
        added.id, local("2027-03-09T14:00"), local("2027-03-09T16:00"),
        place=None, online_url=None, by="admin", now=lagging,
    )  # fmt: skip
    assert agenda_keys(await posts_on(planner, "2027-03-02T09:00")) == {
        "agenda:testnet:beta:2027-03-09T14:00:7d"
    }
