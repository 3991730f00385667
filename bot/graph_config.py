"""How the bot reaches Microsoft Graph (`GraphConfig`), without loading msgraph-sdk.

`bot.graph` holds the Graph edge itself; importing it loads msgraph-sdk (about 30 MiB and
0.3 s), which a process without Graph credentials (local mode, most command-line
commands) never needs; one with them loads it when Graph is first needed
(`bot.graph_clients`: a serving bot in its warm-up thread, after it starts answering).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

__all__ = ["CHUNK_UNIT", "GRAPH_BASE_URL", "GraphConfig"]

GRAPH_BASE_URL = "https://graph.microsoft.com/v1.0"

# Upload session chunks must be multiples of 320 KiB (and each request under 60 MiB).
CHUNK_UNIT = 320 * 1024


@dataclass(frozen=True)
class GraphConfig:
    """How to reach Graph: app-only credentials and the limits of this edge."""

    tenant_id: str = ""
    client_id: str = ""
    client_secret: str = field(default="", repr=False)
    certificate_path: Path | None = None
    base_url: str = GRAPH_BASE_URL
    timeout_seconds: float = 60.0
    retries: int = 3  # tries after the first, for 5xx answers and time-outs
    backoff_seconds: float = 2.0  # doubled on every retry
    chunk_size: int = 10 * CHUNK_UNIT  # 3.2 MiB
    simple_upload_limit: int = 4 * 1024 * 1024  # larger files go through a session

    @property
    def configured(self) -> bool:
        """Whether there are credentials to use."""
        return bool(
            self.tenant_id and self.client_id and (self.client_secret or self.certificate_path)
        )
