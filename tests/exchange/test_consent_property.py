"""Property (issue 18 item 2): over generated documents, consents and forwarding behaviours, no field the
originator withheld ever reaches the third party, whatever the holder sends.

Three real nodes (own databases and keys) share one module: the originator drafts a generated document,
releases it to the holder, the holder asks consent to pass it on, the originator grants it withholding a
generated subset of fields; the holder then either follows the protocol or forwards an envelope of its
choosing (the full document, the consented version with a withheld field put back, another fact added).
The independent reference is the plain reading of the consent: the receiver's stored copy must carry
none of the withheld names, and must equal the originator's document with exactly those removed.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.exchange.conftest import Network
from tripline.exchange import consent
from tripline.exchange.envelope import make_envelope
from tripline.exchange.inbound import receive
from tripline.exchange.models import ExchangeConsent, ExchangeDocument

FACT_NAMES = ["end_user", "source_name", "intermediary", "vessel", "licence"]
OPTIONAL = ["body", "references", "deadline"]
VALUES = st.one_of(st.text(min_size=1, max_size=12), st.integers(-5, 10**6), st.booleans())


@pytest.fixture(scope="module")
def trio(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Network]:
    net = Network(tmp_path_factory.mktemp("consent-property"))
    for node_id in ("us-cbp", "jp-customs", "fr-douane"):
        net.add(node_id)
    yield net
    net.close()


@st.composite
def cases(draw: st.DrawFn) -> tuple[dict[str, Any], list[str], str]:
    facts = draw(st.dictionaries(st.sampled_from(FACT_NAMES), VALUES, min_size=0, max_size=5))
    fields: dict[str, Any] = {
        "type": draw(st.sampled_from(["denial_notification", "information_paper"])),
        "subject": "Generated onward-release case",
        "executive_summary": "summary",
        "body": draw(st.text(max_size=30)),
        "references": draw(st.lists(st.sampled_from(["ref:1", "ref:2"]), unique=True)),
        "purposes": ["nonproliferation"],
        "legal_basis": "Regime guidelines, information exchange among partners",
        "facts": facts,
    }
    if draw(st.booleans()):
        fields["deadline"] = "2026-12-31T00:00:00Z"
    names = [f"facts.{k}" for k in facts] + OPTIONAL
    withheld = draw(st.lists(st.sampled_from(names), unique=True, max_size=len(names)))
    behaviour = draw(st.sampled_from(["honest", "full", "put-back", "extra-fact"]))
    return fields, withheld, behaviour


def _stored(node: Any, doc_id: str) -> dict[str, Any] | None:
    with node.db.session() as session:
        row = session.get(ExchangeDocument, doc_id)
        return None if row is None else dict(row.payload)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(case=cases())
def test_no_withheld_field_ever_crosses(trio: Network, case: tuple[dict[str, Any], list[str], str]) -> None:
    fields, withheld, behaviour = case
    us, jp, fr = trio.nodes["us-cbp"], trio.nodes["jp-customs"], trio.nodes["fr-douane"]
    doc = us.draft(fields)
    [sent] = us.send(doc.id, purpose="nonproliferation", to=["jp-customs"])
    assert sent.status == "delivered", sent.to_dict()
    asked = consent.request_consent(jp, doc.id, third_party="fr-douane", purpose="nonproliferation", justification="")
    consent.answer_consent(us, asked["id"], grant=True, withhold=withheld, note="")
    with jp.db.session() as session:
        answer = session.get(ExchangeConsent, asked["id"]).answer  # type: ignore[union-attr]
    assert answer is not None

    if behaviour == "honest":
        [outcome] = jp.send(doc.id, purpose="nonproliferation", to=["fr-douane"])
        assert outcome.status == "delivered", outcome.to_dict()
    else:
        consented = consent.released_version(doc, answer).payload()
        if behaviour == "full":
            payload = doc.payload()
        elif behaviour == "put-back":
            payload = {**consented, **{k: v for k, v in doc.payload().items() if k in withheld}}
            payload["facts"] = doc.payload().get("facts", {})
        else:
            payload = {**consented, "facts": {**consented.get("facts", {}), "added_by_holder": "x"}}
        envelope = make_envelope(
            jp.key,
            kind="document",
            recipient="fr-douane",
            purpose="nonproliferation",
            payload=payload,
            sent_at=trio.clock(),
            consent=answer,
        )
        status, _ = receive(fr, envelope)
        assert status in (200, 403)

    stored = _stored(fr, doc.id)
    # Reference: the originator's own document with exactly the withheld names removed.
    expected = doc.unsigned_payload()
    for name in withheld:
        if name.startswith("facts."):
            expected["facts"].pop(name.removeprefix("facts."), None)
        else:
            expected.pop(name, None)
    if behaviour == "honest":
        assert stored is not None
    if stored is not None:
        for name in withheld:
            if name.startswith("facts."):
                assert name.removeprefix("facts.") not in stored.get("facts", {})
            else:
                assert name not in stored or stored[name] in ("", [], None)
        dropped = ("signature", "withheld", *withheld)
        content = {k: v for k, v in stored.items() if k not in dropped}
        assert content == {k: v for k, v in expected.items() if k not in dropped}
        assert sorted(stored.get("withheld", [])) == sorted(withheld)
