"""The screener on the labelled cases: retrieval recall, quality, explanations, adjustments."""

from __future__ import annotations

import pickle

import pytest

from tests.screening.cases import Case, case_target_id, unique_targets
from tripline.lists.model import ListedEntity
from tripline.screening.result import ScreeningQuery
from tripline.screening.screener import Screener


def test_case_file_has_the_promised_kinds(cases: list[Case]) -> None:
    assert sum(c.label for c in cases) >= 300
    assert sum(not c.label for c in cases) >= 100
    kinds = {c.kind for c in cases}
    assert {"typo", "reorder", "legal_form", "acronym", "icu_cyrillic", "icu_arabic", "list_script"} <= kinds


def test_retrieval_recall_is_one_on_dev(cases: list[Case], screener: Screener) -> None:
    targets = unique_targets(cases)
    missed = []
    for case in cases:
        if case.split != "dev" or not case.label:
            continue
        wanted = screener.by_id[case_target_id(case, targets)]
        if wanted not in {screener.names[n].entity_no for n in screener.candidates(case.query)}:
            missed.append(case.id)
    assert missed == []


def test_dev_quality(cases: list[Case], screener: Screener) -> None:
    targets = unique_targets(cases)
    tp = fp = fn = 0
    for case in cases:
        if case.split != "dev":
            continue
        match = screener.score_entity(case.query, case_target_id(case, targets))
        hit = match is not None and match.score >= 0.8
        tp += hit and case.label
        fp += hit and not case.label
        fn += (not hit) and case.label
    precision, recall = tp / (tp + fp), tp / (tp + fn)
    assert precision >= 0.95 and recall >= 0.85


def test_screen_returns_ranked_explained_matches(cases: list[Case], screener: Screener) -> None:
    targets = unique_targets(cases)
    case = next(c for c in cases if c.kind == "abbreviation" and "." in c.query.name)
    result = screener.screen(case.query, threshold=0.5)
    assert result.matches
    scores = [m.score for m in result.matches]
    assert scores == sorted(scores, reverse=True) and all(s >= 0.5 for s in scores)
    top = result.matches[0]
    assert top.entity_id == case_target_id(case, targets)
    assert any("abbreviation" in line for line in top.explanation), top.explanation
    payload = result.to_dict()
    assert set(payload) == {"query", "matches"}
    assert set(payload["matches"][0]) >= {"entity_id", "caption", "schema", "list", "list_entry_id", "score",
                                          "matched_name", "explanation"}  # fmt: skip


def _entity(entity_id: str, schema: str, **props: list[str]) -> ListedEntity:
    return ListedEntity(entity_id, "test", entity_id, schema, props["name"][0], dict(props), 1)


@pytest.fixture(scope="module")
def small() -> Screener:
    # names from the OFAC SDN list (Shahid Bakeri Industrial Group, IRISL vessel data, LI Fangwei)
    return Screener(
        [
            _entity("sbig", "Organization", name=["Shahid Bakeri Industrial Group"], alias=["SBIG"], country=["ir"]),
            _entity(
                "li", "Person", name=["LI, Fangwei"], weakAlias=["Karl Lee"], country=["cn"], birthDate=["1972-12-07"]
            ),
            _entity("ship", "Vessel", name=["SHAHID BAKERI"], imoNumber=["9283021"], flag=["ir"]),
            _entity("acme", "Company", name=["Iran Trading Co., Ltd."], country=["ir"]),
        ]
    )


def test_country_agreement_raises_and_conflict_lowers(small: Screener) -> None:
    base = small.score_entity(ScreeningQuery.build("Shahid Bakeri Industrial Grp"), "sbig")
    agree = small.score_entity(ScreeningQuery.build("Shahid Bakeri Industrial Grp", country="IR"), "sbig")
    conflict = small.score_entity(ScreeningQuery.build("Shahid Bakeri Industrial Grp", country="FR"), "sbig")
    assert base and agree and conflict
    assert conflict.score < base.score < agree.score
    assert any("conflicts" in line for line in conflict.explanation)


def test_birth_date_conflict_lowers(small: Screener) -> None:
    same = small.score_entity(ScreeningQuery.build("Li Fangwei", birth_date="1972"), "li")
    other = small.score_entity(ScreeningQuery.build("Li Fangwei", birth_date="1980-01-01"), "li")
    assert same and other and other.score < same.score


