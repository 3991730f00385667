"""The outbox on SQLite and on PostgreSQL: stored once, claimed by one worker, leases expire."""

from __future__ import annotations

import asyncio
from datetime import date, timedelta

import pytest

from domain.posts import Countdown, Mention
from storage.database import Database
from storage.outbox import Outbox
from tests.scheduler.planned import START, post

LEASE = timedelta(minutes=5)


@pytest.fixture
def outbox(database: Database) -> Outbox:
    return Outbox(database)


async def test_enqueueing_the_same_posts_again_stores_nothing_new(outbox: Outbox) -> None:
    first = [post("agenda:1"), post("agenda:2", "maltider")]
    assert await outbox.enqueue(first, START) == 2

    # Planned again (a restart, a second replica), even with a different text.
    again = [post("agenda:1", text="ändrad"), post("agenda:2", "maltider"), post("agenda:3")]
    assert await outbox.enqueue(again, START + timedelta(minutes=1)) == 1

    stored = await outbox.get("agenda:1")
    assert stored is not None
    assert (stored.status, stored.post.text) == ("pending", "Påminnelse agenda:1")
    claimed = await outbox.claim_due("w1", START, 10, LEASE)
    assert sorted(e.key for e in claimed) == ["agenda:1", "agenda:2", "agenda:3"]


async def test_a_post_round_trips_with_its_card_mentions_and_language(outbox: Outbox) -> None:
    planned = post(
        "wheel:budget",
        "general",
        language="en",
        card={"type": "AdaptiveCard", "body": [{"type": "TextBlock", "text": "<at>Anna</at>"}]},
        mentions=(Mention("Anna", "6b1e3f3a-aaaa"),),
        kind="wheel",
    )
    await outbox.enqueue([planned], START)

    (claimed,) = await outbox.claim_due("w1", START, 10, LEASE)

    assert claimed.post == planned
    assert (claimed.status, claimed.attempts, claimed.claimed_by) == ("claimed", 1, "w1")


async def test_a_post_already_stale_is_stored_as_stale_and_never_claimed(outbox: Outbox) -> None:
    old = post("agenda:old", due_at=START - timedelta(days=3), stale_after=timedelta(days=1))

    await outbox.enqueue([old], START)

    assert await outbox.claim_due("w1", START, 10, LEASE) == []
    stored = await outbox.get("agenda:old")
    assert stored is not None and stored.status == "stale"


async def test_only_due_rows_are_claimed_and_a_claimed_row_is_not_claimed_twice(
    outbox: Outbox,
) -> None:
    await outbox.enqueue([post("now"), post("later", due_at=START + timedelta(hours=1))], START)
    long_lease = timedelta(hours=2)

    assert [e.key for e in await outbox.claim_due("w1", START, 10, long_lease)] == ["now"]
    assert await outbox.claim_due("w2", START + timedelta(minutes=1), 10, long_lease) == []
    later = await outbox.claim_due("w2", START + timedelta(hours=1), 10, long_lease)
    assert [e.key for e in later] == ["later"]


async def test_a_dead_workers_claim_is_taken_over_after_the_lease(outbox: Outbox) -> None:
    await outbox.enqueue([post("agenda:1")], START)
    await outbox.claim_due("dead", START, 10, LEASE)  # ... and the process dies here

    assert await outbox.claim_due("alive", START + LEASE - timedelta(seconds=1), 10, LEASE) == []
    (taken,) = await outbox.claim_due("alive", START + LEASE, 10, LEASE)

    assert (taken.claimed_by, taken.attempts) == ("alive", 2)
    assert "lease of dead expired" in (taken.last_error or "")
    # The dead worker's late verdict no longer counts; the new holder's does.
    assert not await outbox.mark_failed("agenda:1", "500", worker_id="dead")
    assert await outbox.mark_sent(
        "agenda:1", "1700", False, conversation_id="19:x", sent_at=START + LEASE
    )
    stored = await outbox.get("agenda:1")
    assert stored is not None
    assert (stored.status, stored.activity_id, stored.claimed_by) == ("sent", "1700", None)


async def test_a_row_past_stale_after_when_due_is_marked_stale_not_claimed(
    outbox: Outbox,
) -> None:
    await outbox.enqueue([post("agenda:1", stale_after=timedelta(hours=2))], START)

    assert await outbox.claim_due("w1", START + timedelta(hours=3), 10, LEASE) == []
    stored = await outbox.get("agenda:1")
    assert stored is not None and stored.status == "stale"


async def test_a_reminder_a_newer_one_replaces_is_recorded_as_superseded_with_its_countdown(
    outbox: Outbox,
) -> None:
    countdown = Countdown(date(2026, 3, 19), "om 7 dagar")
    older = post("wheel:x:30d", due_at=START - timedelta(days=23), stale_after=timedelta(days=2),
                 superseded_by="wheel:x:7d")  # fmt: skip
    waiting = post("wheel:x:7d", stale_after=timedelta(hours=2), superseded_by="wheel:x:0d",
                   countdown=countdown)  # fmt: skip

    await outbox.enqueue([older, waiting], START - timedelta(minutes=1))
    assert await outbox.claim_due("w1", START + timedelta(hours=3), 10, LEASE) == []

    stored_older, stored_waiting = await outbox.get("wheel:x:30d"), await outbox.get("wheel:x:7d")
    assert stored_older is not None and stored_older.status == "superseded"
    assert stored_waiting is not None and stored_waiting.status == "superseded"
    assert stored_waiting.post.superseded_by == "wheel:x:0d"
    assert stored_waiting.post.countdown == countdown
    assert (await outbox.count_by_status()) == {"superseded": 2}


