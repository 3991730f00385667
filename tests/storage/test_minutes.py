"""Filed minutes and pending uploads in the database (SQLite and PostgreSQL)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from storage.meetings import MeetingDraft, MeetingRepository
from storage.minutes import Minutes, MinutesRepository

NOW = datetime(2026, 11, 24, 8, 0, tzinfo=UTC)


async def a_meeting(database) -> int:
    meeting = await MeetingRepository(database).add(
        MeetingDraft(
            network_key="testnet",
            group_key="alfa",
            kind="mote",
            starts_at=datetime(2026, 3, 12, 9, tzinfo=UTC),
            ends_at=datetime(2026, 3, 12, 11, tzinfo=UTC),
        ),
        by=None,
        now=NOW,
    )
    return meeting.id


async def receive(repository: MinutesRepository, meeting_id: int, content: bytes):
    return await repository.add_pending(
        meeting_id=meeting_id,
        file_name="prot.pdf",
        target_path="Protokoll/2026/2026-03-12 Alfa protokoll.pdf",
        content=content,
        sha256="ab" * 32,
        uploaded_by="Kim",
        language="sv",
        reply_conversation_id="conv",
        now=NOW,
    )


def filed(meeting_id: int, item_id: str = "item-1") -> Minutes:
    return Minutes(
        meeting_id=meeting_id,
        drive_id="drive",
        item_id=item_id,
        web_url=f"https://sp/{item_id}",
        path="Protokoll/2026/2026-03-12 Alfa protokoll.pdf",
        file_name="prot.pdf",
        size=3,
        sha256="ab" * 32,
        uploaded_by="Kim",
        uploaded_at=NOW,
    )


@pytest.mark.parametrize("spill", [False, True], ids=["in-database", "in-data-folder"])
async def test_a_received_file_is_kept_until_its_minutes_are_filed(database, tmp_path, spill):
    repository = MinutesRepository(database, tmp_path if spill else None)
    meeting_id = await a_meeting(database)
    pending = await receive(repository, meeting_id, b"%PDF-1.7 minutes")
    await repository.save_progress(
        pending.id, upload_url="https://up/1", next_offset=327680, now=NOW
    )

    # What a restarted bot finds: the file, the session and where to go on.
    (resumed,) = await MinutesRepository(database, tmp_path if spill else None).unfinished()
    assert (resumed.state, resumed.upload_url, resumed.next_offset) == (
        "uploading",
        "https://up/1",
        327680,
    )
    assert await repository.content(resumed.id) == b"%PDF-1.7 minutes"

    await repository.file_minutes(filed(meeting_id), pending_id=pending.id)

    assert await repository.unfinished() == []
    assert await repository.minutes([meeting_id]) == {meeting_id: filed(meeting_id)}
    assert list((tmp_path / "pending").glob("*")) == []


async def test_filing_again_replaces_the_record_of_a_meeting(database):
    repository = MinutesRepository(database)
    meeting_id = await a_meeting(database)
    await repository.file_minutes(filed(meeting_id, "old"))
    await repository.file_minutes(filed(meeting_id, "new"))

    assert (await repository.minutes([meeting_id]))[meeting_id].item_id == "new"


async def test_a_failed_upload_is_kept_but_not_resumed(database):
    repository = MinutesRepository(database)
    meeting_id = await a_meeting(database)
    pending = await receive(repository, meeting_id, b"x")

    await repository.record_attempt(pending.id, "HTTP 403", give_up=True, now=NOW)

    assert await repository.unfinished() == []
    kept = await repository.pending(pending.id)
    assert (kept.state, kept.attempts, kept.last_error) == ("failed", 1, "HTTP 403")
    assert (await repository.pending_for([meeting_id]))[meeting_id] == [kept]
