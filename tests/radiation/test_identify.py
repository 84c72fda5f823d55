"""Identification and verdicts on physics-generated spectra with known truth."""

from __future__ import annotations

import numpy as np
import pytest
from scipy.special import ndtr

from tripline.errors import InputError
from tripline.radiation.identify import identify
from tripline.radiation.library import detector as detector_model
from tripline.radiation.model import EnergyCalibration, Spectrum, Verdict
from tripline.radiation.simulate import expected_spectrum, simulate_spectrum

THREATS = ["Cs-137", "Co-60", "HEU", "WGPu", "medical I-131", "Ir-192"]
NORM = ["ceramics", "fertilizer", "granite", "kitty_litter"]


@pytest.mark.parametrize(
    ("source", "nuclide", "verdict"),
    [
        ("Cs-137", "Cs-137", Verdict.INDUSTRIAL),
        ("Co-60", "Co-60", Verdict.INDUSTRIAL),
        ("medical I-131", "I-131", Verdict.MEDICAL),
        ("medical Tc-99m", "Tc-99m", Verdict.MEDICAL),
        ("Ir-192", "Ir-192", Verdict.INDUSTRIAL),
    ],
)
def test_strong_sources_are_identified_with_their_lines(source: str, nuclide: str, verdict: Verdict) -> None:
    fg, bg = simulate_spectrum(source, "nai", sigma=20, seed=7)
    result = identify(fg, bg)
    assert result.verdict is verdict
    match = next(m for m in result.isotopes if m.nuclide == nuclide)
    assert match.confidence > 0.9
    strongest = max(match.peaks, key=lambda p: p.significance)
    assert strongest.found_kev is not None
    assert abs(strongest.found_kev - strongest.energy_kev) < 20  # NaI: FWHM ~46 keV at 662
    assert any(nuclide in reason for reason in result.reasons)


def test_hpge_resolves_the_cs137_line_to_a_keV() -> None:
    fg, bg = simulate_spectrum("Cs-137", "hpge", sigma=15, seed=3)
    result = identify(fg, bg)
    match = next(m for m in result.isotopes if m.nuclide == "Cs-137")
    assert match.peaks[0].found_kev == pytest.approx(661.657, abs=1.0)


@pytest.mark.parametrize("detector", ["nai", "csi", "plastic"])
def test_no_threat_is_cleared_at_5_sigma(detector: str) -> None:
    for source in THREATS:
        for seed in range(3):
            fg, bg = simulate_spectrum(source, detector, sigma=5, seed=seed)
            assert not identify(fg, bg).verdict.cleared, (source, seed)


def test_norm_is_cleared_by_the_spectrometer() -> None:
    cleared = 0
    for source in NORM:
        for seed in range(3):
            fg, bg = simulate_spectrum(source, "nai", sigma=8, seed=seed)
            result = identify(fg, bg)
            assert result.verdict in (Verdict.NORM, Verdict.BACKGROUND, Verdict.OF_CONCERN)
            cleared += result.verdict.cleared
    # aim: >= 90 % of NORM cleared; 11 of 12 before identify.WINDOW_ONLY_GAIN_MAX: one 8-sigma ceramics scan
    # with no NORM line identified is cleared on energy windows alone no more (a U-235 template adds chi2 5.0 to
    # its window fit, as 6-sigma HEU hidden in NORM does: 5.7-7.0), the price of not clearing that HEU
    assert cleared >= 10


def test_fertilizer_is_potassium() -> None:
    fg, bg = simulate_spectrum("fertilizer", "nai", sigma=15, seed=1)
    result = identify(fg, bg)
    assert result.verdict is Verdict.NORM
    assert [m.nuclide for m in result.isotopes] == ["K-40"]
    assert result.norm_test is not None and result.norm_test.norm_fractions["K-40"] > 0.8


def test_background_alone_is_background() -> None:
    for seed in range(3):
        fg, bg = simulate_spectrum("none", "nai", seed=seed)
        assert identify(fg, bg).verdict is Verdict.BACKGROUND


