"""Th-234's 63.3-keV line held also to what U-235's 185.7-keV region allows (``Policy.th234_from_u235``,
:func:`tripline.radiation.lowenergy.th234_bound_from_186`, :func:`tripline.radiation.identify._line_beside_th234`).
On a 1 cm3 CsI 59.5 and 63.3 keV are one peak, and the Pa-234m 1001-keV bound on Th-234 is loose, so Am-241 injected
into uranium glass passed as Th-234 and was cleared. By-hand spectra for the bound, real dev spectra
(tests/data/radiation_real.csv) and a dev ``--masked`` cell (bench/README.md, th234w)."""

from __future__ import annotations

import math

import numpy as np
import pytest

from tests.radiation.policy_check import DEV, dev_case_ids, masked_on_off, verdicts_on_off
from tripline.radiation.identify import Policy
from tripline.radiation.library import DetectorModel, default_library
from tripline.radiation.library import detector as detector_model
from tripline.radiation.lowenergy import (
    AM241_KEV,
    DEPLETION_FACTOR,
    TH234_LINES,
    TH234_MARGIN,
    U235_186_KEV,
    am241_line,
    th234_bound_from_186,
)
from tripline.radiation.model import FloatArray, Verdict
from tripline.radiation.physics import default_calibration, gaussian_bins, peak_efficiency

ON = Policy(th234_from_u235=True)
OFF = Policy(th234_from_u235=False)
GLASS = "dmamontov:u-92-glass"
SEARS = "dmamontov:np-93-sears"
BESIDE = "Am-241 not excluded beside uranium, not cleared"


def _csi() -> tuple[DetectorModel, FloatArray, FloatArray]:
    model = detector_model("csi")
    edges = default_calibration(model, model.channels).edges(model.channels)
    return model, edges, 0.5 * (edges[:-1] + edges[1:])


def _line(edges: FloatArray, energy: float, fwhm: float, counts: float) -> FloatArray:
    return counts * gaussian_bins(edges, energy, fwhm / 2.3548)


def test_the_bound_is_depleted_uranium_times_the_margin_times_the_line_ratios() -> None:
    """A by-hand 185.7-keV line of 10 000 counts with no noise in its window but one count per channel: the bound
    is 2 x 3.62 x 3.75/2.62 x efficiency(63.3)/efficiency(185.7) x (counts + 2 sigma)."""
    model, edges, centers = _csi()
    fwhm = model.fwhm_kev(U235_186_KEV)
    net = _line(edges, U235_186_KEV, fwhm, 10_000.0)
    var = np.ones(centers.size)
    window = np.abs(centers - U235_186_KEV) <= 1.25 * fwhm
    upper = float(net[window].sum()) + 2.0 * math.sqrt(float(window.sum()))
    ratio = peak_efficiency(model, TH234_LINES[0][0]) / peak_efficiency(model, U235_186_KEV)
    expected = TH234_MARGIN * DEPLETION_FACTOR * TH234_LINES[0][1] / 2.62 * ratio * upper
    assert th234_bound_from_186(net, var, model, edges) == pytest.approx(expected)
    assert abs(DEPLETION_FACTOR - 3.62) < 0.01
    # more counts at 185.7 keV (Ra-226, U-235's other lines) only loosen it
    more = net + _line(edges, 186.211, fwhm, 5_000.0)
    assert th234_bound_from_186(more, var, model, edges) > expected


def test_no_bound_when_185_7_kev_is_out_of_range() -> None:
    model, edges, centers = _csi()
    keep = centers < 150.0
    short = edges[: int(keep.sum()) + 1]
    assert math.isinf(th234_bound_from_186(np.zeros(keep.sum()), np.ones(keep.sum()), model, short))


def test_a_59_5_kev_line_taken_by_an_unbounded_th234_stands_with_the_bound() -> None:
    """By hand, on the CsI model, no 1001-keV data (Pa-234m gives no bound): 3000 counts of Am-241 at 59.5 keV beside
    2000 counts of Th-234 at 63.3 keV (and its 92.4/92.8-keV lines), a flat 2000-count-per-channel variance. Th-234
    free takes the 59.5-keV line; held to its true 2000 counts, the line stands."""
    model, edges, centers = _csi()
    library = default_library()
    eff63 = peak_efficiency(model, TH234_LINES[0][0])
    th234 = sum(
        (
            _line(edges, e, model.fwhm_kev(e), 2000.0 * i * peak_efficiency(model, e) / (TH234_LINES[0][1] * eff63))
            for e, i in TH234_LINES
        ),
        np.zeros(centers.size),
    )
    net = th234 + _line(edges, AM241_KEV, model.fwhm_kev(AM241_KEV), 3000.0)
    net, edges = net[centers < 150.0], edges[: int((centers < 150.0).sum()) + 1]
    var = np.full(net.size, 2000.0)
    free = am241_line(net, var, model, edges, library, np.zeros(net.size), 4.0, 32.0)
    held = am241_line(net, var, model, edges, library, np.zeros(net.size), 4.0, 32.0, th234_bound=2000.0)
    assert free is not None and held is not None
    assert held.significance > free.significance
    assert held.match is not None
    assert "bounded by the U-235 185.7-keV region" in held.reason


@pytest.mark.parametrize("filed", [True, False])
def test_am241_in_uranium_glass_at_thirty_percent_is_referred(filed: bool) -> None:
    """The dev ``--masked`` cell u-92-glass <- np-93-sears at 30 % (the glass has no background of its own, so filed
    and alone are the same): cleared as NORM with the policy off, referred with it on, Am-241 not named."""
    on, off = masked_on_off(GLASS, SEARS, 0.3, filed, ON, OFF)
    assert off.verdict.cleared
    assert on.verdict is Verdict.OF_CONCERN
    assert any(BESIDE in r for r in on.reasons)
    assert "Am-241" not in [m.nuclide for m in on.isotopes]


def test_the_clean_glass_stays_norm_with_the_bound() -> None:
    """The dev u-92-glass holds 5.2x the 63.3-keV counts natural uranium's 185.7-keV line predicts (1.4x beyond the
    depleted-uranium limit): with the margin its 59.5-keV reading stays under 4 sigma and it stays NORM."""
    for on, off in verdicts_on_off(DEV[GLASS], ON, OFF):
        assert on is off is Verdict.NORM


@pytest.mark.parametrize("case_id", dev_case_ids())
def test_real_dev_norm_and_background_verdicts_are_unchanged(case_id: str) -> None:
    """Every real dev NORM and background spectrum, as filed and alone, keeps its verdict with the policy on."""
    for on, off in verdicts_on_off(DEV[case_id], ON, OFF):
        assert on is off
