"""The audit log's entries, and who made a change when it was not a person.

`storage.audit` records and reads them; `dialogs.admin` shows them ("logg").
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

# Actors that are not people.
SYSTEM = "system"  # the bot itself (seeding the registry at first start)
TEAMS = "teams"  # what a Teams event did (the bot added to a team, a channel renamed)


@dataclass(frozen=True)
class AuditEntry:
    """One recorded change."""

    id: int
    at: datetime
    actor: str | None
    action: str  # e.g. "meeting.move", "registry.import", "binding.set", "person.erase"
    network_key: str | None
    subject: str | None
    before: Any
    after: Any

    def as_json(self) -> dict[str, Any]:
        """The entry as a JSON-ready dict."""
        return {
            "id": self.id,
            "at": self.at.isoformat(),
            "actor": self.actor,
            "action": self.action,
            "network": self.network_key,
            "subject": self.subject,
            "before": self.before,
            "after": self.after,
        }
