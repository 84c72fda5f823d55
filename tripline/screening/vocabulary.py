"""The matcher's reference vocabulary (legal forms, generic words, abbreviations, romanisation).

Loaded from ``data/vocabulary.yaml`` and validated with pydantic; a bad file raises
:class:`~tripline.errors.ConfigError` naming the file and field.
"""

from __future__ import annotations

from functools import cached_property
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, field_validator

from tripline import yamlfile

VOCABULARY_FILE = Path(__file__).resolve().parent / "data" / "vocabulary.yaml"


class Vocabulary(BaseModel):
    """Word lists the normaliser and scorer use."""

    model_config = ConfigDict(frozen=True)

    generic_weight: float = Field(gt=0.0, le=1.0)
    native_legal_forms: tuple[str, ...]
    legal_forms: frozenset[str]
    generic_words: frozenset[str]
    abbreviations: dict[str, tuple[str, ...]]
    person_titles: frozenset[str] = frozenset()
    person_particles: frozenset[str] = frozenset()
    joined_legal_forms: dict[str, frozenset[str]] = Field(default_factory=dict)
    ordinal_words: dict[str, int] = Field(default_factory=dict)
    given_name_variants: tuple[tuple[str, ...], ...] = ()
    korean_family_names: tuple[tuple[str, ...], ...] = ()
    romanisation: tuple[tuple[str, str], ...]

    @field_validator("legal_forms", "generic_words", "person_titles", "person_particles")
    @classmethod
    def _lower_ascii(cls, words: frozenset[str]) -> frozenset[str]:
        for word in words:
            if not word.isascii() or word != word.lower():
                raise ValueError(f"{word!r} must be lower-case ASCII")
        return words

    @field_validator("joined_legal_forms")
    @classmethod
    def _joined_kinds(cls, value: dict[str, frozenset[str]]) -> dict[str, frozenset[str]]:
        unknown = set(value) - {"any_case", "camel_case"}
        if unknown:
            raise ValueError(f"unknown kind(s) {sorted(unknown)}: expected any_case, camel_case")
        return value

    @cached_property
    def nicknames(self) -> dict[str, frozenset[str]]:
        """Given names and their nicknames or short forms, both ways ("bob" <-> "robert"), from
        the PyPI package nicknames (hand-curated English names; its names.csv)."""
        from nicknames import name_triplets  # a small CSV, read only when first needed

        out: dict[str, set[str]] = {}
        for triplet in name_triplets():
            a, b = triplet.name1.lower(), triplet.name2.lower()
            if a.isascii() and b.isascii() and a.isalpha() and b.isalpha() and a != b:
                out.setdefault(a, set()).add(b)
                out.setdefault(b, set()).add(a)
        return {name: frozenset(others) for name, others in out.items()}

    @cached_property
    def equivalents(self) -> dict[str, frozenset[str]]:
        """Words that stand for each other, both ways: the abbreviations and the nicknames."""
        out: dict[str, set[str]] = {}
        for short, fulls in self.abbreviations.items():
            for full in fulls:
                out.setdefault(short, set()).add(full)
                out.setdefault(full, set()).add(short)
        for name, others in self.nicknames.items():
            out.setdefault(name, set()).update(others)
        for group in self.given_name_variants:
            for name in group:
                out.setdefault(name, set()).update(n for n in group if n != name)
        for name, others in self.korean_family_variants.items():
            out.setdefault(name, set()).update(others)
        return {word: frozenset(others) for word, others in out.items()}

    @cached_property
    def korean_family_variants(self) -> dict[str, frozenset[str]]:
        """Spellings of one Korean family name in the romanisations lists use (Revised,
        McCune-Reischauer, North Korean and customary: "Pak" / "Park" / "Bak"), both ways."""
        return {name: frozenset(n for n in group if n != name) for group in self.korean_family_names for name in group}

    @cached_property
    def native_forms_longest_first(self) -> tuple[str, ...]:
        return tuple(sorted(self.native_legal_forms, key=len, reverse=True))


def load_vocabulary(path: Path = VOCABULARY_FILE) -> Vocabulary:
    """Read and validate a vocabulary file."""
    return yamlfile.load_model(path, Vocabulary, "vocabulary")
