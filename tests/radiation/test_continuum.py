"""The continuum guard (:mod:`tripline.radiation.continuum`) on spectra built by hand.

The ambient background is a smooth falling continuum; the thorium sample is the response model's Th-232 chain
(its lines through the model's photopeak and Compton response: the hypothesis the guard checks); the added source
is a Kramers-type thick-target continuum ~ (E0 - E)/E to the Y-90 beta end point (2280 keV, NNDC), with no line.
Expected means are Poisson-sampled with fixed seeds.
"""

from __future__ import annotations

import numpy as np
import pytest

from tests.radiation.grid import CAL, CENTERS, DET, EDGES, LOW, N
from tripline.radiation.continuum import (
    GUARD_SIGMA,
    PAIRED_RATIO_MAX,
    ContinuumReading,
    counts_per_peak_count,
)
from tripline.radiation.identify import Policy, identify
from tripline.radiation.library import detector
from tripline.radiation.model import Spectrum, Verdict
from tripline.radiation.physics import mixture_shape

ON = Policy(continuum_guard=True)


def _reading(counts: float, lines: float = 1000.0, sigma: float = 0.0) -> ContinuumReading:
    return ContinuumReading(
        counts=counts, counts_var=counts, chain_lines=lines, chain_sigma=sigma, bound=PAIRED_RATIO_MAX, paired=True
    )


def test_reading_at_the_bound_is_within() -> None:
    reading = _reading(PAIRED_RATIO_MAX * 1000.0)
    assert reading.ratio == pytest.approx(PAIRED_RATIO_MAX)
    assert reading.excess_sigma == pytest.approx(0.0)
    assert not reading.exceeds
    assert "within what the chains produce" in reading.reason


def test_reading_exceeds_only_by_guard_sigma_standard_errors() -> None:
    allowed = PAIRED_RATIO_MAX * 1000.0
    # Poisson error sqrt(counts): the excess needed is GUARD_SIGMA of those
    just_below = allowed + (GUARD_SIGMA - 0.2) * np.sqrt(allowed)
    well_above = allowed + (GUARD_SIGMA + 2.0) * np.sqrt(allowed * 1.01)
    assert not _reading(just_below).exceeds
    assert _reading(well_above).exceeds
    assert "not cleared" in _reading(well_above).reason


def test_uncertain_chain_lines_widen_the_allowance() -> None:
    # the chain lines' own error counts at bound x their sigma: 10 % on 1000 line counts forgives 2.5 x the counts
    counts = PAIRED_RATIO_MAX * 1000.0 * 1.25
    assert _reading(counts).exceeds
    assert not _reading(counts, sigma=100.0).exceeds


def test_counts_per_peak_count_is_one_or_more_and_grows_with_energy() -> None:
    # a line's counts in all over its photopeak counts: 1 plus its Compton share, larger for harder lines
    per_peak = counts_per_peak_count(detector(DET), EDGES, LOW)
    assert np.all(per_peak >= 1.0)
    at = {e: float(per_peak[np.searchsorted(CENTERS, e)]) for e in (150.0, 662.0, 1461.0, 2614.0)}
    assert at[150.0] < at[662.0] < at[1461.0] <= at[2614.0] * 1.05


def _spectrum(counts: np.ndarray, live: float = 1000.0) -> Spectrum:
    return Spectrum(counts=counts.astype(np.int64), live_time_s=live, calibration=CAL, detector=DET)


def _thorium_case(added: float, seed: int) -> tuple[Spectrum, Spectrum]:
    """A 2e5-count thorium sample (model response) over a 2e5-count ambient, plus ``added`` counts of
    Y-90-like bremsstrahlung, and the same ambient measured as long."""
    rng = np.random.default_rng(seed)
    ambient = np.exp(-CENTERS / 400.0) * (CENTERS >= LOW)
    ambient = 2e5 * ambient / ambient.sum()
    sample = 2e5 * mixture_shape(DET, CAL, N, {"Th-232 chain": 1.0})
    brems = np.clip(2280.0 - CENTERS, 0.0, None) / np.maximum(CENTERS, 1.0) * (CENTERS >= LOW)
    brems = added * brems / brems.sum()
    fg = rng.poisson(ambient + sample + brems)
    bg = rng.poisson(ambient)
    return _spectrum(fg), _spectrum(bg)


def _guard(result_reasons: tuple[str, ...]) -> str | None:
    return next((r for r in result_reasons if r.startswith("continuum guard")), None)


@pytest.mark.parametrize("seed", range(2))
def test_a_thorium_sample_alone_is_within_the_guard(seed: int) -> None:
    # the model's own chain response: counts in all per chain line count are the model's, well under the bound
    fg, bg = _thorium_case(0.0, seed)
    result = identify(fg, bg, policy=ON)
    assert any(m.nuclide == "Th-232 chain" for m in result.isotopes)
    guard = _guard(result.reasons)
    assert guard is not None and "within what the chains produce" in guard, result.reasons
    assert result.verdict is Verdict.NORM


def test_a_strong_continuum_is_followed_by_the_fitted_lines() -> None:
    # the measured limitation that keeps the guard off (Policy.continuum_guard): 40 times the sample's counts of a
    # line-less Kramers continuum leave a clipping residue the chain fit reads as chain lines (K-40 among them), so
    # the lines the guard compares with grow with the continuum and the ratio stays under the bound. A guard that
    # reads the chains' lines robustly would fail this test: then turn the policy on and replace it.
    fg, bg = _thorium_case(8e6, 0)
    result = identify(fg, bg, policy=ON)
    guard = _guard(result.reasons)
    assert guard is not None and "within what the chains produce" in guard
    assert result.verdict is Verdict.NORM


def test_the_guard_is_off_by_default_and_silent_then() -> None:
    assert not Policy().continuum_guard
    fg, bg = _thorium_case(0.0, 0)
    off = identify(fg, bg)
    assert _guard(off.reasons) is None
    assert off.verdict is identify(fg, bg, policy=ON).verdict
