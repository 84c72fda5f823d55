"""Versioned watch-list storage: write snapshots, read them back, diff them.

Every load of a list that changes something is a *snapshot* (version 1, 2, ... per source).
Entity versions are stored once per distinct content and snapshots point at them, so a
snapshot can always be read back in full and any two snapshots of a list can be diffed.

API for screening (stable; all take a SQLAlchemy ``Session``):

- :func:`current_entities` ``(session, source_ids=None) -> Iterator[ListedEntity]``: every
  entity of the latest snapshot of each source (or of the given sources), streamed.
- :func:`latest_snapshots` ``(session) -> dict[source_id, snapshot_id]``: the latest snapshot
  of each source; keep it to ask :func:`changes_since` later.
- :func:`changes_since` ``(session, snapshot_ids) -> ChangeSet``: the entities added or changed
  in every source since the given snapshot of that source (a source missing from
  ``snapshot_ids`` counts as new: all its entities are added), the ids removed, and the new
  ``latest_snapshots`` to keep for next time. This is what ``rescreen`` runs on.
- :func:`get_entity` ``(session, entity_id, source_id=None) -> list[ListedEntity]``: one
  entity as currently listed (by every source that lists it under that id).

For the CLI: :func:`source_summaries` (``lists show``), :func:`diff_snapshots` and
:func:`resolve_diff` (``lists diff``), :func:`snapshot_entities`.
"""

from __future__ import annotations

import hashlib
import json
from collections import Counter
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any, cast

from sqlalchemy import Table, func, insert, select
from sqlalchemy.orm import Session

from tripline.errors import InputError, NotFoundError
from tripline.lists.model import ListedEntity, SourceSpec
from tripline.lists.models import ListEntityVersion, ListMember, ListSnapshot, ListSource
from tripline.store import snapshots

BATCH = 2000


@dataclass(frozen=True)
class StoredEntity:
    """An entity ready to be stored: its canonical content and the hash over it."""

    entity_id: str
    schema: str
    caption: str
    properties: dict[str, list[str]]
    entry_id: str
    programs: tuple[str, ...]
    section: str | None
    content_sha256: str

    @classmethod
    def build(
        cls,
        entity_id: str,
        schema: str,
        caption: str,
        properties: Mapping[str, Sequence[str]],
        entry_id: str,
        programs: Sequence[str] = (),
        section: str | None = None,
    ) -> StoredEntity:
        props = {k: list(v) for k, v in sorted(properties.items()) if v}
        progs = tuple(sorted(set(programs)))
        canonical = json.dumps(
            {
                "schema": schema,
                "caption": caption,
                "properties": {k: sorted(v) for k, v in props.items()},
                "entry_id": entry_id,
                "programs": progs,
                "section": section,
            },
            sort_keys=True,
            ensure_ascii=False,
            separators=(",", ":"),
        )
        digest = hashlib.sha256(canonical.encode("utf-8")).hexdigest()
        return cls(entity_id, schema, caption, props, entry_id, progs, section, digest)


@dataclass(frozen=True)
class FileRecord:
    """One file of a snapshot: the name as loaded, the sha256 of its content, its size."""

    name: str
    sha256: str
    bytes: int

    def to_dict(self) -> dict[str, Any]:
        return {"name": self.name, "sha256": self.sha256, "bytes": self.bytes}


def content_sha256(files: Sequence[FileRecord]) -> str:
    """One hash over a load's files (their content hashes, in order; names do not matter)."""
    return hashlib.sha256("\n".join(f.sha256 for f in files).encode("ascii")).hexdigest()


@dataclass(frozen=True)
class SnapshotInfo:
    id: int
    source_id: str
    version: int
    published: date | None
    loaded_at: datetime
    format: str
    files: list[dict[str, Any]]
    content_sha256: str
    entity_count: int
    counts: dict[str, int]
    declared_count: int | None
    report: dict[str, Any]

    @classmethod
    def of(cls, snap: ListSnapshot) -> SnapshotInfo:
        return cls(
            id=snap.id,
            source_id=snap.source_id,
            version=snap.version,
            published=snap.published,
            loaded_at=_aware(snap.loaded_at),
            format=snap.format,
            files=list(snap.files),
            content_sha256=snap.content_sha256,
            entity_count=snap.entity_count,
            counts=dict(snap.counts),
            declared_count=snap.declared_count,
            report=dict(snap.report),
        )

    def to_dict(self) -> dict[str, Any]:
        return {
            "snapshot_id": self.id,
            "version": self.version,
            "published": self.published.isoformat() if self.published else None,
            "loaded_at": self.loaded_at.isoformat(),
            "format": self.format,
            "files": self.files,
            "entity_count": self.entity_count,
            "counts": self.counts,
            "declared_count": self.declared_count,
            "warnings": len(self.report.get("warnings", [])),
            "unjoined": self.report.get("unjoined", 0),
        }


