"""Spectrum arithmetic: rebinning onto another calibration, SNIP continuum, windows, net counts."""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np

from tripline.radiation.library import DetectorModel
from tripline.radiation.model import FloatArray, Spectrum
from tripline.radiation.numerics import gaussian_filter1d

# Smoothing before SNIP: a quarter FWHM, and at least SMOOTH_MIN_CHANNELS: on finely binned HPGe
# spectra (3 channels per FWHM) a quarter FWHM is below the 0.6-channel level at which any
# smoothing is done, and clipping the raw Poisson minima left the continuum 1.35 standard
# deviations low in every channel (0.8 with the floor); summed over a line's region that bias was
# a 3-4 sigma "line" wherever the library has one (Ir-192 on an outdoor HPGe background). The floor
# sits just above that level so that scintillator spectra (a quarter FWHM of 0.8 channel and
# more) are smoothed as before.
SMOOTH_FWHM = 0.25
SMOOTH_MIN_CHANNELS = 0.7
ONSET_MIN_CHANNELS = 3
# A discriminator turn-on is smooth: counts are recorded below it (a logistic of width w keeps exp(-k) of them k*w
# below), so where counts begin (counts_onset_kev) can lie tens of keV under the edge of a high-count spectrum. The
# turn-on (the logistic's midpoint) is read where the counts, smoothed over TURN_ON_SMOOTH_FWHM of a FWHM, first reach
# half of their median from there to TURN_ON_HIGH_KEV, and taken as a turn-on only when they rise from a quarter to
# three quarters of it within TURN_ON_SHARP_FWHM of a FWHM: an edge sharper than the resolution, which SNIP (clipping
# over about a FWHM) cannot follow and leaves as a line-like residual just above it (dev RadiaCode spectra turned on
# at 45 keV, tests.realdata.turn_on: an "Am-241 line" of 4-8 sigma, centroid 60-64 keV, on spodzone:background,
# dmamontov:bg-natural, po-84-staticmaster and rn-86-spd; their quarter-to-three-quarter rise 5-10 keV). The
# RadiaCode-101 files' own slow rise (dev K-40-1, Sediment_Danube, Uraninite: from a quarter to three quarters over
# about 20 keV, a FWHM there) is no such edge.
TURN_ON_SMOOTH_FWHM = 0.25
TURN_ON_SHARP_FWHM = 0.75
TURN_ON_HIGH_KEV = 110.0
# Poisson-noise bias of SNIP, measured per spectrum by a parametric bootstrap (unbiased_continuum).
SNIP_BIAS_DRAWS = 4
SNIP_BIAS_ITERATIONS = 1
SNIP_BIAS_SMOOTH_FWHM = 2.0
SNIP_BIAS_SEED = 20261207
SNIP_BIAS_FLOOR = 0.05


def rebin(counts: np.ndarray, old_edges: FloatArray, new_edges: FloatArray) -> FloatArray:
    """Counts redistributed onto ``new_edges``, assuming a uniform density inside each old bin.

    Total counts inside the overlapping range are conserved (the cumulative sum is interpolated).
    """
    cumulative = np.concatenate(([0.0], np.cumsum(counts, dtype=np.float64)))
    at_new = np.interp(new_edges, old_edges, cumulative, left=0.0, right=float(cumulative[-1]))
    return np.asarray(np.diff(at_new), dtype=np.float64)


def aligned_background(foreground: Spectrum, background: Spectrum) -> tuple[FloatArray, float]:
    """Background counts on the foreground's channels and the live-time ratio fg/bg."""
    ratio = foreground.live_time_s / background.live_time_s
    same = (
        background.n_channels == foreground.n_channels
        and background.calibration is not None
        and foreground.calibration is not None
        and np.allclose(background.calibration.coefficients, foreground.calibration.coefficients, rtol=1e-9, atol=1e-9)
    )
    if same or not (foreground.is_calibrated and background.is_calibrated):
        if background.n_channels != foreground.n_channels:
            from tripline.errors import InputError

            raise InputError(
                "background has a different channel count and no usable calibration to rebin it",
                file=background.source or background.spectrum_id,
                field="calibration",
            )
        return background.counts.astype(np.float64), ratio
    return rebin(background.counts, background.edges_kev(), foreground.edges_kev()), ratio


