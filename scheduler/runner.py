"""The scheduler loop: planning at its interval, delivery whenever something is due.

Two activities run side by side, so neither waits for the other:

- **Planning** (`plan`): ask the planners for every post due by `now + horizon` and
  store them in the outbox (idempotent by key). APScheduler (`AsyncIOScheduler`, memory
  only) runs it as one keyed interval job, replaced rather than duplicated, never twice
  at once, late runs merged into one, and once at start-up. Registry, meeting and wheel
  changes and a new day are seen by the next pass. A pass wakes the delivery loop.
- **Delivery** (`deliver`): a task of its own claims and sends due rows at the rate the
  limits allow (`scheduler.delivery`) until none is left, then sleeps until the outbox's
  next due row (a post due at 09:00, a Retry-After, a rate-limit hold), a planning pass
  or `MAX_IDLE`, whichever comes first. A long planning pass never holds it up, and a
  delivery wake never plans.

The outbox in the database is the truth about what was sent, so every replica runs its
own scheduler without a shared job store (STACK-NOTES: a shared job store duplicates or
misses runs), and a restart loses nothing: the pass at start-up catches up with whatever
came due while the process was down.

`tick(now)` is one planning pass followed by one delivery pass: what the loop does over
time, in one call (tests and tools).

Every planning pass counts as a tick in `counters` (`scheduler.metrics`, served at
`/metrics`) and every delivery pass adds what it delivered; every line logged during a
scheduled pass carries `tick=<id>`, and the worker adds `delivery=<outbox key>
attempt=<id>` to the lines of each send.

With a `Housekeeping`, a second keyed job runs it daily (`HOUSEKEEPING_JOB_ID`): the
retention periods apply while the bot runs for months, not only at start. Its purges
are plain DELETEs by age, so replicas need not agree on who runs them.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator, Callable, Sequence
from contextlib import suppress
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any, Protocol

from apscheduler.schedulers.asyncio import AsyncIOScheduler
from apscheduler.triggers.interval import IntervalTrigger

from domain.ports import OutboxPort
from domain.posts import PlannedPost, Planner
from observability.logs import log_context, new_correlation_id
from scheduler.delivery import DeliveryReport
from scheduler.housekeeping import Housekeeping
from scheduler.metrics import DeliveryCounters
from storage.database import is_unavailable

log = logging.getLogger(__name__)

JOB_ID = "plan-posts"
HOUSEKEEPING_JOB_ID = "housekeeping"
HOUSEKEEPING_INTERVAL = timedelta(days=1)

# How long a shutdown waits for a send or a planning pass under way.
STOP_TIMEOUT = timedelta(seconds=30)

# After a delivery pass that sent nothing, never look again sooner than this: a row due
# "now" that another replica holds must not spin the loop.
MIN_WAKE_DELAY = timedelta(seconds=1)

# The longest the delivery loop sleeps without looking at the outbox: rows another
# replica (or an admin's action) stored are seen within this, not only at this
# replica's next planning pass. One indexed query.
MAX_IDLE = timedelta(seconds=5)

# A running scheduler whose last planning pass (or start) is older than this many
# intervals, or whose delivery loop has ended, is stuck: `healthy` says so, and the
# replica reports itself not ready.
STALE_AFTER_INTERVALS = 3


class Deliver(Protocol):
    """What the runner needs from `scheduler.delivery.DeliveryWorker`."""

    async def deliver_due(
        self, now: datetime, stop: asyncio.Event | None = None
    ) -> DeliveryReport: ...


@dataclass(frozen=True)
class PlanReport:
    """What one planning pass did: posts planned, and how many were new in the outbox."""

    planned: int
    enqueued: int


@dataclass(frozen=True)
class TickReport:
    """What one tick did: posts planned, how many were new in the outbox, deliveries."""

    planned: int
    enqueued: int
    delivery: DeliveryReport


class DeliveryRunner:
    """Plans on an APScheduler interval job and delivers in a task of its own; start and
    stop both with the web app."""

    def __init__(
        self,
        *,
        planners: Sequence[Planner],
        outbox: OutboxPort,
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
        # Planning one interval ahead lets a post due before the next pass be stored now
        # and sent at its minute (the delivery loop wakes for it), not an interval late.
        self._horizon = interval if horizon is None else horizon
        self._clock = clock
        self._scheduler: AsyncIOScheduler | None = None
        self._planning = asyncio.Lock()  # planning passes and housekeeping, one at a time
        self._wake = asyncio.Event()
        self._stopping = asyncio.Event()
        self._delivery: asyncio.Task[None] | None = None
        self._started_at: datetime | None = None
        self.counters = DeliveryCounters()
        """Posts by outcome and ticks, since this process started."""
        self._housekeeping = housekeeping

    @property
    def last_tick(self) -> datetime | None:
        """When the last planning pass finished without an error; None before the first."""
        return self.counters.last_tick

    async def plan(self, now: datetime) -> PlanReport:
        """Plan up to `now + horizon` and store the posts in the outbox.

        A planner that fails is logged and skipped: the others' posts still go in.
        """
        posts: list[PlannedPost] = []
        for planner in self._planners:
            try:
                posts += await planner.planned_posts(now + self._horizon)
            except Exception:  # noqa: BLE001 - one broken planner must not stop the others
                log.exception("planning failed", extra={"planner": type(planner).__name__})
        enqueued = await self._outbox.enqueue(posts, now)
        return PlanReport(planned=len(posts), enqueued=enqueued)

    async def deliver(self, now: datetime) -> DeliveryReport:
        """Deliver what is due at `now`, until nothing due is left (or the runner stops)."""
        delivery = await self._worker.deliver_due(now, self._stopping)
        self.counters.add(delivery)
        return delivery

    async def tick(self, now: datetime) -> TickReport:
        """One planning pass, then one delivery pass, at `now`."""
        planned = await self.plan(now)
        delivery = await self.deliver(now)
        return TickReport(planned=planned.planned, enqueued=planned.enqueued, delivery=delivery)

    def start(self) -> None:
        """Start the planning job (a first pass right away) and the delivery loop."""
        scheduler = AsyncIOScheduler(timezone=UTC)
        scheduler.add_job(
            self._scheduled_planning,
            IntervalTrigger(seconds=self._interval.total_seconds(), timezone=UTC),
            id=JOB_ID,
            name="plan scheduled posts",
            replace_existing=True,
            coalesce=True,  # after a stall, one catch-up run, not one per missed interval
            max_instances=1,
            # APScheduler's default of 1 s would skip a run the event loop was late for;
            # a late pass is still the right thing to do, so it runs however late.
            misfire_grace_time=None,
            next_run_time=datetime.now(UTC),  # the start-up pass: catch up after downtime
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
        self._stopping.clear()
        self._wake.clear()
        scheduler.start()
        self._scheduler = scheduler
        self._started_at = self._clock()
        self._delivery = asyncio.create_task(self._deliver_forever(), name="outbox delivery")
        log.info("scheduler started", extra={"interval_seconds": self._interval.total_seconds()})

    async def stop(self) -> None:
        """Stop planning and delivery, letting a send or a pass under way finish (up to
        `STOP_TIMEOUT` in all).

        Stopping between Teams accepting a post and the row being marked sent is the
        duplicate window of `scheduler.delivery`; waiting keeps a shutdown out of it. The
        delivery loop gives back the rest of its claimed rows, so another replica sends
        them at once instead of after the lease.
        """
        scheduler, self._scheduler, self._started_at = self._scheduler, None, None
        delivery, self._delivery = self._delivery, None
        if scheduler is not None:
            # Paused first: APScheduler's shutdown cancels a running coroutine job, which
            # would cut a pass off mid-write.
            scheduler.pause()
        self._stopping.set()
        self._wake.set()
        loop = asyncio.get_running_loop()
        deadline = loop.time() + STOP_TIMEOUT.total_seconds()
        if delivery is not None:
            done, _ = await asyncio.wait({delivery}, timeout=STOP_TIMEOUT.total_seconds())
            if not done:
                log.warning("stopped during a send; its claimed posts are taken over after the lease")
                delivery.cancel()
                with suppress(asyncio.CancelledError):
                    await delivery
        locked = False
        try:
            await asyncio.wait_for(self._planning.acquire(), max(0.0, deadline - loop.time()))
            locked = True
        except TimeoutError:
            log.warning("stopped during a planning pass")
        try:
            if scheduler is not None:
                scheduler.shutdown(wait=False)  # cancels only a run still waiting for the lock
        finally:
            if locked:
                self._planning.release()
        log.info("scheduler stopped")

    def deliver_soon(self) -> None:
        """Look at the outbox now rather than at the next wake (a notice was just queued);
        nothing while the scheduler is stopped. Only the delivery loop wakes: a notice
        needs no planning pass."""
        if self._delivery is not None:
            self._wake.set()

    @property
    def next_housekeeping_at(self) -> datetime | None:
        """When the daily housekeeping runs next; None while it is not scheduled."""
        job = self._scheduler.get_job(HOUSEKEEPING_JOB_ID) if self._scheduler else None
        return job.next_run_time if job is not None else None

    async def run_housekeeping(self) -> None:
        """One housekeeping run (the daily job); never at the same time as a planning
        pass, so `stop` waits for it as for a pass."""
        if self._housekeeping is None:
            return
        async with self._planning:
            try:
                await self._housekeeping.run(self._clock())
            except Exception:  # noqa: BLE001 - logged; tomorrow's run tries again
                log.exception("housekeeping failed")

    def healthy(self, now: datetime) -> bool:
        """Whether the scheduler is running, its delivery loop alive and planning recent.

        Recently: within `STALE_AFTER_INTERVALS` intervals of `now`. Counting from the
        start too keeps a replica ready while its first, catching-up pass runs.
        """
        if self._scheduler is None or self._started_at is None:
            return False
        if self._delivery is None or self._delivery.done():
            return False
        last = max(self._started_at, self.last_tick or self._started_at)
        return now - last <= self._interval * STALE_AFTER_INTERVALS

    async def run_with_app(self, _app: Any) -> AsyncIterator[None]:
        """An aiohttp `cleanup_ctx`: the scheduler runs while the web app does."""
        self.start()
        yield
        await self.stop()

    async def _scheduled_planning(self) -> None:
        async with self._planning:
            if self._stopping.is_set():
                return
            with log_context(tick=new_correlation_id()):
                now = self._clock()
                try:
                    report = await self.plan(now)
                except Exception as err:  # noqa: BLE001 - logged; the next pass tries again
                    self.counters.tick_failed()
                    if is_unavailable(err):
                        # An outage, not a bug: one line per pass, no traceback, until it is back.
                        log.warning(
                            "planning skipped: database unavailable (%s)", type(err).__name__
                        )
                    else:
                        log.exception("planning failed")
                else:
                    self.counters.tick_finished(self._clock())
                    if report.enqueued:
                        log.info(
                            "planned",
                            extra={"planned": report.planned, "enqueued": report.enqueued},
                        )
        # Whatever it stored (this replica or another may have stored it first), the
        # delivery loop looks at the outbox now.
        self._wake.set()

    async def _deliver_forever(self) -> None:
        while not self._stopping.is_set():
            self._wake.clear()
            now = self._clock()
            report: DeliveryReport | None = None
            with log_context(tick=new_correlation_id()):
                try:
                    report = await self.deliver(now)
                except Exception as err:  # noqa: BLE001 - logged; the next wake tries again
                    if is_unavailable(err):
                        log.warning(
                            "delivery skipped: database unavailable (%s)", type(err).__name__
                        )
                    else:
                        log.exception("delivery failed")
                if report is not None and (report.sent or report.retried or report.failed):
                    log.info(
                        "delivered",
                        extra={
                            "sent": len(report.sent),
                            "late": len(report.late),
                            "retried": len(report.retried),
                            "failed": len(report.failed),
                            "undeliverable": len(report.undeliverable),
                            "held": len(report.held),
                        },
                    )
            delay = await self._until_next_due(report)
            if delay > 0 and not self._wake.is_set():
                with suppress(TimeoutError):
                    await asyncio.wait_for(self._wake.wait(), delay)

    async def _until_next_due(self, report: DeliveryReport | None) -> float:
        """Seconds until the delivery loop should look at the outbox again."""
        now = self._clock()
        try:
            due = await self._outbox.next_attempt_at()
        except Exception as err:  # noqa: BLE001 - the next planning pass wakes the loop
            if not is_unavailable(err):
                log.exception("could not read when the next post is due")
            return MAX_IDLE.total_seconds()
        if due is None:
            return MAX_IDLE.total_seconds()
        progressed = report is not None and bool(
            report.sent or report.retried or report.failed or report.undeliverable
        )
        earliest = now if progressed else now + MIN_WAKE_DELAY
        return min(max(due, earliest) - now, MAX_IDLE).total_seconds()
