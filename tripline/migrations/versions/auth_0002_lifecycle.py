"""auth: token expiry, sign-in attempts for throttling

Revision ID: auth_0002
Revises: auth_0001
Create Date: 2026-12-04 16:15:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "auth_0002"
down_revision: str | Sequence[str] | None = "auth_0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("auth_token") as batch:
        batch.add_column(sa.Column("expires_at", sa.DateTime(timezone=True), nullable=True))
    op.create_table(
        "auth_signin_failure",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("username", sa.String(128), nullable=False),
        sa.Column("address", sa.String(64), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_auth_signin_failure"),
    )
    op.create_index("ix_auth_signin_failure_username", "auth_signin_failure", ["username"])
    op.create_index("ix_auth_signin_failure_address", "auth_signin_failure", ["address"])


def downgrade() -> None:
    op.drop_table("auth_signin_failure")
    with op.batch_alter_table("auth_token") as batch:
        batch.drop_column("expires_at")
