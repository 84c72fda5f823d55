"""Tables of the cargo capability: loaded shipments, their containers, outcomes and learned models.

Shipments and outcomes belong to an authority (its code; ``""`` for the command line's own): a bill
of lading is unique within one authority only, so no authority learns or blocks another's."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, Date, DateTime, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from tripline.store.base import Base


class CargoShipment(Base):
    __tablename__ = "cargo_shipment"
    __table_args__ = (UniqueConstraint("authority", "bill_of_lading", name="uq_cargo_shipment_authority_bl"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    authority: Mapped[str] = mapped_column(String(64), default="")
    bill_of_lading: Mapped[str] = mapped_column(String(64))
    shipper_key: Mapped[str] = mapped_column(String(200), index=True)
    departure_date: Mapped[date | None] = mapped_column(Date, nullable=True)
    source_file: Mapped[str] = mapped_column(String(500))
    source_line: Mapped[int] = mapped_column(Integer)
    loaded_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    payload: Mapped[dict[str, Any]] = mapped_column(JSON)


class CargoContainer(Base):
    __tablename__ = "cargo_container"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    shipment_id: Mapped[int] = mapped_column(ForeignKey("cargo_shipment.id", ondelete="CASCADE"), index=True)
    container_number: Mapped[str] = mapped_column(String(11), index=True)


class CargoOutcome(Base):
    __tablename__ = "cargo_outcome"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    authority: Mapped[str] = mapped_column(String(64), default="", index=True)
    bill_of_lading: Mapped[str] = mapped_column(String(64), index=True)
    result: Mapped[str] = mapped_column(String(16))
    note: Mapped[str] = mapped_column(Text, default="")
    recorded_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class CargoModel(Base):
    __tablename__ = "cargo_model"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    samples: Mapped[int] = mapped_column(Integer)
    positives: Mapped[int] = mapped_column(Integer)
    model: Mapped[dict[str, Any]] = mapped_column(JSON)


class CargoHold(Base):
    """A shipment an authority holds at the port (not released until the hold is lifted). One row per
    authority and bill of lading: holding again after a release reopens it."""

    __tablename__ = "cargo_hold"
    __table_args__ = (UniqueConstraint("authority", "bill_of_lading", name="uq_cargo_hold_authority_bl"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    authority: Mapped[str] = mapped_column(String(64), default="")
    bill_of_lading: Mapped[str] = mapped_column(String(64))
    container: Mapped[str] = mapped_column(String(11), default="")  # the container it was held from, if any
    reason: Mapped[str] = mapped_column(Text)
    held_by: Mapped[str] = mapped_column(String(64))
    held_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    released_by: Mapped[str | None] = mapped_column(String(64), nullable=True)
    released_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    release_note: Mapped[str] = mapped_column(Text, default="")
