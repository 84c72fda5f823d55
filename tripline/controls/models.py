"""Tables of the [controls] capability: versioned catalogue snapshots and their entries."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, DateTime, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from tripline.store.base import Base


class ControlsSnapshot(Base):
    """One load of one control list (version 1, 2, ... per source; a new version only when the
    parsed content changed)."""

    __tablename__ = "controls_snapshot"
    __table_args__ = (
        UniqueConstraint("source", "version", name="uq_controls_snapshot_source_version"),
        Index("ix_controls_snapshot_source_content", "source", "content_sha256"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    source: Mapped[str] = mapped_column(String(32))
    version: Mapped[int] = mapped_column(Integer)
    title: Mapped[str] = mapped_column(Text)
    loaded_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    content_sha256: Mapped[str] = mapped_column(String(64))
    entry_count: Mapped[int] = mapped_column(Integer)
    warnings: Mapped[list[Any]] = mapped_column(JSON)


class ControlsEntry(Base):
    """An entry of a snapshot, stored whole as JSON (items, parameters, regimes)."""

    __tablename__ = "controls_entry"
    __table_args__ = (
        UniqueConstraint("snapshot_id", "code", name="uq_controls_entry_snapshot_code"),
        Index("ix_controls_entry_code", "code"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    snapshot_id: Mapped[int] = mapped_column(ForeignKey("controls_snapshot.id", ondelete="CASCADE"))
    code: Mapped[str] = mapped_column(String(16))
    title: Mapped[str] = mapped_column(Text)
    data: Mapped[dict[str, Any]] = mapped_column(JSON)
