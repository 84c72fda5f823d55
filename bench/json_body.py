"""What a 1 MiB JSON body costs the server before the route's own work: the request-limit
middleware's checks (UTF-8, depth, lone surrogates), the JSON parse, and the route's use of it.

    .venv/bin/python bench/json_body.py                 # 1 MiB, 40 requests per route
    .venv/bin/python bench/json_body.py --mib 4 --requests 20

The app is called over ASGI in-process (no socket, no test client): each request is one scope,
one body message, and the answer collected. Two routes, both refused after the body is read, so
only the body's cost is timed: ``POST /exchange/v1/envelopes`` (a peer endpoint that reads the
envelope itself; an unknown sender, 401) and ``POST /api/screen`` (a FastAPI route with a body
model; no credentials, 401 after FastAPI read the body). Prints the median and p95 in ms.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import statistics
import tempfile
import time
from pathlib import Path
from typing import Any

from tripline.settings import Settings


def _body(mib: float) -> bytes:
    """An envelope-shaped object whose payload holds scan facts, about ``mib`` MiB of JSON."""
    facts: list[dict[str, Any]] = []
    envelope: dict[str, Any] = {
        "v": 1,
        "id": "0" * 32,
        "kind": "document",
        "sender": "nobody-registered",
        "recipient": "jp-customs",
        "purpose": "customs_enforcement",
        "sent_at": "2026-12-06T00:00:00Z",
        "payload": {"type": "scan_result", "facts": facts},
        "signature": "A" * 88,
        "name": "bench",
    }
    i = 0
    while True:
        facts.append({"port": "JPYOK", "container": f"MSCU{i:07d}", "dose_nsv_h": 81.5 + i % 7, "note": "NORM tiles"})
        i += 1
        if i % 1000 == 0 and len(json.dumps(envelope)) >= mib * 1024 * 1024:
            return json.dumps(envelope).encode("utf-8")


async def _call(app: Any, path: str, body: bytes) -> int:
    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "POST",
        "scheme": "http",
        "path": path,
        "raw_path": path.encode(),
        "root_path": "",
        "query_string": b"",
        "headers": [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())],
        "client": ("127.0.0.1", 50000),
        "server": ("127.0.0.1", 8000),
        "state": {},
    }
    sent = False
    status = 0

    async def receive() -> dict[str, Any]:
        nonlocal sent
        if not sent:
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}
        await asyncio.sleep(3600)
        return {"type": "http.disconnect"}

    async def send(message: dict[str, Any]) -> None:
        nonlocal status
        if message["type"] == "http.response.start":
            status = message["status"]

    await app(scope, receive, send)
    return status


async def _run(app: Any, body: bytes, requests: int) -> dict[str, tuple[int, float, float]]:
    out = {}
    for path in ("/exchange/v1/envelopes", "/api/screen"):
        status = await _call(app, path, body)  # warm
        samples = []
        for _ in range(requests):
            start = time.perf_counter()
            status = await _call(app, path, body)
            samples.append((time.perf_counter() - start) * 1000)
        samples.sort()
        out[path] = (status, statistics.median(samples), samples[max(int(len(samples) * 0.95) - 1, 0)])
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--mib", type=float, default=1.0)
    parser.add_argument("--requests", type=int, default=40)
    args = parser.parse_args()
    from tripline.api.app import create_app
    from tripline.exchange.service import init_node
    from tripline.store.db import Database

    with tempfile.TemporaryDirectory() as tmp:
        settings = Settings(var_dir=Path(tmp) / "var", database_url=None)
        db = Database.from_settings(settings)
        db.upgrade()
        init_node(settings, db, node_id="jp-customs", name="JP", country="JP", endpoint="", groups=[])
        app = create_app(settings, db)
        body = _body(args.mib)
        results = asyncio.run(_run(app, body, args.requests))
        db.dispose()
    print(f"body {len(body) / 1024 / 1024:.2f} MiB, {args.requests} requests per route")
    for path, (status, median, p95) in results.items():
        print(f"  POST {path:<24} HTTP {status}  median {median:6.1f} ms  p95 {p95:6.1f} ms")


if __name__ == "__main__":
    main()
