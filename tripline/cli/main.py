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
        app(standalone_mode=False, prog_name="tripline")
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
        _usage_error_exit(exc)
        raise


def _click_exception_types() -> tuple[type[Exception], ...]:
    """The ClickException classes in play: typer's vendored click, and click itself if installed."""
    from typer._click import exceptions as vendored

    types: list[type[Exception]] = [vendored.ClickException]
    try:
        import click
    except ImportError:  # pragma: no cover - typer no longer needs click
        pass
    else:
        types.append(click.ClickException)
    return tuple(types)


def _usage_error_exit(exc: Exception) -> None:
    """Print a command-line usage error as one line (no traceback) and exit with its code."""
    if not isinstance(exc, _click_exception_types()):
        return
    ctx = getattr(exc, "ctx", None)
    where = getattr(ctx, "command_path", None) or "tripline"
    message = exc.format_message()  # type: ignore[attr-defined]
    Console(stderr=True, soft_wrap=True).print(
        f"[bold red]error:[/] {escape(message)} (see '{escape(where)} --help')", highlight=False
    )
    sys.exit(int(getattr(exc, "exit_code", 2)))


__all__ = ["build_app", "get_ctx", "main"]
