"""Three real node processes (`tripline serve`) on 127.0.0.1 playing the situations the project grew from:
seeds 001/002 (Yokohama scan results, Japan Customs Law Art. 108-2, third-country cargo) and 003 (regime
points of contact). Each node has its own folder, database and key; they talk HTTP with signed
envelopes. The TAXII interface of the JP node is read with the standard `taxii2-client`.

The module runs twice: the nodes' databases on SQLite, then each on a fresh PostgreSQL database.
Starting three servers is the expensive part, so each database kind's tests form one xdist group
(``make test`` runs ``--dist loadgroup``): its servers are started once, by one worker, not by
every worker that happens to draw one of its tests."""

from __future__ import annotations

import json
import os
import subprocess
import time
from collections.abc import Callable, Iterator
from contextlib import ExitStack
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
import requests
import stix2
from typer.testing import CliRunner

from tests.conftest import free_port, fresh_postgres_database
from tripline.cli.context import AppContext
from tripline.cli.main import build_app
from tripline.errors import PolicyError
from tripline.exchange.agreements import EXAMPLES_DIR
from tripline.settings import REPO_DIR, Settings

TRIPLINE = str(REPO_DIR / ".venv" / "bin" / "tripline")
NODES = {
    "us-cbp": ("US Customs and Border Protection", "US"),
    "jp-customs": ("Japan Customs", "JP"),
    "fr-douane": ("French customs", "FR"),
}


@dataclass
class LiveNode:
    node_id: str
    settings: Settings
    url: str
    process: subprocess.Popen[bytes] | None = None
    context: AppContext | None = None

    def cli(self, *args: str) -> Any:
        """The CLI in-process against this node's folder (its database is shared with the server process)."""
        if self.context is None:
            self.context = AppContext(settings=self.settings)
        result = CliRunner().invoke(build_app(), list(args), obj=self.context)
        assert result.exit_code == 0, (self.node_id, args, result.output, result.exception)
        return json.loads(result.stdout)


def _wait(url: str, process: subprocess.Popen[bytes], timeout: float = 240.0) -> None:
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if process.poll() is not None:
            raise RuntimeError(f"{url}: server exited with {process.returncode}")
        try:
            if httpx.get(url + "/exchange/v1/node", timeout=2).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.5)
    raise RuntimeError(f"{url} did not start")


def _fill_registries(live: dict[str, LiveNode]) -> None:
    """Agreements and partners on every node, through the CLI."""
    for node in live.values():
        for file in ("jp-us-cmaa.yaml", "mtcr-poc.yaml"):
            node.cli("exchange", "agreement", "add", str(EXAMPLES_DIR / file))
        for other in live.values():
            if other is not node:
                me = other.cli("exchange", "node", "show")
                node.cli(
                    "exchange",
                    "partner",
                    "add",
                    "--id",
                    other.node_id,
                    "--name",
                    NODES[other.node_id][0],
                    "--country",
                    NODES[other.node_id][1],
                    "--public-key",
                    me["public_key"],
                    "--endpoint",
                    other.url,
                    "--group",
                    "mtcr",
                )


@pytest.fixture(
    scope="module",
    params=[
        pytest.param("sqlite", marks=pytest.mark.xdist_group("e2e-sqlite")),
        pytest.param("postgresql", marks=pytest.mark.xdist_group("e2e-postgresql")),
    ],
)
def nodes(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, LiveNode]]:
    with ExitStack() as databases:
        yield from _live_nodes(
            tmp_path_factory.mktemp(f"e2e-{request.param}"),
            lambda: databases.enter_context(fresh_postgres_database()) if request.param == "postgresql" else None,
        )


