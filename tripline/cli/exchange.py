"""CLI commands of the [exchange] capability: ``tripline exchange ...`` and ``tripline audit ...``."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.table import Table

from tripline.cli.context import AppContext, get_ctx, input_files
from tripline.errors import FormatError, InputError, IntegrityError, PolicyError

if TYPE_CHECKING:
    from tripline.exchange.service import Node

exchange_app = typer.Typer(help="Electronic point of contact: partners, agreements, signed documents, consent.")
node_app = typer.Typer(help="This node's identity.")
partner_app = typer.Typer(help="The partner registry.")
agreement_app = typer.Typer(help="Sharing agreements (YAML).")
consent_app = typer.Typer(help="Consent to pass a partner's document to a third party.")
audit_app = typer.Typer(help="The tamper-evident audit log.")
exchange_app.add_typer(node_app, name="node")
exchange_app.add_typer(partner_app, name="partner")
exchange_app.add_typer(agreement_app, name="agreement")
exchange_app.add_typer(consent_app, name="consent")

JsonOpt = Annotated[bool, typer.Option("--json", help="Print JSON instead of a table.")]


def _node(ctx: typer.Context) -> tuple[AppContext, Node]:
    app_ctx = get_ctx(ctx)
    return app_ctx, app_ctx.runtime().node()


def _read_only_node(ctx: typer.Context) -> tuple[AppContext, Node]:
    """The node over its existing database, for commands that must write nothing (``audit
    verify``): no database file is made, no migration runs, no key is made; a missing one is named."""
    from sqlalchemy.engine import make_url

    from tripline.errors import NotFoundError
    from tripline.exchange.service import Node, key_path

    app_ctx = get_ctx(ctx)
    url = make_url(app_ctx.settings.effective_database_url)
    if url.get_backend_name() == "sqlite" and url.database and not Path(url.database).exists():
        raise NotFoundError("no database here: nothing to verify", file=Path(url.database))
    if not key_path(app_ctx.settings).exists():
        raise NotFoundError("no node key here: nothing to verify against", file=key_path(app_ctx.settings))
    return app_ctx, Node(settings=app_ctx.settings, db=app_ctx.db(migrate=False))


def _table(app_ctx: AppContext, title: str, rows: list[dict[str, Any]], columns: list[str]) -> None:
    table = Table(title=title)
    for column in columns:
        table.add_column(column)
    for row in rows:
        table.add_row(*[_cell(row.get(c)) for c in columns])
    app_ctx.console.print(table)


def _cell(value: Any) -> str:
    if isinstance(value, list):
        return "\n".join(str(v) for v in value)
    return "" if value is None else str(value)


@node_app.command("init")
def node_init(
    ctx: typer.Context,
    node_id: Annotated[str, typer.Option("--id", help="Node id, e.g. jp-customs.")],
    name: Annotated[str, typer.Option(help="Authority name.")],
    country: Annotated[str, typer.Option(help="ISO 3166 alpha-2 country code.")],
    endpoint: Annotated[str, typer.Option(help="Base URL partners reach this node at.")] = "",
    group: Annotated[list[str] | None, typer.Option("--group", help="Groups (regimes) this node belongs to.")] = None,
) -> None:
    """Create this node's Ed25519 key pair and identity."""
    from tripline.exchange import service

    app_ctx = get_ctx(ctx)
    out = service.init_node(
        app_ctx.settings,
        app_ctx.db(),
        node_id=node_id,
        name=name,
        country=country,
        endpoint=endpoint,
        groups=group or [],
    )
    app_ctx.print_json(out)


@node_app.command("show")
def node_show(ctx: typer.Context) -> None:
    """This node's id, public key and endpoint (what partners need)."""
    from tripline.exchange.views import partner_directory

    app_ctx, node = _node(ctx)
    me = [p for p in partner_directory(node)[0] if p["is_self"]]
    app_ctx.print_json(me[0] if me else {"id": node.node_id})


