"""What every command gets: the settings, a lazily opened, migrated database and the runtime.

Nothing heavy is imported here (the database layer, the capabilities): ``tripline --help`` and
a usage error stay fast; a command imports what it needs when it runs."""

from __future__ import annotations

import json
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import typer
from rich.console import Console

if TYPE_CHECKING:
    from tripline.runtime import Runtime
    from tripline.settings import Settings
    from tripline.store.db import Database


@dataclass
class AppContext:
    settings: Settings
    console: Console = field(default_factory=lambda: Console())
    # errors and warnings name a file, line and field: one line each, never hard-wrapped mid-path
    err_console: Console = field(default_factory=lambda: Console(stderr=True, soft_wrap=True))
    _db: Database | None = None
    _runtime: Runtime | None = None

    def db(self, *, migrate: bool = True) -> Database:
        """The database, schema brought up to date on first use."""
        if self._db is None:
            from tripline.store.db import Database

            self._db = Database.from_settings(self.settings)
            if migrate:
                self._db.upgrade()
        return self._db

    def runtime(self) -> Runtime:
        """The command's runtime (screener, classifier, exchange node) over :meth:`db`, built lazily."""
        if self._runtime is None:
            from tripline.runtime import Runtime

            self._runtime = Runtime(self.settings, self.db())
        return self._runtime

    def print_json(self, payload: Any) -> None:
        sys.stdout.write(json.dumps(payload, ensure_ascii=False, indent=2, default=str) + "\n")

    def close(self) -> None:
        self._runtime = None
        if self._db is not None:
            self._db.dispose()
            self._db = None


def input_files(*paths: tuple[str, Path | None]) -> None:
    """Check (argument or option name, path) pairs before anything heavy is imported: a path that is
    given must be an existing file, else :class:`InputError` naming it (exit 2, one line): e.g.
    ``none.csv: file not found`` or ``p.yaml: file not found (--policy)``."""
    from tripline.errors import InputError

    for name, path in paths:
        if path is not None and not path.is_file():
            what = "a directory, not a file" if path.is_dir() else "file not found"
            raise InputError(what if name.isupper() else f"{what} ({name})", file=path)


def get_ctx(ctx: typer.Context) -> AppContext:
    obj = ctx.find_root().obj
    if not isinstance(obj, AppContext):
        from tripline.settings import Settings

        obj = AppContext(settings=Settings())
        ctx.find_root().obj = obj
    return obj
