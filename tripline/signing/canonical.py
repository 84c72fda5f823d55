"""Canonical JSON: the byte string every signature and hash is computed over.

A strict subset of RFC 8785 (JCS): keys sorted by their UTF-16 code units (RFC 8785 3.2.3),
no insignificant whitespace, UTF-8, strings that are valid Unicode (no lone surrogates), and no
floating-point numbers (their canonical form is where JCS implementations disagree; Tripline
documents carry measured values as strings with their unit).
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

from tripline.errors import FormatError


def _ordered(value: Any, path: str) -> Any:
    """``value`` validated for signing, with every object's members in UTF-16 code-unit order of
    their keys (RFC 8785 3.2.3; code point order differs for keys outside the BMP)."""
    if isinstance(value, bool) or value is None or isinstance(value, int):
        return value
    if isinstance(value, str):
        _check_text(value, path)
        return value
    if isinstance(value, float):
        raise FormatError("floating-point numbers are not allowed in signed content; use a string", field=path)
    if isinstance(value, dict):
        for key in value:
            if not isinstance(key, str):
                raise FormatError("object keys must be strings", field=path)
            _check_text(key, path)
        return {
            key: _ordered(item, f"{path}.{key}" if path else key)
            for key, item in sorted(value.items(), key=lambda member: member[0].encode("utf-16-be"))
        }
    if isinstance(value, (list, tuple)):
        return [_ordered(item, f"{path}[{index}]") for index, item in enumerate(value)]
    raise FormatError(f"value of type {type(value).__name__} cannot be signed", field=path)


def _check_text(text: str, path: str) -> None:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        raise FormatError("text is not valid Unicode (a lone surrogate)", field=path or "value") from None


def canonical_bytes(value: Any) -> bytes:
    """The canonical UTF-8 encoding of a JSON value (objects, arrays, strings, ints, bools, null)."""
    return json.dumps(_ordered(value, ""), separators=(",", ":"), ensure_ascii=False).encode("utf-8")


def sha256_hex(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def content_hash(value: Any) -> str:
    """SHA-256 (hex) of the canonical encoding."""
    return sha256_hex(canonical_bytes(value))
