"""What the commands and routes call: one function per action, with the real capabilities wired in."""

from __future__ import annotations

import csv
import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import structlog

from tripline.cargo import store
from tripline.cargo.demo import generate
from tripline.cargo.engine import Engine, TargetRun, target_file, target_shipments
from tripline.cargo.indicators import IndicatorExtractor, first_shipments
from tripline.cargo.learn import LearnedModel, LearnedScorer, fit
from tripline.cargo.metrics import at_k, at_percent
from tripline.cargo.policy import Policy, load_policy
from tripline.cargo.ports import MatcherFactory, Progress
from tripline.cargo.radiation_bridge import read_findings, write_scans
from tripline.cargo.readers import read_manifest, write_manifest
from tripline.cargo.reference import load_reference
from tripline.cargo.scoring import RuleScorer, Scorer
from tripline.cargo.services import FindingsByContainer, planted_path, scans_path
from tripline.errors import FormatError, InputError, NotFoundError
from tripline.settings import Settings
from tripline.store.db import Database

log = structlog.get_logger(__name__)


def radiation_for(manifest: Path, scans: Path | None = None) -> FindingsByContainer:
    """Adjudicated portal scans of a manifest (``FILE.scans.jsonl`` when present)."""
    path = scans or scans_path(manifest)
    if scans is not None and not path.exists():
        raise NotFoundError("scans file not found", file=path)
    return FindingsByContainer(read_findings(path) if path.exists() else {})


def scorer_for(db: Database | None, policy: Policy, model: str) -> Scorer:
    if model == "rules":
        return RuleScorer(policy)
    if model == "learned":
        learned = store.latest_model(db) if db is not None else None
        if learned is None:
            raise NotFoundError(
                "no learned model: record outcomes and run `tripline outcome learn FILE`", field="model"
            )
        return LearnedScorer(learned)
    raise InputError(f"unknown model {model!r} (rules or learned)", field="model")


def run_target(
    settings: Settings,
    path: Path | str,
    *,
    db: Database | None = None,
    engine: Engine = Engine.LOCAL,
    policy_path: Path | None = None,
    model: str = "rules",
    scans: Path | None = None,
    progress: Progress | None = None,
    matchers: MatcherFactory,
    workers: int = 1,
    authority: str = "",
    master: str = "local[2]",
    out: str | None = None,
    top: int = 50,
    conf: dict[str, str] | None = None,
) -> TargetRun:
    """The ranked, explained queue of a manifest file (shipper history: ``authority``'s own; Spark:
    `path` may be a URL, the queue goes to `out`)."""
    policy = load_policy(policy_path)
    known = store.known_shippers(db, authority=authority) if db is not None else set()
    local = Path(path)
    return target_file(
        path,
        settings=settings,
        policy=policy,
        matchers=matchers,
        radiation=radiation_for(local, scans),
        scorer=scorer_for(db, policy, model),
        engine=engine,
        known_shippers=_known_except(db, local, known, authority),
        progress=progress,
        workers=workers,
        master=master,
        out=out,
        top=top,
        conf=conf,
    )


def _known_except(db: Database | None, path: Path, known: set[str], authority: str = "") -> set[str]:
    """Shippers stored from *other* files (a file loaded and then targeted is not its own history)."""
    if db is None or not known:
        return known
    return store.shippers_outside(db, str(path)[-500:], authority=authority)


def make_demo(settings: Settings, out: Path, shipments: int, seed: int) -> dict[str, Any]:
    """Write a demo manifest, its portal scans and ``FILE.planted.json``."""
    if shipments < 10:
        raise InputError("at least 10 shipments", field="shipments")
    ref = load_reference(settings.data_dir)
    traffic = generate(shipments, seed, ref)
    written = write_manifest(out, traffic.shipments)
    scans = write_scans(scans_path(out), traffic.scans, seed)
    planted = planted_path(out)
    planted.write_text(json.dumps(traffic.planted_document(out), indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    return {
        "manifest": str(out),
        "shipments": written,
        "scans": {"file": str(scans_path(out)), "occupancies": scans},
        "planted": {"file": str(planted), "shipments": [p["bill_of_lading"] for p in traffic.planted]},
        "positives": len(traffic.positives),
    }


def import_outcomes(db: Database, path: Path) -> dict[str, Any]:
    """Record outcomes from a CSV with columns ``bill_of_lading,result[,note]`` (one transaction per row)."""
    recorded = 0
    with path.open("r", encoding="utf-8-sig", newline="") as handle:
        reader = csv.DictReader(handle)
        if not reader.fieldnames or not {"bill_of_lading", "result"} <= set(reader.fieldnames):
            raise FormatError("header must include bill_of_lading,result", file=path, line=1)
        rows = []
        for row in reader:
            try:
                result = store.parse_result(row["result"] or "")
            except InputError as exc:
                raise FormatError(exc.reason, file=path, line=reader.line_num, field="result") from None
            rows.append((row["bill_of_lading"], result, row.get("note") or ""))
    recorded = store.record_outcomes(db, rows, file=path)
    return {"file": str(path), "recorded": recorded}


def outcome_report(
    settings: Settings,
    db: Database,
    path: Path,
    *,
    ks: Sequence[int] = (10, 50, 100),
    percents: Sequence[float] = (1.0, 5.0),
    model: str = "rules",
    policy_path: Path | None = None,
    matchers: MatcherFactory,
) -> dict[str, Any]:
    """Precision and recall of the queue of ``path`` against the outcomes recorded so far."""
    run = run_target(settings, path, db=db, policy_path=policy_path, model=model, matchers=matchers)
    known = store.outcomes(db)
    ranking = [s.bill_of_lading for s in run.ranked]
    in_file = {bl: v for bl, v in known.items() if bl in set(ranking)}
    return {
        "file": str(path),
        "model": model,
        "shipments": len(ranking),
        "outcomes": len(in_file),
        "positives": sum(1 for v in in_file.values() if v),
        "at_k": [at_k(ranking, in_file, k).to_dict() for k in ks],
        "at_percent": [at_percent(ranking, in_file, p).to_dict() for p in percents],
    }


def learn(
    settings: Settings,
    db: Database,
    path: Path,
    *,
    policy_path: Path | None = None,
    l2: float = 1.0,
    matchers: MatcherFactory,
) -> LearnedModel:
    """Fit the learned queue on the outcomes recorded for the shipments of ``path`` and store it."""
    policy = load_policy(policy_path)
    ref = load_reference(settings.data_dir)
    known = store.outcomes(db)
    loaded = read_manifest(path, ref)
    labelled = [s for s in loaded.shipments if s.bill_of_lading in known]
    if not labelled:
        raise NotFoundError("no recorded outcome matches a shipment of this file", file=path)
    screener, classifier = matchers(settings)
    extractor = IndicatorExtractor(policy, ref, screener=screener, classifier=classifier, radiation=radiation_for(path))
    first = first_shipments(loaded.shipments, _known_except(db, path, store.known_shippers(db)))
    features = [extractor.extract(s, first_shipment=s.bill_of_lading in first) for s in labelled]
    model = fit(features, [known[s.bill_of_lading] for s in labelled], l2=l2)
    store.save_model(db, model)
    return model


__all__ = [
    "import_outcomes",
    "learn",
    "make_demo",
    "outcome_report",
    "radiation_for",
    "run_target",
    "scorer_for",
    "target_shipments",
]
