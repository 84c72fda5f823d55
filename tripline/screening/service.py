"""Screening against the database: the current lists, cached per list version, and decisions.

The API and CLI hold one :class:`ScreenerCache` per process; it rebuilds its screener only
when a list's latest snapshot changes.
"""

from __future__ import annotations

import hashlib
import json
import os
import secrets
import stat
import threading
import time
from pathlib import Path
from typing import Any

import structlog

from tripline.errors import ConfigError, IntegrityError, NotFoundError
from tripline.lists.store import current_entities, latest_snapshots
from tripline.screening.decisions import attach_decisions
from tripline.screening.indexfile import SUFFIX, open_index, write_index
from tripline.screening.result import DEFAULT_LIMIT, DEFAULT_THRESHOLD, ScreeningQuery, ScreeningResult
from tripline.screening.screener import Screener
from tripline.screening.vocabulary import VOCABULARY_FILE
from tripline.store.db import Database

log = structlog.get_logger(__name__)


INDEX_FORMAT = 14  # bump when the index layout, the matcher's normalisation or the cache file layout changes

CACHE_KEY_FILE = "cache.key"
KEY_BYTES = 32
KEY_WAIT_SECONDS = 1.0  # how long a reader waits for a key another process is still writing

_NOFOLLOW = getattr(os, "O_NOFOLLOW", 0)
_NONBLOCK = getattr(os, "O_NONBLOCK", 0)  # a FIFO planted as the key must not block the open
_PRIVATE_BITS = 0o077  # any permission for group or others


class ScreenerCache:
    """One screener per process, rebuilt when the lists change.

    With `directory` (the CLI passes ``VAR_DIR/screening``), a built index is also kept on
    disk as one file of named arrays (``index-<digest>.tlidx``, see ``indexfile.py``), named
    after the list snapshots, the index format and the vocabulary, so the next process maps
    it instead of rebuilding: nothing is unpickled and no item is decoded until read.

    Every index file is signed with HMAC-SHA256 under a per-installation key, ``cache.key``
    in the same directory (32 random bytes, created on first use with mode 0600; the
    directory is created with mode 0700). The signature covers the whole file and is checked
    before any array is used, and the manifest must name the snapshots, index format and
    vocabulary wanted: a file that was planted, altered, truncated, renamed, built from
    other lists or signed under another key is deleted with a warning and the index is
    rebuilt. A key that is not a regular file owned by Tripline's user, or that group or
    others may access, is not used: the index is then rebuilt in every process and not
    cached.

    What this does not guarantee: anyone who can read ``cache.key`` (or write it before
    Tripline first does) can forge an index file that screens wrongly. The directory must
    stay private to Tripline's user.
    """

    def __init__(self, directory: Path | None = None) -> None:
        self._lock = threading.Lock()
        self._screener: Screener | None = None
        self._snapshots: dict[str, int] | None = None
        self.directory = directory

    def get(self, db: Database) -> Screener:
        with db.transaction() as session:
            snapshots = latest_snapshots(session)
        if not snapshots:
            raise NotFoundError("no lists loaded: run `tripline lists load --bundled` first")
        with self._lock:
            if self._screener is None or self._snapshots != snapshots:
                self._screener = self._load_or_build(db, snapshots)
                self._snapshots = snapshots
            return self._screener

    def _path(self, snapshots: dict[str, int]) -> Path | None:
        if self.directory is None:
            return None
        vocab = VOCABULARY_FILE.read_bytes()
        digest = hashlib.sha256(json.dumps([INDEX_FORMAT, sorted(snapshots.items())]).encode() + vocab).hexdigest()[:24]
        return self.directory / f"index-{digest}{SUFFIX}"

    def _key(self) -> bytes | None:
        """The cache key, or None (with a warning) when it cannot be used safely."""
        if self.directory is None:
            return None
        try:
            prepare_cache_directory(self.directory)
            return cache_key(self.directory)
        except (ConfigError, OSError) as exc:
            log.warning(
                "screening index cache key refused, building without the cache",
                directory=str(self.directory),
                error=str(exc),
            )
            return None

    def _load_or_build(self, db: Database, snapshots: dict[str, int]) -> Screener:
        path = self._path(snapshots)
        key = self._key() if path is not None else None
        expected = _expected_manifest(snapshots)
        if path is not None and key is not None:
            cached = _load_cached(path, key, expected)
            if cached is not None:
                return cached
        screener = screener_from_database(db)
        if path is not None and key is not None and _store(path, key, screener, expected):
            # serve from the mapped file: its pages are shared with every process that maps it
            try:
                mapped = load_index(path, key, expected)
            except (OSError, IntegrityError) as exc:
                log.warning("screening index written but not mapped", path=str(path), error=str(exc))
                return screener
            log.info("screening index written and mapped", path=str(path))
            return mapped
        return screener


def prepare_cache_directory(directory: Path) -> None:
    """Create the cache directory with mode 0700 (and tighten it if Tripline owns it and it is looser)."""
    directory.mkdir(mode=0o700, parents=True, exist_ok=True)
    info = directory.stat()
    getuid = getattr(os, "getuid", None)
    if info.st_mode & _PRIVATE_BITS and (getuid is None or info.st_uid == getuid()):
        os.chmod(directory, 0o700)
        log.info("screening index cache directory made private (0700)", directory=str(directory))


