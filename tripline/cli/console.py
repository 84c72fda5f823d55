"""CLI commands of the [console] capability: serve, users, cases, bootstrap."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from tripline.auth.roles import Role
from tripline.cli.context import get_ctx
from tripline.errors import InputError

users_app = typer.Typer(help="Console users: create, list, roles, API tokens, deactivation.", no_args_is_help=True)
cases_app = typer.Typer(help="Case files: list, open, show, note, export as PDF.", no_args_is_help=True)


def serve(
    ctx: typer.Context,
    host: Annotated[str, typer.Option(help="Interface to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(min=1, max=65535, help="TCP port.")] = 8000,
    workers: Annotated[int, typer.Option(min=1, max=64, help="Worker processes (uvicorn).")] = 1,
) -> None:
    """Serve the web console, the REST API and the exchange endpoints (uvicorn)."""
    from tripline.api.serve import run

    app_ctx = get_ctx(ctx)
    if workers == 1:  # several workers each warm their own runtime before they answer
        app_ctx.err_console.print("Warming up: screening index, classifier, exchange node ...")
        for part, state in app_ctx.runtime().warm():
            app_ctx.err_console.print(f"  {part}: {state}", highlight=False)
    state = (
        "scoring the newest queue of each authority, then ready"
        if workers == 1
        else "each worker warms its runtime and queues before it answers"
    )
    app_ctx.err_console.print(f"Tripline console on http://{host}:{port}/ ({workers} worker(s)): {state}")
    run(app_ctx.runtime(), host=host, port=port, workers=workers)


@users_app.command("create")
def users_create(
    ctx: typer.Context,
    username: Annotated[str, typer.Argument(help="Login name (lower case).")],
    role: Annotated[Role, typer.Option(help="Role of the user.")],
    authority: Annotated[str, typer.Option(help="Authority code the user belongs to (created if new).")],
    name: Annotated[str | None, typer.Option(help="Display name.")] = None,
) -> None:
    """Create a user; prints a one-time password to change at first sign-in."""
    from tripline.auth.roles import role_title
    from tripline.auth.service import create_user

    app_ctx = get_ctx(ctx)
    info, password = create_user(
        app_ctx.db(),
        username,
        role=role,
        authority=authority,
        display_name=name,
        audit_key=app_ctx.runtime().audit_key(),
    )
    app_ctx.console.print(f"created {info.username} ({role_title(info.role)}, {info.authority_code})")
    app_ctx.console.print(f"one-time password: [bold]{password}[/]", highlight=False)


@users_app.command("list")
def users_list(
    ctx: typer.Context,
    authority: Annotated[str | None, typer.Option(help="Only users of this authority.")] = None,
    json_out: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """List users with role and authority."""
    from tripline.auth.roles import role_title
    from tripline.auth.service import list_users

    app_ctx = get_ctx(ctx)
    rows = list_users(app_ctx.db(), authority)
    if json_out:
        app_ctx.print_json([{**vars(u), "role": u.role.value} for u in rows])
        return
    table = Table(title="users")
    for col in ("username", "name", "role", "authority", "active", "created"):
        table.add_column(col)
    for u in rows:
        table.add_row(
            u.username, u.display_name, role_title(u.role), u.authority_code, str(u.active), f"{u.created_at:%Y-%m-%d}"
        )
    app_ctx.console.print(table)


@users_app.command("token")
def users_token(
    ctx: typer.Context,
    username: Annotated[str, typer.Argument(help="User the token acts for.")],
    label: Annotated[str, typer.Option(help="What the token is for.")] = "api",
    expires_days: Annotated[int, typer.Option(min=1, max=3650, help="Days until the token expires.")] = 90,
) -> None:
    """Issue an API token (printed once; only its hash is stored)."""
    from datetime import timedelta

    from tripline.auth.service import issue_token

    app_ctx = get_ctx(ctx)
    token = issue_token(
        app_ctx.db(), username, label, timedelta(days=expires_days), audit_key=app_ctx.runtime().audit_key()
    )
    sys.stdout.write(token + "\n")  # exactly the token, for scripts


@users_app.command("tokens")
def users_tokens(ctx: typer.Context, username: Annotated[str, typer.Argument(help="Whose tokens.")]) -> None:
    """List a user's API tokens (id, prefix, label, expiry, revoked) as JSON."""
    from tripline.auth.service import list_tokens

    app_ctx = get_ctx(ctx)
    app_ctx.print_json(
        [
            {k: str(v) if v is not None else None for k, v in vars(t).items()}
            for t in list_tokens(app_ctx.db(), username)
        ]
    )


@users_app.command("revoke-token")
def users_revoke_token(
    ctx: typer.Context,
    username: Annotated[str, typer.Argument(help="Whose token.")],
    token_id: Annotated[int, typer.Argument(help="Token id (from `users tokens`).")],
) -> None:
    """Revoke one API token."""
    from tripline.auth.service import revoke_token

    app_ctx = get_ctx(ctx)
    revoke_token(app_ctx.db(), username, token_id, audit_key=app_ctx.runtime().audit_key())
    app_ctx.console.print(f"token {token_id} of {username} revoked")


@users_app.command("deactivate")
def users_deactivate(ctx: typer.Context, username: Annotated[str, typer.Argument(help="The user.")]) -> None:
    """Deactivate a user: no sign-in; their sessions end and their tokens are revoked."""
    from tripline.auth.service import deactivate_user

    app_ctx = get_ctx(ctx)
    deactivate_user(app_ctx.db(), username, authority=None, audit_key=app_ctx.runtime().audit_key())
    app_ctx.console.print(f"user {username} deactivated; sessions ended, tokens revoked")


