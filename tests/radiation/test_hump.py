"""A photopeak on the scatter hump (``Policy.hump_photopeak``, :mod:`tripline.radiation.hump`). Hand-built residuals
for the mechanism; real dev ``--masked`` cells and the real dev spectra of tests/data/radiation_real.csv for the
behaviour (bench/README.md, hump)."""

from __future__ import annotations

import numpy as np
import pytest

from tests.radiation.policy_check import DEV, dev_case_ids, masked_on_off, verdicts_on_off
from tripline.radiation.chainfit import is_narrow
from tripline.radiation.hump import hump_photopeak, in_hump_region, photopeak_on_hump
from tripline.radiation.identify import Policy
from tripline.radiation.library import default_library, detector
from tripline.radiation.model import Verdict

ON = Policy(hump_photopeak=True)
OFF = Policy(hump_photopeak=False)
TC99M_KEV = 140.511  # NNDC


def _hump_residual(
    peak: float, hump: float, hump_kev: float = 105.0, hump_fwhm: float = 80.0
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(centres, residual, variance) on a 1024-channel RadiaCode scale: a broad scatter hump (Gaussian, FWHM
    ``hump_fwhm`` keV at ``hump_kev``, top ``hump``) plus Tc-99m's photopeak of the model's width (top ``peak``) on a
    variance of the counts plus 400."""
    model = detector("radiacode")
    edges = np.linspace(0.0, 3000.0, 1025)
    centers = 0.5 * (edges[:-1] + edges[1:])
    width = model.fwhm_kev(TC99M_KEV)
    resid = peak * np.exp(-0.5 * ((centers - TC99M_KEV) / (width / 2.3548)) ** 2)
    resid = resid + hump * np.exp(-0.5 * ((centers - hump_kev) / (hump_fwhm / 2.3548)) ** 2)
    return centers, resid, np.abs(resid) + 400.0


def test_a_photopeak_on_a_hump_is_read_as_a_hump_by_is_narrow_and_stands_over_the_best_hump() -> None:
    model = detector("radiacode")
    tc99m = default_library().get("Tc-99m")
    centers, resid, var = _hump_residual(peak=300.0, hump=1500.0)
    # the photopeak plus the hump beneath it: the doubled width fits the sum better than the photopeak alone
    assert not is_narrow(resid, var, centers, model, TC99M_KEV, tc99m)
    reading = hump_photopeak(resid, var, centers, model, TC99M_KEV, tc99m)
    assert reading is not None
    assert reading.sigma >= 4.0
    assert reading.hump_width >= 1.5
    assert photopeak_on_hump(resid, var, centers, model, TC99M_KEV, tc99m, 4.0)


def test_a_hump_alone_is_no_photopeak() -> None:
    model = detector("radiacode")
    tc99m = default_library().get("Tc-99m")
    for hump_kev, hump_fwhm in ((105.0, 80.0), (140.5, 70.0), (180.0, 90.0)):
        centers, resid, var = _hump_residual(peak=0.0, hump=1500.0, hump_kev=hump_kev, hump_fwhm=hump_fwhm)
        assert not photopeak_on_hump(resid, var, centers, model, TC99M_KEV, tc99m, 4.0)


def test_the_misfit_scales_the_error() -> None:
    # a hump not of the model's form (a ramp with a step) leaves structure: the photopeak's significance is divided
    # by sqrt(chi2 / degrees of freedom)
    model = detector("radiacode")
    tc99m = default_library().get("Tc-99m")
    centers, resid, var = _hump_residual(peak=300.0, hump=1500.0)
    rough = resid + 300.0 * np.sign(np.sin(centers / 7.0))
    reading = hump_photopeak(rough, var, centers, model, TC99M_KEV, tc99m)
    assert reading is not None
    dof = reading.channels - 6
    assert reading.chi2 > dof
    assert reading.sigma == pytest.approx(reading.raw_sigma / np.sqrt(reading.chi2 / dof))


def test_only_the_hump_region_is_judged() -> None:
    assert in_hump_region(121.7817) and in_hump_region(245.4)
    assert not in_hump_region(59.5409) and not in_hump_region(661.657)
    model = detector("radiacode")
    cs137 = default_library().get("Cs-137")
    edges = np.linspace(0.0, 3000.0, 1025)
    centers = 0.5 * (edges[:-1] + edges[1:])
    width = model.fwhm_kev(661.657)
    resid = 500.0 * np.exp(-0.5 * ((centers - 661.657) / (width / 2.3548)) ** 2)
    assert not photopeak_on_hump(resid, resid + 100.0, centers, model, 661.657, cs137, 4.0)


TC99M = "radiacode:Tc-99m_old_man_in_a_bus"
EU152 = "ckuethe:Eu152_b"


@pytest.mark.parametrize(
    ("host", "source", "fraction", "filed", "nuclide"),
    [
        # the KCl with its background and the Tc-99m patient at 10 %: the line on the hump, 7.5 sigma over the best hump
        ("radiacode:K-40-1--2024-03-02 13-26-43", TC99M, 0.1, True, "Tc-99m"),
        # Eu-152 at 30 %: Caldasite with its background (Eu-152 121.8 keV), the monazite with and without (Co-57
        # 122.1 keV, the same line)
        ("radiacode:2024-04-17_Caldasite", EU152, 0.3, True, "Eu-152"),
        ("radiacode:2024-04-16_Monazite-Guarapari-Brazil", EU152, 0.3, True, "Co-57"),
        ("radiacode:2024-04-16_Monazite-Guarapari-Brazil", EU152, 0.3, False, "Co-57"),
    ],
)
def test_a_masked_source_on_the_hump_is_not_cleared(
    host: str, source: str, fraction: float, filed: bool, nuclide: str
) -> None:
    """Real dev hosts with a real man-made source injected (``tests.realdata.masked_host``, the ``--masked`` cells):
    cleared with the policy off, referred with it on, a nuclide of the injected line "not excluded" over the hump;
    nothing named."""
    result, off = masked_on_off(host, source, fraction, filed, ON, OFF)
    assert off.verdict.cleared
    assert result.verdict is Verdict.OF_CONCERN
    assert any(r.startswith(f"{nuclide} not excluded") and "scatter hump" in r for r in result.reasons)
    assert {m.nuclide for m in result.isotopes} == {m.nuclide for m in off.isotopes}


@pytest.mark.parametrize("case_id", dev_case_ids(()))
def test_real_dev_verdicts_are_unchanged(case_id: str) -> None:
    """Every real dev spectrum (as filed and alone) keeps its verdict with the policy on: the clean KCl alone holds a
    Tc-99m-like structure at 4.7 sigma over the best hump, 3.3 with the misfit's scale (bench/README, hump)."""
    for on, off in verdicts_on_off(DEV[case_id], ON, OFF):
        assert on is off
