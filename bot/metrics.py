"""`GET /metrics`: counters and gauges in the Prometheus text exposition format (0.0.4).

Two kinds of figures, and the difference matters with several replicas:

- **Counters, per process**, since it started: inbound turns by outcome (`TurnCounters`,
  counted by `observe_turns` around `/api/messages`) and posts by delivery outcome
  (`scheduler.metrics.DeliveryCounters`). Each replica counts only what it handled;
  sum them across replicas (`sum(rate(...))`), and expect a reset at each restart.
- **Gauges, database-wide**: outbox rows by status, read with one GROUP BY on every
  scrape. Every replica reports the same figures, the whole truth about the outbox
  (pending, stuck, failed, stale), whichever replica sent or missed a post; take one
  replica's value (`max`), never a sum.

The format is written by hand (a few lines of text, no client library needed); nothing
in it names a person, a conversation or a text. `observe_turns` also gives each inbound
turn its correlation id (`turn=<id>` on every log line of the turn, `observability.logs`).
"""

from __future__ import annotations

import logging
import math
import time
from collections.abc import Awaitable, Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Literal, get_args

from aiohttp import web

from domain.outbox import OutboxStatus
from observability.logs import log_context, new_correlation_id
from scheduler.metrics import DeliveryCounters

logger = logging.getLogger(__name__)

MESSAGES_PATH = "/api/messages"
CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8"

# Every status an outbox row can have, so a status with no rows reads 0, not absent.
OUTBOX_STATUSES: tuple[str, ...] = get_args(OutboxStatus)

TurnOutcome = Literal["2xx", "4xx", "5xx"]


@dataclass
class TurnCounters:
    """Inbound `/api/messages` requests by the class of their HTTP status, per process."""

    by_outcome: dict[TurnOutcome, int] = field(
        default_factory=lambda: {"2xx": 0, "4xx": 0, "5xx": 0}
    )
    # Turns whose handling raised (logged "turn failed"). A failed message turn is still
    # answered (201, with an apology to the user), so its status alone does not show it.
    failed: int = 0

    def count(self, status: int) -> None:
        """Count one answered request (1xx and 3xx never happen; they count as 2xx)."""
        outcome: TurnOutcome = "5xx" if status >= 500 else "4xx" if status >= 400 else "2xx"
        self.by_outcome[outcome] += 1


def observe_turns(counters: TurnCounters) -> Callable:
    """An aiohttp middleware for `/api/messages`: a correlation id per turn, and its count.

    The id is generated, not the activity id: activity ids are chosen by the caller and
    Teams' channel message ids are timestamps, which repeat across channels. The turn's
    summary line logs the activity id beside it.
    """

    @web.middleware
    async def middleware(request: web.Request, handler: Callable) -> web.StreamResponse:
        if request.path != MESSAGES_PATH:
            return await handler(request)
        with log_context(turn=new_correlation_id()):
            try:
                response = await handler(request)
            except web.HTTPException as refused:  # aiohttp's own: 405 for a GET, …
                counters.count(refused.status)
                raise
            except Exception:
                counters.count(500)  # aiohttp answers an escaped exception with a 500
                raise
            counters.count(response.status)
            return response

    return middleware


@dataclass(frozen=True)
class MetricFamily:
    """One metric: its name, type, help line and samples (labels, value)."""

    name: str
    kind: Literal["counter", "gauge"]
    help: str
    samples: Sequence[tuple[Mapping[str, str], float]]


def exposition(families: Iterable[MetricFamily]) -> str:
    """The families as Prometheus text: `# HELP`, `# TYPE`, then a line per sample."""
    lines: list[str] = []
    for family in families:
        lines.append(f"# HELP {family.name} {_escape(family.help, help_text=True)}")
        lines.append(f"# TYPE {family.name} {family.kind}")
        for labels, value in family.samples:
            label_text = ",".join(f'{k}="{_escape(v)}"' for k, v in labels.items())
            name = f"{family.name}{{{label_text}}}" if labels else family.name
            lines.append(f"{name} {_number(value)}")
    return "\n".join(lines) + "\n"


def _escape(text: str, *, help_text: bool = False) -> str:
    text = text.replace("\\", "\\\\").replace("\n", "\\n")
    return text if help_text else text.replace('"', '\\"')


def _number(value: float) -> str:
    if isinstance(value, int) or (math.isfinite(value) and value == int(value)):
        return str(int(value))
    return repr(float(value))


