"""Issue 18 items 1, 6: password hashing cannot be turned against the node, nor tell usernames.

A flood of sign-ins from many addresses (so per-address throttling does not stop it) used to run
one argon2id hash (a core and 64 MiB each) per request at once; now one runs at a time (the
measured best for /healthz on 2 cores, bench/security_load.py) and the rest
are refused with 429 after a short wait. An unknown username costs the same hash as a known one.
"""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest

from tests.api.harness import PASSWORD
from tripline.auth import service
from tripline.auth.roles import Role
from tripline.auth.service import HASH_SLOTS, PasswordHashing, create_user, verify_login
from tripline.errors import AuthError, ThrottledError
from tripline.store.db import Database


class Watched:
    """The real argon2 hasher, with a count of the hashes running at once and of those checked."""

    def __init__(self, real: Any) -> None:
        self.real = real
        self.lock = threading.Lock()
        self.running = self.most = self.verified = 0

    def _enter(self) -> None:
        with self.lock:
            self.running += 1
            self.verified += 1
            self.most = max(self.most, self.running)

    def _leave(self) -> None:
        with self.lock:
            self.running -= 1

    def verify(self, stored: str, password: str) -> bool:
        self._enter()
        try:
            return bool(self.real.verify(stored, password))
        finally:
            self._leave()

    def hash(self, secret: str) -> str:
        return str(self.real.hash(secret))


def _watch(hashing: PasswordHashing) -> Watched:
    watched = Watched(hashing._hasher)
    hashing._hasher = watched  # type: ignore[assignment]
    return watched


def test_a_sign_in_flood_runs_a_bounded_number_of_hashes_and_refuses_the_rest(db: Database) -> None:
    """Failed before: 16 concurrent sign-ins ran 16 argon2 hashes at once (no limit existed)."""
    hashing = PasswordHashing(slots=2, wait=0.05)  # two slots: the bound itself is what is checked
    stored = hashing.hash("the real password of someone")
    watched = _watch(hashing)

    def attempt(_: int) -> str:
        try:
            return "match" if hashing.verify(stored, "a wrong guess") else "no match"
        except ThrottledError:
            return "refused"

    with ThreadPoolExecutor(16) as pool:
        outcomes = list(pool.map(attempt, range(16)))
    assert watched.most == 2
    assert "match" not in outcomes and outcomes.count("no match") == watched.verified >= 2
    assert outcomes.count("refused") >= 1  # the flood is cut off, not queued without end


def test_unknown_and_known_usernames_cost_the_same_hash(db: Database, monkeypatch: pytest.MonkeyPatch) -> None:
    """The dummy hash is made when the server warms (not by the first unknown name) and an unknown
    username is verified against it: one argon2 verification either way."""
    hashing = PasswordHashing()
    monkeypatch.setattr(service, "_hashing", hashing)
    create_user(db, "known-user", role=Role.ANALYST, authority="JP-CUSTOMS", password=PASSWORD)
    assert "dummy" not in vars(hashing)
    service.warm()
    assert "dummy" in vars(hashing)
    watched = _watch(hashing)
    for name in ("known-user", "no-such-user"):
        before = watched.verified
        with pytest.raises(AuthError, match="wrong username or password"):
            verify_login(db, name, "not the password at all", address=f"10.0.0.{len(name)}")
        assert watched.verified == before + 1, name
    assert verify_login(db, "known-user", PASSWORD).username == "known-user"


def test_serve_warms_the_password_hashing(tmp_path: Any) -> None:
    from tests.conftest import BUNDLED_DATA
    from tripline.runtime import Runtime
    from tripline.settings import Settings

    settings = Settings(var_dir=tmp_path / "var", database_url=None, data_dir=BUNDLED_DATA)
    database = Database.from_settings(settings)
    database.upgrade()
    parts = dict(Runtime(settings, database).warm())
    assert parts["password hashing"].startswith(f"argon2id, {HASH_SLOTS} at once")
    database.dispose()
