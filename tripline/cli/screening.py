"""CLI commands of the [screening] capability (registered by ``tripline.cli.main``)."""

from __future__ import annotations

import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.padding import Padding
from rich.progress import Progress
from rich.table import Table
from rich.text import Text

from tripline.cli.context import get_ctx, input_files
from tripline.errors import InputError
from tripline.screening.result import DEFAULT_LIMIT, DEFAULT_THRESHOLD, Match, ScreeningQuery

Threshold = Annotated[float, typer.Option("--threshold", min=0.0, max=1.0, help="Lowest score shown (0..1).")]
Json = Annotated[bool, typer.Option("--json", help="Print JSON.")]


def register(app: typer.Typer) -> None:
    """Add this capability's commands to the root app."""
    app.command("screen")(screen_command)
    app.command("compare")(compare_command)
    app.command("screen-file")(screen_file_command)
    app.command("decide")(decide_command)
    app.command("rescreen")(rescreen_command)
    counterparty = typer.Typer(help="Stored counterparties that `rescreen` checks again.", no_args_is_help=True)
    counterparty.command("add")(counterparty_add_command)
    counterparty.command("list")(counterparty_list_command)
    app.add_typer(counterparty, name="counterparty")


def screen_command(
    ctx: typer.Context,
    name: Annotated[str, typer.Argument(help="Name of the party as written on the document.")],
    country: Annotated[str | None, typer.Option("--country", help="Country (ISO code or name).")] = None,
    birth_date: Annotated[str | None, typer.Option("--birth-date", help="YYYY[-MM[-DD]]")] = None,
    schema: Annotated[str | None, typer.Option("--schema", help="Company, Person, Vessel, ...")] = None,
    identifier: Annotated[list[str] | None, typer.Option("--identifier", help="IMO, registration number...")] = None,
    threshold: Threshold = DEFAULT_THRESHOLD,
    limit: Annotated[int, typer.Option("--limit", min=1, max=100)] = DEFAULT_LIMIT,
    as_json: Json = False,
) -> None:
    """Screen one name against every loaded list: ranked, explained matches."""
    from tripline.screening.service import screen

    app_ctx = get_ctx(ctx)
    query = ScreeningQuery.build(
        name, country=country, birth_date=birth_date, schema=schema, identifiers=tuple(identifier or ())
    )
    result = screen(app_ctx.db(), app_ctx.runtime().screener_cache(), query, threshold=threshold, limit=limit)
    if as_json:
        app_ctx.print_json(result.to_dict())
        return
    if not result.matches:
        app_ctx.console.print(f"No match at or above {threshold:g} for {name!r}.")
        return
    print_matches(app_ctx.console, name, result.matches)


WIDE = 120  # from this console width the matches are a table; below, one block per match


def print_matches(console: Console, name: str, matches: Sequence[Match]) -> None:
    """Matches as a table on a wide terminal, one block per match on a narrow one (never cut reasons)."""
    if console.width >= WIDE:
        table = Table(title=f"Matches for {name!r}")
        for column in ("score", "caption", "list", "also listed as", "decision"):
            table.add_column(column, overflow="fold", max_width=28)
        table.add_column("why", overflow="fold", min_width=40, ratio=1)
        for m in matches:
            decision = m.decision["verdict"] if m.decision else ""
            also = "\n".join(f"{r.list} {r.list_entry_id}" for r in m.also_listed_as)
            table.add_row(
                f"{m.score:.2f}", f"{m.caption}\n[dim]{m.schema}[/]", f"{m.list} {m.list_entry_id}", also, decision,
                "\n".join(m.explanation),
            )  # fmt: skip
        console.print(table)
        return
    console.print(f"[bold]Matches for {name!r}[/]")
    for n, m in enumerate(matches, 1):
        console.print(f"\n{n}. [bold]{m.score:.2f}[/] {m.caption}", overflow="fold")
        console.print(f"   {m.schema} · {m.list} {m.list_entry_id}", overflow="fold")
        if m.also_listed_as:
            rows = ", ".join(f"{r.list} {r.list_entry_id}" for r in m.also_listed_as)
            console.print(f"   also listed as: {rows}", overflow="fold")
        if m.decision:
            console.print(f"   decision: {m.decision['verdict']} ({m.decision.get('decided_by', '')})", overflow="fold")
        for why in m.explanation:
            console.print(Padding(Text("- " + why), (0, 0, 0, 3)))


def compare_command(
    ctx: typer.Context,
    name_a: Annotated[str | None, typer.Argument(help="First name.")] = None,
    name_b: Annotated[str | None, typer.Argument(help="Second name.")] = None,
    schema: Annotated[str | None, typer.Option("--schema")] = None,
    pairs: Annotated[
        Path | None, typer.Option("--pairs", help="CSV with name_a,name_b[,schema]: JSON lines out.")
    ] = None,
    as_json: Json = False,
) -> None:
    """Score two names with the screening scorer and explain the score."""
    from tripline.screening.compare import compare, compare_pairs

    app_ctx = get_ctx(ctx)
    if pairs is not None:
        compare_pairs(pairs, sys.stdout)
        return
    if name_a is None or name_b is None:
        raise InputError("give two names, or --pairs FILE", field="name_b" if name_a else "name_a")
    result = compare(name_a, name_b, schema)
    if as_json:
        app_ctx.print_json(result.to_dict())
        return
    app_ctx.console.print(f"score {result.score:.2f} ({'match' if result.match else 'no match'})")
    for line in result.explanation:
        app_ctx.console.print(f"  {line}", highlight=False, markup=False)


