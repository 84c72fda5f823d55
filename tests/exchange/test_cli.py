"""`tripline exchange ...` and `tripline audit verify` through the real command line."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
from pathlib import Path

from typer.testing import CliRunner

from tripline.cli.context import AppContext
from tripline.cli.main import build_app
from tripline.exchange.agreements import EXAMPLES_DIR
from tripline.settings import REPO_DIR, Settings
from tripline.signing.keys import generate

TRIPLINE = str(REPO_DIR / ".venv" / "bin" / "tripline")


_contexts: dict[str, AppContext] = {}


def run(settings: Settings, *args: str) -> object:
    """Invoke in-process; one AppContext per folder, so the schema is migrated once, as in one shell session."""
    app_ctx = _contexts.setdefault(str(settings.var_dir), AppContext(settings=settings))
    result = CliRunner().invoke(build_app(), list(args), obj=app_ctx)
    assert result.exit_code == 0, (result.output, result.exception)
    return json.loads(result.stdout)


def test_node_partner_agreement_draft_decide(settings: Settings) -> None:
    node = run(
        settings,
        "exchange",
        "node",
        "init",
        "--id",
        "jp-customs",
        "--name",
        "Japan Customs",
        "--country",
        "JP",
        "--group",
        "mtcr",
    )
    assert isinstance(node, dict) and len(node["public_key"]) == 44
    shown = run(settings, "exchange", "node", "show")
    assert isinstance(shown, dict) and shown["public_key"] == node["public_key"] and shown["is_self"]
    us_key = generate("us-cbp").public_b64
    run(
        settings,
        "exchange",
        "partner",
        "add",
        "--id",
        "us-cbp",
        "--name",
        "US CBP",
        "--country",
        "US",
        "--public-key",
        us_key,
        "--endpoint",
        "http://127.0.0.1:9",
    )
    run(settings, "exchange", "agreement", "add", str(EXAMPLES_DIR / "jp-us-cmaa.yaml"))
    partners = run(settings, "exchange", "partner", "list", "--json")
    assert isinstance(partners, list) and sorted((p["id"], p["is_self"]) for p in partners) == [
        ("jp-customs", True),
        ("us-cbp", False),
    ]
    agreements = run(settings, "exchange", "agreement", "list", "--json")
    assert isinstance(agreements, list) and [sorted(a["parties"]) for a in agreements] == [["jp-customs", "us-cbp"]]
    doc = run(
        settings,
        "exchange",
        "draft",
        "--type",
        "scan_result",
        "--subject",
        "Yokohama scan",
        "--purpose",
        "customs_enforcement",
        "--legal-basis",
        "CMAA Art. 4(3)(b)",
        "--fact",
        "port=JPYOK",
    )
    assert isinstance(doc, dict)
    allowed = run(settings, "exchange", "decide", doc["id"], "--to", "us-cbp", "--purpose", "customs_enforcement")
    denied = run(settings, "exchange", "decide", doc["id"], "--to", "us-cbp", "--purpose", "intelligence")
    assert isinstance(allowed, dict) and isinstance(denied, dict)
    assert allowed["allowed"] and allowed["agreement"] == "jp-us-cmaa"
    assert not denied["allowed"] and any("not intelligence use" in r for r in denied["reasons"])
    docs = run(settings, "exchange", "list", "--box", "documents", "--json")
    assert isinstance(docs, list) and [d["id"] for d in docs] == [doc["id"]]
    read = run(settings, "exchange", "read", doc["id"])
    assert isinstance(read, dict) and read["document"]["facts"] == {"port": "JPYOK"}
    report = run(settings, "audit", "verify")
    assert isinstance(report, dict) and report["ok"] and report["entries"] == 4


def _env(tmp_path: Path) -> dict[str, str]:
    return {**os.environ, "TRIPLINE_VAR_DIR": str(tmp_path / "var"), "TRIPLINE_DATABASE_URL": "", "COLUMNS": "400"}


def test_errors_name_file_line_field_and_exit_2(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    text = (
        (EXAMPLES_DIR / "jp-us-cmaa.yaml").read_text().replace("purposes: [customs_enforcement]", "purposes: [spying]")
    )
    bad.write_text(text)
    result = subprocess.run(
        [TRIPLINE, "exchange", "agreement", "add", str(bad)], env=_env(tmp_path), capture_output=True, text=True
    )
    assert result.returncode == 2
    line = next(i for i, t in enumerate(text.splitlines(), 1) if t.startswith("purposes:"))
    assert f"bad.yaml, line {line}, field 'purposes.0'" in result.stderr


def test_audit_verify_names_the_edited_entry(tmp_path: Path) -> None:
    settings = Settings(var_dir=tmp_path / "var", database_url=None)
    run(settings, "exchange", "node", "init", "--id", "jp-customs", "--name", "JC", "--country", "JP")
    run(settings, "exchange", "agreement", "add", str(EXAMPLES_DIR / "mtcr-poc.yaml"))
    with sqlite3.connect(tmp_path / "var" / "tripline.db") as conn:
        conn.execute("UPDATE audit_entry SET subject = 'someone-else' WHERE seq = 2")
    result = subprocess.run([TRIPLINE, "audit", "verify"], env=_env(tmp_path), capture_output=True, text=True)
    assert result.returncode == 2
    assert "audit entry 2" in result.stderr and "entry 2 edited" in result.stderr


def test_audit_verify_writes_nothing_where_there_is_no_node(tmp_path: Path) -> None:
    """Failed before: `audit verify` on an empty var dir made the folder and a database (migrated)
    before it said there was no node. A check must write nothing; it names what is missing, exit 2."""
    var = tmp_path / "var"

    def verify() -> subprocess.CompletedProcess[str]:
        return subprocess.run([TRIPLINE, "audit", "verify"], env=_env(tmp_path), capture_output=True, text=True)

    empty = verify()
    assert empty.returncode == 2 and "no database here" in empty.stderr, empty.stderr
    assert not var.exists()
    var.mkdir()
    (var / "tripline.db").touch()  # a database, but no node key
    keyless = verify()
    assert keyless.returncode == 2 and "no node key here" in keyless.stderr, keyless.stderr
    assert sorted(p.name for p in var.iterdir()) == ["tripline.db"] and (var / "tripline.db").stat().st_size == 0
