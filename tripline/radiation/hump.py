"""A photopeak on the scatter hump (``Policy.hump_photopeak``): a man-made line at 100-250 keV judged over a broad
hump of free position and width rather than against a doubled-width peak alone.

On a small scintillator (the 1 cm3 CsI of the RadiaCode) every real spectrum carries a broad scatter hump between
about 80 and 250 keV: photons multiply scattered in the sample, its surroundings and the crystal (the top near
80-120 keV), and the backscatter peaks of the chains' lines, E / (1 + 2E / 511 keV) = 180 keV for Bi-214's 609.3 keV,
218 keV for K-40's 1460.8 keV, 234 keV for Tl-208's 2614.5 keV. Its size depends on the geometry (sample size,
self-scatter, shielding) and cannot be predicted from the chains' lines: on the real dev NORM/background spectra the
residual the chain fit leaves within half a FWHM of 140.5 keV is 0.6 to 29 times what the chain templates put there
(bench/README, "hump"). A man-made line there (Tc-99m 140.5 keV, Eu-152 and Co-57 at 121.8/122.1 keV) sits on that
hump, and :func:`tripline.radiation.chainfit.is_narrow` (a photopeak alone against a doubled-width peak alone) reads
the sum as a hump: the doubled width fits the photopeak plus the hump beneath it better.

The model here keeps the hump as a nuisance: over +-``WINDOW_FWHM`` FWHM of the library energy the residual is fitted
with a straight line, a hump (a Gaussian ``HUMP_WIDTHS`` times the detector's width, its centre anywhere within
+-``HUMP_REACH_FWHM`` FWHM: a continuous scatter distribution folded with the resolution is broader than a photopeak)
and the candidate's photopeak at its library energy (its lines within one FWHM at the detector's resolution, as
:func:`is_narrow` folds them); the hump's centre and width are profiled (the best chi2 on the grid). The photopeak
stands when its amplitude over its standard error, the error scaled by sqrt(chi2 / degrees of freedom) when that
exceeds 1 (the Particle Data Group's scale factor: a hump that is not of the model's form leaves structure the
photopeak may take, and the misfit says by how much to discount it), reaches the identification significance. It
only adds a route to the companion reading's photopeak test (:func:`tripline.radiation.chainfit._nameable`), which
refers ("not excluded") and never names.

Off by default: set on the dev split (no real dev verdict moves; dev ``--masked`` CsI clears 4 Tc-99m/Eu-152 cells
fewer at 10/30 %), it refers a real test NORM spectrum on Tc-99m (read after the rule was set). A natural hump itself
holds a photopeak-like structure at 140 keV at about the identification significance (the dev KCl alone: 4.7 sigma
over the best hump, 3.3 with the misfit's scale): on a 1 cm3 CsI (FWHM 31 keV at 140 keV) the hump's shape and a
line on it are too alike for a margin (bench/README, "hump").
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from tripline.radiation.library import DetectorModel, Nuclide
from tripline.radiation.model import FloatArray
from tripline.radiation.physics import lines_near

# The region of the scatter hump on a small scintillator (module doc): main lines outside it keep is_narrow alone
HUMP_LOW_KEV = 100.0
HUMP_HIGH_KEV = 250.0
# the fit window, as is_narrow's (+-3 FWHM of the library energy)
WINDOW_FWHM = 3.0
# the hump: widths in units of the detector's width at the library energy (1.5: broader than any photopeak; 4: the
# window's scale), its centre on a grid across +-HUMP_REACH_FWHM FWHM, HUMP_CENTRES positions (0.25 FWHM apart)
HUMP_WIDTHS = (1.5, 2.0, 3.0, 4.0)
HUMP_REACH_FWHM = 1.5
HUMP_CENTRES = 13
# free parameters of the fit: photopeak, hump, straight line (2), the hump's centre and width (profiled)
FREE_PARAMETERS = 6


@dataclass(frozen=True)
class HumpReading:
    """The photopeak at ``energy_kev`` over the best hump: its amplitude's significance with the scaled error
    (``sigma``), without the scale (``raw_sigma``), the fit's chi2 over ``channels`` channels, the hump's centre (keV)
    and width (in units of the detector's width)."""

    energy_kev: float
    sigma: float
    raw_sigma: float
    chi2: float
    channels: int
    hump_kev: float
    hump_width: float


def in_hump_region(energy: float) -> bool:
    """Is ``energy`` (keV) on the scatter hump of a small scintillator (HUMP_LOW_KEV to HUMP_HIGH_KEV)?"""
    return HUMP_LOW_KEV <= energy <= HUMP_HIGH_KEV


def _photopeak(x: FloatArray, model: DetectorModel, energy: float, nuclide: Nuclide | None) -> FloatArray:
    """The candidate's lines within one FWHM of ``energy`` at the detector's resolution (``energy`` alone without
    ``nuclide``), weighted by intensity times peak efficiency."""
    lines = lines_near(model, energy, nuclide)
    sigma = model.fwhm_kev(energy) / 2.3548
    return np.asarray(
        sum((a * np.exp(-0.5 * ((x - e) / sigma) ** 2) for e, a in lines), np.zeros_like(x)), dtype=np.float64
    )


def hump_photopeak(
    resid: FloatArray,
    var: FloatArray,
    centers: FloatArray,
    model: DetectorModel,
    energy: float,
    nuclide: Nuclide | None = None,
) -> HumpReading | None:
    """The photopeak of ``nuclide`` at ``energy`` over the best hump (module doc) on the residual ``resid`` (errors
    ``var``); None when the window holds too few channels to fit (no test)."""
    width = model.fwhm_kev(energy)
    sel = np.abs(centers - energy) <= WINDOW_FWHM * width
    n = int(sel.sum())
    if n <= FREE_PARAMETERS + 2:
        return None
    x = centers[sel]
    sd = np.sqrt(np.maximum(var[sel], 1.0))
    y = resid[sel] / sd
    peak = _photopeak(x, model, energy, nuclide)
    best: tuple[float, float, float, float, float] | None = None  # chi2, amplitude, its error, centre, width
    for k in HUMP_WIDTHS:
        s = k * width / 2.3548
        for centre in energy + np.linspace(-HUMP_REACH_FWHM, HUMP_REACH_FWHM, HUMP_CENTRES) * width:
            hump = np.exp(-0.5 * ((x - centre) / s) ** 2)
            design = np.stack([peak, hump, np.ones_like(x), x - energy], axis=1) / sd[:, None]
            coef, *_ = np.linalg.lstsq(design, y, rcond=None)
            r = y - design @ coef
            chi2 = float(r @ r)
            if best is None or chi2 < best[0]:
                cov = np.linalg.pinv(design.T @ design)
                best = (chi2, float(coef[0]), math.sqrt(max(float(cov[0, 0]), 1e-30)), float(centre), k)
    assert best is not None
    chi2, amplitude, error, centre, k = best
    scale = math.sqrt(max(1.0, chi2 / (n - FREE_PARAMETERS)))
    return HumpReading(energy, amplitude / (error * scale), amplitude / error, chi2, n, centre, k)


def photopeak_on_hump(
    resid: FloatArray,
    var: FloatArray,
    centers: FloatArray,
    model: DetectorModel,
    energy: float,
    nuclide: Nuclide | None,
    identify_sigma: float,
) -> bool:
    """Does the candidate's line at ``energy`` (in the hump region) stand as a photopeak over the best hump at
    ``identify_sigma`` (scaled error, :func:`hump_photopeak`)?"""
    if not in_hump_region(energy):
        return False
    reading = hump_photopeak(resid, var, centers, model, energy, nuclide)
    return reading is not None and reading.sigma >= identify_sigma
