"""Names in Hangul, Han, Kana, Arabic and Hebrew script read against Latin names.

A list prints "KIM Yong Nam" and "김영남", "LI Xiaocui" and "李晓翠", "Avrora Systems" and
"アヴロラ・システムズ", "Abolfazl Ameri SHAHRABI" and "ابوالفضل عامری شهرابی". The normaliser's
one transliteration of such a name ("gim yeongnam") rarely equals what a list prints, and edit
distance on it is the wrong measure: in Han and Hangul one different syllable is a different
name. :class:`ScriptReader` reads a name written in those scripts once (cached) into a
:class:`Reading` and aligns it with a Latin name (:meth:`ScriptReader.compare`), best pairs
first, a Latin word (or two or three joined) taking

* **a run of syllables** (Hangul, and Han read as Chinese): every character is one syllable
  with a set of spellings (Hangul: every combination of the spellings of its jamo in Revised
  Romanization, McCune-Reischauer and older list spellings, plus the customary spellings of
  family names; Han: every pinyin reading, toneless, with the Wade-Giles spellings of its start
  and end). A Latin word takes consecutive syllables when it is one spelling of each, in order
  ("yongnam", "yong" + "nam"). A syllable whose spellings the Latin name lacks stays unmatched:
  "KIM Yong Chol" is not "김영남".
* **a word it spells or sounds like**: the words of the reading (Han words split at the middle
  dot, Japanese read by pykakasi word by word, Chinese by pypinyin, the glossary's organisation
  words put in English) are compared by consonant-class code ("stein" and "si tan en" both
  "SDN"; a Kana word's vowels must also be the Latin word's, in order); an Arabic, Persian or
  Hebrew word by the codes its letters may be written with ("محسن" / "Mohsen").

Each syllable weighs as a word, glossary words as generic words; a name matched only on generic
words is capped as in the main scorer. Tables: ``data/scripts.yaml`` (validated at load). No
global state: the reader is built by the object that uses it (the scorer, the index builder).

The parts: :mod:`script_chars` (which script), :mod:`script_tables` (the tables, validated),
:mod:`soundcode` (consonant-class codes), :mod:`readings` (a reading's words and syllables),
:mod:`hangul`, :mod:`pinyin` and :mod:`japanese` (spellings by script), :mod:`script_compare`
(the alignment); this module reads a name into its :class:`Reading` and keeps the caches.
"""

from __future__ import annotations

import itertools
import re
import unicodedata
from collections.abc import Callable
from functools import cached_property
from typing import TYPE_CHECKING

from tripline.screening.hangul import hangul_spellings
from tripline.screening.japanese import Japanese, kana_variants
from tripline.screening.pinyin import han_codes, pinyin_spellings
from tripline.screening.readings import Reading, ReadWord, first_spelling
from tripline.screening.script_chars import ABJAD_WORD, HAN, HANGUL, KANA_RUNS, KATAKANA, KATAKANA_CHARS, script_of
from tripline.screening.script_compare import ReadMatch, compare
from tripline.screening.script_tables import ScriptTables, load_tables
from tripline.screening.soundcode import SOUND_MIN_CODE, full_code, latin_code, reading_code, short_code, vowels_of

if TYPE_CHECKING:
    from tripline.screening.normalize import NameForm, Normaliser

READ_SCRIPTS = ("hangul", "han", "kana", "arabic", "hebrew")
# Listed names read for a Latin query: none by default. Reading listed Hangul/Han/Kana names for
# every Latin query that retrieves one cost 25-35 % of batch throughput on Latin names (bench/
# README, "names in other scripts") and the lists print those entries in Latin too; ("hangul",
# "han", "kana") turns it on (the index then holds their readings' keys, the bound reads them).
LISTED_READ_SCRIPTS: tuple[str, ...] = ()
MAX_ABJAD_CODES = 64
CACHE_SIZE = 50_000
JOINED_KEY_SPELLINGS = 3  # spellings per syllable combined into the keys of joined syllables