def test_snm_needs_its_evidence_rule() -> None:
    # HEU at 20 sigma in 10 s on NaI: the U-235 line is there, but the 1001-keV Pa-234m upper
    # limit cannot yet show enrichment: of concern (not cleared), never SNM without the rule
    fg, bg = simulate_spectrum("HEU", "nai", sigma=20, seed=7)
    weak = identify(fg, bg)
    assert weak.verdict is Verdict.OF_CONCERN
    assert any("SNM rule is not met" in r for r in weak.reasons)
    # with enough counts the rule is met, and its reason says why
    for detector, sigma in (("nai", 40), ("hpge", 15)):
        fg, bg = simulate_spectrum("HEU", detector, sigma=sigma, seed=9)
        result = identify(fg, bg)
        assert result.verdict is Verdict.SNM, detector
        assert any(r.startswith("SNM rule met for U-235") for r in result.reasons)


def test_bremsstrahlung_continuum_is_of_concern_not_snm() -> None:
    # a line-free continuum falling exponentially to 2.28 MeV (the Y-90 beta end point), added to
    # a background: no photopeak, so of concern as a beta/bremsstrahlung source, never SNM
    _, bg = simulate_spectrum("none", "nai", sigma=0, seed=5)
    edges = bg.edges_kev()
    centers = 0.5 * (edges[:-1] + edges[1:])
    shape = np.where(centers < 2280.0, np.exp(-centers / 250.0), 0.0) * np.diff(edges)
    rng = np.random.default_rng(5)
    base = bg.counts * (10.0 / bg.live_time_s)
    fg_counts = rng.poisson(base + shape / shape.sum() * 20.0 * np.sqrt(base.sum()))
    fg = Spectrum(fg_counts.astype(np.int64), 10.0, bg.calibration, detector="nai")
    result = identify(fg, bg)
    assert result.verdict is Verdict.OF_CONCERN
    assert not any(m.category.value == "special_nuclear_material" for m in result.isotopes)


def test_heu_hidden_in_kitty_litter_is_not_cleared() -> None:
    # masking: add the expected HEU spectrum to a kitty-litter scan (superposition of sources)
    fg, bg = simulate_spectrum("kitty_litter", "nai", sigma=10, seed=4)
    heu, _ = expected_spectrum("HEU", "nai", sigma=6, live_time_s=fg.live_time_s)
    _, base = expected_spectrum("none", "nai", sigma=0, live_time_s=fg.live_time_s)
    extra = np.random.default_rng(4).poisson(np.clip(heu - base, 0, None))
    mixed = Spectrum(fg.counts + extra, fg.live_time_s, fg.calibration, detector="nai")
    result = identify(mixed, bg)
    assert result.verdict in (Verdict.SNM, Verdict.OF_CONCERN)


def test_heu_without_background_is_not_read_as_natural_uranium() -> None:
    # no background (portal reality): the ambient radon progeny make the U-238 chain visible, so
    # its Ra-226 reading is allowed; the 186-keV peak of HEU must not pass as natural uranium
    # without the Pa-234m 1001-keV line of U-238
    for seed in range(4):
        fg, _ = simulate_spectrum("HEU", "csi", sigma=8, seed=seed)
        result = identify(fg, None)
        assert result.verdict is Verdict.OF_CONCERN, result.reasons
        assert any("Pa-234m 1001 keV only" in r for r in result.reasons), result.reasons


def test_plastic_uses_windows_only() -> None:
    fg, bg = simulate_spectrum("fertilizer", "plastic", sigma=30, seed=2)
    result = identify(fg, bg)
    assert result.isotopes == ()
    assert result.verdict is Verdict.NORM
    assert any("windows only" in r for r in result.reasons)


def test_without_background_a_strong_source_is_still_found() -> None:
    fg, _ = simulate_spectrum("Cs-137", "nai", sigma=30, seed=5)
    result = identify(fg)
    assert result.gross_sigma is None
    assert result.verdict is Verdict.INDUSTRIAL


def test_uncalibrated_spectrum_is_not_cleared() -> None:
    counts = np.random.default_rng(0).poisson(50, 256).astype(np.int64)
    spectrum = Spectrum(counts, 10.0, None)
    background = Spectrum(counts, 10.0, None, role="background")
    result = identify(spectrum, background)
    assert result.verdict is Verdict.BACKGROUND  # no excess over an identical background
    bigger = Spectrum(counts * 3, 10.0, None)
    assert identify(bigger, background).verdict is Verdict.OF_CONCERN


