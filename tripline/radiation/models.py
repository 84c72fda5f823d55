"""Tables of the radiation capability (migration: ``radiation_0001``)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from tripline.store.base import Base


class RadiationOccupancy(Base):
    """One portal monitor occupancy (gross counts per panel and time slice)."""

    __tablename__ = "radiation_occupancy"

    id: Mapped[int] = mapped_column(sa.Integer, primary_key=True, autoincrement=True)
    occupancy_key: Mapped[str] = mapped_column(sa.String(128), unique=True)
    container_id: Mapped[str | None] = mapped_column(sa.String(11), index=True)
    portal: Mapped[str | None] = mapped_column(sa.String(128))
    started_at: Mapped[datetime | None] = mapped_column(sa.DateTime(timezone=True))
    slice_s: Mapped[float] = mapped_column(sa.Float)
    gamma_counts: Mapped[Any] = mapped_column(sa.JSON)
    gamma_background_cps: Mapped[Any] = mapped_column(sa.JSON)
    neutron_counts: Mapped[int] = mapped_column(sa.Integer)
    neutron_background_cps: Mapped[float] = mapped_column(sa.Float)
    monitor_alarm: Mapped[bool] = mapped_column(sa.Boolean)
    created_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True))


class RadiationSpectrum(Base):
    """One gamma spectrum, linked to a container and optionally to an occupancy."""

    __tablename__ = "radiation_spectrum"

    id: Mapped[int] = mapped_column(sa.Integer, primary_key=True, autoincrement=True)
    spectrum_key: Mapped[str] = mapped_column(sa.String(200))
    container_id: Mapped[str | None] = mapped_column(sa.String(11), index=True)
    occupancy_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("radiation_occupancy.id", ondelete="SET NULL"), index=True
    )
    role: Mapped[str] = mapped_column(sa.String(16))
    detector: Mapped[str | None] = mapped_column(sa.String(32))
    live_time_s: Mapped[float] = mapped_column(sa.Float)
    real_time_s: Mapped[float | None] = mapped_column(sa.Float)
    calibration: Mapped[Any] = mapped_column(sa.JSON)  # list of polynomial coefficients or null
    counts: Mapped[Any] = mapped_column(sa.JSON)
    source_file: Mapped[str | None] = mapped_column(sa.String(1000))
    sha256: Mapped[str] = mapped_column(sa.String(64), index=True)
    created_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True))


class RadiationResult(Base):
    """An identification or adjudication, with its verdict and reasons, per container."""

    __tablename__ = "radiation_result"
    __table_args__ = (sa.Index("ix_radiation_result_container_created", "container_id", "created_at"),)

    id: Mapped[int] = mapped_column(sa.Integer, primary_key=True, autoincrement=True)
    container_id: Mapped[str | None] = mapped_column(sa.String(11))
    occupancy_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("radiation_occupancy.id", ondelete="SET NULL"), index=True
    )
    spectrum_id: Mapped[int | None] = mapped_column(sa.ForeignKey("radiation_spectrum.id", ondelete="SET NULL"))
    kind: Mapped[str] = mapped_column(sa.String(16))  # identification | adjudication
    verdict: Mapped[str] = mapped_column(sa.String(32), index=True)
    cleared: Mapped[bool] = mapped_column(sa.Boolean)
    reasons: Mapped[Any] = mapped_column(sa.JSON)
    payload: Mapped[Any] = mapped_column(sa.JSON)
    created_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True))
