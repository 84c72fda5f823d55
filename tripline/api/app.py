"""The FastAPI application factory.

Each capability exposes an ``APIRouter`` factory; this module only assembles them, so the
same process serves the console, the REST API and the exchange endpoints of a node.
"""

from __future__ import annotations

import importlib
from collections.abc import Awaitable, Callable

from fastapi import APIRouter, FastAPI, Request, Response

from tripline import __version__
from tripline.api.limits import RequestLimits
from tripline.cases.workspace import Workspace
from tripline.http.errors import ERROR_RESPONSES, install_error_handlers
from tripline.logs import configure_logging
from tripline.runtime import Runtime
from tripline.settings import Settings
from tripline.store.db import Database

# The console's own routers: health, users, cases, the capabilities' REST routes, the web pages.
CORE_ROUTERS: tuple[str, ...] = (
    "tripline.api.health:build_router",
    "tripline.api.users:build_router",
    "tripline.api.cases:build_router",
    "tripline.api.screening:build_router",
    "tripline.api.classify:build_router",
    "tripline.api.targeting:build_router",
    "tripline.api.exchange:build_router",
    "tripline.web.routes:build_router",
)

# "module:function" -> function(settings) returns an APIRouter. A capability adds itself here.
ROUTER_FACTORIES: tuple[str, ...] = ("tripline.exchange.http:build_router",)

SECURITY_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "same-origin",
    "Content-Security-Policy": "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; "
    "frame-ancestors 'none'; form-action 'self'",
}


def _load(spec: str, settings: Settings) -> APIRouter:
    module_name, func_name = spec.split(":")
    factory = getattr(importlib.import_module(module_name), func_name)
    router: APIRouter = factory(settings)
    return router


def create_app(
    settings: Settings | None = None, database: Database | None = None, runtime: Runtime | None = None
) -> FastAPI:
    """The whole node: REST API, console pages and the capabilities' routers.

    ``database`` must already be migrated (``tripline serve`` migrates once before starting
    workers); without it one is opened from ``settings``. Every router and page shares one
    :class:`~tripline.runtime.Runtime` (``app.state.runtime``): pass ``runtime`` to share one
    that is already warm, else one is made here (built lazily).
    """
    if runtime is not None:
        settings, database = runtime.settings, runtime.db
    settings = settings or Settings()
    app = FastAPI(
        title="Tripline",
        version=__version__,
        description="Export-control screening, classification, cargo targeting, radiation adjudication, "
        "partner exchange and case files. Errors always have the `ErrorBody` shape.",
    )
    app.state.settings = settings
    app.state.db = database or Database.from_settings(settings)
    app.state.runtime = runtime or Runtime(settings, app.state.db)
    app.state.workspace = Workspace(app.state.runtime)
    install_error_handlers(app)
    from tripline.web.routes import install_web_handlers

    install_web_handlers(app, settings)
    for spec in (*CORE_ROUTERS, *ROUTER_FACTORIES):
        app.include_router(_load(spec, settings), responses=ERROR_RESPONSES)

    @app.middleware("http")
    async def security_headers(request: Request, call_next: Callable[[Request], Awaitable[Response]]) -> Response:
        response = await call_next(request)
        for key, value in SECURITY_HEADERS.items():
            response.headers.setdefault(key, value)
        return response

    app.add_middleware(RequestLimits, max_upload_bytes=settings.console_max_upload_mb * 1024 * 1024)  # outermost
    return app


def create_app_from_env() -> FastAPI:
    """Factory for ``uvicorn --factory`` worker processes: settings from the environment; the
    worker's runtime is warmed before it answers (each worker process holds its own)."""
    settings = Settings()
    configure_logging(settings)
    runtime = Runtime(settings, Database.from_settings(settings))
    runtime.warm()
    return create_app(runtime=runtime)
