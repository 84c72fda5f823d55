"""`tripline users ...` and `tripline cases ...` through the real command line."""

from __future__ import annotations

import io
import json
import os
import re
import subprocess
import warnings
from pathlib import Path

from pypdf import PdfReader

from tripline.auth.service import authenticate_token, verify_login
from tripline.cli.context import AppContext
from tripline.cli.main import build_app
from tripline.settings import REPO_DIR, Settings
from tripline.store.db import Database

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    from typer.testing import CliRunner


def _run(settings: Settings, *args: str) -> str:
    result = CliRunner().invoke(build_app(), list(args), obj=AppContext(settings=settings))
    assert result.exit_code == 0, result.output
    return result.output


def _json_part(output: str) -> str:
    """The JSON document of an output that log lines may precede."""
    starts = [i for i, line in enumerate(output.splitlines()) if line.startswith(("[", "{"))]
    return "\n".join(output.splitlines()[starts[0] :])


def test_users_and_cases_commands(settings: Settings, tmp_path: Path) -> None:
    out = _run(settings, "users", "create", "mia", "--role", "targeter", "--authority", "JP-CUSTOMS", "--name", "Mia")
    password = re.search(r"one-time password: (\S+)", out)
    assert password is not None
    db = Database.from_settings(settings)
    try:
        principal = verify_login(db, "mia", password.group(1))
        assert principal.must_change_password and principal.authority_code == "JP-CUSTOMS"
        listed = json.loads(_json_part(_run(settings, "users", "list", "--json")))
        assert [(u["username"], u["role"], u["authority_code"]) for u in listed] == [("mia", "targeter", "JP-CUSTOMS")]
        # the token is the last line (structlog's default configuration also writes to stdout)
        token = _run(settings, "users", "token", "mia", "--label", "ci").strip().splitlines()[-1]
        assert authenticate_token(db, token).username == "mia"
    finally:
        db.dispose()
    assert "opened case 1" in _run(settings, "cases", "open", "Sokkia NET1200 via intermediary", "--as", "mia")
    _run(settings, "cases", "note", "1", "Seed 000: Syrian end user", "--as", "mia")
    shown = json.loads(_json_part(_run(settings, "cases", "show", "1", "--as", "mia")))
    assert (
        shown["title"] == "Sokkia NET1200 via intermediary" and shown["notes"][0]["body"] == "Seed 000: Syrian end user"
    )
    pdf = tmp_path / "case.pdf"
    _run(settings, "cases", "export", "1", "--as", "mia", "--out", str(pdf))
    text = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf.read_bytes())).pages)
    assert "Sokkia NET1200" in text and "Syrian end user" in text


def test_errors_exit_2_with_the_field(tmp_path: Path) -> None:
    env = {**os.environ, "TRIPLINE_VAR_DIR": str(tmp_path / "var")}
    tripline = str(REPO_DIR / ".venv" / "bin" / "tripline")
    bad = subprocess.run(
        [tripline, "users", "create", "Not Valid", "--role", "targeter", "--authority", "X1"],
        capture_output=True, text=True, env=env, timeout=300, check=False,
    )  # fmt: skip
    assert bad.returncode == 2
    assert "error:" in bad.stderr and "field 'username'" in bad.stderr
