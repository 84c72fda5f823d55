"""The cargo services: what the commands, routes and pages call, one function per action.

Each service owns its transaction: it opens ``db.transaction()`` around the
:mod:`tripline.cargo.store` functions (which take that session and never open one), reads files
and computes outside it, so a write lock is held only while rows are read or written. The
edges (CLI, API, console) call these and open no transaction themselves.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import Any

import structlog
from sqlalchemy.orm import Session

from tripline.cargo import store
from tripline.cargo.demo import generate
from tripline.cargo.engine import Engine, TargetRun, target_file, target_shipments
from tripline.cargo.indicators import IndicatorExtractor, first_shipments
from tripline.cargo.learn import LearnedModel, LearnedScorer, fit
from tripline.cargo.metrics import at_k, at_percent
from tripline.cargo.model import Shipment
from tripline.cargo.policy import Policy, load_policy
from tripline.cargo.ports import MatcherFactory, Progress
from tripline.cargo.radiation_bridge import read_findings, write_scans
from tripline.cargo.readers import read_manifest, write_manifest
from tripline.cargo.reference import ReferenceData, load_reference
from tripline.cargo.scoring import RuleScorer, Scorer
from tripline.cargo.services import FindingsByContainer, planted_path, scans_path
from tripline.cargo.store import LoadSummary, OutcomeResult
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


def scorer_for(policy: Policy, model: str, learned: LearnedModel | None) -> Scorer:
    """The scorer of ``model`` (``rules`` or ``learned``; ``learned``: the latest stored model)."""
    if model == "rules":
        return RuleScorer(policy)
    if model == "learned":
        if learned is None:
            raise NotFoundError(
                "no learned model: record outcomes and run `tripline outcome learn FILE`", field="model"
            )
        return LearnedScorer(learned)
    raise InputError(f"unknown model {model!r} (rules or learned)", field="model")


def _history(session: Session, path: Path, authority: str) -> set[str]:
    """Shippers stored from *other* files (a file loaded and then targeted is not its own history)."""
    if not store.known_shippers(session, authority=authority):
        return set()
    return store.shippers_outside(session, str(path)[-500:], authority=authority)


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
    keep: int | None = None,
) -> TargetRun:
    """The ranked, explained queue of a manifest file (shipper history: ``authority``'s own; Spark:
    `path` may be a URL, the queue goes to `out`). The stored history and model are read in one
    short transaction; the queue is built after it."""
    policy = load_policy(policy_path)
    local = Path(path)
    known: set[str] = set()
    learned: LearnedModel | None = None
    if db is not None:
        with db.transaction() as session:
            known = _history(session, local, authority)
            learned = store.latest_model(session) if model == "learned" else None
    return target_file(
        path,
        settings=settings,
        policy=policy,
        matchers=matchers,
        radiation=radiation_for(local, scans),
        scorer=scorer_for(policy, model, learned),
        engine=engine,
        known_shippers=known,
        progress=progress,
        workers=workers,
        master=master,
        out=out,
        top=top,
        conf=conf,
        keep=keep,
    )


def load_manifest(
    db: Database,
    path: Path,
    ref: ReferenceData,
    *,
    authority: str = "",
    source_file: str | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> LoadSummary:
    """Validate a manifest and store its good shipments for ``authority`` in one transaction.

    Rows that fail validation, or whose bill of lading that authority already stored, are reported
    and skipped; if the database fails, nothing of the file is stored. The file is read and
    validated before the transaction opens. ``source_file``: the name the rows record (default
    ``path``), for a file read under a temporary name and renamed once the rows are committed.
    ``progress(done, total)`` is called as the checked rows are stored.
    """
    result = read_manifest(path, ref)
    with db.transaction() as session:
        summary = store.add_shipments(
            session, path, result, authority=authority, source_file=source_file, progress=progress
        )
    log.info("manifest loaded", file=str(path), loaded=summary.loaded, rejected=len(summary.errors))
    return summary


def forget_source(db: Database, source_file: str, *, authority: str = "") -> int:
    """Delete ``authority``'s shipments stored from ``source_file`` (an upload that never completed)."""
    with db.transaction() as session:
        removed = store.forget_source(session, source_file, authority=authority)
    if removed:
        log.warning("orphaned manifest rows removed", source=source_file, shipments=removed)
    return removed


