"""Energy calibration inferred from a spectrum's own natural lines when the file stores none.

A raw MCA dump or a channel/count export has no energy scale, so no peak or window analysis and no
clearance. Every spectrum taken on the ground holds natural lines (NNDC NuDat 3): K-40 1460.8 keV,
Tl-208 2614.5 and 583.2 keV, Bi-214 609.3, 1120.3 and 1764.5 keV, Pb-214 351.9 and 295.2 keV, Ac-228
911.2 keV, Pb-212 238.6 keV. The search (:func:`infer_calibration`) maps the spectrum's peaks (found on
the channels, see :func:`_channel_peaks`) by every calibration ``E = offset + gain x (ch + k ch^2 / n)``
with the gain over the whole plausible range for the channel count (the last channel at ``TOP_KEV``),
a scintillator's non-linearity ``k`` (``QUAD_FRACTIONS``; RadiaCode files store up to 0.45) and a small
offset (``OFFSETS_KEV``), and counts the natural lines that fall within ``MATCH_FWHM`` detector resolutions of
a peak, on distinct peaks (a line near two peaks, or two lines on one peak, count once). A calibration is inferred
only when the best mapping lines up at least ``MIN_PEAKS`` lines, K-40 1460.8 keV among them, spanning
``MIN_SPAN_KEV`` with a line of ``HIGH_LINE_KEV`` or more, when every mapping that puts those peaks more than
``DISTINCT_FWHM`` resolutions elsewhere (median) lines up at least ``MARGIN`` fewer (else two scales fit nearly as
well: ambiguous), and when the least-squares polynomial through the peaks matched by one line leaves every one
within ``FIT_FWHM`` resolutions. Otherwise nothing is inferred.

identify adopts a scale at germanium resolution only (:func:`blind_calibration`): a spectrum of at least
``HPGE_MIN_CHANNELS`` channels whose file names no detector (or hpge), searched with the HPGe model's resolution,
its inferred mean gain below ``HPGE_MAX_GAIN``; at 1-2 keV FWHM eight or more lines lined up within 0.3 FWHM are no
coincidence. On the dev split (``bench/radiation.py --uncalibrated``) the two HPGe spectra stripped of their
calibration get a scale within 0.01-0.1 % of their stored one (the independent reference) at 300-2614 keV and the
verdict of the calibrated file; the 4094-channel CsI Ba-133/Cs-137 source and the HPGe NAA pottery get none.

At a scintillator's resolution the search is measured only, not adopted: the natural chains' line patterns are
nearly scaled copies of each other (Pb-214 351.9 / Bi-214 609.3 / 1120.3 / 1764.5 keV against Tl-208 583.2 /
Ac-228 911.2 / Bi-214 1764.5 / Tl-208 2614.5 keV, about x1.5), and a 1 cm3 CsI shows only 5-8 blended peaks, so a
gain with a free non-linearity lines up one pattern as the other: the first version inferred for the dev uraninite a
scale 38-71 % off its stored calibration and for the dev Co-60 source one 23-30 % off, on which identify called the
Co-60 source NORM. Counting lines rather than peaks and requiring K-40 removed both; what remains inferred on the
dev split is the NaI background, which has no stored calibration to check the scale against (identify then called
it industrial, a Cs-137 line at 5.8 sigma): no dev scintillator spectrum both gets a scale and can confirm it, so
they keep "cannot clear without an energy-calibrated spectrum".
"""

from __future__ import annotations

import dataclasses
import math

import numpy as np

from tripline.radiation.calibrate import _local_sigma
from tripline.radiation.library import DetectorModel, detector
from tripline.radiation.model import EnergyCalibration, Spectrum
from tripline.radiation.spectral import fwhm_channels, snip_continuum

# natural lines, keV (NNDC NuDat 3)
NATURAL_LINES_KEV = (238.632, 295.224, 351.932, 583.187, 609.312, 911.204, 1120.287, 1460.820, 1764.494, 2614.511)
TOP_KEV = (1700.0, 12000.0)  # plausible energy of the last channel
GAIN_STEP = 1.25  # coarse gains (factor) at which the peaks are looked for on the channels
QUAD_FRACTIONS = tuple(round(0.05 * i, 2) for i in range(11))  # k: quadratic share at the last channel
OFFSETS_KEV = (-15.0, -10.0, -5.0, 0.0, 5.0, 10.0)
PEAK_SIGMA = 6.0  # net counts within 0.6 FWHM over their standard deviation
PEAK_LOCAL_SIGMA = 4.0  # above the straight line through the sidebands (calibrate._local_sigma)
MAX_PEAKS = 40  # the most significant peaks kept
MATCH_FWHM = 0.3
FIT_FWHM = 0.3
MIN_PEAKS = 5
MIN_SPAN_KEV = 1000.0
HIGH_LINE_KEV = 1400.0
MARGIN = 2
# identify adopts an inferred scale only at germanium resolution (see blind_calibration): a spectrum of at least
# HPGE_MIN_CHANNELS channels whose file names no detector (or names hpge), searched with the HPGe model, whose
# inferred mean gain is below HPGE_MAX_GAIN keV/channel (identify.guess_detector's HPGe test)
HPGE_MIN_CHANNELS = 2048
HPGE_MAX_GAIN = 1.2
REQUIRED_LINE_KEV = 1460.820
DISTINCT_FWHM = 1.0


