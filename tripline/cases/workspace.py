"""An authority's targeting workspace: its uploaded manifests, their inspection queues, and the
portal scans of each container. Files live under ``VAR_DIR/console/manifests/<AUTHORITY>/`` so
one authority never lists or opens another's manifests.

Scoring, screening, classification and radiation adjudication are the cargo and radiation
capabilities' own (:func:`tripline.cargo.run.run_target`, :func:`tripline.radiation.adjudicate`);
this module stores files, scopes them and caches queues.
"""

from __future__ import annotations

import json
import os
import re
import secrets
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

import structlog

from tripline.auth.roles import Permission
from tripline.auth.service import Principal, now
from tripline.errors import FormatError, InputError, NotFoundError, TooLargeError
from tripline.runtime import Runtime
from tripline.settings import Settings
from tripline.store.db import Database

if TYPE_CHECKING:
    from tripline.cargo.validate import RowError

log = structlog.get_logger(__name__)

EXTENSIONS = (".csv", ".jsonl", ".parquet", ".edi")
MANIFEST_ID = re.compile(r"[a-z0-9-]{4,40}")
CONTAINER = re.compile(r"[A-Z]{4}[0-9]{7}")


@dataclass(frozen=True)
class ManifestInfo:
    id: str
    name: str
    uploaded_by: str
    uploaded_at: datetime
    loaded: int
    rejected: int
    has_scans: bool


@dataclass(frozen=True)
class ScanView:
    """One portal occupancy of a container, adjudicated."""

    occupancy_id: str
    location: str
    time: str
    verdict: str
    reasons: tuple[str, ...]
    nuclides: tuple[str, ...]
    energies_kev: tuple[float, ...]  # channel centres (empty without calibration)
    counts: tuple[int, ...]  # foreground spectrum (empty when the monitor did not alarm)
    background: tuple[int, ...]
    live_time_s: float
    background_live_time_s: float
    # the occupancy's time profile: summed gamma counts per second of each slice, against background
    slice_s: float = 0.0
    gamma_cps: tuple[float, ...] = ()
    gamma_background_cps: float = 0.0
    neutron_counts: int = 0
    neutron_expected: float = 0.0
    gross_sigma: float = 0.0
    neutron_sigma: float = 0.0
    gamma_alarm: bool = False
    monitor_alarm: bool = False
    # identified lines: (nuclide, library energy keV, measured centroid keV or None, significance)
    peaks: tuple[tuple[str, float, float | None, float], ...] = ()
    # a gamma alarm whose own spectrum shows nothing: cleared for targeting (cargo's unbacked_alarm)
    unbacked: bool = False


@dataclass(frozen=True)
class ContainerView:
    manifest: ManifestInfo
    container: str
    shipment: Any  # tripline.cargo.scoring.Scored
    scans: tuple[ScanView, ...]


INCOMING = ".incoming"  # uploads being stored: renamed into place only after their rows commit


def _nothing_loaded(name: str, errors: list[RowError]) -> FormatError:
    """The error of an upload none of whose rows loaded: the first rejected row (line and field),
    named by the uploaded file's name, never the server's path."""
    if not errors:
        return FormatError("the file holds no shipments", file=name, field="file")
    first = errors[0]
    more = f" (and {len(errors) - 1} more rejected rows)" if len(errors) > 1 else ""
    return FormatError(f"no row loaded: {first.reason}{more}", file=name, line=first.line, field=first.field)


