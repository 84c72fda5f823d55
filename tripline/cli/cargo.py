"""CLI commands of the [cargo] capability (registered by ``tripline.cli.main``)."""

from __future__ import annotations

import contextlib
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Annotated

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from tripline.cli.context import AppContext, get_ctx, input_files

demo_app = typer.Typer(help="Generate demo data.", no_args_is_help=True)
manifest_app = typer.Typer(
    help="Check and load cargo manifests (CSV, JSON lines, Parquet, EDIFACT CUSCAR).", no_args_is_help=True
)
outcome_app = typer.Typer(help="Record inspection outcomes and measure the targeting queue.", no_args_is_help=True)


@contextlib.contextmanager
def _logs_to_stderr() -> Iterator[None]:
    """Library log lines (structlog prints to stdout by default) must not mix with the JSON on stdout."""
    with contextlib.redirect_stdout(sys.stderr):
        yield


def _progress(app_ctx: AppContext, label: str) -> Progress:
    return Progress(
        TextColumn(label + " {task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=app_ctx.err_console,
        transient=True,
    )


def target(
    ctx: typer.Context,
    file: Annotated[Path, typer.Argument(help="Manifest: .csv, .jsonl, .parquet or .edi (CUSCAR).")],
    engine: Annotated[str, typer.Option(help="local or spark (PySpark local[2]).")] = "local",
    top: Annotated[
        int | None,
        typer.Option(help="Show the first K of the queue (local engine: only these are held, memory bounded)."),
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="One JSON object per shipment.")] = False,
    policy: Annotated[Path | None, typer.Option(help="Targeting policy YAML (default: the bundled one).")] = None,
    model: Annotated[str, typer.Option(help="rules (policy weights) or learned (fitted on outcomes).")] = "rules",
    scans: Annotated[Path | None, typer.Option(help="Portal scans (default: FILE.scans.jsonl if present).")] = None,
    workers: Annotated[
        int, typer.Option(help="Local engine: forked processes for the screening and classification look-ups.")
    ] = 1,
    master: Annotated[str, typer.Option(help="Spark engine: master URL (local[2], spark://HOST:7077, yarn).")] = (
        "local[2]"
    ),
    out: Annotated[
        str | None, typer.Option(help="Spark engine: write the whole queue here (.jsonl or .parquet directory).")
    ] = None,
    spark_conf: Annotated[
        list[str] | None, typer.Option("--conf", help="Spark engine: a Spark setting KEY=VALUE (repeatable).")
    ] = None,
) -> None:
    """Rank the shipments of a manifest for inspection, each with the reasons for its score.

    With --engine spark, FILE may be a Hadoop-compatible URL (hdfs://, s3a://); the queue is
    written by Spark to --out and only its top (--top, default 50) is shown."""
    from tripline.errors import InputError

    raw = _raw_argument(file)
    if engine != "spark" or not _is_url(raw):
        input_files(("FILE", file))
    input_files(("--policy", policy), ("--scans", scans))
    from tripline.cargo.engine import Engine
    from tripline.cargo.run import run_target

    app_ctx = get_ctx(ctx)
    try:
        chosen = Engine(engine)
    except ValueError:
        raise InputError(f"unknown engine {engine!r} (local or spark)", field="engine") from None
    if chosen is not Engine.SPARK and (out is not None or spark_conf):
        raise InputError("--out and --conf are options of the Spark engine", field="engine")
    with _logs_to_stderr(), _progress(app_ctx, f"targeting ({chosen.value})") as bar:
        task = bar.add_task("1/3 loading the watch lists and control lists", total=None)
        if chosen is not Engine.SPARK:
            app_ctx.runtime().matchers()  # the screening index and classifier, built or read once
        bar.update(task, description="2/3 reading the manifest and adjudicating the portal scans")

        def step(done: int, total: int) -> None:
            bar.update(task, completed=done, total=total, description="3/3 scoring shipments")

        run = run_target(
            app_ctx.settings,
            raw if chosen is Engine.SPARK else file,
            db=app_ctx.db(),
            engine=chosen,
            policy_path=policy,
            model=model,
            scans=scans,
            workers=workers,
            matchers=app_ctx.runtime().matchers,
            master=master,
            out=out,
            top=top if top is not None else 50,
            conf=_conf_pairs(spark_conf or []),
            keep=top if chosen is Engine.LOCAL else None,  # the local engine streams, holding only these
            progress=step,
        )
    for err in run.errors[:20]:
        app_ctx.err_console.print(f"[yellow]rejected:[/] {err}", highlight=False)
    rejected = run.rejected if run.rejected is not None else len(run.errors)
    if rejected > 20:
        app_ctx.err_console.print(f"[yellow]... and {rejected - 20} more rejected rows[/]")
    if run.out is not None:
        app_ctx.err_console.print(f"queue of {run.shipments} shipments written to {run.out}", highlight=False)
    queue = run.ranked[:top] if top is not None else run.ranked
    if as_json:
        app_ctx.print_json([s.to_dict() for s in queue])
        return
    table = Table(title=f"{file.name}: {run.shipments} shipments, {run.per_second:,.0f}/s ({run.engine}, {run.scorer})")
    for col in ("#", "bill of lading", "containers", "score", "action", "reasons"):
        table.add_column(col)
    for s in queue:
        reasons = "\n".join(f"{r.points:+.1f} {r.detail}" for r in s.reasons[:4])
        table.add_row(str(s.rank), s.bill_of_lading, " ".join(s.containers), f"{s.score:.2f}", s.action.value, reasons)
    app_ctx.console.print(table)


