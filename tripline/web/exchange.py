"""Console page of the exchange: inbox/outbox with release decisions and reasons, consents, deadlines."""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Form, Path, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from tripline.auth.roles import Permission
from tripline.errors import InputError, TriplineError
from tripline.http.deps import get_runtime, own_node
from tripline.runtime import Runtime
from tripline.settings import Settings
from tripline.web.render import Page, page, render


def _flat(value: Any) -> str:
    if isinstance(value, dict | list):
        return json.dumps(value, ensure_ascii=False, sort_keys=True)
    return str(value)


def consent_document(node: Any, document_id: str) -> dict[str, Any]:
    """The document a consent request is about, as the officer reads it, and the fields that may be withheld."""
    from tripline.exchange.documents import WITHHOLDABLE
    from tripline.exchange.views import read

    doc = read(node, document_id)["document"]
    fields = [(k, _flat(v)) for k, v in doc.items() if k not in ("facts", "signature")]
    facts = [(f"facts.{k}", _flat(v)) for k, v in sorted((doc.get("facts") or {}).items())]
    choices = [name for name, _ in fields if name in WITHHOLDABLE] + [name for name, _ in facts]
    return {"fields": fields + facts, "choices": choices, "marking": doc.get("marking") or doc.get("classification")}


def release_preview(node: Any, document_id: str, withhold: list[str]) -> list[tuple[str, str, bool]]:
    """(field, value, released) for every field of the document, from the very redaction the answer signs."""
    from tripline.exchange.documents import check_withholdable, redact
    from tripline.exchange.views import document

    doc = document(node, document_id)
    try:
        check_withholdable(doc, withhold)
    except TriplineError as exc:
        raise InputError(exc.message, field="withhold") from exc
    released = redact(doc, tuple(withhold))
    gone = set(released.get("withheld") or [])  # what the signed release names as withheld
    kept_facts = released.get("facts") or {}
    rows: list[tuple[str, str, bool]] = []
    for key, value in doc.unsigned_payload().items():
        if key == "facts":
            rows += [
                (f"facts.{k}", _flat(kept_facts.get(k, v)), f"facts.{k}" not in gone and k in kept_facts)
                for k, v in sorted((value or {}).items())
            ]
        elif key != "withheld":
            rows.append((key, _flat(released.get(key, "")), key not in gone))
    if "withheld" in released:  # the release names what was withheld: the recipient reads that list too
        rows.append(("withheld", _flat(released["withheld"]), True))
    return rows


DELIVERY_WORDS = (
    (
        "UnsupportedProtocol",
        "the partner's address is not a web address this node can send to; check the partner's URL",
    ),
    ("ConnectError", "the partner's server could not be reached; the message will be retried"),
    ("ConnectTimeout", "the partner's server did not answer in time; the message will be retried"),
    ("ReadTimeout", "the partner's server took too long to answer; the message will be retried"),
    ("401", "the partner refused our credentials"),
    ("403", "the partner refused the message (not allowed under the agreement)"),
    ("404", "the partner's exchange endpoint was not found at its address"),
    ("409", "the partner already holds a different version of this document"),
    ("413", "the message is larger than the partner accepts"),
    ("5", "the partner's server failed; the message will be retried"),
)


def delivery_error_words(error: str | None) -> str | None:
    """A delivery error as an officer reads it (the raw text stays available beside it)."""
    if not error:
        return None
    for needle, words in DELIVERY_WORDS:
        if needle == "5":
            if any(f"{code}" in error for code in ("500", "502", "503", "504")):
                return words
        elif needle in error:
            return words
    return "delivery failed: " + error.split("\n", 1)[0][:200]


def build_router(_settings: Settings) -> APIRouter:
    router = APIRouter()

    @router.get("/partners", response_class=HTMLResponse)
    def exchange_page(
        request: Request,
        error: str = Query(default="", max_length=500),
        pg: Page = Depends(page),
        rt: Runtime = Depends(get_runtime),
    ) -> Response:
        from tripline.audit.log import entries
        from tripline.exchange.views import dashboard

        pg.require(Permission.EXCHANGE)
        node = own_node(rt, pg.principal)
        board = dashboard(node)
        awaited = [c for c in board["consents"] if c["direction"] == "in" and c["status"] == "pending"]
        asked = [c for c in board["consents"] if c["direction"] == "out"]
        decisions = entries(node.db, kind="release.allowed", limit=50) + entries(
            node.db, kind="release.denied", limit=50
        )
        decisions.sort(key=lambda e: e["seq"], reverse=True)
        documents = {c["document_id"]: consent_document(node, c["document_id"]) for c in awaited}
        previews = {c["id"]: release_preview(node, c["document_id"], []) for c in awaited}
        for box_rows in (board["outbox"], board["inbox"]):
            for m in box_rows:
                m["error_words"] = delivery_error_words(m.get("last_error"))
        return render(
            request, "exchange.html", pg, board=board, awaited=awaited, asked=asked, decisions=decisions,
            documents=documents, previews=previews, error=error or None,
        )  # fmt: skip

    @router.get("/partners/consents/{consent_id}/preview", response_class=HTMLResponse)
    def preview(
        request: Request,
        consent_id: str = Path(max_length=100),
        withhold: list[str] = Query(default=[]),
        pg: Page = Depends(page),
        rt: Runtime = Depends(get_runtime),
    ) -> Response:
        """Exactly what the partner will receive with these fields withheld (the redaction the answer signs)."""
        from tripline.exchange.consent import consent_status

        pg.require(Permission.EXCHANGE)
        node = own_node(rt, pg.principal)
        consent = consent_status(node, consent_id)
        return render(
            request, "consent_preview.html", pg, rows=release_preview(node, consent["document_id"], withhold[:50]),
            consent_id=consent_id,
        )  # fmt: skip

    @router.post("/partners/consents/{consent_id}")
    def answer(
        consent_id: str = Path(max_length=100),
        decision: str = Form(pattern="^(grant|refuse)$"),
        withhold: list[str] = Form(default=[]),
        note: str = Form(default="", max_length=2000),
        pg: Page = Depends(page),
        rt: Runtime = Depends(get_runtime),
    ) -> Response:
        from tripline.exchange.consent import answer_consent

        pg.require(Permission.EXCHANGE)
        fields = [f.strip() for f in withhold[:50] if f.strip()]
        try:
            answer_consent(
                own_node(rt, pg.principal), consent_id, grant=decision == "grant", withhold=fields, note=note.strip()
            )
        except InputError as exc:  # keep the page (and say why); nothing was answered
            return RedirectResponse("/partners?" + urlencode({"error": exc.message}) + "#consents", status_code=303)
        return RedirectResponse("/partners#consents", status_code=303)

    return router
