"""Peak-based isotope identification: SNIP continuum, then a weighted non-negative fit of
per-nuclide photopeak templates (library lines x peak efficiency x Gaussian of the detector's
FWHM) to the net peak counts. Multiplets are shared out by the fit (U-235 185.7 keV against
Ra-226 186.2 keV of the uranium chain, Pb-214 351.9 keV against I-131 364.5 keV in NaI); a
nuclide's significance is sqrt(chi2 without it - chi2 with it).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from tripline.radiation.library import DetectorModel, Library, Nuclide
from tripline.radiation.model import FloatArray
from tripline.radiation.numerics import ndtr, nnls
from tripline.radiation.physics import gaussian_bins, peak_efficiency
from tripline.radiation.result import IsotopeMatch, PeakSupport
from tripline.radiation.spectral import (
    fwhm_channels,
    model_variance_scale,
    snip_continuum,
    unbiased_continuum,
    usable_low_kev,
)

ROI_HALF_WIDTH_FWHM = 1.5
# Model error of a photopeak (line intensity x efficiency x shape), as a fraction of its counts:
# keeps strong, imperfectly modelled peaks of real spectra from spawning false identifications.
SYSTEMATIC_FRACTION = 0.10
LINE_SUPPORT_SIGMA = 2.0
STRONGEST_LINE_SIGMA = 3.0
CENTROID_TOLERANCE_FWHM = 0.5
UNSUPPORTED_CAP = 3.0
# The SNIP continuum is an estimate: Compton edges and backscatter humps of strong lines leave
# peak-like bumps of a few per cent of the continuum (real spectra, high statistics).
CONTINUUM_MODEL_ERROR = 0.05
ALONE_MODEL_ERROR = 0.3  # 0.2 let a CsI I-131 spectrum pass as NORM at 5 sigma


@dataclass(frozen=True)
class PeakFit:
    matches: tuple[IsotopeMatch, ...]  # every nuclide with a positive amplitude, best first
    chi2: float
    rows: int
    mask: np.ndarray | None = None  # channels used (near a library line)


def _template(nuclide: Nuclide, model: DetectorModel, edges: FloatArray, group: str | None = None) -> FloatArray:
    out = np.zeros(edges.size - 1, dtype=np.float64)
    for line in nuclide.lines:
        e = line.energy_kev
        if e < model.low_kev or e > edges[-1] or (group is not None and line.group != group):
            continue
        sigma = model.fwhm_kev(e) / 2.3548
        area = line.intensity / 100.0 * peak_efficiency(model, e)
        out += area * gaussian_bins(edges, e, sigma)
    return out


_CACHE: dict[tuple[str, bytes, int], tuple[Library, list[tuple[int, FloatArray]], dict[str, FloatArray]]] = {}
_CACHE_MAX = 64


def _prepared(
    model: DetectorModel, edges: FloatArray, library: Library
) -> tuple[list[tuple[int, FloatArray]], dict[str, FloatArray]]:
    """Per-(detector, calibration, library) templates: (nuclide index, unit-peak column) for every
    fit group, and each man-made nuclide's photopeak counts per count of its full response
    (for the alone test).
    Built once per calibration (spectra of one instrument share it) and kept in a small cache."""
    key = (model.name, np.ascontiguousarray(edges, dtype=np.float64).tobytes(), id(library))
    hit = _CACHE.get(key)
    if hit is not None and hit[0] is library:
        return hit[1], hit[2]
    from tripline.radiation.model import Category
    from tripline.radiation.physics import lines_response, mixture_lines

    columns: list[tuple[int, FloatArray]] = []
    totals: dict[str, FloatArray] = {}
    for k, nuclide in enumerate(library.nuclides):
        whole = None  # the template of every line (group None), when it is one of the fit groups
        for g in _groups(nuclide):
            col = _template(nuclide, model, edges, g)
            if g is None:
                whole = col
            if col.max() > 0:
                col = col / col.max()
                col.setflags(write=False)
                columns.append((k, col))
        if nuclide.category is not Category.NORM:
            total = float(lines_response(model, edges, mixture_lines({nuclide.name: 1.0}, library)).sum())
            peak = _template(nuclide, model, edges) if whole is None else whole
            if total > 0 and peak.sum() > 0:
                fraction = peak / total
                fraction.setflags(write=False)
                totals[nuclide.name] = fraction
    if len(_CACHE) >= _CACHE_MAX:
        _CACHE.pop(next(iter(_CACHE)))
    _CACHE[key] = (library, columns, totals)
    return columns, totals


def _groups(nuclide: Nuclide) -> list[str | None]:
    """Fit groups of a nuclide: chains (lines with ``group``) get one column per group."""
    named = sorted({line.group for line in nuclide.lines if line.group is not None})
    return list(named) if named else [None]


def net_peak_counts(
    counts: FloatArray,
    background: FloatArray | None,
    ratio: float,
    model: DetectorModel,
    edges: FloatArray,
    debias: bool = False,
    per_fwhm: bool = False,
) -> tuple[FloatArray, FloatArray]:
    """Net photopeak counts per channel (continuum removed, background peaks subtracted) and variance.
    ``debias``: the SNIP continuum corrected for its Poisson-noise bias (:func:`unbiased_continuum`).
    ``per_fwhm``: the model errors scaled per channel by :func:`model_variance_scale` (binning-independent)."""
    centers = 0.5 * (edges[:-1] + edges[1:])
    fwhm_ch = fwhm_channels(model, centers, np.diff(edges))
    start = int(np.searchsorted(centers, model.low_kev))  # clip only above the threshold step

    def continuum(y: FloatArray) -> FloatArray:
        out = np.asarray(y, dtype=np.float64).copy()
        if start < y.size - 4:
            clip = unbiased_continuum if debias else snip_continuum
            out[start:] = clip(_flat_below_turn_on(out, centers, model)[start:], fwhm_ch[start:])
        return out

    under = continuum(counts)
    peaks = counts - under
    if background is not None:
        peaks = peaks - ratio * (background - continuum(background))
    var = np.maximum(counts, 1.0)
    if background is not None:
        var = var + ratio * ratio * np.maximum(background, 0.0)
    if per_fwhm:
        model_var = (SYSTEMATIC_FRACTION * peaks) ** 2 + (CONTINUUM_MODEL_ERROR * under) ** 2
        var = var + model_var * model_variance_scale(model, edges)
    else:
        var = var + (SYSTEMATIC_FRACTION * peaks) ** 2 + (CONTINUUM_MODEL_ERROR * under) ** 2
    return np.asarray(peaks, dtype=np.float64), np.asarray(var, dtype=np.float64)


def _flat_below_turn_on(y: FloatArray, centers: FloatArray, model: DetectorModel) -> FloatArray:
    """`y` with the channels below its usable edge (where its counts begin + 1 FWHM: the discriminator's
    smeared turn-on, :func:`usable_low_kev`) set to the mean of the FWHM above that edge, when its counts
    begin above the type's modelled threshold. Clipping takes
    minima: a turn-on above the type's modelled threshold would otherwise pull the continuum down over
    the next clipping window and leave a hump read as a line (a real RadiaCode background cut at
    38-45 keV read Tc-99m at 30 sigma). Below the edge no line is read anyway."""
    usable, onset = usable_low_kev(y, centers, model)
    k = int(np.searchsorted(centers, usable))
    # only a turn-on above the modelled threshold (beyond a quarter FWHM there): at the modelled one the clipping
    # is what every threshold of the type was tuned with, and a line just above it is read as before
    if onset is None or onset <= model.low_kev + 0.25 * model.fwhm_kev(model.low_kev) or k >= y.size - 4:
        return y
    m = max(1, int(np.count_nonzero((centers >= usable) & (centers <= usable + model.fwhm_kev(usable)))))
    out = y.copy()
    out[:k] = float(y[k : k + m].mean())
    return out


def _chi2(a: FloatArray, b: FloatArray) -> tuple[FloatArray, float]:
    if a.shape[1] == 0:
        return np.zeros(0), float(b @ b)
    x, resid = nnls(a, b, maxiter=50 * a.shape[1])
    return np.asarray(x, dtype=np.float64), float(resid) ** 2


def fit_peaks(
    net: FloatArray,
    var: FloatArray,
    model: DetectorModel,
    edges: FloatArray,
    library: Library,
    ignore_kev: tuple[float, ...] = (),
) -> PeakFit:
    """Fit all library nuclides with a line inside the calibrated range to the net peak counts.

    Channels within 1.5 FWHM of an energy in ``ignore_kev`` are left out (lines every natural
    background holds, when no background spectrum was subtracted).
    """
    centers = 0.5 * (edges[:-1] + edges[1:])
    prepared, _ = _prepared(model, edges, library)
    candidates: list[Nuclide] = []
    owner: list[int] = []  # column -> candidate index
    columns: list[FloatArray] = []
    mask = np.zeros(centers.size, dtype=bool)
    index_of: dict[int, int] = {}
    for k, col in prepared:
        nuclide = library.nuclides[k]
        if k not in index_of:
            index_of[k] = len(candidates)
            candidates.append(nuclide)
            for line in nuclide.lines:
                half = ROI_HALF_WIDTH_FWHM * model.fwhm_kev(line.energy_kev)
                mask |= (centers >= line.energy_kev - half) & (centers <= line.energy_kev + half)
        owner.append(index_of[k])
        columns.append(col)
    mask &= centers >= model.low_kev + 2.0 * model.fwhm_kev(max(model.low_kev, 1.0))
    for energy in ignore_kev:
        half = ROI_HALF_WIDTH_FWHM * model.fwhm_kev(energy)
        mask &= ~((centers >= energy - half) & (centers <= energy + half))
    if not candidates or not mask.any():
        return PeakFit((), 0.0, 0, None)
    sd = np.sqrt(var[mask])
    a = np.stack(columns, axis=1)[mask] / sd[:, None]
    b = net[mask] / sd
    x, chi2_all = _chi2(a, b)
    owners = np.asarray(owner)
    matches: list[IsotopeMatch] = []
    for k, nuclide in enumerate(candidates):
        mine = np.flatnonzero(owners == k)
        if not np.any(x[mine] > 0):
            continue
        keep = np.flatnonzero(owners != k)
        _, chi2_without = _chi2(a[:, keep], b)
        significance = math.sqrt(max(chi2_without - chi2_all, 0.0))
        predicted = sum((x[j] * columns[j] for j in mine), np.zeros(centers.size))
        peaks = _line_support(nuclide, predicted, net, var, model, centers)
        matches.append(_match(nuclide, significance, peaks, model))
    matches.sort(key=lambda m: -m.significance)
    return PeakFit(tuple(matches), chi2_all, int(mask.sum()), mask)


_sum = np.add.reduce


def _line_support(
    nuclide: Nuclide,
    predicted: FloatArray,
    net: FloatArray,
    var: FloatArray,
    model: DetectorModel,
    centers: FloatArray,
) -> tuple[tuple[PeakSupport, float], ...]:
    """Measured net counts at each line of the nuclide, with the counts the fit predicts there."""
    out: list[tuple[PeakSupport, float]] = []
    kept: list[float] = []
    # increasing centres (a calibration): each region is a slice found by two sorted searches, the
    # same channels in the same order as the boolean mask, without a pass over the spectrum
    increasing = centers.size > 1 and np.count_nonzero(centers[1:] > centers[:-1]) == centers.size - 1
    for line in sorted(nuclide.lines, key=lambda ln: -ln.intensity):
        e = line.energy_kev
        if e < model.low_kev or e > centers[-1]:
            continue
        fwhm = model.fwhm_kev(e)
        if any(abs(e - k) < fwhm for k in kept):
            continue  # unresolved from a stronger line of the same nuclide: one peak, already counted
        kept.append(e)
        half = 1.25 * fwhm
        roi: slice | np.ndarray
        if increasing:
            first = int(centers.searchsorted(e - half, side="left"))
            stop = int(centers.searchsorted(e + half, side="right"))
            if stop <= first:
                continue
            roi = slice(first, stop)
        else:
            roi = (centers >= e - half) & (centers <= e + half)
            if not roi.any():
                continue
        # np.add.reduce: the reduction ndarray.sum calls, without its Python wrappers (the same sums)
        counts = net[roi]
        area = float(_sum(counts))
        sigma = math.sqrt(float(_sum(var[roi])))
        weights = np.maximum(counts, 0.0)  # np.clip without an upper bound (the same ufunc, without its wrappers)
        total = _sum(weights)
        found = float(_sum(centers[roi] * weights) / total) if total > 0 else None
        expected_z = float(_sum(predicted[roi])) / sigma if sigma > 0 else 0.0
        out.append((PeakSupport(e, found, area, area / sigma if sigma > 0 else 0.0), expected_z))
    return tuple(out)


def _supports(peak: PeakSupport, model: DetectorModel) -> bool:
    """A line supports a nuclide if its net counts are significant and centred where expected."""
    if peak.significance < LINE_SUPPORT_SIGMA or peak.found_kev is None:
        return False
    return abs(peak.found_kev - peak.energy_kev) <= CENTROID_TOLERANCE_FWHM * model.fwhm_kev(peak.energy_kev)


def _match(
    nuclide: Nuclide, significance: float, lines: tuple[tuple[PeakSupport, float], ...], model: DetectorModel
) -> IsotopeMatch:
    expected = [p for p, z in lines if z >= 3.0]
    supported = [p for p in expected if _supports(p, model)]
    support = len(supported) / len(expected) if expected else 1.0
    confidence = float(ndtr(significance - 3.0)) * (0.5 + 0.5 * support)
    strongest = max(lines, key=lambda pz: pz[1], default=None)
    if strongest is not None and strongest[0].significance < STRONGEST_LINE_SIGMA:
        significance = min(significance, strongest[0].significance)  # no peak where the best line should be
    if len(expected) >= 2 and len(supported) < max(2, math.ceil(0.5 * len(expected))):
        # a multi-line nuclide needs two, and half, of the lines it predicts to be visible
        significance = min(significance, UNSUPPORTED_CAP)
    shown = tuple(p for p, _ in lines if _supports(p, model)) or tuple(p for p, _ in lines[:1])
    return IsotopeMatch(nuclide.name, nuclide.category, min(confidence, 0.999), significance, shown)


def alone_exclusion(
    net: FloatArray,
    var: FloatArray,
    model: DetectorModel,
    edges: FloatArray,
    library: Library,
    excess_counts: float,
    fit: PeakFit,
) -> dict[str, float]:
    """For each man-made nuclide: sqrt of the chi2 by which "the whole net excess
    (``excess_counts``) is this nuclide alone" fits the net photopeak counts worse than the
    free peak fit. Large values exclude the hypothesis: if the excess were Cs-137 its 662-keV
    peak would be there; if it were I-131 the Bi-214 and Tl-208 peaks that are there would not.
    Spectroscopy's answer to the ambiguity of energy windows at low counts.
    """
    from tripline.radiation.model import Category

    out: dict[str, float] = {}
    if excess_counts <= 0 or fit.mask is None:
        return out
    _, totals = _prepared(model, edges, library)
    for nuclide in library.nuclides:
        if nuclide.category is Category.NORM or nuclide.name not in totals:
            continue
        predicted = excess_counts * totals[nuclide.name]
        # the modelled peak-to-total ratio (and SNIP at low counts) carry ALONE_MODEL_ERROR
        sd_alone = np.sqrt(var[fit.mask] + (ALONE_MODEL_ERROR * predicted[fit.mask]) ** 2)
        resid = (net[fit.mask] - predicted[fit.mask]) / sd_alone
        out[nuclide.name] = math.sqrt(max(float(resid @ resid) - fit.chi2, 0.0))
    return out
