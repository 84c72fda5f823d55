"""Am-241's 59.5-keV line on a region too coarse for the 13-column reading (``Policy.am241_coarse_channels``,
:func:`tripline.radiation.lowenergy.am241_line_coarse`, :func:`tripline.radiation.identify._line_on_coarse_channels`).
The native 256-channel RadiaCode-101 files hold 7 channels from their usable edge to 110 keV; there the line was
"neither seen nor excluded" and a low-region ratio decided. By-hand coarse spectra for the reduced model, real dev
spectra (tests/data/radiation_real.csv) and a dev ``--masked`` cell (bench/README.md, am256)."""

from __future__ import annotations

import numpy as np
import pytest

from tests.radiation.policy_check import DEV, dev_case_ids, masked_on_off, verdicts_on_off
from tripline.radiation.identify import Policy
from tripline.radiation.library import DetectorModel, default_library
from tripline.radiation.library import detector as detector_model
from tripline.radiation.lowenergy import (
    AM241_KEV,
    PB_K_GROUP,
    TH234_LINES,
    am241_line,
    am241_line_coarse,
)
from tripline.radiation.model import FloatArray, Verdict
from tripline.radiation.physics import gaussian_bins, peak_efficiency

ON = Policy(am241_coarse_channels=True)
OFF = Policy(am241_coarse_channels=False)
FLIGHT = "radiacode:Spectrum_2021-06-12  18-25-44_3455s flight"
FISICAS = "fisicas:Am-241_energy_calibrated"
COARSE = "read against a reduced model"


def _coarse(kev_per_channel: float = 10.6) -> tuple[DetectorModel, FloatArray, FloatArray]:
    model = detector_model("radiacode")
    edges = np.arange(257, dtype=np.float64) * kev_per_channel
    return model, edges, 0.5 * (edges[:-1] + edges[1:])


def _line(edges: FloatArray, energy: float, model: DetectorModel, counts: float) -> FloatArray:
    return counts * gaussian_bins(edges, energy, model.fwhm_kev(energy) / 2.3548)


def _var(centers: FloatArray) -> FloatArray:
    """200 counts of variance per channel up to 150 keV, 1 above (a quiet 1001-keV region: Th-234 held near 0)."""
    return np.where(centers < 150.0, 200.0, 1.0)


def _hump(edges: FloatArray, model: DetectorModel, counts: float) -> FloatArray:
    """Lead K X-rays at their fixed relative intensities, ``counts`` in Ka1."""
    return sum((_line(edges, e, model, counts * i) for e, i in PB_K_GROUP), np.zeros(edges.size - 1))


def test_a_line_beside_lead_x_rays_stands_on_seven_channels() -> None:
    """By hand, 10.6 keV per channel (7 channels from 32 to 110 keV), no counts at 1001 keV (Th-234 held near 0):
    5000 counts of lead K X-rays and 6000 of Am-241 at 59.5 keV, variance 200 per channel. The 13-column reading
    cannot run; the reduced one sees the line at the 59.5-keV channel."""
    model, edges, centers = _coarse()
    library = default_library()
    net = _hump(edges, model, 5000.0) + _line(edges, AM241_KEV, model, 6000.0)
    var = _var(centers)
    assert int(((centers >= 32.0) & (centers <= 110.0)).sum()) == 7
    assert am241_line(net, var, model, edges, library, np.zeros(centers.size), 4.0, 32.0) is None
    low = am241_line_coarse(net, var, model, edges, library, np.zeros(centers.size), 4.0, 32.0)
    assert low is not None and low.match is not None
    assert low.significance >= 4.0
    assert abs((low.match.peaks[0].found_kev or 0.0) - AM241_KEV) < 0.25 * model.fwhm_kev(AM241_KEV)
    assert "7 channels" in low.reason


def test_lead_x_rays_alone_are_not_a_line() -> None:
    """The same spectrum without Am-241: the X-ray group takes the hump, no line."""
    model, edges, centers = _coarse()
    net = _hump(edges, model, 5000.0)
    low = am241_line_coarse(net, _var(centers), model, edges, default_library(), np.zeros(net.size), 4.0, 32.0)
    assert low is not None and low.match is None


def test_th234_within_its_bound_takes_the_line() -> None:
    """A line at 59.5-63.3 keV that Th-234 may explain (1001-keV region noisy enough to allow it) is not seen: the
    two are one peak on 10.6-keV channels, and the reduced model keeps Th-234's physics bound."""
    model, edges, centers = _coarse()
    net = _hump(edges, model, 5000.0) + _line(edges, AM241_KEV, model, 6000.0)
    var = _var(centers)
    var[np.abs(centers - 1001.0) < 60.0] = 1.0e6  # a 2-sigma upper limit at 1001 keV far above the line
    low = am241_line_coarse(net, var, model, edges, default_library(), np.zeros(net.size), 4.0, 32.0)
    assert low is not None and low.match is None
    assert "Pa-234m" in low.reason and TH234_LINES[0][0] == 63.30


@pytest.mark.parametrize("kev_per_channel", [3.0, 16.0])
def test_the_reduced_model_only_reads_regions_of_its_size(kev_per_channel: float) -> None:
    """Fine channels: the 13-column reading applies (None here); very coarse (5 channels): fewer channels than the
    reduced model's columns plus one, nothing read."""
    model, edges, centers = _coarse(kev_per_channel)
    net = _line(edges, AM241_KEV, model, 6000.0)
    low = am241_line_coarse(net, _var(centers), model, edges, default_library(), np.zeros(net.size), 4.0, 32.0)
    assert low is None
    assert peak_efficiency(model, AM241_KEV) > 0


def test_am241_in_a_flight_at_thirty_percent_is_referred() -> None:
    """The dev ``--masked`` cell 3455-s flight <- fisicas Am-241 at 30 % (the flight has no background of its own):
    released as background with the policy off, referred with it on, Am-241 not named."""
    on, off = masked_on_off(FLIGHT, FISICAS, 0.3, False, ON, OFF)
    assert off.verdict.cleared
    assert on.verdict is Verdict.OF_CONCERN
    assert any(COARSE in r and "Am-241 not excluded, not cleared" in r for r in on.reasons)
    assert "Am-241" not in [m.nuclide for m in on.isotopes]


@pytest.mark.parametrize("case_id", dev_case_ids(()))
def test_real_dev_spectra_keep_their_verdict(case_id: str) -> None:
    """Every real dev spectrum (all groups), as filed and alone, keeps its verdict with the policy on."""
    for on, off in verdicts_on_off(DEV[case_id], ON, OFF):
        assert on is off
