"""A reading aligned with a Latin name (see :mod:`scripts`): a Latin word (or two or three
joined) takes a run of syllables it spells, or a word it spells or sounds like; best pairs first."""

from __future__ import annotations

import itertools
import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING

from tripline.screening.japanese import short_vowels
from tripline.screening.loanwords import katakana_forms
from tripline.screening.readings import Reading, ReadWord, first_spelling
from tripline.screening.rules import RARE_PERSON_SUBSET_FACTOR
from tripline.screening.soundcode import (
    SOUND_EXACT,
    SOUND_MIN_CODE,
    SOUND_NEAR,
    SOUND_SHORT,
    full_code,
    latin_code,
    short_code,
    sound_similarity,
    vowels_of,
)

if TYPE_CHECKING:
    from tripline.screening.normalize import NameForm, Normaliser

ABJAD_ONE = 0.6  # one-class codes equal ("Ali" / "علي"): never a match alone
SPELLED = 1.0  # a Latin word that is one spelling of the syllables / the reading itself
GENERIC_ONLY_CAP = 0.5  # as the main scorer: generic words alone never match
# a rare family name alone, transcribed (see _transcribed_surname): as a Latin
# partial name with a rare word (rules.RARE_PERSON_SUBSET_FACTOR), at most
TRANSCRIBED_SURNAME = RARE_PERSON_SUBSET_FACTOR
POSSESSIVE_WORD = "of"  # a glossary word's English that a Latin possessive ('s) says
GENERATION_SUFFIXES = frozenset({"jr", "sr", "ii", "iii", "iv"})

_POSSESSIVE = re.compile(r"(\w+)['’]s\b")


@dataclass(frozen=True, slots=True)
class ReadMatch:
    """The comparison of a reading with a Latin name: score, aligned pairs, unmatched words."""

    score: float
    how: str  # "syllables" or "sound"
    pairs: tuple[tuple[str, str, float], ...]  # (reading side, Latin side, similarity)
    unmatched_reading: tuple[str, ...]
    unmatched_latin: tuple[str, ...]
    capped: bool = False
    notes: tuple[str, ...] = ()


