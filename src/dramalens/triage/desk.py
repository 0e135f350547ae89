"""The desk's service layer: one function for each thing a page, the API or the CLI asks of it.

Every function takes the engine (and the acting :class:`~.review.User` where a desk wall
applies), runs its own queries and returns a typed record; the interfaces only parse
arguments, call one of these and render. Stored JSON columns (scores, evidence, similar works,
the analysis) are decoded here and passed on as JSON values: they go straight to a template or
an HTTP body, never back into the library.
"""

from __future__ import annotations

import functools
import hashlib
import json
import os
from collections.abc import Mapping
from dataclasses import dataclass
from typing import NamedTuple

from sqlalchemy import Connection, bindparam, case, desc, func, insert, select, true, update
from sqlalchemy.engine import Engine

from ..analysis.tracks import canonical_track
from ..catalog import SaturationRow
from ..errors import ConfigError, DramalensError, InputError
from .catalogs import CatalogListing, catalog_listing, saturation_rows
from .export import export_csv
from .intake import DEFAULT_INTAKE_LIMITS, IntakeLimits, Receipt, SubmissionMeta, submit, unpack_upload
from .jobs import QueueStats, queue_stats, run_tx
from .listing import EFFECTIVE, QueuePage, QueueQuery, effective_values, list_queue
from .models import REVIEW_STATUSES, batches, decisions, jobs, now, scores, submissions
from .pipeline import report_in
from .review import User, audit_log, decide, get_visible, list_notes, transitions
from .scoring import Weights, combine, load_weights, save_weights
from .worker import load_submission

__all__ = [
    "CATALOG_PAGE",
    "MAX_WEIGHT",
    "BULK_LIMIT",
    "Batch",
    "BulkOutcome",
    "BatchProgress",
    "QueueView",
    "SaturationView",
    "StoredScore",
    "SubmissionDetail",
    "SupplyRow",
    "bulk_decide",
    "catalog_page",
    "apply_current_weights",
    "current_weights",
    "desk_supply",
    "export",
    "queue_view",
    "next_submission",
    "receive_upload",
    "rescore",
    "report_html",
    "saturation_view",
    "submission_detail",
    "update_weights",
]

#: Works on one page of the catalog browser.
CATALOG_PAGE = 50
#: The largest weight an admin may save (weights are relative; a huge one only hides the others).
MAX_WEIGHT = 1000.0
#: Tracks listed in the desk's own supply table.
SUPPLY_ROWS = 50

JsonObject = dict[str, object]


@dataclass(frozen=True, slots=True)
class Batch:
    """A batch of submissions as the queue page shows its progress."""

    id: int
    name: str
    desk_id: int
    submitted_by: str
    created_at: float
    total: int


class BatchProgress(NamedTuple):
    """A batch and the state of its jobs (a pair: the queue page unpacks it)."""

    batch: Batch
    stats: QueueStats


@dataclass(frozen=True, slots=True)
class QueueView:
    """One page of the queue and the progress of the batch it shows (or the latest batch)."""

    page: QueuePage
    progress: BatchProgress | None

    def to_dict(self) -> JsonObject:
        """The API's JSON: the page, and ``progress`` with the batch id beside the counts."""
        out = self.page.to_dict()
        out["progress"] = None if self.progress is None else {"batch_id": self.progress.batch.id,
                                                              **self.progress.stats.to_dict()}
        return out


@dataclass(frozen=True, slots=True)
class StoredScore:
    """A submission's stored score; ``weights``, ``evidence`` and ``similar`` as stored (JSON)."""

    total: float
    originality: float | None
    craft: float
    risk: float
    weights: object
    evidence: object
    similar: object

    def to_dict(self) -> JsonObject:
        return {"total": self.total, "originality": self.originality, "craft": self.craft, "risk": self.risk,
                "weights": self.weights, "evidence": self.evidence, "similar": self.similar}


