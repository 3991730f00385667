"""Received minutes files waiting for their sender to pick the meeting.

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-24
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "received_file",
        sa.Column("id", sa.String(length=64), nullable=False),
        sa.Column("network_key", sa.String(length=64), nullable=False),
        sa.Column("group_key", sa.String(length=64), nullable=False),
        sa.Column("file_name", sa.Text(), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("content", sa.LargeBinary(), nullable=True),
        sa.Column("data_path", sa.Text(), nullable=True),
        sa.Column("sender_id", sa.String(length=512), nullable=True),
        sa.Column("sender_aad_object_id", sa.String(length=64), nullable=True),
        sa.Column("sender_name", sa.Text(), nullable=True),
        sa.Column("conversation_id", sa.String(length=512), nullable=True),
        sa.Column("language", sa.String(length=2), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("taken_at", sa.DateTime(timezone=True), nullable=True),
        sa.CheckConstraint(
            "content IS NOT NULL OR data_path IS NOT NULL",
            name=op.f("ck_received_file_content_or_path"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_received_file")),
    )
    op.create_index(op.f("ix_received_file_created_at"), "received_file", ["created_at"])


def downgrade() -> None:
    op.drop_index(op.f("ix_received_file_created_at"), table_name="received_file")
    op.drop_table("received_file")
