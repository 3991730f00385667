"""Posts to one person's personal chat; personal chats found by Entra object id; the
channels' SharePoint folders cached for the minutes' asking card.

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-24
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column(
        "outbox", sa.Column("person_entra_object_id", sa.String(length=64), nullable=True)
    )
    op.add_column("outbox", sa.Column("person_name", sa.Text(), nullable=True))
    op.add_column(
        "conversation_reference",
        sa.Column("user_entra_object_id", sa.String(length=64), nullable=True),
    )
    op.create_index(
        op.f("ix_conversation_reference_user_entra_object_id"),
        "conversation_reference",
        ["user_entra_object_id"],
        unique=False,
    )
    _backfill_personal_users()
    op.create_table(
        "channel_folder",
        sa.Column("channel_id", sa.String(length=512), nullable=False),
        sa.Column("drive_id", sa.String(length=256), nullable=False),
        sa.Column("item_id", sa.String(length=256), nullable=False),
        sa.Column("web_url", sa.Text(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("channel_id", name=op.f("pk_channel_folder")),
    )


def _backfill_personal_users() -> None:
    """Personal chats stored before: their user's Entra object id, from the reference."""
    references = sa.table(
        "conversation_reference",
        sa.column("conversation_id", sa.String()),
        sa.column("reference", sa.JSON()),
        sa.column("kind", sa.String()),
        sa.column("user_entra_object_id", sa.String()),
    )
    connection = op.get_bind()
    rows = connection.execute(
        sa.select(references.c.conversation_id, references.c.reference).where(
            references.c.kind == "personal"
        )
    ).all()
    for conversation_id, reference in rows:
        user = (reference or {}).get("user") if isinstance(reference, dict) else None
        object_id = user.get("aadObjectId") if isinstance(user, dict) else None
        if isinstance(object_id, str) and object_id:
            connection.execute(
                sa.update(references)
                .where(references.c.conversation_id == conversation_id)
                .values(user_entra_object_id=object_id.lower()[:64])
            )


def downgrade() -> None:
    op.drop_table("channel_folder")
    op.drop_index(
        op.f("ix_conversation_reference_user_entra_object_id"),
        table_name="conversation_reference",
    )
    op.drop_column("conversation_reference", "user_entra_object_id")
    op.drop_column("outbox", "person_name")
    op.drop_column("outbox", "person_entra_object_id")
