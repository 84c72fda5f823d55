"""Real spectra smeared to a worse resolution (``tests.realdata.broaden``): every recorded count relocated by a
Gaussian displacement of sd sigma_model(E) x sqrt(k^2 - 1), so a line of the model's width leaves k times as wide,
as a unit of worse resolution records the same radiation (``bench/radiation.py --resolution`` measured real units
at 0.73-1.31 x the model, RadiaCode-101 256-channel files at 1.23-1.25). The transform is pinned by hand; the
safety side on a few dev cases at k = 1.3: no man-made source cleared, no false SNM."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.realdata import SIGMA_PER_FWHM, broaden, broadened_case, load_cases, need_shared_data
from tripline.radiation.calibrate import calibration_correction, recalibrated_offset
from tripline.radiation.identify import identify
from tripline.radiation.library import detector
from tripline.radiation.model import EnergyCalibration, Spectrum, Verdict
from tripline.radiation.resolution import measure_resolution
from tripline.radiation.spectral import usable_low_kev

CASES = {c.case_id: c for c in load_cases() if c.split == "dev"}
RADIACODE = detector("radiacode")  # FWHM = sqrt(6.8 E) keV


def _line(channel: int, n: int, c0: float, c1: float) -> Spectrum:
    counts = np.zeros(1024, dtype=np.int64)
    counts[channel] = n
    return Spectrum(counts, 100.0, EnergyCalibration.linear(c0, c1), real_time_s=101.0, detector="radiacode")


def _moments(spectrum: Spectrum) -> tuple[float, float]:
    x, c = spectrum.centers_kev(), spectrum.counts.astype(float)
    mean = float((c * x).sum() / c.sum())
    return mean, float((c * (x - mean) ** 2).sum() / c.sum())


def test_k_one_returns_the_spectrum_unchanged() -> None:
    spectrum = _line(300, 1000, 0.0, 3.0)
    assert broaden(spectrum, 1.0, np.random.default_rng(0)) is spectrum


def test_k_below_one_is_refused() -> None:
    with pytest.raises(ValueError, match="cannot be sharpened"):
        broaden(_line(300, 1000, 0.0, 3.0), 0.9, np.random.default_rng(0))


def test_broaden_by_hand() -> None:
    """Channel 300 of E = 3 ch keV is [900, 903) keV, centre 901.5 keV: model FWHM sqrt(6.8 x 901.5) = 78.30 keV,
    sd 33.25 keV; k = 1.3 adds sd 33.25 x sqrt(0.69) = 27.62 keV, variance 762.8 keV^2. Binned channel centres of a
    uniform-in-channel count plus that Gaussian: 762.8 + 3^2/12 (uniform) + 3^2/12 (binning, Sheppard) = 764.3 keV^2.
    100 000 counts: the variance's sd is 764.3 x sqrt(2 / 1e5) = 3.4 keV^2, the mean's sqrt(764.3 / 1e5) = 0.087 keV.
    Live and real time kept, no count lost (900 keV is 32 extra sd from either end)."""
    spectrum = _line(300, 100_000, 0.0, 3.0)
    wide = broaden(spectrum, 1.3, np.random.default_rng(7))
    extra = math.sqrt(6.8 * 901.5) * SIGMA_PER_FWHM * math.sqrt(1.3**2 - 1.0)
    assert extra == pytest.approx(27.62, abs=0.01)
    mean, variance = _moments(wide)
    assert mean == pytest.approx(901.5, abs=5 * 0.087)
    assert variance == pytest.approx(762.8 + 1.5, abs=5 * 3.4)
    assert wide.total_counts == 100_000
    assert (wide.live_time_s, wide.real_time_s) == (100.0, 101.0)
    assert wide.spectrum_id.endswith("~broad1.3")


@settings(max_examples=40, deadline=None)
@given(
    channel=st.integers(60, 700),
    c1=st.floats(0.5, 3.0),
    k=st.floats(1.05, 2.0),
    seed=st.integers(0, 2**32 - 1),
)
def test_a_narrow_line_keeps_its_mean_and_gains_the_added_variance(
    channel: int, c1: float, k: float, seed: int
) -> None:
    """A line held in one channel (width c1) at centre E, N = 40 000 counts: after broadening its mean stays at E
    within 5 sd of the sample mean, sqrt(V / N), and its variance is the added sd^2 = (sqrt(6.8 E) / 2.3548)^2 x
    (k^2 - 1) plus c1^2 / 6 (uniform within the source channel and the binning, c1^2 / 12 each) within 5 sd of the
    sample variance, V sqrt(2 / N) for a Gaussian. Every count stays on the grid when the line sits 10 added sd
    from both ends; else only counts can be lost."""
    n = 40_000
    spectrum = _line(channel, n, 0.0, c1)
    energy = (channel + 0.5) * c1
    added = 6.8 * energy * SIGMA_PER_FWHM**2 * (k * k - 1.0)
    wide = broaden(spectrum, k, np.random.default_rng(seed))
    expected = added + c1 * c1 / 6.0
    top = 1024 * c1
    assert wide.total_counts <= n
    if energy - 10 * math.sqrt(added) > 0.0 and energy + 10 * math.sqrt(added) < top:
        assert wide.total_counts == n
        mean, variance = _moments(wide)
        assert mean == pytest.approx(energy, abs=5 * math.sqrt(expected / n))
        assert variance == pytest.approx(expected, abs=5 * expected * math.sqrt(2.0 / n))


@settings(max_examples=40, deadline=None)
@given(
    counts=st.lists(st.integers(0, 5_000), min_size=128, max_size=128),
    c0=st.floats(-10.0, 30.0),
    c1=st.floats(2.0, 12.0),
    k=st.floats(1.01, 1.6),
    seed=st.integers(0, 2**32 - 1),
)
def test_counts_conserved_up_to_the_edges(counts: list[int], c0: float, c1: float, k: float, seed: int) -> None:
    """Integer counts, never more than recorded; every count of a channel whose added sd keeps it 10 sd inside the
    grid is kept, so the loss is at most the counts of the channels within reach of an end."""
    spectrum = Spectrum(np.array(counts, dtype=np.int64), 10.0, EnergyCalibration.linear(c0, c1), detector="radiacode")
    wide = broaden(spectrum, k, np.random.default_rng(seed))
    assert wide.counts.dtype == np.int64 and wide.counts.min() >= 0
    edges, centers = spectrum.edges_kev(), spectrum.centers_kev()
    reach = 10 * np.sqrt(6.8 * np.clip(centers, 0.0, None)) * SIGMA_PER_FWHM * math.sqrt(k * k - 1.0) + c1
    safe = (centers - reach > edges[0]) & (centers + reach < edges[-1])
    lost = spectrum.total_counts - wide.total_counts
    assert 0 <= lost <= int(spectrum.counts[~safe].sum())


def test_broadened_case_seeds_are_independent_and_repeatable() -> None:
    case = next(iter(CASES.values()))
    spectrum = _line(300, 10_000, 0.0, 3.0)
    a = broadened_case(case, spectrum, 1.3, 0, "fg", RADIACODE)
    assert np.array_equal(a.counts, broadened_case(case, spectrum, 1.3, 0, "fg", RADIACODE).counts)
    assert not np.array_equal(a.counts, broadened_case(case, spectrum, 1.3, 0, "bg", RADIACODE).counts)
    assert not np.array_equal(a.counts, broadened_case(case, spectrum, 1.3, 1, "fg", RADIACODE).counts)


def _factor(spectrum: Spectrum) -> float:
    """The FWHM factor on the RadiaCode model read from the spectrum's own lines (scale corrected as identify does)."""
    gain = calibration_correction(spectrum, RADIACODE)
    if gain.factor != 1.0 or gain.offset_kev:
        spectrum = recalibrated_offset(spectrum, gain.factor, gain.offset_kev)
    counts = spectrum.counts.astype(np.float64)
    low = usable_low_kev(counts, spectrum.centers_kev(), RADIACODE)[0]
    found = measure_resolution(counts, spectrum.edges_kev(), RADIACODE, low)
    assert found.measured
    return found.factor


