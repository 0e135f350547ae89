"""The desk's workflow beyond a single decision: due dates, note templates per desk, assigning
to the desk's reviewers, per-file metadata after an upload, and the two screens that gather
them (the queue and a submission's review page).

Every function checks the desk wall through :func:`~.review.get_visible` (another desk's
submission is "not found") and returns typed records; the web layer only parses and renders.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime

from sqlalchemy import Connection, delete, insert, select, update
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError

from ..errors import ConfigError, InputError, NotFoundError, PermissionDenied
from ..text.language import LANGUAGES
from .desk import BulkOutcome, QueueView, SubmissionDetail, bulk_decide, current_weights, queue_view, submission_detail
from .intake import SubmissionMeta
from .jobs import run_tx
from .listing import QueueQuery
from .models import MAX_DB_INT, decisions, desks, note_templates, now, scores, submissions, users
from .result import NEEDS_HUMAN
from .review import FINAL, User, decide, get_visible
from .scoring import Weights

__all__ = [
    "DAY",
    "DECLARABLE_LANGUAGES",
    "MAX_TEMPLATES",
    "MemberMeta",
    "NoteTemplate",
    "QueueScreen",
    "ReadableEvidence",
    "ReviewPage",
    "SettingsScreen",
    "add_template",
    "bulk_decide_with_template",
    "day_text",
    "decide_with_template",
    "delete_template",
    "desk_reviewers",
    "due_from_text",
    "list_templates",
    "queue_screen",
    "readable_evidence",
    "review_page",
    "set_due",
    "settings_screen",
    "similar_above",
    "report_body",
    "today_start",
    "update_member_meta",
]

DAY = 86_400.0
#: Templates one desk may keep (a menu, not an archive).
MAX_TEMPLATES = 50
#: Members one per-file metadata form may change (a zip holds at most a few hundred scripts).
MAX_MEMBERS = 1000


# ----------------------------------------------------------------------------- due dates
def due_from_text(text: str) -> float | None:
    """The start (UTC) of the day ``YYYY-MM-DD`` names, as epoch seconds; None for an empty field.

    >>> due_from_text("2027-01-31"), due_from_text(" ")
    (1801353600.0, None)
    """
    text = text.strip()
    if not text:
        return None
    try:
        day = date.fromisoformat(text[:10]) if len(text) == 10 else None
    except ValueError:
        day = None
    if day is None or not 2000 <= day.year <= 2100:
        raise ConfigError(f"a due date is a day between 2000-01-01 and 2100-12-31 written YYYY-MM-DD, got {text[:40]!r}",
                          key="err.due_date", params=(("got", text[:40]),))
    return datetime(day.year, day.month, day.day, tzinfo=UTC).timestamp()


def day_text(at: float) -> str:
    """The UTC day of epoch seconds ``at``, as ``YYYY-MM-DD``.

    >>> day_text(1801353600.0)
    '2027-01-31'
    """
    return datetime.fromtimestamp(at, UTC).date().isoformat()


def today_start(at: float | None = None) -> float:
    """The start (UTC) of the day holding ``at`` (default: now): a due day is overdue once it is
    before this."""
    t = now() if at is None else at
    return t - t % DAY


def set_due(engine: Engine, submission_id: int, user: User, due_at: float | None) -> None:
    """Set (or clear, with None) when the read of ``submission_id`` is due; audited."""

    def work(conn: Connection) -> None:
        get_visible(conn, submission_id, user)
        conn.execute(update(submissions).where(submissions.c.id == submission_id).values(due_at=due_at))
        conn.execute(insert(decisions).values(submission_id=submission_id, user_id=user.id, user_name=user.name,
                                              action="due", outcome="applied",
                                              detail=day_text(due_at) if due_at is not None else "", at=now()))

    run_tx(engine, work)


# ------------------------------------------------------------------------ note templates
@dataclass(frozen=True, slots=True)
class NoteTemplate:
    """A note a desk keeps ready: its name in the menu and the text it puts in the decision."""

    id: int
    desk_id: int
    desk: str
    name: str
    text: str


def _templates(conn: Connection, desk_id: int | None) -> tuple[NoteTemplate, ...]:
    q = (select(note_templates, desks.c.name.label("desk")).join(desks, desks.c.id == note_templates.c.desk_id)
         .order_by(desks.c.name, note_templates.c.name))
    if desk_id is not None:
        q = q.where(note_templates.c.desk_id == desk_id)
    return tuple(NoteTemplate(r.id, r.desk_id, r.desk, r.name, r.text) for r in conn.execute(q))


def list_templates(engine: Engine, user: User) -> tuple[NoteTemplate, ...]:
    """The templates ``user`` may pick from: their desk's (every desk's for an admin)."""
    with engine.connect() as conn:
        if user.is_admin:
            return _templates(conn, None)
        return _templates(conn, user.desk_id) if user.desk_id is not None else ()


def add_template(engine: Engine, user: User, desk_name: str, name: str, text: str) -> NoteTemplate:
    """A new template on desk ``desk_name`` (admins only); a name already on that desk is refused."""
    if not user.is_admin:
        raise PermissionDenied("only admins may define note templates", key="err.admins_templates")
    name, text, desk_name = name.strip(), text.strip(), desk_name.strip()
    if not 1 <= len(name) <= 100 or not 1 <= len(text) <= 10_000:
        raise ConfigError("a template needs a name of 1-100 characters and a text of 1-10,000", key="err.template_lengths")

    def work(conn: Connection) -> NoteTemplate:
        desk_id = conn.execute(select(desks.c.id).where(desks.c.name == desk_name[:100])).scalar()
        if desk_id is None:
            raise ConfigError(f"no desk {desk_name[:100]!r}", hint="pick one of the desks listed", key="err.no_desk_named",
                              params=(("desk", desk_name[:100]),))
        if len(_templates(conn, int(desk_id))) >= MAX_TEMPLATES:
            raise InputError(f"a desk keeps at most {MAX_TEMPLATES} templates", hint="delete one first", key="err.too_many_templates",
                             params=(("max", MAX_TEMPLATES),))
        tid = conn.execute(insert(note_templates).values(desk_id=desk_id, name=name, text=text, created_at=now())
                           .returning(note_templates.c.id)).scalar_one()
        return NoteTemplate(int(tid), int(desk_id), desk_name, name, text)

    try:
        return run_tx(engine, work)
    except IntegrityError:
        raise ConfigError(f"desk {desk_name[:100]!r} already has a template named {name!r}", key="err.template_exists",
                          params=(("desk", desk_name[:100]), ("name", name))) from None


def delete_template(engine: Engine, user: User, template_id: int) -> None:
    """Remove a template (admins only); decisions already made keep their notes."""
    if not user.is_admin:
        raise PermissionDenied("only admins may delete note templates", key="err.admins_delete_templates")
    if not 1 <= template_id <= MAX_DB_INT:  # past 64 bits the driver raises OverflowError
        raise NotFoundError(f"no note template {str(template_id)[:40]}", key="err.no_template", params=(("id", str(template_id)[:40]),))
    with engine.begin() as conn:
        if conn.execute(delete(note_templates).where(note_templates.c.id == template_id)).rowcount != 1:
            raise NotFoundError(f"no note template {template_id}", key="err.no_template", params=(("id", template_id),))


def _template_text(conn: Connection, user: User, template_id: int, desk_id: int) -> str:
    """The text of template ``template_id`` if it belongs to desk ``desk_id``; NotFoundError else
    (a template of another desk is not there for this script)."""
    if not 1 <= template_id <= MAX_DB_INT:
        raise NotFoundError(f"no note template {str(template_id)[:40]}", key="err.no_template", params=(("id", str(template_id)[:40]),))
    row = conn.execute(select(note_templates.c.text, note_templates.c.desk_id)
                       .where(note_templates.c.id == template_id)).first()
    if row is None or row.desk_id != desk_id or not user.can_see(row.desk_id):
        raise NotFoundError(f"no note template {template_id} on this desk", hint="pick one of the listed templates",
                            key="err.no_template_here", params=(("id", template_id),))
    return str(row.text)


def _with_template(template: str, note: str) -> str:
    return "\n\n".join(part for part in (template.strip(), note.strip()) if part)


def decide_with_template(engine: Engine, submission_id: int, user: User, status: str, version: int, note: str,
                         template_id: int | None) -> int:
    """:func:`~.review.decide`, the note being the picked template's text followed by ``note``."""
    if template_id is not None:
        with engine.connect() as conn:
            row = get_visible(conn, submission_id, user)
            note = _with_template(_template_text(conn, user, template_id, int(row.desk_id)), note)
    return decide(engine, submission_id, user, status, version, note[:10_000])


