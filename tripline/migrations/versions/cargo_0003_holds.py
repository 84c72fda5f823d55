"""cargo: shipments held at the port, per authority

Revision ID: cargo_0003
Revises: cargo_0002
Create Date: 2026-12-05 23:50:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "cargo_0003"
down_revision: str | Sequence[str] | None = "cargo_0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "cargo_hold",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("authority", sa.String(64), nullable=False, server_default=""),
        sa.Column("bill_of_lading", sa.String(64), nullable=False),
        sa.Column("container", sa.String(11), nullable=False, server_default=""),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("held_by", sa.String(64), nullable=False),
        sa.Column("held_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("released_by", sa.String(64), nullable=True),
        sa.Column("released_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("release_note", sa.Text(), nullable=False, server_default=""),
        sa.PrimaryKeyConstraint("id", name="pk_cargo_hold"),
        sa.UniqueConstraint("authority", "bill_of_lading", name="uq_cargo_hold_authority_bl"),
    )


def downgrade() -> None:
    op.drop_table("cargo_hold")
