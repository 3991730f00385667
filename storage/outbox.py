"""The outbox: every scheduled post, stored once, claimed by one worker, sent once.

One row per `domain.posts.PlannedPost`, keyed by the post's deterministic key, so
planning the same post again (a second replica, a restart) finds the row instead of
adding one. A post to one person keeps them in `person_entra_object_id` (lower-case:
registry files and Teams write a GUID in either case) and `person_name`. A row's life:

    pending ──claim──▶ claimed ──▶ sent | late-sent          (Teams accepted it)
       ▲                  │  └────▶ failed                    (not worth retrying, or out of tries)
       │                  │  └────▶ undeliverable             (no active channel, or a person
       │                  │                                    without the app; see requeue)
       └──── retry ───────┘
    pending/claimed past `stale_after` ──▶ stale              (never posted: shown in the overview)
                                       └─▶ superseded         (the same, for a reminder a newer
                                                               one of its occurrence replaces)

Claiming is safe across replicas: on PostgreSQL `SELECT … FOR UPDATE SKIP LOCKED`
hands each due row to one transaction, on SQLite the write transaction itself
(BEGIN IMMEDIATE, see `storage.database`) lets one writer claim at a time. A claim is
a lease: a row still `claimed` after `claimed_until` belonged to a worker that died,
and the next claim takes it over. What that means for a post that Teams accepted
just before its worker died is spelled out in `scheduler.delivery`.
"""

from __future__ import annotations

import html
import logging
import re
import string
from collections.abc import Callable, Iterable
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import and_, bindparam, delete, func, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from domain.outbox import OPEN_STATUSES, OutboxEntry, OutboxStatus
from domain.posts import Countdown, Mention, PlannedPost, Recipient, Target
from storage import audit
from storage.database import Database
from storage.schema import OutboxRow

log = logging.getLogger(__name__)

# Rows inserted per statement, and keys looked up per statement: far below both
# databases' bound-parameter limits.
_INSERT_CHUNK = 200
_KEYS_CHUNK = 500


# `Outbox.mark_sent`'s statement, built once.
_MARK_SENT = (
    update(OutboxRow)
    .where(
        OutboxRow.key == bindparam("sent_key"),
        OutboxRow.status.not_in(("sent", "late-sent")),
    )
    .values(
        status=bindparam("sent_status"),
        activity_id=bindparam("sent_activity_id"),
        conversation_id=bindparam("sent_conversation_id"),
        sent_at=bindparam("sent_sent_at", type_=OutboxRow.sent_at.type),
        late=bindparam("sent_late"),
        claimed_by=None,
        claimed_until=None,
    )
)


