"""Energy resolution measured from the spectrum itself: one scale factor on the model's FWHM.

A detector model (``detectors.yaml``) gives one resolution per detector type, but units differ: on
the 1024-channel RadiaCode-102/103/110 files of ``tests/data/radiation_real.csv`` strong isolated
peaks are about 0.75-0.9 times as wide as the RadiaCode model's sqrt(6.8 E) keV, on the 256-channel
RadiaCode-101 files 1.1-1.3 times. :func:`measure_resolution` fits the width of strong lines whose
neighbourhood is known, and combines them into one factor on the model's FWHM.

Each line (:data:`LINES`, energies and intensities from NNDC NuDat 3) is fitted over +-``WINDOW_FWHM``
model FWHM of its energy (never below the spectrum's usable low edge): Gaussians of FWHM s x model
FWHM at the line and at its neighbours (lines at least ``CLOSE_FWHM`` model FWHM away, which a joint
fit separates), a common centroid shift d (within +-``SHIFT_FWHM`` FWHM: what is left of the
calibration error) and a straight-line continuum (two non-negative ramps), non-negative weighted least
squares on the gross counts (Poisson weights from the counts smoothed over three channels). d is
scanned, s found by a golden-section search in [``FACTOR_LOW``, ``FACTOR_HIGH``]; its error is where
chi2 rises by one (curvature at +-``CURVATURE_STEP``, chi2 scaled by the reduced chi2 when above one).
A line is used only when

- its area stands at ``MIN_SIGNIFICANCE`` sigma (10) and its factor is known to ``MAX_FACTOR_ERROR``
  (lines that fall short at the model's width by more than ``PRESELECT`` are not searched at all);
- the best factor lies inside the searched range, ``EDGE_MARGIN`` from either end;
- its blend partners, lines closer than ``CLOSE_FWHM`` that no fit tells apart at scintillator
  resolution (Bi-214 609.3 beside Cs-137 661.7 and Tl-208 583.2; Bi-214 1377.7 and 1509.2 beside
  K-40 1460.8), are expected, from their chain's clean 1764.5-keV line read at the model's resolution,
  to add at most ``CLOSE_MAX`` of the line's area together;
- Am-241's 59.5 keV: the line stands ``AM241_PROMINENCE`` times its continuum (a dominant source).

Pb-212's 238.6 keV was tried and left out: beside Ra-224's 241.0 and Pb-214's 242.0 keV, on a falling
continuum with backscatter humps, it read 1.15-1.17 on two dev thorium ores whose own 2614.5-keV line
reads 0.8 on a like unit (bench/README.md, "fwhm").

The factor is the inverse-variance mean of the lines used, clamped to [``FACTOR_MIN``, ``FACTOR_MAX``] and
rounded to ``FACTOR_STEP``, its energy (the lines' energies, weighted alike) to ``ENERGY_STEP`` (a
per-spectrum model named by both keeps the caches keyed by the model's name few and bounded); without
any usable line it is 1 (the model's resolution). Scintillators only: a germanium line is a few
channels wide and its neighbours resolved; its model is used as it is. :func:`scaled_model` makes the
per-spectrum model; identify (:mod:`.identify`), when its policy asks (``Policy.measure_resolution``, off by
default: not adopted, see bench/README.md "fwhm"), takes lines from ``TRANSFER_MIN_KEV`` up and applies factors
up to ``APPLY_MAX``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from tripline.radiation.library import DetectorModel
from tripline.radiation.model import FloatArray
from tripline.radiation.numerics import ndtr, nnls
from tripline.radiation.physics import peak_efficiency

WINDOW_FWHM = 1.75
SHIFT_FWHM = 0.2
SHIFT_STEPS = 9
CLOSE_FWHM = 1.0
CLOSE_MAX = 0.10
MIN_SIGNIFICANCE = 10.0
MAX_FACTOR_ERROR = 0.10
# identify takes the factor from lines at or above this energy only: the 59.5-keV width of the dev Am-241 sources
# (0.73-0.82 of the model) does not follow the model's sqrt(E) law to the rest of the spectrum (narrowing every line
# by it named Co-57's 122 keV beside two of them)
TRANSFER_MIN_KEV = 500.0
# the energy at which a measured factor leaves the model's FWHM as it is (scaled_model)
PIVOT_KEV = 59.5
# identify, when asked (Policy.measure_resolution, off by default), applies a factor up to this (narrower units).
# Wider, on the dev split, turned the KCl spectrum (K-40 1.20-1.31 of the model) from NORM to medical (Tc-99m read
# in a 140-keV hump, the whole model widened) or to of_concern (a 136-keV "Co-57" hump, only the high-energy width
# widened, see scaled_model)
APPLY_MAX = 1.0
FACTOR_MIN = 0.6
FACTOR_MAX = 1.5
FACTOR_STEP = 0.01
ENERGY_STEP = 100.0
# the factor is searched in [FACTOR_LOW, FACTOR_HIGH] to FACTOR_TOLERANCE; a best factor within EDGE_MARGIN of
# either end is no measurement; the error from chi2 at +-CURVATURE_STEP
FACTOR_LOW = 0.4
FACTOR_HIGH = 2.0
FACTOR_TOLERANCE = 0.004
EDGE_MARGIN = 0.05
CURVATURE_STEP = 0.03
# a line is searched only if its area at the model's width stands at this share of MIN_SIGNIFICANCE
PRESELECT = 0.7


@dataclass(frozen=True)
class Partner:
    """A line too close to be fitted apart, whose area is predicted from a clean line of its chain."""

    energy_kev: float
    intensity: float  # per 100 decays (NNDC)
    proxy_kev: float
    proxy_intensity: float


@dataclass(frozen=True)
class Candidate:
    nuclide: str
    energy_kev: float
    neighbours_kev: tuple[float, ...] = ()
    partners: tuple[Partner, ...] = ()
    # the line's counts within +-0.5 FWHM over the continuum's there, at least (a line that only a dominant
    # source gives, in a region where other lines and humps sit)
    prominence: float = 0.0


# Am-241's 59.5 keV only from a source that dominates its region: the region also holds Pb-210's 46.5 keV (radium
# sources), Th-234's 63.3 keV (uranium), the lead K X-rays (72.8-87.3 keV) and backscatter humps; on the dev split
# the Am-241 sources stand 27 times their continuum there, the uranium glass, thorium, radium and background
# spectra at most 4 times (their "59.5-keV widths" 0.73-1.50 of the model)
AM241_PROMINENCE = 5.0
_BI214_609 = Partner(609.32, 45.49, 1764.49, 15.31)
_BI214_1378 = Partner(1377.669, 3.99, 1764.49, 15.31)
_BI214_1509 = Partner(1509.228, 2.13, 1764.49, 15.31)
# NNDC NuDat 3 energies (keV) and intensities (per 100 decays). Neighbours: lines of the chains (and
# the man-made lines that sit beside the candidate) within the fit window, fitted with free areas.
LINES: tuple[Candidate, ...] = (
    Candidate("Tl-208", 2614.511, (2447.86,)),
    Candidate("K-40", 1460.820, (1332.492, 1588.19), (_BI214_1378, _BI214_1509)),
    Candidate("Cs-137", 661.657, (583.187, 768.356, 727.33), (_BI214_609,)),
    Candidate("Tl-208", 583.187, (510.77, 661.657, 727.33), (_BI214_609,)),
    Candidate("Am-241", 59.541, (74.97, 84.94), prominence=AM241_PROMINENCE),
)


@dataclass(frozen=True)
class LineWidth:
    nuclide: str
    energy_kev: float
    factor: float  # fitted FWHM / model FWHM
    error: float
    significance: float  # area / its error


@dataclass(frozen=True)
class Resolution:
    factor: float  # on the model's FWHM; 1.0 when nothing was measured
    lines: tuple[LineWidth, ...]  # the lines used
    energy_kev: float | None = None  # where it holds: the lines' energies, weighted as the factor

    @property
    def measured(self) -> bool:
        return bool(self.lines)

    def note(self, applied: float | None = None) -> str:
        """The reason line; ``applied``: the factor used when it differs from the one measured."""
        if not self.lines:
            return (
                f"resolution not measured (no isolated line at {MIN_SIGNIFICANCE:g} sigma with its width known to "
                f"{MAX_FACTOR_ERROR:.0%}): the model's FWHM"
            )
        used = ", ".join(f"{w.nuclide} {w.energy_kev:.1f} keV {w.factor:.2f}" for w in self.lines)
        return (
            f"resolution measured from {len(self.lines)} line{'s' if len(self.lines) > 1 else ''}: "
            f"FWHM {self.factor:.2f} of the model ({used})"
            + ("" if applied is None or applied == self.factor else f"; the model's FWHM x {applied:.2f} used")
        )


@dataclass(frozen=True)
class _Window:
    edges: FloatArray
    counts: FloatArray
    weights: FloatArray  # 1 / sigma per channel
    x: FloatArray  # centres relative to the line, in model FWHM


def _window(counts: FloatArray, edges: FloatArray, energy: float, fwhm: float, low_kev: float) -> _Window | None:
    centers = 0.5 * (edges[:-1] + edges[1:])
    lo = max(energy - WINDOW_FWHM * fwhm, low_kev)
    sel = np.flatnonzero((centers >= lo) & (centers <= energy + WINDOW_FWHM * fwhm))
    if sel.size < 8 or energy - lo < 0.5 * fwhm:
        return None
    y = counts[sel]
    # Poisson variance from the counts smoothed over three channels (a Neyman weight on single channels
    # pulls the fit towards low counts)
    smooth = np.convolve(counts, np.ones(3) / 3.0, mode="same")[sel]
    var = np.clip(smooth, 1.0, None)
    return _Window(edges[sel[0] : sel[-1] + 2], y, 1.0 / np.sqrt(var), (centers[sel] - energy) / fwhm)


def _gaussian(edges: FloatArray, mean: float, fwhm: float) -> FloatArray:
    sigma = max(fwhm / 2.3548, 1e-6)
    return np.asarray(np.diff(ndtr((edges - mean) / sigma)), dtype=np.float64)


def _columns(win: _Window, energies: list[float], fwhms: list[float], factor: float, shift: float) -> FloatArray:
    cols = [_gaussian(win.edges, e + shift, f * factor) for e, f in zip(energies, fwhms, strict=True)]
    # a straight-line continuum as two non-negative ramps (any line that is non-negative at both ends)
    cols += [WINDOW_FWHM + win.x, WINDOW_FWHM - win.x]
    return np.column_stack(cols) * win.weights[:, None]


def _chi2(win: _Window, energies: list[float], fwhms: list[float], factor: float, shift: float) -> float:
    """chi2 of the fit at one factor and shift (keV): non-negative areas and continuum."""
    _, norm = nnls(_columns(win, energies, fwhms, factor, shift), win.counts * win.weights)
    return float(norm**2)


def _area(win: _Window, energies: list[float], fwhms: list[float], factor: float, shift: float) -> tuple[float, float]:
    """(area of the first line, its error) at one factor and shift: the error from the normal matrix of the
    components the non-negative fit keeps."""
    a = _columns(win, energies, fwhms, factor, shift)
    coef, _ = nnls(a, win.counts * win.weights)
    if coef[0] <= 0:
        return 0.0, math.inf
    keep = coef > 0
    try:
        cov = np.linalg.inv(a[:, keep].T @ a[:, keep])
    except np.linalg.LinAlgError:
        return float(coef[0]), math.inf
    return float(coef[0]), math.sqrt(max(float(cov[0, 0]), 0.0))


def _prominence(win: _Window, energies: list[float], fwhms: list[float], factor: float, shift: float) -> float:
    """The first line's fitted counts within +-0.5 of its FWHM over the fitted continuum's there."""
    a = _columns(win, energies, fwhms, factor, shift)
    coef, _ = nnls(a, win.counts * win.weights)
    inside = np.abs(win.x - shift / fwhms[0]) <= 0.5 * factor
    peak = float((a[inside, 0] * coef[0] / win.weights[inside]).sum())
    continuum = float((a[inside, -2:] @ coef[-2:] / win.weights[inside]).sum())
    return peak / max(continuum, 1.0)


def _best_shift(win: _Window, energies: list[float], fwhms: list[float], factor: float) -> float:
    shifts = np.linspace(-SHIFT_FWHM, SHIFT_FWHM, SHIFT_STEPS) * fwhms[0]
    return float(min(shifts, key=lambda d: _chi2(win, energies, fwhms, factor, float(d))))


def _best_factor(win: _Window, energies: list[float], fwhms: list[float], shift: float, lo: float, hi: float) -> float:
    """Golden-section search of chi2 over the factor in [lo, hi] (``FACTOR_TOLERANCE``)."""
    ratio = (math.sqrt(5.0) - 1.0) / 2.0
    a, b = lo, hi
    c, d = b - ratio * (b - a), a + ratio * (b - a)
    fc, fd = _chi2(win, energies, fwhms, c, shift), _chi2(win, energies, fwhms, d, shift)
    while b - a > FACTOR_TOLERANCE:
        if fc <= fd:
            b, d, fd = d, c, fc
            c = b - ratio * (b - a)
            fc = _chi2(win, energies, fwhms, c, shift)
        else:
            a, c, fc = c, d, fd
            d = a + ratio * (b - a)
            fd = _chi2(win, energies, fwhms, d, shift)
    return 0.5 * (a + b)


def _fitted(line: Candidate, fwhm: float, span: tuple[float, float]) -> list[float]:
    """The line and the neighbours fitted with it: inside the window (+ 1 FWHM), at least ``CLOSE_FWHM`` FWHM
    from the line and from each other (closer ones no fit tells apart)."""
    energies = [line.energy_kev]
    for e in line.neighbours_kev:
        if span[0] - fwhm < e < span[1] + fwhm and all(abs(e - k) >= CLOSE_FWHM * fwhm for k in energies):
            energies.append(e)
    return energies


def _area_at_model(counts: FloatArray, edges: FloatArray, model: DetectorModel, energy: float, low: float) -> float:
    """Area of a line at the model's resolution, alone over a straight continuum (0 when it cannot be read)."""
    fwhm = model.fwhm_kev(energy)
    win = _window(counts, edges, energy, fwhm, low)
    if win is None:
        return 0.0
    shift = _best_shift(win, [energy], [fwhm], 1.0)
    return _area(win, [energy], [fwhm], 1.0, shift)[0]