def _raw_argument(path: Path) -> str:
    """The argument as typed: a URL that Path folded (``hdfs://h/x`` -> ``hdfs:/h/x``) is restored."""
    text = str(path)
    scheme, sep, rest = text.partition(":/")
    if sep and not rest.startswith("/") and scheme.isalnum() and len(scheme) > 1 and scheme != "file":
        return f"{scheme}://{rest}"
    return text


def _is_url(text: str) -> bool:
    from tripline.spark.session import is_url

    return is_url(text)


def _conf_pairs(pairs: list[str]) -> dict[str, str]:
    from tripline.errors import InputError

    out: dict[str, str] = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        if not sep or not key.strip():
            raise InputError(f"--conf takes KEY=VALUE, not {pair!r}", field="conf")
        out[key.strip()] = value.strip()
    return out


@demo_app.command("manifest")
def demo_manifest(
    ctx: typer.Context,
    out: Annotated[Path, typer.Option(help="Manifest file to write (.csv, .jsonl, .parquet or .edi).")],
    shipments: Annotated[int, typer.Option(help="Number of shipments, planted ones included.")] = 10_000,
    seed: Annotated[int, typer.Option(help="Random seed (same seed, same traffic).")] = 1,
) -> None:
    """Write demo traffic with the seed cables' situations planted in it (and scans, FILE.planted.json)."""
    from tripline.cargo.run import make_demo

    app_ctx = get_ctx(ctx)
    with _logs_to_stderr():
        made = make_demo(app_ctx.settings, out, shipments, seed)
    app_ctx.print_json(made)


@manifest_app.command("load")
def manifest_load(
    ctx: typer.Context,
    file: Annotated[Path, typer.Argument(help="Manifest: .csv, .jsonl, .parquet or .edi (CUSCAR).")],
    as_json: Annotated[bool, typer.Option("--json", help="Print the summary as JSON.")] = False,
) -> None:
    """Validate a manifest and store its good shipments (one transaction); report the bad rows."""
    input_files(("FILE", file))
    from tripline.cargo.reference import load_reference
    from tripline.cargo.run import load_manifest

    app_ctx = get_ctx(ctx)
    with _logs_to_stderr():
        summary = load_manifest(app_ctx.db(), file, load_reference(app_ctx.settings.data_dir))
    if as_json:
        app_ctx.print_json(summary.to_dict())
    else:
        for err in summary.errors:
            app_ctx.err_console.print(f"[yellow]rejected:[/] {err}", highlight=False)
        app_ctx.console.print(f"{summary.loaded} shipments loaded, {len(summary.errors)} rejected", highlight=False)
    if summary.errors:
        raise typer.Exit(1)