def _aware(value: datetime) -> datetime:
    # SQLite hands back naive datetimes even for timezone-aware columns; they were stored as UTC.
    return value if value.tzinfo is not None else value.replace(tzinfo=UTC)


# --- writing -------------------------------------------------------------------------------


def upsert_source(session: Session, spec: SourceSpec, now: datetime) -> ListSource:
    """Create the source row or refresh its title, licence and addresses from ``spec``."""
    source = session.get(ListSource, spec.id)
    if source is None:
        source = ListSource(id=spec.id, created_at=now)
        session.add(source)
    source.title = spec.title
    source.publisher = spec.publisher
    source.format = spec.format
    source.licence = spec.licence
    source.attribution = spec.attribution
    source.description = spec.description
    source.urls = list(spec.urls)
    session.flush()
    return source


def stored_spec(session: Session, source_id: str) -> SourceSpec | None:
    """The spec of a list as stored by its last load (for lists loaded from files, not sources.yaml)."""
    source = session.get(ListSource, source_id)
    if source is None:
        return None
    return SourceSpec(
        id=source.id,
        title=source.title,
        publisher=source.publisher,
        format=source.format,
        files=(),
        licence=source.licence,
        urls=tuple(source.urls),
        description=source.description,
        attribution=source.attribution,
    )


def latest_snapshot(session: Session, source_id: str) -> SnapshotInfo | None:
    snap = snapshots.latest(session, ListSnapshot, ListSnapshot.source_id, source_id)
    return SnapshotInfo.of(snap) if snap is not None else None


def write_snapshot(
    session: Session,
    spec: SourceSpec,
    *,
    format_name: str,
    files: Sequence[FileRecord],
    entities: Iterable[StoredEntity],
    published: date | None,
    declared_count: int | None,
    report: dict[str, Any],
    now: datetime | None = None,
    on_rows: Any = None,
) -> SnapshotInfo:
    """Write one new snapshot of ``spec``'s list holding exactly ``entities``.

    Entity versions already stored for this source are reused; only new contents are
    inserted. ``on_rows(n)`` is called after each batch of membership rows. Runs inside the
    caller's transaction: the caller commits or rolls back.
    """
    now = now or datetime.now(UTC)
    upsert_source(session, spec, now)
    previous = latest_snapshot(session, spec.id)
    snap = ListSnapshot(
        source_id=spec.id,
        version=snapshots.next_version(previous),
        published=published,
        loaded_at=now,
        format=format_name,
        files=[f.to_dict() for f in files],
        content_sha256=content_sha256(files),
        entity_count=0,
        counts={},
        declared_count=declared_count,
        report=report,
    )
    session.add(snap)
    session.flush()

    known: dict[tuple[str, str], int] = {
        (row.entity_id, row.content_sha256): row.id
        for row in session.execute(
            select(ListEntityVersion.entity_id, ListEntityVersion.content_sha256, ListEntityVersion.id).where(
                ListEntityVersion.source_id == spec.id
            )
        )
    }
    table = cast(Table, ListEntityVersion.__table__)
    member_table = cast(Table, ListMember.__table__)
    counts: Counter[str] = Counter()
    total = 0
    batch: list[StoredEntity] = []

    def flush(batch: list[StoredEntity]) -> None:
        new = [e for e in batch if (e.entity_id, e.content_sha256) not in known]
        if new:
            rows = [
                {
                    "source_id": spec.id,
                    "entity_id": e.entity_id,
                    "content_sha256": e.content_sha256,
                    "schema": e.schema,
                    "caption": e.caption,
                    "properties": e.properties,
                    "entry_id": e.entry_id,
                    "programs": list(e.programs),
                    "section": e.section,
                    "first_snapshot_id": snap.id,
                    "first_seen": now,
                }
                for e in new
            ]
            stmt = insert(table).returning(table.c.id, sort_by_parameter_order=True)
            ids = session.execute(stmt, rows).scalars().all()
            for e, row_id in zip(new, ids, strict=True):
                known[(e.entity_id, e.content_sha256)] = row_id
        members = [{"snapshot_id": snap.id, "entity_row_id": known[(e.entity_id, e.content_sha256)]} for e in batch]
        session.execute(insert(member_table), members)
        if on_rows is not None:
            on_rows(len(batch))

    for entity in entities:
        counts[entity.schema] += 1
        total += 1
        batch.append(entity)
        if len(batch) >= BATCH:
            flush(batch)
            batch = []
    if batch:
        flush(batch)
    snap.entity_count = total
    snap.counts = dict(sorted(counts.items()))
    session.flush()
    return SnapshotInfo.of(snap)


