"""A bare exchange node app (only the exchange and TAXII endpoints), for benchmarks and small deployments.

``tripline serve`` serves the same router inside the whole Tripline app; this factory exists so a
node can also run alone: ``uvicorn --factory tripline.exchange.node:create_node_app_from_env``.
"""

from __future__ import annotations

from fastapi import FastAPI

from tripline.exchange.http import build_router
from tripline.settings import Settings


def create_node_app(settings: Settings) -> FastAPI:
    app = FastAPI(title="Tripline exchange node")
    app.include_router(build_router(settings))
    return app


def create_node_app_from_env() -> FastAPI:
    return create_node_app(Settings())
