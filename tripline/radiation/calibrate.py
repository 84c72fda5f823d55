"""Energy calibration checked against the spectrum's own natural lines.

Small scintillators drift in gain with temperature (the RadiaCode spectra of
``tests/data/radiation_real.csv`` put K-40 at up to 2.5 % off 1460.8 keV), and a line library
fitted at the wrong energies leaves residuals that look like other nuclides. The gain is
corrected from the lines that every NORM-bearing spectrum may hold and no library source
imitates within ``MAX_GAIN_ERROR``: K-40 1460.8, Bi-214 1764.5 and Tl-208 2614.5 keV (NNDC
NuDat 3). A line is used when its net peak (SNIP continuum removed) is at least
``MIN_LINE_SIGMA`` and its centroid lies within ``MAX_GAIN_ERROR`` (and ``SEARCH_FWHM``
resolutions) of the library energy; the
correction is the significance-weighted mean of centroid / energy.

A line must also stand above its own sidebands: the counts within 0.6 FWHM of the peak, less the
straight line through the mean counts 0.9-1.5 FWHM either side of it, must be at least
``MIN_LOCAL_SIGMA``. SNIP follows the lower envelope, so where the continuum falls steeply and
convexly (the Compton continua of a uranium-glazed dish below 1.5 MeV) it leaves a smooth positive
residual in which the window's maximum is no line at all (a RadiaCode Fiestaware spectrum put a
"K-40 line" at 1383 keV, a -5.3 % correction of a calibration validated on nine lines).

Chain-aware: each reference line belongs to a chain, and the other chains' lines inside its window
are predicted from their own reference lines (``MAX_BLEND``). On a 1 cm3 CsI the K-40 window also
holds Bi-214's 1377.7/1401.5/1408.0/1509.2-keV lines: a radium source put its "K-40" centroid 4 %
low, and the resulting -2.4 % correction made Bi-214's 609/665 and 1120-1281 keV lines read as
Cs-137 and Co-60. A blended window is not used; a lightly blended one is fitted as a multiplet
(expected centroid of all its lines); and where clean lines (``CLEAN_BLEND``) are seen they decide.

An offset as well as a gain (:func:`calibration_correction`, see ``ANCHOR_LINES``): natural lines at low and middle
energy (Pb-212 238.6, Pb-214 351.9, Tl-208 583.2, Bi-214 609.3, Ac-228 911.2 keV) under the same tests, each
confirmed by its chain's reference line, give an offset+gain line when at least three lines over 500 keV agree.
"""

from __future__ import annotations

import dataclasses
import math
from math import erf

import numpy as np

from tripline.radiation.library import DetectorModel, Library, default_library
from tripline.radiation.model import Category, EnergyCalibration, Spectrum
from tripline.radiation.physics import peak_efficiency
from tripline.radiation.spectral import fwhm_channels, snip_continuum

REFERENCE_LINES_KEV = (1460.820, 1764.494, 2614.511)
# Each reference line belongs to one chain (library nuclide, fit group): its net area gives that
# chain's scale, with which the chain's other lines are predicted wherever they fall.
REFERENCE_CHAINS: dict[float, tuple[str, str | None]] = {
    1460.820: ("K-40", None),
    1764.494: ("U-238 chain", "radon progeny"),
    2614.511: ("Th-232 chain", "Th-228 progeny"),
}
MAX_GAIN_ERROR = 0.06
MIN_LINE_SIGMA = 10.0
MIN_CORRECTION = 0.003
# a correction must also exceed GAIN_SIGMA standard errors of the lines' centroids (peak sd over
# the line's significance): a calibration its lines confirm within their statistics is not moved
GAIN_SIGMA = 3.0
MIN_LOCAL_SIGMA = 4.0
SIDEBAND_FWHM = (0.9, 1.5)
# the peak is searched within SEARCH_FWHM resolutions of the library energy (and 6 %): a CsI
# line may be off by a FWHM, an HPGe line by a few keV, never by a neighbouring line's distance
SEARCH_FWHM = 3.0
ROI_FWHM = 0.6
CENTROID_PASSES = 3
# Blends: the lines of other chains inside a reference line's window (Bi-214 1377.7/1401.5/1408.0/
# 1509.2 keV beside K-40 1460.8 keV on a 1 cm3 CsI, Ac-228 1459.1/1588.2 keV) are predicted from
# those chains' own reference lines (Bi-214 1764.5, Tl-208 2614.5 keV) at their NNDC intensities x
# the detector model's peak efficiency, folded with its resolution. A window whose predicted blend
# is above MAX_BLEND of its net counts is not used (the line's own share is then too uncertain);
# below it, the expected centroid of the whole multiplet is fitted, not the single line's energy.
# Lines with at most CLEAN_BLEND are clean: when they confirm the calibration (within
# MIN_CORRECTION) nothing is corrected, whatever a blended line says.
# The model's prediction of a blend is rough on a 1 cm3 CsI (peak efficiency and resolution at
# 1.4 vs 1.8 MeV): on the dev-split uraninite and caldasite spectra a K-40 window predicted 27-31 %
# Bi-214 still centres 2-3 % below what their clean Bi-214 1764.5-keV line confirms, so a window is
# used only up to a predicted 10 %.
MAX_BLEND = 0.1
CLEAN_BLEND = 0.05
# a chain's scale is read from its reference line only when that line stands at SCALE_SIGMA
SCALE_SIGMA = 3.0
# A man-made line inside a reference window (Eu-152 1408.0 keV, 20.9 %, 3.6 % below K-40 1460.8 keV,
# NNDC NuDat 3) is an alternative reading of its peak: a real 300-s RadiaCode Eu-152 check source put
# it at 1401 keV on a calibration that holds its 121.8-1112.1 keV lines within 2 %, and read as K-40 it
# moved the scale by -4.1 % (Eu-152 then read as the Th-232 chain, I-131 and In-111). The window's peak
# is read as such a line when the nuclide's other lines confirm it at the scale it implies: every line
# of ALT_MIN_KEV or more that the peak implies at the NNDC ratios (detector-model efficiency) at
# ALT_TESTABLE_SIGMA holds ALT_MIN_FRACTION of those counts within ALT_DEFICIT_SIGMA (the net counts
# above SNIP in its ROI: on a CsI Eu-152's 411/444-keV lines sit on the 344-keV flank, no sideband
# test is possible), and at least ALT_MIN_LINES lines are tested. K-40 has no other line to confirm it,
# so a confirmed alternative leaves the line out of the gain correction (the file's scale is kept
# unless another clean reference line moves it). Lines below ALT_MIN_KEV are not required: a shielded
# source loses them first (Eu-152 121.8/244.7 keV). On the real K-40, soil and background spectra the
# implied Eu-152 344.3 or 778.9-keV line holds 1-87 % of what it needs; the real Eu-152 source 206-949 %.
ALT_MIN_KEV = 300.0
ALT_TESTABLE_SIGMA = 5.0
ALT_MIN_FRACTION = 0.5
ALT_DEFICIT_SIGMA = 3.0
ALT_MIN_LINES = 2


