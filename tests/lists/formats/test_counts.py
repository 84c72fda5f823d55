"""Parsed entry counts against what each bundled file itself declares or contains.

Every expected number is computed here, independently of the parsers, with the ``csv``
module or a regular expression over the raw file, and where the data's ``SOURCES.md`` states
a figure it is checked too. Where rows merge into one entry, the test says why.
"""

from __future__ import annotations

import csv
import gzip
import io
import re
from collections import Counter
from collections.abc import Callable, Iterator
from pathlib import Path

from tests.lists.formats.conftest import WATCHLISTS, Parsed


def _text(path: Path, encoding: str = "utf-8") -> str:
    raw = gzip.decompress(path.read_bytes()) if path.suffix == ".gz" else path.read_bytes()
    return raw.decode(encoding)


def _csv(path: Path, encoding: str = "utf-8", delimiter: str = ",", skip: int = 0) -> Iterator[dict[str, str]]:
    text = _text(path, encoding).lstrip("\ufeff")
    lines = io.StringIO(text, newline="")
    for _ in range(skip):
        lines.readline()
    yield from csv.DictReader(lines, delimiter=delimiter)


def _file(name: str) -> Path:
    path = WATCHLISTS / name
    return path if path.exists() else path.with_name(path.name + ".gz")


def test_ofac_sdn_one_entry_per_primary_ent_num(parsed: Callable[[str], Parsed]) -> None:
    result = parsed("us_ofac_sdn")
    text = _text(_file("us_ofac/sdn.csv"), "cp1252").rstrip("\x1a\r\n")
    primary = {row[0] for row in csv.reader(io.StringIO(text, newline="")) if row}
    assert len(primary) == 15_443  # SOURCES.md: 15,443 SDN entries
    assert {e.entry_id for e in result.entries} == primary
    assert len(result.entries) == len(primary)


def test_ofac_sdn_reports_rows_of_the_newer_alias_file_that_join_nothing(parsed: Callable[[str], Parsed]) -> None:
    result = parsed("us_ofac_sdn")
    primary = {e.entry_id for e in result.entries}
    alt = [r for r in csv.reader(io.StringIO(_text(_file("us_ofac/alt.csv"), "cp1252"), newline="")) if len(r) == 5]
    add = [r for r in csv.reader(io.StringIO(_text(_file("us_ofac/add.csv"), "cp1252"), newline="")) if len(r) == 6]
    orphan_alias_ents = {r[0] for r in alt} - primary
    assert len(orphan_alias_ents) == 1_330  # SOURCES.md: 1,330 alt ent_nums have no primary row
    assert len({r[0] for r in add} - primary) == 3_732  # and 3,732 for add.csv
    orphan_rows = sum(1 for r in alt if r[0] not in primary) + sum(1 for r in add if r[0] not in primary)
    assert result.report.unjoined >= orphan_rows  # plus comment rows
    assert result.report.skipped == len(orphan_alias_ents)  # alias-only entries: no primary name, not loaded
    assert any("join no primary row" in w for w in result.report.warnings)


def test_ofac_consolidated(parsed: Callable[[str], Parsed]) -> None:
    result = parsed("us_ofac_cons")
    text = _text(_file("us_ofac/cons_prim.csv"), "cp1252").rstrip("\x1a\r\n")
    primary = {row[0] for row in csv.reader(io.StringIO(text, newline="")) if row}
    assert len(primary) == 442  # SOURCES.md
    assert {e.entry_id for e in result.entries} == primary
    assert result.report.unjoined == 0


def test_un_counts_individuals_and_entities_of_the_xml(parsed: Callable[[str], Parsed]) -> None:
    result = parsed("un_sc")
    xml = _text(_file("un/consolidated.xml"))
    individuals = len(re.findall(r"<INDIVIDUAL>", xml))
    entities = len(re.findall(r"<ENTITY>", xml))
    assert (individuals, entities) == (730, 273)  # SOURCES.md
    schemas = Counter(e.entity.schema.name for e in result.entries)
    assert schemas == {"Person": individuals, "LegalEntity": entities}
    assert result.report.declared_count == individuals + entities
    assert {e.entry_id for e in result.entries} == set(re.findall(r"<DATAID>(\d+)</DATAID>", xml))
    generated = re.search(r'dateGenerated="(\d{4}-\d{2}-\d{2})', xml)
    assert generated is not None and result.report.published is not None
    assert result.report.published.isoformat() == generated.group(1)


def _csl_code(source: str) -> str:
    match = re.search(r"\(([^()]+)\)", source)
    assert match is not None, source
    return match.group(1).removesuffix(" List")


