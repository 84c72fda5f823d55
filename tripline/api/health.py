"""Liveness and readiness: the only API routes answered without authentication."""

from __future__ import annotations

from fastapi import APIRouter, Depends
from pydantic import BaseModel
from sqlalchemy import text

from tripline import __version__
from tripline.errors import StorageError
from tripline.http.deps import get_db
from tripline.settings import Settings
from tripline.store.db import Database


class Health(BaseModel):
    status: str
    version: str
    database: str


def build_router(_settings: Settings) -> APIRouter:
    router = APIRouter(tags=["health"])

    @router.get("/healthz", response_model=Health, summary="Liveness and database reachability")
    def healthz(db: Database = Depends(get_db)) -> Health:
        try:
            with db.engine.connect() as conn:
                conn.execute(text("SELECT 1"))
        except Exception as exc:
            raise StorageError(f"database unreachable: {type(exc).__name__}") from exc
        return Health(status="ok", version=__version__, database=db.dialect)

    return router
