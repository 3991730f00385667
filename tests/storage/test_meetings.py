"""Meetings and agenda items in the database (SQLite and PostgreSQL)."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest

from domain.meetings import MeetingDraft
from storage.meetings import MeetingRepository

NOW = datetime(2026, 11, 24, 8, 0, tzinfo=UTC)


def at(day: int, hour: int = 10, month: int = 3) -> datetime:
    return datetime(2027, month, day, hour, 0, tzinfo=UTC)


def draft(day: int, *, series: str | None = "s", group: str = "alfa", **fields) -> MeetingDraft:
    return MeetingDraft(
        network_key="testnet",
        group_key=group,
        kind="mote",
        starts_at=at(day),
        ends_at=at(day, 12),
        series_key=series,
        occurrence_start=at(day) if series else None,
        **fields,
    )


@pytest.fixture
def meetings(database) -> MeetingRepository:
    return MeetingRepository(database)


async def sync(meetings: MeetingRepository, *drafts: MeetingDraft):
    return await meetings.sync_series(
        "testnet", drafts, at(1, 0, month=1), at(1, 0, month=12), now=NOW
    )


async def test_syncing_a_series_twice_stores_each_meeting_once(meetings):
    first = await sync(meetings, draft(9), draft(16))
    second = await sync(meetings, draft(9), draft(16))

    assert (first.added, second.added, second.updated, second.removed) == (2, 0, 0, 0)
    stored = await meetings.meetings("testnet", at(1, 0), at(31, 0))
    assert [m.starts_at for m in stored] == [at(9), at(16)]
    assert all(m.starts_at.tzinfo is not None for m in stored)


async def test_a_changed_series_updates_untouched_meetings_and_drops_lost_ones(meetings):
    await sync(meetings, draft(9), draft(16), draft(23))
    (kept, moved, dropped) = await meetings.meetings("testnet", at(1, 0), at(31, 0))
    await meetings.move(
        moved.id, at(17), at(17, 12), place="Rum 2", online_url=None, by="x", now=NOW
    )

    result = await sync(meetings, draft(9, place="Nytt rum"))

    assert (result.added, result.updated, result.removed) == (0, 1, 1)
    stored = await meetings.meetings("testnet", at(1, 0), at(31, 0))
    assert [(m.id, m.starts_at, m.place) for m in stored] == [
        (kept.id, at(9), "Nytt rum"),
        (moved.id, at(17), "Rum 2"),  # an admin moved it: the import leaves it alone
    ]
    assert await meetings.get(dropped.id) is None


async def test_a_meeting_members_added_points_to_is_never_dropped_by_a_sync(meetings):
    await sync(meetings, draft(9))
    (meeting,) = await meetings.meetings("testnet", at(1, 0), at(31, 0))
    await meetings.add_item(meeting.id, "Budget", author_name="Kim", author_id="k", now=NOW)

    result = await sync(meetings)

    assert result.removed == 0
    assert await meetings.get(meeting.id) is not None


async def test_admins_add_move_and_cancel_meetings(meetings):
    added = await meetings.add(
        draft(9, series=None, mode="online", online_url="https://x.example/m"), by="admin", now=NOW
    )
    moved = await meetings.move(
        added.id, at(10, 13), at(10, 15), place=None, online_url=None, by="admin", now=NOW
    )
    cancelled = await meetings.cancel(added.id, by="admin", now=NOW)

    assert (moved.starts_at, moved.ends_at, moved.online_url) == (at(10, 13), at(10, 15), None)
    assert cancelled.cancelled
    assert await meetings.meetings("testnet", at(1, 0), at(31, 0)) == []
    assert await meetings.meetings("testnet", at(1, 0), at(31, 0), include_cancelled=True) == [
        cancelled
    ]
    assert (
        await meetings.move(
            999_999, at(10), at(10, 12), place=None, online_url=None, by=None, now=NOW
        )
        is None
    )
    with pytest.raises(ValueError, match="must end after it starts"):
        await meetings.add(replace(draft(9, series=None), ends_at=at(9, 9)), by=None, now=NOW)


async def test_the_next_meeting_is_the_groups_first_that_has_not_ended(meetings):
    await sync(meetings, draft(9), draft(16), draft(12, group="beta"))
    first, second = await meetings.meetings("testnet", at(1, 0), at(31, 0), group_key="alfa")
    await meetings.cancel(second.id, by=None, now=NOW)

    assert (await meetings.next_meeting("testnet", "alfa", at(9, 11))).id == first.id  # under way
    assert (
        await meetings.next_meeting("testnet", "alfa", at(9, 12)) is None
    )  # the next is cancelled
    assert (await meetings.next_meeting("testnet", "beta", NOW)).group_key == "beta"


async def test_agenda_items_keep_their_order_author_and_time(meetings):
    await sync(meetings, draft(9))
    (meeting,) = await meetings.meetings("testnet", at(1, 0), at(31, 0))
    for minute, text in ((1, "Budget"), (2, "Lokaler"), (3, "Övrigt")):
        await meetings.add_item(
            meeting.id,
            text,
            author_name="Åsa Öberg",
            author_id="aad-1",
            now=NOW + timedelta(minutes=minute),
        )

    items = (await meetings.items([meeting.id]))[meeting.id]

    assert [i.text for i in items] == ["Budget", "Lokaler", "Övrigt"]
    assert (items[0].author_name, items[0].author_id, items[0].added_at) == (
        "Åsa Öberg",
        "aad-1",
        NOW + timedelta(minutes=1),
    )
    assert await meetings.add_item(999_999, "x", author_name=None, author_id=None, now=NOW) is None


async def test_each_change_raises_a_meetings_sequence_and_a_sync_without_change_does_not(
    meetings,
):
    await sync(meetings, draft(9), draft(16))
    nine, sixteen = await meetings.meetings("testnet", at(1, 0), at(31, 0))
    assert (nine.sequence, sixteen.sequence) == (0, 0)

    await sync(meetings, draft(9, place="Nytt rum"), draft(16))
    await sync(meetings, draft(9, place="Nytt rum"), draft(16))  # the same again
    moved = await meetings.move(
        sixteen.id, at(17), at(17, 12), place=None, online_url=None, by="x", now=NOW
    )
    cancelled = await meetings.cancel(sixteen.id, by="x", now=NOW)

    assert (await meetings.get(nine.id)).sequence == 1
    assert (moved.sequence, cancelled.sequence) == (1, 2)
    assert cancelled.updated_at == NOW
