"""Start-up cost of the command line: `tripline --help` and a bad file argument import none of the
capabilities' heavy dependencies (the database layer, the web framework, the FtM model, numerical
and Spark libraries), and `tripline --help` stays far under a CPU-time bound.

The bound is CPU time of the child process (user + system), not wall time, and three times the
0.5 s aim, so a loaded machine does not make it flaky; the module check is the exact regression
test (a heavy import at module level in any CLI module fails it whatever the machine).
"""

from __future__ import annotations

import json
import os
import resource
import subprocess
import sys
from pathlib import Path

import pytest

HEAVY = (
    "sqlalchemy", "fastapi", "starlette", "uvicorn", "followthemoney", "argon2", "numpy", "scipy", "pyarrow",
    "pandas", "becquerel", "numba", "pyspark", "httpx", "cryptography", "tripline.store", "tripline.screening.screener",
)  # fmt: skip

PROBE = """
import json, sys
sys.argv = ["tripline", *json.loads(sys.argv[1])]
from tripline.cli.main import main
code = 0
try:
    main()
except SystemExit as exc:
    code = exc.code
loaded = sorted(m for m in sys.modules if m.split(".")[0] in HEAVY or m in HEAVY)
print(json.dumps({"code": code, "heavy": loaded}))
"""


def _probe(tmp_path: Path, argv: list[str]) -> dict[str, object]:
    code = "HEAVY = " + json.dumps(HEAVY) + "\n" + PROBE
    env = {**os.environ, "TRIPLINE_VAR_DIR": str(tmp_path / "var")}
    done = subprocess.run(
        [sys.executable, "-c", code, json.dumps(argv)], capture_output=True, text=True, env=env, timeout=120
    )
    last = done.stdout.strip().splitlines()[-1]
    result: dict[str, object] = json.loads(last)
    result["stderr"] = done.stderr
    return result


@pytest.mark.parametrize(
    "argv",
    [
        ["--help"],
        ["target", "no-such-manifest.csv"],
        ["radiation", "identify", "no-such-spectrum.n42"],
        ["screen-file", "no-such.csv", "--name-column", "name", "--out", "out.jsonl"],
    ],
    ids=" ".join,
)
def test_help_and_bad_file_arguments_import_nothing_heavy(argv: list[str], tmp_path: Path) -> None:
    result = _probe(tmp_path, argv)
    assert result["heavy"] == []
    if argv == ["--help"]:
        assert result["code"] == 0
    else:
        assert result["code"] == 2
        assert f"{argv[-1] if argv[0] != 'screen-file' else argv[1]}: file not found" in str(result["stderr"])


def test_help_cpu_time_is_bounded(tmp_path: Path) -> None:
    exe = Path(sys.executable).with_name("tripline")
    env = {**os.environ, "TRIPLINE_VAR_DIR": str(tmp_path / "var")}
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    done = subprocess.run([str(exe), "--help"], capture_output=True, text=True, env=env, timeout=120)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    assert done.returncode == 0 and "screen" in done.stdout
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    assert cpu < 1.5, f"tripline --help used {cpu:.2f} s of CPU (aim 0.5 s)"


def test_a_warm_screen_imports_neither_the_ftm_model_nor_alembic(tmp_path: Path) -> None:
    """A name alone needs neither FollowTheMoney's model (about 0.7 s of CPU to import) nor the
    migrations (the schema is at head): the second `tripline screen NAME` imports neither."""
    fixture = Path(__file__).resolve().parents[1] / "lists" / "fixtures" / "inksna_v1.ftm.jsonl"
    env = {**os.environ, "TRIPLINE_VAR_DIR": str(tmp_path / "var")}
    exe = Path(sys.executable).with_name("tripline")
    load = [str(exe), "lists", "load", str(fixture), "--source", "partner", "--title", "Partner", "--licence", "test"]
    subprocess.run([*load, "--quiet"], env=env, check=True, capture_output=True, timeout=300)
    first = _probe(tmp_path, ["screen", "Futech Co Ltd"])  # builds the index file
    assert first["code"] in (0, None), first["stderr"]
    second = _probe(tmp_path, ["screen", "Futech Co Ltd"])
    assert second["code"] in (0, None), second["stderr"]
    heavy = {str(m).split(".")[0] for m in second["heavy"]}  # type: ignore[attr-defined]
    assert "followthemoney" not in heavy
    done = subprocess.run(
        [sys.executable, "-c", PROBE_ALEMBIC, json.dumps(["screen", "Futech Co Ltd"])],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )
    assert done.stdout.strip().splitlines()[-1] == "False", done.stderr


PROBE_ALEMBIC = """
import json, sys
sys.argv = ["tripline", *json.loads(sys.argv[1])]
from tripline.cli.main import main
try:
    main()
except SystemExit:
    pass
print("alembic" in sys.modules)
"""
