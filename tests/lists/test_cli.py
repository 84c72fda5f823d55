"""`tripline lists` on the real bundled lists: load, show (counts checked against the files), diff.

The bundled lists are loaded once per module into a SQLite database (the slow part). The
largest lists' entity counts are checked against counts taken from their files' own structure
(OFAC entry numbers, UN list elements, HMT group ids), read here without the project's parsers;
every list's counts are also checked against a fresh run of its reader (that the store keeps
what the reader yields, not that the reader is right).
"""

from __future__ import annotations

import csv
import gzip
import hashlib
import io
import json
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from xml.etree import ElementTree

import pytest

from tests.conftest import BUNDLED_DATA
from tests.lists.conftest import invoke
from tripline.cli.context import AppContext
from tripline.lists import store
from tripline.lists.formats import FORMATS
from tripline.lists.model import LoadReport
from tripline.lists.sources import load_sources, source_paths
from tripline.settings import Settings

OFAC = BUNDLED_DATA / "watchlists" / "us_ofac"
CSL = BUNDLED_DATA / "watchlists" / "us_csl"


def show(settings: Settings) -> dict[str, dict[str, Any]]:
    return {s["id"]: s for s in json.loads(invoke(settings, "lists", "show", "--json").stdout)}


@pytest.fixture(scope="module")
def bundled(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Settings]:
    settings = Settings(var_dir=tmp_path_factory.mktemp("lists") / "var", database_url=None, data_dir=BUNDLED_DATA)
    invoke(settings, "lists", "load", "--bundled", "--quiet")
    yield settings


def _content(path: Path) -> bytes:
    data = path.read_bytes()
    return gzip.decompress(data) if data[:2] == b"\x1f\x8b" else data


def _text(path: Path, encoding: str) -> str:
    return _content(path).decode(encoding)


def _ofac_entries(path: Path) -> int:
    # one row per entry, its entry number first; the file ends in a DOS end-of-file mark (^Z)
    rows = csv.reader(io.StringIO(_text(path, "cp1252")))
    return len({row[0] for row in rows if row and row[0].strip().isdigit()})


def _un_entries(path: Path) -> int:
    root = ElementTree.fromstring(_content(path))
    return len(root.findall("./INDIVIDUALS/INDIVIDUAL")) + len(root.findall("./ENTITIES/ENTITY"))


def _hmt_groups(path: Path) -> int:
    # a title row ("Last Updated", date), then the header; one row per name, "Group ID" per entry
    rows = list(csv.reader(io.StringIO(_text(path, "cp1252"))))
    column = rows[1].index("Group ID")
    return len({row[column] for row in rows[2:] if len(row) > column and row[column].strip()})


def test_largest_lists_count_what_their_files_hold(bundled: Settings) -> None:
    shown = show(bundled)
    expected = {
        "us_ofac_sdn": _ofac_entries(OFAC / "sdn.csv.gz"),
        "us_ofac_cons": _ofac_entries(OFAC / "cons_prim.csv.gz"),
        "un_sc": _un_entries(BUNDLED_DATA / "watchlists" / "un" / "consolidated.xml.gz"),
        "gb_hmt": _hmt_groups(BUNDLED_DATA / "watchlists" / "uk_hmt" / "sanctionsconlist.csv.gz"),
    }
    assert {key: shown[key]["entity_count"] for key in expected} == expected
    assert min(expected.values()) > 400


def test_show_counts_equal_a_fresh_run_of_each_reader(bundled: Settings) -> None:
    shown = show(bundled)
    specs = load_sources(bundled)
    assert sorted(shown) == sorted(s.id for s in specs)
    for spec in specs:
        paths = source_paths(spec, bundled.data_dir)
        report = LoadReport()
        schemas: dict[str, str] = {}
        for entry in FORMATS[spec.format].parse(paths, spec, report):
            assert entry.entity.id
            schemas[entry.entity.id] = entry.entity.schema.name
        row = shown[spec.id]
        assert row["entity_count"] == len(schemas), spec.id
        assert row["counts"] == dict(sorted(Counter(schemas.values()).items())), spec.id
        assert row["declared_count"] == report.declared_count, spec.id
        assert row["licence"] == spec.licence and row["version"] == 1
        assert [f["sha256"] for f in row["files"]] == [hashlib.sha256(_content(p)).hexdigest() for p in paths]


def _ofac_aliases(ent_num: str) -> set[str]:
    text = gzip.decompress((OFAC / "alt.csv.gz").read_bytes()).decode("cp1252")
    return {row[3] for row in csv.reader(io.StringIO(text)) if row and row[0] == ent_num}


