"""The curved (offset+gain+quadratic) energy correction (``tripline.radiation.calibrate``, ``calibration_correction(
curved=True)``, ``Policy.curved_calibration``). Read-back from first principles: a thorium spectrum built from the
library's Th-232 chain lines through the detector model's response on a known true scale, its stored calibration
written as a known quadratic of that scale (stored = a + b E + c E^2, exactly a quadratic in the channel when the true
scale is linear), must be corrected to within a stated tolerance; the same spectrum with a straight stored scale is
not called curved. Built from the identifier's own library and model: regression, not evidence that real spectra
behave so (the real dev thorium is pinned below)."""

from __future__ import annotations

import numpy as np
import pytest

from tests.realdata import load_cases, need_shared_data
from tripline.radiation.calibrate import (
    MAX_BOW_KEV,
    CalibrationCorrection,
    _curved_fit,
    calibration_correction,
    recalibrated_curved,
)
from tripline.radiation.identify import Policy, identify
from tripline.radiation.library import default_library, detector
from tripline.radiation.model import EnergyCalibration, Spectrum, Verdict
from tripline.radiation.physics import lines_response

RADIACODE = detector("radiacode")
KEV_PER_CHANNEL = 12.0
CHANNELS = 256
TH_LINES_KEV = (238.632, 583.187, 911.204, 2614.511)  # NNDC NuDat 3


def _thorium(
    offset: float, gain: float, curvature: float, decays: float = 2e6, continuum: float = 80.0, seed: int = 0
) -> Spectrum:
    """Th-232 chain decays over a flat continuum (counts per channel) on a true scale of 12 keV per channel from 0 keV
    (256 channels: a RadiaCode-101's coarse grid), stored as offset + gain E + curvature E^2 of the true energy E. On
    the model's own response the existing anchor tests are fragile (SNIP residues give a spurious U-238 chain scale
    that blends 583.2 keV out at some counts): decays and continuum are chosen where all four Th lines are used."""
    lines = [(ln.energy_kev, ln.intensity / 100.0) for ln in default_library().get("Th-232 chain").lines]
    true_edges = KEV_PER_CHANNEL * np.arange(CHANNELS + 1, dtype=np.float64)
    mean = lines_response(RADIACODE, true_edges, lines) * decays + continuum
    counts = np.random.default_rng(seed).poisson(mean).astype(np.int64)
    h = KEV_PER_CHANNEL
    stated = EnergyCalibration((offset, gain * h, curvature * h * h))
    return Spectrum(counts, 600.0, stated, spectrum_id="thorium", detector="radiacode")


def test_true_kev_inverts_measured_kev() -> None:
    scale = CalibrationCorrection(1.0178, (), offset_kev=16.0, curvature=-1.44e-5)
    energies = np.array([0.0, 59.5, 238.6, 1460.8, 2614.5, 3000.0])
    assert scale.true_kev(scale.measured_kev(energies)) == pytest.approx(energies, abs=1e-9)
    # by hand: 16 + 1.0178 x 1000 - 1.44e-5 x 1000^2 = 1019.4 keV
    assert float(scale.measured_kev(np.array([1000.0]))[0]) == pytest.approx(1019.4)


@pytest.mark.parametrize(
    ("offset", "gain", "curvature", "decays", "continuum"),
    [(16.0, 1.018, -1.44e-5, 2e6, 80.0), (8.0, 0.995, 8e-6, 5e5, 800.0)],
)
def test_a_known_quadratic_scale_is_read_back(
    offset: float, gain: float, curvature: float, decays: float, continuum: float
) -> None:
    """The dev thorium's own scale (+16 keV, x1.018, -14.4 keV/MeV^2: Pb-212 238.6 keV read at 257.9, Tl-208 2614.5 keV
    at 2578.5) and an opposite bow: each line used, and after the correction every Th line lies within 1 % (2 keV at
    238.6 keV) of its NNDC energy; the straight correction through the same lines would miss one by > 5 keV."""
    spectrum = _thorium(offset, gain, curvature, decays, continuum)
    found = calibration_correction(spectrum, RADIACODE, curved=True)
    assert found.curvature != 0.0
    assert set(TH_LINES_KEV) <= set(found.used)
    assert found.offset_kev == pytest.approx(offset, abs=4.0)
    assert found.curvature == pytest.approx(curvature, abs=4e-6)
    corrected = recalibrated_curved(spectrum, found)
    assert corrected.calibration is not None and spectrum.calibration is not None
    for energy in TH_LINES_KEV:
        channel = energy / KEV_PER_CHANNEL  # the line's true (fractional) channel position
        read = float(corrected.calibration.energy(channel))
        assert read == pytest.approx(energy, abs=max(2.0, 0.01 * energy))
    # the stored (uncorrected) scale misplaces Pb-212 238.6 keV by the offset at least
    assert abs(float(spectrum.calibration.energy(238.632 / KEV_PER_CHANNEL)) - 238.632) > 5.0


@pytest.mark.parametrize(("offset", "gain"), [(15.0, 0.99), (0.0, 1.0), (-10.0, 1.01)])
def test_a_straight_scale_is_not_called_curved(offset: float, gain: float) -> None:
    """A stored scale that is offset+gain only: no curvature is applied (the quadratic does not beat the straight line
    by CURVE_CHI2), whatever straight correction the other tests give."""
    found = calibration_correction(_thorium(offset, gain, 0.0), RADIACODE, curved=True)
    assert found.curvature == 0.0


