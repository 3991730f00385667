"""Housekeeping: personal data is deleted once its retention period is over.

What is purged, and after how long (`RetentionPeriods`, from the settings):

- audit log entries older than `AUDIT_RETENTION_DAYS`;
- scheduled posts that are finished (sent, stale, failed, undeliverable) and went stale
  more than `OUTBOX_RETENTION_DAYS` ago: their texts name role holders. Pending and
  claimed posts are never purged;
- received minutes files the bot gave up uploading (`failed`) and nobody touched for
  `FAILED_UPLOAD_RETENTION_DAYS`: the file and the sender's name. A file still being
  filed is kept however old (the sender was promised it is not lost); a filed one left
  the table when it was filed;
- received files waiting for their sender to pick the meeting, once they are older than
  `RECEIVED_FILE_LIFETIME` (a day): from then on the picking card no longer takes them.

`Housekeeping.run` runs when the services open (the bot and every CLI command) and
daily while the bot runs (`scheduler.runner`). Every purge is a plain DELETE by age,
so it is idempotent and harmless when several replicas run it at once.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable
from dataclasses import dataclass
from datetime import datetime, timedelta

from domain.minutes import RECEIVED_FILE_LIFETIME
from domain.ports import AuditPort, MinutesPort, OutboxPort

log = logging.getLogger(__name__)

# The planners re-plan a post until it has been stale for their look-back (7 days,
# `services.planning`, `services.minutes`); a post purged before would be posted again.
# Retention is kept well beyond that.
MIN_OUTBOX_RETENTION = timedelta(days=30)


@dataclass(frozen=True)
class RetentionPeriods:
    """How long each kind of record is kept."""

    audit_log: timedelta = timedelta(days=730)
    outbox: timedelta = timedelta(days=180)
    failed_uploads: timedelta = timedelta(days=90)

    def __post_init__(self) -> None:
        if self.outbox < MIN_OUTBOX_RETENTION:
            raise ValueError(
                f"outbox retention {self.outbox.days} days is too short: scheduled posts "
                f"are kept at least {MIN_OUTBOX_RETENTION.days} days, or they would be "
                "planned and posted again"
            )


@dataclass(frozen=True)
class HousekeepingReport:
    """What one run deleted; None where that purge failed (it is logged)."""

    audit_entries: int | None
    posts: int | None
    failed_uploads: int | None
    received_files: int | None = None


class Housekeeping:
    """Deletes what is past its retention period."""

    def __init__(
        self,
        *,
        audit_log: AuditPort,
        outbox: OutboxPort,
        uploads: MinutesPort,
        retention: RetentionPeriods,
    ):
        self._audit_log = audit_log
        self._outbox = outbox
        self._uploads = uploads
        self.retention = retention

    async def run(self, now: datetime) -> HousekeepingReport:
        """Purge every kind of record older than its retention at `now`.

        A purge that fails is logged and the others still run; the next run tries again.
        """
        retention = self.retention
        report = HousekeepingReport(
            audit_entries=await _purge(
                "audit log", self._audit_log.purge(now - retention.audit_log)
            ),
            posts=await _purge("outbox", self._outbox.purge_finished(now - retention.outbox)),
            failed_uploads=await _purge(
                "failed uploads", self._uploads.purge_failed(now - retention.failed_uploads)
            ),
            # Not a setting: past its lifetime a file is of no use (the picking card
            # refuses it).
            received_files=await _purge(
                "received files", self._uploads.purge_received(now - RECEIVED_FILE_LIFETIME)
            ),
        )
        if report.audit_entries or report.posts or report.failed_uploads or report.received_files:
            log.info(
                "housekeeping",
                extra={
                    "audit_entries": report.audit_entries,
                    "posts": report.posts,
                    "failed_uploads": report.failed_uploads,
                    "received_files": report.received_files,
                },
            )
        return report


async def _purge(what: str, purge: Awaitable[int]) -> int | None:
    try:
        return await purge
    except Exception:  # noqa: BLE001 - one failed purge must not stop the others
        log.exception("housekeeping purge failed", extra={"purge": what})
        return None
