"""Evidence rule for special nuclear material (a false SNM call starts an emergency response).

Tested on the residual of the chain fit (:mod:`tripline.radiation.chainfit`), in which natural
uranium (U-235 185.7 keV tied to Th-234 63/92 keV and Pa-234m 1001 keV at the natural ratio) and
Ra-226 (186.2 keV tied to its progeny) are already explained.

Enriched uranium needs all of:

- a residual 185.7-keV peak of at least ``SNM_SIGMA`` against the chain model error;
- on a detector that resolves them (FWHM at 186 keV < 5 keV: HPGe), at least two more U-235 lines
  (143.8, 163.4, 205.3 keV) seen, each within a factor ``RATIO_TOLERANCE`` of its intensity ratio
  to 185.7 keV; on a scintillator the four lines are one peak, whose centroid must sit at
  185.7 keV within a quarter FWHM;
- enrichment: the 185.7-keV counts at least ``ENRICHMENT_MIN`` times what natural uranium gives
  with the 1001-keV Pa-234m line measured (its 2-sigma upper limit): Pa-234m is U-238's line, so
  enriched uranium has it weak or absent against 185.7 keV.

Natural uranium without radium (the chain fit's ``uranium`` group: U-235 185.7 keV tied to Th-234
and Pa-234m at the natural ratio) may carry a 186-keV peak only when U-238 itself is seen: if
that group puts ``URANIUM_LINE_SIGMA`` (3, a line seen on its own: this is a referral, not an
SNM claim) or more at 185.7 keV, the Pa-234m 1001-keV line must stand at
``PA234M_SIGMA`` in the net spectrum, after the chain fit's other lines there (Ac-228 964.8/969.0
and Bi-214 934.1 keV, within 1.25 FWHM of 1001 keV on a scintillator) are taken out with their
model error: thorium in the sample must not vouch for U-238. On a scintillator the Th-234 63/92-keV lines lie under
the lead X-rays and 1001 keV is all that tells natural from enriched uranium; a 186-keV peak the
chain fit can only give to unconfirmed uranium is not cleared.

On a scintillator the 185.7-keV peak is one unresolved hump, and a strong man-made line between
about 560 and 780 keV puts its backscatter peak there (photons scattered back by 150-180 degrees
from the container wall, the ground or the shielding: E / (1 + (1 - cos t) E / 511 keV), 184-194 keV
for Cs-137's 661.7 keV). With such a line identified, the SNM rule is not applied
(:func:`backscatter_explains`): the spectrum is judged by the man-made nuclide, never cleared, and the
reasons say that U-235 can be neither confirmed nor excluded.

Plutonium needs a resolving detector and its three strongest lines (129.3, 375.1, 413.7 keV)
each at ``PU_LINE_SIGMA`` in the residual, at their intensity ratios.
Line data: NNDC NuDat 3 (ENSDF), as in ``nuclides.yaml``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from tripline.radiation.chainfit import CHAIN_MODEL_ERROR, is_narrow
from tripline.radiation.library import DetectorModel, Library
from tripline.radiation.model import FloatArray
from tripline.radiation.physics import backscatter_range_kev, peak_efficiency
from tripline.radiation.result import IsotopeMatch

SNM_SIGMA = 5.0
# the natural-uranium group's 186-keV line is a referral test (not an SNM claim): it applies from
# the level at which the chain fit takes a line as seen on its own (chainfit/peaks STRONGEST_LINE_SIGMA, 3;
# was the identification threshold, 4: weak HEU on NaI without background put 3.4-4.0 sigma there);
# a referral costs a secondary scan, a cleared HEU source much more
URANIUM_LINE_SIGMA = 3.0
PU_LINE_SIGMA = 3.0
LINE_SIGMA = 2.0
RATIO_TOLERANCE = 2.0
# natural uranium gives 1; the modelled efficiency ratio 186/1001 keV of a generic detector
# model may be off by 2, so enrichment is claimed from 5 (HEU gives hundreds with enough counts)
ENRICHMENT_MIN = 5.0
PA234M_SIGMA = 4.0
RESOLVING_FWHM_KEV = 5.0
U235_MAIN_KEV = 185.720
PA234M_KEV = 1001.03


@dataclass(frozen=True)
class SnmEvidence:
    nuclide: str | None  # U-235 or Pu-239 when the rule is met
    reasons: tuple[str, ...]
    suspect: bool  # a residual SNM line that the rule does not confirm (not clearable)


def _roi(values: FloatArray, centers: FloatArray, energy: float, half: float) -> float:
    return float(values[(centers >= energy - half) & (centers <= energy + half)].sum())


def _line(
    resid: FloatArray, var: FloatArray, centers: FloatArray, model: DetectorModel, energy: float
) -> tuple[float, float, float | None]:
    """(net counts, sigma, centroid) of the residual within 1.25 FWHM of ``energy``."""
    half = 1.25 * model.fwhm_kev(energy)
    sel = (centers >= energy - half) & (centers <= energy + half)
    if not sel.any():
        return 0.0, math.inf, None
    area = float(resid[sel].sum())
    sigma = math.sqrt(max(float(var[sel].sum()), 1.0))
    weights = np.clip(resid[sel], 0.0, None)
    centroid = float((centers[sel] * weights).sum() / weights.sum()) if weights.sum() > 0 else None
    return area, sigma, centroid


def snm_evidence(
    net: FloatArray,
    predicted: FloatArray,
    var_model: FloatArray,
    model: DetectorModel,
    edges: FloatArray,
    library: Library,
    var_stat: FloatArray | None = None,
    uranium: FloatArray | None = None,
) -> SnmEvidence:
    """Apply the rule to ``net`` minus ``predicted`` (the chain fit without SNM); ``var_model``
    carries the chain model error, ``var_stat`` (default ``var_model``) the counting error used
    for the 1001-keV upper limit; ``uranium`` is the fitted natural-uranium group (counts per
    channel), checked against the Pa-234m line."""
    centers = 0.5 * (edges[:-1] + edges[1:])
    resid = net - predicted
    # the chain fit's lines other than natural uranium's own (Ac-228 964/969, Bi-214 934 keV sit
    # within 1.25 FWHM of 1001 keV on a scintillator): taken out before Pa-234m is measured
    others = predicted - uranium if uranium is not None else predicted
    reasons: list[str] = []
    resolving = model.fwhm_kev(U235_MAIN_KEV) < RESOLVING_FWHM_KEV
    u235 = library.get("U-235")
    main = next(ln for ln in u235.lines if abs(ln.energy_kev - U235_MAIN_KEV) < 0.5)
    area, sigma, centroid = _line(resid, var_model, centers, model, U235_MAIN_KEV)
    z = area / sigma if math.isfinite(sigma) else 0.0
    suspect = False
    at_line = centroid is not None and abs(centroid - U235_MAIN_KEV) <= 0.25 * model.fwhm_kev(U235_MAIN_KEV)
    if model.low_kev < U235_MAIN_KEV < centers[-1] and z >= SNM_SIGMA and at_line:
        suspect = True
        checks: list[str] = []
        ok_lines = True
        if resolving:
            seen = 0
            for line in u235.lines:
                if line is main:
                    continue
                a, s, _ = _line(resid, var_model, centers, model, line.energy_kev)
                expect = (
                    area * line.intensity / main.intensity
                    * peak_efficiency(model, line.energy_kev) / peak_efficiency(model, U235_MAIN_KEV)
                )  # fmt: skip
                if a / s >= LINE_SIGMA and expect / RATIO_TOLERANCE <= a <= expect * RATIO_TOLERANCE:
                    seen += 1
            ok_lines = seen >= 2
            checks.append(f"{seen} of 3 other U-235 lines (143.8, 163.4, 205.3 keV) at their ratios")
        else:
            off = abs((centroid or 0.0) - U235_MAIN_KEV)
            ok_lines = centroid is not None and off <= 0.25 * model.fwhm_kev(U235_MAIN_KEV)
            checks.append(f"one unresolved 144-205 keV peak, centroid {centroid or 0:.1f} keV")
        # enrichment against Pa-234m (U-238): natural photon ratio 185.7/1001 from the library
        chain = library.get("U-238 chain")
        nat_186 = next(ln.intensity for ln in chain.lines if abs(ln.energy_kev - U235_MAIN_KEV) < 0.5)
        nat_1001 = next(ln.intensity for ln in chain.lines if abs(ln.energy_kev - PA234M_KEV) < 0.5)
        enriched = False
        if centers[-1] > PA234M_KEV:
            total_186 = _roi(net, centers, U235_MAIN_KEV, 1.25 * model.fwhm_kev(U235_MAIN_KEV))
            a1001, s1001 = _pa234m(net, others, var_model if var_stat is None else var_stat, centers, model)
            upper = max(a1001, 0.0) + 2.0 * s1001
            natural = (
                upper * nat_186 / nat_1001 * peak_efficiency(model, U235_MAIN_KEV) / peak_efficiency(model, PA234M_KEV)
            )
            factor = total_186 / natural if natural > 0 else math.inf
            enriched = factor >= ENRICHMENT_MIN
            checks.append(
                f"185.7 keV is {factor:.1f}x natural uranium's for the 1001-keV Pa-234m line "
                f"(needs >= {ENRICHMENT_MIN:g}x)"
            )
        else:
            checks.append("1001-keV Pa-234m line out of range: enrichment not testable")
        if ok_lines and enriched:
            reasons.append(
                f"SNM rule met for U-235: residual 185.7-keV peak {z:.1f} sigma after the chain fit; "
                + "; ".join(checks)
            )
            return SnmEvidence("U-235", tuple(reasons), True)
        reasons.append(
            f"U-235 185.7-keV line {z:.1f} sigma beyond natural uranium and radium, but the SNM rule is "
            "not met (" + "; ".join(checks) + "): uranium of unknown enrichment, not cleared"
        )
    if not suspect and uranium is not None:
        unconfirmed = _uranium_unconfirmed(uranium, net, others, var_model, var_stat, centers, model, library)
        if unconfirmed is not None:
            reasons.append(unconfirmed)
            suspect = True
    if resolving:
        found = _plutonium(resid, var_model, centers, model, library)
        if found is not None:
            reasons.append(found)
            return SnmEvidence("Pu-239", tuple(reasons), True)
    return SnmEvidence(None, tuple(reasons), suspect)


def backscatter_explains(
    evidence: SnmEvidence, man_made: list[IsotopeMatch], model: DetectorModel, library: Library
) -> SnmEvidence:
    """``evidence`` with its U-235 verdict withdrawn when, on a detector that does not resolve the
    U-235 lines, an identified man-made line's backscatter peak (150-180 degrees) falls within half
    a FWHM of 185.7 keV; unchanged otherwise. Withdrawn evidence stays ``suspect`` (not clearable)."""
    if evidence.nuclide != "U-235" or model.fwhm_kev(U235_MAIN_KEV) < RESOLVING_FWHM_KEV:
        return evidence
    slack = 0.5 * model.fwhm_kev(U235_MAIN_KEV)
    for match in man_made:
        for line in library.get(match.nuclide).lines:
            e = line.energy_kev
            low, high = backscatter_range_kev(e)
            if low - slack <= U235_MAIN_KEV <= high + slack:
                reason = (
                    f"the 144-205 keV peak also holds the backscatter peak of {match.nuclide}'s {e:.1f}-keV line "
                    f"({low:.0f}-{high:.0f} keV), which this detector does not resolve from 185.7 keV: the SNM "
                    f"rule is not applied, U-235 is neither confirmed nor excluded; judged by {match.nuclide}"
                )
                return SnmEvidence(None, (*evidence.reasons, reason), True)
    return evidence


def _plutonium(
    resid: FloatArray, var: FloatArray, centers: FloatArray, model: DetectorModel, library: Library
) -> str | None:
    """Pu-239: its three strongest lines (129.3, 375.1, 413.7 keV) each at ``PU_LINE_SIGMA`` in the
    residual, at their intensity ratios (within ``RATIO_TOLERANCE``, efficiency included)."""
    pu = library.get("Pu-239")
    strongest = sorted(pu.lines, key=lambda ln: -ln.intensity)[:3]
    if not all(model.low_kev < ln.energy_kev < centers[-1] for ln in strongest):
        return None
    measured = []
    for line in strongest:
        a, s, _ = _line(resid, var, centers, model, line.energy_kev)
        if a / s < PU_LINE_SIGMA:
            return None
        measured.append(a / (line.intensity * peak_efficiency(model, line.energy_kev)))
    if max(measured) > RATIO_TOLERANCE * min(measured):
        return None
    return "SNM rule met for Pu-239: 129.3, 375.1 and 413.7 keV in the residual after the chain fit, at their ratios"


def _pa234m(
    net: FloatArray, others: FloatArray, var: FloatArray, centers: FloatArray, model: DetectorModel
) -> tuple[float, float]:
    """(counts, sigma) of the Pa-234m 1001-keV line: the net counts within 1.25 FWHM of it less
    what the chain fit's other lines put there, whose model error (``CHAIN_MODEL_ERROR``) adds to
    the counting error."""
    half = 1.25 * model.fwhm_kev(PA234M_KEV)
    sel = (centers >= PA234M_KEV - half) & (centers <= PA234M_KEV + half)
    if not sel.any():
        return 0.0, math.inf
    area = float((net[sel] - others[sel]).sum())
    sigma = math.sqrt(max(float(var[sel].sum()) + (CHAIN_MODEL_ERROR * float(others[sel].sum())) ** 2, 1.0))
    return area, sigma


def _uranium_unconfirmed(
    uranium: FloatArray,
    net: FloatArray,
    others: FloatArray,
    var_model: FloatArray,
    var_stat: FloatArray | None,
    centers: FloatArray,
    model: DetectorModel,
    library: Library,
) -> str | None:
    """The reason not to clear when the natural-uranium group carries a 185.7-keV line of
    ``URANIUM_LINE_SIGMA`` or more without its Pa-234m 1001-keV line at ``PA234M_SIGMA`` (None if fine).

    The 185.7-keV counts must first be a photopeak: what the other chain groups leave there must
    fit U-235's 143.8-205.3-keV lines at the detector's resolution at least as well as the same
    lines twice as wide (:func:`.chainfit.is_narrow`). Without a background spectrum the estimated
    continuum of a scintillator leaves the scattered-photon hump of 80-250 keV in the net counts
    (every real NORM sample on the RadiaCode CsI); a hump is no U-235 line, and the chain fit's
    uranium group that took it is then not evidence of uranium of unknown enrichment."""
    if not model.low_kev < U235_MAIN_KEV < centers[-1]:
        return None
    half = 1.25 * model.fwhm_kev(U235_MAIN_KEV)
    roi = (centers >= U235_MAIN_KEV - half) & (centers <= U235_MAIN_KEV + half)
    z186 = float(uranium[roi].sum()) / math.sqrt(max(float(var_model[roi].sum()), 1.0))
    if z186 < URANIUM_LINE_SIGMA:
        return None
    if not is_narrow(net - others, var_model, centers, model, U235_MAIN_KEV, library.get("U-235")):
        return None
    if centers[-1] > PA234M_KEV + model.fwhm_kev(PA234M_KEV):
        area, sigma = _pa234m(net, others, var_model if var_stat is None else var_stat, centers, model)
        z1001 = area / sigma if math.isfinite(sigma) else 0.0
        if z1001 >= PA234M_SIGMA:
            return None
        seen = f"Pa-234m 1001 keV only {z1001:.1f} sigma (needs {PA234M_SIGMA:g})"
    else:
        seen = "1001-keV Pa-234m line out of range"
    return (
        f"186-keV peak given to natural uranium without radium at {z186:.1f} sigma, but U-238 is not "
        f"seen ({seen}): uranium of unknown enrichment, not cleared"
    )
