"""Request limits, enforced in one place before any route parses a body; and the last line of
defence against an unexpected exception.

:class:`RequestLimits` is a plain ASGI middleware, outermost in the app:

- a declared ``Content-Length`` over the limit is refused (413) before a byte of the body is read;
  an undeclared (chunked) body is counted as it arrives and refused just past the limit;
- a JSON body (``*json`` content type, or any non-form body to the peer endpoints) is read within
  its limit, then checked once: UTF-8, JSON, nesting depth at most :data:`MAX_DEPTH`, no lone
  surrogate in any string or key; the parsed value is left in the scope for the route
  (:mod:`tripline.jsonbody`), which does not parse the bytes again;
- any exception that escapes the app becomes one logged line (no traceback, which for a deep
  recursion took seconds to format and stalled the event loop) and a generic 500 without internals.

Limits: JSON :data:`MAX_JSON_BYTES`; multipart uploads twice the console upload limit (manifest and
scans) plus 1 MiB; other bodies (sign-in and console forms) :data:`MAX_FORM_BYTES`.
"""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

import numpy as np

from tripline.jsonbody import SCOPE_KEY

log = logging.getLogger(__name__)

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

MAX_JSON_BYTES = 20 * 1024 * 1024
MAX_FORM_BYTES = 1024 * 1024
MAX_DEPTH = 64
BODY_METHODS = frozenset({"POST", "PUT", "PATCH"})
PEER_PREFIXES = ("/exchange/", "/taxii2/")
_SURROGATE = re.compile("[\ud800-\udfff]")
_SURROGATE_ESCAPE = re.compile(r"\\u[dD][89a-fA-F]")  # how a surrogate gets into valid UTF-8 JSON text
_ESCAPE = re.compile(rb"\\.", re.DOTALL)  # one escape of a JSON string: backslash and the next byte
_NOT_MARKS = bytes(c for c in range(256) if c not in b'"[]{}')
_STEP = np.zeros(256, dtype=np.int8)
_STEP[[ord("["), ord("{")]], _STEP[[ord("]"), ord("}")]] = 1, -1


class BodyRefused(Exception):
    """Why a request body is refused, with its HTTP status (a signal inside this module only)."""

    def __init__(self, status: int, error: str, reason: str) -> None:
        super().__init__(reason)
        self.status, self.error, self.reason = status, error, reason


def check_json(body: bytes) -> Any:
    """The parsed value of ``body``; :class:`BodyRefused` unless it is UTF-8 JSON, nested at most
    MAX_DEPTH deep, without lone surrogates.

    Cheap on the common body: the depth is read from the bytes in C (:func:`_depth`), and the
    strings are walked for lone surrogates only when the text has a ``\\uD800``-``\\uDFFF`` escape
    (strict UTF-8 decoding already refused raw ones): the walk of every value cost more than the parse."""
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise BodyRefused(400, "FormatError", f"the body is not UTF-8 (byte {exc.start})") from None
    try:
        value = json.loads(text)
    except RecursionError:
        raise BodyRefused(400, "FormatError", f"JSON nested deeper than the depth limit of {MAX_DEPTH}") from None
    except ValueError as exc:
        raise BodyRefused(400, "FormatError", f"the body is not JSON ({exc})") from None
    if _depth(body) > MAX_DEPTH:
        raise BodyRefused(400, "FormatError", f"JSON nested deeper than the depth limit of {MAX_DEPTH}")
    if _SURROGATE_ESCAPE.search(text):
        _check_strings(value)
    return value


def _depth(body: bytes) -> int:
    """How deep the containers of ``body`` (UTF-8 JSON that ``json.loads`` accepted) nest, in C
    (numpy): every escape (``\\x``) cut out, each ``"`` then opens or closes a string; of the
    quotes and brackets left (a multi-byte UTF-8 character has no ASCII byte), the brackets after
    an even number of quotes are outside strings, and the depth is the peak of their running sum."""
    if b"\\" in body:
        body = _ESCAPE.sub(b"", body)
    marks = np.frombuffer(body.translate(None, _NOT_MARKS), dtype=np.uint8)  # the quotes and brackets, in order
    inside = np.bitwise_xor.accumulate((marks == 0x22).view(np.uint8))  # 1 within a string
    steps = np.take(_STEP, marks) * (inside == 0)
    return int(np.cumsum(steps, dtype=np.int32).max(initial=0))


