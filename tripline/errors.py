"""The one exception root of Tripline.

Every error Tripline raises on purpose derives from :class:`TriplineError`::

    TriplineError
    ├── ConfigError            settings or reference data (YAML) are invalid
    ├── InputError             a file, row, element or field a user gave is bad
    │   ├── FormatError        the content is not in the expected format
    │   └── TooLargeError      the input exceeds a size limit (refused early)
    ├── NotFoundError          a requested object does not exist
    ├── ConflictError          a write would break a uniqueness or state rule
    ├── StorageError           the database failed; the transaction was rolled back
    ├── PolicyError            a decision (release, consent) was refused
    ├── IntegrityError         a signature, hash or audit chain does not verify
    └── AuthError              authentication or authorisation failed
        ├── ForbiddenError     authenticated, but not allowed
        └── ThrottledError     too many failed sign-ins; try again later

Errors carry structured fields (``file``, ``line``, ``field``, ``reason``) so that the
CLI and API edges can render them; HTTP status mapping lives only in ``tripline.http.errors``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any


class TriplineError(Exception):
    """Root of every error Tripline raises on purpose."""

    def __init__(
        self,
        reason: str,
        *,
        file: str | Path | None = None,
        line: int | None = None,
        field: str | None = None,
        **details: Any,
    ) -> None:
        self.reason = reason
        self.file = str(file) if file is not None else None
        self.line = line
        self.field = field
        self.details = details
        super().__init__(self.message)

    @property
    def message(self) -> str:
        where = []
        if self.file is not None:
            where.append(self.file)
        if self.line is not None:
            where.append(f"line {self.line}")
        if self.field is not None:
            where.append(f"field {self.field!r}")
        prefix = ", ".join(where)
        return f"{prefix}: {self.reason}" if prefix else self.reason

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"error": type(self).__name__, "message": self.message, "reason": self.reason}
        for key in ("file", "line", "field"):
            value = getattr(self, key)
            if value is not None:
                out[key] = value
        if self.details:
            out["details"] = {k: v for k, v in self.details.items() if _jsonable(v)}
        return out


def _jsonable(value: Any) -> bool:
    return isinstance(value, (str, int, float, bool, list, dict, type(None)))


class ConfigError(TriplineError):
    """Settings or reference data are invalid."""


class InputError(TriplineError):
    """A file, row, element or field given by a user is bad."""


class FormatError(InputError):
    """The content is not in the expected format."""


class TooLargeError(InputError):
    """The input exceeds a size limit and was refused early."""


class NotFoundError(TriplineError):
    """A requested object does not exist."""


class ConflictError(TriplineError):
    """A write would break a uniqueness or state rule."""


class StorageError(TriplineError):
    """The database failed; the transaction was rolled back."""


class PolicyError(TriplineError):
    """A decision (release, consent, access) was refused."""


class IntegrityError(TriplineError):
    """A signature, hash or audit chain does not verify."""


class AuthError(TriplineError):
    """Authentication failed."""


class ForbiddenError(AuthError):
    """Authenticated, but not allowed to do this."""


class ThrottledError(AuthError):
    """Too many failed sign-ins for this user or from this address within the window."""
