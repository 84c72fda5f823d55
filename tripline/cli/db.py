"""``tripline db``: schema management."""

from __future__ import annotations

import typer

from tripline.cli.context import get_ctx


def register(app: typer.Typer) -> None:
    db_app = typer.Typer(help="Database schema.", no_args_is_help=True)

    @db_app.command("upgrade")
    def upgrade(ctx: typer.Context) -> None:
        """Create or migrate the schema to the newest revision."""
        app_ctx = get_ctx(ctx)
        app_ctx.db()
        app_ctx.console.print(f"schema up to date: {app_ctx.settings.effective_database_url}")

    app.add_typer(db_app, name="db")
