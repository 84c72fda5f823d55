"""cases: the status of background jobs (an upload being stored, a queue being scored), kept so
that a restart does not forget them

Revision ID: cases_0002
Revises: cases_0001
Create Date: 2026-12-06 02:50:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "cases_0002"
down_revision: str | Sequence[str] | None = "cases_0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "cases_job",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("authority", sa.String(64), nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("manifest_id", sa.String(40), nullable=False),
        sa.Column("name", sa.String(200), nullable=False, server_default=""),
        sa.Column("state", sa.String(16), nullable=False),
        sa.Column("stage", sa.String(200), nullable=False, server_default=""),
        sa.Column("done", sa.Integer(), nullable=False, server_default="0"),
        sa.Column("total", sa.Integer(), nullable=False, server_default="0"),
        sa.Column("error", sa.Text(), nullable=True),
        sa.Column("owner", sa.String(128), nullable=False),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_cases_job"),
        sa.UniqueConstraint("authority", "kind", "manifest_id", name="uq_cases_job_authority_kind_manifest"),
    )


def downgrade() -> None:
    op.drop_table("cases_job")