@partner_app.command("add")
def partner_add(
    ctx: typer.Context,
    partner_id: Annotated[str, typer.Option("--id")],
    name: Annotated[str, typer.Option()],
    country: Annotated[str, typer.Option()],
    public_key: Annotated[str, typer.Option(help="Base64 Ed25519 public key (from `node show`).")],
    endpoint: Annotated[str, typer.Option(help="Base URL of the partner's node.")] = "",
    group: Annotated[list[str] | None, typer.Option("--group")] = None,
) -> None:
    """Add or update a partner in the registry."""
    app_ctx, node = _node(ctx)
    app_ctx.print_json(
        node.add_partner(
            partner_id=partner_id,
            name=name,
            country=country,
            public_key=public_key,
            endpoint=endpoint,
            groups=group or [],
        )
    )


@partner_app.command("list")
def partner_list(ctx: typer.Context, as_json: JsonOpt = False) -> None:
    """The partner registry."""
    from tripline.exchange.views import partner_directory

    app_ctx, node = _node(ctx)
    rows, _ = partner_directory(node)
    if as_json:
        app_ctx.print_json(rows)
    else:
        _table(app_ctx, "partners", rows, ["id", "name", "country", "endpoint", "groups", "is_self"])


@partner_app.command("token")
def partner_token(ctx: typer.Context, partner_id: Annotated[str, typer.Argument()]) -> None:
    """Issue a TAXII token for a partner (printed once; only its hash is stored)."""
    from tripline.exchange import taxii

    app_ctx, node = _node(ctx)
    app_ctx.print_json({"partner": partner_id, "token": taxii.issue_token(node, partner_id)})


@agreement_app.command("add")
def agreement_add(ctx: typer.Context, path: Annotated[Path, typer.Argument(help="Agreement YAML.")]) -> None:
    """Validate, compile and store a sharing agreement."""
    input_files(("PATH", path))
    app_ctx, node = _node(ctx)
    agreement = node.add_agreement(path)
    app_ctx.print_json({"id": agreement.id, "parties": list(agreement.parties), "loaded": str(path)})


@agreement_app.command("check")
def agreement_check(ctx: typer.Context, path: Annotated[Path, typer.Argument()]) -> None:
    """Validate an agreement file and print the Cedar policies it compiles to."""
    input_files(("PATH", path))
    from tripline.exchange.agreements import load_agreement
    from tripline.exchange.policy import PolicyEngine

    app_ctx = get_ctx(ctx)
    app_ctx.console.print(PolicyEngine([load_agreement(path)]).policy_text, markup=False, highlight=False)


@agreement_app.command("list")
def agreement_list(ctx: typer.Context, as_json: JsonOpt = False) -> None:
    """Loaded agreements."""
    from tripline.exchange.views import agreement_list as stored_agreements

    app_ctx, node = _node(ctx)
    rows = [a.model_dump(mode="json") for a in stored_agreements(node)]
    if as_json:
        app_ctx.print_json(rows)
    else:
        _table(app_ctx, "agreements", rows, ["id", "parties", "document_types", "purposes", "valid_until"])


def _facts(values: list[str]) -> dict[str, str | int | bool]:
    out: dict[str, str | int | bool] = {}
    for item in values:
        name, sep, value = item.partition("=")
        if not sep or not name:
            raise InputError(f"expected NAME=VALUE, got {item!r}", field="fact")
        out[name] = value
    return out


