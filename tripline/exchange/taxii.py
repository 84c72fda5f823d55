"""A read-only TAXII 2.1 server: each partner sees exactly the documents released to it, as STIX 2.1.

Partners authenticate with HTTP Basic (user = partner id, password = the token issued by
``tripline exchange partner token``). A document is served if it was delivered to that partner
and the decision function still allows it (an expired agreement stops serving it).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
import uuid
from datetime import datetime
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse
from sqlalchemy import select

from tripline.audit import log as audit
from tripline.errors import AuthError, InputError
from tripline.exchange.models import ExchangeMessage, ExchangePartner
from tripline.exchange.policy import ReleaseRequest
from tripline.exchange.service import Node
from tripline.exchange.stix import NAMESPACE, document_objects, tlp_marking
from tripline.exchange.store import as_utc, get_partner, load_document, self_row
from tripline.settings import Settings

TAXII = "application/taxii+json;version=2.1"
STIX = "application/stix+json;version=2.1"
API_ROOT = "/taxii2/api/"
DEFAULT_LIMIT = 100


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def issue_token(node: Node, partner_id: str) -> str:
    """A new random TAXII token for a partner (only its hash is kept)."""
    token = secrets.token_urlsafe(32)
    with node.db.transaction() as session:
        row = get_partner(session, partner_id)
        row.token_hash = hash_token(token)
        audit.append(session, node.key, kind="taxii.token", subject=partner_id, detail={})
    return token


def collection_id(node_id: str) -> str:
    return str(uuid.uuid5(NAMESPACE, f"collection:{node_id}:released"))


def _authenticate(node: Node, request: Request) -> ExchangePartner:
    header = request.headers.get("authorization", "")
    if not header.lower().startswith("basic "):
        raise AuthError("TAXII needs HTTP Basic credentials: partner id and token")
    try:
        user, _, password = base64.b64decode(header[6:]).decode("utf-8").partition(":")
    except (ValueError, UnicodeDecodeError) as exc:
        raise AuthError("malformed Basic credentials") from exc
    with node.db.session() as session:
        row = session.get(ExchangePartner, user)
        if row is None or row.is_self or row.token_hash is None:
            raise AuthError("unknown partner or no token issued")
        if not hmac.compare_digest(row.token_hash, hash_token(password)):
            raise AuthError("wrong token")
        session.expunge(row)
        return row


def visible_objects(node: Node, partner: ExchangePartner) -> list[tuple[datetime, dict[str, Any]]]:
    """(date added, STIX object) for everything this partner may see, oldest first."""
    out: list[tuple[datetime, dict[str, Any]]] = []
    seen: set[str] = set()
    with node.db.session() as session:
        me = self_row(session)
        engine = node.engine(session)
        rows = session.execute(
            select(ExchangeMessage)
            .where(
                ExchangeMessage.direction == "out",
                ExchangeMessage.kind == "document",
                ExchangeMessage.partner_id == partner.id,
                ExchangeMessage.status == "delivered",
            )
            .order_by(ExchangeMessage.updated_at, ExchangeMessage.id)
        ).scalars()
        for msg in list(rows):
            doc = load_document(session, msg.ref)
            decision = engine.decide(
                ReleaseRequest(
                    document=doc,
                    holder=node.node_id,
                    recipient=partner.id,
                    purpose=msg.purpose,
                    today=node.clock().date(),
                    consent=doc.originator != node.node_id,
                    enforce_reciprocity=False,
                )
            )
            if not decision.allowed:
                continue
            originator = session.get(ExchangePartner, doc.originator)
            added = as_utc(msg.updated_at)
            objects = [
                tlp_marking(doc.tlp),
                *document_objects(
                    doc,
                    originator_name=originator.name if originator else doc.originator,
                    originator_country=originator.country if originator else (me.country if me else "XX"),
                    recipient=partner.id,
                    recipient_country=partner.country,
                ),
            ]
            for obj in objects:
                if obj["id"] not in seen:
                    seen.add(obj["id"])
                    out.append((added, obj))
    return out


def _parse_added_after(value: str | None) -> datetime | None:
    if not value:
        return None
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError as exc:
        raise InputError("not an RFC 3339 timestamp", field="added_after") from exc
    if parsed.tzinfo is None:
        raise InputError("an RFC 3339 timestamp needs a time zone (Z or +HH:MM)", field="added_after")
    return parsed


def _taxii_time(value: datetime) -> str:
    return value.strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def _page(
    node: Node, partner: ExchangePartner, request: Request
) -> tuple[list[tuple[datetime, dict[str, Any]]], bool, str | None]:
    after = _parse_added_after(request.query_params.get("added_after"))
    try:
        limit = min(int(request.query_params.get("limit", DEFAULT_LIMIT)), 1000)
        offset = int(request.query_params.get("next", "0"))
    except ValueError as exc:
        raise InputError("limit and next must be integers", field="limit") from exc
    items = [(t, o) for t, o in visible_objects(node, partner) if after is None or t > after]
    kind = request.query_params.get("match[type]")
    if kind:
        items = [(t, o) for t, o in items if o["type"] in kind.split(",")]
    page = items[offset : offset + max(limit, 1)]
    more = offset + len(page) < len(items)
    return page, more, str(offset + len(page)) if more else None


def _reply(body: dict[str, Any], page: list[tuple[datetime, dict[str, Any]]] | None = None) -> JSONResponse:
    headers = {}
    if page:
        headers["X-TAXII-Date-Added-First"] = _taxii_time(page[0][0])
        headers["X-TAXII-Date-Added-Last"] = _taxii_time(page[-1][0])
    return JSONResponse(body, media_type=TAXII, headers=headers)


def build_taxii_router(settings: Settings) -> APIRouter:
    """The TAXII 2.1 routes over the app's runtime's node (``request.app.state.runtime``)."""
    router = APIRouter(prefix="/taxii2", tags=["taxii"])

    def guarded(request: Request) -> tuple[Node, ExchangePartner] | JSONResponse:
        node: Node = request.app.state.runtime.node()
        try:
            return node, _authenticate(node, request)
        except AuthError as exc:
            return JSONResponse(
                {"title": "Unauthorized", "description": exc.reason, "http_status": "401"},
                status_code=401,
                media_type=TAXII,
                headers={"WWW-Authenticate": 'Basic realm="tripline-taxii"'},
            )

    def not_found(what: str) -> JSONResponse:
        return JSONResponse(
            {"title": "Not found", "description": what, "http_status": "404"}, status_code=404, media_type=TAXII
        )

    @router.get("/")
    def discovery(request: Request) -> JSONResponse:
        got = guarded(request)
        if isinstance(got, JSONResponse):
            return got
        node, _ = got
        root = str(request.base_url).rstrip("/") + API_ROOT
        return _reply({"title": f"Tripline exchange node {node.node_id}", "default": root, "api_roots": [root]})

    @router.get("/api/")
    def api_root(request: Request) -> JSONResponse:
        got = guarded(request)
        if isinstance(got, JSONResponse):
            return got
        return _reply({"title": "Documents released to you", "versions": [TAXII], "max_content_length": 10485760})

    def collection(node: Node) -> dict[str, Any]:
        return {
            "id": collection_id(node.node_id),
            "title": f"Documents {node.node_id} released to you",
            "description": "Read-only: exactly what the sharing agreements let this node release to you.",
            "can_read": True,
            "can_write": False,
            "media_types": [STIX],
        }

    @router.get("/api/collections/")
    def collections(request: Request) -> JSONResponse:
        got = guarded(request)
        if isinstance(got, JSONResponse):
            return got
        return _reply({"collections": [collection(got[0])]})

    @router.get("/api/collections/{cid}/")
    def one_collection(cid: str, request: Request) -> JSONResponse:
        got = guarded(request)
        if isinstance(got, JSONResponse):
            return got
        if cid != collection_id(got[0].node_id):
            return not_found(f"no collection {cid}")
        return _reply(collection(got[0]))

    def collection_page(
        cid: str, request: Request
    ) -> JSONResponse | tuple[list[tuple[datetime, dict[str, Any]]], bool, str | None]:
        """Authenticate, check the collection and read one page, or the TAXII error to answer."""
        got = guarded(request)
        if isinstance(got, JSONResponse):
            return got
        node, partner = got
        if cid != collection_id(node.node_id):
            return not_found(f"no collection {cid}")
        try:
            return _page(node, partner, request)
        except InputError as exc:
            return JSONResponse(
                {"title": "Bad request", "description": exc.message, "http_status": "400"},
                status_code=400,
                media_type=TAXII,
            )

    @router.get("/api/collections/{cid}/objects/")
    def objects(cid: str, request: Request) -> JSONResponse:
        got = collection_page(cid, request)
        if isinstance(got, JSONResponse):
            return got
        page, more, nxt = got
        body: dict[str, Any] = {"more": more, "objects": [o for _, o in page]}
        if nxt:
            body["next"] = nxt
        return _reply(body, page)

    @router.get("/api/collections/{cid}/manifest/")
    def manifest(cid: str, request: Request) -> JSONResponse:
        got = collection_page(cid, request)
        if isinstance(got, JSONResponse):
            return got
        page, more, nxt = got
        rows = [
            {
                "id": o["id"],
                "date_added": _taxii_time(t),
                "version": o.get("modified", o["created"]),
                "media_type": STIX,
            }
            for t, o in page
        ]
        body: dict[str, Any] = {"more": more, "objects": rows}
        if nxt:
            body["next"] = nxt
        return _reply(body, page)

    return router
