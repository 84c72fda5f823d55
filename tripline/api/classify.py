"""Goods classification over HTTP: the controls capability's classifier, one per process."""

from __future__ import annotations

import threading
from typing import Any

from fastapi import APIRouter, Depends, Request

from tripline.api.deps import require
from tripline.auth.roles import Permission
from tripline.auth.service import Principal
from tripline.controls.schema import Classification, GoodsQuery
from tripline.settings import Settings


class ClassifierHolder:
    """Builds the classifier over the stored (or bundled) catalogue on first use."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._classifier: Any = None

    def get(self, request: Request) -> Any:
        from tripline.controls.service import classifier_for

        with self._lock:
            if self._classifier is None:
                self._classifier = classifier_for(request.app.state.settings, request.app.state.db)
            return self._classifier


def build_router(_settings: Settings, holder: ClassifierHolder | None = None) -> APIRouter:
    router = APIRouter(prefix="/api", tags=["classification"])
    holder = holder or ClassifierHolder()

    @router.post(
        "/classify",
        response_model=Classification,
        summary="Classify a goods description: candidates, thresholds, verdict (EU and US) and catch-all",
    )
    def classify(
        body: GoodsQuery, request: Request, _principal: Principal = Depends(require(Permission.CLASSIFY))
    ) -> Classification:
        result: Classification = holder.get(request).classify(body)
        return result

    return router
