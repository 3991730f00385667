"""Teams conversations the bot is part of, and which network each channel talks about.

Conversation references are what a bot needs to post on its own initiative
(reminders, deadlines): the bot saves one for every conversation it hears from,
keyed by conversation id. They are plain JSON dicts here; turning them into Bot
Framework objects is the Teams edge's job (`bot/`).

A channel binding says which network, and which group of it, a Teams channel
belongs to; a binding without a channel covers the whole team.

A personal chat's reference is also found by its user's Entra object id
(`personal_reference`), which is how a post to one person reaches them.
"""

from __future__ import annotations

import hashlib
import json
import time
from collections import OrderedDict
from collections.abc import Hashable, Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import delete, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from domain.audit import TEAMS
from domain.conversations import (
    ChannelBinding,
    StoredReference,
    personal_user,
    reference_user_ids,
)
from domain.turns import ConversationKind
from storage import audit
from storage.changes import REFERENCES, REGISTRY, ChangeFeed, notify
from storage.database import Database
from storage.schema import ChannelBindingRow, ConversationReferenceRow

# How stale `updated_at` may get while messages keep arriving with an unchanged reference.
REFERENCE_REFRESH_SECONDS = 15 * 60
# Conversations whose last write the store remembers (about 1 KB each).
MAX_REMEMBERED_WRITES = 10_000
# Channels whose binding the store remembers between messages (about 200 bytes each).
MAX_REMEMBERED_BINDINGS = 10_000
# The change-feed topic of channel bindings: every write to them goes through this module.
BINDINGS = "bindings"


@dataclass(frozen=True, slots=True)
class _Written:
    """What a `ConversationStore` last wrote to one conversation's reference row.

    Digests and hashes only, so that no personal data stays in memory after an erasure.
    """

    content: bytes  # digest of the reference (but its activityId), ids and kind
    version: Hashable  # the change feed's version, read before the write
    at: float  # time.monotonic() of the write
    inputs: int | None  # hash of what the caller built the reference from, if it said


