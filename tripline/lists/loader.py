"""Load list files into the store: hash, detect the format, parse, write one snapshot.

A load of one list is:

1. hash every file's (decompressed) content; if the list's latest snapshot has the same
   hashes and format, nothing happens (status ``unchanged``);
2. detect the format from the content (or take the one given) and parse the files into
   entities, merging an entity id given twice; parse errors name file and line or element;
3. write the snapshot in ONE transaction: on any error nothing of it is written and the
   list's previous version stays as it was.

This module holds steps 1 and 2 (files in, entities out: no database); the services of
:mod:`tripline.lists.service` run the whole load and own its transactions. Progress is reported
through a :class:`Progress` callback (the CLI draws a Rich bar).
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from enum import StrEnum
from pathlib import Path
from typing import Any

import structlog

from tripline.errors import FormatError, InputError, NotFoundError, TriplineError
from tripline.lists.formats import FORMATS, ListFormat, detect_format
from tripline.lists.formats.reader import open_bytes, read_head
from tripline.lists.model import ListEntry, LoadReport, SourceSpec
from tripline.lists.sources import load_sources
from tripline.lists.store import FileRecord, SnapshotInfo, StoredEntity
from tripline.settings import Settings

log = structlog.get_logger(__name__)

SOURCE_ID = re.compile(r"^[a-z][a-z0-9_]{1,62}$")  # as in sources.yaml
ID_MAX = 255
MAX_STORED_WARNINGS = 500
PROGRESS_EVERY = 500


class LoadStatus(StrEnum):
    LOADED = "loaded"
    UNCHANGED = "unchanged"


class Stage(StrEnum):
    HASH = "hash"
    PARSE = "parse"
    WRITE = "write"
    DONE = "done"


@dataclass(frozen=True)
class ProgressEvent:
    source_id: str
    stage: Stage
    done: int  # entities parsed or written so far (0 while hashing)
    total: int | None  # entities expected, when known


Progress = Callable[[ProgressEvent], None]


@dataclass(frozen=True)
class LoadResult:
    source_id: str
    status: LoadStatus
    snapshot: SnapshotInfo
    seconds: float

    def to_dict(self) -> dict[str, Any]:
        return {"source": self.source_id, "status": self.status.value, "seconds": round(self.seconds, 3)} | (
            self.snapshot.to_dict()
        )


def no_progress(_event: ProgressEvent) -> None:
    return None


# --- files ---------------------------------------------------------------------------------


def hash_file(path: Path) -> FileRecord:
    """sha256 and size of a file's content (gzip decompressed), streamed."""
    digest = hashlib.sha256()
    size = 0
    with open_bytes(path) as stream:
        while chunk := stream.read(1 << 20):
            digest.update(chunk)
            size += len(chunk)
    return FileRecord(name=path.name.removesuffix(".gz"), sha256=digest.hexdigest(), bytes=size)


def available_formats(formats: Mapping[str, ListFormat] | None) -> Mapping[str, ListFormat]:
    return formats if formats is not None else FORMATS


def _sniffed(paths: Sequence[Path], formats: Mapping[str, ListFormat] | None) -> str | None:
    """The format the content of ``paths`` is in, or None when no format recognises it."""
    if formats is None:
        try:
            return detect_format(paths)
        except FormatError:
            return None
    head = read_head(paths[0])
    return next((name for name, fmt in formats.items() if fmt.sniff(paths[0], head)), None)


