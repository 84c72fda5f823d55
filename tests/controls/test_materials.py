"""Alloys by designation: published strengths (data/alloys.yaml) against 1C202, 1C116 and 1C216.

Thresholds are those of the EU Annex I / CCL text (1C202.a: >= 460 MPa, 1C202.b: >= 900 MPa, both
with tubes or cylindrical solid forms of outside diameter > 75 mm; 1C116.b forms; 1C216 >= 1 950
MPa). Strengths: ASM/MatWeb data sheets and ASTM B348 minimums, as cited in the YAML."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tripline.controls.classify import Classifier
from tripline.controls.materials import AlloyIndex, dimensions
from tripline.controls.schema import GoodsQuery, Listed


def _verdict(classifier: Classifier, text: str) -> tuple[Listed, str | None]:
    v = classifier.classify(GoodsQuery(description=text)).verdict
    return v.listed, v.eu_code


def test_issue_example_2024_t351_bar(classifier: Classifier) -> None:
    # issue 13, "What must show": 1C202 or the strength question
    r = classifier.classify(GoodsQuery(description="2024-T351 aluminium bar of 100 mm diameter"))
    assert r.verdict.eu_code == "1C202" and r.verdict.listed is not Listed.NO
    assert any("MPa" in e for e in r.candidates[0].evidence)


def test_aluminium_and_titanium_thresholds(classifier: Classifier) -> None:
    assert _verdict(classifier, "7075-T6 aluminium round bar, diameter 120 mm") == (Listed.YES, "1C202")
    assert _verdict(classifier, "Ti-6Al-4V forged billet 250 mm diameter") == (Listed.YES, "1C202")
    # 6061-T6: 310 MPa < 460 MPa (ASM); titanium Grade 2: 345 MPa min (ASTM B348) < 900 MPa
    assert _verdict(classifier, "6061-T6 aluminium bar 100 mm diameter")[0] is Listed.NO
    assert _verdict(classifier, "Titanium grade 2 round bar, 100 mm diameter")[0] is Listed.NO
    # form and size rule it out: a plate, a 30 mm bar
    assert _verdict(classifier, "7075-T651 aluminium plate 25 mm thick")[0] is Listed.NO
    assert _verdict(classifier, "Ti-6Al-4V bar 30 mm diameter")[0] is Listed.NO


def test_missing_diameter_is_asked(classifier: Classifier) -> None:
    r = classifier.classify(GoodsQuery(description="7075-T6 aluminium tube"))
    assert r.verdict.listed is Listed.UNKNOWN and any("outside diameter" in q for q in r.verdict.questions)


def test_maraging_grades(classifier: Classifier) -> None:
    assert _verdict(classifier, "Maraging steel C300 round bar 200 mm diameter") == (Listed.YES, "1C216")
    assert _verdict(classifier, "18Ni(250) maraging steel sheet, 2 mm thick") == (Listed.YES, "1C116")
    # 18Ni(250) (~1 800 MPa) does not reach 1C216's 1 950 MPa and a bar is no 1C116 form
    assert _verdict(classifier, "18Ni(250) maraging steel bar 150 mm diameter")[0] is Listed.NO


def test_an_article_made_of_the_alloy_is_not_the_alloy() -> None:
    index = AlloyIndex.load()
    assert index.find("calendar 2024 edition") is None  # a year, not AA 2024
    assert index.find("2024-T3 aluminium sheet") is not None


@given(st.integers(min_value=1, max_value=2000), st.sampled_from(["OD", "outside diameter", "diameter"]))
def test_outside_diameter_in_mm(value: int, word: str) -> None:
    assert dimensions(f"bar, {word} {value} mm")["od"] == value


def test_dimension_units() -> None:
    dims = dimensions("tube OD 3 in, wall 0.25 in")
    assert dims["od"] == pytest.approx(76.2) and dims["wall"] == pytest.approx(6.35)
    assert dimensions("tube, inner diameter 300 mm, wall thickness 10 mm") == {"id": 300.0, "wall": 10.0}
