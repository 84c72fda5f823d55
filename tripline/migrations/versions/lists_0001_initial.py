"""lists: sources, snapshots, entity versions and snapshot membership

Revision ID: lists_0001
Revises:
Create Date: 2026-11-25 12:10:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "lists_0001"
down_revision: str | Sequence[str] | None = None
branch_labels: str | Sequence[str] | None = ("lists",)
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "lists_source",
        sa.Column("id", sa.String(64), nullable=False),
        sa.Column("title", sa.Text(), nullable=False),
        sa.Column("publisher", sa.Text(), nullable=False),
        sa.Column("format", sa.String(64), nullable=False),
        sa.Column("licence", sa.Text(), nullable=False),
        sa.Column("attribution", sa.Text(), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("urls", sa.JSON(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_lists_source"),
    )
    op.create_table(
        "lists_snapshot",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("source_id", sa.String(64), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("published", sa.Date(), nullable=True),
        sa.Column("loaded_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("format", sa.String(64), nullable=False),
        sa.Column("files", sa.JSON(), nullable=False),
        sa.Column("content_sha256", sa.String(64), nullable=False),
        sa.Column("entity_count", sa.Integer(), nullable=False),
        sa.Column("counts", sa.JSON(), nullable=False),
        sa.Column("declared_count", sa.Integer(), nullable=True),
        sa.Column("report", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(["source_id"], ["lists_source.id"], name="fk_lists_snapshot_source_id_lists_source"),
        sa.PrimaryKeyConstraint("id", name="pk_lists_snapshot"),
        sa.UniqueConstraint("source_id", "version", name="uq_lists_snapshot_source_version"),
    )
    op.create_index("ix_lists_snapshot_source_content", "lists_snapshot", ["source_id", "content_sha256"])
    op.create_table(
        "lists_entity",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("source_id", sa.String(64), nullable=False),
        sa.Column("entity_id", sa.String(255), nullable=False),
        sa.Column("content_sha256", sa.String(64), nullable=False),
        sa.Column("schema", sa.String(64), nullable=False),
        sa.Column("caption", sa.Text(), nullable=False),
        sa.Column("properties", sa.JSON(), nullable=False),
        sa.Column("entry_id", sa.String(255), nullable=False),
        sa.Column("programs", sa.JSON(), nullable=False),
        sa.Column("section", sa.String(128), nullable=True),
        sa.Column("first_snapshot_id", sa.Integer(), nullable=False),
        sa.Column("first_seen", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["source_id"], ["lists_source.id"], name="fk_lists_entity_source_id_lists_source"),
        sa.PrimaryKeyConstraint("id", name="pk_lists_entity"),
        sa.UniqueConstraint("source_id", "entity_id", "content_sha256", name="uq_lists_entity_version"),
    )
    op.create_index("ix_lists_entity_entity_id", "lists_entity", ["entity_id"])
    op.create_table(
        "lists_member",
        sa.Column("snapshot_id", sa.Integer(), nullable=False),
        sa.Column("entity_row_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["snapshot_id"],
            ["lists_snapshot.id"],
            name="fk_lists_member_snapshot_id_lists_snapshot",
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["entity_row_id"], ["lists_entity.id"], name="fk_lists_member_entity_row_id_lists_entity"
        ),
        sa.PrimaryKeyConstraint("snapshot_id", "entity_row_id", name="pk_lists_member"),
    )
    op.create_index("ix_lists_member_entity", "lists_member", ["entity_row_id"])


def downgrade() -> None:
    op.drop_index("ix_lists_member_entity", table_name="lists_member")
    op.drop_table("lists_member")
    op.drop_index("ix_lists_entity_entity_id", table_name="lists_entity")
    op.drop_table("lists_entity")
    op.drop_index("ix_lists_snapshot_source_content", table_name="lists_snapshot")
    op.drop_table("lists_snapshot")
    op.drop_table("lists_source")