def compare(
    reading: Reading, latin: NameForm, normaliser: Normaliser, rare: Callable[[str], bool] | None = None
) -> ReadMatch | None:
    """Align the reading with a Latin name (see :mod:`scripts`): a Latin word (or two
    or three joined) takes a run of syllables it spells, or a word it spells or sounds like;
    best pairs first. Each syllable weighs as a word. A person's Latin middle names that a
    transcription leaves out (all the reading matched, the rest between matched words) do
    not count against it (Chinese and Japanese transcriptions only)."""
    toks = latin.tokens
    if not toks:
        return None
    generic_weight = normaliser.vocabulary.generic_weight
    sylls = reading.syllables
    # query units: every syllable, then every word that is not syllables
    unit_weight = [1.0] * len(sylls)
    shown = [first_spelling(s) for s in sylls]
    word_units: list[tuple[int, ...]] = []
    translated: set[int] = set()  # units that are a glossary word's English
    for w in reading.words:
        if w.syllable_count:
            word_units.append(tuple(range(w.first_syllable, w.first_syllable + w.syllable_count)))
        else:
            word_units.append((len(unit_weight),))
            if w.translated:
                translated.add(len(unit_weight))
            unit_weight.append(generic_weight if w.generic else 1.0)
            shown.append(w.text)
    distinctive_unit = [True] * len(sylls) + [w > generic_weight for w in unit_weight[len(sylls) :]]
    read_units = list(zip(reading.words, word_units, strict=True))
    for (a, ua), (b, ub) in itertools.pairwise(list(read_units)):
        if a.codes and b.codes:  # two Arabic words written as one ("عبد الله" / "Abdallah")
            joined = frozenset(short_code(x + y) for x in a.codes for y in b.codes)
            full = frozenset(full_code(x + "." + y) for x in a.full_codes for y in b.full_codes)
            read_units.append((ReadWord((a.text + b.text,), "", False, codes=joined, full_codes=full), ua + ub))
        elif not (a.codes or b.codes or a.syllable_count or b.syllable_count):
            # two words of the reading written as one Latin word ("航空防务" / "AeroDefense"): spelled only
            spelled = tuple(x + y for x in a.spellings for y in b.spellings)
            read_units.append((ReadWord(spelled, "", True), ua + ub))
    texts = [t.text for t in toks]
    latin_units: list[tuple[tuple[int, ...], str]] = [((j,), t) for j, t in enumerate(texts)]
    for size in (2, 3):
        for j in range(len(texts) - size + 1):
            latin_units.append((tuple(range(j, j + size)), "".join(texts[j : j + size])))
    # where one Latin word ends inside words joined: a syllable never spans it
    cuts = {tokset: frozenset(itertools.accumulate(len(texts[j]) for j in tokset[:-1])) for tokset, _ in latin_units}
    options: list[tuple[float, tuple[int, ...], tuple[int, ...], str]] = []  # sim, units, tokens, how
    kanji = _kanji_spans(reading.words)
    possessives = {normaliser.ascii(m.group(1)).lower() + "s" for m in _POSSESSIVE.finditer(latin.original)}
    for tokset, text in latin_units:
        if sylls and text.isalpha():
            for start in range(len(sylls)):
                for count in _spelled_runs(text, sylls, start, cuts[tokset]):
                    options.append((SPELLED, tuple(range(start, start + count)), tokset, "syllables"))
            for units in kanji.get(short_vowels(text), ()):
                options.append((SPELLED, units, tokset, "japanese reading"))
        code = latin_code(text)
        # a possessive the normaliser wrote onto its word ("Zvi’s Farm" -> "zvis")
        bare = text[:-1] if len(tokset) == 1 and text in possessives else None
        for w, units in read_units:
            sim = _word_similarity(w, text, code)
            if bare is not None:
                sim = max(sim, _word_similarity(w, bare, latin_code(bare)))
            if sim:
                options.append((sim, units, tokset, "spelled" if sim == SPELLED else "sound"))
    if not options:
        return None
    # best first; among equals, syllable runs longest first, and a word before two words joined
    options.sort(key=lambda o: (o[0], o[3] == "syllables" and len(o[1]), -len(o[2])), reverse=True)
    used_q: set[int] = set()
    used_c: set[int] = set()
    pairs: list[tuple[str, str, float]] = []
    matched_q = matched_c = 0.0
    distinctive = False
    hows: set[str] = set()
    for sim, units, tokset, how in options:
        if used_q.intersection(units) or used_c.intersection(tokset):
            continue
        used_q.update(units)
        used_c.update(tokset)
        matched_q += sim * sum(unit_weight[u] for u in units)
        matched_c += sim * sum(toks[j].weight for j in tokset)
        distinctive = distinctive or any(distinctive_unit[u] for u in units)
        hows.add(how)
        pairs.append(("".join(shown[u] for u in units), " ".join(texts[j] for j in tokset), sim))
    left = [j for j in range(len(toks)) if j not in used_c]
    # a translated word the Latin name lacks weighs as a generic word: the list may word it
    # otherwise ("航空宇宙" aerospace / "Air and Space"); one it has weighs as the word it is
    for u in translated - used_q:
        unit_weight[u] = min(unit_weight[u], generic_weight)
        if possessives and shown[u] == POSSESSIVE_WORD:
            unit_weight[u] = 0.0  # "החווה של משה" the farm of Moshe: the Latin "Moshe's Farm" says "of" by its 's
    total_c = sum(t.weight for t in toks)
    whole = latin.person and reading.script in ("han", "kana") and len(used_q) == len(unit_weight)
    if whole and left and len(used_c) >= 2 and all(min(used_c) < j < max(used_c) for j in left):
        total_c -= sum(toks[j].weight for j in left)  # middle names a Chinese or Japanese transcription leaves out
    total = sum(unit_weight) + total_c
    score = (matched_q + matched_c) / total if total else 0.0
    capped = False
    if not distinctive and score > GENERIC_ONLY_CAP:
        score, capped = GENERIC_ONLY_CAP, True
    notes: tuple[str, ...] = ()
    surname = _transcribed_surname(reading, latin, pairs, used_c, len(used_q) == len(unit_weight), rare)
    if surname is not None and surname[1] > score:
        score = surname[1]
        notes = (f"only the family name {surname[0]!r} is transcribed, and it is a rare name: {score:g}",)
    return ReadMatch(
        score=round(min(score, 1.0), 4),
        how=" and ".join(sorted(hows)),
        pairs=tuple(pairs),
        unmatched_reading=tuple(shown[u] for u in range(len(unit_weight)) if u not in used_q),
        unmatched_latin=tuple(texts[j] for j in left),
        capped=capped,
        notes=notes,
    )


def _transcribed_surname(
    reading: Reading,
    latin: NameForm,
    pairs: list[tuple[str, str, float]],
    used_c: set[int],
    whole_reading: bool,
    rare: Callable[[str], bool] | None,
) -> tuple[str, float] | None:
    """A Chinese or Japanese list often writes a Western person by the family name alone
    ("佩洛西" for "Nancy Pelosi"): a partial name, as "Pelosi" would be in Latin letters. It
    counts when the whole reading is that one word, transcribed (by sound, at least
    SOUND_MIN_CODE consonant classes, or spelled), the word is the Latin name's family name
    (its last word, a generational suffix aside) and ``rare`` says no country counts it among
    its common names: (the word, its score: the similarity, at most TRANSCRIBED_SURNAME)."""
    toks = latin.tokens
    if rare is None or not latin.person or reading.script not in ("han", "kana") or not whole_reading:
        return None
    if len(pairs) != 1 or len(used_c) != 1 or len(toks) < 2:
        return None
    (j,) = used_c
    last = len(toks) - 1
    if toks[last].text in GENERATION_SUFFIXES and last > 0:
        last -= 1
    word, sim = toks[j].text, pairs[0][2]
    if j != last or sim < SOUND_NEAR or len(full_code(latin_code(word))) < SOUND_MIN_CODE or not rare(word):
        return None
    return word, min(sim, TRANSCRIBED_SURNAME)


