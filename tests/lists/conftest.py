"""Fixtures of the list-store tests: a FollowTheMoney JSON-lines format and real list slices."""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

import pytest
from followthemoney import model
from typer.testing import CliRunner

from tripline.cli.context import AppContext
from tripline.cli.main import build_app
from tripline.errors import FormatError
from tripline.lists.formats import ListFormat
from tripline.lists.formats.reader import DEFAULT_LIMITS, ReadLimits
from tripline.lists.model import ListEntry, LoadReport, SourceSpec
from tripline.settings import Settings

FIXTURES = Path(__file__).resolve().parent / "fixtures"
V1 = FIXTURES / "inksna_v1.ftm.jsonl"
V2 = FIXTURES / "inksna_v2.ftm.jsonl"


class FtmLines:
    """A plain FtM JSON-lines reader for the store tests (independent of the real parsers).

    ``fail_after``: raise after that many entities (a parse failure in the middle of a file).
    """

    name = "ftm_lines_test"
    title = "FollowTheMoney JSON lines (test reader)"

    def __init__(self, fail_after: int | None = None) -> None:
        self.fail_after = fail_after

    def sniff(self, path: Path, head: bytes) -> bool:
        return head.lstrip().startswith(b"{") and b'"schema"' in head

    def parse(
        self, paths: Sequence[Path], spec: SourceSpec, report: LoadReport, limits: ReadLimits = DEFAULT_LIMITS
    ) -> Iterator[ListEntry]:
        count = 0
        for path in paths:
            with path.open(encoding="utf-8") as fh:
                for number, line in enumerate(fh, start=1):
                    if not line.strip():
                        continue
                    if self.fail_after is not None and count >= self.fail_after:
                        raise FormatError("injected failure", file=path, line=number)
                    try:
                        data = json.loads(line)
                    except json.JSONDecodeError as exc:
                        raise FormatError(f"not JSON: {exc.msg}", file=path, line=number) from exc
                    proxy = model.get_proxy(data, cleaned=False)
                    count += 1
                    yield ListEntry(entity=proxy, entry_id=str(data["id"]), programs=tuple(proxy.get("program")))
        report.declared_count = count


def spec(source_id: str = "partner_inksna", fmt: str = FtmLines.name) -> SourceSpec:
    return SourceSpec(
        id=source_id,
        title="INKSNA designations (partner copy)",
        publisher="test",
        format=fmt,
        files=(),
        licence="CC BY-NC 4.0",
    )


def parsed(path: Path) -> dict[str, dict[str, object]]:
    """What the test reader makes of a fixture: entity id -> FtM dict."""
    report = LoadReport()
    return {e.entity.id: e.entity.to_dict() for e in FtmLines().parse([path], spec(), report) if e.entity.id}


def invoke(settings: Settings, *args: str) -> Any:
    ctx = AppContext(settings=settings)
    try:
        result = CliRunner().invoke(build_app(), list(args), obj=ctx)
    finally:
        ctx.close()
    assert result.exit_code == 0, f"{args}: {result.output}\n{result.exception!r}"
    return result


@pytest.fixture
def formats() -> dict[str, ListFormat]:
    return {FtmLines.name: FtmLines()}
