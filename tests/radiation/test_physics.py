"""The detector-response kernels of tripline.radiation.physics that evaluate only part of a
spectrum (a Gaussian's band of channels, the Compton continuum below its edge) against
whole-spectrum references computed independently (math.erfc edge by edge, scipy's normal CDF
and Gaussian filter, the angular Klein-Nishina cross-section)."""

from __future__ import annotations

import math

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import ndimage, special

from tripline.radiation import numerics, physics
from tripline.radiation.library import default_detectors


def _edges(seed: int, n: int, curved: bool) -> np.ndarray:
    rng = np.random.default_rng(seed)
    edges = np.linspace(rng.uniform(-5.0, 20.0), rng.uniform(200.0, 3500.0), n + 1)
    if curved:  # a quadratic calibration term, still increasing
        edges = edges + rng.uniform(0.0, 2e-4) * edges**2
    return edges


@settings(max_examples=200, deadline=None)
@given(
    st.integers(0, 10_000),
    st.integers(2, 2048),
    st.booleans(),
    st.floats(min_value=-500.0, max_value=4000.0),
    st.floats(min_value=0.01, max_value=1500.0),
)
def test_gaussian_bins_are_the_cdf_differences_at_every_edge(
    seed: int, n: int, curved: bool, mean: float, sigma: float
) -> None:
    edges = _edges(seed, n, curved)
    got = physics._gaussian_bins(edges, mean, sigma)
    assert got.shape == (n,)
    # the whole-array formula it replaces: the same arithmetic, so the same bits
    assert np.array_equal(got, np.diff(numerics.ndtr((edges - mean) / sigma)))
    # math.erfc at every edge, no band: equal but for the CDF's underflow below -38.5 sigma
    cdf = [0.5 * math.erfc(-((e - mean) / sigma) / math.sqrt(2.0)) for e in edges.tolist()]
    np.testing.assert_allclose(got, np.diff(cdf), rtol=1e-13, atol=1e-300)
    # and scipy's normal CDF
    np.testing.assert_allclose(got, np.diff(special.ndtr((edges - mean) / sigma)), rtol=1e-9, atol=1e-15)


def test_gaussian_bins_on_edges_that_do_not_increase() -> None:
    edges = np.array([0.0, 10.0, 5.0, 20.0, 30.0, 25.0, 40.0])  # not a calibration, still answered
    want = np.diff([0.5 * math.erfc(-((e - 18.0) / 6.0) / math.sqrt(2.0)) for e in edges.tolist()])
    np.testing.assert_allclose(physics._gaussian_bins(edges, 18.0, 6.0), want, rtol=1e-13, atol=1e-300)
    falling = edges[::-1].copy()
    np.testing.assert_allclose(physics._gaussian_bins(falling, 18.0, 6.0), -want[::-1], rtol=1e-13, atol=1e-300)


@settings(max_examples=100, deadline=None)
@given(st.floats(min_value=5.0, max_value=10_000.0), st.integers(0, 10_000))
def test_klein_nishina_recoil_is_the_angular_cross_section(energy: float, seed: int) -> None:
    """dsigma/dT from dsigma/dOmega = r_e^2/2 (E'/E)^2 (E'/E + E/E' - sin^2 theta) and
    |dT/dcos theta| = k E'^2 / E (k = E / m_e c^2): proportional to E'/E + E/E' - sin^2 theta,
    with E' = E - T and cos theta = 1 - (E/E' - 1) / k; zero above the Compton edge."""
    k = energy / physics.ELECTRON_MASS_KEV
    edge = physics.compton_edge_kev(energy)
    rng = np.random.default_rng(seed)
    t = np.concatenate([rng.uniform(0.0, edge, 40), rng.uniform(edge * 1.0001, 2 * energy, 10), [0.0]])
    got = physics.klein_nishina_recoil(energy, t)
    for ti, g in zip(t.tolist(), got.tolist(), strict=True):
        if ti >= edge * (1 - 1e-9):
            assert g == 0.0 or ti < edge
            continue
        e_out = energy - ti
        cos_t = 1.0 - (energy / e_out - 1.0) / k
        want = e_out / energy + energy / e_out - (1.0 - cos_t * cos_t)
        assert math.isclose(g, want, rel_tol=1e-9, abs_tol=1e-12)