class MetricsEndpoint:
    """`GET /metrics` from this process's counters and the outbox's status counts.

    `deliveries` is None when this process runs no scheduler: its post counters are
    then absent rather than a misleading 0. When the outbox cannot be read the scrape
    still answers, with `samverkan_database_up 0` and no outbox gauges.
    """

    def __init__(
        self,
        *,
        turns: TurnCounters,
        deliveries: DeliveryCounters | None,
        outbox_counts: Callable[[], Awaitable[Mapping[str, int]]],
    ):
        self._turns = turns
        self._deliveries = deliveries
        self._outbox_counts = outbox_counts
        self._started_at = time.time()

    async def handle(self, request: web.Request) -> web.Response:
        """The exposition text of every family."""
        families = [
            MetricFamily(
                "samverkan_process_start_time_seconds",
                "gauge",
                "When this process started (Unix time); the per-process counters count from it.",
                [({}, self._started_at)],
            ),
            MetricFamily(
                "samverkan_turns_total",
                "counter",
                "Requests to /api/messages answered by this process, by HTTP status class.",
                [({"outcome": o}, n) for o, n in self._turns.by_outcome.items()],
            ),
            MetricFamily(
                "samverkan_turns_failed_total",
                "counter",
                "Turns whose handling failed in the bot (the user got an apology, an invoke "
                "a 500); each has a turn failed line in the log.",
                [({}, self._turns.failed)],
            ),
        ]
        if self._deliveries is not None:
            families += _delivery_families(self._deliveries)
        families += await self._outbox_families()
        return web.Response(
            body=exposition(families).encode(), headers={"Content-Type": CONTENT_TYPE}
        )

    async def _outbox_families(self) -> list[MetricFamily]:
        try:
            counts = await self._outbox_counts()
        except Exception as error:  # noqa: BLE001 - a scrape must answer while the DB is down
            logger.warning(
                "metrics: the outbox could not be read", extra={"error": type(error).__name__}
            )
            counts = None
        up = MetricFamily(
            "samverkan_database_up",
            "gauge",
            "1 if the outbox gauges could be read from the database on this scrape, else 0.",
            [({}, 0 if counts is None else 1)],
        )
        if counts is None:
            return [up]
        statuses = [*OUTBOX_STATUSES, *sorted(set(counts) - set(OUTBOX_STATUSES))]
        rows = MetricFamily(
            "samverkan_outbox_rows",
            "gauge",
            "Outbox rows in the whole database by status (all replicas; the same on each).",
            [({"status": s}, counts.get(s, 0)) for s in statuses],
        )
        return [up, rows]


def _delivery_families(counters: DeliveryCounters) -> list[MetricFamily]:
    def counter(name: str, help_text: str, value: int) -> MetricFamily:
        return MetricFamily(name, "counter", help_text, [({}, value)])

    families = [
        counter(
            "samverkan_posts_sent_total",
            "Scheduled posts Teams accepted from this process (late ones included).",
            counters.sent,
        ),
        counter(
            "samverkan_posts_late_total",
            "Posts sent more than 15 minutes after they were due (marked late in the post).",
            counters.late,
        ),
        counter(
            "samverkan_posts_retried_total",
            "Tries given back for later: 429 with Retry-After, 412/502/503/504 or no answer.",
            counters.retried,
        ),
        counter(
            "samverkan_posts_held_total",
            "Posts put back by this process's own rate limit before Teams was asked.",
            counters.held,
        ),
        counter(
            "samverkan_posts_failed_total",
            "Posts given up: refused for good (400/401/403/413/500) or out of tries.",
            counters.failed,
        ),
        counter(
            "samverkan_posts_undeliverable_total",
            "Posts parked: no channel bound, or the bot was removed from the team or chat.",
            counters.undeliverable,
        ),
        MetricFamily(
            "samverkan_scheduler_ticks_total",
            "counter",
            "Scheduler ticks (plan, store, deliver) of this process, by outcome.",
            [({"outcome": "ok"}, counters.ticks), ({"outcome": "failed"}, counters.failed_ticks)],
        ),
    ]
    if counters.last_tick is not None:
        families.append(
            MetricFamily(
                "samverkan_scheduler_last_tick_timestamp_seconds",
                "gauge",
                "When this process's last successful tick finished (Unix time).",
                [({}, counters.last_tick.timestamp())],
            )
        )
    return families
