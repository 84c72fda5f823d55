"""Sharing agreements as data: YAML files validated into typed specs with clear errors."""

from __future__ import annotations

import re
from datetime import date
from enum import StrEnum
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from tripline import yamlfile
from tripline.errors import ConfigError, FormatError
from tripline.exchange.documents import Classification, DocType, Purpose

AGREEMENT_ID = re.compile(r"^[a-z0-9][a-z0-9-]{0,62}$")
EXAMPLES_DIR = Path(__file__).resolve().parent / "agreements"


class OnwardRelease(StrEnum):
    CONSENT = "consent"  # passing to a third party needs the originator's signed consent
    FORBIDDEN = "forbidden"  # never
    FREE = "free"  # allowed unless the document's own caveats say otherwise


class Reciprocity(BaseModel):
    """What each side must provide in return, and how far the running balance may lean."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    provides: dict[str, tuple[DocType, ...]] = Field(
        description="Per party: the document types it gives in return (counted in its favour)."
    )
    max_outstanding: int = Field(
        ge=1, description="A party may hold at most this many more documents than it has given in return."
    )


class Agreement(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    id: str = Field(pattern=AGREEMENT_ID.pattern)
    title: str = Field(min_length=1)
    parties: tuple[str, ...] = Field(min_length=2)
    legal_basis: str = Field(min_length=1)
    document_types: tuple[DocType, ...] = Field(min_length=1)
    purposes: tuple[Purpose, ...] = Field(min_length=1)
    protects: dict[str, tuple[Classification, ...]] = Field(
        description="Per party: the classification levels it protects equivalently."
    )
    reciprocity: Reciprocity | None = None
    onward_release: OnwardRelease = OnwardRelease.CONSENT
    valid_from: date
    valid_until: date

    @model_validator(mode="after")
    def _consistent(self) -> Agreement:
        if len(set(self.parties)) != len(self.parties):
            raise ValueError("parties must be distinct")
        for name in self.protects:
            if name not in self.parties:
                raise ValueError(f"protects names {name!r}, which is not a party")
        for party in self.parties:
            if party not in self.protects:
                raise ValueError(f"protects must list the levels party {party!r} protects")
        if self.reciprocity is not None:
            for name in self.reciprocity.provides:
                if name not in self.parties:
                    raise ValueError(f"reciprocity.provides names {name!r}, which is not a party")
        if self.valid_until < self.valid_from:
            raise ValueError("valid_until is before valid_from")
        return self

    def covers_pair(self, a: str, b: str) -> bool:
        return a != b and a in self.parties and b in self.parties


def _line_of(text: str, key: str) -> int | None:
    for number, line in enumerate(text.splitlines(), start=1):
        if line.lstrip().startswith(f"{key}:") or line.lstrip().startswith(f"- {key}:"):
            return number
    return None


def parse_agreement(text: str, *, source: str = "agreement") -> Agreement:
    """Parse and validate one agreement; errors name the file, line and field."""
    try:
        data: Any = yamlfile.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        raise FormatError(f"not valid YAML: {exc}", file=source, line=mark.line + 1 if mark else None) from exc
    if not isinstance(data, dict):
        raise FormatError("an agreement must be a YAML mapping", file=source)
    try:
        return Agreement.model_validate(data)
    except ValidationError as exc:
        first = exc.errors()[0]
        loc = [str(p) for p in first["loc"]]
        field = ".".join(loc) or None
        line = _line_of(text, loc[0]) if loc else None
        raise ConfigError(first["msg"], file=source, line=line, field=field) from exc


def load_agreement(path: Path) -> Agreement:
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise FormatError(f"cannot read: {exc.strerror}", file=path) from exc
    return parse_agreement(text, source=str(path))


def example_paths() -> list[Path]:
    """The demo agreements shipped with the package (written for the seed situations)."""
    return sorted(EXAMPLES_DIR.glob("*.yaml"))
