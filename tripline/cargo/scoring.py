"""Turn indicators into an explained score: the weighted rules of the policy, or a learned model."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Any, Protocol

from tripline.cargo.indicators import Features, Indicator
from tripline.cargo.policy import Policy


class Action(StrEnum):
    INSPECT = "inspect"
    REVIEW = "review"
    RELEASE = "release"


@dataclass(frozen=True, slots=True)
class Reason:
    indicator: str
    points: float
    detail: str
    source: str = ""

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"indicator": self.indicator, "points": round(self.points, 3), "detail": self.detail}
        if self.source:
            out["source"] = self.source
        return out


@dataclass(frozen=True, slots=True)
class Scored:
    """One shipment in the queue."""

    bill_of_lading: str
    containers: tuple[str, ...]
    score: float
    action: Action
    reasons: tuple[Reason, ...]
    rank: int = 0

    def to_dict(self) -> dict[str, Any]:
        return {
            "rank": self.rank,
            "bill_of_lading": self.bill_of_lading,
            "containers": list(self.containers),
            "score": round(self.score, 3),
            "action": self.action.value,
            "reasons": [r.to_dict() for r in self.reasons],
        }


class Scorer(Protocol):
    name: str

    def score(self, features: Features) -> Scored: ...


def weight_of(policy: Policy, indicator: Indicator) -> float:
    w = policy.weights
    group, _, key = indicator.value.partition(".")
    if group == "party_hit":
        return float(getattr(w.party_hit, key))
    if group == "destination":
        return float(getattr(w.destination, key))
    if group == "radiation":
        return float(getattr(w.radiation, key))
    return float(getattr(w, group))


class RuleScorer:
    """Score = sum over evidence of (policy weight x indicator value); one line of evidence per indicator counts."""

    name = "rules"

    def __init__(self, policy: Policy) -> None:
        self.policy = policy
        self.weights = {i: weight_of(policy, i) for i in Indicator}

    def score(self, features: Features) -> Scored:
        best: dict[Indicator, Reason] = {}
        for e in features.evidence:
            points = self.weights[e.indicator] * e.value
            current = best.get(e.indicator)
            if current is None or points > current.points:
                best[e.indicator] = Reason(e.indicator.value, points, e.detail, e.source)
        reasons = tuple(sorted((r for r in best.values() if r.points > 0), key=lambda r: (-r.points, r.indicator)))
        total = sum(r.points for r in reasons)
        t = self.policy.thresholds
        action = Action.INSPECT if total >= t.inspect else Action.REVIEW if total >= t.review else Action.RELEASE
        return Scored(features.bill_of_lading, features.containers, total, action, reasons)


def rank(items: Iterable[Scored]) -> list[Scored]:
    """Highest score first; ties broken by bill of lading so every engine gives the same order."""
    ordered = sorted(items, key=lambda s: (-round(s.score, 9), s.bill_of_lading))
    return [
        Scored(s.bill_of_lading, s.containers, s.score, s.action, s.reasons, rank=i)
        for i, s in enumerate(ordered, start=1)
    ]


def top(items: Sequence[Scored], k: int | None) -> list[Scored]:
    return list(items if k is None else items[:k])
