"""The calendar feed read back as a calendar app reads it (parsed with `icalendar`), and
its subscription links, on SQLite and PostgreSQL, with a fixed clock."""

from __future__ import annotations

import hashlib
from datetime import date, datetime, timedelta

import pytest
from icalendar import Calendar, Event
from sqlalchemy import select

from domain.calendar_tokens import CalendarScope
from domain.recurrence import STOCKHOLM
from services.calendar_feed import CalendarFeeds, CalendarLinkKeyMissing, CalendarLinks
from services.planning import sync_meeting_series
from services.registry_snapshots import RegistrySnapshots
from services.schedule import Schedule
from storage.calendar_tokens import CalendarTokenStore
from storage.database import Database
from storage.meetings import MeetingRepository
from storage.registry_repository import RegistryRepository
from storage.schema import CalendarTokenRow
from storage.wheel_overrides import WheelOverrideStore
from tests.scheduler.wheel_network import WHEEL_NETWORK

NOW = datetime(2027, 3, 1, 12, 0, tzinfo=STOCKHOLM)
NETWORK = CalendarScope("testnet")
ALFA = CalendarScope("testnet", "alfa")
KEY = b"k" * 32


@pytest.fixture
async def meetings(database: Database) -> MeetingRepository:
    registry = RegistryRepository(database)
    await registry.replace_networks([WHEEL_NETWORK])
    repository = MeetingRepository(database)
    await sync_meeting_series(await registry.load(), repository, NOW)
    return repository


def feeds_on(database: Database, now: datetime = NOW) -> CalendarFeeds:
    """The feed as a freshly started process builds it over `database`."""
    schedule = Schedule(MeetingRepository(database), WheelOverrideStore(database))
    return CalendarFeeds(RegistrySnapshots(RegistryRepository(database)), schedule, now=lambda: now)


async def events(feeds: CalendarFeeds, scope: CalendarScope = NETWORK) -> dict[str, Event]:
    calendar = Calendar.from_ical(await feeds.feed(scope))
    found = {str(event["UID"]): event for event in calendar.walk("VEVENT")}
    assert len(found) == len(calendar.walk("VEVENT")), "a UID occurs twice"
    return found


def by_summary(found: dict[str, Event], summary: str) -> list[Event]:
    return sorted(
        (e for e in found.values() if str(e["SUMMARY"]) == summary),
        key=lambda e: e.decoded("DTSTART").isoformat(),
    )


async def test_meetings_are_timed_in_stockholm_with_place_link_and_agenda(database, meetings):
    calendar = Calendar.from_ical(await feeds_on(database).feed(NETWORK))
    found = {str(event["UID"]): event for event in calendar.walk("VEVENT")}

    (zone,) = calendar.walk("VTIMEZONE")
    assert str(zone["TZID"]) == "Europe/Stockholm"
    march, october = by_summary(found, "Gruppmöte Alfa")
    start = march.decoded("DTSTART")
    assert start == datetime(2027, 3, 9, 10, 0, tzinfo=STOCKHOLM)
    assert march["DTSTART"].params["TZID"] == "Europe/Stockholm"
    assert march.decoded("DTEND") == datetime(2027, 3, 9, 16, 0, tzinfo=STOCKHOLM)
    assert str(march["LOCATION"]) == "Rum 1"
    assert str(march["STATUS"]) == "CONFIRMED"
    description = str(march["DESCRIPTION"])
    standing = [p.sv for p in WHEEL_NETWORK.agenda.standing_points]
    assert f"Dagordning:\n1. {standing[0]}\n2. {standing[1]}" in description
    online = by_summary(found, "Träff Beta")[-1]
    assert str(online["URL"]) == str(online["LOCATION"]) == "https://teams.example.org/m/1"
    assert "Läs utkastet." in str(by_summary(found, "Träff Beta")[0]["DESCRIPTION"])


async def test_deadlines_are_all_day_with_what_is_due_and_the_responsible_role(
    database, meetings
):
    found = await events(feeds_on(database))

    budgets = by_summary(found, "Budget klar (Alfa)")
    assert budgets, sorted(str(e["SUMMARY"]) for e in found.values())
    budget = budgets[0]
    # 31 October 2027 is a Sunday: the deadline moves back to Friday the 29th.
    assert budget.decoded("DTSTART") == date(2027, 10, 29)
    assert budget.decoded("DTEND") == date(2027, 10, 30)
    assert str(budget["TRANSP"]) == "TRANSPARENT"
    description = str(budget["DESCRIPTION"])
    assert "Budgeten beslutas i november." in description
    assert "Ansvarig: Ordförande" in description
    assert "Kanal: Alfa" in description


async def test_the_feed_names_roles_but_never_a_person(database, meetings):
    body = (await feeds_on(database).feed(NETWORK)).decode()

    found = await events(feeds_on(database))
    (term_end,) = by_summary(found, "Utse ordförande (Alfa)")
    assert "Mandatperioden för ordförande går ut" in str(term_end["DESCRIPTION"])
    unfolded = body.replace("\r\n ", "")
    for assignment in WHEEL_NETWORK.assignments:
        assert assignment.person.name not in unfolded
        if assignment.person.email:
            assert assignment.person.email not in unfolded


