"""The password rule for desk accounts: at least 10 characters, and not a common password.

"Common" is the 30,000 most frequent passwords of leaked-password corpora as shipped inside
the ``zxcvbn`` package (its ``frequency_lists``): a list maintained outside this project and
installed with it, so no file is downloaded at run time. The check is case-insensitive
("Password123" is as guessable as "password123"), and a password may not be the user name.
"""

from __future__ import annotations

from functools import lru_cache

from zxcvbn.frequency_lists import FREQUENCY_LISTS

from ..errors import ConfigError

__all__ = ["MIN_PASSWORD_LENGTH", "check_password", "password_problem"]

MIN_PASSWORD_LENGTH = 10


@lru_cache(maxsize=1)
def _common() -> frozenset[str]:
    return frozenset(p.casefold() for p in FREQUENCY_LISTS["passwords"])


def password_problem(password: str, *, name: str = "") -> str | None:
    """Why ``password`` is refused, or None when it is acceptable.

    >>> password_problem("12345678")
    'a password needs at least 10 characters'
    >>> password_problem("1234567890")
    'that password is one of the most common ones; choose another'
    >>> password_problem("teal-kettle-42") is None
    True
    """
    if len(password) < MIN_PASSWORD_LENGTH:
        return f"a password needs at least {MIN_PASSWORD_LENGTH} characters"
    folded = password.casefold()
    if folded in _common() or folded.strip() in _common():
        return "that password is one of the most common ones; choose another"
    if name and folded == name.casefold():
        return "a password may not be the user name"
    return None


def check_password(password: str, *, name: str = "") -> None:
    """ConfigError naming the rule when ``password`` breaks it.

    >>> check_password("teal-kettle-42")
    """
    problem = password_problem(password, name=name)
    if problem is not None:
        raise ConfigError(problem, hint=f"at least {MIN_PASSWORD_LENGTH} characters, not a common password")
