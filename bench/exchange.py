"""Exchange benchmark: documents per second through decide + sign + deliver + receipt, and audit verification.

Run: ``.venv/bin/python bench/exchange.py [--quick]``. Everything happens under a temporary folder.

Part 1, two nodes (JP sends, US receives), each with its own SQLite database and key. Per document:
draft and sign (Ed25519), decide (agreements compiled to Cedar), queue, deliver, the receiver
re-checks signature and agreement and signs a receipt, the sender verifies the receipt; every step
is written to both audit logs. Rows:

- ``sign + verify only`` (baseline): Ed25519 over the canonical JSON of the same document, no storage;
- ``in-process``: the full path with the receiving node called directly (no HTTP);
- ``HTTP loopback``: the full path with the receiving node served by uvicorn on 127.0.0.1.

Part 2, audit-log verification of N entries (a million; ``--quick``: 100,000) held in memory:
``sha256 only`` (baseline: hashing the same canonical bytes, the floor), ``verify chain`` (the
real check, which also walks links and sequence numbers), and ``verify from SQLite`` on a
smaller table read through SQLAlchemy (``--db-entries``). Wall clock and process CPU time are
both printed (CPU stays meaningful on a machine shared with other work).
"""

from __future__ import annotations

import argparse
import hashlib
import socket
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import uvicorn

from tripline.api.node import create_node_app
from tripline.audit import log as audit
from tripline.audit.chain import GENESIS, Entry, link, verify_entries
from tripline.audit.models import AuditEntry
from tripline.exchange.agreements import EXAMPLES_DIR
from tripline.exchange.delivery import HttpTransport, LocalTransport
from tripline.exchange.documents import parse_document, sign_document
from tripline.exchange.inbound import receive
from tripline.exchange.service import Node, init_node
from tripline.settings import Settings
from tripline.signing import keys
from tripline.signing.canonical import canonical_bytes
from tripline.store.db import Database

SCAN = {
    "type": "scan_result",
    "subject": "Yokohama: radiation portal alarm on a transshipped container",
    "body": "Secondary inspection with a handheld spectrometer; alarm explained by NORM in ceramic tiles.",
    "purposes": ["customs_enforcement"],
    "legal_basis": "Japan-US CMAA Art. 4(3)(b); Japan Customs Law Art. 108-2",
    "facts": {"port": "JPYOK", "container": "MSCU1234565"},
}
# an agreement without a reciprocity limit, so that thousands of one-way releases stay allowed
BENCH_AGREEMENT = (EXAMPLES_DIR / "jp-us-third-country-cargo.yaml").read_text()


def timed(fn: Callable[[], Any]) -> tuple[float, float, Any]:
    wall, cpu = time.perf_counter(), time.process_time()
    out = fn()
    return time.perf_counter() - wall, time.process_time() - cpu, out


def make_node(base: Path, node_id: str, country: str, endpoint: str) -> Node:
    settings = Settings(var_dir=base / node_id, database_url=None)
    db = Database.from_settings(settings)
    db.upgrade()
    init_node(settings, db, node_id=node_id, name=node_id, country=country, endpoint=endpoint, groups=[])
    node = Node(settings=settings, db=db)
    path = base / f"{node_id}-agreement.yaml"
    path.write_text(BENCH_AGREEMENT)
    node.add_agreement(path)
    return node


def pair(base: Path, us_endpoint: str) -> tuple[Node, Node]:
    jp = make_node(base, "jp-customs", "JP", "http://127.0.0.1:1")
    us = make_node(base, "us-cbp", "US", us_endpoint)
    jp.add_partner(
        partner_id="us-cbp", name="us", country="US", public_key=us.key.public_b64, endpoint=us_endpoint, groups=[]
    )
    us.add_partner(
        partner_id="jp-customs",
        name="jp",
        country="JP",
        public_key=jp.key.public_b64,
        endpoint="http://127.0.0.1:1",
        groups=[],
    )
    return jp, us


