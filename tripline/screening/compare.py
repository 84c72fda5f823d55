"""Score two names directly (``tripline compare``): the scorer screening uses, explained."""

from __future__ import annotations

import csv
import json
from collections.abc import Iterator
from pathlib import Path
from typing import IO

from tripline.errors import FormatError, InputError
from tripline.screening.result import DEFAULT_THRESHOLD, Comparison
from tripline.screening.scorer import NameScorer


def compare(
    a: str, b: str, schema: str | None = None, *, scorer: NameScorer | None = None, threshold: float = DEFAULT_THRESHOLD
) -> Comparison:
    """Score name `a` against name `b` (`schema` "Person" keeps words that look like legal forms)."""
    if not a.strip() or not b.strip():
        raise InputError("both names must be non-empty", field="name_a" if not a.strip() else "name_b")
    scorer = scorer or NameScorer()
    result = scorer.compare_names(a, b, person=schema == "Person")
    explanation = [f"{a!r} ~ {b!r}: {result.describe()}", f"score {result.score:.2f} (match at {threshold:g})"]
    return Comparison(score=result.score, match=result.score >= threshold, explanation=tuple(explanation))


def compare_pairs(path: Path, out: IO[str], *, scorer: NameScorer | None = None) -> int:
    """Read a CSV of pairs (`name_a,name_b[,schema]`), write one JSON line per pair; returns the count."""
    scorer = scorer or NameScorer()
    count = 0
    for line, name_a, name_b, schema in _pairs(path):
        try:
            comparison = compare(name_a, name_b, schema, scorer=scorer)
        except InputError as exc:
            raise InputError(exc.reason, file=path, line=line, field=exc.field) from exc
        payload = {"name_a": name_a, "name_b": name_b, **comparison.to_dict()}
        if schema:
            payload["schema"] = schema
        out.write(json.dumps(payload, ensure_ascii=False) + "\n")
        count += 1
    return count


def _pairs(path: Path) -> Iterator[tuple[int, str, str, str | None]]:
    if not path.is_file():
        raise InputError("no such file", file=path)
    with open(path, encoding="utf-8-sig", newline="") as fh:
        reader = csv.DictReader(fh)
        fields = reader.fieldnames or []
        for column in ("name_a", "name_b"):
            if column not in fields:
                raise FormatError(f"missing column {column!r} (have: {', '.join(fields)})", file=path, line=1)
        for row in reader:
            schema = (row.get("schema") or "").strip() or None
            yield reader.line_num, row.get("name_a") or "", row.get("name_b") or "", schema
