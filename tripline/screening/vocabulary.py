"""The matcher's reference vocabulary (legal forms, generic words, abbreviations, romanisation).

Loaded from ``data/vocabulary.yaml`` and validated with pydantic; a bad file raises
:class:`~tripline.errors.ConfigError` naming the file and field.
"""

from __future__ import annotations

from functools import cached_property
from pathlib import Path

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from tripline.errors import ConfigError

VOCABULARY_FILE = Path(__file__).resolve().parent / "data" / "vocabulary.yaml"


class Vocabulary(BaseModel):
    """Word lists the normaliser and scorer use."""

    model_config = ConfigDict(frozen=True)

    generic_weight: float = Field(gt=0.0, le=1.0)
    native_legal_forms: tuple[str, ...]
    legal_forms: frozenset[str]
    generic_words: frozenset[str]
    abbreviations: dict[str, tuple[str, ...]]
    romanisation: tuple[tuple[str, str], ...]

    @field_validator("legal_forms", "generic_words")
    @classmethod
    def _lower_ascii(cls, words: frozenset[str]) -> frozenset[str]:
        for word in words:
            if not word.isascii() or word != word.lower():
                raise ValueError(f"{word!r} must be lower-case ASCII")
        return words

    @cached_property
    def native_forms_longest_first(self) -> tuple[str, ...]:
        return tuple(sorted(self.native_legal_forms, key=len, reverse=True))


def load_vocabulary(path: Path = VOCABULARY_FILE) -> Vocabulary:
    """Read and validate a vocabulary file."""
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise ConfigError(f"cannot read vocabulary: {exc}", file=path) from exc
    try:
        return Vocabulary.model_validate(raw)
    except ValidationError as exc:
        first = exc.errors()[0]
        field = ".".join(str(p) for p in first["loc"])
        raise ConfigError(first["msg"], file=path, field=field) from exc