def test_background_on_another_calibration_is_rebinned() -> None:
    fg, bg = simulate_spectrum("Cs-137", "nai", sigma=20, seed=8)
    # the same background re-expressed with half the channels (6 keV per channel)
    coarse = bg.counts.reshape(-1, 2).sum(axis=1)
    bg2 = Spectrum(coarse, bg.live_time_s, EnergyCalibration.linear(0.0, 6.0), role="background")
    assert identify(fg, bg2).verdict is Verdict.INDUSTRIAL


@pytest.mark.parametrize("source", ["fertilizer", "granite", "none"])
def test_plastic_without_background_is_referred_never_cleared(source: str) -> None:
    # PVT resolves no lines: without a background it cannot measure an excess nor tell NORM from a
    # source, so energy-window ratios that look like NORM refer the spectrum and say so
    fg, _ = simulate_spectrum(source, "plastic", sigma=20, seed=3)
    result = identify(fg, None)
    assert result.verdict is Verdict.OF_CONCERN, result.reasons
    assert any("plastic (PVT)" in r and "never clears" in r for r in result.reasons), result.reasons


@pytest.mark.parametrize("detector", ["nai", "csi"])
def test_am241_without_background_is_found_below_the_lead_xrays(detector: str) -> None:
    # the lead X-ray exclusion (72.8-87.3 keV +- 1.5 FWHM) covers 59.5 keV on a scintillator: the
    # line is fitted on its own region against the SNIP continuum of the spectrum itself, so an
    # Am-241 source in the natural background is no longer cleared as that background
    for seed in range(3):
        fg, _ = simulate_spectrum("Am-241", detector, sigma=10, seed=1000 * seed + 17)
        result = identify(fg, None)
        assert result.verdict is Verdict.INDUSTRIAL, (seed, result.reasons)
        assert any(m.nuclide == "Am-241" for m in result.isotopes)
        assert any("59.5-keV line fitted on its own" in r for r in result.reasons)


def test_am241_line_is_not_found_in_norm_without_background() -> None:
    # natural uranium's Th-234 63.3 keV and the X-rays around it must not pass for Am-241
    for source in NORM:
        for detector in ("nai", "csi"):
            fg, _ = simulate_spectrum(source, detector, sigma=20, seed=11)
            result = identify(fg, None)
            assert not any(m.nuclide == "Am-241" for m in result.isotopes), (source, detector, result.reasons)


@pytest.mark.parametrize("host", ["ceramics", "granite", "kitty_litter"])
def test_heu_in_norm_without_background_is_not_vouched_for_by_chain_lines(host: str) -> None:
    # the 1001-keV Pa-234m window (1.25 FWHM: 930-1070 keV on NaI) also holds Ac-228 964/969 and
    # Bi-214 934 keV: those lines of the host's thorium and radium must not confirm U-238 for the
    # 186-keV peak of HEU hidden in it (no background: portal reality)
    for seed in range(4):
        fg, _ = simulate_spectrum(host, "nai", sigma=10, seed=seed)
        heu, _ = expected_spectrum("HEU", "nai", sigma=10, live_time_s=fg.live_time_s)
        _, base = expected_spectrum("none", "nai", sigma=0, live_time_s=fg.live_time_s)
        extra = np.random.default_rng(seed).poisson(np.clip(heu - base, 0, None))
        mixed = Spectrum(fg.counts + extra, fg.live_time_s, fg.calibration, detector="nai")
        result = identify(mixed, None)
        assert not result.verdict.cleared, (seed, result.reasons)


def test_co60_cascade_on_csi_without_background_is_kept() -> None:
    # 5 sigma on a handheld CsI in 10 s: each of Co-60's lines is expected below 3 sigma on its
    # own, but both are there at their energies (one cascade, 1173 + 1332 keV per decay): the pair
    # identifies it. Before: 7 of these 8 spectra were cleared without a background
    cleared = []
    for seed in range(8):
        fg, _ = simulate_spectrum("Co-60", "csi", sigma=5, seed=1000 * seed + 17)
        result = identify(fg, None)
        if result.verdict.cleared:
            cleared.append(seed)
    assert len(cleared) <= 2, cleared