class Outbox:
    """The `outbox` table's repository."""

    def __init__(self, database: Database):
        self._database = database

    async def enqueue(self, posts: Iterable[PlannedPost], now: datetime) -> int:
        """Store posts not stored yet; returns how many were new.

        A post whose key is stored already is left as it is, whatever its status, so
        enqueueing is idempotent. A post already past `stale_after` is stored as stale (or
        superseded) directly: it is recorded (the overview lists it) but never sent.
        """
        posts = list(posts)
        added = 0
        async with self._database.transaction() as session:
            for start in range(0, len(posts), _KEYS_CHUNK):
                chunk = posts[start : start + _KEYS_CHUNK]
                # Every planning pass plans again what it stored before: only the posts
                # not stored yet are built into an INSERT (compiling one for hundreds of
                # rows costs more than this indexed look-up).
                stored = set(
                    await session.scalars(
                        select(OutboxRow.key).where(
                            OutboxRow.key.in_([post.key for post in chunk])
                        )
                    )
                )
                rows = [_row_values(post, now) for post in chunk if post.key not in stored]
                for first in range(0, len(rows), _INSERT_CHUNK):
                    statement = (
                        self._database.insert(OutboxRow)
                        .values(rows[first : first + _INSERT_CHUNK])
                        # Another replica may have stored one since the look-up.
                        .on_conflict_do_nothing(index_elements=[OutboxRow.key])
                    )
                    result = await session.execute(statement)
                    added += max(result.rowcount, 0)
        if added:
            log.info("posts enqueued", extra={"added": added, "planned": len(posts)})
        return added

    async def claim_due(
        self, worker_id: str, now: datetime, limit: int, lease: timedelta
    ) -> list[OutboxEntry]:
        """Claim up to `limit` due rows for `worker_id` until `now + lease`, oldest first.

        Due rows are pending rows whose `next_attempt_at` has come, and claimed rows whose
        lease ran out (their worker died; the takeover is noted in `last_error`). Each
        claim counts an attempt. Due rows already past `stale_after` are marked stale (or
        superseded, `PlannedPost.superseded_by`) in the same transaction instead of being
        claimed.
        """
        due = or_(
            and_(OutboxRow.status == "pending", OutboxRow.next_attempt_at <= now),
            and_(OutboxRow.status == "claimed", OutboxRow.claimed_until <= now),
        )
        async with self._database.transaction() as session:
            rows = list(
                await session.scalars(
                    select(OutboxRow)
                    .where(due)
                    .order_by(OutboxRow.next_attempt_at, OutboxRow.id)
                    .limit(limit)
                    # PostgreSQL: rows another replica is claiming are skipped, not waited
                    # for. SQLite renders no FOR UPDATE: its write lock already serialises.
                    .with_for_update(skip_locked=True)
                )
            )
            claimed: list[OutboxRow] = []
            for row in rows:
                if row.status == "claimed":
                    log.warning(
                        "claim expired: taking over",
                        extra={"key": row.key, "dead_worker": row.claimed_by},
                    )
                    row.last_error = f"lease of {row.claimed_by} expired; delivery unknown"
                if now > row.stale_after:
                    _finish(row, _expired_status(row.payload.get("superseded_by")))
                    continue
                row.status = "claimed"
                row.claimed_by = worker_id
                row.claimed_until = now + lease
                row.attempts += 1
                claimed.append(row)
            await session.flush()
            return [_entry(row) for row in claimed]

    async def release(self, key: str, worker_id: str, not_before: datetime) -> bool:
        """Give a claimed row back without counting the attempt (e.g. a rate limit held it)."""
        return await self._update_claimed(
            key,
            worker_id,
            status="pending",
            next_attempt_at=not_before,
            attempts=OutboxRow.attempts - 1,
        )

    async def release_many(self, keys: Iterable[str], worker_id: str, not_before: datetime) -> int:
        """`release` for several claimed rows in one statement; returns how many were given
        back (a row another worker took over meanwhile is left to it)."""
        keys = list(keys)
        if not keys:
            return 0
        async with self._database.statement() as connection:
            result = await connection.execute(
                update(OutboxRow)
                .where(
                    OutboxRow.key.in_(keys),
                    OutboxRow.status == "claimed",
                    OutboxRow.claimed_by == worker_id,
                )
                .values(
                    status="pending",
                    next_attempt_at=not_before,
                    attempts=OutboxRow.attempts - 1,
                    claimed_by=None,
                    claimed_until=None,
                )
            )
        if result.rowcount < len(keys):
            log.warning(
                "claim lost before recording",
                extra={"keys": len(keys) - result.rowcount, "worker": worker_id},
            )
        return result.rowcount

    async def mark_sent(
        self,
        key: str,
        activity_id: str,
        late: bool,
        *,
        conversation_id: str,
        sent_at: datetime,
    ) -> bool:
        """Record that Teams accepted the post; False if it was recorded as sent already.

        Recorded whoever holds the claim now: if this worker's lease ran out and another
        worker took the row over, the post has been sent all the same (the caller logs
        the possible duplicate when this returns False).
        """
        # One statement built once, committing by itself (no ORM session, no BEGIN and
        # COMMIT): every sent post records this on its own, straight after Teams accepted it.
        async with self._database.statement() as connection:
            result = await connection.execute(
                _MARK_SENT,
                {
                    "sent_key": key,
                    "sent_status": "late-sent" if late else "sent",
                    "sent_activity_id": activity_id,
                    "sent_conversation_id": conversation_id,
                    "sent_sent_at": sent_at,
                    "sent_late": late,
                },
            )
        return bool(result.rowcount)

    async def mark_retry(
        self,
        key: str,
        next_attempt_at: datetime,
        error: str,
        *,
        worker_id: str,
        count_attempt: bool = True,
    ) -> bool:
        """Return a claimed row to pending until `next_attempt_at`, recording why.

        With `count_attempt` False the claim's attempt is given back: throttling (429) is
        not a failure of the post and must not use up its tries.
        """
        values: dict[str, Any] = {
            "status": "pending",
            "next_attempt_at": next_attempt_at,
            "last_error": error,
        }
        if not count_attempt:
            values["attempts"] = OutboxRow.attempts - 1
        return await self._update_claimed(key, worker_id, **values)

    async def mark_failed(self, key: str, error: str, *, worker_id: str) -> bool:
        """Give up on a claimed row: Teams refused it for good or it ran out of tries."""
        return await self._update_claimed(key, worker_id, status="failed", last_error=error)

    async def mark_undeliverable(self, key: str, error: str, *, worker_id: str) -> bool:
        """Park a claimed row whose channel is unknown or inactive until `requeue_undeliverable`."""
        return await self._update_claimed(
            key, worker_id, status="undeliverable", last_error=error
        )

    async def requeue_undeliverable(self, network_key: str, now: datetime) -> int:
        """Make a network's undeliverable rows pending again (the bot was (re)installed).

        Rows past `stale_after` become stale instead when claimed. Returns how many rows
        were requeued.
        """
        async with self._database.transaction() as session:
            result = await session.execute(
                update(OutboxRow)
                .where(OutboxRow.network_key == network_key, OutboxRow.status == "undeliverable")
                .values(status="pending", next_attempt_at=now)
            )
        if result.rowcount:
            log.info(
                "undeliverable posts requeued",
                extra={"network": network_key, "count": result.rowcount},
            )
        return result.rowcount

    async def requeue_undeliverable_to_person(self, entra_object_id: str, now: datetime) -> int:
        """Make the undeliverable posts to one person pending again (they installed the
        app for themself). Rows past `stale_after` become stale instead when claimed."""
        async with self._database.transaction() as session:
            result = await session.execute(
                update(OutboxRow)
                .where(
                    # lower() on the column too: rows stored before ids were folded.
                    func.lower(OutboxRow.person_entra_object_id) == entra_object_id.lower(),
                    OutboxRow.status == "undeliverable",
                )
                .values(status="pending", next_attempt_at=now)
            )
        if result.rowcount:
            log.info("undeliverable personal posts requeued", extra={"count": result.rowcount})
        return result.rowcount

    async def withdraw_pending(self, key_prefix: str) -> int:
        """Forget the rows under `key_prefix` not sent yet (pending or undeliverable).

        For plans that changed, e.g. an annual-wheel entry's date: its reminders of the old
        date must not go out. The next planning pass stores again those still planned.
        Rows being sent (claimed) or done are left as they are. Returns how many went.
        """
        async with self._database.transaction() as session:
            result = await session.execute(
                delete(OutboxRow).where(
                    OutboxRow.key.startswith(key_prefix, autoescape=True),
                    OutboxRow.status.in_(("pending", "undeliverable")),
                )
            )
        if result.rowcount:
            log.info("posts withdrawn", extra={"prefix": key_prefix, "count": result.rowcount})
        return result.rowcount

    async def next_attempt_at(self) -> datetime | None:
        """When the earliest pending row becomes due (or the earliest claim expires)."""
        async with self._database.snapshot() as session:
            pending = await session.scalar(
                select(OutboxRow.next_attempt_at)
                .where(OutboxRow.status == "pending")
                .order_by(OutboxRow.next_attempt_at)
                .limit(1)
            )
            claimed = await session.scalar(
                select(OutboxRow.claimed_until)
                .where(OutboxRow.status == "claimed")
                .order_by(OutboxRow.claimed_until)
                .limit(1)
            )
        times = [t for t in (pending, claimed) if t is not None]
        return min(times) if times else None

    async def count_by_status(self) -> dict[str, int]:
        """How many rows the whole outbox holds in each status (every replica's rows).

        One GROUP BY over the status column; a status with no rows is absent.
        """
        async with self._database.snapshot() as session:
            result = await session.execute(
                select(OutboxRow.status, func.count()).group_by(OutboxRow.status)
            )
            return {status: count for status, count in result.all()}

    async def overview(self, network_key: str, since: datetime) -> list[OutboxEntry]:
        """A network's rows due since `since`, and its open or undeliverable rows of any age.

        Ordered by due time; what the "utskick" overview shows.
        """
        async with self._database.snapshot() as session:
            rows = await session.scalars(
                select(OutboxRow)
                .where(
                    OutboxRow.network_key == network_key,
                    or_(
                        OutboxRow.due_at >= since,
                        OutboxRow.status.in_((*OPEN_STATUSES, "undeliverable")),
                    ),
                )
                .order_by(OutboxRow.due_at, OutboxRow.id)
            )
            return [_entry(row) for row in rows]

    async def get(self, key: str) -> OutboxEntry | None:
        """The row stored under `key`, or None."""
        async with self._database.snapshot() as session:
            row = await session.scalar(select(OutboxRow).where(OutboxRow.key == key))
            return _entry(row) if row is not None else None

    async def purge_finished(self, stale_before: datetime) -> int:
        """Delete finished rows (sent, stale, failed, undeliverable) whose `stale_after`
        is before `stale_before`; pending and claimed rows are never touched.

        Keyed by `stale_after`, not by when a row was sent: a planner re-plans a post
        until it has been stale for its look-back (a week), so a row purged earlier
        would come back and be posted again. `scheduler.housekeeping` keeps the cut-off
        far behind that. A plain DELETE: two replicas purging at once do no harm.
        """
        async with self._database.transaction() as session:
            result = await session.execute(
                delete(OutboxRow).where(
                    OutboxRow.status.not_in(OPEN_STATUSES),
                    OutboxRow.stale_after < stale_before,
                )
            )
        purged = max(result.rowcount or 0, 0)
        if purged:
            log.info(
                "outbox purged", extra={"rows": purged, "stale_before": stale_before.isoformat()}
            )
        return purged

    async def _update_claimed(self, key: str, worker_id: str, **values: Any) -> bool:
        # Only the worker holding the claim may change a claimed row: after a takeover the
        # new holder decides, and the old one's late verdict is dropped (and logged).
        async with self._database.transaction() as session:
            result = await session.execute(
                update(OutboxRow)
                .where(
                    OutboxRow.key == key,
                    OutboxRow.status == "claimed",
                    OutboxRow.claimed_by == worker_id,
                )
                .values(claimed_by=None, claimed_until=None, **values)
            )
        if not result.rowcount:
            log.warning("claim lost before recording", extra={"key": key, "worker": worker_id})
        return bool(result.rowcount)