def _line_width(
    counts: FloatArray, edges: FloatArray, model: DetectorModel, line: Candidate, low: float
) -> LineWidth | None:
    fwhm = model.fwhm_kev(line.energy_kev)
    win = _window(counts, edges, line.energy_kev, fwhm, low)
    if win is None:
        return None
    energies = _fitted(line, fwhm, (float(win.edges[0]), float(win.edges[-1])))
    fwhms = model.fwhm_kev_each(energies)
    area, area_err = _area(win, energies, fwhms, 1.0, 0.0)
    if area < PRESELECT * MIN_SIGNIFICANCE * area_err:
        return None
    shift = _best_shift(win, energies, fwhms, 1.0)
    factor = _best_factor(win, energies, fwhms, shift, FACTOR_LOW, FACTOR_HIGH)
    shift = _best_shift(win, energies, fwhms, factor)
    factor = _best_factor(win, energies, fwhms, shift, max(factor - 0.15, FACTOR_LOW), min(factor + 0.15, FACTOR_HIGH))
    if not FACTOR_LOW + EDGE_MARGIN < factor < FACTOR_HIGH - EDGE_MARGIN:
        return None
    area, area_err = _area(win, energies, fwhms, factor, shift)
    if area < MIN_SIGNIFICANCE * area_err or _prominence(win, energies, fwhms, factor, shift) < line.prominence:
        return None
    # the factor's error: the curvature of chi2 at the best factor (a rise of one), chi2 scaled by the reduced
    # chi2 when it is above one (a real peak is not quite a Gaussian over a straight continuum)
    step = CURVATURE_STEP
    at = [_chi2(win, energies, fwhms, factor + k * step, shift) for k in (-1, 0, 1)]
    curvature = (at[0] + at[2] - 2.0 * at[1]) / step**2
    if curvature <= 0:
        return None
    dof = max(win.counts.size - len(energies) - 2, 1)
    error = math.sqrt(2.0 * max(at[1] / dof, 1.0) / curvature)
    if error > MAX_FACTOR_ERROR:
        return None
    # blend partners: their expected areas together, each from its chain's clean line read at the model's width
    proxies: dict[float, float] = {}
    expected = 0.0
    for partner in line.partners:
        if partner.proxy_kev not in proxies:
            proxies[partner.proxy_kev] = _area_at_model(counts, edges, model, partner.proxy_kev, low)
        expected += (
            proxies[partner.proxy_kev]
            * partner.intensity
            / partner.proxy_intensity
            * peak_efficiency(model, partner.energy_kev)
            / max(peak_efficiency(model, partner.proxy_kev), 1e-12)
        )
    if expected > CLOSE_MAX * area:
        return None
    return LineWidth(line.nuclide, line.energy_kev, factor, error, area / area_err)


