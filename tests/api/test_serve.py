"""`tripline serve` says it is listening only once the socket accepts connections: a script that
waits for that line can connect at once (the "ready" line before it is printed before binding)."""

from __future__ import annotations

import os
import queue
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import httpx

from tests.conftest import free_port


def test_the_listening_line_comes_after_the_socket_listens(tmp_path: Path) -> None:
    port = free_port()
    exe = Path(sys.executable).with_name("tripline")
    env = {**os.environ, "TRIPLINE_VAR_DIR": str(tmp_path / "var")}
    server = subprocess.Popen(
        [str(exe), "serve", "--host", "127.0.0.1", "--port", str(port)],
        env=env,
        stderr=subprocess.PIPE,
        stdout=subprocess.DEVNULL,
        text=True,
    )
    try:
        assert server.stderr is not None
        lines: queue.Queue[str] = queue.Queue()
        stream = server.stderr

        def pump() -> None:
            for text in stream:
                lines.put(text)

        threading.Thread(target=pump, daemon=True).start()
        deadline = time.monotonic() + 300
        seen: list[str] = []
        while time.monotonic() < deadline and server.poll() is None:
            try:
                line = lines.get(timeout=1)
            except queue.Empty:
                continue
            seen.append(line)
            if line.startswith("listening on "):
                break
        assert seen and seen[-1].strip() == f"listening on http://127.0.0.1:{port}/", "".join(seen)
        # at once, no retry: the socket is listening
        answer = httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=30)
        assert answer.status_code == 200
    finally:
        server.send_signal(signal.SIGINT)
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
