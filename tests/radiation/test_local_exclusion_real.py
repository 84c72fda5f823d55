"""A man-made candidate that fails the local photopeak test (``chainfit.local_peak_sigma``) is excluded, not left
"not excluded, not cleared", only when the local fit rules its global amplitude out (``chainfit.local_exclusion``):
its local amplitude within +-2 standard errors of zero with every baseline, the global amplitude standing 4 sigma
there and rejected at 3. Dev split only (bench/README, branch locex): thinned real uranium-glazed Fiestaware
(NORM) clears where the global fit's Co-60 has no photopeak; a real Cs-137 source hidden at 3 % in real K-40
(RadiaCode) stays uncleared. Seeds: those of ``bench/radiation.py --thinned`` and ``--masked``."""

from __future__ import annotations

import numpy as np
import pytest

from tests.realdata import RealCase, load_cases, masked_host, need_shared_data, thin
from tripline.radiation.chainfit import local_exclusion, local_peak_bound
from tripline.radiation.identify import identify
from tripline.radiation.library import detector
from tripline.radiation.model import Verdict
from tripline.radiation.result import Identification

CASES = [c for c in load_cases() if c.group != "alpha"]
DEV = {c.case_id: c for c in CASES if c.split == "dev"}
P_INDEX = {1 / 3: 0, 1 / 10: 1, 1 / 30: 2}
FIESTA = "fisicas:U-238-U-235-FiestaWare_energy_calibrated"
K40 = "radiacode:K-40-1--2024-03-02 13-26-43"
MUSHROOMS = "radiacode:Dosemap.org_spectra_02_Cs-137_Belarus_mushrooms"
# NNDC NuDat 3: Co-60 1173.228 / 1332.492 keV, Cs-137 (Ba-137m) 661.657 keV
CO60_KEV, CS137_KEV = "1173.2", "661.7"
# 15 counts at the peak channel over sd sqrt(30), FWHM ~ 8 % at 662 keV on ~3-keV channels: ~ 8 sigma locally
LOCAL_EXPECTED_HERE = 5.0


def _case(case_id: str) -> RealCase:
    case = DEV[case_id]
    if case.store == "shared":
        need_shared_data()
    return case


def _thinned(case_id: str, p: float, seed: int) -> Identification:
    case = _case(case_id)
    i = next(j for j, c in enumerate(CASES) if c.case_id == case_id)
    fg, bg = case.spectra()[0]
    return identify(thin(fg, p, np.random.default_rng((seed, i, P_INDEX[p]))), bg)


def test_local_peak_bound_reads_a_photopeak_as_the_global_amplitude_and_a_raised_continuum_as_none() -> None:
    model = detector("radiacode")
    edges = np.linspace(20.0, 3000.0, 1025)
    centers = 0.5 * (edges[:-1] + edges[1:])
    width = model.fwhm_kev(661.7)
    own = 15.0 * np.exp(-0.5 * ((centers - 661.7) / (width / 2.3548)) ** 2)  # the global fit's pattern
    var = np.full(centers.size, 30.0)
    mask = np.ones(centers.size, dtype=bool)
    raised = np.full(centers.size, 5.0) + 0.01 * (centers - 661.7)  # a sloped continuum running low: no peak
    (flat,) = local_peak_bound(raised, var, centers, model, 661.7, own, mask)
    assert abs(flat.ratio) < 1e-6 and flat.expected_sigma > LOCAL_EXPECTED_HERE
    assert local_exclusion("Cs-137", 661.7, flat.sigma, (flat,)) is not None
    (peak,) = local_peak_bound(raised + own, var, centers, model, 661.7, own, mask)
    assert peak.ratio == pytest.approx(1.0) and peak.error == pytest.approx(flat.error)
    assert local_exclusion("Cs-137", 661.7, 0.0, (peak,)) is None  # the line is there: never excluded
    half = local_peak_bound(raised + 0.5 * own, var, centers, model, 661.7, own, mask)
    assert half[0].ratio == pytest.approx(0.5)
    # no fitted channel near the line: no test, no exclusion
    assert local_peak_bound(raised, var, centers, model, 661.7, own, np.zeros(centers.size, dtype=bool)) == ()
    assert local_exclusion("Cs-137", 661.7, 0.0, ()) is None