def test_weak_alias_counts_less(small: Screener) -> None:
    match = small.score_entity(ScreeningQuery.build("Karl Lee"), "li")
    assert match is not None and match.score < 1.0
    assert any("weak alias" in line for line in match.explanation)


def test_identifier_matches_exactly(small: Screener) -> None:
    result = small.screen(ScreeningQuery.build("IMO 9283021"))
    assert [m.entity_id for m in result.matches] == ["ship"]
    assert any("imoNumber" in line for line in result.matches[0].explanation)
    assert small.screen(ScreeningQuery.build("IMO 9283022")).matches == ()


def test_schema_filters_incompatible_entities(small: Screener) -> None:
    ids = {m.entity_id for m in small.screen(ScreeningQuery.build("Shahid Bakeri", schema="Vessel")).matches}
    assert ids == {"ship"}


@pytest.mark.parametrize("name", ["CORP", "LLC", "Trading Co", "Co., Ltd.", "Iran Trading", "Li"])
def test_common_words_never_match(small: Screener, name: str) -> None:
    assert small.screen(ScreeningQuery.build(name)).matches == ()


def test_screener_pickles_for_spark(small: Screener) -> None:
    clone = pickle.loads(pickle.dumps(small))
    query = ScreeningQuery.build("SBIG", country="ir")
    assert clone.screen(query).to_dict() == small.screen(query).to_dict()


def test_query_whose_distinctive_word_finds_nothing_falls_back_to_generic_words() -> None:
    screener = Screener(
        [
            ListedEntity("e1", "t", "1", "Organization", "Stroytransgaz Group", {"name": ["Stroytransgaz Group"]}, 1),
            ListedEntity("e2", "t", "2", "Organization", "Kalashnikov Concern", {"name": ["Kalashnikov Concern"]}, 1),
        ]
    )
    query = ScreeningQuery.build("STG Group")
    assert [screener.names[n].text for n in screener.candidates(query)] == ["Stroytransgaz Group"]
    assert screener.screen(query, threshold=0.8).matches == ()
    low = screener.screen(query, threshold=0.1).matches
    assert [m.entity_id for m in low] == ["e1"] and low[0].score <= 0.5
    assert "'group' exact; not in list name: stg" in low[0].explanation[0]
    # a query whose distinctive word is found does not fall back
    assert screener.candidates(ScreeningQuery.build("Kalashnikov Group")) == [1]


def test_a_bracketed_other_name_of_a_listed_organisation_is_a_name_of_its_own() -> None:
    """Names as the lists print them: US DoD 1260H "Beijing Megvii Technology Co., Ltd. (Megvii)",
    EU 32012R0267 "Aran Modern Devices (AMD)", BIS Entity List "Scientific-Research Institute of
    Electronics (NIIET)" (a Russian acronym, not one of the English words), UN 6908030 "TOUS
    POUR LA PAIX ET LE DEVELOPPEMENT (NGO)" (a kind of body, not a name)."""
    rows = {
        "megvii": "Beijing Megvii Technology Co., Ltd. (Megvii)",
        "amd": "Aran Modern Devices (AMD)",
        "niiet": "Scientific-Research Institute of Electronics (NIIET)",
        "tpd": "TOUS POUR LA PAIX ET LE DEVELOPPEMENT (NGO)",
        "huawei": "Huawei Technologies (Australia)",
    }
    screener = Screener([_entity(eid, "LegalEntity", name=[name]) for eid, name in rows.items()])

    def best(name: str) -> tuple[str, float, str] | None:
        matches = screener.screen(ScreeningQuery.build(name)).matches
        return (matches[0].entity_id, matches[0].score, matches[0].matched_name) if matches else None

    assert best("Megvii") == ("megvii", 1.0, "Megvii")
    assert best("Beijing Megvii Technology Co., Ltd.") == ("megvii", 1.0, "Beijing Megvii Technology Co., Ltd.")
    niiet = best("NIIET")
    assert niiet is not None and niiet[0] == "niiet" and 0.8 <= niiet[1] < 1.0  # a weak alias counts less
    assert best("Scientific-Research Institute of Electronics") == (
        "niiet",
        1.0,
        "Scientific-Research Institute of Electronics",
    )
    amd = best("AMD")
    assert amd is not None and amd[0] == "amd" and amd[2] == "AMD"
    assert best("NGO") is None  # a kind of body in brackets is no name
    assert best("Australia") is None  # nor is a country