@manifest_app.command("check")
def manifest_check(
    ctx: typer.Context,
    file: Annotated[Path, typer.Argument(help="Manifest: .csv, .jsonl, .parquet or .edi (CUSCAR).")],
) -> None:
    """Validate a manifest without storing it; exit 1 if any row is rejected."""
    input_files(("FILE", file))
    from tripline.cargo.readers import read_manifest
    from tripline.cargo.reference import load_reference

    app_ctx = get_ctx(ctx)
    with _logs_to_stderr():
        result = read_manifest(file, load_reference(app_ctx.settings.data_dir))
    for err in result.errors:
        app_ctx.err_console.print(f"[yellow]rejected:[/] {err}", highlight=False)
    app_ctx.console.print(f"{len(result.shipments)} shipments valid, {len(result.errors)} rejected", highlight=False)
    if result.errors:
        raise typer.Exit(1)


@outcome_app.command("record")
def outcome_record(
    ctx: typer.Context,
    bill_of_lading: Annotated[str, typer.Argument(help="Bill of lading of a loaded shipment.")],
    result: Annotated[str, typer.Argument(help="inspected_clean, seized or referred.")],
    note: Annotated[str, typer.Option(help="Free-text note.")] = "",
) -> None:
    """Record the outcome of an inspection."""
    from tripline.cargo.run import record_outcome
    from tripline.cargo.store import parse_result

    app_ctx = get_ctx(ctx)
    with _logs_to_stderr():
        recorded = record_outcome(app_ctx.db(), bill_of_lading, parse_result(result), note)
    app_ctx.print_json(recorded)


@outcome_app.command("import")
def outcome_import(
    ctx: typer.Context,
    file: Annotated[Path, typer.Argument(help="CSV with bill_of_lading,result[,note].")],
) -> None:
    """Record many outcomes from a CSV (all or nothing)."""
    input_files(("FILE", file))
    from tripline.cargo.run import import_outcomes

    app_ctx = get_ctx(ctx)
    with _logs_to_stderr():
        imported = import_outcomes(app_ctx.db(), file)
    app_ctx.print_json(imported)


@outcome_app.command("report")
def outcome_report(
    ctx: typer.Context,
    file: Annotated[Path, typer.Argument(help="The manifest whose queue is measured.")],
    k: Annotated[list[int] | None, typer.Option(help="Cut-offs k (repeatable).")] = None,
    percent: Annotated[list[float] | None, typer.Option(help="Cut-offs in % inspected (repeatable).")] = None,
    model: Annotated[str, typer.Option(help="rules or learned.")] = "rules",
) -> None:
    """Precision@k and recall@k (and at n% inspected) of the queue, from the recorded outcomes."""
    input_files(("FILE", file))
    from tripline.cargo.run import outcome_report as report

    app_ctx = get_ctx(ctx)
    with _logs_to_stderr():
        measured = report(
            app_ctx.settings,
            app_ctx.db(),
            file,
            ks=k or [10, 50, 100],
            percents=percent or [1.0, 5.0],
            model=model,
            matchers=app_ctx.runtime().matchers,
        )
    app_ctx.print_json(measured)


@outcome_app.command("learn")
def outcome_learn(
    ctx: typer.Context,
    file: Annotated[Path, typer.Argument(help="The manifest whose shipments have recorded outcomes.")],
    l2: Annotated[float, typer.Option(help="L2 regularisation strength.")] = 1.0,
) -> None:
    """Fit the learned queue (logistic regression over the indicators) on the recorded outcomes."""
    input_files(("FILE", file))
    from tripline.cargo.run import learn

    app_ctx = get_ctx(ctx)
    with _logs_to_stderr():
        model = learn(app_ctx.settings, app_ctx.db(), file, l2=l2, matchers=app_ctx.runtime().matchers)
    app_ctx.print_json(model.to_dict())


def register(app: typer.Typer) -> None:
    """Add this capability's commands to the root app."""
    app.command("target")(target)
    app.add_typer(demo_app, name="demo")
    app.add_typer(manifest_app, name="manifest")
    app.add_typer(outcome_app, name="outcome")
