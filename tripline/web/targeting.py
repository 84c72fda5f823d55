"""Console pages for targeting: upload a manifest, work the queue, open a container."""

from __future__ import annotations

from fastapi import APIRouter, Depends, File, Path, Query, Request, UploadFile
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from tripline.api.targeting import get_workspace, store_upload
from tripline.auth.roles import Permission
from tripline.cases.service import CaseStatus, list_cases
from tripline.cases.workspace import Workspace
from tripline.settings import Settings
from tripline.web.render import Page, page, render
from tripline.web.svg import spectrum_svg

# lines drawn on spectra: the gamma lines the adjudicator names most often (keV)
MARKERS = ((661.7, "Cs-137"), (1460.8, "K-40"), (2614.5, "Tl-208"), (609.3, "Bi-214"))


def build_router(_settings: Settings) -> APIRouter:
    router = APIRouter()

    @router.get("/queue", response_class=HTMLResponse)
    def queue_page(
        request: Request,
        manifest: str = Query(default="", max_length=40),
        top: int = Query(default=50, ge=1, le=5000),
        pg: Page = Depends(page),
        ws: Workspace = Depends(get_workspace),
    ) -> Response:
        pg.require(Permission.TARGET)
        manifests = ws.manifests(pg.principal)
        chosen = manifest or (manifests[0].id if manifests else "")
        run = ws.queue(pg.principal, chosen) if chosen else None
        current = ws.manifest(pg.principal, chosen) if chosen else None
        return render(
            request, "queue.html", pg, manifests=manifests, current=current, run=run,
            queue=run.ranked[:top] if run else [], top=top,
        )  # fmt: skip

    @router.post("/manifests")
    def upload(
        file: UploadFile = File(),
        scans: UploadFile | None = File(default=None),
        pg: Page = Depends(page),
        ws: Workspace = Depends(get_workspace),
    ) -> Response:
        pg.require(Permission.TARGET)
        info = store_upload(ws, pg.principal, file, scans)
        return RedirectResponse(f"/queue?manifest={info.id}", status_code=303)

    @router.get("/queue/{manifest_id}/containers/{container}", response_class=HTMLResponse)
    def container_page(
        request: Request,
        manifest_id: str = Path(max_length=40),
        container: str = Path(max_length=11),
        pg: Page = Depends(page),
        ws: Workspace = Depends(get_workspace),
    ) -> Response:
        view = ws.container(pg.principal, manifest_id, container)
        plots = [
            spectrum_svg(
                s.counts,
                s.live_time_s,
                energies_kev=s.energies_kev,
                background=s.background,
                background_live_time_s=s.background_live_time_s,
                title=f"Spectrum of {view.container}, occupancy {s.occupancy_id}",
                markers=MARKERS,
            )
            for s in view.scans
        ]
        open_cases = [c for c in list_cases(ws.db, pg.principal) if c.status is not CaseStatus.CLOSED]
        return render(
            request, "container.html", pg, view=view, scans=list(zip(view.scans, plots, strict=True)),
            open_cases=open_cases,
        )  # fmt: skip

    return router