class ConversationStore:
    """Conversation references and channel bindings."""

    def __init__(self, database: Database, changes: ChangeFeed | None = None):
        self._database = database
        self._changes = changes
        # conversation id -> what this store last wrote there; least recently written
        # first, at most MAX_REMEMBERED_WRITES entries.
        self._written: OrderedDict[str, _Written] = OrderedDict()
        # (team id, channel id) -> (binding_for's answer, feed versions before the query).
        self._bindings: OrderedDict[
            tuple[str, str | None], tuple[tuple[str, str | None] | None, Hashable]
        ] = OrderedDict()

    async def save_reference(
        self,
        reference: dict[str, Any],
        *,
        tenant_id: str | None,
        team_id: str | None,
        channel_id: str | None,
        kind: ConversationKind,
        only_if_changed: bool = False,
        inputs: Hashable | None = None,
    ) -> None:
        """Save (or refresh) the reference of the conversation named in `reference`.

        With `only_if_changed` (the bot, on every message) nothing is written when this
        store wrote the same reference, ids and kind within `REFERENCE_REFRESH_SECONDS`
        and nobody may have changed the row since (the change feed's version stands: every
        other write to references calls `storage.changes.notify`): the row already says
        exactly that, active.
        `activityId`, which changes with every message and which nothing reads, does not
        count as a change; `updated_at` is then at most that old. Without a change feed
        every call writes.

        `inputs`: what the caller built the reference, ids and kind from, such that equal
        inputs always give an equal reference (but its `activityId`), ids and kind. They
        are remembered with the write, or with a call that found the row unchanged, for
        `reference_unchanged`.
        """
        conversation = reference.get("conversation") or {}
        conversation_id = conversation.get("id") if isinstance(conversation, dict) else None
        if not conversation_id:
            raise ValueError("a conversation reference needs conversation.id")
        # Read before the write: a deactivation committed meanwhile moves it again.
        version = self._changes.version(REFERENCES) if self._changes is not None else None
        unchanging = {key: value for key, value in reference.items() if key != "activityId"}
        content = hashlib.blake2b(
            json.dumps([unchanging, tenant_id, team_id, channel_id, kind], sort_keys=True).encode(),
            digest_size=16,
        ).digest()
        inputs_hash = hash(inputs) if inputs is not None else None
        now = time.monotonic()
        written = self._written.get(conversation_id)
        if (
            only_if_changed
            and version is not None
            and written is not None
            and written.content == content
            and written.version == version
            and now - written.at < REFERENCE_REFRESH_SECONDS
        ):
            if inputs_hash is not None and written.inputs != inputs_hash:
                # Other inputs, the same reference: the next message with them can skip
                # building it.
                self._written[conversation_id] = _Written(
                    content, version, written.at, inputs_hash
                )
            return
        user = personal_user(reference) if kind == "personal" else None
        values = {
            "reference": reference,
            "tenant_id": tenant_id,
            "team_id": team_id,
            "channel_id": channel_id,
            "kind": kind,
            "updated_at": datetime.now(UTC),
            "active": True,
            "user_entra_object_id": user.entra_object_id if user else None,
        }
        insert = self._database.insert(ConversationReferenceRow).values(
            conversation_id=conversation_id, **values
        )
        async with self._database.transaction() as session:
            await session.execute(
                insert.on_conflict_do_update(
                    index_elements=[ConversationReferenceRow.conversation_id], set_=values
                )
            )
        if version is not None:
            self._written[conversation_id] = _Written(content, version, now, inputs_hash)
            self._written.move_to_end(conversation_id)
            while len(self._written) > MAX_REMEMBERED_WRITES:
                self._written.popitem(last=False)

    def reference_unchanged(self, conversation_id: str, inputs: Hashable) -> bool:
        """True when `save_reference(..., only_if_changed=True)` of a reference built from
        `inputs` would write nothing, known without building it.

        True only when all of these hold, the same conditions `save_reference` skips on:
        - this store's last write of the conversation's reference, or a later call that
          found it unchanged, had the same `inputs` (compared by hash: two different
          inputs with one hash, a chance of 2**-64, leave the row as it was until the
          refresh below);
        - that write is less than `REFERENCE_REFRESH_SECONDS` old;
        - the change feed's version stands: nothing that notifies `REFERENCES` has been
          committed since (deactivation, the bot leaving a team, a personal-data erasure;
          from another replica too, on PostgreSQL). On SQLite only this process's own
          notifications count (`storage.changes`): an erasure by the command line is
          followed by a new write after the refresh at the latest, as before this check.
        Never True without a change feed, nor while it cannot tell.
        """
        if self._changes is None:
            return False
        written = self._written.get(conversation_id)
        return (
            written is not None
            and written.inputs == hash(inputs)
            and written.version == self._changes.version(REFERENCES)
            and time.monotonic() - written.at < REFERENCE_REFRESH_SECONDS
        )

    async def get_reference(self, conversation_id: str) -> dict[str, Any] | None:
        """The saved reference of a conversation, or None if the bot has none."""
        async with self._database.snapshot() as session:
            return await session.scalar(
                select(ConversationReferenceRow.reference).where(
                    ConversationReferenceRow.conversation_id == conversation_id,
                    ConversationReferenceRow.active,
                )
            )

    async def personal_reference(self, entra_object_id: str) -> StoredReference | None:
        """The newest active personal chat with the user of this Entra object id, or None."""
        async with self._database.snapshot() as session:
            row = await session.scalar(
                select(ConversationReferenceRow)
                .where(
                    ConversationReferenceRow.user_entra_object_id == entra_object_id.lower(),
                    ConversationReferenceRow.kind == "personal",
                    ConversationReferenceRow.active,
                )
                .order_by(ConversationReferenceRow.updated_at.desc())
                .limit(1)
            )
            return _stored(row) if row is not None else None

    async def stored_reference(self, conversation_id: str) -> StoredReference | None:
        """The saved reference of a conversation with what is known about it, active or not."""
        async with self._database.snapshot() as session:
            row = await session.get(ConversationReferenceRow, conversation_id)
            return _stored(row) if row is not None else None

    async def references_for_team(self, team_id: str) -> list[StoredReference]:
        """Every saved conversation of a team (its channels), ordered by channel."""
        async with self._database.snapshot() as session:
            rows = await session.scalars(
                select(ConversationReferenceRow)
                .where(ConversationReferenceRow.team_id == team_id, ConversationReferenceRow.active)
                .order_by(
                    ConversationReferenceRow.channel_id, ConversationReferenceRow.conversation_id
                )
            )
            return [_stored(row) for row in rows]

    async def channel_reference(
        self, network_key: str, group_key: str | None
    ) -> StoredReference | None:
        """The channel a network's posts for a group go to (`group_key` None: General).

        Found through the bindings: a group's channel is the channel bound to it; the
        General channel of the team bound to the network has the team's id as its
        conversation id. Active references win over inactive ones (which are returned
        so the caller can tell "bot removed" from "no channel"), then the newest.
        """
        if group_key is None:
            joined = (ChannelBindingRow.team_id == ConversationReferenceRow.conversation_id) & (
                ChannelBindingRow.channel_id.is_(None)
            )
        else:
            joined = (ChannelBindingRow.channel_id == ConversationReferenceRow.conversation_id) & (
                ChannelBindingRow.group_key == group_key
            )
        async with self._database.snapshot() as session:
            row = await session.scalar(
                select(ConversationReferenceRow)
                .join(ChannelBindingRow, joined)
                .where(ChannelBindingRow.network_key == network_key)
                .order_by(
                    ConversationReferenceRow.active.desc(),
                    ConversationReferenceRow.updated_at.desc(),
                )
                .limit(1)
            )
            return _stored(row) if row is not None else None

    async def channel_references(
        self, targets: Iterable[tuple[str, str | None]]
    ) -> dict[tuple[str, str | None], StoredReference | None]:
        """`channel_reference` for each (network key, group key) of `targets`, in one query.

        The same answer per target: found through the bindings, active references first,
        then the newest; None where no channel is bound. In the order given. A fan-out's
        batch of posts finds all its channels at once instead of one query per post.
        """
        wanted = dict.fromkeys(targets)  # in the order given, each once
        if not wanted:
            return {}
        networks = {network for network, _ in wanted}
        groups = {group for _, group in wanted if group is not None}
        joined = (ChannelBindingRow.team_id == ConversationReferenceRow.conversation_id) & (
            ChannelBindingRow.channel_id.is_(None)
        )
        if groups:
            joined |= (ChannelBindingRow.channel_id == ConversationReferenceRow.conversation_id) & (
                ChannelBindingRow.group_key.in_(groups)
            )
        async with self._database.snapshot() as session:
            rows = (
                await session.execute(
                    select(
                        ConversationReferenceRow,
                        ChannelBindingRow.network_key,
                        ChannelBindingRow.group_key,
                        ChannelBindingRow.channel_id,
                    )
                    .join(ChannelBindingRow, joined)
                    .where(ChannelBindingRow.network_key.in_(networks))
                )
            ).all()
        best: dict[tuple[str, str | None], ConversationReferenceRow] = {}
        for row, network_key, group_key, channel_id in rows:
            # A team's row answers its General channel; a channel's row its group.
            target = (network_key, None) if channel_id is None else (network_key, group_key)
            if channel_id is not None and row.conversation_id != channel_id:
                continue
            if target not in wanted:
                continue
            known = best.get(target)
            if known is None or (row.active, row.updated_at) > (known.active, known.updated_at):
                best[target] = row
        return {
            target: _stored(best[target]) if target in best else None for target in wanted
        }

    async def set_active(self, conversation_id: str, active: bool) -> bool:
        """Mark one conversation's reference active or not; False if there is none."""
        async with self._database.transaction() as session:
            result = await session.execute(
                update(ConversationReferenceRow)
                .where(ConversationReferenceRow.conversation_id == conversation_id)
                .values(active=active, updated_at=datetime.now(UTC))
            )
            # The next message must write again (and so reactivate), here and in every replica.
            await notify(session, REFERENCES)
        return bool(result.rowcount)

    async def set_team_active(self, team_id: str, active: bool) -> int:
        """Mark every reference of a team (its channels, General included) active or not."""
        async with self._database.transaction() as session:
            result = await session.execute(
                update(ConversationReferenceRow)
                .where(
                    (ConversationReferenceRow.team_id == team_id)
                    | (ConversationReferenceRow.conversation_id == team_id)
                )
                .values(active=active, updated_at=datetime.now(UTC))
            )
            await notify(session, REFERENCES)
        return result.rowcount

    async def bindings_for_team(self, team_id: str) -> list[ChannelBinding]:
        """A team's bindings: the team's own first, then its channels'."""
        async with self._database.snapshot() as session:
            rows = await session.scalars(
                select(ChannelBindingRow)
                .where(ChannelBindingRow.team_id == team_id)
                .order_by(ChannelBindingRow.channel_id.is_not(None), ChannelBindingRow.id)
            )
            return [
                ChannelBinding(row.team_id, row.channel_id, row.network_key, row.group_key)
                for row in rows
            ]

    async def set_binding(
        self,
        team_id: str,
        channel_id: str | None,
        network_key: str,
        group_key: str | None,
        *,
        actor: str | None = TEAMS,
    ) -> None:
        """Bind a channel to a network (and group), or with `channel_id` None a whole team.

        Replaces an earlier binding of the same channel or team. A team binding names
        no group: a group is one channel. A change is recorded in the audit log.
        """
        await self.change_bindings(team_id, {channel_id: (network_key, group_key)}, actor=actor)

    async def change_bindings(
        self,
        team_id: str,
        changes: Mapping[str | None, tuple[str, str | None] | None],
        *,
        actor: str | None = TEAMS,
    ) -> None:
        """Apply several binding changes of one team in one transaction: all or none.

        `changes` maps a channel id (None: the whole team) to (network key, group key),
        or to None to remove that channel's binding. Removals are applied first, so a
        group can move from one channel to another in the same call. Each change is
        recorded in the audit log like `set_binding` and `remove_binding` record theirs.
        """
        for channel_id, binding in changes.items():
            if channel_id is None and binding is not None and binding[1] is not None:
                raise ValueError(
                    "a whole team is bound to a network, not to a group: give a channel"
                )
        ordered = sorted(changes.items(), key=lambda item: item[1] is not None)
        async with self._database.transaction() as session:
            for channel_id, binding in ordered:
                if binding is None:
                    await self._remove_binding(session, team_id, channel_id, actor)
                else:
                    await self._set_binding(session, team_id, channel_id, *binding, actor)
            await notify(session, BINDINGS)

    async def _set_binding(
        self,
        session: AsyncSession,
        team_id: str,
        channel_id: str | None,
        network_key: str,
        group_key: str | None,
        actor: str | None,
    ) -> None:
        insert = self._database.insert(ChannelBindingRow).values(
            team_id=team_id, channel_id=channel_id, network_key=network_key, group_key=group_key
        )
        if channel_id is None:
            target: dict[str, Any] = {
                "index_elements": [ChannelBindingRow.team_id],
                "index_where": ChannelBindingRow.channel_id.is_(None),
            }
        else:
            target = {"index_elements": [ChannelBindingRow.team_id, ChannelBindingRow.channel_id]}
        after = {"network": network_key, "group": group_key}
        before = await _binding(session, team_id, channel_id)
        await session.execute(
            insert.on_conflict_do_update(
                **target, set_={"network_key": network_key, "group_key": group_key}
            )
        )
        if before != after:
            await audit.record(
                session, action="binding.set", actor=actor, network_key=network_key,
                subject=_binding_subject(team_id, channel_id), before=before, after=after,
            )

    async def binding_for(
        self, team_id: str, channel_id: str | None
    ) -> tuple[str, str | None] | None:
        """(network key, group key) for a channel: its own binding, else its team's; or None.

        Asked on every channel message. The answer is kept until the change feed says a
        binding may have changed (every binding write notifies `BINDINGS`; on SQLite the
        registry's version, which moves with any other connection's commit, counts too, so
        a write from another process is seen). Without a feed every call queries.
        """
        key = (team_id, channel_id)
        version = self._bindings_version()
        if version is not None:
            cached = self._bindings.get(key)
            if cached is not None and cached[1] == version:
                self._bindings.move_to_end(key)
                return cached[0]
        answer = await self._query_binding(team_id, channel_id)
        if version is not None:
            self._bindings[key] = (answer, version)
            self._bindings.move_to_end(key)
            while len(self._bindings) > MAX_REMEMBERED_BINDINGS:
                self._bindings.popitem(last=False)
        return answer

    def _bindings_version(self) -> Hashable | None:
        if self._changes is None:
            return None
        bindings = self._changes.version(BINDINGS)
        registry = self._changes.version(REGISTRY)
        if bindings is None or registry is None:
            return None
        return (bindings, registry)

    async def _query_binding(
        self, team_id: str, channel_id: str | None
    ) -> tuple[str, str | None] | None:
        async with self._database.snapshot() as session:
            rows = (
                await session.execute(
                    select(
                        ChannelBindingRow.channel_id,
                        ChannelBindingRow.network_key,
                        ChannelBindingRow.group_key,
                    ).where(
                        ChannelBindingRow.team_id == team_id,
                        (ChannelBindingRow.channel_id == channel_id)
                        | ChannelBindingRow.channel_id.is_(None),
                    )
                )
            ).all()
        if not rows:
            return None
        # The channel's own binding wins over the team's.
        chosen = min(rows, key=lambda row: row.channel_id is None)
        return chosen.network_key, chosen.group_key

    async def remove_binding(
        self, team_id: str, channel_id: str | None, *, actor: str | None = TEAMS
    ) -> bool:
        """Remove the binding of a channel (or with `channel_id` None, of the team)."""
        async with self._database.transaction() as session:
            removed = await self._remove_binding(session, team_id, channel_id, actor)
            await notify(session, BINDINGS)
        return removed

    async def _remove_binding(
        self, session: AsyncSession, team_id: str, channel_id: str | None, actor: str | None
    ) -> bool:
        condition = (
            ChannelBindingRow.channel_id.is_(None)
            if channel_id is None
            else ChannelBindingRow.channel_id == channel_id
        )
        before = await _binding(session, team_id, channel_id)
        result = await session.execute(
            delete(ChannelBindingRow).where(ChannelBindingRow.team_id == team_id, condition)
        )
        if before is not None:
            await audit.record(
                session, action="binding.remove", actor=actor, network_key=before["network"],
                subject=_binding_subject(team_id, channel_id), before=before,
            )
        return bool(result.rowcount)