_WORD_BREAK = re.compile(r"[\s·•・･、,()（）「」『』“”\"'’‘«»\-–—/]+")
# public, open and closed joint-stock company ("公共株式会社" PJSC / PAO, "公開株式会社" OJSC / OAO,
# "非公開株式会社" CJSC / ZAO, as jp_meti_russia writes them): part of the legal form
_FORM_QUALIFIER = re.compile(r"(?:非公開|公開|公共)(?=\s*株式会社)")


def readable(form: NameForm, *, listed: bool = False) -> bool:
    """Whether a name is read (:class:`ScriptReader`) when compared with a Latin one: a query in
    any script read here; a listed name only in ``LISTED_READ_SCRIPTS`` (otherwise a Latin query
    meets it through the main scorer, as before: the lists print those entries in Latin too)."""
    if form.latin:
        return False
    script = script_of(form.original)
    return script in LISTED_READ_SCRIPTS if listed else bool(script)


class ScriptReader:
    """Reads Hangul, Han and Kana names (cached per name) and compares readings with Latin names."""

    def __init__(self, normaliser: Normaliser, tables: ScriptTables | None = None) -> None:
        self.normaliser = normaliser
        self.tables = tables or load_tables()
        self._cache: dict[str, Reading | None] = {}
        self._hangul: dict[str, frozenset[str]] = {}
        self._pinyin: dict[str, frozenset[str]] = {}
        self._japanese = Japanese()

    # -- reading -----------------------------------------------------------------------------

    def reading(self, name: str) -> Reading | None:
        """The reading of a name written (mostly) in Hangul, Han or Kana; None for any other."""
        if name.isascii():
            return None
        hit = self._cache.get(name, False)
        if hit is not False:
            return hit  # type: ignore[return-value]
        result = self._read(name)
        if len(self._cache) >= CACHE_SIZE:
            self._cache.clear()
        self._cache[name] = result
        return result

    def _read(self, name: str) -> Reading | None:
        text = unicodedata.normalize("NFKC", name).casefold()
        script = script_of(text)
        if not script:
            return None
        if script in ("arabic", "hebrew"):
            abjad = self._read_abjad(text)
            return Reading(script=script, syllables=(), words=abjad) if abjad else None
        text = _FORM_QUALIFIER.sub(" ", text)  # "公共株式会社": a public joint-stock company (PJSC, PAO)
        for form in self.normaliser.vocabulary.native_forms_longest_first:
            text = text.replace(form, " ")
        words: list[ReadWord] = []
        syllables: list[frozenset[str]] = []
        for chunk in _WORD_BREAK.split(text):
            if chunk:
                self._read_chunk(chunk, script, words, syllables)
        if not words:
            return None
        return Reading(script=script, syllables=tuple(syllables), words=tuple(words))

    def _read_abjad(self, text: str) -> tuple[ReadWord, ...]:
        """Arabic, Persian or Hebrew words with the consonant codes they may be written with;
        the Arabic article written onto a word ("العبيدي") is a word of its own."""
        words: list[ReadWord] = []
        letters = self.tables.abjad_letters
        glossary = self.tables.glossary
        vocab = self.normaliser.vocabulary
        for word in ABJAD_WORD.findall(re.sub("[\u05f3\u05f4\"']", "", text)):  # Hebrew acronyms: "יו״ש"
            if word.startswith("ال") and len(word) > 3 and word != "الله":
                words.append(ReadWord(("al", "el", "ul"), "", True))
                word = word[2:]
            english = glossary.get(word) or glossary.get(word.replace("ى", "ی").replace("ي", "ی"))
            if english is None and word.startswith("ה") and word[1:] in glossary:
                # the Hebrew article written onto an organisation word ("החווה" the farm)
                words.append(ReadWord(("ha",), "", True))
                english = glossary[word[1:]]
            if english is not None:  # an organisation word: its English words, weighed as in Han and Kana
                for part in english.split(" "):
                    if part not in vocab.legal_forms:
                        alternatives = tuple(part.split("|"))
                        generic = self._generic(alternatives)
                        words.append(ReadWord(alternatives, latin_code(alternatives[0]), generic, translated=True))
                continue
            options = [letters.get(ch, ("",)) for ch in word]
            codes: set[str] = set()
            full: set[str] = set()
            for combo in itertools.islice(itertools.product(*options), MAX_ABJAD_CODES):
                joined = "".join(combo)
                codes.add(short_code(joined))
                full.add(full_code(joined))
            shown = self.normaliser.ascii(word).replace(" ", "")
            words.append(ReadWord((shown,), "", False, codes=frozenset(codes), full_codes=frozenset(full)))
        return tuple(words)

    def _read_chunk(self, chunk: str, script: str, words: list[ReadWord], syllables: list[frozenset[str]]) -> None:
        """Read one run of text between word breaks: glossary words in English, Latin words as
        they are, the rest by script (Hangul and Chinese also syllable by syllable)."""
        vocab = self.normaliser.vocabulary
        for part in self._glossed(chunk):
            if isinstance(part, tuple):  # a glossary word: English words
                for english in part:
                    if english in vocab.legal_forms:
                        continue
                    alternatives = tuple(english.split("|"))  # "hongkong|hk": one word, two spellings
                    words.append(
                        ReadWord(
                            alternatives, latin_code(alternatives[0]), self._generic(alternatives), translated=True
                        )
                    )
                continue
            for piece in _split_latin(part):
                if piece.isascii():  # Latin words as the normaliser has them ("E&S" -> "es", "OOO" gone)
                    for tok in self.normaliser.form(piece).tokens:
                        words.append(ReadWord((tok.text,), latin_code(tok.text), tok.generic))
                    continue
                self._read_piece(piece, script, words, syllables)

    def _read_piece(self, piece: str, script: str, words: list[ReadWord], syllables: list[frozenset[str]]) -> None:
        if script == "hangul":
            sylls = [self.hangul_spellings(ch) for ch in piece if HANGUL.match(ch)]
            if not sylls:
                return
            start = len(syllables)
            syllables.extend(sylls)
            shown = "".join(first_spelling(s) for s in sylls)
            words.append(ReadWord((shown,), reading_code(shown), False, None, start, len(sylls)))
        elif script == "han" and all(HAN.match(ch) for ch in piece):
            sylls = [self.pinyin_spellings(ch) for ch in piece]
            start = len(syllables)
            syllables.extend(sylls)
            from pypinyin import Style, lazy_pinyin

            joined = "".join(lazy_pinyin(piece, style=Style.NORMAL, v_to_u=True))
            kana = self.japanese(piece)
            given = self.tables.han_given_names.get(piece, ())  # "约翰" / "John"
            spellings = tuple(dict.fromkeys(s for s in (joined, kana, *given) if s))
            code, nasal = han_codes(piece)
            kanji = tuple((start + at, size, romaji) for at, size, romaji in self.japanese_segments(piece))
            words.append(ReadWord(spellings, code, False, None, start, len(sylls), variants=nasal, japanese=kanji))
        else:
            for run in KANA_RUNS.findall(piece):
                romaji = self.japanese(run)
                if romaji:
                    # a Russian "тей" is written "ティ" too ("アンティ" / Antey): pykakasi's
                    # letter-by-letter reading is one more
                    literal = self.japanese(run, foreign=False)
                    variants: tuple[tuple[str, str | None], ...] = tuple(
                        (reading_code(v), vowels_of(v))
                        for v in dict.fromkeys((*kana_variants(romaji), literal))
                        if v != romaji
                    )
                    if all(HAN.match(ch) for ch in run):
                        # Han characters in a Japanese name may transcribe a foreign name as
                        # Chinese does ("斯巴鲁株式会社" / "SUBARU Corporation"): their pinyin too
                        han_code, nasal = han_codes(run)
                        variants += ((han_code, None), *nasal)
                    words.append(
                        ReadWord((romaji,), reading_code(romaji), False, vowels=vowels_of(romaji), variants=variants)
                    )

    def _generic(self, alternatives: tuple[str, ...]) -> bool:
        """Whether a glossary word only says what kind of organisation: the vocabulary's call on
        its English word, as for a Latin name ("technology" is, "republic" and "military" are
        not: they weigh as any word, and a name matched on them is no longer capped)."""
        return any(self.normaliser.token(a).generic for a in alternatives) or any(
            a in self.normaliser.vocabulary.generic_words for a in alternatives
        )

    def _glossed(self, chunk: str) -> list[str | tuple[str, ...]]:
        """`chunk` cut at the glossary's words (longest first), which become English words; a
        Katakana word only where it stands alone (not "エレクトロニクス" in "マイクロエレクトロニクス")."""
        parts: list[str | tuple[str, ...]] = []
        last = 0
        for m in self._glossary_rx.finditer(chunk):
            if m.start() > last:
                parts.append(chunk[last : m.start()])
            parts.append(tuple(self.tables.glossary[m.group(0)].split(" ")))
            last = m.end()
        if last < len(chunk):
            parts.append(chunk[last:])
        return parts

    @cached_property
    def _glossary_rx(self) -> re.Pattern[str]:
        alternatives = []
        for word, _ in self.tables.glossary_longest_first:
            escaped = re.escape(word)
            if all(KATAKANA.match(ch) for ch in word):
                escaped = f"(?<![{KATAKANA_CHARS}]){escaped}(?![{KATAKANA_CHARS}])"
            alternatives.append(escaped)
        return re.compile("|".join(alternatives) or "(?!)")

    def japanese(self, text: str, *, foreign: bool = True) -> str:
        """Hepburn romaji of Japanese text (:meth:`japanese.Japanese.romaji`)."""
        return self._japanese.romaji(text, foreign=foreign)

    def japanese_segments(self, text: str) -> tuple[tuple[int, int, str], ...]:
        """The words pykakasi reads in Japanese text (:meth:`japanese.Japanese.segments`)."""
        return self._japanese.segments(text)

    def hangul_spellings(self, ch: str) -> frozenset[str]:
        """Every spelling of one Hangul syllable (jamo combinations and customary spellings), cached."""
        hit = self._hangul.get(ch)
        if hit is None:
            hit = hangul_spellings(self.tables, ch)
            self._hangul[ch] = hit
        return hit

    def pinyin_spellings(self, ch: str) -> frozenset[str]:
        """Every toneless pinyin reading of one Han character, with its Wade-Giles spellings, cached."""
        hit = self._pinyin.get(ch)
        if hit is None:
            hit = pinyin_spellings(self.tables, ch)
            self._pinyin[ch] = hit
        return hit

    # -- comparing ---------------------------------------------------------------------------

    def compare(self, reading: Reading, latin: NameForm, rare: Callable[[str], bool] | None = None) -> ReadMatch | None:
        """Align the reading with a Latin name (:func:`script_compare.compare`)."""
        return compare(reading, latin, self.normaliser, rare)

    # -- retrieval keys ----------------------------------------------------------------------

    def key_groups(self, reading: Reading, *, words_only: bool = False) -> list[frozenset[str]]:
        """Blocking keys that let a reading find Latin names (see :mod:`index`): each word's
        spellings and sound code, each syllable's spellings, adjacent syllables joined
        (`words_only`: the words' keys alone)."""
        groups: list[frozenset[str]] = []
        for w in reading.words:
            if w.generic:
                continue
            keys = {"t" + s for s in w.spellings}
            for code in (w.code, *(v for v, _ in w.variants)):
                keys |= {"p" + c for c in (code.replace(".", ""), short_code(code)) if len(c) >= SOUND_MIN_CODE}
            # an Arabic, Persian or Hebrew word: every code it may be written with, as a listed Latin
            # word's sound keys hold it (no h: soundcode.sound_keys drops it; "اکبرزاده" / Akbarzadeh)
            keys |= {"p" + c for c in w.codes | w.full_codes if len(c) >= SOUND_MIN_CODE and "H" not in c}
            groups.append(frozenset(keys))
        if words_only:
            return groups
        sylls = reading.syllables
        for s in sylls:
            groups.append(frozenset("t" + x for x in s))
        for a, b in itertools.pairwise(sylls):
            top_a = sorted(a, key=lambda x: (len(x), x))[:JOINED_KEY_SPELLINGS]
            top_b = sorted(b, key=lambda x: (len(x), x))[:JOINED_KEY_SPELLINGS]
            groups.append(frozenset("t" + x + y for x in top_a for y in top_b))
        return groups


def _split_latin(part: str) -> list[str]:
    """`part` cut into runs of ASCII and of other characters ("mbcヴィチャズ")."""
    return [m.group(0) for m in re.finditer(r"[\x00-\x7f]+|[^\x00-\x7f]+", part)]
