"""The photopeak-vs-hump test of a candidate read from the chains' companions judged where its line was found
(``Policy.found_centroid_shape``, :func:`tripline.radiation.chainfit.narrow_at_found`). Hand-built residuals for the
arithmetic; real dev spectra (tests/data/radiation_real.csv) and dev ``--masked`` cells for the behaviour
(bench/README.md, flank)."""

from __future__ import annotations

import numpy as np
import pytest

from tests.radiation.policy_check import DEV, dev_case_ids, masked_on_off, verdicts_on_off
from tripline.radiation.chainfit import is_narrow, narrow_at_found
from tripline.radiation.identify import Policy
from tripline.radiation.library import default_library, detector
from tripline.radiation.model import Verdict
from tripline.radiation.peaks import _line_support

ON = Policy(found_centroid_shape=True)
OFF = Policy(found_centroid_shape=False)


def _shifted_peak(energy: float) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """(centres, residual, variance, the candidate's predicted counts) on a 1024-channel RadiaCode scale: a
    photopeak of the model's width 0.4 FWHM above ``energy`` and a smaller one 1.5 FWHM below it (a chain line's
    remnant); the candidate predicted at ``energy``."""
    model = detector("radiacode")
    edges = np.linspace(0.0, 3000.0, 1025)
    centers = 0.5 * (edges[:-1] + edges[1:])
    width = model.fwhm_kev(energy)

    def peak(at: float) -> np.ndarray:
        return np.asarray(np.exp(-0.5 * ((centers - at) / (width / 2.3548)) ** 2))

    resid = 400.0 * peak(energy + 0.4 * width) + 150.0 * peak(energy - 1.5 * width)
    return centers, resid, resid + 100.0, 400.0 * peak(energy)


def test_a_photopeak_found_off_its_library_energy_is_narrow_where_it_was_found() -> None:
    model = detector("radiacode")
    cs137 = default_library().get("Cs-137")
    centers, resid, var, predicted = _shifted_peak(661.657)
    lines = _line_support(cs137, predicted, resid, var, model, centers)
    # judged at 661.7 keV, the doubled width covers the peak and the remnant beside it
    assert not is_narrow(resid, var, centers, model, 661.657, cs137)
    # at the centroid the line-support test found (within half a FWHM) it is a photopeak of the detector's width
    assert narrow_at_found(lines, resid, var, centers, model, 661.657, cs137)


def test_the_annihilation_line_is_judged_at_its_library_energy() -> None:
    model = detector("radiacode")
    na22 = default_library().get("Na-22")
    centers, resid, var, predicted = _shifted_peak(511.0)
    lines = _line_support(na22, predicted, resid, var, model, centers)
    assert narrow_at_found(lines, resid, var, centers, model, 511.0, na22)
    # a strong chain makes 511 keV itself (pair production): never moved there, the library energy's test decides
    assert not narrow_at_found(lines, resid, var, centers, model, 511.0, na22, (511.0,))


def test_each_shape_at_its_best_centroid_within_the_tolerance() -> None:
    # no found centroid given (no line support): a photopeak 0.4 FWHM off the library energy still passes, the
    # narrow shape at its best centroid fitting better than the doubled one at any centroid within +-0.5 FWHM;
    # a hump twice as wide stays a hump
    model = detector("radiacode")
    cs137 = default_library().get("Cs-137")
    centers, resid, var, _ = _shifted_peak(661.657)
    assert narrow_at_found((), resid, var, centers, model, 661.657, cs137)
    width = model.fwhm_kev(661.657)
    hump = 400.0 * np.exp(-0.5 * ((centers - 661.657 - 0.2 * width) / (2.0 * width / 2.3548)) ** 2)
    assert not narrow_at_found((), hump, hump + 100.0, centers, model, 661.657, cs137)


BELARUS = "radiacode:Dosemap.org_spectra_02_Cs-137_Belarus_mushrooms"
KIROVO = "radiacode:Dosemap.org_spectra_04_Cs-137_Russia_Kirovo-Chepetsk_soil"
DANUBE = "radiacode:Sediment_Danube--2024-03-02 13-22-16"


@pytest.mark.parametrize(
    ("host", "source", "fraction", "filed", "nuclide"),
    [
        # Caldasite (U-238 chain, K-40) with the Belarus Cs-137 mushrooms at 30 %: Cs-137 found 14-17 keV high
        ("radiacode:2024-04-17_Caldasite", BELARUS, 0.3, True, "Cs-137"),
        ("radiacode:2024-04-17_Caldasite", BELARUS, 0.3, False, "Cs-137"),
        # the natural background with the Co-60 source at 10 %, no background
        ("dmamontov:bg-natural", "ckuethe:Co60_a", 0.1, False, "Co-60"),
        # the lead-shielded background with the Tc-99m patient at 30 %, no background
        ("dmamontov:bg-lead-shield", "radiacode:Tc-99m_old_man_in_a_bus", 0.3, False, "Tc-99m"),
        # 3 %: each shape at its best centroid within the tolerance (the Danube sediment with its background; alone)
        (DANUBE, KIROVO, 0.03, True, "Cs-137"),
        (DANUBE, "ckuethe:Co60_a", 0.03, False, "Co-60"),
        ("radiacode:2024-04-17_Caldasite", KIROVO, 0.03, False, "Cs-137"),
    ],
)
def test_a_masked_source_found_off_its_energy_is_not_cleared(
    host: str, source: str, fraction: float, filed: bool, nuclide: str
) -> None:
    """Real dev hosts with a real man-made source injected (``tests.realdata.masked_host``, the ``--masked`` cells):
    cleared with the policy off, referred with it on, the injected nuclide "not excluded"."""
    result, off = masked_on_off(host, source, fraction, filed, ON, OFF)
    assert off.verdict.cleared
    assert result.verdict is Verdict.OF_CONCERN
    assert any(r.startswith(f"{nuclide} not excluded: the NORM chains fitted without it") for r in result.reasons)


@pytest.mark.parametrize("case_id", dev_case_ids())
def test_real_dev_norm_and_background_verdicts_are_unchanged(case_id: str) -> None:
    """Every real dev NORM and background spectrum (as filed and alone) keeps its verdict with the policy on
    (dmamontov:bg-natural, th-90-wt20, u-92-glass, ...; Morro do Ferro with its background among the community rows:
    F-18/Na-22 at 511 keV, the annihilation line judged at its library energy)."""
    for on, off in verdicts_on_off(DEV[case_id], ON, OFF):
        assert on is off
