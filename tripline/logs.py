"""Logging set-up: structlog key-value events to standard error, JSON in production.

Called once by each entry point (the CLI root and the API app factory), never at import,
so that command output on standard output (``--json``, tokens) stays clean.

Lines are written by one background thread from a bounded queue: a slow or blocked standard
error (a full pipe, a paused terminal) never blocks a request or the event loop; past
:data:`QUEUE_LINES` waiting lines, new ones are dropped and counted (issue 18 item 1).
"""

from __future__ import annotations

import atexit
import logging
import queue
import sys
import threading
import time
from typing import TYPE_CHECKING, Any, TextIO

import structlog

if TYPE_CHECKING:
    from tripline.settings import Settings

QUEUE_LINES = 10_000


class QueuedWriter:
    """A file-like object whose ``write`` only enqueues; a daemon thread writes to ``target``."""

    def __init__(self, target: TextIO, maxsize: int = QUEUE_LINES) -> None:
        self.target = target
        self.lines: queue.Queue[str] = queue.Queue(maxsize=maxsize)
        self.dropped = 0
        threading.Thread(target=self._drain, name="tripline-log-writer", daemon=True).start()
        atexit.register(self.drain_for, 2.0)

    def drain_for(self, seconds: float) -> None:
        """Wait (at most ``seconds``) until every queued line is written: at exit, and in tests."""
        deadline = time.monotonic() + seconds
        while self.lines.unfinished_tasks and time.monotonic() < deadline:
            time.sleep(0.01)

    def write(self, text: str) -> int:
        try:
            self.lines.put_nowait(text)
        except queue.Full:
            self.dropped += 1
        return len(text)

    def flush(self) -> None:  # the writer thread flushes after each line
        return None

    def _drain(self) -> None:
        while True:
            text = self.lines.get()
            try:
                if self.dropped:
                    dropped, self.dropped = self.dropped, 0
                    self.target.write(f"[tripline] {dropped} log lines dropped (standard error was slow)\n")
                self.target.write(text)
                self.target.flush()
            except (OSError, ValueError):  # a closed stream: nothing more can be written
                pass
            finally:
                self.lines.task_done()


def configure_logging(settings: Settings, stream: TextIO | None = None) -> QueuedWriter:
    level = logging.getLevelNamesMapping().get(settings.log_level.upper(), logging.WARNING)
    writer = QueuedWriter(stream or sys.stderr)
    renderer: structlog.typing.Processor = (
        structlog.processors.JSONRenderer() if settings.log_json else structlog.dev.ConsoleRenderer(colors=False)
    )
    structlog.configure(
        processors=[
            structlog.contextvars.merge_contextvars,
            structlog.processors.add_log_level,
            structlog.processors.TimeStamper(fmt="iso", utc=True),
            renderer,
        ],
        wrapper_class=structlog.make_filtering_bound_logger(level),
        logger_factory=structlog.PrintLoggerFactory(file=writer),  # type: ignore[arg-type]
        cache_logger_on_first_use=False,
    )
    logging.basicConfig(level=level, stream=writer, format="%(levelname)s %(name)s: %(message)s")  # type: ignore[arg-type]
    return writer


def get_logger(name: str) -> Any:
    """A structlog logger over the standard library's logger `name`: its events go where the
    process's logging sends them (standard error once :func:`configure_logging` ran) and never to
    standard output, even in a library call made before logging is set up (unconfigured structlog
    prints to standard output, which would mix with a command's ``--json`` output)."""
    return structlog.wrap_logger(logging.getLogger(name))
