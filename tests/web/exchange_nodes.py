"""Three real exchange nodes (their own keys and databases) in one process, joined by a
``LocalTransport``: ours (jp-customs) behind the console app, us-cbp and fr-douane, loaded with the
demo situations (``tripline.exchange.demo``). Used by the page tests and the browser tests."""

from __future__ import annotations

import functools
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tests.api.harness import PASSWORD
from tests.conftest import BUNDLED_DATA, free_port
from tripline.settings import Settings
from tripline.store.db import Database


@dataclass
class Nodes:
    app: Any  # the console's ASGI app over our node
    home: Any  # tripline.exchange.service.Node
    partners: dict[str, Any]
    settings: Settings
    dbs: list[Database] = field(default_factory=list)

    def close(self) -> None:
        for db in self.dbs:
            db.dispose()


def build_nodes(var_dir: Path) -> Nodes:
    from tripline.api.app import create_app
    from tripline.auth.roles import Role
    from tripline.auth.service import create_user
    from tripline.exchange.delivery import LocalTransport
    from tripline.exchange.demo import load_exchange_situations
    from tripline.exchange.inbound import receive
    from tripline.exchange.service import Node
    from tripline.runtime import Runtime

    settings = Settings(var_dir=var_dir, database_url=None, data_dir=BUNDLED_DATA)
    db = Database.from_settings(settings)
    db.upgrade()
    load_exchange_situations(settings, db)
    for username, role, authority in (
        ("eve", Role.EXCHANGE_OFFICER, "jp-customs"),
        ("ana", Role.ANALYST, "jp-customs"),
        ("bob", Role.EXCHANGE_OFFICER, "us-cbp"),
    ):
        create_user(db, username, role=role, authority=authority, password=PASSWORD)
    transport = LocalTransport()
    partners: dict[str, Any] = {}
    dbs = [db]
    for pid in ("us-cbp", "fr-douane"):
        psettings = Settings(var_dir=settings.var_dir / "demo-partners" / pid, database_url=None, data_dir=BUNDLED_DATA)
        pdb = Database.from_settings(psettings)
        dbs.append(pdb)
        partners[pid] = Node(settings=psettings, db=pdb, transport=transport)
    runtime = Runtime(settings, db, transport=transport)
    home = runtime.node()
    for node in (home, *partners.values()):
        transport.handlers[f"local://{node.node_id}"] = functools.partial(receive, node)
    return Nodes(create_app(runtime=runtime), home, partners, settings, dbs)


@contextmanager
def served(app: Any) -> Iterator[str]:
    """The app behind a real uvicorn server on a free port (its base URL) for the life of the block."""
    import uvicorn

    port = free_port()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", lifespan="on"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 180
    while not server.started:
        assert time.monotonic() < deadline, "uvicorn did not start"
        assert thread.is_alive(), "uvicorn stopped while starting"
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)
