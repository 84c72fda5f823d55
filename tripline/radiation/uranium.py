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
  beside the ambient radon progeny that vouches for a Ra-226 reading of its 186-keV line);
- otherwise, for uranium without radium progeny (Pa-234m not supported, or ``f`` too poorly
  bounded): of concern, never cleared.

Line data: NNDC NuDat 3 (ENSDF), as in ``nuclides.yaml``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from tripline.radiation.library import DetectorModel, Nuclide
from tripline.radiation.lineshape import line_shape
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

    @property
    def pa234m_sigma(self) -> float:
        return self.u238 / self.u238_sigma if self.u238_sigma > 0 else 0.0


def _gauss(centers: FloatArray, model: DetectorModel, energy: float) -> FloatArray:
    sigma = model.fwhm_kev(energy) / 2.3548
    width = float(np.median(np.diff(centers))) if centers.size > 1 else 1.0
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
    a = np.stack(cols, axis=1)
    w = 1.0 / np.sqrt(np.maximum(var[sel], 1.0))
    aw = a * w[:, None]
    try:
        cov = np.linalg.inv(aw.T @ aw)
    except np.linalg.LinAlgError:
        return 0.0, math.inf
    coef = cov @ (aw.T @ (resid[sel] * w))
    return float(coef[0]), math.sqrt(max(float(cov[0, 0]), 0.0))


def _pa234m(resid: FloatArray, var: FloatArray, centers: FloatArray, model: DetectorModel) -> list[tuple[float, float]]:
    out = []
    for energy, intensity in PA234M_LINES:
        half = PA234M_WINDOW_FWHM * model.fwhm_kev(energy)
        if not (model.low_kev < energy - half and energy + half < centers[-1]):
            continue
        sel = np.abs(centers - energy) <= half
        unit = intensity / 100.0 * peak_efficiency(model, energy)
        amp, err = _fit(resid, var, centers, sel, _gauss(centers, model, energy) * unit, 1)
        out.append((amp, err))
    return out


def uranium_reading(
    net: FloatArray,
    others: FloatArray,
    var: FloatArray,
    model: DetectorModel,
    edges: FloatArray,
    u235_nuclide: Nuclide | None = None,
    shield_kev: tuple[float, ...] = (),
) -> UraniumReading | None:
    """The processed-uranium reading (module docstring); None if the detector resolves no lines or
    the spectrum does not reach the Pa-234m lines."""
    if not model.has_photopeaks:
        return None
    centers = 0.5 * (edges[:-1] + edges[1:])
    resid = net - others
    pa = _pa234m(resid, var, centers, model)
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
    template = sum(
        (_gauss(centers, model, e) * i / 100.0 * peak_efficiency(model, e) for e, i in U235_LINES),
        np.zeros(centers.size),
    )
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
    return UraniumReading(u238, u238_sigma, u235, u235_sigma, factor, factor_sigma, state, lower, reason, shape_note)
