"""CLI commands of the [radiation] capability (registered by ``tripline.cli.main``).

``tripline radiation identify|ingest|simulate|show``: thin edges over
:mod:`tripline.radiation.service`.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer
from rich.markup import escape
from rich.table import Table

from tripline.cli.context import AppContext, get_ctx, input_files

radiation_app = typer.Typer(
    help="Radiation portal alarms and gamma spectra: identify, adjudicate, store per container.",
    no_args_is_help=True,
)

VERDICT_STYLE = {
    "background": "green",
    "NORM": "green",
    "medical": "yellow",
    "industrial": "red",
    "special_nuclear_material": "bold red",
    "of_concern": "bold red",
}


def _verdict(value: str) -> str:
    return f"[{VERDICT_STYLE.get(value, 'white')}]{value}[/]"


def _render_identification(app_ctx: AppContext, item: dict[str, Any]) -> None:
    console = app_ctx.console
    sigma = "n/a" if item["gross_sigma"] is None else f"{item['gross_sigma']:+.1f} σ"
    source = item.get("source") or ""
    member = f" ({escape(source.split('!', 1)[1])})" if "!" in source else ""  # an archive's member
    console.print(
        f"[bold]{escape(item['spectrum_id'])}[/]{member}  verdict {_verdict(item['verdict'])}  "
        f"(detector model {item['detector']}, live time {item['live_time_s']:g} s, excess {sigma})"
    )
    if item["isotopes"]:
        table = Table(show_header=True, header_style="bold", box=None, pad_edge=False)
        table.add_column("nuclide")
        table.add_column("category")
        table.add_column("confidence", justify="right")
        table.add_column("supporting peaks (keV)")
        for iso in item["isotopes"]:
            peaks = ", ".join(
                f"{p['energy_keV']:g}"
                + (f" (found {p['found_keV']:g}, {p['significance']:.1f}σ)" if p["found_keV"] else "")
                for p in iso["peaks"]
            )
            table.add_row(iso["nuclide"], iso["category"], f"{iso['confidence']:.2f}", peaks)
        console.print(table)
    for reason in item["reasons"]:
        console.print(f"  - {reason}", highlight=False)


def identify_cmd(
    ctx: typer.Context,
    file: Annotated[
        Path,
        typer.Argument(
            help="Spectrum file: N42.42 XML, issue CSV, SPE, SPC, CNF, RCSPG, NPES JSON, Amptek MCA, CHN, IEC 1455, h5 "
            "(.gz), or their .zip."
        ),
    ],
    background: Annotated[
        Path | None, typer.Option("--background", help="Background spectrum file (else the file's own).")
    ] = None,
    detector: Annotated[
        str | None,
        typer.Option(help="Detector model: nai, csi, radiacode, labr, hpge, plastic (default: from the file)."),
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="JSON: {file, results: [per spectrum]}.")] = False,
) -> None:
    """Identify the isotopes in each spectrum and give a verdict with reasons."""
    input_files(("FILE", file), ("--background", background))
    from tripline.radiation.service import identify_file

    app_ctx = get_ctx(ctx)
    results = [r.to_dict() for r in identify_file(file, background=background, detector=detector)]
    if as_json:
        app_ctx.print_json({"file": str(file), "results": results})
        return
    for item in results:
        _render_identification(app_ctx, item)


def ingest_cmd(
    ctx: typer.Context,
    file: Annotated[Path, typer.Argument(help="Occupancy records (.jsonl) or a spectrum file.")],
    container: Annotated[
        str | None, typer.Option(help="ISO 6346 container number (spectrum files; .jsonl records name theirs).")
    ] = None,
    background: Annotated[Path | None, typer.Option("--background", help="Background spectrum file.")] = None,
    detector: Annotated[str | None, typer.Option(help="Detector model for spectrum files.")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="JSON report.")] = False,
) -> None:
    """Store occupancies/spectra per container, each adjudicated, with its verdict."""
    input_files(("FILE", file), ("--background", background))
    from tripline.radiation.service import ingest_file

    app_ctx = get_ctx(ctx)
    report = ingest_file(app_ctx.db(), file, container=container, background=background, detector=detector)
    if as_json:
        app_ctx.print_json(report.to_dict())
        return
    app_ctx.console.print(f"{report.occupancies} occupancies, {report.spectra} spectra stored from {file}")
    table = Table("result", "container", "occupancy / spectrum", "verdict", box=None)
    for row in report.results:
        table.add_row(
            str(row["result_id"]),
            str(row["container"]),
            str(row.get("occupancy_id") or row.get("spectrum_id")),
            _verdict(row["verdict"]),
        )
    app_ctx.console.print(table)


def simulate_cmd(
    ctx: typer.Context,
    source: Annotated[
        str,
        typer.Argument(
            help="none, ceramics, fertilizer, granite, kitty_litter, Cs-137, Co-60, Ir-192, Am-241, Ba-133, "
            "'medical I-131', 'medical Tc-99m', 'medical F-18', HEU, WGPu."
        ),
    ],
    detector: Annotated[str, typer.Option(help="Spectrometer model: nai, csi, labr, hpge, plastic.")] = "nai",
    sigma: Annotated[float, typer.Option(help="Source strength: net excess in background sigma.")] = 10.0,
    seed: Annotated[int | None, typer.Option(help="Random seed (reproducible scan).")] = None,
    container: Annotated[str | None, typer.Option(help="ISO 6346 container number.")] = None,
    out: Annotated[Path | None, typer.Option(help="Write spectra (.n42/.xml/.csv) or the occupancy (.jsonl).")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="JSON report.")] = False,
) -> None:
    """Simulate a portal scan from physics (known truth) and adjudicate it."""
    from tripline.radiation.service import simulate_to_file

    app_ctx = get_ctx(ctx)
    report = simulate_to_file(source, detector=detector, sigma=sigma, seed=seed, container=container, out=out)
    if as_json:
        app_ctx.print_json(report.to_dict())
        return
    adj = report.adjudication
    app_ctx.console.print(
        f"truth: {report.source} at {report.sigma:g} σ ({report.detector}); verdict {_verdict(adj['verdict'])}"
        + (f"; written to {report.out}" if report.out else "")
    )
    for reason in adj["reasons"]:
        app_ctx.console.print(f"  - {reason}", highlight=False)


def show_cmd(
    ctx: typer.Context,
    container: Annotated[str, typer.Argument(help="ISO 6346 container number.")],
    limit: Annotated[int, typer.Option(help="Most recent results to show.")] = 10,
    as_json: Annotated[bool, typer.Option("--json", help="JSON list, newest first.")] = False,
) -> None:
    """Stored radiation results of a container, newest first."""
    from tripline.radiation.service import container_results

    app_ctx = get_ctx(ctx)
    results = [r.to_dict() for r in container_results(app_ctx.db(), container, limit=limit)]
    if as_json:
        app_ctx.print_json(results)
        return
    if not results:
        app_ctx.console.print(f"no radiation results for {container}")
        return
    for r in results:
        app_ctx.console.print(f"{r['created_at']}  {r['kind']}  {_verdict(r['verdict'])}")
        for reason in r["reasons"]:
            app_ctx.console.print(f"  - {reason}", highlight=False)


radiation_app.command("identify")(identify_cmd)
radiation_app.command("ingest")(ingest_cmd)
radiation_app.command("simulate")(simulate_cmd)
radiation_app.command("show")(show_cmd)


def register(app: typer.Typer) -> None:
    """Add this capability's commands to the root app."""
    app.add_typer(radiation_app, name="radiation")
