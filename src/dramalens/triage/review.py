"""The review workflow: statuses, notes, assignment, and an audit log of every decision.

Statuses go ``new → in_review → consider → signed / passed``. A decision names the version
of the submission the reviewer saw; the UPDATE only matches that version (optimistic
locking), so of two reviewers deciding at once one wins and the other gets
:class:`~dramalens.errors.ConflictError`. Both attempts are in the audit log.

Desks are walls: a reviewer never sees, or learns of, another desk's submissions (they are
"not found"); admins see every desk.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, Row, insert, select, update
from sqlalchemy.engine import Engine

from ..errors import ConfigError, ConflictError, NotFoundError
from .jobs import run_tx
from .models import MAX_DB_INT, REVIEW_STATUSES, assignments, decisions, notes, now, submissions, users

__all__ = ["FINAL", "User", "add_note", "assign", "audit_log", "decide", "get_visible", "list_notes", "transitions"]

FINAL = ("signed", "passed")


@dataclass(frozen=True, slots=True)
class User:
    """Who is acting: reviewers belong to one desk; admins see all desks and edit settings."""

    id: int
    name: str
    is_admin: bool = False
    desk_id: int | None = None

    def can_see(self, desk_id: int) -> bool:
        return self.is_admin or (self.desk_id is not None and self.desk_id == desk_id)

    def to_dict(self) -> dict[str, object]:
        return {"id": self.id, "name": self.name, "is_admin": self.is_admin, "desk_id": self.desk_id}


def transitions(status: str, user: User) -> tuple[str, ...]:
    """Statuses a submission in ``status`` may move to; only admins reopen a final decision.

    >>> transitions("new", User(1, "ann"))
    ('in_review', 'consider', 'signed', 'passed')
    """
    if status in FINAL:
        return ("in_review",) if user.is_admin else ()
    return tuple(s for s in REVIEW_STATUSES if s not in (status, "new"))


def get_visible(conn: Connection, submission_id: int, user: User) -> Row[Any]:
    """The submission row if ``user`` may see it, else NotFoundError (never "forbidden": that
    would tell a reviewer that another desk's submission exists).

    >>> # get_visible(conn, 7, reviewer).title
    """
    if not 1 <= submission_id <= MAX_DB_INT:  # past 64 bits the driver raises OverflowError
        raise NotFoundError(f"no submission {str(submission_id)[:40]}", hint="check the id",
                            key="err.no_submission", params=(("id", str(submission_id)[:40]),))
    row = conn.execute(select(submissions).where(submissions.c.id == submission_id)).first()
    if row is None or not user.can_see(row.desk_id):
        raise NotFoundError(f"no submission {submission_id}", hint="check the id, or the desk you belong to",
                            key="err.no_submission", params=(("id", submission_id),))
    return row


def _audit(conn: Connection, submission_id: int, user: User, action: str, outcome: str, *, from_status: str | None = None,
           to_status: str | None = None, expected_version: int | None = None, detail: str = "") -> None:
    conn.execute(insert(decisions).values(
        submission_id=submission_id, user_id=user.id, user_name=user.name, action=action, from_status=from_status,
        to_status=to_status, expected_version=expected_version, outcome=outcome, detail=detail[:2000], at=now()))


def decide(engine: Engine, submission_id: int, user: User, to_status: str, expected_version: int, note: str = "") -> int:
    """Move ``submission_id`` to ``to_status`` if it is still at ``expected_version``.

    Returns the new version. Raises ConflictError when someone decided first (the attempt is
    logged), ConfigError for a status not allowed from the current one.

    >>> # decide(engine, 7, reviewer, "consider", expected_version=1)
    """
    if to_status not in REVIEW_STATUSES:
        raise ConfigError(f"unknown status {to_status!r}; allowed: {', '.join(REVIEW_STATUSES)}", key="err.unknown_status",
                          params=(("status", to_status[:40]), ("allowed", ", ".join(REVIEW_STATUSES))))
    if len(note) > 10_000:
        raise ConfigError("a note holds at most 10,000 characters", key="err.note_too_long")
    if not 0 <= expected_version <= MAX_DB_INT:
        raise ConfigError(f"version must be between 0 and {MAX_DB_INT}", hint="send the version the page showed",
                          key="err.bad_version", params=(("max", MAX_DB_INT),))

    def work(conn: Connection) -> tuple[str, Row[Any] | None]:
        row = get_visible(conn, submission_id, user)
        if row.version != expected_version:
            return ("conflict", row)
        if to_status not in transitions(row.status, user):
            return ("refused", row)
        changed = conn.execute(
            update(submissions)
            .where(submissions.c.id == submission_id, submissions.c.version == expected_version)
            .values(status=to_status, version=submissions.c.version + 1, updated_at=now())
        ).rowcount
        if changed != 1:  # lost the race between our read and our write
            return ("conflict", row)
        _audit(conn, submission_id, user, "status", "applied", from_status=row.status, to_status=to_status,
               expected_version=expected_version, detail=note)
        if note.strip():
            conn.execute(insert(notes).values(submission_id=submission_id, user_id=user.id, text=note, at=now()))
        return ("applied", None)

    outcome, found = run_tx(engine, work)
    if found is None:  # applied
        return expected_version + 1
    row = found

    def log_attempt(conn: Connection) -> None:
        _audit(conn, submission_id, user, "status", outcome, from_status=row.status, to_status=to_status,
               expected_version=expected_version, detail=note)

    run_tx(engine, log_attempt)
    if outcome == "conflict":
        raise ConflictError(
            f"submission {submission_id} was changed by someone else (now {row.status!r}, version {row.version}; "
            f"you saw version {expected_version})",
            hint="reload the page and decide again", key="err.conflict",
            params=(("id", submission_id), ("status_key", f"status.{row.status}"), ("version", row.version),
                    ("seen", expected_version)),
        )
    raise ConfigError(f"cannot move from {row.status!r} to {to_status!r}; allowed: "
                      f"{', '.join(transitions(row.status, user)) or 'none (final; an admin may reopen)'}",
                      key="err.cannot_move", params=(("from_key", f"status.{row.status}"), ("to_key", f"status.{to_status}")))


def add_note(engine: Engine, submission_id: int, user: User, text: str) -> None:
    """Attach a note (1-10,000 characters); it is audited too."""
    text = text.strip()
    if not text or len(text) > 10_000:
        raise ConfigError("a note must hold 1-10,000 characters", key="err.note_length")

    def work(conn: Connection) -> None:
        get_visible(conn, submission_id, user)
        conn.execute(insert(notes).values(submission_id=submission_id, user_id=user.id, text=text, at=now()))
        _audit(conn, submission_id, user, "note", "applied", detail=text[:200])

    run_tx(engine, work)


def assign(engine: Engine, submission_id: int, user: User, assignee_name: str) -> None:
    """Assign a user of the submission's desk (a reviewer hands a script to a colleague, or
    takes it); admins may also assign an admin of any desk.

    A name that does not exist, a name on another desk and a name no one may assign get the
    same answer: the form must not tell who has an account elsewhere.
    """

    def work(conn: Connection) -> None:
        row = get_visible(conn, submission_id, user)
        target = conn.execute(select(users).where(users.c.name == assignee_name[:100])).first()
        on_desk = target is not None and target.desk_id == row.desk_id
        if target is None or not (on_desk or (user.is_admin and target.is_admin)):
            raise ConfigError(f"{assignee_name[:100]!r} is not a reviewer of this submission's desk",
                              key="err.not_desk_reviewer", params=(("name", assignee_name[:100]),),
                              hint="pick a reviewer of the desk")
        exists = conn.execute(select(assignments.c.id).where(assignments.c.submission_id == submission_id,
                                                             assignments.c.user_id == target.id)).first()
        if exists is None:
            conn.execute(insert(assignments).values(submission_id=submission_id, user_id=target.id,
                                                    assigned_by=user.id, at=now()))
        conn.execute(update(submissions).where(submissions.c.id == submission_id).values(assignee_id=target.id))
        _audit(conn, submission_id, user, "assign", "applied", detail=assignee_name)

    run_tx(engine, work)


def audit_log(conn: Connection, submission_id: int) -> list[dict[str, object]]:
    """Every recorded decision on a submission, oldest first (applied, conflicting and refused).

    >>> # [d["outcome"] for d in audit_log(conn, 7)]  -> ["applied", "conflict"]
    """
    rows = conn.execute(select(decisions).where(decisions.c.submission_id == submission_id)
                        .order_by(decisions.c.at, decisions.c.id)).all()
    return [dict(r._mapping) for r in rows]


def list_notes(conn: Connection, submission_id: int) -> list[dict[str, object]]:
    """Notes on a submission with their authors, oldest first.

    >>> # [n["name"] for n in list_notes(conn, 7)]
    """
    q = (select(notes.c.text, notes.c.at, users.c.name).join(users, users.c.id == notes.c.user_id)
         .where(notes.c.submission_id == submission_id).order_by(notes.c.at, notes.c.id))
    return [dict(r._mapping) for r in conn.execute(q)]
