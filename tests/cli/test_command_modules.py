"""``tripline COMMAND`` imports only the module that registers COMMAND: the map must be right."""

from __future__ import annotations

import importlib

import typer

from tripline.cli.main import CAPABILITY_MODULES, COMMAND_MODULES, build_app, command_module


def _top_level(app: typer.Typer) -> set[str]:
    names = {c.name for c in app.registered_commands}
    names |= {g.name for g in app.registered_groups}
    return {n for n in names if n}


def test_every_command_is_mapped_to_the_module_that_registers_it() -> None:
    found: dict[str, str] = {}
    for module in CAPABILITY_MODULES:
        app = typer.Typer()
        importlib.import_module(module).register(app)
        for name in _top_level(app):
            found[name] = module
    assert found == COMMAND_MODULES


def test_a_command_line_builds_only_its_module() -> None:
    assert command_module(["screen", "ACME"]) == "tripline.cli.screening"
    assert command_module(["--help"]) is None
    assert command_module([]) is None
    assert command_module(["scren", "ACME"]) is None  # unknown: every command, for typer's suggestion
    assert _top_level(build_app("tripline.cli.screening")) == {
        name for name, module in COMMAND_MODULES.items() if module == "tripline.cli.screening"
    }