def _check_strings(value: Any) -> None:
    stack: list[Any] = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, str):
            if _SURROGATE.search(item):
                raise BodyRefused(400, "FormatError", "a string holds a lone UTF-16 surrogate (not valid Unicode)")
        elif isinstance(item, dict):
            for key, child in item.items():
                if _SURROGATE.search(key):
                    raise BodyRefused(400, "FormatError", "a key holds a lone UTF-16 surrogate (not valid Unicode)")
                stack.append(child)
        elif isinstance(item, list):
            stack.extend(item)


def _error(status: int, error: str, reason: str) -> tuple[dict[str, Any], bytes]:
    body = {"error": error, "status": status, "message": reason, "reason": reason, "field": "body"}
    return body, json.dumps(body).encode("utf-8")


async def _answer(send: Send, status: int, error: str, reason: str) -> None:
    _, payload = _error(status, error, reason)
    headers = [
        (b"content-type", b"application/json"),
        (b"content-length", str(len(payload)).encode()),
        (b"x-content-type-options", b"nosniff"),
    ]
    if status == 413:
        headers.append((b"connection", b"close"))
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": payload})


class RequestLimits:
    """See the module docstring. ``max_upload_bytes``: the console's manifest upload limit."""

    def __init__(self, app: ASGIApp, *, max_upload_bytes: int) -> None:
        self.app = app
        self.max_multipart = 2 * max_upload_bytes + 1024 * 1024

    def _kind(self, scope: Scope, content_type: str) -> tuple[str, int]:
        if content_type.startswith("multipart/form-data"):
            return "multipart", self.max_multipart
        if content_type.startswith("application/x-www-form-urlencoded"):
            return "form", MAX_FORM_BYTES
        if "json" in content_type or str(scope.get("path", "")).startswith(PEER_PREFIXES):
            return "json", MAX_JSON_BYTES
        return "other", MAX_FORM_BYTES

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = False

        async def tracking_send(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        try:
            if scope.get("method") in BODY_METHODS:
                receive = await self._guard(scope, receive)
            await self.app(scope, receive, tracking_send)
        except BodyRefused as refused:
            if not started:
                await _answer(send, refused.status, refused.error, refused.reason)
        except Exception as exc:  # the last line: one log line, a generic 500, never a traceback
            frame = exc.__traceback__
            while frame is not None and frame.tb_next is not None:
                frame = frame.tb_next
            where = f"{frame.tb_frame.f_code.co_filename}:{frame.tb_lineno}" if frame is not None else "?"
            log.error(
                "unexpected error %s on %s %s at %s", type(exc).__name__, scope.get("method"), scope.get("path"), where
            )
            if not started:
                await _answer(send, 500, "InternalError", "internal error")

    async def _guard(self, scope: Scope, receive: Receive) -> Receive:
        headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope.get("headers", [])}
        kind, limit = self._kind(scope, headers.get("content-type", "").lower())
        declared = headers.get("content-length")
        if declared is not None:
            if not declared.strip().isdigit():
                raise BodyRefused(400, "FormatError", "Content-Length is not a number")
            if int(declared) > limit:
                raise BodyRefused(413, "TooLargeError", f"the body exceeds the limit of {limit} bytes for {kind}")
        if kind != "json":
            return _counting(receive, limit, kind)
        chunks: list[bytes] = []
        size = 0
        more = True
        while more:
            message = await receive()
            if message["type"] != "http.request":
                return receive  # the client went away; let the app see it
            chunk = message.get("body", b"")
            size += len(chunk)
            if size > limit:
                raise BodyRefused(413, "TooLargeError", f"the body exceeds the limit of {limit} bytes for JSON")
            chunks.append(chunk)
            more = bool(message.get("more_body", False))
        body = b"".join(chunks)
        if body.strip():
            scope[SCOPE_KEY] = check_json(body)  # parsed once: routes take it from the scope
        return _replay(body, receive)


def _replay(body: bytes, receive: Receive) -> Receive:
    done = False

    async def replay() -> Message:
        nonlocal done
        if not done:
            done = True
            return {"type": "http.request", "body": body, "more_body": False}
        return await receive()

    return replay


def _counting(receive: Receive, limit: int, kind: str) -> Receive:
    size = 0

    async def counted() -> Message:
        nonlocal size
        message = await receive()
        if message["type"] == "http.request":
            size += len(message.get("body", b""))
            if size > limit:
                raise BodyRefused(413, "TooLargeError", f"the body exceeds the limit of {limit} bytes for {kind}")
        return message

    return counted