@dataclasses.dataclass(frozen=True)
class InferredCalibration:
    calibration: EnergyCalibration | None  # None: nothing inferred
    lines: tuple[float, ...]  # natural lines the matched peaks lie at
    note: str


def blind_calibration(spectrum: Spectrum, detector_name: str | None = None) -> InferredCalibration:
    """The scale identify adopts for a spectrum without a calibration: :func:`infer_calibration` at HPGe
    resolution only (see the module doc); ``calibration`` None when nothing is adopted."""
    name = detector_name or spectrum.detector
    if spectrum.calibration is not None:
        return InferredCalibration(None, (), "calibrated spectrum")
    if name not in (None, "hpge"):
        return InferredCalibration(
            None, (), f"no scale inferred for a {name} spectrum: a scintillator's natural lines do not fix its scale"
        )
    if spectrum.n_channels < HPGE_MIN_CHANNELS:
        return InferredCalibration(
            None, (), f"no scale inferred: {spectrum.n_channels} channels, a germanium search needs {HPGE_MIN_CHANNELS}"
        )
    found = infer_calibration(spectrum, detector("hpge"))
    if found.calibration is None:
        return InferredCalibration(None, found.lines, f"no scale inferred at germanium resolution: {found.note}")
    edges = found.calibration.edges(spectrum.n_channels)
    if float(np.median(np.diff(edges))) >= HPGE_MAX_GAIN:
        return InferredCalibration(None, found.lines, "no scale inferred: the germanium match implies a coarse gain")
    return found


def infer_calibration(spectrum: Spectrum, model: DetectorModel) -> InferredCalibration:
    """An energy calibration for a spectrum without one, from its natural lines (see module doc)."""
    n = spectrum.n_channels
    if spectrum.calibration is not None or not model.has_photopeaks or n < 64:
        return InferredCalibration(None, (), "no inference: calibrated spectrum, no photopeaks or too few channels")
    counts = np.clip(spectrum.counts.astype(np.float64), 0.0, None)
    lines = np.array(NATURAL_LINES_KEV)
    line_fwhm = np.array([model.fwhm_kev(e) for e in NATURAL_LINES_KEV])
    g_low, g_high = TOP_KEV[0] / n, TOP_KEV[1] / n
    best: tuple[int, float, np.ndarray, np.ndarray, tuple[float, float, float]] | None = None
    scores: list[tuple[int, float, float, float]] = []  # (score, offset, gain, k) of every candidate
    coarse = g_low
    while coarse < g_high * GAIN_STEP:
        peaks, sig = _channel_peaks(counts, model, coarse, n)
        if peaks.size:
            for k in QUAD_FRACTIONS:
                x = peaks + k * peaks**2 / n  # E = offset + gain * x
                for offset in OFFSETS_KEV:
                    gains = ((lines[:, None] - offset) / x[None, :]).ravel()
                    gains = gains[(gains >= coarse / GAIN_STEP**0.5) & (gains < coarse * GAIN_STEP**0.5)]
                    gains = gains[(gains >= g_low) & (gains <= g_high)]
                    if gains.size == 0:
                        continue
                    energy = offset + gains[:, None] * x[None, :]  # (candidate, peak)
                    near = np.abs(energy[:, None, :] - lines[None, :, None]) <= MATCH_FWHM * line_fwhm[None, :, None]
                    # lines on distinct peaks: a line matching two peaks, or two lines one peak, count once
                    matched = np.minimum(near.any(axis=1).sum(axis=1), near.any(axis=2).sum(axis=1))
                    for i in np.argsort(-matched)[:5]:
                        score = int(matched[i])
                        pairs = np.argwhere(near[i])
                        scores.append((score, offset, float(gains[i]), k))
                        weight = float(sig[near[i].any(axis=0)].sum())
                        if best is None or (score, weight) > (best[0], best[1]):
                            best = (score, weight, pairs, peaks, (offset, float(gains[i]), k))
        coarse *= GAIN_STEP
    if best is None or best[0] < MIN_PEAKS:
        return InferredCalibration(None, (), "no natural-line pattern found")
    score, _, pairs, peaks_of_best, (offset, gain, k) = best
    used = sorted({float(lines[a]) for a, _ in pairs})
    if REQUIRED_LINE_KEV not in used:
        return InferredCalibration(None, tuple(used), "no K-40 1460.8-keV line among the natural lines lined up")
    if max(used) < HIGH_LINE_KEV or max(used) - min(used) < MIN_SPAN_KEV:
        return InferredCalibration(None, tuple(used), "natural lines found span too narrow a range")
    # another scale: one that puts the best scale's matched peaks more than DISTINCT_FWHM resolutions
    # away (median over those peaks) from where the best scale puts them
    at = np.array(sorted({float(peaks_of_best[b]) for _, b in pairs}))
    mine = offset + gain * (at + k * at**2 / n)
    width = np.array([model.fwhm_kev(float(e)) for e in mine])
    table = np.array(scores)
    theirs = table[:, 1:2] + table[:, 2:3] * (at[None, :] + table[:, 3:4] * at[None, :] ** 2 / n)
    distinct = np.median(np.abs(theirs - mine[None, :]) / width[None, :], axis=1) > DISTINCT_FWHM
    runner = int(table[distinct, 0].max()) if distinct.any() else 0
    if score - runner < MARGIN:
        return InferredCalibration(
            None, tuple(used), f"ambiguous: another energy scale lines up {runner} peaks against {score}"
        )
    # least squares through the peaks matched by one line only
    by_peak: dict[int, list[int]] = {}
    for a, b in pairs:
        by_peak.setdefault(int(b), []).append(int(a))
    single = [(b, a[0]) for b, a in by_peak.items() if len(a) == 1]
    channels = np.array([peaks_of_best[b] for b, _ in single])
    energies = np.array([lines[a] for _, a in single])
    if channels.size < 3:
        return InferredCalibration(None, tuple(used), "too few single natural lines to fit a scale")
    degree = 2 if channels.size >= 4 else 1
    coefficients = np.polynomial.polynomial.polyfit(channels, energies, degree)
    fitted = np.polynomial.polynomial.polyval(channels, coefficients)
    widths = np.array([model.fwhm_kev(e) for e in energies])
    if float(np.max(np.abs(fitted - energies) / widths)) > FIT_FWHM:
        return InferredCalibration(None, tuple(used), "the natural lines found do not lie on one smooth scale")
    calibration = EnergyCalibration(tuple(float(c) for c in coefficients))
    top = float(calibration.energy(n))
    if not calibration.is_monotonic(n) or not TOP_KEV[0] <= top <= TOP_KEV[1] * 1.1:
        return InferredCalibration(None, tuple(used), "the fitted scale is not monotonic or out of range")
    names = ", ".join(f"{e:.1f}" for e in used)
    return InferredCalibration(
        calibration,
        tuple(used),
        f"no energy calibration in the file: inferred from the spectrum's own natural lines ({names} keV; "
        f"{score} peaks lined up, the best other scale {runner}; {calibration.energy(0):.1f} keV + "
        f"{(top - float(calibration.energy(0))) / n:.3f} keV/channel on average)",
    )


