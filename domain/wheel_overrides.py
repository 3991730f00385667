"""What an admin changed of an annual-wheel entry, on top of the rule its data file ships."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

NO_RESPONSIBLE = ""  # `responsible` of an override that names nobody (the rule names someone)


@dataclass(frozen=True)
class WheelOverride:
    """What an admin changed of one wheel rule; None: as the data file says.

    `months` and `day` replace a yearly rule's months and day of the month (`day` -1:
    the month's last day); `offset_days` replaces a rule relative to meetings' offset
    (negative: before the meeting). `responsible` `NO_RESPONSIBLE` names nobody.
    `paused_years`: years in which the entry has no dates at all.
    """

    network_key: str
    rule_key: str
    months: tuple[int, ...] | None = None
    day: int | None = None
    offset_days: int | None = None
    lead_days: tuple[int, ...] | None = None
    target: str | None = None
    responsible: str | None = None
    paused_years: tuple[int, ...] = ()
    updated_at: datetime | None = None

    def is_empty(self) -> bool:
        """True when it changes nothing: the shipped rule stands as it is."""
        return not self.changes()

    def changes(self) -> dict[str, Any]:
        """What it changes, as stored (JSON)."""
        stored: dict[str, Any] = {}
        if self.months is not None:
            stored["months"] = list(self.months)
        if self.day is not None:
            stored["day"] = self.day
        if self.offset_days is not None:
            stored["offset_days"] = self.offset_days
        if self.lead_days is not None:
            stored["lead_days"] = list(self.lead_days)
        if self.target is not None:
            stored["target"] = self.target
        if self.responsible is not None:
            stored["responsible"] = self.responsible
        if self.paused_years:
            stored["paused_years"] = sorted(self.paused_years)
        return stored
