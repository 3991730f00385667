"""Calendar feed: subscription tokens (hashed) and a meeting's iCalendar SEQUENCE.

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-06
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column(
        "meeting", sa.Column("sequence", sa.Integer(), server_default=sa.text("0"), nullable=False)
    )
    op.create_table(
        "calendar_token",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("network_key", sa.String(length=64), nullable=False),
        sa.Column("group_key", sa.String(length=64), nullable=False),
        sa.Column("generation", sa.Integer(), nullable=False),
        sa.Column("token_sha256", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("revoked_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_calendar_token")),
        sa.UniqueConstraint(
            "network_key",
            "group_key",
            "generation",
            name=op.f("uq_calendar_token_network_key_group_key_generation"),
        ),
        sa.UniqueConstraint("token_sha256", name=op.f("uq_calendar_token_token_sha256")),
    )


def downgrade() -> None:
    op.drop_table("calendar_token")
    with op.batch_alter_table("meeting") as batch:
        batch.drop_column("sequence")