@users_app.command("role")
def users_role(
    ctx: typer.Context,
    username: Annotated[str, typer.Argument(help="The user.")],
    role: Annotated[Role, typer.Argument(help="The new role.")],
) -> None:
    """Change a user's role (recorded in the audit log); it applies from their next request."""
    from tripline.auth.roles import role_title
    from tripline.auth.service import set_role

    app_ctx = get_ctx(ctx)
    info = set_role(app_ctx.db(), username, role, authority=None, audit_key=app_ctx.runtime().audit_key())
    app_ctx.console.print(f"{info.username} is now {role_title(info.role)} ({info.authority_code})")


@cases_app.command("list")
def cases_list(
    ctx: typer.Context,
    user: Annotated[str, typer.Option("--as", help="Act as this user (their authority's cases).")],
    json_out: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """List the cases of a user's authority."""
    from tripline.auth.service import get_principal
    from tripline.cases.service import list_cases

    app_ctx = get_ctx(ctx)
    db = app_ctx.db()
    rows = list_cases(db, get_principal(db, user))
    if json_out:
        app_ctx.print_json([vars(c) for c in rows])
        return
    table = Table(title="cases")
    for col in ("#", "title", "status", "items", "updated"):
        table.add_column(col)
    for c in rows:
        table.add_row(str(c.id), c.title, c.status.value, str(c.items), f"{c.updated_at:%Y-%m-%d %H:%M}")
    app_ctx.console.print(table)


@cases_app.command("open")
def cases_open(
    ctx: typer.Context,
    title: Annotated[str, typer.Argument(help="Title of the matter.")],
    user: Annotated[str, typer.Option("--as", help="Act as this user.")],
    summary: Annotated[str, typer.Option(help="Summary.")] = "",
) -> None:
    """Open a case."""
    from tripline.auth.service import get_principal
    from tripline.cases.service import open_case

    app_ctx = get_ctx(ctx)
    db = app_ctx.db()
    case_id = open_case(db, get_principal(db, user), title, summary)
    app_ctx.console.print(f"opened case {case_id}")


@cases_app.command("show")
def cases_show(
    ctx: typer.Context,
    case_id: Annotated[int, typer.Argument(min=1, help="Case number.")],
    user: Annotated[str, typer.Option("--as", help="Act as this user.")],
) -> None:
    """Show a case with its items and timeline, as JSON."""
    from tripline.api.cases import case_out
    from tripline.auth.service import get_principal
    from tripline.cases.service import get_case

    app_ctx = get_ctx(ctx)
    db = app_ctx.db()
    app_ctx.print_json(case_out(get_case(db, get_principal(db, user), case_id)).model_dump(mode="json"))


@cases_app.command("note")
def cases_note(
    ctx: typer.Context,
    case_id: Annotated[int, typer.Argument(min=1, help="Case number.")],
    body: Annotated[str, typer.Argument(help="Text of the note.")],
    user: Annotated[str, typer.Option("--as", help="Act as this user.")],
) -> None:
    """Add a note to a case."""
    from tripline.auth.service import get_principal
    from tripline.cases.service import add_note

    app_ctx = get_ctx(ctx)
    db = app_ctx.db()
    add_note(db, get_principal(db, user), case_id, body)
    app_ctx.console.print(f"note added to case {case_id}")


@cases_app.command("export")
def cases_export(
    ctx: typer.Context,
    case_id: Annotated[int, typer.Argument(min=1, help="Case number.")],
    user: Annotated[str, typer.Option("--as", help="Act as this user.")],
    out: Annotated[Path, typer.Option("--out", "-o", help="PDF file to write.")],
) -> None:
    """Export a case file as PDF."""
    from tripline.auth.service import get_principal
    from tripline.cases.pdf import render_case_pdf
    from tripline.cases.service import get_case

    app_ctx = get_ctx(ctx)
    db = app_ctx.db()
    if out.is_dir():
        raise InputError("is a folder; give a file name", file=out, field="out")
    out.write_bytes(render_case_pdf(get_case(db, get_principal(db, user), case_id)))
    app_ctx.console.print(f"wrote {out}")


def bootstrap(
    ctx: typer.Context,
    admin: Annotated[str, typer.Option(help="Username of the first administrator.")] = "admin",
    demo_shipments: Annotated[int, typer.Option(min=10, max=100000, help="Shipments in the demo manifest.")] = 500,
) -> None:
    """Set up a node idempotently: schema, lists, controls, demo data, first administrator."""
    from tripline.bootstrap import run_bootstrap

    app_ctx = get_ctx(ctx)
    report = run_bootstrap(
        app_ctx.settings, app_ctx.db(), admin=admin, demo_shipments=demo_shipments, say=app_ctx.err_console.print
    )
    if report.admin_password:
        app_ctx.console.print(
            f"first administrator: [bold]{admin}[/] one-time password: [bold]{report.admin_password}[/]",
            highlight=False,
        )
    else:
        app_ctx.console.print("administrator exists already; no password printed")


def register(app: typer.Typer) -> None:
    """Add this capability's commands to the root app."""
    app.command("serve")(serve)
    app.command("bootstrap")(bootstrap)
    app.add_typer(users_app, name="users")
    app.add_typer(cases_app, name="cases")
