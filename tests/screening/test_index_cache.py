"""The signed on-disk screening index cache: nothing is unpickled unless its HMAC verifies."""

from __future__ import annotations

import os
import pickle
import stat
import threading
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

import pytest
from structlog.testing import capture_logs

from tripline.errors import ConfigError, IntegrityError
from tripline.lists.model import ListedEntity, SourceSpec
from tripline.lists.store import StoredEntity, write_snapshot
from tripline.screening import service
from tripline.screening.result import ScreeningQuery
from tripline.screening.screener import Screener
from tripline.screening.service import CACHE_KEY_FILE, KEY_BYTES, ScreenerCache, cache_key
from tripline.store.db import Database

INDEX_NAME = "index-0123456789abcdef01234567.pickle"
QUERY = ScreeningQuery.build("Shahid Bakeri Industrial Grp")


def _touch(marker: str) -> None:
    Path(marker).write_text("unpickled")


class Bomb:
    """Unpickling this creates `marker`: the visible side effect of code run by `pickle.loads`."""

    def __init__(self, marker: Path) -> None:
        self.marker = marker

    def __reduce__(self) -> tuple[Callable[[str], None], tuple[str]]:
        return _touch, (str(self.marker),)


def _tiny_screener() -> Screener:
    # names from the OFAC SDN list
    return Screener(
        [
            ListedEntity("sbig", "test", "sbig", "Organization", "Shahid Bakeri Industrial Group",
                         {"name": ["Shahid Bakeri Industrial Group"], "alias": ["SBIG"], "country": ["ir"]}, 1),
            ListedEntity("mahan", "test", "mahan", "Organization", "Mahan Air", {"name": ["Mahan Air"]}, 1),
        ]
    )  # fmt: skip


def _key_dir(tmp_path: Path) -> tuple[Path, bytes]:
    directory = tmp_path / "screening"
    directory.mkdir(mode=0o700, parents=True)
    return directory, cache_key(directory)


def _flip(path: Path, offset: int, mask: int = 0x01) -> None:
    data = bytearray(path.read_bytes())
    data[offset] ^= mask
    path.write_bytes(bytes(data))


# --- signed files: the index file's own tests are in test_index_file.py (flipped bytes, other key,
# truncation, a pickle in its place); here, what the cache does with such files.


# --- the key --------------------------------------------------------------------------------------


def test_key_is_created_0600_once_and_reused(tmp_path: Path) -> None:
    directory = tmp_path / "screening"
    directory.mkdir()
    key = cache_key(directory)
    assert len(key) == KEY_BYTES
    info = (directory / CACHE_KEY_FILE).stat()
    assert stat.S_ISREG(info.st_mode) and stat.S_IMODE(info.st_mode) == 0o600
    assert (directory / CACHE_KEY_FILE).read_bytes() == key
    assert cache_key(directory) == key


def test_key_created_under_a_loose_umask_is_still_0600(tmp_path: Path) -> None:
    old = os.umask(0)
    try:
        _, _ = _key_dir(tmp_path)
    finally:
        os.umask(old)
    assert stat.S_IMODE((tmp_path / "screening" / CACHE_KEY_FILE).stat().st_mode) == 0o600


def test_key_with_mode_0644_is_refused(tmp_path: Path) -> None:
    directory, _ = _key_dir(tmp_path)
    os.chmod(directory / CACHE_KEY_FILE, 0o644)
    with pytest.raises(ConfigError, match="0644"):
        cache_key(directory)


@pytest.mark.parametrize("mode", [0o640, 0o620, 0o604, 0o602])
def test_key_accessible_to_group_or_others_is_refused(tmp_path: Path, mode: int) -> None:
    directory, _ = _key_dir(tmp_path)
    os.chmod(directory / CACHE_KEY_FILE, mode)
    with pytest.raises(ConfigError):
        cache_key(directory)


def test_key_owned_by_another_user_is_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    directory, _ = _key_dir(tmp_path)
    real_uid = os.getuid()
    monkeypatch.setattr(os, "getuid", lambda: real_uid + 1)
    with pytest.raises(ConfigError, match="owned by"):
        cache_key(directory)


