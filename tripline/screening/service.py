"""Screening against the database: the current lists, cached per list version, and decisions.

The API and CLI hold one :class:`ScreenerCache` per process; it rebuilds its screener only
when a list's latest snapshot changes.
"""

from __future__ import annotations

import hashlib
import json
import os
import pickle
import threading
from pathlib import Path

import structlog

from tripline.errors import NotFoundError
from tripline.lists.store import current_entities, latest_snapshots
from tripline.screening.decisions import attach_decisions
from tripline.screening.result import DEFAULT_LIMIT, DEFAULT_THRESHOLD, ScreeningQuery, ScreeningResult
from tripline.screening.screener import Screener
from tripline.screening.vocabulary import VOCABULARY_FILE
from tripline.store.db import Database

log = structlog.get_logger(__name__)


INDEX_FORMAT = 1  # bump when the index layout or the matcher's normalisation changes


class ScreenerCache:
    """One screener per process, rebuilt when the lists change.

    With `directory` (the CLI passes ``VAR_DIR/screening``), a built index is also kept on
    disk as a pickle named after the list snapshots and the matcher's version, so the next
    process loads it instead of rebuilding. The directory is Tripline's own state: it must
    not be writable by anyone who should not run code as Tripline (pickles execute on load).
    """

    def __init__(self, directory: Path | None = None) -> None:
        self._lock = threading.Lock()
        self._screener: Screener | None = None
        self._snapshots: dict[str, int] | None = None
        self.directory = directory

    def get(self, db: Database) -> Screener:
        with db.transaction() as session:
            snapshots = latest_snapshots(session)
        if not snapshots:
            raise NotFoundError("no lists loaded: run `tripline lists load --bundled` first")
        with self._lock:
            if self._screener is None or self._snapshots != snapshots:
                self._screener = self._load_or_build(db, snapshots)
                self._snapshots = snapshots
            return self._screener

    def _path(self, snapshots: dict[str, int]) -> Path | None:
        if self.directory is None:
            return None
        vocab = VOCABULARY_FILE.read_bytes()
        digest = hashlib.sha256(json.dumps([INDEX_FORMAT, sorted(snapshots.items())]).encode() + vocab).hexdigest()[:24]
        return self.directory / f"index-{digest}.pickle"

    def _load_or_build(self, db: Database, snapshots: dict[str, int]) -> Screener:
        path = self._path(snapshots)
        if path is not None and path.is_file():
            try:
                with open(path, "rb") as fh:
                    loaded = pickle.load(fh)
                if isinstance(loaded, Screener):
                    log.info("screening index loaded", path=str(path))
                    return loaded
            except (OSError, pickle.UnpicklingError, EOFError, AttributeError) as exc:
                log.warning("screening index cache unreadable, rebuilding", path=str(path), error=str(exc))
        screener = screener_from_database(db)
        if path is not None:
            path.parent.mkdir(parents=True, exist_ok=True)
            for old in path.parent.glob("index-*.pickle"):
                old.unlink(missing_ok=True)
            tmp = path.with_suffix(f".{os.getpid()}.tmp")
            with open(tmp, "wb") as fh:
                pickle.dump(screener, fh, protocol=pickle.HIGHEST_PROTOCOL)
            os.replace(tmp, path)
        return screener


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