@dataclasses.dataclass(frozen=True)
class CalibrationCorrection:
    # measured energy = offset_kev + factor x true energy (+ curvature x true^2); 1.0 when nothing to correct
    factor: float
    used: tuple[float, ...]  # reference (and anchor) lines used
    notes: tuple[str, ...] = ()  # reference lines left out because of a blend, and why
    offset_kev: float = 0.0
    curvature: float = 0.0  # per keV: a curved (quadratic) scale, only from calibration_correction(curved=True)

    def measured_kev(self, true_kev: np.ndarray) -> np.ndarray:
        """The energy the stored scale reads for a line of ``true_kev``."""
        return np.asarray(self.offset_kev + self.factor * true_kev + self.curvature * true_kev**2, dtype=np.float64)

    def true_kev(self, measured_kev: np.ndarray) -> np.ndarray:
        """The inverse of :meth:`measured_kev` (the root on the increasing branch of the quadratic)."""
        shifted = np.asarray(measured_kev, dtype=np.float64) - self.offset_kev
        if self.curvature == 0.0:
            return shifted / self.factor
        # the numerically stable root of curvature x E^2 + factor x E - shifted = 0 near E = shifted / factor
        disc = np.sqrt(np.clip(self.factor**2 + 4.0 * self.curvature * shifted, 0.0, None))
        return np.asarray(2.0 * shifted / (self.factor + disc), dtype=np.float64)


@dataclasses.dataclass(frozen=True)
class _Line:
    energy: float
    top: float  # keV of the window's maximum (ROI centre)
    half: float  # ROI half width, keV
    area: float
    sigma: float
    centroid: float | None
    usable: bool  # significant and standing above its sidebands
    peak: bool = True  # the window's maximum is inside it (not the flank of a line outside)


def gain_correction(spectrum: Spectrum, model: DetectorModel) -> tuple[float, tuple[float, ...]]:
    """(factor, lines used): measured energy = factor x true energy; 1.0 when nothing to correct."""
    found = gain_correction_detail(spectrum, model)
    return found.factor, found.used


@dataclasses.dataclass(frozen=True)
class _References:
    """A spectrum's counts, their net above the SNIP continuum, its reference lines measured and the
    chain scales they give: what the gain and the offset+gain corrections both start from."""

    centers: np.ndarray
    counts: np.ndarray
    net: np.ndarray
    measured: dict[float, _Line | None]
    scales: dict[str, float]


def _references(spectrum: Spectrum, model: DetectorModel, lib: Library) -> _References | None:
    """None when the spectrum has no calibration, the detector no photopeaks, or too few channels
    above its threshold."""
    if not spectrum.is_calibrated or not model.has_photopeaks:
        return None
    edges = spectrum.edges_kev()
    centers = 0.5 * (edges[:-1] + edges[1:])
    counts = spectrum.counts.astype(np.float64)
    fwhm = fwhm_channels(model, centers, np.diff(edges))
    start = int(np.searchsorted(centers, model.low_kev))
    net = counts.copy()
    if start >= counts.size - 4:
        return None
    net[start:] = counts[start:] - snip_continuum(counts[start:], fwhm[start:])
    net[:start] = 0.0
    measured = {e: _measure(e, centers, counts, net, model) for e in REFERENCE_LINES_KEV}
    return _References(centers, counts, net, measured, _chain_scales(measured, model, lib))


def gain_correction_detail(
    spectrum: Spectrum, model: DetectorModel, library: Library | None = None
) -> CalibrationCorrection:
    """The chain-aware gain correction, with the reference lines left out and why."""
    lib = library or default_library()
    refs = _references(spectrum, model, lib)
    return CalibrationCorrection(1.0, ()) if refs is None else _gain_detail(refs, model, lib)[0]