def test_thinned_fiestaware_clears_once_its_co60_is_excluded() -> None:
    """Dev Fiestaware (uranium glaze, NORM) at 1/3, seed 2: the global fit's Co-60 (1173.2 keV) stands 0.05 sigma
    above the local baseline where its amplitude would stand 8.5 sigma: excluded, the spectrum is NORM (it was
    of_concern, "not excluded, not cleared")."""
    result = _thinned(FIESTA, 1 / 3, 2)
    assert result.verdict is Verdict.NORM, result.reasons
    assert "U-238 chain" in {m.nuclide for m in result.isotopes}
    assert any(r.startswith("Co-60 excluded") and CO60_KEV in r for r in result.reasons), result.reasons
    assert not any("not excluded, not cleared" in r for r in result.reasons)


def test_thinned_fiestaware_cs137_excluded_where_the_local_fit_rejects_it() -> None:
    """Dev Fiestaware at 1/10: Cs-137 0.9 sigma locally; its global amplitude would stand 4.5 / 4.0 sigma (seeds
    1, 2: excluded) or 3.8 (seed 0: too weak a test, still not excluded). Seeds 1 and 2 stay of_concern on the
    uranium rule (U-235 without Pa-234m at these counts): never a man-made name, never cleared wrongly."""
    kept = _thinned(FIESTA, 1 / 10, 0)
    assert any(r.startswith("Cs-137 not named") and "not excluded, not cleared" in r for r in kept.reasons)
    assert kept.verdict is Verdict.OF_CONCERN
    for seed in (1, 2):
        result = _thinned(FIESTA, 1 / 10, seed)
        assert any(r.startswith("Cs-137 excluded") and CS137_KEV in r for r in result.reasons), result.reasons
        assert "Cs-137" not in {m.nuclide for m in result.isotopes}
        assert result.verdict in (Verdict.NORM, Verdict.OF_CONCERN)


def test_weak_real_cs137_in_real_k40_is_not_excluded() -> None:
    """Dev: the Belarus-mushroom Cs-137 spectrum hidden at 3 % of the K-40 sample's counts (with the host's
    background): its 661.7-keV line stands 1.9 sigma locally, 0.47 +- 0.25 of the global amplitude, which the
    local fit does not reject at 3 sigma: "not excluded, not cleared", never cleared."""
    mixed, bg = masked_host(_case(K40), _case(MUSHROOMS), 0.03)
    assert bg is not None
    result = identify(mixed, bg)
    assert not result.verdict.cleared, result.verdict
    assert any(r.startswith("Cs-137 not named") and "not excluded, not cleared" in r for r in result.reasons)
    assert not any("excluded:" in r and r.startswith("Cs-137") for r in result.reasons)


@pytest.mark.parametrize(
    ("host_id", "source_id", "fraction", "with_bg", "named"),
    [
        # where the rule fires on a dev masked cell the real source is still named (the global fit's Cs-137
        # stands 0.2 sigma above the local baseline in the thoriated-tungsten host; Co-60 is named)
        ("dmamontov:th-90-wt20", "ckuethe:Co60_a", 1.0, False, "Co-60"),
    ],
)
def test_exclusion_on_a_masked_cell_leaves_the_real_source_named(
    host_id: str, source_id: str, fraction: float, with_bg: bool, named: str
) -> None:
    mixed, bg = masked_host(_case(host_id), _case(source_id), fraction)
    result = identify(mixed, bg if with_bg else None)
    assert any(" excluded: its lines around" in r for r in result.reasons), result.reasons
    assert named in {m.nuclide for m in result.isotopes}
    assert result.verdict is Verdict.INDUSTRIAL