# --- reading -------------------------------------------------------------------------------


def latest_snapshots(session: Session) -> dict[str, int]:
    """The latest snapshot id of each source."""
    return snapshots.latest_ids(session, ListSnapshot, ListSnapshot.source_id)


_ENTITY_COLUMNS = (
    ListEntityVersion.entity_id,
    ListEntityVersion.source_id,
    ListEntityVersion.entry_id,
    ListEntityVersion.schema,
    ListEntityVersion.caption,
    ListEntityVersion.properties,
    ListEntityVersion.programs,
    ListEntityVersion.first_seen,
    ListMember.snapshot_id,
)


def _listed(row: Any, snapshot_id: int | None = None) -> ListedEntity:
    properties: dict[str, list[str]] = dict(row.properties)
    return ListedEntity(
        entity_id=row.entity_id,
        source_id=row.source_id,
        entry_id=row.entry_id,
        schema=row.schema,
        caption=row.caption,
        properties=properties,
        snapshot_id=row.snapshot_id if snapshot_id is None else snapshot_id,
        changed_at=_aware(row.first_seen),
    )


def snapshot_entities(session: Session, snapshot_id: int) -> Iterator[ListedEntity]:
    """Every entity of one snapshot, ordered by entity id."""
    stmt = (
        select(*_ENTITY_COLUMNS)
        .join(ListMember, ListMember.entity_row_id == ListEntityVersion.id)
        .where(ListMember.snapshot_id == snapshot_id)
        .order_by(ListEntityVersion.entity_id)
        .execution_options(yield_per=BATCH)
    )
    for row in session.execute(stmt):
        yield _listed(row)


def current_entities(session: Session, source_ids: Iterable[str] | None = None) -> Iterator[ListedEntity]:
    """Every entity of the latest snapshot of each source (or of ``source_ids``), streamed."""
    latest = latest_snapshots(session)
    wanted = sorted(latest) if source_ids is None else [s for s in source_ids if s in latest]
    for source_id in wanted:
        yield from snapshot_entities(session, latest[source_id])


def get_entity(session: Session, entity_id: str, source_id: str | None = None) -> list[ListedEntity]:
    """The entity ``entity_id`` as listed now, once per source that lists it."""
    found = get_entities(session, [entity_id], latest_snapshots(session))
    return [e for e in found.get(entity_id, []) if source_id is None or e.source_id == source_id]


def get_entities(session: Session, entity_ids: Iterable[str], latest: dict[str, int]) -> dict[str, list[ListedEntity]]:
    """Each of ``entity_ids`` as listed in the snapshots ``latest`` (source -> snapshot id, from
    :func:`latest_snapshots`), once per source that lists it, in two index look-ups for all of
    them: the entity rows by ``entity_id``, then their memberships by primary key. (One join let
    SQLite's planner, without statistics, walk every member of the snapshot: 20-30 ms an entity.)"""
    wanted = list(dict.fromkeys(entity_ids))
    snaps = list(latest.values())
    if not wanted or not snaps:
        return {}
    rows: dict[int, Any] = {}
    columns = (ListEntityVersion.id, *_ENTITY_COLUMNS[:-1])
    for chunk in range(0, len(wanted), 500):
        part = wanted[chunk : chunk + 500]
        for row in session.execute(select(*columns).where(ListEntityVersion.entity_id.in_(part))):
            rows[row.id] = row
    if not rows:
        return {}
    member: dict[int, int] = {}
    ids = list(rows)
    for chunk in range(0, len(ids), 500):
        row_ids = ids[chunk : chunk + 500]
        stmt = select(ListMember.entity_row_id, ListMember.snapshot_id).where(
            ListMember.entity_row_id.in_(row_ids), ListMember.snapshot_id.in_(snaps)
        )
        member.update((row_id, snap) for row_id, snap in session.execute(stmt))
    out: dict[str, list[ListedEntity]] = {}
    for row_id, row in sorted(rows.items(), key=lambda item: (item[1].source_id, item[0])):
        if row_id in member and latest.get(row.source_id) == member[row_id]:
            out.setdefault(row.entity_id, []).append(_listed(row, member[row_id]))
    return out


@dataclass(frozen=True)
class RemovedEntity:
    source_id: str
    entity_id: str


