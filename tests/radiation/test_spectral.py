from __future__ import annotations

import itertools
import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tripline.errors import FormatError
from tripline.radiation.model import EnergyCalibration
from tripline.radiation.spectral import net_significance, rebin, snip_continuum, unbiased_continuum, window_sums

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
