"""The tenant's send budget in the database: one rate, whichever replica reserves."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

from storage.database import Database
from storage.send_budget import SendBudgetStore

NOW = datetime(2026, 12, 7, 9, 0, tzinfo=UTC)
TENANT = "72f988bf-86f1-41af-91ab-2d7cd011db47"


async def test_three_replicas_reserving_at_once_get_distinct_slots_at_the_rate(database):
    others = [Database(database.url) for _ in range(2)]
    try:
        budgets = [SendBudgetStore(db, posts_per_second=10) for db in (database, *others)]

        async def reserve_all(budget: SendBudgetStore) -> list[datetime]:
            slots = []
            for _ in range(10):
                slot = await budget.reserve(TENANT, NOW, within=timedelta(seconds=5))
                assert slot.reserved
                slots.append(slot.at)
            return slots

        slots = sorted(s for found in await asyncio.gather(*map(reserve_all, budgets)) for s in found)
    finally:
        for db in others:
            await db.close()

    # 30 sends at 10 a second: one every 100 ms from now on, none shared, none early.
    assert slots == [NOW + timedelta(milliseconds=100 * n) for n in range(30)]


async def test_a_slot_too_far_off_is_not_taken_and_a_block_holds_every_replica(database):
    other = Database(database.url)
    try:
        first = SendBudgetStore(database, posts_per_second=2)
        second = SendBudgetStore(other, posts_per_second=2)
        within = timedelta(milliseconds=600)

        assert (await first.reserve(TENANT, NOW, within)).at == NOW
        assert (await second.reserve(TENANT, NOW, within)).at == NOW + timedelta(seconds=0.5)
        # The next would be a second off: not reserved, so it is still free afterwards.
        refused = await first.reserve(TENANT, NOW, within)
        assert (refused.at, refused.reserved) == (NOW + timedelta(seconds=1), False)
        later = NOW + timedelta(seconds=0.5)
        assert (await first.reserve(TENANT, later, within)).at == NOW + timedelta(seconds=1)

        # Teams said 429 with Retry-After: 30 to one replica; the other waits as well.
        await first.block(TENANT, NOW + timedelta(seconds=30))
        blocked = await second.reserve(TENANT, NOW + timedelta(seconds=2), within)
        assert (blocked.at, blocked.reserved) == (NOW + timedelta(seconds=30), False)
        after = await second.reserve(TENANT, NOW + timedelta(seconds=30), within)
        assert (after.at, after.reserved) == (NOW + timedelta(seconds=30), True)
        # Another tenant has a budget of its own.
        assert (await second.reserve("other-tenant", NOW, within)).at == NOW
    finally:
        await other.close()


async def test_several_slots_in_one_reservation_are_the_ones_single_reservations_give(database):
    other = Database(database.url)
    try:
        batch = SendBudgetStore(database, posts_per_second=10)
        single = SendBudgetStore(other, posts_per_second=10)
        within = timedelta(milliseconds=450)

        # Ten wanted, but only those within 450 ms are reserved: five, 100 ms apart.
        slots = await batch.reserve_many(TENANT, NOW, within, 10)
        assert [(s.at, s.reserved) for s in slots] == [
            (NOW + timedelta(milliseconds=100 * n), True) for n in range(5)
        ]
        # Another replica's next send comes after them; the one after that is too far off.
        after = await single.reserve(TENANT, NOW, timedelta(seconds=1))
        assert (after.at, after.reserved) == (NOW + timedelta(seconds=0.5), True)
        (refused,) = await batch.reserve_many(TENANT, NOW, within, 3)
        assert (refused.at, refused.reserved) == (NOW + timedelta(seconds=0.6), False)
        later = NOW + timedelta(seconds=0.6)
        assert [s.at for s in await batch.reserve_many(TENANT, later, within, 2)] == [
            later, later + timedelta(milliseconds=100)
        ]

        # A 429 blocks every replica's batches too.
        await single.block(TENANT, NOW + timedelta(seconds=30))
        (blocked,) = await batch.reserve_many(TENANT, NOW + timedelta(seconds=1), within, 4)
        assert (blocked.at, blocked.reserved) == (NOW + timedelta(seconds=30), False)
    finally:
        await other.close()
