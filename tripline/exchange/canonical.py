"""Canonical JSON: the byte string every signature and hash is computed over.

A strict subset of RFC 8785 (JCS): keys sorted, no insignificant whitespace, UTF-8, and no
floating-point numbers (their canonical form is where JCS implementations disagree; Tripline
documents carry measured values as strings with their unit).
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

from tripline.errors import FormatError


def _check(value: Any, path: str) -> None:
    if isinstance(value, bool) or value is None or isinstance(value, (str, int)):
        return
    if isinstance(value, float):
        raise FormatError("floating-point numbers are not allowed in signed content; use a string", field=path)
    if isinstance(value, dict):
        for key, item in value.items():
            if not isinstance(key, str):
                raise FormatError("object keys must be strings", field=path)
            _check(item, f"{path}.{key}" if path else key)
        return
    if isinstance(value, (list, tuple)):
        for index, item in enumerate(value):
            _check(item, f"{path}[{index}]")
        return
    raise FormatError(f"value of type {type(value).__name__} cannot be signed", field=path)


def canonical_bytes(value: Any) -> bytes:
    """The canonical UTF-8 encoding of a JSON value (objects, arrays, strings, ints, bools, null)."""
    _check(value, "")
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode("utf-8")


def sha256_hex(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def content_hash(value: Any) -> str:
    """SHA-256 (hex) of the canonical encoding."""
    return sha256_hex(canonical_bytes(value))
