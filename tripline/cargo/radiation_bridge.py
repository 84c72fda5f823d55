"""Portal scans beside a manifest (``FILE.scans.jsonl``): simulated with [radiation], adjudicated by it.

One JSON object per portal occupancy::

    {"container": "MSCU1234565", "location": "JPYOK", "time": "...",
     "occupancy": {"occupancy_id", "slice_s", "gamma_counts", "gamma_background_cps",
                   "neutron_counts", "neutron_background_cps", "monitor_alarm"},
     "spectrum": {"counts", "live_time_s", "calibration", "detector"} | null,
     "background": {...same...} | null}

Spectra are written only for occupancies that alarmed (the monitor's own alarm or the
[radiation] alarm statistics): the secondary, spectroscopic inspection. Adjudication maps the
[radiation] verdict to the targeting vocabulary: background -> clear; NORM -> norm_expected
(targeting then checks the declared goods); medical and of concern (an alarm the spectrum does
not explain: re-scan) -> unresolved; industrial and special nuclear material -> threat.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from datetime import datetime
from pathlib import Path
from typing import Any

import structlog

from tripline.cargo.demo import ScanPlan
from tripline.cargo.ports import RadiationFinding, RadiationVerdict

log = structlog.get_logger(__name__)

# strength of the simulated sources, in background standard deviations (see radiation.simulate)
NORM_ALARM_SIGMA = 20.0
CS137_SIGMA = 20.0
DEMO_SOURCES = {"NORM": ("ceramics", NORM_ALARM_SIGMA), "Cs-137": ("Cs-137", CS137_SIGMA)}
NORM_FOR_HS = {"3104": "fertilizer", "2516": "granite", "6802": "granite", "2508": "kitty_litter"}


def write_scans(path: Path, plans: Iterable[ScanPlan], seed: int) -> int:
    """Simulate each planned occupancy with ``tripline.radiation`` and write its occupancy records.

    Spectra are kept only for occupancies that alarmed (the secondary inspection).
    """
    from tripline.radiation.alarm import alarm_statistics
    from tripline.radiation.service import occupancy_record
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
            record = occupancy_record(scan)
            record["location"] = plan.location
            record["time"] = plan.time
            if not (scan.occupancy.monitor_alarm or alarm_statistics(scan.occupancy).gamma_alarm):
                record["spectrum"] = record["background"] = None
            handle.write(json.dumps(record, separators=(",", ":")) + "\n")
            count += 1
    return count


VERDICTS = {
    "background": RadiationVerdict.CLEAR,
    "NORM": RadiationVerdict.NORM_EXPECTED,
    "medical": RadiationVerdict.UNRESOLVED,
    "industrial": RadiationVerdict.THREAT,
    "special_nuclear_material": RadiationVerdict.THREAT,
    "of_concern": RadiationVerdict.UNRESOLVED,
}


def read_findings(path: Path) -> dict[str, RadiationFinding]:
    """Adjudicate every occupancy of a scans file with ``tripline.radiation.adjudicate``."""
    from tripline.radiation.adjudicate import adjudicate
    from tripline.radiation.readers.occupancy import parse_occupancies

    findings: dict[str, RadiationFinding] = {}
    for rec in parse_occupancies(path.read_bytes(), source=str(path)):
        occ = rec.occupancy
        if not occ.container_id:
            continue
        result = adjudicate(occ, rec.spectrum, rec.background)
        verdict = VERDICTS.get(result.verdict.value, RadiationVerdict.UNRESOLVED)
        nuclides = tuple(m.nuclide for m in result.identification.isotopes) if result.identification else ()
        explanation = (
            f"[radiation] {result.verdict.value}: "
            + "; ".join(r for r in result.reasons if r.startswith("spectrum:") and "sigma" in r)[:300]
        )
        if unbacked_alarm(result):  # the spectrum taken at the alarm shows nothing: no targeting points
            verdict = RadiationVerdict.CLEAR
            explanation = "[radiation] cleared: the gross-count alarm is not backed by its spectrum. " + explanation
        finding = RadiationFinding(
            occ.container_id, verdict, nuclides, explanation, occ.portal or "", sigma=excess_sigma(result)
        )
        current = findings.get(occ.container_id)
        if current is None or _severity(finding) > _severity(current):
            findings[occ.container_id] = finding
    log.info("scans adjudicated", file=str(path), containers=len(findings))
    return findings


def excess_sigma(result: Any) -> float:
    """How far above background an occupancy was, in sigma: the gross counts of the spectrum taken at
    the alarm against its background (what the explanation states), else the portal's own gross
    counts; a neutron alarm's excess when it is larger (independent evidence of a source)."""
    ident = result.identification
    spectral = ident.gross_sigma if ident is not None else None
    gamma = float(spectral if spectral is not None else result.alarm.gross_sigma)
    return max(gamma, float(result.alarm.neutron_sigma)) if result.alarm.neutron_alarm else gamma


def unbacked_alarm(result: Any) -> bool:
    """A gamma alarm whose own spectrum, taken during the alarm, shows nothing above background
    (no nuclide, excess below 3 sigma) and no neutron excess: the gross counts alone do not make
    a finding (issue 17; the adjudication still says re-scan, the console shows both)."""
    ident = result.identification
    return (
        result.verdict.value == "of_concern"
        and not result.alarm.neutron_alarm
        and ident is not None
        and ident.verdict.value == "background"
        and not ident.isotopes
    )


def _severity(f: RadiationFinding) -> int:
    return list(RadiationVerdict).index(f.verdict)
