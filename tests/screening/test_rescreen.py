"""rescreen and the database-backed screener, on SQLite and PostgreSQL, through the lists store."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from tripline.lists.model import SourceSpec
from tripline.lists.store import StoredEntity, write_snapshot
from tripline.screening.counterparties import add_counterparty, list_counterparties, rescreen
from tripline.screening.result import ScreeningQuery
from tripline.screening.service import ScreenerCache, screen
from tripline.settings import Settings
from tripline.store.db import Database

SPEC = SourceSpec(
    id="test_list", title="Test list", publisher="test", format="test", files=(), licence="us-public-domain"
)


def _load(db: Database, entities: list[tuple[str, str, str, list[str]]], day: int) -> None:
    # names from the OFAC SDN list
    stored = [
        StoredEntity.build(eid, schema, names[0], {"name": names[:1], "alias": names[1:], "country": [cc]}, eid)
        for eid, schema, cc, names in entities
    ]
    with db.transaction() as session:
        write_snapshot(session, SPEC, format_name="test", files=(), entities=stored, published=None,
                       declared_count=None, report={}, now=datetime(2026, 1, day, tzinfo=UTC))  # fmt: skip


def test_rescreen_reports_only_new_and_changed_hits(any_db: Database) -> None:
    _load(any_db, [("e1", "Organization", "ir", ["Shahid Bakeri Industrial Group", "SBIG"])], day=1)
    with any_db.transaction() as session:
        add_counterparty(session, ref="P-1", name="Shahid Bakeri Ind. Group", country="IR")
        add_counterparty(session, ref="P-2", name="Mahan Air")
    first = rescreen(any_db, now=datetime(2026, 1, 2, tzinfo=UTC))
    assert [(c.counterparty_ref, c.entity_id, c.kind) for c in first.changes] == [("P-1", "e1", "new")]

    again = rescreen(any_db, now=datetime(2026, 1, 3, tzinfo=UTC))
    assert again.changes == [] and again.changed_entities == 0

    _load(
        any_db,
        [
            ("e1", "Organization", "ir", ["Shahid Bakeri Industrial Group", "SBIG", "Shahid Baqeri Industries"]),
            ("e2", "Organization", "ir", ["Mahan Air", "Mahan Airlines"]),
        ],
        day=4,
    )
    later = rescreen(any_db, now=datetime(2026, 1, 5, tzinfo=UTC))
    kinds = sorted((c.counterparty_ref, c.entity_id, c.kind) for c in later.changes)
    assert kinds == [("P-1", "e1", "changed"), ("P-2", "e2", "new")]
    assert later.changed_entities == 2

    _load(any_db, [("e2", "Organization", "ir", ["Mahan Air", "Mahan Airlines"])], day=6)
    removed = rescreen(any_db, now=datetime(2026, 1, 7, tzinfo=UTC))
    assert [(c.counterparty_ref, c.kind) for c in removed.changes] == [("P-1", "removed")]
    with any_db.transaction() as session:
        hits = {r["ref"]: [h["entity_id"] for h in r["hits"]] for r in list_counterparties(session)}
    assert hits == {"P-1": [], "P-2": ["e2"]}


def test_screen_from_database_uses_current_snapshot(any_db: Database) -> None:
    cache = ScreenerCache()
    _load(any_db, [("e1", "Organization", "ir", ["Shahid Bakeri Industrial Group"])], day=1)
    first = screen(any_db, cache, ScreeningQuery.build("Shahid Bakeri Industrial Group"))
    assert [m.entity_id for m in first.matches] == ["e1"]
    _load(any_db, [("e3", "Organization", "kp", ["Korea Mining Development Trading Corporation", "KOMID"])], day=2)
    second = screen(any_db, cache, ScreeningQuery.build("KOMID"))
    assert [m.entity_id for m in second.matches] == ["e3"]
    assert screen(any_db, cache, ScreeningQuery.build("Shahid Bakeri Industrial Group")).matches == ()


def test_index_is_cached_on_disk_per_list_version(db: Database, tmp_path: Path) -> None:
    _load(db, [("e1", "Organization", "ir", ["Shahid Bakeri Industrial Group"])], day=1)
    first = ScreenerCache(tmp_path / "idx")
    query = ScreeningQuery.build("SBIG Shahid Bakeri Industrial Group")
    expected = first.get(db).screen(query).to_dict()
    files = list((tmp_path / "idx").glob("index-*.tlidx"))
    assert len(files) == 1
    second = ScreenerCache(tmp_path / "idx")
    assert second.get(db).screen(query).to_dict() == expected
    _load(db, [("e2", "Organization", "ir", ["Mahan Air"])], day=2)
    assert [m.entity_id for m in second.get(db).screen(ScreeningQuery.build("Mahan Air")).matches] == ["e2"]
    newer = list((tmp_path / "idx").glob("index-*.tlidx"))
    assert len(newer) == 1 and newer != files


def _json(output: str) -> Any:
    """The JSON document of a command's output (the runner does not route log lines to stderr)."""
    return json.loads(output[output.index("\n{") + 1 :] if not output.startswith("{") else output)