def _gain_detail(
    refs: _References, model: DetectorModel, lib: Library
) -> tuple[CalibrationCorrection, dict[float, float]]:
    """(the gain correction, the multiplet ratio of every reference line it uses)."""
    centers, counts, net, measured, scales = refs.centers, refs.counts, refs.net, refs.measured, refs.scales
    ratios: list[tuple[float, float, float]] = []  # (ratio, weight, blend)
    used: list[float] = []
    notes: list[str] = []
    errors: dict[float, float] = {}
    for energy, line in measured.items():
        if line is None or not line.usable or line.centroid is None:
            continue
        ratio, blend, blenders = _multiplet_ratio(line, REFERENCE_CHAINS[energy], scales, model, lib)
        if blend > MAX_BLEND:
            names = "/".join(f"{e:.1f}" for e in blenders)
            notes.append(
                f"{energy:.1f}-keV line not used for the gain: other chains' lines ({names} keV, predicted "
                f"from their own reference lines at NNDC intensities, detector efficiency and resolution) "
                f"hold {blend:.0%} of its window"
            )
            continue
        alternative = _man_made_alternative(line, centers, counts, net, model, lib)
        if alternative is not None:
            notes.append(alternative)
            continue
        if abs(ratio - 1.0) <= MAX_GAIN_ERROR:
            # weight: the line's significance; the ratio's standard error is its width (sd of the
            # peak) over that significance, relative to the energy
            ratios.append((ratio, line.area / line.sigma, blend))
            errors[energy] = model.fwhm_kev(energy) / 2.3548 / (line.area / line.sigma) / energy
            used.append(energy)
    by_energy = {e: r for e, (r, _, _) in zip(used, ratios, strict=True)}
    if not ratios:
        return CalibrationCorrection(1.0, (), tuple(notes)), by_energy
    if any(b <= CLEAN_BLEND for _, _, b in ratios):
        # clean lines decide: a blended line may not move (or confirm) what they say
        used = [e for e, (_, _, b) in zip(used, ratios, strict=True) if b <= CLEAN_BLEND]
        ratios = [(r, w, b) for r, w, b in ratios if b <= CLEAN_BLEND]
    factor = sum(r * w for r, w, _ in ratios) / sum(w for _, w, _ in ratios)
    error = 1.0 / math.sqrt(sum(1.0 / errors[e] ** 2 for e in used))
    if abs(factor - 1.0) < max(MIN_CORRECTION, GAIN_SIGMA * error):
        # the lines confirm the calibration within their own centroid uncertainty
        return CalibrationCorrection(1.0, tuple(used), tuple(notes)), by_energy
    return CalibrationCorrection(factor, tuple(used), tuple(notes)), by_energy


def _measure(
    energy: float,
    centers: np.ndarray,
    counts: np.ndarray,
    net: np.ndarray,
    model: DetectorModel,
    anchor: bool = False,
) -> _Line | None:
    """The reference line's window: its maximum, the net counts within ROI_FWHM of it and their
    centroid; None when the window is outside the spectrum. ``anchor``: an anchor of the offset+gain
    correction, searched within :func:`anchor_reach_kev` (the offset it may correct), whose maximum may lie on
    the window's first or last channel when the net counts fall beyond it (a peak, not a flank), and whose centroid must
    lie within that reach."""
    reach = min(anchor_reach_kev(energy) if anchor else MAX_GAIN_ERROR * energy, SEARCH_FWHM * model.fwhm_kev(energy))
    increasing = _increasing(centers)
    window, size = _between(centers, energy - reach, energy + reach, increasing)
    if size < 3 or energy * (1 + MAX_GAIN_ERROR) > centers[-1]:
        return None
    idx = np.arange(window.start, window.stop) if isinstance(window, slice) else np.flatnonzero(window)
    top = int(idx[np.argmax(net[idx])])
    half = ROI_FWHM * model.fwhm_kev(energy)
    # a maximum on the window's edge is the flank of a line outside it (Bi-212 1620.5 keV below the
    # Bi-214 1764.5-keV window of a thorium spectrum), no peak of the reference line
    inside = idx[0] < top < idx[-1]
    if anchor and not inside and 0 < top < centers.size - 1:
        # on a coarse grid (a 256-channel CsI: 11 keV per channel, 3.6 per FWHM at 240 keV) a peak's maximum
        # channel may be the window's first or last: it is a peak when the net counts fall on its other side too
        inside = net[top] > net[top - 1] and net[top] > net[top + 1]
    usable = inside and _local_sigma(centers, counts, centers[top], model) >= MIN_LOCAL_SIGMA
    # the ROI is re-centred on its centroid (CENTROID_PASSES, at most half the ROI from the maximum):
    # centred on a noisy maximum channel, the centroid of a truncated peak is pulled towards it
    middle = float(centers[top])
    for _ in range(CENTROID_PASSES if inside else 0):
        roi, _ = _between(centers, middle - half, middle + half, increasing)
        weights = np.maximum(net[roi], 0.0)  # np.clip without an upper bound (the same ufunc, fewer wrappers)
        if weights.sum() <= 0:
            break
        middle = float((centers[roi] * weights).sum() / weights.sum())
        middle = min(max(middle, float(centers[top]) - 0.5 * half), float(centers[top]) + 0.5 * half)
    roi, _ = _between(centers, middle - half, middle + half, increasing)
    area = float(net[roi].sum())
    sigma = math.sqrt(max(float(counts[roi].sum()), 1.0))
    weights = np.maximum(net[roi], 0.0)
    centroid = float((centers[roi] * weights).sum() / weights.sum()) if weights.sum() > 0 else None
    usable = usable and area / sigma >= MIN_LINE_SIGMA
    if anchor and (centroid is None or abs(centroid - energy) > reach):
        usable = False  # a maximum on the window's edge whose peak lies beyond the reach
    return _Line(energy, middle, half, area, sigma, centroid, usable, inside)