def _row_values(post: PlannedPost, now: datetime) -> dict[str, Any]:
    person = post.target.person
    return {
        "key": post.key,
        "network_key": post.target.network_key,
        "channel": post.target.channel,
        "kind": post.kind,
        "language": post.language,
        "payload": {
            "text": post.text,
            "card": post.card,
            "mentions": [
                {"name": m.name, "entra_object_id": m.entra_object_id} for m in post.mentions
            ],
            **_countdown_values(post.countdown),
            **({"superseded_by": post.superseded_by} if post.superseded_by else {}),
        },
        "due_at": post.due_at,
        "stale_after": post.stale_after,
        "status": _expired_status(post.superseded_by) if now > post.stale_after else "pending",
        "attempts": 0,
        "next_attempt_at": post.due_at,
        "late": False,
        "created_at": now,
        "person_entra_object_id": person.entra_object_id.lower() if person else None,
        "person_name": person.name if person else None,
    }


def _countdown_values(countdown: Countdown | None) -> dict[str, Any]:
    if countdown is None:
        return {}
    return {
        "countdown": {
            "day": countdown.day.isoformat(),
            "shown": countdown.shown,
            "style": countdown.style,
        }
    }


def _countdown(payload: dict[str, Any]) -> Countdown | None:
    stored = payload.get("countdown")
    if not isinstance(stored, dict):
        return None
    return Countdown(
        day=date.fromisoformat(stored["day"]),
        shown=stored["shown"],
        style="since" if stored.get("style") == "since" else "until",
    )