def test_no_cascade_pair_is_made_of_norm_lines() -> None:
    # Bi-214 1120/1238 and Ac-228 1588 keV sit near Co-60's lines: NORM alone never yields Co-60
    for source in NORM:
        for detector in ("nai", "csi"):
            for seed in range(3):
                fg, bg = simulate_spectrum(source, detector, sigma=10, seed=seed)
                for result in (identify(fg, bg), identify(fg, None)):
                    assert not any(m.nuclide == "Co-60" for m in result.isotopes), (source, detector, seed)


@pytest.mark.parametrize("source", ["Ir-192", "Ba-133"])
def test_a_multiplet_is_a_photopeak_not_a_hump(source: str) -> None:
    # Ir-192's 296/308/317 keV (and Ba-133's 356 keV with its neighbours) are one peak wider than
    # one line on NaI: the photopeak-or-hump test compares the nuclide's own lines near its main
    # line at the detector's width and at twice it. Before: 1 (Ir-192) and 3 (Ba-133) of these 8
    # spectra were cleared without a background
    for seed in range(8):
        fg, _ = simulate_spectrum(source, "nai", sigma=10, seed=1000 * seed + 17)
        result = identify(fg, None)
        assert not result.verdict.cleared, (seed, result.reasons)


def test_ba133_needs_its_81_kev_line_in_the_lead_xray_region() -> None:
    # Ba-133's 356/303-keV pair sits on Pb-214's 352/295 keV; its 81.0-keV line (33 % per decay),
    # hidden among the lead K X-rays on NaI, is tested one-sidedly (X-rays only add counts there).
    # Take the line away (everything below 150 keV absorbed, as behind a few mm of lead): the
    # 356-keV peak is no longer called Ba-133, and the spectrum is never cleared.
    for seed in range(3):
        _, bg = simulate_spectrum("none", "nai", sigma=0, seed=seed)
        fg_mean, bg_mean = expected_spectrum(
            "Ba-133", "nai", sigma=20, live_time_s=10.0, calibration=bg.calibration, n_channels=bg.n_channels
        )
        signal = (fg_mean - bg_mean) * (bg.centers_kev() > 150.0)
        counts = np.random.default_rng(seed).poisson(bg_mean + signal).astype(np.int64)
        result = identify(Spectrum(counts, 10.0, bg.calibration, detector="nai"), bg)
        assert not result.verdict.cleared, result.reasons
        assert not any(m.nuclide == "Ba-133" for m in result.isotopes), result.reasons
    # the same source unshielded keeps its 81-keV line and is found
    fg, bg = simulate_spectrum("Ba-133", "nai", sigma=20, seed=1)
    assert any(m.nuclide == "Ba-133" for m in identify(fg, bg).isotopes)


@pytest.mark.parametrize("detector", ["nai", "csi"])
def test_ba133_under_the_radon_progeny_is_never_cleared_without_background(detector: str) -> None:
    # Regression on simulated spectra (the simulator shares the engine's physics: this guards the
    # behaviour, it does not validate it). Without a background the surroundings' Pb-214 351.9 keV
    # is under Ba-133's 356.0 keV and the chain column absorbed it: 3 of these 12 spectra (csi 5
    # sigma seeds 0 and 1, nai 5 sigma seed 0) were cleared as NORM or background. The Pb-214 line's
    # share is now read from the chain's companion lines (295/609 keV ... at their NNDC ratios).
    for sigma in (5.0, 10.0):
        for seed in range(3):
            fg, _ = simulate_spectrum("Ba-133", detector, sigma=sigma, seed=1000 * seed + 17)
            result = identify(fg, None)
            assert not result.verdict.cleared, (sigma, seed, result.reasons)
            natural_only = all(m.category.verdict is Verdict.NORM for m in result.isotopes)
            if result.verdict is Verdict.OF_CONCERN and natural_only:  # kept by the companion test: it says so
                assert any("Ba-133 not excluded" in r for r in result.reasons), result.reasons


