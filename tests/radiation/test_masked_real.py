"""Real man-made sources hidden in real NORM/background spectra (``tests.realdata.inject``): the masking
case at a port. The source spectrum is binomially thinned to a fraction of the host's counts, mapped onto
the host's energy grid by energy (``tests.realdata.rebin_counts``) and added; the injected spectrum holds
a man-made source, so a NORM or background verdict clears it. Dev split only; seeds
crc32("host:source:fraction") as in ``bench/radiation.py --masked``.
"""

from __future__ import annotations

import numpy as np
import pytest

from tests.realdata import RealCase, family, inject, load_cases, masked_case, need_shared_data, rebin, rebin_counts
from tripline.radiation.identify import identify
from tripline.radiation.model import EnergyCalibration, Spectrum

CASES = {c.case_id: c for c in load_cases() if c.split == "dev"}


def test_rebin_against_hand_computed_overlaps() -> None:
    # channels [0,10) 10 counts, [10,20) 20 counts onto [0,5) [5,15) [15,20): 5 | 5 + 10 | 10
    assert rebin([10, 20], [0, 10, 20], [0, 5, 15, 20]) == pytest.approx([5.0, 15.0, 10.0])
    # a new grid wider than the old one: nothing invented beyond the old ends, total kept
    assert rebin([10, 20], [0, 10, 20], [-5, 2, 25]) == pytest.approx([2.0, 28.0])
    # a narrower grid: counts beyond its ends dropped (5 of the first channel, 10 of the second)
    assert rebin([10, 20], [0, 10, 20], [5, 15]) == pytest.approx([15.0])
    # uneven channels: [0,1) 3, [1,4) 6 onto [0,2) [2,4): 3 + 6/3 | 6*2/3
    assert rebin([3, 6], [0, 1, 4], [0, 2, 4]) == pytest.approx([5.0, 4.0])


def test_rebin_counts_keeps_every_count_and_averages_to_rebin() -> None:
    counts = np.array([100, 0, 37, 250, 9])
    edges = np.array([0.0, 3.0, 6.5, 9.0, 14.0, 20.0])
    new_edges = np.linspace(0.0, 20.0, 8)
    expected = rebin(counts, edges, new_edges)
    rng = np.random.default_rng(7)
    draws = np.array([rebin_counts(counts, edges, new_edges, rng) for _ in range(2000)])
    assert np.all(draws.sum(axis=1) == counts.sum())  # integer counts, none lost or made
    assert draws.mean(axis=0) == pytest.approx(expected, abs=1.0)  # 5 sd of a 2000-draw mean
    # a channel lying inside one new channel lands there whole: [0,3) inside [0, 20/7)
    assert rebin_counts([5, 0], [0.0, 2.0, 3.0], [0.0, 2.5, 5.0], rng).tolist() == [5, 0]


def test_inject_scales_the_source_to_the_fraction_of_the_host() -> None:
    calibration = EnergyCalibration.linear(0.0, 3.0)
    host = Spectrum(np.full(512, 200, dtype=np.int64), 1000.0, calibration, detector="csi")
    source = Spectrum(np.full(1024, 1000, dtype=np.int64), 10.0, EnergyCalibration.linear(0.0, 1.5), detector="csi")
    mixed = inject(host, source, 0.1, np.random.default_rng(3))
    assert mixed is not None and mixed.live_time_s == host.live_time_s
    added = int(mixed.counts.sum() - host.counts.sum())
    assert abs(added - 0.1 * host.counts.sum()) < 5 * np.sqrt(0.1 * host.counts.sum())
    assert inject(host, source, 100.0, np.random.default_rng(3)) is None  # a source cannot be thinned up


# (dev host, dev source, fraction of the host's counts): real sources the table lists
DEV_INJECTIONS = [
    ("radiacode:2024-04-16_Monazite-Guarapari-Brazil", "ckuethe:Eu152_b", 1.0),
    ("radiacode:2024-04-17_Uraninite", "radiacode:Dosemap.org_spectra_04_Cs-137_Russia_Kirovo-Chepetsk_soil", 1.0),
    ("radiacode:2024-04-17_Caldasite", "ckuethe:data_am241", 1.0),
    ("dmamontov:th-90-wt20", "ckuethe:Eu152_b", 1.0),
    ("ckuethe:test_dt_bg", "radiacode:Tc-99m_old_man_in_a_bus", 1.0),
]


def _case(case_id: str) -> RealCase:
    case = CASES[case_id]
    if case.store == "shared":
        need_shared_data()
    return case


@pytest.mark.parametrize(("host_id", "source_id", "fraction"), DEV_INJECTIONS)
def test_real_source_hidden_in_real_host_is_not_cleared(host_id: str, source_id: str, fraction: float) -> None:
    host, source = _case(host_id), _case(source_id)
    assert host.group in ("NORM", "background") and source.group == "man-made"
    fg, bg = host.spectra()[0]
    assert family(fg) == family(source.spectra()[0][0])
    mixed = masked_case(host, fg, source, fraction)
    assert mixed is not None
    for background in (bg, None):
        result = identify(mixed, background)
        assert not result.verdict.cleared, (host_id, source_id, background is not None, result.verdict)
        named = {m.nuclide for m in result.isotopes}
        assert set(source.nuclides) <= named, (host_id, source_id, named)


# dev cells the engine still clears (bench --masked): the source's main line is judged wider than a photopeak
# (chainfit.is_narrow) and nothing else of it stands clear of the chains. Strict: a fix must move them here.
CLEARED_TODAY = [
    # Eu-152 121.8 keV on the CsI scattered-photon hump; 244.7/344.3/778.9/964.1/1112.1/1408.0 keV each within half
    # a FWHM of a U/Th chain line (Pb-214 242.0/351.9, Bi-214 768.4/1120.3/1408.0, Ac-228 964.8)
    ("radiacode:2024-04-17_Uraninite", "ckuethe:Eu152_b", 0.3),
    # Tc-99m 140.5 keV seen at 29 sigma on the residual, found at 131 keV and judged wider than a photopeak
    ("radiacode:K-40-1--2024-03-02 13-26-43", "radiacode:Tc-99m_old_man_in_a_bus", 0.1),
]


@pytest.mark.xfail(strict=True, reason="masking not solved: see bench/README.md 'masked, 2026-12-07'")
@pytest.mark.parametrize(("host_id", "source_id", "fraction"), CLEARED_TODAY)
def test_real_source_masked_by_real_host_today(host_id: str, source_id: str, fraction: float) -> None:
    host, source = _case(host_id), _case(source_id)
    fg, bg = host.spectra()[0]
    mixed = masked_case(host, fg, source, fraction)
    assert mixed is not None
    assert not identify(mixed, bg).verdict.cleared
