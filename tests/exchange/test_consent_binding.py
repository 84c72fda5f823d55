"""Issue 18 item 2: the originator's consent binds onward release on both ends.

The sender passes on exactly the version the originator consented to (withheld fields removed);
the receiver re-checks the consent (signer, document hash, type, purpose, third party, withheld
fields) and refuses a document that carries a withheld field.
"""

from __future__ import annotations

from typing import Any

from tests.exchange.conftest import Network
from tripline.exchange import consent
from tripline.exchange.documents import parse_document
from tripline.exchange.envelope import make_envelope
from tripline.exchange.inbound import receive
from tripline.exchange.models import ExchangeConsent, ExchangeDocument
from tripline.exchange.service import Node
from tripline.exchange.store import load_document


def _denial(us: Node) -> Any:
    return us.draft(
        {
            "type": "denial_notification",
            "subject": "Denied export: gyroscopes to an unverified end user",
            "body": "The licence was denied; the end user is suspected of diverting to a missile programme.",
            "purposes": ["nonproliferation"],
            "legal_basis": "Regime guidelines, information exchange among partners",
            "facts": {"end_user": "(named in the notice)", "source_name": "(an informant)"},
        }
    )


def _consented(network: Network, withhold: list[str]) -> tuple[Node, Node, Node, Any, dict[str, Any]]:
    us, jp, fr = network.add("us-cbp"), network.add("jp-customs"), network.add("fr-douane")
    doc = _denial(us)
    [sent] = us.send(doc.id, purpose="nonproliferation", to=["jp-customs"])
    assert sent.status == "delivered"
    asked = consent.request_consent(
        jp, doc.id, third_party="fr-douane", purpose="nonproliferation", justification="same end user in France"
    )
    [incoming] = consent.list_consents(us)
    consent.answer_consent(us, incoming["id"], grant=True, withhold=withhold, note="protect the source")
    row = consent.consent_status(jp, asked["id"])
    assert row["status"] == "granted"
    with jp.db.session() as session:
        answer = session.get(ExchangeConsent, asked["id"]).answer  # type: ignore[union-attr]
    assert answer is not None
    return us, jp, fr, doc, answer


def test_onward_release_sends_only_what_the_consent_allows(network: Network) -> None:
    """Failed before: the sender queued the full document and the receiver stored the withheld fact."""
    _, jp, fr, doc, _ = _consented(network, ["facts.source_name"])
    [outcome] = jp.send(doc.id, purpose="nonproliferation", to=["fr-douane"])
    assert outcome.status == "delivered", outcome.to_dict()
    with fr.db.session() as session:
        held = load_document(session, doc.id)
    assert "source_name" not in held.facts and held.facts["end_user"] == "(named in the notice)"
    assert held.withheld == ("facts.source_name",)
    with jp.db.session() as session:  # the holder keeps its full copy
        assert "source_name" in load_document(session, doc.id).facts


def test_receiver_refuses_a_forwarded_document_carrying_a_withheld_field(network: Network) -> None:
    """Failed before: a holder that ignored the consent's withheld list got the full document stored."""
    _, jp, fr, doc, answer = _consented(network, ["facts.source_name"])
    envelope = make_envelope(
        jp.key,
        kind="document",
        recipient="fr-douane",
        purpose="nonproliferation",
        payload=doc.payload(),  # the full document, as originally signed
        sent_at=network.clock(),
        consent=answer,
    )
    status, receipt = receive(fr, envelope)
    assert status == 403 and receipt["status"] == "refused"
    assert any("facts.source_name" in r for r in receipt["reasons"]), receipt["reasons"]
    with fr.db.session() as session:
        assert session.get(ExchangeDocument, doc.id) is None


def _forward(network: Network, jp: Node, fr: Node, payload: dict[str, Any], proof: Any, purpose: str) -> list[str]:
    envelope = make_envelope(
        jp.key,
        kind="document",
        recipient="fr-douane",
        purpose=purpose,
        payload=payload,
        sent_at=network.clock(),
        consent=proof,
    )
    status, receipt = receive(fr, envelope)
    assert status == 403 and receipt["status"] == "refused"
    with fr.db.session() as session:
        assert session.get(ExchangeDocument, str(payload["id"])) is None
    return [str(r) for r in receipt["reasons"]]


def _unsigned(answer: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in answer.items() if k != "signature"}


def test_receiver_checks_the_consents_document_hash(network: Network) -> None:
    """Failed before: the consent check ignored ``document_hash`` (another version of the id passed)."""
    us, jp, fr, doc, answer = _consented(network, [])
    other = parse_document(us.key.sign({**doc.unsigned_payload(), "body": "A later, fuller account."}))
    reasons = _forward(network, jp, fr, other.payload(), answer, "nonproliferation")
    assert any("release_hash" in r for r in reasons), reasons


def test_receiver_checks_the_consents_document_type(network: Network) -> None:
    """Failed before: the consent did not name the document's type, and the receiver did not check it."""
    us, jp, fr, doc, answer = _consented(network, [])
    retyped = us.key.sign({**_unsigned(answer), "document_type": "response"})
    reasons = _forward(network, jp, fr, doc.payload(), retyped, "nonproliferation")
    assert any("document_type" in r for r in reasons), reasons


def test_consent_covers_only_its_purpose(network: Network) -> None:
    _, jp, fr, doc, answer = _consented(network, [])
    reasons = _forward(network, jp, fr, doc.payload(), answer, "export_control")
    assert any("(purpose)" in r for r in reasons), reasons


def test_consent_covers_only_its_third_party(network: Network) -> None:
    us, jp, fr, doc, answer = _consented(network, [])
    other = us.key.sign({**_unsigned(answer), "third_party": "Example Exporter K.K."})
    reasons = _forward(network, jp, fr, doc.payload(), other, "nonproliferation")
    assert any("(third_party)" in r for r in reasons), reasons


def test_consent_must_be_signed_by_the_originator(network: Network) -> None:
    _, jp, fr, doc, answer = _consented(network, [])
    forged = jp.key.sign(_unsigned(answer))  # the holder signing a consent for itself
    reasons = _forward(network, jp, fr, doc.payload(), forged, "nonproliferation")
    assert any("signature" in r for r in reasons), reasons
