"""Accounts of the script desk: argon2 password hashes, sessions, CSRF tokens, API tokens.

- Passwords are hashed with argon2id (argon2-cffi); a hash made with older parameters is
  rehashed at the next login.
- A browser session is a random id stored in ``triage_sessions`` and sent as a cookie signed
  with itsdangerous; logging out deletes the row, so a copied cookie dies with it.
- Each session has its own CSRF token; every form carries it and every POST checks it.
- API tokens (for ``/api/``) are random, shown once, stored as SHA-256.
- Failed logins are throttled (:mod:`.throttle`): :func:`login_attempt` refuses with
  TooManyRequests (HTTP 429) after too many failures per account+address or per address.
"""

from __future__ import annotations

import datetime
import functools
import hashlib
import hmac
import secrets
from typing import Any

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError
from itsdangerous import BadSignature, URLSafeTimedSerializer
from sqlalchemy import Connection, Row, bindparam, delete, insert, select, update
from sqlalchemy.engine import Engine

from ..errors import ConfigError, PermissionDenied, TooManyRequests
from . import throttle
from .intake import ensure_desk
from .jobs import run_tx
from .models import now, sessions, settings, users
from .passwords import check_password
from .review import User

__all__ = [
    "SESSION_SECONDS",
    "add_user",
    "authenticate",
    "check_csrf",
    "end_session",
    "issue_token",
    "login_attempt",
    "secret_key",
    "session_user",
    "signer",
    "start_session",
    "token_user",
    "user_for_token",
]

SESSION_SECONDS = 12 * 3600
_hasher = PasswordHasher()


@functools.cache
def _dummy_hash() -> str:
    # Verifying against this when the user does not exist keeps response times alike, so timing
    # does not reveal which user names exist. Made on first use, not at import: hashing takes
    # about half a second and every command of the CLI imports this module.
    return _hasher.hash("not a real password")


def _row_user(row: Row[Any]) -> User:
    return User(id=int(row.id), name=str(row.name), is_admin=bool(row.is_admin), desk_id=row.desk_id)


def add_user(engine: Engine, name: str, password: str, *, admin: bool = False, desk: str = "default") -> User:
    """Create a user on ``desk`` (created if new). Passwords: see :mod:`.passwords`.

    >>> # add_user(engine, "ann", "correct horse", desk="都市")
    """
    name = name.strip()
    if not name or len(name) > 100 or any(c in name for c in "\r\n\t<>\"'&"):
        raise ConfigError("a user name is 1-100 characters without tabs, line breaks or <>\"'&")
    check_password(password, name=name)
    hashed = _hasher.hash(password)

    def work(conn: Connection) -> User:
        if conn.execute(select(users.c.id).where(users.c.name == name)).first() is not None:
            raise ConfigError(f"user {name!r} already exists")
        desk_id = ensure_desk(conn, desk)
        uid = conn.execute(insert(users).values(name=name, password_hash=hashed, is_admin=admin, desk_id=desk_id,
                                                created_at=now()).returning(users.c.id)).scalar_one()
        return User(int(uid), name, admin, desk_id)

    return run_tx(engine, work)


def authenticate(engine: Engine, name: str, password: str) -> User | None:
    """The user if ``password`` is right, else None (same work done either way)."""
    with engine.connect() as conn:
        row = conn.execute(select(users).where(users.c.name == name)).first()
    try:
        _hasher.verify(row.password_hash if row is not None else _dummy_hash(), password)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return None
    if row is None:
        return None
    if _hasher.check_needs_rehash(row.password_hash):
        run_tx(engine, lambda conn: conn.execute(update(users).where(users.c.id == row.id)
                                                 .values(password_hash=_hasher.hash(password))))
    return _row_user(row)


def _too_many(lock: throttle.Lockout, at: float) -> TooManyRequests:
    wait = lock.retry_after(at)
    # The same words for every name, real or not: the lockout must not confirm an account.
    return TooManyRequests(f"too many failed logins; try again in {-(-wait // 60)} minute(s)",
                           retry_after=wait, retry_at=lock.retry_at,
                           hint=f"wait {wait} s (until {_utc(lock.retry_at)} UTC) before the next attempt")


def _utc(t: float) -> str:
    return datetime.datetime.fromtimestamp(t, datetime.timezone.utc).strftime("%Y-%m-%d %H:%M:%S")


def login_attempt(engine: Engine, name: str, password: str, address: str | None, *, at: float | None = None,
                  policy: throttle.ThrottlePolicy | None = None) -> User | None:
    """:func:`authenticate` behind the login throttle: the user, None for a wrong password or
    unknown name (counted as a failure), or TooManyRequests while locked out (nothing checked,
    nothing counted). Success clears the name's failures from ``address``.

    >>> # login_attempt(engine, "ann", "correct horse", "10.0.0.1")  -> User(...)
    """
    t = now() if at is None else at
    policy = policy or throttle.load_policy(engine)
    lock = throttle.check(engine, name, address, at=t, policy=policy)
    if lock is not None:
        raise _too_many(lock, t)
    user = authenticate(engine, name, password)
    if user is None:
        throttle.record_failure(engine, name, address, at=t, policy=policy)
        return None
    throttle.clear(engine, name, address, at=t)
    return user


