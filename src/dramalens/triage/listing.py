"""The ranked queue: filter, sort and paginate what a user may see.

Sorting is on indexed columns only (score, submitted time, title, status, all paired with
the desk id), and pages are fetched with LIMIT/OFFSET, so a desk of 10,000 scripts pages as
fast as one of 100.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass
from typing import Any

from sqlalchemy import ColumnElement, Connection, Label, Row, case, func, literal_column, select, true
from sqlalchemy.engine import Engine

from ..analysis.tracks import track_variants
from ..errors import ConfigError
from .models import MAX_DB_INT, MAX_PAGE, REVIEW_STATUSES, data_version, submissions, users
from .result import NEEDS_HUMAN
from .review import User

__all__ = ["EFFECTIVE", "SORTS", "DataVersion", "QueueQuery", "QueuePage", "effective_columns", "effective_values", "list_queue",
           "queue_data_version"]

#: "Declared or else detected": most senders leave the form empty, so the pipeline's findings
#: stand in. Filters, the CSV and the saturation page all use these same expressions.
#: The empty string is inlined, not bound: the saturation page groups by the track expression,
#: and PostgreSQL only sees two expressions as one when their text is identical.
_EMPTY: ColumnElement[str] = literal_column("''")
EFFECTIVE: dict[str, ColumnElement[Any]] = {
    "track": case((submissions.c.track != _EMPTY, submissions.c.track), else_=submissions.c.detected_track),
    "format": case((submissions.c.format != _EMPTY, submissions.c.format), else_=submissions.c.detected_format),
    "episodes": func.coalesce(submissions.c.episodes, submissions.c.detected_episodes),
}


def effective_values(row: Mapping[str, object] | Row[Any]) -> dict[str, tuple[object, bool]]:
    """``{"track": (value, detected), "format": …, "episodes": …}`` of one submissions row, by the
    same rule as :data:`EFFECTIVE` (declared when given, else detected; ``detected`` says which).

    >>> effective_values({"track": "", "detected_track": "都市", "format": "vertical", "detected_format": "",
    ...                   "episodes": None, "detected_episodes": None})["track"]
    ('都市', True)
    """
    m = row._mapping if isinstance(row, Row) else row
    out: dict[str, tuple[object, bool]] = {}
    for name in ("track", "format", "episodes"):
        declared, found = m[name], m[f"detected_{name}"]
        given = declared is not None and declared != ""
        if given or found is None or found == "":
            out[name] = (declared if given else ("" if name != "episodes" else None), False)
        else:
            out[name] = (found, True)
    return out


def effective_columns() -> list[Label[Any]]:
    """The effective values as labelled columns (``effective_track``, ``effective_format``, ``effective_episodes``)
    plus, per field, whether the value shown was detected (``track_detected`` …: 1 or 0).

    >>> [c.name for c in effective_columns()][:3]
    ['effective_track', 'effective_format', 'effective_episodes']
    """
    detected = {
        "track": (submissions.c.track == "") & (submissions.c.detected_track != ""),
        "format": (submissions.c.format == "") & (submissions.c.detected_format != ""),
        "episodes": submissions.c.episodes.is_(None) & submissions.c.detected_episodes.is_not(None),
    }
    cols = [expr.label(f"effective_{name}") for name, expr in EFFECTIVE.items()]
    cols += [case((cond, 1), else_=0).label(f"{name}_detected") for name, cond in detected.items()]
    return cols

SORTS = {
    "score": submissions.c.score,
    "submitted": submissions.c.submitted_at,
    "title": submissions.c.title,
    "status": submissions.c.status,
    "due": submissions.c.due_at,
}
STATES = ("queued", "running", "done", "failed", NEEDS_HUMAN)


@dataclass(frozen=True, slots=True)
class QueueQuery:
    """Filters, sort and page of the queue; validated on creation.

    >>> QueueQuery(sort="title", direction="asc").sort
    'title'
    """

    format: str = ""
    track: str = ""
    trope: str = ""
    language: str = ""
    status: str = ""
    state: str = ""
    min_score: float | None = None
    q: str = ""
    batch: int | None = None
    sort: str = "score"
    direction: str = "desc"
    page: int = 1
    per_page: int = 50

    def __post_init__(self) -> None:
        if self.sort not in SORTS:
            raise ConfigError(f"sort must be one of {', '.join(SORTS)}, got {self.sort!r}", key="err.bad_choice",
                              params=(("name_key", "sort"), ("allowed", ", ".join(SORTS)), ("got", self.sort[:40])))
        if self.direction not in ("asc", "desc"):
            raise ConfigError(f"direction must be asc or desc, got {self.direction!r}", key="err.bad_choice",
                              params=(("name_key", "direction"), ("allowed", "asc, desc"), ("got", self.direction[:40])))
        if self.status and self.status not in REVIEW_STATUSES:
            raise ConfigError(f"status must be one of {', '.join(REVIEW_STATUSES)}, got {self.status!r}", key="err.bad_choice",
                              params=(("name_key", "status"), ("allowed", ", ".join(REVIEW_STATUSES)), ("got", self.status[:40])))
        if self.state and self.state not in STATES:
            raise ConfigError(f"state must be one of {', '.join(STATES)}, got {self.state!r}", key="err.bad_choice",
                              params=(("name_key", "field.state"), ("allowed", ", ".join(STATES)), ("got", self.state[:40])))
        if self.format not in ("", "vertical", "horizontal"):
            raise ConfigError(f"format must be vertical or horizontal, got {self.format!r}", key="err.bad_choice",
                              params=(("name_key", "format"), ("allowed", "vertical, horizontal"), ("got", self.format[:40])))
        if not (1 <= self.page <= MAX_PAGE) or not (1 <= self.per_page <= 500):
            raise ConfigError(f"page must be between 1 and {MAX_PAGE:,} and per_page between 1 and 500", key="err.page_range",
                              params=(("max", MAX_PAGE),))
        if self.batch is not None and not (1 <= self.batch <= MAX_DB_INT):
            raise ConfigError(f"batch must be a batch id between 1 and {MAX_DB_INT}", key="err.batch_range", params=(("max", MAX_DB_INT),))
        for name in ("track", "trope", "q", "language"):
            if len(getattr(self, name)) > 100:
                raise ConfigError(f"{name} is at most 100 characters", key="err.field_too_long",
                                  params=(("name_key", "search" if name == "q" else name),))

    def to_dict(self) -> dict[str, object]:
        return asdict(self)


@dataclass(frozen=True, slots=True)
class QueuePage:
    """One page of the queue: rows (dicts without the script bytes) and the total count."""

    rows: tuple[dict[str, object], ...]
    total: int
    page: int
    per_page: int

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.per_page))

    def to_dict(self) -> dict[str, object]:
        return {"items": list(self.rows), "total": self.total, "page": self.page, "per_page": self.per_page,
                "pages": self.pages}


def _like(text: str) -> str:
    return "%" + text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"


def list_queue(conn: Connection, user: User, query: QueueQuery = QueueQuery()) -> QueuePage:
    """The page of the queue ``user`` asked for (only their desk unless admin).

    >>> # list_queue(conn, reviewer, QueueQuery(track="都市", sort="score")).total
    """
    conds = [true() if user.is_admin else submissions.c.desk_id == user.desk_id]
    if query.format:
        conds.append(EFFECTIVE["format"] == query.format)
    if query.track:
        # Any spelling of the same track (家庭, family, Family): one vocabulary over old and new rows.
        conds.append(func.lower(EFFECTIVE["track"]).in_(track_variants(query.track)))
    if query.trope:
        conds.append(submissions.c.tropes.like(_like(query.trope), escape="\\"))
    if query.language:
        conds.append(submissions.c.language == query.language)
    if query.status:
        conds.append(submissions.c.status == query.status)
    if query.state:
        conds.append(submissions.c.analysis_state == query.state)
    if query.min_score is not None:
        conds.append(submissions.c.score >= query.min_score)
    if query.q:
        conds.append(submissions.c.title.like(_like(query.q), escape="\\"))
    if query.batch is not None:
        conds.append(submissions.c.batch_id == query.batch)
    col = SORTS[query.sort]
    order = col.desc().nulls_last() if query.direction == "desc" else col.asc().nulls_last()
    # Ties go the sort's own way: (desk, column) indexes end in the row id, so one direction
    # reads the page straight off the index; mixed directions sorted every row of the desk.
    tiebreak = submissions.c.id.desc() if query.direction == "desc" else submissions.c.id.asc()
    cols = [c for c in submissions.c if c.name not in ("content", "synopsis")]
    q = (select(*cols, *effective_columns(), users.c.name.label("assignee")).outerjoin(users, users.c.id == submissions.c.assignee_id)
         .where(*conds).order_by(order, tiebreak)
         .limit(query.per_page).offset((query.page - 1) * query.per_page))
    rows = tuple(dict(r._mapping) for r in conn.execute(q))
    total = conn.execute(select(func.count()).select_from(submissions).where(*conds)).scalar_one()
    return QueuePage(rows, int(total), query.page, query.per_page)



@dataclass(frozen=True, slots=True)
class DataVersion:
    """Where the desk's data stands: ``people`` moves with what people do (uploads, decisions,
    assignments, users, batches, weights), ``progress`` with what the workers do (a job's
    status, a submission's analysis columns). Database triggers bump them (revision 0006)."""

    people: int
    progress: int


# Built once: it runs on every queue page, and building it cost more than running it.
_VERSION = select(data_version.c.n, data_version.c.progress).where(data_version.c.id == 1)


def queue_data_version(engine: Engine) -> DataVersion:
    """The desk data's version, bumped by triggers inside every writing transaction: read it
    *before* the rows it stands for, and rows read after it are at least that new.

    >>> from dramalens.db import make_engine
    >>> from dramalens.triage.models import init_db
    >>> queue_data_version(init_db(make_engine("sqlite://")))
    DataVersion(people=0, progress=0)
    """
    with engine.connect() as conn:
        row = conn.execute(_VERSION).one()
    return DataVersion(int(row.n), int(row.progress))
