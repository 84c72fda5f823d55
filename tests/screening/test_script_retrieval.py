"""Names in other scripts found by retrieval, Hebrew possessives, Russian genitives in Kana,
bare acronyms retrieved (issue 12, branch scrread).

The pairs are the lists' own, both names printed for one party (bundled in `data/watchlists`,
see its SOURCES.md): EU CELEX 32020R1998 rows I.B/29 "Moshe’s Farm" / "החווה של משה" and I.B/30
"Zvi’s Farm" / "החווה של צבי"; METI's Russia list (jp_meti_russia) entries 372 "Joint Stock
Company ... Fakel Named After Akademika P.D. Grushina" / "P.D.グルシン名称..." and 409 "KAMAZ
PJSC" / "公共株式会社カマズ"; cn_sanctions "Hudson Technologies Co." / "哈德森技术公司"; OFAC SDN
entry 552 "COMERCIAL DE RODAJES Y MAQUINARIA, S.A." a.k.a. "CRYMSA". The generated cases
(hypothesis) test properties of the rules (the retrieval keys never promise what the scorer
refuses; the genitive form only for the endings it names), not their evidence.
"""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tripline.lists.model import ListedEntity
from tripline.screening.index import listed_acronyms, listed_sound_keys
from tripline.screening.loanwords import katakana_forms
from tripline.screening.normalize import Normaliser
from tripline.screening.result import DEFAULT_THRESHOLD, ScreeningQuery
from tripline.screening.rules import acronym_fit
from tripline.screening.scorer import NameScorer
from tripline.screening.screener import Screener
from tripline.screening.scripts import ScriptReader


@pytest.fixture(scope="module")
def scorer() -> NameScorer:
    return NameScorer()


@pytest.fixture(scope="module")
def reader() -> ScriptReader:
    return ScriptReader(Normaliser())


# -- Hebrew: "X של Y" (the X of Y) is the Latin "Y's X" ------------------------------------------


@pytest.mark.parametrize(
    ("query", "listed", "same"),
    [
        ("החווה של משה", "Moshe’s Farm", True),
        ("החווה של צבי", "Zvi’s Farm", True),
        ("החווה של משה", "Zvi’s Farm", False),  # the farm of another man
        ("החווה של צבי", "Moshe’s Farm", False),
    ],
)
def test_hebrew_possessive_names(scorer: NameScorer, query: str, listed: str, same: bool) -> None:
    assert (scorer.compare_names(query, listed).score >= DEFAULT_THRESHOLD) is same


def test_a_hebrew_organisation_word_weighs_as_the_vocabulary_says(reader: ScriptReader) -> None:
    """ "חווה" is "farm", a word that names the party as in Latin (not generic): matched, it counts fully."""
    reading = reader.reading("החווה של צבי")
    assert reading is not None
    farm = [w for w in reading.words if w.text == "farm"]
    assert farm and not farm[0].generic and farm[0].translated


# -- Russian genitive written in its nominative in Kana ------------------------------------------


def test_a_kana_nominative_meets_the_listed_genitive(reader: ScriptReader) -> None:
    reading = reader.reading("グルシン")
    assert reading is not None
    found = reader.compare(reading, reader.normaliser.form("Grushina"))
    assert found is not None and found.score >= DEFAULT_THRESHOLD


def test_the_fakel_bureau_reads_grushina(scorer: NameScorer) -> None:
    found = scorer.compare_names(
        "P.D.グルシン名称機械建設工事局ファケル",
        "Joint Stock Company Machine-Building Engineering Office Fakel Named After Akademika P.D. Grushina",
    )
    assert "grushina" not in found.unmatched_candidate and "gurushin" not in found.unmatched_query


_genitive = re.compile(r"[a-z]{3}(in|yn|ov|ev)a$")


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet="abdegiklmnorstuvyz", min_size=1, max_size=12).map(lambda w: w + "a"))
def test_only_a_genitive_ending_loses_its_a(word: str) -> None:
    assert (word[:-1] in katakana_forms(word)) is bool(_genitive.search(word))


# -- retrieval keys: what the scorer accepts, retrieval must reach --------------------------------


@settings(max_examples=300, deadline=None)
@given(
    st.lists(
        st.sampled_from(["de", "y", "sa", "and", "of", "co", "ltd", "gmbh", "the"])
        | st.text(alphabet="abcdefghijklmnopqrstuvwxyz", min_size=2, max_size=9),
        min_size=1,
        max_size=8,
    )
)
def test_every_acronym_key_is_an_acronym_the_scorer_accepts(words: list[str]) -> None:
    normaliser = Normaliser()
    skippable = normaliser.acronym_skippable
    for acronym in listed_acronyms(tuple(words), skippable):
        if len(acronym) >= 3:
            assert acronym_fit(acronym, tuple(words), skippable) >= 0


def test_the_listed_word_is_keyed_by_its_katakana_forms() -> None:
    assert listed_sound_keys("helicopters") >= listed_sound_keys("helicopte")
    assert listed_sound_keys("grushina") >= listed_sound_keys("grushin")


def _entity(entity_id: str, names: list[str], schema: str = "Company") -> ListedEntity:
    return ListedEntity(
        entity_id=entity_id,
        source_id="test",
        entry_id=entity_id,
        schema=schema,
        caption=names[0],
        properties={"name": names[:1], "alias": names[1:]},
        snapshot_id=1,
    )


@pytest.fixture(scope="module")
def crowded() -> Screener:
    """The listed parties in Latin letters only (their other-script names dropped, as a list that
    prints Latin alone), among listed names in Han and Kana that share syllables with the queries."""
    crowd = [
        _entity(f"jp-{i}", [name])
        for i, name in enumerate(
            [
                "公共株式会社コンツェルン・アフトマティカ",
                "株式会社第123航空修理工場",
                "公開株式会社第325航空修理工場",
                "公共株式会社イリューシン",
                "深圳一电航空技术有限公司",
                "哈尔滨工业大学",
                "中国电子科技集团公司",
                "北京航空航天大学",
                "西北工业大学",
                "华为技术有限公司",
                "中国航天科工集团有限公司",
                "德森电子技术公司",
                "哈德电子公司",
            ]
        )
    ]
    listed = [
        _entity("jp_meti_russia-409", ["KAMAZ Publicly Traded Company", "KAMAZ PJSC", "KAMAZ PAO"]),
        _entity("cn_sanctions-hudson", ["Hudson Technologies Co."]),
        _entity("us_ofac_sdn-552", ["COMERCIAL DE RODAJES Y MAQUINARIA, S.A."]),
    ]
    return Screener(crowd + listed, candidate_limit=5)


@pytest.mark.parametrize(
    ("query", "entity_id"),
    [
        ("公共株式会社カマズ", "jp_meti_russia-409"),
        ("哈德森技术公司", "cn_sanctions-hudson"),
        ("CRYMSA", "us_ofac_sdn-552"),
    ],
)
def test_a_name_is_retrieved_by_what_the_scorer_reads(crowded: Screener, query: str, entity_id: str) -> None:
    result = crowded.screen(ScreeningQuery(name=query))
    assert entity_id in [m.entity_id for m in result.matches]
