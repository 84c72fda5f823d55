"""The learned queue against the weighted rules, on demo traffic with outcomes (real capabilities)."""

from __future__ import annotations

import pytest

from tripline.cargo.demo import generate
from tripline.cargo.evaluate import evaluate, features_of
from tripline.cargo.indicators import IndicatorExtractor
from tripline.cargo.policy import load_policy
from tripline.cargo.ports import GoodsClassifier, PartyScreener
from tripline.cargo.reference import ReferenceData
from tripline.cargo.scoring import RuleScorer
from tripline.cargo.services import FindingsByContainer


@pytest.mark.slow
def test_learning_from_outcomes_beats_the_weighted_rules(
    ref: ReferenceData, real_matchers_built: tuple[PartyScreener, GoodsClassifier]
) -> None:
    policy = load_policy()
    screener, classifier = real_matchers_built
    extractor = IndicatorExtractor(
        policy, ref, screener=screener, classifier=classifier, radiation=FindingsByContainer({})
    )
    train, test = generate(4000, 101, ref), generate(4000, 202, ref)
    result = evaluate(train, features_of(train, extractor), test, features_of(test, extractor), RuleScorer(policy))
    # the model only saw the outcomes of the shipments the rules (2 %) and a random draw (1 %) sent to inspection
    assert result.train_inspected <= 0.031 * 4000
    rules = {r["percent"]: r for r in result.rules}
    learned = {r["percent"]: r for r in result.learned}
    assert learned[1.0]["recall"] > rules[1.0]["recall"]
    assert learned[1.0]["precision"] > rules[1.0]["precision"]
    # what the generator's rules make informative, the fit finds: an HS code that does not fit the goods
    assert result.model.coefficients["hs_description_mismatch"] > 1.0
