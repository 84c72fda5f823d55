"""Uranium without radium progeny (tripline.radiation.uranium): processed uranium (glass, glaze),
depleted uranium and HEU, simulated from line data written here from NNDC NuDat 3 (ENSDF), not read
from the library the engine uses."""

from __future__ import annotations

import math

import numpy as np
import pytest

from tripline.radiation.chainfit import U235_COMPANIONS, U235_MAIN_LINE, u235_companions
from tripline.radiation.identify import identify
from tripline.radiation.library import default_library, detector
from tripline.radiation.model import Category, Spectrum, Verdict
from tripline.radiation.physics import background_shape, default_calibration, lines_response, peak_efficiency
from tripline.radiation.uranium import NATURAL_U235_U238, PA234M_LINES, U235_LINES

# NNDC NuDat 3 (ENSDF): photons per 100 decays of the parent
TH234 = [(63.30, 3.75), (92.38, 2.13), (92.80, 2.10)]
PA234M = [(766.361, 0.294), (1001.026, 0.837)]
U235 = [(143.767, 10.94), (163.356, 5.08), (185.720, 57.0), (205.316, 5.02)]
GA67 = [(93.310, 38.81), (184.576, 21.41), (300.217, 16.64), (393.527, 4.56)]
# half-lives (years) and natural abundances (atom %), NNDC / IUPAC
T238, T235 = 4.468e9, 7.04e8
AB238, AB235 = 99.2742, 0.7204


def _activity_ratio(u235_atom_fraction: float) -> float:
    """A(U-235)/A(U-238) of uranium with this U-235 atom fraction."""
    return u235_atom_fraction / (1.0 - u235_atom_fraction) * T238 / T235


def test_line_data_and_natural_ratio_are_nndc() -> None:
    assert dict(PA234M_LINES) == pytest.approx(dict(PA234M))
    assert dict(U235_LINES) == pytest.approx(dict(U235))
    # natural uranium: A(U-235)/A(U-238) = 0.046 (U-235 gives 2.6 photons at 185.7 keV per 100 U-238 decays)
    assert pytest.approx(AB235 / AB238 * T238 / T235, rel=0.01) == NATURAL_U235_U238
    assert pytest.approx(2.62, abs=0.02) == NATURAL_U235_U238 * 57.0
    # 3 % LEU is 4.3x natural, 93 % HEU over a thousand times: far apart from natural and depleted
    assert _activity_ratio(0.03) / NATURAL_U235_U238 == pytest.approx(4.3, abs=0.1)
    assert _activity_ratio(0.93) / NATURAL_U235_U238 > 1000
    # the engine's chain library ties U-235 to U-238 at the natural ratio and holds Pa-234m 1001 keV
    chain = {round(ln.energy_kev, 1): ln.intensity for ln in default_library().get("U-238 chain").lines}
    assert chain[185.7] == pytest.approx(57.0 * NATURAL_U235_U238, rel=0.02)
    assert chain[1001.0] == pytest.approx(0.837, rel=0.01)
    # the chain fit tries a man-made candidate (Tc-99m 140.5 keV) on the net counts less U-235's other lines at
    # their NNDC ratios to that 185.7 keV: its constants are U-235's NNDC lines
    assert dict([U235_MAIN_LINE, *U235_COMPANIONS]) == dict(U235)
    assert dict(U235_LINES) == dict(U235)
    # Ga-67 (NNDC): its 300.2-keV line is 43 % of its 93.3-keV line, which uranium has not
    ga = {round(ln.energy_kev, 1): ln.intensity for ln in default_library().get("Ga-67").lines}
    assert ga[300.2] / ga[93.3] == pytest.approx(16.64 / 38.81, rel=0.01)


def _uranium(det: str, u235_per_u238: float, sigma: float, live_s: float, seed: int) -> tuple[Spectrum, Spectrum]:
    """Uranium without radium (Th-234 and Pa-234m with U-238, U-235 at ``u235_per_u238`` activity)
    over the detector's natural background, ``sigma`` net counts over the background's."""
    lines = TH234 + PA234M + [(e, i * u235_per_u238) for e, i in U235]
    return _uranium_with(det, lines, sigma, live_s, seed, None)


