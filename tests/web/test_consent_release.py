"""The exchange officer approves a consent in Chromium with two fields withheld; the preview the
page showed is then compared, field by field, with what the partners actually get: the signed
answer us-cbp stored, and the document us-cbp releases to fr-douane under that consent (checked
against the signature of the released version in our answer). The nodes are real (their own keys
and databases), joined in-process by ``LocalTransport``; the console is served by uvicorn."""

from __future__ import annotations

import json
import os
import re
from collections.abc import Iterator
from typing import Any

import pytest

from tests.api.harness import PASSWORD
from tests.web.conftest import CHROMIUM, shot
from tests.web.exchange_nodes import Nodes, build_nodes, served

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(
        not CHROMIUM.exists() and os.environ.get("CI") != "true",
        reason="Debian chromium not installed (apt-get install chromium)",
    ),
]
WITHHOLD = ("body", "facts.consignee")


@pytest.fixture(scope="module")
def nodes(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Nodes, str]]:
    built = build_nodes(tmp_path_factory.mktemp("consent") / "var")
    try:
        with served(built.app) as base:
            yield built, base
    finally:
        built.close()


def as_text(value: Any) -> str:
    """A value as the page prints it (lists and objects as sorted JSON)."""
    if isinstance(value, dict | list):
        return json.dumps(value, ensure_ascii=False, sort_keys=True)
    return str(value)


@pytest.mark.parametrize("width", [1280, 390])
def test_released_fields_are_exactly_the_preview(browser: Any, nodes: tuple[Nodes, str], width: int) -> None:
    from tripline.exchange.consent import list_consents, release_to_third_party, request_consent
    from tripline.exchange.models import ExchangeConsent
    from tripline.signing.keys import verify

    built, base = nodes
    us = built.partners["us-cbp"]
    home = built.home
    pending = [c for c in list_consents(home) if c["direction"] == "in" and c["status"] == "pending"]
    if not pending:  # the demo's one request was answered at the other width: us-cbp asks again
        (doc_id,) = {c["document_id"] for c in list_consents(home) if c["direction"] == "in"}
        request_consent(us, doc_id, third_party="fr-douane", purpose="customs_enforcement", justification="again")
        pending = [c for c in list_consents(home) if c["direction"] == "in" and c["status"] == "pending"]
    (consent,) = pending
    phone = width < 600
    context = browser.new_context(
        viewport={"width": width, "height": 844 if phone else 900}, is_mobile=phone, has_touch=phone
    )
    page = context.new_page()
    page.goto(f"{base}/signin")
    page.fill("#username", "eve")
    page.fill("#password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(re.compile(rf"{re.escape(base)}/.*"))
    page.goto(f"{base}/partners#consents")
    article = page.locator("#consents article").first
    assert "us-cbp asks to pass" in article.inner_text()
    for name in WITHHOLD:
        article.locator(f'input[name=withhold][value="{name}"]').check()
    for name in WITHHOLD:  # the preview fragment, swapped in after each change (never raced)
        page.wait_for_selector(f'#preview-1 tr.withheld[data-field="{name}"]')
    rows = page.locator("#preview-1 tbody tr")
    shown: dict[str, tuple[str, str]] = {}
    for i in range(rows.count()):
        row = rows.nth(i)
        shown[str(row.get_attribute("data-field"))] = (
            str(row.get_attribute("class")),
            row.locator("td").nth(2).inner_text(),
        )
    assert sorted(f for f, (cls, _) in shown.items() if cls == "withheld") == sorted(WITHHOLD)
    assert "withheld" in shown, "the preview does not say the release names what was withheld"
    shot(page, "consent-release", width)
    page.fill("#n-1", "approved without the narrative and the consignee")
    page.click("#consents button[value=grant]")
    page.wait_for_url(re.compile(r".*/partners(#consents)?$"))
    assert "No consent request is waiting for us." in page.inner_text("#consents")
    context.close()
    # us-cbp stored our signed answer: granted, with exactly the fields the officer ticked withheld
    (asked,) = [c for c in list_consents(us) if c["direction"] == "out" and c["id"] == consent["id"]]
    assert asked["status"] == "granted" and sorted(asked["withheld"]) == sorted(WITHHOLD)
    # what us-cbp hands to the French customs under that consent (no agreement lets it send the scan
    # result to a partner, so the release is the consented third-party release)
    passed = release_to_third_party(us, asked["id"])
    assert passed["decision"]["allowed"], passed["decision"]
    stored = passed["document"]
    # ... is exactly the version our officer's answer signed (verified with our public key)
    with us.db.session() as session:
        answer = session.get(ExchangeConsent, asked["id"]).answer
    assert answer["withheld"] == sorted(WITHHOLD) and answer["granted"] is True
    verify(home.key.public_b64, {**stored, "signature": answer["release_signature"]}, what="released version")
    original = load_document_of(home, consent["document_id"])
    facts = stored.get("facts") or {}
    assert sorted(stored.get("withheld") or []) == sorted(WITHHOLD)
    for field, (cls, value) in shown.items():
        if field == "withheld":  # the list of what was withheld, as the release names it
            assert cls == "released" and value.strip() == as_text(stored["withheld"])
            continue
        name = field.removeprefix("facts.")
        holder = facts if field.startswith("facts.") else stored
        if cls == "withheld":
            assert not holder.get(name), (field, holder.get(name))  # absent, or emptied
            assert value.strip() == "(not sent)"
        else:
            assert value.strip() == as_text(holder[name]), field  # what the page showed is what arrived
            source = original.get("facts", {}) if field.startswith("facts.") else original
            assert holder[name] == source[name], field  # and untouched from our document
    # nothing arrived that the preview did not show
    shown_names = {f for f in shown if not f.startswith("facts.")} | {"facts"}
    assert set(stored) <= shown_names, set(stored) - shown_names
    assert {f"facts.{k}" for k in facts} <= set(shown)


def load_document_of(node: Any, document_id: str) -> dict[str, Any]:
    from tripline.exchange.store import load_document

    with node.db.session() as session:
        return dict(load_document(session, document_id).unsigned_payload())
