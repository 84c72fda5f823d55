"""OpenSanctions yente's ``/match/{dataset}`` request and response shapes, so yente clients work
unchanged against Tripline (shapes as in yente's ``yente/data/common.py``).

A query is a FollowTheMoney entity example; Tripline screens each of its names (with its
country, birth date and identifiers) and answers every listed entity once, with its best score.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from followthemoney import model
from pydantic import BaseModel, ConfigDict, Field

from tripline.errors import InputError
from tripline.lists.model import ListedEntity
from tripline.screening.result import Match, ScreeningQuery

MAX_QUERIES = 100
NAME_PROPS = ("name", "alias", "previousName", "weakAlias", "firstName", "lastName")
COUNTRY_PROPS = ("country", "nationality", "citizenship", "jurisdiction", "mainCountry", "flag", "registrationCountry")
ID_PROPS = (
    "idNumber",
    "passportNumber",
    "registrationNumber",
    "taxNumber",
    "imoNumber",
    "leiCode",
    "innCode",
    "ogrnCode",
    "vatCode",
    "swiftBic",
    "mmsi",
)


class EntityExample(BaseModel):
    """One query entity (yente's ``EntityExample``)."""

    model_config = ConfigDict(populate_by_name=True)

    id: str | None = Field(default=None, max_length=200, examples=["my-entity-id"])
    schema_: str = Field(alias="schema", max_length=64, examples=["Person"])
    properties: dict[str, str | list[Any]] = Field(examples=[{"name": ["John Doe"]}])


class EntityMatchQuery(BaseModel):
    """The body of ``POST /match/{dataset}``."""

    weights: dict[str, float] = Field(default_factory=dict, description="Accepted for compatibility; not used.")
    config: dict[str, Any] = Field(default_factory=dict, description="Accepted for compatibility; not used.")
    queries: dict[str, EntityExample]


class TotalSpec(BaseModel):
    value: int
    relation: str = "eq"


class ScoredEntityResponse(BaseModel):
    model_config = ConfigDict(populate_by_name=True)

    id: str
    caption: str
    schema_: str = Field(alias="schema")
    properties: dict[str, list[str]]
    datasets: list[str]
    referents: list[str] = Field(default_factory=list)
    target: bool = True
    first_seen: datetime | None = None
    last_seen: datetime | None = None
    last_change: datetime | None = None
    score: float
    features: dict[str, float]
    match: bool
    explanation: list[str] = Field(description="Tripline extension: why the entity matched.")
    also_listed_as: list[dict[str, Any]] = Field(
        default_factory=list,
        description="Tripline extension: the same party's other list rows (their ids are also in `referents`).",
    )


class EntityMatches(BaseModel):
    status: int = 200
    results: list[ScoredEntityResponse]
    total: TotalSpec
    query: EntityExample


class FeatureDoc(BaseModel):
    description: str
    coefficient: float
    url: str


class EntityMatchResponse(BaseModel):
    responses: dict[str, EntityMatches]
    matcher: dict[str, FeatureDoc]
    limit: int


MATCHER: dict[str, FeatureDoc] = {
    "name_match": FeatureDoc(
        description="Tripline name score: normalised, transliterated token alignment with typo budget "
        "(see tripline/screening/scorer.py); country, birth date and identifiers adjust it.",
        coefficient=1.0,
        url="https://github.com/tripline/tripline/blob/main/tripline/screening/scorer.py",
    )
}


def _values(props: dict[str, str | list[Any]], names: tuple[str, ...]) -> list[str]:
    out: list[str] = []
    for prop in names:
        raw = props.get(prop)
        items = raw if isinstance(raw, list) else [raw] if raw is not None else []
        out.extend(str(v).strip() for v in items if isinstance(v, str | int | float) and str(v).strip())
    return out


def to_queries(key: str, example: EntityExample) -> list[ScreeningQuery]:
    """The Tripline queries for one yente query entity: one per name."""
    schema = model.get(example.schema_)
    if schema is None:
        raise InputError(f"unknown schema {example.schema_!r}", field=f"queries.{key}.schema")
    props = example.properties
    names = _values(props, NAME_PROPS[:4])
    parts = " ".join(_values(props, ("firstName",)) + _values(props, ("lastName",)))
    if parts:
        names.append(parts)
    if not names:
        raise InputError("a query needs a name", field=f"queries.{key}.properties.name")
    countries = _values(props, COUNTRY_PROPS)
    births = _values(props, ("birthDate",))
    identifiers = tuple(_values(props, ID_PROPS))[:20]
    out = []
    for name in dict.fromkeys(names[:20]):
        out.append(
            ScreeningQuery.build(
                name,
                country=countries[0] if countries else None,
                birth_date=births[0] if births else None,
                schema=schema.name,
                identifiers=identifiers,
                field_prefix=f"queries.{key}.",
            )
        )
    return out


def scored(match: Match, listed: ListedEntity | None, threshold: float) -> ScoredEntityResponse:
    props = listed.properties if listed is not None else {"name": [match.caption]}
    return ScoredEntityResponse(
        id=match.entity_id,
        caption=match.caption,
        schema=match.schema,
        properties={k: [str(v) for v in vs] for k, vs in props.items()},
        datasets=list(dict.fromkeys([match.list, *(row.list for row in match.also_listed_as)])),
        referents=([match.list_entry_id] if match.list_entry_id else [])
        + [row.entity_id for row in match.also_listed_as],
        last_change=listed.changed_at if listed is not None else None,
        score=round(match.score, 4),
        features={"name_match": round(match.score, 4)},
        match=match.score >= threshold,
        explanation=list(match.explanation),
        also_listed_as=[row.to_dict() for row in match.also_listed_as],
    )
