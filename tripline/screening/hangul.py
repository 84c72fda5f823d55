"""Hangul read syllable by syllable: every spelling of a syllable, the combinations of its jamo's
spellings (Revised Romanization, McCune-Reischauer, older list spellings) and the customary
spellings of family names (see :mod:`scripts`)."""

from __future__ import annotations

from tripline.screening.script_chars import HANGUL_BASE
from tripline.screening.script_tables import ScriptTables


def hangul_spellings(tables: ScriptTables, ch: str) -> frozenset[str]:
    """Every spelling of one Hangul syllable (jamo combinations and customary spellings)."""
    code = ord(ch) - HANGUL_BASE
    t = tables
    initial, rest = divmod(code, 21 * 28)
    vowel, final = divmod(rest, 28)
    spellings = {
        a + b + c for a in t.hangul_initials[initial] for b in t.hangul_vowels[vowel] for c in t.hangul_finals[final]
    }
    if initial in (2, 5) and t.hangul_vowels[vowel][0][0] in "iy":
        # ㄴ and ㄹ before i / y are not written at the start of a word in the South ("Yongbyon")
        spellings |= {b + c for b in t.hangul_vowels[vowel] for c in t.hangul_finals[final]}
    ordered = [s for s in t.hangul_syllables.get(ch, ()) if s] + sorted(spellings)
    return frozenset(s for s in ordered if s)
