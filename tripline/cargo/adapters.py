"""The real capabilities behind the targeting Protocols: [screening] and [controls].

The process's :class:`~tripline.runtime.Runtime` builds them (``Runtime.matchers``, the
factory the engines call) over its one screener (the watch lists loaded in the database,
from the signed index cache) and its one classifier (the stored control-list catalogue, the
same one the console and the API classify against).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from tripline.cargo.ports import GoodsMatch, PartyHit
from tripline.errors import InputError
from tripline.screening.result import DEFAULT_THRESHOLD

MULTILATERAL = frozenset({"WA", "MTCR", "NSG", "AG", "CWC"})
POSSIBLE = 0.5  # value of "listed only if the open parameters reach the thresholds"
POSSIBLE_MIN_SCORE = 0.9  # ... for a candidate the classifier ranks at least this high


class ScreeningParties:
    """PartyScreener over a ``tripline.screening`` Screener."""

    def __init__(self, screener: Any, threshold: float = DEFAULT_THRESHOLD) -> None:
        self.screener = screener
        self.threshold = threshold

    def screen_party(self, name: str, country: str | None) -> list[PartyHit]:
        return self.screen_parties([(name, country)])[0]

    def screen_parties(self, keys: Sequence[tuple[str, str | None]]) -> list[list[PartyHit]]:
        """:meth:`screen_party` for each (name, country), through the screener's block path."""
        from tripline.screening.result import ScreeningQuery

        queries = []
        for name, country in keys:
            try:
                queries.append(ScreeningQuery.build(name, country=country))
            except InputError:
                queries.append(ScreeningQuery.build(name))
        results = self.screener.screen_many(queries, threshold=self.threshold) if queries else []
        return [
            [
                PartyHit(
                    list_name=m.matched_name or m.caption, source=m.list, score=float(m.score), entity_id=m.entity_id
                )
                for m in result.matches
            ]
            for result in results
        ]


class ControlsGoods:
    """GoodsClassifier over a ``tripline.controls`` Classifier.

    A description the classifier finds listed counts 1.0; one that is listed only if open
    parameters reach the thresholds counts ``POSSIBLE`` when its best candidate belongs to a
    multilateral regime and ranks at least ``POSSIBLE_MIN_SCORE``.
    """

    def __init__(self, classifier: Any) -> None:
        self.classifier = classifier

    def classify_goods(self, description: str, hs_code: str) -> list[GoodsMatch]:
        from tripline.controls.schema import GoodsQuery, Listed

        result = self.classifier.classify(GoodsQuery(description=description, hs_code=hs_code))
        verdict = result.verdict
        if verdict.listed is Listed.NO or not result.candidates:
            return []
        top = result.candidates[0]
        regimes = tuple(r for r in top.regimes if r in MULTILATERAL)
        if verdict.listed is Listed.YES:
            value = 1.0
        elif regimes and top.score >= POSSIBLE_MIN_SCORE:
            value = POSSIBLE
        else:
            return []
        status = "listed" if verdict.listed is Listed.YES else "possibly listed (open parameters)"
        return [
            GoodsMatch(entry=top.code, title=f"{top.title} [{status}]", regimes=regimes, score=value, source="controls")
        ]