def _expired_status(superseded_by: str | None) -> OutboxStatus:
    """What a row past `stale_after` becomes: superseded when a newer reminder replaces it."""
    return "superseded" if superseded_by else "stale"


def _finish(row: OutboxRow, status: OutboxStatus) -> None:
    row.status = status
    row.claimed_by = None
    row.claimed_until = None


def _entry(row: OutboxRow) -> OutboxEntry:
    payload = row.payload
    post = PlannedPost(
        key=row.key,
        target=Target(
            row.network_key,
            row.channel,
            Recipient(row.person_name or "", row.person_entra_object_id)
            if row.person_entra_object_id
            else None,
        ),
        due_at=row.due_at,
        stale_after=row.stale_after,
        language="en" if row.language == "en" else "sv",
        text=payload["text"],
        card=payload.get("card"),
        mentions=tuple(
            Mention(m["name"], m["entra_object_id"]) for m in payload.get("mentions", ())
        ),
        kind=row.kind,
        countdown=_countdown(payload),
        superseded_by=payload.get("superseded_by"),
    )
    return OutboxEntry(
        post=post,
        status=row.status,  # type: ignore[arg-type]  # the check constraint keeps it one
        attempts=row.attempts,
        next_attempt_at=row.next_attempt_at,
        claimed_by=row.claimed_by,
        claimed_until=row.claimed_until,
        last_error=row.last_error,
        conversation_id=row.conversation_id,
        activity_id=row.activity_id,
        sent_at=row.sent_at,
        late=row.late,
        created_at=row.created_at,
    )