def cache_key(directory: Path) -> bytes:
    """The installation's cache key in `directory`, created on first use.

    Raises :class:`ConfigError` when the key file is unsafe to use (not a regular file, owned
    by another user, accessible to group or others) or does not hold a key.
    """
    path = directory / CACHE_KEY_FILE
    try:
        fd = os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY | _NOFOLLOW, 0o600)
    except FileExistsError:
        return _read_key(path)  # already there, or another process is creating it right now
    key = secrets.token_bytes(KEY_BYTES)
    try:
        try:
            written = 0
            while written < KEY_BYTES:
                written += os.write(fd, key[written:])
            os.fsync(fd)
        finally:
            os.close(fd)
    except OSError:
        path.unlink(missing_ok=True)
        raise
    log.info("screening index cache key created", path=str(path))
    return key


def _read_key(path: Path) -> bytes:
    deadline = time.monotonic() + KEY_WAIT_SECONDS
    while True:
        if stat.S_ISLNK(os.lstat(path).st_mode):
            raise ConfigError("the screening cache key is a symbolic link", file=path)
        try:
            fd = os.open(path, os.O_RDONLY | _NOFOLLOW | _NONBLOCK)
        except OSError as exc:
            raise ConfigError(f"the screening cache key cannot be opened: {exc.strerror}", file=path) from exc
        try:
            info = os.fstat(fd)
            check_key_file(path, info)
            data = os.read(fd, KEY_BYTES + 1)
        finally:
            os.close(fd)
        if len(data) == KEY_BYTES:
            return data
        if len(data) > KEY_BYTES or time.monotonic() >= deadline:
            raise ConfigError(
                f"the screening cache key holds {info.st_size} bytes, not {KEY_BYTES}; delete it to make a new one",
                file=path,
            )
        time.sleep(0.01)  # the process that created it is still writing it


def check_key_file(path: Path, info: os.stat_result) -> None:
    """Raise :class:`ConfigError` unless `info` describes a private regular file of the current user."""
    if not stat.S_ISREG(info.st_mode):
        raise ConfigError("the screening cache key is not a regular file", file=path)
    getuid = getattr(os, "getuid", None)
    if getuid is not None and info.st_uid != getuid():
        raise ConfigError(f"the screening cache key is owned by uid {info.st_uid}, not by Tripline's user", file=path)
    if info.st_mode & _PRIVATE_BITS:
        mode = stat.S_IMODE(info.st_mode)
        raise ConfigError(
            f"the screening cache key has mode {mode:04o}; it must be 0600 (no group or other access)", file=path
        )


def _discard(path: Path) -> None:
    try:
        path.unlink(missing_ok=True)
    except OSError as exc:
        log.warning("screening index cache file could not be deleted", path=str(path), error=str(exc))


def _expected_manifest(snapshots: dict[str, int]) -> dict[str, Any]:
    """What the manifest of the index built from `snapshots` by this code says."""
    return {
        "index_format": INDEX_FORMAT,
        "snapshots": dict(sorted(snapshots.items())),
        "vocabulary_sha256": hashlib.sha256(VOCABULARY_FILE.read_bytes()).hexdigest(),
    }


def load_index(path: Path, key: bytes, expected: dict[str, Any] | None = None) -> Screener:
    """The screener of an index file, mapped and verified under `key` (see ``indexfile.py``).

    With `expected` (index format, snapshots, vocabulary digest), a file built from anything
    else is refused. Raises :class:`IntegrityError` for a file that does not verify or does
    not match, :class:`FileNotFoundError` when there is none. This is what a Spark executor
    calls on the file the driver shipped (``SparkContext.addFile``).
    """
    opened = open_index(path, key)
    if expected is not None:
        found = {k: opened.manifest.get(k) for k in expected}
        if json.dumps(found, sort_keys=True) != json.dumps(expected, sort_keys=True):
            raise IntegrityError("the screening index file was built from other lists or by other code", file=path)
    return Screener.from_arrays(opened.arrays, opened.meta)


def _load_cached(path: Path, key: bytes, expected: dict[str, Any]) -> Screener | None:
    started = time.perf_counter()
    try:
        loaded = load_index(path, key, expected)
    except FileNotFoundError:
        return None
    except IntegrityError as exc:
        log.warning("screening index cache file refused, deleting it and rebuilding", path=str(path), error=str(exc))
        _discard(path)
        return None
    except (OSError, ValueError, KeyError, TypeError) as exc:
        log.warning("screening index cache unreadable, rebuilding", path=str(path), error=str(exc))
        _discard(path)
        return None
    log.info("screening index loaded", path=str(path), seconds=round(time.perf_counter() - started, 3))
    return loaded


def _store(path: Path, key: bytes, screener: Screener, manifest: dict[str, Any]) -> bool:
    """Write `screener`'s index file; False (with a warning) when it could not be written."""
    try:
        for old in path.parent.glob("index-*"):
            if old != path and not old.name.endswith(".tmp"):
                old.unlink(missing_ok=True)
        arrays, meta = screener.arrays()
        write_index(path, key, arrays, dict(manifest, meta=meta))
    except OSError as exc:
        log.warning("screening index cache not written", path=str(path), error=str(exc))
        return False
    return True


def screener_from_database(db: Database, source_ids: list[str] | None = None) -> Screener:
    """A screener over the current snapshot of every list (or of `source_ids`)."""
    with db.transaction() as session:
        return Screener(current_entities(session, source_ids))


def screen(
    db: Database,
    cache: ScreenerCache,
    query: ScreeningQuery,
    *,
    threshold: float = DEFAULT_THRESHOLD,
    limit: int = DEFAULT_LIMIT,
) -> ScreeningResult:
    """Screen one query against the current lists and show earlier decisions."""
    screener = cache.get(db)
    result = screener.screen(query, threshold=threshold, limit=limit)
    with db.transaction() as session:
        return attach_decisions(session, screener.normaliser, result)
