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


def _check(value: Any, path: str) -> bool:
    """Validate a value for signing; True when some object key lies outside the BMP (there code
    point order and RFC 8785's UTF-16 order differ)."""
    if isinstance(value, bool) or value is None or isinstance(value, int):
        return False
    if isinstance(value, str):
        _check_text(value, path)
        return False
    if isinstance(value, float):
        raise FormatError("floating-point numbers are not allowed in signed content; use a string", field=path)
    if isinstance(value, dict):
        astral = False
        for key, item in value.items():
            if not isinstance(key, str):
                raise FormatError("object keys must be strings", field=path)
            _check_text(key, path)
            astral = astral or any(ord(ch) > 0xFFFF for ch in key)
            astral = _check(item, f"{path}.{key}" if path else key) or astral
        return astral
    if isinstance(value, (list, tuple)):
        astral = False
        for index, item in enumerate(value):
            astral = _check(item, f"{path}[{index}]") or astral
        return astral
    raise FormatError(f"value of type {type(value).__name__} cannot be signed", field=path)


def _check_text(text: str, path: str) -> None:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        raise FormatError("text is not valid Unicode (a lone surrogate)", field=path or "value") from None


def _utf16_key(item: tuple[str, Any]) -> bytes:
    return item[0].encode("utf-16-be")


def _encode(value: Any) -> str:
    """JCS text of a checked value, keys in UTF-16 code-unit order."""
    if isinstance(value, dict):
        members = sorted(value.items(), key=_utf16_key)
        return "{" + ",".join(f"{json.dumps(k, ensure_ascii=False)}:{_encode(v)}" for k, v in members) + "}"
    if isinstance(value, (list, tuple)):
        return "[" + ",".join(_encode(item) for item in value) + "]"
    return json.dumps(value, ensure_ascii=False)


def canonical_bytes(value: Any) -> bytes:
    """The canonical UTF-8 encoding of a JSON value (objects, arrays, strings, ints, bools, null)."""
    if _check(value, ""):
        return _encode(value).encode("utf-8")
    # every key in the BMP: code point order is UTF-16 order, and the C encoder gives the same text
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode("utf-8")


def sha256_hex(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def content_hash(value: Any) -> str:
    """SHA-256 (hex) of the canonical encoding."""
    return sha256_hex(canonical_bytes(value))