def snip_continuum(counts: FloatArray, fwhm_channels: FloatArray, width_factor: float = 1.5) -> FloatArray:
    """Continuum under the peaks by SNIP peak clipping (Ryan et al., NIM B 34 (1988) 396).

    Works on the log-log-sqrt transform; the clipping window of each channel is
    ``width_factor * FWHM`` there, so it follows the detector resolution.
    """
    # np.maximum(x, lower): np.clip without an upper bound (the same ufunc, without its Python wrappers)
    y = _smooth(np.maximum(np.asarray(counts, dtype=np.float64), 0.0), fwhm_channels)
    v = np.log(np.log(np.sqrt(y + 1.0) + 1.0) + 1.0)
    widths = np.maximum(1, np.ceil(width_factor * fwhm_channels)).astype(np.int64)
    max_w = int(min(widths.max(), y.size // 2 - 1)) if y.size > 4 else 0
    n = y.size
    # windows widening with energy (every calibrated detector model): the channels whose window reaches p are the
    # tail from the first such channel, a slice found by one sorted search instead of a mask over the spectrum (the
    # same channels, the same values)
    widening = n > 1 and np.count_nonzero(widths[1:] >= widths[:-1]) == n - 1
    for p in range(max_w, 0, -1):
        if widening:
            first = max(p, int(widths.searchsorted(p, side="left")))
            if first < n - p:
                tail = v[first : n - p]  # a view: the neighbours' mean is computed before it is written
                np.minimum(tail, 0.5 * (v[first - p : n - 2 * p] + v[first + p :]), out=tail)
            continue
        # channels p .. n-p-1 whose window reaches p, clipped to the mean of their p-th neighbours
        active = widths[p : n - p] >= p
        if not np.count_nonzero(active):
            continue
        inner = v[p : n - p]  # a view: the neighbours' mean is computed before it is written
        np.minimum(inner, 0.5 * (v[: n - 2 * p] + v[2 * p :]), out=inner, where=active)
    out = (np.exp(np.exp(v) - 1.0) - 1.0) ** 2 - 1.0
    return np.asarray(np.maximum(out, 0.0), dtype=np.float64)


def unbiased_continuum(counts: FloatArray, fwhm_channels: FloatArray, width_factor: float = 1.5) -> FloatArray:
    """SNIP continuum (:func:`snip_continuum`) corrected for its Poisson-noise bias.

    Clipping keeps minima, so on Poisson data SNIP runs low by an amount set by the counts per
    channel: on flat Poisson spectra of RadiaCode channels it returns 0.48 of the mean at 1 count per
    channel, 0.73 at 4, 0.93 at 50, 0.98 at 1000 (smoothing first removes only part of it). Summed
    over a line's region (2.5 FWHM, 40-80 channels) that deficit is a "line" wherever the library has
    one. The bias is measured on this spectrum's own count level by a parametric bootstrap: for the
    continuum T = SNIP(counts), bias = SNIP(T) - mean SNIP(Poisson draws of T) (``SNIP_BIAS_DRAWS``
    draws, fixed seed: reproducible; SNIP of the noise-free T, so that SNIP's own shape error under a
    curved continuum is not taken for noise bias), smoothed over ``SNIP_BIAS_SMOOTH_FWHM`` FWHM in
    units of the Poisson sd sqrt(T) (the bias is a share of it; smoothing counts would carry the larger
    bias of the high side of a steep slope to its low side), is added to T. ``SNIP_BIAS_ITERATIONS``
    > 1 iterates T = SNIP(counts) + bias(T); one step stays short of the full bias (flat RadiaCode
    spectra: 0.80 of the mean at 1 count per channel, 0.90 at 4, 0.99 at 50), iterating overshot on
    simulated CsI/NaI spectra (up to 1.13 of the noise-free SNIP at 1-6 counts per channel).
    """
    y = np.clip(np.asarray(counts, dtype=np.float64), 0.0, None)
    observed = snip_continuum(y, fwhm_channels, width_factor)
    if y.size < 8 or not observed.any():
        return observed
    smooth_sd = np.maximum(SNIP_BIAS_SMOOTH_FWHM * fwhm_channels / 2.3548, 1.0)
    truth = observed.copy()
    for _ in range(SNIP_BIAS_ITERATIONS):
        rng = np.random.default_rng(SNIP_BIAS_SEED)
        mean = np.zeros_like(truth)
        for _ in range(SNIP_BIAS_DRAWS):
            mean += snip_continuum(rng.poisson(truth).astype(np.float64), fwhm_channels, width_factor)
        mean /= SNIP_BIAS_DRAWS
        scale = np.sqrt(np.maximum(truth, SNIP_BIAS_FLOOR))  # the bias is a share of the Poisson sd
        bias = _smooth_by((snip_continuum(truth, fwhm_channels, width_factor) - mean) / scale, smooth_sd) * scale
        truth = observed + np.clip(bias, 0.0, None)
    return np.asarray(truth, dtype=np.float64)


def _smooth_by(y: FloatArray, sigmas: FloatArray) -> FloatArray:
    """Gaussian smoothing with a per-channel width ``sigmas`` (channels), on half-octave levels."""
    choice = np.maximum(np.round(np.log2(np.maximum(sigmas, 0.5)) * 2) / 2, -1.0)  # np.clip(..., -1, None)
    out = np.asarray(y, dtype=np.float64).copy()
    for level in np.unique(choice):
        sigma = 2.0**level
        if sigma < 0.6:
            continue
        sel = choice == level
        out[sel] = gaussian_filter1d(y, sigma, mode="nearest")[sel]
    return out


def _smooth(y: FloatArray, fwhm_ch: FloatArray) -> FloatArray:
    """Gaussian smoothing with a width of a quarter FWHM (at least ``SMOOTH_MIN_CHANNELS``),
    following the resolution per channel.

    Clipping takes minima, so on raw Poisson data SNIP is biased low by the noise; smoothing
    first removes most of that bias (Morháč, NIM A 600 (2009) 478).
    """
    return _smooth_by(y, np.maximum(SMOOTH_FWHM * fwhm_ch / 2.3548, SMOOTH_MIN_CHANNELS))


def fwhm_channels(model: DetectorModel, centers_kev: FloatArray, widths_kev: FloatArray) -> FloatArray:
    f = model.fwhm
    fwhm = np.sqrt(f.a**2 + f.b * np.maximum(centers_kev, 1.0) + f.c * centers_kev**2)  # np.clip(.., 1.0, None)
    return np.asarray(fwhm / np.maximum(widths_kev, 1e-9), dtype=np.float64)


# Model errors given per channel as a fraction of that channel's counts (peaks.SYSTEMATIC_FRACTION,
# peaks.CONTINUUM_MODEL_ERROR, chainfit.CHAIN_MODEL_ERROR, EDGE_MODEL_ERROR, KNOWN_MODEL_ERROR) add in quadrature as
# if independent per channel: over a line spread across n channels they sum to f x its counts / sqrt(n), so the
# same spectrum binned coarser carries larger relative model errors (bench/README, "rebin"). Scaled per channel by
# its FWHM in channels over MODEL_ERROR_CHANNELS_PER_FWHM, they sum over a line to the same share of its counts
# whatever the channel width: f / sqrt(MODEL_ERROR_CHANNELS_PER_FWHM) per FWHM-wide line. The constant is the
# channels per FWHM at 661.7 keV of a 1024-channel RadiaCode spectrum (detectors.yaml radiacode, b = 6.8: 67.1 keV
# FWHM; fwhm_channels of the dev 1024-channel RadiaCode calibrations there: 24.1-26.3), with which these errors were
# mostly tuned. Used only with identify's Policy.model_error_per_fwhm (off: bench/README, "perfwhm").
MODEL_ERROR_CHANNELS_PER_FWHM = 25.0


def model_variance_scale(model: DetectorModel, edges_kev: FloatArray) -> FloatArray:
    """Per-channel factor on a model variance written as (fraction x that channel's counts)^2: the channel's FWHM in
    channels (:func:`fwhm_channels` at its centre) over ``MODEL_ERROR_CHANNELS_PER_FWHM``. Summed over a line, the
    scaled variance no longer depends on the channel width (a line of P counts over n channels of P/n each:
    n x (f P/n)^2 x n_fwhm / N = f^2 P^2 / N, n and n_fwhm proportional to each other)."""
    e = np.asarray(edges_kev, dtype=np.float64)
    centers = 0.5 * (e[:-1] + e[1:])
    return np.asarray(fwhm_channels(model, centers, np.diff(e)) / MODEL_ERROR_CHANNELS_PER_FWHM, dtype=np.float64)


def window_sums(counts: np.ndarray, edges_kev: FloatArray, windows_kev: Sequence[tuple[float, float]]) -> FloatArray:
    """Counts in each energy window (partial channels pro-rated)."""
    cumulative = np.concatenate(([0.0], np.cumsum(counts, dtype=np.float64)))
    bounds = np.asarray(windows_kev, dtype=np.float64).reshape(-1, 2)
    at = np.interp(bounds.ravel(), edges_kev, cumulative).reshape(-1, 2)  # every window's two ends at once
    return np.asarray(at[:, 1] - at[:, 0], dtype=np.float64)


def net_significance(foreground: float, background: float, ratio: float) -> float:
    """(F - r*B) / sqrt(F + r^2 B): excess of a foreground count over a scaled background count."""
    var = foreground + ratio * ratio * background
    if var <= 0:
        return 0.0
    return (foreground - ratio * background) / math.sqrt(var)


def counts_onset_kev(counts: np.ndarray, centers: FloatArray, model: DetectorModel) -> float | None:
    """Energy where this spectrum's counts begin: the lowest channel from which every channel of
    the next FWHM (the width over which a discriminator threshold is smeared by the resolution),
    and at least ONSET_MIN_CHANNELS channels, holds counts (a lone noise count is no onset). None
    when no such run exists (an empty spectrum)."""
    positive = np.asarray(counts) > 0
    for i in np.flatnonzero(positive):
        e = float(centers[i])
        if e <= 0:
            continue
        run = max(ONSET_MIN_CHANNELS, int(np.count_nonzero((centers >= e) & (centers <= e + model.fwhm_kev(e)))))
        if i + run <= positive.size and positive[i : i + run].all():
            return e
    return None


def smoothed_fwhm(counts: np.ndarray, centers: FloatArray, model: DetectorModel, width: float = 1.0) -> FloatArray:
    """Each channel's mean count over the channels within ``width``/2 FWHM (at its energy) of it."""
    y = np.asarray(counts, dtype=np.float64)
    at = np.maximum(centers, 1.0)
    half = 0.5 * width * fwhm_channels(model, at, np.ones_like(at))  # FWHM in keV (channel width 1 keV)
    low = np.searchsorted(centers, centers - half, side="left")
    high = np.searchsorted(centers, centers + half, side="right")
    total = np.concatenate(([0.0], np.cumsum(y)))
    return np.asarray((total[high] - total[low]) / np.maximum(high - low, 1), dtype=np.float64)


def turn_on_kev(counts: np.ndarray, centers: FloatArray, model: DetectorModel, start: float) -> float | None:
    """Midpoint of a sharp discriminator turn-on from ``start`` up (see ``TURN_ON_SHARP_FWHM``): where the counts
    smoothed over ``TURN_ON_SMOOTH_FWHM`` FWHM first reach half of their median from ``start`` to
    ``TURN_ON_HIGH_KEV``, when they rise from a quarter to three quarters of it within ``TURN_ON_SHARP_FWHM`` FWHM.
    None when the region holds no counts or the rise is slower."""
    region = (centers >= start) & (centers <= TURN_ON_HIGH_KEV)
    if region.sum() < ONSET_MIN_CHANNELS:
        return None
    smooth = smoothed_fwhm(counts, centers, model, TURN_ON_SMOOTH_FWHM)
    level = float(np.median(smooth[region]))
    if level <= 0:
        return None

    def first(fraction: float) -> float:
        return float(centers[np.flatnonzero(region & (smooth >= fraction * level))[0]])

    quarter, half, three = first(0.25), first(0.5), first(0.75)
    if three - quarter > TURN_ON_SHARP_FWHM * model.fwhm_kev(max(half, 1.0)):
        return None
    return half


def usable_low_kev(counts: np.ndarray, centers: FloatArray, model: DetectorModel) -> tuple[float, float | None]:
    """The spectrum's usable low edge and where its counts begin: the onset of counts
    (:func:`counts_onset_kev`), never below the type's floor (``floor_keV``, else the modelled
    threshold ``low_keV``), plus one FWHM there (the threshold's turn-on)."""
    floor = model.floor_kev if model.floor_kev is not None else model.low_kev
    onset = counts_onset_kev(counts, centers, model)
    start = max(floor, onset if onset is not None else model.low_kev)
    return start + model.fwhm_kev(max(start, 1.0)), onset