@exchange_app.command("draft")
def draft(
    ctx: typer.Context,
    doc_type: Annotated[str, typer.Option("--type", help="denial_notification, information_paper, ...")],
    subject: Annotated[str, typer.Option()],
    purpose: Annotated[list[str], typer.Option("--purpose", help="Designated purpose(s).")],
    legal_basis: Annotated[str, typer.Option()],
    body: Annotated[str, typer.Option()] = "",
    summary: Annotated[str | None, typer.Option(help="Executive summary (information papers).")] = None,
    classification: Annotated[str, typer.Option()] = "restricted",
    tlp: Annotated[str, typer.Option(help="clear, green, amber, amber+strict, red")] = "amber",
    releasable_to: Annotated[list[str] | None, typer.Option("--releasable-to")] = None,
    allow_onward: Annotated[bool, typer.Option("--allow-onward", help="Drop the no-onward-release caveat.")] = False,
    deadline: Annotated[datetime | None, typer.Option(help="Answer deadline (UTC).")] = None,
    reference: Annotated[list[str] | None, typer.Option("--reference")] = None,
    attach: Annotated[list[Path] | None, typer.Option("--attach")] = None,
    fact: Annotated[list[str] | None, typer.Option("--fact", help="NAME=VALUE structured facts.")] = None,
) -> None:
    """Draft and sign a document originated by this node."""
    from tripline.exchange.documents import Attachment

    app_ctx, node = _node(ctx)
    attachments = []
    for path in attach or []:
        try:
            attachments.append(Attachment.from_bytes(path.name, path.read_bytes()).model_dump(mode="json"))
        except OSError as exc:
            raise FormatError(f"cannot read attachment: {exc.strerror}", file=path) from exc
    fields: dict[str, Any] = {
        "type": doc_type,
        "subject": subject,
        "body": body,
        "executive_summary": summary,
        "purposes": purpose,
        "legal_basis": legal_basis,
        "classification": classification,
        "tlp": tlp,
        "caveats": {"releasable_to": releasable_to or None, "no_onward_release": not allow_onward},
        "references": reference or [],
        "attachments": attachments,
        "facts": _facts(fact or []),
        "deadline": (deadline if deadline.tzinfo else deadline.replace(tzinfo=__import__("datetime").UTC)).isoformat()
        if deadline
        else None,
    }
    doc = node.draft({k: v for k, v in fields.items() if v is not None})
    app_ctx.print_json({"id": doc.id, "hash": doc.hash, "type": doc.type.value})


@exchange_app.command("decide")
def decide(
    ctx: typer.Context,
    document_id: Annotated[str, typer.Argument()],
    to: Annotated[str, typer.Option("--to")],
    purpose: Annotated[str, typer.Option()],
) -> None:
    """What the decision function says about releasing a document (nothing is sent or recorded)."""
    app_ctx, node = _node(ctx)
    app_ctx.print_json(node.decide(document_id, to, purpose).to_dict())


@exchange_app.command("send")
def send(
    ctx: typer.Context,
    document_id: Annotated[str, typer.Argument()],
    purpose: Annotated[str, typer.Option()],
    to: Annotated[list[str] | None, typer.Option("--to")] = None,
    group: Annotated[str | None, typer.Option(help="Circulate to every partner of a group.")] = None,
    deliver: Annotated[bool, typer.Option(help="Deliver now (else `exchange sync` does).")] = True,
) -> None:
    """Release a document: decide per recipient, queue what is allowed, deliver, collect signed receipts."""
    app_ctx, node = _node(ctx)
    outcomes = node.send(document_id, purpose=purpose, to=to or [], group=group, deliver=deliver)
    app_ctx.print_json([o.to_dict() for o in outcomes])


@exchange_app.command("sync")
def sync(
    ctx: typer.Context,
    force: Annotated[bool, typer.Option(help="Also retry messages still waiting for their backoff.")] = False,
) -> None:
    """Deliver what is due in the outbox (with retry and backoff)."""
    app_ctx, node = _node(ctx)
    app_ctx.print_json([o.to_dict() for o in node.deliver_pending(force=force)])


