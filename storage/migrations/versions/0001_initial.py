"""Initial schema: role registry, conversation references and channel bindings.

Revision ID: 0001
Revises:
Create Date: 2026-11-24
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "network",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(length=64), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("name_sv", sa.Text(), nullable=False),
        sa.Column("name_en", sa.Text(), nullable=False),
        sa.Column("description_sv", sa.Text(), nullable=False),
        sa.Column("description_en", sa.Text(), nullable=False),
        sa.Column("aliases", sa.JSON(), nullable=False),
        sa.Column("ask_instead", sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_network")),
        sa.UniqueConstraint("key", name=op.f("uq_network_key")),
    )
    op.create_table(
        "network_group",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("network_id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(length=64), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("name_sv", sa.Text(), nullable=False),
        sa.Column("name_en", sa.Text(), nullable=False),
        sa.Column("aliases", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(
            ["network_id"],
            ["network.id"],
            name=op.f("fk_network_group_network_id_network"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_network_group")),
        sa.UniqueConstraint("network_id", "key", name=op.f("uq_network_group_network_id_key")),
    )
    op.create_table(
        "role",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("network_id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(length=64), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("scope", sa.String(length=16), nullable=False),
        sa.Column("title_sv", sa.Text(), nullable=False),
        sa.Column("title_en", sa.Text(), nullable=False),
        sa.Column("duties_sv", sa.JSON(), nullable=False),
        sa.Column("duties_en", sa.JSON(), nullable=False),
        sa.Column("synonyms_sv", sa.JSON(), nullable=False),
        sa.Column("synonyms_en", sa.JSON(), nullable=False),
        sa.Column("ask_instead", sa.JSON(), nullable=False),
        sa.CheckConstraint("scope IN ('group', 'network')", name=op.f("ck_role_scope")),
        sa.ForeignKeyConstraint(
            ["network_id"],
            ["network.id"],
            name=op.f("fk_role_network_id_network"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_role")),
        sa.UniqueConstraint("network_id", "key", name=op.f("uq_role_network_id_key")),
    )
    op.create_table(
        "person",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("email", sa.String(length=320), nullable=True),
        sa.Column("entra_object_id", sa.String(length=64), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_person")),
        sa.UniqueConstraint("email", name=op.f("uq_person_email")),
        sa.UniqueConstraint("entra_object_id", name=op.f("uq_person_entra_object_id")),
    )
    op.create_table(
        "assignment",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("network_id", sa.Integer(), nullable=False),
        sa.Column("role_id", sa.Integer(), nullable=False),
        sa.Column("group_id", sa.Integer(), nullable=True),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("deputy", sa.Boolean(), nullable=False),
        sa.Column("term_start", sa.Date(), nullable=True),
        sa.Column("term_end", sa.Date(), nullable=True),
        sa.CheckConstraint(
            "term_start IS NULL OR term_end IS NULL OR term_end >= term_start",
            name=op.f("ck_assignment_term"),
        ),
        sa.ForeignKeyConstraint(
            ["network_id"],
            ["network.id"],
            name=op.f("fk_assignment_network_id_network"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["role_id"], ["role.id"], name=op.f("fk_assignment_role_id_role"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["group_id"],
            ["network_group.id"],
            name=op.f("fk_assignment_group_id_network_group"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["person_id"], ["person.id"], name=op.f("fk_assignment_person_id_person")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_assignment")),
    )
    op.create_index(op.f("ix_assignment_network_id"), "assignment", ["network_id"])
    op.create_index(op.f("ix_assignment_role_id"), "assignment", ["role_id"])
    op.create_index(op.f("ix_assignment_group_id"), "assignment", ["group_id"])
    op.create_index(op.f("ix_assignment_person_id"), "assignment", ["person_id"])
    op.create_table(
        "registry_revision",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("revision", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_registry_revision")),
    )
    op.create_table(
        "conversation_reference",
        sa.Column("conversation_id", sa.String(length=512), nullable=False),
        sa.Column("reference", sa.JSON(), nullable=False),
        sa.Column("tenant_id", sa.String(length=64), nullable=True),
        sa.Column("team_id", sa.String(length=512), nullable=True),
        sa.Column("channel_id", sa.String(length=512), nullable=True),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("conversation_id", name=op.f("pk_conversation_reference")),
    )
    op.create_index(
        op.f("ix_conversation_reference_team_id"), "conversation_reference", ["team_id"]
    )
    op.create_table(
        "channel_binding",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("team_id", sa.String(length=512), nullable=False),
        sa.Column("channel_id", sa.String(length=512), nullable=True),
        sa.Column("network_key", sa.String(length=64), nullable=False),
        sa.Column("group_key", sa.String(length=64), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_channel_binding")),
        sa.UniqueConstraint(
            "team_id", "channel_id", name=op.f("uq_channel_binding_team_id_channel_id")
        ),
    )
    op.create_index(
        "uq_channel_binding_team_id_whole_team",
        "channel_binding",
        ["team_id"],
        unique=True,
        sqlite_where=sa.text("channel_id IS NULL"),
        postgresql_where=sa.text("channel_id IS NULL"),
    )


def downgrade() -> None:
    op.drop_table("channel_binding")
    op.drop_table("conversation_reference")
    op.drop_table("registry_revision")
    op.drop_table("assignment")
    op.drop_table("person")
    op.drop_table("role")
    op.drop_table("network_group")
    op.drop_table("network")
