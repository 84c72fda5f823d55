"""Transports (HTTP, or in-process for tests) and the retry schedule of the outbox."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any, Protocol

import httpx

ENVELOPE_PATH = "/exchange/v1/envelopes"
CONSISTENCY_PATH = "/exchange/v1/audit/consistency"
MAX_BACKOFF = timedelta(hours=1)


class TransportError(Exception):
    """The partner could not be reached, or answered with a transient error: retry later."""


class Transport(Protocol):
    def post(self, endpoint: str, envelope: dict[str, Any], path: str = ENVELOPE_PATH) -> tuple[int, Any]:
        """Deliver one envelope (or another signed request, to ``path``) to a partner's base URL;
        return (HTTP status, JSON body)."""
        ...


class HttpTransport:
    """Envelopes over HTTP(S) with httpx; connection errors and 5xx/429 become :class:`TransportError`."""

    def __init__(self, timeout: float = 10.0, client: httpx.Client | None = None) -> None:
        self._client = client or httpx.Client(timeout=timeout)

    def post(self, endpoint: str, envelope: dict[str, Any], path: str = ENVELOPE_PATH) -> tuple[int, Any]:
        try:
            response = self._client.post(endpoint.rstrip("/") + path, json=envelope)
        except httpx.HTTPError as exc:
            raise TransportError(f"{type(exc).__name__}: {exc}") from exc
        if response.status_code >= 500 or response.status_code == 429:
            raise TransportError(f"HTTP {response.status_code}")
        try:
            body = response.json()
        except ValueError as exc:
            raise TransportError(f"HTTP {response.status_code} without a JSON body") from exc
        return response.status_code, body

    def close(self) -> None:
        self._client.close()


class LocalTransport:
    """Delivers straight to in-process handlers by endpoint (tests and benchmarks without sockets)."""

    def __init__(self) -> None:
        self.handlers: dict[str, Callable[[dict[str, Any]], tuple[int, Any]]] = {}
        self.routes: dict[tuple[str, str], Callable[[dict[str, Any]], tuple[int, Any]]] = {}  # other paths
        self.down: set[str] = set()

    def post(self, endpoint: str, envelope: dict[str, Any], path: str = ENVELOPE_PATH) -> tuple[int, Any]:
        handler = self.handlers.get(endpoint) if path == ENVELOPE_PATH else self.routes.get((endpoint, path))
        if endpoint in self.down or handler is None:
            raise TransportError(f"{endpoint} unreachable")
        return handler(envelope)


def next_attempt(now: datetime, attempts: int, base_seconds: float) -> datetime:
    """Exponential backoff: base, 2*base, 4*base, ... capped at one hour."""
    delay = timedelta(seconds=base_seconds * (2 ** max(attempts - 1, 0)))
    return now + min(delay, MAX_BACKOFF)