@dataclass(frozen=True, slots=True)
class SubmissionDetail:
    """Everything the submission page and ``GET /api/submissions/{id}`` show about one script.

    ``submission`` is its row without the script's bytes; ``effective`` is declared-or-detected
    track, format and episodes; ``analysis`` the stored analysis JSON (when asked for and scored).
    """

    submission: Mapping[str, object]
    effective: dict[str, tuple[object, bool]]
    score: StoredScore | None
    analysis: object
    job: JsonObject | None
    audit: list[JsonObject]
    notes: list[JsonObject]
    choices: tuple[str, ...]

    def to_dict(self) -> JsonObject:
        """The API's JSON of the submission (``analysis`` only once it is scored)."""
        data: JsonObject = dict(self.submission)
        data["effective"] = {name: {"value": value, "detected": detected} for name, (value, detected) in self.effective.items()}
        data["job"] = self.job
        data["score"] = None if self.score is None else self.score.to_dict()
        if self.score is not None:
            data["analysis"] = self.analysis
        data["audit"] = self.audit
        data["notes"] = self.notes
        return data


@dataclass(frozen=True, slots=True)
class SupplyRow:
    """The desk's own supply of one (effective) track: scripts received, signed, mean score."""

    effective_track: str
    n: int
    signed: int
    score: float | None


def submission_detail(engine: Engine, submission_id: int, user: User, *, with_analysis: bool = False) -> SubmissionDetail:
    """The submission ``user`` asked for (NotFoundError across a desk wall), with its score,
    job, audit log and notes; ``with_analysis`` also decodes the stored analysis.

    >>> # submission_detail(engine, 7, reviewer).score.total
    """
    with engine.connect() as conn:
        row = get_visible(conn, submission_id, user)
        result = conn.execute(select(scores).where(scores.c.submission_id == submission_id)).first()
        job = conn.execute(select(jobs.c.status, jobs.c.attempts, jobs.c.error)
                           .where(jobs.c.submission_id == submission_id)).first()
        audit = audit_log(conn, submission_id)
        notes = list_notes(conn, submission_id)
    stored = None
    if result is not None:
        stored = StoredScore(result.total, result.originality, result.craft, result.risk, json.loads(result.weights),
                             json.loads(result.evidence), json.loads(result.similar))
    return SubmissionDetail(
        submission={k: v for k, v in row._mapping.items() if k != "content"},
        effective=effective_values(row),
        score=stored,
        analysis=json.loads(result.analysis) if result is not None and with_analysis else None,
        job=None if job is None else dict(job._mapping),
        audit=audit,
        notes=notes,
        choices=transitions(row.status, user),
    )


def report_html(engine: Engine, submission_id: int, user: User, lang: str | None = None) -> str:
    """The HTML report of a submission ``user`` may see, in ``lang`` (None: as stored, in the
    script's language); InputError while not analysed.

    >>> # report_html(engine, 7, reviewer, "en").startswith("<!DOCTYPE html>")
    """
    with engine.connect() as conn:
        get_visible(conn, submission_id, user)
        row = conn.execute(select(scores.c.report_html).where(scores.c.submission_id == submission_id)).first()
    if row is None:
        raise InputError(f"submission {submission_id} is not analysed yet", hint="wait for the queue to reach it",
                         key="err.not_analysed", params=(("id", submission_id),))
    stored = str(row.report_html)
    if lang is None or f'<html lang="{lang}' in stored[:200]:
        return stored
    return _report_in(engine, submission_id, hashlib.sha256(stored.encode("utf-8")).hexdigest(), lang)


@functools.lru_cache(maxsize=32)
def _report_in(engine: Engine, submission_id: int, stored_digest: str, lang: str) -> str:
    # Keyed by the stored report's digest: a re-analysis (new version, new rules) misses the cache.
    return report_in(load_submission(engine, submission_id), lang)


