"""Nodes in one process (LocalTransport): release, receipts, idempotency, retry, refusal, consent, circulation.

Every test runs twice, the nodes' databases on SQLite and on PostgreSQL (the ``network`` fixture)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from tests.exchange.conftest import Network, scan_fields
from tripline.audit import log as audit
from tripline.errors import AuthError, ConflictError, ForbiddenError
from tripline.exchange import consent, views
from tripline.exchange.agreements import EXAMPLES_DIR
from tripline.exchange.envelope import make_envelope
from tripline.exchange.inbound import receive
from tripline.exchange.models import ExchangeMessage
from tripline.signing.keys import generate


def test_the_nodes_are_on_the_database_of_the_run(network: Network) -> None:
    node = network.add("us-cbp")
    assert node.db.dialect == network.kind


def test_scan_result_released_for_covered_purpose_only(network: Network) -> None:
    us, jp = network.add("us-cbp"), network.add("jp-customs")
    doc = jp.draft(scan_fields())
    [ok] = jp.send(doc.id, purpose="customs_enforcement", to=["us-cbp"])
    assert ok.status == "delivered" and ok.receipt is not None and ok.receipt["status"] == "accepted"
    assert ok.decision.agreement == "jp-us-cmaa"
    assert "use only for customs_enforcement" in ok.decision.conditions
    assert [d["id"] for d in views.documents(us)] == [doc.id]
    assert views.read(us, doc.id)["document"]["signature"] == doc.signature

    [no] = jp.send(doc.id, purpose="intelligence", to=["us-cbp"])
    assert no.status == "denied"
    assert "the jp-us-cmaa agreement covers customs_enforcement, not intelligence use" in no.decision.reasons
    kinds = [e["kind"] for e in audit.entries(jp.db, limit=5)]
    assert kinds[0] == "release.denied" and "receipt.accepted" in kinds
    assert audit.verify(jp.db, jp.key.public_b64).ok and audit.verify(us.db, us.key.public_b64).ok


def test_redelivery_is_idempotent_and_changed_content_conflicts(network: Network) -> None:
    us, jp = network.add("us-cbp"), network.add("jp-customs")
    doc = jp.draft(scan_fields())
    jp.send(doc.id, purpose="customs_enforcement", to=["us-cbp"])
    envelope = make_envelope(
        jp.key,
        kind="document",
        recipient="us-cbp",
        purpose="customs_enforcement",
        payload=doc.payload(),
        sent_at=network.clock(),
    )
    status, again = receive(us, envelope)
    assert status == 200 and again["status"] == "accepted" and again["hash"] == doc.hash
    with us.db.session() as session:
        assert len(session.execute(select(ExchangeMessage).where(ExchangeMessage.direction == "in")).all()) == 1
    changed = jp.key.sign({**doc.unsigned_payload(), "body": "changed"})
    envelope = make_envelope(
        jp.key,
        kind="document",
        recipient="us-cbp",
        purpose="customs_enforcement",
        payload=changed,
        sent_at=network.clock(),
    )
    with pytest.raises(ConflictError):
        receive(us, envelope)


def test_envelopes_are_authenticated(network: Network) -> None:
    us, jp = network.add("us-cbp"), network.add("jp-customs")
    doc = jp.draft(scan_fields())
    impostor = generate("jp-customs")
    forged = make_envelope(
        impostor,
        kind="document",
        recipient="us-cbp",
        purpose="customs_enforcement",
        payload=doc.payload(),
        sent_at=network.clock(),
    )
    with pytest.raises(AuthError):
        receive(us, forged)
    tampered = make_envelope(
        jp.key,
        kind="document",
        recipient="us-cbp",
        purpose="customs_enforcement",
        payload=doc.payload(),
        sent_at=network.clock(),
    )
    tampered["purpose"] = "intelligence"
    with pytest.raises(AuthError):
        receive(us, tampered)
    misaddressed = make_envelope(
        jp.key,
        kind="document",
        recipient="fr-douane",
        purpose="customs_enforcement",
        payload=doc.payload(),
        sent_at=network.clock(),
    )
    with pytest.raises(ForbiddenError):
        receive(us, misaddressed)


def test_receiver_refuses_what_its_agreements_do_not_cover(network: Network) -> None:
    us, jp = network.add("us-cbp"), network.add("jp-customs")
    us.add_agreement(EXAMPLES_DIR / "jp-us-third-country-cargo.yaml")  # only the US side has it
    request = us.draft(
        {
            "type": "request_for_information",
            "subject": "Third-country cargo scanned at Yokohama",
            "purposes": ["nonproliferation"],
            "legal_basis": "third-country cargo arrangement",
        }
    )
    [out] = us.send(request.id, purpose="nonproliferation", to=["jp-customs"])
    assert out.status == "refused" and out.receipt is not None
    assert any("not held" in r for r in out.receipt["reasons"])
    assert views.documents(jp) == []
    refused = [e for e in audit.entries(jp.db) if e["kind"] == "document.refused"]
    assert refused and refused[0]["detail"]["reasons"]


def test_retry_with_backoff_then_delivery(network: Network) -> None:
    network.add("us-cbp")
    jp = network.add("jp-customs")
    network.transport.down.add("local://us-cbp")
    doc = jp.draft(scan_fields())
    [first] = jp.send(doc.id, purpose="customs_enforcement", to=["us-cbp"])
    assert first.status == "retrying"
    [row] = views.box(jp, "outbox")
    assert row["attempts"] == 1 and row["next_attempt_at"] is not None
    assert jp.deliver_pending() == []  # not due yet: backoff
    network.clock.now += timedelta(seconds=jp.settings.exchange_backoff_seconds + 1)
    [second] = jp.deliver_pending()
    assert second.status == "retrying"
    [row] = views.box(jp, "outbox")
    waited = row["next_attempt_at"]
    network.transport.down.clear()
    network.clock.now += timedelta(hours=2)
    [done] = jp.deliver_pending()
    assert done.status == "delivered" and waited is not None
    assert views.box(jp, "outbox")[0]["attempts"] == 3


def test_delivery_gives_up_after_max_attempts(network: Network) -> None:
    network.add("us-cbp")
    jp = network.add("jp-customs")
    jp.settings.exchange_max_attempts = 2
    network.transport.down.add("local://us-cbp")
    doc = jp.draft(scan_fields())
    jp.send(doc.id, purpose="customs_enforcement", to=["us-cbp"])
    network.clock.now += timedelta(hours=2)
    [last] = jp.deliver_pending()
    assert last.status == "failed"
    assert any(e["kind"] == "delivery.failed" for e in audit.entries(jp.db))


def test_reciprocity_holds_release_until_equivalent_information_returns(network: Network) -> None:
    us, jp = network.add("us-cbp"), network.add("jp-customs")
    sent = [jp.send(jp.draft(scan_fields()).id, purpose="customs_enforcement", to=["us-cbp"])[0] for _ in range(4)]
    assert [o.status for o in sent] == ["delivered"] * 3 + ["denied"]
    assert any("reciprocity under jp-us-cmaa" in r for r in sent[3].decision.reasons)
    answer = us.draft(scan_fields(subject="LA/LB: scan of a Japan-bound container", facts={"port": "USLGB"}))
    [back] = us.send(answer.id, purpose="customs_enforcement", to=["jp-customs"])
    assert back.status == "delivered"
    [again] = jp.send(jp.draft(scan_fields()).id, purpose="customs_enforcement", to=["us-cbp"])
    assert again.status == "delivered"


def test_exporter_release_held_until_originator_consents(network: Network) -> None:
    us, jp = network.add("us-cbp"), network.add("jp-customs")
    denial = us.draft(
        {
            "type": "case_notice",
            "subject": "Denied export: 3D coordinate measuring machines to a Syrian end user",
            "body": "An export licence was denied; the same end user now seeks the items through an intermediary.",
            "purposes": ["customs_enforcement"],
            "legal_basis": "Japan-US CMAA Art. 4(3)(b)",
            "facts": {"end_user": "(named in the notice)", "intermediary": "(named in the notice)"},
        }
    )
    us.send(denial.id, purpose="customs_enforcement", to=["jp-customs"])
    asked = consent.request_consent(
        jp,
        denial.id,
        third_party="Example Exporter K.K.",
        purpose="exporter_outreach",
        justification="METI wishes to warn the exporter of the diversion risk",
    )
    assert asked["status"] == "pending"
    held = consent.release_to_third_party(jp, asked["id"])
    assert not held["decision"]["allowed"] and "document" not in held
    assert any("needs the originator's signed consent" in r for r in held["decision"]["reasons"])
    [incoming] = consent.list_consents(us)
    assert incoming["direction"] == "in" and incoming["third_party"] == "Example Exporter K.K."
    consent.answer_consent(us, incoming["id"], grant=True, withhold=["facts.intermediary"], note="end user only")
    assert consent.consent_status(jp, asked["id"])["status"] == "granted"
    released = consent.release_to_third_party(jp, asked["id"])
    assert released["decision"]["allowed"]
    assert "intermediary" not in released["document"]["facts"] and "end_user" in released["document"]["facts"]
    assert audit.verify(jp.db, jp.key.public_b64).ok


def test_consent_refused_keeps_it_held(network: Network) -> None:
    us, jp = network.add("us-cbp"), network.add("jp-customs")
    doc = us.draft(scan_fields(subject="LA/LB scan"))
    us.send(doc.id, purpose="customs_enforcement", to=["jp-customs"])
    asked = consent.request_consent(
        jp, doc.id, third_party="A forwarder", purpose="exporter_outreach", justification=""
    )
    [incoming] = consent.list_consents(us)
    consent.answer_consent(us, incoming["id"], grant=False, withhold=[], note="ongoing investigation")
    result = consent.release_to_third_party(jp, asked["id"])
    assert not result["decision"]["allowed"] and "ongoing investigation" in result["decision"]["reasons"][0]


def test_group_circulation_tracks_acknowledgements_answers_and_deadlines(network: Network) -> None:
    us, jp, fr = network.add("us-cbp"), network.add("jp-customs"), network.add("fr-douane")
    deadline = (network.clock() + timedelta(days=10)).isoformat()
    paper = us.draft(
        {
            "type": "information_paper",
            "subject": "Flow-forming machines sought for a missile programme",
            "executive_summary": "A trading company seeks flow-forming machines for an entity of concern.",
            "body": "Partners are asked whether they hold licence applications for such machines.",
            "purposes": ["nonproliferation", "export_control"],
            "legal_basis": "Regime information exchange",
            "deadline": deadline,
        }
    )
    outcomes = us.send(paper.id, purpose="nonproliferation", group="mtcr")
    assert sorted((o.partner, o.status) for o in outcomes) == [("fr-douane", "delivered"), ("jp-customs", "delivered")]
    reply = jp.draft(
        {
            "type": "response",
            "subject": "No applications for flow-forming machines",
            "purposes": ["nonproliferation"],
            "legal_basis": "Regime information exchange",
            "references": [paper.id],
        }
    )
    jp.send(reply.id, purpose="nonproliferation", to=["us-cbp"])
    status = views.circulation(us, paper.id)
    assert status["group"] == "mtcr" and status["acknowledged"] == 2 and status["answered"] == 1
    by_partner = {r["partner"]: r for r in status["recipients"]}
    assert by_partner["jp-customs"]["answered"] and not by_partner["fr-douane"]["answered"]
    assert views.overdue(us) == []
    network.clock.now += timedelta(days=11)
    late = views.overdue(us)
    assert [(r["document"], r["waiting_for"]) for r in late] == [(paper.id, "fr-douane")]
    assert [r["waiting_for"] for r in views.overdue(fr)] == ["fr-douane"]
    assert views.overdue(jp) == []
    assert views.circulation(us, paper.id)["recipients"][0]["overdue"] is True


def test_library_entry_points_for_radiation_and_console(network: Network) -> None:
    from datetime import UTC, datetime

    from tripline.exchange.release import overview, release_scan_result

    us, jp = network.add("us-cbp"), network.add("jp-customs")
    network.clock.now = datetime.now(UTC)  # the entry points run on the real clock: envelopes must be fresh
    out = release_scan_result(
        jp.settings,
        jp.db,
        partner="us-cbp",
        purpose="customs_enforcement",
        subject="RPM alarm, lane 3",
        body="Cs-137 identified; consignment held.",
        legal_basis="Japan-US CMAA Art. 4(3)(b)",
        facts={"nuclide": "Cs-137"},
        attachments=[("alarm.n42", b"<RadInstrumentData/>", "application/xml")],
        transport=network.transport,
    )
    assert out["outcome"]["status"] == "delivered"
    held = views.read(us, out["document"])["document"]
    assert held["attachments"][0]["name"] == "alarm.n42" and held["facts"] == {"nuclide": "Cs-137"}
    refused = release_scan_result(
        jp.settings,
        jp.db,
        partner="us-cbp",
        purpose="intelligence",
        subject="s",
        body="",
        legal_basis="b",
        transport=network.transport,
    )
    assert refused["outcome"]["status"] == "denied" and refused["outcome"]["decision"]["reasons"]
    board = overview(jp.settings, jp.db)
    assert board["node"] == "jp-customs" and [m["ref"] for m in board["outbox"]] == [out["document"]]
    assert board["inbox"] == [] and board["consents"] == [] and board["overdue"] == []
