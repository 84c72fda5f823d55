"""ASCII transliteration that never raises.

``rigour``/``normality`` transliterate with ICU, which rejects a few sequences outright
(``icu.ICUError``, "Unmappable input sequence": e.g. a supplementary-plane character followed by
the hiragana iteration mark, '𐀀ゝ', found by a Hypothesis property of the screener). A name, a
list entry or a request must never fail on its spelling: such a text is transliterated character by
character instead (each character alone maps; one that still does not is dropped), so an iteration
mark loses only the character it would have repeated.
"""

from __future__ import annotations

from icu import ICUError
from rigour.text.translit import ascii_text


def ascii_text_safe(text: str) -> str:
    """:func:`rigour.text.translit.ascii_text`, character by character where ICU rejects the whole."""
    try:
        return ascii_text(text)
    except ICUError:
        return "".join(_one(ch) for ch in text)


def _one(ch: str) -> str:
    try:
        return ascii_text(ch)
    except ICUError:
        return ""
