"""Run the node under uvicorn: one in-process app, or several worker processes."""

from __future__ import annotations

import uvicorn

from tripline.api.app import create_app
from tripline.settings import Settings
from tripline.store.db import Database


def run(settings: Settings, db: Database, *, host: str, port: int, workers: int = 1) -> None:
    """Serve until interrupted. ``db`` is already migrated, once, before any worker starts.

    Several workers need an import string: each worker process builds its app with
    :func:`tripline.api.app.create_app_from_env` from the same ``TRIPLINE_*`` environment.
    """
    log_level = settings.log_level.lower()
    if workers > 1:
        db.dispose()
        uvicorn.run(
            "tripline.api.app:create_app_from_env",
            factory=True,
            host=host,
            port=port,
            workers=workers,
            log_level=log_level,
            proxy_headers=False,
            # a worker imports every capability before it answers the supervisor's first ping
            timeout_worker_healthcheck=120,
        )
        return
    uvicorn.run(create_app(settings, db), host=host, port=port, log_level=log_level, proxy_headers=False)
