"""The tables that read names in other scripts, ``data/scripts.yaml``, validated at load: jamo
spellings, customary syllable spellings, pinyin variants, the glossary, Han given names and abjad
letters (see :mod:`scripts`)."""

from __future__ import annotations

from functools import cached_property
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, field_validator

from tripline import yamlfile
from tripline.screening.script_chars import HAN, HANGUL

SCRIPTS_FILE = Path(__file__).resolve().parent / "data" / "scripts.yaml"
ABJAD_CLASSES = ("B", "D", "G", "S", "L", "M", "N", "H")


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
            if len(key) != 1 or not HANGUL.match(key):
                raise ValueError(f"{key!r} is not one Hangul syllable")
            _check_spellings(spellings)
        return value

    @field_validator("han_given_names")
    @classmethod
    def _han_names(cls, value: dict[str, tuple[str, ...]]) -> dict[str, tuple[str, ...]]:
        for name, spellings in value.items():
            if not name or not all(HAN.match(ch) for ch in name) or not spellings:
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


def load_tables(path: Path = SCRIPTS_FILE) -> ScriptTables:
    """Read and validate the script tables; a key given twice in one table is an error naming
    its line (YAML would keep the second silently: "機械" once lost its Chinese reading so)."""
    return yamlfile.load_model(path, ScriptTables, "script tables")
