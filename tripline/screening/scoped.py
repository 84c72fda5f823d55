"""Screening as one authority's analyst does it: results with only that authority's decisions,
verdicts recorded as ``user@AUTHORITY``, batches screened in blocks, and yente-style matching
(the best match per listed entity over every name of a query entity, filtered by dataset and
schema). The API routes and the console pages call these; they hold no screening logic.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass, replace
from typing import Protocol

from tripline.errors import InputError, NotFoundError
from tripline.lists.model import ListedEntity
from tripline.lists.store import get_entities, latest_snapshots
from tripline.screening.decisions import Decision, Verdict, attach_decisions, record_decision
from tripline.screening.result import Match, ScreeningQuery, ScreeningResult
from tripline.screening.service import ScreenerCache
from tripline.store.db import Database


class Analyst(Protocol):
    """Who screens: a user of an authority (``tripline.auth.service.Principal`` is one)."""

    @property
    def username(self) -> str: ...

    @property
    def authority_code(self) -> str: ...


def decided_by(analyst: Analyst) -> str:
    return f"{analyst.username}@{analyst.authority_code}"


def own_decisions(result: ScreeningResult, analyst: Analyst) -> ScreeningResult:
    """Only decisions taken in the analyst's authority are shown to it."""
    suffix = "@" + analyst.authority_code
    matches = tuple(
        m if m.decision is None or str(m.decision.get("decided_by", "")).endswith(suffix) else replace(m, decision=None)
        for m in result.matches
    )
    return replace(result, matches=matches)


def screen_for(
    db: Database,
    cache: ScreenerCache,
    analyst: Analyst,
    queries: Sequence[ScreeningQuery],
    *,
    threshold: float,
    limit: int,
) -> list[ScreeningResult]:
    """Screen `queries` in blocks (``Screener.screen_many``, identical queries once) and attach the
    analyst's authority's earlier decisions, all read in one transaction."""
    screener = cache.get(db)
    results = screener.screen_many(queries, threshold=threshold, limit=limit)
    with db.transaction() as session:
        attached = [
            attach_decisions(session, screener.normaliser, r, authority=analyst.authority_code) for r in results
        ]
    return [own_decisions(r, analyst) for r in attached]


def record_verdict(
    db: Database,
    cache: ScreenerCache,
    analyst: Analyst,
    query_name: str,
    entity_id: str,
    verdict: Verdict,
    reason: str,
) -> Decision:
    """Record the analyst's verdict on a (query, listed entity) pair, as ``user@AUTHORITY``."""
    (decision,) = record_party_verdict(db, cache, analyst, query_name, [entity_id], verdict, reason)
    return decision


def record_party_verdict(
    db: Database,
    cache: ScreenerCache,
    analyst: Analyst,
    query_name: str,
    entity_ids: Sequence[str],
    verdict: Verdict,
    reason: str,
) -> list[Decision]:
    """One verdict on a party: recorded on each of its list rows (``entity_ids``), in one transaction,
    so whichever row a later screening shows first carries it."""
    screener = cache.get(db)
    query = ScreeningQuery.build(query_name, field_prefix="query_")
    wanted = list(dict.fromkeys(e.strip() for e in entity_ids if e.strip()))
    if not wanted:
        raise InputError("no listed entity given", field="entity_id")
    if screener.score_entity(query, wanted[0]) is None:  # the row the analyst saw scored
        raise InputError(f"no listed entity {wanted[0]!r}", field="entity_id")
    for entity_id in wanted[1:]:  # the party's other rows: linked by the lists' references, not by the name
        if not screener.entity_names(entity_id):
            raise InputError(f"no listed entity {entity_id!r}", field="entity_id")
    with db.transaction() as session:
        return [
            record_decision(
                session,
                screener.normaliser,
                query_name=query_name,
                entity_id=entity_id,
                verdict=verdict,
                reason=reason,
                decided_by=decided_by(analyst),
                authority=analyst.authority_code,
            )
            for entity_id in wanted
        ]


def party_key(match: Match) -> str:
    """One key per party, whichever of its linked rows a query's match shows."""
    return min([match.entity_id, *(row.entity_id for row in match.also_listed_as)])


def match_lists(match: Match) -> set[str]:
    """Every list the matched party is on (its row and the rows in ``also_listed_as``)."""
    return {match.list, *(row.list for row in match.also_listed_as)}


def best_per_entity(results: Sequence[ScreeningResult]) -> list[Match]:
    """Each listed party once, with its best match over all results; best first."""
    best: dict[str, Match] = {}
    for result in results:
        for m in result.matches:
            key = party_key(m)
            if key not in best or m.score > best[key].score:
                best[key] = m
    return sorted(best.values(), key=lambda m: (-m.score, m.caption, m.entity_id))


@dataclass(frozen=True)
class MatchFilter:
    """Which matches a yente-style query keeps (``dataset`` is ``default`` or a list id)."""

    dataset: str = "default"
    include: Collection[str] = ()
    exclude: Collection[str] = ()
    exclude_schema: Collection[str] = ()
    cutoff: float = 0.5

    def keeps(self, m: Match) -> bool:
        lists = match_lists(m)
        return (
            (self.dataset == "default" or self.dataset in lists)
            and (not self.include or bool(lists & set(self.include)))
            and not lists <= set(self.exclude)
            and m.schema not in self.exclude_schema
            and m.score >= self.cutoff
        )


def check_dataset(db: Database, dataset: str) -> None:
    """:class:`NotFoundError` unless ``dataset`` is ``default`` or a loaded list."""
    if dataset == "default":
        return
    with db.transaction() as session:
        lists = set(latest_snapshots(session))
    if dataset not in lists:
        raise NotFoundError(f"no dataset {dataset!r} (known: default, {', '.join(sorted(lists))})", field="dataset")


def match_entity(
    db: Database,
    cache: ScreenerCache,
    analyst: Analyst,
    names: Sequence[ScreeningQuery],
    keep: MatchFilter,
    *,
    threshold: float,
    limit: int,
) -> tuple[list[tuple[Match, ListedEntity | None]], int]:
    """One query entity (one query per name) matched the yente way: the best match per listed
    entity, filtered, the first `limit` with their stored entity; and how many passed the filter."""
    results = screen_for(db, cache, analyst, names, threshold=min(keep.cutoff, threshold), limit=limit * 4)
    found = [m for m in best_per_entity(results) if keep.keeps(m)]
    with db.transaction() as session:  # every returned entity in one batched read
        rows = get_entities(session, [m.entity_id for m in found[:limit]], latest_snapshots(session))
    listed = {m.entity_id: next((r for r in rows.get(m.entity_id, []) if r.source_id == m.list), None) for m in found}
    return [(m, listed.get(m.entity_id)) for m in found[:limit]], len(found)