@pytest.mark.parametrize("det", ["radiacode", "nai"])
def test_heu_never_gets_the_uranium_without_radium_reading(det: str) -> None:
    # 93 % U-235: its 186-keV group without the Pa-234m lines natural uranium would have. Never
    # cleared, never the "uranium without radium ... natural or depleted" reading, with or without a
    # background, short (portal) and long (1 h) counts
    heu = _activity_ratio(0.93)
    for live, sigmas in ((60.0, (10.0, 30.0)), (3600.0, (10.0, 30.0))):
        for sigma in sigmas:
            for seed in range(2):
                fg, bg = _uranium(det, heu, sigma, live, seed)
                for paired in (bg, None):
                    result = identify(fg, paired)
                    assert not result.verdict.cleared, (live, sigma, seed, result.reasons)
                    assert not any("natural or depleted enrichment consistent" in r for r in result.reasons)


@pytest.mark.parametrize("det", ["radiacode", "nai"])
def test_leu_is_never_cleared(det: str) -> None:
    leu = _activity_ratio(0.04)
    for sigma in (10.0, 30.0):
        for seed in range(2):
            fg, bg = _uranium(det, leu, sigma, 3600.0, seed)
            for paired in (bg, None):
                result = identify(fg, paired)
                assert not result.verdict.cleared, (sigma, seed, result.reasons)
                assert result.verdict is not Verdict.SNM


def test_strong_depleted_and_natural_uranium_without_radium_read_as_such() -> None:
    # depleted (0.25 % U-235) and natural uranium with no radium, strong, against a background on NaI:
    # the Pa-234m lines bound the enrichment and the reason says what it is; never SNM, never medical
    seen = []
    for fraction in (0.0025, AB235 / 100.0):
        ratio = _activity_ratio(fraction)
        for seed in range(2):
            fg, bg = _uranium("nai", ratio, 200.0, 600.0, seed)
            result = identify(fg, bg)
            assert result.verdict is not Verdict.SNM, result.reasons
            assert not any(m.category is Category.MEDICAL for m in result.isotopes), result.reasons
            seen.append(any("uranium without radium progeny (e.g. uranium glass/glaze)" in r for r in result.reasons))
            if seen[-1]:
                assert result.verdict is Verdict.NORM, result.reasons
    assert any(seen)


@pytest.mark.parametrize("det", ["radiacode", "nai"])
def test_uranium_glass_is_not_called_medical(det: str) -> None:
    # natural uranium without radium: Th-234 92.4/92.8 keV and U-235 185.7 keV sit on Ga-67's 93.3/184.6
    # keV, but Ga-67's 300.2-keV line (16.6 per 100 decays, 43 % of its 93.3 keV) is absent: no medical call
    for sigma in (10.0, 50.0):
        for seed in range(2):
            fg, bg = _uranium(det, NATURAL_U235_U238, sigma, 600.0, seed)
            for paired in (bg, None):
                result = identify(fg, paired)
                assert not any(m.nuclide in ("Ga-67", "Tc-99m") for m in result.isotopes), result.reasons
                assert result.verdict is not Verdict.SNM, result.reasons


def _glass_and_tc99m(tc_share: float, seed: int) -> Spectrum:
    """Natural uranium without radium (as :func:`_uranium`) and Tc-99m (140.5 keV, 89.0 per 100 decays, NNDC)
    carrying ``tc_share`` of 50 sigma net counts, 600 s on a RadiaCode, no background spectrum."""
    det, live = "radiacode", 600.0
    model = detector(det)
    cal = default_calibration(model, model.channels)
    edges = cal.edges(model.channels)
    glass = lines_response(model, edges, TH234 + PA234M + [(e, i * NATURAL_U235_U238) for e, i in U235])
    tc = lines_response(model, edges, [(140.511, 89.0)])
    signal = (1.0 - tc_share) * glass / glass.sum() + tc_share * tc / tc.sum()
    base = background_shape(det, cal, model.channels) * model.background_cps * live
    net = 50.0 * math.sqrt(model.background_cps * live)
    counts = np.random.default_rng(seed).poisson(base + net * signal)
    return Spectrum(counts.astype(np.int64), live, cal, detector=det, real_time_s=live)


@pytest.mark.parametrize("tc_share", [0.2, 0.3])
def test_tc99m_beside_uranium_glass_is_still_named(tc_share: float) -> None:
    # Tc-99m is tried on the net counts less U-235's 143.8 keV at its NNDC ratio to the uranium group's 185.7 keV;
    # a 140.5-keV line beyond that ratio is still Tc-99m (a patient beside uranium glass): named, medical.
    # (Weaker, its 140.5 keV 3.3 keV from U-235's 143.8 on a 31-keV FWHM may fall under 4 sigma after the U-235
    # share: then not cleared, below.)
    for seed in range(3):
        result = identify(_glass_and_tc99m(tc_share, seed), None)
        assert any(m.nuclide == "Tc-99m" for m in result.isotopes), result.reasons
        assert result.verdict is Verdict.MEDICAL, result.reasons