def token_user(engine: Engine, token: str | None, address: str | None, *, at: float | None = None,
               policy: throttle.ThrottlePolicy | None = None) -> User:
    """:func:`user_for_token` behind the address's throttle: a presented but wrong token counts
    as a failure of the address; a locked address gets TooManyRequests (HTTP 429).

    >>> # token_user(engine, "dl_…", "10.0.0.1").name
    """
    t = now() if at is None else at
    policy = policy or throttle.load_policy(engine)
    lock = throttle.check(engine, None, address, at=t, policy=policy)
    if lock is not None:
        raise _too_many(lock, t)
    try:
        return user_for_token(engine, token)
    except PermissionDenied:
        if token:  # a missing token is a client that forgot to log in, not a guess
            throttle.record_failure(engine, throttle.TOKEN_ACCOUNT, address, at=t, policy=policy)
        raise


def issue_token(engine: Engine, name: str) -> str:
    """A new API token for user ``name`` (replaces the old one); shown once, stored hashed."""
    token = "dl_" + secrets.token_urlsafe(32)
    digest = hashlib.sha256(token.encode()).hexdigest()
    changed = run_tx(engine, lambda conn: conn.execute(update(users).where(users.c.name == name)
                                                        .values(api_token_hash=digest)).rowcount)
    if changed != 1:
        raise ConfigError(f"no user {name!r}")
    return token


def user_for_token(engine: Engine, token: str | None) -> User:
    """The owner of an API token, or PermissionDenied."""
    if not token or not token.startswith("dl_") or len(token) > 200:
        raise PermissionDenied("an API token is required", hint="send 'Authorization: Bearer dl_…' (dramalens users token NAME)")
    digest = hashlib.sha256(token.encode()).hexdigest()
    with engine.connect() as conn:
        row = conn.execute(select(users).where(users.c.api_token_hash == digest)).first()
    if row is None:
        raise PermissionDenied("the API token is not valid", hint="issue a new one with dramalens users token NAME")
    return _row_user(row)


def secret_key(engine: Engine, secret: str | None = None) -> str:
    """The key that signs cookies: ``secret`` (``Settings.secret``, from ``DRAMALENS_SECRET``) or
    one generated once and kept in the DB (so every worker and web process of one database agrees
    on it)."""
    if secret:
        return secret

    def work(conn: Connection) -> str:
        row = conn.execute(select(settings.c.value).where(settings.c.key == "secret_key")).first()
        if row is not None:
            return str(row.value)
        value = secrets.token_urlsafe(48)
        conn.execute(insert(settings).values(key="secret_key", value=value, updated_at=now()))
        return value

    return run_tx(engine, work)


@functools.lru_cache(maxsize=8)  # one per key: made on every page request otherwise
def signer(key: str) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(key, salt="dramalens.session")


def start_session(engine: Engine, user: User) -> tuple[str, str]:
    """A new session for ``user``: (session id, CSRF token)."""
    sid = secrets.token_urlsafe(32)
    csrf = secrets.token_urlsafe(32)
    t = now()

    def work(conn: Connection) -> None:
        conn.execute(delete(sessions).where(sessions.c.expires_at < t))  # sweep the expired
        conn.execute(insert(sessions).values(id=sid, user_id=user.id, csrf=csrf, created_at=t, expires_at=t + SESSION_SECONDS))

    run_tx(engine, work)
    return sid, csrf


# Built once: every page request looks its session up, and building the statement cost more
# than running it.
_SESSION_LOOKUP = (select(users, sessions.c.csrf, sessions.c.expires_at).join(sessions, sessions.c.user_id == users.c.id)
                   .where(sessions.c.id == bindparam("sid")))


def session_user(engine: Engine, key: str, cookie: str | None) -> tuple[User, str] | None:
    """(user, CSRF token) of a signed session cookie, or None when absent, forged or expired."""
    if not cookie or len(cookie) > 500:
        return None
    try:
        sid = signer(key).loads(cookie, max_age=SESSION_SECONDS)
    except BadSignature:
        return None
    with engine.connect() as conn:
        row = conn.execute(_SESSION_LOOKUP, {"sid": sid}).first()
    if row is None or row.expires_at < now():
        return None
    return _row_user(row), row.csrf


def end_session(engine: Engine, key: str, cookie: str | None) -> None:
    """Delete the session of ``cookie`` (logout)."""
    try:
        sid = signer(key).loads(cookie or "", max_age=SESSION_SECONDS)
    except BadSignature:
        return
    run_tx(engine, lambda conn: conn.execute(delete(sessions).where(sessions.c.id == sid)))


def check_csrf(expected: str | None, given: str | None) -> None:
    """PermissionDenied unless ``given`` equals the session's token (constant-time compare)."""
    if not expected or not given or not hmac.compare_digest(str(expected), str(given)):
        raise PermissionDenied("the form's CSRF token is missing or wrong", hint="reload the page and submit again", key="err.csrf")
