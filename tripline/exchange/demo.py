"""Demo situations for the exchange, built with the exchange library, so a fresh node shows the
console's exchange page at work: a partner's consent request awaiting us, a release decision
with its reasons in the outbox (one allowed, one denied), and an overdue request.

Partners ``us-cbp`` and ``fr-douane`` are simulated: each is a real exchange node with its own
key and database under ``VAR_DIR/demo-partners/``, reached in-process (``LocalTransport``).
Facts follow seed cable 001 (Megaports, Yokohama; Japan Customs Law Art. 108-2); the numbers
are illustrative. Idempotent: run once per node (a marker file records it).
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import structlog

from tripline.settings import Settings
from tripline.store.db import Database

log = structlog.get_logger(__name__)

HOME = ("jp-customs", "Japan Customs", "JP")
PARTNERS = {"us-cbp": ("US Customs and Border Protection", "US"), "fr-douane": ("French customs (DGDDI)", "FR")}
AGREEMENTS = ("jp-us-cmaa.yaml", "mtcr-poc.yaml")


def _scan_result(container: str) -> dict[str, Any]:
    return {
        "type": "scan_result",
        "subject": "Yokohama: radiation portal alarm on a transshipped container",
        "body": "Secondary inspection with a handheld spectrometer after a portal alarm on a container "
        "transshipped at Yokohama (Megaports); spectrum attached to the case file.",
        "purposes": ["customs_enforcement"],
        "legal_basis": "Japan-US CMAA Art. 4(3)(b); Japan Customs Law Art. 108-2",
        "classification": "restricted",
        "tlp": "amber",
        "facts": {"port": "JPYOK", "container": container, "consignee": "Example Trading Co."},
    }


def load_exchange_situations(settings: Settings, db: Database) -> str:
    """Create the situations once; returns what was done."""
    from tripline.exchange.agreements import EXAMPLES_DIR
    from tripline.exchange.consent import request_consent
    from tripline.exchange.delivery import LocalTransport
    from tripline.exchange.inbound import receive
    from tripline.exchange.service import Node, init_node
    from tripline.exchange.store import self_row

    marker = settings.var_dir / "demo-partners" / "situations.done"
    if marker.exists():
        return "already loaded"
    with db.transaction() as session:
        me = self_row(session)
    transport = LocalTransport()
    if me is None:
        init_node(settings, db, node_id=HOME[0], name=HOME[1], country=HOME[2], endpoint=f"local://{HOME[0]}",
                  groups=["mtcr"])  # fmt: skip
    home = Node(settings=settings, db=db, transport=transport)
    nodes: dict[str, Node] = {home.node_id: home}
    for pid, (name, country) in PARTNERS.items():
        psettings = Settings(
            var_dir=settings.var_dir / "demo-partners" / pid, database_url=None, data_dir=settings.data_dir
        )
        pdb = Database.from_settings(psettings)
        pdb.upgrade()
        init_node(psettings, pdb, node_id=pid, name=name, country=country, endpoint=f"local://{pid}", groups=["mtcr"])
        nodes[pid] = Node(settings=psettings, db=pdb, transport=transport)
    for node in nodes.values():
        transport.handlers[f"local://{node.node_id}"] = _handler(node, receive)
        for file in AGREEMENTS:
            node.add_agreement(EXAMPLES_DIR / file)
    registry = {**PARTNERS, home.node_id: (HOME[1], HOME[2])}
    for node in nodes.values():
        for other in nodes.values():
            if other is node:
                continue
            name, country = registry[other.node_id]
            node.add_partner(
                partner_id=other.node_id, name=name, country=country, public_key=other.key.public_b64,
                endpoint=f"local://{other.node_id}", groups=["mtcr"],
            )  # fmt: skip
    us, fr = nodes["us-cbp"], nodes["fr-douane"]
    # 1. we share a scan result with US CBP (allowed by the CMAA) and try France (no agreement covers it)
    doc = home.draft(_scan_result("MSCU1234565"))
    home.send(doc.id, purpose="customs_enforcement", to=["us-cbp"])
    home.send(doc.id, purpose="customs_enforcement", to=["fr-douane"])
    # 2. US CBP asks our consent to pass it on to France: it waits in our console
    request_consent(us, doc.id, third_party="fr-douane", purpose="customs_enforcement",
                    justification="French customs hold the onward shipment's consignee on file")  # fmt: skip
    # 3. US CBP asked us for information with a deadline that has passed
    rfi = us.draft(
        {
            "type": "request_for_information",
            "subject": "End user of flow-forming machine 3GFF-700 (LIMMT)",
            "body": "Please share what Japan Customs holds on the consignee of the 3GFF-700 shipment.",
            "purposes": ["customs_enforcement"],
            "legal_basis": "Japan-US CMAA Art. 4",
            "classification": "restricted",
            "tlp": "amber",
            "deadline": (us.clock() - timedelta(days=3)).replace(microsecond=0).isoformat().replace("+00:00", "Z"),
            "facts": {"goods": "flow-forming machine 3GFF-700", "supplier": "LIMMT Economic and Trade Co."},
        }
    )
    us.send(rfi.id, purpose="customs_enforcement", to=[home.node_id])
    del fr
    for node in nodes.values():
        if node is not home:
            node.db.dispose()
    marker.parent.mkdir(parents=True, exist_ok=True)
    marker.write_text("done\n", encoding="utf-8")
    log.info("exchange situations loaded", node=home.node_id)
    return f"node {home.node_id}: 1 consent request awaiting, 2 release decisions, 1 overdue request"


def _handler(node: Any, receive: Any) -> Any:
    def handle(envelope: dict[str, Any]) -> Any:
        return receive(node, envelope)

    return handle
