"""Teams conversations the bot is part of, and which network each channel talks about.

Conversation references are what a bot needs to post on its own initiative
(reminders, deadlines): the bot saves one for every conversation it hears from,
keyed by conversation id. They are plain JSON dicts here; turning them into Bot
Framework objects is the Teams edge's job (`bot/`).

A channel binding says which network, and which group of it, a Teams channel
belongs to; a binding without a channel covers the whole team.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import delete, select

from storage.database import Database
from storage.schema import ChannelBindingRow, ConversationReferenceRow


@dataclass(frozen=True)
class StoredReference:
    """A saved conversation reference with what the bot knows about its conversation."""

    conversation_id: str
    reference: dict[str, Any]
    tenant_id: str | None
    team_id: str | None
    channel_id: str | None
    kind: str  # "personal", "channel" or "groupChat"
    updated_at: datetime


class ConversationStore:
    """Conversation references and channel bindings."""

    def __init__(self, database: Database):
        self._database = database

    async def save_reference(
        self,
        reference: dict[str, Any],
        *,
        tenant_id: str | None,
        team_id: str | None,
        channel_id: str | None,
        kind: str,
    ) -> None:
        """Save (or refresh) the reference of the conversation named in `reference`."""
        conversation = reference.get("conversation") or {}
        conversation_id = conversation.get("id") if isinstance(conversation, dict) else None
        if not conversation_id:
            raise ValueError("a conversation reference needs conversation.id")
        values = {
            "reference": reference,
            "tenant_id": tenant_id,
            "team_id": team_id,
            "channel_id": channel_id,
            "kind": kind,
            "updated_at": datetime.now(UTC),
            "active": True,
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

    async def get_reference(self, conversation_id: str) -> dict[str, Any] | None:
        """The saved reference of a conversation, or None if the bot has none."""
        async with self._database.snapshot() as session:
            return await session.scalar(
                select(ConversationReferenceRow.reference).where(
                    ConversationReferenceRow.conversation_id == conversation_id,
                    ConversationReferenceRow.active,
                )
            )

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
            return [
                StoredReference(
                    conversation_id=row.conversation_id,
                    reference=row.reference,
                    tenant_id=row.tenant_id,
                    team_id=row.team_id,
                    channel_id=row.channel_id,
                    kind=row.kind,
                    updated_at=row.updated_at,
                )
                for row in rows
            ]

    async def set_binding(
        self, team_id: str, channel_id: str | None, network_key: str, group_key: str | None
    ) -> None:
        """Bind a channel to a network (and group), or with `channel_id` None a whole team.

        Replaces an earlier binding of the same channel or team. A team binding names
        no group: a group is one channel.
        """
        if channel_id is None and group_key is not None:
            raise ValueError("a whole team is bound to a network, not to a group: give a channel")
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
        async with self._database.transaction() as session:
            await session.execute(
                insert.on_conflict_do_update(
                    **target, set_={"network_key": network_key, "group_key": group_key}
                )
            )

    async def binding_for(
        self, team_id: str, channel_id: str | None
    ) -> tuple[str, str | None] | None:
        """(network key, group key) for a channel: its own binding, else its team's; or None."""
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

    async def remove_binding(self, team_id: str, channel_id: str | None) -> bool:
        """Remove the binding of a channel (or with `channel_id` None, of the team)."""
        condition = (
            ChannelBindingRow.channel_id.is_(None)
            if channel_id is None
            else ChannelBindingRow.channel_id == channel_id
        )
        async with self._database.transaction() as session:
            result = await session.execute(
                delete(ChannelBindingRow).where(ChannelBindingRow.team_id == team_id, condition)
            )
        return bool(result.rowcount)
