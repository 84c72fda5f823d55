"""Open a bundled data file whether it is stored plain or as ``name.gz``."""

from __future__ import annotations

import gzip
from pathlib import Path

from tripline.errors import NotFoundError


def resolve(path: Path) -> Path:
    """The file itself, or its gzipped twin ``path.gz``; NotFoundError if neither exists."""
    if path.exists():
        return path
    gz = path.with_name(path.name + ".gz")
    if gz.exists():
        return gz
    if path.suffix == ".gz" and path.with_suffix("").exists():
        return path.with_suffix("")
    raise NotFoundError("data file not found (plain or .gz)", file=path)


def read_text(path: Path) -> str:
    """The whole text of a UTF-8 data file (``.gz`` opened transparently, BOM removed)."""
    real = resolve(path)
    raw = gzip.decompress(real.read_bytes()) if real.suffix == ".gz" else real.read_bytes()
    return raw.decode("utf-8-sig")
