"""Consonant-class sound codes: how a Latin word and a romanised reading (pinyin, Hepburn) are
compared by sound ("stein" and "si tan en" both "SDN"; see :mod:`scripts`)."""

from __future__ import annotations

from functools import lru_cache

from rapidfuzz.distance import Levenshtein

SOUND_EXACT = 0.9  # two words whose consonant codes are equal (3 classes or more)
SOUND_NEAR = 0.82  # codes one class apart (4 classes or more)
SOUND_MIN_CODE = 3
SOUND_SHORT = 0.75  # two words of two consonant classes each, the same: never a match alone
SOUND_NEAR_MIN_CODE = 4

# consonant classes of the sound code: labials, dentals, velars, sibilants, liquids, nasals
_CLASS = {
    "b": "B", "p": "B", "f": "B", "v": "B", "w": "B",
    "d": "D", "t": "D",
    "g": "G", "k": "G", "q": "G",
    "s": "S", "z": "S", "j": "S", "x": "S",
    "l": "L", "r": "L",
    "m": "M", "n": "N",
}  # fmt: skip
_LATIN_DIGRAPHS = (
    ("tsch", "S"), ("sch", "S"), ("tch", "S"), ("ph", "B"), ("th", "D"), ("sh", "S"), ("ch", "S"), ("zh", "S"),
    ("kh", "G"), ("gh", "G"), ("ck", "G"), ("ts", "S"), ("tz", "S"), ("dzh", "S"), ("dz", "S"), ("ng", "N"),
    ("x", "GS"), ("qu", "G"), ("dh", "D"), ("dj", "S"),
)  # fmt: skip
_READING_DIGRAPHS = (("tsu", "S"), ("ts", "S"), ("sh", "S"), ("ch", "S"), ("zh", "S"), ("ng", "N"))


@lru_cache(maxsize=200_000)
def latin_code(word: str, *, keep_h: bool = False) -> str:
    """The consonant-class code of a Latin word ("Stein" -> "SDN", "Cyclone" -> "SGLN"): vowels,
    h and y dropped, a word-first j read as y (Jankowski), c before e/i/y as s, runs of one
    class collapsed."""
    text = "".join(ch for ch in word.lower() if "a" <= ch <= "z")
    if text.startswith("j") and len(text) > 1 and text[1] in "aeiou":
        text = "y" + text[1:]
    return _code(text, _LATIN_DIGRAPHS, soft_c=True, keep_h=keep_h)


@lru_cache(maxsize=50_000)
def reading_code(word: str) -> str:
    """The consonant-class code of a romanised reading (pinyin or Hepburn)."""
    return _code("".join(ch for ch in word.lower() if "a" <= ch <= "z"), _READING_DIGRAPHS, soft_c=False)


def _code(text: str, digraphs: tuple[tuple[str, str], ...], *, soft_c: bool, keep_h: bool = False) -> str:
    """Classes in order, a vowel as "." (only runs of one class with no vowel between are one)."""
    out: list[str] = []
    i = 0
    while i < len(text):
        for src, dst in digraphs:
            if text.startswith(src, i):
                out.append(dst)
                i += len(src)
                break
        else:
            ch = text[i]
            if ch == "c":
                out.append("S" if not soft_c or (i + 1 < len(text) and text[i + 1] in "eiy") else "G")
            elif ch in "aeiou":
                out.append(".")
            elif ch == "h" and keep_h:
                out.append("H")
            else:
                out.append(_CLASS.get(ch, ""))
            i += 1
    code = "".join(out)
    return "".join(ch for k, ch in enumerate(code) if k == 0 or ch != code[k - 1])


def full_code(code: str) -> str:
    """A code with its vowels dropped, runs of one class made one only where no vowel is
    between ("G.L.L" -> "GLL", "BD.LLH" -> "BDLH")."""
    merged = "".join(ch for k, ch in enumerate(code) if k == 0 or ch != code[k - 1])
    return merged.replace(".", "")


def short_code(code: str) -> str:
    """A code with its vowels dropped and every run of one class made one ("S.D.N.N" -> "SDN"):
    what survives a transcription that writes a vowel after every consonant."""
    bare = code.replace(".", "")
    return "".join(ch for k, ch in enumerate(bare) if k == 0 or ch != bare[k - 1])


def sound_similarity(a: str, b: str) -> float:
    """How alike two sound codes are: the same classes in order (3 or more; runs of a class
    taken as one, or kept apart by vowels), one class apart (4 or more), or the same two."""
    full_a, full_b = a.replace(".", ""), b.replace(".", "")
    short_a, short_b = short_code(a), short_code(b)
    if (full_a == full_b and len(full_a) >= SOUND_MIN_CODE) or (short_a == short_b and len(short_a) >= SOUND_MIN_CODE):
        return SOUND_EXACT
    if (
        min(len(full_a), len(full_b)) >= SOUND_NEAR_MIN_CODE
        and Levenshtein.distance(full_a, full_b, score_cutoff=1) <= 1
    ):
        return SOUND_NEAR
    if len(full_a) == len(full_b) == 2 and full_a == full_b:
        return SOUND_SHORT
    return 0.0


def sound_keys(word: str) -> set[str]:
    """The blocking keys of a Latin word's sound code (indexed for every listed Latin word):
    its classes, and its classes with runs made one (see :func:`sound_similarity`)."""
    code = latin_code(word)
    return {"p" + c for c in (code.replace(".", ""), short_code(code)) if len(c) >= SOUND_MIN_CODE}


def vowels_of(text: str) -> str:
    """The vowels of a word in order, y read as i (a Kana word's, compared with a Latin word's)."""
    return "".join(ch for ch in text.replace("y", "i") if ch in "aeiou")