def _man_made_alternative(
    line: _Line, centers: np.ndarray, counts: np.ndarray, net: np.ndarray, model: DetectorModel, lib: Library
) -> str | None:
    """Why the reference window's peak is not used for the gain (None when it may be): a man-made
    library line inside the window whose nuclide's other lines confirm it (see ``ALT_MIN_KEV``)."""
    assert line.centroid is not None
    reach = min(MAX_GAIN_ERROR * line.energy, SEARCH_FWHM * model.fwhm_kev(line.energy))
    inside = float(erf(ROI_FWHM * 2.3548 / math.sqrt(2.0)))
    for name in lib.names:
        nuclide = lib.get(name)
        if nuclide.category == Category.NORM:
            continue
        for alt in nuclide.lines:
            gain = line.centroid / alt.energy_kev
            if abs(alt.energy_kev - line.energy) > reach or abs(gain - 1.0) > MAX_GAIN_ERROR:
                continue
            scale = line.area / (alt.intensity * peak_efficiency(model, alt.energy_kev) * inside)
            tested: list[str] = []
            confirmed = True
            for other in nuclide.lines:
                at = other.energy_kev * gain
                if other.energy_kev < ALT_MIN_KEV or abs(at - line.top) < 2 * line.half or at > centers[-1]:
                    continue
                half = ROI_FWHM * model.fwhm_kev(at)
                roi = (centers >= at - half) & (centers <= at + half)
                if roi.sum() < 1:
                    continue
                implied = scale * other.intensity * peak_efficiency(model, other.energy_kev) * inside
                sigma = math.sqrt(max(float(counts[roi].sum()), 1.0))
                if implied < ALT_TESTABLE_SIGMA * sigma:
                    continue
                measured = float(net[roi].sum())
                tested.append(f"{other.energy_kev:.1f}")
                if measured + ALT_DEFICIT_SIGMA * sigma < ALT_MIN_FRACTION * implied:
                    confirmed = False
                    break
            if confirmed and len(tested) >= ALT_MIN_LINES:
                return (
                    f"{line.energy:.1f}-keV line not used for the gain: its peak (centroid {line.centroid:.1f} keV) "
                    f"is {name}'s {alt.energy_kev:.1f}-keV line at {gain - 1:+.1%}, whose {'/'.join(tested)}-keV "
                    f"lines hold at least half the counts it implies there (NNDC ratios, detector-model efficiency)"
                )
    return None


def _chain_lines(lib: Library, name: str, group: str | None) -> list[tuple[float, float]]:
    """(energy, intensity %) of a chain's lines in the equilibrium of its reference line: the
    whole chain (Th-232: Ac-228 with the Th-228 progeny; U-238: the radon progeny, Pb-214 and
    Bi-214, whose share of radium varies)."""
    if name not in lib.names:
        return []
    nuclide = lib.get(name)
    keep = {group} if name == "U-238 chain" else None
    return [(ln.energy_kev, ln.intensity) for ln in nuclide.lines if keep is None or ln.group in keep]


def _chain_scales(measured: dict[float, _Line | None], model: DetectorModel, lib: Library) -> dict[str, float]:
    """Counts in a line's full peak per (intensity % x peak efficiency), for every chain whose own
    reference line stands at SCALE_SIGMA; a chain not seen there gets no scale (its lines are
    taken as absent)."""
    scales: dict[str, float] = {}
    inside = float(erf(ROI_FWHM * 2.3548 / math.sqrt(2.0)))  # share of a centred peak in its ROI
    for energy, line in measured.items():
        if line is None or not line.peak or line.area < SCALE_SIGMA * line.sigma:
            continue
        name, _ = REFERENCE_CHAINS[energy]
        own = next((i for e, i in _chain_lines(lib, name, REFERENCE_CHAINS[energy][1]) if e == energy), None)
        if own is None:
            continue
        scales[name] = line.area / (own * peak_efficiency(model, energy) * inside)
    return scales


def _multiplet_ratio(
    line: _Line, chain: tuple[str, str | None], scales: dict[str, float], model: DetectorModel, lib: Library
) -> tuple[float, float, tuple[float, ...]]:
    """(gain, blend, blending lines): the gain g at which the expected centroid of every library
    line in the window (its own chain's lines at their NNDC ratios to it, other chains' at the
    counts their reference lines predict) equals the measured centroid; the blend is the share of
    the window's net counts predicted from other chains."""
    name, group = chain
    own = _chain_lines(lib, name, group)
    others = [(other, e, i) for other in scales if other != name for e, i in _chain_lines(lib, other, _group_of(other))]
    lo, hi = line.top - line.half, line.top + line.half
    assert line.centroid is not None
    g = line.centroid / line.energy
    blend = 0.0
    blenders: tuple[float, ...] = ()
    for _ in range(6):
        own_terms = [(w, m) for w, m in (_in_roi(e * g, i, model, lo, hi) for e, i in own) if w > 0]
        other_terms = []
        names = []
        for other, e, i in others:
            w, m = _in_roi(e * g, i, model, lo, hi)
            if w * scales[other] > 1e-3 * max(line.area, 1.0):
                other_terms.append((w * scales[other], m))
                names.append(e)
        contaminant = sum(w for w, _ in other_terms)
        blend = contaminant / max(line.area, 1.0)
        blenders = tuple(sorted(names))
        own_area = max(line.area - contaminant, 0.0)
        own_total = sum(w for w, _ in own_terms)
        if own_area <= 0 or own_total <= 0:
            return g, max(blend, 1.0), blenders
        expected = (sum(own_area * w / own_total * m for w, m in own_terms) + sum(w * m for w, m in other_terms)) / (
            own_area + contaminant
        )
        g *= line.centroid / expected
    return g, blend, blenders


