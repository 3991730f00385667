"""Filed minutes, pending uploads and received files in the database (SQLite and PostgreSQL)."""

from __future__ import annotations

import asyncio
from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest

from domain.meetings import MeetingDraft
from domain.minutes import RECEIVED_FILE_LIFETIME, Minutes, ReceivedFile
from storage.meetings import MeetingRepository
from storage.minutes import RECEIVED_FILE_TAKE_TIMEOUT, MinutesRepository

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
    pending, _ = await repository.add_pending(
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
    return pending


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


# --- received files waiting for their sender to pick the meeting ---


async def keep(repository: MinutesRepository, content: bytes, *, now: datetime = NOW):
    return await repository.add_received(
        network_key="testnet",
        group_key="alfa",
        file_name="prot.pdf",
        content=content,
        sha256="ab" * 32,
        sender_id="29:kim",
        sender_aad_object_id="aad-kim",
        sender_name="Kim",
        conversation_id="a:kim-chat",
        language="sv",
        now=now,
    )


@pytest.mark.parametrize("spill", [False, True], ids=["in-database", "in-data-folder"])
async def test_a_received_file_is_taken_once_and_only_within_a_day(database, tmp_path, spill):
    repository = MinutesRepository(database, tmp_path if spill else None)
    kept = await keep(repository, b"%PDF-1.7 minutes")
    other = await keep(repository, b"%PDF-1.7 other")
    a_day_later = NOW + RECEIVED_FILE_LIFETIME

    assert kept.id != other.id and len(kept.id) >= 40
    assert await repository.received(kept.id, now=NOW) == kept
    assert await repository.received(kept.id, now=a_day_later) is None
    assert await repository.take_received(kept.id, now=a_day_later) is None
    assert await repository.received("not-an-id", now=NOW) is None

    assert await repository.take_received(kept.id, now=NOW) == (kept, b"%PDF-1.7 minutes")
    assert await repository.take_received(kept.id, now=NOW) is None  # a second click
    await repository.finish_received(kept.id)  # filed as a pending upload
    assert await repository.received(kept.id, now=NOW) is None
    assert await repository.received(other.id, now=NOW) == other
    if spill:
        assert len(list((tmp_path / "received").iterdir())) == 1  # the other file's


@pytest.mark.parametrize("spill", [False, True], ids=["in-database", "in-data-folder"])
async def test_a_file_whose_pick_failed_or_died_can_be_picked_again(database, tmp_path, spill):
    repository = MinutesRepository(database, tmp_path if spill else None)
    kept = await keep(repository, b"%PDF-1.7 minutes")

    # Filing failed (the database went away): the file is given back at once.
    assert await repository.take_received(kept.id, now=NOW) is not None
    await repository.release_received(kept.id)
    assert await repository.take_received(kept.id, now=NOW) == (kept, b"%PDF-1.7 minutes")

    # The replica died mid-pick (neither finished nor released): free after the timeout.
    later = NOW + RECEIVED_FILE_TAKE_TIMEOUT
    assert await repository.take_received(kept.id, now=later - timedelta(seconds=1)) is None
    assert await repository.take_received(kept.id, now=later) == (kept, b"%PDF-1.7 minutes")


async def test_only_expired_received_files_are_purged_with_their_bytes(database, tmp_path):
    repository = MinutesRepository(database, tmp_path)
    old = await keep(repository, b"%PDF old", now=NOW - timedelta(hours=25))
    recent = await keep(repository, b"%PDF recent", now=NOW - timedelta(hours=1))

    assert await repository.purge_received(NOW - RECEIVED_FILE_LIFETIME) == 1

    assert await repository.received(old.id, now=NOW) is None
    assert await repository.take_received(recent.id, now=NOW) == (recent, b"%PDF recent")
    await repository.finish_received(recent.id)
    assert list((tmp_path / "received").iterdir()) == []


async def test_keeping_a_file_purges_the_expired_ones_first(database):
    repository = MinutesRepository(database)
    old = await keep(repository, b"%PDF old", now=NOW - timedelta(days=2))

    await keep(repository, b"%PDF new")

    # Gone, not merely refused: a later clock would still not find it.
    assert await repository.received(old.id, now=NOW - timedelta(days=2)) is None


def test_a_received_file_is_the_senders_by_their_teams_ids():
    kept = ReceivedFile(
        "id", "testnet", "alfa", "p.pdf", 1, "ab" * 32, "29:kim", "aad-kim", "Kim",
        "a:kim-chat", "sv", NOW,
    )  # fmt: skip

    assert kept.sent_by("29:kim", "aad-kim")
    assert kept.sent_by("29:kim", None)  # Teams did not send the Entra id this time
    assert not kept.sent_by("29:bo", "aad-bo")
    assert not kept.sent_by("29:kim", "aad-bo")  # one id of another person is enough
    assert not kept.sent_by(None, None)
    assert not replace(kept, sender_id=None, sender_aad_object_id=None).sent_by("29:kim", None)


async def test_of_two_clicks_at_once_only_one_gets_the_file(database):
    repository = MinutesRepository(database)
    kept = await keep(repository, b"%PDF-1.7 minutes")

    taken = await asyncio.gather(
        repository.take_received(kept.id, now=NOW), repository.take_received(kept.id, now=NOW)
    )

    assert sorted(taken, key=lambda t: t is None) == [(kept, b"%PDF-1.7 minutes"), None]


# --- pending uploads as leased jobs ---

LEASE = timedelta(minutes=2)


async def test_a_pending_upload_is_claimed_by_one_worker_until_its_lease_runs_out(database):
    repository = MinutesRepository(database)
    pending = await receive(repository, await a_meeting(database), b"%PDF-1.7 minutes")

    (claimed,) = await repository.claim_uploads("replica-1", NOW, LEASE)
    assert claimed.id == pending.id
    assert await repository.claim_uploads("replica-2", NOW + timedelta(seconds=1), LEASE) == []
    # Renewed while it works; after the worker died, the lease runs out and another takes it.
    assert await repository.extend_claim(pending.id, "replica-1", NOW + LEASE * 2)
    assert not await repository.extend_claim(pending.id, "replica-2", NOW + LEASE * 2)
    just_after = NOW + LEASE + timedelta(seconds=1)
    assert await repository.claim_uploads("replica-2", just_after, LEASE) == []
    (taken_over,) = await repository.claim_uploads("replica-2", NOW + LEASE * 2, LEASE)
    assert taken_over.id == pending.id


async def test_a_failed_try_waits_for_its_backoff_except_at_start_up(database):
    repository = MinutesRepository(database)
    pending = await receive(repository, await a_meeting(database), b"%PDF-1.7 minutes")
    await repository.claim_uploads("replica-1", NOW, LEASE)
    retry_at = NOW + timedelta(seconds=45)

    await repository.record_attempt(pending.id, "HTTP 503", give_up=False, now=NOW,
                                     next_attempt_at=retry_at)  # fmt: skip

    assert await repository.next_upload_due() == retry_at
    assert await repository.claim_uploads("replica-1", NOW + timedelta(seconds=44), LEASE) == []
    (at_start,) = await repository.claim_uploads(
        "restarted", NOW + timedelta(seconds=1), LEASE, ignore_backoff=True
    )
    assert (at_start.attempts, at_start.last_error) == (1, "HTTP 503")


async def test_a_new_file_replaces_the_one_waiting_and_a_question_expires(database, tmp_path):
    repository = MinutesRepository(database, tmp_path)
    meeting_id = await a_meeting(database)
    first = await receive(repository, meeting_id, b"%PDF-1.7 first")

    second, replaced = await repository.add_pending(
        meeting_id=meeting_id, file_name="rättad.pdf", target_path="Protokoll/x.pdf",
        content=None, download_url="https://contoso-my.sharepoint.com/d", sha256="",
        uploaded_by="Kim", language="sv", reply_conversation_id=None, now=NOW,
        awaiting_confirmation=True, sender_id="29:kim",
    )  # fmt: skip

    assert replaced == ["prot.pdf"]
    # SQLite may give the new row the old one's id; its `key` is never reused.
    (waiting,) = (await repository.pending_for([meeting_id]))[meeting_id]
    assert (waiting.file_name, waiting.key != first.key) == ("rättad.pdf", True)
    assert list((tmp_path / "pending").glob("*")) == []  # the replaced file's bytes too
    assert (second.fetched, second.awaiting_confirmation, len(second.token or "")) == (
        False, True, 43
    )
    assert (await repository.held(second.token)).id == second.id
    # Unanswered for a day: the housekeeping's purge of waiting received files takes it.
    assert await repository.purge_received(NOW + RECEIVED_FILE_LIFETIME) == 1
    assert await repository.pending(second.id) is None
