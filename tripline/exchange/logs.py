"""Key-value logging through the standard library, so levels and handlers set by the app apply.

(Unconfigured structlog prints every event to stdout, which would mix with command output.)
"""

from __future__ import annotations

import logging
from typing import Any

import structlog


def get_logger(name: str) -> Any:
    return structlog.wrap_logger(logging.getLogger(name))
