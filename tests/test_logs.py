"""Logging cannot block the caller (issue 18 item 1): a stalled standard error holds no request."""

from __future__ import annotations

import threading
import time

from tripline.logs import QueuedWriter


class StalledStream:
    """A stream whose writes wait until released (a full pipe, a paused terminal)."""

    def __init__(self) -> None:
        self.release = threading.Event()
        self.written: list[str] = []

    def write(self, text: str) -> int:
        self.release.wait(timeout=10)
        self.written.append(text)
        return len(text)

    def flush(self) -> None:
        return None


def test_writes_do_not_wait_for_a_stalled_stream_and_overflow_is_counted() -> None:
    stream = StalledStream()
    writer = QueuedWriter(stream, maxsize=5)  # type: ignore[arg-type]
    started = time.process_time()
    begun = time.monotonic()
    for i in range(50):
        writer.write(f"line {i}\n")
    assert time.monotonic() - begun < 2.0  # wide margin: fifty writes did not wait ten seconds each
    assert writer.dropped > 0
    stream.release.set()
    writer.drain_for(5.0)
    assert "line 0\n" in stream.written and "line 49\n" not in stream.written  # dropped, not blocked
    assert any("log lines dropped" in line for line in stream.written)
    assert time.process_time() - started < 5.0