def bulk_decide_with_template(engine: Engine, user: User, ids: list[int], status: str,
                              template_id: int | None) -> BulkOutcome:
    """:func:`~.desk.bulk_decide` with the picked template (of ``user``'s desk) as every note."""
    note = ""
    if template_id is not None:
        with engine.connect() as conn:
            row = conn.execute(select(note_templates.c.desk_id).where(note_templates.c.id == template_id)).first()
            desk_id = user.desk_id if not user.is_admin or row is None else int(row.desk_id)
            note = _template_text(conn, user, template_id, desk_id if desk_id is not None else -1)
    return bulk_decide(engine, user, ids, status, note)


@dataclass(frozen=True, slots=True)
class SettingsScreen:
    """The admins' settings page: the score weights in force, every desk's note templates, and
    the desks a template may be put on."""

    weights: Weights
    templates: tuple[NoteTemplate, ...]
    desks: tuple[str, ...]


def settings_screen(engine: Engine, user: User, weights_file: str | os.PathLike[str] | None = None) -> SettingsScreen:
    """What the settings page shows ``user`` (an admin: the web layer checks)."""
    with engine.connect() as conn:
        names = tuple(str(n) for n in conn.execute(select(desks.c.name).order_by(desks.c.name)).scalars())
    return SettingsScreen(current_weights(engine, weights_file), list_templates(engine, user), names)