def measure_resolution(
    counts: FloatArray, edges: FloatArray, model: DetectorModel, low_kev: float, min_line_kev: float = 0.0
) -> Resolution:
    """Scale factor on ``model``'s FWHM read from the spectrum's own strong isolated lines (see the module
    docstring); ``edges`` the calibrated channel edges (keV), ``low_kev`` the usable low edge."""
    if model.kind != "scintillator":
        return Resolution(1.0, ())
    counts = np.asarray(counts, dtype=np.float64)
    edges = np.asarray(edges, dtype=np.float64)
    if counts.size + 1 != edges.size or not np.all(np.isfinite(counts)) or not np.all(np.diff(edges) > 0):
        return Resolution(1.0, ())
    widths: list[LineWidth] = []
    for line in LINES:
        if not max(float(edges[0]), min_line_kev) <= line.energy_kev <= edges[-1]:
            continue
        found = _line_width(counts, edges, model, line, max(low_kev, float(edges[0])))
        if found is not None:
            widths.append(found)
    if not widths:
        return Resolution(1.0, ())
    weights = np.array([1.0 / w.error**2 for w in widths])
    mean = float(np.dot(weights, [w.factor for w in widths]) / weights.sum())
    factor = round(min(max(mean, FACTOR_MIN), FACTOR_MAX) / FACTOR_STEP) * FACTOR_STEP
    energy = float(np.dot(weights, [w.energy_kev for w in widths]) / weights.sum())
    # to ENERGY_STEP: with the factor's FACTOR_STEP, few distinct per-spectrum models (caches keyed by the name)
    return Resolution(round(factor, 2), tuple(widths), max(ENERGY_STEP * round(energy / ENERGY_STEP), ENERGY_STEP))


