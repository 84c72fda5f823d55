"""The 511-keV annihilation line read without a background spectrum (``Policy.annihilation_excess``).

Without a background, :func:`tripline.radiation.identify.identify` leaves the annihilation line out of the chain fit
(every background holds it), so a positron emitter whose other line is weak in the detector (Na-22's 1274.5 keV on a
1 cm3 CsI: 1-5 sigma when Na-22 makes a tenth of the counts) is fitted by nothing and the spectrum is cleared on its
chains. Natural sources of 511-keV photons are bounded: (a) Tl-208's own 510.77-keV line, which the Th-232 template
carries at its ratio to the chain's other lines (already in the chain fit's prediction); (b) pair production of the
chain's high-energy photons in the sample and its surroundings, which grows with Tl-208's 2614.5-keV line; (c) the
environment's share (cosmic-ray showers, pair production in walls and shielding), which grows with the whole count.
So the residual left at 511 keV by the chain fit is compared with ``PAIR_PER_2614`` times the Th-228 progeny's
fitted 2614.5-keV photopeak plus ``ENVIRONMENT_SHARE`` of the counts in range; beyond both (and significant at the
identification threshold) a positron emitter is not excluded, never named: the annihilation line alone cannot tell
Na-22 from F-18 or any other beta+ emitter. Constants from the real dev spectra alone (bench/README, "na22").
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from tripline.radiation.chainfit import ChainFit
from tripline.radiation.library import DetectorModel
from tripline.radiation.lowenergy import TH228_PROGENY
from tripline.radiation.model import FloatArray
from tripline.radiation.numerics import shape_amplitude
from tripline.radiation.peaks import ROI_HALF_WIDTH_FWHM
from tripline.radiation.physics import ELECTRON_MASS_KEV, gaussian_bins

TL208_KEV = 2614.511  # NNDC: Tl-208 (Th-232 chain) strongest gamma line

# The real dev NORM and background spectra of tests/data/radiation_real.csv read alone (no background): the chain
# fit's 511-keV residual reaches 0.65 % of the counts in range (spodzone:background; the NAA cave background 0.51 %,
# the th232+background 0.50 %, the flight at 10.5 km 0.46 %) and, in thorium-rich samples, 3.8 times the fitted
# 2614.5-keV photopeak (the NAA cave background; Morro do Ferro 3.5, monazite 2.3). The bound adds both terms, each
# above the largest seen.
ENVIRONMENT_SHARE = 0.008
PAIR_PER_2614 = 4.0


@dataclass(frozen=True)
class AnnihilationReading:
    counts: float  # the 511-keV photopeak counts the chain fit leaves
    sigma: float  # their significance (chain model error included)
    allowed: float  # what pair production and the environment may make
    exceeds: bool
    reason: str


def annihilation_excess(
    fit: ChainFit, model: DetectorModel, edges: FloatArray, counts_in_range: float, identify_sigma: float
) -> AnnihilationReading | None:
    """The 511-keV line on the chain fit's residual (``fit.net - fit.predicted``) against what natural sources make
    (module doc); None when the spectrum does not reach Tl-208's 2614.5-keV line (pair production unbounded)."""
    centers = 0.5 * (edges[:-1] + edges[1:])
    top_half = ROI_HALF_WIDTH_FWHM * model.fwhm_kev(TL208_KEV)
    if edges[0] > ELECTRON_MASS_KEV or edges[-1] < TL208_KEV + top_half:
        return None
    width = model.fwhm_kev(ELECTRON_MASS_KEV)
    roi = np.abs(centers - ELECTRON_MASS_KEV) <= ROI_HALF_WIDTH_FWHM * width
    shape = gaussian_bins(edges, ELECTRON_MASS_KEV, width / 2.3548)
    counts, sigma = shape_amplitude(fit.net - fit.predicted, fit.var_model, shape, roi) or (0.0, 0.0)
    tl208 = 0.0
    group = fit.group_predicted.get(TH228_PROGENY)
    if group is not None:
        top = np.abs(centers - TL208_KEV) <= top_half
        line = gaussian_bins(edges, TL208_KEV, model.fwhm_kev(TL208_KEV) / 2.3548)
        tl208 = max((shape_amplitude(group, fit.var_model, line, top) or (0.0, 0.0))[0], 0.0)
    allowed = ENVIRONMENT_SHARE * counts_in_range + PAIR_PER_2614 * tl208
    exceeds = sigma >= identify_sigma and counts > allowed
    reason = (
        f"a positron emitter (Na-22, F-18, ...) not excluded: without a background the 511-keV annihilation line is "
        f"left out of the chain fit, and the chains leave there {counts:.0f} counts ({sigma:.1f} sigma), more than "
        f"pair production of Tl-208's 2614.5-keV photons ({PAIR_PER_2614:g} x its {tl208:.0f}-count photopeak) and the "
        f"surroundings ({ENVIRONMENT_SHARE:.1%} of the {counts_in_range:.0f} counts) make together ({allowed:.0f}): "
        "not cleared"
    )
    return AnnihilationReading(counts, sigma, allowed, exceeds, reason)
