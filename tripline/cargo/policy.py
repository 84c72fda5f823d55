"""The targeting policy: weights, thresholds, destinations and hubs of concern, from one YAML file."""

from __future__ import annotations

import re
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from tripline import yamlfile
from tripline.errors import ConfigError

DEFAULT_POLICY = Path(__file__).resolve().parent / "data" / "policy.yaml"


class DestinationKind(StrEnum):
    UN_ARMS_EMBARGO = "un_arms_embargo"
    UN_TARGETED = "un_targeted_measures"
    POLICY = "policy"


Points = Annotated[float, Field(ge=0, le=1000)]


class _Spec(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Thresholds(_Spec):
    inspect: Points
    review: Points


class PartyWeights(_Spec):
    shipper: Points
    consignee: Points
    notify: Points
    end_user: Points


class DestinationWeights(_Spec):
    un_arms_embargo: Points
    un_targeted_measures: Points
    policy: Points


class RadiationWeights(_Spec):
    threat: Points
    unresolved: Points
    norm_expected: Points


class Weights(_Spec):
    party_hit: PartyWeights
    controlled_goods: Points
    destination: DestinationWeights
    transshipment_hub: Points
    hs_description_mismatch: Points
    radiation: RadiationWeights
    forwarder_consignee_machinery: Points
    first_shipment: Points
    end_user_elsewhere: Points
    # a listed item for an end user under EU and US arms embargo, consigned to a third country
    embargoed_end_user_via_third_country: Points = 0


class Destination(_Spec):
    country: str = Field(pattern=r"^[A-Z]{2}$")
    kind: DestinationKind
    source: str = Field(min_length=3)


class Embargo(_Spec):
    """A country under both an EU and a US arms embargo (the catch-all's end-user countries)."""

    country: str = Field(pattern=r"^[A-Z]{2}$")
    source: str = Field(min_length=3)


class Hub(_Spec):
    locode: str = Field(pattern=r"^[A-Z]{2}[A-Z2-9]{3}$")
    source: str = Field(min_length=3)


class Policy(_Spec):
    version: int = Field(ge=1)
    name: str
    thresholds: Thresholds
    weights: Weights
    party_match_threshold: float = Field(ge=0, le=1)
    controls_match_threshold: float = Field(ge=0, le=1)
    # an unresolved alarm earns its weight x min(excess sigma / this, 1): nothing at or below 0 sigma
    radiation_full_sigma: float = Field(default=4.0, gt=0, le=100)
    destinations: tuple[Destination, ...]
    embargoes: tuple[Embargo, ...] = ()
    hubs: tuple[Hub, ...]
    forwarder_terms: tuple[str, ...]
    machinery_chapters: tuple[str, ...]
    norm_headings: tuple[str, ...]

    @field_validator("machinery_chapters")
    @classmethod
    def _chapters(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        for v in value:
            if not re.fullmatch(r"\d{2}", v):
                raise ValueError(f"{v!r} is not a 2-digit HS chapter")
        return value

    @field_validator("norm_headings")
    @classmethod
    def _headings(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        for v in value:
            if not re.fullmatch(r"\d{4}", v):
                raise ValueError(f"{v!r} is not a 4-digit HS heading")
        return value

    @field_validator("forwarder_terms")
    @classmethod
    def _terms(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        return tuple(v.lower().strip() for v in value if v.strip())

    @model_validator(mode="after")
    def _order(self) -> Policy:
        if self.thresholds.review > self.thresholds.inspect:
            raise ValueError("thresholds.review must not exceed thresholds.inspect")
        return self

    def destination(self, country: str | None) -> Destination | None:
        """The destination entry of ``country``; a country of the ``embargoes`` not listed among the
        destinations counts as one of kind ``policy`` (the policy follows that EU and US arms embargo):
        a controlled item shipped straight to it must not earn less than one diverted there."""
        if not country:
            return None
        for d in self.destinations:
            if d.country == country:
                return d
        embargo = self.embargo(country)
        if embargo is None:
            return None
        return Destination(
            country=embargo.country,
            kind=DestinationKind.POLICY,
            source=f"{embargo.source} (EU and US arms embargo, from the policy's embargoes)",
        )

    def embargo(self, country: str | None) -> Embargo | None:
        return next((e for e in self.embargoes if e.country == country), None) if country else None

    def hub(self, locode: str) -> Hub | None:
        for h in self.hubs:
            if h.locode == locode:
                return h
        return None


def load_policy(path: Path | None = None) -> Policy:
    """Load and validate a policy file (default: the bundled example policy)."""
    source = path or DEFAULT_POLICY
    try:
        raw = yamlfile.safe_load(source.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ConfigError("policy file not found", file=source) from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark is not None else None
        raise ConfigError(f"not valid YAML: {getattr(exc, 'problem', exc)}", file=source, line=line) from None
    if not isinstance(raw, dict):
        raise ConfigError("policy must be a YAML mapping", file=source)
    try:
        return Policy.model_validate(raw)
    except ValidationError as exc:
        err = exc.errors()[0]
        where = ".".join(str(p) for p in err["loc"]) or None
        more = f" (and {len(exc.errors()) - 1} more)" if len(exc.errors()) > 1 else ""
        raise ConfigError(err["msg"] + more, file=source, field=where, line=_line_of(source, err["loc"])) from None


def _line_of(path: Path, loc: tuple[int | str, ...]) -> int | None:
    """Best-effort line of the first key of ``loc`` in the YAML text."""
    keys = [p for p in loc if isinstance(p, str)]
    if not keys:
        return None
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except OSError:
        return None
    start = 0
    found: int | None = None
    for key in keys:
        pattern = re.compile(rf"^\s*-?\s*{re.escape(key)}\s*:")
        for i in range(start, len(lines)):
            if pattern.match(lines[i]):
                found, start = i + 1, i + 1
                break
    return found
