"""The screening index as one signed file of named arrays, opened by memory map.

Layout (all integers little-endian; see ``docs/adr/0024-screening-index-file.md``)::

    offset 0    8 bytes   magic b"TLSCIDX" and the file-format version byte (2)
    offset 8    32 bytes  HMAC-SHA256 under the installation key of bytes 0-7 and 40-end
    offset 40   8 bytes   length M of the manifest
    offset 48   M bytes   manifest: UTF-8 JSON (format, list snapshots, arrays, metadata)
    then, each array at an offset that is a multiple of 64, as the manifest says

The manifest names every array (dtype, shape, offset) and carries what is not an array:
the snapshot id of every list the index was built from, the index format, the digest of
the vocabulary, and small metadata. Nothing in the file is code: reading it runs no
unpickling, and every array is a read-only view of the mapped file, shared by every
process that maps it (forked workers, Spark executors, server workers).

The whole file is verified before any array is used: the HMAC over the mapped buffer costs
about 20 ms per 50 MB (SHA-256 in hardware); the pages read stay in the page cache for the
arrays.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import mmap
import os
import secrets
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from tripline.errors import IntegrityError

MAGIC = b"TLSCIDX"
FILE_VERSION = 2
HEADER = MAGIC + bytes([FILE_VERSION])
MAC_BYTES = 32
PREFIX_BYTES = len(HEADER) + MAC_BYTES + 8
ALIGN = 64
FORMAT_NAME = "tripline-screening-index"
SUFFIX = ".tlidx"

_NOFOLLOW = getattr(os, "O_NOFOLLOW", 0)


@dataclass(frozen=True)
class IndexFile:
    """An opened, verified index file: its manifest and its arrays (views of the mapping)."""

    path: Path
    manifest: dict[str, Any]
    arrays: dict[str, np.ndarray[Any, Any]]
    size: int

    @property
    def meta(self) -> dict[str, Any]:
        return self.manifest["meta"]  # type: ignore[no-any-return]

    @property
    def snapshots(self) -> dict[str, int]:
        return {k: int(v) for k, v in self.manifest["snapshots"].items()}


def _pad(n: int) -> int:
    return -n % ALIGN


def write_index(path: Path, key: bytes, arrays: dict[str, np.ndarray[Any, Any]], manifest: dict[str, Any]) -> int:
    """Write `arrays` and `manifest` to `path`, signed under `key`, through a private temporary
    file renamed into place (a reader never sees half a file). Returns the file's size."""
    layout: dict[str, list[Any]] = {}
    contiguous: list[tuple[int, np.ndarray[Any, Any]]] = []
    stored: dict[tuple[str, bytes], int] = {}  # arrays with the same bytes are stored once
    offset = 0
    for name in sorted(arrays):
        array = np.ascontiguousarray(arrays[name])
        if array.dtype == object:
            raise TypeError(f"array {name!r} holds Python objects: it cannot be mapped")
        same = (array.dtype.str, hashlib.sha256(memoryview(array).cast("B")).digest())  # type: ignore[arg-type]
        if same in stored:
            layout[name] = [array.dtype.str, list(array.shape), stored[same]]
            continue
        stored[same] = offset
        layout[name] = [array.dtype.str, list(array.shape), offset]
        contiguous.append((offset, array))
        offset += array.nbytes + _pad(array.nbytes)
    body = dict(manifest, format=FORMAT_NAME, file_version=FILE_VERSION, arrays=layout)
    head = json.dumps(body, sort_keys=True, separators=(",", ":")).encode("utf-8")
    data_start = PREFIX_BYTES + len(head)
    data_start += _pad(data_start)
    mac = hmac.new(key, HEADER, hashlib.sha256)
    tmp = path.with_name(f"{path.name}.{os.getpid()}.{secrets.token_hex(4)}.tmp")
    fd = os.open(tmp, os.O_CREAT | os.O_EXCL | os.O_WRONLY | _NOFOLLOW, 0o600)
    try:
        with os.fdopen(fd, "wb") as fh:

            def put(chunk: bytes | memoryview) -> None:
                mac.update(chunk)
                fh.write(chunk)

            fh.write(HEADER + bytes(MAC_BYTES))
            put(len(head).to_bytes(8, "little"))
            put(head)
            put(bytes(data_start - PREFIX_BYTES - len(head)))
            written = 0
            for start, array in contiguous:
                put(bytes(start - written))
                put(memoryview(array).cast("B"))  # type: ignore[arg-type]
                written = start + array.nbytes
            put(bytes(offset - written))
            fh.seek(len(HEADER))
            fh.write(mac.digest())
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return data_start + offset


def open_index(path: Path, key: bytes | None, *, sha256: str | None = None) -> IndexFile:
    """Map `path`, verify its HMAC under `key`, and return its arrays (read-only views).

    With `sha256` instead of a key (a Spark executor: the driver verified the file's HMAC and
    sent the SHA-256 of the same bytes with the job, so the installation key never leaves
    it), the whole file must have that digest.

    Raises :class:`IntegrityError` (naming the file) when the header, signature or manifest
    is wrong or the file is truncated; :class:`FileNotFoundError` when there is no file.
    """
    if (key is None) == (sha256 is None):
        raise ValueError("open_index needs either a key or a sha256 digest")
    with open(path, "rb") as fh:
        size = os.fstat(fh.fileno()).st_size
        if size < PREFIX_BYTES:
            raise IntegrityError("the screening index file is shorter than its header", file=path)
        mapped = mmap.mmap(fh.fileno(), 0, access=mmap.ACCESS_READ)
    view = memoryview(mapped)
    if bytes(view[: len(HEADER)]) != HEADER:
        raise IntegrityError("the screening index file has no signed-index header", file=path)
    if key is not None:
        mac = hmac.new(key, HEADER, hashlib.sha256)
        mac.update(view[PREFIX_BYTES - 8 :])
        if not hmac.compare_digest(bytes(view[len(HEADER) : len(HEADER) + MAC_BYTES]), mac.digest()):
            raise IntegrityError("the signature of the screening index file does not verify", file=path)
    elif not hmac.compare_digest(hashlib.sha256(view).hexdigest(), str(sha256)):
        raise IntegrityError("the screening index file's SHA-256 is not the one the job was given", file=path)
    head_len = int.from_bytes(view[PREFIX_BYTES - 8 : PREFIX_BYTES], "little")
    try:
        manifest = json.loads(bytes(view[PREFIX_BYTES : PREFIX_BYTES + head_len]))
        if manifest.get("format") != FORMAT_NAME or manifest.get("file_version") != FILE_VERSION:
            raise ValueError("not a screening index of this version")
        data_start = PREFIX_BYTES + head_len
        data_start += _pad(data_start)
        arrays: dict[str, np.ndarray[Any, Any]] = {}
        for name, (dtype, shape, offset) in manifest["arrays"].items():
            dt = np.dtype(dtype)
            count = int(np.prod(shape, dtype=np.int64))
            if data_start + offset + count * dt.itemsize > size:
                raise ValueError(f"array {name!r} runs past the end of the file")
            arrays[name] = np.frombuffer(mapped, dtype=dt, count=count, offset=data_start + offset).reshape(shape)
    except (ValueError, KeyError, TypeError) as exc:
        raise IntegrityError(f"the screening index file's manifest is not usable: {exc}", file=path) from exc
    view.release()
    return IndexFile(path=path, manifest=manifest, arrays=arrays, size=size)
