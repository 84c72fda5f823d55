"""What each parser takes from its format, checked against the raw bundled files."""

from __future__ import annotations

import csv
import gzip
import io
import re
import xml.etree.ElementTree as ET
from collections.abc import Callable
from pathlib import Path

from followthemoney.types import registry

from tests.lists.formats.conftest import WATCHLISTS, Parsed, spec_for
from tripline.lists.formats import FORMATS
from tripline.lists.model import LoadReport


def _xml_records() -> list[ET.Element]:
    root = ET.fromstring(gzip.decompress((WATCHLISTS / "un" / "consolidated.xml.gz").read_bytes()))
    return [*root.iter("INDIVIDUAL"), *root.iter("ENTITY")]


def test_un_alias_quality_decides_alias_weak_alias_or_previous_name(parsed: Callable[[str], Parsed]) -> None:
    result = parsed("un_sc")
    by_id = {e.entry_id: e for e in result.entries}
    checked = 0
    for record in _xml_records():
        entry = by_id[record.findtext("DATAID", "").strip()]
        for alias in record.findall(f"{record.tag}_ALIAS"):
            name = registry.name.clean(" ".join((alias.findtext("ALIAS_NAME") or "").split()))  # FtM drops quotes
            quality = (alias.findtext("QUALITY") or "").strip()
            if not name:
                continue
            prop = {"Good": "alias", "a.k.a.": "alias", "Low": "weakAlias", "f.k.a.": "previousName"}[quality]
            assert name in entry.entity.get(prop), (entry.entry_id, name, quality)
            checked += 1
    assert checked > 2_000


def test_un_documents_dates_and_nationalities(parsed: Callable[[str], Parsed]) -> None:
    result = parsed("un_sc")
    by_id = {e.entry_id: e for e in result.entries}
    for record in _xml_records():
        if record.tag != "INDIVIDUAL":
            continue
        entry = by_id[record.findtext("DATAID", "").strip()]
        for doc in record.findall("INDIVIDUAL_DOCUMENT"):
            number = " ".join((doc.findtext("NUMBER") or "").split())
            if number and "passport" in (doc.findtext("TYPE_OF_DOCUMENT") or "").lower():
                assert number in entry.entity.get("passportNumber")
        for dob in record.findall("INDIVIDUAL_DATE_OF_BIRTH"):
            exact = (dob.findtext("DATE") or "").strip()
            if exact:
                assert exact[:10] in entry.entity.get("birthDate")
        if record.findall("NATIONALITY/VALUE") and any(
            (v.text or "").strip() for v in record.findall("NATIONALITY/VALUE")
        ):
            assert entry.entity.get("nationality"), entry.entry_id
        assert entry.section == record.findtext("UN_LIST_TYPE", "").strip()


def test_ofac_vessels_keep_their_particulars(parsed: Callable[[str], Parsed]) -> None:
    result = parsed("us_ofac_sdn")
    text = gzip.decompress((WATCHLISTS / "us_ofac" / "sdn.csv.gz").read_bytes()).decode("cp1252")
    vessels = [r for r in csv.reader(io.StringIO(text, newline="")) if len(r) == 12 and r[2] == "vessel"]
    by_id = {e.entry_id: e for e in result.entries}
    assert len(vessels) == 872
    with_imo = 0
    for row in vessels:
        entity = by_id[row[0]].entity
        assert entity.schema.name == "Vessel"
        if row[5].strip() != "-0-":
            assert row[5].strip() in entity.get("callSign")
        imo = re.search(r"IMO (\d{7})", row[11])
        if imo:
            with_imo += 1
            assert f"IMO{imo.group(1)}" in entity.get("imoNumber")  # FtM's canonical form
    assert with_imo > 500


def test_csl_ids_and_alt_names(parsed: Callable[[str], Parsed]) -> None:
    result = parsed("us_csl")
    [havin] = [e for e in result.entries if e.entity.get("name") == ["ARIMERO HOLDING LIMITED"] and e.section == "SDN"]
    assert havin.entity.get("registrationNumber") == ["C146742"]
    assert havin.entity.get("country") == ["cy"]
    el = [e for e in result.entries if e.section == "EL"]
    assert all("export.control" in e.entity.get("topics") for e in el)


def test_hmt_groups_name_variants(parsed: Callable[[str], Parsed]) -> None:
    result = parsed("gb_hmt")
    text = gzip.decompress((WATCHLISTS / "uk_hmt" / "sanctionsconlist.csv.gz").read_bytes()).decode("cp1252")
    rows = [r for r in csv.DictReader(io.StringIO(text.split("\n", 1)[1], newline="")) if r["Group ID"] == "13349"]
    entry = result.by_entry("13349")
    names = set(entry.entity.get("name")) | set(entry.entity.get("alias"))
    for row in rows:
        parts = [row[f"Name {i}"].strip() for i in (1, 2, 3, 4, 5, 6)]
        assert " ".join(p for p in parts if p) in names
    assert entry.entity.get("passportNumber") == ["592667"]
    assert set(entry.entity.get("nationality")) == {"sa", "qa"}