@dataclass
class ChangeSet:
    """What changed in the lists since given snapshots (see :func:`changes_since`)."""

    snapshots: dict[str, int]  # latest snapshot per source now: pass it next time
    changed: list[ListedEntity] = field(default_factory=list)  # added or changed
    removed: list[RemovedEntity] = field(default_factory=list)
    removed_sources: list[str] = field(default_factory=list)  # known before, gone now


def _members(session: Session, snapshot_id: int) -> dict[str, tuple[str, int]]:
    """entity_id -> (content hash, entity row id) for one snapshot."""
    rows = session.execute(
        select(ListEntityVersion.entity_id, ListEntityVersion.content_sha256, ListEntityVersion.id)
        .join(ListMember, ListMember.entity_row_id == ListEntityVersion.id)
        .where(ListMember.snapshot_id == snapshot_id)
    )
    return {entity_id: (sha, row_id) for entity_id, sha, row_id in rows}


def _rows(session: Session, row_ids: Sequence[int], snapshot_id: int) -> list[ListedEntity]:
    out: list[ListedEntity] = []
    for start in range(0, len(row_ids), 900):
        chunk = row_ids[start : start + 900]
        stmt = (
            select(*_ENTITY_COLUMNS)
            .join(ListMember, ListMember.entity_row_id == ListEntityVersion.id)
            .where(ListMember.snapshot_id == snapshot_id, ListEntityVersion.id.in_(chunk))
        )
        out.extend(_listed(row) for row in session.execute(stmt))
    out.sort(key=lambda e: e.entity_id)
    return out


def changes_since(session: Session, snapshot_ids: Mapping[str, int]) -> ChangeSet:
    """Entities added or changed, and ids removed, in every source since ``snapshot_ids``."""
    latest = latest_snapshots(session)
    result = ChangeSet(snapshots=dict(latest))
    result.removed_sources = sorted(set(snapshot_ids) - set(latest))
    for source_id in sorted(latest):
        new_id = latest[source_id]
        old_id = snapshot_ids.get(source_id)
        if old_id == new_id:
            continue
        new = _members(session, new_id)
        old = _members(session, old_id) if old_id is not None else {}
        fresh = sorted(row_id for entity_id, (sha, row_id) in new.items() if old.get(entity_id, ("",))[0] != sha)
        result.changed.extend(_rows(session, fresh, new_id))
        result.removed.extend(RemovedEntity(source_id, eid) for eid in sorted(set(old) - set(new)))
    for source_id in result.removed_sources:
        old = _members(session, snapshot_ids[source_id])
        result.removed.extend(RemovedEntity(source_id, eid) for eid in sorted(old))
    return result


# --- summaries and diffs -------------------------------------------------------------------


@dataclass(frozen=True)
class SourceSummary:
    id: str
    title: str
    publisher: str
    licence: str
    attribution: str
    format: str
    urls: list[str]
    versions: int
    latest: SnapshotInfo | None

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "id": self.id,
            "title": self.title,
            "publisher": self.publisher,
            "licence": self.licence,
            "attribution": self.attribution,
            "format": self.format,
            "urls": self.urls,
            "versions": self.versions,
        }
        if self.latest is not None:
            out.update(self.latest.to_dict())
        return out


def source_summaries(session: Session) -> list[SourceSummary]:
    """Every source with its latest snapshot, ordered by id."""
    latest = latest_snapshots(session)
    versions: dict[str, int] = {
        source_id: int(n)
        for source_id, n in session.execute(
            select(ListSnapshot.source_id, func.count()).group_by(ListSnapshot.source_id)
        )
    }
    snaps = {
        s.source_id: SnapshotInfo.of(s)
        for s in session.scalars(select(ListSnapshot).where(ListSnapshot.id.in_(list(latest.values()))))
    }
    out = []
    for source in session.scalars(select(ListSource).order_by(ListSource.id)):
        out.append(
            SourceSummary(
                id=source.id,
                title=source.title,
                publisher=source.publisher,
                licence=source.licence,
                attribution=source.attribution,
                format=source.format,
                urls=list(source.urls),
                versions=versions.get(source.id, 0),
                latest=snaps.get(source.id),
            )
        )
    return out


def snapshot_by_version(session: Session, source_id: str, version: int) -> SnapshotInfo:
    snap = session.scalars(
        select(ListSnapshot).where(ListSnapshot.source_id == source_id, ListSnapshot.version == version)
    ).first()
    if snap is None:
        raise NotFoundError(f"list {source_id!r} has no version {version}", field="version")
    return SnapshotInfo.of(snap)