def batch_progress(conn: Connection, user: User, batch_id: int | None) -> BatchProgress | None:
    """Batch ``batch_id``, else the batch the workers are on (the oldest of ``user``'s batches with
    work left: the queue is served oldest first), else the latest; None when there is none.

    >>> # batch_progress(conn, reviewer, None).stats.done
    """
    q = select(batches)
    if not user.is_admin:
        q = q.where(batches.c.desk_id == user.desk_id)
    if batch_id is not None:
        row = conn.execute(q.where(batches.c.id == batch_id)).first()
    else:
        busy = (select(submissions.c.batch_id).join(jobs, jobs.c.submission_id == submissions.c.id)
                .where(jobs.c.status.in_(("queued", "running"))))
        if not user.is_admin:
            busy = busy.where(submissions.c.desk_id == user.desk_id)
        first_busy = busy.order_by(submissions.c.batch_id).limit(1).scalar_subquery()
        row = (conn.execute(q.where(batches.c.id == first_busy)).first()
               or conn.execute(q.order_by(desc(batches.c.id)).limit(1)).first())
    if row is None:
        return None
    batch = Batch(row.id, row.name, row.desk_id, row.submitted_by, row.created_at, row.total)
    return BatchProgress(batch, queue_stats(conn, batch_id=row.id))


def queue_view(engine: Engine, user: User, query: QueueQuery = QueueQuery(),
               weights_file: str | os.PathLike[str] | None = None) -> QueueView:
    """The page of the queue ``user`` asked for and the progress of its batch (or their latest),
    ranked under the weights in force now (:func:`apply_current_weights`).

    >>> # queue_view(engine, reviewer, QueueQuery(track="都市")).page.total
    """
    apply_current_weights(engine, weights_file)
    with engine.connect() as conn:
        # Progress first: on PostgreSQL each statement sees the rows committed when it starts, so
        # a page read after the counts shows at least every script they count as done (read the
        # other way, a script finishing in between was counted done and listed unscored).
        progress = batch_progress(conn, user, query.batch)
        return QueueView(list_queue(conn, user, query), progress)


def apply_current_weights(engine: Engine, weights_file: str | os.PathLike[str] | None = None) -> int:
    """Recombine the stored scores when the weights in force (the settings row, else
    ``weights_file``, else the defaults) are not those they were combined with, so the queue is
    ranked under today's weights whichever way they changed: on /settings (which re-scores at
    once), or in the TOML file, which nothing else notices. Only the totals are recomputed, from
    the stored sub-scores: no script is analysed again. Returns how many totals changed.

    >>> # apply_current_weights(engine, "triage.toml")
    """
    with engine.connect() as conn:
        weights = load_weights(conn, path=weights_file)
        stale = conn.execute(select(scores.c.submission_id).where(scores.c.weights != json.dumps(weights.to_dict())).limit(1)).first()
    if stale is None:  # the usual case: one probe that finds nothing
        return 0
    return run_tx(engine, lambda conn: rescore(conn, load_weights(conn, path=weights_file)))


def desk_supply(engine: Engine, user: User) -> tuple[SupplyRow, ...]:
    """What arrives on ``user``'s desk (every desk for admins) and what gets signed, by track.

    Grouped by the effective track (declared, else detected): most senders declare none.

    >>> # desk_supply(engine, reviewer)[0].effective_track
    """
    visible = true() if user.is_admin else submissions.c.desk_id == user.desk_id
    track = EFFECTIVE["track"].label("effective_track")
    q = (select(track, func.count().label("n"),
                func.sum(case((submissions.c.status == "signed", 1), else_=0)).label("signed"),
                func.avg(submissions.c.score).label("score"))
         .where(visible).group_by(track).order_by(func.count().desc(), track).limit(4 * SUPPLY_ROWS))
    with engine.connect() as conn:
        found = conn.execute(q).all()
    # Spellings of one track (家庭 from a Chinese script, family from an English one) are one row.
    merged: dict[str, list[float]] = {}
    for r in found:
        n, signed, mean = int(r.n), int(r.signed or 0), r.score
        row = merged.setdefault(canonical_track(r.effective_track), [0, 0, 0.0, 0])
        row[0] += n
        row[1] += signed
        if mean is not None:
            row[2] += float(mean) * n
            row[3] += n
    rows = [SupplyRow(t, int(v[0]), int(v[1]), v[2] / v[3] if v[3] else None) for t, v in merged.items()]
    return tuple(sorted(rows, key=lambda r: (-r.n, r.effective_track))[:SUPPLY_ROWS])


