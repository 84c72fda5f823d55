"""Is the schema at the newest revision of every branch? Answered without Alembic.

The migration scripts' ``revision`` and ``down_revision`` assignments are read from their
source (``ast``, nothing imported) once per process; the heads are the revisions no other
script names as its ``down_revision``. The schema is at head when the database's
``alembic_version`` rows are exactly those heads. Any doubt (no table, another set of rows, a
script this reader cannot read) answers "no", and the caller runs Alembic's own upgrade.
"""

from __future__ import annotations

import ast
from functools import lru_cache
from pathlib import Path

from sqlalchemy import Engine, text
from sqlalchemy.exc import SQLAlchemyError

from tripline.settings import PACKAGE_DIR

VERSIONS_DIR = PACKAGE_DIR / "migrations" / "versions"


def _assignments(path: Path) -> dict[str, object]:
    values: dict[str, object] = {}
    for node in ast.parse(path.read_text(encoding="utf-8"), filename=str(path)).body:
        target = value = None
        if isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name) and node.value is not None:
            target, value = node.target.id, node.value
        elif isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name):
            target, value = node.targets[0].id, node.value
        if target in ("revision", "down_revision") and value is not None:
            values[target] = ast.literal_eval(value)
    return values


@lru_cache(maxsize=4)
def script_heads(directory: Path = VERSIONS_DIR) -> frozenset[str] | None:
    """The head revisions of the scripts in ``directory``; None when a script cannot be read."""
    revisions: set[str] = set()
    parents: set[str] = set()
    for path in sorted(directory.glob("*.py")):
        try:
            values = _assignments(path)
        except (SyntaxError, ValueError):
            return None
        revision, down = values.get("revision"), values.get("down_revision")
        if not isinstance(revision, str):
            return None
        revisions.add(revision)
        if isinstance(down, str):
            parents.add(down)
        elif isinstance(down, tuple | list):
            parents.update(str(d) for d in down)
        elif down is not None:
            return None
    return frozenset(revisions - parents) or None


def stored_revisions(engine: Engine) -> frozenset[str] | None:
    """The database's ``alembic_version`` rows; None when there is no such table."""
    try:
        with engine.connect() as conn:
            return frozenset(str(row[0]) for row in conn.execute(text("SELECT version_num FROM alembic_version")))
    except SQLAlchemyError:
        return None


def at_head(engine: Engine) -> bool:
    heads = script_heads()
    return heads is not None and stored_revisions(engine) == heads
