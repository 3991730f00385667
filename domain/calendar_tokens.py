"""Calendar subscription links: the scope a link opens and the live link of a scope.

Plain data: `storage.calendar_tokens` keeps a link's token hash and generation,
`services.calendar_feed` derives the token and serves the feed.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True)
class CalendarScope:
    """What a link opens: a network's calendar, or one group's (`group_key`)."""

    network_key: str
    group_key: str | None = None


@dataclass(frozen=True)
class CalendarToken:
    """A live (not revoked) link of a scope: its generation and token hash."""

    scope: CalendarScope
    generation: int
    token_sha256: str
    created_at: datetime