def _word_similarity(word: ReadWord, text: str, code: str) -> float:
    if text in word.spellings:
        return SPELLED
    if word.codes:
        full_codes, short_codes = _abjad_codes(text)
        full = [len(c) for c in full_codes if c in word.full_codes]
        short = [len(c) for c in short_codes if c in word.codes]
        size = max(full + short, default=0)
        if not size:
            return 0.0
        return SOUND_EXACT if size >= SOUND_MIN_CODE else SOUND_SHORT if size == 2 else ABJAD_ONE
    if word.generic:
        return 0.0  # a glossary word is its English word, not a sound
    if word.vowels is None:
        # a Chinese transcription follows British English too: no r after a vowel ("博顿" / Burton)
        codes = (word.code, *(v for v, _ in word.variants))
        return max(
            sound_similarity(c, code if form == text else latin_code(form))
            for form in katakana_forms(text)
            for c in codes
        )
    # Kana write a foreign word's vowels as they are and add some ("Avrora" / "avurora"),
    # but do not change one ("Avtomatika" / "afutamateika"); an English word as it sounds
    # (loanwords.katakana_forms: "Helicopters" / "herikoputaa"), its English vowels as they
    # sound, not as spelled ("Eastech" / "iisutekku"): the same consonants, all of them, suffice
    best = 0.0
    for form in katakana_forms(text):
        spelled = form == text
        form_code = code if spelled else latin_code(form)
        vowels = vowels_of(form.removesuffix("e"))
        for read_code, read_vowels in ((word.code, word.vowels), *word.variants):
            if read_vowels is None or _in_order(vowels, read_vowels):
                best = max(best, sound_similarity(read_code, form_code))
            elif not spelled and (sim := sound_similarity(read_code, form_code)) >= SOUND_EXACT:
                best = max(best, sim)
    return best


@lru_cache(maxsize=200_000)
def _abjad_codes(text: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """A Latin word's codes as an Arabic or Hebrew word's are compared: h kept, "ch" read both
    as English ch and as the kh of Hebrew and German spellings ("Avichai"); full and short."""
    written = [latin_code(t, keep_h=True) for t in dict.fromkeys((text, text.replace("ch", "kh")))]
    return tuple(full_code(w) for w in written), tuple(short_code(w) for w in written)


def _in_order(small: str, big: str) -> bool:
    """Whether `small` is a subsequence of `big`."""
    it = iter(big)
    return all(ch in it for ch in small)


def _kanji_spans(words: tuple[ReadWord, ...]) -> dict[str, list[tuple[int, ...]]]:
    """Runs of up to three consecutive Japanese words read in Han words, of two characters or
    more, by their romaji: the syllables a Latin word spelling that reading takes ("三菱" /
    "Mitsubishi", "古屋" / "Furuya")."""
    out: dict[str, list[tuple[int, ...]]] = {}
    for w in words:
        segs = w.japanese
        for i in range(len(segs)):
            romaji, end = "", segs[i][0]
            for k in range(i, min(i + 3, len(segs))):
                if segs[k][0] != end:
                    break
                romaji += segs[k][2]
                end = segs[k][0] + segs[k][1]
                if end - segs[i][0] >= 2:
                    out.setdefault(romaji, []).append(tuple(range(segs[i][0], end)))
    return out


def _spelled_runs(
    text: str, sylls: tuple[frozenset[str], ...], start: int, cuts: frozenset[int] = frozenset()
) -> list[int]:
    """The numbers of consecutive syllables from `start` whose spellings, one after another,
    make exactly `text`, with a syllable boundary at each of `cuts` (where the Latin words of
    a joined `text` meet: "ga ga kkoen" is not 가각꾄 read "ga" "gak" "koen")."""
    found: list[int] = []

    def walk(pos: int, i: int) -> None:
        if pos == len(text):
            found.append(i - start)
            return
        if i >= len(sylls):
            return
        for spelling in sylls[i]:
            end = pos + len(spelling)
            if text.startswith(spelling, pos) and not any(pos < cut < end for cut in cuts):
                walk(end, i + 1)

    walk(0, start)
    return sorted(set(found))
