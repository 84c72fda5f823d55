"""controls: versioned control-list snapshots and entries

Revision ID: controls_0001
Revises:
Create Date: 2026-11-25 12:30:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "controls_0001"
down_revision: str | Sequence[str] | None = None
branch_labels: str | Sequence[str] | None = ("controls",)
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "controls_snapshot",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("source", sa.String(32), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("title", sa.Text(), nullable=False),
        sa.Column("loaded_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("content_sha256", sa.String(64), nullable=False),
        sa.Column("entry_count", sa.Integer(), nullable=False),
        sa.Column("warnings", sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_controls_snapshot"),
        sa.UniqueConstraint("source", "version", name="uq_controls_snapshot_source_version"),
    )
    op.create_index("ix_controls_snapshot_source_content", "controls_snapshot", ["source", "content_sha256"])
    op.create_table(
        "controls_entry",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("snapshot_id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(16), nullable=False),
        sa.Column("title", sa.Text(), nullable=False),
        sa.Column("data", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(
            ["snapshot_id"],
            ["controls_snapshot.id"],
            name="fk_controls_entry_snapshot_id_controls_snapshot",
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name="pk_controls_entry"),
        sa.UniqueConstraint("snapshot_id", "code", name="uq_controls_entry_snapshot_code"),
    )
    op.create_index("ix_controls_entry_code", "controls_entry", ["code"])


def downgrade() -> None:
    op.drop_index("ix_controls_entry_code", table_name="controls_entry")
    op.drop_table("controls_entry")
    op.drop_index("ix_controls_snapshot_source_content", table_name="controls_snapshot")
    op.drop_table("controls_snapshot")