def scaled_model(model: DetectorModel, factor: float, at_kev: float | None = None) -> DetectorModel:
    """``model`` with its FWHM ``factor`` times the model's at ``at_kev`` (where it was measured) and the model's own
    at ``PIVOT_KEV`` (Am-241's 59.5 keV, the lowest line identify reads: a line at 500 keV or above does not tell
    the low-energy width, where the electronic noise adds its constant term), named apart so that caches keyed by
    the model's name do not mix it with the type's own.

    Narrower: FWHM^2 = a'^2 + b' E through those two points (a' >= 0, b' >= 0 for any factor >= ``FACTOR_MIN``
    measured at 500 keV or above). Wider: the excess as a c term, (factor^2 - 1) FWHM(at)^2 (E / at)^2 added to
    FWHM^2. Without ``at_kev``, or when the model has a c term of its own and is to be narrowed, or when the two
    points give no such line: every coefficient scaled (``factor`` at every energy)."""
    if factor == 1.0:
        return model
    f = model.fwhm
    update: dict[str, float] = {"a": f.a * factor, "b": f.b * factor**2, "c": f.c * factor**2}
    if at_kev is not None and factor > 1.0:
        update = {"c": f.c + (factor**2 - 1.0) * model.fwhm_kev(at_kev) ** 2 / at_kev**2}
    elif at_kev is not None and at_kev > PIVOT_KEV and f.c == 0.0:
        high, low = factor**2 * model.fwhm_kev(at_kev) ** 2, model.fwhm_kev(PIVOT_KEV) ** 2
        slope = (high - low) / (at_kev - PIVOT_KEV)
        constant = low - slope * PIVOT_KEV
        if slope >= 0.0 and constant >= 0.0:
            update = {"a": math.sqrt(constant), "b": slope}
    name = f"{model.name}@fwhm{factor:.2f}" + ("" if at_kev is None else f"@{at_kev:.0f}keV")
    return model.model_copy(update={"fwhm": f.model_copy(update=update), "name": name})