@settings(max_examples=60, deadline=None)
@given(
    st.sampled_from(["nai", "csi", "hpge", "plastic"]),
    st.integers(0, 10_000),
    st.sampled_from([256, 1024, 4096]),
    st.floats(min_value=20.0, max_value=3000.0),
)
def test_line_response_smooths_the_whole_continuum(name: str, seed: int, n: int, energy: float) -> None:
    """The response with the continuum smoothed by scipy over the whole spectrum (the documented
    model: photopeak + Klein-Nishina continuum smeared at the edge's resolution, nothing below
    the threshold) equals the one smoothed below the edge's reach only."""
    model = default_detectors()[name]
    edges = _edges(seed, n, seed % 2 == 1)
    centers = 0.5 * (edges[:-1] + edges[1:])
    widths = np.diff(edges)
    tau, _ = physics.attenuation(model, energy)
    p_int = 1.0 - math.exp(-tau)
    f_peak = physics.full_energy_fraction(model, energy)
    want = np.zeros(n)
    if f_peak > 0:
        want += p_int * f_peak * np.diff(special.ndtr((edges - energy) / (model.fwhm_kev(energy) / 2.3548)))
    continuum = physics.klein_nishina_recoil(energy, centers) * widths
    if continuum.sum() > 0:
        unit = continuum / continuum.sum()
        edge = physics.compton_edge_kev(energy)
        sigma_ch = model.fwhm_kev(edge) / 2.3548 / float(np.interp(edge, centers, widths))
        smeared = ndimage.gaussian_filter1d(unit, sigma_ch, mode="constant") if sigma_ch > 0.3 else unit
        want += p_int * (1.0 - f_peak) * smeared
    want[centers < model.low_kev] = 0.0
    got = physics._line_response(model, edges, energy)
    np.testing.assert_allclose(got, want, rtol=1e-9, atol=1e-15 * max(float(want.max()), 1e-300))


@settings(max_examples=100, deadline=None)
@given(st.integers(0, 10_000), st.integers(2, 2048), st.booleans(), st.floats(min_value=5.0, max_value=10_000.0))
def test_klein_nishina_on_increasing_centres_is_the_masked_formula_to_the_bit(
    seed: int, n: int, curved: bool, energy: float
) -> None:
    """The prefix route of the line response (increasing centres, offsets below 0 included) returns the values of
    :func:`physics.klein_nishina_recoil`'s masks, bit for bit."""
    edges = _edges(seed, n, curved)
    centers = 0.5 * (edges[:-1] + edges[1:])
    want = physics.klein_nishina_recoil(energy, centers)
    got = physics._klein_nishina_increasing(energy, centers)
    assert got.tobytes() == want.tobytes()


def test_line_response_on_increasing_edges_is_the_masked_route_to_the_bit() -> None:
    """The line response's prefix route (increasing edges: the Klein-Nishina channels and those below the
    threshold found by sorted searches) equals, bit for bit, the response the masks give on the same edges."""
    for name in ("nai", "csi", "labr", "plastic", "radiacode"):
        model = default_detectors()[name]
        for seed, n, curved in ((1, 1024, False), (2, 1024, True), (3, 256, True), (4, 2048, False)):
            edges = _edges(seed, n, curved)
            centers = 0.5 * (edges[:-1] + edges[1:])
            for energy in (25.0, 59.54, 186.2, 661.657, 1460.82, 2614.51):
                got = physics._line_response(model, edges, energy)
                masked = physics._line_response(model, edges, energy, prefix=False)
                assert got.tobytes() == masked.tobytes()
                assert not got[centers < model.low_kev].any()
