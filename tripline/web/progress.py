"""Long work off the request: a manifest's queue is scored in a background thread while its page
shows how far it got (htmx polls :func:`build_router`'s progress fragment); no page request
scores a queue or builds an index. ``serve`` warms the newest queue of every authority first."""

from __future__ import annotations

import sys
import threading
import time
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Any

import structlog
from fastapi import APIRouter, Depends, FastAPI, Query, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import HTMLResponse, Response

from tripline.auth.roles import Permission
from tripline.auth.service import Principal
from tripline.cases.workspace import Workspace
from tripline.errors import TriplineError
from tripline.http.deps import get_workspace
from tripline.settings import Settings
from tripline.web.render import Page, page, render

log = structlog.get_logger(__name__)


@dataclass
class Build:
    """How far the scoring of one manifest's queue got."""

    manifest_id: str
    started: float
    stage: str = "reading the manifest and the portal scans"
    done: int = 0
    total: int = 0
    error: str | None = None
    finished: bool = False

    @property
    def percent(self) -> int:
        return int(100 * self.done / self.total) if self.total else 0

    @property
    def elapsed(self) -> float:
        return time.monotonic() - self.started


class QueueBuilds:
    """Background scoring of queues, at most one build per manifest at a time (one per process)."""

    def __init__(self, workspace: Workspace) -> None:
        self.workspace = workspace
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
            return self._builds.get((principal.authority_code, manifest_id))

    def start(self, principal: Principal, manifest_id: str, *, retry: bool = False) -> Build:
        """Start scoring (unless it runs already, or failed and ``retry`` is not asked for)."""
        key = (principal.authority_code, manifest_id)
        with self._lock:
            build = self._builds.get(key)
            if build is not None and (not build.finished or (build.error and not retry)):
                return build
            build = Build(manifest_id, time.monotonic())
            self._builds[key] = build
        thread = threading.Thread(
            target=self._run, args=(principal, manifest_id, build), name=f"queue-{manifest_id}", daemon=True
        )
        thread.start()
        return build

    def _run(self, principal: Principal, manifest_id: str, build: Build) -> None:
        def progress(done: int, total: int) -> None:
            build.stage, build.done, build.total = "scoring shipments", done, total

        try:
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
        build.finished = True
        log.info("queue built", manifest=manifest_id, seconds=round(build.elapsed, 1), error=build.error)


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

    return router
