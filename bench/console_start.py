"""Start `tripline serve` on a bootstrapped var dir; time until it listens (the runtime and queue
warm-up, as serve prints them); then sign in as the bootstrap administrator and time the first
console pages (the demo manifest's queue first).

    TRIPLINE_VAR_DIR=/tmp/tl/var .venv/bin/tripline bootstrap --demo-shipments 2000   # prints a password
    .venv/bin/python bench/console_start.py /tmp/tl/var ONE_TIME_PASSWORD
    .venv/bin/python bench/console_start.py /tmp/tl/var ONE_TIME_PASSWORD --repeat 20   # + warm p95

The one-time password is changed to a bench passphrase at the first run; later runs sign in with it.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import time
from pathlib import Path

import httpx

BENCH_PASSWORD = "a long bench passphrase 2026 tl"
PAGES = ("/queue", "/", "/queue", "CONTAINER", "/screen?name=LIMMT", "/partners", "/cases")
# Every console page a user reaches from the menu, timed warm (--repeat N times each) for p50/p95.
WARM_PAGES = (
    "/",
    "/queue",
    "/queue?action=inspect",
    "CONTAINER",
    "/screen?name=LIMMT",
    "/screen?name=Shahid+Bakeri+Industrial+Group",
    "/search?q=LIMMT",
    "/classify",
    "/cases",
    "/partners",
    "/partners/agreements",
    "/partners/documents",
    "/partners/directory",
)


def _sign_in(client: httpx.Client, password: str) -> None:
    for attempt in (password, BENCH_PASSWORD):
        form = client.get("/signin").text
        token = re.search(r'name="signin_token" value="([^"]+)"', form)
        assert token is not None
        data = {"username": "admin", "password": attempt, "signin_token": token.group(1), "next": "/"}
        answer = client.post("/signin", data=data)
        if answer.status_code == 303:
            break
    if answer.headers.get("location") == "/account/password":
        page = client.get("/account/password").text
        csrf = re.search(r'name="csrf_token" value="([^"]+)"', page)
        assert csrf is not None
        change = {"old_password": attempt, "new_password": BENCH_PASSWORD, "csrf_token": csrf.group(1)}
        client.post("/account/password", data=change)


def _warm(client: httpx.Client, container: str, repeat: int) -> None:
    """p50/p95/max of every page, each asked ``repeat`` times in turn after the first pass."""
    print(f"\nwarm pages, {repeat} requests each (one client, in turn)")
    print(f"{'page':44s} {'p50 ms':>7s} {'p95 ms':>7s} {'max ms':>7s}")
    for path in WARM_PAGES:
        path = container if path == "CONTAINER" else path
        samples = []
        for _ in range(repeat):
            begin = time.perf_counter()
            answer = client.get(path)
            samples.append((time.perf_counter() - begin) * 1000)
            assert answer.status_code == 200, (path, answer.status_code)
        samples.sort()
        p95 = samples[max(0, round(len(samples) * 0.95) - 1)]
        print(f"{path[:44]:44s} {samples[len(samples) // 2]:7.0f} {p95:7.0f} {samples[-1]:7.0f}")


def main(var_dir: str, password: str, port: int = 18765, repeat: int = 0) -> None:
    env = {**os.environ, "TRIPLINE_VAR_DIR": var_dir, "TRIPLINE_CONSOLE_COOKIE_SECURE": "false"}
    started = time.perf_counter()
    command = [str(Path(sys.executable).parent / "tripline"), "serve", "--port", str(port)]
    proc = subprocess.Popen(command, env=env, stderr=subprocess.PIPE, stdout=subprocess.DEVNULL, text=True)
    base = f"http://127.0.0.1:{port}"
    try:
        while True:
            try:
                httpx.get(base + "/signin", timeout=2)
                break
            except httpx.HTTPError:
                time.sleep(0.2)
        print(f"serve listening after {time.perf_counter() - started:.1f} s")
        client = httpx.Client(base_url=base, timeout=300, follow_redirects=False)
        _sign_in(client, password)
        container = ""
        for path in PAGES:
            if path == "CONTAINER":
                found = re.search(r"/queue/[a-z0-9-]+/containers/[A-Z]{4}\d{7}", client.get("/queue").text)
                assert found is not None
                path = container = found.group(0)
            begin = time.perf_counter()
            answer = client.get(path)
            waited = (time.perf_counter() - begin) * 1000
            building = " (queue still being scored)" if "queue-progress" in answer.text else ""
            print(f"{path[:44]:44s} {answer.status_code} {waited:7.0f} ms{building}")
        if repeat:
            _warm(client, container, repeat)
    finally:
        proc.terminate()
        said = proc.communicate(timeout=30)[1]
        print("\n".join(line for line in said.splitlines() if not line.startswith("20")))


if __name__ == "__main__":
    if len(sys.argv) not in (3, 5) or (len(sys.argv) == 5 and sys.argv[3] != "--repeat"):
        sys.exit("usage: console_start.py VAR_DIR PASSWORD [--repeat N]")
    main(sys.argv[1], sys.argv[2], repeat=int(sys.argv[4]) if len(sys.argv) == 5 else 0)
