"""Han read as Chinese: every toneless pinyin reading of a character with its Wade-Giles
spellings, and a Han word's sound code as a transcription of a foreign name (see :mod:`scripts`)."""

from __future__ import annotations

from tripline.screening.loanwords import nasal_variant
from tripline.screening.script_tables import ScriptTables
from tripline.screening.soundcode import reading_code


def pinyin_spellings(tables: ScriptTables, ch: str) -> frozenset[str]:
    """Every toneless pinyin reading of one Han character, with its Wade-Giles spellings."""
    from pypinyin import Style, pinyin

    readings = {r for group in pinyin(ch, style=Style.NORMAL, heteronym=True) for r in group}
    variants = tables.pinyin_variants
    out: set[str] = set()
    for r in readings:
        r = r.replace("ü", "v")
        if not r.isascii() or not r.isalpha():
            continue
        out.add(r)
        out |= _variants(r, variants.get("initials", {}), variants.get("finals", {}))
        out.update(variants.get("syllables", {}).get(r, ()))  # whole syllables: "shi" / "shih"
    return frozenset(out)


def han_codes(piece: str) -> tuple[str, tuple[tuple[str, str | None], ...]]:
    """The sound code of a Han word read as a transcription of a foreign name (each syllable's
    pinyin, an "er" as r, codes of the whole joined), and its variant with a nasal before a
    labial read as m (:func:`loanwords.nasal_variant`), vowels not compared."""
    from pypinyin import Style, lazy_pinyin

    syllables = lazy_pinyin(piece, style=Style.NORMAL, v_to_u=True)
    # pinyin q is a palatal affricate, as ch ("克拉奇" kelaqi / "Krach"); er is an r
    joined = "".join("r" if s == "er" else s.replace("q", "ch") for s in syllables)
    nasal = nasal_variant(joined)
    return reading_code(joined), (((reading_code(nasal), None),) if nasal else ())


def _variants(reading: str, initials: dict[str, tuple[str, ...]], finals: dict[str, tuple[str, ...]]) -> set[str]:
    head = next((i for i in sorted(initials, key=len, reverse=True) if reading.startswith(i)), "")
    body = reading[len(head) :]
    tail = next((f for f in sorted(finals, key=len, reverse=True) if body.endswith(f)), "")
    heads = (head, *initials.get(head, ())) if head else ("",)
    middle = body[: len(body) - len(tail)] if tail else body
    tails = (tail, *finals.get(tail, ())) if tail else ("",)
    return {h + middle + t for h in heads for t in tails} - {reading}
