"""A queue that learns from outcomes: L2-regularised logistic regression over the indicator values.

Every coefficient is the log-odds one indicator adds, so a shipment's reasons are its
indicators' ``coefficient x value`` (plus the intercept, the base rate). Fitted with
SciPy's L-BFGS on recorded outcomes (seized or referred = positive, inspected clean = negative).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from scipy.optimize import minimize

from tripline.cargo.indicators import INDICATORS, Features, Indicator
from tripline.cargo.scoring import Action, Reason, Scored
from tripline.errors import InputError


@dataclass(frozen=True)
class LearnedModel:
    intercept: float
    coefficients: dict[str, float]
    samples: int
    positives: int
    l2: float

    def to_dict(self) -> dict[str, Any]:
        return {
            "intercept": self.intercept,
            "coefficients": self.coefficients,
            "samples": self.samples,
            "positives": self.positives,
            "l2": self.l2,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> LearnedModel:
        return cls(
            intercept=float(data["intercept"]),
            coefficients={str(k): float(v) for k, v in data["coefficients"].items()},
            samples=int(data["samples"]),
            positives=int(data["positives"]),
            l2=float(data["l2"]),
        )


def fit(features: Sequence[Features], labels: Sequence[bool], *, l2: float = 1.0) -> LearnedModel:
    """Fit the model; needs at least one positive and one negative outcome."""
    if len(features) != len(labels):
        raise InputError("features and labels differ in length")
    positives = sum(1 for y in labels if y)
    if positives == 0 or positives == len(labels):
        raise InputError(
            f"need both positive and negative outcomes to learn (have {positives} of {len(labels)} positive)"
        )
    x = np.array([f.vector() for f in features], dtype=float)
    y = np.array(labels, dtype=float)
    n, d = x.shape

    def loss(w: np.ndarray) -> tuple[float, np.ndarray]:
        z = w[0] + x @ w[1:]
        # log(1 + exp(z)) - y z, computed stably
        value = float(np.sum(np.logaddexp(0.0, z) - y * z) + 0.5 * l2 * np.dot(w[1:], w[1:]))
        p = 1.0 / (1.0 + np.exp(-z))
        grad = np.empty(d + 1)
        grad[0] = np.sum(p - y)
        grad[1:] = x.T @ (p - y) + l2 * w[1:]
        return value, grad

    start = np.zeros(d + 1)
    start[0] = math.log(positives / (n - positives))
    result = minimize(loss, start, jac=True, method="L-BFGS-B")
    w = result.x
    coefficients = {i.value: float(c) for i, c in zip(INDICATORS, w[1:], strict=True)}
    return LearnedModel(float(w[0]), coefficients, n, positives, l2)


class LearnedScorer:
    """Score = probability of a positive finding; reasons = each indicator's log-odds contribution."""

    name = "learned"

    def __init__(self, model: LearnedModel, *, inspect: float = 0.5, review: float = 0.1) -> None:
        self.model = model
        self.inspect = inspect
        self.review = review
        self._coef = {i: model.coefficients.get(i.value, 0.0) for i in Indicator}

    def score(self, features: Features) -> Scored:
        details: dict[Indicator, tuple[str, str]] = {}
        for e in features.evidence:
            details.setdefault(e.indicator, (e.detail, e.source))
        values = features.values()
        reasons = []
        z = self.model.intercept
        for indicator, value in values.items():
            points = self._coef[indicator] * value
            z += points
            if points != 0.0:
                detail, source = details[indicator]
                reasons.append(Reason(indicator.value, points, detail, source))
        reasons.sort(key=lambda r: (-r.points, r.indicator))
        p = 1.0 / (1.0 + math.exp(-z))
        action = Action.INSPECT if p >= self.inspect else Action.REVIEW if p >= self.review else Action.RELEASE
        return Scored(features.bill_of_lading, features.containers, p, action, tuple(reasons))
