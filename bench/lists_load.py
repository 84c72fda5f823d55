"""Benchmark: load every bundled watch list into SQLite and PostgreSQL; time and peak memory.

Each measurement runs in its own subprocess (peak RSS from ``resource.getrusage``), so runs do
not share caches or memory. The baseline, measured in the same run, is parsing every list
without storing anything: the difference is what storage costs. Also measured: reloading the
same files (must be a no-op) and the storage layout (entity versions shared between snapshots
versus a copy per snapshot).

    .venv/bin/python bench/lists_load.py            # all bundled lists
    .venv/bin/python bench/lists_load.py --quick    # two small lists
    scripts/with-postgres.sh .venv/bin/python bench/lists_load.py   # adds PostgreSQL

PostgreSQL is measured when ``TRIPLINE_TEST_POSTGRES_URL`` names a server (a fresh database is
created and dropped there).
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
QUICK = ("un_sc", "us_ofac_cons")


def _child(mode: str, url: str | None, only: list[str]) -> dict[str, Any]:
    from sqlalchemy import func, select

    from tripline.lists.formats import FORMATS
    from tripline.lists.loader import LoadStatus, bundled_specs
    from tripline.lists.model import LoadReport
    from tripline.lists.models import ListEntityVersion, ListMember, ListSnapshot
    from tripline.lists.service import load_bundled
    from tripline.lists.sources import source_paths
    from tripline.settings import Settings
    from tripline.store.db import Database

    tmp = Path(tempfile.mkdtemp(prefix="bench-lists-"))
    settings = Settings(var_dir=tmp, database_url=url)
    out: dict[str, Any] = {}
    started = time.perf_counter()
    if mode == "parse":
        entities = 0
        t0, c0 = time.perf_counter(), time.process_time()
        for spec in bundled_specs(settings, only):
            report = LoadReport()
            entities += sum(1 for _ in FORMATS[spec.format].parse(source_paths(spec, settings.data_dir), spec, report))
        out["entities"] = entities
        out["load_seconds"] = time.perf_counter() - t0
        out["load_cpu_seconds"] = time.process_time() - c0
    else:
        db = Database.from_settings(settings)
        db.upgrade()
        t0, c0 = time.perf_counter(), time.process_time()
        results = load_bundled(db, settings, only=only)
        out["load_seconds"] = time.perf_counter() - t0
        out["load_cpu_seconds"] = time.process_time() - c0
        out["entities"] = sum(r.snapshot.entity_count for r in results)
        t1 = time.perf_counter()
        again = load_bundled(db, settings, only=only)
        out["reload_seconds"] = time.perf_counter() - t1
        out["reload_all_unchanged"] = all(r.status is LoadStatus.UNCHANGED for r in again)
        if mode == "sqlite-versions":
            out.update(_versions(db, settings))
        with db.transaction() as s:
            out["snapshots"] = s.scalar(select(func.count()).select_from(ListSnapshot))
            out["entity_rows"] = s.scalar(select(func.count()).select_from(ListEntityVersion))
            out["member_rows"] = s.scalar(select(func.count()).select_from(ListMember))
        db.dispose()
        if url is None:
            out["db_bytes"] = sum(p.stat().st_size for p in tmp.glob("tripline.db*"))
    out["seconds"] = time.perf_counter() - started
    usage = resource.getrusage(resource.RUSAGE_SELF)
    out["cpu_seconds"] = usage.ru_utime + usage.ru_stime  # this process only (not the PostgreSQL server)
    out["peak_rss_mib"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return out


def _versions(db: Any, settings: Any) -> dict[str, Any]:
    """Two further versions: a real one (the 2023 partial CSL as version 2 of the 2022 CSL) and
    a small change by rule (OFAC SDN without its last 10 primary rows, i.e. 10 delistings)."""
    import gzip
    from dataclasses import replace

    from sqlalchemy import func, select

    from tripline.lists.loader import bundled_specs
    from tripline.lists.models import ListEntityVersion
    from tripline.lists.service import load_files
    from tripline.lists.sources import source_paths

    def rows() -> int:
        with db.transaction() as s:
            return int(s.scalar(select(func.count()).select_from(ListEntityVersion)) or 0)

    out: dict[str, Any] = {}
    specs = {s.id: s for s in bundled_specs(settings)}
    newer = specs["us_csl_2023_subset"]
    before = rows()
    result = load_files(db, replace(specs["us_csl"], files=newer.files), source_paths(newer, settings.data_dir))
    out["csl_v2"] = {"entities": result.snapshot.entity_count, "new_entity_rows": rows() - before}
    sdn = specs["us_ofac_sdn"]
    paths = source_paths(sdn, settings.data_dir)
    lines = gzip.decompress(paths[0].read_bytes()).splitlines(keepends=True)
    cut = settings.var_dir / "sdn.csv"
    body = [ln for ln in lines if ln.strip(b"\x1a\r\n")]
    cut.write_bytes(b"".join(body[:-10]))
    before = rows()
    result = load_files(db, sdn, [cut, *paths[1:]])
    out["sdn_minus_10"] = {"entities": result.snapshot.entity_count, "new_entity_rows": rows() - before}
    return out


def _run(mode: str, url: str | None, only: list[str]) -> dict[str, Any]:
    cmd = [sys.executable, __file__, "--child", mode, *[a for o in only for a in ("--only", o)]]
    if url:
        cmd += ["--url", url]
    env = dict(os.environ, TRIPLINE_LOG_LEVEL="WARNING")
    proc = subprocess.run(cmd, cwd=REPO, env=env, capture_output=True, text=True, check=False)
    if proc.returncode != 0:
        raise SystemExit(f"{mode} failed:\n{proc.stderr[-3000:]}")
    return dict(json.loads(proc.stdout.strip().splitlines()[-1]))


def _postgres_db() -> tuple[str, Any] | None:
    admin = os.environ.get("TRIPLINE_TEST_POSTGRES_URL")
    if not admin:
        return None
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    name = f"bench_{uuid.uuid4().hex[:10]}"
    engine = create_engine(admin, isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))

    def drop() -> None:
        with engine.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        engine.dispose()

    return make_url(admin).set(database=name).render_as_string(hide_password=False), drop


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help=f"only {', '.join(QUICK)}")
    parser.add_argument("--only", action="append", default=[], help="only this list id (repeatable)")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    parser.add_argument("--url", help=argparse.SUPPRESS)
    args = parser.parse_args()
    only = list(args.only) or (list(QUICK) if args.quick else [])
    if args.child:
        print(json.dumps(_child(args.child, args.url, only)))
        return

    rows: list[tuple[str, dict[str, Any]]] = [("parse only (baseline)", _run("parse", None, only))]
    rows.append(("SQLite", _run("sqlite" if only else "sqlite-versions", None, only)))
    pg = _postgres_db()
    if pg is not None:
        url, drop = pg
        try:
            rows.append(("PostgreSQL", _run("postgresql", url, only)))
        finally:
            drop()
    base = rows[0][1]["load_cpu_seconds"]
    print(f"lists: {'all bundled lists' if not only else ', '.join(only)}; {os.cpu_count()} cores")
    print("work: parsing (baseline) or loading, without start-up, wall and CPU seconds of this process;")
    print("vs base: work CPU against the baseline's; reload: the same files again (wall s)")
    print(f"{'run':<24}{'entities':>10}{'work s':>9}{'work CPU':>10}{'vs base':>9}{'reload s':>10}{'peak MiB':>10}")
    for name, r in rows:
        reload = r.get("reload_seconds")
        print(
            f"{name:<24}{r['entities']:>10}{r['load_seconds']:>9.1f}{r['load_cpu_seconds']:>10.1f}"
            f"{r['load_cpu_seconds'] / base:>8.2f}x"
            f"{(f'{reload:.2f}' if reload is not None else '-'):>10}{r['peak_rss_mib']:>10.0f}"
        )
    for name, r in rows[1:]:
        print(
            f"{name}: reload of the same files unchanged: {r['reload_all_unchanged']}; snapshots {r['snapshots']}, "
            f"entity versions stored {r['entity_rows']} (a copy per snapshot: {r['member_rows']}), "
            f"membership rows {r['member_rows']}"
            + (f", database {r['db_bytes'] / 1048576:.1f} MiB" if "db_bytes" in r else "")
        )
        for key, label in (
            ("csl_v2", "2023 CSL as version 2 of us_csl"),
            ("sdn_minus_10", "SDN minus 10 entries as v2"),
        ):
            if key in r:
                v = r[key]
                new = v["new_entity_rows"]
                print(f"  {label}: {v['entities']} entities, {new} new entity rows (a copy: {v['entities']})")
    if pg is None:
        print("PostgreSQL: not measured (set TRIPLINE_TEST_POSTGRES_URL or run through scripts/with-postgres.sh)")


if __name__ == "__main__":
    main()
