"""Screening over HTTP: the yente-compatible ``/match/{dataset}``, Tripline's own screen, batch,
compare and decision routes. Logic lives in :mod:`tripline.screening` (:mod:`~tripline.screening.scoped`
for the authority's view); this is the edge."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, Path, Query
from pydantic import BaseModel, Field

from tripline.api import yente
from tripline.auth.roles import Permission
from tripline.auth.service import Principal
from tripline.errors import TooLargeError
from tripline.http.deps import get_runtime, require
from tripline.jsonbody import ParsedJsonRoute
from tripline.runtime import Runtime
from tripline.screening.compare import compare
from tripline.screening.decisions import Verdict
from tripline.screening.result import DEFAULT_LIMIT, DEFAULT_THRESHOLD, ScreeningQuery, ScreeningResult
from tripline.screening.scoped import MatchFilter, check_dataset, match_entity, record_verdict, screen_for
from tripline.settings import Settings

MAX_BATCH = 1000


class ScreenIn(BaseModel):
    name: str = Field(min_length=1, max_length=1000)
    country: str | None = Field(default=None, max_length=64)
    birth_date: str | None = Field(default=None, max_length=32)
    schema_: str | None = Field(default=None, alias="schema", max_length=64)
    identifiers: list[str] = Field(default_factory=list, max_length=20)

    def query(self, prefix: str = "") -> ScreeningQuery:
        return ScreeningQuery.build(
            self.name,
            country=self.country,
            birth_date=self.birth_date,
            schema=self.schema_,
            identifiers=tuple(i[:100] for i in self.identifiers),
            field_prefix=prefix,
        )


class ListedRowOut(BaseModel):
    entity_id: str
    caption: str
    schema_: str = Field(alias="schema")
    list_: str = Field(alias="list")
    list_entry_id: str
    linked_by: str
    score: float | None = None


class MatchOut(BaseModel):
    entity_id: str
    caption: str
    schema_: str = Field(alias="schema")
    list_: str = Field(alias="list")
    list_entry_id: str
    score: float
    matched_name: str
    explanation: list[str]
    also_listed_as: list[ListedRowOut] = Field(
        default_factory=list, description="The same party's other list rows; `score` is the best of all its rows."
    )
    decision: dict[str, Any] | None = None


class ResultOut(BaseModel):
    query: dict[str, Any]
    matches: list[MatchOut]


class BatchIn(BaseModel):
    queries: list[ScreenIn] = Field(min_length=1, max_length=MAX_BATCH)
    threshold: float = Field(default=DEFAULT_THRESHOLD, ge=0.0, le=1.0)
    limit: int = Field(default=DEFAULT_LIMIT, ge=1, le=100)


class CompareIn(BaseModel):
    name_a: str = Field(min_length=1, max_length=1000)
    name_b: str = Field(min_length=1, max_length=1000)
    schema_: str | None = Field(default=None, alias="schema", max_length=64)


class CompareOut(BaseModel):
    score: float
    match: bool
    explanation: list[str]


class DecisionIn(BaseModel):
    query_name: str = Field(min_length=1, max_length=1000)
    entity_id: str = Field(min_length=1, max_length=255)
    verdict: Verdict
    reason: str = Field(min_length=1, max_length=4000)


class DecisionOut(BaseModel):
    id: int
    query_name: str
    entity_id: str
    verdict: Verdict
    reason: str
    decided_by: str
    decided_at: str


def result_out(result: ScreeningResult) -> ResultOut:
    return ResultOut.model_validate(result.to_dict())


def build_router(_settings: Settings) -> APIRouter:
    router = APIRouter(tags=["screening"], route_class=ParsedJsonRoute)
    can = require(Permission.SCREEN)

    @router.post(
        "/match/{dataset}",
        response_model=yente.EntityMatchResponse,
        response_model_by_alias=True,
        summary="Match entities (OpenSanctions yente request and response shape)",
    )
    def match(
        body: yente.EntityMatchQuery,
        dataset: str = Path(max_length=100, description="`default` (every list) or a list id"),
        threshold: float = Query(default=DEFAULT_THRESHOLD, ge=0.0, le=1.0, description="Score at which match=true"),
        cutoff: float = Query(default=0.5, ge=0.0, le=1.0, description="Lowest score returned"),
        limit: int = Query(default=5, ge=1, le=500),
        algorithm: str = Query(default="tripline", max_length=64, description="Accepted; Tripline's scorer runs"),
        include_dataset: list[str] = Query(default_factory=list, max_length=50),
        exclude_dataset: list[str] = Query(default_factory=list, max_length=50),
        exclude_schema: list[str] = Query(default_factory=list, max_length=50),
        principal: Principal = Depends(can),
        rt: Runtime = Depends(get_runtime),
    ) -> yente.EntityMatchResponse:
        if len(body.queries) > yente.MAX_QUERIES:
            raise TooLargeError(f"at most {yente.MAX_QUERIES} queries per request", field="queries")
        check_dataset(rt.db, dataset)
        keep = MatchFilter(dataset, include_dataset, exclude_dataset, exclude_schema, cutoff)
        responses: dict[str, yente.EntityMatches] = {}
        for key, example in body.queries.items():
            names = yente.to_queries(key, example)
            found, total = match_entity(
                rt.db, rt.screener_cache(), principal, names, keep, threshold=threshold, limit=limit
            )
            results = [yente.scored(m, listed, threshold) for m, listed in found]
            responses[key] = yente.EntityMatches(results=results, total=yente.TotalSpec(value=total), query=example)
        return yente.EntityMatchResponse(responses=responses, matcher=yente.MATCHER, limit=limit)

    @router.post("/api/screen", response_model=ResultOut, summary="Screen one party: ranked, explained matches")
    def screen_one(
        body: ScreenIn,
        threshold: float = Query(default=DEFAULT_THRESHOLD, ge=0.0, le=1.0),
        limit: int = Query(default=DEFAULT_LIMIT, ge=1, le=100),
        principal: Principal = Depends(can),
        rt: Runtime = Depends(get_runtime),
    ) -> ResultOut:
        (result,) = screen_for(rt.db, rt.screener_cache(), principal, [body.query()], threshold=threshold, limit=limit)
        return result_out(result)

    @router.post("/api/screen/batch", response_model=list[ResultOut], summary="Screen up to 1000 parties")
    def screen_batch(
        body: BatchIn, principal: Principal = Depends(can), rt: Runtime = Depends(get_runtime)
    ) -> list[ResultOut]:
        queries = [q.query(f"queries.{i}.") for i, q in enumerate(body.queries)]
        results = screen_for(rt.db, rt.screener_cache(), principal, queries, threshold=body.threshold, limit=body.limit)
        return [result_out(r) for r in results]

    @router.post("/api/compare", response_model=CompareOut, summary="Score two names and explain the score")
    def compare_names(body: CompareIn, _principal: Principal = Depends(can)) -> CompareOut:
        result = compare(body.name_a, body.name_b, body.schema_)
        return CompareOut(score=result.score, match=result.match, explanation=list(result.explanation))

    @router.post(
        "/api/screen/decisions", response_model=DecisionOut, status_code=201, summary="Record a verdict on a match"
    )
    def decide(
        body: DecisionIn, principal: Principal = Depends(can), rt: Runtime = Depends(get_runtime)
    ) -> DecisionOut:
        decision = record_verdict(
            rt.db, rt.screener_cache(), principal, body.query_name, body.entity_id, body.verdict, body.reason
        )
        return DecisionOut.model_validate(decision.to_dict())

    return router
