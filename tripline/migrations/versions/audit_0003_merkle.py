"""audit: stored Merkle subtrees (O(log n) heads and proofs), heads shown to partners

Revision ID: audit_0003
Revises: audit_0002
Create Date: 2026-12-05 07:40:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from tripline.audit.merkle import parents

revision: str = "audit_0003"
down_revision: str | Sequence[str] | None = "audit_0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    node = op.create_table(
        "audit_node",
        sa.Column("level", sa.Integer(), nullable=False),
        sa.Column("idx", sa.BigInteger(), nullable=False),
        sa.Column("hash", sa.String(64), nullable=False),
        sa.PrimaryKeyConstraint("level", "idx", name="pk_audit_node"),
    )
    op.create_table(
        "audit_shown",
        sa.Column("partner", sa.String(64), nullable=False),
        sa.Column("size", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("partner", name="pk_audit_shown"),
    )
    # the subtrees of the entries already logged, in sequence order
    conn = op.get_bind()
    rows = conn.execute(sa.text("SELECT entry_hash FROM audit_entry ORDER BY seq"))
    stored: dict[tuple[int, int], bytes] = {}
    batch: list[dict[str, object]] = []
    for index, (entry_hash,) in enumerate(rows):
        for level, i, digest in parents(index, bytes.fromhex(entry_hash), lambda lv, j: stored[(lv, j)]):
            stored[(level, i)] = digest
            batch.append({"level": level, "idx": i, "hash": digest.hex()})
    if batch:
        op.bulk_insert(node, batch)


def downgrade() -> None:
    op.drop_table("audit_shown")
    op.drop_table("audit_node")
