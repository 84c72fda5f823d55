"""Fixtures of the Spark engine's tests: those of the cargo tests (reference data, the e2e
database with a real watch-list slice, the runtime and its matchers)."""

from __future__ import annotations

from tests.cargo.conftest import e2e_runtime, e2e_settings, real_matchers_built, ref

__all__ = ["e2e_runtime", "e2e_settings", "real_matchers_built", "ref"]
