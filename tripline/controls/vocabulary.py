"""The domain vocabulary (``data/vocabulary.yaml``), validated at load."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from tripline import yamlfile
from tripline.errors import ConfigError

VOCABULARY_FILE = Path(__file__).with_name("data") / "vocabulary.yaml"
_CODE = re.compile(r"^\d[A-E]\d{3}$")


class SynonymSpec(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    terms: list[str] = Field(min_length=1)
    means: str
    codes: list[str] = []
    source: str = Field(min_length=5)

    @field_validator("codes")
    @classmethod
    def _codes(cls, codes: list[str]) -> list[str]:
        for code in codes:
            if not _CODE.match(code):
                raise ValueError(f"not a control-list code: {code!r}")
        return codes


class ParameterSpec(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    key: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    keywords: list[str] = Field(min_length=1)
    aliases: list[str] = []
    question: str


class VocabularySpec(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    synonyms: list[SynonymSpec]
    parameters: list[ParameterSpec]


@dataclass(frozen=True)
class SynonymHit:
    start: int  # position of the term in the description
    term: str
    means: str
    codes: tuple[str, ...]


class Vocabulary:
    """Synonym look-up and parameter naming."""

    def __init__(self, spec: VocabularySpec) -> None:
        self.spec = spec
        pairs = [(term.lower(), syn) for syn in spec.synonyms for term in syn.terms]
        pairs.sort(key=lambda p: len(p[0]), reverse=True)
        self._terms = pairs
        alternation = "|".join(re.escape(t) for t, _ in pairs)
        # a plural "s"/"es" after a term is the same goods ("thermal imaging cameras")
        self._term_re = re.compile(rf"(?<![\w-])(?:{alternation})(?:e?s)?(?![\w-])", re.IGNORECASE) if pairs else None
        self._by_term = dict(pairs)

    @classmethod
    def load(cls, path: Path = VOCABULARY_FILE) -> Vocabulary:
        try:
            data = yamlfile.safe_load(path.read_text(encoding="utf-8"))
            return cls(VocabularySpec.model_validate(data))
        except ValidationError as exc:
            err = exc.errors()[0]
            where = ".".join(str(p) for p in err["loc"])
            raise ConfigError(f"invalid vocabulary: {err['msg']}", file=path, field=where) from exc
        except yaml.YAMLError as exc:
            raise ConfigError(f"invalid YAML: {exc}", file=path) from exc

    def synonyms_in(self, text: str) -> list[SynonymHit]:
        """Each vocabulary term found in a description, in text order (longest match at a place)."""
        hits: list[SynonymHit] = []
        if self._term_re is None:
            return hits
        for m in self._term_re.finditer(text):
            word = m.group(0).lower()
            syn = self._by_term.get(word) or self._by_term.get(word[:-1]) or self._by_term[word[:-2]]
            hits.append(SynonymHit(m.start(), m.group(0), syn.means, tuple(syn.codes)))
        return hits

    def key_for(self, name: str, dimension: str) -> str:
        """The canonical key of a threshold named ``name`` in the list text."""
        low = name.lower()
        for spec, pattern in self._keyword_res:
            if pattern.search(low):
                return spec.key
        words = re.findall(r"[a-z0-9]+", low)
        return "_".join(words[-3:]) or dimension

    @cached_property
    def _keyword_res(self) -> list[tuple[ParameterSpec, re.Pattern[str]]]:
        return [
            (spec, re.compile(r"\b(?:" + "|".join(re.escape(k.lower()) for k in spec.keywords) + r")\b"))
            for spec in self.spec.parameters
        ]

    @cached_property
    def _aliases(self) -> dict[str, str]:
        out = {}
        for spec in self.spec.parameters:
            out[spec.key] = spec.key
            for alias in spec.aliases:
                out[alias.lower()] = spec.key
        return out

    def key_of_alias(self, name: str) -> str:
        """The canonical key for a ``--param NAME=...`` name (unknown names pass through)."""
        norm = re.sub(r"[^a-z0-9]+", "_", name.lower()).strip("_")
        return self._aliases.get(norm, norm)

    def question(self, key: str) -> str | None:
        for spec in self.spec.parameters:
            if spec.key == key:
                return spec.question
        return None
