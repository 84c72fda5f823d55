"""cargo: shipments, containers, outcomes, learned models

Revision ID: cargo_0001
Revises:
Create Date: 2026-11-25 12:20:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "cargo_0001"
down_revision: str | Sequence[str] | None = None
branch_labels: str | Sequence[str] | None = ("cargo",)
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "cargo_shipment",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("bill_of_lading", sa.String(64), nullable=False),
        sa.Column("shipper_key", sa.String(200), nullable=False),
        sa.Column("departure_date", sa.Date(), nullable=True),
        sa.Column("source_file", sa.String(500), nullable=False),
        sa.Column("source_line", sa.Integer(), nullable=False),
        sa.Column("loaded_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("payload", sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_cargo_shipment"),
        sa.UniqueConstraint("bill_of_lading", name="uq_cargo_shipment_bill_of_lading"),
    )
    op.create_index("ix_cargo_shipment_shipper_key", "cargo_shipment", ["shipper_key"])
    op.create_table(
        "cargo_container",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("shipment_id", sa.Integer(), nullable=False),
        sa.Column("container_number", sa.String(11), nullable=False),
        sa.ForeignKeyConstraint(
            ["shipment_id"],
            ["cargo_shipment.id"],
            name="fk_cargo_container_shipment_id_cargo_shipment",
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name="pk_cargo_container"),
    )
    op.create_index("ix_cargo_container_shipment_id", "cargo_container", ["shipment_id"])
    op.create_index("ix_cargo_container_container_number", "cargo_container", ["container_number"])
    op.create_table(
        "cargo_outcome",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("bill_of_lading", sa.String(64), nullable=False),
        sa.Column("result", sa.String(16), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_cargo_outcome"),
    )
    op.create_index("ix_cargo_outcome_bill_of_lading", "cargo_outcome", ["bill_of_lading"])
    op.create_table(
        "cargo_model",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("samples", sa.Integer(), nullable=False),
        sa.Column("positives", sa.Integer(), nullable=False),
        sa.Column("model", sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_cargo_model"),
    )


def downgrade() -> None:
    op.drop_table("cargo_model")
    op.drop_index("ix_cargo_outcome_bill_of_lading", table_name="cargo_outcome")
    op.drop_table("cargo_outcome")
    op.drop_index("ix_cargo_container_container_number", table_name="cargo_container")
    op.drop_index("ix_cargo_container_shipment_id", table_name="cargo_container")
    op.drop_table("cargo_container")
    op.drop_index("ix_cargo_shipment_shipper_key", table_name="cargo_shipment")
    op.drop_table("cargo_shipment")
