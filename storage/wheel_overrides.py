"""Annual-wheel entries as admins changed them: overrides on top of the shipped rules.

A network's data file ships its wheel rules (`domain.registry.WheelRule`); an admin may
change an entry from chat (`dialogs.wheel_admin`): when it falls, how long before it is
reminded of, where it is posted, who is responsible, or pause it for a year. Such a
change is stored here, in the database, never written into the data file: a
`WheelOverride` holds only what differs from the shipped rule, so an import of a newer
data file still changes everything the override leaves alone, and "reset" returns to
the file's rule. `domain.wheel` applies overrides wherever deadlines are computed
(the planner, "årshjul", the wheel page).

Every save and reset is recorded in the audit log (`wheel.override`, `wheel.reset`) with
the entry as people read it before and after, in the same transaction.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime
from typing import Any

from sqlalchemy import delete, select

from domain.wheel_overrides import WheelOverride
from storage import audit
from storage.database import Database
from storage.schema import WheelOverrideRow


class WheelOverrideStore:
    """The `wheel_override` table's repository."""

    def __init__(self, database: Database):
        self._database = database

    async def for_network(self, network_key: str) -> dict[str, WheelOverride]:
        """A network's overrides by rule key."""
        async with self._database.snapshot() as session:
            rows = await session.scalars(
                select(WheelOverrideRow).where(WheelOverrideRow.network_key == network_key)
            )
            return {row.rule_key: _override(row) for row in rows}

    async def all(self) -> dict[str, dict[str, WheelOverride]]:
        """Every override: network key -> rule key -> override."""
        found: dict[str, dict[str, WheelOverride]] = defaultdict(dict)
        async with self._database.snapshot() as session:
            rows = await session.scalars(
                select(WheelOverrideRow).order_by(
                    WheelOverrideRow.network_key, WheelOverrideRow.rule_key
                )
            )
            for row in rows:
                found[row.network_key][row.rule_key] = _override(row)
        return dict(found)

    async def save(
        self,
        override: WheelOverride,
        *,
        actor: str | None,
        now: datetime,
        before: dict[str, Any],
        after: dict[str, Any],
    ) -> None:
        """Store `override` (replacing the entry's earlier one); an empty one deletes it.

        `actor`, `before` and `after` (the entry as people read it) go to the audit log,
        which alone keeps who changed it.
        """
        subject = f"wheel {override.rule_key}"
        async with self._database.transaction() as session:
            if override.is_empty():
                await session.execute(_delete(override.network_key, override.rule_key))
            else:
                values = {"changes": override.changes(), "updated_at": now}
                insert = self._database.insert(WheelOverrideRow).values(
                    network_key=override.network_key, rule_key=override.rule_key, **values
                )
                await session.execute(
                    insert.on_conflict_do_update(
                        index_elements=[WheelOverrideRow.network_key, WheelOverrideRow.rule_key],
                        set_=values,
                    )
                )
            await audit.record(
                session,
                action="wheel.override",
                actor=actor,
                at=now,
                network_key=override.network_key,
                subject=subject,
                before=before,
                after=after,
            )

    async def reset(
        self,
        network_key: str,
        rule_key: str,
        *,
        actor: str | None,
        now: datetime,
        before: dict[str, Any],
        after: dict[str, Any],
    ) -> bool:
        """Drop an entry's override: the shipped rule applies again. False if there was none."""
        async with self._database.transaction() as session:
            result = await session.execute(_delete(network_key, rule_key))
            if result.rowcount:
                await audit.record(
                    session,
                    action="wheel.reset",
                    actor=actor,
                    at=now,
                    network_key=network_key,
                    subject=f"wheel {rule_key}",
                    before=before,
                    after=after,
                )
        return bool(result.rowcount)


def _delete(network_key: str, rule_key: str) -> Any:
    return delete(WheelOverrideRow).where(
        WheelOverrideRow.network_key == network_key, WheelOverrideRow.rule_key == rule_key
    )


def _override(row: WheelOverrideRow) -> WheelOverride:
    changes = row.changes or {}

    def ints(key: str) -> tuple[int, ...] | None:
        value = changes.get(key)
        return tuple(int(v) for v in value) if isinstance(value, list) else None

    return WheelOverride(
        network_key=row.network_key,
        rule_key=row.rule_key,
        months=ints("months"),
        day=changes.get("day"),
        offset_days=changes.get("offset_days"),
        lead_days=ints("lead_days"),
        target=changes.get("target"),
        responsible=changes.get("responsible"),
        paused_years=ints("paused_years") or (),
        updated_at=row.updated_at,
    )
