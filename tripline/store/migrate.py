"""Alembic migrations, run programmatically.

Each capability owns one Alembic *branch* (``branch_labels=("<capability>",)``) in
``tripline/migrations/versions/``, so capabilities can evolve their tables independently;
``upgrade`` brings all branches to their heads.
"""

from __future__ import annotations

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine

from tripline.settings import PACKAGE_DIR

MIGRATIONS_DIR = PACKAGE_DIR / "migrations"


def alembic_config(engine: Engine) -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    cfg.set_main_option("sqlalchemy.url", engine.url.render_as_string(hide_password=False).replace("%", "%%"))
    cfg.attributes["engine"] = engine
    return cfg


def upgrade(engine: Engine, target: str = "heads") -> None:
    command.upgrade(alembic_config(engine), target)


def current_heads(engine: Engine) -> set[str]:
    with engine.connect() as conn:
        return set(MigrationContext.configure(conn).get_current_heads())


def script_heads(engine: Engine) -> set[str]:
    return set(ScriptDirectory.from_config(alembic_config(engine)).get_heads())


def applied_revisions(engine: Engine) -> set[str]:
    """Every revision applied: the stored heads and all they stand on (``depends_on`` included)."""
    script = ScriptDirectory.from_config(alembic_config(engine))
    heads = current_heads(engine)
    if not heads:
        return set()
    return {rev.revision for rev in script.iterate_revisions(tuple(heads), "base") if rev is not None}


def is_up_to_date(engine: Engine) -> bool:
    return script_heads(engine) <= applied_revisions(engine)