def test_key_that_is_not_a_regular_file_is_refused(tmp_path: Path) -> None:
    directory = tmp_path / "screening"
    directory.mkdir(mode=0o700)
    (directory / CACHE_KEY_FILE).mkdir(mode=0o700)
    with pytest.raises(ConfigError, match="regular file"):
        cache_key(directory)


def test_key_that_is_a_symlink_is_refused(tmp_path: Path) -> None:
    directory, _ = _key_dir(tmp_path)
    target = tmp_path / "elsewhere.key"
    os.replace(directory / CACHE_KEY_FILE, target)
    (directory / CACHE_KEY_FILE).symlink_to(target)
    with pytest.raises(ConfigError, match="symbolic link"):
        cache_key(directory)


def test_key_of_the_wrong_length_is_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(service, "KEY_WAIT_SECONDS", 0.05)
    directory, _ = _key_dir(tmp_path)
    (directory / CACHE_KEY_FILE).write_bytes(b"short")
    with pytest.raises(ConfigError, match="5 bytes"):
        cache_key(directory)


def test_reader_waits_for_a_key_still_being_written(tmp_path: Path) -> None:
    directory = tmp_path / "screening"
    directory.mkdir(mode=0o700)
    path = directory / CACHE_KEY_FILE
    os.close(os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600))  # created, not yet written
    writer = threading.Timer(0.05, path.write_bytes, args=(b"k" * KEY_BYTES,))
    writer.start()
    try:
        assert cache_key(directory) == b"k" * KEY_BYTES
    finally:
        writer.join()


