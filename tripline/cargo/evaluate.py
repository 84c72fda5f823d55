"""Does a queue that learns from outcomes beat the weighted rules? Measured on demo traffic.

Protocol (no circularity: the learner never sees the generator's rules, only outcomes):

1. *Training week*: demo traffic (seed A). Officers inspect the rules' top ``inspect_share``
   plus a random ``random_share`` (the control sample customs draw to see what rules miss);
   the outcome of each inspection is the ground truth of that shipment (seized/referred for a
   positive, inspected clean otherwise). The learned model is fitted on those outcomes only.
2. *Test week*: fresh demo traffic (seed B). Both queues rank it; precision and recall at
   n% inspected are computed against the ground truth of every shipment.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from tripline.cargo.demo import DemoTraffic
from tripline.cargo.indicators import Features, IndicatorExtractor, first_shipments
from tripline.cargo.learn import LearnedModel, LearnedScorer, fit
from tripline.cargo.metrics import at_percent
from tripline.cargo.scoring import Action, RuleScorer, Scorer, rank


@dataclass(frozen=True)
class Evaluation:
    train_shipments: int
    train_inspected: int
    train_positives_found: int
    model: LearnedModel
    test_shipments: int
    test_positives: int
    rules: list[dict[str, Any]]
    learned: list[dict[str, Any]]
    rules_inspect_precision: float  # precision of the shipments the rules mark "inspect" (cf. GAO-13-9)
    rules_inspect_count: int

    def to_dict(self) -> dict[str, Any]:
        return {
            "train": {
                "shipments": self.train_shipments,
                "inspected": self.train_inspected,
                "positives_found": self.train_positives_found,
            },
            "model": self.model.to_dict(),
            "test": {"shipments": self.test_shipments, "positives": self.test_positives},
            "rules": self.rules,
            "learned": self.learned,
            "rules_inspect": {"count": self.rules_inspect_count, "precision": self.rules_inspect_precision},
        }


def features_of(traffic: DemoTraffic, extractor: IndicatorExtractor) -> list[Features]:
    first = first_shipments(traffic.shipments)
    return [extractor.extract(s, first_shipment=s.bill_of_lading in first) for s in traffic.shipments]


def _ranking(features: Sequence[Features], scorer: Scorer) -> list[str]:
    return [s.bill_of_lading for s in rank(scorer.score(f) for f in features)]


def evaluate(
    train: DemoTraffic,
    train_features: Sequence[Features],
    test: DemoTraffic,
    test_features: Sequence[Features],
    rules: RuleScorer,
    *,
    inspect_share: float = 0.02,
    random_share: float = 0.01,
    percents: Sequence[float] = (0.5, 1.0, 2.0, 5.0),
    seed: int = 0,
    l2: float = 1.0,
) -> Evaluation:
    ranking = _ranking(train_features, rules)
    n = len(ranking)
    inspected = set(ranking[: max(1, round(n * inspect_share))])
    rng = random.Random(seed)
    inspected |= set(rng.sample(ranking, max(1, round(n * random_share))))
    by_bl = {f.bill_of_lading: f for f in train_features}
    labelled = sorted(inspected)
    labels = [bl in train.positives for bl in labelled]
    model = fit([by_bl[bl] for bl in labelled], labels, l2=l2)
    truth = {s.bill_of_lading: s.bill_of_lading in test.positives for s in test.shipments}
    rules_rank = _ranking(test_features, rules)
    learned_rank = _ranking(test_features, LearnedScorer(model))
    marked = [f.bill_of_lading for f in test_features if rules.score(f).action is Action.INSPECT]
    hits = sum(1 for bl in marked if truth[bl])
    return Evaluation(
        train_shipments=n,
        train_inspected=len(inspected),
        train_positives_found=sum(labels),
        model=model,
        test_shipments=len(truth),
        test_positives=sum(truth.values()),
        rules=[at_percent(rules_rank, truth, p).to_dict() for p in percents],
        learned=[at_percent(learned_rank, truth, p).to_dict() for p in percents],
        rules_inspect_precision=hits / len(marked) if marked else 0.0,
        rules_inspect_count=len(marked),
    )
