"""Files a job ships to its executors, each verified there before use and opened once per worker.

The driver writes what the executors need (the screening index as its signed array file, a
pickled catalogue or scan table) into a private staging directory and adds each file to the
job (``SparkContext.addFile``): Spark copies it once to every executor, not once per task.
The job's closure carries only the file's name and SHA-256. An executor's Python worker checks
the digest of its copy before it maps or unpickles anything, then keeps the opened object for
every later task of the job (``spark.python.worker.reuse``, the default), so a screener is
mapped once per worker process, not pickled per task. The installation's index key stays on
the driver: the executors trust the digest the driver computed, not the key.
"""

from __future__ import annotations

import hashlib
import hmac
import pickle
import secrets
import shutil
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from tripline.errors import IntegrityError

if TYPE_CHECKING:
    from tripline.screening.screener import Screener

T = TypeVar("T")

KEEP = 8  # objects a Python worker keeps (a few per job; older jobs' are dropped)


@dataclass(frozen=True)
class Shipped:
    """A file added to the job: the name executors find it under, and its SHA-256."""

    name: str
    sha256: str


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        while chunk := fh.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()


class Staging:
    """The driver's private directory of the files one job ships; removed by :meth:`close`."""

    def __init__(self, context: Any = None) -> None:
        self.context = context
        self.directory = Path(tempfile.mkdtemp(prefix="tripline-spark-"))
        self.token = secrets.token_hex(6)
        self.files: list[Path] = []

    def ship(self, path: Path) -> Shipped:
        """`path` added to the job (once :meth:`attach` has given it one: files can be written,
        and their digests taken, while the session starts)."""
        digest = file_sha256(path)
        self.files.append(path)
        if self.context is not None:
            self.context.addFile(str(path))
        return Shipped(path.name, digest)

    def attach(self, context: Any) -> None:
        """The job's context, once it exists: the files shipped so far are added to it."""
        self.context = context
        for path in self.files:
            context.addFile(str(path))

    def ship_object(self, label: str, obj: object) -> Shipped:
        path = self.directory / f"{label}-{self.token}.pickle"
        path.write_bytes(pickle.dumps(obj, protocol=pickle.HIGHEST_PROTOCOL))
        return self.ship(path)

    def ship_screener(self, screener: Screener) -> Shipped:
        """The screener's arrays as an index file (the format of ``screening/indexfile.py``)."""
        from tripline.screening.indexfile import SUFFIX, write_index

        arrays, meta = screener.arrays()
        path = self.directory / f"index-{self.token}{SUFFIX}"
        write_index(path, secrets.token_bytes(32), arrays, {"meta": meta})  # executors check the digest
        return self.ship(path)

    def close(self) -> None:
        shutil.rmtree(self.directory, ignore_errors=True)


# --- executor side ------------------------------------------------------------------------------
# One cache per Python worker process: what a job shipped, opened on its first task and kept
# for the next ones. This is process state by design (a worker serves many tasks); it is
# bounded and keyed by digest, so a new job never sees another job's objects.
_OPENED: dict[tuple[str, str, str], Any] = {}


def worker_cached(kind: str, shipped: Shipped, build: Callable[[], T]) -> T:
    key = (kind, shipped.name, shipped.sha256)
    found = _OPENED.get(key)
    if found is None:
        found = build()
        while len(_OPENED) >= KEEP:
            _OPENED.pop(next(iter(_OPENED)))
        _OPENED[key] = found
    return found  # type: ignore[no-any-return]


def local_copy(shipped: Shipped) -> Path:
    from pyspark import SparkFiles

    return Path(SparkFiles.get(shipped.name))


def open_object(shipped: Shipped) -> Any:
    """Unpickle a shipped file once its SHA-256 is the driver's (never unverified bytes)."""

    def build() -> Any:
        path = local_copy(shipped)
        data = path.read_bytes()
        if not hmac.compare_digest(hashlib.sha256(data).hexdigest(), shipped.sha256):
            raise IntegrityError("a shipped file's SHA-256 is not the one the job was given", file=path)
        return pickle.loads(data)

    return worker_cached("object", shipped, build)


def open_screener(shipped: Shipped) -> Screener:
    """The screener of a shipped index file, mapped once per worker after its digest checks."""

    def build() -> Screener:
        from tripline.screening.indexfile import open_index
        from tripline.screening.screener import Screener

        opened = open_index(local_copy(shipped), None, sha256=shipped.sha256)
        return Screener.from_arrays(opened.arrays, opened.meta)

    return worker_cached("screener", shipped, build)