@dataclass(frozen=True, slots=True)
class SaturationView:
    """The saturation page: the desk's own supply beside the catalog's saturation rows (None
    when there is no catalog)."""

    supply: tuple[SupplyRow, ...]
    rows: tuple[SaturationRow, ...] | None


def saturation_view(engine: Engine, db_url: str | None, user: User) -> SaturationView:
    """What arrives on ``user``'s desk and what gets signed, beside the catalog's saturation.

    >>> # saturation_view(engine, db_url, reviewer).rows[0].status
    """
    return SaturationView(desk_supply(engine, user), saturation_rows(db_url))


def catalog_page(db_url: str | None, page: int, q: str = "") -> CatalogListing | None:
    """Page ``page`` (from 1) of the catalog browser, of the works matching ``q`` when given
    (title, synopsis or track); None when there is no catalog.

    >>> catalog_page("sqlite://", 1)
    CatalogListing(works=[], total=0)
    """
    return catalog_listing(db_url, limit=CATALOG_PAGE, offset=(max(1, page) - 1) * CATALOG_PAGE, q=q)


def current_weights(engine: Engine, weights_file: str | os.PathLike[str] | None = None) -> Weights:
    """The score weights in force (the settings row, else ``weights_file``, else the defaults).

    >>> # current_weights(engine).originality
    """
    with engine.connect() as conn:
        return load_weights(conn, path=weights_file)


def update_weights(engine: Engine, user: User, weights: Weights) -> None:
    """Store new score weights and audit the change (a decision row without a submission).

    Only admins reach this: the web layer checks.

    >>> # update_weights(engine, admin, Weights(0.5, 0.4, 0.1))
    """

    for name, value in weights.to_dict().items():
        if value > MAX_WEIGHT:
            raise InputError(f"weight {name} must be between 0 and {MAX_WEIGHT:,}, got {value:g}", key="err.weight_range",
                             params=(("name_key", name), ("max", MAX_WEIGHT), ("value", value)),
                             hint="weights are relative: 0.45 / 0.40 / 0.15 and 45 / 40 / 15 rank alike")

    def work(conn: Connection) -> None:
        save_weights(conn, weights)
        rescore(conn, weights)
        conn.execute(insert(decisions).values(submission_id=None, user_id=user.id, user_name=user.name,
                                              action="settings", outcome="applied",
                                              detail=json.dumps(weights.to_dict()), at=now()))

    run_tx(engine, work)


def rescore(conn: Connection, weights: Weights) -> int:
    """Recombine every stored score under ``weights`` (inside the caller's transaction): the
    sub-scores stay, the totals and the queue's order follow the new weights at once. Returns
    how many scores changed.

    >>> # rescore(conn, Weights(0.2, 0.6, 0.2))
    """
    rows = conn.execute(select(scores.c.submission_id, scores.c.originality, scores.c.craft, scores.c.risk,
                               scores.c.total)).all()
    new = [{"sid": r.submission_id, "total": combine(r.originality, float(r.craft), float(r.risk), weights)} for r in rows]
    changed = [n for n, r in zip(new, rows) if n["total"] != r.total]
    if changed:  # one executemany per table: 10,000 scores re-score in well under a second
        conn.execute(update(scores).where(scores.c.submission_id == bindparam("sid")).values(total=bindparam("total")),
                     changed)
        conn.execute(update(submissions).where(submissions.c.id == bindparam("sid")).values(score=bindparam("total")),
                     changed)
    conn.execute(update(scores).values(weights=json.dumps(weights.to_dict())))
    return len(changed)


