"""Tables of screening: analysts' decisions, stored counterparties and their current hits.

- ``screening_decision``: a verdict (confirmed match / false positive) on a (query, entity)
  pair; the query is keyed by its normalised name, so "ACME Ltd" and "Acme Limited" share it.
- ``screening_counterparty``: a party a user screens again and again, with the list snapshot
  ids it was last screened against (``rescreen`` screens it against what changed since).
- ``screening_hit``: the current hits of a counterparty (one row per listed entity).

Decisions and counterparties belong to an authority (``authority``: its code; ``""`` for the
command line's own); one authority's rows never change or show in another's results.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, DateTime, Float, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from tripline.store.base import Base

KEY_LEN = 255


class ScreeningDecision(Base):
    __tablename__ = "screening_decision"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    authority: Mapped[str] = mapped_column(String(64), default="", index=True)
    query_key: Mapped[str] = mapped_column(String(KEY_LEN), index=True)
    query_name: Mapped[str] = mapped_column(Text)
    entity_id: Mapped[str] = mapped_column(String(KEY_LEN), index=True)
    verdict: Mapped[str] = mapped_column(String(32))
    reason: Mapped[str] = mapped_column(Text)
    decided_by: Mapped[str] = mapped_column(String(KEY_LEN))
    decided_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class ScreeningCounterparty(Base):
    __tablename__ = "screening_counterparty"
    __table_args__ = (UniqueConstraint("authority", "ref", name="uq_screening_counterparty_authority_ref"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    authority: Mapped[str] = mapped_column(String(64), default="")
    ref: Mapped[str] = mapped_column(String(KEY_LEN))
    name: Mapped[str] = mapped_column(Text)
    country: Mapped[str | None] = mapped_column(String(8), nullable=True)
    schema: Mapped[str | None] = mapped_column(String(64), nullable=True)
    birth_date: Mapped[str | None] = mapped_column(String(10), nullable=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    last_screened_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    last_snapshots: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)


class ScreeningHit(Base):
    __tablename__ = "screening_hit"
    __table_args__ = (UniqueConstraint("counterparty_id", "entity_id", name="uq_screening_hit_counterparty_entity"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    counterparty_id: Mapped[int] = mapped_column(
        ForeignKey("screening_counterparty.id", ondelete="CASCADE"), index=True
    )
    entity_id: Mapped[str] = mapped_column(String(KEY_LEN))
    source_id: Mapped[str] = mapped_column(String(64))
    score: Mapped[float] = mapped_column(Float)
    matched_name: Mapped[str] = mapped_column(Text)
    first_seen: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    last_seen: Mapped[datetime] = mapped_column(DateTime(timezone=True))
