"""Screening against the database: the current lists, cached per list version, and decisions.

The API and CLI hold one :class:`ScreenerCache` per process; it rebuilds its screener only
when a list's latest snapshot changes.
"""

from __future__ import annotations

import threading

from tripline.errors import NotFoundError
from tripline.lists.store import current_entities, latest_snapshots
from tripline.screening.decisions import attach_decisions
from tripline.screening.result import DEFAULT_LIMIT, DEFAULT_THRESHOLD, ScreeningQuery, ScreeningResult
from tripline.screening.screener import Screener
from tripline.store.db import Database


class ScreenerCache:
    """One screener per process, rebuilt when the lists change."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._screener: Screener | None = None
        self._snapshots: dict[str, int] | None = None

    def get(self, db: Database) -> Screener:
        with db.transaction() as session:
            snapshots = latest_snapshots(session)
        if not snapshots:
            raise NotFoundError("no lists loaded: run `tripline lists load --bundled` first")
        with self._lock:
            if self._screener is None or self._snapshots != snapshots:
                self._screener = screener_from_database(db)
                self._snapshots = snapshots
            return self._screener


def screener_from_database(db: Database, source_ids: list[str] | None = None) -> Screener:
    """A screener over the current snapshot of every list (or of `source_ids`)."""
    with db.transaction() as session:
        return Screener(current_entities(session, source_ids))


def screen(
    db: Database,
    cache: ScreenerCache,
    query: ScreeningQuery,
    *,
    threshold: float = DEFAULT_THRESHOLD,
    limit: int = DEFAULT_LIMIT,
) -> ScreeningResult:
    """Screen one query against the current lists and show earlier decisions."""
    screener = cache.get(db)
    result = screener.screen(query, threshold=threshold, limit=limit)
    with db.transaction() as session:
        return attach_decisions(session, screener.normaliser, result)
