"""Console page for classifying a goods description."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import HTMLResponse, Response
from pydantic import ValidationError

from tripline.auth.roles import Permission
from tripline.controls.schema import GoodsQuery
from tripline.controls.service import parse_params
from tripline.errors import TriplineError
from tripline.http.deps import get_runtime
from tripline.runtime import Runtime
from tripline.settings import Settings
from tripline.web.render import Page, page, render


def build_router(_settings: Settings) -> APIRouter:
    router = APIRouter()

    @router.get("/classify", response_class=HTMLResponse)
    def classify_page(
        request: Request,
        description: str = Query(default="", max_length=5000),
        hs: str = Query(default="", max_length=20),
        params: str = Query(default="", max_length=2000, description="NAME=VALUE lines"),
        destination: str = Query(default="", max_length=60),
        end_use: str = Query(default="", max_length=1000),
        pg: Page = Depends(page),
        rt: Runtime = Depends(get_runtime),
    ) -> Response:
        pg.require(Permission.CLASSIFY)
        form = {"description": description, "hs": hs, "params": params, "destination": destination, "end_use": end_use}
        result, error = None, None
        if description.strip():
            try:
                query = GoodsQuery(
                    description=description,
                    hs_code=hs or None,
                    params=parse_params(line for line in params.splitlines() if line.strip()),
                    destination=destination or None,
                    end_use=end_use or None,
                )
                result = rt.classifier().classify(query)
            except TriplineError as exc:
                error = exc.message
            except ValidationError as exc:
                error = str(exc.errors()[0]["msg"])
        return render(request, "classify.html", pg, form=form, result=result, error=error)

    return router
