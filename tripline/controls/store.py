"""Versioned storage of the catalogue: one snapshot per list and load, a new version only when
the parsed content changed (as the watch lists are stored, through the same
:mod:`tripline.store.snapshots` helper). The store works in the caller's session; the services
(:mod:`tripline.controls.service`) own the transaction."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import UTC, datetime

import structlog
from sqlalchemy import select
from sqlalchemy.orm import Session

from tripline.controls.catalogue import SOURCE_INFO, Catalogue
from tripline.controls.model import ControlEntry, Source
from tripline.controls.models import ControlsEntry, ControlsSnapshot
from tripline.errors import NotFoundError
from tripline.store import snapshots

log = structlog.get_logger(__name__)


@dataclass(frozen=True)
class SnapshotInfo:
    id: int
    source: str
    version: int
    title: str
    loaded_at: datetime
    content_sha256: str
    entry_count: int
    warnings: int
    created: bool  # False when the load found the content unchanged

    def to_dict(self) -> dict[str, object]:
        return {
            "id": self.id,
            "source": self.source,
            "version": self.version,
            "title": self.title,
            "loaded_at": self.loaded_at.isoformat(),
            "content_sha256": self.content_sha256,
            "entry_count": self.entry_count,
            "warnings": self.warnings,
            "created": self.created,
        }


def _info(row: ControlsSnapshot, created: bool) -> SnapshotInfo:
    return SnapshotInfo(
        row.id,
        row.source,
        row.version,
        row.title,
        row.loaded_at,
        row.content_sha256,
        row.entry_count,
        len(row.warnings),
        created,
    )


def content_hash(entries: list[ControlEntry]) -> str:
    digest = hashlib.sha256()
    for entry in sorted(entries, key=lambda e: e.code):
        digest.update(json.dumps(entry.to_dict(), sort_keys=True, ensure_ascii=False).encode())
    return digest.hexdigest()


class CatalogueStore:
    """Repository of catalogue snapshots, in the caller's session (the caller owns the transaction)."""

    def __init__(self, session: Session) -> None:
        self.session = session

    def save(self, catalogue: Catalogue) -> list[SnapshotInfo]:
        """Store each list of the catalogue as a new version unless its content is unchanged."""
        out = []
        session = self.session
        for source in Source:
            entries = [e for e in catalogue if e.source is source]
            if not entries:
                continue
            sha = content_hash(entries)
            latest = snapshots.latest(session, ControlsSnapshot, ControlsSnapshot.source, source.value)
            if latest is not None and latest.content_sha256 == sha:
                out.append(_info(latest, False))
                continue
            warnings = [w for w in catalogue.warnings if _source_of(w) is source]
            row = ControlsSnapshot(
                source=source.value,
                version=snapshots.next_version(latest),
                title=SOURCE_INFO[source],
                loaded_at=datetime.now(UTC),
                content_sha256=sha,
                entry_count=len(entries),
                warnings=warnings,
            )
            session.add(row)
            session.flush()
            session.add_all(
                ControlsEntry(snapshot_id=row.id, code=e.code, title=e.title, data=e.to_dict()) for e in entries
            )
            out.append(_info(row, True))
        return out

    def snapshots(self) -> list[SnapshotInfo]:
        rows = self.session.scalars(
            select(ControlsSnapshot).order_by(ControlsSnapshot.source, ControlsSnapshot.version)
        )
        return [_info(r, False) for r in rows]

    def versions(self) -> dict[str, int]:
        """Snapshot id of the newest version of each stored list (empty when nothing is stored):
        what a holder of a classifier compares to know it is out of date."""
        return snapshots.latest_ids(self.session, ControlsSnapshot, ControlsSnapshot.source)

    def current(self) -> Catalogue:
        """The newest snapshot of every list; NotFoundError if nothing was loaded yet."""
        ids = self.versions()
        if not ids:
            raise NotFoundError("no control-list catalogue stored: run `tripline controls load`")
        rows = self.session.scalars(
            select(ControlsEntry).where(ControlsEntry.snapshot_id.in_(ids.values())).order_by(ControlsEntry.id)
        )
        entries = [ControlEntry.from_dict(r.data) for r in rows]
        versions = ", ".join(f"{s} #{i}" for s, i in sorted(ids.items()))
        return Catalogue(entries, version=versions)

    def entry(self, code: str, *, version: int | None = None, source: Source | None = None) -> list[ControlEntry]:
        """An entry by code from the current (or a given) version of each list."""
        query = select(ControlsEntry, ControlsSnapshot).join(ControlsSnapshot)
        query = query.where(ControlsEntry.code == code.strip().upper()[:5])
        if source is not None:
            query = query.where(ControlsSnapshot.source == source.value)
        found: dict[str, tuple[int, ControlEntry]] = {}
        for row, snap in self.session.execute(query):
            if version is not None and snap.version != version:
                continue
            if snap.source not in found or snap.version > found[snap.source][0]:
                found[snap.source] = (snap.version, ControlEntry.from_dict(row.data))
        if not found:
            raise NotFoundError(f"no control-list entry {code!r} stored", field="code")
        return [found[s][1] for s in sorted(found, key=lambda s: s != Source.EU.value)]


def _source_of(warning: str) -> Source:
    return Source.CCL if "us_ccl" in warning else Source.EU