# ---------------------------------------------------------------------------- assignment
def desk_reviewers(conn: Connection, desk_id: int) -> tuple[str, ...]:
    """The names of the users on desk ``desk_id`` (the people a script there may go to)."""
    return tuple(str(n) for n in conn.execute(select(users.c.name).where(users.c.desk_id == desk_id)
                                              .order_by(users.c.name)).scalars())


# --------------------------------------------------------------------- per-file metadata
#: Languages a file may be declared in (those the identifier knows, less "undetermined").
DECLARABLE_LANGUAGES = tuple(sorted(LANGUAGES - {"und"}, key=lambda c: (c not in ("zh", "en"), c)))


@dataclass(frozen=True, slots=True)
class MemberMeta:
    """One row of the receipt's per-file table: what the sender declares for that file, and
    its language ('' leaves it to the pipeline's identification).

    >>> MemberMeta(SubmissionMeta(title="甲"), "ja").language
    'ja'
    """

    meta: SubmissionMeta
    language: str = ""

    def __post_init__(self) -> None:
        if self.language and self.language not in DECLARABLE_LANGUAGES:
            raise ConfigError(f"language must be one of {', '.join(DECLARABLE_LANGUAGES)} (or empty), "
                              f"got {self.language[:20]!r}", key="err.bad_choice",
                              params=(("name_key", "language"), ("allowed", ", ".join(DECLARABLE_LANGUAGES)), ("got", self.language[:20])))


def update_member_meta(engine: Engine, user: User, batch_id: int, items: Mapping[int, MemberMeta]) -> int:
    """Set each submission's declared title, format, episodes, track and language from the
    receipt's per-file table. Every id must be in batch ``batch_id`` on a desk ``user`` sees
    (else NotFoundError, nothing changed); an empty title keeps the current one, an empty
    language the identified one. Returns how many submissions changed."""
    if not 1 <= len(items) <= MAX_MEMBERS:
        raise InputError(f"the per-file table names 1 to {MAX_MEMBERS} files, got {len(items)}", key="err.members_count",
                         params=(("max", MAX_MEMBERS), ("n", len(items))))

    def work(conn: Connection) -> int:
        changed = 0
        for sid, member in items.items():
            row = get_visible(conn, sid, user)
            if row.batch_id != batch_id:
                raise NotFoundError(f"no submission {sid} in batch {batch_id}", hint="reload the receipt", key="err.not_in_batch",
                                    params=(("id", sid), ("batch", batch_id)))
            meta = member.meta
            values: dict[str, object] = {"format": meta.format, "episodes": meta.episodes, "track": meta.track,
                                         "declared_language": member.language}
            if meta.title:
                values["title"] = meta.title
            if member.language:  # the queue's language filter reads this column
                values["language"] = member.language
            if any(row._mapping[k] != v for k, v in values.items()):
                conn.execute(update(submissions).where(submissions.c.id == sid).values(**values, updated_at=now()))
                conn.execute(insert(decisions).values(submission_id=sid, user_id=user.id, user_name=user.name,
                                                      action="meta", outcome="applied",
                                                      detail=json.dumps(values, ensure_ascii=False), at=now()))
                changed += 1
        return changed

    return run_tx(engine, work)


