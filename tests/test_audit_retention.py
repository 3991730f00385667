"""Retention: the audit log (`AUDIT_RETENTION_DAYS`), finished scheduled posts
(`OUTBOX_RETENTION_DAYS`) and uploads given up on (`FAILED_UPLOAD_RETENTION_DAYS`) are
purged every time the bot (or a CLI command) opens its services and daily while the bot
runs; only what is past its period goes, and never a post still to be sent."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from app import open_services
from bot.settings import Settings
from domain.meetings import MeetingDraft
from domain.posts import PlannedPost, Target
from scheduler.delivery import DeliveryWorker
from scheduler.housekeeping import Housekeeping, RetentionPeriods
from scheduler.runner import DeliveryRunner
from storage.audit import AuditLog
from storage.conversations import ConversationStore
from storage.database import Database
from storage.meetings import MeetingRepository
from storage.minutes import MinutesRepository
from storage.outbox import Outbox

NOW = datetime(2027, 6, 1, 9, 0, tzinfo=UTC)
OLD = NOW - timedelta(days=200)  # past the default outbox retention of 180 days
LEASE = timedelta(minutes=5)


def post(key: str, due: datetime) -> PlannedPost:
    return PlannedPost(
        key=key,
        target=Target("bestservice", "logistik"),
        due_at=due,
        stale_after=due + timedelta(days=1),
        language="sv",
        text=f"Påminnelse {key}",
    )


async def sent_post(outbox: Outbox, key: str, due: datetime) -> None:
    await outbox.enqueue([post(key, due)], due - timedelta(hours=1))
    (claimed,) = await outbox.claim_due("replica-1", due, 10, LEASE)
    assert claimed.key == key
    await outbox.mark_sent(key, f"act-{key}", False, conversation_id="19:logistik", sent_at=due)


async def received_file(minutes: MinutesRepository, meeting_id: int, at: datetime) -> int:
    pending, _ = await minutes.add_pending(
        meeting_id=meeting_id,
        file_name="protokoll.pdf",
        target_path="Protokoll/2026/protokoll.pdf",
        content=b"%PDF-1.7 minutes",
        sha256="ab" * 32,
        uploaded_by="Kim Lind",
        language="sv",
        reply_conversation_id=None,
        now=at,
    )
    return pending.id


async def a_meeting(database: Database) -> int:
    start = NOW - timedelta(days=300)
    meeting = await MeetingRepository(database).add(
        MeetingDraft("bestservice", "logistik", "mote", start, start + timedelta(hours=1)),
        by=None,
        now=start,
    )
    return meeting.id


async def test_finished_posts_past_the_retention_are_purged_and_open_ones_never(
    database,
) -> None:
    outbox = Outbox(database)
    await sent_post(outbox, "recent-sent", NOW - timedelta(days=10))
    await outbox.enqueue(
        [post(key, OLD) for key in ("old-sent", "old-failed", "old-parked", "old-pending")],
        OLD - timedelta(hours=1),
    )
    await outbox.enqueue([post("old-claimed", OLD)], OLD - timedelta(hours=1))
    claimed = {e.key for e in await outbox.claim_due("replica-1", OLD, 10, LEASE)}
    assert claimed == {"old-sent", "old-failed", "old-parked", "old-pending", "old-claimed"}
    await outbox.mark_sent("old-sent", "act-1", False, conversation_id="19:l", sent_at=OLD)
    await outbox.mark_failed("old-failed", "403 Forbidden", worker_id="replica-1")
    await outbox.mark_undeliverable("old-parked", "no channel", worker_id="replica-1")
    await outbox.release("old-pending", "replica-1", OLD)
    await outbox.enqueue([post("old-stale", OLD)], OLD + timedelta(days=2))  # stored stale

    purged = await outbox.purge_finished(NOW - timedelta(days=180))
    again = await outbox.purge_finished(NOW - timedelta(days=180))

    assert (purged, again) == (4, 0)
    kept = {key: await outbox.get(key) for key in ("old-pending", "old-claimed", "recent-sent")}
    assert {key: entry.status for key, entry in kept.items()} == {
        "old-pending": "pending",
        "old-claimed": "claimed",
        "recent-sent": "sent",
    }
    for key in ("old-sent", "old-failed", "old-parked", "old-stale"):
        assert await outbox.get(key) is None


async def test_uploads_given_up_on_are_purged_with_their_file(database, tmp_path: Path) -> None:
    minutes = MinutesRepository(database, tmp_path)
    # Three meetings: a meeting keeps one file (a new one replaces the one waiting).
    old_failed = await received_file(minutes, await a_meeting(database), OLD)
    await minutes.record_attempt(old_failed, "403 Forbidden", give_up=True, now=OLD)
    recent_failed = await received_file(minutes, await a_meeting(database), OLD)
    await minutes.record_attempt(recent_failed, "403 Forbidden", give_up=True, now=NOW)
    old_received = await received_file(minutes, await a_meeting(database), OLD)  # to be filed
    assert len(list((tmp_path / "pending").iterdir())) == 3

    purged = await minutes.purge_failed(NOW - timedelta(days=90))

    assert purged == 1
    assert await minutes.pending(old_failed) is None
    assert await minutes.content(recent_failed) == b"%PDF-1.7 minutes"
    assert await minutes.content(old_received) == b"%PDF-1.7 minutes"
    assert len(list((tmp_path / "pending").iterdir())) == 2


def test_an_outbox_retention_shorter_than_the_planners_look_back_is_refused() -> None:
    with pytest.raises(ValueError, match="planned and posted again"):
        RetentionPeriods(outbox=timedelta(days=7))


async def test_a_purge_that_fails_does_not_stop_the_others(sqlite_database: Database) -> None:
    outbox = Outbox(sqlite_database)
    await sent_post(outbox, "old-sent", OLD)
    unreachable = Database("postgresql+asyncpg://bot@127.0.0.1:1/samverkan")
    housekeeping = Housekeeping(
        audit_log=AuditLog(unreachable),
        outbox=outbox,
        uploads=MinutesRepository(sqlite_database),
        retention=RetentionPeriods(),
    )
    try:
        report = await housekeeping.run(NOW)
    finally:
        await unreachable.close()

    assert (report.audit_entries, report.posts, report.failed_uploads) == (None, 1, 0)
    assert await outbox.get("old-sent") is None


async def test_the_running_bot_purges_daily(sqlite_database: Database) -> None:
    outbox = Outbox(sqlite_database)
    await sent_post(outbox, "old-sent", OLD)
    await sent_post(outbox, "recent-sent", NOW - timedelta(days=10))
    running = DeliveryRunner(
        planners=[],
        outbox=outbox,
        worker=DeliveryWorker(
            outbox=outbox,
            channels=ConversationStore(sqlite_database),
            sender=None,  # type: ignore[arg-type]  # nothing is due: nothing is sent
            worker_id="replica-1",
        ),
        interval=timedelta(hours=1),
        clock=lambda: NOW,
        housekeeping=Housekeeping(
            audit_log=AuditLog(sqlite_database),
            outbox=outbox,
            uploads=MinutesRepository(sqlite_database),
            retention=RetentionPeriods(),
        ),
    )

    running.start()
    try:
        next_run = running.next_housekeeping_at
        await running.run_housekeeping()  # what the daily job runs
    finally:
        await running.stop()

    assert next_run is not None
    assert timedelta(hours=23) < next_run - datetime.now(UTC) <= timedelta(days=1)
    assert await outbox.get("old-sent") is None
    assert await outbox.get("recent-sent") is not None


async def test_opening_the_services_purges_what_is_older_than_the_retention(tmp_path):
    settings = Settings(
        database_url=f"sqlite+aiosqlite:///{tmp_path / 'bot.db'}", scheduler_interval_seconds=0
    )
    now = datetime.now(UTC)
    async with open_services(settings) as services:
        for days_ago in (40, 20):
            start = now + timedelta(days=1)
            draft = MeetingDraft(
                "bestservice", "logistik", "expertgruppsmote", start, start + timedelta(hours=1)
            )
            await services.meetings.add(
                draft, by=f"aad-{days_ago}", now=now - timedelta(days=days_ago)
            )
        await sent_post(services.outbox, "sent-40-days-ago", now - timedelta(days=40))
        await sent_post(services.outbox, "sent-20-days-ago", now - timedelta(days=20))
        assert {e.actor for e in await services.audit_log.entries()} >= {"aad-40", "aad-20"}

    shorter = replace(settings, audit_retention_days=30, outbox_retention_days=30)
    async with open_services(shorter) as services:
        actors = {e.actor for e in await services.audit_log.entries()}
        old_post = await services.outbox.get("sent-40-days-ago")
        recent_post = await services.outbox.get("sent-20-days-ago")

    assert "aad-20" in actors and "aad-40" not in actors
    assert "system" in actors  # the seeding at first start, moments ago
    assert old_post is None and recent_post is not None