def choose_format(paths: Sequence[Path], name: str | None, formats: Mapping[str, ListFormat] | None) -> ListFormat:
    """The format called ``name`` (checked against the content), or the one the content is in."""
    available = available_formats(formats)
    if name is not None and name not in available:
        known = ", ".join(sorted(available)) or "none"
        raise InputError(f"unknown format {name!r} (known: {known})", field="format")
    if not read_head(paths[0]).strip():
        raise FormatError("file is empty", file=paths[0], line=1)
    if name is not None:
        fmt = available[name]
        if fmt.sniff(paths[0], read_head(paths[0])):
            return fmt
        looks = _sniffed(paths[:1], formats)
        hint = f"its content is in the {looks} format" if looks else "no known format recognises its content"
        raise FormatError(f"not a {name} file: {hint}", file=paths[0], line=1, field="format")
    found = _sniffed(paths, formats)
    if found is None:
        raise FormatError(
            "format not recognised from the content; give --format (known: " + ", ".join(sorted(available)) + ")",
            file=paths[0],
            line=1,
        )
    return available[found]


# --- parsing -------------------------------------------------------------------------------


def _stored(entry: ListEntry, fmt: ListFormat, path: Path) -> StoredEntity:
    entity = entry.entity
    if not entity.id:
        raise FormatError(f"the {fmt.name} parser produced an entity without id", file=path, entry=entry.entry_id)
    if len(entity.id) > ID_MAX or len(entry.entry_id) > ID_MAX:
        raise FormatError(f"entity id longer than {ID_MAX} characters", file=path, field="id")
    return StoredEntity.build(
        entity_id=entity.id,
        schema=entity.schema.name,
        caption=entity.caption,
        properties=entity.to_dict()["properties"],
        entry_id=entry.entry_id,
        programs=entry.programs,
        section=entry.section,
    )


def parse_entities(
    fmt: ListFormat,
    paths: Sequence[Path],
    spec: SourceSpec,
    report: LoadReport,
    progress: Progress = no_progress,
) -> list[StoredEntity]:
    """Parse ``paths`` with ``fmt``; an entity id given twice is merged into one entity."""
    entries: dict[str, ListEntry] = {}
    duplicates = 0
    count = 0
    try:
        for entry in fmt.parse(paths, spec, report):
            count += 1
            key = entry.entity.id or ""
            seen = entries.get(key)
            if seen is None:
                entries[key] = entry
            else:
                duplicates += 1
                merged = seen.entity.merge(entry.entity)
                entries[key] = replace(
                    seen, entity=merged, programs=tuple(dict.fromkeys(seen.programs + entry.programs))
                )
            if count % PROGRESS_EVERY == 0:
                progress(ProgressEvent(spec.id, Stage.PARSE, count, report.declared_count))
    except TriplineError:
        raise
    except Exception as exc:  # a parser bug or an input it did not foresee: still one clear error
        raise FormatError(
            f"cannot be read as {fmt.name}: {type(exc).__name__}: {exc}", file=paths[0], format=fmt.name
        ) from exc
    if duplicates:
        report.warnings.append(f"{duplicates} entries repeat an entity id given earlier; merged")
    progress(ProgressEvent(spec.id, Stage.PARSE, count, report.declared_count))
    return [_stored(e, fmt, paths[0]) for e in entries.values()]


def report_json(report: LoadReport, fmt: ListFormat) -> dict[str, Any]:
    out: dict[str, Any] = {
        "warnings": report.warnings[:MAX_STORED_WARNINGS],
        "warnings_total": len(report.warnings),
        "unjoined": report.unjoined,
        "format_title": fmt.title,
    }
    for key in ("skipped", "merged", "rows"):
        value = getattr(report, key, None)
        if isinstance(value, int):
            out[key] = value
    return out


# --- which lists ---------------------------------------------------------------------------


def bundled_specs(settings: Settings, only: Iterable[str] = ()) -> list[SourceSpec]:
    """The lists of ``sources.yaml``, or those named in ``only`` (unknown ids are an error)."""
    specs = load_sources(settings)
    wanted = list(dict.fromkeys(only))
    if not wanted:
        return specs
    by_id = {s.id: s for s in specs}
    unknown = [w for w in wanted if w not in by_id]
    if unknown:
        raise NotFoundError(
            f"unknown list id(s) {', '.join(unknown)} (known: {', '.join(sorted(by_id))})", field="only"
        )
    return [by_id[w] for w in wanted]
