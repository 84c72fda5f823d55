"""Goods classification over HTTP: the runtime's classifier (over the stored catalogue)."""

from __future__ import annotations

from fastapi import APIRouter, Depends

from tripline.auth.roles import Permission
from tripline.auth.service import Principal
from tripline.controls.schema import Classification, GoodsQuery
from tripline.http.deps import get_runtime, require
from tripline.jsonbody import ParsedJsonRoute
from tripline.runtime import Runtime
from tripline.settings import Settings


def build_router(_settings: Settings) -> APIRouter:
    router = APIRouter(prefix="/api", tags=["classification"], route_class=ParsedJsonRoute)

    @router.post(
        "/classify",
        response_model=Classification,
        summary="Classify a goods description: candidates, thresholds, verdict (EU and US) and catch-all",
    )
    def classify(
        body: GoodsQuery,
        _principal: Principal = Depends(require(Permission.CLASSIFY)),
        rt: Runtime = Depends(get_runtime),
    ) -> Classification:
        return rt.classifier().classify(body)

    return router
