"""Long work off the request: a manifest's queue is scored in a background thread while its page
shows how far it got (htmx polls :func:`build_router`'s progress fragment); no page request
scores a queue or builds an index. ``serve`` warms the newest queue of every authority first."""

from __future__ import annotations

import secrets
import sys
import threading
import time
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import structlog
from fastapi import APIRouter, Depends, FastAPI, Query, Request
from fastapi import Path as PathParam
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from tripline.auth.roles import Permission
from tripline.auth.service import Principal
from tripline.cases.jobs import JobKind, JobState, JobStatus, Owner, job_status, record_end, record_start
from tripline.cases.workspace import Workspace
from tripline.errors import TriplineError
from tripline.http.deps import get_workspace
from tripline.settings import Settings
from tripline.web.render import Page, page, render

log = structlog.get_logger(__name__)


@dataclass(kw_only=True)
class _Progress:
    """What a background job's page shows of it: its stage, the share done, the seconds so far and
    how it ended (the fields :func:`_from_store` reads back after a restart)."""

    started: float
    stage: str
    done: int = 0
    total: int = 0
    error: str | None = None
    finished: bool = False
    seconds: float | None = None  # a job read from the store: how long it ran (else counted from ``started``)
    interrupted: bool = False

    @property
    def percent(self) -> int:
        return int(100 * self.done / self.total) if self.total else 0

    @property
    def elapsed(self) -> float:
        return self.seconds if self.seconds is not None else time.monotonic() - self.started


INTERRUPTED = "interrupted: the server stopped while this ran"


def _from_store(job: JobStatus) -> dict[str, Any]:
    """The fields of a job's page read back from the store (a job of another process, or of one before
    a restart): finished, failed with its error, or interrupted; one still running elsewhere goes on."""
    error = job.error
    if job.state is JobState.INTERRUPTED:
        error = f"{INTERRUPTED} ({job.stage})" if job.stage else INTERRUPTED
    return {
        "stage": job.stage, "done": job.done, "total": job.total, "error": error,
        "finished": job.state is not JobState.RUNNING, "seconds": job.seconds,
        "interrupted": job.state is JobState.INTERRUPTED,
    }  # fmt: skip


@dataclass(kw_only=True)
class Build(_Progress):
    """How far the scoring of one manifest's queue got."""

    manifest_id: str
    stage: str = "reading the manifest and the portal scans"


class QueueBuilds:
    """Background scoring of queues, at most one build per manifest at a time (one per process)."""

    def __init__(self, workspace: Workspace, owner: Owner | None = None) -> None:
        self.workspace = workspace
        self.owner = owner or Owner.this_process()
        self._lock = threading.Lock()
        self._builds: dict[tuple[str, str], Build] = {}

    def ready(self, principal: Principal, manifest_id: str) -> Any | None:
        """The queue if it is scored; else ``None``, and its scoring is started in the background."""
        run = self.workspace.cached_queue(principal, manifest_id)  # also checks the manifest is the caller's
        if run is None:
            self.start(principal, manifest_id)
        return run

    def status(self, principal: Principal, manifest_id: str) -> Build | None:
        with self._lock:
            build = self._builds.get((principal.authority_code, manifest_id))
        return build if build is not None else self._stored(principal, manifest_id)

    def _stored(self, principal: Principal, manifest_id: str) -> Build | None:
        job = job_status(self.workspace.db, self.owner, principal.authority_code, JobKind.QUEUE, manifest_id)
        return None if job is None else Build(manifest_id=manifest_id, started=time.monotonic(), **_from_store(job))

    def start(self, principal: Principal, manifest_id: str, *, retry: bool = False) -> Build:
        """Start scoring (unless it runs already, or failed, here or before a restart, and ``retry``
        is not asked for; an interrupted build starts again)."""
        key = (principal.authority_code, manifest_id)
        with self._lock:
            build = self._builds.get(key)
            if build is None and not retry:
                stored = self._stored(principal, manifest_id)
                if stored is not None and stored.error and not stored.interrupted:
                    self._builds[key] = stored  # failed before the restart: shown, not run again unasked
                    return stored
            if build is not None and (not build.finished or (build.error and not retry)):
                return build
            build = Build(manifest_id=manifest_id, started=time.monotonic())
            self._builds[key] = build
        thread = threading.Thread(
            target=self._run, args=(principal, manifest_id, build), name=f"queue-{manifest_id}", daemon=True
        )
        thread.start()
        return build

    def _run(self, principal: Principal, manifest_id: str, build: Build) -> None:
        def progress(done: int, total: int) -> None:
            build.stage, build.done, build.total = "scoring shipments", done, total

        authority = principal.authority_code
        try:
            # written here, not in the request: a write waits while another thread stores an upload
            record_start(self.workspace.db, self.owner, authority, JobKind.QUEUE, manifest_id, stage=build.stage)
            self.workspace.queue(principal, manifest_id, progress=progress)
            build.stage = "reading the shipments' facts"
            self.workspace.shipments(principal, manifest_id)  # what the queue page shows of each row
        except TriplineError as exc:
            build.error = exc.message
        except Exception:  # the page says it failed; the log has the traceback
            log.exception("queue build failed", manifest=manifest_id, authority=principal.authority_code)
            build.error = "scoring failed (internal error; the server log has the details)"
        else:
            build.stage = "done"
        self._record_end(authority, build)
        build.finished = True
        log.info("queue built", manifest=manifest_id, seconds=round(build.elapsed, 1), error=build.error)

    def _record_end(self, authority: str, build: Build) -> None:
        try:
            record_end(self.workspace.db, authority, JobKind.QUEUE, build.manifest_id, stage=build.stage,
                       done=build.done, total=build.total, error=build.error)  # fmt: skip
        except TriplineError as exc:  # the page still shows it from memory; a restart then says interrupted
            log.warning("queue build status not stored", manifest=build.manifest_id, error=exc.message)


