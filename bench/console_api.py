"""What the REST API costs on top of the library: screening through `POST /api/screen` and
yente's `POST /match/default` (token auth, validation, JSON) against calling
`tripline.screening.service.screen` directly, in the same process on the same lists.

    .venv/bin/python bench/console_api.py            # OFAC SDN (bundled), 300 queries
    .venv/bin/python bench/console_api.py --quick    # the test slice of the SDN, 60 queries
    .venv/bin/python bench/console_api.py --url http://127.0.0.1:8000 --token tl_... --clients 20

The app is called in-process over ASGI (starlette's test client), so the figures are the
framework's and Tripline's own cost, without a network. With ``--url`` it instead drives a running
``tripline serve`` over HTTP from ``--clients`` concurrent clients (threads, one connection each)
for ``--seconds`` per route, and prints p50/p95 and throughput of ``/api/screen`` and
``/match/default`` next to ``GET /api/me`` (authentication and JSON only: the floor).
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


def _concurrent(
    url: str, token: str, clients: int, seconds: float, path: str, bodies: list[object]
) -> tuple[float, float, float, int]:
    """p50 ms, p95 ms, requests/s and non-200 answers of ``clients`` threads posting ``bodies`` in turn."""
    import threading

    import httpx

    samples: list[float] = []
    failures = [0]
    lock = threading.Lock()
    deadline = time.perf_counter() + seconds

    def client(offset: int) -> None:
        mine: list[float] = []
        bad = 0
        with httpx.Client(base_url=url, headers={"Authorization": f"Bearer {token}"}, timeout=120) as http:
            i = offset
            while time.perf_counter() < deadline:
                body = bodies[i % len(bodies)]
                start = time.perf_counter()
                try:
                    response = http.get(path) if body is None else http.post(path, json=body)
                except httpx.HTTPError:  # counted, not timed: the server is not answering
                    bad += 1
                    i += clients
                    continue
                mine.append((time.perf_counter() - start) * 1000)
                bad += response.status_code != 200
                i += clients
        with lock:
            samples.extend(mine)
            failures[0] += bad

    started = time.perf_counter()
    threads = [threading.Thread(target=client, args=(k,)) for k in range(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    elapsed = time.perf_counter() - started
    if not samples:
        raise SystemExit(f"{url}{path}: no request was answered ({failures[0]} failed): is the server up?")
    samples.sort()
    p95 = samples[max(0, int(len(samples) * 0.95) - 1)]
    return statistics.median(samples), p95, len(samples) / elapsed, failures[0]


def main_server(url: str, token: str, clients: int, seconds: float) -> None:
    """Drive a running server with a fixed mix of listed and unlisted names."""
    names = [
        "Korea Mining Development Trading Corporation", "LIMMT Economic and Trade Company", "Bank Melli Iran",
        "Rosoboronexport", "Islamic Revolutionary Guard Corps", "Sinopec", "Ali Khamenei", "Tornado Cash",
        "Viktor Bout", "Dandong Hongxiang Industrial Development", "Acme Trading Ltd", "Hapag-Lloyd",
        "Mahan Air", "Lazarus Group", "Wagner Group", "Ahmad Vahidi", "Sberbank", "Huawei Technologies",
        "Joint Stock Company Tactical Missiles Corporation", "Nordic Supplies AB",
    ]  # fmt: skip
    rows: list[tuple[str, str, list[object]]] = [
        ("GET /api/me (auth + JSON only)", "/api/me", [None]),
        ("POST /api/screen", "/api/screen", [{"name": n} for n in names]),
        (
            "POST /match/default (yente shape)",
            "/match/default",
            [{"queries": {"q": {"schema": "LegalEntity", "properties": {"name": [n]}}}} for n in names],
        ),
    ]
    print(f"{url}, {clients} concurrent clients, {seconds:g} s per route\n")
    print(f"| {'path':<36} | {'p50 ms':>7} | {'p95 ms':>7} | {'per s':>7} | {'non-200':>7} |")
    print(f"|{'-' * 38}|{'-' * 9}|{'-' * 9}|{'-' * 9}|{'-' * 9}|")
    for label, path, bodies in rows:
        p50, p95, rate, bad = _concurrent(url, token, clients, seconds, path, bodies)
        print(f"| {label:<36} | {p50:>7.1f} | {p95:>7.1f} | {rate:>7.1f} | {bad:>7} |")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="small list slice, fewer queries")
    parser.add_argument("--url", help="drive this running server instead of an in-process app")
    parser.add_argument("--token", help="API token for --url (`tripline users token NAME`)")
    parser.add_argument("--clients", type=int, default=20, help="concurrent clients for --url")
    parser.add_argument("--seconds", type=float, default=20.0, help="seconds per route for --url")
    args = parser.parse_args()
    if args.url:
        if not args.token:
            parser.error("--url needs --token")
        main_server(args.url, args.token, args.clients, args.seconds)
        return

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        from fastapi.testclient import TestClient

    sys.path.insert(0, str(REPO_DIR))  # the test slice of the SDN and its loader live in tests/
    from tests.api.harness import load_sdn_slice
    from tripline.api.app import create_app
    from tripline.auth.roles import Role
    from tripline.auth.service import create_user, issue_token
    from tripline.lists.service import load_bundled
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
        create_user(db, "bench", role=Role.ANALYST, authority="BENCH", password="a long enough password")
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
