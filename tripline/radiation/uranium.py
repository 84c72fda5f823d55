"""Uranium without radium progeny: processed uranium (uranium glass, uranium glazes and enamels,
yellowcake, metal), read apart from the Ra-226 subchain.

Uranium separated from its ore a century ago or less has grown almost no Th-230/Ra-226 (Th-230 has
a 75 000-year half-life), so it shows no Pb-214 295/352 keV and no Bi-214 609/1120/1764 keV. What it
does show is U-238 through its short-lived progeny in equilibrium within months (Th-234, 24.1 d, at
63.3/92.4/92.8 keV; Pa-234m, 1.17 min, at 766.4 and 1001.0 keV) and U-235 (143.8, 163.4, 185.7,
205.3 keV). The enrichment is what tells a uranium-glass vase from enriched uranium: the U-235
activity against the U-238 activity measured by Pa-234m.

The reading, on the net counts the chain fit fitted (efficiency-corrected) less every fitted component
other than uranium's own (the Th-232 chain, K-40, Ra-226 and its progeny, man-made nuclides):

- U-238 activity from Pa-234m: each of 766.4 and 1001.0 keV fitted as a Gaussian of the detector's
  resolution over a straight continuum within 2.5 FWHM of the line, divided by its NNDC intensity and
  the model's full-energy efficiency. The two are combined (inverse-variance mean) when they agree within
  2 sigma; otherwise the smaller is taken (an unmodelled Bi-214 768.4-keV line beside 766.4 must not
  raise U-238 and so hide an enrichment). Supported when it stands at ``PA234M_SIGMA``.
- U-235 activity: its four lines at their NNDC ratios (one template, efficiency and resolution
  included) over a quadratic continuum from 1 FWHM below 143.8 keV to 2 FWHM above 205.3 keV.
- enrichment factor ``f`` = A(U-235) / (``NATURAL_U235_U238`` x A(U-238)): 1 for natural uranium,
  about 0.3 for depleted, 4.3 for 3 % LEU, over 100 for HEU; its error from both fits.

Verdict rules (the reasons state them):

- Pa-234m supported and the 2-sigma upper limit of ``f`` at most ``NATURAL_FACTOR_MAX`` (the U-235
  186-keV group not above what natural enrichment predicts from the U-238 evidence, within the
  measurement error and the detector model's efficiency error): NORM, uranium without radium progeny,
  natural or depleted enrichment consistent;
- U-235 at ``ENRICHED_U235_SIGMA`` and the 2-sigma lower limit of ``f`` (U-235 at its lower limit over
  U-238 at its upper limit) above ``NATURAL_FACTOR_MAX`` (U-235 in excess of natural for the Pa-234m
  lines): enriched uranium suspected, never cleared (special nuclear material only under the
  strict rule of :mod:`.snm`, else of concern);
- U-235's lines a photopeak at ``U235_ALONE_SIGMA`` after the chain fit (radium included) with Pa-234m
  under ``PA234M_HINT_SIGMA``: U-235 without U-238, never cleared, whatever else the spectrum holds (HEU
  beside the ambient radon progeny that vouches for a Ra-226 reading of its 186-keV line). That is the
  rule without a background, where the surroundings' radon progeny cannot be told from the sample's
  radium. With a paired background the sample's own radium is its net (foreground less scaled
  background) Pb-214/Bi-214 lines (:func:`sample_radium`); Ra-226 at equilibrium with them puts 3.64 %
  at 186.2 keV (NNDC), subtracted with its progeny from the net counts left after every other chain
  (and man-made) component; the U-235 left is referred (never cleared) only if its 2-sigma lower limit
  over natural uranium's for the measured Pa-234m exceeds ``NATURAL_FACTOR_MAX``, or if it stands at
  ``U235_ALONE_SIGMA`` while the sample's net radium is under ``SAMPLE_RADIUM_SIGMA`` (the HEU pattern).
  Natural ore's 186-keV peak is about 58 % Ra-226 and its Pa-234m 1001 keV (0.84 %) lies well under
  1 sigma on a small scintillator at these counts: "Pa-234m under 2 sigma" alone is no enrichment;
- otherwise, for uranium without radium progeny (Pa-234m not supported, or ``f`` too poorly
  bounded): of concern, never cleared.

Th-234's 63.3-keV line (3.75 %) is not a second U-238 witness here (measured on the dev split, branch th234,
bench/README.md): on a 1 cm3 CsI (FWHM 21 keV at 63 keV) it cannot be told from Am-241 59.5 keV, tungsten K
X-rays, the SNIP continuum near the threshold or a discriminator turn-on. Its activity over Pa-234m's read 3.0 on
the dev uranium glass and 0.53 on the dev Fiestaware (a factor 5.7 apart, the model's 63-keV efficiency and the
glazes' self-absorption), a turn-on at 38 keV raised the Fiestaware's 63-keV area by 80 % with the usable edge
unmoved, simulated HEU with no U-238 read as natural on it, and behind a turn-on at 45-55 keV the line lies below
the usable edge. The 92.4/92.8-keV lines sit under the lead and uranium K X-rays. ``PA234M_SIGMA`` stays at 4:
simulated weak HEU reads a natural enrichment bound on a 1.9-sigma Pa-234m fluctuation.

Line data: NNDC NuDat 3 (ENSDF), as in ``nuclides.yaml``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from tripline.radiation.library import DetectorModel, Nuclide
from tripline.radiation.lineshape import line_shape, weighted_lsq
from tripline.radiation.model import FloatArray
from tripline.radiation.physics import peak_efficiency

# Pa-234m (in equilibrium with U-238 through Th-234): photons per 100 U-238 decays, NNDC NuDat 3
PA234M_LINES: tuple[tuple[float, float], ...] = ((766.361, 0.294), (1001.026, 0.837))
# U-235: photons per 100 U-235 decays, NNDC NuDat 3
U235_LINES: tuple[tuple[float, float], ...] = ((143.767, 10.94), (163.356, 5.08), (185.720, 57.0), (205.316, 5.02))
# natural uranium: A(U-235)/A(U-238) = (0.7204 / 99.2742 atom %) x (T1/2 U-238 4.468e9 y / U-235 7.04e8 y)
NATURAL_U235_U238 = 0.0460
PA234M_SIGMA = 4.0
# 2-sigma limit on f: natural uranium gives 1 (depleted 0.2-0.4); the detector model's full-energy
# efficiency ratio 186/1001 keV is trusted to 30 % after the chain fit's own efficiency correction,
# and 3 % LEU gives 4.3: the bound sits between
NATURAL_FACTOR_MAX = 2.0
PA234M_WINDOW_FWHM = 2.5
# U-235 lines seen well enough to call an excess over natural (the SNM rule's line threshold)
ENRICHED_U235_SIGMA = 5.0
# U-235 seen with no sign of U-238 at all (Pa-234m under 2 sigma): on a small scintillator the Pa-234m
# limit of an hour is too loose to prove enrichment, yet natural uranium with that much U-235 would
# show Pa-234m; never cleared, whatever radium the ambient progeny vouches for
U235_ALONE_SIGMA = 3.0
PA234M_HINT_SIGMA = 2.0
# With a paired background the sample's own radium is the net Pb-214/Bi-214 lines (the surroundings'
# radon progeny is in both spectra and subtracted): Ra-226 at equilibrium with that progeny (radon
# loss only makes the progeny lower, so less Ra-226 186.2 keV is subtracted and more is left to U-235)
# puts RA226_LINE at 186.2 keV. Photons per 100 decays, NNDC NuDat 3; each region fitted as the sum of
# its lines over a straight continuum from 1.5 FWHM below its first line to 2.5 FWHM above its last.
RA226_LINE: tuple[float, float] = (186.211, 3.64)
PROGENY_REGIONS: tuple[tuple[tuple[float, float], ...], ...] = (
    ((241.997, 7.268), (295.224, 18.414), (351.932, 35.60)),  # Pb-214
    ((609.312, 45.49), (665.453, 1.531)),  # Bi-214
    ((1120.287, 14.91), (1155.19, 1.635)),  # Bi-214
    ((1764.494, 15.31),),  # Bi-214
)
# the sample's net radium counts as present from this significance (below it, a U-235 excess at
# U235_ALONE_SIGMA is the HEU pattern: U-235 beside ambient radon progeny only)
SAMPLE_RADIUM_SIGMA = 3.0


@dataclass(frozen=True)
class UraniumReading:
    u238: float  # U-238 activity from Pa-234m (counts / (intensity x efficiency), fit units)
    u238_sigma: float
    u235: float
    u235_sigma: float
    factor: float  # A(U-235) / (natural ratio x A(U-238)); inf without U-238
    factor_sigma: float
    state: str  # "natural" | "enriched" | "no_u238" | "unbounded"
    lower: float  # 2-sigma lower limit of ``factor``
    reason: str
    shape_note: str = ""  # why the U-235 excess is not counted as a photopeak ("" if it is, or no test)
    radium_note: str = ""  # with a paired background: the U-235 left after the sample's own Ra-226 186.2 keV

    @property
    def pa234m_sigma(self) -> float:
        return self.u238 / self.u238_sigma if self.u238_sigma > 0 else 0.0


def _channel_width(centers: FloatArray) -> float:
    """The median channel width (keV) the line templates are scaled by (computed once per reading: np.median costs
    more than a template)."""
    return float(np.median(np.diff(centers))) if centers.size > 1 else 1.0


def _gauss(centers: FloatArray, model: DetectorModel, energy: float, width: float) -> FloatArray:
    """Counts per channel of one line of unit area, ``width`` the channel width (:func:`_channel_width`)."""
    sigma = model.fwhm_kev(energy) / 2.3548
    return np.exp(-0.5 * ((centers - energy) / sigma) ** 2) * width / (sigma * math.sqrt(2 * math.pi))


def _fit(
    resid: FloatArray, var: FloatArray, centers: FloatArray, sel: np.ndarray, template: FloatArray, order: int
) -> tuple[float, float]:
    """Weighted least squares of ``resid`` over ``sel``: amplitude of ``template`` (and its error)
    over a polynomial continuum of ``order``."""
    if sel.sum() < order + 3 or float(template[sel].sum()) <= 0:
        return 0.0, math.inf
    x = centers[sel]
    x = (x - x.mean()) / max(float(np.ptp(x)), 1.0)
    cols = [template[sel]] + [x**k for k in range(order + 1)]
    coef, err, _ = weighted_lsq(resid[sel], np.sqrt(np.maximum(var[sel], 1.0)), cols)
    return float(coef[0]), float(err[0])


def _pa234m(
    resid: FloatArray, var: FloatArray, centers: FloatArray, model: DetectorModel, width: float
) -> list[tuple[float, float]]:
    out = []
    for energy, intensity in PA234M_LINES:
        half = PA234M_WINDOW_FWHM * model.fwhm_kev(energy)
        if not (model.low_kev < energy - half and energy + half < centers[-1]):
            continue
        sel = np.abs(centers - energy) <= half
        unit = intensity / 100.0 * peak_efficiency(model, energy)
        amp, err = _fit(resid, var, centers, sel, _gauss(centers, model, energy, width) * unit, 1)
        out.append((amp, err))
    return out


def _template(
    centers: FloatArray, model: DetectorModel, lines: tuple[tuple[float, float], ...], width: float
) -> FloatArray:
    """Counts per channel per unit activity (fit units) of ``lines`` (energy, photons per 100 decays); ``width``
    the channel width (:func:`_channel_width`)."""
    return sum(
        (_gauss(centers, model, e, width) * i / 100.0 * peak_efficiency(model, e) for e, i in lines),
        np.zeros(centers.size),
    )


@dataclass(frozen=True)
class SampleRadium:
    activity: float  # Ra-226 at equilibrium with the net Pb-214/Bi-214 lines (fit units)
    sigma: float
    regions: int  # progeny regions in range
    how: str

    @property
    def z(self) -> float:
        return self.activity / self.sigma if self.sigma > 0 else 0.0


def sample_radium(
    resid: FloatArray, var: FloatArray, centers: FloatArray, model: DetectorModel, width: float | None = None
) -> SampleRadium:
    """The sample's own radium from the net (background-subtracted) Pb-214/Bi-214 lines: each of
    ``PROGENY_REGIONS`` fitted on its own, combined (inverse-variance mean) when they agree (chi2 within
    its 99 % bound); otherwise the smallest (least Ra-226 186.2 keV subtracted from the U-235 group). ``width``: the
    channel width (:func:`_channel_width`, measured when not given)."""
    step = _channel_width(centers) if width is None else width
    found: list[tuple[float, float]] = []
    for lines in PROGENY_REGIONS:
        lo = lines[0][0] - 1.5 * model.fwhm_kev(lines[0][0])
        hi = lines[-1][0] + 2.5 * model.fwhm_kev(lines[-1][0])
        if lo < model.low_kev or hi > centers[-1]:
            continue
        sel = (centers >= lo) & (centers <= hi)
        amp, err = _fit(resid, var, centers, sel, _template(centers, model, lines, step), 1)
        if math.isfinite(err) and err > 0:
            found.append((amp, err))
    if not found:
        return SampleRadium(0.0, math.inf, 0, "no Pb-214/Bi-214 line in range")
    w = [1.0 / s**2 for _, s in found]
    mean = sum(a * wi for (a, _), wi in zip(found, w, strict=True)) / sum(w)
    chi2 = sum(((a - mean) / s) ** 2 for a, s in found)
    # 99 % points of chi2 with 0-3 degrees of freedom
    bound = (math.inf, 6.63, 9.21, 11.34)[len(found) - 1]
    if chi2 <= bound:
        return SampleRadium(mean, 1.0 / math.sqrt(sum(w)), len(found), f"{len(found)} progeny regions agree")
    amp, err = min(found, key=lambda p: p[0])
    return SampleRadium(amp, err, len(found), f"the lowest of {len(found)} disagreeing progeny regions")


def uranium_reading(
    net: FloatArray,
    others: FloatArray,
    var: FloatArray,
    model: DetectorModel,
    edges: FloatArray,
    u235_nuclide: Nuclide | None = None,
    shield_kev: tuple[float, ...] = (),
    radium_free_others: FloatArray | None = None,
) -> UraniumReading | None:
    """The processed-uranium reading (module docstring); None if the detector resolves no lines or
    the spectrum does not reach the Pa-234m lines. ``radium_free_others`` (given only with a paired
    background): ``others`` without the U-238 chain's radium and radon-progeny components, so that the
    U-235-without-U-238 rule reads the sample's own radium from its net progeny lines."""
    if not model.has_photopeaks:
        return None
    centers = 0.5 * (edges[:-1] + edges[1:])
    resid = net - others
    width = _channel_width(centers)
    pa = _pa234m(resid, var, centers, model, width)
    if not pa:
        return None
    if len(pa) == 2 and abs(pa[0][0] - pa[1][0]) <= 2.0 * math.hypot(pa[0][1], pa[1][1]):
        w = [1.0 / s**2 for _, s in pa]
        u238 = sum(a * wi for (a, _), wi in zip(pa, w, strict=True)) / sum(w)
        u238_sigma = 1.0 / math.sqrt(sum(w))
        how = "766.4 and 1001.0 keV agree"
    else:
        u238, u238_sigma = min(pa, key=lambda p: p[0])
        how = "the lower of 766.4/1001.0 keV" if len(pa) == 2 else "one Pa-234m line in range"
    low = U235_LINES[0][0] - model.fwhm_kev(U235_LINES[0][0])
    high = U235_LINES[-1][0] + 2.0 * model.fwhm_kev(U235_LINES[-1][0])
    sel = (centers >= max(low, model.low_kev)) & (centers <= high)
    template = _template(centers, model, U235_LINES, width)
    u235, u235_sigma = _fit(resid, var, centers, sel, template, 2)
    # a hump twice the detector's width (backscatter from a lead shield, scattered photons) is no U-235
    # line (:mod:`.lineshape`): tested over the U-235 fit's own window and continuum order, the shield's
    # lead K X-rays left out
    shape = line_shape(
        resid,
        var,
        centers,
        model,
        [(e, i * peak_efficiency(model, e)) for e, i in U235_LINES],
        shield_kev,
        order=2,
        window_kev=(low, high),
    )
    narrow = shape is None or shape.peaked
    shape_note = "" if narrow or shape is None else shape.describe("the U-235 143.8-205.3-keV excess")
    z238 = u238 / u238_sigma if u238_sigma > 0 else 0.0
    z235 = u235 / u235_sigma if u235_sigma > 0 else 0.0
    # 2-sigma lower limit of f: U-235 at its lower limit over U-238 at its upper limit
    top = max(u238, 0.0) + 2.0 * u238_sigma
    lower = (u235 - 2.0 * u235_sigma) / (NATURAL_U235_U238 * top) if top > 0 else math.inf
    if u238 > 0:
        factor = u235 / (NATURAL_U235_U238 * u238)
        factor_sigma = abs(factor) * math.hypot(u235_sigma / max(abs(u235), 1e-12), u238_sigma / u238)
        if not math.isfinite(factor_sigma):
            factor_sigma = math.inf
    else:
        factor, factor_sigma = math.inf, math.inf
    numbers = (
        f"U-238 by Pa-234m {z238:.1f} sigma ({how}); U-235 143.8/163.4/185.7/205.3 keV at NNDC ratios "
        f"{u235 / u235_sigma if u235_sigma > 0 else 0.0:.1f} sigma; U-235/U-238 = {factor:.2f} +- {factor_sigma:.2f} "
        f"x natural"
    )
    radium_note = ""
    if z238 >= PA234M_SIGMA and factor + 2.0 * factor_sigma <= NATURAL_FACTOR_MAX:
        state = "natural"
        reason = (
            "uranium without radium progeny (e.g. uranium glass/glaze); natural or depleted enrichment "
            f"consistent: {numbers}, 2-sigma upper limit within {NATURAL_FACTOR_MAX:g}x natural with Pa-234m "
            f"at {PA234M_SIGMA:g} sigma or more"
        )
    elif z235 >= ENRICHED_U235_SIGMA and lower > NATURAL_FACTOR_MAX:
        state = "enriched"
        reason = (
            f"U-235 in excess of natural uranium for its Pa-234m (U-238) lines: {numbers} (2-sigma lower limit "
            f"{lower:.1f}x, above {NATURAL_FACTOR_MAX:g}x, U-235 at {ENRICHED_U235_SIGMA:g} sigma or more): enriched "
            "uranium suspected, never cleared"
        )
    elif radium_free_others is not None:
        state, reason, radium_note = _paired_rule(
            net - radium_free_others, var, centers, model, sel, template, u238, u238_sigma, narrow, numbers
        )
    elif narrow and z235 >= U235_ALONE_SIGMA and z238 < PA234M_HINT_SIGMA:
        state = "no_u238"
        reason = (
            f"U-235 lines without U-238: {numbers}; the 143.8-205.3-keV peak is a photopeak at "
            f"{U235_ALONE_SIGMA:g} sigma or more after the chains (radium included) and Pa-234m is not even at "
            f"{PA234M_HINT_SIGMA:g} sigma: uranium of unknown enrichment, never cleared"
        )
    else:
        state = "unbounded"
        reason = (
            f"uranium without radium progeny, but the Pa-234m lines do not bound its enrichment: {numbers} "
            f"(clears only with Pa-234m at {PA234M_SIGMA:g} sigma and the 2-sigma upper limit within "
            f"{NATURAL_FACTOR_MAX:g}x natural): not cleared"
        )
    if shape_note and state == "unbounded":
        reason += f"; {shape_note}"
    return UraniumReading(
        u238, u238_sigma, u235, u235_sigma, factor, factor_sigma, state, lower, reason, shape_note, radium_note
    )