def stored_shipments(db: Database, bills: Iterable[str] | None = None, *, authority: str = "") -> list[Shipment]:
    """``authority``'s stored shipments (those of ``bills`` when given), in load order."""
    with db.transaction() as session:
        return store.stored_shipments(session, bills, authority=authority)


def known_shippers(db: Database, *, authority: str = "") -> set[str]:
    with db.transaction() as session:
        return store.known_shippers(session, authority=authority)


def shippers_outside(db: Database, source_file: str, *, authority: str = "") -> set[str]:
    with db.transaction() as session:
        return store.shippers_outside(session, source_file, authority=authority)


def record_outcome(
    db: Database, bill_of_lading: str, result: OutcomeResult, note: str = "", *, authority: str = ""
) -> dict[str, Any]:
    """Record an inspection outcome for a shipment ``authority`` stored (the latest outcome counts)."""
    with db.transaction() as session:
        return store.record_outcome(session, bill_of_lading, result, note, authority=authority)


def record_outcomes(
    db: Database, rows: Iterable[tuple[str, OutcomeResult, str]], *, file: Path | None = None, authority: str = ""
) -> int:
    """Record many outcomes in one transaction; an unknown bill of lading rejects the whole batch."""
    with db.transaction() as session:
        return store.record_outcomes(session, rows, file=file, authority=authority)


def outcomes(db: Database, *, authority: str = "") -> dict[str, bool]:
    """Latest outcome per bill of lading of ``authority``: True if seized or referred."""
    with db.transaction() as session:
        return store.outcomes(session, authority=authority)


def save_model(db: Database, model: LearnedModel) -> int:
    with db.transaction() as session:
        return store.save_model(session, model)


def latest_model(db: Database) -> LearnedModel | None:
    with db.transaction() as session:
        return store.latest_model(session)


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
    """Record outcomes from a CSV with columns ``bill_of_lading,result[,note]`` (one transaction, all or nothing)."""
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
    recorded = record_outcomes(db, rows, file=path)
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
    known = outcomes(db)
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
    """Fit the learned queue on the outcomes recorded for the shipments of ``path`` and store it
    (the outcomes and history are read in one transaction, the model stored in another; the fit
    runs between them, holding none)."""
    policy = load_policy(policy_path)
    ref = load_reference(settings.data_dir)
    with db.transaction() as session:
        known = store.outcomes(session)
        history = _history(session, path, "")
    loaded = read_manifest(path, ref)
    labelled = [s for s in loaded.shipments if s.bill_of_lading in known]
    if not labelled:
        raise NotFoundError("no recorded outcome matches a shipment of this file", file=path)
    screener, classifier = matchers(settings)
    extractor = IndicatorExtractor(policy, ref, screener=screener, classifier=classifier, radiation=radiation_for(path))
    first = first_shipments(loaded.shipments, history)
    features = [extractor.extract(s, first_shipment=s.bill_of_lading in first) for s in labelled]
    model = fit(features, [known[s.bill_of_lading] for s in labelled], l2=l2)
    save_model(db, model)
    return model


__all__ = [
    "forget_source",
    "import_outcomes",
    "known_shippers",
    "latest_model",
    "learn",
    "load_manifest",
    "make_demo",
    "outcome_report",
    "outcomes",
    "radiation_for",
    "record_outcome",
    "record_outcomes",
    "run_target",
    "save_model",
    "scorer_for",
    "shippers_outside",
    "stored_shipments",
    "target_shipments",
]
