"""Console pages of the exchange's reference: the partner directory, the sharing agreements with
their machine-checked conditions in words, and the documents this node holds (read with their
markings; a partner's request answered from its page). Every page is the caller's own node's:
an analyst of another authority gets 403 (``own_node``)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Form, Path, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from tripline.auth.roles import Permission
from tripline.errors import TriplineError
from tripline.http.deps import get_runtime, own_node
from tripline.runtime import Runtime
from tripline.settings import Settings
from tripline.web.exchange import _flat, delivery_error_words
from tripline.web.render import Page, page, render

DocumentId = Path(max_length=64, pattern=r"^[A-Za-z0-9._:-]+$")
ONWARD_WORDS = {
    "consent": "Passing a document on to anyone else needs its originator's signed consent.",
    "forbidden": "A document received under this agreement is never passed on.",
    "free": "A document may be passed on unless its own caveats forbid it.",
}
REQUESTS = ("request_for_information", "inspection_request")
MARKING_FIELDS = ("classification", "tlp", "caveats", "purposes", "legal_basis")


def words(value: str) -> str:
    return value.replace("_", " ")


@dataclass(frozen=True)
class AgreementView:
    id: str
    title: str
    state: str  # in force / expired / not yet in force
    conditions: list[str]
    policy_text: str


def agreement_view(agreement: Any, today: date) -> AgreementView:
    """The conditions the decision function checks, as sentences."""
    from tripline.exchange.documents import Classification
    from tripline.exchange.policy import PolicyEngine

    a = agreement
    if today < a.valid_from:
        state = "not yet in force"
    elif today > a.valid_until:
        state = "expired"
    else:
        state = "in force"
    conditions = [
        f"Between {', '.join(a.parties)}; legal basis: {a.legal_basis}.",
        f"Valid from {a.valid_from.isoformat()} until {a.valid_until.isoformat()} ({state} today).",
        "Covers these documents: " + ", ".join(words(t.value) for t in a.document_types) + ".",
        "Only for these purposes: " + ", ".join(words(p.value) for p in a.purposes) + ".",
    ]
    for party, levels in sorted(a.protects.items()):
        top = max(levels, key=list(Classification).index) if levels else None
        conditions.append(
            f"{party} protects {', '.join(level.value for level in levels)} documents"
            + (f": nothing above {top.value} is released to it." if top is not None else ".")
        )
    if a.reciprocity is not None:
        for party, types in sorted(a.reciprocity.provides.items()):
            conditions.append(f"{party} gives in return: {', '.join(words(t.value) for t in types)}.")
        conditions.append(
            f"A party may hold at most {a.reciprocity.max_outstanding} more documents than it has given in return."
        )
    conditions.append(ONWARD_WORDS[a.onward_release.value])
    return AgreementView(a.id, a.title, state, conditions, PolicyEngine([a]).policy_text)


def document_response(
    request: Request,
    pg: Page,
    node: Any,
    document_id: str,
    *,
    done: str = "",
    error: str = "",
    body: str = "",
    status: int = 200,
) -> Response:
    """A held document as the officer reads it: markings first, fields, facts, where it went, consents."""
    from tripline.cases.service import CaseStatus, list_cases
    from tripline.exchange.consent import list_consents
    from tripline.exchange.views import box, circulation, overdue, read

    held = read(node, document_id)
    doc = held["document"]
    fields = [(k, _flat(v)) for k, v in doc.items() if k not in ("facts", "signature", *MARKING_FIELDS)]
    facts = sorted((doc.get("facts") or {}).items())
    marking = {k: _flat(doc[k]) for k in MARKING_FIELDS if k in doc}
    mine = doc.get("originator") == node.node_id
    sent = [m for m in box(node, "outbox") if m["ref"] == document_id]
    for m in sent:
        m["error_words"] = delivery_error_words(m.get("last_error"))
    late = [d for d in overdue(node) if d["document"] == document_id and d["waiting_for"] == node.node_id]
    answerable = doc.get("type") in REQUESTS and not mine
    open_cases = (
        [c for c in list_cases(node.db, pg.principal) if c.status is not CaseStatus.CLOSED]
        if pg.principal.can(Permission.CASES)
        else []
    )
    return render(
        request, "partners/document.html", pg, status, doc=doc, fields=fields, facts=facts, marking=marking,
        hash=held["hash"], received_from=held["received_from"], mine=mine, sent=sent,
        circulation=circulation(node, document_id) if mine else None, late=late[0] if late else None,
        answerable=answerable, consents=[c for c in list_consents(node) if c["document_id"] == document_id],
        error=error or None, done=done or None, body=body, open_cases=open_cases,
    )  # fmt: skip


def build_router(_settings: Settings) -> APIRouter:
    router = APIRouter()

    @router.get("/partners/directory", response_class=HTMLResponse)
    def directory(request: Request, pg: Page = Depends(page), rt: Runtime = Depends(get_runtime)) -> Response:
        from tripline.exchange.views import partner_directory

        pg.require(Permission.EXCHANGE)
        node = own_node(rt, pg.principal)
        rows, known = partner_directory(node)
        for row in rows:
            row["agreements"] = [a.id for a in known if a.covers_pair(node.node_id, row["id"])]
            row["key"] = row["public_key"][:16]
        return render(request, "partners/directory.html", pg, partners=rows, node=node.node_id)

    @router.get("/partners/agreements", response_class=HTMLResponse)
    def agreement_list(request: Request, pg: Page = Depends(page), rt: Runtime = Depends(get_runtime)) -> Response:
        from tripline.exchange.views import agreement_list

        pg.require(Permission.EXCHANGE)
        node = own_node(rt, pg.principal)
        today = node.clock().date()
        views = [agreement_view(a, today) for a in agreement_list(node)]
        return render(request, "partners/agreements.html", pg, agreements=views, node=node.node_id)

    @router.get("/partners/documents", response_class=HTMLResponse)
    def document_list(request: Request, pg: Page = Depends(page), rt: Runtime = Depends(get_runtime)) -> Response:
        from tripline.exchange.views import documents

        pg.require(Permission.EXCHANGE)
        node = own_node(rt, pg.principal)
        return render(request, "partners/documents.html", pg, documents=documents(node), node=node.node_id)

    @router.get("/partners/documents/{document_id}", response_class=HTMLResponse)
    def document_page(
        request: Request,
        document_id: str = DocumentId,
        done: str = Query(default="", max_length=500),
        pg: Page = Depends(page),
        rt: Runtime = Depends(get_runtime),
    ) -> Response:
        pg.require(Permission.EXCHANGE)
        return document_response(request, pg, own_node(rt, pg.principal), document_id, done=done)

    @router.post("/partners/documents/{document_id}/response", response_class=HTMLResponse)
    def answer_request(
        request: Request,
        document_id: str = DocumentId,
        body: str = Form(default="", max_length=20000),
        pg: Page = Depends(page),
        rt: Runtime = Depends(get_runtime),
    ) -> Response:
        """Answer a partner's request: a signed response that references it, sent to the requester."""
        from tripline.exchange.respond import respond

        pg.require(Permission.EXCHANGE)
        node = own_node(rt, pg.principal)
        try:
            result = respond(node, document_id, body=body)
        except TriplineError as exc:  # the page stays, with the answer typed so far and the reason
            return document_response(request, pg, node, document_id, error=exc.message, body=body, status=422)
        outcome = result["outcomes"][0] if result["outcomes"] else {}
        said = f"Response sent to {outcome.get('partner', '?')}: {outcome.get('status', 'queued')}"
        target = f"/partners/documents/{document_id}?" + urlencode({"done": said})
        return RedirectResponse(target, status_code=303)

    return router
