"""Set up a node in one idempotent call: what ``make run`` does before ``tripline serve``.

Each step calls the owning capability's library function and is safe to repeat: lists and
catalogues are stored as versioned snapshots (an unchanged file is not loaded twice), demo
data is keyed by its own identifiers, and the administrator is created only on an empty node.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import structlog

from tripline.auth.service import ensure_first_admin
from tripline.settings import Settings
from tripline.store.db import Database

log = structlog.get_logger(__name__)


@dataclass
class BootstrapReport:
    steps: list[tuple[str, str]] = field(default_factory=list)  # (step, outcome)
    admin_password: str | None = None


def _lists(settings: Settings, db: Database) -> str:
    from tripline.lists.loader import load_bundled

    results = load_bundled(db, settings)
    return f"{len(results)} lists"


STEPS: tuple[tuple[str, Callable[[Settings, Database], str]], ...] = (("lists", _lists),)


def run_bootstrap(
    settings: Settings, db: Database, *, admin: str = "admin", say: Callable[[str], object] = print
) -> BootstrapReport:
    """Run every step in order; ``db`` is already migrated."""
    report = BootstrapReport()
    for name, step in STEPS:
        say(f"bootstrap: {name} …")
        outcome = step(settings, db)
        report.steps.append((name, outcome))
        log.info("bootstrap step", step=name, outcome=outcome)
        say(f"bootstrap: {name}: {outcome}")
    report.admin_password = ensure_first_admin(db, authority=settings.console_authority, username=admin)
    report.steps.append(("administrator", "created" if report.admin_password else "exists"))
    return report
