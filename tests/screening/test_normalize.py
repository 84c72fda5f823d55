from __future__ import annotations

import re
import string
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tripline.errors import ConfigError
from tripline.screening.normalize import Normaliser
from tripline.screening.vocabulary import load_vocabulary


@pytest.fixture(scope="module")
def normaliser() -> Normaliser:
    return Normaliser()


def test_legal_forms_in_many_languages_are_removed(normaliser: Normaliser) -> None:
    for name in ("Acme Co., Ltd.", "ACME SDN BHD", "Acme LLC", "Acme GmbH", "Acme有限公司", "OOO Acme"):
        assert normaliser.form(name).key == "acme", name
    assert normaliser.form("ООО «Ромашка»").key == "romashka"


def test_an_org_type_abbreviation_that_is_the_name_is_kept(normaliser: Normaliser) -> None:
    """rigour's table takes "STG" (a Dutch foundation); in "STG Group" it is the name itself
    (the OFAC alias of Stroytransgaz Group), since nothing distinctive would be left."""
    assert [t.text for t in normaliser.form("STG Group").tokens] == ["stg", "group"]
    assert [t.text for t in normaliser.form("Rosneft OAO").tokens] == ["rosneft"]
    assert [t.text for t in normaliser.form("Acme Trading Co., Ltd.").tokens] == ["acme", "trading"]
    assert [t.text for t in normaliser.form("SA Group").tokens] == ["group"]  # the vocabulary's own legal form


def test_only_legal_forms_leaves_nothing(normaliser: Normaliser) -> None:
    for name in ("LLC", "Co., Ltd.", "有限公司", "CORP", "the"):
        form = normaliser.form(name)
        assert form.only_legal and not form.tokens, name


def test_person_names_keep_words_that_look_like_legal_forms(normaliser: Normaliser) -> None:
    assert "ag" in normaliser.form("Ag Ghaly", person=True).key.split()


def test_scripts_are_transliterated(normaliser: Normaliser) -> None:
    assert normaliser.form("Сириус").key == "sirius"
    assert normaliser.form("李方伟").key == "li fang wei"
    assert not normaliser.form("Сириус").latin and normaliser.form("Sirius").latin


def test_romanisations_fold_together(normaliser: Normaliser) -> None:
    a = normaliser.form("Wysokototschnye").tokens[0]
    b = normaliser.form("Vysokotochnye").tokens[0]
    assert a.rom == b.rom


def test_misspelt_generic_word_stays_generic(normaliser: Normaliser) -> None:
    assert normaliser.form("Compane Sirius").tokens[0].generic


def test_bad_vocabulary_names_file_and_field(tmp_path: Path) -> None:
    bad = tmp_path / "v.yaml"
    bad.write_text(
        "generic_weight: 2\nnative_legal_forms: []\nlegal_forms: []\n"
        "generic_words: []\nabbreviations: {}\nromanisation: []\n"
    )
    with pytest.raises(ConfigError) as err:
        load_vocabulary(bad)
    assert err.value.field == "generic_weight" and err.value.file == str(bad)


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=60))
def test_tokens_are_lower_ascii_alnum(normaliser: Normaliser, text: str) -> None:
    form = normaliser.form(text)
    for tok in form.tokens:
        assert tok.text.isascii() and tok.text.isalnum() and tok.text == tok.text.lower()
        assert 0.0 < tok.weight <= 1.0


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet="abcdefghijklmnopqrstuvwxyz ,.-", max_size=40))
def test_case_and_punctuation_do_not_change_the_key(normaliser: Normaliser, text: str) -> None:
    n = normaliser
    assert n.form(text).key == n.form(text.title().replace(",", " , ")).key
    upper = n.form(text.upper().replace(",", " , ")).key
    if re.fullmatch(r"[b-df-hj-np-tv-z]{3,}", upper):
        # the one documented exception: a lone vowel-less legal-form word written in capitals is
        # the initials of a name ("PSC" for Proton Shipping Co) and kept, where "psc" is dropped
        assert n.form(text).key in ("", upper)
    else:
        assert n.form(text).key == upper


def test_a_lone_capitalised_legal_form_is_kept_as_initials(normaliser: Normaliser) -> None:
    assert normaliser.form("PSC").key == "psc"
    assert normaliser.form("psc").key == ""
    assert normaliser.form("Proton Shipping PSC").key == normaliser.form("proton shipping psc").key


# -- issue 12: joined legal forms, numbers, digits for letters ---------------------------------

_FORMS = {"any_case": frozenset({"gmbh", "ltd", "llc"}), "camel_case": frozenset({"ag", "co", "inc"})}


@given(st.text(alphabet=string.ascii_letters + " ", max_size=40))
def test_splitting_joined_legal_forms_only_adds_spaces(text: str) -> None:
    from tripline.screening.normalize import split_joined_forms

    out = split_joined_forms(text, _FORMS)
    assert out.replace(" ", "") == text.replace(" ", "")
    assert split_joined_forms(out, _FORMS) == out  # idempotent


def test_joined_legal_forms_split_where_written_onto_a_name() -> None:
    from tripline.screening.normalize import split_joined_forms

    assert split_joined_forms("KraftwerkGmbH", _FORMS) == "Kraftwerk GmbH"
    assert split_joined_forms("ACMELTD", _FORMS) == "ACME LTD"
    assert split_joined_forms("SiemensAG", _FORMS) == "Siemens AG"
    assert split_joined_forms("Zinc Magnag", _FORMS) == "Zinc Magnag"  # no upper case after lower: kept


