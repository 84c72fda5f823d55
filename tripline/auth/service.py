"""Users, authorities, API tokens and browser sessions: the library behind CLI, API and console.

Secrets are never stored: passwords as argon2id hashes, API tokens and session cookies (256 bits
from :mod:`secrets`) as their SHA-256, which is enough for a high-entropy secret and lets a
request be authenticated with one indexed lookup.
"""

from __future__ import annotations

import functools
import hashlib
import re
import secrets
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import structlog
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import delete, func, select, update
from sqlalchemy.orm import Session

from tripline.audit import log as audit
from tripline.auth import policy
from tripline.auth.models import ApiToken, Authority, BrowserSession, SigninFailure, User
from tripline.auth.roles import Permission, Role, permissions_of
from tripline.errors import AuthError, ConflictError, ForbiddenError, InputError, NotFoundError, ThrottledError
from tripline.signing.keys import NodeKey
from tripline.store.db import Database

log = structlog.get_logger(__name__)

TOKEN_PREFIX = "tl_"
USERNAME_RE = re.compile(r"[a-z0-9][a-z0-9._-]{1,63}(@[a-z0-9][a-z0-9._-]{1,63})?")
AUTHORITY_RE = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{1,63}")
MIN_PASSWORD = policy.MIN_PASSWORD
TOKEN_TOUCH = timedelta(minutes=5)  # how stale "last used" of a token may get
HASH_SLOTS = 1  # argon2id hashes at once in one process (each takes the cores it has lanes for, and 64 MiB)
HASH_WAIT = 0.5  # seconds a request waits for a slot before it is refused (429)


class PasswordHashing:
    """argon2id, at most :data:`HASH_SLOTS` hashes at once: a flood of sign-ins (many addresses,
    so per-address throttling does not stop it) waits briefly and is then refused with 429, instead
    of taking every core and the threadpool that ``/healthz`` and the API answer from."""

    def __init__(self, slots: int = HASH_SLOTS, wait: float = HASH_WAIT) -> None:
        self._hasher = PasswordHasher()
        self._slots = threading.BoundedSemaphore(slots)
        self._wait = wait

    @contextmanager
    def _slot(self) -> Iterator[None]:
        if not self._slots.acquire(timeout=self._wait):
            log.warning("security: password hashing busy; request refused")
            raise ThrottledError("the server is busy checking passwords; try again in a moment", field="password")
        try:
            yield
        finally:
            self._slots.release()

    def hash(self, secret: str) -> str:
        with self._slot():
            return self._hasher.hash(secret)

    def verify(self, stored: str, password: str) -> bool:
        with self._slot():
            try:
                return self._hasher.verify(stored, password)
            except (VerificationError, InvalidHashError):
                return False

    @functools.cached_property
    def dummy(self) -> str:
        """A hash to verify against when the user does not exist (the same work: no timing oracle
        on usernames); made by :func:`warm` when the server starts, so no first request pays it."""
        return self.hash("tripline-no-such-user")


_hashing = PasswordHashing()  # the process's one hasher: the limit is per process by nature


def warm() -> str:
    """Make the dummy hash now (``tripline serve`` calls this before it answers)."""
    _hashing.dummy  # noqa: B018 - computed and kept
    return f"argon2id, {HASH_SLOTS} at once"


def _chain(
    session: Session, key: NodeKey | None, kind: str, subject: str, detail: dict[str, object], actor: str | None
) -> None:
    """Record an account or admin change in the signed, hash-chained audit log, in the transaction
    of the change itself (a node without an exchange identity has no signing key: logged only)."""
    if key is None:
        log.warning("security: account change not in the audit chain (no node key)", kind=kind, subject=subject)
        return
    audit.append(session, key, kind=kind, subject=subject, detail=dict(detail), actor=actor or "cli")


def now() -> datetime:
    return datetime.now(UTC)


