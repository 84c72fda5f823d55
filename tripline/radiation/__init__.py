"""[radiation] Portal alarms and gamma spectra adjudicated with reasons.

Stable library API (used by [cargo] and the console)::

    from tripline.radiation import identify, adjudicate, simulate_occupancy, read_spectra, RadiationRepository

    scan = simulate_occupancy("Cs-137", detector="nai", seed=1, sigma=8, container_id="CSQU3054383")
    result = adjudicate(scan.occupancy, scan.spectrum, scan.background)
    result.verdict            # Verdict.INDUSTRIAL; result.reasons; result.identification.isotopes
    identify(spectrum, background=None) -> Identification

Modules: ``model`` (value types), ``library`` (YAML reference data), ``physics`` (detector
response), ``simulate``, ``spectral`` (rebin, SNIP, windows), ``peaks`` (isotope fit),
``windows`` (NORM test), ``identify``, ``alarm``, ``adjudicate``, ``readers`` (N42, CSV, vendor
formats through becquerel), ``models``/``repository`` (storage per container).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from tripline.radiation.adjudicate import adjudicate
    from tripline.radiation.alarm import AlarmPolicy, alarm_statistics
    from tripline.radiation.identify import Policy, identify
    from tripline.radiation.model import Category, EnergyCalibration, Occupancy, Spectrum, Verdict
    from tripline.radiation.readers import pair_spectra, read_spectra
    from tripline.radiation.repository import RadiationRepository, StoredResult
    from tripline.radiation.result import Adjudication, AlarmStatistics, Identification, IsotopeMatch, PeakSupport
    from tripline.radiation.simulate import SimulatedScan, simulate_occupancy, simulate_spectrum

# each name of the API and the module that defines it: a module is imported on first use (PEP 562),
# so `tripline radiation identify` does not pay for storage (SQLAlchemy), the portal alarm
# statistics or the simulator, which it never touches
_HOME = {
    "adjudicate": "adjudicate",
    "AlarmPolicy": "alarm",
    "alarm_statistics": "alarm",
    "Policy": "identify",
    "identify": "identify",
    "Category": "model",
    "EnergyCalibration": "model",
    "Occupancy": "model",
    "Spectrum": "model",
    "Verdict": "model",
    "pair_spectra": "readers",
    "read_spectra": "readers",
    "RadiationRepository": "repository",
    "StoredResult": "repository",
    "Adjudication": "result",
    "AlarmStatistics": "result",
    "Identification": "result",
    "IsotopeMatch": "result",
    "PeakSupport": "result",
    "SimulatedScan": "simulate",
    "simulate_occupancy": "simulate",
    "simulate_spectrum": "simulate",
}


def __getattr__(name: str) -> Any:
    home = _HOME.get(name)
    if home is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    import importlib

    return getattr(importlib.import_module(f"{__name__}.{home}"), name)


__all__ = [
    "Adjudication",
    "AlarmPolicy",
    "AlarmStatistics",
    "Category",
    "EnergyCalibration",
    "Identification",
    "IsotopeMatch",
    "Occupancy",
    "PeakSupport",
    "Policy",
    "RadiationRepository",
    "SimulatedScan",
    "Spectrum",
    "StoredResult",
    "Verdict",
    "adjudicate",
    "alarm_statistics",
    "identify",
    "pair_spectra",
    "read_spectra",
    "simulate_occupancy",
    "simulate_spectrum",
]
