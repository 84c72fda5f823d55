from __future__ import annotations

import itertools
import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tripline.errors import FormatError
from tripline.radiation.library import detector
from tripline.radiation.model import EnergyCalibration
from tripline.radiation.peaks import net_peak_counts
from tripline.radiation.spectral import (
    MODEL_ERROR_CHANNELS_PER_FWHM,
    model_variance_scale,
    net_significance,
    rebin,
    snip_continuum,
    unbiased_continuum,
    window_sums,
)

coeff = st.tuples(
    st.floats(-20, 20, allow_nan=False),
    st.floats(0.1, 5.0, allow_nan=False),
    st.floats(0.0, 1e-4, allow_nan=False),
)


@given(coeff, st.integers(8, 512), st.floats(0.0, 1.0))
def test_channel_inverts_energy(c: tuple[float, float, float], n: int, frac: float) -> None:
    cal = EnergyCalibration(c)
    ch = frac * n
    energy = float(cal.energy(ch))
    assert cal.channel(energy, n) == pytest.approx(ch, abs=1e-6 * n + 1e-9)


@given(coeff, st.lists(st.integers(0, 10_000), min_size=4, max_size=300))
def test_windows_tiling_the_range_conserve_counts(c: tuple[float, float, float], counts: list[int]) -> None:
    arr = np.asarray(counts, dtype=np.int64)
    edges = EnergyCalibration(c).edges(arr.size)
    cuts = np.linspace(edges[0], edges[-1], 6)
    windows = list(itertools.pairwise(cuts))
    assert window_sums(arr, edges, windows).sum() == pytest.approx(arr.sum(), rel=1e-9, abs=1e-6)


@given(st.lists(st.integers(0, 1000), min_size=4, max_size=200), st.integers(2, 400))
def test_rebin_onto_any_grid_of_the_same_range_conserves_counts(counts: list[int], m: int) -> None:
    arr = np.asarray(counts, dtype=np.float64)
    old = np.linspace(10.0, 10.0 + 3.0 * arr.size, arr.size + 1)
    new = np.linspace(old[0], old[-1], m + 1)
    out = rebin(arr, old, new)
    assert out.sum() == pytest.approx(arr.sum(), rel=1e-9, abs=1e-6)
    assert np.all(out >= -1e-9)


@settings(max_examples=50)
@given(st.integers(0, 10_000), st.integers(1, 10_000), st.floats(0.01, 10))
def test_net_significance_sign_follows_the_excess(f: int, b: int, r: float) -> None:
    z = net_significance(f, b, r)
    assert (z > 0) == (f > r * b) or abs(f - r * b) < 1e-9


def test_calibration_refuses_nonsense() -> None:
    with pytest.raises(FormatError):
        EnergyCalibration((1.0,))
    with pytest.raises(FormatError):
        EnergyCalibration((0.0, float("nan")))
    assert not EnergyCalibration((0.0, -1.0)).is_monotonic(10)


def test_snip_is_not_biased_low_on_finely_binned_poisson_counts() -> None:
    # HPGe-like binning (3 channels per FWHM) of a flat continuum of 30 counts per channel: the true
    # continuum is 30; clipping the raw Poisson minima put SNIP 1.35 sd (7.4) below it. Smoothing
    # over at least 0.7 channel takes 40 % of that; the rest is the clipping's own bias (0.8 sd)
    rng = np.random.default_rng(11)
    counts = rng.poisson(30.0, 8192).astype(np.float64)
    continuum = snip_continuum(counts, np.full(counts.size, 3.0))
    assert 30.0 - float(np.mean(continuum[200:-200])) < 0.85 * math.sqrt(30.0)


@pytest.mark.parametrize("seed", range(3))
def test_snip_windows_widening_with_energy_clip_the_same_channels_as_the_mask(seed: int) -> None:
    """Windows widening channel by channel (the detector models' FWHM) take the sliced route; the same widths with
    the first channel's window one channel wider (a channel never clipped: its width decides nothing) take the masked
    route: both clip the same channels to the same values, bit for bit."""
    rng = np.random.default_rng(seed)
    centers = np.linspace(20.0, 3000.0, 1024)
    counts = rng.poisson(2000.0 * np.exp(-centers / 400.0) + 5.0).astype(np.float64)
    widening = np.asarray(detector("radiacode").fwhm_kev_each(centers.tolist())) / (centers[1] - centers[0])
    masked = widening.copy()
    masked[0] = (math.ceil(1.5 * widening[1]) + 0.5) / 1.5  # its clipping window one channel wider than the next
    assert math.ceil(1.5 * masked[0]) > math.ceil(1.5 * masked[1])
    assert np.array_equal(snip_continuum(counts, widening), snip_continuum(counts, masked))


