"""What the CLI and the REST API call: load, show, search, classify (one function each)."""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from pydantic import ValidationError

from tripline.controls.catalogue import Catalogue, load_bundled_catalogue
from tripline.controls.classify import Classifier
from tripline.controls.end_users import WatchListEndUsers
from tripline.controls.model import ControlEntry
from tripline.controls.schema import GoodsQuery
from tripline.controls.store import CatalogueStore, SnapshotInfo
from tripline.errors import InputError, NotFoundError, TriplineError
from tripline.lists.model import ListedEntity
from tripline.settings import Settings
from tripline.store.db import Database

if TYPE_CHECKING:
    from tripline.screening.service import ScreenerCache


def load_catalogue(settings: Settings, db: Database) -> list[SnapshotInfo]:
    """Parse the bundled lists and store them as new versions (unchanged lists are not duplicated)."""
    catalogue = load_bundled_catalogue(settings)  # parsed before the transaction opens
    with db.transaction() as session:
        return CatalogueStore(session).save(catalogue)


def current_catalogue(settings: Settings, db: Database | None) -> Catalogue:
    """The stored catalogue when one was loaded, else the bundled files."""
    if db is not None:
        try:
            with db.transaction() as session:
                return CatalogueStore(session).current()
        except NotFoundError:
            pass
    return load_bundled_catalogue(settings)


def show_entry(settings: Settings, db: Database | None, code: str) -> list[ControlEntry]:
    """The entry with this code in each list (EU first)."""
    return current_catalogue(settings, db).lookup(code)


@dataclass(frozen=True)
class SearchHit:
    code: str
    title: str
    score: float
    lists: list[str]
    evidence: list[str]

    def to_dict(self) -> dict[str, Any]:
        return {
            "code": self.code,
            "title": self.title,
            "score": self.score,
            "lists": self.lists,
            "evidence": self.evidence,
        }


def search_catalogue(classifier: Classifier, text: str, limit: int = 10) -> list[SearchHit]:
    if not text.strip():
        raise InputError("search text is empty", field="text")
    out = []
    for ranked in classifier.rank(text)[:limit]:
        doc = classifier.by_code[ranked.code]
        lists = [e.source.value for e in (doc.eu, doc.ccl) if e is not None]
        out.append(SearchHit(ranked.code, doc.title, ranked.score, lists, list(ranked.evidence)))
    return out


def classifier_for(settings: Settings, db: Database | None, screeners: ScreenerCache | None = None) -> Classifier:
    """A classifier over the current catalogue; with a database, catch-all end users are screened
    against its loaded watch lists (the screening index is built or read from its cache only when
    a query names an end user). `screeners` is the process's screener cache (the runtime's), so
    that classification and screening share one index."""
    return Classifier(
        current_catalogue(settings, db),
        data_dir=settings.data_dir,
        end_users=watch_list_end_users(settings, db, screeners),
    )


def watch_list_end_users(
    settings: Settings, db: Database | None, screeners: ScreenerCache | None = None
) -> WatchListEndUsers | None:
    if db is None:
        return None
    from tripline.lists.store import get_entity
    from tripline.screening.service import ScreenerCache

    cache = screeners if screeners is not None else ScreenerCache(settings.var_dir / "screening")

    def entity(entity_id: str, source_id: str) -> ListedEntity | None:
        with db.transaction() as session:
            found = get_entity(session, entity_id, source_id)
        return found[0] if found else None

    return WatchListEndUsers(lambda: cache.get(db), entity)


def parse_params(pairs: Iterable[str]) -> dict[str, str]:
    """``["mpe=1.5 um", "L=300 mm"]`` -> dict; InputError for a pair without "="."""
    out = {}
    for pair in pairs:
        name, sep, value = pair.partition("=")
        if not sep or not name.strip() or not value.strip():
            raise InputError(f"parameter must be NAME=VALUE, got {pair!r}", field="param")
        out[name.strip()] = value.strip()
    return out


def make_query(**fields: Any) -> GoodsQuery:
    """A :class:`GoodsQuery`, with pydantic's complaint turned into an InputError naming the field."""
    try:
        return GoodsQuery(**fields)
    except ValidationError as exc:
        raise InputError(_validation_reason(exc), field=_validation_field(exc)) from exc


def classify_lines(classifier: Classifier, lines: Iterable[str], file: str) -> Iterator[dict[str, Any]]:
    """One answer per non-empty JSONL line, in input order; a bad line gives
    ``{"line": n, "error": {...}}`` in its place instead of stopping the batch."""
    for n, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            try:
                row = json.loads(line)
            except json.JSONDecodeError as exc:
                raise InputError(f"not JSON: {exc.msg}", file=file, line=n) from exc
            if not isinstance(row, dict):
                raise InputError("expected a JSON object", file=file, line=n)
            try:
                query = GoodsQuery(**row)
            except (ValidationError, TypeError) as exc:
                raise InputError(_validation_reason(exc), file=file, line=n, field=_validation_field(exc)) from exc
            try:
                result = classifier.classify(query)
            except TriplineError as exc:
                raise InputError(exc.reason, file=file, line=n, field=exc.field) from exc
            yield {"line": n, **result.model_dump(mode="json")}
        except InputError as exc:
            yield {"line": n, "error": exc.to_dict()}


def _validation_reason(exc: Exception) -> str:
    if isinstance(exc, ValidationError):
        return str(exc.errors()[0]["msg"])
    return str(exc)


def _validation_field(exc: Exception) -> str | None:
    if isinstance(exc, ValidationError) and exc.errors()[0]["loc"]:
        return ".".join(str(p) for p in exc.errors()[0]["loc"])
    return None
