"""What the REST API costs on top of the library: screening through `POST /api/screen` and
yente's `POST /match/default` (token auth, validation, JSON) against calling
`tripline.screening.service.screen` directly, in the same process on the same lists.

    .venv/bin/python bench/console_api.py            # OFAC SDN (bundled), 300 queries
    .venv/bin/python bench/console_api.py --quick    # the test slice of the SDN, 60 queries

The app is called in-process over ASGI (starlette's test client), so the figures are the
framework's and Tripline's own cost, without a network.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
import warnings
from collections.abc import Callable
from pathlib import Path

from tripline.settings import REPO_DIR, Settings


def _time(calls: list[Callable[[], object]]) -> tuple[float, float, float]:
    samples = []
    for call in calls:
        start = time.perf_counter()
        call()
        samples.append((time.perf_counter() - start) * 1000)
    samples.sort()
    return statistics.median(samples), samples[int(len(samples) * 0.95) - 1], len(samples) / (sum(samples) / 1000)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="small list slice, fewer queries")
    args = parser.parse_args()

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        from fastapi.testclient import TestClient

    sys.path.insert(0, str(REPO_DIR))  # the test slice of the SDN and its loader live in tests/
    from tests.api.harness import load_sdn_slice
    from tripline.api.app import create_app
    from tripline.auth.roles import Role
    from tripline.auth.service import create_user, issue_token
    from tripline.lists.loader import load_bundled
    from tripline.lists.store import current_entities
    from tripline.screening.result import ScreeningQuery
    from tripline.screening.service import ScreenerCache, screen
    from tripline.store.db import Database

    with tempfile.TemporaryDirectory() as tmp:
        settings = Settings(var_dir=Path(tmp) / "var", database_url=None, data_dir=REPO_DIR / "data")
        db = Database.from_settings(settings)
        db.upgrade()
        if args.quick:
            load_sdn_slice(db)
        else:
            load_bundled(db, settings, only=["us_ofac_sdn"])
        with db.transaction() as session:
            names = [e.caption for e in current_entities(session)]
        n = 60 if args.quick else 300
        queries = [names[(i * 7919) % len(names)] for i in range(n)]
        create_user(db, "bench", role=Role.ANALYST, authority="BENCH", password="bench password 123")
        token = issue_token(db, "bench")
        client = TestClient(create_app(settings, db), base_url="https://testserver")
        client.headers["Authorization"] = f"Bearer {token}"
        cache = ScreenerCache()
        cache.get(db)  # build the index outside the timings
        client.post("/api/screen", json={"name": "warm up"})

        rows = [
            ("library screen() (baseline)", [lambda q=q: screen(db, cache, ScreeningQuery.build(q)) for q in queries]),
            ("GET /api/me (auth + JSON only)", [lambda: client.get("/api/me") for _ in queries]),
            ("POST /api/screen", [lambda q=q: client.post("/api/screen", json={"name": q}) for q in queries]),
            (
                "POST /match/default (yente shape)",
                [
                    lambda q=q: client.post(
                        "/match/default",
                        json={"queries": {"q": {"schema": "LegalEntity", "properties": {"name": [q]}}}},
                    )
                    for q in queries
                ],
            ),
        ]
        print(f"{len(names)} listed entities, {n} queries (names drawn from the list itself)\n")
        print(f"| {'path':<36} | {'p50 ms':>7} | {'p95 ms':>7} | {'per s':>7} |")
        print(f"|{'-' * 38}|{'-' * 9}|{'-' * 9}|{'-' * 9}|")
        for label, calls in rows:
            p50, p95, rate = _time(calls)
            print(f"| {label:<36} | {p50:>7.1f} | {p95:>7.1f} | {rate:>7.1f} |")
        db.dispose()


if __name__ == "__main__":
    main()
