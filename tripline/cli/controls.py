"""CLI commands of the [controls] capability: `tripline controls load|show|search`, `tripline classify`."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING

import typer
from rich.table import Table
from rich.tree import Tree

from tripline.cli.context import AppContext, get_ctx
from tripline.errors import InputError, NotFoundError

if TYPE_CHECKING:
    from tripline.controls.model import ControlEntry
    from tripline.controls.schema import Classification
    from tripline.store.db import Database

controls_app = typer.Typer(help="Control-list catalogue: US CCL and EU Annex I (Reg. 2021/821).", no_args_is_help=True)


@controls_app.command("load")
def load_cmd(ctx: typer.Context, json_out: bool = typer.Option(False, "--json", help="Print JSON.")) -> None:
    """Parse the bundled lists and store them as a new versioned snapshot."""
    from tripline.controls.service import load_catalogue

    app_ctx = get_ctx(ctx)
    infos = load_catalogue(app_ctx.settings, app_ctx.db())
    if json_out:
        app_ctx.print_json([i.to_dict() for i in infos])
        return
    table = Table("list", "version", "entries", "parser warnings", "status")
    for i in infos:
        table.add_row(
            i.source, str(i.version), str(i.entry_count), str(i.warnings), "new" if i.created else "unchanged"
        )
    app_ctx.console.print(table)


@controls_app.command("show")
def show_cmd(
    ctx: typer.Context,
    code: str = typer.Argument(..., help="Entry code, e.g. 2B006"),
    json_out: bool = typer.Option(False, "--json", help="Print JSON."),
) -> None:
    """Print an entry of each list with its sub-items, notes and parameters."""
    from tripline.controls.service import show_entry

    app_ctx = get_ctx(ctx)
    entries = show_entry(app_ctx.settings, _db_if_any(app_ctx), code)
    if json_out:
        app_ctx.print_json([e.to_dict() for e in entries])
        return
    for entry in entries:
        app_ctx.console.print(_entry_tree(entry))


@controls_app.command("search")
def search_cmd(
    ctx: typer.Context,
    text: str = typer.Argument(..., help="Words to search for"),
    limit: int = typer.Option(10, "--limit", min=1, max=100),
    json_out: bool = typer.Option(False, "--json", help="Print JSON."),
) -> None:
    """Search the catalogue (BM25 over titles and item texts, with the domain vocabulary)."""
    from tripline.controls.service import classifier_for, search_catalogue

    app_ctx = get_ctx(ctx)
    hits = search_catalogue(classifier_for(app_ctx.settings, _db_if_any(app_ctx)), text, limit)
    if json_out:
        app_ctx.print_json([h.to_dict() for h in hits])
        return
    table = Table("code", "score", "lists", "title")
    for h in hits:
        table.add_row(h.code, f"{h.score:.2f}", ", ".join(h.lists), h.title[:90])
    app_ctx.console.print(table)


def classify_cmd(
    ctx: typer.Context,
    description: str | None = typer.Argument(None, help="Goods description"),
    hs: str | None = typer.Option(None, "--hs", help="Declared HS/CN/HTS code"),
    param: list[str] = typer.Option([], "--param", help="NAME=VALUE with unit, e.g. mpe=1.5um (repeatable)"),
    end_use: str | None = typer.Option(None, "--end-use", help="Stated end use"),
    end_user: str | None = typer.Option(None, "--end-user", help="End user name"),
    destination: str | None = typer.Option(None, "--destination", help="Destination country (ISO 3166)"),
    file: Path | None = typer.Option(None, "--file", help="JSONL batch: one object per line", exists=True),
    json_out: bool = typer.Option(False, "--json", help="Print JSON."),
) -> None:
    """Classify goods against the control lists: candidates, thresholds, verdict and catch-all."""
    from tripline.controls.service import classifier_for, classify_lines, make_query, parse_params

    app_ctx = get_ctx(ctx)
    if (description is None) == (file is None):
        raise InputError("give either a DESCRIPTION or --file FILE.jsonl", field="description")
    classifier = classifier_for(app_ctx.settings, _db_if_any(app_ctx))
    if file is not None:
        bad = 0
        with file.open(encoding="utf-8") as fh:
            for answer in classify_lines(classifier, fh, str(file)):
                if "error" in answer:
                    bad += 1
                    app_ctx.err_console.print(
                        f"error: {answer['error']['message']}", highlight=False, markup=False, soft_wrap=True
                    )
                sys.stdout.write(json.dumps(answer, ensure_ascii=False) + "\n")
        if bad:
            raise typer.Exit(2)
        return
    assert description is not None
    query = make_query(
        description=description,
        hs_code=hs,
        params=parse_params(param),
        end_use=end_use,
        end_user=end_user,
        destination=destination,
    )
    result = classifier.classify(query)
    if json_out:
        app_ctx.print_json(result.model_dump(mode="json"))
        return
    _render(app_ctx, result)


def _db_if_any(app_ctx: AppContext) -> Database | None:
    """The database when it exists (a stored catalogue), else None (bundled files)."""
    url = app_ctx.settings.effective_database_url
    if url.startswith("sqlite:///") and not Path(url.removeprefix("sqlite:///")).exists():
        return None
    return app_ctx.db()


def _entry_tree(entry: ControlEntry) -> Tree:
    from tripline.controls.model import ItemKind

    refs = ", ".join(r.label() for r in entry.regime_refs)
    head = f"[bold]{entry.code}[/] ({entry.source.value}) {entry.title}"
    meta = f"regimes: {', '.join(r.value for r in entry.regimes) or '-'}"
    if entry.reasons:
        meta += f"; reasons for control: {', '.join(entry.reasons)}"
    if refs:
        meta += f"; regime refs: {refs}"
    tree = Tree(head + "\n" + meta, highlight=False)
    for applies in entry.applies:
        tree.add(f"[italic]{applies.reason} applies to {applies.text}[/]")
    nodes: dict[str, Tree] = {}
    for item in entry.items:
        parent_code = item.code.rsplit(".", 1)[0] if item.kind is ItemKind.ITEM else item.code
        parent = nodes.get(parent_code, tree)
        if item.kind is ItemKind.ITEM:
            label = f"[bold]{item.code}[/] {item.text[:160]}"
            node = parent.add(label)
            for p in item.parameters:
                node.add(f"[cyan]parameter[/] {p.key}: {p.describe()}")
            nodes[item.code] = node
        else:
            nodes.get(item.code, tree).add(f"[dim]{item.kind.value}: {item.text[:160]}[/]")
    return tree


def _render(app_ctx: AppContext, result: Classification) -> None:
    v = result.verdict
    color = {"yes": "red", "unknown": "yellow", "no": "green"}[v.listed.value]
    app_ctx.console.print(
        f"[bold {color}]listed: {v.listed.value}[/]  EU: {v.eu_code or '-'}  US ECCN: {v.eccn}  "
        f"catch-all: {'yes' if v.catch_all else 'no'}"
    )
    for reason in v.reasons:
        app_ctx.console.print(f"  - {reason}", highlight=False)
    for rule in v.catch_all_rules:
        app_ctx.console.print(f"  [magenta]rule[/] {rule}", highlight=False)
    table = Table("code", "ECCN", "regimes", "score", "status", "title / evidence")
    for c in result.candidates:
        table.add_row(
            c.code,
            c.eccn or "-",
            ", ".join(c.regime_refs or c.regimes),
            f"{c.score:.2f}",
            c.status.value,
            c.title[:70] + "\n" + "\n".join(e[:110] for e in c.evidence[:4]),
        )
    app_ctx.console.print(table)
    for q in v.questions:
        app_ctx.console.print(f"  [yellow]ask[/] {q}", highlight=False)


def register(app: typer.Typer) -> None:
    """Add this capability's commands to the root app."""
    app.add_typer(controls_app, name="controls")
    app.command("classify")(classify_cmd)


__all__ = ["NotFoundError", "register"]