# --- data protection (`storage.personal_data`) ---

# Why a post addressed to an erased person was given up (`last_error`).
RECIPIENT_ERASED = "recipient erased (person erase)"


async def posts_naming(session: AsyncSession, needles: Iterable[str]) -> list[dict[str, Any]]:
    """The posts addressed to, mentioning or naming one of `needles` (ids, e-mail, name;
    case-insensitive), oldest first, as JSON-ready dicts for an export."""
    folded = audit.folded_needles(needles)
    rows = await session.scalars(select(OutboxRow).order_by(OutboxRow.due_at, OutboxRow.id))
    return [
        {
            "key": row.key,
            "status": row.status,
            "due_at": row.due_at.isoformat(),
            "sent_at": row.sent_at.isoformat() if row.sent_at else None,
            "to_them": _addressed_to(row, folded),
            "text": row.payload.get("text"),
            "card": row.payload.get("card"),
        }
        for row in rows
        if _names_them(row, folded)
    ]


async def redact_posts(
    session: AsyncSession,
    needles: Iterable[str],
    names: Iterable[str],
    *,
    stand_in: Callable[[str, str, str], str],
    cleared: Callable[[str], str],
) -> int:
    """Take a person out of every post; returns the rows changed.

    `needles` are their ids, e-mail and name, `names` their display names. A post that
    may still go out (pending, claimed, undeliverable) keeps going without them: their
    mention is dropped and the tag or name in its text and card becomes
    `stand_in(network_key, channel, language)` (e.g. the role's title); one addressed to
    them is given up as failed. A post already sent or given up keeps no content at all:
    its payload becomes `cleared(language)`.
    """
    folded = audit.folded_needles(needles)
    names = [name for name in names if name and name.strip()]
    escaped_names = [html.escape(name, quote=False) for name in names]
    tags = audit.folded_needles(f"<at>{name}</at>" for name in escaped_names)
    escaped = audit.folded_needles(escaped_names)
    written = [_as_written_in_markdown(name) for name in names]
    changed = 0
    for row in await session.scalars(select(OutboxRow)):
        if not (_names_them(row, folded) or _matches(row.payload, written)):
            continue
        to_them = _addressed_to(row, folded)
        if to_them:
            # Their personal chat's id too: it names them as much as their object id does.
            row.person_entra_object_id, row.person_name = None, None
            row.conversation_id = None
        # A post to one holder is keyed `…:to:<object id>`. Planners no longer plan posts
        # to someone erased from the registry, so the key may change; the row id keeps it
        # unique.
        row.key = audit.redact(row.key, folded, f"erased-{row.id}")
        if row.status in (*OPEN_STATUSES, "undeliverable") and not to_them:
            words = stand_in(row.network_key, row.channel, row.language)
            payload = audit.redact(row.payload, tags, words)
            payload = audit.redact(payload, folded | escaped, words)
            payload = _redact_matches(payload, written, words)
            payload["mentions"] = [
                m
                for m in row.payload.get("mentions", ())
                if not _is_one_of(m.get("entra_object_id"), folded)
                and not _is_one_of(m.get("name"), folded)
            ]
            row.payload = payload  # a new dict: the JSON column notices assignment only
        else:
            row.payload = {"text": cleared(row.language), "card": None, "mentions": []}
            if row.status in (*OPEN_STATUSES, "undeliverable"):
                _finish(row, "failed")
                row.last_error = RECIPIENT_ERASED
        changed += 1
    await session.flush()
    return changed



