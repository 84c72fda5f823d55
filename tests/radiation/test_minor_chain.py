"""A minor NORM component may not take a man-made source's counts (``Policy.minor_chain_support``,
:func:`tripline.radiation.chainfit.hidden_by_minor_chains`). Hand-built spectra from published line intensities (NNDC
NuDat 3, typed here) for the arithmetic; real dev spectra (tests/data/radiation_real.csv) for the behaviour."""

from __future__ import annotations

import numpy as np
import pytest

from tests.radiation.policy_check import masked_on_off
from tests.realdata import load_cases, need_shared_data
from tripline.radiation.chainfit import (
    MINOR_REGION_FWHM,
    _columns,
    _companion_excess,
    _fit,
    _line_region,
)
from tripline.radiation.identify import Policy, identify
from tripline.radiation.library import default_library, detector
from tripline.radiation.model import Category, Verdict
from tripline.radiation.peaks import _template

ON = Policy(minor_chain_support=True)
OFF = Policy(minor_chain_support=False)


def test_the_line_region_covers_the_candidates_lines_by_hand() -> None:
    model = detector("radiacode")
    edges = np.linspace(0.0, 3000.0, 1025)
    centers = 0.5 * (edges[:-1] + edges[1:])
    cs137 = default_library().get("Cs-137")
    region = _line_region(cs137, model, centers)
    half = MINOR_REGION_FWHM * model.fwhm_kev(661.657)
    assert region[np.abs(centers - 661.657) <= half - 3.0].all()
    assert not region[np.abs(centers - 661.657) > half + 3.0].any()


def _companion(net: np.ndarray, edges: np.ndarray) -> float:
    """Cs-137's companion reading with the U-238 chain and K-40 as minor components beside Th-232."""
    model = detector("radiacode")
    lib = default_library()
    centers = 0.5 * (edges[:-1] + edges[1:])
    cols = _columns(model, edges, lib, emanation=False)
    norm = [c for c in cols if c.nuclide.category is Category.NORM]
    cand = next(c for c in cols if c.nuclide.name == "Cs-137")
    sd = np.sqrt(np.maximum(net, 1.0) + 25.0)
    mask = centers >= 100.0
    x, _ = _fit(norm, net, sd, mask)
    read = _companion_excess(norm, x, cand, {"U-238 chain", "K-40"}, net, sd, mask, model, centers)
    assert read is not None
    return read[0]


def test_a_cs137_line_beside_a_thorium_chain_is_read_from_the_chains_companions() -> None:
    # the library's thorium chain (every line at its intensity x model efficiency, 1e6 decays) with a Cs-137 line
    # of 2 % of its 583.2-keV counts: what the chains, read away from 661.7 keV, leave there is the Cs-137 line at
    # identify_sigma; without it nothing stands
    model = detector("radiacode")
    lib = default_library()
    edges = np.linspace(0.0, 3000.0, 1025)
    centers = 0.5 * (edges[:-1] + edges[1:])
    thorium = 1e6 * _template(lib.get("Th-232 chain"), model, edges)
    tl208 = float(thorium[np.abs(centers - 583.187) <= model.fwhm_kev(583.187)].sum())
    cs = _template(lib.get("Cs-137"), model, edges)
    cs *= 0.02 * tl208 / float(cs[np.abs(centers - 661.657) <= model.fwhm_kev(661.657)].sum())
    assert _companion(thorium + cs, edges) >= 4.0
    assert abs(_companion(thorium, edges)) < 2.0


def test_the_companion_reading_from_the_chain_fits_cut_columns_is_the_same_to_the_bit() -> None:
    # the fit without the candidate's region takes the chain fit's cut columns cut again (``masked``): the same
    # reading, every float, as cutting each column from the whole template
    model = detector("radiacode")
    lib = default_library()
    edges = np.linspace(0.0, 3000.0, 1025)
    centers = 0.5 * (edges[:-1] + edges[1:])
    cols = _columns(model, edges, lib, emanation=False)
    norm = [c for c in cols if c.nuclide.category is Category.NORM]
    net = 1e6 * _template(lib.get("Th-232 chain"), model, edges) + 3e4 * _template(lib.get("U-238 chain"), model, edges)
    sd = np.sqrt(np.maximum(net, 1.0) + 25.0)
    mask = centers >= 100.0
    x, _ = _fit(norm, net, sd, mask)
    for name in ("Cs-137", "Co-60", "I-131", "Tc-99m"):
        cand = next(c for c in cols if c.nuclide.name == name)
        plain = _companion_excess(norm, x, cand, {"U-238 chain", "K-40"}, net, sd, mask, model, centers)
        masked: dict[int, np.ndarray] = {}
        cut = _companion_excess(norm, x, cand, {"U-238 chain", "K-40"}, net, sd, mask, model, centers, masked)
        assert plain is not None and cut is not None
        assert plain[0] == cut[0] and plain[3] == cut[3]
        assert plain[1].tobytes() == cut[1].tobytes() and plain[2].tobytes() == cut[2].tobytes()