@exchange_app.command("list")
def list_box(
    ctx: typer.Context,
    box: Annotated[str, typer.Option(help="inbox, outbox or documents")] = "inbox",
    as_json: JsonOpt = False,
) -> None:
    """The inbox, outbox or held documents."""
    from tripline.exchange import views

    app_ctx, node = _node(ctx)
    if box == "documents":
        rows = views.documents(node)
        columns = ["id", "type", "originator", "subject", "received_from", "deadline"]
    elif box in ("inbox", "outbox"):
        rows = views.box(node, box)
        columns = ["id", "ref", "subject", "partner", "purpose", "status", "attempts", "reasons"]
    else:
        raise InputError("choose inbox, outbox or documents", field="box")
    if as_json:
        app_ctx.print_json(rows)
    else:
        _table(app_ctx, box, rows, columns)


@exchange_app.command("read")
def read(ctx: typer.Context, document_id: Annotated[str, typer.Argument()]) -> None:
    """A held document, as signed."""
    from tripline.exchange import views

    app_ctx, node = _node(ctx)
    app_ctx.print_json(views.read(node, document_id))


@exchange_app.command("deadlines")
def deadlines(ctx: typer.Context, as_json: JsonOpt = False) -> None:
    """Documents past their deadline still waiting for an answer."""
    from tripline.exchange import views

    app_ctx, node = _node(ctx)
    rows = views.overdue(node)
    if as_json:
        app_ctx.print_json(rows)
    else:
        _table(app_ctx, "overdue", rows, ["document", "type", "subject", "waiting_for", "deadline", "days_overdue"])


@exchange_app.command("circulation")
def circulation(ctx: typer.Context, document_id: Annotated[str, typer.Argument()]) -> None:
    """Who received, acknowledged and answered a circulated document."""
    from tripline.exchange import views

    app_ctx, node = _node(ctx)
    app_ctx.print_json(views.circulation(node, document_id))


@consent_app.command("request")
def consent_request(
    ctx: typer.Context,
    document_id: Annotated[str, typer.Argument()],
    third_party: Annotated[str, typer.Option(help="Who it would go to (an exporter, a ministry, a partner id).")],
    purpose: Annotated[str, typer.Option()],
    justification: Annotated[str, typer.Option()] = "",
) -> None:
    """Ask a document's originator for consent to pass it on."""
    from tripline.exchange import consent

    app_ctx, node = _node(ctx)
    app_ctx.print_json(
        consent.request_consent(
            node, document_id, third_party=third_party, purpose=purpose, justification=justification
        )
    )


@consent_app.command("give")
def consent_give(
    ctx: typer.Context,
    consent_id: Annotated[str, typer.Argument()],
    withhold: Annotated[list[str] | None, typer.Option("--withhold", help="Field or facts.NAME to withhold.")] = None,
    note: Annotated[str, typer.Option()] = "",
) -> None:
    """As originator: sign a consent (optionally withholding fields)."""
    from tripline.exchange import consent

    app_ctx, node = _node(ctx)
    app_ctx.print_json(consent.answer_consent(node, consent_id, grant=True, withhold=withhold or [], note=note))


@consent_app.command("refuse")
def consent_refuse(
    ctx: typer.Context, consent_id: Annotated[str, typer.Argument()], note: Annotated[str, typer.Option()] = ""
) -> None:
    """As originator: refuse a consent request (signed)."""
    from tripline.exchange import consent

    app_ctx, node = _node(ctx)
    app_ctx.print_json(consent.answer_consent(node, consent_id, grant=False, withhold=[], note=note))


@consent_app.command("list")
def consent_list(
    ctx: typer.Context, status: Annotated[str | None, typer.Option()] = None, as_json: JsonOpt = False
) -> None:
    """Consent requests made and received."""
    from tripline.exchange import consent

    app_ctx, node = _node(ctx)
    rows = consent.list_consents(node, status=status)
    if as_json:
        app_ctx.print_json(rows)
    else:
        _table(app_ctx, "consents", rows, ["id", "direction", "document_id", "third_party", "purpose", "status"])


