"""Chain-aware peak fit: explain the net photopeaks by whole NORM templates first, then call a
man-made nuclide only for what the chains leave.

1. The NORM components (K-40; U-238 chain as natural uranium, Ra-226 with at least part of its
   radon progeny, and radon progeny alone; Th-232 chain as Ac-228 and Th-228 progeny) are fitted
   to the net peak counts as whole templates: every line at its library intensity times the
   detector's peak efficiency, at the detector's resolution. Pb-214 352 keV, Bi-214 609 keV,
   Ra-226 186 keV, Pb-212 239 keV, Ac-228 911/969 keV and Tl-208 583/2614 keV are thus
   explained together with their companions, never one by one.
   Without a background spectrum (``emanation=False``) the radium column carries its progeny at
   equilibrium: the progeny lines then hold the surroundings' radon progeny too (air, ground,
   walls), which would otherwise vouch for a 186-keV line up to 1/0.3 times their own radium
   equivalent (a weak U-235 line hidden as radium whose radon escaped). A radium excess over
   the progeny seen is left to the uranium group and the SNM rule (:mod:`.snm`).
2. The chain prediction carries a model error (``CHAIN_MODEL_ERROR`` of its counts: line
   intensities x modelled efficiency x calibration); that error is added to the variance of
   every channel before man-made nuclides are tried, so a man-made line sitting on a chain line
   (Ba-133 356 on Pb-214 352) must stand out of the chain's own uncertainty.
3. Man-made nuclides (industrial, medical, SNM) are added one at a time, best chi2 gain first, while the
   best one is significant (``identify_sigma``), its predicted lines are seen
   (:func:`tripline.radiation.peaks._match`), one of its lines is expected and seen at 3 sigma on its
   own (or two, each expected at 2 and seen at 2.5 sigma at their energies: a cascade such as Co-60's
   1173/1332 keV, their centroids on one energy scale: ``PAIR_GAIN_SIGMA``), and its strongest line is a
   photopeak of the detector's width, not a hump twice as wide (:func:`is_narrow`). U-235 and Pu-239
   compete here only so that their lines are not given to another nuclide (Ga-67 184.6 keV); an SNM
   verdict needs its own evidence rule (:mod:`tripline.radiation.snm`). Every other candidate is tried
   on the net counts less U-235's 143.8/163.4/205.3-keV lines at their NNDC ratios to the uranium
   group's fitted 185.7 keV (``U235_COMPANIONS``): a 140-145-keV line is first natural uranium's U-235,
   and only what exceeds that ratio can name Tc-99m. A candidate about to be named must also stand above a
   straight local baseline of the residual (:func:`local_peak_sigma`, ``LOCAL_PEAK_SIGMA``): a continuum estimate
   running low over a whole region (thinned real Fiestaware, dev: "Cs-137" at 7 sigma in the global fit, 0.9 above
   the local baseline) is not a photopeak; such a candidate is "not confirmed" and never cleared, unless the local
   fit rules its global amplitude out (:func:`local_exclusion`: its local amplitude within 2 standard errors of
   zero where the global one would stand 4 and is rejected at 3): then it is excluded, said so in the reasons.
4. Optionally (``minor_companions``, ``Policy.minor_chain_support``), a candidate the joint fit did not name is still
   "not excluded" (never cleared) when the chains fitted without it, minor components read from their lines away
   from its, leave a photopeak of it that passes the tests a name needs (:func:`hidden_by_minor_chains`).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import numpy as np

from tripline.radiation.hump import photopeak_on_hump
from tripline.radiation.library import DetectorModel, Library, Nuclide
from tripline.radiation.model import Category, FloatArray
from tripline.radiation.numerics import design_matrix, ndtr, nelder_mead, nnls, shape_amplitude
from tripline.radiation.peaks import (
    CENTROID_TOLERANCE_FWHM,
    ROI_HALF_WIDTH_FWHM,
    STRONGEST_LINE_SIGMA,
    _line_support,
    _match,
    _supports,
    _template,
)
from tripline.radiation.physics import (
    CACHED_CHANNELS_MAX,
    backscatter_range_kev,
    compton_edge_kev,
    gaussian_bins,
    line_response,
    lines_near,
    peak_efficiency,
)
from tripline.radiation.result import IsotopeMatch, PeakSupport
from tripline.radiation.spectral import model_variance_scale

CHAIN_MODEL_ERROR = 0.25
PAIR_EXPECTED_SIGMA = 2.0
PAIR_SEEN_SIGMA = 2.5
# The two lines of a pair (Co-60's 1173.2/1332.5-keV cascade) sit where one energy scale puts them: the
# ratio of each found centroid to the centroid the nuclide's fitted lines give in the same region (the local
# gain) must agree between the two lines within PAIR_GAIN_SIGMA standard errors of those centroids
# (:func:`pair_gain_spread`). Only the pair route is tested: a nuclide with a line expected and seen at
# STRONGEST_LINE_SIGMA on its own is not. Two bumps of a continuum-estimation bias and a neighbour's flank
# (the 20-h RadiaCode background in a lead shield, dev: 1173.2 keV found at 1146.6 keV, 1332.5 keV at
# 1345.1 keV, 6.1 standard errors apart) are not one cascade; simulated Co-60 reaching the pair route
# (NaI, CsI, HPGe at 4-10 sigma, six seeds, with and without background) stays within 0.9.
PAIR_GAIN_SIGMA = 3.0
MAX_MAN_MADE = 4
LOCAL_WINDOW_FWHM = 3.0
LOCAL_PEAK_SIGMA = PAIR_SEEN_SIGMA
# A candidate failing LOCAL_PEAK_SIGMA is excluded (not merely unconfirmed) when, with every local baseline, its
# local amplitude is within +-LOCAL_ZERO_SIGMA standard errors of zero and the amplitude the global fit gave it
# would stand LOCAL_EXCLUDE_EXPECTED_SIGMA there, the local amplitude LOCAL_REJECT_SIGMA standard errors below it
# (:func:`local_exclusion`)
LOCAL_ZERO_SIGMA = 2.0
LOCAL_EXCLUDE_EXPECTED_SIGMA = 4.0
LOCAL_REJECT_SIGMA = 3.0
# below this, and within CURVED_WINDOW_FWHM FWHM of the spectrum's maximum, a candidate's main fitted line must also
# stand LOCAL_PEAK_SIGMA over a quadratic local baseline (same window as the straight one)
# (local_peak_sigma): set on dev RadiaCode/CsI spectra with a smooth turn-on at 30-55 keV (tests.realdata.turn_on)
CURVED_BELOW_KEV = 200.0
CURVED_WINDOW_FWHM = 3.0
# Backscatter: photons of a line scattered back (150-180 degrees) from the sample, the ground or
# the shielding reach the detector at E' = E / (1 + (1 - cos t) E / 511 keV) (181 keV for Bi-214
# 609, 218 keV for K-40 1461, 144 keV for Pb-214 352). Each NORM column comes in a pair: without
# backscatter and with up to BACKSCATTER_MAX of the line's photons backscattered, so the fit
# takes any share in between and a backscatter hump is not taken for Tc-99m, Co-57 or In-111.
BACKSCATTER_MAX = 0.10
# Compton edges: a strong line's continuum ends in an edge at E 2k/(1+2k) (k = E/511 keV; 1243 keV
# for K-40, 663 keV for Tl-208 860.6) that the SNIP continuum follows only roughly. Within one
# FWHM of each edge of a fitted NORM line the model error is EDGE_MODEL_ERROR times the modelled
# continuum per channel there (physics.line_response), so an edge is not taken for Co-60 or Cs-137.
EDGE_MODEL_ERROR = 1.0
# Pu-239 lines are 1e-5 per decay and sit among chain lines: only a resolving detector can see them.
RESOLVING_FWHM_KEV = 5.0
# HPGe detectors differ widely in size and shape (coaxial, planar, well; 10-150 % relative
# efficiency): the generic model's efficiency curve is corrected from the chain lines themselves
# (intrinsic efficiency calibration with the many U/Th lines of 186-2614 keV).
EFFICIENCY_PIVOT_KEV = 300.0
EFFICIENCY_B_MAX = 1.5
# A man-made line inside the lead K X-ray region (Ba-133's 81.0 keV among Pb K-alpha/beta 72.8-87.3
# keV on a scintillator) is left out of the fit, but it is still tested one-sidedly: the lead
# X-rays can only add counts there, so that region must hold at least XRAY_MIN_FRACTION of what
# the candidate's fitted lines put in it (the modelled efficiency at 81 keV may be off by 2),
# within XRAY_DEFICIT_SIGMA, when the line is expected at XRAY_TESTABLE_SIGMA. Ba-133's 356/303 keV
# without its 81-keV line is Pb-214's 352/295 keV beyond the chain's ratio, or a Ba-133 source
# behind enough metal to absorb 81 keV: never cleared. The SNIP continuum runs high under a peak
# on the steep low-energy side of a NaI spectrum (simulated, unshielded Ba-133 at 5-10 sigma: the
# 81-keV residual at -0.5 to 0.3 of its expected counts, 3-4 sigma low, where the line was expected
# at under 5 sigma), hence 5 and 3 sigma rather than 3 and 2.
XRAY_MIN_FRACTION = 0.5
XRAY_DEFICIT_SIGMA = 3.0
XRAY_TESTABLE_SIGMA = 5.0
# A man-made line on a radon-progeny line (Ba-133 356.0 keV on Pb-214 351.9 keV, 4 keV apart: one
# peak on every scintillator). Without a background spectrum the surroundings' radon progeny is under
# it in every spectrum and the chain column absorbs it. The Pb-214 line's share is then read from its
# companions alone (Pb-214 242/295 keV, Bi-214 609/1120/1764 keV, ...: the chain fitted with the
# region of the shared line left out, every line at its NNDC intensity times the detector model's
# efficiency and resolution; Pb-214 and Bi-214 are always in equilibrium with each other), and what
# the chain cannot explain there, with the nuclide's other lines (Ba-133 81/303/384 keV) beyond the
# chain as well, identifies the nuclide (HIDDEN_LINE_NUCLIDES; the combined significance of the
# shared-line excess and each support line, at identify_sigma, the shared line a photopeak by
# is_narrow) or, from HIDDEN_REFER_SIGMA combined, leaves it "not excluded": never cleared. The
# shared line must stand at HIDDEN_PRIMARY_SIGMA on its own. A support line inside the lead
# X-ray region (Ba-133 81 keV among Pb K X-rays, which the sample's own Pb-214/Bi-214 decays and any
# lead nearby also emit) counts at most XRAY_SUPPORT_CAP sigma, and holding too few counts for the
# shared-line excess (the XRAY_MIN_FRACTION / XRAY_DEFICIT_SIGMA rule) it excludes the nuclide; a
# line within half a FWHM of a chain
# line (Ba-133 303 keV on Pb-214 295 keV on a scintillator) is a companion, not a support. With a
# background spectrum the surroundings' progeny is subtracted, but the same test is run on the net
# counts: a net 352-keV excess beyond what the net Bi-214 609/1120/1764-keV lines imply is no radon
# progeny, whatever the sample (a simulated NaI Ba-133 at +4.7 sigma gross, 10 s, had its 356 keV
# read as the net U-238 chain's Pb-214 352 keV, 4.7 sigma, with Bi-214 609 keV at 38 of its 276
# counts, and was cleared as NORM).
# Consistent line ratios: every line of a candidate that its most significant line implies (NNDC
# ratios x model efficiency) at RATIO_TESTABLE_SIGMA must hold at least RATIO_MIN_FRACTION of
# those counts within RATIO_DEFICIT_SIGMA (Co-60 needs both its 1173.2 and 1332.5-keV lines, at 99.85/99.98 %: one
# excess beside a chain line, Bi-214 1155.2/1238.1/1281.0 keV, is not Co-60). A candidate that
# fails is not identified but "not confirmed": never cleared.
RATIO_TESTABLE_SIGMA = 5.0
RATIO_MIN_FRACTION = 0.5
RATIO_DEFICIT_SIGMA = 3.0
HIDDEN_LINE_NUCLIDES = ("Ba-133",)
# U-235's other lines beside the 185.7 keV the U-238 chain's uranium group carries (NNDC NuDat 3, photons per
# 100 U-235 decays; the main line (185.720, 57.0)). A man-made candidate other than U-235/Pu-239 is tried on
# the net counts less these lines at their NNDC ratios to the uranium group's fitted 185.7 keV: natural
# uranium's 143.8-keV line is U-235's, never Tc-99m's 140.5 keV (a RadiaCode spectrum of uranium glass without
# its background was called medical on it). They stay out of the NORM template itself: there the uranium group
# would take the same lines of an HEU source (identical ratios: only U-238's Th-234/Pa-234m lines tell natural
# from enriched uranium), and U-235 is tried on the net counts as before.
U235_MAIN_LINE = (185.720, 57.0)
U235_COMPANIONS = ((143.767, 10.94), (163.356, 5.08), (205.316, 5.02))
HIDDEN_PRIMARY_SIGMA = 1.5
HIDDEN_REFER_SIGMA = 3.0
HIDDEN_WEAK_CHAIN_SIGMA = 5.0
HIDDEN_SUPPORT_MIN_SHARE = 0.1
XRAY_SUPPORT_CAP = 3.0
# Beside a ``known`` component (measured outside this fit: the weak lines of an Am-241 source read from its
# 59.5-keV line, :func:`tripline.radiation.lowenergy.am241_above`) a nuclide of OWN_LINES_KEV is named only
# when each of its own main lines stands (LINE_SUPPORT_SIGMA at its energy, centroid within half a FWHM) on
# what the chains, the nuclides already found and that component leave: Ir-192 needs its 316.5 and its
# 468.1-keV line (82.86 and 47.84 per 100 decays, NNDC NuDat 3). On a scintillator its 296.0/308.5/316.5-keV
# triplet is one hump, and so are Am-241's 322.5-376.7 keV lines with the Pa-233 311.9 keV of its grown-in
# Np-237; its 468.1-keV line has no such neighbour. A candidate that fails is "not confirmed" (never
# cleared), as for a ratio deficit. Without such a component the rule is not applied: on a simulated 5-sigma
# NaI Ir-192 (10 s) the 468.1-keV line stands at +1.3 sigma only, and Ir-192 is named on its triplet.
OWN_LINES_KEV: dict[str, tuple[float, ...]] = {"Ir-192": (316.50618, 468.06885)}
# A chain line beside a man-made line takes its counts: Bi-214 609.3/665.4 keV beside Cs-137's 661.7 keV, K-40
# 1460.8 keV beside Eu-152's 1408.0 keV, Ac-228 338.3/964.8 keV beside Eu-152's 344.3/964.1 keV (NNDC NuDat 3). In the
# joint fit of chains and candidate (step 3) the chain line shares the candidate's peak (within CHAIN_MODEL_ERROR), and
# the residual a name is judged on holds the candidate plus the chain line's lost share: a hump to :func:`is_narrow`
# (real dev uranium/thorium hosts with a Cs-137 source at 10 %: Cs-137 dropped silently, the spectrum cleared). With
# ``minor_companions`` (:func:`hidden_by_minor_chains`) a candidate not named is "not excluded" (never cleared) when the
# chains fitted WITHOUT it, a minor component (a chain or K-40 identified beside a stronger one) read from its lines
# away from the candidate's (the channels within MINOR_REGION_FWHM FWHM of the candidate's lines carrying at least
# MINOR_LINE_SHARE of its strongest line's expected counts left out, as :func:`hidden_under_chain` reads Pb-214 352 keV
# from its companions), leave in those channels the candidate's pattern at identify_sigma, and that residual passes the
# photopeak tests of a name (:func:`_nameable`): the chains have taken all they can, what is left is the candidate's own
# peak. (A second route, a minor component with no line of its own away from the candidate's exchanged for it within
# chi2 9, fired on no real dev spectrum or masked cell and cost an eighth of identify's time: removed, bench/README
# "minorchain".)
MINOR_REGION_FWHM = ROI_HALF_WIDTH_FWHM
MINOR_LINE_SHARE = HIDDEN_SUPPORT_MIN_SHARE
# ``Policy.found_centroid_shape`` (:func:`narrow_at_found`): centroids tried for each of is_narrow's shapes across the
# centroid tolerance (+-CENTROID_TOLERANCE_FWHM FWHM), a step of 0.05 FWHM
NARROW_SCAN_POINTS = 21
# model error of ``known``, as a fraction of its counts (see :func:`tripline.radiation.lowenergy.am241_above`)
KNOWN_MODEL_ERROR = 1.0


@dataclass(frozen=True)
class Column:
    nuclide: Nuclide
    group: str | None
    shape: FloatArray  # unit maximum
    counts_per_activity: float  # maximum of the unnormalised template (counts per unit activity)
    edge: FloatArray | None = None  # Compton-edge model error per channel for amplitude 1 (NORM only)


@dataclass(frozen=True)
class ChainFit:
    matches: tuple[IsotopeMatch, ...]  # NORM components with a positive amplitude, then man-made found
    norm_activity: dict[str, float]  # relative activity of K-40, U-238 chain, Th-232 chain (library units)
    predicted: FloatArray  # counts per channel of the final fit (NORM + man-made found)
    predicted_no_snm: FloatArray  # the same without U-235/Pu-239 (tested by their own rule)
    predicted_norm: FloatArray
    var_model: FloatArray  # variance with the chain model error
    mask: np.ndarray
    chi2: float
    rows: int
    tried: dict[str, float]  # man-made nuclides that were tried and not kept: their chi2 significance
    net: FloatArray  # net peak counts fitted (divided by the efficiency correction, if any)
    var: FloatArray
    efficiency: tuple[float, float]  # (b1, b2) of the efficiency correction; (0, 0) = none
    group_activity: dict[str, float]  # "nuclide/group" -> fitted relative activity of that NORM group
    group_predicted: dict[str, FloatArray]  # "nuclide/group" -> its fitted counts per channel
    unconfirmed: dict[str, str]  # man-made nuclide -> why its lines were not confirmed (not cleared)
    hidden: dict[str, str] = field(default_factory=dict)  # nuclide found under a chain line -> the evidence
    # man-made nuclide -> why its sub-threshold line pair was not taken (PAIR_GAIN_SIGMA)
    pair_rejected: dict[str, str] = field(default_factory=dict)
    # man-made nuclide -> why the global fit's excess is excluded as its photopeak (:func:`local_exclusion`)
    local_excluded: dict[str, str] = field(default_factory=dict)


def _backscatter(nuclide: Nuclide, model: DetectorModel, edges: FloatArray, group: str | None) -> FloatArray:
    """Counts of the backscatter humps of a nuclide's lines per unit activity (all photons scattered)."""
    out = np.zeros(edges.size - 1, dtype=np.float64)
    for line in nuclide.lines:
        if group is not None and line.group != group:
            continue
        e = line.energy_kev
        low, high = backscatter_range_kev(e)
        centre = 0.5 * (low + high)
        if centre < model.low_kev:
            continue
        sigma = math.hypot(model.fwhm_kev(centre) / 2.3548, 0.5 * (high - low))
        area = line.intensity / 100.0 * peak_efficiency(model, centre)
        out += area * gaussian_bins(edges, centre, sigma)
    return out


