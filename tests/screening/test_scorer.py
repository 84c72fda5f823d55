"""Name scoring: the behaviours the issue names, on real list names."""

from __future__ import annotations

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from tripline.screening.normalize import Normaliser
from tripline.screening.result import DEFAULT_THRESHOLD
from tripline.screening.rules import GENERIC_CAP
from tripline.screening.scorer import NameScorer, typo_budget

THRESHOLD = DEFAULT_THRESHOLD  # the screener's (rules.THRESHOLD): the caps are set against it


@pytest.fixture(scope="module")
def scorer() -> NameScorer:
    return NameScorer(Normaliser())


@pytest.mark.parametrize(
    ("query", "listed", "person"),
    [
        ("Wei Li Fang", "Li Fang Wei", True),  # token order
        ("李方伟", "LI, Fangwei", True),  # Han characters -> pinyin, joined syllables (OFAC: LI Fangwei)
        ("SHAHID BAKERI INDUSTRIAL GROUP", "Shahid Bakeri Industrial Group", False),  # case
        ("Shahid-Bakeri Industrial Group.", "SHAHID BAKERI INDUSTRIAL GROUP", False),  # punctuation
        ("Концерн Сириус", "Kontsern Sirius", False),  # Cyrillic -> Latin
        ("Wysokototschnye Kompleksi", "Vysokotochnye Kompleksy", False),  # German vs English romanisation (EU list)
        ("شهید باقری", "Shahid Bakeri", False),  # Persian script
        ("Shenzhen Foo Ind. Co., Ltd.", "Shenzhen Foo Industries Limited", False),  # abbreviation + legal forms
        ("Kalashnikov Concern OOO", "JSC Concern Kalashnikov", False),  # legal forms differ
        ("SBIG", "Shahid Bakeri Industrial Group", False),  # acronym
        ("Aviation Industry Corporaton of China", "Aviation Industry Corporation of China", False),  # typo
    ],
)
def test_variants_match(scorer: NameScorer, query: str, listed: str, person: bool) -> None:
    result = scorer.compare_names(query, listed, person=person)
    assert result.score >= THRESHOLD, result.describe()
    assert result.matches  # every match says which tokens matched


@pytest.mark.parametrize(
    ("query", "listed"),
    [
        ("CORP", "ACME Corp"),
        ("LLC", "Sirius LLC"),
        ("Trading Co", "Iran Trading Company"),
        ("Trading Co., Ltd.", "Kish Trading Co., Ltd."),
        ("International Group", "Iran International Group"),
        ("有限公司", "深圳有限公司"),
        ("Sirius XM", "JSC Sirius"),  # one distinctive word of two
        ("Li", "Li Fangwei"),  # short name inside a longer one
        ("Ali", "Ala"),  # short names: no typo allowance
        # Turkish "dis ticaret" (foreign trade) and "Ltd. Sti." are generic: a near-miss on the one
        # distinctive word plus an unmatched one is not a match (EU list: Meryn Dis Ticaret)
        ("Mersin Toros Dis Ticaret Ltd. Sti.", "Meryn Dis Ticaret Limited Sirketi"),
    ],
)
def test_common_words_and_short_names_do_not_match(scorer: NameScorer, query: str, listed: str) -> None:
    assert scorer.compare_names(query, listed).score < THRESHOLD


def test_generic_only_is_capped_and_explained(scorer: NameScorer) -> None:
    result = scorer.compare_names("International Trading", "International Trading Group")
    assert result.score <= GENERIC_CAP
    assert any("generic" in note for note in result.notes)


def test_legal_form_alone_is_nothing(scorer: NameScorer) -> None:
    result = scorer.compare_names("Co., Ltd.", "Co., Ltd.")
    assert result.score == 0.0
    assert "legal forms" in result.describe()


def test_typo_budget_grows_with_length() -> None:
    assert [typo_budget(n) for n in (2, 3, 4, 7, 8, 11, 12, 20)] == [0, 0, 1, 1, 2, 2, 3, 3]


def test_more_typos_lower_the_score(scorer: NameScorer) -> None:
    clean = scorer.compare_names("Mahan Air", "Mahan Air").score
    one = scorer.compare_names("Mahan Air", "Mahann Air").score
    assert clean == 1.0 and one < clean


names = st.text(alphabet=st.characters(codec="utf-8", categories=("L", "N", "P", "Zs")), min_size=0, max_size=40)


@settings(max_examples=200, deadline=None)
@given(a=names, b=names)
@example(a="0\u4b38", b="0")  # a Han character pypinyin has no reading for (it raised ValueError)
def test_scores_are_bounded(scorer: NameScorer, a: str, b: str) -> None:
    ab = scorer.compare_names(a, b).score
    assert 0.0 <= ab <= 1.0


@settings(max_examples=200, deadline=None)
@given(a=names)
@example(a="\U00010000\u309d")  # ICU rejects it whole; was an ICUError (tripline.translit)
def test_a_name_matches_itself_unless_it_has_nothing_distinctive(scorer: NameScorer, a: str) -> None:
    form = scorer.normaliser.form(a)
    result = scorer.compare_forms(form, form)
    if any(not t.generic for t in form.tokens):
        assert result.score == 1.0
    else:
        assert result.score <= GENERIC_CAP


@settings(max_examples=100, deadline=None)
@given(
    words=st.lists(st.sampled_from(["Bakeri", "Shahid", "Mahan", "Sirius", "Almaz", "Antey"]), min_size=2, max_size=4)
)
def test_token_order_does_not_matter(scorer: NameScorer, words: list[str]) -> None:
    assert scorer.compare_names(" ".join(words), " ".join(reversed(words))).score == 1.0


@settings(max_examples=150, deadline=None)
@given(
    st.sampled_from("abcdefghijklmnopqrstuvwxyz"),
    st.text(alphabet="abcdefghijklmnopqrstuvwxyz", min_size=3, max_size=9),
)
def test_an_initial_is_never_joined_to_its_neighbour(scorer: NameScorer, initial: str, word: str) -> None:
    """ "J. Yang" is not "Jiang" (names-dataset's common "Jun Yang" as a targeter types it,
    against "Da-Jiang Innovations" of the US lists): an initial stands for a word of its own."""
    for query, listed in ((f"{initial.upper()}. {word}", initial + word), (initial + word, f"{initial}. {word}")):
        result = scorer.compare_names(query, listed, person=True)
        assert not any(m.how.startswith("joined") for m in result.matches), result.describe()
    # two words of two letters or more still join
    joined = scorer.compare_names("Abdul Aziz", "Abdulaziz", person=True)
    assert [m.how for m in joined.matches] == ["joined, exact"]
