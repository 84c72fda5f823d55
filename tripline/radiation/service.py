"""Use cases behind the CLI and API edges: identify a file, ingest scans, simulate, report."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from tripline.errors import FormatError, InputError
from tripline.radiation.identify import identify
from tripline.radiation.model import Spectrum, Verdict
from tripline.radiation.readers import pair_spectra, read_bytes, read_spectra
from tripline.radiation.result import Identification

if TYPE_CHECKING:  # the storage layer (SQLAlchemy) is imported by the functions that store
    from tripline.radiation.repository import StoredResult
    from tripline.store.db import Database


def _background_from(path: Path) -> Spectrum:
    spectra = read_spectra(path)
    backgrounds = [s for s in spectra if s.role == "background"]
    return (backgrounds or spectra)[0]


def identify_file(path: Path, *, background: Path | None = None, detector: str | None = None) -> list[Identification]:
    """Identify every foreground spectrum of a file (paired with its background, or ``background``)."""
    spectra = read_spectra(path)
    override = _background_from(background) if background is not None else None
    out = []
    for fg, bg in pair_spectra(spectra):
        out.append(identify(fg, override or bg, detector_name=detector))
    return out


@dataclass
class IngestReport:
    file: str
    occupancies: int = 0
    spectra: int = 0
    already_stored: int = 0  # records or spectra of the file found stored (re-ingest is a no-op)
    results: list[dict[str, Any]] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {
            "file": self.file,
            "occupancies": self.occupancies,
            "spectra": self.spectra,
            "already_stored": self.already_stored,
            "results": self.results,
        }


def ingest_file(
    db: Database,
    path: Path,
    *,
    container: str | None = None,
    background: Path | None = None,
    detector: str | None = None,
) -> IngestReport:
    """Store what a file holds for its container(s) and the verdict on each, in ONE transaction.

    ``.jsonl`` files hold portal occupancies (each adjudicated, with its spectra); any spectrum
    file (N42, CSV, vendor) is identified and stored for ``container``. The whole file is read,
    validated and judged first; then everything is written in one transaction, so a bad record
    stores nothing. Ingesting the same file again stores nothing new: occupancies are known by
    their id, spectra by container, key, role and counts (``already_stored`` counts them).
    """
    from tripline.radiation.repository import RadiationRepository, container_number

    report = IngestReport(file=str(path))
    name = path.name.lower().removesuffix(".gz")
    if name.endswith(".jsonl"):
        from tripline.radiation.readers.occupancy import parse_occupancies

        if container is not None:
            raise InputError(
                "--container is for spectrum files; occupancy records name their container", field="container"
            )
        from tripline.radiation.adjudicate import adjudicate

        records = parse_occupancies(read_bytes(path), source=str(path))
        for rec in records:  # container numbers checked before anything is judged or written
            try:
                container_number(rec.occupancy.container_id)
            except InputError as exc:
                raise InputError(exc.reason, file=path, line=rec.line, field="container") from None
        judged = [(rec, adjudicate(rec.occupancy, rec.spectrum, rec.background)) for rec in records]
        with db.transaction() as session:
            repo = RadiationRepository(session)
            for rec, result in judged:
                occ = rec.occupancy
                if repo.find_occupancy(occ.occupancy_id) is not None:
                    report.already_stored += 1
                    continue
                result_id = repo.add_scan(result, occ, rec.spectrum, rec.background)
                report.occupancies += 1
                report.spectra += (rec.spectrum is not None) + (rec.background is not None)
                report.results.append(
                    {
                        "result_id": result_id,
                        "container": occ.container_id,
                        "occupancy_id": occ.occupancy_id,
                        "verdict": result.verdict.value,
                    }
                )
        return report
    number = container_number(container)
    if number is None:
        raise InputError("a spectrum file needs --container (ISO 6346 container number)", field="container")
    override = _background_from(background) if background is not None else None
    judged_spectra = [
        (fg, override or bg, identify(fg, override or bg, detector_name=detector))
        for fg, bg in pair_spectra(read_spectra(path))
    ]
    with db.transaction() as session:
        repo = RadiationRepository(session)
        for fg, bkg, ident in judged_spectra:
            if repo.find_spectrum(fg, container_id=number) is not None:
                report.already_stored += 1
                continue
            spec_id = repo.add_spectrum(fg, container_id=number)
            if bkg is not None and repo.find_spectrum(bkg, container_id=number) is None:
                repo.add_spectrum(bkg, container_id=number)
                report.spectra += 1
            result_id = repo.add_result(ident, container_id=number, spectrum_id=spec_id)
            report.spectra += 1
            report.results.append(
                {
                    "result_id": result_id,
                    "container": number,
                    "spectrum_id": fg.spectrum_id,
                    "verdict": ident.verdict.value,
                }
            )
    return report


def container_results(db: Database, container: str, *, limit: int = 20) -> list[StoredResult]:
    from tripline.radiation.repository import RadiationRepository

    with db.transaction() as session:
        return RadiationRepository(session).results_for(container, limit=limit)


def latest_verdict(db: Database, container: str) -> Verdict | None:
    from tripline.radiation.repository import RadiationRepository

    with db.transaction() as session:
        latest = RadiationRepository(session).latest_result(container)
    return None if latest is None else latest.verdict


@dataclass(frozen=True)
class SimulationReport:
    source: str
    detector: str
    sigma: float
    seed: int | None
    out: str | None
    adjudication: dict[str, Any]

    def to_dict(self) -> dict[str, Any]:
        return {
            "source": self.source,
            "detector": self.detector,
            "sigma": self.sigma,
            "seed": self.seed,
            "out": self.out,
            "adjudication": self.adjudication,
        }


def simulate_to_file(
    source: str,
    *,
    detector: str = "nai",
    sigma: float = 10.0,
    seed: int | None = None,
    container: str | None = None,
    out: Path | None = None,
) -> SimulationReport:
    """Simulate one portal scan; write its spectra (``.n42``/``.xml``/``.csv``) or the occupancy
    record (``.jsonl``, the ingest format) to ``out``; return the truth and its adjudication."""
    from tripline.radiation.adjudicate import adjudicate
    from tripline.radiation.repository import container_number
    from tripline.radiation.simulate import simulate_occupancy

    scan = simulate_occupancy(source, detector, seed, sigma=sigma, container_id=container_number(container))
    result = adjudicate(scan.occupancy, scan.spectrum, scan.background)
    if out is not None:
        suffix = out.suffix.lower()
        if suffix in (".n42", ".xml"):
            from tripline.radiation.readers.n42 import write_n42

            out.write_bytes(write_n42([scan.spectrum, scan.background]))
        elif suffix == ".csv":
            from tripline.radiation.readers.csvrows import write_csv

            out.write_text(write_csv([scan.spectrum, scan.background]), encoding="utf-8")
        elif suffix == ".jsonl":
            out.write_text(json.dumps(occupancy_record(scan), separators=(",", ":")) + "\n", encoding="utf-8")
        else:
            raise FormatError("output must end in .n42, .xml, .csv or .jsonl", file=out)
    return SimulationReport(source, detector, sigma, seed, str(out) if out else None, result.to_dict())


def occupancy_record(scan: Any) -> dict[str, Any]:
    """A simulated scan as one JSON-lines occupancy record (see ``readers.occupancy``)."""

    def spec(s: Spectrum) -> dict[str, Any]:
        return {
            "counts": [int(v) for v in s.counts],
            "live_time_s": s.live_time_s,
            "calibration": list(s.calibration.coefficients) if s.calibration else None,
            "detector": s.detector,
        }

    occ = scan.occupancy
    return {
        "container": occ.container_id,
        "location": occ.portal,
        "time": occ.started_at.isoformat() if occ.started_at else None,
        "occupancy": {
            "occupancy_id": occ.occupancy_id,
            "slice_s": occ.slice_s,
            "gamma_counts": [list(r) for r in occ.gamma_counts],
            "gamma_background_cps": list(occ.gamma_background_cps),
            "neutron_counts": occ.neutron_counts,
            "neutron_background_cps": occ.neutron_background_cps,
            "monitor_alarm": occ.monitor_alarm,
        },
        "spectrum": spec(scan.spectrum),
        "background": spec(scan.background),
    }
