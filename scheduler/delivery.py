"""Delivery of due outbox rows to Teams: claim, respect the limits, send, record.

`DeliveryWorker.deliver_due(now)` claims due rows (`storage.outbox`), finds each row's
channel through the bindings, waits its turn under Teams' rate limits, sends through a
`SenderPort` (the Teams edge, `bot.proactive`) and records the outcome on the row. Plain
Python: the clock, the random source and the sender are given, so tests run on a fixed
clock against a loopback connector.

What is guaranteed
------------------
- **Never skipped.** A post is a row before anything is sent; the row stays pending or
  claimed until an outcome is recorded. A crash, a restart or an outage leaves it due,
  and the next tick of any replica claims it (a claim is a lease: `lease` after a
  worker died its rows are claimed again). Missed posts that are still useful are sent
  late and marked so (`late-sent`); after `stale_after` a post is marked stale instead,
  listed in the overview, never posted into the channel.
- **Not repeated, except in one window.** Rows are claimed in a transaction
  (`FOR UPDATE SKIP LOCKED` on PostgreSQL, the single writer on SQLite), so two workers
  never hold the same row, and a sent row is never claimed again. The Bot Connector API
  has no idempotency key, though: if a process dies (or the database is unreachable)
  after Teams accepted a post and before the row is marked sent, the takeover sends it
  again. Delivery is therefore *at least once* in that window, and exactly once outside
  it. The window is kept small: the row is marked sent in its own short transaction
  straight after the connector answers, before anything else; the connector call has a
  timeout well inside the lease, and a worker never starts a send whose lease could run
  out during it, so a live worker is never overtaken mid-send. The same holds for a
  timeout or a 502/504 after the request reached Teams: it is retried, because dropping
  it could lose the post, and that retry may show it twice. A takeover is logged with
  the dead worker's id and noted on the row ("delivery unknown"); a second `mark_sent`
  is logged as a possible duplicate.
- **Nothing dropped silently.** Every failure is recorded on the row (`last_error`:
  HTTP status and the connector's error code, never a token) and logged: throttling
  (429) waits `Retry-After` without using up a try; 412/502/503/504 and network errors
  back off exponentially with jitter up to `max_attempts`, then fail; 400/401/403/413/
  500 fail at once; 403 `BotNotInConversationRoster` marks the team's references
  inactive and 404 the channel's, and the row undeliverable until the bot is installed
  again (`storage.outbox.Outbox.requeue_undeliverable`). A row whose network has no
  channel bound is undeliverable for the same reason.

Posts to one person
-------------------
A post whose target names a person (`domain.posts.Recipient`) goes to their personal
chat: the stored reference of that chat (saved when they talk to the bot), or else a
chat the bot opens (`SenderPort.open_personal_chat`) through the serviceUrl and tenant of
the network's team, whose reference is then stored. Teams answers 403 or 404 when the
app is not installed for that person: the post is undeliverable with a reason starting
`PERSONAL_CHAT_UNREACHABLE` (the overview says so), the person's stored chat (if any)
inactive, and nothing else is affected: the team's channels stay active. A personal
chat is a conversation like a channel, with the same per-thread limits.

Rate limits
-----------
The tenant's rate (`TENANT_POSTS_PER_SECOND`, 30 a second by default) is one budget for
every replica, kept in the database (`storage.send_budget`): each send reserves the next
slot of it, so N replicas together stay under the rate, and a 429 blocks the tenant's
budget until its Retry-After for all of them. Teams' per-thread windows
(`THREAD_LIMITS`) are counted per process: a fan-out posts once per channel, so
replicas seldom share a thread within a second, and a 429 there is handled as above.

A send whose turn comes within `MAX_PAUSE` waits for it and goes; one further off is
given back to the outbox until then (`held`). So a fan-out goes out at the rate the
limits allow, one post after another, without waiting for the next wake.

What one post costs
-------------------
A fan-out is many posts due at once, so the work that does not need doing per post is
done per claimed batch: the claim itself, the channels of all its posts (one query,
`Channels.channel_references`) and the budget's slots for the batch's posts of one
tenant (one transaction, `SendBudget.reserve_many`), all within `MAX_PAUSE`, so a 429
another replica gets reaches these sends as soon as it reached a single reservation,
and as many as this worker can use in time (on a busy machine, where a send takes
longer, fewer, but still several). What stays per post is the send and recording it as
sent (one statement), in that order, before the next send starts: that
order is what keeps the duplicate window to the one post in flight.
"""