_COLUMNS: dict[tuple[str, bytes, int, bool], tuple[Library, list[Column]]] = {}
_COLUMNS_MAX = 64


def _columns(model: DetectorModel, edges: FloatArray, library: Library, emanation: bool = True) -> list[Column]:
    """Fit columns for one detector model, calibration and library (cached: spectra of one
    instrument share them). The columns with and without emanation (``emanation``: the radium
    column's progeny at the library's link share, else at equilibrium) are built together from
    the same per-group templates."""
    key = (model.name, np.ascontiguousarray(edges, dtype=np.float64).tobytes(), id(library))
    hit = _COLUMNS.get((*key, emanation))
    if hit is not None and hit[0] is library:
        return hit[1]
    built: dict[bool, list[Column]] = {True: [], False: []}
    for nuclide in library.nuclides:
        named = sorted({ln.group for ln in nuclide.lines if ln.group is not None})
        groups: list[str | None] = list(named) if named else [None]
        norm = nuclide.category is Category.NORM
        # the backscatter humps and Compton-edge errors enter NORM columns only: a man-made column is its template
        parts = {
            g: (
                _template(nuclide, model, edges, g),
                _backscatter(nuclide, model, edges, g) if norm else None,
                _edge_unit(nuclide, g, model, edges) if norm else None,
            )
            for g in groups
        }
        for group in groups:
            for variant, out in built.items():
                col, scatter, edge_own = parts[group]
                edge_sq = None if edge_own is None else edge_own**2
                for other, share in nuclide.group_links.get(group or "", {}).items():
                    share = share if variant else 1.0
                    t, sc, e = parts[other]
                    col = col + share * t
                    if scatter is not None and sc is not None:
                        scatter = scatter + share * sc
                    if edge_sq is not None and e is not None:
                        edge_sq = edge_sq + (share * e) ** 2
                peak = float(col.max())
                if peak <= 0:
                    continue
                if edge_sq is None or scatter is None:
                    out.append(Column(nuclide, group, col / peak, peak))
                    continue
                edge = np.sqrt(edge_sq) / peak
                out.append(Column(nuclide, group, col / peak, peak, edge))
                if scatter.max() > 0:
                    out.append(Column(nuclide, group, (col + BACKSCATTER_MAX * scatter) / peak, peak, edge))
    while len(_COLUMNS) >= _COLUMNS_MAX - 1:
        _COLUMNS.pop(next(iter(_COLUMNS)))
    for variant, out in built.items():
        _COLUMNS[(*key, variant)] = (library, out)
    return built[emanation]


_MASKS: dict[tuple[str, bytes, int], tuple[Library, np.ndarray]] = {}


