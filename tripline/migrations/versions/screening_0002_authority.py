"""screening: decisions and counterparties belong to an authority

Revision ID: screening_0002
Revises: screening_0001
Create Date: 2026-12-04 15:40:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "screening_0002"
down_revision: str | Sequence[str] | None = "screening_0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("screening_decision") as batch:
        batch.add_column(sa.Column("authority", sa.String(64), nullable=False, server_default=""))
        batch.create_index("ix_screening_decision_authority", ["authority"])
    # Decisions recorded through the API carried their authority only in ``decided_by`` (user@AUTHORITY).
    op.execute(
        "UPDATE screening_decision SET authority = substr(decided_by, instr(decided_by, '@') + 1) "
        "WHERE instr(decided_by, '@') > 0"
        if op.get_bind().dialect.name == "sqlite"
        else "UPDATE screening_decision SET authority = split_part(decided_by, '@', 2) WHERE decided_by LIKE '%@%'"
    )
    with op.batch_alter_table("screening_counterparty") as batch:
        batch.add_column(sa.Column("authority", sa.String(64), nullable=False, server_default=""))
        batch.drop_constraint("uq_screening_counterparty_ref", type_="unique")
        batch.create_unique_constraint("uq_screening_counterparty_authority_ref", ["authority", "ref"])


def downgrade() -> None:
    with op.batch_alter_table("screening_counterparty") as batch:
        batch.drop_constraint("uq_screening_counterparty_authority_ref", type_="unique")
        batch.create_unique_constraint("uq_screening_counterparty_ref", ["ref"])
        batch.drop_column("authority")
    with op.batch_alter_table("screening_decision") as batch:
        batch.drop_index("ix_screening_decision_authority")
        batch.drop_column("authority")
