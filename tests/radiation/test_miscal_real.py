"""Real RadiaCode/CsI spectra whose stored energy calibration is wrong (``tests.realdata.miscalibrate``): the
counts untouched, the calibration re-labelled with a gain error (x0.97-1.03, the RadiaCode K-40 line is up to
2.5 % off 1460.8 keV in the real files), an offset error (-12..+12 keV; a real RadiaCode granite background reads
~13 keV low at low energy) or a quadratic-term error. Dev split only."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.realdata import MISCAL_PERTURBATIONS, load_cases, miscalibrate, need_shared_data, shared_data
from tripline.radiation.calibrate import calibration_correction, recalibrated_offset
from tripline.radiation.identify import identify
from tripline.radiation.library import detector
from tripline.radiation.model import EnergyCalibration, Spectrum, Verdict

CASES = {c.case_id: c for c in load_cases() if c.split == "dev"}


def test_miscalibrate_by_hand() -> None:
    """Channel 100 of E(ch) = -5 + 3 ch (+0 ch^2) reads 295 keV; x0.97 and +6 keV: 0.97 x 295 + 6 = 292.15 keV."""
    spectrum = Spectrum(np.arange(256, dtype=np.int64), 60.0, EnergyCalibration.linear(-5.0, 3.0))
    wrong = miscalibrate(spectrum, 0.97, 6.0)
    assert wrong.calibration is not None
    assert float(wrong.calibration.energy(100.0)) == pytest.approx(292.15, abs=1e-9)
    assert np.array_equal(wrong.counts, spectrum.counts) and wrong.live_time_s == spectrum.live_time_s


def test_miscalibrate_real_radiacode_quadratic_by_hand() -> None:
    """The dev RadiaCode K-40 file stores E(ch) = 4.6426802 + 2.29144 ch + 0.00097 ch^2: channel 500 reads
    4.6426802 + 1145.72 + 242.5 = 1392.8626802 keV. x1.03, -6 keV and its quadratic term x1.05:
    1.03 x 1392.8626802 - 6 + 0.05 x 0.00097 x 250000 = 1440.773560606 keV."""
    need_shared_data()
    fg, _ = CASES["radiacode:K-40-1--2024-03-02 13-26-43"].spectra()[0]
    assert fg.calibration is not None
    assert float(fg.calibration.energy(500.0)) == pytest.approx(1392.8626802, abs=1e-6)
    wrong = miscalibrate(fg, 1.03, -6.0, 0.05)
    assert wrong.calibration is not None
    assert float(wrong.calibration.energy(500.0)) == pytest.approx(1440.773560606, abs=1e-6)
    assert np.array_equal(wrong.counts, fg.counts)


@settings(max_examples=50, deadline=None)
@given(
    gain=st.floats(0.9, 1.1),
    offset=st.floats(-20.0, 20.0),
    c0=st.floats(-15.0, 15.0),
    c1=st.floats(0.5, 12.0),
    channel=st.integers(0, 1023),
)
def test_miscalibrate_moves_every_channel_alike(gain: float, offset: float, c0: float, c1: float, channel: int) -> None:
    """Every channel edge of a linear calibration moves to gain x (c0 + c1 ch) + offset (hand formula)."""
    spectrum = Spectrum(np.ones(1024, dtype=np.int64), 1.0, EnergyCalibration.linear(c0, c1))
    edges = miscalibrate(spectrum, gain, offset).edges_kev()
    assert edges[channel] == pytest.approx(gain * (c0 + c1 * channel) + offset, abs=1e-9)


def _pair(case_id: str) -> tuple[Spectrum, Spectrum | None]:
    case = CASES[case_id]
    if case.store == "shared":
        need_shared_data()
    return case.spectra()[0]


def _wrong(
    pair: tuple[Spectrum, Spectrum | None], gain: float, offset: float, quad: float
) -> tuple[Spectrum, Spectrum | None]:
    fg, bg = pair
    return miscalibrate(fg, gain, offset, quad), None if bg is None else miscalibrate(bg, gain, offset, quad)


CS137 = (
    "radiacode:Dosemap.org_spectra_02_Cs-137_Belarus_mushrooms",
    "radiacode:Dosemap.org_spectra_04_Cs-137_Russia_Kirovo-Chepetsk_soil",
)
RADIUM = ("radiacode:2024-04-17_Uraninite", "dmamontov:rn-86-spd")


@pytest.mark.parametrize("case_id", CS137)
def test_cs137_is_never_a_calibration_anchor(case_id: str) -> None:
    """The two dev RadiaCode Cs-137 spectra (mushrooms, soil) under every perturbation: the 662-keV line is never
    read as Bi-214's 609.3-keV line (no anchor at 609.3 keV), Cs-137 is still named and nothing is cleared."""
    pair = _pair(case_id)
    for _, gain, offset, quad in MISCAL_PERTURBATIONS:
        wrong, bg = _wrong(pair, gain, offset, quad)
        assert 609.312 not in calibration_correction(wrong, detector("radiacode")).used
        result = identify(wrong, bg)
        assert "Cs-137" in {m.nuclide for m in result.isotopes}, (gain, offset, quad)
        assert not result.verdict.cleared