@given(st.lists(st.text(alphabet=string.ascii_lowercase, min_size=1, max_size=8), max_size=6))
def test_reading_numbers_leaves_other_words_alone(words: list[str]) -> None:
    from tripline.screening.normalize import NUMBER_WORDS, ROMAN, read_numbers

    ordinals = {"first": 1, "second": 2}
    if any(w in NUMBER_WORDS or w in ordinals for w in words):
        return
    assert read_numbers(words, ordinals, person=True) == words  # "no" is a word without a number after it
    if not any(w in ROMAN for w in words[1:]):
        assert read_numbers(words, ordinals) == words


_UNITS = ["one", "two", "three", "four", "five", "six", "seven", "eight", "nine"]
_TEENS = ["ten", "eleven", "twelve", "thirteen", "fourteen", "fifteen", "sixteen", "seventeen", "eighteen", "nineteen"]
_TENS = ["twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety"]
_ROMAN = ["i", "ii", "iii", "iv", "v", "vi", "vii", "viii", "ix", "x"]


def _spelled(n: int, sep: str) -> str:
    """English words for 1..99, written here from the rules of English (not by text2num)."""
    if n < 10:
        return _UNITS[n - 1]
    if n < 20:
        return _TEENS[n - 10]
    tens, unit = divmod(n, 10)
    return _TENS[tens - 2] + (sep + _UNITS[unit - 1] if unit else "")


@settings(max_examples=150, deadline=None)
@given(st.integers(1, 99), st.sampled_from([" ", "-"]), st.sampled_from(["Plant", "Mining Enterprise", "Bureau"]))
def test_number_words_read_as_the_number(normaliser: Normaliser, n: int, sep: str, word: str) -> None:
    """ "Fifty-Five", "fifty five" and "55" are one name; so are "No. 39", "Number 39" and "#39"."""
    digits = normaliser.form(f"{word} {n}").key
    assert digits.split()[-1] == str(n)
    assert normaliser.form(f"{word} {_spelled(n, sep).title()}").key == digits
    for marked in (f"{word} No. {n}", f"{word} NUMBER {n}", f"{word} #{n}", f"{word} Nr {n}"):
        assert normaliser.form(marked).key == digits, marked


@settings(max_examples=60, deadline=None)
@given(st.integers(1, 10), st.sampled_from(["Argo", "Sea Star", "Tabriz Petrochemical"]))
def test_roman_numerals_after_an_organisations_name(normaliser: Normaliser, n: int, name: str) -> None:
    roman = _ROMAN[n - 1].upper()
    assert normaliser.form(f"{name} {roman}").key == normaliser.form(f"{name} {n}").key
    # written after a comma, the numeral is read the same ("II" is also an org type rigour removes)
    assert normaliser.form(f"{name},{roman}").key == normaliser.form(f"{name} {n}").key
    # a person's last initial stays a letter ("IVANOV, Vladimir I.")
    assert normaliser.form(f"{name} {roman}", person=True).key.split()[-1] == roman.lower()


def test_ordinals_and_number_words_across_the_lists_spellings(normaliser: Normaliser) -> None:
    """Pairs the lists print for one entry (OFAC 15038 "ARGO I" / "ARGO 1"; 40422 "MINING
    ENTERPRISE NO 1" / "NO. 1 MINING ENTERPRISE"; 12209 "OFFICE NO. 39" / "OFFICE #39")."""
    form = normaliser.form
    assert form("ARGO I").key == form("ARGO 1").key
    assert sorted(form("MINING ENTERPRISE NO 1").key.split()) == sorted(form("NO. 1 MINING ENTERPRISE").key.split())
    assert form("OFFICE NO. 39").key == form("OFFICE #39").key == form("Office 39").key
    assert form("‘One-P’", person=True).key == form("‘1-P’", person=True).key
    assert form("THIRD BUREAU").key == form("3RD BUREAU").key


def test_numbers_ordinals_and_digits_for_letters() -> None:
    from tripline.screening.normalize import read_numbers

    ordinals = {"seventh": 7, "second": 2}
    assert read_numbers(["fifty", "five", "holdings"], ordinals) == ["55", "holdings"]
    assert read_numbers(["seventh", "of", "tir"], ordinals) == ["7", "of", "tir"]
    assert read_numbers(["7th", "of", "tir"], ordinals) == ["7", "of", "tir"]
    assert read_numbers(["h0ng", "k1m"], ordinals) == ["hong", "kim"]
    assert read_numbers(["a320", "b52"], ordinals) == ["a320", "b52"]  # model numbers stay


def test_frequency_file_errors_name_the_line(tmp_path: Path) -> None:
    import gzip

    from tripline.screening.frequency import load_frequency

    bad = tmp_path / "f.tsv.gz"
    bad.write_bytes(gzip.compress(b"# header\nali\tg\t1\tIR\nhassan\tg\tthree\tLB\n"))
    with pytest.raises(ConfigError) as err:
        load_frequency(bad)
    assert err.value.line == 3 and err.value.field == "best_rank"
    bad.write_bytes(b"not gzip")
    with pytest.raises(ConfigError):
        load_frequency(bad)