def run_documents(jp: Node, n: int) -> int:
    delivered = 0
    for _ in range(n):
        doc = jp.draft(SCAN)
        [outcome] = jp.send(doc.id, purpose="customs_enforcement", to=["us-cbp"])
        delivered += outcome.status == "delivered"
    return delivered


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def bench_documents(n: int) -> list[tuple[str, int, float, float]]:
    rows = []
    key = keys.generate("jp-customs")
    doc = sign_document(
        parse_document({**SCAN, "id": "x", "originator": "jp-customs", "created_at": "2026-11-25T09:00:00Z"}), key
    )

    def sign_verify() -> None:
        for _ in range(n):
            signed = key.sign(doc.unsigned_payload())
            keys.verify(key.public_b64, signed, what="doc")

    wall, cpu, _ = timed(sign_verify)
    rows.append(("sign + verify only (baseline)", n, wall, cpu))

    with tempfile.TemporaryDirectory() as tmp:
        transport = LocalTransport()
        jp, us = pair(Path(tmp), "local://us")
        jp.transport = transport
        transport.handlers["local://us"] = lambda env: receive(us, env)
        wall, cpu, ok = timed(lambda: run_documents(jp, n))
        assert ok == n, f"only {ok} of {n} delivered"
        rows.append(("decide+sign+deliver+receipt, in-process", n, wall, cpu))

    with tempfile.TemporaryDirectory() as tmp:
        port = free_port()
        jp, us = pair(Path(tmp), f"http://127.0.0.1:{port}")
        app = create_node_app(us.settings, us.db)  # serves the node built above (same settings and database)
        server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
        thread = threading.Thread(target=server.run, daemon=True)
        thread.start()
        while not server.started:
            time.sleep(0.05)
        jp.transport = HttpTransport(timeout=30)
        try:
            wall, cpu, ok = timed(lambda: run_documents(jp, n))
        finally:
            server.should_exit = True
            thread.join(timeout=10)
        assert ok == n, f"only {ok} of {n} delivered"
        rows.append(("decide+sign+deliver+receipt, HTTP loopback", n, wall, cpu))
    return rows


def build_chain(n: int) -> list[Entry]:
    out = []
    prev = GENESIS
    for seq in range(1, n + 1):
        content = {
            "ts": "2026-11-25T09:00:00.000000Z",
            "kind": "release.allowed",
            "actor": "jp-customs",
            "subject": f"jp-customs:{seq:032x}",
            "detail": {"partner": "us-cbp", "purpose": "customs_enforcement"},
        }
        entry_hash = link(prev, content)
        out.append(Entry(seq=seq, prev_hash=prev, entry_hash=entry_hash, **content))  # type: ignore[arg-type]
        prev = entry_hash
    return out


def bench_audit(n: int, db_entries: int) -> list[tuple[str, int, float, float]]:
    rows = []
    entries = build_chain(n)

    def sha_only() -> None:
        for e in entries:
            hashlib.sha256(bytes.fromhex(e.prev_hash) + canonical_bytes(e.content())).hexdigest()

    wall, cpu, _ = timed(sha_only)
    rows.append(("sha256 of each entry only (baseline)", n, wall, cpu))
    wall, cpu, (report, _) = timed(lambda: verify_entries(lambda: iter(entries)))
    assert report.ok and report.entries == n
    rows.append(("verify chain (in memory)", n, wall, cpu))

    with tempfile.TemporaryDirectory() as tmp:
        settings = Settings(var_dir=Path(tmp), database_url=None)
        db = Database.from_settings(settings)
        db.upgrade()
        key = keys.generate("jp-customs")
        with db.transaction() as session:
            session.bulk_insert_mappings(
                AuditEntry,
                [  # type: ignore[arg-type]
                    {
                        "seq": e.seq,
                        "ts": e.ts,
                        "kind": e.kind,
                        "actor": e.actor,
                        "subject": e.subject,
                        "detail": e.detail,
                        "prev_hash": e.prev_hash,
                        "entry_hash": e.entry_hash,
                    }
                    for e in entries[: db_entries - 1]
                ],
            )
        with db.transaction() as session:  # the last one through the real append: it signs the head
            audit.append(session, key, kind="release.allowed", subject="last", detail={})
        wall, cpu, report = timed(lambda: audit.verify(db, key.public_b64))
        assert report.ok, report.to_dict()
        rows.append(("verify from SQLite (+ signed head)", db_entries, wall, cpu))
        db.dispose()
    return rows


def print_table(title: str, rows: list[tuple[str, int, float, float]], unit: str) -> None:
    print(f"\n{title}")
    print(f"{'path':46} {'n':>9} {'wall s':>8} {'cpu s':>8} {unit + '/s wall':>14} {unit + '/s cpu':>13}")
    for name, n, wall, cpu in rows:
        print(f"{name:46} {n:>9} {wall:>8.2f} {cpu:>8.2f} {n / wall:>14,.0f} {n / max(cpu, 1e-9):>13,.0f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="200 documents, 100,000 audit entries")
    parser.add_argument("--documents", type=int, default=None)
    parser.add_argument("--entries", type=int, default=None)
    parser.add_argument("--db-entries", type=int, default=None)
    args = parser.parse_args()
    documents = args.documents or (200 if args.quick else 1000)
    entries = args.entries or (100_000 if args.quick else 1_000_000)
    db_entries = min(args.db_entries or (20_000 if args.quick else 200_000), entries)
    print_table("documents between two nodes", bench_documents(documents), "doc")
    print_table("audit log verification", bench_audit(entries, db_entries), "entry")


if __name__ == "__main__":
    main()
