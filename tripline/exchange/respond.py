"""Answer a partner's request (for information, for an inspection): a signed response document
that references the request, released to the requester under the same rules as any document."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from tripline.errors import ConflictError, InputError
from tripline.exchange.documents import REQUEST_TYPES, DocType
from tripline.exchange.store import load_document

if TYPE_CHECKING:
    from tripline.exchange.service import Node


def respond(node: Node, request_id: str, *, body: str, purpose: str | None = None) -> dict[str, Any]:
    """Draft the response (subject, purposes, legal basis and marking taken from the request), then
    send it to the requester: the release decision and delivery are :meth:`Node.send`'s."""
    if not body.strip():
        raise InputError("write the answer", field="body")
    with node.db.session() as session:
        request = load_document(session, request_id)
    if request.type not in REQUEST_TYPES:
        raise InputError(f"{request_id} is a {request.type.value}, not a request", field="document")
    if request.originator == node.node_id:
        raise ConflictError("this node made the request; the partner answers it", field="document")
    chosen = purpose or request.purposes[0].value
    if chosen not in {p.value for p in request.purposes}:
        raise InputError(f"purpose {chosen!r} is not one the request was made for", field="purpose")
    response = node.draft(
        {
            "type": DocType.RESPONSE.value,
            "subject": ("Re: " + request.subject)[:500],
            "body": body.strip(),
            "purposes": [chosen],
            "legal_basis": request.legal_basis,
            "classification": request.classification.value,
            "tlp": request.tlp.value,
            "references": [request.id],
        }
    )
    outcomes = node.send(response.id, purpose=chosen, to=[request.originator])
    return {"document": response.id, "outcomes": [o.to_dict() for o in outcomes]}