def aware(value: datetime) -> datetime:
    """SQLite hands datetimes back naive; every stored time is UTC."""
    return value if value.tzinfo is not None else value.replace(tzinfo=UTC)


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


def sha256_hex(secret: str) -> str:
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class Principal:
    """Who is asking: a user, their role and their authority."""

    user_id: int
    username: str
    display_name: str
    role: Role
    authority_id: int
    authority_code: str
    authority_name: str
    must_change_password: bool = False

    @property
    def permissions(self) -> frozenset[Permission]:
        return permissions_of(self.role)

    def can(self, permission: Permission) -> bool:
        return permission in self.permissions

    def require(self, permission: Permission) -> None:
        if not self.can(permission):
            raise ForbiddenError(f"role {self.role.value!r} may not {permission.value}", field="role")


@dataclass(frozen=True)
class UserInfo:
    username: str
    display_name: str
    role: Role
    authority_code: str
    active: bool
    created_at: datetime


def _principal(user: User, authority: Authority) -> Principal:
    return Principal(
        user_id=user.id,
        username=user.username,
        display_name=user.display_name,
        role=Role(user.role),
        authority_id=authority.id,
        authority_code=authority.code,
        authority_name=authority.name,
        must_change_password=user.must_change_password,
    )


def ensure_authority(session: Session, code: str, name: str | None = None, country: str | None = None) -> Authority:
    """The authority with this code, created if new."""
    if not AUTHORITY_RE.fullmatch(code):
        raise InputError("authority code must be 2-64 letters, digits, '.', '_' or '-'", field="authority")
    found = session.scalar(select(Authority).where(Authority.code == code))
    if found is not None:
        return found
    authority = Authority(code=code, name=name or code, country=country, created_at=now())
    session.add(authority)
    session.flush()
    log.info("authority created", authority=code)
    return authority


def _check_password(password: str, username: str | None = None) -> None:
    policy.check_password(password, username=username)


def qualified(name: str, authority: str) -> str:
    """``name@authority`` (lower case): the login name of a user an authority's administrator creates.

    Each authority's names are its own (``*@code``), so creating a taken name can only collide
    with a user of the same authority, whom its administrator sees anyway: no 409 tells one
    authority which names another uses (as tenants' domains do in multi-tenant directories)."""
    local = name.strip().lower().partition("@")[0]
    return f"{local}@{authority.lower()}"


def _check_username(username: str, authority: str) -> None:
    if len(username) > 128 or not USERNAME_RE.fullmatch(username):
        raise InputError(
            "username must be 2-64 lower-case letters, digits, '.', '_' or '-' (optionally @authority)",
            field="username",
        )
    domain = username.partition("@")[2]
    if domain and domain != authority.lower():
        raise InputError(f"a name ending '@{domain}' belongs to another authority", field="username")


def create_user(
    db: Database,
    username: str,
    *,
    role: Role,
    authority: str,
    display_name: str | None = None,
    password: str | None = None,
    audit_key: NodeKey | None = None,
    actor: str | None = None,
) -> tuple[UserInfo, str | None]:
    """Create a user. Without a password a one-time password is generated and returned.

    The user must change a generated password at first sign-in.
    """
    _check_username(username, authority)
    generated = password is None
    secret = password if password is not None else secrets.token_urlsafe(12)
    _check_password(secret, username)
    password_hash = _hashing.hash(secret)  # before the transaction: hashing holds no database lock
    with db.transaction() as session:
        if session.scalar(select(User).where(User.username == username)) is not None:
            raise ConflictError(f"user {username!r} exists", field="username")
        auth = ensure_authority(session, authority)
        user = User(
            username=username,
            display_name=display_name or username,
            authority_id=auth.id,
            role=role.value,
            password_hash=password_hash,
            must_change_password=generated,
            active=True,
            created_at=now(),
        )
        session.add(user)
        session.flush()
        info = UserInfo(username, user.display_name, role, auth.code, True, user.created_at)
        _chain(session, audit_key, "user.created", username, {"role": role.value, "authority": auth.code}, actor)
    log.info("user created", username=username, role=role.value, authority=authority)
    return info, secret if generated else None


