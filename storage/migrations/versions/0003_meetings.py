"""Meetings, members' agenda items, and the networks' planning sections.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-24
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # A plain ADD COLUMN: a batch (copy-and-move) on SQLite would drop and recreate the
    # network table, and with foreign keys on that deletes every group, role and holder.
    op.add_column("network", sa.Column("planning", sa.JSON(), nullable=True))
    op.create_table(
        "meeting",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("network_key", sa.String(length=64), nullable=False),
        sa.Column("group_key", sa.String(length=64), nullable=False),
        sa.Column("kind", sa.String(length=64), nullable=False),
        sa.Column("series_key", sa.String(length=64), nullable=True),
        sa.Column("occurrence_start", sa.DateTime(timezone=True), nullable=True),
        sa.Column("step", sa.Integer(), nullable=True),
        sa.Column("starts_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("ends_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("mode", sa.String(length=16), nullable=False),
        sa.Column("place", sa.Text(), nullable=True),
        sa.Column("online_url", sa.Text(), nullable=True),
        sa.Column("cancelled", sa.Boolean(), nullable=False),
        sa.Column("edited", sa.Boolean(), nullable=False),
        sa.Column("updated_by", sa.String(length=128), nullable=True),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "mode IN ('physical', 'online', 'hybrid')", name=op.f("ck_meeting_mode")
        ),
        sa.CheckConstraint("ends_at > starts_at", name=op.f("ck_meeting_times")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_meeting")),
        sa.UniqueConstraint(
            "network_key",
            "series_key",
            "occurrence_start",
            name=op.f("uq_meeting_network_key_series_key_occurrence_start"),
        ),
    )
    op.create_index("ix_meeting_network_key_starts_at", "meeting", ["network_key", "starts_at"])
    op.create_table(
        "agenda_item",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("meeting_id", sa.Integer(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("author_name", sa.Text(), nullable=True),
        sa.Column("author_id", sa.String(length=128), nullable=True),
        sa.Column("added_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["meeting_id"],
            ["meeting.id"],
            name=op.f("fk_agenda_item_meeting_id_meeting"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_agenda_item")),
    )
    op.create_index(op.f("ix_agenda_item_meeting_id"), "agenda_item", ["meeting_id"])


def downgrade() -> None:
    op.drop_table("agenda_item")
    op.drop_table("meeting")
    op.drop_column("network", "planning")
