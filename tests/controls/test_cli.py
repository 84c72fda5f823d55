"""The controls CLI: load/show/search, classify and the JSONL batch."""

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
from tripline.settings import Settings

ROOT = Path(__file__).parents[2]


def _run(settings: Settings, args: list[str]):  # type: ignore[no-untyped-def]
    return CliRunner().invoke(build_app(), args, obj=AppContext(settings=settings))


def test_load_show_search(settings: Settings) -> None:
    loaded = _run(settings, ["controls", "load", "--json"])
    assert loaded.exit_code == 0, loaded.output
    assert {(s["source"], s["entry_count"]) for s in json.loads(loaded.stdout)} == {("us_ccl", 637), ("eu_annex1", 366)}
    shown = _run(settings, ["controls", "show", "2B209", "--json"])
    entries = json.loads(shown.stdout)
    assert [e["source"] for e in entries] == ["eu_annex1", "us_ccl"]
    assert any(i["code"] == "2B209.a.1" for i in entries[1]["items"])
    tree = _run(settings, ["controls", "show", "2B006"])
    assert "2B006.c" in tree.stdout and "angular_accuracy" in tree.stdout
    found = _run(settings, ["controls", "search", "flow forming", "--json", "--limit", "3"])
    assert {h["code"] for h in json.loads(found.stdout)} == {"2B009", "2B109", "2B209"}


def test_classify_json_shape(settings: Settings) -> None:
    result = _run(
        settings,
        [
            "classify",
            "industrial theodolite",
            "--param",
            "angular_accuracy=0.5 arcsec",
            "--destination",
            "SY",
            "--json",
        ],
    )
    assert result.exit_code == 0, result.output
    body = json.loads(result.stdout)
    assert set(body) == {"query", "verdict", "candidates"}
    assert {"listed", "eu_code", "eccn", "catch_all", "reasons"} <= set(body["verdict"])
    first = body["candidates"][0]
    assert {"code", "eccn", "regimes", "title", "score", "evidence", "parameters"} <= set(first)
    assert {"name", "required", "found", "verdict"} <= set(first["parameters"][0])
    assert body["verdict"]["listed"] == "yes" and body["verdict"]["catch_all"] is True


def test_batch_keeps_order_and_reports_bad_lines(settings: Settings, tmp_path: Path) -> None:
    batch = tmp_path / "goods.jsonl"
    batch.write_text(
        "\n".join(
            [
                json.dumps({"description": "cold flow forming machine"}),
                "{not json",
                json.dumps({"description": "fresh bananas", "destination": "IR"}),
                json.dumps({"description": "lathe", "hs_code": "12"}),
            ]
        )
    )
    result = _run(settings, ["classify", "--file", str(batch)])
    assert result.exit_code == 2
    lines = [json.loads(x) for x in result.stdout.splitlines()]
    assert [x["line"] for x in lines] == [1, 2, 3, 4]
    assert lines[0]["candidates"][0]["code"] in {"2B009", "2B109", "2B209"}
    assert lines[1]["error"]["line"] == 2
    assert lines[2]["verdict"]["catch_all"] is True
    assert lines[3]["error"]["field"] == "hs_code"


def test_error_exit_code_from_the_real_command(tmp_path: Path) -> None:
    env = {**os.environ, "TRIPLINE_VAR_DIR": str(tmp_path / "var")}
    exe = Path(sys.executable).parent / "tripline"
    proc = subprocess.run(
        [str(exe), "controls", "show", "9Z999"], capture_output=True, text=True, env=env, cwd=ROOT, timeout=300
    )
    assert proc.returncode == 2
    assert "no control-list entry" in proc.stderr


def test_blank_description_is_an_input_error(settings: Settings) -> None:
    from tripline.controls.service import make_query
    from tripline.errors import InputError

    with pytest.raises(InputError) as err:
        make_query(description="   ")
    assert err.value.field == "description"
    result = _run(settings, ["classify", "lathe", "--param", "mpe"])
    assert isinstance(result.exception, InputError) and result.exception.field == "param"


def test_a_bad_batch_line_exits_2_from_the_real_command(tmp_path: Path) -> None:
    """Failed before: the installed command exited 0 (click returns a command's ``typer.Exit``
    code without standalone mode and ``main`` dropped it); the CliRunner test above did not see it."""
    batch = tmp_path / "goods.jsonl"
    batch.write_text(json.dumps({"description": "lathe"}) + "\n{not json\n", encoding="utf-8")
    env = {**os.environ, "TRIPLINE_VAR_DIR": str(tmp_path / "var")}
    exe = Path(sys.executable).parent / "tripline"
    proc = subprocess.run(
        [str(exe), "classify", "--file", str(batch)], capture_output=True, text=True, env=env, cwd=ROOT, timeout=300
    )
    assert proc.returncode == 2, proc.stderr
    assert [json.loads(x)["line"] for x in proc.stdout.splitlines()] == [1, 2]
    assert f"error: {batch}, line 2: not JSON" in proc.stderr.splitlines()[0]  # one line, never wrapped
