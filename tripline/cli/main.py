"""Entry point of the ``tripline`` command.

Each capability registers its commands from its own module in this package
(``register(app)``); this module only assembles them and renders errors.
"""

from __future__ import annotations

import importlib
import sys
from typing import TYPE_CHECKING

import typer
from rich.console import Console
from rich.markup import escape
from typer._click.exceptions import ClickException, UsageError

from tripline.cli.context import AppContext, get_ctx
from tripline.errors import TriplineError

if TYPE_CHECKING:
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

# which module registers each top-level command, so that a command line imports only the
# module it runs (``tests/cli/test_command_modules.py`` checks this against the modules)
COMMAND_MODULES = {
    "db": "tripline.cli.db",
    "lists": "tripline.cli.lists",
    "screen": "tripline.cli.screening",
    "compare": "tripline.cli.screening",
    "screen-file": "tripline.cli.screening",
    "decide": "tripline.cli.screening",
    "rescreen": "tripline.cli.screening",
    "counterparty": "tripline.cli.screening",
    "controls": "tripline.cli.controls",
    "classify": "tripline.cli.controls",
    "radiation": "tripline.cli.radiation",
    "exchange": "tripline.cli.exchange",
    "audit": "tripline.cli.exchange",
    "target": "tripline.cli.cargo",
    "demo": "tripline.cli.cargo",
    "manifest": "tripline.cli.cargo",
    "outcome": "tripline.cli.cargo",
    "serve": "tripline.cli.console",
    "bootstrap": "tripline.cli.console",
    "users": "tripline.cli.console",
    "cases": "tripline.cli.console",
}


def command_module(argv: list[str]) -> str | None:
    """The one capability module `argv` (without the program name) runs, or None when the
    line needs them all (no command, root options, an unknown command: typer's help and
    "did you mean" list every command)."""
    if not argv or argv[0].startswith("-"):
        return None
    return COMMAND_MODULES.get(argv[0])


def build_app(only: str | None = None) -> typer.Typer:
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
        if not isinstance(ctx.obj, AppContext):  # runs for a command, not for the root's --help
            from tripline.settings import Settings

            settings = Settings()
            configure_logging(settings)
            ctx.obj = AppContext(settings=settings)

    for name in CAPABILITY_MODULES if only is None else (only,):
        module = importlib.import_module(name)
        module.register(app)
    return app


def configure_logging(settings: Settings) -> None:
    """The process's logging (:func:`tripline.logs.configure_logging`, imported when a command runs)."""
    from tripline.logs import configure_logging as configure

    configure(settings)


def main() -> None:
    app = build_app(command_module(sys.argv[1:]))
    try:
        # without standalone mode click *returns* the code of a ``typer.Exit`` raised by a command
        code = app(standalone_mode=False, prog_name="tripline")
    except TriplineError as exc:
        _print_error(exc.message)
        sys.exit(2)
    except typer.Abort:
        sys.exit(1)
    except typer.Exit as exc:
        sys.exit(exc.exit_code)
    except ClickException as exc:  # usage errors, raised by typer's vendored click
        where = exc.ctx.command_path if isinstance(exc, UsageError) and exc.ctx else "tripline"
        _print_error(f"{exc.format_message()} (see '{where} --help')")
        sys.exit(exc.exit_code)
    if isinstance(code, int) and code != 0:
        sys.exit(code)


def _print_error(message: str) -> None:
    """One line on stderr: ``error: MESSAGE``."""
    Console(stderr=True, soft_wrap=True).print(f"[bold red]error:[/] {escape(message)}", highlight=False)


__all__ = ["build_app", "get_ctx", "main"]