@consent_app.command("release")
def consent_release(
    ctx: typer.Context,
    consent_id: Annotated[str, typer.Argument()],
    out: Annotated[Path | None, typer.Option(help="Write the released (redacted) document here.")] = None,
) -> None:
    """Release a partner's document to the third party of a consent: only once the originator consented."""
    from tripline.exchange import consent

    app_ctx, node = _node(ctx)
    result = consent.release_to_third_party(node, consent_id)
    if not result["decision"]["allowed"]:
        raise PolicyError("; ".join(result["decision"]["reasons"]), field="consent")
    if out is not None:
        out.write_text(json.dumps(result["document"], ensure_ascii=False, indent=2), encoding="utf-8")
    app_ctx.print_json(result)


@audit_app.command("verify")
def audit_verify(
    ctx: typer.Context,
    against: Annotated[
        Path | None, typer.Option("--against", help="JSON list of this node's tree heads that partners witnessed.")
    ] = None,
) -> None:
    """Check the hash chain and the signed head; name any edited, removed or reordered entry;
    with --against, detect truncation or rollback against heads partners kept."""

    from tripline.audit import log as audit_log

    app_ctx, node = _read_only_node(ctx)
    heads: list[Any] = []
    if against is not None:
        try:
            loaded = json.loads(against.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, ValueError) as exc:
            raise InputError(f"not a JSON list of tree heads: {exc}", file=against) from None
        heads = loaded if isinstance(loaded, list) else [loaded]
    report = audit_log.verify(node.db, node.key.public_b64)
    report.problems.extend(audit_log.check_against(node.db, node.key.public_b64, heads))
    app_ctx.print_json(report.to_dict())
    if not report.ok:
        first = report.problems[0]
        raise IntegrityError(first.message, field=f"audit entry {first.seq}")


@audit_app.command("head")
def audit_head(ctx: typer.Context) -> None:
    """This node's signed tree head (size, Merkle root), for partners to keep as witnesses."""
    from tripline.audit import log as audit_log

    app_ctx, node = _node(ctx)
    app_ctx.print_json(audit_log.tree_head(node.db, node.key))


@audit_app.command("consistency")
def audit_consistency(
    ctx: typer.Context,
    first: Annotated[int, typer.Argument(help="The size of the older tree head.")],
    second: Annotated[int | None, typer.Argument(help="The size of the newer one (default: now).")] = None,
) -> None:
    """This log's signed RFC 9162 consistency proof from size FIRST to SECOND (for a partner)."""
    from tripline.audit import log as audit_log

    app_ctx, node = _node(ctx)
    app_ctx.print_json(audit_log.consistency(node.db, node.key, first, second))


@audit_app.command("check")
def audit_check(ctx: typer.Context, partner: Annotated[str, typer.Argument(help="The partner node id.")]) -> None:
    """Ask PARTNER to prove its audit log extends the largest tree head of it this node kept;
    a non-zero exit code when it cannot (rolled back or rewritten)."""
    app_ctx, node = _node(ctx)
    result = node.check_partner_log(partner)
    app_ctx.print_json(result)
    if not result["ok"]:
        raise IntegrityError(result["problems"][0], field="partner")


@audit_app.command("witnessed")
def audit_witnessed(ctx: typer.Context, partner: Annotated[str, typer.Argument(help="The partner node id.")]) -> None:
    """The partner's tree heads this node kept (give the file to the partner's `audit verify --against`)."""
    from tripline.audit import log as audit_log

    app_ctx, node = _node(ctx)
    app_ctx.print_json(audit_log.witnessed(node.db, partner))


@audit_app.command("log")
def audit_show(
    ctx: typer.Context,
    kind: Annotated[str | None, typer.Option()] = None,
    limit: Annotated[int, typer.Option()] = 50,
) -> None:
    """The newest audit entries."""
    from tripline.audit import log as audit_log

    app_ctx, node = _node(ctx)
    app_ctx.print_json(audit_log.entries(node.db, kind=kind, limit=limit))


def register(app: typer.Typer) -> None:
    """Add this capability's commands to the root app."""
    app.add_typer(exchange_app, name="exchange")
    app.add_typer(audit_app, name="audit")