@dataclass(kw_only=True)
class Upload(_Progress):
    """How far the storing of one uploaded manifest got (its rows checked, then stored in one transaction)."""

    manifest_id: str
    name: str
    stage: str = "receiving the file"


class UploadJobs:
    """Uploaded manifests stored in the background (their rows read, checked and stored), each
    followed by the scoring of its queue; the upload request returns as soon as the file is received."""

    def __init__(self, workspace: Workspace, builds: QueueBuilds) -> None:
        self.workspace = workspace
        self.builds = builds
        self.owner = builds.owner
        self._lock = threading.Lock()
        self._jobs: dict[tuple[str, str], Upload] = {}

    def status(self, principal: Principal, manifest_id: str) -> Upload | None:
        """The upload as this process follows it, else as the store last saw it (before a restart, or
        in another worker): stored, failed with its error, or interrupted."""
        with self._lock:
            job = self._jobs.get((principal.authority_code, manifest_id))
        if job is not None:
            return job
        stored = job_status(self.workspace.db, self.owner, principal.authority_code, JobKind.UPLOAD, manifest_id)
        if stored is None:
            return None
        fields = _from_store(stored)
        if fields["interrupted"] and self._stored_manifest(principal, manifest_id):
            # its rows were committed; only the end of the job went unrecorded
            fields |= {"error": None, "interrupted": False, "stage": "stored"}
        return Upload(manifest_id=manifest_id, name=stored.name, started=time.monotonic(), **fields)

    def _stored_manifest(self, principal: Principal, manifest_id: str) -> bool:
        try:
            self.workspace.manifest(principal, manifest_id)
        except TriplineError:
            return False
        return True

    def start(self, principal: Principal, filename: str, data: bytes, scans: bytes | None) -> Upload:
        """Check what can be checked at once (size, kind, empty: raised here), then store in the background."""
        self.workspace.check_upload(filename, data, scans)
        job = Upload(manifest_id=secrets.token_hex(8), name=Path(filename).name[:200], started=time.monotonic())
        with self._lock:
            self._jobs[(principal.authority_code, job.manifest_id)] = job
        thread = threading.Thread(
            target=self._run, args=(principal, filename, data, scans, job), name=f"upload-{job.manifest_id}",
            daemon=True,
        )  # fmt: skip
        thread.start()
        return job

    def _run(self, principal: Principal, filename: str, data: bytes, scans: bytes | None, job: Upload) -> None:
        def progress(stage: str, done: int, total: int) -> None:
            job.stage, job.done, job.total = stage, done, total

        authority = principal.authority_code
        try:
            record_start(self.workspace.db, self.owner, authority, JobKind.UPLOAD, job.manifest_id, name=job.name,
                         stage="reading and checking the rows")  # fmt: skip
            self.workspace.add(principal, filename, data, scans=scans, manifest_id=job.manifest_id, progress=progress)
        except TriplineError as exc:
            job.error = exc.message
        except Exception:  # the page says it failed; the log has the traceback
            log.exception("upload failed", manifest=job.manifest_id, authority=principal.authority_code)
            job.error = "storing failed (internal error; the server log has the details)"
        else:
            job.stage = "stored"
        try:
            record_end(self.workspace.db, authority, JobKind.UPLOAD, job.manifest_id, stage=job.stage,
                       done=job.done, total=job.total, error=job.error)  # fmt: skip
        except TriplineError as exc:
            log.warning("upload status not stored", manifest=job.manifest_id, error=exc.message)
        if job.error is None:
            self.builds.start(principal, job.manifest_id)  # then its queue is scored
        job.finished = True
        log.info("upload stored", manifest=job.manifest_id, seconds=round(job.elapsed, 1), error=job.error)


