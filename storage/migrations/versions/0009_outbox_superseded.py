"""Outbox rows may be superseded: a reminder a newer one of the same occurrence replaced.

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-06
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_BEFORE = ("pending", "claimed", "sent", "late-sent", "stale", "failed", "undeliverable")
_AFTER = (
    "pending", "claimed", "sent", "late-sent", "stale", "superseded", "failed", "undeliverable"
)


def _status_check(statuses: tuple[str, ...]) -> str:
    return "status IN (" + ", ".join(f"'{status}'" for status in statuses) + ")"


def upgrade() -> None:
    with op.batch_alter_table("outbox") as batch:
        batch.drop_constraint(op.f("ck_outbox_status"), type_="check")
        batch.create_check_constraint(op.f("ck_outbox_status"), _status_check(_AFTER))


def downgrade() -> None:
    op.execute("UPDATE outbox SET status = 'stale' WHERE status = 'superseded'")
    with op.batch_alter_table("outbox") as batch:
        batch.drop_constraint(op.f("ck_outbox_status"), type_="check")
        batch.create_check_constraint(op.f("ck_outbox_status"), _status_check(_BEFORE))
