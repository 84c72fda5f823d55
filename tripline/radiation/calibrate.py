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
"""

from __future__ import annotations

import dataclasses
import math

import numpy as np

from tripline.radiation.library import DetectorModel
from tripline.radiation.model import EnergyCalibration, Spectrum
from tripline.radiation.spectral import fwhm_channels, snip_continuum

REFERENCE_LINES_KEV = (1460.820, 1764.494, 2614.511)
MAX_GAIN_ERROR = 0.06
MIN_LINE_SIGMA = 10.0
MIN_CORRECTION = 0.003
MIN_LOCAL_SIGMA = 4.0
SIDEBAND_FWHM = (0.9, 1.5)
# the peak is searched within SEARCH_FWHM resolutions of the library energy (and 6 %): a CsI
# line may be off by a FWHM, an HPGe line by a few keV, never by a neighbouring line's distance
SEARCH_FWHM = 3.0


def gain_correction(spectrum: Spectrum, model: DetectorModel) -> tuple[float, tuple[float, ...]]:
    """(factor, lines used): measured energy = factor x true energy; 1.0 when nothing to correct."""
    if not spectrum.is_calibrated or not model.has_photopeaks:
        return 1.0, ()
    edges = spectrum.edges_kev()
    centers = 0.5 * (edges[:-1] + edges[1:])
    counts = spectrum.counts.astype(np.float64)
    fwhm = fwhm_channels(model, centers, np.diff(edges))
    start = int(np.searchsorted(centers, model.low_kev))
    net = counts.copy()
    if start >= counts.size - 4:
        return 1.0, ()
    net[start:] = counts[start:] - snip_continuum(counts[start:], fwhm[start:])
    net[:start] = 0.0
    ratios: list[tuple[float, float]] = []
    used: list[float] = []
    for energy in REFERENCE_LINES_KEV:
        reach = min(MAX_GAIN_ERROR * energy, SEARCH_FWHM * model.fwhm_kev(energy))
        window = (centers >= energy - reach) & (centers <= energy + reach)
        if window.sum() < 3 or energy * (1 + MAX_GAIN_ERROR) > centers[-1]:
            continue
        idx = np.flatnonzero(window)
        top = int(idx[np.argmax(net[idx])])
        half = 0.6 * model.fwhm_kev(energy)
        roi = (centers >= centers[top] - half) & (centers <= centers[top] + half)
        area = float(net[roi].sum())
        sigma = math.sqrt(max(float(counts[roi].sum()), 1.0))
        if area / sigma < MIN_LINE_SIGMA or _local_sigma(centers, counts, centers[top], model) < MIN_LOCAL_SIGMA:
            continue
        weights = np.clip(net[roi], 0.0, None)
        centroid = float((centers[roi] * weights).sum() / weights.sum())
        ratio = centroid / energy
        if abs(ratio - 1.0) <= MAX_GAIN_ERROR:
            ratios.append((ratio, area / sigma))
            used.append(energy)
    if not ratios:
        return 1.0, ()
    factor = sum(r * w for r, w in ratios) / sum(w for _, w in ratios)
    if abs(factor - 1.0) < MIN_CORRECTION:
        return 1.0, tuple(used)
    return factor, tuple(used)


def _local_sigma(centers: np.ndarray, counts: np.ndarray, peak_kev: float, model: DetectorModel) -> float:
    """Significance of the counts within 0.6 FWHM of ``peak_kev`` above the straight line through
    its two sidebands (``SIDEBAND_FWHM`` resolutions either side); 0 when a sideband is missing."""
    fwhm = model.fwhm_kev(peak_kev)
    roi = (centers >= peak_kev - 0.6 * fwhm) & (centers <= peak_kev + 0.6 * fwhm)
    near, far = SIDEBAND_FWHM
    left = (centers >= peak_kev - far * fwhm) & (centers <= peak_kev - near * fwhm)
    right = (centers >= peak_kev + near * fwhm) & (centers <= peak_kev + far * fwhm)
    if roi.sum() < 2 or left.sum() < 2 or right.sum() < 2:
        return 0.0
    x_left, x_right = float(centers[left].mean()), float(centers[right].mean())
    y_left, y_right = float(counts[left].mean()), float(counts[right].mean())
    slope = (y_right - y_left) / (x_right - x_left)
    baseline = y_left + slope * (centers[roi] - x_left)
    n_roi = int(roi.sum())
    # variance of the interpolated baseline summed over the ROI: each sideband mean has variance
    # (sum of its counts) / n^2, and the ROI sum of the line weighs them by roughly n_roi / 2 each
    var_base = (n_roi / 2) ** 2 * (counts[left].sum() / left.sum() ** 2 + counts[right].sum() / right.sum() ** 2)
    area = float(counts[roi].sum() - baseline.sum())
    return area / math.sqrt(max(float(counts[roi].sum()) + var_base, 1.0))


def recalibrated(spectrum: Spectrum, factor: float) -> Spectrum:
    """The spectrum with its energy scale divided by ``factor``."""
    if factor == 1.0 or spectrum.calibration is None:
        return spectrum
    coefficients = tuple(c / factor for c in spectrum.calibration.coefficients)
    return dataclasses.replace(spectrum, calibration=EnergyCalibration(coefficients))
