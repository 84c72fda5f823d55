"""Password policy and sign-in throttling rules (the numbers live here, the storage in the service).

Passwords: at least :data:`MIN_PASSWORD` characters, not the username, and not on the list of
20,000 common passwords shipped in ``data/common-passwords.txt.gz`` (compared lower-cased). The
list is Django's (``django/contrib/auth/common-passwords.txt.gz`` in Django 5.2.19, BSD-3-Clause,
licence beside it), made by Royce Williams from breached-password corpora
(https://gist.github.com/roycewilliams/226886fd01572964e1431ac8afc999ce); NIST SP 800-63B §3.1.1.2
asks verifiers to compare new passwords against such a list. Offline: nothing is sent anywhere.

Throttling: more than :data:`MAX_FAILURES_PER_USER` refused sign-ins for one username, or
:data:`MAX_FAILURES_PER_ADDRESS` from one address, within :data:`WINDOW` refuse further attempts
(even with the right password) until the window has passed.
"""

from __future__ import annotations

import functools
import gzip
from datetime import timedelta
from pathlib import Path

from tripline.errors import InputError

MIN_PASSWORD = 12
COMMON_PASSWORDS = Path(__file__).resolve().parent / "data" / "common-passwords.txt.gz"
WINDOW = timedelta(minutes=15)
MAX_FAILURES_PER_USER = 5
MAX_FAILURES_PER_ADDRESS = 20
TOKEN_TTL = timedelta(days=90)


@functools.cache
def common_passwords() -> frozenset[str]:
    with gzip.open(COMMON_PASSWORDS, "rt", encoding="utf-8") as handle:
        return frozenset(line.strip() for line in handle if line.strip())


def check_password(password: str, *, username: str | None = None) -> None:
    """Raise :class:`InputError` (field ``password``) unless the password meets the policy."""
    if len(password) < MIN_PASSWORD:
        raise InputError(f"password must have at least {MIN_PASSWORD} characters", field="password")
    folded = password.casefold()
    local = (username or "").partition("@")[0]  # a login name qualified by its authority: the name part
    if local and local.casefold() in folded:
        raise InputError("password must not contain the username", field="password")
    if folded in common_passwords() or folded.strip() in common_passwords():
        raise InputError("password is on the list of common (breached) passwords; choose another", field="password")
