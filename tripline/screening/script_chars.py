"""Which script a name is written in: the Unicode ranges of Hangul, Han, Kana, Arabic and Hebrew
(see :mod:`scripts`)."""

from __future__ import annotations

import re

HANGUL_BASE, HANGUL_LAST = 0xAC00, 0xD7A3
HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
KANA = re.compile(r"[\u3040-\u30ff\u31f0-\u31ff\uff66-\uff9f]")
HANGUL = re.compile(r"[\uac00-\ud7a3]")
ARABIC = re.compile(r"[\u0600-\u06ff\u0750-\u077f\ufb50-\ufdff\ufe70-\ufeff]")
HEBREW = re.compile(r"[\u05d0-\u05ea]")
ABJAD_WORD = re.compile(r"[\u0600-\u06ff\u0750-\u077f\u05d0-\u05ea]+")
KATAKANA_CHARS = "\u30a0-\u30ff\u31f0-\u31ff"
KATAKANA = re.compile(f"[{KATAKANA_CHARS}]")
KANA_RUNS = re.compile(f"[{KATAKANA_CHARS}]+|[^{KATAKANA_CHARS}]+")  # a Katakana word, or kanji and Hiragana
_JAPANESE_FORMS = ("株式会社", "有限会社", "合同会社", "合資会社", "合名会社")


def script_of(text: str) -> str:
    """ "hangul", "kana", "han" or "" for a name with none of them (Kana wins over Han: a name
    with Kana is Japanese, whatever kanji it has)."""
    if HANGUL.search(text):
        return "hangul"
    if KANA.search(text):
        return "kana"
    if HAN.search(text):
        return "kana" if any(form in text for form in _JAPANESE_FORMS) else "han"
    if ARABIC.search(text):
        return "arabic"
    if HEBREW.search(text):
        return "hebrew"
    return ""