def _group_of(name: str) -> str | None:
    return next((grp for n, grp in REFERENCE_CHAINS.values() if n == name), None)


def _in_roi(energy: float, intensity: float, model: DetectorModel, lo: float, hi: float) -> tuple[float, float]:
    """(intensity % x peak efficiency x share of the peak inside [lo, hi], mean energy of that
    share) for a line at ``energy`` keV on the measured scale."""
    sigma = model.fwhm_kev(energy) / 2.3548
    a, b = (lo - energy) / sigma, (hi - energy) / sigma
    if a >= 6.0 or b <= -6.0:
        return 0.0, energy  # the window 6 sd or more from the line: a share below 1e-9, as the test below finds
    share = 0.5 * (erf(b / math.sqrt(2.0)) - erf(a / math.sqrt(2.0)))
    if share < 1e-4:
        return 0.0, energy
    density = (math.exp(-0.5 * a * a) - math.exp(-0.5 * b * b)) / math.sqrt(2.0 * math.pi)
    mean = energy + sigma * density / share
    return intensity * peak_efficiency(model, energy) * share, mean


def _increasing(centers: np.ndarray) -> bool:
    return centers.size > 1 and np.count_nonzero(centers[1:] > centers[:-1]) == centers.size - 1


def _between(centers: np.ndarray, lo: float, hi: float, increasing: bool) -> tuple[slice | np.ndarray, int]:
    """The channels whose centre lies in [lo, hi] and their number: on increasing centres (a calibration) a slice found
    by two sorted searches (the same channels in the same order as the boolean mask, without passes over the
    spectrum), else the mask."""
    if increasing:
        start, stop = int(centers.searchsorted(lo, side="left")), int(centers.searchsorted(hi, side="right"))
        return slice(start, max(stop, start)), max(stop - start, 0)
    mask = (centers >= lo) & (centers <= hi)
    return mask, int(np.count_nonzero(mask))


def _local_sigma(centers: np.ndarray, counts: np.ndarray, peak_kev: float, model: DetectorModel) -> float:
    """Significance of the counts within 0.6 FWHM of ``peak_kev`` above the straight line through
    its two sidebands (``SIDEBAND_FWHM`` resolutions either side); 0 when a sideband is missing."""
    fwhm = model.fwhm_kev(peak_kev)
    increasing = _increasing(centers)
    roi, n_roi = _between(centers, peak_kev - 0.6 * fwhm, peak_kev + 0.6 * fwhm, increasing)
    near, far = SIDEBAND_FWHM
    left, n_left = _between(centers, peak_kev - far * fwhm, peak_kev - near * fwhm, increasing)
    right, n_right = _between(centers, peak_kev + near * fwhm, peak_kev + far * fwhm, increasing)
    if n_roi < 2 or n_left < 2 or n_right < 2:
        return 0.0
    x_left, x_right = float(centers[left].mean()), float(centers[right].mean())
    y_left, y_right = float(counts[left].mean()), float(counts[right].mean())
    slope = (y_right - y_left) / (x_right - x_left)
    baseline = y_left + slope * (centers[roi] - x_left)
    # variance of the interpolated baseline summed over the ROI: each sideband mean has variance
    # (sum of its counts) / n^2, and the ROI sum of the line weighs them by roughly n_roi / 2 each
    var_base = (n_roi / 2) ** 2 * (counts[left].sum() / n_left**2 + counts[right].sum() / n_right**2)
    area = float(counts[roi].sum() - baseline.sum())
    return area / math.sqrt(max(float(counts[roi].sum()) + var_base, 1.0))


def recalibrated(spectrum: Spectrum, factor: float) -> Spectrum:
    """The spectrum with its energy scale divided by ``factor``."""
    return recalibrated_offset(spectrum, factor, 0.0)