def _line_mask(model: DetectorModel, edges: FloatArray, library: Library) -> np.ndarray:
    """Channels within 1.5 FWHM of a library line, above the threshold (cached like the columns)."""
    key = (model.name, np.ascontiguousarray(edges, dtype=np.float64).tobytes(), id(library))
    hit = _MASKS.get(key)
    if hit is not None and hit[0] is library:
        return hit[1]
    centers = 0.5 * (edges[:-1] + edges[1:])
    mask = np.zeros(centers.size, dtype=bool)
    for nuclide in library.nuclides:
        for line in nuclide.lines:
            half = ROI_HALF_WIDTH_FWHM * model.fwhm_kev(line.energy_kev)
            mask |= (centers >= line.energy_kev - half) & (centers <= line.energy_kev + half)
    mask &= centers >= model.low_kev + 2.0 * model.fwhm_kev(max(model.low_kev, 1.0))
    mask.setflags(write=False)
    if len(_MASKS) >= _COLUMNS_MAX:
        _MASKS.pop(next(iter(_MASKS)))
    _MASKS[key] = (library, mask)
    return mask


def _efficiency(b: tuple[float, float], centers: FloatArray) -> FloatArray:
    x = np.log(np.clip(centers, 1.0, None) / EFFICIENCY_PIVOT_KEV)
    return np.asarray(np.exp(b[0] * x + b[1] * x * x), dtype=np.float64)


def _efficiency_correction(
    cols: list[Column], net: FloatArray, var: FloatArray, mask: np.ndarray, centers: FloatArray
) -> tuple[float, float]:
    """Smooth correction of the modelled full-energy efficiency, exp(b1 x + b2 x^2) with
    x = ln(E / 300 keV), that best fits the chain lines (a robust chi2: residuals clipped at 5
    sigma, so a man-made line does not bend it). Kept only if it improves that chi2 by 25."""
    sd = np.sqrt(var)

    def cost(b: FloatArray) -> float:
        corr = _efficiency((float(b[0]), float(b[1])), centers)
        x, _ = _fit(cols, net / corr, sd / corr, mask)
        r = (net / corr - _predict(cols, x, net.size))[mask] / (sd / corr)[mask]
        return float(np.minimum(r * r, 25.0).sum())

    start = cost(np.zeros(2))
    best = nelder_mead(cost, np.zeros(2), xatol=0.01, fatol=1.0, maxiter=80)
    b = np.clip(best, -EFFICIENCY_B_MAX, EFFICIENCY_B_MAX)
    if start - cost(b) < 25.0:
        return (0.0, 0.0)
    return (float(b[0]), float(b[1]))


def _edge_unit(nuclide: Nuclide, group: str | None, model: DetectorModel, edges: FloatArray) -> FloatArray:
    """Compton-edge model error per channel of a group's own lines, per unit activity: within one
    FWHM of each edge, EDGE_MODEL_ERROR x the modelled continuum there (lines combined in
    quadrature; a linked group's are added in quadrature by :func:`_columns`)."""
    centers = 0.5 * (edges[:-1] + edges[1:])
    out = np.zeros(centers.size, dtype=np.float64)
    # increasing centres (a calibration): each edge's channels are found within a slice twice its reach (two sorted
    # searches) by the same test, without passes over the whole spectrum
    increasing = centers.size > 1 and np.count_nonzero(centers[1:] > centers[:-1]) == centers.size - 1
    for line in nuclide.lines:
        e = line.energy_kev
        if line.group != group or e > centers[-1] + 200.0:
            continue
        edge = compton_edge_kev(e)
        if edge < model.low_kev:
            continue
        width = model.fwhm_kev(edge)
        span = slice(None)
        if increasing:
            span = slice(int(centers.searchsorted(edge - 2.0 * width)), int(centers.searchsorted(edge + 2.0 * width)))
        at = centers[span]
        near = np.abs(at - edge) <= width
        if not near.any():
            continue
        response = line_response(model, edges, e)[span]
        peak = np.abs(at - e) <= 1.5 * model.fwhm_kev(e)
        level = float(response[near & ~peak].max()) if (near & ~peak).any() else 0.0
        part = out[span]  # a view: written in place
        part[near] = np.hypot(part[near], EDGE_MODEL_ERROR * line.intensity / 100.0 * level)
    return out


def _edge_error(cols: list[Column], x: FloatArray, n: int) -> FloatArray:
    """Model error (counts per channel) of the Compton edges of the fitted NORM lines."""
    var = np.zeros(n, dtype=np.float64)
    for col, xi in zip(cols, x, strict=True):
        if xi > 0 and col.edge is not None:
            var += (xi * col.edge) ** 2
    return np.asarray(np.sqrt(var), dtype=np.float64)


def _main_line(cand: Column, model: DetectorModel, centers: FloatArray, mask: np.ndarray | None = None) -> float | None:
    """Energy of the candidate's line with the most expected counts inside the range (with ``mask``: among
    those whose channel is fitted, not the lead X-ray region, not 511 keV without a background)."""
    best, energy = 0.0, None
    for line in cand.nuclide.lines:
        e = line.energy_kev
        if not model.low_kev < e < centers[-1]:
            continue
        if mask is not None and not mask[min(int(np.searchsorted(centers, e)), centers.size - 1)]:
            continue
        weight = line.intensity * peak_efficiency(model, e)
        if weight > best:
            best, energy = weight, e
    return energy


def is_narrow(
    resid: FloatArray,
    var: FloatArray,
    centers: FloatArray,
    model: DetectorModel,
    energy: float,
    nuclide: Nuclide | None = None,
) -> bool:
    """Is the residual at ``energy`` a photopeak (the detector's FWHM) rather than a hump twice as
    wide (down-scattered photons, backscatter, a Compton edge left by the continuum estimate)?
    Both shapes are fitted with a linear baseline over +-3 FWHM; the narrow one must fit as well.
    With ``nuclide``, the narrow shape is its lines within one FWHM of ``energy`` folded with the
    resolution (Ir-192's 296/308/317-keV triplet is one peak wider than one line on NaI) and the
    wide one the same lines at twice the width."""
    chi2 = _narrow_wide_chi2(resid, var, centers, model, energy, nuclide)
    return chi2 is None or chi2[0] <= chi2[1]


def _narrow_wide_chi2(
    resid: FloatArray,
    var: FloatArray,
    centers: FloatArray,
    model: DetectorModel,
    energy: float,
    nuclide: Nuclide | None = None,
) -> tuple[float, float] | None:
    """The chi2 of :func:`is_narrow`'s narrow and doubled-width shapes (None: fewer than 6 channels, no test)."""
    width = model.fwhm_kev(energy)
    sel = np.abs(centers - energy) <= 3.0 * width
    if sel.sum() < 6:
        return None
    x = centers[sel]
    y = resid[sel]
    sd = np.sqrt(np.maximum(var[sel], 1.0))
    lines = lines_near(model, energy, nuclide)
    chi2 = []
    # the columns written into one C-ordered array (the values and layout of np.stack(..., axis=1), without its wrapper)
    stacked = np.empty((x.size, 3), dtype=np.float64)
    stacked[:, 1] = 1.0
    stacked[:, 2] = x - energy
    for w in (width, 2.0 * width):
        stacked[:, 0] = sum((a * np.exp(-0.5 * ((x - e) / (w / 2.3548)) ** 2) for e, a in lines), np.zeros(x.size))
        design = stacked / sd[:, None]
        coef, *_ = np.linalg.lstsq(design, y / sd, rcond=None)
        r = y / sd - design @ coef
        chi2.append(float(r @ r))
    return chi2[0], chi2[1]


def _local_amplitude(values: FloatArray, var: FloatArray, x: FloatArray, shape: FloatArray) -> tuple[float, float]:
    """Amplitude (in units of ``shape``) and its standard error of ``shape`` plus a straight line fitted to
    ``values`` over the channels given (centres ``x``), weighted by ``var``."""
    sd = np.sqrt(np.maximum(var, 1.0))
    design = np.stack([shape, np.ones_like(x), x - x.mean()], axis=1) / sd[:, None]
    coef, *_ = np.linalg.lstsq(design, values / sd, rcond=None)
    cov = np.linalg.pinv(design.T @ design)
    return float(coef[0]), math.sqrt(max(float(cov[0, 0]), 1e-30))


def other_line_stands(
    nuclide: Nuclide,
    fitted: FloatArray,
    resid: FloatArray,
    base: FloatArray,
    var: FloatArray,
    centers: FloatArray,
    model: DetectorModel,
    main: float,
    mask: np.ndarray,
    identify_sigma: float,
    jointly: bool = False,
) -> str | None:
    """Why a candidate whose main line :func:`is_narrow` rejects (a hump, not a photopeak) is still not
    excluded: another of its lines, more than one FWHM from the main line (is_narrow folds the lines within
    one FWHM into the main shape), expected from the candidate's fitted amplitude (``fitted``, counts per
    channel) at PAIR_EXPECTED_SIGMA, stands at ``identify_sigma`` as a photopeak on the residual ``resid``
    (the candidate's own response within +-1.5 FWHM of that line plus a straight line over +-3 FWHM), its
    error widened by CHAIN_MODEL_ERROR of all the counts the chain fit itself (``base``) puts within +-0.75
    FWHM of the line (in units of the candidate's own counts there: a chain line under or beside it, Pb-214
    351.9 keV by Eu-152 344.3 keV, may be off by that much), and is_narrow at that line. Co-60's 1332.5 keV
    when its 1173.2 keV is on the Compton-edge/hump of a 1 cm3 CsI. With ``jointly`` (``Policy.other_lines_jointly``)
    the line must also be the candidate's: a nuclide's lines come at fixed ratios (NNDC), so the inverse-variance
    mean of the local amplitudes of all its other lines tested so (each in units of its fitted response, each error
    widened alike) must stand at ``identify_sigma`` too; a lone line beside a chain line while the nuclide's stronger
    lines read nothing is the chain model's error, not that nuclide (Eu-152's 1085.8 keV 35 keV below Bi-214's 1120.3
    keV on a 5-day background, its 344.3-keV line at -0.35 of its response). None when no such line stands."""
    used = centers[mask]
    if used.size == 0:
        return None
    main_width = model.fwhm_kev(main)
    readings: list[tuple[float, float, float]] = []  # (energy, amplitude, widened error) of every line tested
    for line in nuclide.lines:
        e = line.energy_kev
        if abs(e - main) <= main_width or not used.min() <= e <= used.max():
            continue
        width = model.fwhm_kev(e)
        roi = np.abs(centers - e) <= 0.75 * width
        sel = np.abs(centers - e) <= 3.0 * width
        if not roi.any() or sel.sum() < 6:
            continue
        expected = float(fitted[roi].sum()) / math.sqrt(max(float(var[roi].sum()), 1.0))
        shape = np.where(np.abs(centers - e) <= 1.5 * width, fitted, 0.0)[sel]
        if expected < PAIR_EXPECTED_SIGMA or shape.sum() <= 0:
            continue
        amp, err = _local_amplitude(resid[sel], var[sel], centers[sel], shape)
        chain = float(base[roi].sum()) / max(float(fitted[roi].sum()), 1e-12)
        readings.append((e, amp, math.hypot(err, CHAIN_MODEL_ERROR * max(chain, 0.0))))
    weights = [1.0 / r[2] ** 2 for r in readings]
    mean = sum(w * r[1] for w, r in zip(weights, readings, strict=True)) / sum(weights) if readings else 0.0
    joint = mean * math.sqrt(sum(weights))
    for e, amp, err in readings:
        z = amp / err
        if z < identify_sigma or not is_narrow(resid, var, centers, model, e, nuclide):
            continue
        reason = (
            f"{nuclide.name} not named: its {main:.1f}-keV line is wider than a photopeak of the detector "
            f"(a scatter hump or Compton edge there), but its {e:.1f}-keV line stands as a photopeak at "
            f"{z:.1f} sigma ({amp:.2f} of the counts its fitted amplitude implies; error widened by "
            f"{CHAIN_MODEL_ERROR:g} of the chain fit's own counts within 0.75 FWHM)"
        )
        if not jointly:
            return reason + ": not excluded, not cleared"
        if joint >= identify_sigma:
            return (
                reason + f", and its {len(readings)} lines tested so stand together at {joint:.1f} sigma "
                f"({mean:.2f} of its fitted response): not excluded, not cleared"
            )
    return None