@pytest.mark.parametrize(
    ("case_id", "k"),
    [("spodzone:background", 1.3), ("radiacode:Dosemap.org_spectra_02_Cs-137_Belarus_mushrooms", 1.15)],
)
def test_real_line_widths_read_back_as_added_in_quadrature(case_id: str, k: float) -> None:
    """A unit of factor f0 on the model, smeared by k, reads sqrt(f0^2 + k^2 - 1) (the model's variance x (k^2 - 1)
    added): dev spodzone K-40 0.93 -> 1.25 at k = 1.3 (measured 1.21), mushrooms Cs-137/K-40 1.24 -> 1.36 at
    k = 1.15 (measured 1.33); within 0.06 (the resolution module's own errors are up to 0.10)."""
    need_shared_data()
    case = CASES[case_id]
    fg, _ = case.spectra()[0]
    f0 = _factor(fg)
    assert _factor(broadened_case(case, fg, k, 0, "fg", RADIACODE)) == pytest.approx(
        math.sqrt(f0 * f0 + k * k - 1.0), abs=0.06
    )


# dev RadiaCode cases: man-made (Cs-137 256-channel, Am-241, Eu-152, Co-60, Na-22, Tc-99m) and NORM (thorium with
# its own background), the ones whose wrong verdict would be a miss or a false SNM
SAFETY_CASES = (
    "radiacode:Dosemap.org_spectra_02_Cs-137_Belarus_mushrooms",
    "radiacode:Tc-99m_old_man_in_a_bus",
    "ckuethe:data_am241",
    "ckuethe:Eu152_b",
    "ckuethe:Co60_a",
    "ckuethe:test_dt_na22",
    "ckuethe:data_th232_plus_background",
)


@pytest.mark.parametrize("case_id", SAFETY_CASES)
def test_broadened_real_never_cleared_nor_false_snm(case_id: str) -> None:
    """A dev RadiaCode spectrum and its background smeared to k = 1.3 (seed 0, the bench's): a man-made source is
    never cleared and nothing not SNM is called SNM."""
    need_shared_data()
    case = CASES[case_id]
    fg, bg = case.spectra()[0]
    wide = broadened_case(case, fg, 1.3, 0, "fg", RADIACODE)
    wide_bg = None if bg is None else broadened_case(case, bg, 1.3, 0, "bg", RADIACODE)
    result = identify(wide, wide_bg)
    if case.group == "man-made":
        assert not result.verdict.cleared
    if not case.is_snm:
        assert result.verdict is not Verdict.SNM


@pytest.mark.xfail(
    strict=True,
    reason="fragility measured by --broadened (bench/README.md, broaden): the native 256-channel RadiaCode-101 thorium "
    "(1.23-1.25 x the model on its peers) smeared by 1.15 is referred: Se-75 279.5 keV stands as a photopeak at 4.6 "
    "sigma beside Tl-208 277.4 / Ac-228 270.2 keV, not excluded",
)
def test_broadened_256_channel_thorium_stays_norm() -> None:
    """What a fix for the worse-resolution fragility should mend (dev): the thorium sample still NORM at k = 1.15."""
    need_shared_data()
    case = CASES["radiacode:Thorium"]
    fg, bg = case.spectra()[0]
    assert bg is None
    assert identify(broadened_case(case, fg, 1.15, 0, "fg", RADIACODE)).verdict is Verdict.NORM
