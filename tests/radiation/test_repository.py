from __future__ import annotations

import numpy as np
import pytest

from tripline.errors import InputError, NotFoundError
from tripline.radiation.adjudicate import adjudicate
from tripline.radiation.identify import identify
from tripline.radiation.model import Verdict
from tripline.radiation.repository import RadiationRepository, container_number
from tripline.radiation.simulate import simulate_occupancy
from tripline.store.db import Database


def test_container_numbers_are_iso_6346() -> None:
    assert container_number("CSQU 305438 3") == "CSQU3054383"
    assert container_number(None) is None
    with pytest.raises(InputError, match="ISO 6346"):
        container_number("CSQU3054384")


def test_scans_are_stored_per_container_and_the_latest_is_read(any_db: Database) -> None:
    # potassium fertiliser: its K-40 line clears it (granite at this seed is cleared on energy windows alone,
    # which identify.WINDOW_ONLY_GAIN_MAX no longer allows when a man-made template adds 2 sigma)
    first = simulate_occupancy("fertilizer", "nai", seed=21, sigma=12, container_id="CSQU3054383", occupancy_id="o-1")
    second = simulate_occupancy("Cs-137", "nai", seed=22, sigma=12, container_id="CSQU3054383", occupancy_id="o-2")
    with any_db.transaction() as session:
        assert RadiationRepository(session).latest_result("CSQU3054383") is None
    for scan in (first, second):
        result = adjudicate(scan.occupancy, scan.spectrum, scan.background)
        with any_db.transaction() as session:
            RadiationRepository(session).add_scan(result, scan.occupancy, scan.spectrum, scan.background)
    with any_db.transaction() as session:
        repo = RadiationRepository(session)
        latest = repo.latest_result("CSQU3054383")
        assert latest is not None
        assert latest.verdict is Verdict.INDUSTRIAL and not latest.cleared
        assert latest.payload["identification"]["isotopes"][0]["nuclide"] == "Cs-137"
        history = repo.results_for("CSQU3054383")
        assert [r.verdict for r in history] == [Verdict.INDUSTRIAL, Verdict.NORM]
        assert latest.spectrum_id is not None
        stored = repo.load_spectrum(latest.spectrum_id)
        assert np.array_equal(stored.counts, second.spectrum.counts)
        assert stored.calibration == second.spectrum.calibration
        assert repo.latest_result("MSKU0000006") is None


def test_identification_for_a_container(any_db: Database) -> None:
    scan = simulate_occupancy("HEU", "nai", seed=23, sigma=60)
    with any_db.transaction() as session:
        repo = RadiationRepository(session)
        spec_id = repo.add_spectrum(scan.spectrum, container_id="MSKU0000006")
        repo.add_result(identify(scan.spectrum, scan.background), container_id="MSKU0000006", spectrum_id=spec_id)
    with any_db.transaction() as session:
        latest = RadiationRepository(session).latest_result("MSKU0000006")
    assert latest is not None and latest.kind == "identification" and latest.verdict is Verdict.SNM


def test_duplicate_occupancy_and_missing_spectrum(any_db: Database) -> None:
    from tripline.errors import ConflictError

    scan = simulate_occupancy("none", "nai", seed=24, occupancy_id="dup")
    with any_db.transaction() as session:
        RadiationRepository(session).add_occupancy(scan.occupancy)
    with pytest.raises(ConflictError), any_db.transaction() as session:
        RadiationRepository(session).add_occupancy(scan.occupancy)
    with pytest.raises(NotFoundError), any_db.transaction() as session:
        RadiationRepository(session).load_spectrum(999_999)


def test_the_callers_rollback_undoes_the_store(any_db: Database) -> None:
    scan = simulate_occupancy("Cs-137", "nai", seed=25, container_id="CSQU3054383", occupancy_id="rolled-back")
    result = adjudicate(scan.occupancy, scan.spectrum, scan.background)
    with pytest.raises(RuntimeError), any_db.transaction() as session:
        RadiationRepository(session).add_scan(result, scan.occupancy, scan.spectrum, scan.background)
        raise RuntimeError("the service fails after the repository wrote")
    with any_db.transaction() as session:
        repo = RadiationRepository(session)
        assert repo.find_occupancy("rolled-back") is None
        assert repo.latest_result("CSQU3054383") is None