def test_the_companion_test_does_not_refer_norm_without_background() -> None:
    # Regression (simulated): NORM spectra carry Pb-214 352 keV at the chain's own ratio to its
    # 295/609-keV companions, so the Ba-133-under-the-chain test finds nothing in them.
    for source in NORM:
        for detector in ("nai", "csi"):
            for seed in range(2):
                fg, _ = simulate_spectrum(source, detector, sigma=10, seed=1000 * seed + 17)
                result = identify(fg, None)
                assert not any("Ba-133" in r for r in result.reasons), (source, detector, seed, result.reasons)


def test_ba133_read_as_net_pb214_is_never_cleared_with_background() -> None:
    # Safety regression on simulated spectra (the simulator shares the engine's physics: this guards
    # the behaviour, it does not validate it). With a paired background, a weak NaI Ba-133 (10 s,
    # "6 sigma", gross +4.7 sigma for seed 1001, over a 4-sigma portal alarm) had its 356 keV read as the
    # net U-238 chain's Pb-214 351.9 keV (4.7 sigma) with Bi-214 609 keV far below the chain's ratio, and
    # was cleared as NORM. Pb-214 and Bi-214 are in equilibrium in any net spectrum: the Pb-214 share of
    # the peak is read from the companion lines with a background too.
    for seed in range(3):
        fg, bg = simulate_spectrum("Ba-133", "nai", sigma=6.0, live_time_s=10.0, seed=1000 + seed)
        result = identify(fg, bg)
        assert not result.verdict.cleared, (seed, result.reasons)
        assert any("Ba-133" in r for r in result.reasons), (seed, result.reasons)


def test_the_companion_test_names_nothing_and_rarely_refers_norm_with_background() -> None:
    # Regression (simulated): a NORM sample's net Pb-214 352 keV keeps the chain's ratio to its net
    # Bi-214 609/1120/1764-keV lines. With a background the test runs only on a weak U-238 chain (4-5
    # sigma), never names Ba-133, and refers few NORM spectra: at its 3-sigma referral level one of these
    # eight (ceramics, seed 1017: 3.1 sigma combined, on a 4.5-sigma chain) is referred, the SNIP
    # continuum's noise bias leaving net peak residuals slightly positive.
    referred = 0
    for source in NORM:
        for seed in range(2):
            fg, bg = simulate_spectrum(source, "nai", sigma=10, seed=1000 * seed + 17)
            result = identify(fg, bg)
            assert not any(m.nuclide == "Ba-133" for m in result.isotopes), (source, seed, result.reasons)
            referred += any("Ba-133 under the chain" in r for r in result.reasons)
    assert referred <= 1


def test_without_background_and_without_a_norm_line_nothing_is_cleared() -> None:
    # Safety regression on simulated spectra (the simulator shares the engine's physics). Without a
    # background the excess is not measured; a weak source on a 1 cm3-class CsI in 2 s adds a few per
    # cent to the surroundings' spectrum, whose energy-window ratios are NORM's. With no NORM line
    # identified these were cleared as NORM: Co-60 4 sigma seed 1002, Ir-192 4 sigma seed 1000 (below
    # the 4-sigma alarm), Cs-137 5 sigma seed 5005 (+4.7 sigma gross against its paired background).
    for source, sigma, seed in (("Co-60", 4.0, 1002), ("Ir-192", 4.0, 1000), ("Cs-137", 5.0, 5005)):
        fg, _ = simulate_spectrum(source, "csi", sigma=sigma, live_time_s=2.0, seed=seed)
        result = identify(fg, None)
        assert not result.verdict.cleared, (source, seed, result.reasons)
        if not any(m.category.verdict is not Verdict.NORM for m in result.isotopes):
            assert any("no NORM line is identified" in r for r in result.reasons), result.reasons


