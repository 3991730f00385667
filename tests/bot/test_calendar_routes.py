"""The calendar feed over HTTP from the running bot, as a calendar app polls it: the same
feed again is a 304, a moved meeting makes it new, `?lang=en` reads in English."""

from __future__ import annotations

from datetime import datetime, timedelta

from icalendar import Calendar

from bot.settings import Settings
from domain.calendar_tokens import CalendarScope
from domain.recurrence import STOCKHOLM
from services.calendar_feed import CalendarLinks
from storage.calendar_tokens import CalendarTokenStore
from storage.database import Database
from storage.meetings import MeetingRepository
from tests.bot.conftest import running_bot

KEY = "k" * 40


async def test_a_polling_calendar_gets_304_until_a_meeting_moves(tmp_path):
    settings = Settings(database_url=f"sqlite+aiosqlite:///{tmp_path / 'bot.db'}", port=0,
                        scheduler_interval_seconds=0, calendar_link_key=KEY)  # fmt: skip
    async with running_bot(settings) as bot:
        database = Database(settings.database_url)
        try:
            now = datetime.now(STOCKHOLM)
            url = await CalendarLinks(CalendarTokenStore(database), KEY.encode()).link(
                CalendarScope("bestservice", "logistik"), bot.base_url, actor=None, now=now
            )
            async with bot.http.get(url) as first:
                assert first.status == 200
                etag = first.headers["ETag"]
            async with bot.http.get(url, headers={"If-None-Match": etag}) as again:
                assert again.status == 304 and await again.read() == b""

            meetings = MeetingRepository(database)
            meeting = (await meetings.meetings("bestservice", now, now + timedelta(days=365),
                                               group_key="logistik"))[0]  # fmt: skip
            await meetings.move(
                meeting.id, meeting.starts_at + timedelta(days=1),
                meeting.ends_at + timedelta(days=1), place="Rum 2", online_url=None,
                by="admin", now=now,
            )  # fmt: skip
            async with bot.http.get(url, headers={"If-None-Match": etag}) as changed:
                assert changed.status == 200 and changed.headers["ETag"] != etag
                events = Calendar.from_ical(await changed.read()).walk("VEVENT")
            async with bot.http.get(url + "?lang=en") as english:
                calendar = Calendar.from_ical(await english.read())
        finally:
            await database.close()

    moved = [e for e in events if str(e.get("LOCATION", "")) == "Rum 2"]
    assert [e.decoded("DTSTART") for e in moved] == [meeting.starts_at + timedelta(days=1)]
    assert str(calendar["X-WR-CALNAME"]) == "Samverkan – Best Service – Logistics"