def _channel_peaks(counts: np.ndarray, model: DetectorModel, gain: float, n: int) -> tuple[np.ndarray, np.ndarray]:
    """Peaks on the channels at a trial linear gain: (centroid channels, significances), the
    ``MAX_PEAKS`` most significant that stand at ``PEAK_SIGMA`` and above their sidebands."""
    edges = gain * np.arange(n + 1, dtype=np.float64)
    centers = 0.5 * (edges[:-1] + edges[1:])
    fwhm = fwhm_channels(model, centers, np.diff(edges))
    start = int(np.searchsorted(centers, model.low_kev))
    if start >= n - 8:
        return np.zeros(0), np.zeros(0)
    net = np.zeros(n)
    net[start:] = counts[start:] - snip_continuum(counts[start:], fwhm[start:])
    found: list[tuple[float, float]] = []
    for i in range(start + 1, n - 1):
        if not (net[i] > 0 and net[i] >= net[i - 1] and net[i] > net[i + 1]):
            continue
        half = max(1, round(0.6 * fwhm[i]))
        lo, hi = max(start, i - half), min(n, i + half + 1)
        area = float(net[lo:hi].sum())
        sigma = math.sqrt(max(float(counts[lo:hi].sum()), 1.0))
        if area / sigma < PEAK_SIGMA or _local_sigma(centers, counts, float(centers[i]), model) < PEAK_LOCAL_SIGMA:
            continue
        weights = np.clip(net[lo:hi], 0.0, None)
        centroid = float((np.arange(lo, hi) + 0.5) @ weights / weights.sum())
        found.append((centroid, area / sigma))
    found.sort(key=lambda p: -p[1])
    kept: list[tuple[float, float]] = []
    for centroid, s in found:
        width = float(np.interp(centroid, np.arange(n) + 0.5, fwhm))
        if all(abs(centroid - c) > 0.5 * width for c, _ in kept):
            kept.append((centroid, s))
        if len(kept) == MAX_PEAKS:
            break
    return np.array([c for c, _ in kept]), np.array([s for _, s in kept])
