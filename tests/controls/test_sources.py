"""Parsing the control lists: nothing dropped, hierarchy, regimes, parameters of real entries."""

from __future__ import annotations

import gzip
import json
import re

import pytest

from tests.conftest import BUNDLED_DATA
from tripline.controls.catalogue import CCL_XML, EU_TEXT, Catalogue
from tripline.controls.model import Comparison, ItemKind, Regime, Source
from tripline.controls.regimes import RegimeBook
from tripline.controls.sources.ccl import ccl_xml_headings, parse_ccl_index
from tripline.controls.sources.eu import eu_text_codes, parse_eu_fixture
from tripline.controls.vocabulary import Vocabulary
from tripline.errors import FormatError

CONTROLS = BUNDLED_DATA / "controls"


def _raw(name: str) -> str:
    return gzip.decompress((CONTROLS / name).read_bytes()).decode("utf-8-sig")


def test_every_ccl_eccn_is_parsed(catalogue: Catalogue) -> None:
    # independent counts: the ECCN headings of the eCFR XML, by a plain regular expression
    xml_codes = set(re.findall(r"<FP-2><B>(\d[A-E]\d{3})\b", _raw("us_ccl/ccl_supp1_part774.xml.gz")))
    json_codes = {e["eccn"] for e in json.loads(_raw("us_ccl/ccl_index.json.gz"))["entries"]}
    parsed = {e.code for e in catalogue if e.source is Source.CCL}
    assert len(xml_codes) == 637
    assert parsed == json_codes == xml_codes
    assert catalogue.count(Source.CCL) == 637


def test_xml_headings_parser_agrees_with_index(catalogue: Catalogue) -> None:
    headings = ccl_xml_headings(BUNDLED_DATA / CCL_XML)
    assert set(headings) == {e.code for e in catalogue if e.source is Source.CCL}
    assert headings["2B109"].startswith("2B109 Flow-forming machines")


def test_every_eu_entry_is_parsed(catalogue: Catalogue) -> None:
    fixture = json.loads(_raw("eu_annex1_norway/liste2_structured_fixture.json.gz"))
    fixture_codes = {row["fields"]["code"] for row in fixture if row["model"] == "regulations.regulation"}
    text_codes = set(re.findall(r"(?m)^\s*(\d[A-E]\d{3})\s", _raw("eu_annex1_norway/liste2_dualuse_2021.txt.gz")))
    parsed = {e.code for e in catalogue if e.source is Source.EU}
    assert len(fixture_codes) == 366
    assert parsed == fixture_codes == text_codes == eu_text_codes(BUNDLED_DATA / EU_TEXT)
    assert catalogue.count(Source.EU) == 366


def test_item_hierarchy_down_to_sub_sub_items(catalogue: Catalogue) -> None:
    for source in Source:
        entry = catalogue.get("2B006", source)
        assert entry is not None
        codes = [i.code for i in entry.items if i.kind is ItemKind.ITEM]
        assert codes[:3] == ["2B006.a", "2B006.b", "2B006.b.1"]
        assert {"2B006.b.3.a", "2B006.b.3.c", "2B006.c", "2B006.d"} <= set(codes)
        notes = [i for i in entry.items if i.kind is ItemKind.NOTE and i.code == "2B006.c"]
        assert notes and "autocollimators" in notes[0].text


def test_ccl_reasons_and_applies_rows(catalogue: Catalogue) -> None:
    e = catalogue.get("2B009", Source.CCL)
    assert e is not None
    assert e.reasons == ("NS", "MT", "NP", "AT")
    applies = {a.reason: a.text for a in e.applies}
    assert "2B009.a and 2B109" in applies["MT"]
    assert "2B209" in applies["NP"]
    assert e.regimes == (Regime.WA, Regime.MTCR, Regime.NSG)
    b006 = catalogue.get("2B006", Source.CCL)
    assert b006 is not None and "2B206" in {a.reason: a.text for a in b006.applies}["NP"]


@pytest.mark.parametrize(
    ("code", "regime", "ref"),
    [
        ("2B109", Regime.MTCR, "3.B.3"),
        ("2B209", Regime.NSG, "1.B.1"),
        ("2B006", Regime.WA, "2.B.6"),
        ("2B009", Regime.WA, "2.B.9"),
        ("2B206", Regime.NSG, "1.B.3"),
    ],
)
def test_regime_references(catalogue: Catalogue, code: str, regime: Regime, ref: str) -> None:
    for entry in catalogue.lookup(code):
        assert any(r.regime is regime and r.ref == ref for r in entry.regime_refs), entry.source


