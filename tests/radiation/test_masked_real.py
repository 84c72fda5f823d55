"""Real man-made sources hidden in real NORM/background spectra (``tests.realdata.inject``): the masking
case at a port. The source spectrum is binomially thinned to a fraction of the host's counts, mapped onto
the host's energy grid by energy (``tests.realdata.rebin_counts``) and added; the injected spectrum holds
a man-made source, so a NORM or background verdict clears it. Dev split only; seeds
crc32("host:source:fraction") as in ``bench/radiation.py --masked``. The injection is aligned (source and host put
on true energies by their own lines, ``tests.realdata.source_alignment`` / ``host_alignment``) unless raw.
"""

from __future__ import annotations

import numpy as np
import pytest

from tests.realdata import (
    ALIGN_LINES_KEV,
    RealCase,
    family,
    fit_alignment,
    host_alignment,
    inject,
    line_centroids,
    load_cases,
    masked_case,
    masked_host,
    miscalibrate,
    need_shared_data,
    rebin,
    rebin_counts,
    source_alignment,
)
from tripline.radiation.identify import identify
from tripline.radiation.library import default_library, detector
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
    # Tc-99m 140.5 keV seen at 29 sigma on the residual, found at 131 keV and judged wider than a photopeak
    ("radiacode:K-40-1--2024-03-02 13-26-43", "radiacode:Tc-99m_old_man_in_a_bus", 0.1),
    # aligned injection (masked2): the fisicas Am-241 file read 1.0186 x true at 59.5 keV, the Uraninite host's own
    # lines (351.9-1764.5 keV) give stored = -14.3 keV + 1.0033 x true, so 59.5 keV lands at 45.4 keV stored; the
    # raw injection (60.6 keV stored) was industrial with Am-241 named
    ("radiacode:2024-04-17_Uraninite", "fisicas:Am-241_energy_calibrated", 1.0),
]


# dev cells the raw injection cleared and the aligned one (one detector, one calibration) does not: the Eu-152 file
# read 1.0059 x true at 121.8/344.3 keV; raw, its 121.8-keV line sat on the CsI hump and was judged not narrow
MOVED_BY_ALIGNMENT = [("radiacode:2024-04-17_Uraninite", "ckuethe:Eu152_b", 0.3)]


@pytest.mark.parametrize(("host_id", "source_id", "fraction"), MOVED_BY_ALIGNMENT)
def test_aligned_source_in_real_host_is_not_cleared(host_id: str, source_id: str, fraction: float) -> None:
    mixed, bg = masked_host(_case(host_id), _case(source_id), fraction)
    for background in (bg, None):
        assert not identify(mixed, background).verdict.cleared, background is not None


@pytest.mark.xfail(strict=True, reason="masking not solved: see bench/README.md 'masked, 2026-12-07'")
@pytest.mark.parametrize(("host_id", "source_id", "fraction"), CLEARED_TODAY)
def test_real_source_masked_by_real_host_today(host_id: str, source_id: str, fraction: float) -> None:
    mixed, bg = masked_host(_case(host_id), _case(source_id), fraction)  # aligned
    assert not identify(mixed, bg).verdict.cleared


# ---- alignment of the injection (tests.realdata.source_alignment / host_alignment): one detector, one calibration


def test_fit_alignment_against_hand_computed_lines() -> None:
    # two lines spanning 900 keV: stored 105 and 1014 keV for true 100 and 1000 -> gain 909/900 = 1.01, offset 4.0
    two = fit_alignment([(100.0, 105.0, 0.1), (1000.0, 1014.0, 0.1)])
    assert two.factor == pytest.approx(1.01, abs=1e-9) and two.offset_kev == pytest.approx(4.0, abs=1e-6)
    # one line: a gain through zero, Cs-137 661.657 keV read at 651.732 -> 0.985
    one = fit_alignment([(661.657, 651.732, 0.5)])
    assert one.factor == pytest.approx(651.732 / 661.657) and one.offset_kev == 0.0
    # Co-60 1173.228/1332.492 span 159 keV (< ALIGN_MIN_SPAN_KEV): a gain only, equal weights near 0.99
    co = fit_alignment([(1173.228, 1161.496, 1.0), (1332.492, 1319.167, 1.0)])
    assert co.offset_kev == 0.0 and co.factor == pytest.approx(0.99, abs=1e-5)
    # a gain 20 % off is no calibration error of these units: not applied
    assert fit_alignment([(661.657, 800.0, 0.5)]).factor == 1.0
    assert fit_alignment([]).factor == 1.0


