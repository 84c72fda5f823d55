"""Bad input to `tripline lists load`: one clear error naming file and line, exit code 2, and the
list's previous version intact. Runs the real `tripline` command (errors are rendered by main())."""

from __future__ import annotations

import gzip
import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from tests.conftest import BUNDLED_DATA
from tests.lists.conftest import invoke
from tripline.cli.context import AppContext
from tripline.cli.main import build_app
from tripline.errors import FormatError
from tripline.settings import REPO_DIR, Settings

TRIPLINE = REPO_DIR / ".venv" / "bin" / "tripline"
WATCH = BUNDLED_DATA / "watchlists"


def run(var: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ, TRIPLINE_VAR_DIR=str(var), COLUMNS="200")
    env.pop("TRIPLINE_DATABASE_URL", None)
    return subprocess.run([str(TRIPLINE), *args], env=env, capture_output=True, text=True, check=False, timeout=300)


def _settings(var: Path) -> Settings:
    return Settings(var_dir=var, database_url=None, data_dir=BUNDLED_DATA)


def shown(var: Path) -> dict[str, Any]:
    return {s["id"]: s for s in json.loads(invoke(_settings(var), "lists", "show", "--json").stdout)}


@pytest.fixture(scope="module")
def var(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """A database holding version 1 of the UN list and of the OFAC consolidated list."""
    path = tmp_path_factory.mktemp("errors") / "var"
    invoke(_settings(path), "lists", "load", "--bundled", "--only", "un_sc", "--only", "us_ofac_cons", "--quiet")
    yield path


def _refused(var: Path, bad: Path, source: str, *extra: str) -> str:
    before = shown(var)
    out = run(var, "lists", "load", str(bad), "--source", source, *extra)
    assert out.returncode == 2, (out.stdout, out.stderr)
    err = " ".join(out.stderr.split())
    assert err.startswith("error: ") and bad.name in "".join(err.split()), err  # Rich may wrap the path
    assert "Traceback" not in out.stderr
    assert shown(var) == before  # previous version intact, nothing half-written
    return err


def test_truncated_xml(var: Path, tmp_path: Path) -> None:
    xml = gzip.decompress((WATCH / "un" / "consolidated.xml.gz").read_bytes())
    bad = tmp_path / "consolidated.xml"
    bad.write_bytes(xml[: len(xml) // 2])
    err = _refused(var, bad, "un_sc")
    assert "line" in err


def test_wrong_encoding(var: Path, tmp_path: Path) -> None:
    text = gzip.decompress((WATCH / "us_csl" / "consolidated.csv.gz").read_bytes()).decode("utf-8-sig")
    lines = text.splitlines(keepends=True)
    accented = next(i for i, line in enumerate(lines) if i > 0 and any(ord(c) > 127 for c in line))
    bad = tmp_path / "consolidated.csv"
    bad.write_bytes("".join(lines[: accented + 1]).encode("utf-16-le"))  # UTF-16 without its BOM
    err = _refused(var, bad, "us_ofac_cons", "--format", "csl_csv")
    assert "line 1" in err


def test_cp1252_where_utf8_is_required(var: Path, tmp_path: Path) -> None:
    text = gzip.decompress((WATCH / "us_csl" / "consolidated.csv.gz").read_bytes()).decode("utf-8-sig")
    lines = text.splitlines(keepends=True)
    accented = next(i for i, line in enumerate(lines) if i > 0 and any(ord(c) > 127 for c in line))
    bad = tmp_path / "consolidated.csv"
    bad.write_bytes("".join(lines[: accented + 1]).encode("cp1252", errors="ignore"))
    err = _refused(var, bad, "us_ofac_cons", "--format", "csl_csv")
    assert f"line {accented + 1}" in err


def test_csv_with_missing_columns(var: Path, tmp_path: Path) -> None:
    rows = gzip.decompress((WATCH / "us_ofac" / "cons_prim.csv.gz").read_bytes()).decode("cp1252").splitlines()
    bad = tmp_path / "cons_prim.csv"
    cut = [*rows[:3], ",".join(rows[3].split(",")[:4]), *rows[4:10]]
    bad.write_bytes("\r\n".join(cut).encode("cp1252"))
    err = _refused(var, bad, "us_ofac_cons", "--format", "ofac_csv")
    assert "line 4" in err


def test_empty_file(var: Path, tmp_path: Path) -> None:
    bad = tmp_path / "consolidated.xml"
    bad.write_bytes(b"")
    err = _refused(var, bad, "un_sc")
    assert "line 1" in err and "empty" in err


def test_other_lists_format_given_with_wrong_format(var: Path, tmp_path: Path) -> None:
    bad = tmp_path / "consolidated.xml"
    bad.write_bytes(gzip.decompress((WATCH / "un" / "consolidated.xml.gz").read_bytes()))
    err = _refused(var, bad, "us_ofac_cons", "--format", "ofac_csv")
    assert "line 1" in err and "un_xml" in err


def test_huge_unrelated_file_is_refused_while_streaming(var: Path, tmp_path: Path) -> None:
    bad = tmp_path / "server.log"
    line = b"2026-11-25T12:00:00Z GET /index.html 200 a line of an unrelated web server log\n"
    block = line * (1024 * 1024 // len(line) + 1)
    size = 0
    with bad.open("wb") as fh:
        while size < 512 * 1024 * 1024:
            fh.write(block)
            size += len(block)
    probe = (
        "import resource, subprocess, sys; "
        "p = subprocess.run(sys.argv[1:], capture_output=True, text=True); "
        "print(p.returncode, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss); "
        "sys.stderr.write(p.stderr)"
    )
    env = dict(os.environ, TRIPLINE_VAR_DIR=str(var))
    cmd = [
        sys.executable,
        "-c",
        probe,
        str(TRIPLINE),
        "lists",
        "load",
        str(bad),
        "--source",
        "un_sc",
        "--format",
        "un_xml",
    ]
    before = shown(var)
    out = subprocess.run(cmd, env=env, capture_output=True, text=True, check=False, timeout=300)
    code, rss_kib = (int(x) for x in out.stdout.split())
    assert code == 2, out.stderr
    assert "server.log" in "".join(out.stderr.split()) and "line 1" in " ".join(out.stderr.split())
    assert rss_kib * 1024 < size // 2, f"peak RSS {rss_kib} KiB: the file was read into memory"
    # without --format, detection refuses it the same way (in-process: the exception itself)
    ctx = AppContext(settings=_settings(var))
    try:
        result = CliRunner().invoke(build_app(), ["lists", "load", str(bad), "--source", "un_sc"], obj=ctx)
    finally:
        ctx.close()
    assert isinstance(result.exception, FormatError)
    assert (result.exception.file, result.exception.line) == (str(bad), 1)
    assert shown(var) == before
