"""Screening routes, including yente's /match/{dataset} shape, against a real OFAC SDN slice."""

from __future__ import annotations

from tests.api.harness import Node

# A request body as yente documents it (FollowTheMoney query entities keyed by a client id).
YENTE_BODY = {
    "queries": {
        "q1": {
            "schema": "Person",
            "properties": {"name": ["Rahim Ahmadi"], "birthDate": ["1956-09-07"], "nationality": ["ir"]},
        },
        "q2": {"schema": "Company", "properties": {"name": ["LIMMT Economic and Trade Co"], "jurisdiction": ["cn"]}},
        "q3": {"schema": "Company", "properties": {"name": "Harmless Bakery of Osaka"}},
    }
}


def test_yente_match_shape(node: Node) -> None:
    answer = node.client("ana").post("/match/default", json=YENTE_BODY, params={"limit": 3})
    assert answer.status_code == 200, answer.text
    body = answer.json()
    assert set(body) == {"responses", "matcher", "limit"} and body["limit"] == 3
    assert set(body["responses"]) == {"q1", "q2", "q3"}
    for key, response in body["responses"].items():
        assert response["status"] == 200
        assert response["query"]["schema"] == YENTE_BODY["queries"][key]["schema"]
        assert response["total"]["relation"] == "eq" and response["total"]["value"] >= len(response["results"])
        for result in response["results"]:
            assert {"id", "caption", "schema", "properties", "datasets", "score", "features", "match"} <= set(result)
            assert result["datasets"] == ["us_ofac_sdn"]
    person = body["responses"]["q1"]["results"][0]
    assert person["caption"].upper().startswith("AHMADI") and person["match"] is True
    assert "1956-09-07" in person["properties"].get("birthDate", [])
    company = body["responses"]["q2"]["results"][0]
    assert "LIMMT" in company["caption"] and company["match"] is True
    assert any("LIMMT" in e for e in company["explanation"])
    assert body["responses"]["q3"]["results"] == [] or not body["responses"]["q3"]["results"][0]["match"]


def test_yente_client_auth_scheme_and_dataset(node: Node) -> None:
    client = node.client()
    headers = {"Authorization": f"ApiKey {node.tokens['ana']}"}
    ok = client.post("/match/us_ofac_sdn", json=YENTE_BODY, headers=headers)
    assert ok.status_code == 200
    missing = client.post("/match/nope", json=YENTE_BODY, headers=headers)
    assert missing.status_code == 404 and missing.json()["field"] == "dataset"
    nameless = client.post(
        "/match/default", json={"queries": {"x": {"schema": "Person", "properties": {}}}}, headers=headers
    )
    assert nameless.status_code == 400 and nameless.json()["field"] == "queries.x.properties.name"
    badschema = client.post(
        "/match/default", json={"queries": {"x": {"schema": "Unicorn", "properties": {"name": "a"}}}}, headers=headers
    )
    assert badschema.status_code == 400 and badschema.json()["field"] == "queries.x.schema"


def test_exchange_officer_may_not_screen(node: Node) -> None:
    assert node.client("eve").post("/api/screen", json={"name": "LIMMT"}).status_code == 403


def test_screen_decide_and_scope_of_decisions(node: Node) -> None:
    ana = node.client("ana")
    first = ana.post("/api/screen", json={"name": "LIMMT", "schema": "Company"}, params={"threshold": 0.5})
    assert first.status_code == 200
    top = first.json()["matches"][0]
    assert "LIMMT" in top["caption"] and top["list"] == "us_ofac_sdn" and top["explanation"]
    decided = ana.post(
        "/api/screen/decisions",
        json={"query_name": "LIMMT", "entity_id": top["entity_id"], "verdict": "confirmed", "reason": "same firm"},
    )
    assert decided.status_code == 201 and decided.json()["decided_by"] == "ana@JP-CUSTOMS"
    again = ana.post("/api/screen", json={"name": "LIMMT", "schema": "Company"}, params={"threshold": 0.5}).json()[
        "matches"
    ][0]
    assert again["decision"]["verdict"] == "confirmed"
    # another authority screens the same name: the match, but not JP-CUSTOMS's decision
    other = (
        node.client("bob")
        .post("/api/screen", json={"name": "LIMMT", "schema": "Company"}, params={"threshold": 0.5})
        .json()["matches"][0]
    )
    assert other["entity_id"] == top["entity_id"] and other["decision"] is None
    unknown = ana.post(
        "/api/screen/decisions", json={"query_name": "x", "entity_id": "nope", "verdict": "confirmed", "reason": "r"}
    )
    assert unknown.status_code == 400 and unknown.json()["field"] == "entity_id"


def test_another_authority_cannot_erase_a_decision(node: Node) -> None:
    """Issue 18 item 3 (failed before): A confirms a hit, B marks the same pair a false positive,
    and A's next screening still shows A's confirmation (B sees its own false positive)."""
    body, params = {"name": "SBIG", "schema": "Company"}, {"threshold": 0.5}
    ana, bob = node.client("ana"), node.client("bob")
    top = ana.post("/api/screen", json=body, params=params).json()["matches"][0]
    pair = {"query_name": "SBIG", "entity_id": top["entity_id"]}
    assert ana.post("/api/screen/decisions", json={**pair, "verdict": "confirmed", "reason": "same"}).status_code == 201
    assert (
        bob.post("/api/screen/decisions", json={**pair, "verdict": "false_positive", "reason": "no"}).status_code == 201
    )
    mine = ana.post("/api/screen", json=body, params=params).json()["matches"][0]
    theirs = bob.post("/api/screen", json=body, params=params).json()["matches"][0]
    assert mine["decision"]["verdict"] == "confirmed" and mine["decision"]["decided_by"] == "ana@JP-CUSTOMS"
    assert theirs["decision"]["verdict"] == "false_positive"


def test_batch_and_compare(node: Node) -> None:
    ana = node.client("ana")
    batch = ana.post(
        "/api/screen/batch", json={"queries": [{"name": "LIMMT"}, {"name": "Shahid Bakeri Industrial Group"}]}
    )
    assert batch.status_code == 200
    assert [r["query"]["name"] for r in batch.json()] == ["LIMMT", "Shahid Bakeri Industrial Group"]
    assert "SHAHID BAKERI" in batch.json()[1]["matches"][0]["caption"].upper()
    bad = ana.post("/api/screen/batch", json={"queries": [{"name": "ok"}, {"name": "x", "country": "Atlantis"}]})
    assert bad.status_code == 400 and bad.json()["field"] == "queries.1.country"
    same = ana.post("/api/compare", json={"name_a": "Shahid Bakeri Industrial Group", "name_b": "SBIG Shahid Bakeri"})
    assert same.status_code == 200 and 0 <= same.json()["score"] <= 1 and same.json()["explanation"]
