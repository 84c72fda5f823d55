"""Chemicals by CAS number and name: the index read from the control texts, the check digit,
mixture notes and the verdicts they give.

Reference facts are read by eye from the control texts in ``data/controls`` (EU Annex I 2021:
1C350 items 1-89 and notes 1-4, 1C450.a.7 and its notes; CCL 1C350.b/.c/.d, 1C355.b.1, 1C995.a.2)
and from the CAS Registry's published check-digit rule."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from tripline.controls.catalogue import Catalogue
from tripline.controls.chemicals import ChemicalIndex, cas_valid, concentration_near
from tripline.controls.classify import Classifier
from tripline.controls.model import Comparison, Source
from tripline.controls.schema import GoodsQuery, Listed


def test_cas_check_digit_known_numbers() -> None:
    # CAS Registry examples: water 7732-18-5, ethanol 64-17-5, phosphorus oxychloride 10025-87-3
    for cas in ("7732-18-5", "64-17-5", "10025-87-3", "1342789-47-2"):
        assert cas_valid(cas)
    for cas in ("7732-18-4", "10025-87-2", "64-17", "abc-de-f", "12345678-12-3"):
        assert not cas_valid(cas)


@given(st.integers(min_value=10, max_value=9_999_999), st.integers(min_value=0, max_value=99))
def test_cas_check_digit_exactly_one_digit_fits(body: int, middle: int) -> None:
    fits = [d for d in range(10) if cas_valid(f"{body}-{middle:02d}-{d}")]
    assert len(fits) == 1  # the check digit is a function of the other digits


def test_index_built_from_both_lists(catalogue: Catalogue) -> None:
    index = ChemicalIndex.build(catalogue)
    pocl3 = {(c.source, c.item) for c in index.by_cas["10025-87-3"]}
    assert (Source.EU, "1C350.2") in pocl3 and (Source.CCL, "1C350.c.4") in pocl3
    chloropicrin = {(c.source, c.item) for c in index.by_cas["76-06-2"]}
    assert (Source.EU, "1C450.a.7") in chloropicrin and (Source.CCL, "1C355.b.1.d") in chloropicrin
    # "SEE MILITARY GOODS CONTROLS for Methyl phosphonyl difluoride (CAS 676-99-3)": not a 1C350 item
    assert all(c.source is not Source.EU for c in index.by_cas.get("676-99-3", []))
    # the note to 1C450.b.1 excludes Fonofos (CAS 944-22-9)
    assert index.excluded("944-22-9", Source.EU) is not None
    assert all(cas_valid(cas) for cas in index.by_cas)  # the lists' own numbers pass the check


def test_mixture_rules_read_from_the_notes(catalogue: Catalogue) -> None:
    index = ChemicalIndex.build(catalogue)
    tdg_eu = next(c for c in index.by_cas["111-48-8"] if c.source is Source.EU)
    rules = {(r.cwc_party, r.value) for r in index.mixture_rules(tdg_eu)}
    assert rules == {(False, 10.0), (True, 30.0)}  # EU 1C350 Notes 1 and 2 name item .1
    tea_ccl = next(c for c in index.by_cas["102-71-6"] if c.source is Source.CCL)
    (rule,) = index.mixture_rules(tea_ccl)
    assert rule.comparison is Comparison.GE and rule.value == 30.0  # CCL 1C350.c: 30 percent or more


def test_concentration_nearest_the_name() -> None:
    text = "TEA 85 - triethanolamine 85% / diethanolamine 15%"
    start = text.index("triethanolamine")
    assert concentration_near(text, start, start + 15) == (85.0, "85%")


def test_issue_example_names_1c350_with_the_cas_match(classifier: Classifier) -> None:
    # issue 13, "What must show"
    r = classifier.classify(GoodsQuery(description="Phosphorus oxychloride 99%, CAS 10025-87-3, 200 kg drums"))
    assert r.verdict.listed is Listed.YES and r.verdict.eu_code == "1C350" and r.verdict.eccn == "1C350"
    assert any(e.startswith("CAS 10025-87-3") for e in r.candidates[0].evidence)


def test_names_and_abbreviations_without_a_cas(classifier: Classifier) -> None:
    r = classifier.classify(GoodsQuery(description="POCl3 technical grade, 250 kg drums"))
    assert r.verdict.listed is Listed.YES and r.verdict.eu_code == "1C350"
    r = classifier.classify(GoodsQuery(description="Hydrogen cyanide, stabilized, cylinders"))
    assert r.verdict.eu_code == "1C450" and r.verdict.eccn == "1C355"


def test_mixture_below_the_threshold(classifier: Classifier) -> None:
    # CCL 1C350.c: >= 30 %; EU 1C350 Note 3 names item .46 (triethanolamine): > 30 %
    r = classifier.classify(GoodsQuery(description="triethanolamine 20% aqueous solution"))
    assert r.verdict.listed is Listed.NO and r.verdict.eccn == "1C995"  # CCL 1C995.a.2.a
    r = classifier.classify(GoodsQuery(description="triethanolamine 40% aqueous solution"))
    assert r.verdict.listed is Listed.YES


def test_mixture_between_the_cwc_thresholds_asks_the_destination(classifier: Classifier) -> None:
    # thiodiglycol is EU item 1C350.1: Note 1 (10 % for non-Parties) and Note 2 (30 % for Parties)
    r = classifier.classify(GoodsQuery(description="thiodiglycol 20% solution in water, CAS 111-48-8"))
    assert r.verdict.listed is Listed.UNKNOWN
    assert any("Chemical Weapons Convention" in q for q in r.verdict.questions)


def test_mixture_without_a_concentration_is_asked(classifier: Classifier) -> None:
    r = classifier.classify(GoodsQuery(description="solution of sodium cyanide for gold leaching"))
    assert r.verdict.listed is Listed.UNKNOWN and any("share by weight" in q for q in r.verdict.questions)


def test_unlisted_or_invalid_cas(classifier: Classifier) -> None:
    r = classifier.classify(GoodsQuery(description="Acetone 99.5%, CAS 67-64-1, 160 kg drums"))
    assert r.verdict.listed is Listed.NO and r.verdict.eccn == "EAR99"
    assert any("CAS 67-64-1 is named in no entry" in reason for reason in r.verdict.reasons)
    r = classifier.classify(GoodsQuery(description="white powder, CAS 10025-87-4"))  # check digit off by one
    assert not any(c.code == "1C350" and c.score == 1.0 for c in r.candidates)


def test_retail_consumer_goods_note(classifier: Classifier) -> None:
    # EU 1C350 Note 4 / CCL 1C350: consumer goods packaged for retail sale
    r = classifier.classify(GoodsQuery(description="drain cleaner with sodium fluoride, packaged for retail sale"))
    assert r.verdict.listed is Listed.NO


def test_destination_decides_between_the_cwc_thresholds(classifier: Classifier) -> None:
    # EU 1C350 Notes 1/2: item .1 (thiodiglycol) in a mixture > 10 % for States not Party, > 30 % for
    # States Party; Egypt is not a Party (OPCW), France is
    text = "thiodiglycol 20% solution in water, CAS 111-48-8"
    party = classifier.classify(GoodsQuery(description=text, destination="FR"))
    non_party = classifier.classify(GoodsQuery(description=text, destination="EG"))
    eu_status = {c.code: c for c in party.candidates}["1C350"]
    assert non_party.verdict.listed is Listed.YES
    assert party.verdict.listed is Listed.NO and party.verdict.eccn == "1C995"  # CCL 1C350.b: 30 % or more
    assert any("not a CWC State Party" in e for e in non_party.candidates[0].evidence)
    assert any("a CWC State Party" in e for e in eu_status.evidence)


def test_name_spelling_variants() -> None:
    from tripline.controls.chemicals import normalise_name

    # the lists' own spellings against trade spellings
    assert normalise_name("Di-isopropylamine") == normalise_name("diisopropylamine")
    assert normalise_name("Di-n-propylamine") == normalise_name("Dipropylamine")
    assert normalise_name("Dimethylamine HCl") == normalise_name("Dimethylamine hydrochloride")
    assert normalise_name("Sulphur monochloride") == normalise_name("sulfur monochloride")


def test_hydrochloride_written_hcl(classifier: Classifier) -> None:
    # EU 1C350.20 "Dimethylamine hydrochloride (CAS 506-59-2)"
    r = classifier.classify(GoodsQuery(description="Dimethylamine HCl 99%, 25 kg bags"))
    assert r.verdict.listed is Listed.YES and r.verdict.eu_code == "1C350"


def test_a_listed_name_inside_another_compound(classifier: Classifier) -> None:
    # triethanolamine lauryl sulfate (a surfactant) is not triethanolamine (EU 1C350.46); the
    # listed salt "triethanolamine hydrochloride" (1C350.53) is its own entry
    r = classifier.classify(GoodsQuery(description="Triethanolamine lauryl sulfate 40% solution, shampoo base"))
    assert r.verdict.listed is not Listed.YES
    r = classifier.classify(GoodsQuery(description="Triethanolamine hydrochloride 99%"))
    assert r.verdict.listed is Listed.YES and "1C350.53" in r.candidates[0].items


def test_listed_agents_by_name(classifier: Classifier) -> None:
    # EU 1C351.c bacteria (Bacillus anthracis), 1C351 Note: vaccines are not controlled
    r = classifier.classify(GoodsQuery(description="Bacillus anthracis strain, freeze-dried culture"))
    assert r.verdict.listed is Listed.UNKNOWN and r.verdict.eu_code == "1C351"
    assert any("isolated live culture" in q for q in r.verdict.questions)
    r = classifier.classify(GoodsQuery(description="Bacillus anthracis vaccine, 10 doses"))
    assert r.verdict.listed is Listed.NO
