"""Real-case goods evaluation (``tests/data/goods_real``): case loading, the two baselines and the
metrics of ``bench/classify.py``. Kept outside ``tripline/`` because it is evaluation, not product.

An *answerer* maps a case to an :class:`Answer`: the verdict (``yes`` / ``unknown`` / ``no``) and
ranked EU and US answers. Scores:

- EU top-1: the first EU answer equals the expected Annex I code, or both are "not listed";
  top-3: the expected code is among the first three EU answers.
- US top-1 / top-3: the same for the ECCN, compared at entry level (``5A992.c`` -> ``5A992``;
  ``EAR99`` as is), because the classifier names entries, not sub-paragraphs.
- false clears: cases on a regime list (``listed == "yes"``) answered "no";
  look-alikes answered "yes": cases marked ``lookalike`` answered "yes".
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tripline.controls.bm25 import BM25
from tripline.controls.classify import Classifier
from tripline.controls.evaluate import Metrics
from tripline.controls.index import CodeDoc
from tripline.controls.schema import GoodsQuery, Listed
from tripline.controls.textnorm import tokens
from tripline.errors import InputError

CASES_DIR = Path(__file__).resolve().parents[1] / "tests" / "data" / "goods_real"
NOT_LISTED = "not listed"
VERDICTS = ("yes", "no", "lookalike")


@dataclass(frozen=True)
class RealCase:
    id: str
    split: str
    kind: str
    description: str
    eccn: str
    eu: str
    listed: str
    source: str
    everyday: bool
    hs_code: str | None = None

    @property
    def eccn_entry(self) -> str:
        return eccn_entry(self.eccn)

    def query(self) -> GoodsQuery:
        return GoodsQuery(description=self.description, hs_code=self.hs_code)


def eccn_entry(eccn: str) -> str:
    """``5A992.c`` -> ``5A992``; ``EAR99`` stays."""
    return eccn if eccn == "EAR99" else eccn[:5]


def load_split(split: str, directory: Path = CASES_DIR) -> list[RealCase]:
    path = directory / f"{split}.jsonl"
    out = []
    for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        row: dict[str, Any] = json.loads(line)
        try:
            out.append(
                RealCase(
                    id=row["id"],
                    split=row["split"],
                    kind=row["kind"],
                    description=row["description"],
                    eccn=row["eccn"],
                    eu=row["eu"],
                    listed=row["listed"],
                    source=row["source"],
                    everyday=bool(row["everyday"]),
                    hs_code=row.get("hs_code"),
                )
            )
        except KeyError as exc:
            raise ValueError(f"{path}:{n}: missing field {exc}") from exc
    return out


@dataclass(frozen=True)
class Answer:
    verdict: Listed
    eu: tuple[str, ...]  # ranked EU answers ("not listed" or Annex I codes)
    us: tuple[str, ...]  # ranked ECCN entries or EAR99


Answerer = Callable[[RealCase], Answer]


def _dedupe(values: Sequence[str | None]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(v for v in values if v))


def tripline_answerer(classifier: Classifier) -> Answerer:
    def answer(case: RealCase) -> Answer:
        try:
            result = classifier.classify(case.query())
        except InputError:  # an HS code of an older edition than HS 2022: classify without it
            result = classifier.classify(GoodsQuery(description=case.description))
        v = result.verdict
        eu_first = v.eu_code if v.listed is not Listed.NO and v.eu_code else NOT_LISTED
        eu = _dedupe([eu_first] + [c.eu_code for c in result.candidates])
        us = _dedupe([eccn_entry(v.eccn)] + [eccn_entry(c.eccn) for c in result.candidates if c.eccn])
        return Answer(v.listed, eu, us)

    return answer


def constant_answerer(case: RealCase) -> Answer:
    """The trivial baseline: everything is EAR99 and not listed."""
    return Answer(Listed.NO, (NOT_LISTED,), ("EAR99",))


class PlainBM25:
    """The plain-retrieval baseline: Okapi BM25 over each code's EU + CCL text (title and body),
    no vocabulary, no thresholds; the best-scoring code is the answer and the verdict is "yes"
    whenever any code shares a word with the description."""

    def __init__(self, docs: Sequence[CodeDoc]) -> None:
        self.docs = list(docs)
        texts = []
        for d in self.docs:
            parts = [e.title + " " + e.text for e in (d.eu, d.ccl) if e is not None]
            texts.append(tokens(" ".join(parts)))
        self.bm25 = BM25(texts)

    def __call__(self, case: RealCase) -> Answer:
        scores = self.bm25.scores(tokens(case.description))
        ranked = [self.docs[i] for i, _ in sorted(scores.items(), key=lambda p: -p[1])[:3]]
        if not ranked:
            return constant_answerer(case)
        eu = _dedupe([d.eu.code if d.eu else NOT_LISTED for d in ranked])
        us = _dedupe([d.ccl.code if d.ccl else "EAR99" for d in ranked])
        return Answer(Listed.YES, eu, us)


@dataclass
class RealMetrics:
    n: int = 0
    eu_top1: int = 0
    eu_top3: int = 0
    us_top1: int = 0
    us_top3: int = 0
    n_selfclass: int = 0
    selfclass_us_top1: int = 0
    n_listed: int = 0
    false_clears: int = 0
    n_lookalike: int = 0
    lookalike_yes: int = 0
    unknown: int = 0
    cpu_ms: list[float] = field(default_factory=list)
    misses: list[str] = field(default_factory=list)

    def p95_cpu(self) -> float:
        # the same nearest-rank percentile as the project-set bench (tripline.controls.evaluate)
        return Metrics(cpu_ms=self.cpu_ms).percentile(95, cpu=True)

    def summary(self) -> dict[str, float]:
        n = max(self.n, 1)
        return {
            "eu_top1": self.eu_top1 / n,
            "eu_top3": self.eu_top3 / n,
            "us_top1": self.us_top1 / n,
            "us_top3": self.us_top3 / n,
            "selfclass_us_top1": self.selfclass_us_top1 / max(self.n_selfclass, 1),
            "false_clears": self.false_clears / max(self.n_listed, 1),
            "lookalike_yes": self.lookalike_yes / max(self.n_lookalike, 1),
            "unknown": self.unknown / n,
            "cpu_p95_ms": self.p95_cpu(),
        }


def evaluate_real(answerer: Answerer, cases: Sequence[RealCase]) -> RealMetrics:
    m = RealMetrics()
    for case in cases:
        c0 = time.process_time()
        a = answerer(case)
        m.cpu_ms.append((time.process_time() - c0) * 1000)
        m.n += 1
        eu_hit1 = bool(a.eu) and a.eu[0] == case.eu
        us_hit1 = bool(a.us) and a.us[0] == case.eccn_entry
        m.eu_top1 += eu_hit1
        m.eu_top3 += case.eu in a.eu[:3]
        m.us_top1 += us_hit1
        m.us_top3 += case.eccn_entry in a.us[:3]
        m.unknown += a.verdict is Listed.UNKNOWN
        if case.kind == "commercial_selfclass":
            m.n_selfclass += 1
            m.selfclass_us_top1 += us_hit1
        if case.listed == "yes":
            m.n_listed += 1
            if a.verdict is Listed.NO:
                m.false_clears += 1
                m.misses.append(f"{case.id}: FALSE CLEAR (expected {case.eu}/{case.eccn}) {case.description!r}")
        if case.listed == "lookalike":
            m.n_lookalike += 1
            if a.verdict is Listed.YES:
                m.lookalike_yes += 1
                m.misses.append(f"{case.id}: look-alike answered yes {a.eu[:1]}/{a.us[:1]} {case.description!r}")
        if not (eu_hit1 and us_hit1):
            m.misses.append(
                f"{case.id}: expected {case.eu}/{case.eccn}, got {list(a.eu[:3])}/{list(a.us[:3])} ({a.verdict.value})"
            )
    return m
