"""Precision and recall of a ranked queue at k shipments and at n% inspected."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass
from typing import Any


@dataclass(frozen=True)
class AtK:
    k: int
    percent: float
    hits: int
    with_outcome: int
    precision: float
    recall: float

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def at_k(ranking: Sequence[str], outcomes: Mapping[str, bool], k: int) -> AtK:
    """``outcomes`` maps a bill of lading to True (seized/referred) or False (inspected clean).

    Precision is over the top-k shipments that have an outcome (unknown ones are not
    counted as clean); recall is over every positive outcome recorded.
    """
    head = ranking[:k]
    known = [bl for bl in head if bl in outcomes]
    hits = sum(1 for bl in known if outcomes[bl])
    positives = sum(1 for v in outcomes.values() if v)
    precision = hits / len(known) if known else 0.0
    recall = hits / positives if positives else 0.0
    percent = 100.0 * k / len(ranking) if ranking else 0.0
    return AtK(k, round(percent, 4), hits, len(known), precision, recall)


def at_percent(ranking: Sequence[str], outcomes: Mapping[str, bool], percent: float) -> AtK:
    k = max(1, math.ceil(len(ranking) * percent / 100.0)) if ranking else 0
    return at_k(ranking, outcomes, k)
