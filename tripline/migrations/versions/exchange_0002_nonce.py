"""exchange: envelope ids seen (nonces), for replay checks within the freshness window

Revision ID: exchange_0002
Revises: exchange_0001
Create Date: 2026-12-04 16:30:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "exchange_0002"
down_revision: str | Sequence[str] | None = "exchange_0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "exchange_nonce",
        sa.Column("envelope_id", sa.String(64), nullable=False),
        sa.Column("sender", sa.String(64), nullable=False),
        sa.Column("hash", sa.String(64), nullable=False),
        sa.Column("seen_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("envelope_id", "sender", name="pk_exchange_nonce"),
    )
    op.create_index("ix_exchange_nonce_seen_at", "exchange_nonce", ["seen_at"])


def downgrade() -> None:
    op.drop_table("exchange_nonce")