from __future__ import annotations

import asyncio
import logging
import os
import random
import socket
import uuid
from collections import defaultdict, deque
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from domain.conversations import StoredReference
from domain.outbox import OutboxEntry
from domain.ports import ConversationPort, OutboxPort, SendBudgetPort, SenderPort
from domain.posts import GENERAL_CHANNEL, PERSONAL_CHAT_UNREACHABLE
from domain.send_budget import Slot
from observability.logs import log_context, new_correlation_id
from storage.send_budget import MemorySendBudget
from views.posts import as_sent

log = logging.getLogger(__name__)

Clock = Callable[[], datetime]
Sleep = Callable[[float], Awaitable[None]]

# Teams' limits per bot per thread (a channel is one thread for new posts): at most
# `count` sends in any `window`. The per-tenant rate is a shared budget (`SendBudgetPort`).
THREAD_LIMITS: tuple[tuple[int, timedelta], ...] = (
    (7, timedelta(seconds=1)),
    (8, timedelta(seconds=2)),
    (60, timedelta(seconds=30)),
    (1800, timedelta(hours=1)),
)

# A send whose turn under the limits comes within this long waits for it; a later one
# goes back to the outbox until its turn (the runner wakes for it).
MAX_PAUSE = timedelta(milliseconds=500)

# Statuses Teams asks to retry with backoff; None is no response at all (network, timeout).
TRANSIENT_STATUSES = frozenset({412, 502, 503, 504, None})

# Error codes that mean the conversation is gone for the bot until it is installed again.
NOT_IN_ROSTER = "BotNotInConversationRoster"

# How long after `due_at` a send counts as late (and says so in the post).
LATE_AFTER = timedelta(minutes=15)

# The longest one send may take (the sender gives up then), and the most posts one claim
# takes: with the default lease of five minutes, 10 posts of at most 20 s.
SEND_TIMEOUT = timedelta(seconds=20)
MAX_BATCH_SIZE = 10


def sends_within(lease: timedelta) -> tuple[timedelta, int]:
    """The send timeout and batch size that keep a claimed batch well inside `lease`.

    A send may take at most a quarter of the lease (and `SEND_TIMEOUT`), and a batch
    holds what fits in two thirds of it, so `DeliveryWorker` never starts a send its
    lease may not cover.
    """
    send_timeout = min(SEND_TIMEOUT, lease / 4)
    return send_timeout, max(1, min(MAX_BATCH_SIZE, int(lease / (send_timeout * 1.5))))


def process_worker_id() -> str:
    """A worker id unique to this process: host, pid and a random part (containers reuse pids)."""
    return f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"


class SendError(Exception):
    """The connector refused a post: its HTTP status, error code and Retry-After.

    `status` is None when no response came at all (connection refused, timeout).
    """

    def __init__(
        self, status: int | None, code: str | None = None, retry_after: float | None = None
    ):
        self.status = status
        self.code = code
        self.retry_after = retry_after
        super().__init__(describe_error(status, code, retry_after))


def describe_error(status: int | None, code: str | None, retry_after: float | None = None) -> str:
    """What is recorded in `last_error`: "503 ServiceUnavailable", "429 retry-after=3"."""
    parts = [str(status) if status is not None else "no response"]
    if code:
        parts.append(code)
    if retry_after is not None:
        parts.append(f"retry-after={retry_after:g}")
    return " ".join(parts)