@pytest.mark.parametrize("case_id", RADIUM)
def test_bi214_is_never_read_as_cs137(case_id: str) -> None:
    """The dev uraninite and radium ampoule (strong Bi-214 609.3 keV) under every perturbation: no Cs-137."""
    pair = _pair(case_id)
    for _, gain, offset, quad in MISCAL_PERTURBATIONS:
        result = identify(*_wrong(pair, gain, offset, quad))
        assert "Cs-137" not in {m.nuclide for m in result.isotopes}, (gain, offset, quad)


def test_offset_read_back_from_natural_lines() -> None:
    """The dev radium ampoule (dmamontov:rn-86-spd) re-labelled +12 keV: Pb-214 351.9, Bi-214 609.3 and 1764.5 keV
    give an offset+gain correction, and the corrected scale puts the channels of 351.9 and 609.3 keV (on the file's
    own scale, corrected by its own 1764.5-keV gain: the reference) within 3 keV of where the file's own scale does,
    where the re-labelled one is 12 keV off."""
    fg, _ = _pair("dmamontov:rn-86-spd")
    model = detector("radiacode")
    own = calibration_correction(fg, model)
    assert own.offset_kev == 0.0 and own.factor != 1.0  # the file itself: a gain correction only
    wrong = miscalibrate(fg, 1.0, 12.0)
    found = calibration_correction(wrong, model)
    assert found.offset_kev != 0.0 and {351.932, 609.312} <= set(found.used)
    assert fg.calibration is not None
    for energy in (351.932, 609.312):
        channel = fg.calibration.channel(energy * own.factor, fg.n_channels)
        stored = float(wrong.calibration.energy(channel)) / own.factor  # type: ignore[union-attr]
        corrected = float(recalibrated_offset(wrong, found.factor, found.offset_kev).calibration.energy(channel))  # type: ignore[union-attr]
        assert abs(stored - energy) > 11.0
        assert abs(corrected - energy) < 3.0


@pytest.mark.parametrize(
    "perturbation",
    [p for p in MISCAL_PERTURBATIONS if p[0] in ("gain x0.97", "gain x1.03", "offset -12 keV", "offset +12 keV")],
)
def test_real_man_made_never_cleared_when_miscalibrated(perturbation: tuple[str, float, float, float]) -> None:
    """Every dev man-made RadiaCode/CsI source, re-labelled x0.97, x1.03, -12 or +12 keV, is never cleared."""
    _, gain, offset, quad = perturbation
    cleared = []
    for case in CASES.values():
        if case.group != "man-made" or (case.store == "shared" and shared_data() is None):
            continue
        fg, bg = case.spectra()[0]
        if fg.detector not in ("radiacode", "csi") or fg.calibration is None:
            continue
        result = identify(*_wrong((fg, bg), gain, offset, quad))
        if result.verdict.cleared:
            cleared.append(case.case_id)
    assert cleared == []


@pytest.mark.parametrize("offset", [-12.0, 12.0])
def test_thorium_offset_read_back(offset: float) -> None:
    """The dev 48-h RadiaCode-102 thorium source (ckuethe:data_th232_plus_background), whose own scale needs no
    correction, re-labelled by -12/+12 keV: Pb-212 238.6, Tl-208 583.2, Ac-228 911.2 and Tl-208 2614.5 keV read the
    applied offset back within 3 keV."""
    fg, _ = _pair("ckuethe:data_th232_plus_background")
    model = detector("radiacode")
    assert calibration_correction(fg, model).offset_kev == 0.0
    found = calibration_correction(miscalibrate(fg, 1.0, offset), model)
    assert {238.632, 2614.511} <= set(found.used)
    assert found.offset_kev == pytest.approx(offset, abs=3.0)
    assert found.factor == pytest.approx(1.0, abs=0.01)


def test_monazite_gain_from_natural_anchors() -> None:
    """The dev Guarapari monazite has no reference line usable for the gain; re-labelled x0.97 it was read as
    industrial (Ir-192). Pb-212 238.6, Tl-208 583.2 and Ac-228 911.2 keV now correct its scale (by the applied 3 %
    and the file's own -1.5 % at 238.6 keV) and it is NORM, as unperturbed."""
    pair = _pair("radiacode:2024-04-16_Monazite-Guarapari-Brazil")
    assert identify(*pair).verdict is Verdict.NORM
    wrong, bg = _wrong(pair, 0.97, 0.0, 0.0)
    found = calibration_correction(wrong, detector("radiacode"))
    assert found.offset_kev == 0.0 and 238.632 in found.used
    assert 0.945 < found.factor < 0.975
    assert identify(wrong, bg).verdict is Verdict.NORM
