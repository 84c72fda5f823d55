"""Anchors of the offset+gain energy correction (``tripline.radiation.calibrate``) searched as far as the offset the
correction may apply (``offset_reach``, ``Policy.anchor_offset_reach``; off by default: on, --masked clears more
man-made sources hidden in the thorium, the last test here). A stored RadiaCode calibration may read natural lines
~20 keV high at low energy (the dev native 256-channel RadiaCode-101 thorium: Pb-212 238.6 keV at 257.7 keV, Tl-208
583.2 keV at 601.9 keV, Ac-228 911.2 keV at 943.8 keV, but Tl-208 2614.5 keV 1.4 % low): 8 % at 238.6 keV, beyond
the gain's 6 % window (14.3 keV) although the correction allows offsets up to 25 keV. Left uncorrected, the chain
template's 238.6-keV line sits ~1/3 FWHM below the measured peak, and the residual above it (253-300 keV) reads as
Se-75's 264.7/279.5-keV lines (bench/README.md, se75). The peaks here are built by hand: a Gaussian of the detector
model's FWHM binned with math.erf, on a flat continuum."""

from __future__ import annotations

import math

import numpy as np
import pytest

from tests.realdata import broadened_case, load_cases, miscalibrate, need_shared_data
from tripline.radiation.calibrate import (
    MAX_GAIN_ERROR,
    MAX_OFFSET_KEV,
    _measure,
    anchor_reach_kev,
    calibration_correction,
)
from tripline.radiation.identify import Policy, identify
from tripline.radiation.library import detector
from tripline.radiation.model import Verdict

RADIACODE = detector("radiacode")  # FWHM = sqrt(6.8 E) keV
ON = Policy(anchor_offset_reach=True)
PB212_KEV = 238.632  # NNDC NuDat 3
CHANNEL_KEV = 11.2  # a 256-channel RadiaCode-101 at 240 keV (3.6 channels per FWHM)


def _grid() -> np.ndarray:
    """Channel edges of 11.2 keV from 0 keV: centres 5.6, 16.8, ..., 5.6 + 11.2 i (247.9 keV is channel 22)."""
    return np.arange(0.0, 101 * CHANNEL_KEV, CHANNEL_KEV)


def _peak(edges: np.ndarray, at_kev: float, area: float) -> np.ndarray:
    sd = math.sqrt(6.8 * at_kev) / (2.0 * math.sqrt(2.0 * math.log(2.0)))
    cdf = np.array([0.5 * (1.0 + math.erf((e - at_kev) / (sd * math.sqrt(2.0)))) for e in edges])
    return area * np.diff(cdf)


def _measured(at_kev: float, anchor: bool):  # type: ignore[no-untyped-def]
    edges = _grid()
    centers = 0.5 * (edges[:-1] + edges[1:])
    net = _peak(edges, at_kev, 2e5)
    counts = net + 1000.0
    return _measure(PB212_KEV, centers, counts, net, RADIACODE, anchor=anchor)


def test_anchor_reach_by_hand() -> None:
    """max(6 % of E, 25 keV): 25 keV at 238.6 keV (the gain's 14.3 keV), 35.0 keV at 583.2 keV (unchanged); the two
    meet at 25 / 0.06 = 416.7 keV."""
    assert anchor_reach_kev(PB212_KEV) == pytest.approx(25.0)
    assert anchor_reach_kev(583.187) == pytest.approx(0.06 * 583.187)
    crossover = MAX_OFFSET_KEV / MAX_GAIN_ERROR
    assert crossover == pytest.approx(416.67, abs=0.01)


def test_a_peak_19_kev_high_is_found_as_an_anchor_not_as_a_reference() -> None:
    """Pb-212 238.6 keV read at 257.7 keV (+19.1 keV): channel 22 (247.9 keV) and 23 (259.1 keV) hold most of it.
    The gain's window (238.6 +- 14.3 keV: channels 20-22) ends on its rising flank: no peak there. The anchor's
    (+-25 keV: channels 19-23) ends on its maximum channel 23, whose right neighbour (270.3 keV) holds less: a
    peak, centroid within a channel of 257.7 keV."""
    assert not _measured(257.7, anchor=False).usable
    line = _measured(257.7, anchor=True)
    assert line.usable and line.centroid is not None
    assert line.centroid == pytest.approx(257.7, abs=CHANNEL_KEV)


def test_a_line_beyond_the_anchor_reach_is_no_anchor() -> None:
    """Se-75's 264.7 keV (NNDC NuDat 3) is 26.1 keV above Pb-212 238.6 keV, beyond the 25-keV reach: its maximum
    channel (263.2 keV) is the window's last and a local maximum, but its centroid lies beyond the reach. 30 keV
    above: the same. Neither is read as Pb-212 shifted by an offset."""
    for at_kev in (264.658, PB212_KEV + 30.0):
        line = _measured(at_kev, anchor=True)
        assert line is not None and line.centroid is not None
        assert line.centroid - PB212_KEV > anchor_reach_kev(PB212_KEV)
        assert not line.usable


def test_a_flank_on_the_window_edge_is_no_anchor() -> None:
    """A line 45 keV above 238.6 keV: the window's last channel (263.2 keV) is its rising flank (the next channel
    holds more): not a peak of the anchor's window."""
    line = _measured(PB212_KEV + 45.0, anchor=True)
    assert line is not None and not line.usable and not line.peak


