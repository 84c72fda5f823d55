"""Accuracy of a classifier on labelled goods cases (``tests/data/goods_cases.jsonl``)."""

from __future__ import annotations

import json
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tripline.controls.classify import Classifier
from tripline.controls.schema import GoodsQuery, Listed
from tripline.errors import FormatError

QUERY_FIELDS = ("description", "hs_code", "params", "end_use", "end_user", "destination")


@dataclass(frozen=True)
class GoodsCase:
    id: str
    query: GoodsQuery
    expected: tuple[str, ...]
    controlled: bool
    catch_all: bool
    kind: str


def load_cases(path: Path) -> list[GoodsCase]:
    out = []
    for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        try:
            row: dict[str, Any] = json.loads(line)
            query = GoodsQuery(**{k: row[k] for k in QUERY_FIELDS if k in row})
            out.append(
                GoodsCase(
                    row["id"],
                    query,
                    tuple(row["expected"]),
                    bool(row["controlled"]),
                    bool(row["catch_all"]),
                    row["kind"],
                )
            )
        except (ValueError, KeyError) as exc:
            raise FormatError(f"bad goods case: {exc}", file=path, line=n) from exc
    return out


@dataclass
class Metrics:
    n_controlled: int = 0
    top1: int = 0
    top3: int = 0
    detected: int = 0  # controlled cases whose verdict is "yes" or "unknown"
    n_uncontrolled: int = 0
    false_positives: int = 0  # uncontrolled cases whose verdict is not "no"
    catch_all_expected: int = 0
    catch_all_right: int = 0
    latencies_ms: list[float] = field(default_factory=list)  # wall clock
    cpu_ms: list[float] = field(default_factory=list)  # process CPU time (robust to a busy machine)
    misses: list[str] = field(default_factory=list)

    def percentile(self, p: float, cpu: bool = False) -> float:
        values = sorted(self.cpu_ms if cpu else self.latencies_ms)
        if not values:
            return 0.0
        k = min(len(values) - 1, max(0, round(p / 100 * (len(values) - 1))))
        return values[k]

    def summary(self) -> dict[str, float]:
        c = max(self.n_controlled, 1)
        return {
            "top1": self.top1 / c,
            "top3": self.top3 / c,
            "detected": self.detected / c,
            "false_positive_rate": self.false_positives / max(self.n_uncontrolled, 1),
            "catch_all": self.catch_all_right / max(self.catch_all_expected, 1),
            "p50_ms": self.percentile(50),
            "p95_ms": self.percentile(95),
            "cpu_p50_ms": self.percentile(50, cpu=True),
            "cpu_p95_ms": self.percentile(95, cpu=True),
        }


def evaluate(classifier: Classifier, cases: list[GoodsCase]) -> Metrics:
    m = Metrics()
    for case in cases:
        t0, c0 = time.perf_counter(), time.process_time()
        result = classifier.classify(case.query)
        m.latencies_ms.append((time.perf_counter() - t0) * 1000)
        m.cpu_ms.append((time.process_time() - c0) * 1000)
        codes = [c.code for c in result.candidates]
        if case.controlled:
            m.n_controlled += 1
            hit1 = bool(codes) and codes[0] in case.expected
            m.top1 += hit1
            m.top3 += any(c in case.expected for c in codes[:3])
            m.detected += result.verdict.listed is not Listed.NO
            if result.verdict.listed is Listed.NO:
                m.misses.append(f"{case.id} {case.query.description!r}: controlled but verdict 'no' ({codes[:1]})")
            if not hit1:
                m.misses.append(f"{case.id} {case.query.description!r}: expected {case.expected}, got {codes[:3]}")
        else:
            m.n_uncontrolled += 1
            if result.verdict.listed is not Listed.NO:
                m.false_positives += 1
                m.misses.append(
                    f"{case.id} {case.query.description!r}: false positive {result.verdict.listed.value} {codes[:1]}"
                )
        if case.catch_all:
            m.catch_all_expected += 1
            m.catch_all_right += result.verdict.catch_all
    return m