def local_peak_sigma(
    resid: FloatArray,
    var: FloatArray,
    centers: FloatArray,
    model: DetectorModel,
    energy: float,
    shape: FloatArray,
    mask: np.ndarray,
    hump_kev: float | None = None,
) -> float:
    """Significance of a candidate's photopeaks around its main line above a local linear baseline of
    the residual: within +-LOCAL_WINDOW_FWHM FWHM of ``energy`` (fitted channels of ``mask`` only),
    the candidate's own line pattern ``shape`` (every line of it in the window, at the detector's
    response) plus a straight line, weighted by ``var``; the pattern's amplitude over its standard
    error. A photopeak is a local excess: a residual raised over the whole window (a continuum
    estimate running low) lifts the global fit, not this amplitude. Inf when the window holds too
    few fitted channels or none of the pattern (no test). On the spectrum's maximum (``hump_kev``, where its
    counts smoothed over one FWHM peak, see :func:`spectrum_maximum_kev`; within ``CURVED_WINDOW_FWHM`` FWHM
    of ``energy``, below ``CURVED_BELOW_KEV``) the smaller of this and the same amplitude over a quadratic
    baseline: there the continuum bends (a discriminator turn-on above the type's threshold leaves a
    scattered-photon hump, ~60-140 keV, whose top a straight baseline reads as a single line, e.g. Tc-99m's
    140.5 keV); the curved test can only withhold a name."""
    return min(
        (b.sigma for b in local_peak_bound(resid, var, centers, model, energy, shape, mask, hump_kev)), default=math.inf
    )


@dataclass(frozen=True)
class LocalBound:
    """A candidate's line pattern fitted over a local baseline (:func:`local_peak_bound`), in units of the
    amplitude the global fit gave it: ``ratio`` +- ``error`` (1 = the global amplitude is a photopeak there).
    ``expected_sigma`` = 1 / ``error``: how many standard errors the global amplitude would stand locally."""

    ratio: float
    error: float

    @property
    def expected_sigma(self) -> float:
        return 1.0 / self.error

    @property
    def sigma(self) -> float:
        return self.ratio / self.error


def local_peak_bound(
    resid: FloatArray,
    var: FloatArray,
    centers: FloatArray,
    model: DetectorModel,
    energy: float,
    own: FloatArray,
    mask: np.ndarray,
    hump_kev: float | None = None,
) -> tuple[LocalBound, ...]:
    """The local fit of :func:`local_peak_sigma` (same window, same baselines) with the candidate's fitted
    pattern ``own`` (its global amplitude times its shape) as the unit: the local amplitude as a fraction of
    the global one and its standard error; on the spectrum's maximum the quadratic baseline's fit too. Empty
    when there is no test (too few fitted channels, no pattern in the window)."""
    width = model.fwhm_kev(energy)
    sel = (np.abs(centers - energy) <= LOCAL_WINDOW_FWHM * width) & mask
    g = own[sel]
    if sel.sum() < 6 or not np.any(g > 0):
        return ()
    scale = float(g.max())
    u = (centers[sel] - energy) / width
    fits = [_local_pattern_fit(resid[sel], var[sel], g, u, curved=False)]
    near_top = hump_kev is not None and abs(energy - hump_kev) <= CURVED_WINDOW_FWHM * width
    if near_top and energy < CURVED_BELOW_KEV and sel.sum() >= 8:
        fits.append(_local_pattern_fit(resid[sel], var[sel], g, u, curved=True))
    return tuple(LocalBound(amplitude / scale, error / scale) for amplitude, error in fits)


def local_exclusion(name: str, energy: float, local: float, bounds: tuple[LocalBound, ...]) -> str | None:
    """Why a candidate that fails :func:`local_peak_sigma` (``local`` sigma at ``energy``) is excluded, or None
    (it stays "not excluded, not cleared"). With every local baseline of :func:`local_peak_bound`: the local
    amplitude is consistent with zero (within +-``LOCAL_ZERO_SIGMA`` standard errors: no peak, and no deficit
    either, which would say the residual itself is off there); the amplitude the global fit gave the candidate
    would stand ``LOCAL_EXCLUDE_EXPECTED_SIGMA`` standard errors above that baseline (its photopeak would have
    been seen); and the local amplitude lies ``LOCAL_REJECT_SIGMA`` standard errors below the global one (the
    global amplitude is rejected there). The global excess is then a chain-template or continuum mismatch, not
    the candidate's photopeak."""
    if not bounds or local >= LOCAL_PEAK_SIGMA:
        return None
    for b in bounds:
        if abs(b.sigma) >= LOCAL_ZERO_SIGMA or b.expected_sigma < LOCAL_EXCLUDE_EXPECTED_SIGMA:
            return None
        if (1.0 - b.ratio) / b.error < LOCAL_REJECT_SIGMA:
            return None
    worst = min(bounds, key=lambda b: (1.0 - b.ratio) / b.error)
    least = min(b.expected_sigma for b in bounds)
    return (
        f"{name} excluded: its lines around {energy:.1f} keV stand {local:.1f} sigma above a straight local baseline "
        f"of the residual (+-{LOCAL_WINDOW_FWHM:g} FWHM; within +-{LOCAL_ZERO_SIGMA:g} with every baseline tried) "
        f"where the amplitude the global fit gave it would stand {least:.1f} sigma (at least "
        f"{LOCAL_EXCLUDE_EXPECTED_SIGMA:g}); the local amplitude, {worst.ratio:.2f} +- {worst.error:.2f} of the "
        f"global one, rejects it at {(1.0 - worst.ratio) / worst.error:.1f} sigma (at least {LOCAL_REJECT_SIGMA:g}): "
        "its photopeak would have been seen, the global excess is a chain-template or continuum mismatch"
    )


def _bound_note(bounds: tuple[LocalBound, ...]) -> str:
    """The local amplitude as a fraction of the global one, for an unconfirmed candidate's reason."""
    if not bounds:
        return ""
    b = max(bounds, key=lambda b: b.ratio + LOCAL_ZERO_SIGMA * b.error)
    return (
        f" (local amplitude {b.ratio:.2f} +- {b.error:.2f} of the global fit's, which would stand "
        f"{min(c.expected_sigma for c in bounds):.1f} sigma there)"
    )


_REACH: dict[tuple[str, bytes], tuple[np.ndarray, np.ndarray]] = {}


def _half_fwhm_reach(model: DetectorModel, centers: FloatArray) -> tuple[np.ndarray, np.ndarray]:
    """(first, end) channel of the channels within half a FWHM of each channel (read-only), cached per
    detector and calibration like the fit columns (the FWHM of 1024 channels, one by one, costs more
    than the search): 64 entries of up to 2048 channels, 24 bytes a channel with the key, at most
    3.1 MB; larger spectra (HPGe) are computed per call."""
    cached = centers.size <= CACHED_CHANNELS_MAX
    key = (model.name, np.ascontiguousarray(centers, dtype=np.float64).tobytes() if cached else b"")
    hit = _REACH.get(key) if cached else None
    if hit is not None:
        return hit
    half = 0.5 * np.array(model.fwhm_kev_each(max(e, 1.0) for e in centers.tolist()))
    low = np.searchsorted(centers, centers - half, side="left")
    high = np.searchsorted(centers, centers + half, side="right")
    low.setflags(write=False)
    high.setflags(write=False)
    if not cached:
        return low, high
    if len(_REACH) >= _COLUMNS_MAX:
        _REACH.pop(next(iter(_REACH)))
    _REACH[key] = (low, high)
    return low, high


def spectrum_maximum_kev(counts: FloatArray, centers: FloatArray, model: DetectorModel) -> float | None:
    """Energy where the gross counts, smoothed over one FWHM (at each channel's energy), are highest above
    the type's modelled threshold: with a threshold at the type's one, the turn-on; with one moved up, the
    scattered-photon hump above it (see :func:`local_peak_sigma`). None without counts."""
    y = np.asarray(counts, dtype=np.float64)
    sel = centers > model.low_kev
    if y.size < 8 or not np.any(y[sel] > 0):
        return None
    # each channel's mean over the channels within half a FWHM of it (centres ascend: two sorted searches and a
    # cumulative sum, not a pass over the spectrum per channel)
    low, high = _half_fwhm_reach(model, centers)
    total = np.concatenate(([0.0], np.cumsum(y)))
    smooth = (total[high] - total[low]) / np.maximum(high - low, 1)
    idx = np.flatnonzero(sel)
    return float(centers[idx[int(np.argmax(smooth[idx]))]])


def _local_pattern_fit(
    y: FloatArray, var: FloatArray, g: FloatArray, u: FloatArray, curved: bool
) -> tuple[float, float]:
    """Amplitude of the line pattern ``g`` (in units of ``g``'s largest channel) and its standard error, fitted
    with a straight (or, ``curved``, quadratic) baseline in ``u`` (energy offset in FWHM), weighted by ``var``."""
    sd = np.sqrt(np.maximum(var, 1.0))
    base = [np.ones_like(u), u, u * u] if curved else [np.ones_like(u), u]
    design = np.stack([g / g.max(), *base], axis=1) / sd[:, None]
    coef, *_ = np.linalg.lstsq(design, y / sd, rcond=None)
    cov = np.linalg.pinv(design.T @ design)
    return float(coef[0]), math.sqrt(max(float(cov[0, 0]), 1e-300))


