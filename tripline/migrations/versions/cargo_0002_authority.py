"""cargo: shipments and outcomes belong to an authority; bills of lading unique per authority

Revision ID: cargo_0002
Revises: cargo_0001
Create Date: 2026-12-04 15:40:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "cargo_0002"
down_revision: str | Sequence[str] | None = "cargo_0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("cargo_shipment") as batch:
        batch.add_column(sa.Column("authority", sa.String(64), nullable=False, server_default=""))
        batch.drop_constraint("uq_cargo_shipment_bill_of_lading", type_="unique")
        batch.create_unique_constraint("uq_cargo_shipment_authority_bl", ["authority", "bill_of_lading"])
    with op.batch_alter_table("cargo_outcome") as batch:
        batch.add_column(sa.Column("authority", sa.String(64), nullable=False, server_default=""))
        batch.create_index("ix_cargo_outcome_authority", ["authority"])


def downgrade() -> None:
    with op.batch_alter_table("cargo_outcome") as batch:
        batch.drop_index("ix_cargo_outcome_authority")
        batch.drop_column("authority")
    with op.batch_alter_table("cargo_shipment") as batch:
        batch.drop_constraint("uq_cargo_shipment_authority_bl", type_="unique")
        batch.create_unique_constraint("uq_cargo_shipment_bill_of_lading", ["bill_of_lading"])
        batch.drop_column("authority")