def test_cli_screen_decide_and_rescreen(settings: Settings) -> None:
    from typer.testing import CliRunner

    from tripline.cli.context import AppContext
    from tripline.cli.main import build_app

    app_ctx = AppContext(settings=settings)
    _load(app_ctx.db(), [("e1", "Organization", "ir", ["Shahid Bakeri Industrial Group", "SBIG"])], day=1)
    runner = CliRunner()
    out = runner.invoke(build_app(), ["screen", "SBIG", "--country", "IR", "--json"], obj=app_ctx)
    assert out.exit_code == 0, out.output
    payload = _json(out.output)
    assert payload["query"] == {"name": "SBIG", "country": "ir"}
    assert [m["entity_id"] for m in payload["matches"]] == ["e1"] and payload["matches"][0]["explanation"]
    decided = runner.invoke(
        build_app(),
        ["decide", "SBIG", "e1", "--verdict", "confirmed", "--reason", "alias on SDN", "--by", "analyst"],
        obj=app_ctx,
    )
    assert decided.exit_code == 0, decided.output
    again = _json(runner.invoke(build_app(), ["screen", "sbig", "--json"], obj=app_ctx).output)
    assert again["matches"][0]["decision"]["verdict"] == "confirmed"
    added = runner.invoke(build_app(), ["counterparty", "add", "P-1", "Shahid Bakeri Ind. Group"], obj=app_ctx)
    assert added.exit_code == 0, added.output
    report = _json(runner.invoke(build_app(), ["rescreen", "--json"], obj=app_ctx).output)
    assert [(c["counterparty"], c["entity_id"]) for c in report["new"]] == [("P-1", "e1")]
    printed = runner.invoke(build_app(), ["counterparty", "list"], obj=app_ctx).output
    listed = json.loads(printed[printed.index("\n[") + 1 :] if not printed.startswith("[") else printed)
    assert [(c["ref"], [h["entity_id"] for h in c["hits"]]) for c in listed] == [("P-1", ["e1"])]
    app_ctx.close()


def test_cli_screen_file_with_workers(settings: Settings, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """`screen-file --workers 2` forks (250 distinct names, above the parallel minimum set
    here) and writes what one process writes."""
    import tripline.screening.screener

    monkeypatch.setattr(tripline.screening.screener, "PARALLEL_MIN", 100)
    from typer.testing import CliRunner

    from tripline.cli.context import AppContext
    from tripline.cli.main import build_app

    app_ctx = AppContext(settings=settings)
    _load(app_ctx.db(), [("e1", "Organization", "ir", ["Shahid Bakeri Industrial Group", "SBIG"])], day=1)
    src = tmp_path / "parties.csv"
    rows = ["Shahid Bakeri Industrial Group"] + [f"Harbour Party {i} Trading" for i in range(249)]
    src.write_text("name\n" + "\n".join(rows) + "\n", encoding="utf-8")
    outputs = []
    for workers in ("1", "2"):
        out = tmp_path / f"out-{workers}.jsonl"
        args = ["screen-file", str(src), "--name-column", "name", "--out", str(out), "--workers", workers, "--json"]
        result = CliRunner().invoke(build_app(), args, obj=app_ctx)
        assert result.exit_code == 0, result.output
        assert _json(result.output)["screened"] == 250
        outputs.append([json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()])
    assert outputs[0] == outputs[1]
    assert [m["entity_id"] for m in outputs[0][0]["matches"]] == ["e1"]
    assert not any(r["matches"] for r in outputs[0][1:])
    zero = ["screen-file", str(src), "--name-column", "name", "--out", str(tmp_path / "x.jsonl"), "--workers", "0"]
    bad = CliRunner().invoke(build_app(), zero, obj=app_ctx)
    assert bad.exit_code == 2