def test_weak_tc99m_beside_uranium_glass_is_not_cleared() -> None:
    for seed in range(3):
        result = identify(_glass_and_tc99m(0.1, seed), None)
        assert not result.verdict.cleared, result.reasons


def _excess(shape: str, area: float, seed: int) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Regression (simulated): a RadiaCode spectrum's residual after the chains, flat continuum of 200
    counts per channel left in ``others``, plus ``area`` counts either in a narrow line at 185.7 keV (the
    detector's FWHM) or in a broad hump at Bi-214 609.3 keV's backscatter energy, 609.3 / (1 + 2 x 609.3 /
    511) = 180 keV, 2.5 FWHM wide (backscatter from a lead shield)."""
    model = detector("radiacode")
    edges = default_calibration(model, model.channels).edges(model.channels)
    centers = 0.5 * (edges[:-1] + edges[1:])
    backscatter = 609.3 / (1.0 + 2.0 * 609.3 / 511.0)
    energy, width = (185.72, 1.0) if shape == "narrow" else (backscatter, 2.5)
    sigma = width * model.fwhm_kev(energy) / 2.3548
    per_channel = np.diff(edges) * np.exp(-0.5 * ((centers - energy) / sigma) ** 2) / (sigma * math.sqrt(2 * math.pi))
    base = np.full(centers.size, 200.0)
    rng = np.random.default_rng(seed)
    net = rng.poisson(base + area * per_channel).astype(np.float64)
    return net, base, base + area * per_channel, edges


@pytest.mark.parametrize("seed", range(5))
def test_regression_backscatter_hump_is_not_a_u235_line(seed: int) -> None:
    """Regression (simulated): a broad hump at the lead-shield backscatter energy holding 6000 counts is
    not read as U-235 without U-238 (the reason says it is not peak-shaped); a narrow 185.7-keV line of
    the same area, with the same (absent) Pa-234m, is: U-235 without U-238, never cleared."""
    from tripline.radiation.uranium import uranium_reading

    model = detector("radiacode")
    shield = default_library().shield_lines_kev
    net, others, var, edges = _excess("hump", 6000.0, seed)
    hump = uranium_reading(net, others, var, model, edges, None, shield)
    assert hump is not None
    assert hump.state != "no_u238"
    assert "not peak-shaped" in hump.shape_note
    net, others, var, edges = _excess("narrow", 6000.0, seed)
    line = uranium_reading(net, others, var, model, edges, None, shield)
    assert line is not None
    assert line.u235 / line.u235_sigma >= 3.0
    assert line.state == "no_u238"
    assert line.shape_note == ""


@pytest.mark.parametrize("seed", range(20))
def test_regression_weak_narrow_186_still_counts(seed: int) -> None:
    """Regression (simulated): a weak narrow 185.7-keV photopeak (about 4 sigma) is never rejected as a
    hump by the line-shape test."""
    from tripline.radiation.lineshape import line_shape
    from tripline.radiation.physics import peak_efficiency

    model = detector("radiacode")
    net, others, var, edges = _excess("narrow", 1500.0, seed)
    centers = 0.5 * (edges[:-1] + edges[1:])
    lines = [(e, i * peak_efficiency(model, e)) for e, i in U235_LINES]
    shape = line_shape(net - others, var, centers, model, lines, default_library().shield_lines_kev, order=2)
    assert shape is not None
    if shape.z >= 3.0:
        assert shape.peaked


def _with_radon(
    det: str, sample: list[tuple[float, float]], sample_counts: float, live_s: float, seed: int
) -> tuple[Spectrum, Spectrum]:
    """``sample`` lines (``sample_counts`` full-response counts) over the detector's natural background
    plus ambient radon progeny (Pb-214/Bi-214 as in the simulator's U-238 chain, as many counts as a tenth
    of that background), the same ambient radon progeny in the paired background counted 10 times longer."""
    model = detector(det)
    cal = default_calibration(model, model.channels)
    edges = cal.edges(model.channels)
    chain = default_library().get("U-238 chain").lines
    radon = lines_response(model, edges, [(ln.energy_kev, ln.intensity) for ln in chain if ln.group == "radon progeny"])
    base = background_shape(det, cal, model.channels) * model.background_cps * live_s
    ambient = base + radon / radon.sum() * 0.1 * base.sum()
    signal = lines_response(model, edges, sample)
    rng = np.random.default_rng(seed)
    counts = rng.poisson(ambient + signal / signal.sum() * sample_counts).astype(np.int64)
    fg = Spectrum(counts, live_s, cal, detector=det, real_time_s=live_s)
    bg = Spectrum(rng.poisson(10 * ambient).astype(np.int64), 10 * live_s, cal, detector=det, real_time_s=10 * live_s)
    return fg, bg


@pytest.mark.parametrize("seed", range(3))
def test_regression_paired_background_heu_referred_and_ore_not_on_the_u235_rule(seed: int) -> None:
    """Regression (simulated, RadiaCode, 1 h, ambient radon progeny in both spectra): with a paired
    background HEU is never cleared (its net radium is nil, so its 186-keV peak is U-235), and natural
    uranium ore (the simulator's U-238 chain at equilibrium: Ra-226 186.2 keV and its progeny beside
    U-235 185.7 keV at the natural ratio; Pa-234m under 2 sigma at these counts, the 186-keV group still
    standing at 3 sigma after the chain fit) is not referred on the U-235-without-U-238 rule: its
    186-keV peak is in part its own radium, read from its net progeny lines."""
    from tripline.radiation.physics import mixture_lines

    live = 3600.0
    model = detector("radiacode")
    heu = TH234 + PA234M + [(e, i * _activity_ratio(0.93)) for e, i in U235]
    for sigma in (10.0, 30.0):
        fg, bg = _with_radon("radiacode", heu, sigma * math.sqrt(model.background_cps * live), live, seed)
        result = identify(fg, bg)
        assert not result.verdict.cleared, (sigma, result.reasons)
        assert not any("natural or depleted enrichment consistent" in r for r in result.reasons)
    ore = mixture_lines({"U-238 chain": 1.0}, default_library())
    fg, bg = _with_radon("radiacode", ore, 20000.0, live, seed)
    result = identify(fg, bg)
    assert not any("U-235 lines without" in r or "U-235 lines beyond" in r for r in result.reasons), result.reasons
    assert any("not referred on the U-235 rule" in r for r in result.reasons), result.reasons
    assert result.verdict is Verdict.NORM, result.reasons


def test_u235_companions_follow_nndc_ratios_to_the_uranium_group() -> None:
    # U-235's 143.8/163.4/205.3-keV lines at their NNDC ratios to the 185.7 keV that the U-238 chain's uranium
    # group carries, model efficiency included: their counts over that group's own 185.7-keV line
    from tripline.radiation.chainfit import _columns

    model = detector("radiacode")
    edges = default_calibration(model, model.channels).edges(model.channels)
    centers = 0.5 * (edges[:-1] + edges[1:])
    library = default_library()
    cols = [c for c in _columns(model, edges, library, False) if c.nuclide.name == "U-238 chain"]
    first = next(i for i, c in enumerate(cols) if c.group == "uranium")  # the group without its backscatter twin
    x = np.zeros(len(cols))
    x[first] = 1.0e6 * cols[first].counts_per_activity
    got = u235_companions(cols, x, model, edges, library)
    own = x[first] * cols[first].shape
    line_186 = float(own[(centers > 120.0) & (centers < 260.0)].sum())  # the group's only line there: 185.7 keV
    expected = sum(i * peak_efficiency(model, e) for e, i in U235_COMPANIONS) / (57.0 * peak_efficiency(model, 185.72))
    assert float(got.sum()) / line_186 == pytest.approx(expected, rel=0.02)
    # nothing without a uranium group
    assert not u235_companions(cols, np.zeros(len(cols)), model, edges, library).any()


def _uranium_with(
    det: str, lines: list[tuple[float, float]], sigma: float, live_s: float, seed: int, turn_on_kev: float | None
) -> tuple[Spectrum, Spectrum]:
    """``lines`` (energy, photons per 100 decays) over the detector's natural background, ``sigma`` net counts
    over the background's (a 30-times-longer background beside it); with ``turn_on_kev`` both spectra cut by
    a smooth discriminator turn-on there (tests.realdata.turn_on)."""
    from tests.realdata import turn_on

    model = detector(det)
    cal = default_calibration(model, model.channels)
    edges = cal.edges(model.channels)
    signal = lines_response(model, edges, lines)
    signal = signal / signal.sum()
    base = background_shape(det, cal, model.channels) * model.background_cps * live_s
    rng = np.random.default_rng(seed)
    net = sigma * math.sqrt(model.background_cps * live_s)
    fg = Spectrum(rng.poisson(base + net * signal).astype(np.int64), live_s, cal, detector=det, real_time_s=live_s)
    bg = Spectrum(rng.poisson(30 * base).astype(np.int64), 30 * live_s, cal, detector=det, real_time_s=30 * live_s)
    if turn_on_kev is not None:
        fg, bg = turn_on(fg, turn_on_kev, rng), turn_on(bg, turn_on_kev, rng)
    return fg, bg


# Am-241 59.54 keV, photons per 100 decays (NNDC NuDat 3)
AM241_595 = (59.5409, 35.92)


@pytest.mark.parametrize("enrichment", [0.93, 0.03])
@pytest.mark.parametrize("turn_on_kev", [None, 45.0, 55.0])
def test_heu_and_leu_beside_am241_or_behind_a_turn_on_are_never_cleared(
    enrichment: float, turn_on_kev: float | None
) -> None:
    """Regression (simulated, RadiaCode; branch th234). On a 1 cm3 CsI (FWHM 21 keV at 63 keV) Am-241's 59.5-keV
    line, tungsten K X-rays and a discriminator turn-on all put counts where Th-234's 63.3-keV line (a U-238
    witness) would be; HEU (93 %) and 3 % LEU with Am-241 beside them (0, 3 and 10 Am-241 decays per 100 U-235
    decays) or with a turn-on at 45-55 keV are never cleared and never read as natural or depleted uranium."""
    ratio = _activity_ratio(enrichment)
    uranium = TH234 + PA234M + [(e, i * ratio) for e, i in U235]
    for am_share in (0.0, 0.03, 0.1):
        lines = [*uranium, (AM241_595[0], AM241_595[1] * am_share * ratio)]
        for sigma, live in ((10.0, 600.0), (30.0, 3600.0)):
            fg, bg = _uranium_with("radiacode", lines, sigma, live, 0, turn_on_kev)
            for paired in (bg, None):
                result = identify(fg, paired)
                assert not result.verdict.cleared, (am_share, sigma, live, result.reasons)
                assert not any("natural or depleted enrichment consistent" in r for r in result.reasons)


def test_weak_heu_reads_natural_on_a_2_sigma_pa234m_fluctuation(monkeypatch: pytest.MonkeyPatch) -> None:
    """Why Pa-234m must stand at ``PA234M_SIGMA`` (4) before the enrichment bound counts (branch th234, measured):
    weak HEU (93 %, RadiaCode, 10 sigma over 600 s) whose Pa-234m 766/1001-keV region fluctuates up to about
    2 sigma reads U-235/U-238 with a 2-sigma upper limit under ``NATURAL_FACTOR_MAX``: the linear error of the
    ratio does not hold when its denominator is barely seen. Lowering the threshold to 2 or below would clear
    such HEU; at 4 it is referred. (On dev, the thinned uranium-glazed Fiestaware that stays of_concern on the
    uranium rule has Pa-234m at 0.3-1.8 sigma: no threshold that safe clears it.)"""
    import tripline.radiation.identify as ident
    from tripline.radiation.uranium import NATURAL_FACTOR_MAX, PA234M_SIGMA, uranium_reading

    readings = []

    def keep(*args: object, **kwargs: object) -> object:
        reading = uranium_reading(*args, **kwargs)  # type: ignore[arg-type]
        readings.append(reading)
        return reading

    monkeypatch.setattr(ident, "uranium_reading", keep)
    heu = TH234 + PA234M + [(e, i * _activity_ratio(0.93)) for e, i in U235]
    natural_looking = []
    for seed in range(2):
        fg, bg = _uranium_with("radiacode", heu, 10.0, 600.0, seed, None)
        for paired in (bg, None):
            readings.clear()
            result = identify(fg, paired)
            assert not result.verdict.cleared, result.reasons
            (reading,) = readings
            assert reading is not None
            if reading.factor + 2.0 * reading.factor_sigma <= NATURAL_FACTOR_MAX:
                natural_looking.append(reading.pa234m_sigma)
    assert natural_looking, "no HEU reading looked natural: the pinned finding no longer holds"
    assert max(natural_looking) >= 1.5
    assert max(natural_looking) < PA234M_SIGMA
