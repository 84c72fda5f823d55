"""Loading lists into the store, on SQLite and PostgreSQL: versions, no-op reloads, one transaction."""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select

from tests.lists.conftest import V1, V2, FtmLines, parsed, spec
from tripline.errors import FormatError, InputError
from tripline.lists import store
from tripline.lists.formats import ListFormat
from tripline.lists.loader import LoadStatus, ProgressEvent, Stage
from tripline.lists.models import ListEntityVersion, ListMember, ListSnapshot
from tripline.lists.service import load_files
from tripline.store.db import Database


def _state(db: Database) -> tuple[int, int, int, dict[str, dict[str, Any]]]:
    with db.transaction() as s:
        snaps = s.scalar(select(func.count()).select_from(ListSnapshot)) or 0
        rows = s.scalar(select(func.count()).select_from(ListEntityVersion)) or 0
        members = s.scalar(select(func.count()).select_from(ListMember)) or 0
        current = {e.entity_id: e.to_proxy().to_dict() for e in store.current_entities(s)}
    return snaps, rows, members, current


def test_load_stores_exactly_what_was_parsed(any_db: Database, formats: dict[str, ListFormat]) -> None:
    result = load_files(any_db, spec(), [V1], formats=formats)
    expected = parsed(V1)
    assert result.status is LoadStatus.LOADED
    assert result.snapshot.version == 1
    assert result.snapshot.entity_count == len(expected) == 28
    assert result.snapshot.counts == dict(Counter(str(e["schema"]) for e in expected.values()))
    assert result.snapshot.declared_count == 28
    with any_db.transaction() as s:
        stored = {e.entity_id: e for e in store.current_entities(s, ["partner_inksna"])}
    assert {k: v.to_proxy().to_dict() for k, v in stored.items()} == expected
    assert all(e.source_id == "partner_inksna" and e.entry_id == e.entity_id for e in stored.values())
    assert stored["inksna-1"].caption == "Ch'oe Ch'o'l-min"


def test_same_files_twice_change_nothing(any_db: Database, formats: dict[str, ListFormat]) -> None:
    first = load_files(any_db, spec(), [V1], formats=formats)
    before = _state(any_db)
    again = load_files(any_db, spec(), [V1], formats=formats)
    assert again.status is LoadStatus.UNCHANGED
    assert again.snapshot.id == first.snapshot.id
    assert _state(any_db) == before


def test_gzipped_copy_of_same_content_is_unchanged(
    any_db: Database, formats: dict[str, ListFormat], tmp_path: Path
) -> None:
    import gzip

    gz = tmp_path / "inksna_v1.ftm.jsonl.gz"
    gz.write_bytes(gzip.compress(V1.read_bytes()))
    load_files(any_db, spec(), [V1], formats=formats)

    class GzLines(FtmLines):
        def parse(self, paths, spec, report, limits=None):  # type: ignore[no-untyped-def]
            raise AssertionError("an unchanged file must not be parsed again")

    again = load_files(any_db, spec(), [gz], formats={FtmLines.name: GzLines()})
    assert again.status is LoadStatus.UNCHANGED


def test_new_version_keeps_old_one_readable(any_db: Database, formats: dict[str, ListFormat]) -> None:
    one = load_files(any_db, spec(), [V1], formats=formats)
    two = load_files(any_db, spec(), [V2], formats=formats)
    assert (one.snapshot.version, two.snapshot.version) == (1, 2)
    with any_db.transaction() as s:
        old = {e.entity_id: e.to_proxy().to_dict() for e in store.snapshot_entities(s, one.snapshot.id)}
        new = {e.entity_id: e.to_proxy().to_dict() for e in store.snapshot_entities(s, two.snapshot.id)}
        rows = s.scalar(select(func.count()).select_from(ListEntityVersion))
    assert old == parsed(V1)
    assert new == parsed(V2)
    # entity versions are shared: v2 adds only the changed and the new entity (26 unchanged reused)
    unchanged = sum(1 for k, v in new.items() if old.get(k) == v)
    assert unchanged == 26
    assert rows == len(old) + (len(new) - unchanged)