# -------------------------------------------------------------------- readable evidence
_RULE = re.compile(r"^(?P<rule>[a-z][a-z0-9_]*(?:\.[a-z0-9_-]+)+) \((?P<sev>[a-z]+)\): (?P<rest>.*)$", re.S)


@dataclass(frozen=True, slots=True)
class ReadableEvidence:
    """One piece of stored evidence as a page shows it. A compliance flag keeps its rule id in
    ``rule`` (the page shows the rule's label from the message catalogue, never the id),
    ``severity`` and ``words`` (the id made readable, for rules the catalogue does not know);
    ``text`` is then what matched, without the rule's English sentence."""

    criterion: str
    text: str
    episode: int | None = None
    line: int | None = None
    rule: str = ""
    severity: str = ""
    words: str = ""
    work: str = ""  # the catalog work the evidence names (a near-copy gate): its similar-work page
    key: str = ""  # the message catalogue's key and fields, to say it in the reader's language
    params: tuple[tuple[str, object], ...] = ()


def readable_evidence(stored: object) -> tuple[ReadableEvidence, ...]:
    """The stored evidence JSON (a list of ``{"criterion", "text", "episode", "line"}``) with
    each compliance flag split into rule, severity and what matched.

    >>> e = readable_evidence([{"criterion": "risk", "text": "title.vulgar_sensational (medium): Titles should not…: 震惊"}])[0]
    >>> e.rule, e.severity, e.text, e.words
    ('title.vulgar_sensational', 'medium', '震惊', 'vulgar sensational')
    """
    out = []
    for item in stored if isinstance(stored, list) else []:
        if not isinstance(item, dict):
            continue
        text = str(item.get("text") or "")
        episode, line, work = item.get("episode"), item.get("line"), item.get("work")
        key, params = item.get("key"), item.get("params")
        pairs = tuple(params.items()) if isinstance(params, dict) else tuple(
            (str(p[0]), p[1]) for p in params if isinstance(p, list | tuple) and len(p) == 2) if isinstance(params, list) else ()
        ev = ReadableEvidence(str(item.get("criterion") or ""), text, episode if isinstance(episode, int) else None,
                              line if isinstance(line, int) else None, work=work if isinstance(work, str) else "",
                              key=key if isinstance(key, str) else "", params=pairs)
        found = _RULE.match(text) if ev.criterion == "risk" else None
        if found is not None:
            _, _, matched = found["rest"].partition(": ")
            ev = ReadableEvidence(ev.criterion, matched.strip() or found["rest"], ev.episode, ev.line, found["rule"],
                                  found["sev"], found["rule"].split(".", 1)[1].replace("_", " ").replace(".", " "), ev.work,
                                  ev.key, ev.params)
        out.append(ev)
    return tuple(out)


# ------------------------------------------------------------------------------ screens
@dataclass(frozen=True, slots=True)
class QueueScreen:
    """The queue page: the page of the queue, the languages the desk holds (for the filter),
    the read-quality reasons of the rows that need a human read, each row's due day with
    whether it is overdue, and the note templates a bulk decision may use."""

    view: QueueView
    languages: tuple[str, ...]
    reasons: dict[int, tuple[ReadableEvidence, ...]]  # a needs-human row's read-quality reasons, with their keys
    due: dict[int, tuple[str, bool]]
    templates: tuple[NoteTemplate, ...] = ()