# Offset + gain. A stored calibration may be off by an offset as well as a gain (a real RadiaCode
# granite background reads ~13 keV low at low energy, not a gain error), which the high reference
# lines alone cannot see: -12 keV is -0.8 % at K-40 and -5 % at 238.6 keV. Natural lines at low and
# middle energy anchor the offset (energies and intensities from the library, NNDC NuDat 3): Pb-212
# 238.632, Tl-208 583.187 and Ac-228 911.204 keV (Th-232 chain), Pb-214 351.932 and Bi-214 609.312 keV
# (U-238 chain, radon progeny). The same conservatism as the gain: an anchor is measured in the gain's window (6 %,
# SEARCH_FWHM resolutions; with offset_reach, off by default, widened to the offset allowed: anchor_reach_kev),
# must stand at MIN_LINE_SIGMA and above its sidebands, is fitted as a
# multiplet of its chain's lines with other chains' lines predicted from their reference lines (blend
# at most MAX_BLEND), is not used when a man-made library line in its window is confirmed by its
# nuclide's other lines (Ba-133 356.0 or Eu-152 344.3 keV beside Pb-214 351.9 keV), and its net area
# must agree within ANCHOR_AREA_RANGE with what its chain's own reference line predicts (the chain's
# scale from K-40/Bi-214 1764.5/Tl-208 2614.5 keV standing at SCALE_SIGMA): no chain scale, no anchor.
# That last test is what keeps a Cs-137 662-keV line off Bi-214 609.3 keV (and Bi-214 off Cs-137): a
# Cs-137 source's 662-keV peak is many times what its Bi-214 1764.5-keV line predicts at 609 keV, and
# Cs-137 is no anchor at all. The offset+gain line through the anchors and the used reference lines
# (weighted least squares, each centroid's error its peak sd over its significance with a floor of
# CENTROID_FLOOR of its energy) is applied only when the lines span MIN_SPAN_KEV, every line lies within
# RESIDUAL_SIGMA of it, and the offset is at least MIN_OFFSET_KEV and GAIN_SIGMA standard errors, at most
# MAX_OFFSET_KEV. When no significant offset is found and no reference line was usable for the gain, the gain
# through the same lines (weighted mean of centroid / energy) is applied when it passes the gain's own tests
# (MIN_CORRECTION, GAIN_SIGMA standard errors, every line within RESIDUAL_SIGMA); else the gain alone is
# corrected as before. Decided on dev rows only (bench/radiation.py
# --miscal): the floor is 0.6 % because the unperturbed dev uraninite's 351.9/609.3/1764.5-keV centroids lie off
# one straight line by +5.3/+3.9/-8.3 standard errors at 0.2 % (a curvature its stored quadratic calibration
# leaves), within 3 at 0.6 %: its offset reads -14.3 keV and is corrected (verdict unchanged), and re-labelled by
# -6/+6/+12 keV it reads -20.0/-8.6/-2.8 keV (the applied offset to 0.3 keV). On the dev monazites and thorium
# sources Ac-228 911.2 keV holds 2-3.6x what Tl-208 2614.5 keV predicts at the model's efficiency (hence
# ANCHOR_AREA_RANGE 1/4-4x); the dev Guarapari monazite re-labelled x0.97 (no reference line usable) is read back
# at 0.955 from 238.6/583.2/911.2 keV (industrial -> NORM), the dev thorium source re-labelled -12/+12 keV at
# -12.3/+9.8 keV; a dev Cs-137 spectrum has no U-238 chain scale, so its 662-keV line is never one.
ANCHOR_LINES: dict[float, tuple[str, str | None]] = {
    238.632: ("Th-232 chain", "Th-228 progeny"),
    351.932: ("U-238 chain", "radon progeny"),
    583.187: ("Th-232 chain", "Th-228 progeny"),
    609.312: ("U-238 chain", "radon progeny"),
    911.204: ("Th-232 chain", "Th-228 progeny"),
}
ANCHOR_AREA_RANGE = (0.25, 4.0)
CENTROID_FLOOR = 0.006
MIN_SPAN_KEV = 500.0
RESIDUAL_SIGMA = 3.0
MIN_OFFSET_KEV = 3.0
MAX_OFFSET_KEV = 25.0
# the line is fitted through at least MIN_POINTS lines (one more than its parameters: a residual to test)
MIN_POINTS = 3


def calibration_correction(
    spectrum: Spectrum,
    model: DetectorModel,
    library: Library | None = None,
    offset_reach: bool = False,
    curved: bool = False,
) -> CalibrationCorrection:
    """The gain correction (:func:`gain_correction_detail`), or an offset+gain correction when natural
    lines across the energy range confirm an offset (see ``ANCHOR_LINES``). ``offset_reach``: the anchors are
    searched as far as the offset allowed (:func:`anchor_reach_kev`) rather than in the gain's window. ``curved``
    (anchors searched as with ``offset_reach``): an offset+gain+quadratic scale through the same lines when it beats the
    straight one within physical bounds (see ``CURVE_CHI2``); otherwise the correction without ``curved``, never the
    straight line through the widened anchors (on a curved scale it misplaces the lines between them)."""
    lib = library or default_library()
    bent = _correction(spectrum, model, lib, True, curve_only=True) if curved else None
    found = bent if bent is not None else _correction(spectrum, model, lib, offset_reach)
    assert found is not None
    return found