def test_failure_while_writing_leaves_previous_version(any_db: Database, formats: dict[str, ListFormat]) -> None:
    load_files(any_db, spec(), [V1], formats=formats)
    before = _state(any_db)
    written: list[int] = []

    def explode(event: ProgressEvent) -> None:
        if event.stage is Stage.WRITE:
            written.append(event.done)
            raise RuntimeError("disk unplugged")

    with pytest.raises(RuntimeError, match="disk unplugged"):
        load_files(any_db, spec(), [V2], formats=formats, progress=explode)
    assert written, "the failure must have happened after rows were written in the transaction"
    assert _state(any_db) == before


def test_failure_while_parsing_leaves_previous_version(any_db: Database) -> None:
    load_files(any_db, spec(), [V1], formats={FtmLines.name: FtmLines()})
    before = _state(any_db)
    with pytest.raises(FormatError) as info:
        load_files(any_db, spec(), [V2], formats={FtmLines.name: FtmLines(fail_after=10)})
    assert info.value.file == str(V2) and info.value.line == 11
    assert _state(any_db) == before


def test_parser_crash_becomes_one_format_error(any_db: Database, tmp_path: Path) -> None:
    class Broken(FtmLines):
        def parse(self, paths, spec, report, limits=None):  # type: ignore[no-untyped-def]
            yield from super().parse(paths, spec, report)
            raise KeyError("ent_num")

    with pytest.raises(FormatError) as info:
        load_files(any_db, spec(), [V1], formats={FtmLines.name: Broken()})
    assert info.value.file == str(V1) and "KeyError" in info.value.reason
    assert _state(any_db)[0] == 0


def test_empty_file_and_unknown_format_are_refused(
    formats: dict[str, ListFormat], db: Database, tmp_path: Path
) -> None:
    empty = tmp_path / "empty.jsonl"
    empty.write_bytes(b"")
    with pytest.raises(FormatError) as info:
        load_files(db, spec(), [empty], formats=formats, format_name=FtmLines.name)
    assert (info.value.file, info.value.line) == (str(empty), 1)
    with pytest.raises(FormatError, match="file is empty"):
        load_files(db, spec(), [empty], formats=formats)
    prose = tmp_path / "README.txt"
    prose.write_text("Tripline loads watch lists.\n", encoding="utf-8")
    with pytest.raises(FormatError, match="not recognised") as info:
        load_files(db, spec(), [prose], formats=formats)
    assert (info.value.file, info.value.line) == (str(prose), 1)
    with pytest.raises(FormatError, match="not a ftm_lines_test file") as info:
        load_files(db, spec(), [prose], formats=formats, format_name=FtmLines.name)
    assert (info.value.file, info.value.line) == (str(prose), 1)
    with pytest.raises(InputError, match="unknown format"):
        load_files(db, spec(), [V1], formats=formats, format_name="no_such_format")
    with pytest.raises(InputError, match="list id"):
        load_files(db, spec("Bad Id"), [V1], formats=formats)
    assert _state(db)[0] == 0


def test_duplicate_ids_in_one_file_are_merged(db: Database, formats: dict[str, ListFormat], tmp_path: Path) -> None:
    lines = V1.read_text(encoding="utf-8").splitlines()
    twice = tmp_path / "twice.jsonl"
    twice.write_text("\n".join([*lines, lines[0].replace("Ch'oe Ch'o'l-min", "Choe Chol Min")]) + "\n")
    result = load_files(db, spec(), [twice], formats=formats)
    assert result.snapshot.entity_count == 28
    assert any("merged" in w for w in result.snapshot.report["warnings"])
    with db.transaction() as s:
        (entity,) = store.get_entity(s, "inksna-1")
    assert sorted(entity.properties["name"]) == ["Ch'oe Ch'o'l-min", "Choe Chol Min"]