def ensure_first_admin(
    db: Database, *, authority: str, username: str = "admin", audit_key: NodeKey | None = None
) -> str | None:
    """Create the first administrator if there is no user at all; return its one-time password.
    With ``audit_key`` (the node's), its creation is an entry of the audit chain (actor ``bootstrap``)."""
    with db.transaction() as session:
        if session.scalar(select(User.id).limit(1)) is not None:
            return None
    _, password = create_user(
        db,
        username,
        role=Role.ADMIN,
        authority=authority,
        display_name="Administrator",
        audit_key=audit_key,
        actor="bootstrap",
    )
    return password


def list_users(db: Database, authority: str | None = None) -> list[UserInfo]:
    with db.transaction() as session:
        query = select(User, Authority).join(Authority, User.authority_id == Authority.id).order_by(User.username)
        if authority is not None:
            query = query.where(Authority.code == authority)
        return [
            UserInfo(u.username, u.display_name, Role(u.role), a.code, u.active, aware(u.created_at))
            for u, a in session.execute(query).all()
        ]


def get_principal(db: Database, username: str) -> Principal:
    with db.transaction() as session:
        row = session.execute(
            select(User, Authority).join(Authority, User.authority_id == Authority.id).where(User.username == username)
        ).first()
        if row is None:
            raise NotFoundError(f"no user {username!r}", field="username")
        return _principal(row[0], row[1])


def issue_token(
    db: Database,
    username: str,
    label: str = "api",
    ttl: timedelta | None = policy.TOKEN_TTL,
    *,
    audit_key: NodeKey | None = None,
    actor: str | None = None,
) -> str:
    """A new API token for a user, valid for ``ttl`` (None: until revoked); shown once, only its
    SHA-256 is stored. A deactivated user gets none (the API also refuses a user still on a
    one-time password: see ``tripline.http.deps``)."""
    token = TOKEN_PREFIX + secrets.token_urlsafe(32)
    with db.transaction() as session:
        user = session.scalar(select(User).where(User.username == username))
        if user is None:
            raise NotFoundError(f"no user {username!r}", field="username")
        if not user.active:
            raise ForbiddenError(f"user {username!r} is deactivated", field="username")
        row = ApiToken(
            user_id=user.id,
            token_hash=sha256_hex(token),
            prefix=token[:10],
            label=label[:128],
            created_at=now(),
            expires_at=now() + ttl if ttl is not None else None,
            revoked=False,
        )
        session.add(row)
        session.flush()
        detail = {"token": row.id, "prefix": row.prefix, "label": row.label, "expires_at": _iso(row.expires_at)}
        _chain(session, audit_key, "token.issued", username, detail, actor)
    log.warning("security: token issued", username=username, label=label)
    return token


@dataclass(frozen=True)
class TokenInfo:
    id: int
    prefix: str
    label: str
    created_at: datetime
    last_used_at: datetime | None
    expires_at: datetime | None
    revoked: bool


def list_tokens(db: Database, username: str) -> list[TokenInfo]:
    with db.transaction() as session:
        rows = session.scalars(
            select(ApiToken)
            .join(User, ApiToken.user_id == User.id)
            .where(User.username == username)
            .order_by(ApiToken.id)
        )
        return [
            TokenInfo(
                t.id,
                t.prefix,
                t.label,
                aware(t.created_at),
                aware(t.last_used_at) if t.last_used_at else None,
                aware(t.expires_at) if t.expires_at else None,
                t.revoked,
            )
            for t in rows
        ]


