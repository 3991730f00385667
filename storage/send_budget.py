"""The tenant's send rate as one budget, shared by every replica through the database.

Teams allows an app about 30-50 requests a second per tenant. Each replica counting its
own sends would let N replicas together send N times that, so the budget lives in one
row per tenant (`send_budget`) that every replica moves on: a send may go at `next_at`,
and reserving it moves `next_at` one spacing (1 / posts per second) further. This is the
"generic cell rate algorithm" without burst tolerance: sends are spaced evenly, so no
second ever holds more than the rate, whichever replicas sent them.

A 429 from Teams sets `blocked_until` to the end of its Retry-After, and no replica
reserves a send before then.

A reservation is only made when its time is near (`within`): a replica that would have
to wait longer gives its post back to the outbox until then instead of holding a slot
it might not use. A replica with several posts to send may reserve several slots in
one transaction (`reserve_many`), all of them within `within`: the same slots, in
order, as that many single reservations would have given it. Slots that pass unused
(nobody had anything to send) are not saved up: the next send after a quiet spell goes
at once, the one after it a spacing later.

Works on SQLite (the write transaction serialises reservations) and PostgreSQL (the row
is locked `FOR UPDATE` for the short transaction).
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import select

from domain.send_budget import Slot
from storage.database import Database
from storage.schema import SendBudgetRow

DEFAULT_POSTS_PER_SECOND = 30.0  # Teams: "about 30-50 per app per tenant"; the safe end


def next_slot(next_at: datetime | None, blocked_until: datetime | None, now: datetime) -> datetime:
    """The earliest time the next send may go, from a budget's state."""
    return max(t for t in (next_at, blocked_until, now) if t is not None)


def spacing(posts_per_second: float) -> timedelta:
    """The time between two sends at `posts_per_second`."""
    if posts_per_second <= 0:
        raise ValueError("the rate must be above 0")
    return timedelta(seconds=1 / posts_per_second)


def slots_within(
    first: datetime, step: timedelta, now: datetime, within: timedelta, count: int
) -> list[datetime]:
    """Up to `count` slots from `first`, one `step` apart, none later than `now + within`."""
    last = now + within
    slots: list[datetime] = []
    at = first
    while len(slots) < count and at <= last:
        slots.append(at)
        at += step
    return slots


class MemorySendBudget:
    """The same budget kept in this process only: for a worker without a database row
    to share (tests, a single process)."""

    def __init__(self, posts_per_second: float = DEFAULT_POSTS_PER_SECOND):
        self._spacing = spacing(posts_per_second)
        self._next_at: dict[str, datetime] = {}
        self._blocked_until: dict[str, datetime] = {}

    async def reserve(self, key: str, now: datetime, within: timedelta) -> Slot:
        """Reserve the next send for `key` if it may go by `now + within`."""
        at = next_slot(self._next_at.get(key), self._blocked_until.get(key), now)
        if at > now + within:
            return Slot(at, reserved=False)
        self._next_at[key] = at + self._spacing
        return Slot(at, reserved=True)

    async def reserve_many(
        self, key: str, now: datetime, within: timedelta, count: int
    ) -> list[Slot]:
        """Reserve up to `count` next sends for `key` that may go by `now + within`.

        At least one slot: when none is near, one unreserved slot saying when.
        """
        at = next_slot(self._next_at.get(key), self._blocked_until.get(key), now)
        slots = slots_within(at, self._spacing, now, within, count)
        if not slots:
            return [Slot(at, reserved=False)]
        self._next_at[key] = slots[-1] + self._spacing
        return [Slot(t, reserved=True) for t in slots]

    @property
    def spacing(self) -> timedelta:
        """The time between two sends."""
        return self._spacing

    async def block(self, key: str, until: datetime) -> None:
        """No send for `key` before `until` (Teams said Retry-After)."""
        self._blocked_until[key] = max(until, self._blocked_until.get(key, until))


class SendBudgetStore:
    """The budget in the `send_budget` table: one rate for all replicas on the database."""

    def __init__(self, database: Database, posts_per_second: float = DEFAULT_POSTS_PER_SECOND):
        self._database = database
        self._spacing = spacing(posts_per_second)
        self._known: set[str] = set()  # keys whose row exists: no insert attempt per send

    async def reserve(self, key: str, now: datetime, within: timedelta) -> Slot:
        """Reserve the next send for `key` if it may go by `now + within`.

        One short transaction; concurrent reservations (any replica) get distinct slots.
        """
        await self._ensure(key, now)
        async with self._database.transaction() as session:
            row = await session.scalar(
                select(SendBudgetRow).where(SendBudgetRow.key == key).with_for_update()
            )
            if row is None:  # deleted meanwhile (by hand): create it on the next call
                self._known.discard(key)
                return Slot(now, reserved=False)
            at = next_slot(row.next_at, row.blocked_until, now)
            if at > now + within:
                return Slot(at, reserved=False)
            row.next_at = at + self._spacing
            return Slot(at, reserved=True)

    async def reserve_many(
        self, key: str, now: datetime, within: timedelta, count: int
    ) -> list[Slot]:
        """Reserve up to `count` next sends for `key` that may go by `now + within`, in one
        short transaction; at least one slot: when none is near, one unreserved slot
        saying when.

        The slots are those `count` calls of `reserve` would have given in a row; other
        replicas' reservations come after the last of them.
        """
        await self._ensure(key, now)
        async with self._database.transaction() as session:
            row = await session.scalar(
                select(SendBudgetRow).where(SendBudgetRow.key == key).with_for_update()
            )
            if row is None:  # deleted meanwhile (by hand): create it on the next call
                self._known.discard(key)
                return [Slot(now, reserved=False)]
            at = next_slot(row.next_at, row.blocked_until, now)
            slots = slots_within(at, self._spacing, now, within, count)
            if not slots:
                return [Slot(at, reserved=False)]
            row.next_at = slots[-1] + self._spacing
            return [Slot(t, reserved=True) for t in slots]

    @property
    def spacing(self) -> timedelta:
        """The time between two sends."""
        return self._spacing

    async def block(self, key: str, until: datetime) -> None:
        """No replica sends for `key` before `until` (Teams said Retry-After)."""
        await self._ensure(key, until)
        async with self._database.transaction() as session:
            row = await session.scalar(
                select(SendBudgetRow).where(SendBudgetRow.key == key).with_for_update()
            )
            if row is not None and (row.blocked_until is None or row.blocked_until < until):
                row.blocked_until = until

    async def _ensure(self, key: str, now: datetime) -> None:
        if key in self._known:
            return
        async with self._database.transaction() as session:
            await session.execute(
                self._database.insert(SendBudgetRow)
                .values(key=key, next_at=now, blocked_until=None)
                .on_conflict_do_nothing(index_elements=[SendBudgetRow.key])
            )
        self._known.add(key)
