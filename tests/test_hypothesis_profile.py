"""The suite's hypothesis profile follows ``CI`` (see tests/conftest.py)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

PROBE = "import tests.conftest; from hypothesis import settings; print(settings.default.deadline)"


def _deadline(**env: str) -> str:
    clean = {k: v for k, v in os.environ.items() if k not in ("CI", "HYPOTHESIS_PROFILE")}
    root = Path(__file__).resolve().parent.parent
    done = subprocess.run(
        [sys.executable, "-c", PROBE], env=clean | env, cwd=root, capture_output=True, text=True, check=True
    )
    return done.stdout.strip()


def test_ci_has_no_deadline_and_dev_a_generous_one() -> None:
    assert _deadline(CI="true") == "None"
    assert _deadline() == "0:00:02"
    assert _deadline(CI="true", HYPOTHESIS_PROFILE="dev") == "0:00:02"
