"""Property: over random agreements, documents and recipients, the decision function allows exactly what an
independent, plain reading of the agreements allows; every refusal carries reasons."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from typing import Any

from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from tripline.exchange.agreements import Agreement, OnwardRelease
from tripline.exchange.documents import Classification, DocType, Document, Purpose, Tlp
from tripline.exchange.policy import PolicyEngine, ReleaseRequest

PARTIES = ["aa", "bb", "cc", "dd"]
TODAY = date(2026, 11, 25)


def subset(values: list[Any], min_size: int = 0) -> st.SearchStrategy[list[Any]]:
    return st.lists(st.sampled_from(values), min_size=min_size, unique=True)


def often(draw: Callable[..., Any]) -> bool:
    """True four times in five (hypothesis leans towards small integers, so not ``integers(0, 4) > 0``)."""
    return bool(draw(st.sampled_from([True, True, False, True, True])))


def likely(draw: st.DrawFn, values: list[Any], wanted: list[Any], min_size: int = 0) -> list[Any]:
    """A random subset that usually contains ``wanted`` (so that releases are often possible)."""
    chosen = draw(subset(values, min_size))
    if often(draw):
        chosen = list(dict.fromkeys([*chosen, *wanted]))
    return chosen


@st.composite
def agreements(draw: st.DrawFn, index: int, doc: Document, holder: str, recipient: str, purpose: Purpose) -> Agreement:
    parties = likely(draw, PARTIES, [holder, recipient], 2)
    if len(parties) < 2:
        parties = PARTIES[:2]
    start = TODAY + timedelta(days=draw(st.integers(-400, 0)) if often(draw) else draw(st.integers(1, 30)))
    end = TODAY + timedelta(days=draw(st.integers(0, 400)) if often(draw) else -draw(st.integers(1, 30)))
    reciprocity = None
    if draw(st.booleans()):
        reciprocity = {
            "provides": {p: draw(subset(list(DocType))) for p in parties},
            "max_outstanding": draw(st.integers(1, 3)),
        }
    return Agreement.model_validate(
        {
            "id": f"agr-{index}",
            "title": "generated",
            "parties": parties,
            "legal_basis": f"basis {index}",
            "document_types": likely(draw, list(DocType), [doc.type], 1),
            "purposes": likely(draw, list(Purpose), [purpose], 1),
            "protects": {p: likely(draw, list(Classification), [doc.classification]) for p in parties},
            "reciprocity": reciprocity,
            "onward_release": draw(st.sampled_from(list(OnwardRelease))),
            "valid_from": start,
            "valid_until": max(start, end),
        }
    )


@st.composite
def documents(draw: st.DrawFn, originator: str | None = None) -> Document:
    releasable = None if often(draw) else draw(subset(PARTIES))
    doc_type = draw(st.sampled_from(list(DocType)))
    return Document.model_validate(
        {
            "id": "doc-1",
            "type": doc_type,
            "originator": originator if originator and draw(st.booleans()) else draw(st.sampled_from(PARTIES)),
            "created_at": datetime(2026, 11, 1, tzinfo=UTC),
            "subject": "generated",
            "executive_summary": "summary" if doc_type == DocType.INFORMATION_PAPER else None,
            "classification": draw(st.sampled_from(list(Classification))),
            "caveats": {"releasable_to": releasable, "no_onward_release": draw(st.booleans())},
            "tlp": draw(st.sampled_from([Tlp.CLEAR, Tlp.GREEN, Tlp.AMBER, Tlp.AMBER, Tlp.AMBER_STRICT, Tlp.RED])),
            "purposes": draw(subset(list(Purpose), 1)),
            "legal_basis": "generated",
            "signature": "c2lnbmF0dXJl" if often(draw) else None,
        }
    )


def reference_allows(
    agreements: list[Agreement], doc: Document, holder: str, recipient: str, purpose: str, consent: bool, owed: int
) -> bool:
    """The agreements and caveats read plainly, written independently of the Cedar compilation."""
    if doc.signature is None:
        return False
    if purpose not in doc.purposes and not consent:
        return False
    named = doc.caveats.releasable_to
    if named is not None and recipient not in named:
        return False
    if doc.tlp == Tlp.RED and (named is None or recipient not in named):
        return False
    passing_on = holder != doc.originator
    if passing_on and doc.caveats.no_onward_release and not consent:
        return False
    for agr in agreements:
        if holder == recipient or holder not in agr.parties or recipient not in agr.parties:
            continue
        if doc.type not in agr.document_types or purpose not in agr.purposes:
            continue
        if doc.classification not in agr.protects[recipient]:
            continue
        if not agr.valid_from <= TODAY <= agr.valid_until:
            continue
        if agr.reciprocity is not None and owed >= agr.reciprocity.max_outstanding:
            continue
        if passing_on and (
            agr.onward_release == OnwardRelease.FORBIDDEN
            or (agr.onward_release == OnwardRelease.CONSENT and not consent)
        ):
            continue
        return True
    return False


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    data=st.data(),
    count=st.sampled_from([0, 1, 1, 2, 2, 3]),
    holder=st.sampled_from(PARTIES),
    recipient=st.sampled_from(PARTIES),
    purpose=st.sampled_from(list(Purpose)),
    consent=st.booleans(),
    owed=st.sampled_from([0, 0, 1, 2, 3]),
)
def test_no_release_violates_an_agreement(
    data: st.DataObject,
    count: int,
    holder: str,
    recipient: str,
    purpose: Purpose,
    consent: bool,
    owed: int,
) -> None:
    if recipient == holder and often(data.draw):
        recipient = data.draw(st.sampled_from([p for p in PARTIES if p != holder]))
    doc = data.draw(documents(holder))
    if often(data.draw):
        purpose = data.draw(st.sampled_from(doc.purposes))  # the designated purpose, more often than not
    agrs = [data.draw(agreements(i, doc, holder, recipient, purpose)) for i in range(count)]
    engine = PolicyEngine(agrs)
    request = ReleaseRequest(
        document=doc, holder=holder, recipient=recipient, purpose=purpose.value, today=TODAY, consent=consent
    )
    decision = engine.decide(request, lambda _agreement: owed)
    expected = reference_allows(agrs, doc, holder, recipient, purpose.value, consent, owed)
    event("allowed" if expected else "denied")
    assert decision.allowed == expected, decision.to_dict()
    assert decision.reasons, "every decision carries reasons"
    assert all(reason.strip() for reason in decision.reasons)
    if decision.allowed:
        assert decision.agreement is not None
        used = engine.agreements[decision.agreement]
        assert reference_allows([used], doc, holder, recipient, purpose.value, consent, owed)
        assert any(decision.agreement in c for c in decision.conditions), "conditions name the agreement"
        assert f"use only for {purpose.value}" in decision.conditions
    else:
        assert decision.policies, "a refusal names its deciding policies"


@settings(max_examples=100, deadline=None)
@given(doc=documents(), consent=st.booleans(), purpose=st.sampled_from(list(Purpose)))
def test_third_party_release_needs_consent(doc: Document, consent: bool, purpose: Purpose) -> None:
    engine = PolicyEngine([])
    holder = "aa" if doc.originator != "aa" else "bb"
    request = ReleaseRequest(
        document=doc,
        holder=holder,
        recipient="An exporter",
        purpose=purpose.value,
        today=TODAY,
        recipient_is_partner=False,
        consent=consent,
    )
    decision = engine.decide(request)
    blocked_by_caveats = doc.signature is None or doc.caveats.releasable_to is not None or doc.tlp == Tlp.RED
    assert decision.allowed == (consent and not blocked_by_caveats)
    assert decision.reasons


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data(), holder=st.sampled_from(PARTIES), consent=st.booleans(), owed=st.sampled_from([0, 1]))
def test_onward_release_follows_each_agreement(data: st.DataObject, holder: str, consent: bool, owed: int) -> None:
    """Passing on a partner's document: the agreement's onward mode and the originator's consent decide."""
    recipient = data.draw(st.sampled_from([p for p in PARTIES if p != holder]))
    originator = data.draw(st.sampled_from([p for p in PARTIES if p != holder]))
    doc = data.draw(documents(originator))
    purpose = data.draw(st.sampled_from(doc.purposes))
    agrs = [data.draw(agreements(i, doc, holder, recipient, purpose)) for i in range(data.draw(st.integers(1, 2)))]
    request = ReleaseRequest(
        document=doc, holder=holder, recipient=recipient, purpose=purpose.value, today=TODAY, consent=consent
    )
    decision = PolicyEngine(agrs).decide(request, lambda _agreement: owed)
    assert decision.allowed == reference_allows(agrs, doc, holder, recipient, purpose.value, consent, owed)
    assert decision.reasons
