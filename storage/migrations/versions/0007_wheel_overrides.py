"""Annual-wheel entries changed by admins, on top of the shipped rules.

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-24
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "wheel_override",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("network_key", sa.String(length=64), nullable=False),
        sa.Column("rule_key", sa.String(length=64), nullable=False),
        sa.Column("changes", sa.JSON(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_wheel_override")),
        sa.UniqueConstraint(
            "network_key", "rule_key", name=op.f("uq_wheel_override_network_key_rule_key")
        ),
    )


def downgrade() -> None:
    op.drop_table("wheel_override")
