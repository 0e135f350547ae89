"""The reviewer's pages: the queue, a script's report, decisions, notes, upload, CSV export."""

from __future__ import annotations

import json

from fastapi import APIRouter, Depends, File, Form, Request, UploadFile
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy import desc, select

from ..errors import ConfigError, InputError
from ..triage.export import export_csv
from ..triage.intake import SubmissionMeta, submit, unpack_upload
from ..triage.jobs import queue_stats
from ..triage.listing import QueueQuery, effective_values, list_queue
from ..triage.models import batches, scores
from ..triage.review import add_note, assign, audit_log, decide, get_visible, list_notes, transitions
from .deps import Viewer, check_form, render, state, viewer

router = APIRouter()


def _int_or_none(text: str | None, name: str) -> int | None:
    if text is None or str(text).strip() == "":
        return None
    try:
        return int(text)
    except ValueError:
        raise ConfigError(f"{name} must be a whole number, got {text!r}") from None


def _float_or_none(text: str | None, name: str) -> float | None:
    if text is None or str(text).strip() == "":
        return None
    try:
        return float(text)
    except ValueError:
        raise ConfigError(f"{name} must be a number, got {text!r}") from None


def queue_query(request: Request) -> QueueQuery:
    """A QueueQuery from the query string (shared by the page and the API)."""
    p = request.query_params
    return QueueQuery(
        format=p.get("format", ""), track=p.get("track", ""), trope=p.get("trope", ""), language=p.get("language", ""),
        status=p.get("status", ""), state=p.get("state", ""), min_score=_float_or_none(p.get("min_score"), "min_score"),
        q=p.get("q", ""), batch=_int_or_none(p.get("batch"), "batch"), sort=p.get("sort", "score"),
        direction=p.get("direction", "desc"), page=_int_or_none(p.get("page"), "page") or 1,
        per_page=_int_or_none(p.get("per_page"), "per_page") or 50,
    )


def batch_progress(conn, v_user, batch_id: int | None):
    """(batch row, QueueStats) for ``batch_id`` or the user's latest batch; None when none."""
    q = select(batches)
    if not v_user.is_admin:
        q = q.where(batches.c.desk_id == v_user.desk_id)
    q = q.where(batches.c.id == batch_id) if batch_id is not None else q.order_by(desc(batches.c.id)).limit(1)
    row = conn.execute(q).first()
    if row is None:
        return None
    return row, queue_stats(conn, batch_id=row.id)


@router.get("/queue")
def queue_page(request: Request, v: Viewer = Depends(viewer)):
    query = queue_query(request)
    with state(request).engine.connect() as conn:
        page = list_queue(conn, v.user, query)
        progress = batch_progress(conn, v.user, query.batch)
    params = {k: val for k, val in request.query_params.items() if k != "page"}
    return render(request, "queue.html", {"page": page, "query": query, "progress": progress, "params": params}, v=v)


@router.get("/submissions/{submission_id}")
def submission_page(request: Request, submission_id: int, v: Viewer = Depends(viewer)):
    with state(request).engine.connect() as conn:
        sub = get_visible(conn, submission_id, v.user)
        result = conn.execute(select(scores).where(scores.c.submission_id == submission_id)).first()
        log = audit_log(conn, submission_id)
        notes = list_notes(conn, submission_id)
    score = None
    if result is not None:
        score = {"total": result.total, "originality": result.originality, "craft": result.craft, "risk": result.risk,
                 "evidence": json.loads(result.evidence), "similar": json.loads(result.similar),
                 "weights": json.loads(result.weights)}
    return render(request, "submission.html", {"sub": sub, "score": score, "log": log, "notes": notes,
                                               "shown": effective_values(sub),
                                               "choices": transitions(sub.status, v.user)}, v=v)


