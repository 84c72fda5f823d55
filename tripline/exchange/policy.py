"""The one decision function: agreements compiled into Cedar policies, deny by default.

Every release (to a partner node or, after consent, to a third party) is one Cedar request:
principal = the recipient, action = ``release``, resource = the document (its markings are
entity attributes), context = the purpose, the holder, the agreement being tried, today's
date, the reciprocity balance and whether the originator consented. Each agreement becomes
one ``permit`` and one ``forbid`` per condition; document caveats and TLP are global ``forbid``
policies. Cedar answers with the deciding policy ids, which map to the reasons shown to people.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import cedarpy

from tripline.errors import ConfigError
from tripline.exchange.agreements import Agreement, OnwardRelease
from tripline.exchange.documents import CLASSIFICATION_RANK, Classification, Document

NO_AGREEMENT = ""


@dataclass(frozen=True)
class ReleaseRequest:
    """A question to the decision function."""

    document: Document
    holder: str  # the node releasing (the originator, or a node passing it on)
    recipient: str  # partner id, or a third party's name
    purpose: str
    today: date
    recipient_is_partner: bool = True
    consent: bool = False  # the originator's signed consent covers this onward release
    enforce_reciprocity: bool = True  # the sender enforces it; a receiver re-checking does not


@dataclass(frozen=True)
class Decision:
    allowed: bool
    agreement: str | None
    policies: tuple[str, ...]
    reasons: tuple[str, ...]
    conditions: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        return {
            "allowed": self.allowed,
            "decision": "allow" if self.allowed else "deny",
            "agreement": self.agreement,
            "policies": list(self.policies),
            "reasons": list(self.reasons),
            "conditions": list(self.conditions),
        }

    def summary(self) -> str:
        verb = "allowed" if self.allowed else "denied"
        return f"{verb}: " + "; ".join(self.reasons)


def _cedar_str(value: str) -> str:
    return json.dumps(value)


def _cedar_set(values: Sequence[str]) -> str:
    return "[" + ", ".join(_cedar_str(v) for v in values) + "]"


def _day(value: date) -> int:
    return value.year * 10000 + value.month * 100 + value.day


@dataclass
class _Compiled:
    text: str
    reasons: dict[str, Callable[[ReleaseRequest, Mapping[str, Any]], str]] = field(default_factory=dict)


GLOBAL_POLICIES: list[tuple[str, str, Callable[[ReleaseRequest, Mapping[str, Any]], str]]] = [
    (
        "default/no-agreement",
        'forbid(principal is Partner, action == Action::"release", resource) when { context.agreement == "" };',
        lambda r, c: (
            f"no sharing agreement between {r.holder} and {r.recipient} covers "
            f"{r.document.type.value} for {r.purpose} (deny by default)"
        ),
    ),
    (
        "document/unsigned",
        'forbid(principal, action == Action::"release", resource) when { !resource.signed };',
        lambda r, c: f"document {r.document.id} is not signed by its originator",
    ),
    (
        "document/designated-purpose",
        'forbid(principal, action == Action::"release", resource) '
        "when { !resource.purposes.contains(context.purpose) && !context.consent };",
        lambda r, c: (
            f"the document may be used only for {', '.join(p.value for p in r.document.purposes)}, not {r.purpose}"
        ),
    ),
    (
        "caveat/releasable-to",
        'forbid(principal, action == Action::"release", resource) '
        "when { resource.restricted && !resource.releasable_to.contains(principal.id) };",
        lambda r, c: (
            f"the caveats release it only to {', '.join(r.document.caveats.releasable_to or ())}, not {r.recipient}"
        ),
    ),
    (
        "tlp/red",
        'forbid(principal, action == Action::"release", resource) '
        'when { resource.tlp == "red" && !(resource.restricted && resource.releasable_to.contains(principal.id)) };',
        lambda r, c: "TLP:RED goes only to recipients named in its caveats",
    ),
    (
        "caveat/no-onward-release",
        'forbid(principal, action == Action::"release", resource) '
        "when { resource.no_onward_release && context.holder != resource.originator && !context.consent };",
        lambda r, c: f"no onward release without the consent of the originator {r.document.originator}",
    ),
    (
        "third-party/consent",
        'permit(principal is ThirdParty, action == Action::"release", resource) '
        "when { context.consent && context.holder != resource.originator };",
        lambda r, c: f"the originator {r.document.originator} consented to release to {r.recipient} for {r.purpose}",
    ),
    (
        "third-party/needs-consent",
        'forbid(principal is ThirdParty, action == Action::"release", resource) when { !context.consent };',
        lambda r, c: (
            f"held: passing {r.document.originator}'s document to {r.recipient} needs the originator's signed consent"
        ),
    ),
    (
        "third-party/own-document",
        'forbid(principal is ThirdParty, action == Action::"release", resource) '
        "when { context.holder == resource.originator };",
        lambda r, c: "a node releases its own documents to outside parties outside the exchange, not through it",
    ),
]


def _confidentiality_reason(
    agreement_id: str, party: str, levels: Sequence[Classification]
) -> Callable[[ReleaseRequest, Mapping[str, Any]], str]:
    named = ", ".join(v.value for v in levels)
    return lambda r, c: (
        f"under {agreement_id}, {party} protects {named} information equivalently, "
        f"not {r.document.classification.value}"
    )


def _compile_agreement(agr: Agreement, out: _Compiled) -> None:
    scope = f"context.agreement == {_cedar_str(agr.id)}"
    head = 'principal is Partner, action == Action::"release", resource'
    parties = _cedar_set(agr.parties)

    def add(
        suffix: str, body: str, reason: Callable[[ReleaseRequest, Mapping[str, Any]], str], *, permit: bool
    ) -> None:
        pid = f"{agr.id}/{suffix}"
        kind = "permit" if permit else "forbid"
        out.text += f"@id({_cedar_str(pid)})\n{kind}({head}) when {{ {scope} && {body} }};\n"
        out.reasons[pid] = reason

    add(
        "permit",
        f"{parties}.contains(principal.id) && {parties}.contains(context.holder)",
        lambda r, c: (
            f"the {agr.id} agreement ({agr.legal_basis}) covers {r.document.type.value} "
            f"for {r.purpose} between {r.holder} and {r.recipient}"
        ),
        permit=True,
    )
    add(
        "parties",
        f"!({parties}.contains(principal.id) && {parties}.contains(context.holder))",
        lambda r, c: f"the {agr.id} agreement binds {', '.join(agr.parties)}, not {r.holder} to {r.recipient}",
        permit=False,
    )
    add(
        "document-type",
        f"!{_cedar_set([t.value for t in agr.document_types])}.contains(resource.type)",
        lambda r, c: (
            f"the {agr.id} agreement covers {', '.join(t.value for t in agr.document_types)}, "
            f"not {r.document.type.value}"
        ),
        permit=False,
    )
    add(
        "purpose",
        f"!{_cedar_set([p.value for p in agr.purposes])}.contains(context.purpose)",
        lambda r, c: (
            f"the {agr.id} agreement covers {' and '.join(p.value for p in agr.purposes)}, not {r.purpose} use"
        ),
        permit=False,
    )
    for party, levels in agr.protects.items():
        ranks = sorted(CLASSIFICATION_RANK[level] for level in levels)
        add(
            f"confidentiality/{party}",
            f"principal.id == {_cedar_str(party)} && !{_cedar_set([str(r) for r in ranks])}"
            ".contains(resource.classification_rank)",
            _confidentiality_reason(agr.id, party, levels),
            permit=False,
        )
    add(
        "validity",
        f"(context.today < {_day(agr.valid_from)} || context.today > {_day(agr.valid_until)})",
        lambda r, c: f"the {agr.id} agreement is valid from {agr.valid_from} to {agr.valid_until}, not on {r.today}",
        permit=False,
    )
    if agr.reciprocity is not None:
        limit = agr.reciprocity.max_outstanding
        add(
            "reciprocity",
            f"context.enforce_reciprocity && context.outstanding >= {limit}",
            lambda r, c: (
                f"reciprocity under {agr.id}: {r.recipient} holds {c.get('outstanding')} more documents "
                f"than it has given in return (limit {limit}); equivalent information is due first"
            ),
            permit=False,
        )
    if agr.onward_release == OnwardRelease.FORBIDDEN:
        add(
            "onward-release",
            "context.holder != resource.originator",
            lambda r, c: f"the {agr.id} agreement forbids onward release of a partner's documents",
            permit=False,
        )
    elif agr.onward_release == OnwardRelease.CONSENT:
        add(
            "onward-release",
            "context.holder != resource.originator && !context.consent",
            lambda r, c: (
                f"the {agr.id} agreement requires the consent of the originator "
                f"{r.document.originator} for onward release"
            ),
            permit=False,
        )


class PolicyEngine:
    """Agreements compiled once into a Cedar policy set; :meth:`decide` answers release requests."""

    def __init__(self, agreements: Sequence[Agreement]) -> None:
        self.agreements = {a.id: a for a in agreements}
        compiled = _Compiled(text="")
        for pid, text, reason in GLOBAL_POLICIES:
            compiled.text += f"@id({_cedar_str(pid)})\n{text}\n"
            compiled.reasons[pid] = reason
        for agr in agreements:
            _compile_agreement(agr, compiled)
        self.policy_text = compiled.text
        self._reasons = compiled.reasons
        try:
            self._policies = cedarpy.PolicySet.from_str(compiled.text)
        except Exception as exc:  # cedarpy raises its own ValueError subclasses
            raise ConfigError(f"agreements do not compile to valid Cedar policies: {exc}") from exc

    def candidates(self, holder: str, recipient: str) -> list[Agreement]:
        return [a for a in self.agreements.values() if a.covers_pair(holder, recipient)]

    def decide(self, request: ReleaseRequest, outstanding: Callable[[str], int] | None = None) -> Decision:
        """Allow only if an agreement's permit applies and no forbid does; reasons either way."""
        doc = request.document
        entities: list[dict[Any, Any]] = [
            {
                "uid": {"type": "Partner" if request.recipient_is_partner else "ThirdParty", "id": request.recipient},
                "attrs": {"id": request.recipient},
                "parents": [],
            },
            {
                "uid": {"type": "Document", "id": doc.id},
                "attrs": {
                    "type": doc.type.value,
                    "originator": doc.originator,
                    "classification_rank": str(CLASSIFICATION_RANK[doc.classification]),
                    "purposes": [p.value for p in doc.purposes],
                    "restricted": doc.caveats.releasable_to is not None,
                    "releasable_to": list(doc.caveats.releasable_to or ()),
                    "no_onward_release": doc.caveats.no_onward_release,
                    "tlp": doc.tlp.value,
                    "signed": doc.signature is not None,
                },
                "parents": [],
            },
        ]
        tried = (
            [a.id for a in self.candidates(request.holder, request.recipient)] if request.recipient_is_partner else []
        )
        agreement_ids = tried or [NO_AGREEMENT]
        contexts: list[dict[str, Any]] = []
        for agreement_id in agreement_ids:
            contexts.append(
                {
                    "agreement": agreement_id,
                    "purpose": request.purpose,
                    "holder": request.holder,
                    "today": _day(request.today),
                    "consent": request.consent,
                    "enforce_reciprocity": request.enforce_reciprocity,
                    "outstanding": outstanding(agreement_id) if outstanding and agreement_id else 0,
                }
            )
        principal = {"type": "Partner" if request.recipient_is_partner else "ThirdParty", "id": request.recipient}
        requests = [
            {
                "principal": principal,
                "action": {"type": "Action", "id": "release"},
                "resource": {"type": "Document", "id": doc.id},
                "context": ctx,
            }
            for ctx in contexts
        ]
        results = cedarpy.is_authorized_batch(requests, self._policies, entities)
        denials: list[tuple[str, str]] = []
        for agreement_id, ctx, result in zip(agreement_ids, contexts, results, strict=True):
            errors = list(result.diagnostics.errors)
            if errors:
                raise ConfigError(f"policy evaluation failed: {errors}")
            ids = [result.diagnostics.id_annotations_by_reason.get(r, r) for r in result.diagnostics.reasons]
            if result.allowed:
                return Decision(
                    allowed=True,
                    agreement=agreement_id or None,
                    policies=tuple(ids),
                    reasons=tuple(self._reasons[i](request, ctx) for i in ids),
                    conditions=self._conditions(request, agreement_id),
                )
            if not ids:
                denials.append(("default/no-permit", "no policy permits this release (deny by default)"))
            for pid in ids:
                denials.append((pid, self._reasons[pid](request, ctx)))
        seen: dict[str, str] = {}
        for pid, reason in denials:
            seen.setdefault(pid, reason)
        return Decision(
            allowed=False,
            agreement=None if agreement_ids == [NO_AGREEMENT] else ",".join(agreement_ids),
            policies=tuple(seen),
            reasons=tuple(seen.values()),
        )

    def _conditions(self, request: ReleaseRequest, agreement_id: str) -> tuple[str, ...]:
        doc = request.document
        out = [f"use only for {request.purpose}"]
        if not request.recipient_is_partner:
            return (*out, f"release to {request.recipient} only as consented by {doc.originator}")
        agr = self.agreements[agreement_id]
        out.append(f"protect as {doc.classification.value} under {agr.id} ({agr.legal_basis})")
        if doc.caveats.no_onward_release or agr.onward_release != OnwardRelease.FREE:
            out.append(f"no onward release without the consent of {doc.originator}")
        if agr.reciprocity is not None and request.enforce_reciprocity:
            owed = agr.reciprocity.provides.get(request.recipient, ())
            if owed:
                out.append(f"reciprocity: {request.recipient} provides {', '.join(t.value for t in owed)} in return")
        out.append(f"TLP:{doc.tlp.value.upper()}")
        return tuple(out)
