"""Counters of what this process's delivery worker did, since the process started.

`DeliveryCounters.add` sums the `DeliveryReport` of each delivery pass; the runner
calls it after every pass and counts its ticks. They are per process: with several
replicas each counts its own sends, and a restart starts from zero (Prometheus'
`rate()` and `increase()` handle the reset). The whole outbox, whichever replica sent
what, is `storage.outbox.Outbox.count_by_status`, which `/metrics` shows beside them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from scheduler.delivery import DeliveryReport


@dataclass
class DeliveryCounters:
    """Posts by outcome, and scheduler ticks, counted since the process started.

    `sent` includes the `late` ones. `retried` counts every try given back to the outbox
    for later (a 429 with its Retry-After, a 5xx or network error with backoff), so one
    post retried twice and then sent counts 2 retried and 1 sent. `held` counts rows this
    process's own rate limit put back before trying them (Teams was never asked).
    """

    sent: int = 0
    late: int = 0
    retried: int = 0
    held: int = 0
    failed: int = 0
    undeliverable: int = 0
    ticks: int = 0
    failed_ticks: int = 0
    last_tick: datetime | None = field(default=None)

    def add(self, report: DeliveryReport) -> None:
        """Count one delivery pass."""
        self.sent += len(report.sent)
        self.late += len(report.late)
        self.retried += len(report.retried)
        self.held += len(report.held)
        self.failed += len(report.failed)
        self.undeliverable += len(report.undeliverable)

    def tick_finished(self, at: datetime) -> None:
        """Count a tick that planned and delivered without an error."""
        self.ticks += 1
        self.last_tick = at

    def tick_failed(self) -> None:
        """Count a tick that stopped on an error (logged; the next tick tries again)."""
        self.failed_ticks += 1
