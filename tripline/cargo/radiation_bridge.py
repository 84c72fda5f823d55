"""Portal scans beside a manifest (``FILE.scans.jsonl``): simulated with [radiation], adjudicated by it.

One JSON object per portal occupancy::

    {"container": "MSCU1234565", "location": "JPYOK", "time": "...",
     "occupancy": {"occupancy_id", "slice_s", "gamma_counts", "gamma_background_cps",
                   "neutron_counts", "neutron_background_cps", "monitor_alarm"},
     "spectrum": {"counts", "live_time_s", "calibration", "detector"} | null,
     "background": {...same...} | null}

Spectra are written only for occupancies whose monitor alarmed (the secondary, spectroscopic
inspection). Adjudication maps the [radiation] verdict to the targeting vocabulary:
background -> clear, NORM -> norm_expected (targeting then checks the declared goods),
medical -> unresolved, industrial / special nuclear material / of concern -> threat.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from datetime import datetime
from pathlib import Path
from typing import Any

import numpy as np
import structlog

from tripline.cargo.demo import ScanPlan
from tripline.cargo.ports import RadiationFinding, RadiationVerdict
from tripline.errors import FormatError

log = structlog.get_logger(__name__)

# strength of the simulated sources, in background standard deviations (see radiation.simulate)
NORM_ALARM_SIGMA = 20.0
CS137_SIGMA = 20.0
DEMO_SOURCES = {"NORM": ("ceramics", NORM_ALARM_SIGMA), "Cs-137": ("Cs-137", CS137_SIGMA)}
NORM_FOR_HS = {"3104": "fertilizer", "2516": "granite", "6802": "granite", "2508": "kitty_litter"}


def _spectrum_json(spectrum: Any) -> dict[str, Any]:
    return {
        "counts": [int(v) for v in spectrum.counts],
        "live_time_s": spectrum.live_time_s,
        "calibration": list(spectrum.calibration.coefficients) if spectrum.calibration else None,
        "detector": spectrum.detector,
    }


def write_scans(path: Path, plans: Iterable[ScanPlan], seed: int) -> int:
    """Simulate each planned occupancy with ``tripline.radiation.simulate`` and write the JSON lines."""
    from tripline.radiation.simulate import simulate_occupancy

    count = 0
    with path.open("w", encoding="utf-8") as handle:
        for i, plan in enumerate(plans):
            source, sigma = "none", 0.0
            if plan.source == "NORM":
                source, sigma = NORM_FOR_HS.get(plan.hs_code[:4], "ceramics"), NORM_ALARM_SIGMA
            elif plan.source is not None:
                source, sigma = DEMO_SOURCES.get(plan.source, (plan.source, CS137_SIGMA))
            scan = simulate_occupancy(
                source,
                "nai",
                seed=seed * 100_003 + i,
                sigma=sigma,
                container_id=plan.container,
                occupancy_id=f"{plan.location}-{i:06d}",
                started_at=datetime.fromisoformat(plan.time.replace("Z", "+00:00")),
            )
            occ = scan.occupancy
            record = {
                "container": plan.container,
                "location": plan.location,
                "time": plan.time,
                "occupancy": {
                    "occupancy_id": occ.occupancy_id,
                    "slice_s": occ.slice_s,
                    "gamma_counts": [list(row) for row in occ.gamma_counts],
                    "gamma_background_cps": list(occ.gamma_background_cps),
                    "neutron_counts": occ.neutron_counts,
                    "neutron_background_cps": occ.neutron_background_cps,
                    "monitor_alarm": occ.monitor_alarm,
                },
                "spectrum": _spectrum_json(scan.spectrum) if occ.monitor_alarm else None,
                "background": _spectrum_json(scan.background) if occ.monitor_alarm else None,
            }
            handle.write(json.dumps(record, separators=(",", ":")) + "\n")
            count += 1
    return count


def _spectrum(data: dict[str, Any], *, role: str, sid: str, where: Path, line: int) -> Any:
    from tripline.radiation.model import EnergyCalibration, Spectrum

    try:
        cal = EnergyCalibration(tuple(float(c) for c in data["calibration"])) if data.get("calibration") else None
        return Spectrum(
            np.asarray(data["counts"], dtype=np.int64),
            float(data["live_time_s"]),
            cal,
            spectrum_id=sid,
            role=role,
            detector=data.get("detector"),
        )
    except (KeyError, TypeError, ValueError) as exc:
        raise FormatError(f"bad {role} spectrum: {exc}", file=where, line=line, field=role) from None


VERDICTS = {
    "background": RadiationVerdict.CLEAR,
    "NORM": RadiationVerdict.NORM_EXPECTED,
    "medical": RadiationVerdict.UNRESOLVED,
    "industrial": RadiationVerdict.THREAT,
    "special_nuclear_material": RadiationVerdict.THREAT,
    "of_concern": RadiationVerdict.THREAT,
}


def read_findings(path: Path) -> dict[str, RadiationFinding]:
    """Adjudicate every alarmed occupancy of a scans file with [radiation]; clear the others."""
    from tripline.radiation.identify import identify

    findings: dict[str, RadiationFinding] = {}
    with path.open("r", encoding="utf-8") as handle:
        for line_no, text in enumerate(handle, start=1):
            if not text.strip():
                continue
            try:
                record = json.loads(text)
                container = str(record["container"])
                alarm = bool(record["occupancy"]["monitor_alarm"])
            except (json.JSONDecodeError, KeyError, TypeError) as exc:
                raise FormatError(f"not a scan record: {exc}", file=path, line=line_no) from None
            location = str(record.get("location") or "")
            if not alarm or not record.get("spectrum"):
                findings.setdefault(container, RadiationFinding(container, RadiationVerdict.CLEAR, location=location))
                continue
            sid = str(record["occupancy"].get("occupancy_id") or container)
            fg = _spectrum(record["spectrum"], role="foreground", sid=sid, where=path, line=line_no)
            bg = None
            if record.get("background"):
                bg = _spectrum(record["background"], role="background", sid=sid, where=path, line=line_no)
            result = identify(fg, bg)
            verdict = VERDICTS.get(str(getattr(result.verdict, "value", result.verdict)), RadiationVerdict.UNRESOLVED)
            nuclides = tuple(m.nuclide for m in result.isotopes)
            explanation = "; ".join(result.reasons[-2:])
            finding = RadiationFinding(container, verdict, nuclides, explanation, location)
            current = findings.get(container)
            if current is None or _severity(finding) > _severity(current):
                findings[container] = finding
    log.info("scans adjudicated", file=str(path), containers=len(findings))
    return findings


def _severity(f: RadiationFinding) -> int:
    return list(RadiationVerdict).index(f.verdict)
