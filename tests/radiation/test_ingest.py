"""Ingest: one transaction per file (a bad record stores nothing), re-ingest is a no-op, and the
occupancy reader refuses bad files (truncated, wrong encoding, empty, huge) naming file and line."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import sqlalchemy as sa

from tripline.errors import FormatError, InputError, TooLargeError, TriplineError
from tripline.radiation.models import RadiationOccupancy, RadiationResult, RadiationSpectrum
from tripline.radiation.readers import MAX_BYTES
from tripline.radiation.service import ingest_file, occupancy_record
from tripline.radiation.simulate import simulate_occupancy
from tripline.store.db import Database

from .conftest import SAMPLES


def _rows(db: Database) -> tuple[int, int, int]:
    with db.transaction() as session:
        return tuple(  # type: ignore[return-value]
            int(session.scalar(sa.select(sa.func.count()).select_from(table)) or 0)
            for table in (RadiationOccupancy, RadiationSpectrum, RadiationResult)
        )


def _lines(n: int) -> list[str]:
    out = []
    for k in range(n):
        scan = simulate_occupancy("none", "nai", seed=k, sigma=0, container_id="CSQU3054383", occupancy_id=f"o-{k}")
        out.append(json.dumps(occupancy_record(scan)))
    return out


def test_a_file_is_stored_whole_and_again_is_a_no_op(any_db: Database, tmp_path: Path) -> None:
    path = tmp_path / "scans.jsonl"
    path.write_text("\n".join(_lines(3)) + "\n", encoding="utf-8")
    first = ingest_file(any_db, path)
    assert first.occupancies == 3 and first.already_stored == 0
    assert _rows(any_db) == (3, 6, 3)  # 3 occupancies, foreground + background each, 3 results
    again = ingest_file(any_db, path)
    assert again.occupancies == 0 and again.already_stored == 3 and again.results == []
    assert _rows(any_db) == (3, 6, 3)


def test_a_bad_record_stores_nothing_of_its_file(any_db: Database, tmp_path: Path) -> None:
    lines = _lines(3)
    bad = json.loads(lines[2])
    bad["container"] = "CSQU3054384"  # wrong ISO 6346 check digit, on line 3
    path = tmp_path / "scans.jsonl"
    path.write_text("\n".join([*lines[:2], json.dumps(bad)]) + "\n", encoding="utf-8")
    with pytest.raises(InputError) as err:
        ingest_file(any_db, path)
    assert err.value.line == 3 and err.value.field == "container"
    assert _rows(any_db) == (0, 0, 0)


def test_spectrum_file_reingest_is_a_no_op(any_db: Database) -> None:
    path = SAMPLES / "SGM102432.spe"
    first = ingest_file(any_db, path, container="CSQU3054383")
    assert first.spectra == 1 and first.already_stored == 0
    again = ingest_file(any_db, path, container="CSQU3054383")
    assert again.spectra == 0 and again.already_stored == 1
    assert _rows(any_db) == (0, 1, 1)


@pytest.mark.parametrize("case", ["truncated", "latin-1", "empty", "blank lines", "huge"])
def test_bad_occupancy_files_are_refused_and_nothing_is_stored(any_db: Database, tmp_path: Path, case: str) -> None:
    path = tmp_path / "scans.jsonl"
    lines = _lines(2)
    expected: type[TriplineError] = FormatError
    if case == "truncated":  # the writer stopped in the middle of line 2
        path.write_text(lines[0] + "\n" + lines[1][: len(lines[1]) // 2], encoding="utf-8")
    elif case == "latin-1":  # a portal name in latin-1 on line 2
        record = json.loads(lines[1])
        record["location"] = "Port de Sète"
        path.write_bytes((lines[0] + "\n" + json.dumps(record, ensure_ascii=False) + "\n").encode("latin-1"))
    elif case == "empty":
        path.write_bytes(b"")
    elif case == "blank lines":
        path.write_text("\n  \n\n", encoding="utf-8")
    else:  # larger than the reader's limit: refused from its size, before reading
        with path.open("wb") as fh:
            fh.truncate(MAX_BYTES + 1)
        expected = TooLargeError
    with pytest.raises(expected) as err:
        ingest_file(any_db, path)
    assert err.value.file is not None and Path(str(err.value.file)).name == "scans.jsonl"
    if case == "truncated":
        assert err.value.line == 2 and "not JSON" in err.value.reason
    if case == "latin-1":
        assert "UTF-8" in err.value.reason
    if case in ("empty", "blank lines"):
        assert "no occupancy records" in err.value.reason
    assert _rows(any_db) == (0, 0, 0)


def _zip(path: Path, members: dict[str, bytes]) -> Path:
    import zipfile

    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return path


def test_an_archive_is_one_file_stored_whole_or_not_at_all(any_db: Database, tmp_path: Path) -> None:
    """A zip of spectra is ingested as one file: every member's spectra in one transaction, again a no-op,
    and an archive with one bad member stores nothing and leaves what was stored before intact."""
    good = {name: (SAMPLES / name).read_bytes() for name in ("Alcatraz14.Spc", "SGM102432.spe")}
    archive = _zip(tmp_path / "upload.zip", {f"folder/{k}": v for k, v in good.items()} | {"folder/readme.txt": b"x"})
    first = ingest_file(any_db, archive, container="CSQU3054383")
    assert (first.spectra, first.already_stored, len(first.results)) == (2, 0, 2)
    assert _rows(any_db) == (0, 2, 2)
    again = ingest_file(any_db, archive, container="CSQU3054383")
    assert (again.spectra, again.already_stored, again.results) == (0, 2, [])
    cut = _zip(
        tmp_path / "cut.zip",
        {
            "a/Mendocino.Spe.gz": (SAMPLES / "Mendocino_07-10-13_Acq-10-10-13.Spe.gz").read_bytes(),
            "a/cut.Spc": good["Alcatraz14.Spc"][:300],
        },
    )
    with pytest.raises(FormatError) as err:
        ingest_file(any_db, cut, container="CSQU3054383")
    assert err.value.file == f"{cut}!a/cut.Spc"
    assert _rows(any_db) == (0, 2, 2)
