"""Entry point of the ``tripline`` command.

Each capability registers its commands from its own module in this package
(``register(app)``); this module only assembles them and renders errors.
"""

from __future__ import annotations

import importlib
import sys

import typer
from rich.console import Console
from rich.markup import escape

from tripline.cli.context import AppContext, get_ctx
from tripline.errors import TriplineError
from tripline.logs import configure_logging
from tripline.settings import Settings

CAPABILITY_MODULES = (
    "tripline.cli.db",
    "tripline.cli.lists",
    "tripline.cli.screening",
    "tripline.cli.controls",
    "tripline.cli.radiation",
    "tripline.cli.exchange",
    "tripline.cli.cargo",
    "tripline.cli.console",
)


def build_app() -> typer.Typer:
    app = typer.Typer(
        name="tripline",
        help="Tripline: watch lists, party screening, goods classification, radiation "
        "adjudication, cargo targeting and partner exchange for export control.",
        no_args_is_help=True,
        rich_markup_mode="rich",
        pretty_exceptions_enable=False,
        add_completion=False,
    )

    @app.callback()
    def _root(ctx: typer.Context) -> None:
        """Tripline command line."""
        if not isinstance(ctx.obj, AppContext):
            ctx.obj = AppContext(settings=Settings())

    for name in CAPABILITY_MODULES:
        module = importlib.import_module(name)
        module.register(app)
    return app


def main() -> None:
    configure_logging(Settings())
    app = build_app()
    try:
        app(standalone_mode=False)
    except TriplineError as exc:
        Console(stderr=True, soft_wrap=True).print(f"[bold red]error:[/] {escape(exc.message)}", highlight=False)
        sys.exit(2)
    except typer.Abort:
        sys.exit(1)
    except typer.Exit as exc:
        sys.exit(exc.exit_code)
    except SystemExit:
        raise
    except Exception as exc:  # click usage errors and the like
        import click

        if isinstance(exc, click.ClickException):
            exc.show()
            sys.exit(exc.exit_code)
        raise


__all__ = ["build_app", "get_ctx", "main"]