def _as_written_in_markdown(name: str) -> re.Pattern[str]:
    """`name` as a post's markdown may hold it: any of its ASCII punctuation may carry a
    backslash (how texts escape a name without an Entra id), in any case. Matching every
    such form, not one escaping scheme's, keeps erasure right whatever escaped it."""
    return re.compile(
        "".join(
            rf"\\?{re.escape(c)}" if c in string.punctuation else re.escape(c) for c in name
        ),
        re.IGNORECASE,
    )


def _matches(value: Any, patterns: list[re.Pattern[str]]) -> bool:
    """Whether `value` (JSON) holds a match of one of `patterns`."""
    if isinstance(value, str):
        return any(p.search(value) for p in patterns)
    if isinstance(value, list):
        return any(_matches(item, patterns) for item in value)
    if isinstance(value, dict):
        return any(_matches(item, patterns) for item in value.values())
    return False


def _redact_matches(value: Any, patterns: list[re.Pattern[str]], placeholder: str) -> Any:
    """`value` (JSON) with every match of `patterns` replaced by `placeholder`."""
    if isinstance(value, str):
        for pattern in patterns:
            value = pattern.sub(lambda _: placeholder, value)
        return value
    if isinstance(value, list):
        return [_redact_matches(item, patterns, placeholder) for item in value]
    if isinstance(value, dict):
        return {key: _redact_matches(item, patterns, placeholder) for key, item in value.items()}
    return value


def _addressed_to(row: OutboxRow, folded: set[str]) -> bool:
    # Exact, not a substring: erasing "Anna Ek" must not touch Anna Ekström's posts.
    return _is_one_of(row.person_entra_object_id, folded)


def _is_one_of(value: Any, folded: set[str]) -> bool:
    return isinstance(value, str) and value.casefold() in folded


def _names_them(row: OutboxRow, folded: set[str]) -> bool:
    return bool(folded) and (
        _addressed_to(row, folded) or audit.mentions([row.key, row.payload], folded)
    )
