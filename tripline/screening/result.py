"""Shapes of screening: the query, one match, the result (frozen; `to_dict` gives the JSON)."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any

from tripline.errors import InputError
from tripline.screening.rules import THRESHOLD

DEFAULT_THRESHOLD = THRESHOLD  # the rules' caps are set against it (rules.calibrated)
DEFAULT_LIMIT = 10


@dataclass(frozen=True, slots=True)
class ScreeningQuery:
    """What is screened: a name and what else is known about the party."""

    name: str
    country: str | None = None  # ISO 3166-1 alpha-2, lower case
    birth_date: str | None = None  # YYYY, YYYY-MM or YYYY-MM-DD
    schema: str | None = None  # FollowTheMoney schema name (Person, Company, Vessel...)
    identifiers: tuple[str, ...] = ()

    @classmethod
    def build(
        cls,
        name: str,
        *,
        country: str | None = None,
        birth_date: str | None = None,
        schema: str | None = None,
        identifiers: tuple[str, ...] = (),
        field_prefix: str = "",
    ) -> ScreeningQuery:
        """Validate and normalise user input; raises :class:`InputError` naming the field."""
        if not name or not name.strip():
            raise InputError("name is empty", field=f"{field_prefix}name")
        if len(name) > 1000:
            raise InputError("name is longer than 1000 characters", field=f"{field_prefix}name")
        cc = None
        if country or (birth_date and birth_date.strip()):
            from followthemoney.types import registry  # imported when needed: it loads the whole model
        if country:
            cc = registry.country.clean(country.strip())
            if cc is None:
                raise InputError(f"not a country: {country!r}", field=f"{field_prefix}country")
        bd = None
        if birth_date and birth_date.strip():
            bd = registry.date.clean(birth_date.strip())
            if bd is None or len(bd) not in (4, 7, 10):
                raise InputError(f"not a date (YYYY[-MM[-DD]]): {birth_date!r}", field=f"{field_prefix}birth_date")
        sc = None
        if schema and schema.strip():
            from followthemoney import model

            found = model.get(schema.strip())
            if found is None:
                raise InputError(f"unknown schema {schema!r}", field=f"{field_prefix}schema")
            sc = found.name
        return cls(name=name.strip(), country=cc, birth_date=bd, schema=sc, identifiers=identifiers)

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"name": self.name}
        if self.country:
            out["country"] = self.country
        if self.birth_date:
            out["birth_date"] = self.birth_date
        if self.schema:
            out["schema"] = self.schema
        if self.identifiers:
            out["identifiers"] = list(self.identifiers)
        return out


@dataclass(frozen=True, slots=True)
class ListedRow:
    """Another list row of a matched party (see ``linking.py`` for how rows are linked)."""

    entity_id: str
    caption: str
    schema: str
    list: str
    list_entry_id: str
    linked_by: str  # the evidence that linked this row into the party ("UN reference KPe.001", ...)
    score: float | None = None  # this row's own score, when it reached the threshold too

    def to_dict(self) -> dict[str, Any]:
        return {
            "entity_id": self.entity_id,
            "caption": self.caption,
            "schema": self.schema,
            "list": self.list,
            "list_entry_id": self.list_entry_id,
            "linked_by": self.linked_by,
            "score": self.score,
        }


@dataclass(frozen=True, slots=True)
class Match:
    """One listed entity that matched, with why."""

    entity_id: str
    caption: str
    schema: str
    list: str
    list_entry_id: str
    score: float
    matched_name: str
    explanation: tuple[str, ...]
    decision: dict[str, Any] | None = None
    also_listed_as: tuple[ListedRow, ...] = ()  # the same party's other list rows; `score` is the best of all

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "entity_id": self.entity_id,
            "caption": self.caption,
            "schema": self.schema,
            "list": self.list,
            "list_entry_id": self.list_entry_id,
            "score": self.score,
            "matched_name": self.matched_name,
            "explanation": list(self.explanation),
            "also_listed_as": [row.to_dict() for row in self.also_listed_as],
        }
        if self.decision is not None:
            out["decision"] = self.decision
        return out

    def with_decision(self, decision: dict[str, Any]) -> Match:
        return replace(self, decision=decision)


@dataclass(frozen=True, slots=True)
class ScreeningResult:
    """Ranked matches for one query, best first, none below the threshold."""

    query: ScreeningQuery
    matches: tuple[Match, ...] = field(default=())
    threshold: float = DEFAULT_THRESHOLD

    def to_dict(self) -> dict[str, Any]:
        return {"query": self.query.to_dict(), "matches": [m.to_dict() for m in self.matches]}


@dataclass(frozen=True, slots=True)
class Comparison:
    """The score of two names and its explanation (``tripline compare``)."""

    score: float
    match: bool
    explanation: tuple[str, ...]

    def to_dict(self) -> dict[str, Any]:
        return {"score": self.score, "match": self.match, "explanation": list(self.explanation)}
