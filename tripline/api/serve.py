"""Run the node under uvicorn: one in-process app, or several worker processes."""

from __future__ import annotations

import socket
import sys

import uvicorn

from tripline.api.app import create_app
from tripline.runtime import Runtime


def run(runtime: Runtime, *, host: str, port: int, workers: int = 1) -> None:
    """Serve until interrupted. ``runtime.db`` is already migrated, once, before any worker starts;
    with one worker the app shares ``runtime`` (warm it first: no request then builds an index).

    Several workers need an import string: each worker process builds (and warms) its own
    runtime and app with :func:`tripline.api.app.create_app_from_env` from the same
    ``TRIPLINE_*`` environment.
    """
    settings = runtime.settings
    log_level = settings.log_level.lower()
    if workers > 1:
        runtime.db.dispose()
        uvicorn.run(
            "tripline.api.app:create_app_from_env",
            factory=True,
            host=host,
            port=port,
            workers=workers,
            log_level=log_level,
            proxy_headers=False,
            # a worker imports every capability and warms its runtime before it answers the supervisor
            timeout_worker_healthcheck=300,
        )
        return
    config = uvicorn.Config(create_app(runtime=runtime), host=host, port=port, log_level=log_level, proxy_headers=False)
    _AnnouncingServer(config).run()


class _AnnouncingServer(uvicorn.Server):
    """Says when it accepts connections (after the socket listens, not before), on standard error:
    what a script or an operator waiting for the server can rely on."""

    async def startup(self, sockets: list[socket.socket] | None = None) -> None:
        await super().startup(sockets=sockets)
        if self.started:
            config = self.config
            sys.stderr.write(f"listening on http://{config.host}:{config.port}/\n")
            sys.stderr.flush()
