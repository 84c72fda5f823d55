"""radiation: occupancies, spectra and results per container

Revision ID: radiation_0001
Revises:
Create Date: 2026-11-25 12:25:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "radiation_0001"
down_revision: str | Sequence[str] | None = None
branch_labels: str | Sequence[str] | None = ("radiation",)
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "radiation_occupancy",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("occupancy_key", sa.String(128), nullable=False),
        sa.Column("container_id", sa.String(11), nullable=True),
        sa.Column("portal", sa.String(128), nullable=True),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("slice_s", sa.Float(), nullable=False),
        sa.Column("gamma_counts", sa.JSON(), nullable=False),
        sa.Column("gamma_background_cps", sa.JSON(), nullable=False),
        sa.Column("neutron_counts", sa.Integer(), nullable=False),
        sa.Column("neutron_background_cps", sa.Float(), nullable=False),
        sa.Column("monitor_alarm", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_radiation_occupancy"),
        sa.UniqueConstraint("occupancy_key", name="uq_radiation_occupancy_occupancy_key"),
    )
    op.create_index("ix_radiation_occupancy_container_id", "radiation_occupancy", ["container_id"])
    op.create_table(
        "radiation_spectrum",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("spectrum_key", sa.String(200), nullable=False),
        sa.Column("container_id", sa.String(11), nullable=True),
        sa.Column("occupancy_id", sa.Integer(), nullable=True),
        sa.Column("role", sa.String(16), nullable=False),
        sa.Column("detector", sa.String(32), nullable=True),
        sa.Column("live_time_s", sa.Float(), nullable=False),
        sa.Column("real_time_s", sa.Float(), nullable=True),
        sa.Column("calibration", sa.JSON(), nullable=True),
        sa.Column("counts", sa.JSON(), nullable=False),
        sa.Column("source_file", sa.String(1000), nullable=True),
        sa.Column("sha256", sa.String(64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["occupancy_id"],
            ["radiation_occupancy.id"],
            name="fk_radiation_spectrum_occupancy_id_radiation_occupancy",
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name="pk_radiation_spectrum"),
    )
    op.create_index("ix_radiation_spectrum_container_id", "radiation_spectrum", ["container_id"])
    op.create_index("ix_radiation_spectrum_occupancy_id", "radiation_spectrum", ["occupancy_id"])
    op.create_index("ix_radiation_spectrum_sha256", "radiation_spectrum", ["sha256"])
    op.create_table(
        "radiation_result",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("container_id", sa.String(11), nullable=True),
        sa.Column("occupancy_id", sa.Integer(), nullable=True),
        sa.Column("spectrum_id", sa.Integer(), nullable=True),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("verdict", sa.String(32), nullable=False),
        sa.Column("cleared", sa.Boolean(), nullable=False),
        sa.Column("reasons", sa.JSON(), nullable=False),
        sa.Column("payload", sa.JSON(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["occupancy_id"],
            ["radiation_occupancy.id"],
            name="fk_radiation_result_occupancy_id_radiation_occupancy",
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["spectrum_id"],
            ["radiation_spectrum.id"],
            name="fk_radiation_result_spectrum_id_radiation_spectrum",
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name="pk_radiation_result"),
    )
    op.create_index("ix_radiation_result_container_created", "radiation_result", ["container_id", "created_at"])
    op.create_index("ix_radiation_result_occupancy_id", "radiation_result", ["occupancy_id"])
    op.create_index("ix_radiation_result_verdict", "radiation_result", ["verdict"])


def downgrade() -> None:
    op.drop_table("radiation_result")
    op.drop_table("radiation_spectrum")
    op.drop_table("radiation_occupancy")