def _paired_rule(
    resid: FloatArray,
    var: FloatArray,
    centers: FloatArray,
    model: DetectorModel,
    sel: np.ndarray,
    template: FloatArray,
    u238: float,
    u238_sigma: float,
    narrow: bool,
    numbers: str,
) -> tuple[str, str, str]:
    """The U-235-without-U-238 rule with a paired background (module docstring): (state, reason,
    radium note). ``resid``: the net counts less every fitted component but the U-238 chain's."""
    width = _channel_width(centers)
    radium = sample_radium(resid, var, centers, model, width)
    progeny = sum((_template(centers, model, lines, width) for lines in PROGENY_REGIONS), np.zeros(centers.size))
    ra_unit = progeny + _template(centers, model, (RA226_LINE,), width)
    activity = max(radium.activity, 0.0) if math.isfinite(radium.sigma) else 0.0
    u235, fit_sigma = _fit(resid - activity * ra_unit, var, centers, sel, template, 2)
    # U-235 activity equivalent of one unit of Ra-226 (186.2 keV) with its progeny, in the U-235 window
    per_radium, _ = _fit(ra_unit, var, centers, sel, template, 2)
    ra_sigma = radium.sigma if math.isfinite(radium.sigma) else 0.0
    u235_sigma = math.hypot(fit_sigma, per_radium * ra_sigma)
    z235 = u235 / u235_sigma if u235_sigma > 0 and math.isfinite(u235_sigma) else 0.0
    top = max(u238, 0.0) + 2.0 * u238_sigma
    lower = (u235 - 2.0 * u235_sigma) / (NATURAL_U235_U238 * top) if top > 0 else math.inf
    predicted = NATURAL_U235_U238 * max(u238, 0.0)
    note = (
        f"paired background: the sample's own radium from its net Pb-214/Bi-214 lines {radium.z:.1f} sigma "
        f"({radium.how}), Ra-226 186.2 keV at equilibrium with it subtracted ({per_radium * activity:.3g} "
        f"U-235 equivalent); U-235 left {u235:.3g} +- {u235_sigma:.3g} ({z235:.1f} sigma), natural uranium "
        f"predicts {predicted:.3g} from Pa-234m; enrichment 2-sigma lower limit {lower:.2f}x natural"
    )
    if narrow and math.isfinite(u235_sigma) and lower > NATURAL_FACTOR_MAX:
        return (
            "no_u238",
            f"U-235 lines beyond natural uranium's for the measured Pa-234m: {numbers}; {note} (above "
            f"{NATURAL_FACTOR_MAX:g}x): uranium of unknown enrichment, never cleared",
            note,
        )
    if narrow and z235 >= U235_ALONE_SIGMA and radium.z < SAMPLE_RADIUM_SIGMA:
        return (
            "no_u238",
            f"U-235 lines without the sample's own radium: {numbers}; {note}; U-235 at {U235_ALONE_SIGMA:g} sigma "
            f"or more with the net radium under {SAMPLE_RADIUM_SIGMA:g} sigma: uranium of unknown enrichment, "
            "never cleared",
            note,
        )
    return (
        "unbounded",
        f"uranium without radium progeny, but the Pa-234m lines do not bound its enrichment: {numbers} "
        f"(clears only with Pa-234m at {PA234M_SIGMA:g} sigma and the 2-sigma upper limit within "
        f"{NATURAL_FACTOR_MAX:g}x natural); {note}: not cleared",
        note + "; the U-235 left is not beyond natural uranium's: not referred on the U-235 rule",
    )
