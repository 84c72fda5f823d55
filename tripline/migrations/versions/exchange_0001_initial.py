"""exchange: partners, agreements, documents, outbox/inbox messages, consents

Revision ID: exchange_0001
Revises:
Create Date: 2026-11-25 12:40:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "exchange_0001"
down_revision: str | Sequence[str] | None = None
branch_labels: str | Sequence[str] | None = ("exchange",)
depends_on: str | Sequence[str] | None = None

TS = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "exchange_partner",
        sa.Column("id", sa.String(64), primary_key=True),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("country", sa.String(2), nullable=False),
        sa.Column("public_key", sa.String(64), nullable=False),
        sa.Column("endpoint", sa.String(500), nullable=False),
        sa.Column("groups", sa.JSON(), nullable=False),
        sa.Column("token_hash", sa.String(200), nullable=True),
        sa.Column("is_self", sa.Boolean(), nullable=False),
        sa.Column("created_at", TS, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_exchange_partner"),
    )
    op.create_table(
        "exchange_agreement",
        sa.Column("id", sa.String(64), primary_key=True),
        sa.Column("spec", sa.JSON(), nullable=False),
        sa.Column("source", sa.String(500), nullable=False),
        sa.Column("loaded_at", TS, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_exchange_agreement"),
    )
    op.create_table(
        "exchange_document",
        sa.Column("id", sa.String(64), primary_key=True),
        sa.Column("doc_type", sa.String(40), nullable=False),
        sa.Column("originator", sa.String(64), nullable=False),
        sa.Column("subject", sa.String(500), nullable=False),
        sa.Column("hash", sa.String(64), nullable=False),
        sa.Column("payload", sa.JSON(), nullable=False),
        sa.Column("signed", sa.Boolean(), nullable=False),
        sa.Column("received_from", sa.String(64), nullable=True),
        sa.Column("deadline", TS, nullable=True),
        sa.Column("created_at", TS, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_exchange_document"),
    )
    op.create_index("ix_exchange_document_doc_type", "exchange_document", ["doc_type"])
    op.create_index("ix_exchange_document_originator", "exchange_document", ["originator"])
    op.create_index("ix_exchange_document_created_at", "exchange_document", ["created_at"])
    op.create_table(
        "exchange_message",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("direction", sa.String(3), nullable=False),
        sa.Column("kind", sa.String(20), nullable=False),
        sa.Column("ref", sa.String(64), nullable=False),
        sa.Column("partner_id", sa.String(64), nullable=False),
        sa.Column("purpose", sa.String(40), nullable=False),
        sa.Column("agreement_id", sa.String(64), nullable=True),
        sa.Column("circulation", sa.String(64), nullable=True),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("payload", sa.JSON(), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("next_attempt_at", TS, nullable=True),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.Column("receipt", sa.JSON(), nullable=True),
        sa.Column("created_at", TS, nullable=False),
        sa.Column("updated_at", TS, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_exchange_message"),
        sa.UniqueConstraint("direction", "kind", "ref", "partner_id", name="uq_exchange_message_key"),
    )
    op.create_index("ix_exchange_message_ref", "exchange_message", ["ref"])
    op.create_index("ix_exchange_message_partner_id", "exchange_message", ["partner_id"])
    op.create_index("ix_exchange_message_status", "exchange_message", ["status"])
    op.create_table(
        "exchange_consent",
        sa.Column("id", sa.String(64), primary_key=True),
        sa.Column("direction", sa.String(3), nullable=False),
        sa.Column("document_id", sa.String(64), nullable=False),
        sa.Column("originator", sa.String(64), nullable=False),
        sa.Column("requester", sa.String(64), nullable=False),
        sa.Column("third_party", sa.String(200), nullable=False),
        sa.Column("purpose", sa.String(40), nullable=False),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("withheld", sa.JSON(), nullable=False),
        sa.Column("request", sa.JSON(), nullable=False),
        sa.Column("answer", sa.JSON(), nullable=True),
        sa.Column("created_at", TS, nullable=False),
        sa.Column("decided_at", TS, nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_exchange_consent"),
    )
    op.create_index("ix_exchange_consent_document_id", "exchange_consent", ["document_id"])
    op.create_index("ix_exchange_consent_status", "exchange_consent", ["status"])


def downgrade() -> None:
    for table in ("exchange_consent", "exchange_message", "exchange_document", "exchange_agreement"):
        op.drop_table(table)
    op.drop_table("exchange_partner")
