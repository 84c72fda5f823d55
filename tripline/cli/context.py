"""What every command gets: the settings and a lazily opened, migrated database."""

from __future__ import annotations

import json
import sys
from dataclasses import dataclass, field
from typing import Any

import typer
from rich.console import Console

from tripline.settings import Settings
from tripline.store.db import Database


@dataclass
class AppContext:
    settings: Settings
    console: Console = field(default_factory=lambda: Console())
    err_console: Console = field(default_factory=lambda: Console(stderr=True))
    _db: Database | None = None

    def db(self, *, migrate: bool = True) -> Database:
        """The database, schema brought up to date on first use."""
        if self._db is None:
            self._db = Database.from_settings(self.settings)
            if migrate:
                self._db.upgrade()
        return self._db

    def print_json(self, payload: Any) -> None:
        sys.stdout.write(json.dumps(payload, ensure_ascii=False, indent=2, default=str) + "\n")

    def close(self) -> None:
        if self._db is not None:
            self._db.dispose()
            self._db = None


def get_ctx(ctx: typer.Context) -> AppContext:
    obj = ctx.find_root().obj
    if not isinstance(obj, AppContext):
        obj = AppContext(settings=Settings())
        ctx.find_root().obj = obj
    return obj
