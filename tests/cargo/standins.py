"""Stand-ins for [screening], [controls] and [radiation], for unit tests of the ranking logic only.

The end-to-end tests (test_planted.py, test_spark.py, test_cli.py) run on the real capabilities.
"""

from __future__ import annotations

from collections.abc import Mapping

from tripline.cargo.ports import GoodsMatch, PartyHit, RadiationFinding


class StandInScreener:
    """Matches names exactly (case-insensitive) against a fixed table."""

    def __init__(self, listed: Mapping[str, str]) -> None:
        self.listed = {k.lower(): v for k, v in listed.items()}
        self.calls = 0

    def screen_party(self, name: str, country: str | None) -> list[PartyHit]:
        self.calls += 1
        hit = self.listed.get(name.lower())
        return [PartyHit(list_name=name, source=hit, score=1.0)] if hit else []


class StandInClassifier:
    """Controlled when the description contains one of the given words."""

    def __init__(self, words: Mapping[str, str]) -> None:
        self.words = {k.lower(): v for k, v in words.items()}
        self.calls = 0

    def classify_goods(self, description: str, hs_code: str) -> list[GoodsMatch]:
        self.calls += 1
        for word, entry in self.words.items():
            if word in description.lower():
                return [GoodsMatch(entry=entry, title=word, regimes=("MTCR",), score=1.0)]
        return []


class StandInRadiation:
    def __init__(self, findings: Mapping[str, RadiationFinding] | None = None) -> None:
        self.findings = dict(findings or {})

    def finding(self, container: str) -> RadiationFinding | None:
        return self.findings.get(container)
