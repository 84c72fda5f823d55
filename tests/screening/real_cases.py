"""Read the real screening evaluation set (``tests/data/screening_real/``) and score it.

Shared by ``bench/screening.py --quality`` and ``tests/screening/test_real_cases.py``. The set
is built by ``tests/data/screening_real/build.py`` from the lists themselves (see
``tests/data/README.md``); nothing in it comes from Tripline's variation rules.

Protocol (the same for every matcher, see ``bench/README.md``):

- a case with a ``target`` (positives, and negatives that pair two different listed entries)
  is the query scored against that one entity, without the names in ``drop`` (the query's own
  name when the query came from the same entry);
- a case with ``candidates`` (an unlisted name) is the query scored against each of the listed
  entities a neutral word-overlap blocker chose at build time; its score is the best of them;
- a case is a hit when its score reaches the matcher's threshold.
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from tripline.lists.model import ListedEntity
from tripline.screening.result import ScreeningQuery
from tripline.screening.screener import Screener

REAL_DIR = Path(__file__).resolve().parents[1] / "data" / "screening_real"
NAME_PROPS = ("name", "alias", "weakAlias", "previousName")
POSITIVE_KINDS = ("cross_list", "alias", "script", "initials", "numerals", "partial", "short_name", "acronym")
VARIANT_KINDS = ("title", "given_name", "numbering", "joined")  # variants.jsonl, all positive
LISTED_NEGATIVE_KINDS = ("lookalike_negative", "family_negative", "cjk_negative")
UNLISTED_KINDS = ("common_name_negative", "company_negative")
KINDS = POSITIVE_KINDS + LISTED_NEGATIVE_KINDS + UNLISTED_KINDS


@dataclass(frozen=True)
class RealCase:
    id: str
    split: str
    kind: str
    origin: str
    label: bool
    query: ScreeningQuery
    entity_ids: tuple[str, ...]  # the target variant, or the candidates of an unlisted name
    raw: dict[str, Any]


def load_entities(path: Path = REAL_DIR / "entities.jsonl") -> dict[str, dict[str, Any]]:
    """The entries the cases score against (with those only ``variants.jsonl`` needs)."""
    out: dict[str, dict[str, Any]] = {}
    for file in (path, path.with_name("variants_entities.jsonl")):
        if file == path or file.exists():
            with open(file, encoding="utf-8") as fh:
                out.update((rec["entity_id"], rec) for rec in map(json.loads, fh))
    return out


def load_raw(split: str, *, variants: bool = False) -> list[dict[str, Any]]:
    """The cases of one split: the main set, or with ``variants`` the variant-kind set
    (``variants.jsonl``: titles, given names, numbering, joined words), kept apart so that the
    main figures stay comparable from run to run."""
    if variants:
        with open(REAL_DIR / "variants.jsonl", encoding="utf-8") as fh:
            return [case for case in map(json.loads, fh) if case["split"] == split]
    with open(REAL_DIR / f"{split}.jsonl", encoding="utf-8") as fh:
        return [json.loads(line) for line in fh]


def _listed(record: dict[str, Any], entity_id: str, drop: Iterable[str]) -> ListedEntity:
    dropped = set(drop)
    props = {k: [v for v in vs if v not in dropped] for k, vs in record["properties"].items()}
    props = {k: vs for k, vs in props.items() if vs}
    if not props.get("name"):  # the entry's only primary name was the query: its first other name leads
        rest = [n for key in NAME_PROPS[1:] for n in props.get(key, [])]
        props["name"] = rest[:1]
    return ListedEntity(
        entity_id=entity_id,
        source_id=record["list"],
        entry_id=record["entry_id"],
        schema=record["schema"],
        caption=props["name"][0],
        properties=props,
        snapshot_id=0,
    )


def load(
    splits: Iterable[str] = ("dev", "test"), *, variants: bool = False
) -> tuple[list[RealCase], dict[str, ListedEntity]]:
    """The cases of ``splits`` and every entity they are scored against (target variants
    without their dropped names get their own id ``<entity id>~<case id>``)."""
    records = load_entities()
    cases: list[RealCase] = []
    entities: dict[str, ListedEntity] = {}
    for split in splits:
        for raw in load_raw(split, variants=variants):
            q = raw["query"]
            query = ScreeningQuery.build(
                q["name"], country=q.get("country"), birth_date=q.get("birth_date"), schema=q.get("schema")
            )
            if raw.get("target"):
                target = raw["target"]
                eid = target["entity_id"] if not target["drop"] else f"{target['entity_id']}~{raw['id']}"
                entities[eid] = _listed(records[target["entity_id"]], eid, target["drop"])
                ids: tuple[str, ...] = (eid,)
            else:
                ids = tuple(raw["candidates"])
                for eid in ids:
                    entities.setdefault(eid, _listed(records[eid], eid, ()))
            cases.append(RealCase(raw["id"], raw["split"], raw["kind"], raw["origin"], raw["label"], query, ids, raw))
    return cases, entities


def bundled_entities() -> dict[str, ListedEntity]:
    """Every bundled list parsed by Tripline's own parsers (as ``tripline lists load`` does;
    an entity id given twice is merged), without a database."""
    from tripline.lists.formats import FORMATS
    from tripline.lists.model import LoadReport
    from tripline.lists.sources import BUNDLED_SOURCES, load_sources_file, source_paths
    from tripline.settings import Settings

    data_dir = Settings().data_dir
    out: dict[str, ListedEntity] = {}
    for spec in load_sources_file(BUNDLED_SOURCES):
        for entry in FORMATS[spec.format].parse(source_paths(spec, data_dir), spec, LoadReport()):
            proxy = entry.entity
            assert proxy.id is not None
            props: dict[str, list[str]] = proxy.to_dict()["properties"]
            seen = out.get(proxy.id)
            if seen is not None:
                merged = dict(seen.properties)
                for key, values in props.items():
                    merged[key] = list(dict.fromkeys(merged.get(key, []) + values))
                props = merged
            out[proxy.id] = ListedEntity(
                entity_id=proxy.id,
                source_id=spec.id,
                entry_id=entry.entry_id,
                schema=proxy.schema.name,
                caption=proxy.caption,
                properties=props,
                snapshot_id=0,
            )
    return out


# --- the trivial baseline ------------------------------------------------------------------


def normalised_key(name: str) -> str:
    """Case, accents, punctuation and word order removed: what an exact-match list check does."""
    folded = "".join(c for c in unicodedata.normalize("NFKD", name) if not unicodedata.combining(c)).casefold()
    return " ".join(sorted(re.findall(r"\w+", folded)))


def exact_scorer(entities: dict[str, ListedEntity]) -> Callable[[ScreeningQuery, str], float]:
    keys = {
        eid: {normalised_key(n) for p in NAME_PROPS for n in e.properties.get(p, [])} for eid, e in entities.items()
    }

    def score(query: ScreeningQuery, entity_id: str) -> float:
        return 1.0 if normalised_key(query.name) in keys[entity_id] else 0.0

    return score


# --- figures -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Figures:
    tp: int
    fp: int
    fn: int
    tn: int
    recall_by_kind: dict[str, tuple[int, int]]  # kind -> (hits, cases)
    hits_by_negative_kind: dict[str, tuple[int, int]]

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 0.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 0.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    def false_hit_rate(self, kinds: Iterable[str]) -> float:
        hits = sum(self.hits_by_negative_kind.get(k, (0, 0))[0] for k in kinds)
        total = sum(self.hits_by_negative_kind.get(k, (0, 0))[1] for k in kinds)
        return hits / total if total else 0.0


def figures(cases: Iterable[RealCase], scores: dict[str, float], threshold: float) -> Figures:
    """Confusion counts of one matcher: ``scores`` maps case id to the case's score."""
    tp = fp = fn = tn = 0
    pos: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    neg: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for case in cases:
        hit = scores[case.id] >= threshold
        bucket = pos if case.label else neg
        bucket[case.kind][0] += hit
        bucket[case.kind][1] += 1
        if case.label:
            tp, fn = tp + hit, fn + (not hit)
        else:
            fp, tn = fp + hit, tn + (not hit)
    return Figures(tp, fp, fn, tn, {k: (v[0], v[1]) for k, v in pos.items()}, {k: (v[0], v[1]) for k, v in neg.items()})


def case_scores(cases: Iterable[RealCase], pair_score: Callable[[ScreeningQuery, str], float]) -> dict[str, float]:
    """Each case's score: against its target, or the best over its candidates."""
    return {c.id: max((pair_score(c.query, eid) for eid in c.entity_ids), default=0.0) for c in cases}


def tripline_figures(split: str, threshold: float) -> Figures:
    """Tripline's screener on one split of the real cases, each case scored against its own
    targets only (the screener holds the split's entities)."""
    cases, entities = load((split,))
    screener = Screener(list(entities.values()))

    def score(query: ScreeningQuery, eid: str) -> float:
        match = screener.score_entity(query, eid)
        return match.score if match else 0.0

    return figures(cases, case_scores(cases, score), threshold)
