"""`lists update` against an HTTP server on 127.0.0.1 (a free port) serving real list files."""

from __future__ import annotations

import gzip
import hashlib
import json
import threading
from collections.abc import Iterator
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select

from tests.conftest import BUNDLED_DATA
from tests.lists.conftest import invoke
from tripline.errors import FormatError, InputError, TooLargeError
from tripline.lists import store
from tripline.lists.loader import LoadStatus
from tripline.lists.models import ListSnapshot
from tripline.lists.update import parse_overrides, update_lists
from tripline.settings import Settings
from tripline.store.db import Database

UN_XML = gzip.decompress((BUNDLED_DATA / "watchlists" / "un" / "consolidated.xml.gz").read_bytes())


class _Quiet(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        return None


@pytest.fixture
def server(tmp_path: Path) -> Iterator[tuple[str, Path]]:
    """(base URL, folder it serves)."""
    root = tmp_path / "www"
    root.mkdir()
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), partial(_Quiet, directory=str(root)))
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}", root
    finally:
        httpd.shutdown()
        httpd.server_close()
        thread.join()


def _snapshots(db: Database) -> int:
    with db.transaction() as s:
        return s.scalar(select(func.count()).select_from(ListSnapshot)) or 0


def test_update_fetches_verifies_and_loads(db: Database, settings: Settings, server: tuple[str, Path]) -> None:
    base, root = server
    (root / "consolidated.xml").write_bytes(UN_XML)
    overrides = {"un_sc": [f"{base}/consolidated.xml"]}
    (first,) = update_lists(db, settings, only=["un_sc"], overrides=overrides)
    assert first.status is LoadStatus.LOADED and first.snapshot.version == 1
    assert first.snapshot.files[0]["sha256"] == hashlib.sha256(UN_XML).hexdigest()
    assert first.snapshot.entity_count == first.snapshot.declared_count
    (again,) = update_lists(db, settings, only=["un_sc"], overrides=overrides)
    assert again.status is LoadStatus.UNCHANGED and _snapshots(db) == 1
    # the same addresses given through the settings instead of the command line
    configured = settings.model_copy(update={"lists_url_overrides": overrides})
    (third,) = update_lists(db, configured, only=["un_sc"])
    assert third.status is LoadStatus.UNCHANGED
    assert not list((settings.var_dir / "downloads").iterdir()), "downloads are removed after loading"


def test_bad_downloads_leave_the_list_intact(db: Database, settings: Settings, server: tuple[str, Path]) -> None:
    base, root = server
    (root / "consolidated.xml").write_bytes(UN_XML)
    update_lists(db, settings, only=["un_sc"], overrides={"un_sc": [f"{base}/consolidated.xml"]})
    with db.transaction() as s:
        before = [e.to_proxy().to_dict() for e in store.current_entities(s)]

    with pytest.raises(InputError, match="HTTP 404") as info:
        update_lists(db, settings, only=["un_sc"], overrides={"un_sc": [f"{base}/gone.xml"]})
    assert info.value.file == f"{base}/gone.xml"

    (root / "index.html").write_text("<html><body>Maintenance</body></html>\n", encoding="utf-8")
    with pytest.raises(FormatError, match="refused") as info:
        update_lists(db, settings, only=["un_sc"], overrides={"un_sc": [f"{base}/index.html"]})
    assert info.value.file == f"{base}/index.html"

    (root / "empty.xml").write_bytes(b"")
    with pytest.raises(FormatError, match="empty"):
        update_lists(db, settings, only=["un_sc"], overrides={"un_sc": [f"{base}/empty.xml"]})

    small = settings.model_copy(update={"lists_update_max_bytes": 4096})
    with pytest.raises(TooLargeError):
        update_lists(db, small, only=["un_sc"], overrides={"un_sc": [f"{base}/consolidated.xml"]})

    (root / "half.xml").write_bytes(UN_XML[: len(UN_XML) // 2])
    with pytest.raises(FormatError):
        update_lists(db, settings, only=["un_sc"], overrides={"un_sc": [f"{base}/half.xml"]})

    assert _snapshots(db) == 1
    with db.transaction() as s:
        assert [e.to_proxy().to_dict() for e in store.current_entities(s)] == before


def test_override_arguments_are_checked(db: Database, settings: Settings) -> None:
    assert parse_overrides(["a=http://x/1", "a=http://x/2", "b=https://y"]) == {
        "a": ["http://x/1", "http://x/2"],
        "b": ["https://y"],
    }
    for bad in ("no-equals", "=http://x", "a=ftp://x"):
        with pytest.raises(InputError):
            parse_overrides([bad])
    with pytest.raises(InputError, match="4 files but 1"):
        update_lists(db, settings, only=["us_ofac_sdn"], overrides={"us_ofac_sdn": ["http://127.0.0.1:9/sdn.csv"]})
    with pytest.raises(InputError, match="not being updated"):
        update_lists(db, settings, only=["un_sc"], overrides={"us_ofac_sdn": ["http://127.0.0.1:9/sdn.csv"]})


def test_cli_update(settings: Settings, server: tuple[str, Path]) -> None:
    base, root = server
    (root / "consolidated.xml").write_bytes(UN_XML)
    url = f"{base}/consolidated.xml"
    invoke(settings, "lists", "update", "--only", "un_sc", "--url-override", f"un_sc={url}", "--quiet")
    (shown,) = json.loads(invoke(settings, "lists", "show", "--json").stdout)
    assert shown["id"] == "un_sc" and shown["version"] == 1 and shown["entity_count"] == shown["declared_count"]
