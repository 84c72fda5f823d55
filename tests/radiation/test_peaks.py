"""tripline.radiation.peaks: what is measured at each library line (regions found by sorted
searches on a calibrated scale) against the same measurement written out with boolean masks."""

from __future__ import annotations

import math

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from tripline.radiation.library import DetectorModel, Nuclide, default_detectors, default_library
from tripline.radiation.peaks import _line_support


def _by_masks(
    nuclide: Nuclide, predicted: np.ndarray, net: np.ndarray, var: np.ndarray, model: DetectorModel, centers: np.ndarray
) -> list[tuple[float, float | None, float, float, float]]:
    """Each line, strongest first, skipping one within a FWHM of a stronger line kept: the net
    counts, their significance and centroid and the predicted significance within 1.25 FWHM."""
    out = []
    kept: list[float] = []
    for line in sorted(nuclide.lines, key=lambda ln: -ln.intensity):
        e = line.energy_kev
        if e < model.low_kev or e > centers[-1] or any(abs(e - k) < model.fwhm_kev(e) for k in kept):
            continue
        kept.append(e)
        half = 1.25 * model.fwhm_kev(e)
        roi = np.array([e - half <= c <= e + half for c in centers.tolist()])
        if not roi.any():
            continue
        area = float(net[roi].sum())
        sigma = math.sqrt(float(var[roi].sum()))
        w = np.clip(net[roi], 0.0, None)
        found = float((centers[roi] * w).sum() / w.sum()) if w.sum() > 0 else None
        out.append((e, found, area, area / sigma if sigma > 0 else 0.0, float(predicted[roi].sum()) / sigma))
    return out


@settings(max_examples=60, deadline=None)
@given(
    st.sampled_from(["U-238 chain", "Th-232 chain", "Co-60", "Ba-133", "Eu-152", "Ir-192"]),
    st.sampled_from(["nai", "csi", "hpge"]),
    st.integers(0, 10_000),
    st.booleans(),
)
def test_line_support_measures_each_region_like_a_mask(name: str, det: str, seed: int, shuffled: bool) -> None:
    nuclide = default_library().get(name)
    model = default_detectors()[det]
    rng = np.random.default_rng(seed)
    n = int(rng.choice([256, 1024, 4096]))
    centers = np.linspace(rng.uniform(1.0, 30.0), rng.uniform(1500.0, 3000.0), n)
    if shuffled:  # not a calibration (centres out of order): measured by masks
        centers = centers[rng.permutation(n)]
        centers[-1] = centers.max()
    net = rng.normal(0.0, 30.0, n) + rng.uniform(0, 200)
    var = rng.uniform(1.0, 900.0, n)
    predicted = rng.uniform(0.0, 50.0, n)
    got = [
        (p.energy_kev, p.found_kev, p.net_counts, p.significance, z)
        for p, z in _line_support(nuclide, predicted, net, var, model, centers)
    ]
    want = _by_masks(nuclide, predicted, net, var, model, centers)
    assert len(got) == len(want)
    for g, w in zip(got, want, strict=True):
        assert g[0] == w[0] and (g[1] is None) == (w[1] is None)
        np.testing.assert_allclose([v for v in g[1:] if v is not None], [v for v in w[1:] if v is not None], rtol=1e-12)