def _xray_deficit(
    cand: Column,
    own: FloatArray,
    resid: FloatArray,
    var: FloatArray,
    centers: FloatArray,
    model: DetectorModel,
    xray_kev: tuple[float, ...],
) -> str | None:
    """Why ``cand`` is not confirmed by its lines inside the lead X-ray region (None if it is, or
    if none of them is testable): see ``XRAY_MIN_FRACTION``."""
    for line in cand.nuclide.lines:
        e = line.energy_kev
        width = model.fwhm_kev(e)
        if e < model.low_kev + width or not any(abs(e - x) <= ROI_HALF_WIDTH_FWHM * width for x in xray_kev):
            continue
        sel = np.abs(centers - e) <= 1.25 * width
        expected = float(own[sel].sum())
        sigma = math.sqrt(max(float(var[sel].sum()), 1.0))
        if expected < XRAY_TESTABLE_SIGMA * sigma:
            continue
        measured = float(resid[sel].sum())
        if measured + XRAY_DEFICIT_SIGMA * sigma < XRAY_MIN_FRACTION * expected:
            return (
                f"{cand.nuclide.name} not confirmed: its {e:.1f}-keV line, inside the lead X-ray region "
                f"(which X-rays can only add to), holds {measured:.0f} +- {sigma:.0f} counts of the "
                f"{expected:.0f} its other lines imply; a chain line beyond the chain's ratio or a shielded "
                "source: not cleared"
            )
    return None


def _ratio_deficit(
    cand: Column,
    own: FloatArray,
    resid: FloatArray,
    var: FloatArray,
    centers: FloatArray,
    model: DetectorModel,
    xray_kev: tuple[float, ...],
) -> str | None:
    """Why ``cand`` is not confirmed by the ratio of its lines (None if it is): see
    ``RATIO_MIN_FRACTION``. Each line's counts are compared with what its most significant line
    implies at the NNDC ratios (``own``: the candidate's template), not with the fitted amplitude.
    Lines in the lead X-ray region have their own rule (:func:`_xray_deficit`)."""
    regions: list[tuple[float, float, float, float]] = []  # (energy, template, measured, sigma)
    taken: list[float] = []
    for line in sorted(cand.nuclide.lines, key=lambda ln: -ln.intensity):
        e = line.energy_kev
        width = model.fwhm_kev(e)
        if e < model.low_kev + width or e > centers[-1] - width or any(abs(e - t) < width for t in taken):
            continue
        if any(abs(e - x) <= ROI_HALF_WIDTH_FWHM * width for x in xray_kev):
            continue
        taken.append(e)
        sel = np.abs(centers - e) <= 1.25 * width
        sigma = math.sqrt(max(float(var[sel].sum()), 1.0))
        regions.append((e, float(own[sel].sum()), float(resid[sel].sum()), sigma))
    regions = [r for r in regions if r[1] > 0]
    if len(regions) < 2:
        return None
    ref = max(regions, key=lambda r: r[2] / r[3])
    scale = ref[2] / ref[1]  # counts per template count, read from the most significant line
    for e, template, measured, sigma in regions:
        implied = scale * template
        if e == ref[0] or implied < RATIO_TESTABLE_SIGMA * sigma:
            continue
        if measured + RATIO_DEFICIT_SIGMA * sigma < RATIO_MIN_FRACTION * implied:
            return (
                f"{cand.nuclide.name} not confirmed: its {e:.1f}-keV line holds {measured:.0f} +- {sigma:.0f} "
                f"counts beyond the chains, under {RATIO_MIN_FRACTION:.0%} of the {implied:.0f} its "
                f"{ref[0]:.1f}-keV line implies at NNDC ratios (detector-model efficiency): an excess beside "
                "a chain line, or a source in an unusual geometry: not cleared"
            )
    return None


def _roi_z(resid: FloatArray, var: FloatArray, pred: FloatArray, roi: np.ndarray) -> tuple[float, float]:
    """Net counts beyond the prediction in ``roi`` and their significance, with the chain model
    error of the prediction there (fully correlated over the region)."""
    excess = float(resid[roi].sum())
    sigma = math.sqrt(max(float(var[roi].sum()) + (CHAIN_MODEL_ERROR * float(pred[roi].sum())) ** 2, 1.0))
    return excess, excess / sigma


def hidden_under_chain(
    nuclide: Nuclide,
    cols: list[Column],
    net: FloatArray,
    var: FloatArray,
    var_model: FloatArray,
    model: DetectorModel,
    edges: FloatArray,
    mask: np.ndarray,
    library: Library,
    identify_sigma: float,
    xray_kev: tuple[float, ...],
) -> tuple[IsotopeMatch, str, bool] | None:
    """``nuclide`` found (True) or not excluded (False) where its strongest line shares a peak with
    a NORM chain line that the chain's companion lines cannot account for (``HIDDEN_LINE_NUCLIDES``);
    None otherwise."""
    centers = 0.5 * (edges[:-1] + edges[1:])
    visible = [
        (ln.energy_kev, ln.intensity * peak_efficiency(model, ln.energy_kev))
        for ln in nuclide.lines
        if model.low_kev + model.fwhm_kev(ln.energy_kev) < ln.energy_kev < centers[-1]
    ]
    outside = [
        v for v in visible if not any(abs(v[0] - x) <= ROI_HALF_WIDTH_FWHM * model.fwhm_kev(v[0]) for x in xray_kev)
    ]
    if not outside:
        return None
    main, main_weight = max(outside, key=lambda v: v[1])
    width = model.fwhm_kev(main)
    chain_lines = [
        ln.energy_kev
        for nuc in library.nuclides
        if nuc.category is Category.NORM
        for ln in nuc.lines
        if abs(ln.energy_kev - main) <= 0.5 * width
    ]
    if not chain_lines:
        return None
    shared = min(chain_lines, key=lambda e: abs(e - main))
    # the chain read from its companions: the region of the shared line left out of the fit
    companions = mask & ~(np.abs(centers - shared) <= ROI_HALF_WIDTH_FWHM * model.fwhm_kev(shared))
    x, _ = _fit(cols, net, np.sqrt(var), companions)
    pred = _predict(cols, x, net.size)
    resid = net - pred
    region = (np.abs(centers - main) <= 0.75 * width) | (np.abs(centers - shared) <= 0.75 * model.fwhm_kev(shared))
    excess, z_main = _roi_z(resid, var, pred, region)
    if z_main < HIDDEN_PRIMARY_SIGMA:
        return None
    norm_lines = [ln.energy_kev for nuc in library.nuclides if nuc.category is Category.NORM for ln in nuc.lines]
    own = _template(nuclide, model, edges)  # the nuclide's photopeaks at its NNDC intensities
    peaks = [PeakSupport(main, main, excess, z_main)]
    zs = [z_main]
    for e, weight in visible:
        if e == main or weight < HIDDEN_SUPPORT_MIN_SHARE * main_weight:
            continue
        w = model.fwhm_kev(e)
        if any(abs(e - n) <= 0.5 * w for n in norm_lines) or abs(e - main) <= w:
            continue  # on a chain line (a companion of the fit), or one peak with the main line
        roi = np.abs(centers - e) <= 0.75 * w
        counts, z = _roi_z(resid, var, pred, roi)
        if any(abs(e - xr) <= ROI_HALF_WIDTH_FWHM * w for xr in xray_kev):
            # X-rays can only add here: too few counts for the shared-line excess excludes the nuclide
            implied = excess * float(own[roi].sum()) / max(float(own[region].sum()), 1e-12)
            sigma = math.sqrt(max(float(var[roi].sum()), 1.0))
            if (
                implied >= XRAY_TESTABLE_SIGMA * sigma
                and counts + XRAY_DEFICIT_SIGMA * sigma < XRAY_MIN_FRACTION * implied
            ):
                return None
            z = min(z, XRAY_SUPPORT_CAP)  # lead and bismuth K X-rays can fill this region too
        zs.append(z)
        peaks.append(PeakSupport(e, None, counts, z))
    combined = sum(zs) / math.sqrt(len(zs))
    if len(zs) < 2 or combined < HIDDEN_REFER_SIGMA:
        return None
    found = combined >= identify_sigma and is_narrow(resid, var_model, centers, model, main, nuclide)
    support = ", ".join(f"{p.energy_kev:.0f} keV {p.significance:+.1f}" for p in peaks[1:])
    reason = (
        f"{nuclide.name} under the chain: the {main:.1f}/{shared:.1f}-keV peak holds {excess:.0f} counts "
        f"({z_main:.1f} sigma) beyond the {float(pred[region].sum()):.0f} that the chain's companion lines imply "
        "at their NNDC ratios "
        f"(fitted without that region, detector-model efficiency and resolution), with its other lines "
        f"beyond the chain ({support} sigma; an 81-keV region counted at most {XRAY_SUPPORT_CAP:g} sigma, "
        f"lead X-rays can fill it): {combined:.1f} sigma combined"
    )
    if not found:
        reason += (
            f", under the {identify_sigma:g} sigma of an identification (or not a photopeak of the detector's "
            f"width): {nuclide.name} not excluded, not cleared"
        )
    confidence = float(ndtr(combined - 3.0)) * 0.5
    return IsotopeMatch(nuclide.name, nuclide.category, confidence, combined, tuple(peaks)), reason, found


def _own_lines_missing(
    nuclide: Nuclide, lines: tuple[tuple[PeakSupport, float], ...], model: DetectorModel, known: FloatArray
) -> str | None:
    """Why a candidate of ``OWN_LINES_KEV`` is not confirmed (one of its own main lines does not stand on the
    residual, :func:`tripline.radiation.peaks._supports`), or None."""
    own = OWN_LINES_KEV.get(nuclide.name)
    if not own or not known.any():
        return None
    seen = {round(p.energy_kev, 3): p for p, _ in lines}
    missing = []
    for energy in own:
        p = seen.get(round(energy, 3))
        if p is None or not _supports(p, model):
            where = (
                "out of range"
                if p is None
                else f"{p.significance:+.1f} sigma"
                + (f", centroid {p.found_kev:.1f} keV" if p.found_kev is not None else "")
            )
            missing.append(f"{energy:.1f} keV ({where})")
    if not missing:
        return None
    needed = ", ".join(f"{e:.1f}" for e in own)
    return (
        f"{nuclide.name} not confirmed: its own line(s) {', '.join(missing)} do not stand on what the chains and "
        f"the Am-241 source's weak lines leave (each of {needed} keV is needed); not cleared"
    )


def u235_companions(
    cols: list[Column], x: FloatArray, model: DetectorModel, edges: FloatArray, library: Library
) -> FloatArray:
    """Counts per channel of U-235's 143.8/163.4/205.3-keV lines (``U235_COMPANIONS``) at their NNDC ratios to
    the 185.7-keV line of the uranium group fitted in ``cols`` (amplitudes ``x``), at the detector's
    resolution and model efficiency."""
    out = np.zeros(edges.size - 1, dtype=np.float64)
    if "U-238 chain" not in library.names:
        return out
    main = next(
        (
            ln
            for ln in library.get("U-238 chain").lines
            if ln.group == "uranium" and abs(ln.energy_kev - U235_MAIN_LINE[0]) < 0.5
        ),
        None,
    )
    activity = sum(
        xi / c.counts_per_activity
        for c, xi in zip(cols, x, strict=True)
        if c.nuclide.name == "U-238 chain" and c.group == "uranium" and xi > 0
    )
    if main is None or activity <= 0:
        return out
    for energy, intensity in U235_COMPANIONS:
        if energy < model.low_kev or energy > edges[-1]:
            continue
        sigma = model.fwhm_kev(energy) / 2.3548
        area = main.intensity * intensity / U235_MAIN_LINE[1] / 100.0 * peak_efficiency(model, energy)
        out += activity * area * gaussian_bins(edges, energy, sigma)
    return out


