"""Tables of the exchange: partners, agreements, documents, outbox/inbox messages, consents."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Boolean, DateTime, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from tripline.store.base import Base


class ExchangePartner(Base):
    """A node this one knows: its own row (``is_self``) and every partner's public key and endpoint."""

    __tablename__ = "exchange_partner"
    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    country: Mapped[str] = mapped_column(String(2))
    public_key: Mapped[str] = mapped_column(String(64))
    endpoint: Mapped[str] = mapped_column(String(500), default="")
    groups: Mapped[list[str]] = mapped_column(JSON, default=list)
    token_hash: Mapped[str | None] = mapped_column(String(200), nullable=True)
    is_self: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class ExchangeAgreement(Base):
    __tablename__ = "exchange_agreement"
    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    spec: Mapped[dict[str, Any]] = mapped_column(JSON)
    source: Mapped[str] = mapped_column(String(500))
    loaded_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class ExchangeDocument(Base):
    """A document this node holds (drafted here or received), with its signed JSON."""

    __tablename__ = "exchange_document"
    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    doc_type: Mapped[str] = mapped_column(String(40), index=True)
    originator: Mapped[str] = mapped_column(String(64), index=True)
    subject: Mapped[str] = mapped_column(String(500))
    hash: Mapped[str] = mapped_column(String(64))
    payload: Mapped[dict[str, Any]] = mapped_column(JSON)
    signed: Mapped[bool] = mapped_column(Boolean, default=False)
    received_from: Mapped[str | None] = mapped_column(String(64), nullable=True)
    deadline: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), index=True)


class ExchangeMessage(Base):
    """One entry of the outbox (``out``) or inbox (``in``): a document or consent message and a partner."""

    __tablename__ = "exchange_message"
    __table_args__ = (UniqueConstraint("direction", "kind", "ref", "partner_id", name="uq_exchange_message_key"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    direction: Mapped[str] = mapped_column(String(3))
    kind: Mapped[str] = mapped_column(String(20))
    ref: Mapped[str] = mapped_column(String(64), index=True)
    partner_id: Mapped[str] = mapped_column(String(64), index=True)
    purpose: Mapped[str] = mapped_column(String(40))
    agreement_id: Mapped[str | None] = mapped_column(String(64), nullable=True)
    circulation: Mapped[str | None] = mapped_column(String(64), nullable=True)
    status: Mapped[str] = mapped_column(String(20), index=True)
    payload: Mapped[dict[str, Any]] = mapped_column(JSON)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    last_error: Mapped[str | None] = mapped_column(Text, nullable=True)
    receipt: Mapped[dict[str, Any] | None] = mapped_column(JSON, nullable=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class ExchangeConsent(Base):
    """A request to pass a document to a third party, on the requester's (``out``) or originator's (``in``) side."""

    __tablename__ = "exchange_consent"
    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    direction: Mapped[str] = mapped_column(String(3))
    document_id: Mapped[str] = mapped_column(String(64), index=True)
    originator: Mapped[str] = mapped_column(String(64))
    requester: Mapped[str] = mapped_column(String(64))
    third_party: Mapped[str] = mapped_column(String(200))
    purpose: Mapped[str] = mapped_column(String(40))
    status: Mapped[str] = mapped_column(String(20), index=True)
    withheld: Mapped[list[str]] = mapped_column(JSON, default=list)
    request: Mapped[dict[str, Any]] = mapped_column(JSON)
    answer: Mapped[dict[str, Any] | None] = mapped_column(JSON, nullable=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    decided_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)


class ExchangeNonce(Base):
    """An envelope id seen from a sender, with the hash of its content, kept for the freshness window."""

    __tablename__ = "exchange_nonce"
    envelope_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    sender: Mapped[str] = mapped_column(String(64), primary_key=True)
    hash: Mapped[str] = mapped_column(String(64))
    seen_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), index=True)