def test_eu_regime_by_numbering(catalogue: Catalogue) -> None:
    expected = {"2B006": Regime.WA, "2B109": Regime.MTCR, "2B209": Regime.NSG, "2B352": Regime.AG, "0B001": Regime.NSG}
    for code, regime in expected.items():
        entry = catalogue.get(code, Source.EU)
        assert entry is not None and entry.regimes == (regime,)


def _param(catalogue: Catalogue, source: Source, item_code: str, key: str):  # type: ignore[no-untyped-def]
    entry = catalogue.get(item_code[:5], source)
    assert entry is not None
    item = entry.item(item_code)
    assert item is not None, item_code
    found = [p for p in item.parameters if p.key == key]
    assert found, (item_code, [p.describe() for p in item.parameters])
    return found[0]


@pytest.mark.parametrize("source", list(Source))
def test_parameters_of_seed_entries(catalogue: Catalogue, source: Source) -> None:
    mpe = _param(catalogue, source, "2B006.a", "mpe")
    assert (mpe.comparison, mpe.value, mpe.unit, mpe.per_length) == (Comparison.LE, 1.7, "µm", pytest.approx(1 / 1000))
    ang = _param(catalogue, source, "2B006.c", "angular_accuracy")
    assert (ang.comparison, ang.value, ang.unit) == (Comparison.LE, 0.9, "arcsec")
    force = _param(catalogue, source, "2B009.b", "roller_force")
    assert (force.comparison, force.value, force.unit) == (Comparison.GT, 60.0, "kN")
    axes = _param(catalogue, source, "2B009.a", "axes")
    assert (axes.comparison, axes.value) == (Comparison.GE, 3.0)
    rollers = _param(catalogue, source, "2B209.a.1", "rollers")
    assert (rollers.comparison, rollers.value, rollers.noun) == (Comparison.GE, 3.0, "rollers")
    uts = _param(catalogue, source, "1C116.a.1", "tensile_strength")  # value in the sub-item, name in the parent
    assert (uts.comparison, uts.value, uts.unit) == (Comparison.GE, 900.0, "MPa")


def test_eu_decimal_comma_values(catalogue: Catalogue) -> None:
    res = _param(catalogue, Source.EU, "2B006.b.3.b", "resolution")
    assert res.value == pytest.approx(0.0002) and res.unit == "µm"  # "0,200 nm"
    b2 = _param(catalogue, Source.EU, "2B006.b.2", "overall_accuracy")
    assert b2.value == pytest.approx(0.8) and b2.per_length == pytest.approx(0.6 / 1000)  # (800 + 600 x L/1 000) nm


def test_unexpected_text_is_reported_with_location(catalogue: Catalogue) -> None:
    assert catalogue.warnings
    assert all(re.search(r"(entries\[\d+\] \(\d[A-E]\d{3}\)|\d[A-E]\d{3})", w) for w in catalogue.warnings)


def test_bad_ccl_record_names_its_field(tmp_path) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "ccl.json"
    path.write_text(
        json.dumps({"entries": [{"eccn": "2B006", "title": "x", "text": ""}, {"eccn": "XX1", "title": "y"}]})
    )
    with pytest.raises(FormatError) as err:
        parse_ccl_index(path, Vocabulary.load(), RegimeBook.load())
    assert err.value.field == "entries[1].eccn"


def test_declared_count_mismatch_is_an_error(tmp_path) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "ccl.json"
    path.write_text(json.dumps({"n_entries": 2, "entries": [{"eccn": "2B006", "title": "x", "text": ""}]}))
    with pytest.raises(FormatError, match="declares 2 entries but holds 1"):
        parse_ccl_index(path, Vocabulary.load(), RegimeBook.load())


def test_eu_paragraph_of_unknown_regulation_is_an_error(tmp_path) -> None:  # type: ignore[no-untyped-def]
    rows = [
        {"model": "regulations.regulation", "pk": 1, "fields": {"code": "2B006"}},
        {
            "model": "regulations.paragraph",
            "pk": 9,
            "fields": {"regulation": 7, "path": "0001", "code": "2B006.", "text": "x"},
        },
    ]
    path = tmp_path / "eu.json"
    path.write_text(json.dumps(rows))
    with pytest.raises(FormatError, match="unknown regulation"):
        parse_eu_fixture(path, Vocabulary.load(), RegimeBook.load())