def _fit(
    cols: list[Column],
    net: FloatArray,
    sd: FloatArray,
    mask: np.ndarray,
    near: FloatArray | None = None,
    masked: dict[int, FloatArray] | None = None,
) -> tuple[FloatArray, float]:
    """(x >= 0, chi2) of the columns fitted to ``net``. ``near``: one value per column from a nearby
    fit (the same columns less one, the fit's own coefficients with a positive value for an added
    column), whose positive entries start free in the active set
    (:func:`tripline.radiation.numerics.bvls`, a warm start: fewer steps, the same solution).
    ``masked``: the columns' fitted channels already cut (:func:`_masked_by`), filled as they are cut."""
    if not cols:
        b = net[mask] / sd[mask]
        return np.zeros(0), float(b @ b)
    cut = (lambda c: c.shape[mask]) if masked is None else _masked_by(masked, mask)
    rows = sd[mask]
    a = design_matrix([cut(c) for c in cols], rows)
    b = net[mask] / rows
    free = None if near is None else np.asarray(near) > 0
    x, resid = nnls(a, b, maxiter=50 * len(cols), free=free)
    return np.asarray(x, dtype=np.float64), float(resid) ** 2


def _masked_by(masked: dict[int, FloatArray], mask: np.ndarray) -> Callable[[Column], FloatArray]:
    """A column's channels in ``mask``, kept in ``masked`` (by the column's id: one chain fit tries
    every candidate on the same channels, 20-40 fits of the same 10-20 columns)."""

    def cut(col: Column) -> FloatArray:
        got = masked.get(id(col))
        if got is None:
            got = masked[id(col)] = col.shape[mask]
        return got

    return cut


def _predict(cols: list[Column], x: FloatArray, n: int) -> FloatArray:
    out = np.zeros(n, dtype=np.float64)
    for c, xi in zip(cols, x, strict=True):
        if xi > 0:
            out += xi * c.shape
    return out


def pair_gain_spread(
    pair: list[PeakSupport],
    resid: FloatArray,
    var: FloatArray,
    model: DetectorModel,
    centers: FloatArray,
    predicted: FloatArray,
) -> float:
    """How many standard errors apart the local energy scales of two lines are (``PAIR_GAIN_SIGMA``):
    each line's found centroid (the weights are the positive residual counts, as :func:`_line_support`)
    over the centroid the nuclide's own fitted lines give in the same region (on a scintillator the
    regions of 1173 and 1332 keV overlap, and each holds the other's flank), the centroid's error from
    the variance of the channels of its region."""
    gains: list[tuple[float, float]] = []
    for p in sorted(pair, key=lambda q: -q.significance)[:2]:
        e = p.energy_kev
        half = 1.25 * model.fwhm_kev(e)
        roi = (centers >= e - half) & (centers <= e + half)
        w = np.clip(resid[roi], 0.0, None)
        if w.sum() <= 0:
            return 0.0
        shape = np.clip(predicted[roi], 0.0, None)
        if shape.sum() <= 0:
            return 0.0
        own = float((centers[roi] * shape).sum() / shape.sum())
        found = float((centers[roi] * w).sum() / w.sum())
        err = math.sqrt(float(((centers[roi] - found) ** 2 * var[roi]).sum())) / float(w.sum())
        gains.append((found / own, err / own))
    if len(gains) < 2:
        return 0.0
    (g1, s1), (g2, s2) = gains
    sd = math.hypot(s1, s2)
    return abs(g1 - g2) / sd if sd > 0 else 0.0


def _line_region(nuclide: Nuclide, model: DetectorModel, centers: FloatArray) -> np.ndarray:
    """Channels within MINOR_REGION_FWHM FWHM of every line of ``nuclide`` inside the range whose expected counts
    (intensity x model peak efficiency) reach MINOR_LINE_SHARE of its strongest line's."""
    visible = [
        (ln.energy_kev, ln.intensity * peak_efficiency(model, ln.energy_kev))
        for ln in nuclide.lines
        if model.low_kev < ln.energy_kev < centers[-1]
    ]
    region = np.zeros(centers.size, dtype=bool)
    if not visible:
        return region
    top = max(w for _, w in visible)
    for e, w in visible:
        if w >= MINOR_LINE_SHARE * top:
            region |= np.abs(centers - e) <= MINOR_REGION_FWHM * model.fwhm_kev(e)
    return region


def _one_line_stands(lines: Sequence[tuple[PeakSupport, float]], model: DetectorModel) -> bool:
    """One of a candidate's lines expected and seen at STRONGEST_LINE_SIGMA at its own energy (:func:`_supports`)."""
    return any(
        z >= STRONGEST_LINE_SIGMA and p.significance >= STRONGEST_LINE_SIGMA and _supports(p, model) for p, z in lines
    )


def _pair_lines(lines: Sequence[tuple[PeakSupport, float]], model: DetectorModel) -> list[PeakSupport]:
    """A candidate's lines expected at PAIR_EXPECTED_SIGMA and seen at PAIR_SEEN_SIGMA at their own energies: the
    lines a cascade pair (Co-60's 1173/1332 keV) may stand on together."""
    return [
        p for p, z in lines if z >= PAIR_EXPECTED_SIGMA and p.significance >= PAIR_SEEN_SIGMA and _supports(p, model)
    ]


def narrow_at_found(
    lines: Sequence[tuple[PeakSupport, float]],
    resid: FloatArray,
    var: FloatArray,
    centers: FloatArray,
    model: DetectorModel,
    energy: float,
    nuclide: Nuclide,
    fixed_kev: tuple[float, ...] = (),
) -> bool:
    """:func:`is_narrow` off the library energy, within the centroid tolerance the line-support test allows
    (:func:`tripline.radiation.peaks._supports`: CENTROID_TOLERANCE_FWHM FWHM; two devices' energy scales, a
    calibration from lines elsewhere): the narrow shape fits at least as well as the doubled-width one with both
    centred where the candidate's line at ``energy`` was found on ``resid`` (its centroid in ``lines``, when that
    centroid supports the line), or with each shape at its own best centroid within the tolerance (the centroid a
    nuisance parameter, NARROW_SCAN_POINTS positions). Judged at the library energy only, a photopeak found off it is
    a narrow peak beside the narrow shape and the doubled width covers both (dev Caldasite + Cs-137 30 %: found
    14-17 keV above 661.7 keV, a peak of the detector's width there). Not moved for a main line within the tolerance
    of an energy of ``fixed_kev`` (the library's annihilation line, 511 keV): a strong chain makes that line itself
    (pair production of Tl-208's 2614.5-keV photons in the sample, which no paired background holds), so a narrow
    excess found near it says nothing of a positron emitter (dev Morro do Ferro with its background: F-18/Na-22
    would be referred). False when neither holds (the caller tests the library energy itself)."""
    width = model.fwhm_kev(energy)
    if any(abs(energy - f) <= CENTROID_TOLERANCE_FWHM * width for f in fixed_kev):
        return False
    seen = [p for p, _ in lines if abs(p.energy_kev - energy) < width and _supports(p, model)]
    found = None if not seen or seen[0].found_kev is None else seen[0].found_kev - seen[0].energy_kev
    # both shapes and their window moved together: the same comparison on the shifted energy axis
    if found is not None and is_narrow(resid, var, centers - found, model, energy, nuclide):
        return True
    best = [math.inf, math.inf]
    for shift in np.linspace(-CENTROID_TOLERANCE_FWHM, CENTROID_TOLERANCE_FWHM, NARROW_SCAN_POINTS) * width:
        chi2 = _narrow_wide_chi2(resid, var, centers - shift, model, energy, nuclide)
        if chi2 is None:
            return False
        best = [min(best[0], chi2[0]), min(best[1], chi2[1])]
    return best[0] <= best[1]


def _nameable(
    cand: Column,
    own: FloatArray,
    resid: FloatArray,
    var: FloatArray,
    model: DetectorModel,
    centers: FloatArray,
    mask: np.ndarray,
    hump_kev: float | None,
    at_found: bool = False,
    fixed_kev: tuple[float, ...] = (),
    on_hump_sigma: float | None = None,
) -> bool:
    """Would ``cand`` (fitted counts ``own``) pass the photopeak tests :func:`chain_fit` asks of a name, on the
    residual ``resid`` (errors ``var``) of the fit it is part of: a line expected and seen at STRONGEST_LINE_SIGMA
    at its energy, or two at PAIR_EXPECTED_SIGMA / PAIR_SEEN_SIGMA on one energy scale (PAIR_GAIN_SIGMA); its main
    line a photopeak of the detector's width (:func:`is_narrow`); its lines over a local baseline at
    LOCAL_PEAK_SIGMA (:func:`local_peak_sigma`). With ``on_hump_sigma`` (``Policy.hump_photopeak``) a main line in
    the scatter hump's region may instead stand as a photopeak over the best hump at that significance
    (:func:`tripline.radiation.hump.photopeak_on_hump`)."""
    lines = _line_support(cand.nuclide, own, resid, var, model, centers)
    if not _one_line_stands(lines, model):
        pair = _pair_lines(lines, model)
        if len(pair) < 2 or pair_gain_spread(pair, resid, var, model, centers, own) > PAIR_GAIN_SIGMA:
            return False
    main = _main_line(cand, model, centers)
    narrow = main is None or is_narrow(resid, var, centers, model, main, cand.nuclide)
    if not (narrow or at_found or on_hump_sigma is not None):
        return False
    fitted = _main_line(cand, model, centers, mask)
    if (
        fitted is not None
        and local_peak_sigma(resid, var, centers, model, fitted, own, mask, hump_kev) < LOCAL_PEAK_SIGMA
    ):
        return False
    # a photopeak at its library energy, or (``at_found``) off it within the centroid tolerance: the costlier centroid
    # scan (:func:`narrow_at_found`) taken after the local test, which makes it needless on most real NORM readings
    # (the same conjunction in either order)
    if narrow:
        return True
    assert main is not None
    if at_found and narrow_at_found(lines, resid, var, centers, model, main, cand.nuclide, fixed_kev):
        return True
    return on_hump_sigma is not None and photopeak_on_hump(
        resid, var, centers, model, main, cand.nuclide, on_hump_sigma
    )