def _correction(
    spectrum: Spectrum, model: DetectorModel, lib: Library, offset_reach: bool, curve_only: bool = False
) -> CalibrationCorrection | None:
    """:func:`calibration_correction`; with ``curve_only`` the curved correction, None when none is found."""
    refs = _references(spectrum, model, lib)
    if refs is None:
        return None if curve_only else CalibrationCorrection(1.0, ())
    gain, used_ratios = _gain_detail(refs, model, lib)  # the same measurement serves both corrections
    centers, counts, net, references, scales = refs.centers, refs.counts, refs.net, refs.measured, refs.scales
    inside = float(erf(ROI_FWHM * 2.3548 / math.sqrt(2.0)))
    points: list[tuple[float, float, float]] = []  # (true energy of the multiplet, centroid, centroid sd)
    for energy in gain.used:
        line = references[energy]
        assert line is not None and line.centroid is not None
        ratio = used_ratios[energy]
        points.append((line.centroid / ratio, line.centroid, _centroid_sd(line, model)))
    # candidate anchors: usable, chain-fitted (blend at most MAX_BLEND), no confirmed man-made alternative
    candidates: dict[float, tuple[_Line, float, float]] = {}  # energy: (line, ratio, own net area)
    for energy, chain in ANCHOR_LINES.items():
        line = _measure(energy, centers, counts, net, model, anchor=offset_reach)
        if line is None or not line.usable or line.centroid is None:
            continue
        ratio, blend, _ = _multiplet_ratio(line, chain, scales, model, lib)
        off = (
            abs(ratio - 1.0) * energy > anchor_reach_kev(energy) if offset_reach else abs(ratio - 1.0) > MAX_GAIN_ERROR
        )
        if blend > MAX_BLEND or off:
            continue
        if _man_made_alternative(line, centers, counts, net, model, lib) is not None:
            continue
        candidates[energy] = (line, ratio, line.area * (1.0 - blend))
    anchors: list[float] = []
    low, high = ANCHOR_AREA_RANGE
    for energy, (line, ratio, own_area) in candidates.items():
        chain = ANCHOR_LINES[energy]
        if chain[0] not in scales:
            continue  # no chain scale from its reference line: no anchor
        predicted = scales[chain[0]] * _intensity_efficiency(lib, chain, energy, model) * inside
        if not low * predicted <= own_area <= high * predicted:
            continue
        assert line.centroid is not None
        points.append((line.centroid / ratio, line.centroid, _centroid_sd(line, model)))
        anchors.append(energy)
    if not anchors or len(points) < MIN_POINTS:
        return None if curve_only else gain
    true = np.array([p[0] for p in points])
    if float(true.max() - true.min()) < MIN_SPAN_KEV:
        return None if curve_only else gain
    measured = np.array([p[1] for p in points])
    sd = np.array([max(p[2], CENTROID_FLOOR * p[0]) for p in points])
    design = np.column_stack([np.ones_like(true), true]) / sd[:, None]
    solution, *_ = np.linalg.lstsq(design, measured / sd, rcond=None)
    offset, factor = float(solution[0]), float(solution[1])
    offset_sd = math.sqrt(float(np.linalg.inv(design.T @ design)[0, 0]))
    residuals = (measured - (offset + factor * true)) / sd
    if curve_only:
        stat = np.array([p[2] for p in points])
        bent = _curved_fit(true, measured, stat, float(spectrum.edges_kev()[-1]))
        if bent is None:
            return None
        return CalibrationCorrection(bent[1], tuple(sorted((*gain.used, *anchors))), gain.notes, bent[0], bent[2])
    if (
        max(MIN_OFFSET_KEV, GAIN_SIGMA * offset_sd) <= abs(offset) <= MAX_OFFSET_KEV
        and abs(factor - 1.0) <= MAX_GAIN_ERROR
        and float(np.abs(residuals).max()) <= RESIDUAL_SIGMA
    ):
        return CalibrationCorrection(factor, tuple(sorted((*gain.used, *anchors))), gain.notes, offset)
    if gain.used:
        return gain
    ratios = measured / true
    weights = (true / sd) ** 2
    factor = float((ratios * weights).sum() / weights.sum())
    error = 1.0 / math.sqrt(float(weights.sum()))
    if (
        max(MIN_CORRECTION, GAIN_SIGMA * error) <= abs(factor - 1.0) <= MAX_GAIN_ERROR
        and float(np.abs((ratios - factor) * np.sqrt(weights)).max()) <= RESIDUAL_SIGMA
    ):
        return CalibrationCorrection(factor, tuple(sorted(anchors)), gain.notes)
    return gain


# Curved scales. A scintillator's light per keV is not constant (CsI(Tl) and NaI(Tl) non-proportionality: more light
# per keV at a few hundred keV than at 1-3 MeV) and a SiPM's finite cells saturate at high light: the stored
# calibration of a small CsI+SiPM unit, fitted at a few energies, may be curved against the true one. A measured
# property of the dev files: the native 256-channel RadiaCode-101 thorium reads 238.6/583.2/911.2/2614.5 keV at
# 257.7/601.9/943.8/2578.0 keV (+8.0/+3.2/+3.6/-1.4 %), no offset+gain line within its lines' errors; the dev
# uraninite's 351.9/609.3/1764.5 keV lie +5.3/+3.9/-8.3 standard errors (at 0.2 %) off a straight line. With
# ``curved`` the anchors are searched as with ``offset_reach`` and measured = a + b E + c E^2 is fitted (weighted
# least squares, each centroid's error its peak sd over its significance with a floor of CURVE_CENTROID_FLOOR of its
# energy) through at least MIN_CURVE_POINTS lines spanning MIN_SPAN_KEV. The floor is CENTROID_FLOOR's 0.6 % less
# the curvature that floor was set to absorb: 0.2 %, the level at which the uraninite's curvature was measured. It
# is used instead of the straight line when
# - the curvature is significant: the straight line's chi2 (same errors) exceeds the quadratic's by CURVE_CHI2 (the
#   curvature at 3 of its standard errors; one parameter more), the quadratic fits (its chi2 within the 99 % point of
#   the chi2 distribution of its degrees of freedom, CURVE_FIT_CHI2) and every line lies within RESIDUAL_SIGMA of it.
#   The fit test is what refuses an anchor pulled by a line beside it: a dev Cs-137 soil hidden at 3 % in the
#   thorium pulls its 583.2-keV centroid from 601.9 to 610.7 keV (Cs-137 661.7 keV reads 683 keV there), quadratic
#   chi2 16.7 (1.6 without the Cs-137), every residual still within 3 sigma;
# - it stays physical over the whole spectrum (0 keV to its last edge): the local gain b + 2 c E within
#   CURVE_SLOPE_RANGE of 1 (never folding back), the offset a at most MAX_CURVED_OFFSET_KEV, and the quadratic's
#   largest departure from the straight line through its ends at 0 keV and 3000 keV at most MAX_BOW_KEV. Set at about
#   twice the one curved dev unit (the thorium: offset 16.0 keV, local gain 1.018 at 0 keV and 0.932 at 3 MeV, bow
#   32 keV); CsI(Tl) non-proportionality depends on the unit's shaping time and Tl doping (Syntfeld-Kazuch et al.,
#   IEEE NSS 2006, doi:10.1109/NSSMIC.2006.356047) and quadratic and linear CsI(Tl) calibrations differ by ~4 % over
#   a few MeV (arXiv:2503.10098), so no tighter bound is taken from the literature.
MIN_CURVE_POINTS = 4
CURVE_FIT_CHI2 = (6.635, 9.210, 11.345, 13.277, 15.086, 16.812)  # chi2 99 % points, 1-6 degrees of freedom
CURVE_CENTROID_FLOOR = 0.002
CURVE_CHI2 = 9.0
CURVE_SLOPE_RANGE = (0.85, 1.15)
MAX_CURVED_OFFSET_KEV = 40.0
MAX_BOW_KEV = 60.0
BOW_SPAN_KEV = 3000.0