def test_cs137_backscatter_peak_is_not_taken_for_u235() -> None:
    # photons of Cs-137's 661.7 keV scattered back by 150-180 degrees (container wall, ground,
    # shielding) make a peak at 184-194 keV that a NaI crystal does not resolve from U-235's 185.7
    # keV. A strong one (as many counts as the photopeak) must never make special nuclear material;
    # the spectrum is judged by Cs-137 (industrial), and the reasons say U-235 was not tested.
    model = detector_model("nai")
    for seed in range(3):
        fg, bg = simulate_spectrum("Cs-137", "nai", sigma=60, seed=seed, live_time_s=60.0)
        edges, centers = fg.edges_kev(), fg.centers_kev()
        photopeak = np.abs(centers - 661.7) <= 1.25 * model.fwhm_kev(661.7)
        net = float((fg.counts - bg.counts * fg.live_time_s / bg.live_time_s)[photopeak].sum())
        width = np.hypot(model.fwhm_kev(189.0) / 2.3548, 3.0)  # detector resolution and the 184-194 keV spread
        hump = net * np.diff(ndtr((edges - 189.0) / width))
        counts = fg.counts + np.random.default_rng(seed).poisson(hump)
        result = identify(Spectrum(counts.astype(np.int64), fg.live_time_s, fg.calibration, detector="nai"), bg)
        assert result.verdict is Verdict.INDUSTRIAL, result.reasons
        if any("SNM rule met for U-235" in r for r in result.reasons):
            assert any("backscatter peak of Cs-137" in r for r in result.reasons), result.reasons


def _beta_bremsstrahlung(edges: np.ndarray, model_name: str) -> np.ndarray:
    """Detected counts per channel (unit sum) of the bremsstrahlung of Sr-90/Y-90 betas stopped in
    a low-Z absorber: each beta spectrum as an allowed shape p(T) ~ sqrt(T^2 + 2Tm)(T + m)(T0 - T)^2
    (end points 546 and 2280 keV, NuDat 3), each electron giving the thick-target Kramers photon
    spectrum (T - E)/E, every photon folded with the detector response (physics.line_response)."""
    from tripline.radiation.physics import line_response

    model = detector_model(model_name)
    photon = np.arange(20.0, 2280.0, 10.0)
    flux = np.zeros_like(photon)
    for end in (546.0, 2280.0):
        t = np.linspace(1.0, end, 400)
        p = np.sqrt(t * t + 2 * t * 511.0) * (t + 511.0) * (end - t) ** 2
        p /= p.sum()
        for ti, pi in zip(t, p, strict=True):
            flux += pi * np.clip(ti - photon, 0.0, None) / photon
    out = sum((f * line_response(model, edges, e) for e, f in zip(photon, flux, strict=True)), np.zeros(edges.size - 1))
    return np.asarray(out / out.sum())


@pytest.mark.parametrize("detector", ["radiacode", "csi", "nai"])
def test_a_sr90_continuum_without_uranium_lines_is_never_cleared(detector: str) -> None:
    # the U-238 daughter Pa-234m (2.27 MeV) and Y-90 (2.28 MeV) have the same beta end point: a
    # bremsstrahlung continuum alone cannot be uranium glass. Without any line, with or without
    # lead K X-rays (a source in a lead pot): against a background never cleared; never SNM. Without
    # a background spectrum a weak continuum under the ambient one is not measurable from the
    # spectrum alone (the portal's gross-count alarm then keeps it: adjudicate, "re-scan")
    _, bg = simulate_spectrum("none", detector, sigma=0, live_time_s=600.0, seed=11)
    edges = bg.edges_kev()
    shape = _beta_bremsstrahlung(edges, detector)
    model = detector_model(detector)
    lead = sum(
        (i * np.diff(ndtr((edges - e) / (model.fwhm_kev(e) / 2.3548))) for e, i in ((74.97, 1.0), (84.94, 0.35))),
        np.zeros(edges.size - 1),
    )
    rng = np.random.default_rng(11)
    base = bg.counts * (60.0 / bg.live_time_s)
    for sigma in (8.0, 30.0, 100.0):
        for x_rays in (0.0, 0.1):
            extra = sigma * np.sqrt(base.sum()) * (shape + x_rays * lead / lead.sum())
            fg = Spectrum(rng.poisson(base + extra).astype(np.int64), 60.0, bg.calibration, detector=detector)
            result = identify(fg, bg)
            assert not result.verdict.cleared, (sigma, x_rays, result.reasons)
            assert identify(fg, None).verdict is not Verdict.SNM


