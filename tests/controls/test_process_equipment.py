"""2B350 process equipment by wetted materials and sizes (data/process_equipment.yaml).

Rules from the 2B350 text (CCL / EU Annex I 2021): reactors 0.1-20 m3 (a.1), storage tanks
> 0.1 m3 (c.1), heat exchangers 0.15-20 m2 (d, graphite and silicon carbide allowed), columns of
internal diameter > 0.1 m (e), valves > DN 10 (g.1), multi-walled piping with a leak detection port
(h), seal-less or multiple-seal pumps > 0.6 m3/h (i). Compositions from producers' data sheets
(Haynes C-276: Ni 57 %; 316 stainless: Ni 10-14 %, Cr 16-18 %)."""

from __future__ import annotations

import pytest

from tripline.controls.classify import Classifier
from tripline.controls.process import ProcessIndex
from tripline.controls.schema import GoodsQuery, Listed


def _v(classifier: Classifier, text: str) -> tuple[Listed, str | None, str]:
    v = classifier.classify(GoodsQuery(description=text)).verdict
    return v.listed, v.eu_code, v.eccn


@pytest.mark.parametrize(
    "text",
    [
        "Glass-lined reactor 4,000 litres with agitator",  # a.1 glass, 4 m3
        "Hastelloy C-276 reaction vessel, 2 m3",  # a.1 nickel > 40 %
        "Tantalum heat exchanger, 5 m2 heat transfer area",  # d, tantalum
        "Silicon carbide block heat exchanger 2 m2",  # d.10
        "Absorption column, internal diameter 400 mm, PTFE-lined",  # e, fluoropolymer lining
        "Sealless magnetic drive pump, PFA-lined, 12 m3/h",  # i
        "Double-walled PTFE-lined piping with leak detection port, DN80",  # h
    ],
)
def test_listed_process_equipment(classifier: Classifier, text: str) -> None:
    listed, eu, eccn = _v(classifier, text)
    assert (listed, eu, eccn) == (Listed.YES, "2B350", "2B350"), text


@pytest.mark.parametrize(
    ("text", "eccn"),
    [
        ("316L stainless steel reactor, 5 m3, jacketed", "2B999"),  # 2B999.g: 316 stainless vessels
        ("Carbon steel storage tank 50 m3 for water", "EAR99"),
        ("Glass-lined reactor, 30 m3", "EAR99"),  # above the 20 m3 of 2B350.a.1
        ("PTFE-lined pipe spools, single wall, DN100", "EAR99"),  # h: only multi-walled
        ("Graphite heat exchanger, 40 m2", "EAR99"),  # d: less than 20 m2
    ],
)
def test_ruled_out_process_equipment(classifier: Classifier, text: str, eccn: str) -> None:
    listed, _, got = _v(classifier, text)
    assert listed is Listed.NO and got == eccn, text


def test_missing_material_or_size_is_asked(classifier: Classifier) -> None:
    r = classifier.classify(GoodsQuery(description="Reactor vessel with agitator, 5 m3"))
    assert r.verdict.listed is Listed.UNKNOWN and any("made of" in q for q in r.verdict.questions)
    r = classifier.classify(GoodsQuery(description="Butterfly valves with PTFE disc"))
    assert r.verdict.listed is Listed.UNKNOWN


def test_equipment_of_other_entries_is_left_alone(classifier: Classifier) -> None:
    # "servo valve" is 9A106 vocabulary, a GNSS receiver no tank
    index = ProcessIndex.load()
    assert index.equipment("GNSS receiver") is None
    r = classifier.classify(GoodsQuery(description="servo valves for thrust vector control of rocket motors"))
    assert r.candidates[0].code != "2B350"