def _curved_fit(
    true: np.ndarray, measured: np.ndarray, stat_sd: np.ndarray, top_kev: float
) -> tuple[float, float, float] | None:
    """(offset keV, gain, curvature per keV) of the weighted quadratic through the lines, or None when it is not
    significant over the straight line, misses a line or leaves the physical bounds (see ``CURVE_CHI2``)."""
    if true.size < MIN_CURVE_POINTS or float(true.max() - true.min()) < MIN_SPAN_KEV:
        return None
    sd = np.maximum(stat_sd, CURVE_CENTROID_FLOOR * true)
    scaled = true / 1000.0  # conditioning: E in MeV
    chi2: list[float] = []
    solution = np.zeros(3)
    for degree in (1, 2):
        design = np.column_stack([scaled**k for k in range(degree + 1)]) / sd[:, None]
        solution, *_ = np.linalg.lstsq(design, measured / sd, rcond=None)
        residuals = measured / sd - design @ solution
        chi2.append(float(residuals @ residuals))
    offset, gain, curvature = float(solution[0]), float(solution[1]) / 1e3, float(solution[2]) / 1e6
    dof = true.size - 3
    fits = chi2[1] <= CURVE_FIT_CHI2[min(dof, len(CURVE_FIT_CHI2)) - 1]
    if chi2[0] - chi2[1] < CURVE_CHI2 or not fits or float(np.abs(residuals).max()) > RESIDUAL_SIGMA:
        return None
    low, high = CURVE_SLOPE_RANGE
    span = max(top_kev, BOW_SPAN_KEV)
    slopes = (gain, gain + 2.0 * curvature * span)  # the local gain is linear in E: its extremes at the ends
    bow = abs(curvature) * BOW_SPAN_KEV**2 / 4.0  # departure from the chord at the middle of 0-3000 keV
    if not (all(low <= s <= high for s in slopes) and abs(offset) <= MAX_CURVED_OFFSET_KEV and bow <= MAX_BOW_KEV):
        return None
    return offset, gain, curvature


def recalibrated_curved(spectrum: Spectrum, correction: CalibrationCorrection) -> Spectrum:
    """The spectrum with its energy scale mapped E -> ``correction.true_kev(E)``: for a straight correction
    :func:`recalibrated_offset`; for a curved one the stored polynomial's edges mapped to true energies and refitted
    by a polynomial of two more degrees (the inverse of a quadratic is no polynomial: to well under 0.1 keV here)."""
    if spectrum.calibration is None or correction.curvature == 0.0:
        return recalibrated_offset(spectrum, correction.factor, correction.offset_kev)
    channels = np.arange(spectrum.counts.size + 1, dtype=np.float64)
    true = correction.true_kev(spectrum.calibration.energy(channels))
    degree = len(spectrum.calibration.coefficients) + 1
    fitted = np.polynomial.Polynomial.fit(channels, true, degree).convert().coef
    return dataclasses.replace(spectrum, calibration=EnergyCalibration(tuple(float(c) for c in fitted)))


def anchor_reach_kev(energy: float) -> float:
    """How far from its library energy an anchor of the offset+gain correction is searched (keV): the gain error
    or the offset the correction may apply, whichever is larger, max(MAX_GAIN_ERROR x ``energy``,
    MAX_OFFSET_KEV). The reference lines' 6 % alone is 14.3 keV at 238.6 keV, less than the 25-keV offset the
    correction allows: the dev 256-channel RadiaCode-101 thorium reads its Pb-212 238.6 keV at 257.7 keV (its
    583.2/911.2 keV ~20 keV high too), beyond that window, so its offset was never measured. Above 417 keV the
    window is the gain's: wider, it would reach neighbouring lines (Tl-208 510.8 keV from 583.2 keV)."""
    return max(MAX_GAIN_ERROR * energy, MAX_OFFSET_KEV)


def _intensity_efficiency(lib: Library, chain: tuple[str, str | None], energy: float, model: DetectorModel) -> float:
    """Intensity (%) x detector-model peak efficiency of a chain's line."""
    own = next(i for e, i in _chain_lines(lib, chain[0], chain[1]) if e == energy)
    return own * peak_efficiency(model, energy)


def _centroid_sd(line: _Line, model: DetectorModel) -> float:
    """Standard error of a line's centroid, keV: the peak's sd over its significance."""
    return model.fwhm_kev(line.energy) / 2.3548 / max(line.area / line.sigma, 1.0)


def recalibrated_offset(spectrum: Spectrum, factor: float, offset_kev: float) -> Spectrum:
    """The spectrum with its energy scale mapped E -> (E - offset_kev) / factor."""
    if (factor == 1.0 and offset_kev == 0.0) or spectrum.calibration is None:
        return spectrum
    coefficients = [c / factor for c in spectrum.calibration.coefficients]
    coefficients[0] -= offset_kev / factor
    return dataclasses.replace(spectrum, calibration=EnergyCalibration(tuple(coefficients)))
