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

from tripline.radiation.adjudicate import adjudicate
from tripline.radiation.alarm import AlarmPolicy, alarm_statistics
from tripline.radiation.identify import Policy, identify
from tripline.radiation.model import Category, EnergyCalibration, Occupancy, Spectrum, Verdict
from tripline.radiation.readers import pair_spectra, read_spectra
from tripline.radiation.result import Adjudication, AlarmStatistics, Identification, IsotopeMatch, PeakSupport
from tripline.radiation.simulate import SimulatedScan, simulate_occupancy, simulate_spectrum

if TYPE_CHECKING:
    from tripline.radiation.repository import RadiationRepository, StoredResult


def __getattr__(name: str) -> Any:
    # the storage layer (SQLAlchemy, ~0.3 s) is imported on first use (PEP 562), so
    # `tripline radiation identify` does not pay for what it never touches
    if name in ("RadiationRepository", "StoredResult"):
        from tripline.radiation import repository

        return getattr(repository, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


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
