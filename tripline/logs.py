"""Logging set-up: structlog key-value events to standard error, JSON in production.

Called once by each entry point (the CLI root and the API app factory), never at import,
so that command output on standard output (``--json``, tokens) stays clean.
"""

from __future__ import annotations

import logging
import sys
from typing import TYPE_CHECKING, Any

import structlog

if TYPE_CHECKING:
    from tripline.settings import Settings


def configure_logging(settings: Settings) -> None:
    level = logging.getLevelNamesMapping().get(settings.log_level.upper(), logging.WARNING)
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
        logger_factory=structlog.PrintLoggerFactory(file=sys.stderr),
        cache_logger_on_first_use=False,
    )
    logging.basicConfig(level=level, stream=sys.stderr, format="%(levelname)s %(name)s: %(message)s")


def get_logger(name: str) -> Any:
    """A structlog logger over the standard library's logger `name`: its events go where the
    process's logging sends them (standard error once :func:`configure_logging` ran) and never to
    standard output, even in a library call made before logging is set up (unconfigured structlog
    prints to standard output, which would mix with a command's ``--json`` output)."""
    return structlog.wrap_logger(logging.getLogger(name))
