"""Fixtures of the radiation tests: paths to the real vendor spectra, and the identify command as a user runs it."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.conftest import BUNDLED_DATA
from tripline.settings import REPO_DIR

IdentifyCli = Callable[[Path], "subprocess.CompletedProcess[str]"]

SAMPLES = BUNDLED_DATA / "radiation" / "becquerel_samples"


@pytest.fixture
def samples() -> Path:
    return SAMPLES


@pytest.fixture
def identify_cli(tmp_path: Path) -> IdentifyCli:
    """`tripline radiation identify PATH` in a subprocess, as a user runs it, with its own var directory."""
    env = {**os.environ, "TRIPLINE_VAR_DIR": str(tmp_path / "var")}
    exe = Path(sys.executable).parent / "tripline"

    def run(path: Path) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [str(exe), "radiation", "identify", str(path)],
            capture_output=True,
            text=True,
            env=env,
            cwd=REPO_DIR,
            timeout=120,
            check=False,
        )

    return run
