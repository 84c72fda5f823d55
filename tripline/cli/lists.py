"""``tripline lists``: load, show, diff and update the watch lists."""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TaskID, TextColumn, TimeElapsedColumn
from rich.table import Table

from tripline.cli.context import get_ctx
from tripline.errors import InputError

if TYPE_CHECKING:
    from tripline.lists.loader import LoadResult, ProgressEvent

BAR_AFTER_SECONDS = 1.0


class ProgressBar:
    """A Rich progress bar that appears only once a load has run for more than a second."""

    def __init__(self, console: Console, *, enabled: bool = True, clock: Callable[[], float] = time.monotonic) -> None:
        self._console = console
        self._clock = clock
        self._enabled = enabled
        self._started: float | None = None
        self._progress: Progress | None = None
        self._tasks: dict[str, TaskID] = {}

    def __call__(self, event: ProgressEvent) -> None:
        from tripline.lists.loader import Stage

        if not self._enabled:
            return
        now = self._clock()
        if self._started is None:
            self._started = now
        if self._progress is None:
            if now - self._started < BAR_AFTER_SECONDS:
                return
            self._progress = Progress(
                TextColumn("{task.description}"),
                BarColumn(),
                MofNCompleteColumn(),
                TimeElapsedColumn(),
                console=self._console,
                transient=False,
            )
            self._progress.start()
        task = self._tasks.get(event.source_id)
        if task is None:
            task = self._progress.add_task(event.source_id, total=None)
            self._tasks[event.source_id] = task
        label = f"{event.source_id} [dim]{event.stage.value}[/]"
        total = event.total if event.total is not None and event.total >= event.done else None
        if event.stage is Stage.DONE:
            total = event.done
        self._progress.update(task, description=label, completed=event.done, total=total)

    @property
    def shown(self) -> bool:
        return self._progress is not None

    def close(self) -> None:
        if self._progress is not None:
            self._progress.stop()
            self._progress = None


def _results_table(results: list[LoadResult]) -> Table:
    table = Table(title="lists loaded")
    for col in ("list", "status", "version", "published", "entities", "warnings", "unjoined", "seconds"):
        table.add_column(col, justify="right" if col in ("version", "entities", "warnings", "unjoined") else "left")
    for r in results:
        s = r.snapshot
        table.add_row(
            r.source_id,
            r.status.value,
            str(s.version),
            s.published.isoformat() if s.published else "",
            str(s.entity_count),
            str(s.report.get("warnings_total", 0)),
            str(s.report.get("unjoined", 0)),
            f"{r.seconds:.2f}",
        )
    return table


def _report_cell(declared: int | None, report: dict[str, object]) -> str:
    parts = [] if declared is None else [f"declares {declared}"]
    for key, label in (("warnings_total", "warnings"), ("unjoined", "unjoined rows")):
        value = report.get(key)
        if isinstance(value, int) and value:
            parts.append(f"{value} {label}")
    return "\n".join(parts)