@pytest.mark.parametrize(("threshold", "expected_onset"), [(6.0, 20.0), (33.0, 33.0), (45.0, 45.0)])
def test_usable_low_edge_follows_where_counts_begin(threshold: float, expected_onset: float) -> None:
    # RadiaCode model (floor 20 keV, FWHM^2 = 6.8 E): counts recorded from `threshold` upward
    # (a sprinkling of single noise counts below it does not count as the onset); the usable edge is
    # the onset, never below the type's 20-keV floor, plus one FWHM there
    from tripline.radiation.library import detector
    from tripline.radiation.spectral import usable_low_kev

    model = detector("radiacode")
    centers = np.arange(0.5, 3000.0, 2.5)
    counts = np.where(centers >= threshold, 50, 0)
    counts[::40] = np.where(centers[::40] < threshold, 1, counts[::40])  # isolated noise counts
    usable, onset = usable_low_kev(counts, centers, model)
    assert onset is not None and abs(onset - max(threshold, centers[centers >= threshold][0])) <= 2.5
    start = max(expected_onset, onset)
    assert usable == pytest.approx(start + math.sqrt(6.8 * start))


@settings(max_examples=25, deadline=None)
@given(st.floats(1.0, 300.0), st.floats(6.0, 30.0), st.integers(0, 2**32 - 1))
def test_debiased_snip_is_closer_to_the_poisson_mean_and_never_beyond_it(mu: float, fwhm: float, seed: int) -> None:
    # the reference is the Poisson mean itself (a flat continuum, no peaks: the true continuum is mu per channel);
    # SNIP's clipping of noisy minima puts it below mu by a share of the Poisson sd (0.73 mu at 4 counts per
    # channel on a RadiaCode FWHM); the bootstrap-corrected continuum is nearer mu, and not beyond it by more
    # than its own noise (the mean over 800 channels: sd of SNIP's mean well under 0.5 sqrt(mu / fwhm))
    rng = np.random.default_rng(seed)
    counts = rng.poisson(mu, 1000).astype(np.float64)
    widths = np.full(counts.size, fwhm)
    inner = slice(100, -100)
    plain = float(np.mean(snip_continuum(counts, widths)[inner]))
    fixed = float(np.mean(unbiased_continuum(counts, widths)[inner]))
    assert abs(fixed - mu) <= abs(plain - mu) + 0.05 * math.sqrt(mu)
    assert fixed <= mu + 0.5 * math.sqrt(mu)


def test_turn_on_kev_reads_the_midpoint_of_a_logistic_turn_on() -> None:
    """A flat spectrum (1000 counts per 1-keV channel) times the logistic 1 / (1 + exp(-(E - T) / 4 keV)),
    without noise: the turn-on read is the logistic's midpoint T, to within 2 keV, for T = 30-55 keV."""
    from tripline.radiation.library import detector
    from tripline.radiation.spectral import turn_on_kev

    centers = np.arange(0.5, 3000.0, 1.0)
    model = detector("radiacode")
    for threshold in (30.0, 38.0, 45.0, 55.0):
        counts = 1000.0 / (1.0 + np.exp(-(centers - threshold) / 4.0))
        found = turn_on_kev(counts, centers, model, 10.0)
        assert found is not None and abs(found - threshold) <= 2.0, (threshold, found)
    assert turn_on_kev(np.zeros(centers.size), centers, model, 10.0) is None


def test_turn_on_kev_ignores_a_rise_slower_than_the_resolution() -> None:
    """Counts rising linearly from 30 to 100 keV (a quarter to three quarters of their median over ~35 keV, about
    twice the RadiaCode FWHM there) are no discriminator edge: no turn-on read."""
    from tripline.radiation.library import detector
    from tripline.radiation.spectral import turn_on_kev

    centers = np.arange(0.5, 3000.0, 1.0)
    counts = np.clip((centers - 30.0) * 10.0, 0.0, 700.0)
    assert turn_on_kev(counts, centers, detector("radiacode"), 10.0) is None