def test_concurrent_creation_yields_one_key(tmp_path: Path) -> None:
    for round_no in range(10):
        directory = tmp_path / f"round{round_no}"
        directory.mkdir(mode=0o700)
        barrier = threading.Barrier(8)
        keys: list[bytes] = []

        def create(directory: Path = directory, barrier: threading.Barrier = barrier, keys: list[bytes] = keys) -> None:
            barrier.wait()
            keys.append(cache_key(directory))

        threads = [threading.Thread(target=create) for _ in range(8)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert len(keys) == 8 and len(set(keys)) == 1
        assert (directory / CACHE_KEY_FILE).read_bytes() == keys[0]


# --- the cache, through the database --------------------------------------------------------------

SPEC = SourceSpec(
    id="test_list", title="Test list", publisher="test", format="test", files=(), licence="us-public-domain"
)


def _load(db: Database, day: int, *names: str) -> None:
    stored = [
        StoredEntity.build(f"e{i}", "Organization", name, {"name": [name]}, f"e{i}") for i, name in enumerate(names)
    ]
    with db.transaction() as session:
        write_snapshot(session, SPEC, format_name="test", files=(), entities=stored, published=None,
                       declared_count=None, report={}, now=datetime(2026, 1, day, tzinfo=UTC))  # fmt: skip


def test_cache_creates_private_directory_and_loads_its_own_file(db: Database, tmp_path: Path) -> None:
    _load(db, 1, "Shahid Bakeri Industrial Group")
    directory = tmp_path / "var" / "screening"
    expected = ScreenerCache(directory).get(db).screen(QUERY).to_dict()
    assert stat.S_IMODE(directory.stat().st_mode) == 0o700
    assert stat.S_IMODE((directory / CACHE_KEY_FILE).stat().st_mode) == 0o600
    assert len(list(directory.glob("index-*.tlidx"))) == 1
    with capture_logs() as logs:
        assert ScreenerCache(directory).get(db).screen(QUERY).to_dict() == expected
    assert any(entry["event"] == "screening index loaded" for entry in logs)


def test_cache_tightens_a_loose_directory(db: Database, tmp_path: Path) -> None:
    _load(db, 1, "Shahid Bakeri Industrial Group")
    directory = tmp_path / "screening"
    directory.mkdir()
    os.chmod(directory, 0o755)
    ScreenerCache(directory).get(db)
    assert stat.S_IMODE(directory.stat().st_mode) == 0o700


def test_cache_deletes_a_planted_pickle_and_rebuilds(db: Database, tmp_path: Path) -> None:
    _load(db, 1, "Shahid Bakeri Industrial Group")
    directory = tmp_path / "screening"
    ScreenerCache(directory).get(db)
    (path,) = directory.glob("index-*.tlidx")
    marker = tmp_path / "marker"
    path.write_bytes(pickle.dumps(Bomb(marker)))  # planted: a plain pickle under the expected name
    with capture_logs() as logs:
        screener = ScreenerCache(directory).get(db)
    assert not marker.exists()
    assert [m.entity_id for m in screener.screen(QUERY).matches] == ["e0"]
    refused = [e for e in logs if e["event"].startswith("screening index cache file refused")]
    assert refused and refused[0]["log_level"] == "warning"
    key = (directory / CACHE_KEY_FILE).read_bytes()
    assert isinstance(service.load_index(path, key), Screener)  # replaced by a properly signed index


def test_cache_refuses_a_tampered_signed_file(db: Database, tmp_path: Path) -> None:
    _load(db, 1, "Shahid Bakeri Industrial Group")
    directory = tmp_path / "screening"
    ScreenerCache(directory).get(db)
    (path,) = directory.glob("index-*.tlidx")
    _flip(path, path.stat().st_size - 1)
    with capture_logs() as logs:
        ScreenerCache(directory).get(db)
    assert any(e["event"].startswith("screening index cache file refused") for e in logs)
    assert not any(e["event"] == "screening index loaded" for e in logs)


def test_cache_refuses_the_index_file_of_other_lists(db: Database, tmp_path: Path) -> None:
    _load(db, 1, "Shahid Bakeri Industrial Group")
    directory = tmp_path / "screening"
    ScreenerCache(directory).get(db)
    (old,) = directory.glob("index-*.tlidx")
    stale = old.read_bytes()  # signed under this installation's key, built from the first snapshot
    _load(db, 2, "Mahan Air")
    ScreenerCache(directory).get(db)
    (new,) = directory.glob("index-*.tlidx")
    assert new != old
    new.write_bytes(stale)  # renamed into place: the signature verifies, the manifest does not match
    with capture_logs() as logs:
        screener = ScreenerCache(directory).get(db)
    assert any(e["event"].startswith("screening index cache file refused") for e in logs)
    assert [m.entity_id for m in screener.screen(ScreeningQuery.build("Mahan Air")).matches] == ["e0"]


def test_cache_with_an_unsafe_key_builds_without_caching(db: Database, tmp_path: Path) -> None:
    _load(db, 1, "Shahid Bakeri Industrial Group")
    directory, _ = _key_dir(tmp_path)
    os.chmod(directory / CACHE_KEY_FILE, 0o644)
    with capture_logs() as logs:
        screener = ScreenerCache(directory).get(db)
    assert [m.entity_id for m in screener.screen(QUERY).matches] == ["e0"]
    refused = [e for e in logs if e["event"].startswith("screening index cache key refused")]
    assert refused and refused[0]["log_level"] == "warning"
    assert list(directory.glob("index-*")) == []


# --- the executor hook: an index file verified by the SHA-256 the driver sent -------------------


def test_index_file_opens_by_sha256_and_refuses_any_other_bytes(tmp_path: Path) -> None:
    import hashlib

    from tripline.screening.indexfile import open_index, write_index

    screener = _tiny_screener()
    arrays, meta = screener.arrays()
    path = tmp_path / "index.tlidx"
    write_index(path, os.urandom(32), arrays, {"meta": meta})  # a key the executor never sees
    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    opened = open_index(path, None, sha256=digest)
    assert Screener.from_arrays(opened.arrays, opened.meta).screen(QUERY).to_dict() == screener.screen(QUERY).to_dict()
    size = path.stat().st_size
    _flip(path, size - 1)  # the last byte of the last array
    with pytest.raises(IntegrityError, match="SHA-256"):
        open_index(path, None, sha256=digest)
    with pytest.raises(ValueError, match="either a key or a sha256"):
        open_index(path, None)