def _live_nodes(base: Path, database_url: Callable[[], str | None]) -> Iterator[dict[str, LiveNode]]:
    live: dict[str, LiveNode] = {}
    for node_id, (name, country) in NODES.items():
        port = free_port()
        settings = Settings(var_dir=base / node_id, database_url=database_url())
        node = LiveNode(node_id, settings, f"http://127.0.0.1:{port}")
        node.cli(
            "exchange",
            "node",
            "init",
            "--id",
            node_id,
            "--name",
            name,
            "--country",
            country,
            "--endpoint",
            node.url,
            "--group",
            "mtcr",
        )  # creates and migrates the database
        live[node_id] = node
    for node in live.values():  # start the servers first: they boot while the registries are filled
        env = {
            **os.environ,
            "TRIPLINE_VAR_DIR": str(node.settings.var_dir),
            "TRIPLINE_DATABASE_URL": node.settings.database_url or "",
            "TRIPLINE_LOG_LEVEL": "WARNING",
        }
        node.process = subprocess.Popen(
            [TRIPLINE, "serve", "--host", "127.0.0.1", "--port", node.url.rsplit(":", 1)[1]],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
    try:
        _fill_registries(live)
        for node in live.values():
            assert node.process is not None
            _wait(node.url, node.process)
        yield live
    finally:
        for node in live.values():
            if node.context is not None:
                node.context.close()
            if node.process is not None:
                node.process.terminate()
                node.process.wait(timeout=30)


def test_yokohama_scan_result_released_to_us_for_covered_purpose_only(nodes: dict[str, LiveNode]) -> None:
    jp, us = nodes["jp-customs"], nodes["us-cbp"]
    doc = jp.cli(
        "exchange",
        "draft",
        "--type",
        "scan_result",
        "--subject",
        "Yokohama RPM alarm on a transshipped container",
        "--body",
        "Secondary inspection: alarm explained by NORM in ceramic tiles.",
        "--purpose",
        "customs_enforcement",
        "--legal-basis",
        "Japan-US CMAA Art. 4(3)(b)",
        "--fact",
        "port=JPYOK",
        "--fact",
        "container=MSCU1234565",
    )
    [denied] = jp.cli("exchange", "send", doc["id"], "--to", "us-cbp", "--purpose", "intelligence")
    assert denied["status"] == "denied"
    assert "the jp-us-cmaa agreement covers customs_enforcement, not intelligence use" in denied["decision"]["reasons"]
    [sent] = jp.cli("exchange", "send", doc["id"], "--to", "us-cbp", "--purpose", "customs_enforcement")
    assert sent["status"] == "delivered" and sent["receipt"]["status"] == "accepted"
    assert sent["receipt"]["receiver"] == "us-cbp" and sent["receipt"]["hash"]
    inbox = us.cli("exchange", "list", "--box", "inbox", "--json")
    assert [(m["ref"], m["status"], m["agreement"]) for m in inbox] == [(doc["id"], "accepted", "jp-us-cmaa")]
    assert us.cli("exchange", "read", doc["id"])["document"]["facts"]["port"] == "JPYOK"


def test_third_country_cargo_request_refused_until_an_agreement_covers_it(nodes: dict[str, LiveNode]) -> None:
    jp, us = nodes["jp-customs"], nodes["us-cbp"]
    ask = [
        "exchange",
        "draft",
        "--type",
        "request_for_information",
        "--subject",
        "Third-country containers scanned at Yokohama",
        "--purpose",
        "nonproliferation",
        "--legal-basis",
        "Megaports cooperation",
    ]
    first = us.cli(*ask)
    [refused] = us.cli("exchange", "send", first["id"], "--to", "jp-customs", "--purpose", "nonproliferation")
    assert refused["status"] == "denied"
    assert any("covers customs_enforcement, not nonproliferation use" in r for r in refused["decision"]["reasons"])
    third = str(EXAMPLES_DIR / "jp-us-third-country-cargo.yaml")
    us.cli("exchange", "agreement", "add", third)  # only the US side so far: Japan refuses to hold it
    second = us.cli(*ask)
    [held] = us.cli("exchange", "send", second["id"], "--to", "jp-customs", "--purpose", "nonproliferation")
    assert held["status"] == "refused" and any(r.startswith("not held") for r in held["receipt"]["reasons"])
    jp.cli("exchange", "agreement", "add", third)
    third_try = us.cli(*ask)
    [ok] = us.cli("exchange", "send", third_try["id"], "--to", "jp-customs", "--purpose", "nonproliferation")
    assert ok["status"] == "delivered" and ok["decision"]["agreement"] == "jp-us-third-country-cargo"
    assert third_try["id"] in [d["id"] for d in jp.cli("exchange", "list", "--box", "documents", "--json")]


def test_ministry_request_to_tell_an_exporter_held_until_originator_consents(nodes: dict[str, LiveNode]) -> None:
    jp, us = nodes["jp-customs"], nodes["us-cbp"]
    notice = us.cli(
        "exchange",
        "draft",
        "--type",
        "case_notice",
        "--subject",
        "Intermediary seeking 3D coordinate measuring machines for a denied end user",
        "--purpose",
        "customs_enforcement",
        "--legal-basis",
        "Japan-US CMAA Art. 4(3)(b)",
        "--fact",
        "end_user=(named)",
        "--fact",
        "intermediary=(named)",
    )
    [sent] = us.cli("exchange", "send", notice["id"], "--to", "jp-customs", "--purpose", "customs_enforcement")
    assert sent["status"] == "delivered"
    asked = jp.cli(
        "exchange",
        "consent",
        "request",
        notice["id"],
        "--third-party",
        "Example Exporter K.K.",
        "--purpose",
        "exporter_outreach",
        "--justification",
        "METI wants to warn the exporter",
    )
    assert asked["status"] == "pending"
    result = CliRunner().invoke(build_app(), ["exchange", "consent", "release", asked["id"]], obj=jp.context)
    assert isinstance(result.exception, PolicyError)  # held until the originator consents
    assert "needs the originator's signed consent" in result.exception.reason
    [incoming] = us.cli("exchange", "consent", "list", "--json")
    assert incoming["id"] == asked["id"] and incoming["direction"] == "in"
    us.cli("exchange", "consent", "give", asked["id"], "--withhold", "facts.intermediary", "--note", "end user only")
    released = jp.cli("exchange", "consent", "release", asked["id"])
    assert released["decision"]["allowed"]
    assert released["document"]["facts"] == {"end_user": "(named)"}
    assert released["document"]["withheld"] == ["facts.intermediary"]


def test_information_paper_circulated_to_the_group_with_deadline(nodes: dict[str, LiveNode]) -> None:
    us, fr = nodes["us-cbp"], nodes["fr-douane"]
    deadline = (datetime.now(UTC) + timedelta(days=7)).strftime("%Y-%m-%dT%H:%M:%S")
    paper = us.cli(
        "exchange",
        "draft",
        "--type",
        "information_paper",
        "--subject",
        "Flow-forming machine sought for a missile programme",
        "--summary",
        "A trading company seeks a flow-forming machine for an entity of concern.",
        "--purpose",
        "nonproliferation",
        "--purpose",
        "export_control",
        "--legal-basis",
        "Regime information exchange",
        "--deadline",
        deadline,
    )
    outcomes = us.cli("exchange", "send", paper["id"], "--group", "mtcr", "--purpose", "nonproliferation")
    assert sorted((o["partner"], o["status"]) for o in outcomes) == [
        ("fr-douane", "delivered"),
        ("jp-customs", "delivered"),
    ]
    reply = fr.cli(
        "exchange",
        "draft",
        "--type",
        "response",
        "--subject",
        "No such licence applications in France",
        "--purpose",
        "nonproliferation",
        "--legal-basis",
        "Regime information exchange",
        "--reference",
        paper["id"],
    )
    [back] = fr.cli("exchange", "send", reply["id"], "--to", "us-cbp", "--purpose", "nonproliferation")
    assert back["status"] == "delivered"
    status = us.cli("exchange", "circulation", paper["id"])
    assert status["group"] == "mtcr" and status["acknowledged"] == 2 and status["answered"] == 1
    answered = {r["partner"]: r["answered"] for r in status["recipients"]}
    assert answered == {"fr-douane": True, "jp-customs": False}
    assert all(r["acknowledged_at"] for r in status["recipients"])
    assert us.cli("exchange", "deadlines", "--json") == []  # not due yet


def test_taxii_serves_each_partner_exactly_what_it_may_see(nodes: dict[str, LiveNode]) -> None:
    from taxii2client.v21 import Server, as_pages

    jp = nodes["jp-customs"]
    doc = jp.cli(
        "exchange",
        "draft",
        "--type",
        "scan_result",
        "--subject",
        "Yokohama scan for TAXII",
        "--purpose",
        "customs_enforcement",
        "--legal-basis",
        "Japan-US CMAA Art. 4(3)(b)",
    )
    assert jp.cli("exchange", "send", doc["id"], "--to", "us-cbp", "--purpose", "customs_enforcement")[0]["status"] == (
        "delivered"
    )
    us_token = jp.cli("exchange", "partner", "token", "us-cbp")["token"]
    fr_token = jp.cli("exchange", "partner", "token", "fr-douane")["token"]
    server = Server(f"{jp.url}/taxii2/", user="us-cbp", password=us_token)
    [root] = server.api_roots
    [collection] = root.collections
    assert collection.can_read and not collection.can_write
    objects: list[dict[str, Any]] = []
    for page in as_pages(collection.get_objects, per_request=3):
        objects.extend(page.get("objects", []))
    parsed = [stix2.parse(o) for o in objects]
    reports = [o for o in parsed if o.type == "report"]
    released_to_us = {
        m["ref"]
        for m in jp.cli("exchange", "list", "--box", "outbox", "--json")
        if m["partner"] == "us-cbp" and m["status"] == "delivered" and m["kind"] == "document"
    }
    assert {r.external_references[0].external_id for r in reports} == released_to_us
    for report in reports:
        assert "marking-definition--55d920b0-5e8b-4f79-9ee9-91f868d9b421" in report.object_marking_refs  # TLP:AMBER
    acs = [
        o
        for o in objects
        if o["type"] == "marking-definition"
        and "extensions" in o
        and "extension-definition--3a65884d-005a-4290-8335-cb2d778a83ce" in o["extensions"]
    ]
    assert acs and all(
        m["extensions"]["extension-definition--3a65884d-005a-4290-8335-cb2d778a83ce"]["further_sharing"]
        == [{"sharing_scope": ["ALL"], "rule_effect": "deny"}]
        for m in acs
    )
    manifest = collection.get_manifest()
    assert {m["id"] for m in manifest["objects"]} == {o["id"] for o in objects}
    latest = max(m["date_added"] for m in manifest["objects"])
    assert collection.get_objects(added_after=latest).get("objects", []) == []

    fr_view = Server(f"{jp.url}/taxii2/", user="fr-douane", password=fr_token).api_roots[0].collections[0]
    assert [o for o in fr_view.get_objects().get("objects", []) if o["type"] == "report"] == []
    with pytest.raises(requests.HTTPError) as refused:
        _ = Server(f"{jp.url}/taxii2/", user="us-cbp", password="wrong").api_roots
    assert refused.value.response is not None and refused.value.response.status_code == 401


def test_audit_logs_of_all_nodes_verify(nodes: dict[str, LiveNode]) -> None:
    for node in nodes.values():
        report = node.cli("audit", "verify")
        assert report["ok"] and report["entries"] >= 5, node.node_id
