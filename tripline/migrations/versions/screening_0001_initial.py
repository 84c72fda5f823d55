"""screening: decisions, counterparties and their hits

Revision ID: screening_0001
Revises:
Create Date: 2026-11-25 13:30:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "screening_0001"
down_revision: str | Sequence[str] | None = None
branch_labels: str | Sequence[str] | None = ("screening",)
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "screening_decision",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("query_key", sa.String(255), nullable=False),
        sa.Column("query_name", sa.Text(), nullable=False),
        sa.Column("entity_id", sa.String(255), nullable=False),
        sa.Column("verdict", sa.String(32), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("decided_by", sa.String(255), nullable=False),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_screening_decision"),
    )
    op.create_index("ix_screening_decision_query_key", "screening_decision", ["query_key"])
    op.create_index("ix_screening_decision_entity_id", "screening_decision", ["entity_id"])
    op.create_table(
        "screening_counterparty",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("ref", sa.String(255), nullable=False),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("country", sa.String(8), nullable=True),
        sa.Column("schema", sa.String(64), nullable=True),
        sa.Column("birth_date", sa.String(10), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_screened_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("last_snapshots", sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_screening_counterparty"),
        sa.UniqueConstraint("ref", name="uq_screening_counterparty_ref"),
    )
    op.create_table(
        "screening_hit",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("counterparty_id", sa.Integer(), nullable=False),
        sa.Column("entity_id", sa.String(255), nullable=False),
        sa.Column("source_id", sa.String(64), nullable=False),
        sa.Column("score", sa.Float(), nullable=False),
        sa.Column("matched_name", sa.Text(), nullable=False),
        sa.Column("first_seen", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_seen", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["counterparty_id"],
            ["screening_counterparty.id"],
            name="fk_screening_hit_counterparty_id_screening_counterparty",
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name="pk_screening_hit"),
        sa.UniqueConstraint("counterparty_id", "entity_id", name="uq_screening_hit_counterparty_entity"),
    )
    op.create_index("ix_screening_hit_counterparty_id", "screening_hit", ["counterparty_id"])


def downgrade() -> None:
    op.drop_table("screening_hit")
    op.drop_table("screening_counterparty")
    op.drop_table("screening_decision")