def _csi(counts: np.ndarray, gain_kev: float = 3.0) -> Spectrum:
    return Spectrum(counts, 600.0, EnergyCalibration.linear(0.0, gain_kev), detector="csi")


def _peaks(centres_kev: list[float], n: int = 1024, gain_kev: float = 3.0) -> np.ndarray:
    """Noise-free Gaussians (the CsI model's FWHM, 40000 counts each) on a flat 200-count continuum."""
    x = (np.arange(n) + 0.5) * gain_kev
    y = np.full(n, 200.0)
    for c in centres_kev:
        sd = detector("csi").fwhm_kev(c) / 2.3548
        y += 40000 * gain_kev / (sd * np.sqrt(2 * np.pi)) * np.exp(-0.5 * ((x - c) / sd) ** 2)
    return np.round(y).astype(np.int64)


def test_line_centroids_find_known_peak_positions() -> None:
    # a Cs-137 line put at 0.97 x 661.657 = 641.807 keV on the stored scale is found there
    found = line_centroids(_csi(_peaks([0.97 * 661.657])), (661.657,))
    assert len(found) == 1 and found[0][1] == pytest.approx(641.807, abs=0.5)
    # the Co-60 doublet on a small CsI (FWHM ~ 90 keV, lines 159 keV apart) fitted together at gain 1.02
    doublet = line_centroids(_csi(_peaks([1.02 * 1173.228, 1.02 * 1332.492])), (1173.228, 1332.492))
    assert [round(m, 0) for _, m, _ in doublet] == [round(1.02 * 1173.228, 0), round(1.02 * 1332.492, 0)]
    # no line where none is
    assert line_centroids(_csi(_peaks([])), (661.657,)) == []


def test_aligned_injection_puts_the_line_where_the_host_detector_would() -> None:
    # source unit reads 0.97 of the energy: its Cs-137 line stored at 641.8 keV; a flat host with no natural lines
    # (its own scale taken as true). Raw mode leaves the line at 641.8 keV, aligned mode puts it at 661.657 keV.
    source = _csi(_peaks([0.97 * 661.657]), 3.0)
    host = _csi(np.full(512, 200, dtype=np.int64), 6.0)
    centres = host.centers_kev()
    for nuclides, where in ((None, 0.97 * 661.657), (("Cs-137",), 661.657)):
        mixed = inject(host, source, 0.5, np.random.default_rng(5), None, nuclides)
        assert mixed is not None
        added = (mixed.counts - host.counts).astype(float)
        near = np.abs(centres - where) < 60
        assert float((centres[near] * added[near]).sum() / added[near].sum()) == pytest.approx(where, abs=2.0)


def test_alignment_reads_back_a_known_relabelling_of_real_dev_files() -> None:
    # the dev Co-60 source re-labelled x1.03 and the dev KCl host x0.97 / x1.015 (tests.realdata.miscalibrate): each
    # file's own lines read the re-labelling back (source: Co-60 1173/1332 keV; host: K-40 1460.8 keV through the
    # engine's calibrate.calibration_correction, which does not read x1.03 back on this host: the host side is only
    # as good as that estimate)
    source = _case("ckuethe:Co60_a").spectra()[0][0]
    plain, wrong = source_alignment(source, ("Co-60",)), source_alignment(miscalibrate(source, 1.03), ("Co-60",))
    assert len(plain.found) == 2 and wrong.factor / plain.factor == pytest.approx(1.03, abs=0.003)
    host = _case("radiacode:K-40-1--2024-03-02 13-26-43").spectra()[0][0]
    for gain in (0.97, 1.015):
        ratio = host_alignment(miscalibrate(host, gain)).factor / host_alignment(host).factor
        assert ratio == pytest.approx(gain, abs=0.002)
    # the labelled line sits, on the aligned true scale, at its NuDat energy (Co-60 1173.228 keV, nuclides.yaml)
    true = 0.5 * (wrong.true_edges(source)[:-1] + wrong.true_edges(source)[1:])
    assert pytest.approx(float(np.interp(wrong.found[0][1], source.centers_kev(), true)), abs=1.0) == 1173.228


def test_alignment_lines_are_the_library_energies() -> None:
    # every alignment line is a line of its nuclide in tripline/radiation/nuclides.yaml (NNDC NuDat 3)
    lib = {n.name: n for n in default_library().nuclides}
    for name, energies in ALIGN_LINES_KEV.items():
        stored = [line.energy_kev for line in lib[name].lines]
        for energy in energies:
            assert min(abs(energy - e) for e in stored) < 0.01, (name, energy)
