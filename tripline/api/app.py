"""The FastAPI application factory.

Each capability exposes an ``APIRouter`` factory; this module only assembles them, so the
same process serves the console, the REST API and the exchange endpoints of a node.
"""

from __future__ import annotations

import importlib

from fastapi import APIRouter, FastAPI

from tripline import __version__
from tripline.settings import Settings

# "module:function" -> function(settings) returns an APIRouter. A capability adds itself here.
ROUTER_FACTORIES: tuple[str, ...] = (
    "tripline.exchange.http:build_router",
)


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or Settings()
    app = FastAPI(title="Tripline", version=__version__)
    app.state.settings = settings
    for spec in ROUTER_FACTORIES:
        module_name, func_name = spec.split(":")
        factory = getattr(importlib.import_module(module_name), func_name)
        router: APIRouter = factory(settings)
        app.include_router(router)
    return app