@dataclass(frozen=True, slots=True)
class BulkOutcome:
    """What a bulk decision did: the ids decided, and the ones refused with the reason."""

    applied: tuple[int, ...]
    refused: tuple[tuple[int, str], ...]


#: The most submissions one bulk decision may name.
BULK_LIMIT = 200


def bulk_decide(engine: Engine, user: User, ids: list[int], status: str, note: str = "") -> BulkOutcome:
    """Move each of ``ids`` to ``status`` at its current version; each one is audited like a
    single decision, and one refused (another desk, a transition not allowed, a race) does not
    stop the others.

    >>> # bulk_decide(engine, reviewer, [3, 4, 9], "passed").applied
    """
    if not 1 <= len(ids) <= BULK_LIMIT:
        raise InputError(f"a bulk decision names 1 to {BULK_LIMIT} submissions, got {len(ids)}", key="err.bulk_count",
                         params=(("limit", BULK_LIMIT), ("n", len(ids))),
                         hint="tick the scripts to decide in the queue")
    if status not in REVIEW_STATUSES:
        raise ConfigError(f"unknown status {status[:40]!r}; allowed: {', '.join(REVIEW_STATUSES)}", key="err.unknown_status",
                          params=(("status", status[:40]), ("allowed", ", ".join(REVIEW_STATUSES))))
    applied: list[int] = []
    refused: list[tuple[int, str]] = []
    for sid in dict.fromkeys(ids):
        try:
            with engine.connect() as conn:
                version = int(get_visible(conn, sid, user).version)
            decide(engine, sid, user, status, version, note)
            applied.append(sid)
        except DramalensError as exc:
            refused.append((sid, exc.message))
    return BulkOutcome(tuple(applied), tuple(refused))


def next_submission(engine: Engine, user: User, after: int | None = None) -> int | None:
    """The next script to read on ``user``'s desk: the best-scored analysed one still ``new``,
    assigned to ``user`` or to no one, other than ``after``; None when the desk is read.

    >>> # next_submission(engine, reviewer, after=7)
    """
    q = (select(submissions.c.id).where(submissions.c.status == "new", submissions.c.analysis_state == "done",
                                        (submissions.c.assignee_id == user.id) | submissions.c.assignee_id.is_(None))
         .order_by(submissions.c.score.desc().nulls_last(), submissions.c.id).limit(1))
    if not user.is_admin:
        q = q.where(submissions.c.desk_id == user.desk_id)
    if after is not None:
        q = q.where(submissions.c.id != after)
    with engine.connect() as conn:
        found = conn.execute(q).scalar()
    return None if found is None else int(found)


def receive_upload(engine: Engine, filename: str, data: bytes, meta: SubmissionMeta, user: User, *,
                   limits: IntakeLimits = DEFAULT_INTAKE_LIMITS) -> Receipt:
    """One upload (a script or a .zip batch) checked, recorded on ``user``'s desk and queued.

    >>> # receive_upload(engine, "batch.zip", data, SubmissionMeta(track="都市"), reviewer).batch_id
    """
    files, skipped = unpack_upload(filename, data, limits)
    if user.desk_id is None:
        raise InputError(f"user {user.name} belongs to no desk", hint="add the user to a desk before uploading",
                         key="err.no_desk", params=(("name", user.name),))
    return submit(engine, files, meta, desk_id=user.desk_id, by=user.name, batch_name=filename, skipped=skipped)


def export(engine: Engine, user: User, kind: str = "queue") -> str:
    """The CSV text of the queue or of the decisions ``user`` may see (see :mod:`.export`).

    >>> # export(engine, admin, "decisions").splitlines()[0]
    """
    with engine.connect() as conn:
        return export_csv(conn, user, kind=kind)
