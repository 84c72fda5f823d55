from __future__ import annotations

import math
import random

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tripline.cargo.indicators import Evidence, Features, Indicator
from tripline.cargo.learn import LearnedModel, LearnedScorer, fit
from tripline.cargo.metrics import at_k, at_percent
from tripline.errors import InputError


def _features(i: int, present: list[Indicator]) -> Features:
    return Features(f"B{i:04d}", ("C",), tuple(Evidence(ind, 1.0, ind.value) for ind in present))


def test_fit_recovers_which_indicator_predicts_the_outcome() -> None:
    # stated rule: HS mismatch raises the odds of a seizure 20-fold, a hub not at all
    rng = random.Random(5)
    feats, labels = [], []
    for i in range(3000):
        present = [
            ind for ind, p in ((Indicator.HS_MISMATCH, 0.2), (Indicator.TRANSSHIPMENT_HUB, 0.3)) if rng.random() < p
        ]
        base = 0.02
        odds = base / (1 - base) * (20 if Indicator.HS_MISMATCH in present else 1)
        labels.append(rng.random() < odds / (1 + odds))
        feats.append(_features(i, present))
    model = fit(feats, labels, l2=0.1)
    assert model.coefficients[Indicator.HS_MISMATCH.value] == pytest.approx(math.log(20), abs=0.6)
    assert abs(model.coefficients[Indicator.TRANSSHIPMENT_HUB.value]) < 0.5
    assert model.samples == 3000 and model.positives == sum(labels)
    assert LearnedModel.from_dict(model.to_dict()) == model


def test_fit_needs_both_classes() -> None:
    with pytest.raises(InputError, match="both positive and negative"):
        fit([_features(0, [])], [True])


def test_learned_reasons_add_up_to_the_logit() -> None:
    model = LearnedModel(-3.0, {Indicator.HS_MISMATCH.value: 2.0, Indicator.FIRST_SHIPMENT.value: -0.5}, 10, 2, 1.0)
    scored = LearnedScorer(model).score(_features(1, [Indicator.HS_MISMATCH, Indicator.FIRST_SHIPMENT]))
    logit = model.intercept + sum(r.points for r in scored.reasons)
    assert scored.score == pytest.approx(1 / (1 + math.exp(-logit)))
    assert [r.indicator for r in scored.reasons] == [Indicator.HS_MISMATCH.value, Indicator.FIRST_SHIPMENT.value]


def test_precision_and_recall_at_k() -> None:
    ranking = ["a", "b", "c", "d", "e"]
    outcomes = {"a": True, "b": False, "d": True, "e": True}
    r = at_k(ranking, outcomes, 2)
    assert (r.hits, r.with_outcome, r.precision) == (1, 2, 0.5)
    assert r.recall == pytest.approx(1 / 3)
    r = at_k(ranking, outcomes, 3)  # "c" has no outcome: not counted as clean
    assert (r.with_outcome, r.precision) == (2, 0.5)
    assert at_percent(ranking, outcomes, 100).recall == 1.0
    assert at_percent(ranking, outcomes, 20).k == 1


@given(st.lists(st.booleans(), min_size=1, max_size=60), st.integers(min_value=1, max_value=60))
def test_metric_bounds(labels: list[bool], k: int) -> None:
    ranking = [str(i) for i in range(len(labels))]
    outcomes = dict(zip(ranking, labels, strict=True))
    r = at_k(ranking, outcomes, k)
    assert 0 <= r.precision <= 1 and 0 <= r.recall <= 1
    if k >= len(labels) and any(labels):
        assert r.recall == 1
