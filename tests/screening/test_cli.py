from __future__ import annotations

import json
import subprocess
from pathlib import Path

from typer.testing import CliRunner

from tripline.cli.context import AppContext
from tripline.cli.main import build_app
from tripline.lists.model import ListedEntity
from tripline.screening.batch import Columns
from tripline.screening.runner import screen_file
from tripline.screening.screener import Screener
from tripline.settings import REPO_DIR, Settings


def test_compare_json(settings: Settings) -> None:
    result = CliRunner().invoke(build_app(), ["compare", "Wei Li Fang", "Li Fang Wei", "--json"],
                                obj=AppContext(settings=settings))  # fmt: skip
    assert result.exit_code == 0, result.output
    payload = json.loads(result.output)
    assert payload["score"] == 1.0 and payload["match"] is True and payload["explanation"]


def test_compare_pairs(settings: Settings, tmp_path: Path) -> None:
    pairs = tmp_path / "pairs.csv"
    pairs.write_text("name_a,name_b,schema\nSBIG,Shahid Bakeri Industrial Group,\nCORP,Acme Corp,\nAli,Ala,Person\n")
    result = CliRunner().invoke(build_app(), ["compare", "--pairs", str(pairs)], obj=AppContext(settings=settings))
    lines = [json.loads(x) for x in result.output.splitlines()]
    assert [x["match"] for x in lines] == [True, False, False]


def test_bad_country_exits_2_naming_the_field(tmp_path: Path) -> None:
    env = {"TRIPLINE_VAR_DIR": str(tmp_path), "PATH": "/usr/bin:/bin"}
    proc = subprocess.run([str(REPO_DIR / ".venv/bin/tripline"), "screen", "Acme", "--country", "Atlantis"],
                          capture_output=True, text=True, env=env, timeout=120)  # fmt: skip
    assert proc.returncode == 2
    assert "country" in proc.stderr and "Atlantis" in proc.stderr


def _screener() -> Screener:
    return Screener([ListedEntity("sbig", "t", "1", "Organization", "Shahid Bakeri Industrial Group",
                                  {"name": ["Shahid Bakeri Industrial Group"], "country": ["ir"]}, 1)])  # fmt: skip


def test_screen_file_skips_bad_rows_and_writes_each_format(tmp_path: Path) -> None:
    src = tmp_path / "in.csv"
    src.write_text(
        "ref,party,cc\nA1,Shahid Bakeri Industrial Grp,IR\nA2,,IR\nA3,Siemens AG,Atlantis\nA4,Siemens AG,DE\n"
    )
    screener = _screener()
    for suffix in ("jsonl", "csv", "parquet"):
        out = tmp_path / f"out.{suffix}"
        report = screen_file(screener, src, out, Columns("party", country="cc", id="ref"))
        assert report.rows == 4 and report.screened == 2
        assert [line for line, _ in report.bad_rows] == [3, 4]
        assert out.stat().st_size > 0
    rows = [json.loads(x) for x in (tmp_path / "out.jsonl").read_text().splitlines()]
    assert [r["id"] for r in rows] == ["A1", "A4"]
    assert rows[0]["matches"][0]["entity_id"] == "sbig" and rows[1]["matches"] == []
    import pyarrow.parquet as pq

    table = pq.read_table(tmp_path / "out.parquet").to_pylist()
    assert [(r["id"], r["entity_id"]) for r in table] == [("A1", "sbig"), ("A4", None)]