class RateLimiter:
    """Sliding windows per key: at most `count` events in any `window`, for each pair.

    Sliding windows are exactly the form of Teams' limits ("8 in 2 seconds"), so holding
    to them here means Teams never has to say 429 to this process.
    """

    def __init__(self, limits: Sequence[tuple[int, timedelta]]):
        self._limits = tuple(limits)
        self._longest = max(window for _, window in self._limits)
        self._events: dict[str, deque[datetime]] = defaultdict(deque)
        self._blocked_until: dict[str, datetime] = {}

    def next_allowed(self, key: str, now: datetime) -> datetime | None:
        """When the next event for `key` may happen; None if it may happen now."""
        events = self._events[key]
        while events and events[0] <= now - self._longest:
            events.popleft()
        candidates = [self._blocked_until.get(key, now)]
        for count, window in self._limits:
            recent = [t for t in events if t > now - window]
            if len(recent) >= count:
                # Allowed once the oldest event that fills the window has left it.
                candidates.append(recent[len(recent) - count] + window)
        allowed = max(candidates)
        return allowed if allowed > now else None

    def record(self, key: str, now: datetime) -> None:
        """Count an event for `key` at `now`."""
        self._events[key].append(now)

    def block(self, key: str, until: datetime) -> None:
        """Allow no event for `key` before `until` (Teams said Retry-After)."""
        self._blocked_until[key] = max(until, self._blocked_until.get(key, until))


@dataclass(frozen=True)
class RetryPolicy:
    """How long to wait before trying a transient failure again, and how often.

    The wait doubles per attempt from `base` up to `cap`, and is drawn between half
    and all of that ("equal jitter"), so replicas that failed together spread out but
    no retry comes immediately.
    """

    base: timedelta = timedelta(seconds=30)
    cap: timedelta = timedelta(minutes=30)
    max_attempts: int = 8
    throttle_default: timedelta = timedelta(seconds=10)  # a 429 without Retry-After

    def backoff(self, attempts: int, rng: random.Random) -> timedelta:
        """The wait after the `attempts`-th failed try."""
        ceiling = min(self.cap, self.base * (2 ** max(attempts - 1, 0)))
        return ceiling * rng.uniform(0.5, 1.0)


@dataclass
class DeliveryReport:
    """What one `deliver_due` pass did, by key."""

    sent: list[str] = field(default_factory=list)
    late: list[str] = field(default_factory=list)  # also in `sent`
    retried: list[str] = field(default_factory=list)
    held: list[str] = field(default_factory=list)  # rate limit: released, not attempted
    failed: list[str] = field(default_factory=list)
    undeliverable: list[str] = field(default_factory=list)


