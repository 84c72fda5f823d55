"""Set up a node in one idempotent call: what ``make run`` does before ``tripline serve``.

Each step calls the owning capability's library function and is safe to repeat: lists and the
control catalogue are stored as versioned snapshots (an unchanged file is not loaded twice), the
exchange situations and the demo manifest are created once, and the first administrator only
on a node without users. The administrator belongs to the node's exchange authority, and its
creation is an entry of the signed audit chain (actor ``bootstrap``).
"""

from __future__ import annotations

import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import structlog

from tripline.auth.service import ensure_first_admin, get_principal, list_users
from tripline.settings import Settings
from tripline.signing.keys import NodeKey
from tripline.store.db import Database

log = structlog.get_logger(__name__)
DEMO_MANIFEST_ID = "demo"


@dataclass
class BootstrapReport:
    steps: list[tuple[str, str]] = field(default_factory=list)  # (step, outcome)
    admin_password: str | None = None


def _lists(settings: Settings, db: Database) -> str:
    from tripline.lists.service import load_bundled

    results = load_bundled(db, settings)
    return f"{len(results)} lists"


def _controls(settings: Settings, db: Database) -> str:
    from tripline.controls.service import load_catalogue

    infos = load_catalogue(settings, db)
    return ", ".join(f"{i.source} v{i.version} ({i.entry_count} entries)" for i in infos)


def _exchange(settings: Settings, db: Database) -> str:
    from tripline.exchange.demo import load_exchange_situations

    return load_exchange_situations(settings, db)


def _demo_manifest(settings: Settings, db: Database, admin: str, shipments: int) -> str:
    from tripline.cargo.run import make_demo
    from tripline.cases.workspace import Workspace
    from tripline.runtime import Runtime

    principal = get_principal(db, admin)
    workspace = Workspace(Runtime(settings, db))
    if any(m.id == DEMO_MANIFEST_ID for m in workspace.manifests(principal)):
        return "already loaded"
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "demo-manifest.csv"
        made = make_demo(settings, out, shipments, 7)
        scans = Path(made["scans"]["file"]).read_bytes()
        info = workspace.add(principal, out.name, out.read_bytes(), scans=scans, manifest_id=DEMO_MANIFEST_ID)
    return f"{info.loaded} shipments, {made['scans']['occupancies']} portal occupancies"


def _authority(settings: Settings, db: Database) -> str:
    from tripline.exchange.store import self_row

    with db.transaction() as session:
        me = self_row(session)
        return me.id if me is not None else settings.console_authority


def _audit_key(settings: Settings, db: Database) -> NodeKey | None:
    """The node key that signs the audit log (made by the exchange step), so the first
    administrator's creation is chained like every later account change; None without one."""
    from tripline.errors import NotFoundError
    from tripline.exchange.service import Node

    try:
        return Node(settings=settings, db=db).key
    except NotFoundError:
        log.warning("security: no node key; the first administrator's creation is not chained")
        return None


STEPS: tuple[tuple[str, Callable[[Settings, Database], str]], ...] = (
    ("lists", _lists),
    ("control catalogue", _controls),
    ("exchange situations", _exchange),
)


def run_bootstrap(
    settings: Settings,
    db: Database,
    *,
    admin: str = "admin",
    demo_shipments: int = 500,
    say: Callable[[str], object] = print,
) -> BootstrapReport:
    """Run every step in order; ``db`` is already migrated."""
    report = BootstrapReport()

    def step(name: str, outcome: str) -> None:
        report.steps.append((name, outcome))
        log.info("bootstrap step", step=name, outcome=outcome)
        say(f"bootstrap: {name}: {outcome}")

    for name, func in STEPS:
        say(f"bootstrap: {name} …")
        step(name, func(settings, db))
    report.admin_password = ensure_first_admin(
        db, authority=_authority(settings, db), username=admin, audit_key=_audit_key(settings, db)
    )
    step("administrator", "created" if report.admin_password else "exists")
    if any(u.username == admin for u in list_users(db)):
        say("bootstrap: demo manifest …")
        step("demo manifest", _demo_manifest(settings, db, admin, demo_shipments))
    return report
