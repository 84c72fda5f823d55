"""A bare exchange node app (only the exchange and TAXII endpoints), for benchmarks and small deployments.

``tripline serve`` serves the same router inside the whole Tripline app; this factory exists so a
node can also run alone: ``uvicorn --factory tripline.api.node:create_node_app_from_env``.
It has its own :class:`~tripline.runtime.Runtime` and the API's error mapping.
"""

from __future__ import annotations

from fastapi import FastAPI

from tripline.exchange.http import build_router
from tripline.http.errors import install_error_handlers
from tripline.runtime import Runtime
from tripline.settings import Settings
from tripline.store.db import Database


def create_node_app(settings: Settings, db: Database | None = None) -> FastAPI:
    """The node's endpoints over ``db`` (already migrated), or over a database opened and
    migrated here from ``settings``."""
    if db is None:
        db = Database.from_settings(settings)
        db.upgrade()
    app = FastAPI(title="Tripline exchange node")
    app.state.runtime = Runtime(settings, db)
    install_error_handlers(app)
    app.include_router(build_router(settings))
    return app


def create_node_app_from_env() -> FastAPI:
    return create_node_app(Settings())
