from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pytest

from tripline.errors import ConfigError
from tripline.radiation.library import default_detectors, default_library, default_sources, load_library, load_sources
from tripline.radiation.model import Category
from tripline.radiation.physics import (
    ELECTRON_MASS_KEV,
    backscatter_range_kev,
    compton_edge_kev,
    full_energy_fraction,
    klein_nishina_recoil,
    line_response,
    peak_efficiency,
)


def test_library_has_the_issue_nuclides_with_their_main_lines() -> None:
    lib = default_library()
    for name, energy in [
        ("Cs-137", 661.657),
        ("Co-60", 1332.492),
        ("Am-241", 59.5409),
        ("Ir-192", 316.50618),
        ("I-131", 364.490),
        ("Tc-99m", 140.511),
        ("U-235", 185.720),
        ("Pu-239", 413.713),
        ("K-40", 1460.820),
    ]:
        assert any(abs(line.energy_kev - energy) < 1e-6 for line in lib.get(name).lines), name
    assert lib.get("U-235").category is Category.SNM
    assert lib.get("Th-232 chain").category is Category.NORM


def test_every_simulator_source_uses_library_nuclides() -> None:
    lib = default_library()
    for spec in default_sources().values():
        for nuclide in spec.mix:
            lib.get(nuclide)


def test_bad_library_names_file_and_field(tmp_path: Path) -> None:
    bad = tmp_path / "lib.yaml"
    bad.write_text("nuclides:\n  - name: X\n    category: weird\n    per: X\n    source: s\n    lines: []\n")
    with pytest.raises(ConfigError) as err:
        load_library(bad)
    assert err.value.file == str(bad)
    assert err.value.field is not None and err.value.field.startswith("nuclides.0")


def test_unknown_nuclide_in_sources_is_refused(tmp_path: Path) -> None:
    bad = tmp_path / "src.yaml"
    bad.write_text("sources:\n  x:\n    kind: NORM\n    mix: {Unobtainium-1: 1}\n")
    with pytest.raises(ConfigError, match="Unobtainium"):
        load_sources(bad)


def test_invalid_yaml_reports_line(tmp_path: Path) -> None:
    bad = tmp_path / "lib.yaml"
    bad.write_text("nuclides:\n  - [unclosed\n")
    with pytest.raises(ConfigError) as err:
        load_library(bad)
    assert err.value.line is not None


@pytest.mark.parametrize(
    ("name", "expected", "tolerance"),
    [("nai", 0.07, 0.003), ("hpge", 0.002, 0.0002), ("csi", 0.065, 0.003), ("labr", 0.03, 0.002)],
)
def test_resolution_at_662_kev(name: str, expected: float, tolerance: float) -> None:
    assert default_detectors()[name].fwhm_kev(661.657) / 661.657 == pytest.approx(expected, abs=tolerance)


def test_plastic_has_no_photopeak() -> None:
    pvt = default_detectors()["plastic"]
    assert full_energy_fraction(pvt, 661.657) == 0.0
    assert peak_efficiency(pvt, 1332.5) == 0.0


def test_klein_nishina_recoil_stops_at_the_compton_edge() -> None:
    e = 661.657
    # edge from the kinematics of 180-degree scattering: T_max = E - E / (1 + 2E/mc^2)
    edge = e - e / (1 + 2 * e / ELECTRON_MASS_KEV)
    t = np.array([0.0, 0.5 * edge, 0.99 * edge, 1.01 * edge, e])
    values = klein_nishina_recoil(e, t)
    assert np.all(values[:3] > 0)
    assert np.all(values[3:] == 0)
    assert math.isclose(edge, 477.3, abs_tol=0.2)


def test_compton_edge_and_backscatter_of_cs137_and_co60() -> None:
    """Published values (e.g. Knoll, Radiation Detection and Measurement): Cs-137 661.7 keV has its
    Compton edge at 477 keV and its backscatter peak near 184 keV; Co-60 1332.5 keV its edge at
    1118 keV and its 180-degree backscatter at 214 keV."""
    assert math.isclose(compton_edge_kev(661.657), 477.3, abs_tol=0.2)
    assert math.isclose(compton_edge_kev(1332.492), 1118.1, abs_tol=0.3)
    low, high = backscatter_range_kev(661.657)
    assert math.isclose(low, 184.3, abs_tol=0.2) and 184.3 < high < 195.0
    assert math.isclose(backscatter_range_kev(1332.492)[0], 214.4, abs_tol=0.3)
    for e in (100.0, 661.657, 2614.5):  # the photon keeps what the electron did not take at 180 degrees
        assert math.isclose(backscatter_range_kev(e)[0] + compton_edge_kev(e), e, rel_tol=1e-12)


def test_line_response_puts_the_photopeak_at_the_line() -> None:
    nai = default_detectors()["nai"]
    edges = np.linspace(0, 3072, 1025)
    resp = line_response(nai, edges, 661.657)
    centers = 0.5 * (edges[:-1] + edges[1:])
    assert abs(centers[int(np.argmax(resp))] - 661.657) < 3.0
    # photopeak efficiency falls with energy for a scintillator of finite thickness
    assert peak_efficiency(nai, 200.0) > peak_efficiency(nai, 662.0) > peak_efficiency(nai, 1500.0)
