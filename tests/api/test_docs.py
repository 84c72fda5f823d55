"""Everything a user can call or set is documented (datasette's test_docs.py):
every CLI command in docs/cli.md, every setting in docs/settings.md, every API route in docs/api.md."""

from __future__ import annotations

import re
from typing import Any

import pytest
import typer
from fastapi import FastAPI

from tests.conftest import BUNDLED_DATA
from tripline.api.app import create_app
from tripline.cli.main import build_app
from tripline.settings import REPO_DIR, Settings

DOCS = REPO_DIR / "docs"


def _commands(group: Any, prefix: str) -> list[str]:
    """Command paths under a (Typer's own or click's) group: anything with ``commands``."""
    out = []
    commands = getattr(group, "commands", None)
    if isinstance(commands, dict):
        for name, command in commands.items():
            if getattr(command, "hidden", False):
                continue
            path = f"{prefix} {name}"
            below = _commands(command, path)
            out.extend(below or [path])  # a group is documented through its commands
    return out


def _text(name: str) -> str:
    return (DOCS / name).read_text(encoding="utf-8")


def test_every_cli_command_is_documented() -> None:
    root = typer.main.get_command(build_app())
    commands = _commands(root, "tripline")
    assert "tripline serve" in commands and "tripline users create" in commands
    text = _text("cli.md")
    missing = [c for c in commands if f"`{c}" not in text]
    assert not missing, f"undocumented in docs/cli.md: {missing}"


def test_every_setting_is_documented() -> None:
    text = _text("settings.md")
    names = [f"TRIPLINE_{name.upper()}" for name in Settings.model_fields]
    assert "TRIPLINE_CONSOLE_SESSION_HOURS" in names
    missing = [n for n in names if f"`{n}`" not in text]
    assert not missing, f"undocumented in docs/settings.md: {missing}"


@pytest.fixture(scope="module")
def app(tmp_path_factory: pytest.TempPathFactory) -> FastAPI:
    """The assembled app (its OpenAPI document needs no database)."""
    var = tmp_path_factory.mktemp("docs") / "var"
    return create_app(Settings(var_dir=var, database_url=None, data_dir=BUNDLED_DATA))


def test_every_api_route_is_documented(app: FastAPI) -> None:
    text = _text("api.md")
    routes = [
        f"{method.upper()} {path}"
        for path, ops in app.openapi()["paths"].items()
        for method in ops
        if method in ("get", "post", "put", "patch", "delete")
    ]
    assert "POST /match/{dataset}" in routes or "GET /api/me" in routes
    missing = [r for r in routes if f"`{r}`" not in text]
    assert not missing, f"undocumented in docs/api.md: {missing}"


def test_docs_name_no_route_that_does_not_exist(app: FastAPI) -> None:
    documented = set(re.findall(r"`(GET|POST|PUT|PATCH|DELETE) (/[^`\s]*)`", _text("api.md")))
    known = {(method.upper(), path) for path, ops in app.openapi()["paths"].items() for method in ops}
    stale = sorted(d for d in documented if d not in known)
    assert not stale, f"docs/api.md names routes that do not exist: {stale}"