def install_warm_up(app: FastAPI, workspace: Workspace, say: Callable[[str], Any] | None = None) -> None:
    """Before the server accepts a request, score the newest queue of every authority (the
    ASGI lifespan start-up: ``serve`` runs it; test clients without a lifespan do not)."""
    inner = app.router.lifespan_context
    write = say or (lambda line: print(line, file=sys.stderr, flush=True))

    @asynccontextmanager
    async def lifespan(asgi: Any) -> AsyncIterator[Any]:
        started = time.perf_counter()
        for part, said in await run_in_threadpool(workspace.warm):
            write(f"  {part}: {said}")
        write(f"Console queues warm in {time.perf_counter() - started:.1f} s: ready")
        async with inner(asgi) as state:
            yield state

    app.router.lifespan_context = lifespan


def build_router(_settings: Settings) -> APIRouter:
    router = APIRouter()

    @router.get("/queue/progress", response_class=HTMLResponse)
    def queue_progress(
        request: Request,
        manifest: str = Query(max_length=40),
        pg: Page = Depends(page),
        ws: Workspace = Depends(get_workspace),
    ) -> Response:
        """The progress fragment a building queue page polls; when the queue is ready, htmx reloads the page."""
        pg.require(Permission.TARGET)
        builds: QueueBuilds = request.app.state.queue_builds
        if builds.ready(pg.principal, manifest) is not None:
            return Response(status_code=200, headers={"HX-Refresh": "true"})
        return render(request, "progress.html", pg, build=builds.status(pg.principal, manifest), manifest=manifest)

    @router.get("/manifests/{manifest_id}/storing", response_class=HTMLResponse)
    def storing_page(
        request: Request,
        manifest_id: str = PathParam(max_length=40),
        pg: Page = Depends(page),
    ) -> Response:
        """The page an upload lands on while its rows are checked and stored; once they are (a small
        file is stored before the browser gets here), straight on to the queue."""
        pg.require(Permission.TARGET)
        job = _job(request, pg, manifest_id)
        if job.finished and job.error is None:
            return RedirectResponse(f"/queue?manifest={job.manifest_id}", status_code=303)
        return render(request, "storing.html", pg, job=job)

    @router.get("/manifests/{manifest_id}/storing/progress", response_class=HTMLResponse)
    def storing_progress(
        request: Request,
        manifest_id: str = PathParam(max_length=40),
        pg: Page = Depends(page),
    ) -> Response:
        """The fragment the storing page polls; once stored, htmx goes on to the queue (being scored)."""
        pg.require(Permission.TARGET)
        job = _job(request, pg, manifest_id)
        if job.finished and job.error is None:
            return Response(status_code=200, headers={"HX-Redirect": f"/queue?manifest={job.manifest_id}"})
        return render(request, "storing_status.html", pg, job=job)

    return router


def _job(request: Request, pg: Page, manifest_id: str) -> Upload:
    from tripline.errors import NotFoundError

    uploads: UploadJobs = request.app.state.uploads
    job = uploads.status(pg.principal, manifest_id)  # the caller's authority's upload only
    if job is None:
        raise NotFoundError(f"no upload {manifest_id!r} is being stored", field="manifest")
    return job