def test_eu_oj_columns_become_properties(parsed: Callable[[str], Parsed]) -> None:
    result = parsed("eu_oj")
    path = WATCHLISTS / "eu_oj_opensanctions" / "32001R2580.csv"
    rows = list(csv.DictReader(path.open(encoding="utf-8", newline="")))
    row = next(r for r in rows if r["name"] == "AL-DIN Hasan Izz")
    entry = result.by_entry(f"32001R2580/{row['annex']}/{row['recordId']}")
    assert entry.entity.schema.name == "Person"
    assert set(entry.entity.get("alias")) == {a.strip() for a in row["alias"].split(";")}
    assert entry.entity.get("nationality") == ["lb"]
    assert entry.programs == ("EU-TERR",) and entry.section == "32001R2580"
    vessels = [e for e in result.entries if e.entity.schema.name == "Vessel"]
    assert len(vessels) > 600 and sum(1 for v in vessels if v.entity.get("imoNumber")) > 500


def test_meti_names_aliases_and_addresses(parsed: Callable[[str], Parsed]) -> None:
    belarus = parsed("jp_meti_belarus")
    integral = belarus.by_entry("2")
    assert integral.entity.get("name") == ["JSC Integral"]
    assert {"株式会社インテグラル", "OAO Integral", "Joint-Stock Company Integral-Holding Managing Company"} <= set(
        integral.entity.get("alias")
    )
    assert len(integral.entity.get("address")) == 3
    agat = belarus.by_entry("7")  # its number is glued to the end of entry 6's address in the PDF text
    assert agat.entity.get("name") == ["AGAT-Electromechanical Plant OJSC"]
    assert belarus.by_entry("6").entity.get("address") == ["117/1 Nezavisimosti ave., Minsk, 220114, Belarus"]
    third = parsed("jp_meti_third_countries")
    ele = third.by_entry("48")  # the 別称: layout, and a Chinese name in brackets
    assert {
        "ELE Technology CO LTD",
        "深圳市易络电子有限公司",
        "イーエルイー・テクノロジー・コーポレーション・リミテッド",
    } <= set(ele.entity.get("alias"))
    russia = parsed("jp_meti_russia")
    progress = russia.by_entry("18")  # Japanese and English name on one line
    assert progress.entity.get("name") == ["JSC Rocket and Space Centre – Progress"]
    assert progress.entity.get("alias") == ["株式会社ロケット・宇宙センター「プログレス」"]
    assert russia.report.published is not None and russia.report.published.isoformat() == "2025-09-12"


def test_ftm_json_skips_non_list_schemata_and_reads_nested_sanctions(tmp_path: Path) -> None:
    path = tmp_path / "partner.jsonl"
    path.write_text(
        '{"id": "s1", "schema": "Sanction", "properties": {"program": ["X"]}}\n'
        '{"id": "c1", "schema": "Company", "caption": "Acme", "properties": {"name": ["Acme Trading"], '
        '"sanctions": [{"id": "s2", "schema": "Sanction", "properties": {"program": ["JP-EXPORT-BAN"]}}]}}\n'
        "\n",
        encoding="utf-8",
    )
    report = LoadReport()
    [entry] = list(FORMATS["ftm_json"].parse([path], spec_for("partner", "ftm_json"), report))
    assert entry.entry_id == "c1" and entry.programs == ("JP-EXPORT-BAN",)
    assert report.skipped == 1 and report.rows == 2


def test_eu_oj_printed_birth_dates_and_nationalities_are_kept(parsed: Callable[[str], Parsed]) -> None:
    result = parsed("eu_oj")
    path = WATCHLISTS / "eu_oj_opensanctions" / "32001R2580.csv"
    rows = {r["name"]: r for r in csv.DictReader(path.open(encoding="utf-8", newline=""))}
    arbabsiar = result.by_entry(f"32001R2580/II.A/{rows['ARBABSIAR Manssor']['recordId']}")
    assert rows["ARBABSIAR Manssor"]["birthDate"] == "6.3.1955 or 15.3.1955"
    assert arbabsiar.entity.get("birthDate") == ["1955-03-06", "1955-03-15"]
    assert rows["ARBABSIAR Manssor"]["nationality"] == "Iranian and US"
    assert set(arbabsiar.entity.get("nationality")) == {"ir", "us"}
    assert set(arbabsiar.entity.get("passportNumber")) == {"C2002515", "477845448"}
    # every row whose birthDate cell holds a year gives its entry a birth date
    by_id = {e.entry_id: e for e in result.entries}
    missing = []
    for path in result.paths:
        opener = gzip.open if path.suffix == ".gz" else open
        with opener(path, "rt", encoding="utf-8", newline="") as fh:
            for r in csv.DictReader(fh):
                if re.search(r"\b(19|20)\d\d\b", r["birthDate"]):
                    key = f"{r['celex']}/{r['annex']}/{r['recordId'] or r['name'].strip()}"
                    if not by_id[key].entity.get("birthDate"):
                        missing.append((key, r["birthDate"]))
    assert missing == []
