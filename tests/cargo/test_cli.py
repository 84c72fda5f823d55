"""The commands, end to end on the real capabilities (the e2e fixture's watch-list slice)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from tripline.cli.context import AppContext
from tripline.cli.main import build_app
from tripline.settings import REPO_DIR, Settings


def _invoke(settings: Settings, args: list[str]) -> tuple[int, str]:
    result = CliRunner().invoke(build_app(), args, obj=AppContext(settings=settings))
    if result.exception and not isinstance(result.exception, SystemExit):
        raise result.exception
    return result.exit_code, result.stdout


@pytest.mark.slow
def test_demo_load_target_outcomes_report(e2e_settings: Settings, tmp_path: Path) -> None:
    out = tmp_path / "demo.jsonl"
    code, text = _invoke(e2e_settings, ["demo", "manifest", "--shipments", "300", "--seed", "4", "--out", str(out)])
    assert code == 0, text
    made = json.loads(text)
    planted = json.loads(Path(made["planted"]["file"]).read_text())["planted"]
    assert Path(made["scans"]["file"]).exists()

    code, text = _invoke(e2e_settings, ["manifest", "load", str(out), "--json"])
    assert code == 0 and json.loads(text)["loaded"] == 300

    code, text = _invoke(e2e_settings, ["target", str(out), "--top", "5", "--json"])
    assert code == 0, text
    queue = json.loads(text)
    assert len(queue) == 5
    assert set(queue[0]) >= {"bill_of_lading", "containers", "score", "reasons"}
    assert queue[0]["score"] >= queue[-1]["score"]
    limmt = next(p for p in planted if p["scenario"] == "limmt_flow_forming")
    assert queue[0]["bill_of_lading"] == limmt["bill_of_lading"]
    assert any("SHAHID BAKERI" in r["detail"] for r in queue[0]["reasons"])

    outcomes = tmp_path / "outcomes.csv"
    rows = ["bill_of_lading,result"] + [
        f"{q['bill_of_lading']},{'seized' if i == 0 else 'inspected_clean'}" for i, q in enumerate(queue)
    ]
    outcomes.write_text("\n".join(rows) + "\n", encoding="utf-8")
    code, text = _invoke(e2e_settings, ["outcome", "import", str(outcomes)])
    assert code == 0 and json.loads(text)["recorded"] == 5
    code, text = _invoke(e2e_settings, ["outcome", "report", str(out), "--k", "1", "--k", "5"])
    report = json.loads(text)
    assert [(r["k"], r["precision"], r["recall"]) for r in report["at_k"]] == [(1, 1.0, 1.0), (5, 0.2, 1.0)]


def _cli(tmp_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "TRIPLINE_VAR_DIR": str(tmp_path / "var")}
    exe = str(Path(sys.executable).with_name("tripline"))
    return subprocess.run([exe, *args], capture_output=True, text=True, env=env, cwd=REPO_DIR, timeout=300)


def _flat(text: str) -> str:
    return "".join(text.split())  # Rich wraps long error lines


def test_errors_name_file_line_and_field(tmp_path: Path) -> None:
    missing = _cli(tmp_path, "manifest", "check", str(tmp_path / "none.csv"))
    assert missing.returncode == 2 and _flat("none.csv: file not found") in _flat(missing.stderr)
    bad = tmp_path / "bad.csv"
    bad.write_text("bill_of_lading,containers\nX,CSQU3054383\n", encoding="utf-8")
    result = _cli(tmp_path, "manifest", "load", str(bad))
    assert result.returncode == 2
    assert _flat(f"error: {bad}, line 1, field") in _flat(result.stderr) and "missingcolumn" in _flat(result.stderr)


def _main(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str]:
    """The installed command's entry point in this process: exit code and stderr."""
    from tripline.cli.main import main

    monkeypatch.setattr(sys, "argv", ["tripline", *args])
    capsys.readouterr()
    try:
        main()
        code = 0
    except SystemExit as exc:
        code = int(exc.code or 0)
    return code, capsys.readouterr().err


@pytest.mark.parametrize("kind", ["sqlite", "postgresql"])
def test_every_refused_manifest_exits_2_and_earlier_manifests_survive(
    kind: str,
    tmp_path: Path,
    request: pytest.FixtureRequest,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """`tripline manifest load` on each refused class: exit 2, one error line naming the file and
    what is wrong, no traceback, nothing stored, the manifest loaded before unchanged."""
    from tests.cargo.conftest import make_shipment
    from tests.cargo.refused import refused_manifests
    from tripline.cargo import run
    from tripline.cargo.readers import write_manifest
    from tripline.store.db import Database

    monkeypatch.setenv("TRIPLINE_VAR_DIR", str(tmp_path / "var"))
    if kind == "postgresql":
        monkeypatch.setenv("TRIPLINE_DATABASE_URL", request.getfixturevalue("postgres_url"))
    else:
        monkeypatch.delenv("TRIPLINE_DATABASE_URL", raising=False)
    first = tmp_path / "first.csv"
    write_manifest(first, [make_shipment(bill_of_lading="KEEP1"), make_shipment(bill_of_lading="KEEP2")])
    code, said = _main(monkeypatch, capsys, "manifest", "load", str(first))
    assert code == 0, said
    db = Database.from_settings(Settings())
    before = run.stored_shipments(db)
    assert [s.bill_of_lading for s in before] == ["KEEP1", "KEEP2"]
    try:
        for what, (path, says) in refused_manifests(tmp_path).items():
            code, said = _main(monkeypatch, capsys, "manifest", "load", str(path))
            assert code == 2, (what, said)
            assert "Traceback" not in said and said.count("error:") == 1, (what, said)
            flat = _flat(said)
            assert _flat(f"error: {path}") in flat and _flat(says).lower() in flat.lower(), (what, said)
        assert run.stored_shipments(db) == before
    finally:
        db.dispose()


@pytest.mark.slow
def test_target_refuses_each_bad_manifest_with_exit_2(
    e2e_settings: Settings, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """`tripline target` (the local engine streams the file, scoring as it reads) on each refused
    class: exit 2 and one error line naming the file, no traceback and no queue printed, even when
    the refusal comes at the file's end after rows were scored (a truncated CSV or JSON lines)."""
    from tests.cargo.refused import refused_manifests

    monkeypatch.setenv("TRIPLINE_VAR_DIR", str(e2e_settings.var_dir))
    monkeypatch.setenv("TRIPLINE_DATA_DIR", str(e2e_settings.data_dir))
    monkeypatch.delenv("TRIPLINE_DATABASE_URL", raising=False)
    from tripline.cli.main import main

    for what, (path, says) in refused_manifests(tmp_path).items():
        monkeypatch.setattr(sys, "argv", ["tripline", "target", str(path), "--top", "5", "--json"])
        capsys.readouterr()
        with pytest.raises(SystemExit) as stopped:
            main()
        out, said = capsys.readouterr()
        assert stopped.value.code == 2, (what, said)
        assert "Traceback" not in said and said.count("error:") == 1, (what, said)
        assert _flat(f"error: {path}") in _flat(said) and _flat(says).lower() in _flat(said).lower(), (what, said)
        assert out.strip() == "", (what, out)  # no queue, not even a partial one