@router.get("/submissions/{submission_id}/report")
def submission_report(request: Request, submission_id: int, v: Viewer = Depends(viewer)):
    with state(request).engine.connect() as conn:
        get_visible(conn, submission_id, v.user)
        row = conn.execute(select(scores.c.report_html).where(scores.c.submission_id == submission_id)).first()
    if row is None:
        raise InputError(f"submission {submission_id} is not analysed yet", hint="wait for the queue to reach it")
    response = HTMLResponse(row.report_html)
    # The report is another module's HTML: it runs sandboxed (no same-origin, no forms), so even
    # a flaw in it cannot act with the reviewer's session.
    response.headers["Content-Security-Policy"] = "sandbox allow-scripts; default-src 'none'; img-src data:; style-src 'unsafe-inline'; script-src 'unsafe-inline'"
    return response


@router.post("/submissions/{submission_id}/decision")
def decision(request: Request, submission_id: int, status: str = Form(...), version: int = Form(...),
             note: str = Form("", max_length=10_000), csrf_token: str = Form(""), v: Viewer = Depends(viewer)):
    check_form(v, csrf_token)
    decide(state(request).engine, submission_id, v.user, status, version, note)
    return RedirectResponse(f"/submissions/{submission_id}", status_code=303)


@router.post("/submissions/{submission_id}/notes")
def note(request: Request, submission_id: int, text: str = Form(..., max_length=10_000), csrf_token: str = Form(""),
         v: Viewer = Depends(viewer)):
    check_form(v, csrf_token)
    add_note(state(request).engine, submission_id, v.user, text)
    return RedirectResponse(f"/submissions/{submission_id}", status_code=303)


@router.post("/submissions/{submission_id}/assign")
def assign_page(request: Request, submission_id: int, assignee: str = Form("", max_length=100),
                csrf_token: str = Form(""), v: Viewer = Depends(viewer)):
    check_form(v, csrf_token)
    assign(state(request).engine, submission_id, v.user, assignee or v.user.name)
    return RedirectResponse(f"/submissions/{submission_id}", status_code=303)


@router.get("/upload")
def upload_page(request: Request, v: Viewer = Depends(viewer)):
    return render(request, "upload.html", {}, v=v)


async def read_upload(file: UploadFile, limit: int) -> bytes:
    """The upload's bytes, refused as soon as they pass ``limit`` (the header may lie)."""
    chunks, size = [], 0
    while True:
        chunk = await file.read(1024 * 1024)
        if not chunk:
            break
        size += len(chunk)
        if size > limit:
            raise InputError(f"the upload is over the limit of {limit:,} bytes", source=file.filename,
                             hint="split the batch into several zips")
        chunks.append(chunk)
    return b"".join(chunks)


def meta_from_form(title: str, format: str, episodes: str, track: str, synopsis: str, budget: str) -> SubmissionMeta:
    return SubmissionMeta(title=title.strip(), format=format, episodes=_int_or_none(episodes, "episodes"),
                          track=track.strip(), synopsis=synopsis.strip(), budget=_int_or_none(budget, "budget"))


@router.post("/upload")
async def upload(request: Request, file: UploadFile = File(...), title: str = Form("", max_length=300),
                 format: str = Form(""), episodes: str = Form(""), track: str = Form("", max_length=60),
                 synopsis: str = Form("", max_length=20_000), budget: str = Form(""), csrf_token: str = Form(""),
                 v: Viewer = Depends(viewer)):
    check_form(v, csrf_token)
    st = state(request)
    meta = meta_from_form(title, format, episodes, track, synopsis, budget)
    data = await read_upload(file, st.limits.max_upload_bytes)
    files, skipped = unpack_upload(file.filename or "", data, st.limits)
    receipt = submit(st.engine, files, meta, desk_id=v.user.desk_id, by=v.user.name, batch_name=file.filename or "",
                     skipped=skipped)
    return RedirectResponse(f"/queue?batch={receipt.batch_id}", status_code=303)


@router.get("/export.csv")
def export_page(request: Request, kind: str = "queue", v: Viewer = Depends(viewer)):
    with state(request).engine.connect() as conn:
        text = export_csv(conn, v.user, kind=kind)
    return Response(text.encode("utf-8-sig"), media_type="text/csv; charset=utf-8",
                    headers={"Content-Disposition": f'attachment; filename="dramalens-{kind}.csv"'})
