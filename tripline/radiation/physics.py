"""Detector response physics: expected pulse-height spectra of gamma lines.

For a line of energy E the detector model of ``detectors.yaml`` gives an interaction
probability ``1 - exp(-tau(E))``; a fraction of the interactions deposits the full energy
(Gaussian photopeak with FWHM(E)), the rest deposits the recoil energy of a single Compton
scatter, distributed by the Klein-Nishina cross-section dσ/dT on [0, T_max] (the Compton
continuum with its edge at ``T_max = E * 2k/(1+2k)``, k = E/511 keV), smeared with the detector
resolution at the edge. PVT plastic has no photoelectric term, hence no photopeaks.
Channels below the discriminator threshold ``low_keV`` record nothing.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from functools import lru_cache

import numpy as np

from tripline.radiation.library import DetectorModel, Library, Nuclide, default_library, detector
from tripline.radiation.model import EnergyCalibration, FloatArray
from tripline.radiation.numerics import NDTR_HIGH, NDTR_LOW, SQRT2, gaussian_filter1d, ndtr

ELECTRON_MASS_KEV = 510.99895
BACKSCATTER_MIN_DEG = 150.0  # photons scattered back by 150-180 degrees (sample, container wall, ground, shielding)
# World-median terrestrial activity concentrations in soil (Bq/kg), UNSCEAR 2000 Annex B.
TERRESTRIAL_MIX = {"K-40": 400.0, "U-238 chain": 35.0, "Th-232 chain": 30.0}
# Down-scattered (skyshine, soil) photons: counts relative to the primary interactions and the
# e-folding energy of their exponential pulse-height shape (a stated rule for the background).
SCATTER_FRACTION = 1.5
SCATTER_E_FOLD_KEV = 200.0


def attenuation(model: DetectorModel, energy_kev: float) -> tuple[float, float]:
    """(total tau, photoelectric tau) of the crystal at this energy."""
    x = energy_kev / 661.657
    tau_c = model.tau_compton * x**-0.5
    tau_p = model.tau_photo * x**-3.0
    return tau_c + tau_p, tau_p


def full_energy_fraction(model: DetectorModel, energy_kev: float) -> float:
    """Fraction of interactions that end in the photopeak."""
    if not model.has_photopeaks:
        return 0.0
    tau, tau_p = attenuation(model, energy_kev)
    p_photo = tau_p / tau
    return min(1.0, p_photo + (1.0 - p_photo) * model.full_absorb_after_compton)


def peak_efficiency(model: DetectorModel, energy_kev: float) -> float:
    """Intrinsic full-energy peak efficiency (counts in the peak per incident photon)."""
    tau, _ = attenuation(model, energy_kev)
    return (1.0 - math.exp(-tau)) * full_energy_fraction(model, energy_kev)


def lines_near(model: DetectorModel, energy_kev: float, nuclide: Nuclide | None) -> list[tuple[float, float]]:
    """(energy, weight) of ``nuclide``'s lines within one FWHM of ``energy_kev`` (one photopeak on the detector),
    each weighted by its intensity times peak efficiency; ``energy_kev`` alone, weight 1, without ``nuclide`` or
    when none lies there."""
    width = model.fwhm_kev(energy_kev)
    near = (
        []
        if nuclide is None
        else [
            (ln.energy_kev, ln.intensity * peak_efficiency(model, ln.energy_kev))
            for ln in nuclide.lines
            if abs(ln.energy_kev - energy_kev) <= width
        ]
    )
    return near or [(energy_kev, 1.0)]


def scattered_kev(energy_kev: float, angle_deg: float) -> float:
    """Energy of a photon of ``energy_kev`` after one Compton scattering by ``angle_deg``:
    E / (1 + (1 - cos t) E / 511 keV)."""
    return energy_kev / (1 + (1 - math.cos(math.radians(angle_deg))) * energy_kev / ELECTRON_MASS_KEV)


def backscatter_range_kev(energy_kev: float) -> tuple[float, float]:
    """Where a line's backscatter peak lies: its photons scattered by 180 and by
    :data:`BACKSCATTER_MIN_DEG` degrees (181 keV for Bi-214 609, 184-194 keV for Cs-137 662)."""
    return scattered_kev(energy_kev, 180.0), scattered_kev(energy_kev, BACKSCATTER_MIN_DEG)


def compton_edge_kev(energy_kev: float) -> float:
    """The Compton edge of a line: the largest energy its photon gives an electron, E 2k/(1+2k), k = E/511 keV."""
    k = energy_kev / ELECTRON_MASS_KEV
    return energy_kev * 2 * k / (1 + 2 * k)


def klein_nishina_recoil(energy_kev: float, recoil_kev: FloatArray) -> FloatArray:
    """Klein-Nishina dσ/dT (arbitrary units) for electron recoil energies T, zero beyond the edge."""
    k = energy_kev / ELECTRON_MASS_KEV
    s = np.maximum(np.asarray(recoil_kev, dtype=np.float64) / energy_kev, 0.0)
    t_max = 2 * k / (1 + 2 * k)
    inside = (s >= 0) & (s < t_max)
    out = np.zeros(s.shape, dtype=np.float64)
    s_in = s[inside]  # the formula on the channels below the edge only (the others are 0)
    one_minus = 1.0 - s_in
    value = 2.0 + s_in**2 / (k**2 * one_minus**2) + s_in / one_minus * (s_in - 2.0 / k)
    out[inside] = np.maximum(value, 0.0)
    return out


def _klein_nishina_increasing(energy_kev: float, centers: FloatArray) -> FloatArray:
    """:func:`klein_nishina_recoil` on strictly increasing finite recoil energies: the channels below the edge are
    then a prefix (s = max(T / E, 0) does not decrease), found by one sorted search; the same values, without the
    whole-array masks."""
    k = energy_kev / ELECTRON_MASS_KEV
    s = np.maximum(centers / energy_kev, 0.0)
    t_max = 2 * k / (1 + 2 * k)
    stop = int(s.searchsorted(t_max, side="left"))  # s[:stop] < t_max <= s[stop:], and every s >= 0
    out = np.zeros(s.shape, dtype=np.float64)
    s_in = s[:stop]
    one_minus = 1.0 - s_in
    value = 2.0 + s_in**2 / (k**2 * one_minus**2) + s_in / one_minus * (s_in - 2.0 / k)
    out[:stop] = np.maximum(value, 0.0)
    return out


# Bounded caches of the per-line responses (``gaussian_bins``, ``line_response``), keyed by the
# channel edges' bytes: one spectrum asks for the same photopeak from the chain fit's templates,
# its backscatter and edge terms, the window test's mixtures and the peak search (about 2 calls
# per distinct line; a spectrum needs about 130 Gaussians and 60 line responses). An entry holds
# the edges (its key) and the response: 16 KB at 1024 channels, so at most 2 x 512 x 32 KB = 32 MB
# up to ``CACHED_CHANNELS_MAX``; larger spectra (HPGe) are computed on every call.
GAUSSIAN_CACHE_SIZE = 512
RESPONSE_CACHE_SIZE = 512
CACHED_CHANNELS_MAX = 2048


def _edges_key(edges: FloatArray) -> bytes:
    return np.ascontiguousarray(edges, dtype=np.float64).tobytes()


def gaussian_bins(edges: FloatArray, mean: float, sigma: float) -> FloatArray:
    """Probability of a normal(``mean``, ``sigma``) variable in each bin of ``edges``: the
    differences of its CDF at the edges (read-only; cached)."""
    if edges.size - 1 > CACHED_CHANNELS_MAX:
        return _gaussian_bins(np.asarray(edges, dtype=np.float64), float(mean), float(sigma))
    return _cached_gaussian_bins(_edges_key(edges), float(mean), float(sigma))


@lru_cache(maxsize=GAUSSIAN_CACHE_SIZE)
def _cached_gaussian_bins(edges_key: bytes, mean: float, sigma: float) -> FloatArray:
    return _gaussian_bins(np.frombuffer(edges_key, dtype=np.float64), mean, sigma)


def _gaussian_bins(edges: FloatArray, mean: float, sigma: float) -> FloatArray:
    z = (edges - mean) / sigma
    if not (sigma > 0 and z.size > 2 and np.count_nonzero(z[1:] >= z[:-1]) == z.size - 1):
        out = np.asarray(np.diff(ndtr(z)), dtype=np.float64)  # not increasing edges (or NaN)
        out.setflags(write=False)
        return out
    # increasing edges: the CDF is exactly 0 up to the first edge above NDTR_LOW and exactly 1 from
    # the first at NDTR_HIGH on (:func:`ndtr`), so every bin outside those edges and one more each
    # side is 0 - 0 or 1 - 1. Only that band is evaluated, by the arithmetic of :func:`ndtr` (a
    # 47-sigma band: 300 of 1024 RadiaCode channels at 662 keV), without its whole-array masks.
    start = int(z.searchsorted(NDTR_LOW, side="right"))  # z[start:stop]: NDTR_LOW < z < NDTR_HIGH
    stop = int(z.searchsorted(NDTR_HIGH, side="left"))
    # the CDF at the band's edges and the one each side (0 and 1), written in place and differenced into the bins
    # (the values of 0.5 * erfc, np.concatenate and np.diff, without their temporaries and Python wrappers)
    lead, tail = int(start > 0), int(stop < z.size)
    cdf = np.empty(lead + stop - start + tail, dtype=np.float64)
    if lead:
        cdf[0] = 0.0
    if tail:
        cdf[-1] = 1.0
    band = np.fromiter(map(math.erfc, (-z[start:stop] / SQRT2).tolist()), np.float64, stop - start)
    np.multiply(band, 0.5, out=cdf[lead : lead + stop - start])
    out = np.zeros(z.size - 1, dtype=np.float64)
    first = max(start - 1, 0)
    np.subtract(cdf[1:], cdf[:-1], out=out[first : first + cdf.size - 1])
    out.setflags(write=False)
    return out


def line_response(model: DetectorModel, edges: FloatArray, energy_kev: float) -> FloatArray:
    """Expected counts per channel for one incident photon of ``energy_kev`` (read-only; cached)."""
    if edges.size - 1 > CACHED_CHANNELS_MAX:
        return _line_response(model, np.asarray(edges, dtype=np.float64), float(energy_kev))
    return _cached_line_response(model, _edges_key(edges), float(energy_kev))


@lru_cache(maxsize=RESPONSE_CACHE_SIZE)
def _cached_line_response(model: DetectorModel, edges_key: bytes, energy_kev: float) -> FloatArray:
    return _line_response(model, np.frombuffer(edges_key, dtype=np.float64), energy_kev)


def _line_response(model: DetectorModel, edges: FloatArray, energy_kev: float, prefix: bool = True) -> FloatArray:
    """:func:`line_response` computed (``prefix``: on increasing edges by sorted searches, else by masks)."""
    tau, _ = attenuation(model, energy_kev)
    p_int = 1.0 - math.exp(-tau)
    f_peak = full_energy_fraction(model, energy_kev)
    centers = 0.5 * (edges[:-1] + edges[1:])
    widths = np.diff(edges)
    # strictly increasing centres (every calibration): the Klein-Nishina channels and those below the threshold are
    # prefixes, found by sorted searches (the same values as the masks give)
    increasing = prefix and centers.size > 1 and np.count_nonzero(centers[1:] > centers[:-1]) == centers.size - 1
    out = np.zeros(centers.size, dtype=np.float64)
    if f_peak > 0:
        sigma = model.fwhm_kev(energy_kev) / 2.3548
        out += p_int * f_peak * gaussian_bins(edges, energy_kev, sigma)
    recoil = _klein_nishina_increasing if increasing else klein_nishina_recoil
    continuum = recoil(energy_kev, centers) * widths
    total = continuum.sum()
    if total > 0:
        edge_kev = compton_edge_kev(energy_kev)
        gain = float(np.interp(edge_kev, centers, widths))
        sigma_ch = model.fwhm_kev(edge_kev) / 2.3548 / max(gain, 1e-9)
        smeared = continuum / total
        if sigma_ch > 0.3:
            # the continuum is 0 above the Compton edge, and so is its smoothing beyond the kernel's
            # reach (4 sigma): only the channels below that are convolved, each from the same values
            reach = int(np.flatnonzero(smeared)[-1]) + int(4.0 * sigma_ch + 0.5) + 2
            if reach < smeared.size:
                below = gaussian_filter1d(smeared[:reach], sigma_ch, mode="constant")
                smeared = np.zeros(smeared.size, dtype=np.float64)
                smeared[:reach] = below
            else:
                smeared = gaussian_filter1d(smeared, sigma_ch, mode="constant")
        out += p_int * (1.0 - f_peak) * smeared
    if increasing:
        out[: int(centers.searchsorted(model.low_kev, side="left"))] = 0.0
    else:
        out[centers < model.low_kev] = 0.0
    out.setflags(write=False)
    return out


def mixture_lines(mix: dict[str, float], library: Library) -> list[tuple[float, float]]:
    """(energy, photons per unit of mixture activity) for every line of a nuclide mixture."""
    lines: list[tuple[float, float]] = []
    for name, activity in mix.items():
        for line in library.get(name).lines:
            lines.append((line.energy_kev, activity * line.intensity / 100.0))
    return lines


def lines_response(model: DetectorModel, edges: FloatArray, lines: Iterable[tuple[float, float]]) -> FloatArray:
    out = np.zeros(edges.size - 1, dtype=np.float64)
    for energy, photons in lines:
        if photons > 0 and energy < edges[-1] + 5 * model.fwhm_kev(energy):
            out += photons * line_response(model, edges, energy)
    return out


@lru_cache(maxsize=512)
def _cached_shape(
    detector_name: str, coefficients: tuple[float, ...], n_channels: int, mix_key: tuple[tuple[str, float], ...]
) -> FloatArray:
    model = detector(detector_name)
    edges = EnergyCalibration(coefficients).edges(n_channels)
    shape = lines_response(model, edges, mixture_lines(dict(mix_key), default_library()))
    shape.setflags(write=False)
    return shape


def mixture_shape(
    detector_name: str, calibration: EnergyCalibration, n_channels: int, mix: dict[str, float]
) -> FloatArray:
    """Expected counts per channel of a nuclide mixture, normalised to unit total (cached)."""
    key = tuple(sorted(mix.items()))
    shape = _cached_shape(detector_name, calibration.coefficients, n_channels, key)
    total = float(shape.sum())
    return shape / total if total > 0 else shape.copy()


@lru_cache(maxsize=64)
def _background_shape(detector_name: str, coefficients: tuple[float, ...], n_channels: int) -> FloatArray:
    model = detector(detector_name)
    edges = EnergyCalibration(coefficients).edges(n_channels)
    primary = lines_response(model, edges, mixture_lines(TERRESTRIAL_MIX, default_library()))
    primary /= max(primary.sum(), 1e-300)
    centers = 0.5 * (edges[:-1] + edges[1:])
    scatter = np.exp(-np.clip(centers, 0, None) / SCATTER_E_FOLD_KEV) * np.diff(edges)
    scatter[centers < model.low_kev] = 0.0
    scatter /= max(scatter.sum(), 1e-300)
    shape = primary + SCATTER_FRACTION * scatter
    shape /= shape.sum()
    shape.setflags(write=False)
    return shape


def background_shape(detector_name: str, calibration: EnergyCalibration, n_channels: int) -> FloatArray:
    """Expected natural background pulse-height spectrum, normalised to unit total."""
    return _background_shape(detector_name, calibration.coefficients, n_channels).copy()


def default_calibration(model: DetectorModel, n_channels: int | None = None) -> EnergyCalibration:
    n = n_channels or model.channels
    return EnergyCalibration.linear(0.0, model.max_kev / n)