CASES = {c.case_id: c for c in load_cases() if c.split == "dev"}
FIESTA = "fisicas:U-238-U-235-FiestaWare_energy_calibrated"


BELARUS = "radiacode:Dosemap.org_spectra_02_Cs-137_Belarus_mushrooms"
KIROVO = "radiacode:Dosemap.org_spectra_04_Cs-137_Russia_Kirovo-Chepetsk_soil"


@pytest.mark.parametrize(
    ("host", "source", "fraction", "filed", "nuclide"),
    [
        # Caldasite (U-238 chain, K-40) with the Belarus Cs-137 mushrooms at 10 % of its counts, with its background
        ("radiacode:2024-04-17_Caldasite", BELARUS, 0.1, True, "Cs-137"),
        # the 256-channel thorium (Th-232 chain) with the Kirovo-Chepetsk Cs-137 soil at 3 %, no background
        ("radiacode:Thorium", KIROVO, 0.03, False, "Cs-137"),
        # the FiestaWare plate (U-238 chain, K-40) with the Tc-99m patient at 10 %, no background
        (FIESTA, "radiacode:Tc-99m_old_man_in_a_bus", 0.1, False, "Tc-99m"),
    ],
)
def test_a_masked_source_beside_a_chain_line_is_not_cleared(
    host: str, source: str, fraction: float, filed: bool, nuclide: str
) -> None:
    """Real dev NORM hosts with a real man-made source injected (``tests.realdata.masked_host``, the ``--masked``
    cells): cleared as NORM with the policy off, referred with it on, the injected nuclide "not excluded"
    (bench/README.md, minorchain)."""
    result, off = masked_on_off(host, source, fraction, filed, ON, OFF)
    assert off.verdict.cleared
    assert result.verdict is Verdict.OF_CONCERN
    assert any(r.startswith(f"{nuclide} not excluded: the NORM chains fitted without it") for r in result.reasons)


@pytest.mark.parametrize(
    ("case_id", "filed"),
    [
        (FIESTA, False),
        ("radiacode:2024-04-17_Uraninite", True),
        ("radiacode:2024-04-17_Uraninite", False),
        ("radiacode:2024-04-17_Morro_do_Ferro", False),
        ("radiacode:2024-04-17_Caldasite", False),
    ],
)
def test_real_norm_with_minor_components_stays_norm(case_id: str, filed: bool) -> None:
    """Real dev NORM samples whose chain fit names a minor component (K-40 or a weak chain beside the strong one)
    keep their NORM verdict with the policy on."""
    need_shared_data()
    fg, bg = CASES[case_id].spectra()[0]
    result = identify(fg, bg if filed else None, policy=ON)
    natural = [m for m in result.isotopes if m.category is Category.NORM]
    assert len(natural) >= 2
    assert result.verdict is Verdict.NORM


def test_a_minor_k40_that_only_a_co60_line_vouches_for_leaves_co60_not_excluded() -> None:
    """A thorium source (library template, 1e6 decays) with a Co-60 source and no K-40, fitted as Th-232 + K-40
    (K-40's 1460.8-keV line taking Co-60's 1332.5-keV flank, a "minor" K-40 beside the strong chain). Read away from
    Co-60's regions K-40 has nothing to stand on, so the chains fitted without Co-60 leave its photopeak pair: Co-60
    not excluded. With no Co-60 in the counts nothing is flagged."""
    import tripline.radiation.chainfit as chainfit
    from tripline.radiation.result import IsotopeMatch

    model = detector("radiacode")
    lib = default_library()
    edges = np.linspace(0.0, 3000.0, 1025)
    centers = 0.5 * (edges[:-1] + edges[1:])
    cols = _columns(model, edges, lib, emanation=False)
    final = [c for c in cols if c.nuclide.name in ("Th-232 chain", "K-40")]
    made = [c for c in cols if c.nuclide.category in (Category.INDUSTRIAL, Category.MEDICAL)]
    thorium = 1e6 * _template(lib.get("Th-232 chain"), model, edges)
    tl208 = float(thorium[np.abs(centers - 583.187) <= model.fwhm_kev(583.187)].sum())
    co60 = _template(lib.get("Co-60"), model, edges)
    co60 *= 0.05 * tl208 / float(co60[np.abs(centers - 1332.492) <= model.fwhm_kev(1332.492)].sum())
    mask = centers >= 100.0
    flagged = {}
    for label, net in (("with", thorium + co60), ("without", thorium)):
        sd = np.sqrt(np.maximum(net, 1.0) + 25.0)
        x, _ = _fit(final, net, sd, mask)
        matches = [
            IsotopeMatch("Th-232 chain", Category.NORM, 0.9, 20.0, ()),
            IsotopeMatch("K-40", Category.NORM, 0.9, 5.0, ()),
        ]
        out = chainfit.hidden_by_minor_chains(final, x, made, matches, net, sd, mask, model, centers, 4.0)
        flagged[label] = out
    assert "Co-60" in flagged["with"], flagged
    assert "fitted without it" in flagged["with"]["Co-60"]
    assert flagged["without"] == {}