def _companion_excess(
    final: list[Column],
    x_all: FloatArray,
    cand: Column,
    minors: set[str],
    net: FloatArray,
    sd: FloatArray,
    mask: np.ndarray,
    model: DetectorModel,
    centers: FloatArray,
    masked: dict[int, FloatArray] | None = None,
) -> tuple[float, FloatArray, FloatArray, list[str]] | None:
    """The minor components read from their companions: ``final`` fitted with the channels of ``cand``'s lines
    (:func:`_line_region`) left out gives the amplitudes of the components named in ``minors``; the other components
    are then fitted on every channel beside them, and ``cand``'s template is fitted to what is left in those
    channels (errors ``sd``). (significance, the candidate's fitted counts, the residual, the minor components of
    ``minors`` with at least one fitted count there), or None when the region holds no fitted channel. ``masked``: the
    columns' channels in ``mask`` already cut (:func:`_masked_by`, the chain fit's own)."""
    region = _line_region(cand.nuclide, model, centers)
    inside = mask & region
    if not inside.any():
        return None
    is_minor = np.asarray([c.nuclide.name in minors for c in final])
    others = [c for c, m in zip(final, is_minor, strict=True) if not m]
    if is_minor.any():
        outside = mask & ~region
        # the columns on those channels: the chain fit's cut columns cut again (the same values in the same order)
        sub: dict[int, FloatArray] | None = None
        if masked is not None:
            keep = ~region[mask]
            parent = _masked_by(masked, mask)
            sub = {id(c): parent(c)[keep] for c in final}
        x_out, _ = _fit(final, net, sd, outside, near=x_all, masked=sub)
        held = _predict([c for c, m in zip(final, is_minor, strict=True) if m], x_out[is_minor], net.size)
        # the other components (the strong chain, man-made nuclides found) fitted on every channel beside the minor
        # ones read away from the region: a strong chain's own line there (Pb-212 238.6 keV in In-111's 245.4-keV
        # region) is its own, not what a minor component may hide
        x_others, _ = _fit(others, net - held, sd, mask, near=x_all[~is_minor], masked=masked)
    else:
        # no minor component: the others' fit on every channel is the chain fit's own last fit
        held, x_others = np.zeros(net.size), x_all
    holding = sorted(
        {
            c.nuclide.name
            for c, xi in zip(final, x_all, strict=True)
            if c.nuclide.name in minors and xi > 0 and float(c.shape[inside].sum()) * xi >= 1.0
        }
    )
    resid = net - held - _predict(others, x_others, net.size)
    read = shape_amplitude(resid, sd**2, cand.shape, inside)
    if read is None:
        return None
    amplitude, z = read
    return z, amplitude * cand.shape, resid, holding


def hidden_by_minor_chains(
    final: list[Column],
    x_all: FloatArray,
    candidates: list[Column],
    matches: list[IsotopeMatch],
    net: FloatArray,
    sd: FloatArray,
    mask: np.ndarray,
    model: DetectorModel,
    centers: FloatArray,
    identify_sigma: float,
    hump_kev: float | None = None,
    at_found: bool = False,
    fixed_kev: tuple[float, ...] = (),
    masked: dict[int, FloatArray] | None = None,
    on_hump: bool = False,
) -> dict[str, str]:
    """Man-made candidates the NORM chains may be hiding (the comment above ``MINOR_REGION_FWHM``): candidate name ->
    why it is not excluded. ``final`` (amplitudes ``x_all`` on ``net`` over ``mask`` with errors ``sd``: the chain model
    error included) is the chain fit's last fit; ``matches`` its components, the NORM ones identified at
    ``identify_sigma`` beside the strongest being the minor ones; ``candidates`` the man-made columns not selected;
    ``hump_kev`` the spectrum's maximum (:func:`local_peak_sigma`); ``masked`` the chain fit's cut columns
    (:func:`_masked_by`); ``on_hump``: a main line on the scatter hump may stand over the best hump at
    ``identify_sigma`` (:func:`_nameable`, ``Policy.hump_photopeak``).

    The photopeak tests (:func:`_nameable`) are those a name needs: a scatter hump that the candidate's
    template fits better than the chains do (Tc-99m's 140.5 keV on a 1 cm3 CsI, the real dev NORM rows) is no
    photopeak of the candidate and refers nothing. The rule only adds "not excluded" readings: it never names a
    nuclide, and never clears what the fit would refer. Applied only when a NORM component is identified (a
    clearance by the chains is at stake)."""
    natural = sorted(
        (m for m in matches if m.category is Category.NORM and m.significance >= identify_sigma),
        key=lambda m: -m.significance,
    )
    out: dict[str, str] = {}
    minors = {m.nuclide for m in natural[1:]}
    for cand in candidates if natural else []:
        read = _companion_excess(final, x_all, cand, minors, net, sd, mask, model, centers, masked)
        if read is None or read[0] < identify_sigma:
            continue
        z, own, resid, holding = read
        test = "a photopeak by the tests a name needs"
        if not _nameable(cand, own, resid, sd**2, model, centers, mask, hump_kev, at_found, fixed_kev):
            if not on_hump or not _nameable(
                cand, own, resid, sd**2, model, centers, mask, hump_kev, at_found, fixed_kev, identify_sigma
            ):
                continue
            test = (
                f"a photopeak at its library energy over a broad scatter hump of free position and width at "
                f"{identify_sigma:g} sigma (error scaled by the fit's misfit), the line-support and local tests a name "
                "needs passed"
            )
        away_note = f"; the minor {', '.join(holding)} read from its lines away from them" if holding else ""
        out[cand.nuclide.name] = (
            f"{cand.nuclide.name} not excluded: the NORM chains fitted without it{away_note} (its lines' channels, "
            f"within {MINOR_REGION_FWHM:g} FWHM, left out) leave there {cand.nuclide.name}'s photopeak pattern at "
            f"{z:.1f} sigma (chain model error included), {test}; fitted together with it, the chain lines beside it "
            "share its counts and it was not named: not cleared"
        )
    return out


