"""How a Latin word may come back from Katakana, and a Chinese transcription's nasal before a labial.

Katakana write an English loan word as it sounds in British English, not as it is spelled
("Helicopters" / "ヘリコプター" herikoputaa, "Radar" / "レーダー" reedaa, "Eastech" /
"イーステック" iisutekku): an r after a vowel and before a consonant or at the end is not
written (the vowel is lengthened instead), a plural s is usually left off, and "ch" that English
says as k is written with k. :func:`katakana_forms` gives a Latin word's forms as Katakana would
write it; :mod:`scripts` compares a Kana word with each (consonant code, and the Latin vowels in
order among the Kana ones), so a name in Katakana meets the listed English or Russian spelling
either way (a Russian r is written: "セーヴェル" / "Sever", the word as it is still counts).

A Chinese transcription writes m before b, p or m as n or ng ("蓬佩奥" peng-pei-ao / "Pompeo"):
:func:`nasal_variant` gives the pinyin with that nasal read as m.
"""

from __future__ import annotations

import re
from functools import lru_cache

_POST_VOCALIC_R = re.compile(r"(?<=[aeiouy])r+(?![aeiouy])")
_NASAL_BEFORE_LABIAL = re.compile(r"ng?(?=[bpm])")


@lru_cache(maxsize=100_000)
def katakana_forms(word: str) -> tuple[str, ...]:
    """`word` (lower-case Latin) and the forms Katakana may write it in: without an r that ends
    a syllable, without a final plural s, with "ch" as k; each alone and together, the word
    itself first, no repeats."""
    forms = [word]
    if len(word) > 3 and word.endswith("s") and not word.endswith("ss"):
        forms.append(word[:-1])
    for rewrite in (lambda w: _POST_VOCALIC_R.sub("", w), lambda w: w.replace("ch", "k")):
        forms += [rewrite(f) for f in forms]
    return tuple(dict.fromkeys(f for f in forms if f))


def nasal_variant(pinyin: str) -> str | None:
    """The joined pinyin of a transcription with n / ng before b, p, m read as m, or None when
    it has none ("pengpeiao" -> "pempeiao")."""
    changed = _NASAL_BEFORE_LABIAL.sub("m", pinyin)
    return changed if changed != pinyin else None
