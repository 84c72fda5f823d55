"""One party, many list rows: ``also_listed_as`` on real rows of the bundled lists.

The rows (``tests/data/screening_linked_rows.jsonl``, written by
``tests/data/build_screening_linked.py``) are copied unedited from the lists. Which rows are
one party is read from the lists themselves, not from the linking rules: the UN list's
reference number and the UK list's "UN Ref" note, OFAC's entry number and the CSL rows
OFAC supplies, and the birth dates and positions the lists give.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tripline.lists.model import ListedEntity
from tripline.screening.result import DEFAULT_THRESHOLD, Match, ScreeningQuery
from tripline.screening.screener import Screener

ROWS = Path(__file__).resolve().parents[1] / "data" / "screening_linked_rows.jsonl"


def _rows() -> list[ListedEntity]:
    out = []
    with ROWS.open(encoding="utf-8") as fh:
        for line in fh:
            raw = json.loads(line)
            out.append(ListedEntity(snapshot_id=1, **raw))
    return out


@pytest.fixture(scope="module")
def screener() -> Screener:
    return Screener(_rows())


def _rows_of(match: Match) -> set[tuple[str, str]]:
    return {(match.list, match.list_entry_id)} | {(r.list, r.list_entry_id) for r in match.also_listed_as}


def _screen(screener: Screener, name: str) -> list[Match]:
    return list(screener.screen(ScreeningQuery.build(name), threshold=DEFAULT_THRESHOLD, limit=20).matches)


def test_komid_on_six_rows_is_one_match(screener: Screener) -> None:
    matches = _screen(screener, "Korea Mining Development Trading Corporation")
    assert len(matches) == 1
    assert _rows_of(matches[0]) == {
        ("un_sc", "690735"),
        ("us_ofac_sdn", "9345"),
        ("us_csl", "SDN-9345"),
        ("us_csl", "ISN-50723cae952f93ac4fa9a86dfadd78135fd95459"),
        ("gb_hmt", "10892"),
        ("eu_oj", "32017R1509/XIII.B/1"),
    }
    # a match's score is the best of its rows; each row keeps its own
    assert matches[0].score == max([r.score or 0.0 for r in matches[0].also_listed_as] + [matches[0].score])


def test_the_uk_row_is_linked_by_its_un_reference(screener: Screener) -> None:
    (match,) = _screen(screener, "KOMID")[:1]
    linked = {(r.list, r.list_entry_id): r.linked_by for r in match.also_listed_as}
    shown = (match.list, match.list_entry_id)
    for row in [("un_sc", "690735"), ("gb_hmt", "10892")]:
        assert row == shown or linked[row] == "UN reference KPe.001"
    assert linked[("us_csl", "SDN-9345")] == "OFAC entry 9345"


def test_two_people_named_kim_yong_chol_stay_two_matches(screener: Screener) -> None:
    matches = _screen(screener, "Kim Yong Chol")
    groups = [_rows_of(m) for m in matches]
    born_1962 = {("un_sc", "6908511"), ("us_ofac_sdn", "17614"), ("gb_hmt", "13334"), ("eu_oj", "32017R1509/XIII.A/24")}
    born_1946 = {("us_ofac_sdn", "12211"), ("gb_hmt", "12439"), ("eu_oj", "32017R1509/XV.A/7")}
    assert born_1962 in groups
    assert born_1946 in groups


def test_a_shared_passport_number_alone_does_not_link(screener: Screener) -> None:
    # the EU row of KIL Jong Hun carries RYU Jin's passport number 563410081
    ryu = _screen(screener, "Ryu Jin")
    assert {("un_sc", "6908514"), ("us_ofac_sdn", "17616"), ("gb_hmt", "13337"), ("eu_oj", "32017R1509/XIII.A/27")} in [
        _rows_of(m) for m in ryu
    ]
    kil = _screen(screener, "Kil Jong Hun")
    assert [_rows_of(m) for m in kil] == [{("us_ofac_sdn", "17619"), ("eu_oj", "32017R1509/XVI.A/29")}]


def test_a_un_reference_a_list_gives_twice_links_nothing(screener: Screener) -> None:
    knic = _screen(screener, "Korean National Insurance Corporation")
    assert [_rows_of(m) for m in knic] == [{("gb_hmt", "13355")}]
    kangbong = _screen(screener, "Kangbong Trading Corporation")
    assert [_rows_of(m) for m in kangbong] == [{("gb_hmt", "13484"), ("un_sc", "6908594"), ("us_ofac_sdn", "20580")}]


def test_same_name_different_countries_are_two_matches(screener: Screener) -> None:
    matches = _screen(screener, "Ministry of Interior")
    assert sorted(_rows_of(m) for m in matches) == sorted([{("gb_hmt", "12692")}, {("us_ofac_sdn", "30976")}])


def test_json_and_limit_count_parties(screener: Screener) -> None:
    result = screener.screen(ScreeningQuery.build("Mahan Air"), limit=1)
    (match,) = result.to_dict()["matches"]
    assert {(r["list"], r["list_entry_id"]) for r in match["also_listed_as"]} | {
        (match["list"], match["list_entry_id"])
    } == {("us_ofac_sdn", "12927"), ("us_csl", "SDN-12927"), ("eu_oj", "32023R1529/III.B/11")}
    assert all(
        set(r) >= {"entity_id", "caption", "list", "list_entry_id", "linked_by", "score"}
        for r in match["also_listed_as"]
    )


def test_a_national_number_and_a_name_spelt_differently_link() -> None:
    """Rows copied unedited from the bundled lists: OFAC SDN 48247 and the EU's 2020/1998 annex
    row give Israeli id number 311509004 and birth date 1993-11-28 for "BEN PAZI, Neriya" /
    "Neria BEN PAZI"; OFAC (via the CSL, SDN-34782) and the EU's Belarus annex give registration
    number 192363182 for "OOO SOKHRA" (a.k.a. "SOHRA LLC") / "Sohra Group / Sohra LLC" (a.k.a. "ООО Сохра"). The
    names are not word for word the same; as the matcher compares them they are one name."""
    rows = [
        ("us_ofac_sdn", "48247", "Person", {"name": ["BEN PAZI, Neriya"], "idNumber": ["311509004"]}),
        ("eu_oj", "32020R1998/I.A/106", "Person", {"name": ["Neria BEN PAZI"], "idNumber": ["311509004"]}),
        (
            "us_csl",
            "SDN-34782",
            "LegalEntity",
            {"name": ["OOO SOKHRA"], "alias": ["TAA SOKHRA", "SOHRA LLC"], "registrationNumber": ["192363182"]},
        ),
        (
            "eu_oj",
            "32006R0765/I.B/9",
            "LegalEntity",
            {"name": ["Sohra Group / Sohra LLC"], "alias": ["ООО Сохра"], "registrationNumber": ["192363182"]},
        ),
        # the same id number on a row of another name stays apart (a number alone links nothing)
        ("gb_hmt", "99999", "Person", {"name": ["Ryu Jin"], "idNumber": ["311509004"]}),
    ]
    screener = Screener(
        [
            ListedEntity(f"{src}-{entry}", src, entry, schema, props["name"][0], props, 1)
            for src, entry, schema, props in rows
        ]
    )
    (person,) = _screen(screener, "Neria Ben Pazi")
    assert _rows_of(person) == {("us_ofac_sdn", "48247"), ("eu_oj", "32020R1998/I.A/106")}
    assert all(r.linked_by.startswith("id number 311509004 and the name") for r in person.also_listed_as)
    (company,) = _screen(screener, "Sohra")
    assert _rows_of(company) == {("us_csl", "SDN-34782"), ("eu_oj", "32006R0765/I.B/9")}