def screen_file_command(
    ctx: typer.Context,
    input_path: Annotated[
        str, typer.Argument(help="CSV, JSON lines or Parquet file (Spark engine: also a hdfs://, s3a://... URL).")
    ],
    name_column: Annotated[str, typer.Option("--name-column")],
    out: Annotated[
        str, typer.Option("--out", help="Output: .csv, .jsonl or .parquet (Spark engine: a directory of part files)")
    ],
    country_column: Annotated[str | None, typer.Option("--country-column")] = None,
    schema_column: Annotated[str | None, typer.Option("--schema-column")] = None,
    birth_date_column: Annotated[str | None, typer.Option("--birth-date-column")] = None,
    id_column: Annotated[str | None, typer.Option("--id-column")] = None,
    schema: Annotated[str | None, typer.Option("--schema", help="Schema for rows without one.")] = None,
    threshold: Threshold = DEFAULT_THRESHOLD,
    limit: Annotated[int, typer.Option("--limit", min=1, max=100)] = DEFAULT_LIMIT,
    engine: Annotated[str, typer.Option("--engine", help="local or spark")] = "local",
    master: Annotated[str, typer.Option("--master", help="Spark master URL")] = "local[*]",
    workers: Annotated[
        int | None,
        typer.Option("--workers", min=1, help="Local engine: processes to screen in (default: one per CPU)."),
    ] = None,
    as_json: Json = False,
) -> None:
    """Screen every row of a file; bad rows are reported with their line and skipped."""
    from tripline.spark.session import is_url

    if engine != "spark" or not is_url(input_path):
        input_files(("INPUT_PATH", Path(input_path)))
    from tripline.screening.batch import Columns
    from tripline.screening.runner import screen_file

    app_ctx = get_ctx(ctx)
    columns = Columns(name_column, country_column, schema_column, birth_date_column, id_column, schema)
    with Progress(console=app_ctx.err_console, transient=True) as progress:
        task = progress.add_task("screening", total=None)
        report = screen_file(
            lambda: app_ctx.runtime().screener(),
            input_path,
            out,
            columns,
            engine=engine,
            master=master,
            threshold=threshold,
            limit=limit,
            progress=lambda n: progress.advance(task, n),
            workers=workers,
        )
    if as_json:
        app_ctx.print_json(report.to_dict())
        return
    for line, error in report.bad_rows:
        app_ctx.err_console.print(f"skipped line {line}: {error}", highlight=False, markup=False)
    app_ctx.console.print(
        f"{report.screened} rows screened, {report.with_matches} with matches, "
        f"{len(report.bad_rows)} bad rows skipped -> {out}"
    )


def decide_command(
    ctx: typer.Context,
    query: Annotated[str, typer.Argument(help="The screened name.")],
    entity_id: Annotated[str, typer.Argument(help="The listed entity's id.")],
    verdict: Annotated[str, typer.Option("--verdict", help="confirmed or false-positive")],
    reason: Annotated[str, typer.Option("--reason")],
    by: Annotated[str, typer.Option("--by", help="Who decided.")],
    as_json: Json = False,
) -> None:
    """Record that a (query, entity) pair is a confirmed match or a false positive."""
    from tripline.screening.decisions import Verdict, decide

    app_ctx = get_ctx(ctx)
    decision = decide(
        app_ctx.db(),
        query_name=query,
        entity_id=entity_id,
        verdict=Verdict.parse(verdict),
        reason=reason,
        decided_by=by,
    )
    if as_json:
        app_ctx.print_json(decision.to_dict())
    else:
        app_ctx.console.print(
            f"recorded: {decision.verdict.value} for {query!r} / {entity_id} by {decision.decided_by}"
        )


def counterparty_add_command(
    ctx: typer.Context,
    ref: Annotated[str, typer.Argument(help="Your reference for the party.")],
    name: Annotated[str, typer.Argument()],
    country: Annotated[str | None, typer.Option("--country")] = None,
    schema: Annotated[str | None, typer.Option("--schema")] = None,
    birth_date: Annotated[str | None, typer.Option("--birth-date")] = None,
) -> None:
    """Store a counterparty; `rescreen` checks it against every list change."""
    from tripline.screening.counterparties import store_counterparty

    app_ctx = get_ctx(ctx)
    store_counterparty(app_ctx.db(), ref=ref, name=name, country=country, schema=schema, birth_date=birth_date)
    app_ctx.console.print(f"counterparty {ref!r} stored")


def counterparty_list_command(ctx: typer.Context) -> None:
    """Stored counterparties and their current hits (JSON)."""
    from tripline.screening.counterparties import counterparties

    app_ctx = get_ctx(ctx)
    app_ctx.print_json(counterparties(app_ctx.db()))


def rescreen_command(ctx: typer.Context, threshold: Threshold = DEFAULT_THRESHOLD, as_json: Json = False) -> None:
    """Re-check every stored counterparty against what changed in the lists since its last screening."""
    from tripline.screening.counterparties import rescreen

    app_ctx = get_ctx(ctx)
    report = rescreen(app_ctx.db(), threshold=threshold)
    if as_json:
        app_ctx.print_json(report.to_dict())
        return
    app_ctx.console.print(
        f"{report.counterparties} counterparties against {report.changed_entities} changed and "
        f"{report.removed_entities} removed entities"
    )
    for change in report.changes:
        app_ctx.console.print(
            f"  {change.kind:8} {change.counterparty_ref}: {change.counterparty_name!r} ~ "
            f"{change.matched_name!r} ({change.list}, {change.entity_id}) score {change.score:.2f}",
            highlight=False,
            markup=False,
        )