class Workspace:
    """Manifests and queues of the caller's authority. Build one per process (it caches queues).

    An upload is stored atomically: its file is written under ``.incoming/``, its rows are committed
    (recording the final name), then the file is renamed into place and its description written
    last. On first use of an authority's folder in a process, uploads left in ``.incoming/`` for
    longer than ``orphan_age_s`` by a killed process are swept: the file goes, and so do any rows
    already committed from it, so a re-upload loads in full.
    """

    def __init__(self, runtime: Runtime, *, orphan_age_s: float = 600.0) -> None:
        self.runtime = runtime
        self.settings: Settings = runtime.settings
        self.db: Database = runtime.db
        self.orphan_age_s = orphan_age_s
        self._cache: dict[tuple[str, float], Any] = {}
        self._lock = threading.Lock()
        self._swept: set[str] = set()

    def folder(self, principal: Principal) -> Path:
        principal.require(Permission.TARGET)
        path = self.settings.var_dir / "console" / "manifests" / principal.authority_code
        (path / INCOMING).mkdir(parents=True, exist_ok=True)
        with self._lock:
            first = principal.authority_code not in self._swept
            self._swept.add(principal.authority_code)
        if first:
            self._sweep(path, principal.authority_code)
        return path

    def _sweep(self, folder: Path, authority: str) -> None:
        from tripline.cargo.run import forget_source
        from tripline.cargo.services import scans_path

        cutoff = time.time() - self.orphan_age_s
        # in .incoming: everything old is an interrupted upload; beside it: a manifest file whose
        # description was never written (killed between the rename and the description)
        undescribed = [
            p
            for p in folder.iterdir()
            if p.suffix.lower() in EXTENSIONS
            and MANIFEST_ID.fullmatch(p.stem)  # not FILE.scans.jsonl: it goes with its manifest
            and not (folder / f"{p.stem}.json").exists()
        ]
        for leftover in sorted([*(folder / INCOMING).iterdir(), *undescribed]):
            if not leftover.exists() or leftover.stat().st_mtime > cutoff:
                continue  # perhaps another worker's upload in progress
            final = folder / leftover.name
            if MANIFEST_ID.fullmatch(final.stem) and not (folder / f"{final.stem}.json").exists():
                forget_source(self.db, str(final), authority=authority)
                for extra in (final, scans_path(final)):
                    extra.unlink(missing_ok=True)
            leftover.unlink(missing_ok=True)
            log.warning("orphaned upload swept", authority=authority, file=leftover.name)

    def _paths(self, principal: Principal, manifest_id: str) -> tuple[Path, dict[str, Any]]:
        if not MANIFEST_ID.fullmatch(manifest_id):
            raise NotFoundError(f"no manifest {manifest_id!r}", field="manifest_id")
        meta_path = self.folder(principal) / f"{manifest_id}.json"
        if not meta_path.exists():
            raise NotFoundError(f"no manifest {manifest_id!r}", field="manifest_id")
        meta: dict[str, Any] = json.loads(meta_path.read_text(encoding="utf-8"))
        return self.folder(principal) / meta["file"], meta

    def _info(self, manifest_id: str, meta: dict[str, Any], path: Path) -> ManifestInfo:
        from tripline.cargo.services import scans_path

        return ManifestInfo(
            id=manifest_id,
            name=meta["name"],
            uploaded_by=meta["uploaded_by"],
            uploaded_at=datetime.fromisoformat(meta["uploaded_at"]),
            loaded=int(meta.get("loaded", 0)),
            rejected=int(meta.get("rejected", 0)),
            has_scans=scans_path(path).exists(),
        )

    def add(
        self,
        principal: Principal,
        filename: str,
        data: bytes,
        *,
        scans: bytes | None = None,
        manifest_id: str | None = None,
        progress: Callable[[str, int, int], None] | None = None,
    ) -> ManifestInfo:
        """Store an uploaded manifest (and its portal scans, JSON lines) and load its shipments;
        ``progress(stage, done, total)`` says how far (rows stored of the rows that passed the checks)."""
        from tripline.cargo.reference import load_reference
        from tripline.cargo.run import load_manifest
        from tripline.cargo.services import scans_path

        ext = self.check_upload(filename, data, scans)
        say = progress or (lambda stage, done, total: None)
        say("reading and checking the rows", 0, 0)
        manifest_id = manifest_id or secrets.token_hex(8)
        folder = self.folder(principal)
        path = folder / f"{manifest_id}{ext}"
        incoming = folder / INCOMING / path.name
        incoming.write_bytes(data)
        if scans:
            scans_path(incoming).write_bytes(scans)
        try:
            summary = load_manifest(
                self.db,
                incoming,
                load_reference(self.settings.data_dir),
                authority=principal.authority_code,
                source_file=str(path),
                progress=lambda done, total: say("storing rows", done, total),
            )
            if summary.loaded == 0:  # nothing stored: no manifest either, and say why
                raise _nothing_loaded(Path(filename).name, summary.errors)
        except Exception:
            incoming.unlink(missing_ok=True)
            scans_path(incoming).unlink(missing_ok=True)
            raise
        if scans:
            os.replace(scans_path(incoming), scans_path(path))
        os.replace(incoming, path)
        meta = {
            "file": path.name,
            "name": Path(filename).name[:200],
            "uploaded_by": principal.username,
            "uploaded_at": now().isoformat(),
            "loaded": summary.loaded,
            "rejected": len(summary.errors),
        }
        described = folder / INCOMING / f"{manifest_id}.json"
        described.write_text(json.dumps(meta), encoding="utf-8")
        os.replace(described, folder / f"{manifest_id}.json")  # the manifest appears only now
        log.info("manifest stored", authority=principal.authority_code, manifest=manifest_id, loaded=summary.loaded)
        return self._info(manifest_id, meta, path)

    def check_upload(self, filename: str, data: bytes, scans: bytes | None = None) -> str:
        """What can be said of an upload before reading it (size, kind, emptiness); its extension."""
        limit = self.settings.console_max_upload_mb * 1024 * 1024
        if len(data) > limit or (scans is not None and len(scans) > limit):
            raise TooLargeError(f"uploads are limited to {self.settings.console_max_upload_mb} MB", field="file")
        ext = Path(filename).suffix.lower()
        if ext not in EXTENSIONS:
            raise InputError(f"manifest must be one of {', '.join(EXTENSIONS)}", file=filename, field="file")
        if not data:
            raise FormatError("the file is empty", file=filename, field="file")
        return ext

    def manifests(self, principal: Principal) -> list[ManifestInfo]:
        out = []
        for meta_path in sorted(self.folder(principal).glob("*.json")):
            meta = json.loads(meta_path.read_text(encoding="utf-8"))
            out.append(self._info(meta_path.stem, meta, self.folder(principal) / meta["file"]))
        return sorted(out, key=lambda m: m.uploaded_at, reverse=True)

    def manifest(self, principal: Principal, manifest_id: str) -> ManifestInfo:
        path, meta = self._paths(principal, manifest_id)
        return self._info(manifest_id, meta, path)

    def queue(self, principal: Principal, manifest_id: str, *, progress: Any = None) -> Any:
        """The ranked, explained queue (a ``TargetRun``), computed once per file version;
        ``progress(done, total)`` is called while shipments are scored."""
        path, _ = self._paths(principal, manifest_id)
        return self._queue_of(path, principal.authority_code, progress)

    def cached_queue(self, principal: Principal, manifest_id: str) -> Any | None:
        """The queue if it is already computed for the file as it is now; never computes it."""
        path, _ = self._paths(principal, manifest_id)
        with self._lock:
            return self._cache.get((str(path), path.stat().st_mtime))

    def _queue_of(self, path: Path, authority: str, progress: Any = None) -> Any:
        from tripline.cargo.run import run_target

        key = (str(path), path.stat().st_mtime)
        with self._lock:
            cached = self._cache.get(key)
        if cached is not None:
            return cached
        run = run_target(
            self.settings, path, db=self.db, matchers=self.runtime.matchers, authority=authority, progress=progress
        )
        with self._lock:
            self._cache[key] = run
        return run

    def warm(self, per_authority: int = 1) -> list[tuple[str, str]]:
        """Compute the newest ``per_authority`` queues of every authority's folder now (``serve``
        calls this before it answers); (part, state) lines for the start-up report."""
        from tripline.errors import TriplineError

        root = self.settings.var_dir / "console" / "manifests"
        report: list[tuple[str, str]] = []
        for folder in sorted(p for p in root.glob("*") if p.is_dir()) if root.exists() else []:
            described = []
            for meta_path in folder.glob("*.json"):
                meta = json.loads(meta_path.read_text(encoding="utf-8"))
                described.append((meta["uploaded_at"], meta_path.stem, meta))
            for _, _manifest_id, meta in sorted(described, reverse=True)[:per_authority]:
                started = time.perf_counter()
                part = f"queue {folder.name}/{meta['name']}"
                try:
                    run = self._queue_of(folder / meta["file"], folder.name)
                    self._shipments_of(folder / meta["file"], folder.name, run)  # what the queue page shows
                except TriplineError as exc:
                    report.append((part, f"not ready: {exc.reason}"))
                    continue
                report.append((part, f"{run.shipments:,} shipments in {time.perf_counter() - started:.1f} s"))
        return report

    def shipments(self, principal: Principal, manifest_id: str) -> dict[str, Any]:
        """The manifest's stored shipments (``tripline.cargo.model.Shipment``) by bill of lading, read
        once per file version: what the queue shows of each row (parties, goods, route, vessel)."""
        path, _ = self._paths(principal, manifest_id)
        key = ("shipments:" + str(path), path.stat().st_mtime)
        with self._lock:
            cached = self._cache.get(key)
        if cached is not None:
            return cast(dict[str, Any], cached)
        return self._shipments_of(path, principal.authority_code, self.queue(principal, manifest_id))

    def _shipments_of(self, path: Path, authority: str, run: Any) -> dict[str, Any]:
        from tripline.cargo.run import stored_shipments

        bills = [s.bill_of_lading for s in run.ranked]
        found = {s.bill_of_lading: s for s in stored_shipments(self.db, bills, authority=authority)}
        with self._lock:
            self._cache[("shipments:" + str(path), path.stat().st_mtime)] = found
        return found

    def container(self, principal: Principal, manifest_id: str, container: str) -> ContainerView:
        from tripline.cargo.services import scans_path

        container = container.strip().upper()
        if not CONTAINER.fullmatch(container):
            raise InputError("not a container number (4 letters, 7 digits)", field="container")
        path, meta = self._paths(principal, manifest_id)
        run = self.queue(principal, manifest_id)
        shipment = next((s for s in run.ranked if container in s.containers), None)
        if shipment is None:
            raise NotFoundError(f"container {container} is not on this manifest", field="container")
        scans = _scans(scans_path(path), container)
        return ContainerView(self._info(manifest_id, meta, path), container, shipment, scans)


