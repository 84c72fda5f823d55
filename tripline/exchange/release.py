"""Entry points for the other capabilities and the console.

``release_scan_result`` lets the radiation or cargo side send a scan result to a partner
through the decision function; ``overview`` gives the console the boxes, consents and deadlines.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from tripline.exchange import views
from tripline.exchange.delivery import Transport
from tripline.exchange.documents import Attachment, Classification, DocType, Tlp
from tripline.exchange.service import Node
from tripline.settings import Settings
from tripline.store.db import Database


def release_scan_result(
    settings: Settings,
    db: Database,
    *,
    partner: str,
    purpose: str,
    subject: str,
    body: str,
    legal_basis: str,
    facts: dict[str, str | int | bool] | None = None,
    attachments: Sequence[tuple[str, bytes, str]] = (),
    references: list[str] | None = None,
    classification: Classification = Classification.RESTRICTED,
    tlp: Tlp = Tlp.AMBER,
    transport: Transport | None = None,
) -> dict[str, Any]:
    """Draft, sign and send a scan result to one partner for one purpose.

    Returns ``{"document": id, "hash": ..., "outcome": {...decision, status, receipt}}``; a refused
    release is an outcome with ``status == "denied"`` and its reasons, not an exception.
    """
    node = Node(settings=settings, db=db, transport=transport)
    doc = node.draft(
        {
            "type": DocType.SCAN_RESULT.value,
            "subject": subject,
            "body": body,
            "purposes": [purpose],
            "legal_basis": legal_basis,
            "classification": classification.value,
            "tlp": tlp.value,
            "facts": facts or {},
            "references": references or [],
            "attachments": [Attachment.from_bytes(n, data, m).model_dump(mode="json") for n, data, m in attachments],
        }
    )
    [outcome] = node.send(doc.id, purpose=purpose, to=[partner])
    return {"document": doc.id, "hash": doc.hash, "outcome": outcome.to_dict()}


def overview(settings: Settings, db: Database) -> dict[str, Any]:
    """Inbox, outbox, consents and overdue documents of this node, for the console."""
    return views.dashboard(Node(settings=settings, db=db))