@pytest.mark.parametrize("paired", [True, False], ids=["against a background", "without a background"])
@pytest.mark.parametrize("detector", ["radiacode", "csi", "nai"])
def test_enriched_uranium_is_never_cleared(detector: str, paired: bool) -> None:
    # HEU (93 % U-235) from weak to strong, 60 s: the 186-keV line without U-238's Pa-234m 1001-keV
    # line must never pass as natural uranium (glass, glaze, ore). Without a background this was a
    # strict xfail on CsI and RadiaCode (weak HEU cleared as NORM: its 186-keV peak read as radium
    # vouched for by the ambient radon progeny at the 30 % emanation bound, or by the flank of the
    # 186-keV peak itself in the 242-352-keV progeny regions); closed by reading radium at
    # equilibrium without a background, measuring the progeny lines after the chain fit and referring
    # a natural-uranium 186-keV line from 3 sigma. Not closed everywhere: over 20 other seeds at 5
    # sigma, 2 CsI spectra are still cleared (before: 11; NaI 7 -> 0), where the Pa-234m 1001-keV
    # line that vouches for natural uranium stands at 4 sigma among the background's own lines
    for sigma in (5.0, 10.0, 30.0):
        for seed in range(2):
            fg, bg = simulate_spectrum("HEU", detector, sigma=sigma, live_time_s=60.0, seed=seed)
            result = identify(fg, bg if paired else None)
            assert not result.verdict.cleared, (sigma, seed, result.reasons)


def _eu152_with_background(
    det: str, sigma: float, gain: float, low_keep: float, seed: int
) -> tuple[Spectrum, Spectrum]:
    """A simulated 10-s Eu-152 source (NNDC lines; those below 300 keV scaled by ``low_keep``, a
    shield) over the model's natural background, with a 40-s background; stated scale ``gain`` x
    the true one. Regression only: the same detector model as the identifier, no evidence."""
    from tripline.radiation.library import default_library
    from tripline.radiation.physics import background_shape, default_calibration, lines_response

    model = detector_model(det)
    true = default_calibration(model, model.channels)
    lines = [
        (ln.energy_kev, ln.intensity / 100.0 * (low_keep if ln.energy_kev < 300 else 1.0))
        for ln in default_library().get("Eu-152").lines
    ]
    shape = lines_response(model, true.edges(model.channels), lines)
    background = background_shape(det, true, model.channels) * model.background_cps * 10.0
    signal = shape / shape.sum() * sigma * np.sqrt(model.background_cps * 10.0)
    rng = np.random.default_rng(seed)
    stated = EnergyCalibration(tuple(c * gain for c in true.coefficients))
    fg = Spectrum(rng.poisson(background + signal).astype(np.int64), 10.0, stated, spectrum_id="eu152", detector=det)
    bg = Spectrum(rng.poisson(4 * background).astype(np.int64), 40.0, stated, spectrum_id="eu152", detector=det)
    return fg, bg


@pytest.mark.parametrize(("det", "gain"), [("csi", 0.96), ("nai", 0.96), ("nai", 1.0), ("nai", 1.04)])
def test_a_shielded_eu152_source_is_not_cleared_as_the_thorium_chain(det: str, gain: float) -> None:
    # regression (not evidence): Eu-152's 244.7/344.3/964.1 keV read as the Th-232 chain's Pb-212 238.6,
    # Ac-228 338.3/911.2/969.0 keV; without Tl-208's 583.2 or 2614.5 keV (NNDC) the chain does not clear
    fg, bg = _eu152_with_background(det, 20.0, gain, 0.3, seed=2)
    result = identify(fg, bg)
    assert result.verdict not in (Verdict.NORM, Verdict.BACKGROUND), result.reasons


def _raised_threshold(spectrum: Spectrum, threshold_kev: float, line_counts: int) -> Spectrum:
    """`spectrum` as a unit whose discriminator cuts at `threshold_kev`, plus `line_counts` counts of a
    59.5-keV line drawn by hand (a Gaussian of the RadiaCode's 20-keV FWHM there, not the engine's model)."""
    centers = spectrum.centers_kev()
    counts = spectrum.counts.copy()
    line = np.exp(-0.5 * ((centers - 59.5409) / (20.0 / 2.3548)) ** 2)
    counts += np.random.default_rng(3).poisson(line_counts * line / line.sum()).astype(np.int64)
    counts[centers < threshold_kev] = 0
    return Spectrum(counts, spectrum.live_time_s, spectrum.calibration, detector=spectrum.detector)