async def test_a_retry_waits_and_a_throttle_gives_the_attempt_back(outbox: Outbox) -> None:
    await outbox.enqueue([post("agenda:1")], START)
    await outbox.claim_due("w1", START, 10, LEASE)
    await outbox.mark_retry(
        "agenda:1", START + timedelta(seconds=30), "503 ServiceUnavailable", worker_id="w1"
    )

    assert await outbox.claim_due("w1", START + timedelta(seconds=29), 10, LEASE) == []
    (again,) = await outbox.claim_due("w1", START + timedelta(seconds=30), 10, LEASE)
    assert (again.attempts, again.last_error) == (2, "503 ServiceUnavailable")

    await outbox.mark_retry(
        "agenda:1", START + timedelta(minutes=1), "429", worker_id="w1", count_attempt=False
    )
    stored = await outbox.get("agenda:1")
    assert stored is not None and (stored.status, stored.attempts) == ("pending", 1)


async def test_recording_a_send_twice_reports_the_duplicate(outbox: Outbox) -> None:
    await outbox.enqueue([post("agenda:1")], START)
    await outbox.claim_due("w1", START, 10, LEASE)

    first = await outbox.mark_sent("agenda:1", "1", True, conversation_id="19:x", sent_at=START)
    second = await outbox.mark_sent("agenda:1", "2", False, conversation_id="19:x", sent_at=START)

    assert (first, second) == (True, False)
    stored = await outbox.get("agenda:1")
    assert stored is not None
    assert (stored.status, stored.activity_id, stored.late) == ("late-sent", "1", True)


async def test_a_send_recorded_and_claims_given_back_are_seen_by_another_replica_at_once(
    database: Database,
) -> None:
    """`mark_sent` and `release_many` commit by themselves (no transaction around them):
    another connection sees them as soon as they return, and nothing else changed."""
    outbox = Outbox(database)
    await outbox.enqueue([post(f"agenda:{n}") for n in range(4)], START)
    await outbox.claim_due("w1", START, 10, LEASE)
    other = Database(database.url)
    try:
        assert await outbox.mark_sent(
            "agenda:0", "act-0", False, conversation_id="19:x", sent_at=START
        )
        later = START + timedelta(seconds=5)
        # agenda:3 was taken over by another worker: it stays with that one.
        assert await Outbox(other).release("agenda:3", "w1", START)
        (taken,) = await Outbox(other).claim_due("w2", START, 1, LEASE)
        assert await outbox.release_many(["agenda:1", "agenda:2", taken.key], "w1", later) == 2

        seen = {key: await Outbox(other).get(key) for key in (f"agenda:{n}" for n in range(4))}
    finally:
        await other.close()
    sent = seen["agenda:0"]
    assert sent is not None
    assert (sent.status, sent.activity_id, sent.sent_at, sent.claimed_by) == (
        "sent", "act-0", START, None
    )
    for key in ("agenda:1", "agenda:2"):
        entry = seen[key]
        assert entry is not None
        assert (entry.status, entry.attempts, entry.next_attempt_at, entry.claimed_by) == (
            "pending", 0, later, None
        )
    kept = seen[taken.key]
    assert kept is not None and (kept.status, kept.claimed_by) == ("claimed", "w2")


async def test_undeliverable_rows_of_a_network_are_requeued(outbox: Outbox) -> None:
    await outbox.enqueue(
        [post("bs:1"), post("erad:1", "general", network="erad")], START
    )
    for entry in await outbox.claim_due("w1", START, 10, LEASE):
        await outbox.mark_undeliverable(entry.key, "no channel bound", worker_id="w1")

    assert await outbox.requeue_undeliverable("bestservice", START + timedelta(hours=1)) == 1

    (requeued,) = await outbox.claim_due("w1", START + timedelta(hours=1), 10, LEASE)
    assert requeued.key == "bs:1"
    erad = await outbox.get("erad:1")
    assert erad is not None and erad.status == "undeliverable"


async def test_the_overview_lists_a_networks_recent_and_open_rows(outbox: Outbox) -> None:
    long_ago = START - timedelta(days=40)
    await outbox.enqueue([post("old-sent", due_at=long_ago)], long_ago)
    (old,) = await outbox.claim_due("w1", long_ago, 10, LEASE)
    await outbox.mark_sent(old.key, "1", False, conversation_id="19:x", sent_at=long_ago)
    await outbox.enqueue(
        [
            post("old-stale", due_at=long_ago, stale_after=timedelta(hours=1)),
            post("recent-stale", due_at=START - timedelta(days=2), stale_after=timedelta(hours=1)),
            post("upcoming", due_at=START + timedelta(days=1)),
            post("other-network", network="erad"),
        ],
        START,
    )

    overview = await outbox.overview("bestservice", START - timedelta(days=30))

    assert [(e.key, e.status) for e in overview] == [
        ("recent-stale", "stale"),
        ("upcoming", "pending"),
    ]


async def test_two_replicas_claiming_at_once_never_get_the_same_row(database: Database) -> None:
    replicas = [database, Database(database.url)]  # two processes' connection pools
    try:
        outboxes = [Outbox(replica) for replica in replicas]
        await outboxes[0].enqueue([post(f"agenda:{n:02}") for n in range(60)], START)

        async def claim_all(outbox: Outbox, worker: str) -> list[str]:
            keys: list[str] = []
            while batch := await outbox.claim_due(worker, START, 3, LEASE):
                keys += [entry.key for entry in batch]
            return keys

        first, second = await asyncio.gather(
            claim_all(outboxes[0], "replica-1"), claim_all(outboxes[1], "replica-2")
        )
    finally:
        await replicas[1].close()

    assert not set(first) & set(second)
    assert sorted(first + second) == [f"agenda:{n:02}" for n in range(60)]
