"""``lists update``: fetch each list's current files from its official address, verify, load.

Addresses come from ``sources.yaml`` (``urls``, one per file), overridden per list by
``Settings.lists_url_overrides`` and then by ``--url-override ID=URL`` (repeat for a list of
several files, in the order of its files). Each file is streamed to a temporary folder under
``VAR_DIR/downloads`` with a size limit, checked (HTTP status, not empty, in the list's format
by its content) and then loaded like a bundled file: unchanged content gives no new version,
and a bad file leaves the list's previous version intact.
"""

from __future__ import annotations

import tempfile
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path

import httpx
import structlog

from tripline import __version__
from tripline.errors import FormatError, InputError, TooLargeError
from tripline.lists.loader import LoadResult, Progress, bundled_specs, choose_format, no_progress
from tripline.lists.model import SourceSpec
from tripline.lists.service import load_files
from tripline.settings import Settings
from tripline.store.db import Database

log = structlog.get_logger(__name__)


def parse_overrides(items: Iterable[str]) -> dict[str, list[str]]:
    """``["ID=URL", ...]`` -> ``{ID: [URL, ...]}`` (a repeated ID gives the URLs of its files in order)."""
    out: dict[str, list[str]] = {}
    for item in items:
        source_id, sep, url = item.partition("=")
        if not sep or not source_id.strip() or not url.strip():
            raise InputError(f"--url-override {item!r} must be ID=URL", field="url-override")
        if not url.strip().startswith(("http://", "https://")):
            raise InputError(f"--url-override {item!r}: not an http(s) address", field="url-override")
        out.setdefault(source_id.strip(), []).append(url.strip())
    return out


def fetch(client: httpx.Client, url: str, dest: Path, max_bytes: int) -> int:
    """Stream ``url`` into ``dest``; refuse an HTTP error or more than ``max_bytes``. Returns the size."""
    size = 0
    try:
        with client.stream("GET", url) as response:
            if response.status_code != 200:
                raise InputError(f"download failed: HTTP {response.status_code}", file=url)
            declared = response.headers.get("content-length")
            if declared and declared.isdigit() and int(declared) > max_bytes:
                raise TooLargeError(f"download of {declared} bytes exceeds the limit of {max_bytes}", file=url)
            with dest.open("wb") as out:
                for chunk in response.iter_bytes():
                    size += len(chunk)
                    if size > max_bytes:
                        raise TooLargeError(f"download exceeds the limit of {max_bytes} bytes; refused", file=url)
                    out.write(chunk)
    except httpx.HTTPError as exc:
        raise InputError(f"download failed: {type(exc).__name__}: {exc}", file=url) from exc
    if size == 0:
        raise FormatError("downloaded file is empty", file=url, line=1)
    return size


def urls_for(spec: SourceSpec, settings: Settings, overrides: Mapping[str, Sequence[str]]) -> list[str]:
    urls = list(overrides.get(spec.id) or settings.lists_url_overrides.get(spec.id) or spec.urls)
    if urls and len(urls) != len(spec.files):
        raise InputError(
            f"list {spec.id!r} has {len(spec.files)} files but {len(urls)} download addresses were given",
            field="url-override",
        )
    return urls


def update_lists(
    db: Database,
    settings: Settings,
    *,
    only: Iterable[str] = (),
    overrides: Mapping[str, Sequence[str]] | None = None,
    progress: Progress = no_progress,
    transport: httpx.BaseTransport | None = None,
) -> list[LoadResult]:
    """Fetch and load every configured list that has download addresses (or those in ``only``)."""
    overrides = dict(overrides or {})
    only = list(only)
    specs = bundled_specs(settings, only)
    unknown = sorted(set(overrides) - {s.id for s in specs})
    if unknown:
        raise InputError(f"--url-override for list(s) not being updated: {', '.join(unknown)}", field="url-override")
    downloads = settings.var_dir / "downloads"
    downloads.mkdir(parents=True, exist_ok=True)
    results = []
    headers = {"User-Agent": f"tripline/{__version__} (lists update)"}
    with httpx.Client(
        timeout=settings.lists_update_timeout, follow_redirects=True, headers=headers, transport=transport
    ) as client:
        for spec in specs:
            urls = urls_for(spec, settings, overrides)
            if not urls:
                if only:
                    raise InputError(f"list {spec.id!r} has no download address; give --url-override", field="only")
                log.info("list has no download address", source=spec.id)
                continue
            with tempfile.TemporaryDirectory(dir=downloads, prefix=f"{spec.id}-") as tmp:
                paths = []
                for rel, url in zip(spec.files, urls, strict=True):
                    dest = Path(tmp) / Path(rel).name
                    size = fetch(client, url, dest, settings.lists_update_max_bytes)
                    log.info("list file fetched", source=spec.id, url=url, bytes=size)
                    paths.append(dest)
                try:
                    choose_format(paths, spec.format, None)
                except FormatError as exc:
                    raise FormatError(
                        f"downloaded file refused, not loaded: {exc.reason}", file=urls[0], line=1
                    ) from exc
                results.append(load_files(db, spec, paths, format_name=spec.format, progress=progress))
    return results
