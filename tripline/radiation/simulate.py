"""Physics simulator of gamma spectra and portal-monitor occupancies with known truth.

A source (``sources.yaml``: a mixture of library nuclides) is folded through a detector model
(:mod:`tripline.radiation.physics`). Its strength is given as the expected net gross-count excess
in standard deviations of the background over the same live time (``sigma``): the statistic a
portal alarms on. Counts are Poisson draws of the expected spectrum; background comes from the
terrestrial K-40/U/Th chains plus down-scattered photons at the detector's ``background_cps``.

Occupancy: a container drives through the portal at constant speed; each plastic panel sees the
source with an inverse-square profile ``1/(d^2 + (v*(t - t0))^2)``, and the container shadows the
natural background by ``baseline_depression`` at full occupancy (vehicle shielding, typically
5-15 %; Geelhood et al., IEEE NSS 2003). Neutron counts are Poisson at background plus the
source's ``neutron_cps``.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import numpy as np

from tripline.errors import InputError
from tripline.radiation.library import SourceSpec, default_sources, detector
from tripline.radiation.model import EnergyCalibration, Occupancy, Spectrum
from tripline.radiation.physics import background_shape, default_calibration, mixture_shape

PANELS = 4
SLICE_S = 0.1
SPEED_M_S = 2.2  # ~8 km/h
PANEL_DISTANCE_M = 2.0
NEUTRON_BACKGROUND_CPS = 4.0
PRE_BACKGROUND_S = 60.0


@dataclass(frozen=True)
class Truth:
    source: str
    kind: str
    sigma: float
    detector: str
    seed: int | None


@dataclass(frozen=True)
class SimulatedScan:
    """A simulated portal scan: the occupancy, the spectrum over it, the pre-occupancy background.

    Unpacks as ``occupancy, spectrum = scan``.
    """

    occupancy: Occupancy
    spectrum: Spectrum
    background: Spectrum
    truth: Truth

    def __iter__(self) -> Iterator[Any]:
        return iter((self.occupancy, self.spectrum))


def source_spec(source: str) -> SourceSpec:
    sources = default_sources()
    if source not in sources:
        raise InputError(f"unknown source {source!r}; known: {', '.join(sources)}", field="source")
    return sources[source]


def expected_spectrum(
    source: str,
    detector_name: str,
    *,
    sigma: float,
    live_time_s: float,
    calibration: EnergyCalibration | None = None,
    n_channels: int | None = None,
    background_scale: float = 1.0,
) -> tuple[np.ndarray, np.ndarray]:
    """(expected foreground counts, expected background counts) per channel."""
    model = detector(detector_name)
    n = n_channels or model.channels
    cal = calibration or default_calibration(model, n)
    bkg_counts = model.background_cps * live_time_s * background_scale
    background = background_shape(detector_name, cal, n) * bkg_counts
    spec = source_spec(source)
    if not spec.mix or sigma <= 0:
        return background, background
    net_total = sigma * math.sqrt(model.background_cps * live_time_s)
    signal = mixture_shape(detector_name, cal, n, spec.mix) * net_total
    return background + signal, background


def simulate_spectrum(
    source: str,
    detector_name: str = "nai",
    *,
    sigma: float = 10.0,
    live_time_s: float = 10.0,
    seed: int | None = None,
    n_channels: int | None = None,
    spectrum_id: str = "sim",
    rng: np.random.Generator | None = None,
) -> tuple[Spectrum, Spectrum]:
    """(foreground, background) spectra with Poisson noise; background is counted ``PRE_BACKGROUND_S``."""
    gen = rng or np.random.default_rng(seed)
    model = detector(detector_name)
    n = n_channels or model.channels
    cal = default_calibration(model, n)
    fg_mean, _ = expected_spectrum(
        source, detector_name, sigma=sigma, live_time_s=live_time_s, calibration=cal, n_channels=n
    )
    bg_mean = background_shape(detector_name, cal, n) * model.background_cps * PRE_BACKGROUND_S
    net = float((fg_mean - background_shape(detector_name, cal, n) * model.background_cps * live_time_s).sum())
    # a source can be invisible to a detector (e.g. Am-241's 59.5 keV deposits < 12 keV in plastic)
    meta = {"simulated": True, "source": source, "sigma": sigma, "expected_net_counts": net}
    fg = Spectrum(
        gen.poisson(fg_mean).astype(np.int64),
        live_time_s,
        cal,
        spectrum_id=spectrum_id,
        role="foreground",
        detector=detector_name,
        real_time_s=live_time_s,
        meta=meta,
    )
    bg = Spectrum(
        gen.poisson(bg_mean).astype(np.int64),
        PRE_BACKGROUND_S,
        cal,
        spectrum_id=spectrum_id,
        role="background",
        detector=detector_name,
        real_time_s=PRE_BACKGROUND_S,
        meta={"simulated": True},
    )
    return fg, bg


def _profile(n_slices: int, lateral_m: float, rng: np.random.Generator) -> np.ndarray:
    """Relative source signal per (slice, panel): inverse square as the container passes."""
    t = (np.arange(n_slices) + 0.5) * SLICE_S
    t0 = t[-1] / 2 + rng.uniform(-0.5, 0.5)
    along = SPEED_M_S * (t - t0)
    dist = np.array(
        [
            PANEL_DISTANCE_M + lateral_m,
            PANEL_DISTANCE_M + lateral_m,
            PANEL_DISTANCE_M - lateral_m,
            PANEL_DISTANCE_M - lateral_m,
        ]
    )
    prof = 1.0 / (dist[None, :] ** 2 + along[:, None] ** 2)
    return np.asarray(prof / prof.sum(), dtype=np.float64)


def simulate_occupancy(
    source: str = "none",
    detector: str = "nai",
    seed: int | None = None,
    *,
    sigma: float = 10.0,
    container_id: str | None = None,
    occupancy_s: float = 8.0,
    baseline_depression: float | None = None,
    n_channels: int | None = None,
    occupancy_id: str | None = None,
    started_at: datetime | None = None,
    alarm_sigma: float = 4.0,
) -> SimulatedScan:
    """Simulate one portal occupancy with known truth.

    ``sigma``: expected net excess of the source, in background standard deviations, both for the
    summed plastic panels over the occupancy and for the spectroscopic ``detector`` over the same
    live time. ``baseline_depression``: mean fraction of background the container shadows (drawn
    uniformly in 2-8 % when not given). The monitor's own alarm fires when the summed panel counts exceed the
    (undepressed) background by ``alarm_sigma``.
    """
    from tripline.radiation.library import detector as detector_model

    rng = np.random.default_rng(seed)
    spec = source_spec(source)
    pvt = detector_model("plastic")
    n_slices = max(1, round(occupancy_s / SLICE_S))
    bkg_cps = np.full(PANELS, pvt.background_cps / PANELS * 4 / 4, dtype=np.float64)
    bkg_slice = bkg_cps * SLICE_S
    depression = rng.uniform(0.02, 0.08) if baseline_depression is None else baseline_depression
    cover = np.sin(np.linspace(0, math.pi, n_slices)) ** 0.5
    shadow = 1.0 - depression * cover / max(float(cover.mean()), 1e-9)
    mean = shadow[:, None] * bkg_slice[None, :]
    if spec.mix and sigma > 0:
        total_bkg = float(bkg_slice.sum() * n_slices)
        net = sigma * math.sqrt(total_bkg)
        mean = mean + net * _profile(n_slices, rng.uniform(-1.0, 1.0), rng)
    counts = rng.poisson(mean)
    neutron_mean = (NEUTRON_BACKGROUND_CPS + spec.neutron_cps) * n_slices * SLICE_S
    neutrons = int(rng.poisson(neutron_mean))
    gross = counts.sum()
    expected = bkg_slice.sum() * n_slices
    monitor_alarm = bool((gross - expected) / math.sqrt(expected) > alarm_sigma)
    occ_id = occupancy_id or f"sim-{source}-{seed}"
    occupancy = Occupancy(
        occupancy_id=occ_id,
        container_id=container_id,
        slice_s=SLICE_S,
        gamma_counts=tuple(tuple(int(v) for v in row) for row in counts),
        gamma_background_cps=tuple(float(v) for v in bkg_cps),
        neutron_counts=neutrons,
        neutron_background_cps=NEUTRON_BACKGROUND_CPS,
        monitor_alarm=monitor_alarm,
        started_at=started_at,
        portal="simulated",
    )
    fg, bg = simulate_spectrum(
        source,
        detector,
        sigma=sigma,
        live_time_s=n_slices * SLICE_S,
        n_channels=n_channels,
        spectrum_id=occ_id,
        rng=rng,
    )
    return SimulatedScan(occupancy, fg, bg, Truth(source, spec.kind, sigma, detector, seed))


def simulate_energy_calibration(detector_name: str, n_channels: int | None = None) -> EnergyCalibration:
    model = detector(detector_name)
    return default_calibration(model, n_channels)
