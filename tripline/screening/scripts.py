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
"""

from __future__ import annotations

import itertools
import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from functools import cached_property, lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator
from rapidfuzz.distance import Levenshtein

from tripline.errors import ConfigError
from tripline.screening.loanwords import foreign_kana, katakana_forms, nasal_variant
from tripline.screening.rules import RARE_PERSON_SUBSET_FACTOR

if TYPE_CHECKING:
    from tripline.screening.normalize import NameForm, Normaliser

SCRIPTS_FILE = Path(__file__).resolve().parent / "data" / "scripts.yaml"

READ_SCRIPTS = ("hangul", "han", "kana", "arabic", "hebrew")
# Listed names read for a Latin query: none by default. Reading listed Hangul/Han/Kana names for
# every Latin query that retrieves one cost 25-35 % of batch throughput on Latin names (bench/
# README, "names in other scripts") and the lists print those entries in Latin too; ("hangul",
# "han", "kana") turns it on (the index then holds their readings' keys, the bound reads them).
LISTED_READ_SCRIPTS: tuple[str, ...] = ()
ABJAD_CLASSES = ("B", "D", "G", "S", "L", "M", "N", "H")
ABJAD_ONE = 0.6  # one-class codes equal ("Ali" / "علي"): never a match alone
MAX_ABJAD_CODES = 64
SOUND_EXACT = 0.9  # two words whose consonant codes are equal (3 classes or more)
SOUND_NEAR = 0.82  # codes one class apart (4 classes or more)
SOUND_MIN_CODE = 3
SOUND_SHORT = 0.75  # two words of two consonant classes each, the same: never a match alone
SOUND_NEAR_MIN_CODE = 4
SPELLED = 1.0  # a Latin word that is one spelling of the syllables / the reading itself
GENERIC_ONLY_CAP = 0.5  # as the main scorer: generic words alone never match
CACHE_SIZE = 50_000
# a rare family name alone, transcribed (see ScriptReader._transcribed_surname): as a Latin
# partial name with a rare word (rules.RARE_PERSON_SUBSET_FACTOR), at most
TRANSCRIBED_SURNAME = RARE_PERSON_SUBSET_FACTOR
GENERATION_SUFFIXES = frozenset({"jr", "sr", "ii", "iii", "iv"})
JOINED_KEY_SPELLINGS = 3  # spellings per syllable combined into the keys of joined syllables

_HANGUL_BASE, _HANGUL_LAST = 0xAC00, 0xD7A3
_HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
_KANA = re.compile(r"[\u3040-\u30ff\u31f0-\u31ff\uff66-\uff9f]")
_HANGUL = re.compile(r"[\uac00-\ud7a3]")
_ARABIC = re.compile(r"[\u0600-\u06ff\u0750-\u077f\ufb50-\ufdff\ufe70-\ufeff]")
_HEBREW = re.compile(r"[\u05d0-\u05ea]")
_ABJAD_WORD = re.compile(r"[\u0600-\u06ff\u0750-\u077f\u05d0-\u05ea]+")
_KATAKANA_CHARS = "\u30a0-\u30ff\u31f0-\u31ff"
_KATAKANA = re.compile(f"[{_KATAKANA_CHARS}]")
_KANA_RUNS = re.compile(f"[{_KATAKANA_CHARS}]+|[^{_KATAKANA_CHARS}]+")  # a Katakana word, or kanji and Hiragana
_WORD_BREAK = re.compile(r"[\s·•・･、,()（）「」『』“”\"'’‘«»\-–—/]+")
_POSSESSIVE = re.compile(r"(\w+)['’]s\b")
_LONG_VOWEL = re.compile(r"(?<=o)[ou]|(?<=u)u")
# public, open and closed joint-stock company ("公共株式会社" PJSC / PAO, "公開株式会社" OJSC / OAO,
# "非公開株式会社" CJSC / ZAO, as jp_meti_russia writes them): part of the legal form
_FORM_QUALIFIER = re.compile(r"(?:非公開|公開|公共)(?=\s*株式会社)")
_JAPANESE_FORMS = ("株式会社", "有限会社", "合同会社", "合資会社", "合名会社")

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


class ScriptTables(BaseModel):
    """``data/scripts.yaml``: jamo spellings, customary syllable spellings, pinyin variants, glossary."""

    model_config = ConfigDict(frozen=True)

    hangul_initials: tuple[tuple[str, ...], ...] = Field(min_length=19, max_length=19)
    hangul_vowels: tuple[tuple[str, ...], ...] = Field(min_length=21, max_length=21)
    hangul_finals: tuple[tuple[str, ...], ...] = Field(min_length=28, max_length=28)
    hangul_syllables: dict[str, tuple[str, ...]] = Field(default_factory=dict)
    pinyin_variants: dict[str, dict[str, tuple[str, ...]]] = Field(default_factory=dict)
    glossary: dict[str, str] = Field(default_factory=dict)
    han_given_names: dict[str, tuple[str, ...]] = Field(default_factory=dict)
    abjad_letters: dict[str, tuple[str, ...]] = Field(default_factory=dict)

    @field_validator("abjad_letters")
    @classmethod
    def _classes(cls, value: dict[str, tuple[str, ...]]) -> dict[str, tuple[str, ...]]:
        for letter, classes in value.items():
            if len(letter) != 1 or not classes or any(c not in ("", ".", *ABJAD_CLASSES) for c in classes):
                raise ValueError(f"{letter!r}: one letter, and classes among {ABJAD_CLASSES}, '.' or ''")
        return value

    @field_validator("hangul_syllables")
    @classmethod
    def _one_syllable(cls, value: dict[str, tuple[str, ...]]) -> dict[str, tuple[str, ...]]:
        for key, spellings in value.items():
            if len(key) != 1 or not _HANGUL.match(key):
                raise ValueError(f"{key!r} is not one Hangul syllable")
            _check_spellings(spellings)
        return value

    @field_validator("han_given_names")
    @classmethod
    def _han_names(cls, value: dict[str, tuple[str, ...]]) -> dict[str, tuple[str, ...]]:
        for name, spellings in value.items():
            if not name or not all(_HAN.match(ch) for ch in name) or not spellings:
                raise ValueError(f"{name!r}: Han characters only, and at least one Latin spelling")
            _check_spellings(spellings)
        return value

    @field_validator("pinyin_variants")
    @classmethod
    def _parts(cls, value: dict[str, dict[str, tuple[str, ...]]]) -> dict[str, dict[str, tuple[str, ...]]]:
        unknown = set(value) - {"initials", "finals", "syllables"}
        if unknown:
            raise ValueError(f"unknown part(s) {sorted(unknown)}: expected initials, finals, syllables")
        for table in value.values():
            for spellings in table.values():
                _check_spellings(spellings)
        return value

    @field_validator("glossary")
    @classmethod
    def _english(cls, value: dict[str, str]) -> dict[str, str]:
        for word, english in value.items():
            if word.isascii() or not english.isascii() or english != english.lower():
                raise ValueError(f"{word!r}: a non-Latin word and its English in lower case")
        return value

    @cached_property
    def glossary_longest_first(self) -> tuple[tuple[str, str], ...]:
        return tuple(sorted(self.glossary.items(), key=lambda kv: -len(kv[0])))


def _check_spellings(spellings: tuple[str, ...]) -> None:
    for spelling in spellings:
        if not spelling.isascii() or spelling != spelling.lower() or not spelling.isalpha():
            raise ValueError(f"{spelling!r} must be lower-case ASCII letters")


class DuplicateKeyError(yaml.YAMLError):
    """A mapping of the tables gives one key twice (YAML itself keeps the last silently)."""

    def __init__(self, key: object, line: int, first_line: int) -> None:
        self.key, self.line, self.first_line = key, line, first_line
        super().__init__(f"key {key!r} given twice (first on line {first_line})")


class _UniqueKeyLoader(yaml.SafeLoader):
    """A safe loader that refuses a key given twice in one mapping."""

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
        seen: dict[Any, int] = {}
        for key_node, _ in node.value:
            key = self.construct_object(key_node, deep=deep)  # type: ignore[no-untyped-call]
            line = key_node.start_mark.line + 1
            if key in seen:
                raise DuplicateKeyError(key, line, seen[key])
            seen[key] = line
        return super().construct_mapping(node, deep=deep)


def load_tables(path: Path = SCRIPTS_FILE) -> ScriptTables:
    """Read and validate the script tables; a key given twice in one table is an error naming
    its line (YAML would keep the second silently: "機械" once lost its Chinese reading so)."""
    try:
        raw = yaml.load(path.read_text(encoding="utf-8"), Loader=_UniqueKeyLoader)  # a SafeLoader
    except DuplicateKeyError as exc:
        raise ConfigError(str(exc), file=path, line=exc.line, field=str(exc.key)) from exc
    except (OSError, yaml.YAMLError) as exc:
        raise ConfigError(f"cannot read script tables: {exc}", file=path) from exc
    try:
        return ScriptTables.model_validate(raw)
    except ValidationError as exc:
        first = exc.errors()[0]
        field = ".".join(str(p) for p in first["loc"])
        raise ConfigError(first["msg"], file=path, field=field) from exc


@dataclass(frozen=True, slots=True)
class ReadWord:
    """One word of a reading: its spellings (the first is shown), its sound code, whether it
    only says what kind of organisation (a glossary or generic word)."""

    spellings: tuple[str, ...]
    code: str
    generic: bool
    vowels: str | None = None  # a Kana word's vowels: a Latin word's must be among them, in order
    first_syllable: int = 0  # a Hangul or Chinese word: its syllables in Reading.syllables
    syllable_count: int = 0
    codes: frozenset[str] = frozenset()  # an Arabic or Hebrew word: every code it may be written with
    full_codes: frozenset[str] = frozenset()  # the same, runs of one class kept apart by a vowel letter
    # other readings (code, vowels): a Kana word's as a Russian name's, a Chinese transcription's
    # nasal before a labial; vowels None where they are not compared (a reading of Han characters)
    variants: tuple[tuple[str, str | None], ...] = ()
    translated: bool = False  # a glossary word's English
    # a Han word's characters read as Japanese, word by word: (first syllable, syllables, romaji)
    japanese: tuple[tuple[int, int, str], ...] = ()

    @property
    def text(self) -> str:
        return self.spellings[0]


@dataclass(frozen=True, slots=True)
class Reading:
    """A name in Hangul, Han or Kana as it can be spelled in Latin letters."""

    script: str  # "hangul", "han" (read as Chinese) or "kana" (Japanese, kanji read as Japanese)
    syllables: tuple[frozenset[str], ...]  # one spelling set per Hangul / Chinese character
    words: tuple[ReadWord, ...]

    @property
    def shown(self) -> str:
        return " ".join(w.text for w in self.words)


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


# --- sound codes ------------------------------------------------------------------------------


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


def _full(code: str) -> str:
    """A code with its vowels dropped, runs of one class made one only where no vowel is
    between ("G.L.L" -> "GLL", "BD.LLH" -> "BDLH")."""
    merged = "".join(ch for k, ch in enumerate(code) if k == 0 or ch != code[k - 1])
    return merged.replace(".", "")


def _short(code: str) -> str:
    """A code with its vowels dropped and every run of one class made one ("S.D.N.N" -> "SDN"):
    what survives a transcription that writes a vowel after every consonant."""
    bare = code.replace(".", "")
    return "".join(ch for k, ch in enumerate(bare) if k == 0 or ch != bare[k - 1])


def sound_similarity(a: str, b: str) -> float:
    """How alike two sound codes are: the same classes in order (3 or more; runs of a class
    taken as one, or kept apart by vowels), one class apart (4 or more), or the same two."""
    full_a, full_b = a.replace(".", ""), b.replace(".", "")
    short_a, short_b = _short(a), _short(b)
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


# --- readings ---------------------------------------------------------------------------------


def script_of(text: str) -> str:
    """ "hangul", "kana", "han" or "" for a name with none of them (Kana wins over Han: a name
    with Kana is Japanese, whatever kanji it has)."""
    if _HANGUL.search(text):
        return "hangul"
    if _KANA.search(text):
        return "kana"
    if _HAN.search(text):
        return "kana" if any(form in text for form in _JAPANESE_FORMS) else "han"
    if _ARABIC.search(text):
        return "arabic"
    if _HEBREW.search(text):
        return "hebrew"
    return ""


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
        self._kakasi: Any = None

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
        for word in _ABJAD_WORD.findall(re.sub("[\u05f3\u05f4\"']", "", text)):  # Hebrew acronyms: "יו״ש"
            if word.startswith("ال") and len(word) > 3 and word != "الله":
                words.append(ReadWord(("al", "el", "ul"), "", True))
                word = word[2:]
            english = glossary.get(word) or glossary.get(word.replace("ى", "ی").replace("ي", "ی"))
            if english is None and word.startswith("ה") and word[1:] in glossary:
                # the Hebrew article written onto an organisation word ("החווה" the farm)
                words.append(ReadWord(("ha",), "", True))
                english = glossary[word[1:]]
            if english is not None:  # an organisation word: its English words
                for part in english.split(" "):
                    if part not in vocab.legal_forms:
                        alternatives = tuple(part.split("|"))
                        words.append(ReadWord(alternatives, latin_code(alternatives[0]), True))
                continue
            options = [letters.get(ch, ("",)) for ch in word]
            codes: set[str] = set()
            full: set[str] = set()
            for combo in itertools.islice(itertools.product(*options), MAX_ABJAD_CODES):
                joined = "".join(combo)
                codes.add(_short(joined))
                full.add(_full(joined))
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
            sylls = [self.hangul_spellings(ch) for ch in piece if _HANGUL.match(ch)]
            if not sylls:
                return
            start = len(syllables)
            syllables.extend(sylls)
            shown = "".join(_first_spelling(s) for s in sylls)
            words.append(ReadWord((shown,), reading_code(shown), False, None, start, len(sylls)))
        elif script == "han" and all(_HAN.match(ch) for ch in piece):
            sylls = [self.pinyin_spellings(ch) for ch in piece]
            start = len(syllables)
            syllables.extend(sylls)
            from pypinyin import Style, lazy_pinyin

            joined = "".join(lazy_pinyin(piece, style=Style.NORMAL, v_to_u=True))
            kana = self.japanese(piece)
            given = self.tables.han_given_names.get(piece, ())  # "约翰" / "John"
            spellings = tuple(dict.fromkeys(s for s in (joined, kana, *given) if s))
            code, nasal = _han_codes(piece)
            kanji = tuple((start + at, size, romaji) for at, size, romaji in self.japanese_segments(piece))
            words.append(ReadWord(spellings, code, False, None, start, len(sylls), variants=nasal, japanese=kanji))
        else:
            for run in _KANA_RUNS.findall(piece):
                romaji = self.japanese(run)
                if romaji:
                    # a Russian "тей" is written "ティ" too ("アンティ" / Antey): pykakasi's
                    # letter-by-letter reading is one more
                    literal = self.japanese(run, foreign=False)
                    variants: tuple[tuple[str, str | None], ...] = tuple(
                        (reading_code(v), _vowels(v))
                        for v in dict.fromkeys((*kana_variants(romaji), literal))
                        if v != romaji
                    )
                    if all(_HAN.match(ch) for ch in run):
                        # Han characters in a Japanese name may transcribe a foreign name as
                        # Chinese does ("斯巴鲁株式会社" / "SUBARU Corporation"): their pinyin too
                        han_code, nasal = _han_codes(run)
                        variants += ((han_code, None), *nasal)
                    words.append(
                        ReadWord((romaji,), reading_code(romaji), False, vowels=_vowels(romaji), variants=variants)
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
            if all(_KATAKANA.match(ch) for ch in word):
                escaped = f"(?<![{_KATAKANA_CHARS}]){escaped}(?![{_KATAKANA_CHARS}])"
            alternatives.append(escaped)
        return re.compile("|".join(alternatives) or "(?!)")

    def japanese(self, text: str, *, foreign: bool = True) -> str:
        """Hepburn romaji of Japanese text (pykakasi, loaded on first use); Latin kept; with
        ``foreign``, Katakana combinations for foreign sounds in Hepburn's extended spellings
        (:func:`loanwords.foreign_kana`: "ティ" ti; without, pykakasi's letter by letter "tei")."""
        if self._kakasi is None:
            import pykakasi

            self._kakasi = pykakasi.kakasi()  # type: ignore[no-untyped-call]
        out = []
        for item in self._kakasi.convert(foreign_kana(text) if foreign else text):
            out.append(item["hepburn"] or item["orig"])
        return "".join(ch for ch in "".join(out).lower() if "a" <= ch <= "z")

    def japanese_segments(self, text: str) -> tuple[tuple[int, int, str], ...]:
        """The words pykakasi reads in Japanese text, each as (first character, characters,
        Hepburn romaji with long vowels written once: "古屋圭司" -> furuya, keishi)."""
        if self._kakasi is None:
            self.japanese("")
        out: list[tuple[int, int, str]] = []
        at = 0
        for item in self._kakasi.convert(text):
            size = len(item["orig"])
            romaji = "".join(ch for ch in (item["hepburn"] or "").lower() if "a" <= ch <= "z")
            if romaji:
                out.append((at, size, short_vowels(romaji)))
            at += size
        return tuple(out)

    def hangul_spellings(self, ch: str) -> frozenset[str]:
        """Every spelling of one Hangul syllable (jamo combinations and customary spellings)."""
        hit = self._hangul.get(ch)
        if hit is None:
            code = ord(ch) - _HANGUL_BASE
            t = self.tables
            initial, rest = divmod(code, 21 * 28)
            vowel, final = divmod(rest, 28)
            spellings = {
                a + b + c
                for a in t.hangul_initials[initial]
                for b in t.hangul_vowels[vowel]
                for c in t.hangul_finals[final]
            }
            if initial in (2, 5) and t.hangul_vowels[vowel][0][0] in "iy":
                # ㄴ and ㄹ before i / y are not written at the start of a word in the South ("Yongbyon")
                spellings |= {b + c for b in t.hangul_vowels[vowel] for c in t.hangul_finals[final]}
            ordered = [s for s in t.hangul_syllables.get(ch, ()) if s] + sorted(spellings)
            hit = frozenset(s for s in ordered if s)
            self._hangul[ch] = hit
        return hit

    def pinyin_spellings(self, ch: str) -> frozenset[str]:
        """Every toneless pinyin reading of one Han character, with its Wade-Giles spellings."""
        hit = self._pinyin.get(ch)
        if hit is None:
            from pypinyin import Style, pinyin

            readings = {r for group in pinyin(ch, style=Style.NORMAL, heteronym=True) for r in group}
            variants = self.tables.pinyin_variants
            out: set[str] = set()
            for r in readings:
                r = r.replace("ü", "v")
                if not r.isascii() or not r.isalpha():
                    continue
                out.add(r)
                out |= _variants(r, variants.get("initials", {}), variants.get("finals", {}))
                out.update(variants.get("syllables", {}).get(r, ()))  # whole syllables: "shi" / "shih"
            hit = frozenset(out)
            self._pinyin[ch] = hit
        return hit

    # -- comparing ---------------------------------------------------------------------------

    def compare(self, reading: Reading, latin: NameForm, rare: Callable[[str], bool] | None = None) -> ReadMatch | None:
        """Align the reading with a Latin name (see the module docstring): a Latin word (or two
        or three joined) takes a run of syllables it spells, or a word it spells or sounds like;
        best pairs first. Each syllable weighs as a word. A person's Latin middle names that a
        transcription leaves out (all the reading matched, the rest between matched words) do
        not count against it (Chinese and Japanese transcriptions only)."""
        toks = latin.tokens
        if not toks:
            return None
        generic_weight = self.normaliser.vocabulary.generic_weight
        sylls = reading.syllables
        # query units: every syllable, then every word that is not syllables
        unit_weight = [1.0] * len(sylls)
        shown = [_first_spelling(s) for s in sylls]
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
                joined = frozenset(_short(x + y) for x in a.codes for y in b.codes)
                full = frozenset(_full(x + "." + y) for x in a.full_codes for y in b.full_codes)
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
        options: list[tuple[float, tuple[int, ...], tuple[int, ...], str]] = []  # sim, units, tokens, how
        kanji = _kanji_spans(reading.words)
        possessives = {self.normaliser.ascii(m.group(1)).lower() + "s" for m in _POSSESSIVE.finditer(latin.original)}
        for tokset, text in latin_units:
            if sylls and text.isalpha():
                for start in range(len(sylls)):
                    for count in _spelled_runs(text, sylls, start):
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
        surname = self._transcribed_surname(reading, latin, pairs, used_c, len(used_q) == len(unit_weight), rare)
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

    @staticmethod
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
        if j != last or sim < SOUND_NEAR or len(_full(latin_code(word))) < SOUND_MIN_CODE or not rare(word):
            return None
        return word, min(sim, TRANSCRIBED_SURNAME)

    # -- retrieval keys ----------------------------------------------------------------------

    def key_groups(self, reading: Reading) -> list[frozenset[str]]:
        """Blocking keys that let a reading find Latin names (see :mod:`index`): each word's
        spellings and sound code, each syllable's spellings, adjacent syllables joined."""
        groups: list[frozenset[str]] = []
        for w in reading.words:
            if w.generic:
                continue
            keys = {"t" + s for s in w.spellings}
            for code in (w.code, *(v for v, _ in w.variants)):
                keys |= {"p" + c for c in (code.replace(".", ""), _short(code)) if len(c) >= SOUND_MIN_CODE}
            groups.append(frozenset(keys))
        sylls = reading.syllables
        for s in sylls:
            groups.append(frozenset("t" + x for x in s))
        for a, b in itertools.pairwise(sylls):
            top_a = sorted(a, key=lambda x: (len(x), x))[:JOINED_KEY_SPELLINGS]
            top_b = sorted(b, key=lambda x: (len(x), x))[:JOINED_KEY_SPELLINGS]
            groups.append(frozenset("t" + x + y for x in top_a for y in top_b))
        return groups


def sound_keys(word: str) -> set[str]:
    """The blocking keys of a Latin word's sound code (indexed for every listed Latin word):
    its classes, and its classes with runs made one (see :func:`sound_similarity`)."""
    code = latin_code(word)
    return {"p" + c for c in (code.replace(".", ""), _short(code)) if len(c) >= SOUND_MIN_CODE}


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
        vowels = _vowels(form.removesuffix("e"))
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
    return tuple(_full(w) for w in written), tuple(_short(w) for w in written)


_KANA_RUSSIAN = (
    (re.compile(r"ch(?=[auo])"), "ty"),  # チャ, チュ, チョ for тя, тю, тё ("ヴィチャズ" / Vityaz)
    (re.compile(r"j(?=i)"), "d"),  # ジ for ди ("ウラジーミル" / Vladimir)
    (re.compile(r"n(?=[bpm])"), "m"),  # ン before b, p, m is m ("テンプ" / Temp)
    (re.compile(r"^u(?=[^aeiouy])"), "v"),  # a first ウ for в ("ウラジオストク" / Vladivostok)
)


def kana_variants(romaji: str) -> list[str]:
    """Other readings of a Kana word transcribing a Russian or other foreign name: each rule of
    ``_KANA_RUSSIAN`` alone, and all of them together (Hepburn romaji in, romaji out)."""
    out = []
    together = romaji
    for rx, to in _KANA_RUSSIAN:
        changed = rx.sub(to, romaji)
        if changed != romaji:
            out.append(changed)
            together = rx.sub(to, together)
    if len(out) > 1:
        out.append(together)
    return out


def _vowels(text: str) -> str:
    return "".join(ch for ch in text.replace("y", "i") if ch in "aeiou")


def _in_order(small: str, big: str) -> bool:
    """Whether `small` is a subsequence of `big`."""
    it = iter(big)
    return all(ch in it for ch in small)


def short_vowels(romaji: str) -> str:
    """Hepburn romaji with a long o or u written once, as the lists write Japanese names
    ("Itou" / "Ito", "Ooshima" / "Oshima", "Yuuki" / "Yuki")."""
    return _LONG_VOWEL.sub("", romaji)


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


def _spelled_runs(text: str, sylls: tuple[frozenset[str], ...], start: int) -> list[int]:
    """The numbers of consecutive syllables from `start` whose spellings, one after another,
    make exactly `text`."""
    found: list[int] = []

    def walk(pos: int, i: int) -> None:
        if pos == len(text):
            found.append(i - start)
            return
        if i >= len(sylls):
            return
        for spelling in sylls[i]:
            if text.startswith(spelling, pos):
                walk(pos + len(spelling), i + 1)

    walk(0, start)
    return sorted(set(found))


def _split_latin(part: str) -> list[str]:
    """`part` cut into runs of ASCII and of other characters ("mbcヴィチャズ")."""
    return [m.group(0) for m in re.finditer(r"[\x00-\x7f]+|[^\x00-\x7f]+", part)]


def _han_codes(piece: str) -> tuple[str, tuple[tuple[str, str | None], ...]]:
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


def _first_spelling(spellings: frozenset[str]) -> str:
    """A spelling to show: the shortest (then first in order); "" for a character with no reading."""
    return min(spellings, key=lambda s: (len(s), s), default="")