def test_csl_every_row_keeps_its_own_source(parsed: Callable[[str], Parsed]) -> None:
    result = parsed("us_csl")
    rows = list(_csv(_file("us_csl/consolidated.csv")))
    assert len(rows) == 14_160  # SOURCES.md
    per_source = Counter(_csl_code(r["source"]) for r in rows)
    assert per_source["SDN"] == 10_026 and per_source["EL"] == 2_001 and per_source["DPL"] == 462
    # one entry per (source, _id): the only repeat in the file is one CAP row given twice
    keys = Counter((_csl_code(r["source"]), r["_id"]) for r in rows)
    assert sum(n - 1 for n in keys.values()) == result.report.merged == 1
    assert len(result.entries) == len(keys)
    per_section = Counter(e.section for e in result.entries)
    assert per_section == Counter(code for code, _ in keys)
    assert all(e.programs[0].startswith(("Specially", "Entity", "ITAR", "Denied", "Sectoral", "Unverified",
                                          "Nonproliferation", "Palestinian", "Military", "Non-SDN", "Capta",
                                          "Foreign")) for e in result.entries)  # fmt: skip


def test_csl_subset_skips_the_repeated_header_and_reports_the_cut_last_row(parsed: Callable[[str], Parsed]) -> None:
    result = parsed("us_csl_2023_subset")
    rows = [r for r in _csv(_file("us_csl/csl_subset.csv")) if r["source"] != "source"]
    assert len(rows) == 4_227  # SOURCES.md (the last one is cut off in the file)
    assert rows[-1]["ids"] is None or rows[-1]["source_information_url"] is None  # it lacks its last columns
    assert len(result.entries) == len(rows) - 1
    assert result.report.skipped == 1
    assert any("cut off" in w for w in result.report.warnings)


def test_dpl_one_entry_per_party_and_order(parsed: Callable[[str], Parsed]) -> None:
    result = parsed("us_bis_dpl")
    rows = list(_csv(_file("us_bis/dpl.txt"), delimiter="\t"))
    assert len(rows) == 665  # SOURCES.md
    orders = {(r["Name"].strip(), r["Effective_Date"].strip()) for r in rows}
    assert len(result.entries) == len(orders)
    assert result.report.merged == len(rows) - len(orders)  # one row per address: folded into the entry
    villa = [e for e in result.entries if "AARON ABRAHAM VILLA" in e.entity.get("name")]
    assert len(villa) == 1


def test_hmt_one_entity_per_group_id(parsed: Callable[[str], Parsed]) -> None:
    result = parsed("gb_hmt")
    rows = list(_csv(_file("uk_hmt/sanctionsconlist.csv"), encoding="cp1252", skip=1))
    groups = Counter(r["Group ID"] for r in rows)
    assert (len(rows), len(groups)) == (9_487, 2_106)  # SOURCES.md
    assert {e.entry_id for e in result.entries} == set(groups)
    assert result.report.merged == len(rows) - len(groups)
    assert result.report.published is not None and result.report.published.isoformat() == "2018-04-13"


def test_eu_oj_one_entry_per_act_annex_and_record(parsed: Callable[[str], Parsed]) -> None:
    result = parsed("eu_oj")
    keys: set[tuple[str, str, str]] = set()
    rows = 0
    for path in result.paths:
        for r in _csv(path):
            rows += 1
            keys.add((r["celex"], r["annex"], r["recordId"] or r["name"].strip()))
    assert (len(result.paths), rows) == (37, 8_017)  # SOURCES.md
    assert len(result.entries) == len(keys)
    assert result.report.merged == rows - len(keys)
    per_act = Counter(e.section for e in result.entries)
    assert per_act["32012R0267"] == 339 and per_act["32023R1529"] == 49  # SOURCES.md (no repeats there)


def test_opensanctions_csvs_one_entry_per_named_party(parsed: Callable[[str], Parsed]) -> None:
    for source_id, rows_expected in [("us_bis_mieu", 13), ("us_dod_chinese_milcorps", 397), ("us_inksna", 28),
                                     ("us_ndaa_1286", 443), ("us_section_353", 167), ("us_ndaa_889", 5),
                                     ("us_ndaa_154", 6), ("us_ndaa_5949", 3), ("cn_sanctions", 610)]:  # fmt: skip
        result = parsed(source_id)
        rows = list(_csv(result.paths[0]))
        assert len(rows) == rows_expected, source_id  # SOURCES.md
        lower = [{k.lower(): v for k, v in r.items()} for r in rows]
        # the same party re-listed (1286 yearly reports, 1260H updates, China's several lists) is one entry
        parties = {
            ((r.get("schema") or r.get("type") or ""), (r.get("clean name") or r["name"]).strip()) for r in lower
        }
        assert len(result.entries) == len(parties), source_id
        assert result.report.merged == len(rows) - len(parties), source_id


def test_meti_lists_every_numbered_entry(parsed: Callable[[str], Parsed]) -> None:
    for source_id, last in [("jp_meti_russia", 561), ("jp_meti_third_countries", 56), ("jp_meti_belarus", 27)]:
        result = parsed(source_id)
        text = _text(result.paths[0])
        # each entry has exactly one "所在地" (address) line, except a Russia entry whose address line is missing
        addresses = text.count("所在地")
        assert addresses in (last, last - 1), source_id
        assert result.report.declared_count == last
        assert [e.entry_id for e in result.entries] == [str(n) for n in range(1, last + 1)]
        assert result.report.warnings == []
