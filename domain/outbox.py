"""A scheduled post as the outbox keeps it, and where its delivery stands.

`storage.outbox` stores them (the life of a row is drawn there); `scheduler.delivery`
sends them and `dialogs.posts` lists them.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Literal

from domain.posts import PlannedPost

OutboxStatus = Literal[
    "pending", "claimed", "sent", "late-sent", "stale", "superseded", "failed", "undeliverable"
]

# Statuses a row can still leave by itself; the others are final until an operator acts
# (or, for undeliverable, until the channel comes back: `requeue_undeliverable`).
OPEN_STATUSES: tuple[OutboxStatus, ...] = ("pending", "claimed")


@dataclass(frozen=True)
class OutboxEntry:
    """A stored post and where its delivery stands."""

    post: PlannedPost
    status: OutboxStatus
    attempts: int
    next_attempt_at: datetime
    claimed_by: str | None
    claimed_until: datetime | None
    last_error: str | None  # "503 ServiceUnavailable", "429 retry-after=3", … never a token
    conversation_id: str | None  # the channel (or personal chat) it was sent to
    activity_id: str | None  # the Teams message id it got
    sent_at: datetime | None
    late: bool
    created_at: datetime

    @property
    def key(self) -> str:
        return self.post.key
