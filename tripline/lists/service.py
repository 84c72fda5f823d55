"""The lists services: load a version of a list, read what is stored. Each owns its transactions.

The files are hashed and parsed (:mod:`tripline.lists.loader`) before any transaction opens; a
new version is written in ONE transaction (:func:`tripline.lists.store.write_snapshot`, which
takes the session and never commits on its own), so on any error nothing of it is written and
the list's previous version stays as it was. The edges (CLI, API, console) call these and open
no transaction themselves.
"""

from __future__ import annotations

import time
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import replace
from pathlib import Path

import structlog

from tripline.errors import InputError, NotFoundError
from tripline.lists.formats import ListFormat
from tripline.lists.loader import (
    SOURCE_ID,
    LoadResult,
    LoadStatus,
    Progress,
    ProgressEvent,
    Stage,
    bundled_specs,
    choose_format,
    hash_file,
    no_progress,
    parse_entities,
    report_json,
)
from tripline.lists.model import ListedEntity, LoadReport, SourceSpec
from tripline.lists.sources import load_sources, source_paths
from tripline.lists.store import (
    SnapshotDiff,
    SnapshotInfo,
    SourceSummary,
    content_sha256,
    get_entity,
    latest_snapshot,
    resolve_diff,
    source_summaries,
    stored_spec,
    write_snapshot,
)
from tripline.settings import Settings
from tripline.store.db import Database

log = structlog.get_logger(__name__)


def load_files(
    db: Database,
    spec: SourceSpec,
    paths: Sequence[Path],
    *,
    format_name: str | None = None,
    progress: Progress = no_progress,
    formats: Mapping[str, ListFormat] | None = None,
) -> LoadResult:
    """Load ``paths`` as the new version of list ``spec.id`` (parsed first, then written in one
    transaction; a short read-only one before it finds an unchanged list)."""
    started = time.perf_counter()
    if not SOURCE_ID.match(spec.id):
        raise InputError(
            f"list id {spec.id!r} must be 2-63 lower-case letters, digits and '_', starting with a letter",
            field="source",
        )
    if not paths:
        raise InputError("no file given", field="files")
    for path in paths:
        if not path.is_file():
            raise NotFoundError("file not found", file=path)
    fmt = choose_format(paths, format_name or None, formats)
    progress(ProgressEvent(spec.id, Stage.HASH, 0, None))
    files = [hash_file(p) for p in paths]
    digest = content_sha256(files)
    with db.transaction() as session:
        previous = latest_snapshot(session, spec.id)
    if previous is not None and previous.content_sha256 == digest and previous.format == fmt.name:
        log.info("list unchanged", source=spec.id, version=previous.version)
        progress(ProgressEvent(spec.id, Stage.DONE, previous.entity_count, previous.entity_count))
        return LoadResult(spec.id, LoadStatus.UNCHANGED, previous, time.perf_counter() - started)

    report = LoadReport()
    entities = parse_entities(fmt, paths, spec, report, progress)
    total = len(entities)
    written = 0

    def on_rows(n: int) -> None:
        nonlocal written
        written += n
        progress(ProgressEvent(spec.id, Stage.WRITE, written, total))

    with db.transaction() as session:
        snapshot = write_snapshot(
            session,
            replace(spec, format=fmt.name),
            format_name=fmt.name,
            files=files,
            entities=entities,
            published=report.published,
            declared_count=report.declared_count,
            report=report_json(report, fmt),
            on_rows=on_rows,
        )
    seconds = time.perf_counter() - started
    log.info(
        "list loaded",
        source=spec.id,
        version=snapshot.version,
        entities=snapshot.entity_count,
        warnings=len(report.warnings),
        seconds=round(seconds, 2),
    )
    progress(ProgressEvent(spec.id, Stage.DONE, total, total))
    return LoadResult(spec.id, LoadStatus.LOADED, snapshot, seconds)


def load_bundled(
    db: Database,
    settings: Settings,
    *,
    only: Iterable[str] = (),
    progress: Progress = no_progress,
) -> list[LoadResult]:
    """Load every bundled list (each in its own transaction), in ``sources.yaml`` order."""
    results = []
    for spec in bundled_specs(settings, only):
        paths = source_paths(spec, settings.data_dir)
        results.append(load_files(db, spec, paths, format_name=spec.format, progress=progress))
    return results


def adhoc_spec(
    db: Database,
    settings: Settings,
    source_id: str,
    paths: Sequence[Path],
    *,
    format_name: str | None = None,
    title: str | None = None,
    licence: str | None = None,
) -> SourceSpec:
    """The spec for ``lists load FILE --source ID``: the configured or stored list ``ID``, or a new one."""
    names = tuple(p.name for p in paths)
    base = {s.id: s for s in load_sources(settings)}.get(source_id)
    if base is None:
        with db.transaction() as session:
            base = stored_spec(session, source_id)
    if base is not None:
        return replace(
            base,
            files=names,
            format=format_name or base.format,
            title=title or base.title,
            licence=licence or base.licence,
        )
    return SourceSpec(
        id=source_id,
        title=title or source_id,
        publisher="",
        format=format_name or "",
        files=names,
        licence=licence or "not stated",
    )


def summaries(db: Database) -> list[SourceSummary]:
    """Every stored list and its latest version (``tripline lists show``)."""
    with db.transaction() as session:
        return source_summaries(session)


def diff(db: Database, source_id: str, from_version: int | None, to_version: int | None) -> SnapshotDiff:
    """Entities added, removed and changed between two versions of a list (default: the latest and
    the one before it)."""
    with db.transaction() as session:
        return resolve_diff(session, source_id, from_version, to_version)


def listed_entity(db: Database, entity_id: str) -> tuple[ListedEntity, SnapshotInfo | None] | None:
    """The first stored row of ``entity_id`` (in any list) and its list's latest version, or None."""
    with db.transaction() as session:
        rows = get_entity(session, entity_id)
        if not rows:
            return None
        return rows[0], latest_snapshot(session, rows[0].source_id)


def listed_rows(
    db: Database, keys: Iterable[tuple[str, str]]
) -> tuple[dict[tuple[str, str], ListedEntity | None], dict[str, SnapshotInfo | None]]:
    """The stored row of each (list id, entity id) and the latest version of each of those lists,
    read in one transaction (one consistent view for a page of screening results)."""
    rows: dict[tuple[str, str], ListedEntity | None] = {}
    versions: dict[str, SnapshotInfo | None] = {}
    with db.transaction() as session:
        for source_id, entity_id in keys:
            if (source_id, entity_id) not in rows:
                found = get_entity(session, entity_id, source_id)
                rows[(source_id, entity_id)] = found[0] if found else None
            if source_id not in versions:
                versions[source_id] = latest_snapshot(session, source_id)
    return rows, versions


__all__ = [
    "adhoc_spec",
    "diff",
    "listed_entity",
    "listed_rows",
    "load_bundled",
    "load_files",
    "summaries",
]
