"""Line shape: is an excess a photopeak of the detector's width, or a broad hump?

A line counts as evidence only if its excess has the detector's peak shape. Inside a lead shield (or
with a beta source) the spectrum holds broad structures that a fit of photopeak templates over a
smooth continuum can take for lines:

- Compton backscatter from the shield: photons of every strong line scattered back by 120-180 degrees
  reach the detector at E' = E / (1 + (1 - cos t) E / 511 keV) (about 180 keV for Bi-214 609, 217 keV
  for K-40 1461, 233 keV for Tl-208 2614): humps many FWHM wide under U-235's 143.8-205.3-keV lines;
- beta bremsstrahlung (uranium glass: a 450-800-keV ramp under Bi-214 609 keV).

The test (:func:`line_shape`): over the window the line's own fit uses (or ``WINDOW_FWHM`` detector
FWHM either side), with the lead K X-ray region (72.8-87.3 keV, ``shield_lines_keV``) left out (those
X-rays are lines of their own, not the candidate's continuum), the residual is fitted twice with a
polynomial continuum: once with the candidate's lines at the detector model's resolution (FWHM of the
file's detector type, NNDC intensities x model efficiency), once with the same lines ``BROAD_FACTOR``
times as wide. The excess is *not peak-shaped* when the broad shape has a positive amplitude and fits
better (chi2 lower by more than ``REJECT_DCHI2``): the criterion of :func:`.chainfit.is_narrow`, on the
line's own window and continuum. The narrow amplitude's significance in the same local fit (``z``) is
the line's significance over its own local continuum.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from tripline.radiation.library import DetectorModel
from tripline.radiation.model import FloatArray

WINDOW_FWHM = 3.0
BROAD_FACTOR = 2.0
REJECT_DCHI2 = 0.0
# the lead K X-ray region is left out within this many FWHM of each X-ray line (as peaks.ROI_HALF_WIDTH_FWHM)
XRAY_HALF_FWHM = 1.25


@dataclass(frozen=True)
class LineShape:
    z: float  # narrow amplitude / its error, local polynomial continuum
    chi2_narrow: float
    chi2_broad: float
    broad_amplitude: float
    rows: int
    low_kev: float
    high_kev: float

    @property
    def peaked(self) -> bool:
        """False only when a hump ``BROAD_FACTOR`` times as wide fits better by more than ``REJECT_DCHI2``."""
        return not (self.broad_amplitude > 0 and self.chi2_narrow - self.chi2_broad > REJECT_DCHI2)

    def describe(self, what: str) -> str:
        return (
            f"{what} is not peak-shaped: a hump {BROAD_FACTOR:g}x the detector's FWHM fits the excess better "
            f"than its photopeaks at the detector's resolution (chi2 {self.chi2_broad:.1f} against "
            f"{self.chi2_narrow:.1f} over {self.rows} channels, {self.low_kev:.0f}-{self.high_kev:.0f} keV, "
            "lead K X-ray region left out): backscatter from shielding or scattered/bremsstrahlung photons, "
            "not counted as a line"
        )


def _shape(
    centers: FloatArray, model: DetectorModel, lines: Sequence[tuple[float, float]], factor: float
) -> FloatArray:
    out = np.zeros(centers.size, dtype=np.float64)
    for energy, weight in lines:
        sigma = factor * model.fwhm_kev(energy) / 2.3548
        out += weight * np.exp(-0.5 * ((centers - energy) / sigma) ** 2) / sigma
    return out


def weighted_lsq(y: FloatArray, sd: FloatArray, cols: list[FloatArray]) -> tuple[FloatArray, FloatArray, float]:
    """Least squares of ``y`` (errors ``sd``) on ``cols``: coefficients, their errors, chi2 (zeros,
    infinite errors and chi2 when the design is singular)."""
    a = np.stack(cols, axis=1) / sd[:, None]
    b = y / sd
    try:
        cov = np.linalg.inv(a.T @ a)
    except np.linalg.LinAlgError:
        return np.zeros(len(cols)), np.full(len(cols), math.inf), math.inf
    coef = cov @ (a.T @ b)
    r = b - a @ coef
    return coef, np.sqrt(np.maximum(np.diag(cov), 0.0)), float(r @ r)


def line_shape(
    resid: FloatArray,
    var: FloatArray,
    centers: FloatArray,
    model: DetectorModel,
    lines: Sequence[tuple[float, float]],
    exclude_kev: Sequence[float] = (),
    order: int = 1,
    window_kev: tuple[float, float] | None = None,
) -> LineShape | None:
    """The narrow-vs-broad test of the excess ``resid`` at ``lines`` ((energy keV, relative counts)),
    over ``window_kev`` (the window a line's own fit uses) or ``WINDOW_FWHM`` either side; None when the
    window holds too few channels to tell."""
    energies = [e for e, _ in lines]
    if window_kev is None:
        window_kev = (
            min(energies) - WINDOW_FWHM * model.fwhm_kev(min(energies)),
            max(energies) + WINDOW_FWHM * model.fwhm_kev(max(energies)),
        )
    low = max(window_kev[0], model.low_kev)
    high = min(window_kev[1], float(centers[-1]))
    sel = (centers >= low) & (centers <= high)
    for x in exclude_kev:
        sel &= np.abs(centers - x) > XRAY_HALF_FWHM * model.fwhm_kev(x)
    if sel.sum() < order + 8:
        return None
    c = centers[sel]
    y = resid[sel]
    sd = np.sqrt(np.maximum(var[sel], 1.0))
    u = (c - 0.5 * (low + high)) / max(high - low, 1.0)
    poly = [u**k for k in range(order + 1)]
    narrow = _shape(c, model, lines, 1.0)
    broad = _shape(c, model, lines, BROAD_FACTOR)
    coef_n, err_n, chi2_n = weighted_lsq(y, sd, [narrow, *poly])
    coef_b, _, chi2_b = weighted_lsq(y, sd, [broad, *poly])
    z = float(coef_n[0] / err_n[0]) if err_n[0] > 0 and math.isfinite(err_n[0]) else 0.0
    return LineShape(z, chi2_n, chi2_b, float(coef_b[0]), int(sel.sum()), float(c[0]), float(c[-1]))
