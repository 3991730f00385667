"""Calendar subscription links: which token hashes open which network's or group's feed.

A subscription link carries a token; this table keeps only the token's SHA-256, the
scope it opens (a network, or one group of it) and its generation. The token itself is
never stored: `services.calendar_feed.CalendarLinks` derives it from a key outside the
database and the generation, so the bot can show the same link again while a copy of
the database opens nothing. Revoking a scope ends its current generation; the next link
of that scope is a new generation with a new token.

Creating and revoking are recorded in the audit log (`calendar.link`, `calendar.revoke`),
without the token or its hash.
"""

from __future__ import annotations

import logging
from datetime import datetime

from sqlalchemy import func, select

from domain.calendar_tokens import CalendarScope, CalendarToken
from storage import audit
from storage.database import Database
from storage.schema import CalendarTokenRow

log = logging.getLogger(__name__)

_WHOLE_NETWORK = ""  # group_key of a network-wide link (see CalendarTokenRow)


class CalendarTokenStore:
    """The `calendar_token` table's repository."""

    def __init__(self, database: Database):
        self._database = database

    async def current(self, scope: CalendarScope) -> CalendarToken | None:
        """The scope's live link, or None (never made, or revoked since)."""
        async with self._database.snapshot() as session:
            row = await session.scalar(
                select(CalendarTokenRow)
                .where(*_in_scope(scope), CalendarTokenRow.revoked_at.is_(None))
                .order_by(CalendarTokenRow.generation.desc())
                .limit(1)
            )
            return _token(row) if row is not None else None

    async def next_generation(self, scope: CalendarScope) -> int:
        """The generation a new link of the scope gets: one past every earlier one."""
        async with self._database.snapshot() as session:
            highest = await session.scalar(
                select(func.max(CalendarTokenRow.generation)).where(*_in_scope(scope))
            )
            return (highest or 0) + 1

    async def add(
        self,
        scope: CalendarScope,
        generation: int,
        token_sha256: str,
        *,
        actor: str | None,
        now: datetime,
    ) -> CalendarToken:
        """Store a new live link of the scope (a replica that stored the same one first
        wins; its row is returned)."""
        async with self._database.transaction() as session:
            insert = self._database.insert(CalendarTokenRow).values(
                network_key=scope.network_key,
                group_key=scope.group_key or _WHOLE_NETWORK,
                generation=generation,
                token_sha256=token_sha256,
                created_at=now,
                revoked_at=None,
            )
            result = await session.execute(insert.on_conflict_do_nothing())
            if result.rowcount:
                await audit.record(
                    session, action="calendar.link", actor=actor, at=now,
                    network_key=scope.network_key, subject=_subject(scope),
                    after={"generation": generation},
                )  # fmt: skip
            row = await session.scalar(
                select(CalendarTokenRow).where(*_in_scope(scope)).where(
                    CalendarTokenRow.generation == generation
                )
            )
            assert row is not None
            token = _token(row)
        if result.rowcount:
            log.info(
                "calendar link created",
                extra={"network": scope.network_key, "group": scope.group_key},
            )
        return token

    async def revoke(self, scope: CalendarScope, *, actor: str | None, now: datetime) -> int:
        """Revoke the scope's live links; returns how many there were (0: nothing to do)."""
        async with self._database.transaction() as session:
            rows = list(
                await session.scalars(
                    select(CalendarTokenRow).where(
                        *_in_scope(scope), CalendarTokenRow.revoked_at.is_(None)
                    )
                )
            )
            for row in rows:
                row.revoked_at = now
            if rows:
                await audit.record(
                    session, action="calendar.revoke", actor=actor, at=now,
                    network_key=scope.network_key, subject=_subject(scope),
                    before={"generations": [row.generation for row in rows]},
                )  # fmt: skip
        if rows:
            log.info(
                "calendar link revoked",
                extra={"network": scope.network_key, "group": scope.group_key},
            )
        return len(rows)

    async def scope_of(self, token_sha256: str) -> CalendarScope | None:
        """The scope a live link with this token hash opens; None for any other hash."""
        async with self._database.snapshot() as session:
            row = await session.scalar(
                select(CalendarTokenRow).where(
                    CalendarTokenRow.token_sha256 == token_sha256,
                    CalendarTokenRow.revoked_at.is_(None),
                )
            )
            return _scope(row) if row is not None else None


def _in_scope(scope: CalendarScope) -> tuple[object, ...]:
    return (
        CalendarTokenRow.network_key == scope.network_key,
        CalendarTokenRow.group_key == (scope.group_key or _WHOLE_NETWORK),
    )


def _subject(scope: CalendarScope) -> str:
    where = scope.network_key + (f"/{scope.group_key}" if scope.group_key else "")
    return f"calendar {where}"


def _scope(row: CalendarTokenRow) -> CalendarScope:
    return CalendarScope(row.network_key, row.group_key or None)


def _token(row: CalendarTokenRow) -> CalendarToken:
    return CalendarToken(
        scope=_scope(row),
        generation=row.generation,
        token_sha256=row.token_sha256,
        created_at=row.created_at,
    )
