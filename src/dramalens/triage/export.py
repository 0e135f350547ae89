"""CSV export of the queue with each submission's latest decision, or of the whole audit log.

``track``, ``format`` and ``episodes`` are what the sender declared or else what the pipeline
detected; the ``detected`` column names the fields that were detected (``track;format``).

Cells that a spreadsheet would run as a formula (``=``, ``+``, ``-``, ``@`` first) are
prefixed with ``'``: titles come from outside senders.
"""

from __future__ import annotations

import csv
import io
from datetime import datetime, timezone

from sqlalchemy import Connection, func, select, true

from ..errors import ConfigError
from .listing import effective_columns
from .models import decisions, desks, submissions
from .review import User

__all__ = ["DECISION_COLUMNS", "QUEUE_COLUMNS", "export_csv"]

QUEUE_COLUMNS = (
    "id", "title", "filename", "desk", "track", "format", "episodes", "language", "tropes", "score",
    "analysis_state", "status", "version", "submitted_by", "submitted_at", "decided_by", "decided_at", "decisions",
    "detected",
)
DECISION_COLUMNS = ("submission_id", "title", "user", "action", "from_status", "to_status", "expected_version", "outcome", "detail", "at")


def _iso(t: float | None) -> str:
    return "" if t is None else datetime.fromtimestamp(t, tz=timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def _cell(value: object) -> str:
    text = "" if value is None else str(value)
    if text[:1] in ("=", "+", "-", "@", "\t", "\r") and not _is_number(text):
        return "'" + text
    return text


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def export_csv(conn: Connection, user: User, *, kind: str = "queue") -> str:
    """The CSV text of what ``user`` may see: ``kind`` is ``queue`` or ``decisions``.

    >>> # export_csv(conn, admin).splitlines()[0].startswith("id,title")
    """
    if kind not in ("queue", "decisions"):
        raise ConfigError(f"kind must be queue or decisions, got {kind!r}", key="err.bad_choice",
                          params=(("name_key", "kind"), ("allowed", "queue, decisions"), ("got", kind[:40])))
    out = io.StringIO()
    writer = csv.writer(out)
    visible = true() if user.is_admin else submissions.c.desk_id == user.desk_id
    if kind == "decisions":
        writer.writerow(DECISION_COLUMNS)
        q = (select(decisions, submissions.c.title).join(submissions, submissions.c.id == decisions.c.submission_id)
             .where(visible).order_by(decisions.c.at, decisions.c.id))
        for r in conn.execute(q):
            writer.writerow([_cell(v) for v in (r.submission_id, r.title, r.user_name, r.action, r.from_status, r.to_status,
                                                r.expected_version, r.outcome, r.detail, _iso(r.at))])
        return out.getvalue()
    writer.writerow(QUEUE_COLUMNS)
    applied = (select(decisions.c.submission_id, func.max(decisions.c.id).label("last"), func.count().label("n"))
               .where(decisions.c.outcome == "applied", decisions.c.action == "status")
               .group_by(decisions.c.submission_id).subquery())
    last = decisions.alias("last_decision")
    cols = [c for c in submissions.c if c.name != "content"]
    q = (select(*cols, *effective_columns(), desks.c.name.label("desk"), applied.c.n, last.c.user_name, last.c.at.label("decided_at"))
         .join(desks, desks.c.id == submissions.c.desk_id)
         .outerjoin(applied, applied.c.submission_id == submissions.c.id)
         .outerjoin(last, last.c.id == applied.c.last)
         .where(visible).order_by(submissions.c.score.desc().nulls_last(), submissions.c.id))
    for r in conn.execute(q):
        writer.writerow([_cell(v) for v in (
            r.id, r.title, r.filename, r.desk, r.effective_track, r.effective_format, r.effective_episodes, r.language,
            r.tropes, "" if r.score is None else f"{r.score:.1f}", r.analysis_state, r.status, r.version,
            r.submitted_by, _iso(r.submitted_at), r.user_name, _iso(r.decided_at), r.n or 0,
            ";".join(f for f in ("track", "format", "episodes") if getattr(r, f"{f}_detected")))])
    return out.getvalue()
