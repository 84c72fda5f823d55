"""Screening over HTTP: the yente-compatible ``/match/{dataset}``, Tripline's own screen, batch,
compare and decision routes. Logic lives in :mod:`tripline.screening`; this is the edge."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from fastapi import APIRouter, Depends, Path, Query
from pydantic import BaseModel, Field

from tripline.api import yente
from tripline.api.deps import get_db, require
from tripline.auth.roles import Permission
from tripline.auth.service import Principal
from tripline.errors import InputError, NotFoundError, TooLargeError
from tripline.lists.model import ListedEntity
from tripline.lists.store import get_entity, latest_snapshots
from tripline.screening.compare import compare
from tripline.screening.decisions import Decision, Verdict, record_decision
from tripline.screening.result import DEFAULT_LIMIT, DEFAULT_THRESHOLD, Match, ScreeningQuery, ScreeningResult
from tripline.screening.service import ScreenerCache, screen
from tripline.settings import Settings
from tripline.store.db import Database

MAX_BATCH = 1000


def decided_by(principal: Principal) -> str:
    return f"{principal.username}@{principal.authority_code}"


def record_verdict(
    db: Database,
    cache: ScreenerCache,
    principal: Principal,
    query_name: str,
    entity_id: str,
    verdict: Verdict,
    reason: str,
) -> Decision:
    """Record the caller's verdict on a (query, listed entity) pair, as ``user@AUTHORITY``."""
    screener = cache.get(db)
    if screener.score_entity(ScreeningQuery.build(query_name, field_prefix="query_"), entity_id) is None:
        raise InputError(f"no listed entity {entity_id!r}", field="entity_id")
    with db.transaction() as session:
        return record_decision(
            session,
            screener.normaliser,
            query_name=query_name,
            entity_id=entity_id,
            verdict=verdict,
            reason=reason,
            decided_by=decided_by(principal),
        )


def own_decisions(result: ScreeningResult, principal: Principal) -> ScreeningResult:
    """Only decisions taken in the caller's authority are shown to it."""
    suffix = "@" + principal.authority_code
    matches = tuple(
        m if m.decision is None or str(m.decision.get("decided_by", "")).endswith(suffix) else replace(m, decision=None)
        for m in result.matches
    )
    return replace(result, matches=matches)


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


def _party(match: Match) -> str:
    """One key per party, whichever of its rows a query's match shows."""
    return min([match.entity_id, *(row.entity_id for row in match.also_listed_as)])


def _lists(match: Match) -> set[str]:
    return {match.list, *(row.list for row in match.also_listed_as)}


def _merge(results: list[ScreeningResult]) -> list[Match]:
    best: dict[str, Match] = {}
    for result in results:
        for m in result.matches:
            key = _party(m)
            if key not in best or m.score > best[key].score:
                best[key] = m
    return sorted(best.values(), key=lambda m: (-m.score, m.caption, m.entity_id))


def build_router(_settings: Settings) -> APIRouter:
    router = APIRouter(tags=["screening"])
    cache = ScreenerCache()
    can = require(Permission.SCREEN)

    def run(db: Database, principal: Principal, query: ScreeningQuery, threshold: float, limit: int) -> ScreeningResult:
        return own_decisions(screen(db, cache, query, threshold=threshold, limit=limit), principal)

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
        db: Database = Depends(get_db),
    ) -> yente.EntityMatchResponse:
        if len(body.queries) > yente.MAX_QUERIES:
            raise TooLargeError(f"at most {yente.MAX_QUERIES} queries per request", field="queries")
        with db.transaction() as session:
            lists = set(latest_snapshots(session))
        if dataset != "default" and dataset not in lists:
            raise NotFoundError(f"no dataset {dataset!r} (known: default, {', '.join(sorted(lists))})", field="dataset")
        responses: dict[str, yente.EntityMatches] = {}
        for key, example in body.queries.items():
            queries = yente.to_queries(key, example)
            found = _merge([run(db, principal, q, min(cutoff, threshold), limit * 4) for q in queries])
            found = [
                m
                for m in found
                if (dataset == "default" or dataset in _lists(m))
                and (not include_dataset or _lists(m) & set(include_dataset))
                and not _lists(m) <= set(exclude_dataset)
                and m.schema not in exclude_schema
                and m.score >= cutoff
            ]
            listed: dict[str, ListedEntity] = {}
            with db.transaction() as session:
                for m in found[:limit]:
                    rows = get_entity(session, m.entity_id, m.list)
                    if rows:
                        listed[m.entity_id] = rows[0]
            results = [yente.scored(m, listed.get(m.entity_id), threshold) for m in found[:limit]]
            responses[key] = yente.EntityMatches(
                results=results, total=yente.TotalSpec(value=len(found)), query=example
            )
        return yente.EntityMatchResponse(responses=responses, matcher=yente.MATCHER, limit=limit)

    @router.post("/api/screen", response_model=ResultOut, summary="Screen one party: ranked, explained matches")
    def screen_one(
        body: ScreenIn,
        threshold: float = Query(default=DEFAULT_THRESHOLD, ge=0.0, le=1.0),
        limit: int = Query(default=DEFAULT_LIMIT, ge=1, le=100),
        principal: Principal = Depends(can),
        db: Database = Depends(get_db),
    ) -> ResultOut:
        return result_out(run(db, principal, body.query(), threshold, limit))

    @router.post("/api/screen/batch", response_model=list[ResultOut], summary="Screen up to 1000 parties")
    def screen_batch(
        body: BatchIn, principal: Principal = Depends(can), db: Database = Depends(get_db)
    ) -> list[ResultOut]:
        queries = [q.query(f"queries.{i}.") for i, q in enumerate(body.queries)]
        return [result_out(run(db, principal, q, body.threshold, body.limit)) for q in queries]

    @router.post("/api/compare", response_model=CompareOut, summary="Score two names and explain the score")
    def compare_names(body: CompareIn, _principal: Principal = Depends(can)) -> CompareOut:
        result = compare(body.name_a, body.name_b, body.schema_)
        return CompareOut(score=result.score, match=result.match, explanation=list(result.explanation))

    @router.post(
        "/api/screen/decisions", response_model=DecisionOut, status_code=201, summary="Record a verdict on a match"
    )
    def decide(body: DecisionIn, principal: Principal = Depends(can), db: Database = Depends(get_db)) -> DecisionOut:
        decision = record_verdict(db, cache, principal, body.query_name, body.entity_id, body.verdict, body.reason)
        return DecisionOut.model_validate(decision.to_dict())

    return router