async def test_uids_survive_a_restart_a_moved_meeting_keeps_its_uid_and_raises_sequence(
    database, database_url, meetings
):
    before = await events(feeds_on(database))
    restarted = Database(database_url)
    try:
        after_restart = await events(feeds_on(restarted))
    finally:
        await restarted.close()
    assert set(after_restart) == set(before)

    march, october = await meetings.meetings(
        "testnet", NOW, NOW + timedelta(days=365), group_key="alfa"
    )
    moved_start = march.starts_at + timedelta(days=7)
    await meetings.move(
        march.id, moved_start, march.ends_at + timedelta(days=7),
        place="Rum 2", online_url=None, by="admin", now=NOW,
    )  # fmt: skip
    await meetings.cancel(october.id, by="admin", now=NOW)
    after = await events(feeds_on(database))

    assert set(before) <= set(after)  # the same events, changed in place
    # With one meeting in person left, the check for two a year now fails, and says so.
    assert [str(after[u]["SUMMARY"]) for u in set(after) - set(before)] == [
        "Två fysiska möten per år (Alfa)"
    ]
    (moved_uid,) = [u for u, e in before.items() if e.decoded("DTSTART") == march.starts_at]
    moved = after[moved_uid]
    assert moved.decoded("DTSTART") == moved_start
    assert str(moved["LOCATION"]) == "Rum 2"
    assert int(moved["SEQUENCE"]) > int(before[moved_uid]["SEQUENCE"])
    (cancelled_uid,) = [u for u, e in before.items() if e.decoded("DTSTART") == october.starts_at]
    cancelled = after[cancelled_uid]
    assert str(cancelled["STATUS"]) == "CANCELLED"
    assert int(cancelled["SEQUENCE"]) > int(before[cancelled_uid]["SEQUENCE"])
    assert str(cancelled["SUMMARY"]).startswith("INSTÄLLT:")

    # A month after the meeting, the cancelled event has done its work and leaves the feed.
    later = await events(feeds_on(database, now=october.starts_at + timedelta(days=31)))
    assert cancelled_uid not in later


async def test_a_group_feed_has_only_that_groups_meetings_and_deadlines(database, meetings):
    found = await events(feeds_on(database), ALFA)

    summaries = {str(e["SUMMARY"]) for e in found.values()}
    assert "Gruppmöte Alfa" in summaries and "Budget klar" in summaries
    assert not any("Beta" in s for s in summaries)
    assert not any("Beta" in str(e.get("DESCRIPTION", "")) for e in found.values())


async def test_a_link_is_shown_again_only_its_hash_is_stored_and_revoking_refuses_it(database):
    links = CalendarLinks(CalendarTokenStore(database), KEY)

    url = await links.link(ALFA, "https://bot.example.se/", actor="cli:test", now=NOW)
    assert await links.link(ALFA, "https://bot.example.se", actor="cli:test", now=NOW) == url
    token = url.removeprefix("https://bot.example.se/calendar/").removesuffix(".ics")
    assert len(token) >= 22  # at least 128 bits in base64url
    async with database.snapshot() as session:
        rows = list(await session.scalars(select(CalendarTokenRow)))
    assert [row.token_sha256 for row in rows] == [hashlib.sha256(token.encode()).hexdigest()]
    assert all(token not in str(vars(row)) for row in rows)
    assert await links.scope_of(token) == ALFA
    assert await links.scope_of(token[:-1] + ("A" if token[-1] != "A" else "B")) is None
    assert await links.scope_of("../../etc/passwd") is None
    # The whole network's link is another link.
    assert await links.link(NETWORK, "https://bot.example.se", actor=None, now=NOW) != url

    assert await links.revoke(ALFA, actor="cli:test", now=NOW) == 1
    assert await links.scope_of(token) is None
    renewed = await links.link(ALFA, "https://bot.example.se", actor="cli:test", now=NOW)
    assert renewed != url
    assert await links.scope_of(token) is None
    # Another key (the old one lost, or changed on purpose) opens none of the stored links.
    other_key = CalendarLinks(CalendarTokenStore(database), b"x" * 32)
    assert await other_key.link(ALFA, "https://bot.example.se", actor=None, now=NOW) != renewed


async def test_without_a_key_no_link_is_made(database):
    links = CalendarLinks(CalendarTokenStore(database), None)

    with pytest.raises(CalendarLinkKeyMissing, match="CALENDAR_LINK_KEY"):
        await links.link(ALFA, "https://bot.example.se", actor=None, now=NOW)
    assert await links.scope_of("A" * 43) is None


async def test_names_from_the_data_read_as_written_not_escaped_for_teams(database, meetings):
    # Chat and posts escape markdown; a calendar is not markdown, so a place with `_` or `*`
    # must reach Outlook as the admin wrote it, without backslashes.
    (march, *_) = await meetings.meetings(
        "testnet", NOW, NOW + timedelta(days=365), group_key="alfa"
    )
    place = "Rum_2 (plan *3*)"
    await meetings.move(
        march.id, march.starts_at, march.ends_at,
        place=place, online_url=None, by="admin", now=NOW,
    )  # fmt: skip
    found = await events(feeds_on(database))

    (event,) = [e for e in found.values() if str(e.get("LOCATION", "")) == place]
    assert "\\" not in str(event["DESCRIPTION"]) + str(event["SUMMARY"])
    assert place in str(event["DESCRIPTION"]) or str(event["LOCATION"]) == place
