"""Results of identification and adjudication (frozen dataclasses with a JSON form)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from tripline.radiation.model import Category, Verdict


@dataclass(frozen=True)
class PeakSupport:
    """One library line of an identified nuclide and what was measured at it."""

    energy_kev: float  # library energy
    found_kev: float | None  # centroid of the net counts in the region of interest
    net_counts: float
    significance: float

    def to_dict(self) -> dict[str, Any]:
        return {
            "energy_keV": round(self.energy_kev, 3),
            "found_keV": None if self.found_kev is None else round(self.found_kev, 2),
            "net_counts": round(self.net_counts, 1),
            "significance": round(self.significance, 2),
        }


@dataclass(frozen=True)
class IsotopeMatch:
    nuclide: str
    category: Category
    confidence: float  # 0..1
    significance: float  # sqrt(delta chi2) of the nuclide in the peak fit
    peaks: tuple[PeakSupport, ...]

    def to_dict(self) -> dict[str, Any]:
        return {
            "nuclide": self.nuclide,
            "category": self.category.value,
            "confidence": round(self.confidence, 3),
            "significance": round(self.significance, 2),
            "peaks": [p.to_dict() for p in self.peaks],
        }


@dataclass(frozen=True)
class NormTest:
    """Energy-window test: is the net excess explained by K-40/U/Th (NORM) alone?"""

    windows_kev: tuple[tuple[float, float], ...]
    net_counts: tuple[float, ...]
    chi2_norm: float
    dof: int
    p_norm: float
    norm_fractions: dict[str, float]  # share of the fitted excess by NORM component
    threat_chi2_gain: dict[str, float]  # chi2 drop when a man-made template is added to NORM
    threat_only_p: dict[str, float]  # p-value of the excess explained by one man-made source alone
    consistent: bool  # NORM explains the excess and no man-made template is needed or sufficient
    ratios: dict[str, float | None] = field(default_factory=dict)  # window ratios of the net excess

    def to_dict(self) -> dict[str, Any]:
        return {
            "windows_keV": [list(w) for w in self.windows_kev],
            "net_counts": [round(v, 1) for v in self.net_counts],
            "ratios": {k: None if v is None else round(v, 4) for k, v in self.ratios.items()},
            "chi2_norm": round(self.chi2_norm, 2),
            "dof": self.dof,
            "p_norm": round(self.p_norm, 5),
            "norm_fractions": {k: round(v, 3) for k, v in self.norm_fractions.items()},
            "threat_chi2_gain": {k: round(v, 2) for k, v in self.threat_chi2_gain.items()},
            "threat_only_p": {k: float(f"{v:.3g}") for k, v in self.threat_only_p.items()},
            "consistent_with_norm": self.consistent,
        }


@dataclass(frozen=True)
class Identification:
    spectrum_id: str
    verdict: Verdict
    isotopes: tuple[IsotopeMatch, ...]
    reasons: tuple[str, ...]
    gross_sigma: float | None  # net excess over the background spectrum (None without background)
    live_time_s: float
    total_counts: int
    detector: str
    norm_test: NormTest | None = None
    source: str | None = None  # file the spectrum came from (``archive.zip!member`` for an archive's)

    def to_dict(self) -> dict[str, Any]:
        return {
            "spectrum_id": self.spectrum_id,
            "source": self.source,
            "verdict": self.verdict.value,
            "cleared": self.verdict.cleared,
            "isotopes": [i.to_dict() for i in self.isotopes],
            "reasons": list(self.reasons),
            "gross_sigma": None if self.gross_sigma is None else round(self.gross_sigma, 2),
            "live_time_s": round(self.live_time_s, 3),
            "total_counts": self.total_counts,
            "detector": self.detector,
            "norm_test": None if self.norm_test is None else self.norm_test.to_dict(),
        }


@dataclass(frozen=True)
class AlarmStatistics:
    """Gross-count statistics of a portal occupancy."""

    gross_sigma: float  # whole occupancy, all panels summed
    max_window_sigma: float  # best 1-s sliding window
    neutron_sigma: float
    gamma_alarm: bool
    neutron_alarm: bool
    monitor_alarm: bool

    def to_dict(self) -> dict[str, Any]:
        return {
            "gross_sigma": round(self.gross_sigma, 2),
            "max_window_sigma": round(self.max_window_sigma, 2),
            "neutron_sigma": round(self.neutron_sigma, 2),
            "gamma_alarm": self.gamma_alarm,
            "neutron_alarm": self.neutron_alarm,
            "monitor_alarm": self.monitor_alarm,
        }


@dataclass(frozen=True)
class Adjudication:
    occupancy_id: str
    container_id: str | None
    verdict: Verdict
    reasons: tuple[str, ...]
    alarm: AlarmStatistics
    identification: Identification | None

    @property
    def cleared(self) -> bool:
        return self.verdict.cleared

    def to_dict(self) -> dict[str, Any]:
        return {
            "occupancy_id": self.occupancy_id,
            "container_id": self.container_id,
            "verdict": self.verdict.value,
            "cleared": self.cleared,
            "reasons": list(self.reasons),
            "alarm": self.alarm.to_dict(),
            "identification": None if self.identification is None else self.identification.to_dict(),
        }
