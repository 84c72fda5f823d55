"""CLI commands of the [lists] capability (registered by ``tripline.cli.main``)."""

from __future__ import annotations

import typer


def register(app: typer.Typer) -> None:
    """Add this capability's commands to the root app."""