def test_a_low_energy_source_below_the_usable_range_is_not_cleared() -> None:
    # a real 21-h RadiaCode background (tests/data/radiation_extra, MIT), cleared as NORM; on a unit whose
    # counts begin at 45 keV, Am-241's 59.5-keV line lies below the usable range (onset + 1 FWHM): a strong
    # line there must withhold clearance, the background alone must still be released
    from tests.realdata import load_cases

    case = next(c for c in load_cases() if c.case_id == "dmamontov:bg-natural")
    background, _ = case.spectra()[0]
    alone = identify(_raised_threshold(background, 45.0, 0))
    assert alone.verdict in (Verdict.NORM, Verdict.BACKGROUND), alone.reasons
    assert any("neither seen nor excluded" in r for r in alone.reasons)
    for strength in (1, 3, 10):
        source = identify(_raised_threshold(background, 45.0, strength * background.total_counts))
        # never released: the low-region rule, or a line read on the cut-off 59.5-keV peak's upper half
        assert source.verdict not in (Verdict.NORM, Verdict.BACKGROUND), source.reasons
    # the same source on the unit as recorded (counts from 8.5 keV) is read by its line
    seen = identify(_raised_threshold(background, 0.0, 3 * background.total_counts))
    assert seen.verdict is Verdict.INDUSTRIAL and any(m.nuclide == "Am-241" for m in seen.isotopes)


def test_a_simulated_am241_on_a_40_kev_threshold_is_not_cleared() -> None:
    # regression (the project's simulator): the RadiaCode model's counts begin at 40 keV, so the 59.5-keV
    # line is untestable; a 50-sigma source was cleared as background before the low-region rule
    for seed in (1, 2):
        fg, _ = simulate_spectrum("Am-241", "radiacode", sigma=50, live_time_s=300, seed=seed)
        assert identify(fg).verdict is Verdict.OF_CONCERN


@pytest.mark.parametrize(
    ("host", "live_time_s", "seed"),
    [("granite", 10, 1), ("granite", 300, 1), ("granite", 300, 3), ("kitty_litter", 10, 1), ("ceramics", 300, 1)],
)
def test_heu_in_norm_with_a_background_is_not_cleared_on_windows_alone(host: str, live_time_s: int, seed: int) -> None:
    # regression (the project's simulator): 6-sigma HEU in a 10-sigma NORM scan on the RadiaCode model, with its
    # background; no NORM line is identified and the window fit took the HEU as thorium (U-235 template gain
    # chi2 5.7-7.0 < THREAT_GAIN_MAX 9): these were cleared as NORM before WINDOW_ONLY_GAIN_MAX
    fg, bg = simulate_spectrum(host, "radiacode", sigma=10, live_time_s=live_time_s, seed=seed)
    heu, _ = expected_spectrum("HEU", "radiacode", sigma=6, live_time_s=fg.live_time_s)
    _, base = expected_spectrum("none", "radiacode", sigma=0, live_time_s=fg.live_time_s)
    extra = np.random.default_rng(seed).poisson(np.clip(heu - base, 0, None))
    mixed = Spectrum(fg.counts + extra, fg.live_time_s, fg.calibration, detector="radiacode")
    result = identify(mixed, bg)
    assert not result.verdict.cleared, result.reasons


@pytest.mark.parametrize(("top_kev", "refused"), [(29.9, True), (30.2, False)])
def test_a_spectrum_ending_below_the_low_edge_is_refused_and_one_reaching_it_is_judged(
    top_kev: float, refused: bool
) -> None:
    # NaI low edge 30 keV (detectors.yaml); 1024 channels of flat counts (a fixture, not a measurement).
    # Below the edge no fit has anything to fit (a real X-ray .mca crashed in numpy, test_readers_mca.py).
    spectrum = Spectrum(
        np.full(1024, 50, dtype=np.int64), 100.0, EnergyCalibration.linear(0.0, top_kev / 1024), detector="nai"
    )
    if refused:
        with pytest.raises(InputError, match="below the 30 keV low edge of the detector model nai"):
            identify(spectrum)
    else:
        assert identify(spectrum).verdict in set(Verdict)
