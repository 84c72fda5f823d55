"""Real RadiaCode/CsI spectra whose stored energy calibration is wrong (``tests.realdata.miscalibrate``): the
counts untouched, the calibration re-labelled with a gain error (x0.97-1.03, the RadiaCode K-40 line is up to
2.5 % off 1460.8 keV in the real files), an offset error (-12..+12 keV; a real RadiaCode granite background reads
~13 keV low at low energy) or a quadratic-term error. Dev split only."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.realdata import load_cases, miscalibrate, need_shared_data
from tripline.radiation.model import EnergyCalibration, Spectrum

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
