"""Where the demo queue puts its planted seed cases, and what the rules' actions are.

Builds demo traffic (``tripline demo manifest``: shipments, portal scans, planted seed cases,
ground truth), loads real watch lists (OFAC SDN and UN SC by default) and targets it with the
local engine and the bundled policy. Prints each planted scenario's rank, score and reasons, the
action mix, how often each indicator scores, and how many of the top k are positives of the
demo's ground truth. The traffic and its ground truth come from the project's own generator
(``tripline.cargo.demo.GROUND_TRUTH_RULES``): a regression view of the rules, not an evaluation.

    .venv/bin/python bench/target_queue.py                       # 10,000 shipments, seed 1
    .venv/bin/python bench/target_queue.py --var /tmp/tq --top 20  # keep the lists database and demo
"""

from __future__ import annotations

import argparse
import collections
import json
import tempfile
import time
from pathlib import Path

from tripline.cargo.engine import target_file
from tripline.cargo.policy import load_policy
from tripline.cargo.run import make_demo, radiation_for
from tripline.lists.service import load_bundled
from tripline.runtime import Runtime
from tripline.settings import Settings
from tripline.store.db import Database


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--shipments", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--lists", default="us_ofac_sdn,un_sc")
    parser.add_argument("--var", type=Path, help="folder kept between runs (lists database, demo files)")
    parser.add_argument("--top", type=int, default=20, help="queue rows printed with their reasons")
    parser.add_argument("--json", type=Path, help="write the whole queue here")
    args = parser.parse_args()
    root = args.var or Path(tempfile.mkdtemp(prefix="tripline-bench-queue-"))
    root.mkdir(parents=True, exist_ok=True)
    settings = Settings(var_dir=root / "var", log_level="WARNING")
    db = Database.from_settings(settings)
    marker = root / f"lists-{args.lists.replace(',', '+')}"
    if not marker.exists():
        db.upgrade()
        load_bundled(db, settings, only=[x for x in args.lists.split(",") if x])
        marker.write_text("loaded\n")
    demo = root / f"demo-{args.shipments}-{args.seed}.csv"
    if not demo.exists():
        make_demo(settings, demo, args.shipments, args.seed)
    matchers = Runtime(settings, db).matchers()
    started = time.perf_counter()
    run = target_file(
        demo, settings=settings, policy=load_policy(), matchers=lambda _s: matchers, radiation=radiation_for(demo)
    )
    seconds = time.perf_counter() - started
    planted = json.loads(demo.with_name(demo.name + ".planted.json").read_text(encoding="utf-8"))
    positives = {p["bill_of_lading"]: p["why"] for p in planted["ground_truth"]["positives"]}
    by_bl = {s.bill_of_lading: s for s in run.ranked}
    print(
        f"\n{run.shipments:,} shipments (demo seed {args.seed}), {len(positives)} positives; "
        f"targeted in {seconds:.0f} s"
    )
    print("\nplanted scenario                               rank   score  action")
    for p in planted["planted"]:
        s = by_bl[p["bill_of_lading"]]
        print(f"{p['scenario']:<45} {s.rank:>5} {s.score:>7.1f}  {s.action.value}")
    actions = collections.Counter(s.action.value for s in run.ranked)
    inspected = [s for s in run.ranked if s.action.value == "inspect"]
    print(
        f"\nactions: inspect {actions['inspect']}, review {actions['review']}, release {actions['release']}; "
        f"positives among 'inspect': {sum(s.bill_of_lading in positives for s in inspected)}"
    )
    for k in (10, 20, 50, 100, 200):
        print(f"positives in the top {k}: {sum(s.bill_of_lading in positives for s in run.ranked[:k])}")
    scoring = collections.Counter(r.indicator for s in run.ranked for r in s.reasons)
    print("\nshipments each indicator scores on (positives among them):")
    for indicator, n in scoring.most_common():
        hits = sum(
            1 for s in run.ranked if s.bill_of_lading in positives and any(r.indicator == indicator for r in s.reasons)
        )
        print(f"  {indicator:40} {n:>6} ({hits})")
    print(f"\ntop {args.top}:")
    for s in run.ranked[: args.top]:
        print(
            f"#{s.rank} {s.bill_of_lading} {s.score:.1f} {s.action.value} "
            f"[{positives.get(s.bill_of_lading, 'negative')}]"
        )
        for r in s.reasons:
            print(f"    {r.points:6.2f} {r.indicator}: {r.detail[:160]}")
    if args.json:
        args.json.write_text(json.dumps([s.to_dict() for s in run.ranked]), encoding="utf-8")
    db.dispose()


if __name__ == "__main__":
    main()