async def _binding(
    session: AsyncSession, team_id: str, channel_id: str | None
) -> dict[str, str | None] | None:
    """A binding as the audit log keeps it, or None when there is none."""
    condition = (
        ChannelBindingRow.channel_id.is_(None)
        if channel_id is None
        else ChannelBindingRow.channel_id == channel_id
    )
    row = await session.scalar(
        select(ChannelBindingRow).where(ChannelBindingRow.team_id == team_id, condition)
    )
    return {"network": row.network_key, "group": row.group_key} if row is not None else None


def _binding_subject(team_id: str, channel_id: str | None) -> str:
    return f"team {team_id}" if channel_id is None else f"team {team_id} channel {channel_id}"


# --- data protection (`storage.personal_data`) ---


async def personal_references(
    session: AsyncSession, user_ids: Iterable[str]
) -> list[StoredReference]:
    """The stored references of personal chats with a user (Entra object id or Teams id)."""
    wanted = {user_id.casefold() for user_id in user_ids if user_id}
    rows = await session.scalars(
        select(ConversationReferenceRow).where(ConversationReferenceRow.kind == "personal")
    )
    return [
        _stored(row)
        for row in rows
        if {i.casefold() for i in reference_user_ids(row.reference)} & wanted
    ]


async def delete_personal_references(session: AsyncSession, user_ids: Iterable[str]) -> int:
    """Forget the personal chats with a user; returns how many references were deleted."""
    found = await personal_references(session, user_ids)
    if found:
        await session.execute(
            delete(ConversationReferenceRow).where(
                ConversationReferenceRow.conversation_id.in_([r.conversation_id for r in found])
            )
        )
        # A message the user sends later must store the reference again.
        await notify(session, REFERENCES)
    return len(found)


