"""The Am-241 59.5-keV line, tested on its own below the lead X-rays.

The chain fit (:mod:`.chainfit`) leaves out 1.5 FWHM around every lead K X-ray (72.8-87.3 keV),
since no identification may rest on them; on a scintillator (FWHM 13-20 keV at 60 keV) that
window swallows Am-241's only line, so an Am-241 source was never seen and, without a background,
was cleared as the natural background it sits in. Here the line is fitted in its own region
(from one FWHM above the threshold to 110 keV) on the net counts above the SNIP continuum, the
same continuum estimated from the spectrum itself as everywhere else, against everything else
that puts counts there:

- the lead and bismuth K X-rays (Pb Ka2 72.80, Ka1 74.97, Kb1 84.94, Kb2 87.30; Bi Ka1 77.11 keV)
  and the thorium and uranium K X-rays of the chains (Th Ka 89.95/93.35, U Ka1 98.44 keV), each
  a free non-negative peak (their intensities depend on shielding and self-absorption);
- Pb-210's 46.5-keV line (radon progeny accumulate it), free;
- Th-234's 63.3-keV line, with its 92.4/92.8-keV lines at their intensity ratios, bounded by
  physics: Pa-234m (1.17 min) is always in equilibrium with its parent Th-234, so Th-234 can put
  at most ``TH234_MARGIN`` x (2-sigma upper limit of the 1001-keV Pa-234m line) x 3.75/0.837 x
  efficiency(63.3)/efficiency(1001) counts at 63.3 keV (the factor 2 covers the modelled
  efficiency ratio; the 1001-keV line is measured after the chain fit's other lines there, Ac-228
  964/969 and Bi-214 934 keV, are taken out); a caller may bound it also by U-235's 185.7-keV region
  (:func:`th234_bound_from_186`, ``th234_bound``), the lower of the two applying;
- a linear baseline (what SNIP leaves near the threshold).

Am-241 is identified when adding its line improves chi2 by ``identify_sigma`` squared, its
residual peak sits at 59.5 keV within ``CENTROID_TOLERANCE_FWHM`` and has the detector's width.
Line data: NNDC NuDat 3 (ENSDF); X-ray energies: LBNL X-ray Data Booklet, table 1-2.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from tripline.radiation.library import DetectorModel, Library
from tripline.radiation.model import FloatArray
from tripline.radiation.numerics import bvls, ndtr
from tripline.radiation.physics import gaussian_bins, peak_efficiency
from tripline.radiation.result import IsotopeMatch, PeakSupport

AM241_KEV = 59.5409
REGION_HIGH_KEV = 110.0
XRAY_KEV = (72.80, 74.97, 77.11, 84.94, 87.30, 89.95, 93.35, 98.44)
PB210_KEV = 46.539
# Th-234 lines (energy, photons per 100 decays) and Pa-234m's 1001-keV line (NuDat 3)
TH234_LINES = ((63.30, 3.75), (92.38, 2.13), (92.80, 2.10))
PA234M_KEV = 1001.03
PA234M_INTENSITY = 0.837
TH234_MARGIN = 2.0
CENTROID_TOLERANCE_FWHM = 0.25
# model error of the fitted neighbours (X-ray shapes, Compton and escape structure near threshold)
NEIGHBOUR_MODEL_ERROR = 0.10
AM241_CHANNELS_MIN = 8  # channels from the usable edge to 110 keV the 13 columns need


@dataclass(frozen=True)
class LowEnergyLine:
    match: IsotopeMatch | None  # Am-241 when identified
    significance: float
    reason: str


def _gauss(edges: FloatArray, energy: float, fwhm: float) -> FloatArray:
    return gaussian_bins(edges, energy, fwhm / 2.3548)


def _roi(values: FloatArray, centers: FloatArray, energy: float, half: float) -> float:
    return float(values[(centers >= energy - half) & (centers <= energy + half)].sum())


def _th234_cap(
    net: FloatArray, var: FloatArray, model: DetectorModel, edges: FloatArray, not_uranium: FloatArray, bound: float
) -> tuple[float, str]:
    """(upper bound on Th-234's 63.3-keV counts, where it comes from): from Pa-234m's 1001-keV line measured after
    the other chain lines there (the module doc), or ``bound`` when lower."""
    centers = 0.5 * (edges[:-1] + edges[1:])
    th234_cap = math.inf
    if centers[-1] > PA234M_KEV + model.fwhm_kev(PA234M_KEV):
        half = 1.25 * model.fwhm_kev(PA234M_KEV)
        area = _roi(net - not_uranium, centers, PA234M_KEV, half)
        sigma = math.sqrt(max(_roi(var, centers, PA234M_KEV, half), 1.0))
        upper = max(area, 0.0) + 2.0 * sigma
        th234_cap = (
            TH234_MARGIN * upper * TH234_LINES[0][1] / PA234M_INTENSITY
            * peak_efficiency(model, TH234_LINES[0][0]) / peak_efficiency(model, PA234M_KEV)
        )  # fmt: skip
    if bound < th234_cap:
        return bound, "bounded by the U-235 185.7-keV region"
    return th234_cap, "bounded by the Pa-234m 1001-keV line"


def _th234_column(model: DetectorModel, edges: FloatArray) -> FloatArray:
    """Th-234's lines at their intensity ratios, in units of counts in its 63.3-keV line."""
    th234 = sum(
        (i * peak_efficiency(model, e) * _gauss(edges, e, model.fwhm_kev(e)) for e, i in TH234_LINES),
        np.zeros(edges.size - 1),
    )
    return th234 / (TH234_LINES[0][1] * peak_efficiency(model, TH234_LINES[0][0]))


def _line_region(model: DetectorModel, edges: FloatArray, low_kev: float | None) -> tuple[float, np.ndarray] | None:
    """(the region's low edge, its channels up to ``REGION_HIGH_KEV``) for the 59.5-keV line, from ``low_kev`` (default
    the modelled threshold + 1 FWHM); None when the line lies below that edge, the spectrum stops short of the
    region's top or the detector resolves no photopeaks."""
    centers = 0.5 * (edges[:-1] + edges[1:])
    low = low_kev if low_kev is not None else model.low_kev + model.fwhm_kev(max(model.low_kev, 1.0))
    if AM241_KEV - 0.5 * model.fwhm_kev(AM241_KEV) < low or centers[-1] < REGION_HIGH_KEV or not model.has_photopeaks:
        return None
    return low, (centers >= low) & (centers <= REGION_HIGH_KEV)


@dataclass(frozen=True)
class _LineGain:
    z: float  # sqrt of the chi2 the 59.5-keV line gains (0 when its amplitude is not positive)
    centroid: float | None  # of the residual's positive part within 1.25 FWHM of the line (None: nothing there)
    area: float  # the fitted line's counts
    area_sd: float  # the counting error over those channels
    at_line: bool  # the centroid within CENTROID_TOLERANCE_FWHM of 59.54 keV


def _line_gain(
    net: FloatArray,
    var: FloatArray,
    model: DetectorModel,
    edges: FloatArray,
    region: np.ndarray,
    columns: list[FloatArray],
    lows: list[float],
    highs: list[float],
    baseline: int,
    warm: bool,
) -> _LineGain:
    """The 59.5-keV line against ``columns`` over ``region`` (bounds ``lows``/``highs``; the last ``baseline`` columns
    a free baseline, the others neighbours whose fitted counts carry ``NEIGHBOUR_MODEL_ERROR``): the chi2 the line
    gains and the residual's centroid at it. ``warm``: each refit starts from the previous fit's free set."""
    centers = 0.5 * (edges[:-1] + edges[1:])
    fwhm = model.fwhm_kev(AM241_KEV)
    am = _gauss(edges, AM241_KEV, fwhm)
    y = net[region]

    def fit(
        cols: list[FloatArray], lo: list[float], hi: list[float], sd: FloatArray, near: FloatArray | None = None
    ) -> tuple[FloatArray, float]:
        """``near``: a nearby fit's coefficients, those off their lower bound start free (a warm start)."""
        a = np.stack([c[region] for c in cols], axis=1) / sd[:, None]
        free = None if near is None else np.asarray(near) != np.array(lo)
        x, rnorm = bvls(a, y / sd, np.array(lo), np.array([max(h, 1e-9) for h in hi]), free=free)
        return x, rnorm * rnorm

    x0, _ = fit(columns, lows, highs, np.sqrt(np.maximum(var[region], 1.0)))
    neighbours = sum(
        (xi * c for xi, c in zip(x0[:-baseline], columns[:-baseline], strict=True)), np.zeros(centers.size)
    )
    sd = np.sqrt(np.maximum(var[region], 1.0) + (NEIGHBOUR_MODEL_ERROR * neighbours[region]) ** 2)
    x0, chi2_without = fit(columns, lows, highs, sd, near=x0 if warm else None)
    x1, chi2_with = fit([*columns, am], [*lows, 0.0], [*highs, math.inf], sd, near=np.append(x0, 1.0) if warm else None)
    z = math.sqrt(max(chi2_without - chi2_with, 0.0)) if x1[-1] > 0 else 0.0
    others = sum((xi * c for xi, c in zip(x1[:-1], columns, strict=True)), np.zeros(centers.size))
    resid = net - others
    half = 1.25 * fwhm
    core = (centers >= AM241_KEV - half) & (centers <= AM241_KEV + half)
    weights = np.clip(resid[core], 0.0, None)
    centroid = float((centers[core] * weights).sum() / weights.sum()) if weights.sum() > 0 else None
    at_line = centroid is not None and abs(centroid - AM241_KEV) <= CENTROID_TOLERANCE_FWHM * fwhm
    return _LineGain(z, centroid, float(x1[-1] * am.sum()), math.sqrt(float(var[core].sum())), at_line)


def _am241_match(library: Library, gain: _LineGain) -> IsotopeMatch:
    """Am-241 identified by its 59.5-keV line (``gain.centroid`` set)."""
    area_sd = gain.area_sd
    peak = PeakSupport(AM241_KEV, gain.centroid, gain.area, gain.area / area_sd if area_sd > 0 else 0.0)
    nuclide = library.get("Am-241")
    return IsotopeMatch(nuclide.name, nuclide.category, min(float(ndtr(gain.z - 3.0)), 0.999), gain.z, (peak,))


def am241_line(
    net: FloatArray,
    var: FloatArray,
    model: DetectorModel,
    edges: FloatArray,
    library: Library,
    not_uranium: FloatArray,
    identify_sigma: float = 4.0,
    low_kev: float | None = None,
    th234_bound: float = math.inf,
) -> LowEnergyLine | None:
    """Fit the 59.5-keV region (see the module doc); ``not_uranium`` is the chain fit's prediction
    without the natural-uranium group (taken out at 1001 keV). The region starts at ``low_kev``, the
    spectrum's usable low edge (:func:`tripline.radiation.spectral.usable_low_kev`; default the
    modelled threshold + 1 FWHM). ``th234_bound``: a further upper bound on Th-234's 63.3-keV counts
    (:func:`th234_bound_from_186`); the lower of it and the Pa-234m bound applies. None if the line is out of
    range."""
    reach = _line_region(model, edges, low_kev)
    if reach is None or reach[1].sum() < AM241_CHANNELS_MIN:
        return None
    th234_cap, bound_from = _th234_cap(net, var, model, edges, not_uranium, th234_bound)
    columns = [_gauss(edges, e, model.fwhm_kev(e)) for e in (PB210_KEV, *XRAY_KEV)]
    bounds_hi = [math.inf] * len(columns)
    columns.append(_th234_column(model, edges))  # unit: counts in the 63.3-keV line
    bounds_hi.append(th234_cap)
    x = (0.5 * (edges[:-1] + edges[1:]) - AM241_KEV) / 50.0
    columns += [np.ones_like(x), x]
    lows = [0.0] * (len(columns) - 2) + [-math.inf, -math.inf]
    highs = [*bounds_hi, math.inf, math.inf]
    gain = _line_gain(net, var, model, edges, reach[1], columns, lows, highs, baseline=2, warm=True)
    cap = "no bound (1001 keV out of range)" if math.isinf(th234_cap) else f"at most {th234_cap:.0f} counts"
    if gain.z >= identify_sigma and gain.centroid is not None and gain.at_line:
        reason = (
            f"59.5-keV line fitted on its own below the lead X-rays ({gain.z:.1f} sigma, centroid {gain.centroid:.1f} "
            f"keV, {gain.area:.0f} counts above the SNIP continuum) against Pb/Bi/Th/U K X-rays, Pb-210 46.5 keV and "
            f"Th-234 63.3 keV ({bound_from}: {cap})"
        )
        return LowEnergyLine(_am241_match(library, gain), gain.z, reason)
    where = f"centroid {gain.centroid:.1f} keV" if gain.centroid is not None else "no residual peak"
    if th234_bound <= th234_cap:
        cap = f"{cap}, {bound_from}"
    reason = f"Am-241 59.5-keV line not seen ({gain.z:.1f} sigma, {where}; Th-234 63.3 keV {cap})"
    return LowEnergyLine(None, gain.z, reason)


# A coarse spectrum (the native 256-channel RadiaCode-101 files: 10.4-10.9 keV per channel) holds only 6-7 channels
# from its usable edge (32-40 keV) to 110 keV, fewer than :func:`am241_line`'s 13 columns. There the 59.5-keV line is
# read against a reduced model with fewer columns than channels: the K X-rays of an element as one group at fixed
# relative intensities (a group's shape is set by atomic physics; only its size depends on shielding), Pb-210 free,
# Th-234 bounded as in :func:`am241_line`, a constant. Relative K X-ray intensities (Ka1 = 1): Table of Isotopes, 7th
# ed. (Lederer & Shirley 1978), appendix table 10 (Salem et al.), rounded: Pb Ka2 0.60, Kb1' 0.34, Kb2' 0.10 (as the
# Pb K X-rays of Tl-208's decay, ENSDF: 2.05, 1.18, 0.356 % against Ka1 3.45 %; the Bi K X-rays of the chains'
# Bi-214/Bi-212 lie 2.1-2.4 keV higher, a tenth of a FWHM: taken by the Pb group); Th Ka2 0.62, Kb1' 0.35 (U's lines
# 4-5 keV higher: taken by the Th group, within its model error). Energies: LBNL X-ray Data Booklet, table 1-2 (Pb
# Ka2 72.80, Ka1 74.97, Kb1 84.94, Kb2 87.30; Th Ka2 89.95, Ka1 93.35, Kb1 105.60 keV).
PB_K_GROUP = ((72.80, 0.60), (74.97, 1.00), (84.94, 0.34), (87.30, 0.10))
TH_K_GROUP = ((89.95, 0.62), (93.35, 1.00), (105.60, 0.35))
COARSE_CHANNELS_MIN = 7  # the reduced model's 5 columns and the line's leave one channel free


def am241_line_coarse(
    net: FloatArray,
    var: FloatArray,
    model: DetectorModel,
    edges: FloatArray,
    library: Library,
    not_uranium: FloatArray,
    identify_sigma: float = 4.0,
    low_kev: float | None = None,
) -> LowEnergyLine | None:
    """The 59.5-keV line read against the reduced model (the comment above) on a region (``low_kev`` to 110 keV) of
    fewer channels than :func:`am241_line` needs and at least ``COARSE_CHANNELS_MIN``; None when the region holds
    fewer or enough for :func:`am241_line`. The same tests as there: the chi2 gain of the line against the
    neighbours with their ``NEIGHBOUR_MODEL_ERROR``, the residual centroid within ``CENTROID_TOLERANCE_FWHM``."""
    reach = _line_region(model, edges, low_kev)
    if reach is None or not COARSE_CHANNELS_MIN <= reach[1].sum() < AM241_CHANNELS_MIN:
        return None
    low, region = reach
    th234_cap, bound_from = _th234_cap(net, var, model, edges, not_uranium, math.inf)

    def group(lines: tuple[tuple[float, float], ...]) -> FloatArray:
        return sum((i * _gauss(edges, e, model.fwhm_kev(e)) for e, i in lines), np.zeros(edges.size - 1))

    columns = [_gauss(edges, PB210_KEV, model.fwhm_kev(PB210_KEV)), group(PB_K_GROUP), group(TH_K_GROUP)]
    columns.append(_th234_column(model, edges))
    columns.append(np.ones(edges.size - 1))
    lows = [0.0, 0.0, 0.0, 0.0, -math.inf]
    highs = [math.inf, math.inf, math.inf, th234_cap, math.inf]
    gain = _line_gain(net, var, model, edges, region, columns, lows, highs, baseline=1, warm=False)
    cap = "no bound (1001 keV out of range)" if math.isinf(th234_cap) else f"at most {th234_cap:.0f} counts"
    where = f"centroid {gain.centroid:.1f} keV" if gain.centroid is not None else "no residual peak"
    text = (
        f"{int(region.sum())} channels from {low:.0f} to {REGION_HIGH_KEV:g} keV, read against a reduced model "
        f"(Pb and Th K X-rays each one group at fixed relative intensities, Pb-210 46.5 keV, Th-234 63.3 keV "
        f"{bound_from}: {cap}, a constant)"
    )
    if gain.z >= identify_sigma and gain.centroid is not None and gain.at_line:
        return LowEnergyLine(
            _am241_match(library, gain), gain.z, f"59.5-keV line stands ({gain.z:.1f} sigma, {where}) on {text}"
        )
    return LowEnergyLine(None, gain.z, f"59.5-keV line not seen ({gain.z:.1f} sigma, {where}) on {text}")


# Tungsten K X-rays (Ka2 57.98, Ka1 59.32, Kb1 67.24, Kb2 69.07 keV; LBNL X-ray Data Booklet, table
# 1-2) lie under the 59.5-keV line on any detector that cannot resolve Ka2 from it (FWHM above
# 59.54 - 57.98 = 1.56 keV: every scintillator). Thoriated tungsten (WT-20 welding electrodes, 2 %
# ThO2; lamp and magnetron cathodes) holds the thorium chain inside tungsten, and the chain's photons
# excite them. How many can there be? Each chain photon above the W K edge (69.525 keV; Booklet table
# 1-1) makes at most one K vacancy, which gives a K X-ray with the fluorescence yield 0.95 (Krause,
# J. Phys. Chem. Ref. Data 8 (1979) 307); the Th-232 chain emits 2.7 photons per decay above the edge
# (the library's lines, NuDat 3) and about 0.3 Pb/Bi/Tl K X-rays, so at most 0.95 x 3.0 = 2.85 K X-rays
# per decay, and only if every photon is absorbed in the tungsten. In a body of tungsten thick to both,
# what leaves a surface of a uniform emitter goes as its yield over its attenuation coefficient: W K
# X-rays (mu/rho about 3.8 cm2/g at 59 keV, below the edge) against the Pb-212 238.6-keV line (43.6 %,
# mu/rho about 0.53 cm2/g; NIST XCOM, tungsten), (2.85 / 3.8) / (0.436 / 0.53) = 0.92 K X-ray per 238.6-keV
# photon at most. Thinner tungsten lets more of the 238.6-keV line out and absorbs fewer chain photons,
# so the ratio only falls. ``W_MARGIN`` covers the beta particles' own ionisation and bremsstrahlung in
# tungsten and the rounding above.
W_K_EDGE_KEV = 69.525
W_KA2_KEV = 57.981
W_PER_PB212 = 0.92
W_MARGIN = 2.0
PB212_KEV = 238.632
TH228_PROGENY = "Th-232 chain/Th-228 progeny"


def tungsten_could_explain(
    area: float,
    net: FloatArray,
    others: FloatArray,
    var: FloatArray,
    model: DetectorModel,
    edges: FloatArray,
) -> tuple[bool, str]:
    """Whether ``area`` counts of a 59.5-keV line fitted beside an identified Th-232 chain could be the
    tungsten K X-rays the chain excites (see above), and why. ``others`` is the chain fit's prediction
    without the Th-228 progeny group (taken out at 238.6 keV, where Ac-228 has lines). The Pb-212 line is
    read at its 2-sigma upper limit, so the bound is never too tight. False (the line stays Am-241) when
    the detector resolves tungsten's Ka2 from 59.5 keV or 238.6 keV is out of range."""
    centers = 0.5 * (edges[:-1] + edges[1:])
    if model.fwhm_kev(AM241_KEV) <= AM241_KEV - W_KA2_KEV:
        return False, "the detector resolves tungsten's Ka2 (58.0 keV) from 59.5 keV"
    if centers[-1] < PB212_KEV + model.fwhm_kev(PB212_KEV):
        return False, "the Pb-212 238.6-keV line is out of range: no bound on tungsten X-rays"
    half = 1.25 * model.fwhm_kev(PB212_KEV)
    line = _roi(net - others, centers, PB212_KEV, half)
    upper = max(line, 0.0) + 2.0 * math.sqrt(max(_roi(var, centers, PB212_KEV, half), 1.0))
    ratio = peak_efficiency(model, 59.318) / peak_efficiency(model, PB212_KEV)
    cap = W_MARGIN * W_PER_PB212 * upper * ratio
    where = (
        f"the thorium chain can excite at most {cap:.0f} counts of tungsten K X-rays (Ka 58.0/59.3, Kb 67.2/69.1 "
        f"keV) in thoriated tungsten: {W_MARGIN:g} x {W_PER_PB212} per Pb-212 238.6-keV photon, that line at most "
        f"{upper:.0f} counts"
    )
    if area <= cap:
        return True, (
            f"the 59.5-keV peak ({area:.0f} counts) lies within what tungsten could give: {where}; this "
            "detector cannot tell Am-241 from tungsten X-rays: 59-keV peak could be tungsten X-rays "
            "(thoriated tungsten) or Am-241, not cleared"
        )
    return False, f"the 59.5-keV peak ({area:.0f} counts) is beyond what tungsten could give: {where}"


# What an Am-241 source puts above its 59.5-keV line. (1) Its own weak lines (the library's Am-241 entry,
# NNDC NuDat 3: 125.3, 208.0, 322.5-376.7, 662.4, 722.0 keV, 1e-4 to 4e-3 per 100 decays), at their NNDC ratios
# to 59.5 keV times the modelled efficiency ratio. (2) The lines of Pa-233 (27 d), in equilibrium with the
# Np-237 (2.144e6 y) that grows in from Am-241 (432.6 y; half-lives NNDC NuDat 3): t years after the americium
# was separated A(Np-237)/A(Am-241) = (T(Am-241)/T(Np-237)) (exp(t ln2/T(Am-241)) - 1), 1.6e-5 at 50 y and
# ``PA233_MAX_RATIO`` = 2.8e-5 at ``AM241_MAX_AGE_Y`` = 80 y (americium has been separated since the 1940s). The
# Pa-233 311.9-keV line (38.2 %) then gives 5e-4 to 1.1e-3 photons per 100 Am-241 decays, as much as Am-241's own
# 322.5-376.7 keV: an old smoke-detector source is filed under neptunium for it (dmamontov:np-93-sears). Its age
# is not known, so Pa-233 is taken at half the bound, and the whole carries ``KNOWN_MODEL_ERROR`` (100 %) in the
# chain fit: the modelled efficiency ratio of 59.5 keV to 300-700 keV, the low-energy fit's area and the
# source's encapsulation (which absorbs 59.5 keV more than 335 keV) are each uncertain by tens of per cent.
# Pa-233 lines (energy keV, photons per 100 decays). 300.1, 311.9 and 340.5 keV: ENSDF 233Pa beta- decay, relative
# intensities 17.14(17), 100(1), 11.63(12) times the normalisation NR = 0.3818(23) (read from the ENSDF JSON export
# AaronMHurst/pace_ensdf@0c9354c paceENSDF/ENSDF_JSON/j_input_Pa233_U233_091233_092233_0keV.json, 2026-12-07; the
# 38.5/6.63/4.47 held before were 0.8 % above ENSDF, outside its 0.6 % uncertainty). 375.4, 398.5 and 415.8 keV: NNDC
# NuDat 3 as before, not re-read (0.2-1.7 %, no effect beside the 311.9-keV line). Cross-read: JEFF-3.1.1, within 2 %.
PA233_LINES = ((300.128, 6.544), (311.901, 38.18), (340.477, 4.440), (375.404, 0.68), (398.492, 1.39), (415.764, 1.745))
AM241_HALF_LIFE_Y = 432.6
NP237_HALF_LIFE_Y = 2.144e6
AM241_MAX_AGE_Y = 80.0
PA233_MAX_RATIO = (AM241_HALF_LIFE_Y / NP237_HALF_LIFE_Y) * math.expm1(
    AM241_MAX_AGE_Y * math.log(2) / AM241_HALF_LIFE_Y
)
ABOVE_MIN_KEV = 110.0


def am241_above(area: float, model: DetectorModel, edges: FloatArray, library: Library) -> FloatArray:
    """Counts per channel that an Am-241 source with ``area`` counts in its 59.5-keV photopeak puts at its
    other library lines above ``ABOVE_MIN_KEV`` and at the Pa-233 lines of its grown-in Np-237 (at half
    ``PA233_MAX_RATIO``), at the detector's resolution and modelled efficiency (see above)."""
    centers = 0.5 * (edges[:-1] + edges[1:])
    out = np.zeros(centers.size, dtype=np.float64)
    if area <= 0 or not model.has_photopeaks:
        return out
    lines = [(ln.energy_kev, ln.intensity) for ln in library.get("Am-241").lines if ln.energy_kev > ABOVE_MIN_KEV]
    lines += [(e, i * 0.5 * PA233_MAX_RATIO) for e, i in PA233_LINES]
    main = next(ln.intensity for ln in library.get("Am-241").lines if abs(ln.energy_kev - AM241_KEV) < 0.1)
    per_decay = area / (main / 100.0 * peak_efficiency(model, AM241_KEV))
    for energy, intensity in lines:
        if energy < model.low_kev or energy > edges[-1]:
            continue
        counts = per_decay * intensity / 100.0 * peak_efficiency(model, energy)
        out += counts * _gauss(edges, energy, model.fwhm_kev(energy))
    return out


# A second bound on Th-234's 63.3-keV line, from U-235's 185.7-keV line (:func:`th234_bound_from_186`). Th-234 (24.1 d)
# is U-238's daughter, in equilibrium with it months after any chemistry, and U-235 comes with U-238 in all uranium.
# In natural uranium (0.720 atom % U-235) the 185.7-keV line gives 2.62 photons per 100 U-238 decays (the library's
# U-238 chain entry, NNDC NuDat 3) beside Th-234's 3.75 at 63.3 keV. Enriched uranium has more U-235 per U-238: a
# tighter bound, on the safe side (it only refers). Depleted uranium has less, down to the enrichment plants' tails
# assay, 0.2-0.3 atom % U-235 (US NRC, "Depleted uranium" backgrounder; 0.2 taken, ``U235_DEPLETED_ATOM_PERCENT``):
# a factor (0.720/99.274)/(0.20/99.80) = 3.6 fewer 185.7-keV photons per U-238 decay. Everything else within 1.25
# FWHM of 185.7 keV (Ra-226's 186.2 keV, U-235's 143.8/163.4/205.3 keV on a scintillator, backscatter) only adds
# counts there, so the 2-sigma upper limit of the net counts in that window bounds U-235, whatever the radium.
# Absorption in the sample, its container or a shield takes more of 63.3 keV than of 185.7 keV (mass attenuation
# falls from 63 to 186 keV in every element, K edges included: lead about 4.4 -> 1.1 cm2/g; NIST XCOM), and Th-234
# short of equilibrium is fewer: both only lower the 63.3-keV counts under the bound. ``TH234_MARGIN`` (2, as for
# the Pa-234m bound) covers the modelled efficiency ratio of 63.3 to 185.7 keV.
U235_NATURAL_ATOM_PERCENT = 0.720
U235_DEPLETED_ATOM_PERCENT = 0.20
U235_186_PER_U238 = 2.62  # 185.7-keV photons per 100 U-238 decays in natural uranium (library, U-238 chain)
U235_186_KEV = 185.720
DEPLETION_FACTOR = (U235_NATURAL_ATOM_PERCENT / (100.0 - U235_NATURAL_ATOM_PERCENT)) / (
    U235_DEPLETED_ATOM_PERCENT / (100.0 - U235_DEPLETED_ATOM_PERCENT)
)


def th234_bound_from_186(net: FloatArray, var: FloatArray, model: DetectorModel, edges: FloatArray) -> float:
    """The most counts Th-234 can put in its 63.3-keV line given the net counts within 1.25 FWHM of U-235's 185.7 keV
    (their 2-sigma upper limit; see above): ``TH234_MARGIN`` x ``DEPLETION_FACTOR`` x 3.75/2.62 x
    efficiency(63.3)/efficiency(185.7) x that limit. Infinite when 185.7 keV is out of range or the detector has no
    photopeaks."""
    centers = 0.5 * (edges[:-1] + edges[1:])
    half = 1.25 * model.fwhm_kev(U235_186_KEV)
    if not model.has_photopeaks or centers[-1] < U235_186_KEV + half or centers[0] > U235_186_KEV - half:
        return math.inf
    area = _roi(net, centers, U235_186_KEV, half)
    upper = max(area, 0.0) + 2.0 * math.sqrt(max(_roi(var, centers, U235_186_KEV, half), 1.0))
    per_186 = DEPLETION_FACTOR * TH234_LINES[0][1] / U235_186_PER_U238
    ratio = peak_efficiency(model, TH234_LINES[0][0]) / peak_efficiency(model, U235_186_KEV)
    return TH234_MARGIN * per_186 * ratio * upper
