"""The one exception hierarchy of dramalens.

Every error a user can cause derives from :class:`DramalensError`, so the CLI can turn any of
them into a one-line message with exit code 2 and the web app into one JSON error shape.
Messages say what went wrong, where, and what to do about it.
"""

from __future__ import annotations

__all__ = [
    "ConfigError",
    "DramalensError",
    "InputError",
    "NotFoundError",
    "ParseError",
    "PermissionDenied",
    "StoreError",
    "TooManyRequests",
    "ConflictError",
]


class DramalensError(Exception):
    """Root of every error dramalens raises on purpose.

    >>> isinstance(InputError("x"), DramalensError)
    True
    """

    #: The HTTP status the web layer answers with.
    status_code = 400

    def __init__(self, message: str, *, source: str | None = None, hint: str | None = None,
                 key: str = "", params: tuple[tuple[str, str | int | float], ...] = ()):
        self.message = message
        self.source = source
        self.hint = hint
        # The same sentence as a message-catalogue key and its fields, so a page can say it in
        # its reader's language (``key + ".hint"`` for the hint); ``message`` stays the English.
        self.key = key
        self.params = params
        super().__init__(self.one_line())

    def one_line(self) -> str:
        """The message as the CLI prints it: ``source: message (hint)``."""
        text = f"{self.source}: {self.message}" if self.source else self.message
        if self.hint:
            text = f"{text} — {self.hint}"
        return text

    def to_dict(self) -> dict[str, str | None]:
        """The JSON error shape of the web API."""
        return {
            "error": type(self).__name__,
            "message": self.message,
            "source": self.source,
            "hint": self.hint,
        }


class InputError(DramalensError):
    """A file or upload cannot be read at all: missing, a directory, too large, binary,
    undecodable, or a hostile archive/XML."""


class ParseError(InputError):
    """The bytes were read but do not form the declared format (e.g. malformed .fdx XML)."""


class ConfigError(DramalensError):
    """A parameter or setting outside what is allowed; the message lists what is allowed."""


class NotFoundError(DramalensError):
    """A work, submission or user that does not exist."""

    status_code = 404


class PermissionDenied(DramalensError):
    """The caller may not do this (not logged in, wrong desk, not an admin)."""

    status_code = 403


class ConflictError(DramalensError):
    """Someone else changed the record first (e.g. two reviewers deciding at once)."""

    status_code = 409


class TooManyRequests(DramalensError):
    """Too many attempts in a short time (e.g. failed logins); try again later.

    ``retry_after``: seconds to wait (the web layer's ``Retry-After``); ``retry_at``: when the
    wait ends, in epoch seconds.

    >>> TooManyRequests("slow down", retry_after=30, retry_at=1030.0).retry_after
    30
    """

    status_code = 429

    def __init__(self, message: str, *, retry_after: int = 1, retry_at: float = 0.0,
                 source: str | None = None, hint: str | None = None,
                 key: str = "", params: tuple[tuple[str, str | int | float], ...] = ()):
        self.retry_after = retry_after
        self.retry_at = retry_at
        super().__init__(message, source=source, hint=hint, key=key, params=params)


class StoreError(DramalensError):
    """The database or catalog store cannot do what was asked (bad URL, failed migration)."""

    status_code = 500
