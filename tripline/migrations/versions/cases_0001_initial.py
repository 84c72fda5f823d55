"""cases: case files, their items, timeline and notes

Revision ID: cases_0001
Revises:
Create Date: 2026-11-25 12:15:00
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from alembic import op

revision: str = "cases_0001"
down_revision: str | Sequence[str] | None = None
branch_labels: str | Sequence[str] | None = ("cases",)
depends_on: str | Sequence[str] | None = "auth_0001"


def upgrade() -> None:
    op.create_table(
        "cases_case",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("authority_id", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(256), nullable=False),
        sa.Column("summary", sa.Text(), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("created_by", sa.String(128), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_cases_case"),
        sa.ForeignKeyConstraint(
            ["authority_id"], ["auth_authority.id"], name="fk_cases_case_authority_id_auth_authority"
        ),
    )
    op.create_index("ix_cases_case_authority_id", "cases_case", ["authority_id"])
    children: tuple[tuple[str, list[sa.Column[Any]]], ...] = (
        (
            "cases_item",
            [
                sa.Column("kind", sa.String(16), nullable=False),
                sa.Column("ref", sa.String(256), nullable=False),
                sa.Column("label", sa.String(512), nullable=False),
                sa.Column("details", sa.JSON(), nullable=False),
                sa.Column("added_by", sa.String(128), nullable=False),
                sa.Column("added_at", sa.DateTime(timezone=True), nullable=False),
            ],
        ),
        (
            "cases_event",
            [
                sa.Column("at", sa.DateTime(timezone=True), nullable=False),
                sa.Column("actor", sa.String(128), nullable=False),
                sa.Column("action", sa.String(32), nullable=False),
                sa.Column("detail", sa.Text(), nullable=False),
            ],
        ),
        (
            "cases_note",
            [
                sa.Column("author", sa.String(128), nullable=False),
                sa.Column("body", sa.Text(), nullable=False),
                sa.Column("at", sa.DateTime(timezone=True), nullable=False),
            ],
        ),
    )
    for table, columns in children:
        op.create_table(
            table,
            sa.Column("id", sa.Integer(), primary_key=True),
            sa.Column("case_id", sa.Integer(), nullable=False),
            *columns,
            sa.PrimaryKeyConstraint("id", name=f"pk_{table}"),
            sa.ForeignKeyConstraint(["case_id"], ["cases_case.id"], name=f"fk_{table}_case_id_cases_case"),
        )
        op.create_index(f"ix_{table}_case_id", table, ["case_id"])


def downgrade() -> None:
    op.drop_table("cases_note")
    op.drop_table("cases_event")
    op.drop_table("cases_item")
    op.drop_table("cases_case")
