"""Value types of the radiation capability: spectra, calibrations, occupancies, verdicts.

Frozen dataclasses and string enums (hot path); pydantic only at the YAML/API boundaries.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Any

import numpy as np
import numpy.typing as npt

from tripline.errors import FormatError

FloatArray = npt.NDArray[np.float64]


class Verdict(StrEnum):
    """Outcome of an identification or an alarm adjudication (severity increases downwards)."""

    BACKGROUND = "background"
    NORM = "NORM"
    MEDICAL = "medical"
    INDUSTRIAL = "industrial"
    SNM = "special_nuclear_material"
    OF_CONCERN = "of_concern"

    @property
    def cleared(self) -> bool:
        """Nuisance outcomes an officer may release without secondary inspection."""
        return self in (Verdict.BACKGROUND, Verdict.NORM)

    @property
    def severity(self) -> int:
        return list(Verdict).index(self)


class Category(StrEnum):
    """Category of a nuclide in the gamma-line library."""

    NORM = "NORM"
    MEDICAL = "medical"
    INDUSTRIAL = "industrial"
    SNM = "special_nuclear_material"

    @property
    def verdict(self) -> Verdict:
        return {
            Category.NORM: Verdict.NORM,
            Category.MEDICAL: Verdict.MEDICAL,
            Category.INDUSTRIAL: Verdict.INDUSTRIAL,
            Category.SNM: Verdict.SNM,
        }[self]


@dataclass(frozen=True)
class EnergyCalibration:
    """Polynomial energy calibration ``E(ch) = c0 + c1*ch + c2*ch^2 + ...`` in keV (ch = channel index)."""

    coefficients: tuple[float, ...]

    def __post_init__(self) -> None:
        if len(self.coefficients) < 2:
            raise FormatError("energy calibration needs at least offset and gain", field="calibration")
        if not all(math.isfinite(c) for c in self.coefficients):
            raise FormatError("energy calibration coefficients must be finite", field="calibration")

    @classmethod
    def linear(cls, offset_kev: float, gain_kev_per_channel: float) -> EnergyCalibration:
        return cls((float(offset_kev), float(gain_kev_per_channel), 0.0))

    def energy(self, channel: npt.ArrayLike) -> FloatArray:
        """Energy in keV at (fractional) channel positions."""
        ch = np.asarray(channel, dtype=np.float64)
        return np.asarray(np.polynomial.polynomial.polyval(ch, self.coefficients), dtype=np.float64)

    def edges(self, n_channels: int) -> FloatArray:
        """Bin edges in keV: channel i covers [E(i), E(i+1))."""
        return self.energy(np.arange(n_channels + 1, dtype=np.float64))

    def is_monotonic(self, n_channels: int) -> bool:
        edges = self.edges(n_channels)
        return bool(np.all(np.diff(edges) > 0))

    def channel(self, energy_kev: float, n_channels: int) -> float:
        """Fractional channel of an energy (inverse of :meth:`energy`): interpolation on the edges,
        refined by Newton steps on the polynomial."""
        edges = self.edges(n_channels)
        ch = float(np.interp(energy_kev, edges, np.arange(n_channels + 1, dtype=np.float64)))
        deriv = np.polynomial.polynomial.polyder(self.coefficients)
        for _ in range(3):
            slope = float(np.polynomial.polynomial.polyval(ch, deriv))
            if slope <= 0:
                break
            ch -= (float(np.polynomial.polynomial.polyval(ch, self.coefficients)) - energy_kev) / slope
        return ch


@dataclass(frozen=True)
class Spectrum:
    """One gamma pulse-height spectrum with its live time and (optional) energy calibration."""

    counts: npt.NDArray[np.int64]
    live_time_s: float
    calibration: EnergyCalibration | None
    spectrum_id: str = "spectrum"
    role: str = "foreground"  # foreground | background
    detector: str | None = None  # key of detectors.yaml when known (nai, csi, labr, hpge, plastic)
    real_time_s: float | None = None
    source: str | None = None  # file it came from
    start_time: datetime | None = None
    meta: dict[str, Any] = field(default_factory=dict, compare=False)

    def __post_init__(self) -> None:
        where = self.source or self.spectrum_id
        if self.counts.ndim != 1 or self.counts.size < 2:
            raise FormatError("a spectrum needs a 1-D array of at least 2 channels", file=where, field="counts")
        if np.any(self.counts < 0):
            raise FormatError("channel counts must not be negative", file=where, field="counts")
        if not (math.isfinite(self.live_time_s) and self.live_time_s > 0):
            raise FormatError(
                f"live time must be a positive number, got {self.live_time_s!r}", file=where, field="live_time_s"
            )

    @property
    def n_channels(self) -> int:
        return int(self.counts.size)

    @property
    def total_counts(self) -> int:
        return int(self.counts.sum())

    @property
    def is_calibrated(self) -> bool:
        return self.calibration is not None and self.calibration.is_monotonic(self.n_channels)

    def edges_kev(self) -> FloatArray:
        if self.calibration is None:
            raise FormatError(
                "spectrum has no energy calibration", file=self.source or self.spectrum_id, field="calibration"
            )
        return self.calibration.edges(self.n_channels)

    def centers_kev(self) -> FloatArray:
        edges = self.edges_kev()
        return 0.5 * (edges[:-1] + edges[1:])


@dataclass(frozen=True)
class Occupancy:
    """One radiation portal monitor occupancy: a vehicle/container passing the portal.

    ``gamma_counts[t][p]`` are gross gamma counts of panel ``p`` in time slice ``t`` (each ``slice_s`` long);
    ``gamma_background_cps[p]`` is the panel's background rate measured just before the occupancy.
    """

    occupancy_id: str
    container_id: str | None
    slice_s: float
    gamma_counts: tuple[tuple[int, ...], ...]
    gamma_background_cps: tuple[float, ...]
    neutron_counts: int = 0
    neutron_background_cps: float = 0.0
    monitor_alarm: bool = False
    started_at: datetime | None = None
    portal: str | None = None

    def __post_init__(self) -> None:
        if not self.gamma_counts:
            raise FormatError("occupancy has no gamma time slices", field="gamma_counts")
        n = len(self.gamma_background_cps)
        if n == 0 or any(len(row) != n for row in self.gamma_counts):
            raise FormatError("every time slice needs one count per panel", field="gamma_counts")
        if self.slice_s <= 0:
            raise FormatError("slice length must be positive", field="slice_s")

    @property
    def duration_s(self) -> float:
        return self.slice_s * len(self.gamma_counts)

    @property
    def n_panels(self) -> int:
        return len(self.gamma_background_cps)
