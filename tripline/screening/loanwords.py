"""How a Latin word may come back from Katakana, and a Chinese transcription's nasal before a labial.

Katakana write an English loan word as it sounds in British English, not as it is spelled
("Helicopters" / "ヘリコプター" herikoputaa, "Radar" / "レーダー" reedaa, "Eastech" /
"イーステック" iisutekku): an r after a vowel and before a consonant or at the end is not
written (the vowel is lengthened instead), a plural s is usually left off, and "ch" that English
says as k is written with k. :func:`katakana_forms` gives a Latin word's forms as Katakana would
write it; :mod:`scripts` compares a Kana word with each (consonant code, and the Latin vowels in
order among the Kana ones), so a name in Katakana meets the listed English or Russian spelling
either way (a Russian r is written: "セーヴェル" / "Sever", the word as it is still counts).

pykakasi reads the Katakana combinations made for foreign sounds letter by letter ("ティ" as
"tei", "ウェ" as "ue", "トゥ" as "tou"): :func:`foreign_kana` writes them in Hepburn's extended
spellings first ("ti", "we", "tu"), so that "ソフトウェア" reads "sofutowea" and meets "Software".
English "-tion" / "-sion" are written "ション" / "ジョン" (shon, jon): a Latin word's form with
them spelled so is among :func:`katakana_forms`.

A Chinese transcription writes m before b, p or m as n or ng ("蓬佩奥" peng-pei-ao / "Pompeo"):
:func:`nasal_variant` gives the pinyin with that nasal read as m.
"""

from __future__ import annotations

import re
from functools import lru_cache

# Katakana combinations for foreign sounds, as Hepburn (extended) spells them; the ones pykakasi
# already reads so (ヴィ, ファ, フィ, ディ, チェ...) are not repeated
FOREIGN_KANA = {
    "ティ": "ti", "テュ": "tyu", "トゥ": "tu", "ドゥ": "du", "デュ": "dyu", "フュ": "fyu",
    "ウィ": "wi", "ウェ": "we", "ウォ": "wo", "ツァ": "tsa", "ツィ": "tsi", "ツェ": "tse", "ツォ": "tso",
    "クァ": "kwa", "クィ": "kwi", "クェ": "kwe", "クォ": "kwo", "グァ": "gwa", "イェ": "ye",
    "シェ": "she", "ジェ": "je",
}  # fmt: skip
_FOREIGN_KANA = re.compile("|".join(FOREIGN_KANA))
_TION = re.compile(r"[st]ion(?=s?$)")
# a Russian family name in the genitive ("named after Academician P.D. Grushina", "Kalashnikova"):
# a transcription writes the name as it is ("グルシン" gurushin), without the ending
_RUSSIAN_GENITIVE = re.compile(r"(?<=[a-z]{3}[iy]n|[a-z]{3}[oe]v)a$")
_POST_VOCALIC_R = re.compile(r"(?<=[aeiouy])r+(?![aeiouy])")
_NASAL_BEFORE_LABIAL = re.compile(r"ng?(?=[bpm])")
# "ch" read as k (Greek and Italian loans: technology, Michelangelo), but not in German "sch" or
# English "tch", which Katakana writes with sh / ch (シュミット Schmidt, ミッチェル Mitchell).
_CH_AS_K = re.compile(r"(?<![st])ch")


@lru_cache(maxsize=100_000)
def katakana_forms(word: str) -> tuple[str, ...]:
    """`word` (lower-case Latin) and the forms Katakana may write it in: "-tion" as "-shon",
    without a final plural s, a Russian family name without its genitive a ("grushina" /
    "grushin"), without an r that ends a syllable, with "ch" as k (not in "sch", "tch"); each alone and together, the
    word itself first, no repeats."""
    forms = [word]
    if _TION.search(word):
        forms.append(_TION.sub("shon", word))
    if len(word) > 3 and word.endswith("s") and not word.endswith("ss"):
        forms.append(word[:-1])
    if _RUSSIAN_GENITIVE.search(word):
        forms.append(word[:-1])
    for pattern, replacement in ((_POST_VOCALIC_R, ""), (_CH_AS_K, "k")):
        forms += [pattern.sub(replacement, f) for f in forms]
    return tuple(dict.fromkeys(f for f in forms if f))


def nasal_variant(pinyin: str) -> str | None:
    """The joined pinyin of a transcription with n / ng before b, p, m read as m, or None when
    it has none ("pengpeiao" -> "pempeiao")."""
    changed = _NASAL_BEFORE_LABIAL.sub("m", pinyin)
    return changed if changed != pinyin else None


def foreign_kana(text: str) -> str:
    """`text` with the Katakana combinations of :data:`FOREIGN_KANA` written in Latin letters
    (the rest left for pykakasi, which passes Latin letters through)."""
    return _FOREIGN_KANA.sub(lambda m: FOREIGN_KANA[m.group(0)], text)