def revoke_token(
    db: Database, username: str, token_id: int, *, audit_key: NodeKey | None = None, actor: str | None = None
) -> None:
    """Revoke one of the user's tokens (another user's token is 'not found')."""
    with db.transaction() as session:
        token = session.scalar(
            select(ApiToken)
            .join(User, ApiToken.user_id == User.id)
            .where(User.username == username, ApiToken.id == token_id)
        )
        if token is None:
            raise NotFoundError(f"no token {token_id} of yours", field="token_id")
        token.revoked = True
        _chain(session, audit_key, "token.revoked", username, {"token": token_id, "prefix": token.prefix}, actor)
    log.warning("security: token revoked", username=username, token=token_id)


def _revoke_everything(session: Session, user_id: int, *, keep_session: str | None = None) -> None:
    session.execute(update(ApiToken).where(ApiToken.user_id == user_id).values(revoked=True))
    ends = delete(BrowserSession).where(BrowserSession.user_id == user_id)
    if keep_session is not None:
        ends = ends.where(BrowserSession.session_hash != sha256_hex(keep_session))
    session.execute(ends)


def deactivate_user(
    db: Database,
    username: str,
    *,
    authority: str | None,
    audit_key: NodeKey | None = None,
    actor: str | None = None,
) -> None:
    """Deactivate a user (of ``authority`` when given): no sign-in, sessions ended, tokens revoked."""
    with db.transaction() as session:
        query = select(User).join(Authority, User.authority_id == Authority.id).where(User.username == username)
        if authority is not None:
            query = query.where(Authority.code == authority)
        user = session.scalar(query)
        if user is None:
            raise NotFoundError(f"no user {username!r}", field="username")
        if actor is not None and actor == username:
            raise InputError("you cannot deactivate yourself", field="username")
        user.active = False
        _revoke_everything(session, user.id)
        _chain(
            session, audit_key, "user.deactivated", username, {"tokens_revoked": True, "sessions_ended": True}, actor
        )
    log.warning("security: user deactivated", username=username)


def set_role(
    db: Database,
    username: str,
    role: Role,
    *,
    authority: str | None,
    audit_key: NodeKey | None = None,
    actor: str | None = None,
) -> UserInfo:
    """Change a user's role (of ``authority`` when given); takes effect on their next request.
    An administrator cannot change their own role (an authority keeps its administrator)."""
    with db.transaction() as session:
        query = select(User, Authority).join(Authority, User.authority_id == Authority.id)
        query = query.where(User.username == username)
        if authority is not None:
            query = query.where(Authority.code == authority)
        row = session.execute(query).first()
        if row is None:
            raise NotFoundError(f"no user {username!r}", field="username")
        user, auth = row
        if actor is not None and actor == username:
            raise InputError("you cannot change your own role", field="username")
        before = user.role
        user.role = role.value
        if before != role.value:
            _chain(session, audit_key, "user.role_changed", username, {"from": before, "to": role.value}, actor)
        info = UserInfo(user.username, user.display_name, role, auth.code, user.active, aware(user.created_at))
    log.warning("security: role changed", username=username, before=before, after=role.value, by=actor or "cli")
    return info


def authenticate_token(db: Database, token: str) -> Principal:
    with db.transaction() as session:
        row = session.execute(
            select(ApiToken, User, Authority)
            .join(User, ApiToken.user_id == User.id)
            .join(Authority, User.authority_id == Authority.id)
            .where(ApiToken.token_hash == sha256_hex(token))
        ).first()
        expired = row is not None and row[0].expires_at is not None and aware(row[0].expires_at) <= now()
        if row is None or row[0].revoked or not row[1].active or expired:
            log.warning("security: API token refused", prefix=token[:10], expired=expired)
            raise AuthError("invalid, expired or revoked API token", field="authorization")
        last = row[0].last_used_at
        if last is None or now() - aware(last) > TOKEN_TOUCH:  # not a write on every request
            row[0].last_used_at = now()
        return _principal(row[1], row[2])