def chain_fit(
    net: FloatArray,
    var: FloatArray,
    model: DetectorModel,
    edges: FloatArray,
    library: Library,
    ignore_kev: tuple[float, ...] = (),
    identify_sigma: float = 4.0,
    emanation: bool = True,
    known: FloatArray | None = None,
    gross: FloatArray | None = None,
    per_fwhm: bool = False,
    minor_companions: bool = False,
    found_centroid: bool = False,
    other_lines_jointly: bool = False,
    on_hump: bool = False,
) -> ChainFit:
    """NORM templates first, then man-made nuclides on what they leave (see the module doc).

    ``known``: counts per channel of a component measured outside this fit (the weak lines of an Am-241
    source identified at 59.5 keV, :func:`tripline.radiation.lowenergy.am241_above`). It is taken out of
    the counts fitted, with ``KNOWN_MODEL_ERROR`` of its counts added to the model variance, and put back
    into ``predicted`` and ``predicted_no_snm``: ``net`` is returned as given, so ``net - predicted`` is
    the residual with it explained. ``gross``: the spectrum's counts, to locate its maximum
    (:func:`spectrum_maximum_kev`, the curved local test of :func:`local_peak_sigma`). ``per_fwhm``: the per-channel
    model errors (chain, Compton edges, ``known``) scaled by :func:`tripline.radiation.spectral.model_variance_scale`
    (binning-independent). ``minor_companions``: a candidate whose photopeak the chains leave when fitted without it
    is not excluded (:func:`hidden_by_minor_chains`); ``on_hump``: there, a main line on the scatter hump may stand over
    the best hump (``Policy.hump_photopeak``, :mod:`tripline.radiation.hump`)."""
    centers = 0.5 * (edges[:-1] + edges[1:])
    n = centers.size
    hump_kev = None if gross is None else spectrum_maximum_kev(gross, centers, model)
    known_c = np.zeros(n) if known is None else np.asarray(known, dtype=np.float64)
    columns = _columns(model, edges, library, emanation)
    mask = _line_mask(model, edges, library).copy()
    for energy in ignore_kev:
        half = ROI_HALF_WIDTH_FWHM * model.fwhm_kev(energy)
        mask &= ~((centers >= energy - half) & (centers <= energy + half))
    norm_cols = [c for c in columns if c.nuclide.category is Category.NORM]
    resolving = model.fwhm_kev(400.0) < RESOLVING_FWHM_KEV
    man_cols = [
        c for c in columns if c.nuclide.category is not Category.NORM and (resolving or c.nuclide.name != "Pu-239")
    ]
    efficiency = (0.0, 0.0)
    if model.kind == "hpge":
        efficiency = _efficiency_correction(norm_cols, net, var, mask, centers)
        corr = _efficiency(efficiency, centers)
        net, var = net / corr, var / corr**2
        known_c = known_c / corr
    net_given = net
    net = net - known_c
    sd = np.sqrt(var)
    masked: dict[int, FloatArray] = {}  # the columns' fitted channels (_masked_by)
    cut = _masked_by(masked, mask)
    x_norm, _ = _fit(norm_cols, net, sd, mask, masked=masked)
    predicted_norm = _predict(norm_cols, x_norm, n)
    edges_sd = _edge_error(norm_cols, x_norm, n)
    if per_fwhm:
        model_var = (CHAIN_MODEL_ERROR * predicted_norm) ** 2 + edges_sd**2 + (KNOWN_MODEL_ERROR * known_c) ** 2
        var_model = var + model_var * model_variance_scale(model, edges)
    else:
        var_model = var + (CHAIN_MODEL_ERROR * predicted_norm) ** 2 + edges_sd**2 + (KNOWN_MODEL_ERROR * known_c) ** 2
    sd_model = np.sqrt(var_model)

    selected: list[Column] = []
    # what a candidate other than U-235/Pu-239 is tried on: the net counts less natural uranium's U-235
    # 143.8/163.4/205.3-keV lines (``U235_COMPANIONS``)
    companions = u235_companions(norm_cols, x_norm, model, edges, library)
    net_made = net - companions if companions.any() else net

    def target(cand: Column) -> FloatArray:
        return net if cand.nuclide.category is Category.SNM else net_made

    x_now, chi2_now = _fit(norm_cols, net, sd_model, mask, near=x_norm, masked=masked)
    x_made, chi2_made = (
        _fit(norm_cols, net_made, sd_model, mask, near=x_now, masked=masked)
        if net_made is not net
        else (x_now, chi2_now)
    )
    tried: dict[str, float] = {}
    unconfirmed: dict[str, str] = {}
    pair_note: dict[str, str] = {}
    local_excluded: dict[str, str] = {}
    xray = library.shield_lines_kev
    weights = 1.0 / sd_model[mask]
    while len(selected) < MAX_MAN_MADE:
        # the residuals of the fit without a candidate, weighted: a candidate whose column does not point
        # along them (gradient <= 0) leaves that fit optimal, gains nothing, and is not fitted
        resid_now = (net - _predict([*norm_cols, *selected], x_now, n))[mask] * weights
        # without U-235 companions the two fits are one (net_made is net, x_made is x_now): the same residual
        same = net_made is net and x_made is x_now
        resid_made = resid_now if same else (net_made - _predict([*norm_cols, *selected], x_made, n))[mask] * weights
        ranked: list[tuple[float, Column, FloatArray | None]] = []
        for cand in man_cols:
            if cand in selected or not np.any(cut(cand) > 0.01):
                continue
            snm = cand.nuclide.category is Category.SNM
            if identify_sigma > 0 and float((cut(cand) * weights) @ (resid_now if snm else resid_made)) <= 0:
                ranked.append((0.0, cand, None))
                continue
            x_cand, chi2_with = _fit(
                [*norm_cols, *selected, cand],
                target(cand),
                sd_model,
                mask,
                near=np.append(x_now if snm else x_made, 1.0),
                masked=masked,
            )
            now = chi2_now if snm else chi2_made
            ranked.append((max(now - chi2_with, 0.0), cand, x_cand))
        ranked.sort(key=lambda gc: -gc[0])
        kept = None
        for gain, cand, x in ranked:
            if math.sqrt(gain) < identify_sigma:
                break
            cols = [*norm_cols, *selected, cand]
            counts = target(cand)
            if x is None:
                x, _ = _fit(cols, counts, sd_model, mask, masked=masked)
            base = _predict(cols[:-1], x[:-1], n)
            # its lines are measured on the residual: a line the chains explain supports nothing
            lines = _line_support(cand.nuclide, x[-1] * cand.shape, counts - base, var_model, model, centers)
            match = _match(cand.nuclide, math.sqrt(gain), lines, model)
            tried[cand.nuclide.name] = match.significance
            if not _one_line_stands(lines, model):
                # a nuclide needs one photopeak expected and seen at 3 sigma on its own, never only
                # a sum of sub-threshold bumps (real spectra hold weak chain lines the library lacks),
                # unless two of its lines, each expected at 2 sigma, are each seen at 2.5 sigma at
                # their own energies and together at identify_sigma (Co-60's 1173/1332-keV cascade)
                pair = _pair_lines(lines, model)
                combined = sum(p.significance for p in pair) / math.sqrt(max(len(pair), 1))
                if len(pair) < 2 or combined < identify_sigma:
                    continue
                apart = pair_gain_spread(pair, counts - base, var_model, model, centers, x[-1] * cand.shape)
                if apart > PAIR_GAIN_SIGMA:
                    pair_note[cand.nuclide.name] = (
                        f"{cand.nuclide.name} not named: its only evidence is a pair of sub-threshold lines ("
                        + ", ".join(
                            f"{p.energy_kev:.1f} keV seen at {p.found_kev:.1f} keV, {p.significance:.1f} sigma"
                            for p in pair
                        )
                        + f") whose centroids imply energy scales {apart:.1f} standard errors apart (more than "
                        f"{PAIR_GAIN_SIGMA:g}): not one cascade"
                    )
                    tried[cand.nuclide.name] = 0.0
                    continue
            main = _main_line(cand, model, centers)
            if main is not None and not is_narrow(counts - base, var_model, centers, model, main, cand.nuclide):
                tried[cand.nuclide.name] = 0.0
                other = other_line_stands(
                    cand.nuclide,
                    x[-1] * cand.shape,
                    counts - base,
                    base,
                    var_model,
                    centers,
                    model,
                    main,
                    mask,
                    identify_sigma,
                    jointly=other_lines_jointly,
                )
                if other is not None:
                    unconfirmed[cand.nuclide.name] = other
                continue
            deficit = _xray_deficit(cand, x[-1] * cand.shape, counts - base, var_model, centers, model, xray)
            if deficit is None:
                deficit = _ratio_deficit(cand, x[-1] * cand.shape, counts - base, var_model, centers, model, xray)
            if deficit is None:
                deficit = _own_lines_missing(cand.nuclide, lines, model, known_c)
            if deficit is not None and match.significance >= identify_sigma:
                unconfirmed[cand.nuclide.name] = deficit
                tried[cand.nuclide.name] = 0.0
                continue
            if match.significance >= identify_sigma:
                fitted = _main_line(cand, model, centers, mask)
                bounds = (
                    ()
                    if fitted is None
                    else local_peak_bound(
                        counts - base, var_model, centers, model, fitted, x[-1] * cand.shape, mask, hump_kev
                    )
                )
                local = min((b.sigma for b in bounds), default=math.inf)
                if fitted is not None and local < LOCAL_PEAK_SIGMA:
                    tried[cand.nuclide.name] = 0.0
                    excluded = local_exclusion(cand.nuclide.name, fitted, local, bounds)
                    if excluded is not None:
                        local_excluded[cand.nuclide.name] = excluded
                        continue
                    # else never a clearance: without its name the candidate's excess is still unexplained
                    unconfirmed[cand.nuclide.name] = (
                        f"{cand.nuclide.name} not named: its lines around {fitted:.1f} keV"
                        f" stand {local:.1f} sigma above "
                        f"a straight local baseline of the residual (+-{LOCAL_WINDOW_FWHM:g} FWHM; less than "
                        f"{LOCAL_PEAK_SIGMA:g}): a raised continuum rather than a photopeak; not excluded, not cleared"
                        + _bound_note(bounds)
                    )
                    continue
                kept = cand
                break
        if kept is None:
            break
        selected.append(kept)
        tried.pop(kept.nuclide.name, None)
        x_now, chi2_now = _fit([*norm_cols, *selected], net, sd_model, mask, near=np.append(x_now, 1.0), masked=masked)
        x_made, chi2_made = (
            _fit([*norm_cols, *selected], net_made, sd_model, mask, near=np.append(x_made, 1.0), masked=masked)
            if net_made is not net
            else (x_now, chi2_now)
        )

    final = [*norm_cols, *selected]
    x_all, chi2_all = x_now, chi2_now  # the fit of ``final`` to ``net``
    predicted = _predict(final, x_all, n) + known_c
    not_snm = [(c, xi) for c, xi in zip(final, x_all, strict=True) if c.nuclide.category is not Category.SNM]
    predicted_no_snm = _predict([c for c, _ in not_snm], np.asarray([xi for _, xi in not_snm]), n) + known_c
    matches: list[IsotopeMatch] = []
    names = list(dict.fromkeys(c.nuclide.name for c in final))
    for name in names:
        mine = [i for i, c in enumerate(final) if c.nuclide.name == name]
        if not any(x_all[i] > 0 for i in mine):
            continue
        others = [c for i, c in enumerate(final) if i not in mine]
        near = np.asarray([x_all[i] for i in range(len(final)) if i not in mine])
        _, chi2_without = _fit(others, net, sd_model, mask, near=near, masked=masked)
        significance = math.sqrt(max(chi2_without - chi2_all, 0.0))
        nuclide = final[mine[0]].nuclide
        own = sum((x_all[i] * final[i].shape for i in mine), np.zeros(n))
        if nuclide.category is Category.NORM:
            lines = _line_support(nuclide, own, net, var, model, centers)
        else:
            rest = _predict(others, np.asarray([x_all[i] for i in range(len(final)) if i not in mine]), n)
            lines = _line_support(nuclide, own, net - rest, var_model, model, centers)
        matches.append(_match(nuclide, significance, lines, model))
    norm_activity: dict[str, float] = {}
    for c, xi in zip(norm_cols, x_all[: len(norm_cols)], strict=True):
        activity = xi / c.counts_per_activity
        norm_activity[c.nuclide.name] = max(norm_activity.get(c.nuclide.name, 0.0), activity)
    group_activity: dict[str, float] = {}
    group_predicted: dict[str, FloatArray] = {}
    for c, xi in zip(norm_cols, x_all[: len(norm_cols)], strict=True):
        key = f"{c.nuclide.name}/{c.group or ''}"
        group_activity[key] = group_activity.get(key, 0.0) + xi / c.counts_per_activity
        group_predicted[key] = group_predicted.get(key, np.zeros(n)) + xi * c.shape
    hidden: dict[str, tuple[IsotopeMatch, str]] = {}
    # Without a background spectrum the surroundings' radon progeny is in the spectrum. With one, only
    # a weak net U-238 chain (identified, under HIDDEN_WEAK_CHAIN_SIGMA) is tested: there the chain may
    # rest on the very peak a man-made line makes (Pb-214 352 keV and Bi-214 609 keV are in equilibrium
    # with each other in any sample's net counts, so the chain's share of the peak is fixed by its
    # companions); a chain identified beyond it holds its lines without that peak.
    uranium = next((m for m in matches if m.nuclide == "U-238 chain"), None)
    weak = uranium is not None and identify_sigma <= uranium.significance < HIDDEN_WEAK_CHAIN_SIGMA
    if not emanation or weak:
        found = {c.nuclide.name for c in selected}
        for name in HIDDEN_LINE_NUCLIDES:
            if name in found or name not in library.names:
                continue
            hit = hidden_under_chain(
                library.get(name),
                [*norm_cols, *selected],
                net,
                var,
                var_model,
                model,
                edges,
                mask,
                library,
                identify_sigma,
                xray,
            )
            if hit is not None and hit[2] and not emanation:
                hidden[name] = (hit[0], hit[1])
            elif hit is not None:
                # with a background the test only withholds clearance: it names no nuclide
                unconfirmed[name] = hit[1] if not hit[2] else f"{hit[1]}: {name} not excluded, not cleared"

    # a man-made nuclide named already refers the spectrum, and identify then gives no "not excluded" reason (its
    # verdict comes from the named one): the reading is not needed (an eighth of identify's time on the real spectra)
    if minor_companions and not any(
        m.category in (Category.INDUSTRIAL, Category.MEDICAL) and m.significance >= identify_sigma
        for m in (*matches, *(m for m, _ in hidden.values()))
    ):
        made = [c for c in man_cols if c.nuclide.category is not Category.SNM and c not in selected]
        for name, why in hidden_by_minor_chains(
            final,
            x_all,
            made,
            matches,
            net,
            sd_model,
            mask,
            model,
            centers,
            identify_sigma,
            hump_kev,
            found_centroid,
            library.background_lines_kev,
            masked,
            on_hump,
        ).items():
            unconfirmed.setdefault(name, why)
    matches.extend(m for m, _ in hidden.values())
    return ChainFit(
        matches=tuple(sorted(matches, key=lambda m: (m.category is not Category.NORM, -m.significance))),
        norm_activity=norm_activity,
        predicted=predicted,
        predicted_no_snm=predicted_no_snm,
        predicted_norm=_predict(norm_cols, x_all[: len(norm_cols)], n),
        var_model=var_model,
        mask=mask,
        chi2=chi2_all,
        rows=int(mask.sum()),
        tried=tried,
        net=net_given,
        var=var,
        efficiency=efficiency,
        group_activity=group_activity,
        group_predicted=group_predicted,
        unconfirmed={
            k: v for k, v in unconfirmed.items() if k not in {c.nuclide.name for c in selected} and k not in hidden
        },
        hidden={k: reason for k, (_, reason) in hidden.items()},
        pair_rejected={k: v for k, v in pair_note.items() if k not in {c.nuclide.name for c in selected}},
        local_excluded={
            k: v
            for k, v in local_excluded.items()
            if k not in {c.nuclide.name for c in selected} and k not in hidden and k not in unconfirmed
        },
    )
