"""`POST /exchange/v1/audit/consistency` over HTTP, probed as a partner and as a stranger would."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from fastapi.testclient import TestClient

from tests.api.harness import BASE_URL
from tests.exchange.conftest import Network, scan_fields
from tripline.api.app import create_app
from tripline.audit import log as audit
from tripline.audit import merkle
from tripline.signing import keys


def test_partner_gets_a_verifiable_proof_and_strangers_get_nothing(tmp_path: Path) -> None:
    net = Network(tmp_path)
    try:
        us, jp = net.add("us-cbp"), net.add("jp-customs")
        jp.send(jp.draft(scan_fields()).id, purpose="customs_enforcement", to=["us-cbp"])
        [kept] = audit.witnessed(us.db, "jp-customs")
        client = TestClient(create_app(jp.settings, jp.db), base_url=BASE_URL, raise_server_exceptions=False)
        asked = {
            "type": "consistency_request",
            "sender": "us-cbp",
            "recipient": "jp-customs",
            "first": kept["size"],
            "sent_at": datetime.now(UTC).isoformat(),
        }
        answer = client.post("/exchange/v1/audit/consistency", json=us.key.sign(asked))
        assert answer.status_code == 200, answer.text
        assert audit.verify_proof(jp.key.public_b64, answer.json(), kept) == []
        body = answer.json()
        assert merkle.verify_consistency(
            body["first"],
            body["second"],
            bytes.fromhex(body["first_root"]),
            bytes.fromhex(body["second_root"]),
            [bytes.fromhex(p) for p in body["proof"]],
        )
        stranger = keys.generate("us-cbp")
        refused = client.post("/exchange/v1/audit/consistency", json=stranger.sign(asked))
        assert refused.status_code == 401, refused.text
        assert "proof" not in refused.text
        too_big = client.post("/exchange/v1/audit/consistency", json=us.key.sign({**asked, "first": 10**6}))
        assert too_big.status_code == 400 and str(jp.settings.var_dir) not in too_big.text
    finally:
        net.close()