@pytest.mark.parametrize(("curvature", "accepted"), [(-1.44e-5, True), (-4e-5, False), (0.0, False)])
def test_the_quadratic_fit_by_hand(curvature: float, accepted: bool) -> None:
    """Four lines exactly on measured = 16 + 1.018 E + c E^2 with 0.5-keV errors: the dev thorium's bow is read back
    exactly; -40 keV/MeV^2 bows 90 keV off the chord over 0-3000 keV, beyond MAX_BOW_KEV (refused); a straight scale
    gains nothing over the straight line (chi2 difference 0 < CURVE_CHI2: refused)."""
    true = np.array(TH_LINES_KEV)
    measured = 16.0 + 1.018 * true + curvature * true**2
    found = _curved_fit(true, measured, np.full(4, 0.5), 3000.0)
    assert 1.44e-5 * 3000.0**2 / 4.0 < MAX_BOW_KEV < 40e-6 * 3000.0**2 / 4.0
    if accepted:
        assert found == pytest.approx((16.0, 1.018, curvature), rel=1e-6)
    else:
        assert found is None


def test_a_line_off_the_quadratic_is_refused() -> None:
    """The 583.2-keV line pulled 9 keV up (as a Cs-137 line beside it pulls it): the quadratic no longer fits (chi2
    beyond its 99 % point for one degree of freedom), no curved scale."""
    true = np.array(TH_LINES_KEV)
    measured = 16.0 + 1.018 * true - 1.44e-5 * true**2 + np.array([0.0, 9.0, 0.0, 0.0])
    assert _curved_fit(true, measured, np.full(4, 0.5), 3000.0) is None


def test_the_256_channel_thorium_scale_is_curved() -> None:
    """The dev RadiaCode-101 thorium (no paired background): Pb-212 238.6, Tl-208 583.2, Ac-228 911.2 and Tl-208 2614.5
    keV at 257.7/601.9/943.8/2578.0 keV read as measured = 16.0 keV + 1.0178 E - 14.4 E^2/MeV^2 (a straight line
    misses them by up to 6 standard errors at 0.2 %), NORM with the policy on."""
    need_shared_data()
    case = {c.case_id: c for c in load_cases() if c.split == "dev"}["radiacode:Thorium"]
    fg, _ = case.spectra()[0]
    found = calibration_correction(fg, RADIACODE, curved=True)
    assert set(TH_LINES_KEV) <= set(found.used)
    assert found.offset_kev == pytest.approx(16.0, abs=1.0)
    assert found.factor == pytest.approx(1.0178, abs=0.003)
    assert found.curvature == pytest.approx(-1.44e-5, abs=2e-6)
    assert float(found.true_kev(np.array([257.7]))[0]) == pytest.approx(238.632, abs=2.0)
    assert identify(fg, policy=Policy(curved_calibration=True)).verdict is Verdict.NORM


def test_a_cs137_hidden_in_the_thorium_is_not_cleared(monkeypatch: pytest.MonkeyPatch) -> None:
    """--masked, dev: the Kirovo-Chepetsk Cs-137 soil at 10 % and 30 % of the thorium's counts (no background), the
    host aligned as the engine with the policy on reads it (the curved scale). Its 661.7-keV flank pulls the 583.2-keV
    anchor: no quadratic passes, the correction falls back to the straight-free default and nothing is cleared (with
    anchor_offset_reach the straight line through the remaining anchors cleared it at 10 %)."""
    import tests.realdata as realdata
    from tests.realdata import Alignment, masked_case

    need_shared_data()
    cases = {c.case_id: c for c in load_cases() if c.split == "dev"}

    def aligned(host: Spectrum) -> Alignment:
        found = calibration_correction(host, RADIACODE, curved=True)
        return Alignment(found.factor, found.offset_kev, (), curvature=found.curvature)

    monkeypatch.setattr(realdata, "host_alignment", aligned)
    host = cases["radiacode:Thorium"]
    fg, _ = host.spectra()[0]
    source = cases["radiacode:Dosemap.org_spectra_04_Cs-137_Russia_Kirovo-Chepetsk_soil"]
    for fraction in (0.1, 0.3):
        spectrum = masked_case(host, fg, source, fraction)
        assert spectrum is not None
        assert not identify(spectrum, policy=Policy(curved_calibration=True)).verdict.cleared


@pytest.mark.parametrize("seed", [0, 1])
def test_broadened_256_channel_thorium_is_norm_with_the_curved_scale(seed: int) -> None:
    """The fragility `--broadened` pinned (bench/README.md, broaden; the strict xfail of test_broadened_real.py with the
    policy off): smeared to 1.15 x the model's width the thorium was referred on Se-75 279.5 keV, the residual of a
    chain template ~17 keV below its measured 238.6-keV line. With the curved scale it is NORM (k = 1.3 is not mended:
    there the anchors are blended, no quadratic is fitted, bench/README.md, curvecal)."""
    from tests.realdata import broadened_case

    need_shared_data()
    case = {c.case_id: c for c in load_cases() if c.split == "dev"}["radiacode:Thorium"]
    fg, _ = case.spectra()[0]
    smeared = broadened_case(case, fg, 1.15, seed, "fg", RADIACODE)
    assert identify(smeared, policy=Policy(curved_calibration=True)).verdict is Verdict.NORM