@dataclass(frozen=True)
class Passage:
    """One portal occupancy of a container in one of the authority's manifests."""

    manifest: ManifestInfo
    scan: ScanView


def container_history(workspace: Workspace, principal: Principal, container: str) -> list[Passage]:
    """Every portal occupancy of ``container`` in the caller's authority's manifests, newest first
    (read from the scans files: no queue is needed)."""
    from tripline.cargo.services import scans_path

    container = container.strip().upper()
    if not CONTAINER.fullmatch(container):
        raise InputError("not a container number (4 letters, 7 digits)", field="container")
    out = []
    for info in workspace.manifests(principal):
        path, _ = workspace._paths(principal, info.id)
        out += [Passage(info, scan) for scan in _scans(scans_path(path), container)]
    return sorted(out, key=lambda p: (p.scan.time, p.manifest.uploaded_at.isoformat()), reverse=True)


def _scans(path: Path, container: str) -> tuple[ScanView, ...]:
    if not path.exists():
        return ()
    from tripline.cargo.radiation_bridge import unbacked_alarm
    from tripline.radiation.adjudicate import adjudicate
    from tripline.radiation.readers.occupancy import parse_occupancies

    lines = [line for line in path.read_bytes().splitlines() if container.encode() in line]
    if not lines:
        return ()
    out = []
    for rec in parse_occupancies(b"\n".join(lines), source=str(path)):
        occ = rec.occupancy
        if occ.container_id != container:
            continue
        result = adjudicate(occ, rec.spectrum, rec.background)
        nuclides = tuple(m.nuclide for m in result.identification.isotopes) if result.identification else ()
        spectrum, background = rec.spectrum, rec.background
        energies: tuple[float, ...] = ()
        if spectrum is not None and spectrum.calibration is not None:
            energies = tuple(float(e) for e in spectrum.calibration.energy(range(spectrum.counts.size)))
        out.append(
            ScanView(
                occupancy_id=result.occupancy_id,
                location=occ.portal or "",
                time=occ.started_at.isoformat() if occ.started_at else "",
                verdict=result.verdict.value,
                reasons=tuple(result.reasons),
                nuclides=nuclides,
                energies_kev=energies,
                counts=tuple(int(c) for c in spectrum.counts) if spectrum is not None else (),
                background=tuple(int(c) for c in background.counts) if background is not None else (),
                live_time_s=spectrum.live_time_s if spectrum is not None else 0.0,
                background_live_time_s=background.live_time_s if background is not None else 0.0,
                slice_s=occ.slice_s,
                gamma_cps=tuple(sum(row) / occ.slice_s for row in occ.gamma_counts),
                gamma_background_cps=float(sum(occ.gamma_background_cps)),
                neutron_counts=occ.neutron_counts,
                neutron_expected=occ.neutron_background_cps * occ.duration_s,
                gross_sigma=result.alarm.gross_sigma,
                neutron_sigma=result.alarm.neutron_sigma,
                gamma_alarm=result.alarm.gamma_alarm,
                monitor_alarm=occ.monitor_alarm,
                unbacked=unbacked_alarm(result),
                peaks=tuple(
                    (m.nuclide, p.energy_kev, p.found_kev, p.significance)
                    for m in (result.identification.isotopes if result.identification else ())
                    for p in m.peaks
                ),
            )
        )
    return tuple(out)
