"""The identifier's own numerical kernels (tripline.radiation.numerics) against scipy, the
independent reference they replace on the cold path (scipy stays a test dependency here)."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import ndimage, optimize, special

from tripline.radiation import numerics

FINITE = st.floats(min_value=-60.0, max_value=60.0, allow_nan=False)


@given(st.lists(FINITE, min_size=1, max_size=50))
def test_ndtr_is_scipys(values: list[float]) -> None:
    x = np.array(values)
    np.testing.assert_allclose(numerics.ndtr(x), special.ndtr(x), rtol=1e-11, atol=1e-300)
    for v in values[:5]:
        assert numerics.normal_cdf(v) == pytest.approx(float(special.ndtr(v)), rel=1e-11, abs=1e-300)
        assert float(numerics.ndtr(v)) == pytest.approx(float(special.ndtr(v)), rel=1e-11, abs=1e-300)


@given(
    st.lists(st.floats(min_value=0.0, max_value=1e5, allow_nan=False), min_size=1, max_size=80),
    st.floats(min_value=0.05, max_value=40.0),
    st.sampled_from(["constant", "nearest"]),
)
def test_gaussian_filter1d_is_scipys(values: list[float], sigma: float, mode: str) -> None:
    y = np.array(values)
    ours = numerics.gaussian_filter1d(y, sigma, mode=mode)
    theirs = ndimage.gaussian_filter1d(y, sigma, mode=mode)
    np.testing.assert_allclose(ours, theirs, rtol=1e-9, atol=1e-9 * max(1.0, float(y.max())))


def _problem(seed: int, rows: int, cols: int, collinear: bool) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    a = rng.normal(size=(rows, cols))
    if collinear and cols > 1:  # near-collinear columns, like neighbouring peak templates
        a[:, 1] = a[:, 0] + 1e-3 * rng.normal(size=rows)
    b = rng.normal(size=rows) * 3
    return a, b


@settings(max_examples=150, deadline=None)
@given(st.integers(0, 10_000), st.integers(1, 12), st.booleans())
def test_nnls_matches_scipy(seed: int, cols: int, collinear: bool) -> None:
    a, b = _problem(seed, cols + 8, cols, collinear)
    x, rnorm = numerics.nnls(a, b)
    ref_x, ref_rnorm = optimize.nnls(a, b, maxiter=50 * cols)
    assert (x >= 0).all()
    assert rnorm == pytest.approx(ref_rnorm, rel=1e-8, abs=1e-10)
    np.testing.assert_allclose(x, ref_x, rtol=1e-5, atol=1e-6 * max(1.0, float(np.abs(ref_x).max())))


def _bounds(rng: np.random.Generator, cols: int) -> tuple[np.ndarray, np.ndarray]:
    """Random bounds per column, of four kinds: [0, inf), [0, cap], (-inf, inf), [-1, 0.2]."""
    kinds = rng.integers(0, 4, size=cols)
    lo = np.where(kinds == 2, -np.inf, np.where(kinds == 3, -1.0, 0.0))
    hi = np.where(kinds == 1, rng.uniform(0.01, 0.5, size=cols), np.where(kinds == 3, 0.2, np.inf))
    return lo, hi


@settings(max_examples=150, deadline=None)
@given(st.integers(0, 10_000), st.integers(1, 9), st.booleans())
def test_bvls_matches_scipy(seed: int, cols: int, collinear: bool) -> None:
    a, b = _problem(seed, cols + 10, cols, collinear)
    lo, hi = _bounds(np.random.default_rng(seed + 1), cols)
    x, rnorm = numerics.bvls(a, b, lo, hi)
    ref = optimize.lsq_linear(a, b, bounds=(lo, hi), method="bvls")
    assert ((x >= lo) & (x <= hi)).all()
    assert rnorm == pytest.approx(float(np.linalg.norm(a @ ref.x - b)), rel=1e-7, abs=1e-9)
    np.testing.assert_allclose(x, ref.x, rtol=1e-4, atol=1e-5)


@settings(max_examples=150, deadline=None)
@given(st.integers(0, 10_000), st.integers(2, 12), st.booleans())
def test_nnls_warm_start_reaches_scipys_solution(seed: int, cols: int, collinear: bool) -> None:
    # any start set (the chain fit passes a nearby fit's support) ends at the one optimum
    a, b = _problem(seed, cols + 8, cols, collinear)
    start = np.random.default_rng(seed + 2).random(cols) < 0.5
    x, rnorm = numerics.nnls(a, b, maxiter=50 * cols, free=start)
    ref_x, ref_rnorm = optimize.nnls(a, b, maxiter=50 * cols)
    assert (x >= 0).all()
    assert rnorm == pytest.approx(ref_rnorm, rel=1e-8, abs=1e-10)
    np.testing.assert_allclose(x, ref_x, rtol=1e-5, atol=1e-6 * max(1.0, float(np.abs(ref_x).max())))


@settings(max_examples=150, deadline=None)
@given(st.integers(0, 10_000), st.integers(2, 9), st.booleans())
def test_bvls_warm_start_reaches_scipys_solution(seed: int, cols: int, collinear: bool) -> None:
    # as the Am-241 fit: bounded columns, a free baseline without bounds, any start set
    a, b = _problem(seed, cols + 10, cols, collinear)
    rng = np.random.default_rng(seed + 3)
    lo, hi = _bounds(rng, cols)
    x, rnorm = numerics.bvls(a, b, lo, hi, free=rng.random(cols) < 0.5)
    ref = optimize.lsq_linear(a, b, bounds=(lo, hi), method="bvls")
    assert ((x >= lo) & (x <= hi)).all()
    assert rnorm == pytest.approx(float(np.linalg.norm(a @ ref.x - b)), rel=1e-7, abs=1e-9)
    np.testing.assert_allclose(x, ref.x, rtol=1e-4, atol=1e-5)


@pytest.mark.parametrize("seed", range(4))
@pytest.mark.parametrize("cols", [1, 5, 17])
def test_design_matrix_is_the_stacked_division(seed: int, cols: int) -> None:
    """The same values to the bit and the same C-ordered layout as np.stack(..., axis=1) / sd[:, None] (what the fits
    did before): the Gram matrix the solver forms from it is then the same too."""
    rng = np.random.default_rng(seed)
    columns = [rng.exponential(size=300) * rng.integers(0, 2, size=300) for _ in range(cols)]
    sd = rng.uniform(0.5, 30.0, size=300)
    ours = numerics.design_matrix(columns, sd)
    theirs = np.stack(columns, axis=1) / sd[:, None]
    assert ours.flags.c_contiguous and ours.shape == theirs.shape
    assert np.array_equal(ours, theirs)
    assert np.array_equal(ours.T @ ours, theirs.T @ theirs)


def test_bounds_must_be_ordered() -> None:
    with pytest.raises(ValueError):
        numerics.bvls(np.eye(2), np.ones(2), np.array([1.0, 0.0]), np.array([0.0, 1.0]))


@pytest.mark.parametrize("seed", range(12))
def test_nelder_mead_follows_scipy(seed: int) -> None:
    # a robust, clipped chi2 in two parameters, as the chain fit's efficiency correction
    rng = np.random.default_rng(seed)
    centre = rng.uniform(-0.3, 0.3, size=2)
    curvature = rng.uniform(50, 5000, size=2)

    def cost(b: np.ndarray) -> float:
        r = (b - centre) * np.sqrt(curvature)
        return float(np.minimum(r * r, 400.0).sum() + 3.0 * math.sin(7 * b[0]) ** 2)

    ours = numerics.nelder_mead(cost, np.zeros(2), xatol=0.01, fatol=1.0, maxiter=80)
    options = {"xatol": 0.01, "fatol": 1.0, "maxiter": 80}
    ref = optimize.minimize(cost, np.zeros(2), method="Nelder-Mead", options=options)
    np.testing.assert_allclose(ours, ref.x, rtol=1e-12, atol=1e-12)


@given(st.integers(1, 400), st.floats(min_value=0.0, max_value=2000.0))
def test_chi2_sf_is_scipys(dof: int, x: float) -> None:
    assert numerics.chi2_sf(dof, x) == pytest.approx(float(special.chdtrc(dof, x)), rel=1e-9, abs=1e-300)


def test_shape_amplitude_of_a_unit_shape() -> None:
    """300 times a unit shape read back as 300, with significance 300 / its standard error (errors 2 per channel);
    no channel of the shape: no reading."""
    shape = np.array([0.1, 0.4, 0.4, 0.1])
    var = np.full(4, 4.0)
    read = numerics.shape_amplitude(300.0 * shape, var, shape, np.ones(4, dtype=bool))
    assert read is not None
    counts, sigma = read
    assert counts == pytest.approx(300.0)
    assert sigma == pytest.approx(300.0 * np.sqrt((shape**2).sum() / 4.0))
    assert numerics.shape_amplitude(shape, var, shape, np.zeros(4, dtype=bool)) is None