def test_seed_entities_are_there_with_all_their_aliases(bundled: Settings) -> None:
    ctx = AppContext(settings=bundled)
    try:
        with ctx.db().transaction() as s:
            sdn = {e.entry_id: e for e in store.current_entities(s, ["us_ofac_sdn"])}
            everywhere = [
                e for e in store.current_entities(s) if "BAKERI" in " ".join(e.properties.get("name", [])).upper()
            ]
    finally:
        ctx.close()
    limmt = sdn["9749"]  # the cable's LIMMT Economic and Trade Company
    assert "LIMMT ECONOMIC AND TRADE COMPANY, LTD." in limmt.properties["name"]
    names = set(limmt.properties.get("name", [])) | set(limmt.properties.get("alias", []))
    expected = _ofac_aliases("9749")
    assert len(expected) >= 10 and expected <= names
    sbig = sdn["9350"]
    assert sbig.properties["name"] == ["SHAHID BAKERI INDUSTRIAL GROUP"]
    assert {e.source_id for e in everywhere} >= {"us_ofac_sdn", "us_csl"}


def test_loading_the_bundled_lists_again_changes_nothing(bundled: Settings) -> None:
    before = show(bundled)
    invoke(bundled, "lists", "load", "--bundled", "--quiet")
    assert show(bundled) == before


def _ids(settings: Settings, source_id: str) -> set[str]:
    ctx = AppContext(settings=settings)
    try:
        with ctx.db().transaction() as s:
            return {e.entity_id for e in store.current_entities(s, [source_id])}
    finally:
        ctx.close()


def test_a_newer_file_becomes_version_two_and_diffs(bundled: Settings) -> None:
    """The 2023 partial CSL loaded as the next version of the 2022 CSL: a real diff.

    Runs last in this module (it adds a version to the shared database). The expected sets
    come from the two lists as loaded separately (their counts are checked above).
    """
    old = _ids(bundled, "us_csl")
    # entity ids start with the list id: the subset's entities under the id of the list it is loaded into
    new = {i.replace("us_csl_2023_subset-", "us_csl-", 1) for i in _ids(bundled, "us_csl_2023_subset")}
    assert old & new, "ids of entries present in both files must be the same in both versions"
    invoke(bundled, "lists", "load", str(CSL / "csl_subset.csv.gz"), "--source", "us_csl", "--quiet")
    shown = show(bundled)["us_csl"]
    assert shown["version"] == 2 and shown["versions"] == 2
    assert shown["entity_count"] == show(bundled)["us_csl_2023_subset"]["entity_count"]
    diff = json.loads(invoke(bundled, "lists", "diff", "us_csl", "--json").stdout)
    assert (diff["from_version"], diff["to_version"]) == (1, 2)
    assert sorted(e["entity_id"] for e in diff["added"]) == sorted(new - old)
    assert sorted(e["entity_id"] for e in diff["removed"]) == sorted(old - new)
    assert diff["changed"] and all(c["fields"] for c in diff["changed"])
    assert {c["entity_id"] for c in diff["changed"]} <= old & new
    text = invoke(bundled, "lists", "diff", "us_csl").stdout
    assert f"{len(diff['added'])} added, {len(diff['removed'])} removed, {len(diff['changed'])} changed" in text
    back = json.loads(invoke(bundled, "lists", "diff", "us_csl", "--from", "2", "--to", "1", "--json").stdout)
    assert len(back["added"]) == len(diff["removed"]) and len(back["removed"]) == len(diff["added"])


def test_partner_ftm_list_loads_by_detection_and_diffs(settings: Settings) -> None:
    """A partner authority's own FollowTheMoney JSON-lines list, format found from the content."""
    from tests.lists.conftest import V1, V2, parsed

    invoke(settings, "lists", "load", str(V1), "--source", "partner_inksna", "--title", "Partner list", "--quiet")
    invoke(settings, "lists", "load", str(V2), "--source", "partner_inksna", "--quiet")
    (row,) = json.loads(invoke(settings, "lists", "show", "--json").stdout)
    assert (row["id"], row["title"], row["format"], row["version"]) == ("partner_inksna", "Partner list", "ftm_json", 2)
    assert row["entity_count"] == len(parsed(V2))
    diff = json.loads(invoke(settings, "lists", "diff", "partner_inksna", "--json").stdout)
    own = "partner_inksna-".__add__  # the ftm_json reader scopes the file's ids by the list id
    assert [e["entity_id"] for e in diff["removed"]] == [own("inksna-1")]
    assert [e["entity_id"] for e in diff["added"]] == [own("inksna-copy")]
    (changed,) = diff["changed"]
    assert changed["entity_id"] == own("inksna-2") and list(changed["fields"]) == ["alias"]
    assert changed["fields"]["alias"]["added"] == [parsed(V1)["inksna-3"]["properties"]["name"][0]]  # type: ignore[index]