@dataclass(frozen=True)
class FieldChange:
    field: str
    added: list[str]
    removed: list[str]


@dataclass(frozen=True)
class EntityChange:
    entity_id: str
    schema: str
    caption: str
    fields: list[FieldChange]


@dataclass(frozen=True)
class SnapshotDiff:
    source_id: str
    from_snapshot: SnapshotInfo | None
    to_snapshot: SnapshotInfo
    added: list[ListedEntity]
    removed: list[ListedEntity]
    changed: list[EntityChange]

    def to_dict(self) -> dict[str, Any]:
        def brief(e: ListedEntity) -> dict[str, str]:
            return {"entity_id": e.entity_id, "schema": e.schema, "caption": e.caption, "entry_id": e.entry_id}

        return {
            "source": self.source_id,
            "from_version": self.from_snapshot.version if self.from_snapshot else None,
            "to_version": self.to_snapshot.version,
            "added": [brief(e) for e in self.added],
            "removed": [brief(e) for e in self.removed],
            "changed": [
                {
                    "entity_id": c.entity_id,
                    "schema": c.schema,
                    "caption": c.caption,
                    "fields": {f.field: {"added": f.added, "removed": f.removed} for f in c.fields},
                }
                for c in self.changed
            ],
        }


def _field_changes(old: ListEntityVersion, new: ListEntityVersion) -> list[FieldChange]:
    out = []
    for name in sorted(set(old.properties) | set(new.properties)):
        before = set(old.properties.get(name, []))
        after = set(new.properties.get(name, []))
        if before != after:
            out.append(FieldChange(name, sorted(after - before), sorted(before - after)))
    if set(old.programs) != set(new.programs):
        out.append(
            FieldChange(
                "programs", sorted(set(new.programs) - set(old.programs)), sorted(set(old.programs) - set(new.programs))
            )
        )
    for name in ("schema", "entry_id", "section"):
        a, b = getattr(old, name), getattr(new, name)
        if a != b:
            out.append(FieldChange(name, [b] if b is not None else [], [a] if a is not None else []))
    return out


def _versions(session: Session, row_ids: Sequence[int]) -> dict[int, ListEntityVersion]:
    out: dict[int, ListEntityVersion] = {}
    for start in range(0, len(row_ids), 900):
        chunk = list(row_ids[start : start + 900])
        out.update((v.id, v) for v in session.scalars(select(ListEntityVersion).where(ListEntityVersion.id.in_(chunk))))
    return out


def diff_snapshots(session: Session, old: SnapshotInfo | None, new: SnapshotInfo) -> SnapshotDiff:
    """Entities added, removed and changed (with the fields that changed) from ``old`` to ``new``."""
    if old is not None and old.source_id != new.source_id:
        raise InputError("cannot diff snapshots of two different lists", field="source")
    new_members = _members(session, new.id)
    old_members = _members(session, old.id) if old is not None else {}
    added_ids = [r for eid, (_, r) in new_members.items() if eid not in old_members]
    removed_ids = [r for eid, (_, r) in old_members.items() if eid not in new_members]
    changed = sorted(eid for eid, (sha, _) in new_members.items() if eid in old_members and old_members[eid][0] != sha)
    versions = _versions(session, [old_members[e][1] for e in changed] + [new_members[e][1] for e in changed])
    changes = []
    for eid in changed:
        before, after = versions[old_members[eid][1]], versions[new_members[eid][1]]
        changes.append(EntityChange(eid, after.schema, after.caption, _field_changes(before, after)))
    return SnapshotDiff(
        source_id=new.source_id,
        from_snapshot=old,
        to_snapshot=new,
        added=_rows(session, added_ids, new.id),
        removed=_rows(session, removed_ids, old.id) if old is not None else [],
        changed=changes,
    )


def resolve_diff(
    session: Session, source_id: str, from_version: int | None = None, to_version: int | None = None
) -> SnapshotDiff:
    """The diff ``lists diff`` shows: by default the latest version against the one before."""
    if session.get(ListSource, source_id) is None:
        raise NotFoundError(f"no list {source_id!r} is loaded (see `tripline lists show`)", field="source")
    latest = latest_snapshot(session, source_id)
    if latest is None:
        raise NotFoundError(f"list {source_id!r} has no snapshot yet", field="source")
    new = snapshot_by_version(session, source_id, to_version) if to_version is not None else latest
    if from_version is not None:
        old: SnapshotInfo | None = snapshot_by_version(session, source_id, from_version)
    else:
        old = snapshot_by_version(session, source_id, new.version - 1) if new.version > 1 else None
    return diff_snapshots(session, old, new)
