"""Command-line tables fit an 80-column terminal: ``lists show`` keeps hashes behind ``--files``,
``screen`` prints one block per match when narrow, with every explanation line whole. The data
is the real OFAC SDN test slice (``tests/api/harness.py``)."""

from __future__ import annotations

import json
import re

from rich.console import Console
from typer.testing import CliRunner

from tests.api.harness import load_sdn_slice
from tripline.cli.context import AppContext
from tripline.cli.main import build_app
from tripline.settings import Settings

LOG_LINE = re.compile(r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d \[")
HEX64 = re.compile(r"\b[0-9a-f]{64}\b")


def _run(settings: Settings, width: int, *args: str) -> str:
    app_ctx = AppContext(settings=settings, console=Console(width=width, force_terminal=False, color_system=None))
    load_sdn_slice(app_ctx.db())
    result = CliRunner().invoke(build_app(), list(args), obj=app_ctx)
    assert result.exit_code == 0, result.output
    # the runner mixes the log lines (stderr in a terminal) into the output: keep the command's own
    return "\n".join(line.rstrip() for line in result.output.splitlines() if not LOG_LINE.match(line))


def test_lists_show_fits_80_columns_and_hides_hashes(settings: Settings) -> None:
    out = _run(settings, 80, "lists", "show")
    lines = [line for line in out.splitlines() if line.strip()]
    assert max(len(line) for line in lines) <= 80
    assert "us_ofac_sdn" in out and not HEX64.search(out)
    assert len(lines) <= 12  # one list: title, header, a row or two, the hint
    files = _run(settings, 80, "lists", "show", "--files")
    assert max(len(line) for line in files.splitlines()) <= 80
    assert len(HEX64.findall(files)) == 3  # sdn.csv, alt.csv, add.csv of the slice
    assert "sdn.csv" in files and "Public domain" in files


def test_screen_is_readable_at_80_columns(settings: Settings) -> None:
    out = _run(settings, 80, "screen", "LIMMT", "--threshold", "0.7")
    assert max(len(line) for line in out.splitlines()) <= 80
    assert "LIMMT ECONOMIC AND TRADE COMPANY" in out.upper()
    blocks = re.findall(r"^\d+\. \d\.\d\d ", out, flags=re.MULTILINE)
    assert len(blocks) >= 1  # one block per match, no squeezed table
    # every explanation line of the JSON answer is printed whole (wrapped, never cut to a sliver)
    payload = _run(settings, 80, "screen", "LIMMT", "--threshold", "0.7", "--json")
    explanations = [why for m in json.loads(payload[payload.index("{") :])["matches"] for why in m["explanation"]]
    flat = " ".join(out.split())
    assert explanations and all(" ".join(why.split()) in flat for why in explanations)
    wide = _run(settings, 160, "screen", "LIMMT", "--threshold", "0.7")
    assert max(len(line) for line in wide.splitlines()) <= 160 and "why" in wide
