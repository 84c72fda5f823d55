"""Start `tripline serve` on a bootstrapped var dir; time until it listens (the runtime and queue
warm-up, as serve prints them); then sign in as the bootstrap administrator and time the first
console pages (the demo manifest's queue first).

    TRIPLINE_VAR_DIR=/tmp/tl/var .venv/bin/tripline bootstrap --demo-shipments 2000   # prints a password
    .venv/bin/python bench/console_start.py /tmp/tl/var ONE_TIME_PASSWORD

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


def main(var_dir: str, password: str, port: int = 18765) -> None:
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
        for path in PAGES:
            if path == "CONTAINER":
                found = re.search(r"/queue/[a-z0-9-]+/containers/[A-Z]{4}\d{7}", client.get("/queue").text)
                assert found is not None
                path = found.group(0)
            begin = time.perf_counter()
            answer = client.get(path)
            waited = (time.perf_counter() - begin) * 1000
            building = " (queue still being scored)" if "queue-progress" in answer.text else ""
            print(f"{path[:44]:44s} {answer.status_code} {waited:7.0f} ms{building}")
    finally:
        proc.terminate()
        said = proc.communicate(timeout=30)[1]
        print("\n".join(line for line in said.splitlines() if not line.startswith("20")))


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