def _line_bins(edges: np.ndarray, energy: float, fwhm: float, area: float) -> np.ndarray:
    """A Gaussian line's counts per channel, integrated with math.erf (independent of the package's bins)."""
    s = fwhm / 2.3548
    cdf = np.array([0.5 * (1.0 + math.erf((e - energy) / (s * math.sqrt(2.0)))) for e in edges])
    return area * np.diff(cdf)


@pytest.mark.parametrize("energy", [122.0, 661.7, 1460.8])
def test_per_fwhm_model_variance_over_a_line_does_not_depend_on_the_channel_width(energy: float) -> None:
    # one RadiaCode-like line (FWHM^2 = 6.8 E, linear 2.93 keV per channel at 1024 channels) summed exactly to
    # 512 and 256 channels: a model error f x each channel's counts, scaled by model_variance_scale, sums over the
    # line to f^2 P^2 x FWHM / (N x 2 sqrt(pi) sigma) = f^2 P^2 x 2.3548 / (2 sqrt(pi) N) (the integral of a squared
    # normal density is 1 / (2 sqrt(pi) sigma); N = MODEL_ERROR_CHANNELS_PER_FWHM), whatever the channel width.
    # By hand: channels of width h make the sum of squared bin contents short of the integral by h^2 / (24 sigma^2)
    # (bin content = h phi + h^3 phi'' / 24): at 256 channels 0.7 % at 661.7 keV (2.4 channels per sigma), 3.8 % at
    # 122 keV (1.0); the FWHM varying as sqrt(E) across the line moves it by < 0.1 %: tolerance h^2 / (24 sigma^2)
    # + 0.5 %
    model = detector("radiacode")
    fwhm = model.fwhm_kev(energy)
    sigma = fwhm / 2.3548
    f, area = 0.10, 1.0e5
    reference = f * f * area * area * 2.3548 / (2.0 * math.sqrt(math.pi) * MODEL_ERROR_CHANNELS_PER_FWHM)
    fine = EnergyCalibration((0.0, 2.93)).edges(1024)
    sums, plain = {}, {}
    for factor in (1, 2, 4):
        edges = fine[::factor]
        counts = _line_bins(edges, energy, fwhm, area)
        sums[factor] = float(((f * counts) ** 2 * model_variance_scale(model, edges)).sum())
        plain[factor] = float(((f * counts) ** 2).sum())
        h = 2.93 * factor
        assert sums[factor] == pytest.approx(reference, rel=h * h / (24.0 * sigma * sigma) + 0.005), factor
    # unscaled, the same line's model variance grows with the channel width (the "rebin" finding): x2 and x4
    assert plain[2] / plain[1] == pytest.approx(2.0, rel=0.02)
    assert plain[4] / plain[1] == pytest.approx(4.0, rel=0.05)


def test_model_variance_scale_is_the_fwhm_in_channels_over_the_reference() -> None:
    # HPGe at 0.25 keV per channel: FWHM^2 = 0.85^2 + 0.00154 E (detectors.yaml hpge); 1332.5 keV -> 1.5995 keV
    model = detector("hpge")
    edges = np.array([1332.375, 1332.625])
    expected = math.sqrt(0.85**2 + 0.00154 * 1332.5) / 0.25 / MODEL_ERROR_CHANNELS_PER_FWHM
    assert model_variance_scale(model, edges)[0] == pytest.approx(expected, rel=1e-9)


def test_net_peak_counts_scales_only_the_model_part_of_the_variance() -> None:
    model = detector("radiacode")
    edges = EnergyCalibration((0.0, 2.93)).edges(1024)
    rng = np.random.default_rng(7)
    counts = rng.poisson(50.0 + _line_bins(edges, 661.7, model.fwhm_kev(661.7), 2.0e4)).astype(np.float64)
    peaks_off, var_off = net_peak_counts(counts, None, 1.0, model, edges)
    peaks_on, var_on = net_peak_counts(counts, None, 1.0, model, edges, per_fwhm=True)
    poisson = np.maximum(counts, 1.0)
    np.testing.assert_array_equal(peaks_on, peaks_off)
    scale = model_variance_scale(model, edges)
    np.testing.assert_allclose(var_on - poisson, (var_off - poisson) * scale, rtol=1e-9, atol=1e-9)
