"""Energy-window test separating NORM from man-made sources (Ely et al., NIM A 560 (2006) 373).

The net excess (foreground minus live-time-scaled background) is summed in coarse energy
windows and fitted, non-negatively and weighted by its Poisson variance, with the detector's
full response (photopeaks and Compton continua, :mod:`tripline.radiation.physics`) to the three
NORM components K-40, U-238 chain and Th-232 chain. The excess is *consistent with NORM* when
that fit is acceptable (chi2 p-value >= ``P_NORM_MIN``), adding any man-made template improves
chi2 by less than ``THREAT_GAIN_MAX`` and no man-made template explains the excess on its own
(p < ``THREAT_ONLY_P_MAX``, or its photopeaks, absent from the spectrum, exclude it: see
:func:`tripline.radiation.peaks.alone_exclusion`). Works for plastic (no photopeaks) as for spectroscopic detectors.
"""

from __future__ import annotations

import itertools
from collections.abc import Collection

import numpy as np

from tripline.radiation.library import Library
from tripline.radiation.model import Category, EnergyCalibration, FloatArray
from tripline.radiation.numerics import chi2_sf, design_matrix, nnls
from tripline.radiation.physics import background_shape, mixture_shape
from tripline.radiation.result import NormTest
from tripline.radiation.spectral import window_sums

WINDOW_EDGES_KEV = (120.0, 250.0, 400.0, 550.0, 700.0, 900.0, 1150.0, 1400.0, 1650.0, 2000.0, 2400.0, 2800.0)
P_NORM_MIN = 1e-3
THREAT_GAIN_MAX = 9.0  # 3 sigma for one added template; 16 (4 sigma) let an Ir-192 pass as NORM on CsI
THREAT_ONLY_P_MAX = 0.01
NORM_COMPONENTS = ("K-40", "U-238 chain", "Th-232 chain")


def windows_for(low_kev: float, high_kev: float) -> tuple[tuple[float, float], ...]:
    bounds = [low_kev, *[e for e in WINDOW_EDGES_KEV if low_kev + 20 < e < high_kev - 20], high_kev]
    return tuple((float(a), float(b)) for a, b in itertools.pairwise(bounds))


def _fit(
    columns: list[FloatArray], y: FloatArray, sd: FloatArray, near: FloatArray | None = None
) -> tuple[FloatArray, float]:
    """``near``: the solution with one column less (the added one counted 0), a warm start
    (:func:`tripline.radiation.numerics.bvls`: the same solution in fewer steps)."""
    a = design_matrix(columns, sd)
    free = None if near is None else np.append(near, 1.0) > 0
    x, resid = nnls(a, y / sd, maxiter=100 * a.shape[1], free=free)
    return np.asarray(x, dtype=np.float64), float(resid) ** 2


def window_data(
    counts: FloatArray,
    background: FloatArray | None,
    ratio: float,
    detector_name: str,
    calibration: EnergyCalibration,
    low_kev: float,
) -> tuple[tuple[tuple[float, float], ...], FloatArray, FloatArray, list[FloatArray]]:
    """The windows of a calibrated spectrum, its (net, with a background aligned to its channels) counts in
    them, their Poisson sd (at least 1) and the window sums of each unit NORM component (``NORM_COMPONENTS``):
    what :func:`norm_test` and :mod:`.weaknatural` fit."""
    n = counts.size
    edges = calibration.edges(n)
    windows = windows_for(max(low_kev, float(edges[0])), float(edges[-1]))
    fg = window_sums(counts, edges, windows)
    if background is not None:
        bg = window_sums(background, edges, windows)
        y = fg - ratio * bg
        var = fg + ratio * ratio * bg
    else:
        y, var = fg, fg.copy()
    sd = np.sqrt(np.maximum(var, 1.0))
    cols = [
        window_sums(mixture_shape(detector_name, calibration, n, {name: 1.0}), edges, windows)
        for name in NORM_COMPONENTS
    ]
    return windows, y, sd, cols


def norm_test(
    counts: FloatArray,
    background: FloatArray | None,
    ratio: float,
    detector_name: str,
    calibration: EnergyCalibration,
    library: Library,
    low_kev: float,
    excluded_alone: Collection[str] = (),
) -> NormTest:
    """Run the window test on a calibrated spectrum (``background`` aligned to its channels)."""
    n = counts.size
    edges = calibration.edges(n)
    windows, y, sd, norm_cols = window_data(counts, background, ratio, detector_name, calibration, low_kev)

    def shape(mix: dict[str, float]) -> FloatArray:
        return window_sums(mixture_shape(detector_name, calibration, n, mix), edges, windows)

    base: list[FloatArray] = []
    if background is None:  # the natural background itself is part of the model
        base.append(window_sums(background_shape(detector_name, calibration, n), edges, windows))
    x_norm, chi2_norm = _fit(base + norm_cols, y, sd)
    used = int(np.count_nonzero(x_norm))
    dof = max(len(windows) - used, 1)
    p_norm = chi2_sf(dof, chi2_norm)
    fitted = [float(c.sum() * xi) for c, xi in zip(norm_cols, x_norm[len(base) :], strict=True)]
    total = sum(fitted)
    fractions = {name: (v / total if total > 0 else 0.0) for name, v in zip(NORM_COMPONENTS, fitted, strict=True)}
    gains: dict[str, float] = {}
    only_p: dict[str, float] = {}
    for nuclide in library.nuclides:
        if nuclide.category is Category.NORM:
            continue
        col = shape({nuclide.name: 1.0})
        if col.sum() <= 0:
            continue
        _, chi2_with = _fit([*base, *norm_cols, col], y, sd, near=x_norm)
        gains[nuclide.name] = max(chi2_norm - chi2_with, 0.0)
        if background is not None:  # without one, the modelled background absorbs any "alone" fit
            _, chi2_only = _fit([col], y, sd)
            only_p[nuclide.name] = chi2_sf(max(len(windows) - 1, 1), chi2_only)
    consistent = (
        p_norm >= P_NORM_MIN
        and all(g < THREAT_GAIN_MAX for g in gains.values())
        and all(p < THREAT_ONLY_P_MAX or name in excluded_alone for name, p in only_p.items())
    )
    low = float(y[[i for i, w in enumerate(windows) if w[1] <= 400.0]].sum())
    high = float(y[[i for i, w in enumerate(windows) if w[0] >= 400.0]].sum())
    k_window = float(y[[i for i, w in enumerate(windows) if w[0] >= 1400.0]].sum())
    ratios: dict[str, float | None] = {
        "low_to_high": low / high if high > 0 else None,
        "above_1400_fraction": k_window / (low + high) if (low + high) > 0 else None,
    }
    return NormTest(
        windows_kev=windows,
        net_counts=tuple(float(v) for v in y),
        chi2_norm=chi2_norm,
        dof=dof,
        p_norm=p_norm,
        norm_fractions=fractions,
        threat_chi2_gain=gains,
        threat_only_p=only_p,
        consistent=consistent,
        ratios=ratios,
    )
