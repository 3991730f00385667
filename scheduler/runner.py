"""The scheduler loop: plan, store, deliver — every interval, and once at start-up.

`DeliveryRunner.tick(now)` is one round: ask the planners for every post due by
`now + horizon`, store them in the outbox (idempotent by key), then deliver what is
due. APScheduler (`AsyncIOScheduler`, memory only) merely wakes the process: one keyed
interval job, replaced rather than duplicated, never run twice at once, late runs
merged into one. The outbox in the database is the truth about what was sent, so
every replica runs its own scheduler without a shared job store (STACK-NOTES: a
shared job store duplicates or misses runs), and a restart loses nothing: the tick at
start-up catches up with whatever came due while the process was down.

After a tick the job is moved earlier when the outbox has a row due before the next
interval (a post due at 09:00, a Retry-After, a rate-limit hold), so posts go out at
their time rather than up to one interval late.

Every tick counts what it delivered in `counters` (`scheduler.metrics`, served at
`/metrics`), and every line logged during a scheduled tick carries `tick=<id>`; the
worker adds `delivery=<outbox key> attempt=<id>` to the lines of each send.

With a `Housekeeping`, a second keyed job runs it daily (`HOUSEKEEPING_JOB_ID`): the
retention periods apply while the bot runs for months, not only at start. Its purges
are plain DELETEs by age, so replicas need not agree on who runs them.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator, Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any, Protocol

from apscheduler.schedulers.asyncio import AsyncIOScheduler
from apscheduler.triggers.interval import IntervalTrigger

from bot.logs import log_context, new_correlation_id
from scheduler.delivery import DeliveryReport
from scheduler.housekeeping import Housekeeping
from scheduler.metrics import DeliveryCounters
from scheduler.posts import PlannedPost, Planner
from storage.database import is_unavailable

log = logging.getLogger(__name__)

JOB_ID = "outbox-delivery"
HOUSEKEEPING_JOB_ID = "housekeeping"
HOUSEKEEPING_INTERVAL = timedelta(days=1)

# How long a shutdown waits for a running tick.
STOP_TIMEOUT = timedelta(seconds=30)

# Never wake sooner than this after a tick, so a row due "now" cannot spin the loop.
MIN_WAKE_DELAY = timedelta(seconds=1)

# A running scheduler whose last tick (or start) is older than this many intervals is
# stuck: `healthy` says so, and the replica reports itself not ready.
STALE_AFTER_INTERVALS = 3


class Enqueue(Protocol):
    """What the runner needs from `storage.outbox.Outbox`."""

    async def enqueue(self, posts: Sequence[PlannedPost], now: datetime) -> int: ...

    async def next_attempt_at(self) -> datetime | None: ...


class Deliver(Protocol):
    """What the runner needs from `scheduler.delivery.DeliveryWorker`."""

    async def deliver_due(self, now: datetime) -> DeliveryReport: ...


@dataclass(frozen=True)
class TickReport:
    """What one tick did: posts planned, how many were new in the outbox, deliveries."""

    planned: int
    enqueued: int
    delivery: DeliveryReport


class DeliveryRunner:
    """Runs `tick` on an APScheduler interval job; start and stop it with the web app."""

    def __init__(
        self,
        *,
        planners: Sequence[Planner],
        outbox: Enqueue,
        worker: Deliver,
        interval: timedelta,
        horizon: timedelta | None = None,
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
        housekeeping: Housekeeping | None = None,
    ):
        self._planners = tuple(planners)
        self._outbox = outbox
        self._worker = worker
        self._interval = interval
        # Planning one interval ahead lets a post due before the next tick be stored now
        # and sent at its minute (see the module docstring), not an interval late.
        self._horizon = interval if horizon is None else horizon
        self._clock = clock
        self._scheduler: AsyncIOScheduler | None = None
        self._lock = asyncio.Lock()
        self._started_at: datetime | None = None
        self.counters = DeliveryCounters()
        """Posts by outcome and ticks, since this process started."""
        self._housekeeping = housekeeping

    @property
    def last_tick(self) -> datetime | None:
        """When the last tick finished without an error; None before the first one."""
        return self.counters.last_tick

    async def tick(self, now: datetime) -> TickReport:
        """Plan up to `now + horizon`, store the posts, deliver what is due at `now`.

        A planner that fails is logged and skipped: the others' posts and the rows
        already in the outbox still go out.
        """
        posts: list[PlannedPost] = []
        for planner in self._planners:
            try:
                posts += await planner.planned_posts(now + self._horizon)
            except Exception:  # noqa: BLE001 - one broken planner must not stop delivery
                log.exception("planning failed", extra={"planner": type(planner).__name__})
        enqueued = await self._outbox.enqueue(posts, now)
        delivery = await self._worker.deliver_due(now)
        self.counters.add(delivery)
        return TickReport(planned=len(posts), enqueued=enqueued, delivery=delivery)

    def start(self) -> None:
        """Start the scheduler with the interval job, and a first tick right away."""
        scheduler = AsyncIOScheduler(timezone=UTC)
        scheduler.add_job(
            self._scheduled_tick,
            IntervalTrigger(seconds=self._interval.total_seconds(), timezone=UTC),
            id=JOB_ID,
            name="plan and deliver scheduled posts",
            replace_existing=True,
            coalesce=True,  # after a stall, one catch-up run, not one per missed interval
            max_instances=1,
            # APScheduler's default of 1 s would skip a run the event loop was late for;
            # a late tick is still the right thing to do, so it runs however late.
            misfire_grace_time=None,
            next_run_time=datetime.now(UTC),  # the start-up tick: catch up after downtime
        )
        if self._housekeeping is not None:
            # The services ran it at start (`app.open_services`): the first run is a day on.
            scheduler.add_job(
                self.run_housekeeping,
                IntervalTrigger(seconds=HOUSEKEEPING_INTERVAL.total_seconds(), timezone=UTC),
                id=HOUSEKEEPING_JOB_ID,
                name="purge what is past its retention period",
                replace_existing=True,
                coalesce=True,
                max_instances=1,
                misfire_grace_time=None,
            )
        scheduler.start()
        self._scheduler = scheduler
        self._started_at = self._clock()
        log.info("scheduler started", extra={"interval_seconds": self._interval.total_seconds()})

    async def stop(self) -> None:
        """Stop the scheduler, letting a tick in progress finish (up to `STOP_TIMEOUT`).

        Stopping between Teams accepting a post and the row being marked sent is the
        duplicate window of `scheduler.delivery`; waiting keeps a shutdown out of it.
        """
        scheduler, self._scheduler, self._started_at = self._scheduler, None, None
        if scheduler is not None:
            # Paused first: APScheduler's shutdown cancels a running coroutine job, which
            # would cut a tick off mid-send, inside the duplicate window.
            scheduler.pause()
        locked = False
        try:
            await asyncio.wait_for(self._lock.acquire(), STOP_TIMEOUT.total_seconds())
            locked = True
        except TimeoutError:
            log.warning("stopped during a tick; its claimed posts are taken over after the lease")
        try:
            if scheduler is not None:
                scheduler.shutdown(wait=False)  # cancels only a run still waiting for the lock
        finally:
            if locked:
                self._lock.release()
        log.info("scheduler stopped")

    def deliver_soon(self) -> None:
        """Run the next tick now rather than at the interval (a notice was just queued);
        nothing while the scheduler is stopped."""
        scheduler = self._scheduler
        job = scheduler.get_job(JOB_ID) if scheduler is not None else None
        if scheduler is not None and job is not None and job.next_run_time is not None:
            scheduler.modify_job(JOB_ID, next_run_time=datetime.now(UTC))

    @property
    def next_housekeeping_at(self) -> datetime | None:
        """When the daily housekeeping runs next; None while it is not scheduled."""
        job = self._scheduler.get_job(HOUSEKEEPING_JOB_ID) if self._scheduler else None
        return job.next_run_time if job is not None else None

    async def run_housekeeping(self) -> None:
        """One housekeeping run (the daily job); never at the same time as a tick, so
        `stop` waits for it as for a tick."""
        if self._housekeeping is None:
            return
        async with self._lock:
            try:
                await self._housekeeping.run(self._clock())
            except Exception:  # noqa: BLE001 - logged; tomorrow's run tries again
                log.exception("housekeeping failed")

    def healthy(self, now: datetime) -> bool:
        """Whether the scheduler is running and has ticked (or started) recently.

        Recently: within `STALE_AFTER_INTERVALS` intervals of `now`. Counting from the
        start too keeps a replica ready while its first, catching-up tick runs.
        """
        if self._scheduler is None or self._started_at is None:
            return False
        last = max(self._started_at, self.last_tick or self._started_at)
        return now - last <= self._interval * STALE_AFTER_INTERVALS

    async def run_with_app(self, _app: Any) -> AsyncIterator[None]:
        """An aiohttp `cleanup_ctx`: the scheduler runs while the web app does."""
        self.start()
        yield
        await self.stop()

    async def _scheduled_tick(self) -> None:
        async with self._lock:
            with log_context(tick=new_correlation_id()):
                await self._tick_and_wake()

    async def _tick_and_wake(self) -> None:
        now = self._clock()
        try:
            report = await self.tick(now)
        except Exception as err:  # noqa: BLE001 - logged; the next tick tries again
            self.counters.tick_failed()
            if is_unavailable(err):
                # An outage, not a bug: one line per tick, no traceback, until it is back.
                log.warning("scheduled tick skipped: database unavailable (%s)", type(err).__name__)
            else:
                log.exception("scheduled tick failed")
        else:
            self.counters.tick_finished(self._clock())
            delivery = report.delivery
            if report.enqueued or delivery.sent or delivery.retried or delivery.failed:
                log.info(
                    "tick",
                    extra={
                        "planned": report.planned,
                        "enqueued": report.enqueued,
                        "sent": len(delivery.sent),
                        "late": len(delivery.late),
                        "retried": len(delivery.retried),
                        "failed": len(delivery.failed),
                        "undeliverable": len(delivery.undeliverable),
                    },
                )
        await self._wake_for_next_due(now)

    async def _wake_for_next_due(self, now: datetime) -> None:
        scheduler = self._scheduler
        job = scheduler.get_job(JOB_ID) if scheduler is not None else None
        if scheduler is None or job is None or job.next_run_time is None:
            return
        try:
            due = await self._outbox.next_attempt_at()
        except Exception as err:  # noqa: BLE001 - the interval tick comes anyway
            if not is_unavailable(err):
                log.exception("could not read when the next post is due")
            return
        if due is None:
            return
        wake = max(due, now + MIN_WAKE_DELAY)
        if wake < job.next_run_time:
            # An earlier run of the same job (never two at once); the interval counts on
            # from it.
            scheduler.modify_job(JOB_ID, next_run_time=wake)
