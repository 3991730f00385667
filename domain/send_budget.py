"""A reservation of the tenant's send rate (`storage.send_budget`): when a post may go."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True)
class Slot:
    """When a send may go; `reserved` False: too far off, nothing was reserved."""

    at: datetime
    reserved: bool
