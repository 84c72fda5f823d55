"""Exchange pages without a browser: partner directory, agreements in words, documents with their
markings, answering an overdue request, and the consent preview compared field by field with what
the third party actually receives. Three real exchange nodes (their own keys and databases) are
reached in-process through ``LocalTransport``: ours (jp-customs), us-cbp and fr-douane, loaded
with the demo situations (``tripline.exchange.demo``)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests.api.harness import BASE_URL, PASSWORD
from tests.web.exchange_nodes import build_nodes


@dataclass
class Exchange:
    client: Any  # TestClient factory
    home: Any  # tripline.exchange.service.Node
    partners: dict[str, Any]


@pytest.fixture(scope="module")
def exchange(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Exchange]:
    nodes = build_nodes(tmp_path_factory.mktemp("exchange") / "var")

    def client() -> TestClient:
        return TestClient(nodes.app, base_url=BASE_URL, raise_server_exceptions=False)

    yield Exchange(client, nodes.home, nodes.partners)
    nodes.close()


def sign_in(ex: Exchange, username: str) -> tuple[Any, str]:
    client = ex.client()
    form = client.get("/signin")
    token = re.search(r'name="signin_token" value="([^"]+)"', form.text)
    assert token is not None
    client.post("/signin", data={"username": username, "password": PASSWORD, "signin_token": token.group(1)})
    csrf = re.search(r'name="csrf_token" value="([^"]+)"', client.get("/").text)
    assert csrf is not None
    return client, csrf.group(1)


ROUTES = ("/partners/directory", "/partners/agreements", "/partners/documents")


def document_ids(ex: Exchange) -> dict[str, str]:
    from tripline.exchange.views import documents

    return {d["type"]: d["id"] for d in documents(ex.home)}


def test_every_exchange_page_is_authenticated_and_authorised(exchange: Exchange) -> None:
    doc = document_ids(exchange)["scan_result"]
    routes = (*ROUTES, f"/partners/documents/{doc}")
    anonymous = exchange.client()
    for route in routes:
        answer = anonymous.get(route, follow_redirects=False)
        assert answer.status_code == 303 and answer.headers["location"].startswith("/signin"), route
    analyst, _ = sign_in(exchange, "ana")  # no exchange permission
    other, _ = sign_in(exchange, "bob")  # an exchange officer of another authority: never our node's data
    for route in routes:
        assert analyst.get(route).status_code == 403, route
        refused = other.get(route)
        assert refused.status_code == 403, route
        assert "MSCU1234565" not in refused.text and "us-cbp asks" not in refused.text


def test_directory_lists_partners_with_their_agreements(exchange: Exchange) -> None:
    client, _ = sign_in(exchange, "eve")
    page = client.get("/partners/directory").text
    rows = dict(re.findall(r'<tr data-partner="([^"]+)">(.*?)</tr>', page, re.S))
    assert set(rows) == {"jp-customs", "us-cbp", "fr-douane"}
    assert "this node" in rows["jp-customs"]
    assert "jp-us-cmaa" in rows["us-cbp"]  # the Japan-US agreement covers us and US CBP
    assert "jp-us-cmaa" not in rows["fr-douane"]
    assert "US Customs and Border Protection" in rows["us-cbp"]


def test_agreements_state_their_conditions_in_words(exchange: Exchange) -> None:
    from tripline.exchange.agreements import EXAMPLES_DIR, load_agreement

    client, _ = sign_in(exchange, "eve")
    page = client.get("/partners/agreements").text
    cmaa = load_agreement(EXAMPLES_DIR / "jp-us-cmaa.yaml")  # the reference: the agreement file itself
    section = page.split(f'id="{cmaa.id}"', 1)[1].split("</article>", 1)[0]
    assert cmaa.legal_basis in section
    for purpose in cmaa.purposes:
        assert purpose.value.replace("_", " ") in section
    assert f"until {cmaa.valid_until.isoformat()}" in section
    assert "signed consent" in section if cmaa.onward_release.value == "consent" else True
    assert "permit" in section  # the compiled policies behind the words


def test_document_page_shows_markings_and_facts(exchange: Exchange) -> None:
    from tripline.exchange.views import read

    doc_id = document_ids(exchange)["scan_result"]
    client, _ = sign_in(exchange, "eve")
    page = client.get(f"/partners/documents/{doc_id}").text
    held = read(exchange.home, doc_id)["document"]
    assert held["classification"].upper() in page and f"TLP:{held['tlp'].upper()}" in page
    for name, value in held["facts"].items():
        assert f'data-field="facts.{name}">{value}<' in page
    assert "Where we sent it" in page and "us-cbp" in page


def test_overdue_request_is_answered_from_its_page(exchange: Exchange) -> None:
    from tripline.exchange.store import load_document
    from tripline.exchange.views import overdue

    rfi = document_ids(exchange)["request_for_information"]
    client, csrf = sign_in(exchange, "eve")
    board = client.get("/partners").text
    assert f'href="/partners/documents/{rfi}#respond"' in board  # an "answer now" button on the overdue item
    page = client.get(f"/partners/documents/{rfi}").text
    assert "Overdue" in page and 'id="respond"' in page
    # an empty answer keeps the page and says why
    empty = client.post(f"/partners/documents/{rfi}/response", data={"body": " ", "csrf_token": csrf})
    assert empty.status_code == 422 and "write the answer" in empty.text and 'id="respond"' in empty.text
    text = "The consignee is a trading company in Dalian; no licence was applied for."
    sent = client.post(f"/partners/documents/{rfi}/response", data={"body": text, "csrf_token": csrf})
    assert sent.status_code == 200 and "Response sent to us-cbp: delivered" in sent.text
    assert not [d for d in overdue(exchange.home) if d["document"] == rfi]  # no longer overdue here
    us = exchange.partners["us-cbp"]
    with us.db.session() as session:  # the requester holds our signed answer, referencing its request
        from sqlalchemy import select

        from tripline.exchange.models import ExchangeDocument

        rows = session.execute(select(ExchangeDocument).where(ExchangeDocument.doc_type == "response")).scalars()
        answers = [load_document(session, r.id) for r in rows]
    assert [a.body for a in answers if rfi in a.references] == [text]


def test_consent_preview_is_what_the_third_party_receives(exchange: Exchange) -> None:
    """The preview the officer reads, field by field, against the document us-cbp (a separate node
    with its own key and database) releases to the French customs under our signed consent."""
    from tripline.exchange.consent import list_consents, release_to_third_party

    client, csrf = sign_in(exchange, "eve")
    (consent,) = [c for c in list_consents(exchange.home) if c["direction"] == "in" and c["status"] == "pending"]
    withhold = ["body", "facts.consignee"]
    query = "&".join(f"withhold={w}" for w in withhold)
    preview = client.get(f"/partners/consents/{consent['id']}/preview?{query}").text
    rows = re.findall(r'<tr class="(released|withheld)" data-field="([^"]+)">(.*?)</tr>', preview, re.S)
    assert rows
    shown = {field: (state, re.findall(r"<td[^>]*>(.*?)</td>", cells, re.S)[-1]) for state, field, cells in rows}
    assert sorted(f for f, (state, _) in shown.items() if state == "withheld") == withhold
    granted = client.post(
        f"/partners/consents/{consent['id']}",
        data={"decision": "grant", "withhold": withhold, "note": "for the onward case", "csrf_token": csrf},
    )
    assert granted.status_code == 200
    us = exchange.partners["us-cbp"]  # the requester, holding our signed answer
    (asked,) = [c for c in list_consents(us) if c["direction"] == "out" and c["document_id"] == consent["document_id"]]
    assert asked["status"] == "granted"
    passed = release_to_third_party(us, asked["id"])  # what us-cbp hands to the French customs
    assert passed["decision"]["allowed"], passed["decision"]
    received = passed["document"]
    import html
    import json

    for field, (state, value) in shown.items():
        if field == "withheld":
            continue
        name = field.removeprefix("facts.")
        holder = received.get("facts", {}) if field.startswith("facts.") else received
        if state == "withheld":
            assert not holder.get(name), field  # absent, or emptied to its default
        else:
            got = holder[name]
            as_text = json.dumps(got, ensure_ascii=False, sort_keys=True) if isinstance(got, dict | list) else str(got)
            assert html.unescape(value.strip()) == as_text, field
    assert sorted(received.get("withheld", [])) == withhold


def test_an_exchange_document_is_linked_to_a_case_from_its_page(exchange: Exchange) -> None:
    doc_id = document_ids(exchange)["scan_result"]
    client, csrf = sign_in(exchange, "eve")
    made = client.post("/cases", data={"title": "Yokohama alarm", "csrf_token": csrf}, follow_redirects=False)
    case_url = made.headers["location"]
    page = client.get(f"/partners/documents/{doc_id}").text
    assert 'action="/cases/link"' in page and 'name="kind" value="document"' in page
    form = re.search(r'<form method="post" action="/cases/link".*?</form>', page, re.S)
    assert form is not None
    fields = dict(re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)"', form.group(0)))
    fields["case_id"] = case_url.rsplit("/", 1)[1]
    linked = client.post("/cases/link", data=fields, follow_redirects=False)
    assert linked.status_code == 303 and linked.headers["location"] == f"/partners/documents/{doc_id}"
    case_page = client.get(case_url).text
    assert f'href="/partners/documents/{doc_id}"' in case_page and "RESTRICTED" in case_page
    graph = client.get(case_url + "/graph").text
    assert 'data-kind="request"' in graph and f'href="/partners/documents/{doc_id}"' in graph
