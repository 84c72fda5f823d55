"""tripline.translit: ASCII transliteration that never raises (reference: rigour's own, where ICU accepts the text)."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st
from icu import ICUError
from rigour.text.translit import ascii_text

from tripline.translit import ascii_text_safe

# the sequence a screener property found: ICU rejects it whole, each character alone maps
REJECTED = "\U00010000\u309d"


def test_icu_rejects_the_found_sequence_and_each_character_maps() -> None:
    with pytest.raises(ICUError):
        ascii_text(REJECTED)
    assert ascii_text_safe(REJECTED) == ascii_text("\U00010000") + ascii_text("\u309d")


@given(st.text(max_size=12))
def test_any_text_gives_ascii_and_equals_rigour_where_icu_accepts_it(text: str) -> None:
    out = ascii_text_safe(text)
    assert out.isascii()
    try:
        expected = ascii_text(text)
    except ICUError:
        return
    assert out == expected
