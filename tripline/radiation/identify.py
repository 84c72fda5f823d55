"""Identify what a gamma spectrum contains and give a verdict with reasons.

Steps: (1) gross-count excess of the foreground over the live-time-scaled background;
(2) peak-based identification against the gamma-line library (:mod:`.peaks`; not for plastic);
(3) the energy-window NORM test (:mod:`.windows`); (4) the verdict:

- special nuclear material if U-235 or Pu-239 is identified;
- else industrial / medical for the most severe man-made nuclide identified;
- else background if the excess is below ``Policy.excess_sigma``;
- else NORM if only NORM nuclides (or none) are identified and the window test finds the
  excess consistent with NORM and with no man-made source;
- else of concern: an excess no library nuclide or NORM explains (unknown or shielded source).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from tripline.radiation.library import Library, default_library, detector
from tripline.radiation.model import Category, Spectrum, Verdict
from tripline.radiation.peaks import alone_exclusion, fit_peaks, net_peak_counts
from tripline.radiation.result import Identification, IsotopeMatch, NormTest
from tripline.radiation.spectral import aligned_background, net_significance
from tripline.radiation.windows import P_NORM_MIN, THREAT_GAIN_MAX, norm_test


@dataclass(frozen=True)
class Policy:
    """Thresholds of identification (defaults documented in docs/adr/0005-radiation-adjudication.md)."""

    identify_sigma: float = 4.0  # nuclide significance to be reported as identified
    excess_sigma: float = 3.0  # net gross excess below which a spectrum is "background"
    exclusion_sigma: float = 5.0  # missing photopeak counts that exclude "the excess is nuclide X alone"


DEFAULT_POLICY = Policy()
_SEVERITY = {Category.MEDICAL: 1, Category.INDUSTRIAL: 2, Category.SNM: 3}


def guess_detector(spectrum: Spectrum) -> str:
    """Detector model for a spectrum: its own, else HPGe for fine calibrations, else NaI."""
    if spectrum.detector:
        return spectrum.detector
    if spectrum.is_calibrated:
        edges = spectrum.edges_kev()
        gain = float(np.median(np.diff(edges)))
        if gain < 1.2 and spectrum.n_channels >= 2048:
            return "hpge"
    return "nai"


def identify(
    spectrum: Spectrum,
    background: Spectrum | None = None,
    *,
    detector_name: str | None = None,
    library: Library | None = None,
    policy: Policy = DEFAULT_POLICY,
) -> Identification:
    """Identify the nuclides in ``spectrum`` (optionally against ``background``) and judge it."""
    lib = library or default_library()
    det_name = detector_name or guess_detector(spectrum)
    model = detector(det_name)
    counts = spectrum.counts.astype(np.float64)
    bkg: np.ndarray | None = None
    ratio = 1.0
    reasons: list[str] = []
    if background is not None:
        bkg, ratio = aligned_background(spectrum, background)
    gross_sigma = None
    in_range = np.ones(counts.size, dtype=bool)
    if spectrum.is_calibrated:
        in_range = spectrum.centers_kev() >= model.low_kev
    if bkg is not None:
        gross_sigma = net_significance(float(counts[in_range].sum()), float(bkg[in_range].sum()), ratio)
        reasons.append(f"gross counts {gross_sigma:+.1f} sigma against background (live-time ratio {ratio:.3g})")
    else:
        reasons.append(
            "no background spectrum: gross excess not assessed, window test models natural background; "
            "lines of the local background (lead X-rays, chain lines, fallout) may be taken for sources"
        )

    matches: tuple[IsotopeMatch, ...] = ()
    norm = None
    excluded: set[str] = set()
    if not spectrum.is_calibrated:
        reasons.append("spectrum has no usable energy calibration: no peak or window analysis")
    else:
        edges = spectrum.edges_kev()
        calibration = spectrum.calibration
        assert calibration is not None
        if model.has_photopeaks:
            net, var = net_peak_counts(counts, bkg, ratio, model, edges)
            ignore = lib.background_lines_kev if bkg is None else ()
            fit = fit_peaks(net, var, model, edges, lib, ignore)
            matches = tuple(m for m in fit.matches if m.significance >= policy.identify_sigma)
            if bkg is not None:
                excess = float(counts[in_range].sum() - ratio * bkg[in_range].sum())
                exclusion = alone_exclusion(net, var, model, edges, lib, excess, fit)
                excluded = {k for k, z in exclusion.items() if z >= policy.exclusion_sigma}
        else:
            reasons.append(f"{model.label}: no photopeaks, energy windows only")
        norm = norm_test(counts, bkg, ratio, det_name, calibration, lib, model.low_kev, excluded)

    verdict = _verdict(matches, norm, gross_sigma, policy, reasons, excluded)
    return Identification(
        spectrum_id=spectrum.spectrum_id,
        verdict=verdict,
        isotopes=matches,
        reasons=tuple(reasons),
        gross_sigma=gross_sigma,
        live_time_s=spectrum.live_time_s,
        total_counts=spectrum.total_counts,
        detector=det_name,
        norm_test=norm,
    )


def _describe(match: IsotopeMatch) -> str:
    peaks = ", ".join(f"{p.energy_kev:.1f}" for p in match.peaks)
    return f"{match.nuclide} identified ({match.significance:.1f} sigma; peaks at {peaks} keV)"


def _verdict(
    matches: tuple[IsotopeMatch, ...],
    norm: object,
    gross_sigma: float | None,
    policy: Policy,
    reasons: list[str],
    excluded: set[str],
) -> Verdict:
    man_made = [m for m in matches if m.category is not Category.NORM]
    natural = [m for m in matches if m.category is Category.NORM]
    for m in matches:
        reasons.append(_describe(m))
    if man_made:
        worst = max(man_made, key=lambda m: (_SEVERITY[m.category], m.significance))
        return worst.category.verdict
    # a sub-threshold excess (2-3 sigma) whose energy windows point to a man-made source is kept
    window_flags = (
        isinstance(norm, NormTest)
        and (gross_sigma or 0.0) >= policy.excess_sigma - 1.0
        and (norm.p_norm < P_NORM_MIN or any(g >= THREAT_GAIN_MAX for g in norm.threat_chi2_gain.values()))
    )
    if gross_sigma is not None and gross_sigma < policy.excess_sigma and not natural and not window_flags:
        reasons.append(f"excess below {policy.excess_sigma:g} sigma and no nuclide identified")
        return Verdict.BACKGROUND
    if not isinstance(norm, NormTest):
        reasons.append("cannot clear without an energy-calibrated spectrum")
        return Verdict.OF_CONCERN
    if norm.consistent:
        shares = ", ".join(f"{k} {v:.0%}" for k, v in norm.norm_fractions.items() if v > 0.005)
        reasons.append(
            f"energy windows consistent with NORM (p={norm.p_norm:.3g}; {shares}); no man-made template fits"
        )
        if gross_sigma is not None and gross_sigma < policy.excess_sigma:
            return Verdict.BACKGROUND
        return Verdict.NORM
    if norm.p_norm < P_NORM_MIN:
        reasons.append(f"energy windows not explained by K-40/U/Th (chi2 p={norm.p_norm:.2g})")
    gains = {k: v for k, v in norm.threat_chi2_gain.items() if v >= THREAT_GAIN_MAX}
    if gains:
        best = max(gains, key=lambda k: gains[k])
        reasons.append(f"adding a {best} template improves the window fit by chi2 {gains[best]:.1f}")
    plausible = [k for k, p in norm.threat_only_p.items() if p >= 0.01 and k not in excluded]
    if plausible:
        reasons.append("excess could also be a man-made source alone: " + ", ".join(sorted(plausible)[:6]))
    reasons.append("not cleared: unexplained excess, unidentified or shielded source suspected")
    return Verdict.OF_CONCERN