def _throttled(session: Session, username: str, address: str) -> bool:
    since = now() - policy.WINDOW
    per_user = session.scalar(
        select(func.count()).where(SigninFailure.username == username[:128], SigninFailure.at > since)
    )
    per_address = session.scalar(
        select(func.count()).where(SigninFailure.address == address[:64], SigninFailure.at > since)
    )
    return (per_user or 0) >= policy.MAX_FAILURES_PER_USER or (
        bool(address) and (per_address or 0) >= policy.MAX_FAILURES_PER_ADDRESS
    )


def verify_login(db: Database, username: str, password: str, *, address: str = "") -> Principal:
    """Check a username and password; the same error whatever was wrong. Too many recent failures
    for the username or from the address refuse the attempt (:class:`ThrottledError`) unchecked."""
    with db.transaction() as session:
        if _throttled(session, username, address):
            log.warning("security: sign-in throttled", username=username, address=address)
            raise ThrottledError(
                f"too many failed sign-ins; try again in {int(policy.WINDOW.total_seconds() // 60)} minutes",
                field="password",
            )
        row = session.execute(
            select(User, Authority).join(Authority, User.authority_id == Authority.id).where(User.username == username)
        ).first()
        stored = row[0].password_hash if row is not None else None
        principal = _principal(row[0], row[1]) if row is not None and row[0].active else None
    # hashed outside the transaction: waiting for a hashing slot holds no database connection
    matches = _hashing.verify(stored if stored is not None else _hashing.dummy, password)
    if matches and principal is not None:
        return principal
    with db.transaction() as session:  # its own transaction: the failure is kept although we raise
        session.add(SigninFailure(username=username[:128], address=address[:64], at=now()))
    log.warning("security: sign-in refused", username=username, address=address)
    raise AuthError("wrong username or password", field="password")


def change_password(
    db: Database,
    username: str,
    old: str,
    new: str,
    *,
    keep_session: str | None = None,
    address: str = "",
    audit_key: NodeKey | None = None,
) -> None:
    """Change a password; every API token and every other browser session of the user ends."""
    verify_login(db, username, old, address=address)
    _check_password(new, username)
    if new == old:
        raise InputError("the new password must differ from the old one", field="new_password")
    new_hash = _hashing.hash(new)  # before the transaction: hashing holds no database lock
    with db.transaction() as session:
        user = session.scalar(select(User).where(User.username == username))
        assert user is not None
        user.password_hash = new_hash
        user.must_change_password = False
        _revoke_everything(session, user.id, keep_session=keep_session)
        _chain(session, audit_key, "user.password_changed", username, {"tokens_revoked": True}, username)
    log.warning("security: password changed; tokens revoked, other sessions ended", username=username)


def start_session(db: Database, principal: Principal, ttl: timedelta) -> tuple[str, str]:
    """Open a browser session; returns (cookie secret, CSRF token)."""
    secret = secrets.token_urlsafe(32)
    csrf = secrets.token_urlsafe(32)
    with db.transaction() as session:
        session.add(
            BrowserSession(
                session_hash=sha256_hex(secret),
                user_id=principal.user_id,
                csrf_token=csrf,
                created_at=now(),
                expires_at=now() + ttl,
            )
        )
    return secret, csrf


def session_principal(db: Database, secret: str) -> tuple[Principal, str]:
    """The principal and CSRF token of a live session."""
    with db.transaction() as session:
        row = session.execute(
            select(BrowserSession, User, Authority)
            .join(User, BrowserSession.user_id == User.id)
            .join(Authority, User.authority_id == Authority.id)
            .where(BrowserSession.session_hash == sha256_hex(secret))
        ).first()
        if row is None or aware(row[0].expires_at) <= now() or not row[1].active:
            raise AuthError("not signed in or session expired", field="session")
        return _principal(row[1], row[2]), row[0].csrf_token


def end_session(db: Database, secret: str) -> None:
    with db.transaction() as session:
        found = session.scalar(select(BrowserSession).where(BrowserSession.session_hash == sha256_hex(secret)))
        if found is not None:
            session.delete(found)