def register(app: typer.Typer) -> None:
    lists_app = typer.Typer(help="Watch lists: load official lists, show versions, diff, update.", no_args_is_help=True)

    @lists_app.command("load")
    def load(
        ctx: typer.Context,
        files: Annotated[
            list[Path] | None, typer.Argument(help="List files to load as one version of --source.")
        ] = None,
        bundled: Annotated[bool, typer.Option("--bundled", help="Load every list bundled under data/.")] = False,
        only: Annotated[list[str] | None, typer.Option("--only", help="With --bundled: only this list id.")] = None,
        source: Annotated[str | None, typer.Option("--source", help="List id for FILES.")] = None,
        format_name: Annotated[
            str | None, typer.Option("--format", help="Format of FILES (default: detected from the content).")
        ] = None,
        title: Annotated[str | None, typer.Option("--title", help="Title of a new list.")] = None,
        licence: Annotated[str | None, typer.Option("--licence", help="Licence of a new list.")] = None,
        quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No progress bar and no summary.")] = False,
        as_json: Annotated[bool, typer.Option("--json", help="Print the results as JSON.")] = False,
    ) -> None:
        """Load lists: [bold]--bundled[/] (all of sources.yaml) or FILE... [bold]--source[/] ID."""
        from tripline.lists import service

        app_ctx = get_ctx(ctx)
        if bundled == bool(files):
            raise InputError("give either --bundled or FILE... --source ID", field="files")
        if files and not source:
            raise InputError("FILE... needs --source ID (the list the files are a version of)", field="source")
        if only and not bundled:
            raise InputError("--only goes with --bundled", field="only")
        bar = ProgressBar(app_ctx.err_console, enabled=not quiet)
        db = app_ctx.db()
        try:
            if bundled:
                results = service.load_bundled(db, app_ctx.settings, only=only or (), progress=bar)
            else:
                assert files is not None and source is not None
                spec = service.adhoc_spec(
                    db, app_ctx.settings, source, files, format_name=format_name, title=title, licence=licence
                )
                results = [service.load_files(db, spec, files, format_name=format_name, progress=bar)]
        finally:
            bar.close()
        if as_json:
            app_ctx.print_json([r.to_dict() for r in results])
        elif not quiet:
            app_ctx.console.print(_results_table(results))

    @lists_app.command("show")
    def show(
        ctx: typer.Context,
        files: Annotated[bool, typer.Option("--files", help="Also titles, licences, counts and file hashes.")] = False,
        as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
    ) -> None:
        """Every list: version, publication date, load time, entity count (``--files``: licence, hashes)."""
        from tripline.lists import service

        app_ctx = get_ctx(ctx)
        summaries = service.summaries(app_ctx.db())
        if as_json:
            app_ctx.print_json([s.to_dict() for s in summaries])
            return
        if not summaries:
            app_ctx.console.print("no lists loaded: run `tripline lists load --bundled`")
            return
        table = Table(title="watch lists")
        for col in ("list", "v", "published", "loaded", "entities", "report"):
            table.add_column(col, overflow="fold")
        for s in summaries:
            snap = s.latest
            if snap is None:
                table.add_row(s.id, "-", "", "", "0", "")
                continue
            table.add_row(
                s.id,
                str(snap.version),
                snap.published.isoformat() if snap.published else "",
                snap.loaded_at.strftime("%Y-%m-%d %H:%M"),
                str(snap.entity_count),
                _report_cell(snap.declared_count, snap.report).replace("\n", ", "),
            )
        app_ctx.console.print(table)
        if not files:
            app_ctx.console.print("[dim]titles, licences, counts by schema and file hashes: --files[/]")
            return
        for s in summaries:
            snap = s.latest
            app_ctx.console.print(f"\n[bold]{s.id}[/] {s.title}")
            app_ctx.console.print(f"  licence: {s.licence}", overflow="fold")
            if snap is None:
                continue
            counts = ", ".join(f"{k} {v}" for k, v in snap.counts.items())
            app_ctx.console.print(f"  by schema: {counts}", overflow="fold")
            for f in snap.files:
                app_ctx.console.print(f"  {f['name']}", overflow="fold")
                app_ctx.console.print(f"    sha256 {f['sha256']}", overflow="fold")

    @lists_app.command("diff")
    def diff(
        ctx: typer.Context,
        source: Annotated[str, typer.Argument(help="List id (see `tripline lists show`).")],
        from_version: Annotated[int | None, typer.Option("--from", help="Old version (default: to - 1).")] = None,
        to_version: Annotated[int | None, typer.Option("--to", help="New version (default: latest).")] = None,
        as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
    ) -> None:
        """Entities added, removed and changed between two versions of a list, and which fields changed."""
        from tripline.lists import service

        app_ctx = get_ctx(ctx)
        result = service.diff(app_ctx.db(), source, from_version, to_version)
        if as_json:
            app_ctx.print_json(result.to_dict())
            return
        console = app_ctx.console
        old = result.from_snapshot.version if result.from_snapshot else "nothing"
        console.print(
            f"[bold]{source}[/]: version {old} -> {result.to_snapshot.version}: "
            f"{len(result.added)} added, {len(result.removed)} removed, {len(result.changed)} changed"
        )
        for e in result.added:
            console.print(f"[green]+[/] {e.entity_id} {e.schema} {e.caption}", highlight=False)
        for e in result.removed:
            console.print(f"[red]-[/] {e.entity_id} {e.schema} {e.caption}", highlight=False)
        for c in result.changed:
            console.print(f"[yellow]~[/] {c.entity_id} {c.schema} {c.caption}", highlight=False)
            for f in c.fields:
                console.print(f"    {f.field}: +{f.added} -{f.removed}", highlight=False, markup=False)

    @lists_app.command("update")
    def update_cmd(
        ctx: typer.Context,
        only: Annotated[list[str] | None, typer.Option("--only", help="Only this list id (repeatable).")] = None,
        url_override: Annotated[
            list[str] | None,
            typer.Option("--url-override", help="ID=URL: fetch this list's file from URL (repeat for several files)."),
        ] = None,
        quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No progress bar and no summary.")] = False,
        as_json: Annotated[bool, typer.Option("--json", help="Print the results as JSON.")] = False,
    ) -> None:
        """Fetch each list's current files from its official address, verify them, then load them."""
        from tripline.lists import update

        app_ctx = get_ctx(ctx)
        overrides = update.parse_overrides(url_override or ())
        bar = ProgressBar(app_ctx.err_console, enabled=not quiet)
        try:
            results = update.update_lists(
                app_ctx.db(), app_ctx.settings, only=only or (), overrides=overrides, progress=bar
            )
        finally:
            bar.close()
        if as_json:
            app_ctx.print_json([r.to_dict() for r in results])
        elif not quiet:
            app_ctx.console.print(_results_table(results))

    app.add_typer(lists_app, name="lists")