def queue_screen(engine: Engine, user: User, query: QueueQuery = QueueQuery(),
                 weights_file: str | os.PathLike[str] | None = None, *, at: float | None = None) -> QueueScreen:
    """:func:`~.desk.queue_view` (ranked under the weights in force) and what the queue page
    shows beside it."""
    view = queue_view(engine, user, query, weights_file)
    rows = view.page.rows
    unread = [int(str(r["id"])) for r in rows if r.get("analysis_state") == NEEDS_HUMAN]
    langs = select(submissions.c.language).distinct().where(submissions.c.language != "")
    if not user.is_admin:
        langs = langs.where(submissions.c.desk_id == user.desk_id)
    with engine.connect() as conn:
        languages = tuple(sorted(str(x) for x in conn.execute(langs).scalars()))
        found = conn.execute(select(scores.c.submission_id, scores.c.evidence)
                             .where(scores.c.submission_id.in_(unread))).all() if unread else []
    reasons = {int(r.submission_id): tuple(e for e in readable_evidence(json.loads(r.evidence))
                                           if e.criterion == "read_quality")[:3] for r in found}
    today = today_start(at)
    due = {int(str(r["id"])): (day_text(float(str(r["due_at"]))), float(str(r["due_at"])) < today and r["status"] not in FINAL)
           for r in rows if r.get("due_at") is not None}
    return QueueScreen(view, languages, reasons, due, list_templates(engine, user))


@dataclass(frozen=True, slots=True)
class ReviewPage:
    """A submission's review page: its detail, the evidence made readable, the similar works
    above the desk's threshold, the reviewers it may go to, the note templates to pick from, its
    due day (and whether overdue), the analysis report's body to show in the page, and who it is
    assigned to."""

    detail: SubmissionDetail
    evidence: tuple[ReadableEvidence, ...]
    similar: tuple[Mapping[str, object], ...]
    reviewers: tuple[str, ...]
    templates: tuple[NoteTemplate, ...]
    due: str
    overdue: bool
    report: str
    assignee: str = ""


_BODY = re.compile(r"<main>(?P<body>.*)</main>", re.S)


def report_body(html: str) -> str:
    """The inside of a stored report's ``<main>``, to show in the review page itself. The report
    is the project's own page (all script text escaped, no script); anything that looks like
    markup able to act (a script, a frame, an event handler) leaves the body out, and the page
    then links to the sandboxed report instead.

    >>> report_body("<html><body><main><section>ok</section></main></body></html>")
    '<section>ok</section>'
    >>> report_body("<main><script>alert(1)</script></main>")
    ''
    """
    found = _BODY.search(html)
    if found is None:
        return ""
    body = found["body"]
    if re.search(r"<\s*(script|iframe|object|embed|form|link|meta|base)\b|\son[a-z]+\s*=|javascript:", body, re.I):
        return ""
    # One h1 a page: the report's title becomes a heading under the review page's.
    return body.replace("<h1>", '<h2 class="report-title">').replace("</h1>", "</h2>")


def similar_above(stored: object, threshold: float) -> tuple[Mapping[str, object], ...]:
    """The stored similar works scoring at least ``threshold``, best first.

    >>> [w["title"] for w in similar_above([{"title": "a", "score": 0.14}, {"title": "b", "score": 0.8}], 0.3)]
    ['b']
    """
    works = [w for w in (stored if isinstance(stored, list) else []) if isinstance(w, dict)]
    kept = [w for w in works if isinstance(w.get("score"), int | float) and float(w["score"]) >= threshold]
    return tuple(sorted(kept, key=lambda w: -float(w["score"])))


def review_page(engine: Engine, submission_id: int, user: User, *, similar_threshold: float = 0.0,
                at: float | None = None) -> ReviewPage:
    """Everything the review page of ``submission_id`` shows (NotFoundError across a desk wall)."""
    detail = submission_detail(engine, submission_id, user)
    desk_id = int(str(detail.submission["desk_id"]))
    with engine.connect() as conn:
        reviewers = desk_reviewers(conn, desk_id)
        templates = _templates(conn, desk_id)
        html = conn.execute(select(scores.c.report_html).where(scores.c.submission_id == submission_id)).scalar()
        assignee = conn.execute(select(users.c.name).where(users.c.id == detail.submission["assignee_id"])).scalar()
    score = detail.score
    due_at = detail.submission.get("due_at")
    due = day_text(float(str(due_at))) if due_at is not None else ""
    overdue = due_at is not None and float(str(due_at)) < today_start(at) and detail.submission["status"] not in FINAL
    return ReviewPage(detail, readable_evidence(score.evidence) if score else (),
                      similar_above(score.similar, similar_threshold) if score else (), reviewers, templates, due,
                      overdue, report_body(str(html)) if html else "", str(assignee or ""))

