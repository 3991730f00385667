"""Pending uploads as background jobs: fetched later, leased, retried with backoff; one
file per meeting, replacing a filed one as a new SharePoint version; received files kept
by their link until fetched.

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-06
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0012"
down_revision: str | None = "0011"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_FALSE = sa.false()


def upgrade() -> None:
    columns = [
        sa.Column("download_url", sa.Text(), nullable=True),
        sa.Column("shared", sa.Boolean(), nullable=False, server_default=_FALSE),
        sa.Column("awaiting_confirmation", sa.Boolean(), nullable=False, server_default=_FALSE),
        sa.Column("token", sa.String(length=64), nullable=True),
        sa.Column("sender_id", sa.String(length=512), nullable=True),
        sa.Column("sender_aad_object_id", sa.String(length=64), nullable=True),
        sa.Column("claimed_by", sa.String(length=128), nullable=True),
        sa.Column("claimed_until", sa.DateTime(timezone=True), nullable=True),
        sa.Column("next_attempt_at", sa.DateTime(timezone=True), nullable=True),
    ]
    for column in columns:
        op.add_column("pending_upload", column)
    op.create_index(
        op.f("ix_pending_upload_token"), "pending_upload", ["token"], unique=True
    )
    op.add_column("minutes", sa.Column("version", sa.String(length=64), nullable=True))
    op.add_column("received_file", sa.Column("download_url", sa.Text(), nullable=True))
    op.add_column(
        "received_file",
        sa.Column("shared", sa.Boolean(), nullable=False, server_default=_FALSE),
    )


def downgrade() -> None:
    op.drop_column("received_file", "shared")
    op.drop_column("received_file", "download_url")
    op.drop_column("minutes", "version")
    op.drop_index(op.f("ix_pending_upload_token"), table_name="pending_upload")
    for name in (
        "next_attempt_at", "claimed_until", "claimed_by", "sender_aad_object_id", "sender_id",
        "token", "awaiting_confirmation", "shared", "download_url",
    ):  # fmt: skip
        op.drop_column("pending_upload", name)