class DeliveryWorker:
    """Sends due outbox rows; one per process, with an id naming it in claims and logs.

    `lease` must comfortably exceed `batch_size` sends at the sender's timeout
    (`send_timeout`): a worker sends a claimed batch one post after another and never
    starts a send with less than `send_timeout` of its lease left. `budget` is the
    tenant's rate shared with the other replicas (`storage.send_budget.SendBudgetStore`;
    without one the worker keeps a budget of its own); `sleep` is how a pause for a rate
    limit waits (a test's fake clock moves on instead).
    """

    def __init__(
        self,
        *,
        outbox: OutboxPort,
        channels: ConversationPort,
        sender: SenderPort,
        worker_id: str,
        clock: Clock = lambda: datetime.now(UTC),
        rng: random.Random | None = None,
        retry: RetryPolicy = RetryPolicy(),
        batch_size: int = MAX_BATCH_SIZE,
        lease: timedelta = timedelta(minutes=5),
        send_timeout: timedelta = SEND_TIMEOUT,
        budget: SendBudgetPort | None = None,
        sleep: Sleep = asyncio.sleep,
    ):
        if lease <= send_timeout * batch_size:
            raise ValueError("the lease must outlast a whole batch of sends at their timeout")
        self._outbox = outbox
        self._channels = channels
        self._sender = sender
        self.worker_id = worker_id
        self._clock = clock
        self._rng = rng or random.Random()
        self._retry = retry
        self._batch_size = batch_size
        self._lease = lease
        self._send_timeout = send_timeout
        self._threads = RateLimiter(THREAD_LIMITS)
        # Without a shared budget (tests, a single process) this worker keeps its own.
        self._budget: SendBudgetPort = budget if budget is not None else MemorySendBudget()
        self._sleep = sleep
        # Slots of the budget reserved and not used yet, per tenant, earliest first.
        self._slots: dict[str, deque[datetime]] = {}
        # How long one send and its record take, smoothed: several slots are reserved at
        # once only as far as they can be used in time (`_usable_slots`), not late and
        # bunched, nor skipped and lost to the other replicas.
        self._send_seconds: float | None = None

    async def deliver_due(
        self, now: datetime, stop: asyncio.Event | None = None
    ) -> DeliveryReport:
        """Claim and deliver every row due at `now`, batch after batch, until none is left.

        `now` is the current time (the runner reads the same clock). Sends wait their
        turn under the rate limits when it is near (`MAX_PAUSE`); rows that cannot go
        soon (rate limit, retry later) are returned to the outbox with a later
        `next_attempt_at`, and a batch of nothing but such rows ends the pass. Once
        `stop` is set, the rest of the claimed batch is given back and the pass ends
        (the send under way, if any, finishes and is recorded first).
        """
        report = DeliveryReport()
        try:
            while True:
                batch = await self._outbox.claim_due(
                    self.worker_id, now, self._batch_size, self._lease
                )
                held_before = len(report.held)
                channels = await self._channels_of(batch)
                for index, entry in enumerate(batch):
                    if stop is not None and stop.is_set():
                        await self._outbox.release_many(
                            [rest.key for rest in batch[index:]], self.worker_id, self._clock()
                        )
                        return report
                    # Every line of this send, the edge sender's too, names the row and the try.
                    with log_context(delivery=entry.key, attempt=new_correlation_id()):
                        await self._deliver(entry, report, channels, batch[index + 1 :])
                if len(batch) < self._batch_size or len(report.held) - held_before == len(batch):
                    return report
                now = max(now, self._clock())
        finally:
            # Slots left over are not kept to a later pass: the budget has moved on.
            self._slots.clear()

    async def _channels_of(
        self, batch: Sequence[OutboxEntry]
    ) -> dict[tuple[str, str | None], StoredReference | None]:
        """The channels of the batch's channel posts, in one query."""
        targets = sorted(
            {_channel_target(entry) for entry in batch if entry.post.target.person is None},
            key=lambda target: (target[0], target[1] or ""),
        )
        if not targets:
            return {}
        return await self._channels.channel_references(targets)

    async def _deliver(
        self,
        entry: OutboxEntry,
        report: DeliveryReport,
        channels: dict[tuple[str, str | None], StoredReference | None] | None = None,
        rest: Sequence[OutboxEntry] = (),
    ) -> None:
        """Deliver one claimed row. `channels`: the batch's channels as found at its claim
        (a channel found gone during the batch empties it: the rest look again); `rest`:
        the batch's rows after this one, for which slots of the budget may be reserved
        together with this one's."""
        channels = {} if channels is None else channels
        now = self._clock()
        key = entry.key
        if entry.claimed_until is None or now + self._send_timeout >= entry.claimed_until:
            # Too little lease left to send safely: another worker may take the row over.
            await self._outbox.release(key, self.worker_id, now)
            report.held.append(key)
            return
        target = entry.post.target
        group_key = None if target.channel == GENERAL_CHANNEL else target.channel
        if target.person is not None:
            channel = await self._personal_chat(entry, group_key, report)
            if channel is None:
                return
            now = self._clock()
            if now + self._send_timeout >= entry.claimed_until:
                # Opening the chat used up the lease: the chat is stored, the next claim sends.
                await self._outbox.release(key, self.worker_id, now)
                report.held.append(key)
                return
        else:
            wanted = (target.network_key, group_key)
            if wanted in channels:
                channel = channels[wanted]
            else:
                channel = await self._channels.channel_reference(target.network_key, group_key)
            if channel is None or not channel.active:
                reason = "no channel bound" if channel is None else "channel inactive"
                await self._undeliverable(entry, reason, report)
                return
        conversation_id = channel.conversation_id
        tenant_id = channel.tenant_id
        # This post and the batch's later posts to the same tenant with a channel.
        same_tenant = 1 + sum(
            1
            for later in rest
            if later.post.target.person is None
            and (found := channels.get(_channel_target(later))) is not None
            and found.active
            and found.tenant_id == tenant_id
        )
        turn = await self._turn(entry, report, tenant_id, conversation_id, same_tenant)
        if turn is None:
            return
        now = turn

        late = now - entry.post.due_at > LATE_AFTER
        post = as_sent(entry.post, now, late=late)
        self._threads.record(conversation_id, now)
        try:
            activity_id = await self._sender.send(channel.reference, post)
        except SendError as err:
            if err.status in (403, 404):
                channels.clear()  # the channel or team may be gone: the rest look again
            await self._refused(entry, channel, err, report)
            return
        except Exception as err:  # noqa: BLE001 - a bug must not lose the post: retry, logged
            log.exception("sending a post failed unexpectedly", extra={"key": key})
            await self._transient(entry, f"internal {type(err).__name__}", report)
            return
        # Recorded before anything else: this is the duplicate window (module docstring).
        recorded = await self._outbox.mark_sent(
            key, activity_id, late, conversation_id=conversation_id, sent_at=self._clock()
        )
        took = max((self._clock() - now).total_seconds(), 0.0)
        self._send_seconds = (
            took if self._send_seconds is None else 0.7 * self._send_seconds + 0.3 * took
        )
        if not recorded:
            log.warning(
                "post sent again: it was recorded as sent already (possible duplicate)",
                extra={"key": key, "activity_id": activity_id},
            )
        report.sent.append(key)
        if late:
            report.late.append(key)
        log.info(
            "post sent",
            extra={
                "key": key,
                "activity_id": activity_id,
                "late": late,
                "attempts": entry.attempts,
            },
        )

    async def _turn(
        self,
        entry: OutboxEntry,
        report: DeliveryReport,
        tenant_id: str | None,
        conversation_id: str | None,
        same_tenant: int = 1,
    ) -> datetime | None:
        """Wait for the send's turn under the thread's limits and the tenant's budget.

        Returns the time it may go (the clock after any pause), or None when the turn
        is further off than `MAX_PAUSE` or the lease would not cover the send after the
        pause: the row is then given back to the outbox (`held`). `same_tenant`: how many
        sends to this tenant the batch has from this one on (slots for them may be
        reserved now).
        """
        now = self._clock()
        thread = (
            self._threads.next_allowed(conversation_id, now)
            if conversation_id is not None
            else None
        )
        if thread is not None and thread - now > MAX_PAUSE:
            return await self._hold(entry, report, thread)
        slot = await self._slot(tenant_id or "", now, same_tenant)
        if not slot.reserved:
            return await self._hold(entry, report, slot.at)
        turn = max(slot.at, thread or now)
        if turn > now:
            await self._sleep((turn - now).total_seconds())
            now = self._clock()
        if now - turn > MAX_PAUSE:
            # Starved past its turn (a busy process): sent now it would bunch with later
            # slots, or land in a Retry-After another replica got meanwhile. So no send
            # leaves more than MAX_PAUSE after its slot; this one waits for the next.
            return await self._hold(entry, report, now)
        claimed_until = entry.claimed_until
        if claimed_until is None or now + self._send_timeout >= claimed_until:
            return await self._hold(entry, report, now)
        return now

    async def _slot(self, tenant: str, now: datetime, wanted: int) -> Slot:
        """The next slot of the tenant's budget: one reserved earlier that has not passed
        yet (or only just), else newly reserved, with up to `wanted - 1` more for the
        sends after this one while sends keep up with the spacing."""
        held = self._slots.get(tenant)
        # A slot more than half a spacing past is skipped (the worker was held up): sent
        # now, it would bunch with the next ones and go over the rate in some second.
        while held and now - held[0] > self._budget.spacing / 2:
            held.popleft()
        if held:
            return Slot(held.popleft(), reserved=True)
        count = min(wanted, self._usable_slots())
        if count > 1:
            first, *later = await self._budget.reserve_many(tenant, now, MAX_PAUSE, count)
            if later:
                self._slots[tenant] = deque(slot.at for slot in later)
            return first
        return await self._budget.reserve(tenant, now, MAX_PAUSE)

    def _usable_slots(self) -> int:
        """How many slots in a row this worker can use in time (none later than half a
        spacing): all while a send and its record take less than the spacing; fewer as
        they take longer (each slot is used that much later than the one before); one
        before the first send, or once they take half as long again as the spacing."""
        if self._send_seconds is None:
            return 1
        spacing = self._budget.spacing.total_seconds()
        behind = self._send_seconds - spacing
        if behind <= 0:
            return MAX_BATCH_SIZE
        return 1 + int(spacing / 2 / behind)

    async def _hold(self, entry: OutboxEntry, report: DeliveryReport, until: datetime) -> None:
        await self._outbox.release(entry.key, self.worker_id, until)
        report.held.append(entry.key)
        log.debug(
            "post held by the rate limit", extra={"key": entry.key, "until": until.isoformat()}
        )

    async def _personal_chat(
        self, entry: OutboxEntry, group_key: str | None, report: DeliveryReport
    ) -> StoredReference | None:
        """The person's personal chat: stored, or opened now through the network's team.

        None when the post was dealt with instead (undeliverable, retried, failed).
        """
        person = entry.post.target.person
        assert person is not None
        stored = await self._channels.personal_reference(person.entra_object_id)
        if stored is not None:
            return stored
        # Any active channel of the network's team knows the serviceUrl and tenant to open
        # the chat through: the post's own channel first, else General.
        target = entry.post.target
        team = await self._channels.channel_reference(target.network_key, group_key)
        if (team is None or not team.active) and group_key is not None:
            team = await self._channels.channel_reference(target.network_key, None)
        if team is None or not team.active:
            await self._undeliverable(
                entry, f"{PERSONAL_CHAT_UNREACHABLE}: no team of the network to open it", report
            )
            return None
        turn = await self._turn(entry, report, team.tenant_id, None)
        if turn is None:
            return None
        now = turn
        try:
            reference = await self._sender.open_personal_chat(
                team.reference, person.entra_object_id, team.tenant_id
            )
        except SendError as err:
            if err.status in (403, 404):
                error = describe_error(err.status, err.code, err.retry_after)
                await self._undeliverable(
                    entry,
                    f"{PERSONAL_CHAT_UNREACHABLE}: {error} (is the app installed for them?)",
                    report,
                )
            else:
                await self._refused(entry, team, err, report, opening=True)
            return None
        except Exception as err:  # noqa: BLE001 - a bug must not lose the post: retry, logged
            log.exception("opening a personal chat failed unexpectedly", extra={"key": entry.key})
            await self._transient(entry, f"internal {type(err).__name__}", report)
            return None
        await self._channels.save_reference(
            reference, tenant_id=team.tenant_id, team_id=None, channel_id=None, kind="personal"
        )
        log.info("personal chat opened", extra={"key": entry.key})
        return StoredReference(
            conversation_id=reference["conversation"]["id"],
            reference=reference,
            tenant_id=team.tenant_id,
            team_id=None,
            channel_id=None,
            kind="personal",
            updated_at=now,
        )

    async def _refused(
        self,
        entry: OutboxEntry,
        channel: StoredReference,
        err: SendError,
        report: DeliveryReport,
        *,
        opening: bool = False,
    ) -> None:
        # `opening`: the refusal came when opening a personal chat through `channel`, the
        # team's reference, which says nothing about the team itself (`_personal_chat`
        # deals with a 403 or 404 there, so only the status-only branches below apply).
        error = describe_error(err.status, err.code, err.retry_after)
        if err.status == 429:
            wait = (
                timedelta(seconds=err.retry_after)
                if err.retry_after is not None
                else self._retry.throttle_default
            )
            until = self._clock() + wait
            if not opening:
                self._threads.block(channel.conversation_id, until)
            # Whatever Teams throttled, every replica holds back until then: this one's
            # slots reserved before the 429 are given up too.
            self._slots.pop(channel.tenant_id or "", None)
            await self._budget.block(channel.tenant_id or "", until)
            await self._outbox.mark_retry(
                entry.key, until, error, worker_id=self.worker_id, count_attempt=False
            )
            report.retried.append(entry.key)
            log.warning("throttled by Teams", extra={"key": entry.key, "error": error})
        elif err.status in TRANSIENT_STATUSES:
            await self._transient(entry, error, report)
        elif channel.kind == "personal" and err.status in (403, 404):
            # The person removed the app, or the chat is gone: ask Teams afresh next time.
            await self._channels.set_active(channel.conversation_id, False)
            await self._undeliverable(entry, f"{PERSONAL_CHAT_UNREACHABLE}: {error}", report)
        elif (err.status == 403 and err.code == NOT_IN_ROSTER) or err.status == 404:
            await self._channel_gone(channel, err)
            await self._undeliverable(entry, error, report)
        else:
            await self._outbox.mark_failed(entry.key, error, worker_id=self.worker_id)
            report.failed.append(entry.key)
            log.error("post refused by Teams", extra={"key": entry.key, "error": error})

    async def _transient(self, entry: OutboxEntry, error: str, report: DeliveryReport) -> None:
        if entry.attempts >= self._retry.max_attempts:
            await self._outbox.mark_failed(
                entry.key, f"{error}; gave up after {entry.attempts} attempts",
                worker_id=self.worker_id,
            )
            report.failed.append(entry.key)
            log.error(
                "post failed: out of attempts",
                extra={"key": entry.key, "error": error, "attempts": entry.attempts},
            )
            return
        next_attempt = self._clock() + self._retry.backoff(entry.attempts, self._rng)
        await self._outbox.mark_retry(entry.key, next_attempt, error, worker_id=self.worker_id)
        report.retried.append(entry.key)
        log.warning(
            "post will be retried",
            extra={
                "key": entry.key,
                "error": error,
                "attempts": entry.attempts,
                "next_attempt_at": next_attempt.isoformat(),
            },
        )

    async def _channel_gone(self, channel: StoredReference, err: SendError) -> None:
        # Not in the roster means the bot left the whole team; a 404 is this channel only.
        if err.status == 403 and channel.team_id:
            await self._channels.set_team_active(channel.team_id, False)
        else:
            await self._channels.set_active(channel.conversation_id, False)
        log.warning(
            "channel no longer reachable: reference made inactive until the bot is reinstalled",
            extra={"conversation_id": channel.conversation_id, "status": err.status,
                   "code": err.code},
        )

    async def _undeliverable(self, entry: OutboxEntry, error: str, report: DeliveryReport) -> None:
        await self._outbox.mark_undeliverable(entry.key, error, worker_id=self.worker_id)
        report.undeliverable.append(entry.key)
        log.warning(
            "post undeliverable",
            extra={
                "key": entry.key,
                "network": entry.post.target.network_key,
                "channel": entry.post.target.channel,
                "error": error,
            },
        )


def _channel_target(entry: OutboxEntry) -> tuple[str, str | None]:
    """(network key, group key) of the channel a channel post goes to (None: General)."""
    target = entry.post.target
    return target.network_key, None if target.channel == GENERAL_CHANNEL else target.channel