def _stored(row: ConversationReferenceRow) -> StoredReference:
    return StoredReference(
        conversation_id=row.conversation_id,
        reference=row.reference,
        tenant_id=row.tenant_id,
        team_id=row.team_id,
        channel_id=row.channel_id,
        kind=row.kind,
        updated_at=row.updated_at,
        active=row.active,
    )


async def references_naming(session: AsyncSession, user_ids: Iterable[str]) -> list[str]:
    """The channel and group-chat conversations whose stored reference names the user as
    the last sender (a reference keeps whoever last wrote to the bot there)."""
    return [row.conversation_id for row in await _shared_rows_naming(session, user_ids)]


async def forget_user_in_references(session: AsyncSession, user_ids: Iterable[str]) -> int:
    """Drop the user from channel and group-chat references that name them as last sender.

    Posting needs only the conversation, service URL and bot of a reference
    (`bot.proactive`), never its user. Returns how many references were changed.
    """
    rows = await _shared_rows_naming(session, user_ids)
    for row in rows:
        # A new dict: the JSON column notices assignment, not changes inside.
        row.reference = {key: value for key, value in row.reference.items() if key != "user"}
    await session.flush()
    if rows:
        await notify(session, REFERENCES)
    return len(rows)


async def _shared_rows_naming(
    session: AsyncSession, user_ids: Iterable[str]
) -> list[ConversationReferenceRow]:
    wanted = {user_id.casefold() for user_id in user_ids if user_id}
    rows = await session.scalars(
        select(ConversationReferenceRow).where(ConversationReferenceRow.kind != "personal")
    )
    return [
        row for row in rows if {i.casefold() for i in reference_user_ids(row.reference)} & wanted
    ]
