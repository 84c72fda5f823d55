"""The paired background on its own energy scale (``Policy.background_own_scale``), on real dev RadiaCode pairs.

A background whose stored calibration is re-labelled with a gain error (``tests.realdata.miscalibrate``: the counts
untouched, every line read 1.5 % high or low) stands for a recording made at another gain: aligned by the stored
calibrations its ambient lines land off the foreground's and the net windows carry a dipole; read on its own scale
(its own K-40 line) it comes back to the unperturbed pair. Dev split only."""

from __future__ import annotations

import re

import numpy as np
import pytest

from tests.realdata import load_cases, miscalibrate, need_shared_data
from tripline.radiation.identify import Policy, identify
from tripline.radiation.model import Spectrum, Verdict

CASES = {c.case_id: c for c in load_cases() if c.split == "dev"}
ON = Policy(background_own_scale=True)
OFF = Policy(background_own_scale=False)
URANINITE = "radiacode:2024-04-17_Uraninite"
BELARUS = "radiacode:Dosemap.org_spectra_02_Cs-137_Belarus_mushrooms"
RUSSIA = "radiacode:Dosemap.org_spectra_04_Cs-137_Russia_Kirovo-Chepetsk_soil"
DANUBE = "radiacode:Sediment_Danube--2024-03-02 13-22-16"


def _pair(case_id: str) -> tuple[Spectrum, Spectrum]:
    case = CASES[case_id]
    if case.store == "shared":
        need_shared_data()
    fg, bg = case.spectra()[0]
    assert bg is not None
    return fg, bg


def _windows(fg: Spectrum, bg: Spectrum, policy: Policy) -> tuple[Verdict, np.ndarray]:
    result = identify(fg, bg, policy=policy)
    assert result.norm_test is not None
    return result.verdict, np.array(result.norm_test.net_counts)


@pytest.mark.parametrize("case_id", [URANINITE, BELARUS])
@pytest.mark.parametrize("gain", [1.015, 0.985])
def test_background_gain_error_is_read_back_from_its_own_lines(case_id: str, gain: float) -> None:
    """A +-1.5 % gain error on the background's stored calibration: with the policy the verdict and every energy
    window's net counts return to the unperturbed pair's within 0.5 Poisson sd of the window (measured: at most
    0.26); without it the same error moves a window by more than 5 sd (uraninite +1.5 %: 8.6, Belarus: 93-1015),
    except the uraninite at -1.5 %, where today's alignment happens to land within 0.64 (its background reads
    0.32 % low by itself): that case is not asserted off."""
    fg, bg = _pair(case_id)
    verdict, net = _windows(fg, bg, ON)
    wrong = miscalibrate(bg, gain, 0.0)
    verdict_on, net_on = _windows(fg, wrong, ON)
    sd = np.sqrt(np.abs(net) + 1.0)
    assert verdict_on is verdict
    assert float(np.max(np.abs(net_on - net) / sd)) < 0.5
    if not (case_id == URANINITE and gain < 1.0):
        _, net_off = _windows(fg, wrong, OFF)
        _, net_off_base = _windows(fg, bg, OFF)
        assert float(np.max(np.abs(net_off - net_off_base) / np.sqrt(np.abs(net_off_base) + 1.0))) > 5.0


def _stated_difference(fg: Spectrum, bg: Spectrum) -> float:
    """The percentage the reasons state between the two recordings' scales."""
    reasons = identify(fg, bg, policy=ON).reasons
    stated = [r for r in reasons if r.startswith("background on its own energy scale")]
    assert len(stated) == 1
    found = re.search(r"differ by ([+-][0-9.]+)% at 1460.8 keV", stated[0])
    assert found is not None
    return float(found.group(1))


def test_reasons_state_how_far_the_two_scales_differ() -> None:
    """The Belarus mushrooms' K-40 line reads 0.9783 x 1460.8 keV in the sample, 0.9916 x in its background
    (calibration_correction of each): 0.9916 / 0.9783 - 1 = +1.36 %; the background re-labelled x1.015 adds it:
    1.015 x 0.9916 / 0.9783 - 1 = +2.88 % (read back +2.87 %: its K-40 centroid is measured again)."""
    fg, bg = _pair(BELARUS)
    assert _stated_difference(fg, bg) == pytest.approx(1.36, abs=0.01)
    assert _stated_difference(fg, miscalibrate(bg, 1.015, 0.0)) == pytest.approx(2.88, abs=0.03)


@pytest.mark.parametrize("case_id", [BELARUS, RUSSIA])
@pytest.mark.parametrize("gain", [1.0, 1.015, 0.985])
def test_man_made_source_with_its_real_background_stays_referred(case_id: str, gain: float) -> None:
    """Real Cs-137 samples with their real backgrounds (on their own scales, the background also re-labelled by
    +-1.5 %): still industrial, Cs-137 identified at 10 sigma or more."""
    fg, bg = _pair(case_id)
    result = identify(fg, miscalibrate(bg, gain, 0.0), policy=ON)
    assert result.verdict is Verdict.INDUSTRIAL
    assert any(m.nuclide == "Cs-137" and m.significance >= 10.0 for m in result.isotopes)


def test_background_without_a_measurable_line_follows_the_foreground() -> None:
    """The Danube sediment's background (43285 s, 188352 counts) holds its K-40 line at 5.8 sigma, under the
    10 sigma a scale is read from: nothing measures its scale, so it is aligned as without the policy (no reason
    added, the same windows)."""
    fg, bg = _pair(DANUBE)
    on = identify(fg, bg, policy=ON)
    off = identify(fg, bg, policy=OFF)
    assert not any(r.startswith("background on its own energy scale") for r in on.reasons)
    assert on.verdict is off.verdict
    assert on.norm_test is not None and off.norm_test is not None
    assert on.norm_test.net_counts == off.norm_test.net_counts
