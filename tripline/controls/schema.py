"""Pydantic shapes of a classification request and answer (the JSON contract of issue 4)."""

from __future__ import annotations

from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field, field_validator


class GoodsQuery(BaseModel):
    """One goods description with what the caller knows about it."""

    model_config = ConfigDict(extra="forbid")

    description: str = Field(min_length=1, max_length=5000)
    hs_code: str | None = Field(default=None, max_length=20)
    params: dict[str, str] = Field(default_factory=dict, description='NAME -> VALUE with unit, e.g. {"mpe": "1.5 um"}')
    end_use: str | None = Field(default=None, max_length=1000)
    end_user: str | None = Field(default=None, max_length=500)
    destination: str | None = Field(default=None, max_length=60, description="ISO 3166 alpha-2 or country name")

    @field_validator("description")
    @classmethod
    def _not_blank(cls, value: str) -> str:
        if not value.strip():
            raise ValueError("description is blank")
        return value


class ParamVerdict(StrEnum):
    MEETS = "meets"  # the item reaches the control threshold
    BELOW = "below"  # the item does not reach it (not controlled by this parameter)
    UNKNOWN = "unknown"  # value not given: ask the question


class Listed(StrEnum):
    YES = "yes"  # an entry's text and thresholds are met
    NO = "no"  # no entry applies (see catch_all and reasons)
    UNKNOWN = "unknown"  # a candidate entry applies only if parameters not yet known are met


class ParameterCheck(BaseModel):
    name: str  # canonical key, e.g. "angular_accuracy"
    item: str  # the sub-item whose threshold this is, e.g. "2B006.c"
    required: str  # e.g. 'angular position accuracy <= 0.9 arcsec'
    found: str | None  # the value read from the description or --param, or None
    verdict: ParamVerdict
    question: str | None = None  # what to ask the exporter when unknown


class Candidate(BaseModel):
    code: str  # EU Annex I code when the EU list has it, else the ECCN
    eu_code: str | None
    eccn: str | None
    regimes: list[str]
    regime_refs: list[str]
    title: str
    score: float
    items: list[str]  # sub-items that matched best
    evidence: list[str]
    parameters: list[ParameterCheck]
    status: ParamVerdict  # meets/below/unknown for the matched branch as a whole


class CatchAll(BaseModel):
    applies: bool
    rules: list[str]  # legal bases, e.g. "EU 2021/821 Art. 4(1)(a)"


class Verdict(BaseModel):
    listed: Listed
    eu_code: str | None
    eccn: str  # an ECCN, or "EAR99" when no CCL entry applies
    catch_all: bool
    reasons: list[str]
    catch_all_rules: list[str] = []
    questions: list[str] = []


class Classification(BaseModel):
    query: GoodsQuery
    verdict: Verdict
    candidates: list[Candidate]
