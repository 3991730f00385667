"""The audit log: every change made through the bot or the command line.

Repositories call `record` inside the transaction that makes the change, so a change
and its entry are committed together or not at all. `AuditLog` reads the log for
admins ("logg", `app.py audit`) and purges entries older than the retention period
(`scheduler.housekeeping`: at start and daily).

For data protection (`storage.personal_data`), `entries_naming` finds the entries that
name a person and `redact_entries` replaces those names with a placeholder.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from domain.audit import AuditEntry
from storage.database import Database
from storage.schema import AuditRow

log = logging.getLogger(__name__)

DEFAULT_RETENTION_DAYS = 730


async def record(
    session: AsyncSession,
    *,
    action: str,
    actor: str | None,
    at: datetime | None = None,
    network_key: str | None = None,
    subject: str | None = None,
    before: Any = None,
    after: Any = None,
) -> None:
    """Add an entry in `session`'s transaction; it is committed with the change it records."""
    session.add(
        AuditRow(
            at=at or datetime.now(UTC),
            actor=actor,
            action=action,
            network_key=network_key,
            subject=subject,
            before=before,
            after=after,
        )
    )


class AuditLog:
    """Reading and purging the audit log."""

    def __init__(self, database: Database):
        self._database = database

    async def entries(
        self,
        *,
        network_key: str | None = None,
        since: datetime | None = None,
        limit: int | None = None,
    ) -> list[AuditEntry]:
        """Entries, newest first: all, or a network's, or those at or after `since`."""
        query = select(AuditRow).order_by(AuditRow.at.desc(), AuditRow.id.desc())
        if network_key is not None:
            query = query.where(AuditRow.network_key == network_key)
        if since is not None:
            query = query.where(AuditRow.at >= since)
        if limit is not None:
            query = query.limit(limit)
        async with self._database.snapshot() as session:
            return [_entry(row) for row in await session.scalars(query)]

    async def purge(self, older_than: datetime) -> int:
        """Delete the entries made before `older_than`; returns how many."""
        async with self._database.transaction() as session:
            result = await session.execute(delete(AuditRow).where(AuditRow.at < older_than))
        purged = max(result.rowcount or 0, 0)
        if purged:
            log.info(
                "audit log purged", extra={"entries": purged, "before": older_than.isoformat()}
            )
        return purged


async def entries_naming(session: AsyncSession, needles: Iterable[str]) -> list[AuditEntry]:
    """The entries whose actor is one of `needles` or whose before/after mention one.

    Compared case-insensitively. The log is read whole: JSON columns cannot be searched
    alike on SQLite and PostgreSQL, and a data-protection request is rare.
    """
    folded = folded_needles(needles)
    if not folded:
        return []
    rows = await session.scalars(select(AuditRow).order_by(AuditRow.at, AuditRow.id))
    return [_entry(row) for row in rows if _names(row, folded)]


async def redact_entries(session: AsyncSession, needles: Iterable[str], placeholder: str) -> int:
    """Replace every mention of `needles` in actors and before/after; returns entries changed."""
    folded = folded_needles(needles)
    changed = 0
    for row in await session.scalars(select(AuditRow)):
        if not _names(row, folded):
            continue
        if row.actor is not None and row.actor.casefold() in folded:
            row.actor = placeholder
        row.before = redact(row.before, folded, placeholder)
        row.after = redact(row.after, folded, placeholder)
        row.subject = redact(row.subject, folded, placeholder)
        changed += 1
    await session.flush()
    return changed


def redact(value: Any, needles: Iterable[str], placeholder: str) -> Any:
    """`value` (JSON: dicts, lists, strings) with every occurrence of `needles` replaced."""
    if isinstance(value, str):
        # Longest first, so a name is replaced whole before a shorter needle inside it.
        for needle in sorted(needles, key=len, reverse=True):
            value = _replace_folded(value, needle, placeholder)
        return value
    if isinstance(value, list):
        return [redact(item, needles, placeholder) for item in value]
    if isinstance(value, dict):
        return {key: redact(item, needles, placeholder) for key, item in value.items()}
    return value


def mentions(value: Any, needles: Iterable[str]) -> bool:
    """Whether `value` (JSON) contains one of the case-folded `needles`."""
    if isinstance(value, str):
        folded = value.casefold()
        return any(needle in folded for needle in needles)
    if isinstance(value, list):
        return any(mentions(item, needles) for item in value)
    if isinstance(value, dict):
        return any(mentions(item, needles) for item in value.values())
    return False


def folded_needles(needles: Iterable[str]) -> set[str]:
    """`needles` case-folded for `mentions` and `redact`, blank ones left out (a blank
    needle would match everything)."""
    return {needle.casefold() for needle in needles if needle and needle.strip()}


def _names(row: AuditRow, folded: set[str]) -> bool:
    return (row.actor is not None and row.actor.casefold() in folded) or mentions(
        [row.subject, row.before, row.after], folded
    )


def _replace_folded(text: str, needle: str, placeholder: str) -> str:
    """`text` with every case-insensitive occurrence of the folded `needle` replaced."""
    if not needle:
        return text
    parts, start, folded = [], 0, text.casefold()
    # Case folding keeps the length of the letters names and addresses use here.
    while (found := folded.find(needle, start)) >= 0:
        parts.append(text[start:found] + placeholder)
        start = found + len(needle)
    return "".join(parts) + text[start:]


def _entry(row: AuditRow) -> AuditEntry:
    return AuditEntry(
        id=row.id,
        at=row.at,
        actor=row.actor,
        action=row.action,
        network_key=row.network_key,
        subject=row.subject,
        before=row.before,
        after=row.after,
    )
