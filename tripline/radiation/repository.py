"""Storage per container: occupancies, spectra and results (identification/adjudication).

Container numbers are ISO 6346 (owner code, category, serial, check digit), validated with
``python-stdnum``; the latest result of a container is what [cargo] targeting and the console read.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import numpy as np
import sqlalchemy as sa
from sqlalchemy.orm import Session
from stdnum import iso6346
from stdnum.exceptions import ValidationError as StdnumValidationError

from tripline.errors import ConflictError, InputError, NotFoundError
from tripline.radiation.model import EnergyCalibration, Occupancy, Spectrum, Verdict
from tripline.radiation.models import RadiationOccupancy, RadiationResult, RadiationSpectrum
from tripline.radiation.result import Adjudication, Identification


def container_number(value: str | None) -> str | None:
    """The ISO 6346 container number in compact form, or an :class:`InputError` naming the problem."""
    if value is None or not value.strip():
        return None
    try:
        return str(iso6346.validate(value))
    except StdnumValidationError as exc:
        raise InputError(f"not an ISO 6346 container number ({exc}): {value[:20]!r}", field="container") from exc


@dataclass(frozen=True)
class StoredResult:
    id: int
    container_id: str | None
    kind: str
    verdict: Verdict
    cleared: bool
    reasons: tuple[str, ...]
    payload: dict[str, Any]
    created_at: datetime
    occupancy_id: int | None
    spectrum_id: int | None

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "container_id": self.container_id,
            "kind": self.kind,
            "verdict": self.verdict.value,
            "cleared": self.cleared,
            "reasons": list(self.reasons),
            "created_at": self.created_at.isoformat(),
            "occupancy_id": self.occupancy_id,
            "spectrum_id": self.spectrum_id,
            "result": self.payload,
        }


def spectrum_digest(spectrum: Spectrum) -> str:
    """SHA-256 of the channel counts (little-endian int64): the identity of a stored spectrum."""
    return hashlib.sha256(np.asarray(spectrum.counts, dtype="<i8").tobytes()).hexdigest()


def _utc(value: datetime | None) -> datetime | None:
    if value is None:
        return None
    return value if value.tzinfo is not None else value.replace(tzinfo=UTC)


class RadiationRepository:
    """Reads and writes the radiation tables in the caller's session: the service owns the
    transaction (``with db.transaction() as session: RadiationRepository(session)...``), so a
    whole file is stored or nothing.
    """

    def __init__(self, session: Session) -> None:
        self.session = session

    def find_occupancy(self, occupancy_key: str) -> int | None:
        found = self.session.scalar(
            sa.select(RadiationOccupancy.id).where(RadiationOccupancy.occupancy_key == occupancy_key[:128])
        )
        return None if found is None else int(found)

    def add_occupancy(self, occupancy: Occupancy) -> int:
        """Add an occupancy inside the caller's transaction (ConflictError if its id is stored)."""
        container = container_number(occupancy.container_id)
        if self.find_occupancy(occupancy.occupancy_id) is not None:
            raise ConflictError(f"occupancy {occupancy.occupancy_id!r} is already stored", field="occupancy_id")
        row = RadiationOccupancy(
            occupancy_key=occupancy.occupancy_id[:128],
            container_id=container,
            portal=occupancy.portal,
            started_at=_utc(occupancy.started_at),
            slice_s=occupancy.slice_s,
            gamma_counts=[list(r) for r in occupancy.gamma_counts],
            gamma_background_cps=list(occupancy.gamma_background_cps),
            neutron_counts=occupancy.neutron_counts,
            neutron_background_cps=occupancy.neutron_background_cps,
            monitor_alarm=occupancy.monitor_alarm,
            created_at=datetime.now(UTC),
        )
        self.session.add(row)
        self.session.flush()
        return int(row.id)

    def find_spectrum(self, spectrum: Spectrum, *, container_id: str | None) -> int | None:
        """Id of the same spectrum (key, role, counts) already stored for this container, if any."""
        found = self.session.scalar(
            sa.select(RadiationSpectrum.id).where(
                RadiationSpectrum.sha256 == spectrum_digest(spectrum),
                RadiationSpectrum.spectrum_key == spectrum.spectrum_id[:200],
                RadiationSpectrum.role == spectrum.role,
                RadiationSpectrum.container_id == container_number(container_id),
            )
        )
        return None if found is None else int(found)

    def add_spectrum(
        self,
        spectrum: Spectrum,
        *,
        container_id: str | None = None,
        occupancy_id: int | None = None,
    ) -> int:
        """Add a spectrum inside the caller's transaction."""
        container = container_number(container_id)
        counts = [int(v) for v in spectrum.counts]
        digest = spectrum_digest(spectrum)
        row = RadiationSpectrum(
            spectrum_key=spectrum.spectrum_id[:200],
            container_id=container,
            occupancy_id=occupancy_id,
            role=spectrum.role,
            detector=spectrum.detector,
            live_time_s=spectrum.live_time_s,
            real_time_s=spectrum.real_time_s,
            calibration=list(spectrum.calibration.coefficients) if spectrum.calibration else None,
            counts=counts,
            source_file=(spectrum.source or None) and str(spectrum.source)[:1000],
            sha256=digest,
            created_at=datetime.now(UTC),
        )
        self.session.add(row)
        self.session.flush()
        return int(row.id)

    def load_spectrum(self, spectrum_id: int) -> Spectrum:
        row = self.session.get(RadiationSpectrum, spectrum_id)
        if row is None:
            raise NotFoundError(f"no spectrum with id {spectrum_id}", field="spectrum_id")
        cal = EnergyCalibration(tuple(float(c) for c in row.calibration)) if row.calibration else None
        return Spectrum(
            np.asarray(row.counts, dtype=np.int64),
            row.live_time_s,
            cal,
            spectrum_id=row.spectrum_key,
            role=row.role,
            detector=row.detector,
            real_time_s=row.real_time_s,
            source=row.source_file,
        )

    def add_result(
        self,
        result: Identification | Adjudication,
        *,
        container_id: str | None = None,
        occupancy_id: int | None = None,
        spectrum_id: int | None = None,
    ) -> int:
        """Add a result inside the caller's transaction."""
        kind = "adjudication" if isinstance(result, Adjudication) else "identification"
        raw = container_id if container_id is not None else getattr(result, "container_id", None)
        container = container_number(raw)
        row = RadiationResult(
            container_id=container,
            occupancy_id=occupancy_id,
            spectrum_id=spectrum_id,
            kind=kind,
            verdict=result.verdict.value,
            cleared=result.verdict.cleared,
            reasons=list(result.reasons),
            payload=result.to_dict(),
            created_at=datetime.now(UTC),
        )
        self.session.add(row)
        self.session.flush()
        return int(row.id)

    def add_scan(
        self,
        adjudication: Adjudication,
        occupancy: Occupancy,
        spectrum: Spectrum | None = None,
        background: Spectrum | None = None,
    ) -> int:
        """Store an occupancy, its spectra and its adjudication; returns the result id."""
        occ_id = self.add_occupancy(occupancy)
        spec_id = None
        container = occupancy.container_id
        if spectrum is not None:
            spec_id = self.add_spectrum(spectrum, container_id=container, occupancy_id=occ_id)
        if background is not None:
            self.add_spectrum(background, container_id=container, occupancy_id=occ_id)
        return self.add_result(adjudication, container_id=container, occupancy_id=occ_id, spectrum_id=spec_id)

    def results_for(self, container_id: str, *, limit: int = 50) -> list[StoredResult]:
        container = container_number(container_id)
        rows = self.session.scalars(
            sa.select(RadiationResult)
            .where(RadiationResult.container_id == container)
            .order_by(RadiationResult.created_at.desc(), RadiationResult.id.desc())
            .limit(limit)
        ).all()
        return [_stored(r) for r in rows]

    def latest_result(self, container_id: str) -> StoredResult | None:
        """The most recent result for a container, or None if it was never scanned."""
        results = self.results_for(container_id, limit=1)
        return results[0] if results else None


def _stored(row: RadiationResult) -> StoredResult:
    created = _utc(row.created_at)
    assert created is not None
    return StoredResult(
        id=row.id,
        container_id=row.container_id,
        kind=row.kind,
        verdict=Verdict(row.verdict),
        cleared=row.cleared,
        reasons=tuple(row.reasons),
        payload=dict(row.payload),
        created_at=created,
        occupancy_id=row.occupancy_id,
        spectrum_id=row.spectrum_id,
    )