def test_the_256_channel_thorium_offset_is_measured() -> None:
    """The dev RadiaCode-101 thorium (no paired background): Pb-212 238.6, Tl-208 583.2, Ac-228 911.2 and Tl-208
    2614.5 keV on one offset+gain line, offset 23.1 keV (measured = 23.1 keV + 0.989 x true; before, the 2614.5-keV
    gain alone, 0.986, leaving 238.6 keV ~17 keV high)."""
    need_shared_data()
    case = {c.case_id: c for c in load_cases() if c.split == "dev"}["radiacode:Thorium"]
    fg, _ = case.spectra()[0]
    found = calibration_correction(fg, RADIACODE, offset_reach=True)
    assert {238.632, 583.187, 911.204, 2614.511} <= set(found.used)
    assert found.offset_kev == pytest.approx(23.1, abs=1.0)
    assert found.factor == pytest.approx(0.989, abs=0.003)
    assert (257.7 - found.offset_kev) / found.factor == pytest.approx(PB212_KEV, rel=0.01)
    assert identify(fg, policy=ON).verdict is Verdict.NORM
    # off (the default): the 2614.5-keV gain alone, as before
    assert calibration_correction(fg, RADIACODE).used == (2614.511,)


@pytest.mark.parametrize("shift_kev", [-6.0, -12.0])
def test_the_256_channel_thorium_offset_reads_back_a_relabelling(shift_kev: float) -> None:
    """Re-labelled by -6/-12 keV (tests.realdata.miscalibrate: every channel edge moved alike), the file's own
    23.1-keV offset reads 23.1 - 6 = 17.1 and 23.1 - 12 = 11.1 keV, within 1.5 keV: the measured offset follows the
    spectrum's energy scale, not the search window."""
    need_shared_data()
    case = {c.case_id: c for c in load_cases() if c.split == "dev"}["radiacode:Thorium"]
    fg, _ = case.spectra()[0]
    own = calibration_correction(fg, RADIACODE, offset_reach=True).offset_kev
    found = calibration_correction(miscalibrate(fg, 1.0, shift_kev, 0.0), RADIACODE, offset_reach=True)
    assert 238.632 in found.used
    assert found.offset_kev == pytest.approx(own + shift_kev, abs=1.5)


@pytest.mark.parametrize(
    ("k", "seed"),
    [
        (1.15, 0),
        (1.15, 1),
        (1.3, 0),
        pytest.param(
            1.3,
            1,
            marks=pytest.mark.xfail(
                strict=True,
                reason="smeared by 1.3 (seed 1) the 238.6/583.2-keV anchors are blended beyond MAX_BLEND (0.25, 1.3) "
                "with the chain scales read from that smeared file: no offset measured, Se-75 279.5 keV stands at 4.5 "
                "sigma as before (bench/README.md, se75)",
            ),
        ),
    ],
)
def test_broadened_256_channel_thorium_stays_norm(k: float, seed: int) -> None:
    """The fragility `--broadened` pinned (bench/README.md, broaden): the thorium smeared to k x the model's width
    was referred on Se-75 279.5 keV. With its offset measured (the policy on) it is NORM; off, k = 1.15 seed 0 stays
    the strict xfail of test_broadened_real.py."""
    need_shared_data()
    case = {c.case_id: c for c in load_cases() if c.split == "dev"}["radiacode:Thorium"]
    fg, bg = case.spectra()[0]
    assert bg is None
    assert identify(broadened_case(case, fg, k, seed, "fg", RADIACODE), policy=ON).verdict is Verdict.NORM


@pytest.mark.xfail(
    strict=True,
    reason="why offset_reach is off (bench/README.md, se75): the host's offset measured, its Tl-208 583.2-keV line "
    "modelled ~3 keV below the measured peak (the stored scale is curved, not offset+gain) leaves a positive flank "
    "beside the injected Cs-137: is_narrow reads the line as a hump (chi2 25.9 narrow vs 11.8 twice as wide), and a "
    "one-line nuclide has no other line to stand: cleared (off: Cs-137 named at 13.3 sigma)",
)
def test_cs137_hidden_in_the_thorium_is_found_with_offset_reach(monkeypatch: pytest.MonkeyPatch) -> None:
    """--masked, dev: the Kirovo-Chepetsk Cs-137 soil at 10 % of the thorium's counts (no background), the host
    aligned as the engine with the policy on reads it. A man-made source must not be cleared."""
    import tests.realdata as realdata
    from tests.realdata import Alignment, masked_case

    need_shared_data()
    cases = {c.case_id: c for c in load_cases() if c.split == "dev"}

    def aligned(host):  # type: ignore[no-untyped-def]
        found = calibration_correction(host, RADIACODE, offset_reach=True)
        return Alignment(found.factor, found.offset_kev, tuple((e, float("nan")) for e in found.used))

    monkeypatch.setattr(realdata, "host_alignment", aligned)
    host = cases["radiacode:Thorium"]
    fg, _ = host.spectra()[0]
    source = cases["radiacode:Dosemap.org_spectra_04_Cs-137_Russia_Kirovo-Chepetsk_soil"]
    spectrum = masked_case(host, fg, source, 0.1)
    assert spectrum is not None
    assert not identify(spectrum, policy=ON).verdict.cleared
