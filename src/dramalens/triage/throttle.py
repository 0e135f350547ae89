"""Login throttling: failed logins counted in the database, lockout after too many.

Three limits hold within a sliding window (defaults, in 15 minutes: 5 failures per
account+address; 10 per account from any address — the per-account lockout, which a botnet
rotating addresses cannot dodge; 20 per address across all accounts). The rows live in
``triage_login_failures``, so every web process of one database sees the same counts and a
restart forgets nothing.

The address limit does not lock out an office behind one NAT address: an account that has
logged in successfully from that address within ``known_days`` (table ``triage_known_logins``)
is spared it — it still has its own two limits. Only names never seen there are refused, which
is what a password-spraying attack from that address tries.

- The account is the name as typed (casefolded), whether or not such a user exists: a locked
  unknown name answers exactly like a locked real one.
- While locked, attempts are refused before any password is checked and are not counted, so
  the lockout ends when the window has passed, however often an attacker retries.
- A successful login deletes the account's failures from that address.
- Check-then-record is not one transaction: a burst of parallel attempts may overshoot the
  limit by a few, never by more than the number of requests in flight.

The limits can be changed per database in the settings row ``login_throttle`` (JSON, e.g.
``{"account_limit": 5, "address_limit": 20, "window_seconds": 900}``).
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass

from sqlalchemy import ColumnElement, delete, func, insert, select
from sqlalchemy.engine import Connection, Engine

from ..errors import ConfigError
from .jobs import run_tx
from .models import known_logins, login_failures, settings

__all__ = [
    "DEFAULT_POLICY",
    "Lockout",
    "ThrottlePolicy",
    "TOKEN_ACCOUNT",
    "account_key",
    "check",
    "clear",
    "load_policy",
    "record_failure",
]

#: The account recorded for a wrong API token: it counts towards the address's limit only.
TOKEN_ACCOUNT = ""


@dataclass(frozen=True, slots=True)
class ThrottlePolicy:
    """How many failures lock a login out, and for how long the failures count.

    >>> ThrottlePolicy().account_limit, ThrottlePolicy().address_limit, ThrottlePolicy().window_seconds
    (5, 20, 900.0)
    """

    account_limit: int = 5
    address_limit: int = 20
    window_seconds: float = 900.0
    account_total_limit: int = 10
    known_days: float = 30.0

    def __post_init__(self) -> None:
        k = self.known_days
        if not isinstance(k, (int, float)) or isinstance(k, bool) or not 0 <= k <= 3650:
            raise ConfigError(f"login_throttle.known_days must be 0 to 3650 days, got {k!r}")
        for name in ("account_limit", "address_limit", "account_total_limit"):
            value = getattr(self, name)
            if not isinstance(value, int) or isinstance(value, bool) or not 1 <= value <= 10_000:
                raise ConfigError(f"login_throttle.{name} must be an integer from 1 to 10000, got {value!r}")
        w = self.window_seconds
        if not isinstance(w, (int, float)) or isinstance(w, bool) or not 1 <= w <= 7 * 86400:
            raise ConfigError(f"login_throttle.window_seconds must be 1 to 604800 seconds, got {w!r}")

    def to_dict(self) -> dict[str, object]:
        return asdict(self)


DEFAULT_POLICY = ThrottlePolicy()


@dataclass(frozen=True, slots=True)
class Lockout:
    """A refused login: which limit was hit and when the next attempt will be heard.

    >>> Lockout(scope="account", retry_at=160.0).retry_after(100.0)
    60
    """

    scope: str  # "account" (this name from this address) or "address" (every name from it)
    retry_at: float  # epoch seconds

    def retry_after(self, at: float) -> int:
        """Whole seconds to wait from ``at`` (at least 1, rounded up)."""
        return max(1, int(-(-(self.retry_at - at) // 1)))

    def to_dict(self) -> dict[str, object]:
        return asdict(self)


def account_key(name: str) -> str:
    """The counter's key for a typed name: stripped, casefolded, at most 100 characters.

    >>> account_key("  Ann ")
    'ann'
    """
    return name.strip().casefold()[:100]


def _address(address: str | None) -> str:
    return (address or "unknown")[:64]


def load_policy(engine: Engine) -> ThrottlePolicy:
    """The limits in force: the ``login_throttle`` settings row over the defaults.

    >>> # load_policy(engine).account_limit  -> 5 unless the settings row says otherwise
    """
    with engine.connect() as conn:
        row = conn.execute(select(settings.c.value).where(settings.c.key == "login_throttle")).first()
    if row is None:
        return DEFAULT_POLICY
    try:
        data = json.loads(row.value)
    except ValueError as exc:
        raise ConfigError(f"the login_throttle setting is not JSON: {exc}", hint="fix or delete the settings row") from exc
    if not isinstance(data, dict) or set(data) - set(DEFAULT_POLICY.to_dict()):
        raise ConfigError("the login_throttle setting must be an object with account_limit, address_limit, "
                          "window_seconds, account_total_limit, known_days", hint="fix or delete the settings row")
    return ThrottlePolicy(**{**DEFAULT_POLICY.to_dict(), **data})


def _retry_at(conn: Connection, where: tuple[ColumnElement[bool], ...], limit: int, window: float) -> float:
    # The count falls below ``limit`` when the limit-th most recent failure leaves the window
    # (the caller has just counted at least ``limit`` of them).
    at = conn.execute(select(login_failures.c.at).where(*where).order_by(login_failures.c.at.desc())
                      .offset(limit - 1).limit(1)).scalar_one()
    return float(at) + window


def check(engine: Engine, name: str | None, address: str | None, *, at: float,
          policy: ThrottlePolicy = DEFAULT_POLICY) -> Lockout | None:
    """The lockout in force for ``name`` from ``address`` at time ``at``, or None.

    ``name`` None checks only the address (API tokens).

    >>> # check(engine, "ann", "10.0.0.1", at=now()) is None  -> free to try
    """
    addr = _address(address)
    since = at - policy.window_seconds
    by_address = (login_failures.c.address == addr, login_failures.c.at > since)
    with engine.connect() as conn:
        if name is not None:
            account = account_key(name)
            by_account = (login_failures.c.account == account, *by_address)
            n = conn.execute(select(func.count()).select_from(login_failures).where(*by_account)).scalar_one()
            if n >= policy.account_limit:
                return Lockout("account", _retry_at(conn, by_account, policy.account_limit, policy.window_seconds))
            anywhere = (login_failures.c.account == account, login_failures.c.at > since)
            n = conn.execute(select(func.count()).select_from(login_failures).where(*anywhere)).scalar_one()
            if n >= policy.account_total_limit:
                return Lockout("account", _retry_at(conn, anywhere, policy.account_total_limit, policy.window_seconds))
            known = conn.execute(select(known_logins.c.at).where(
                known_logins.c.account == account, known_logins.c.address == addr,
                known_logins.c.at > at - policy.known_days * 86400)).first()
            if known is not None:  # a colleague behind the same NAT: the address limit spares them
                return None
        n = conn.execute(select(func.count()).select_from(login_failures).where(*by_address)).scalar_one()
        if n >= policy.address_limit:
            return Lockout("address", _retry_at(conn, by_address, policy.address_limit, policy.window_seconds))
    return None


def record_failure(engine: Engine, name: str, address: str | None, *, at: float,
                   policy: ThrottlePolicy = DEFAULT_POLICY) -> None:
    """Count one failed login (and forget failures that have left the window).

    >>> # record_failure(engine, "ann", "10.0.0.1", at=now())
    """
    def work(conn: Connection) -> None:
        # Sweeping here keeps the table as small as the window: no cron job needed.
        conn.execute(delete(login_failures).where(login_failures.c.at <= at - policy.window_seconds))
        conn.execute(insert(login_failures).values(account=account_key(name), address=_address(address), at=at))

    run_tx(engine, work)


def clear(engine: Engine, name: str, address: str | None, *, at: float | None = None) -> None:
    """Forget the failures of ``name`` from ``address`` after a successful login, and remember
    that the account is known there (``at``: the time of the login; None remembers nothing).

    >>> # clear(engine, "ann", "10.0.0.1", at=now())
    """
    account, addr = account_key(name), _address(address)

    def work(conn: Connection) -> None:
        conn.execute(delete(login_failures).where(login_failures.c.account == account, login_failures.c.address == addr))
        if at is not None:
            conn.execute(delete(known_logins).where(known_logins.c.account == account, known_logins.c.address == addr))
            conn.execute(insert(known_logins).values(account=account, address=addr, at=at))

    run_tx(engine, work)
