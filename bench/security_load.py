"""Does a running node stay responsive while it is attacked? (issue 18 items 1, 6, 7)

    .venv/bin/python bench/security_load.py --url http://127.0.0.1:8000 --seconds 15 --attackers 16

A prober asks ``GET /healthz`` every 50 ms while ``--attackers`` unauthenticated threads attack
the server, one attack per phase; the first phase is the same prober with no attack (the
baseline of the same run). Attacks, all from 127.0.0.1 as anyone could send them:

- nested JSON: ``POST /exchange/v1/envelopes`` with a body nested 20,000 levels deep (item 1);
- lone surrogate: the same endpoint, a JSON string holding ``\\ud800`` (item 1);
- oversized body: a declared 100 MB body, sent in 64 KiB chunks until the server answers (item 7);
- sign-in flood: ``POST /signin`` with wrong passwords for random names, each attacker from its own
  loopback address (127.0.0.2, ...) so per-address throttling alone does not stop it (argon2 cost).

Prints, per phase, /healthz p50/p95/max in ms and the attack's requests per second and answers.
The aim of issue 18: /healthz p50 under 100 ms while attacked. Timings on a shared machine are
"under load"; compare the phases of one run with each other.
"""

from __future__ import annotations

import argparse
import re
import secrets
import socket
import statistics
import threading
import time
from collections import Counter
from collections.abc import Callable
from urllib.parse import urlsplit

import httpx

NESTED = b'{"a": ' * 20_000 + b"1" + b"}" * 20_000
SURROGATE = b'{"v": 1, "id": "\\ud800", "kind": "document"}'


def _post_json(body: bytes) -> Callable[[httpx.Client, int], int]:
    def attack(http: httpx.Client, _n: int) -> int:
        answer = http.post("/exchange/v1/envelopes", content=body, headers={"content-type": "application/json"})
        return answer.status_code

    return attack


def _oversized(url: str) -> Callable[[httpx.Client, int], int]:
    parts = urlsplit(url)
    host, port = parts.hostname or "127.0.0.1", parts.port or 80

    def attack(_http: httpx.Client, _n: int) -> int:
        with socket.create_connection((host, port), timeout=30) as sock:
            head = (
                "POST /exchange/v1/envelopes HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                f"Content-Length: {100 * 1024 * 1024}\r\n\r\n"
            )
            sock.sendall(head.encode())
            chunk = b"x" * 65536
            sock.settimeout(0.05)
            answer = b""
            for _ in range(1600):  # up to 100 MB, stopping when the server answers
                try:
                    answer = sock.recv(64)
                    break
                except TimeoutError:
                    pass
                try:
                    sock.sendall(chunk)
                except OSError:
                    break
            sock.settimeout(10)
            answer = answer or sock.recv(64)
        found = re.match(rb"HTTP/1\.1 (\d{3})", answer)
        return int(found.group(1)) if found else 0

    return attack


def _signin(http: httpx.Client, n: int) -> int:
    form = http.get("/signin")
    token = re.search(r'name="signin_token" value="([^"]+)"', form.text)
    if token is None:
        return form.status_code
    answer = http.post(
        "/signin",
        data={"username": f"nobody-{n}-{secrets.token_hex(3)}", "password": "wrong " + secrets.token_hex(8),
              "signin_token": token.group(1), "next": "/"},
        headers={"cookie": f"tripline_signin={token.group(1)}"},
    )  # fmt: skip
    return answer.status_code


def _phase(url: str, seconds: float, attackers: int, attack: Callable[[httpx.Client, int], int] | None) -> str:
    stop = threading.Event()
    answers: Counter[int] = Counter()
    lock = threading.Lock()

    def attacker(k: int) -> None:
        assert attack is not None
        local = f"127.0.0.{2 + k}"
        transport = httpx.HTTPTransport(local_address=local)
        with httpx.Client(base_url=url, timeout=60, transport=transport) as http:
            n = 0
            while not stop.is_set():
                try:
                    status = attack(http, n)
                except (httpx.HTTPError, OSError):
                    status = -1  # connection dropped (the server refused to read on)
                with lock:
                    answers[status] += 1
                n += 1

    threads = [threading.Thread(target=attacker, args=(k,)) for k in range(attackers if attack else 0)]
    for t in threads:
        t.start()
    samples: list[float] = []
    started = time.perf_counter()
    with httpx.Client(base_url=url, timeout=60) as probe:
        while time.perf_counter() - started < seconds:
            t0 = time.perf_counter()
            status = probe.get("/healthz").status_code
            samples.append((time.perf_counter() - t0) * 1000 if status == 200 else float("inf"))
            time.sleep(0.05)
    stop.set()
    for t in threads:
        t.join()
    elapsed = time.perf_counter() - started
    samples.sort()
    p95 = samples[max(0, int(len(samples) * 0.95) - 1)]
    done = sum(answers.values())
    codes = ", ".join(f"{code if code >= 0 else 'dropped'}: {count}" for code, count in sorted(answers.items()))
    return (
        f"{statistics.median(samples):>8.1f} | {p95:>8.1f} | {samples[-1]:>8.1f} | {len(samples):>6} | "
        f"{done / elapsed:>8.1f} | {codes or '-'}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--url", default="http://127.0.0.1:8000", help="a running `tripline serve`")
    parser.add_argument("--seconds", type=float, default=15.0, help="seconds per phase")
    parser.add_argument("--attackers", type=int, default=16, help="attacking threads per phase")
    parser.add_argument("--only", nargs="*", help="phases to run (default: all)")
    args = parser.parse_args()
    phases: list[tuple[str, Callable[[httpx.Client, int], int] | None]] = [
        ("no attack (baseline)", None),
        ("nested JSON (20,000 levels)", _post_json(NESTED)),
        ("lone surrogate", _post_json(SURROGATE)),
        ("oversized body (100 MB declared)", _oversized(args.url)),
        ("sign-in flood (wrong passwords)", _signin),
    ]
    print(f"{args.url}, {args.attackers} attackers, {args.seconds:g} s per phase; /healthz every 50 ms\n")
    print("| phase | /healthz p50 ms | p95 ms | max ms | probes | attacks/s | attack answers |")
    print("|---|---|---|---|---|---|---|")
    for label, attack in phases:
        if args.only and not any(word in label for word in args.only):
            continue
        row = _phase(args.url, args.seconds, args.attackers, attack).split(" | ")
        print(f"| {label} | " + " | ".join(cell.strip() for cell in row) + " |")


if __name__ == "__main__":
    main()
