"""The JSON API under ``/api/`` (token auth: ``Authorization: Bearer dl_…``)."""

from __future__ import annotations

import json

from fastapi import APIRouter, Body, Depends, File, Form, Request, UploadFile
from fastapi.responses import JSONResponse, Response
from sqlalchemy import select

from ..errors import ConfigError, InputError
from ..triage.export import export_csv
from ..triage.intake import submit, unpack_upload
from ..triage.listing import effective_values, list_queue
from ..triage.models import jobs, scores
from ..triage.review import User, audit_log, decide, get_visible, list_notes
from .deps import api_user, state
from .routes_pages import batch_progress, meta_from_form, queue_query, read_upload

router = APIRouter(prefix="/api")


@router.post("/submissions")
async def api_submit(request: Request, file: UploadFile = File(...), title: str = Form("", max_length=300),
                     format: str = Form(""), episodes: str = Form(""), track: str = Form("", max_length=60),
                     synopsis: str = Form("", max_length=20_000), budget: str = Form(""), user: User = Depends(api_user)):
    st = state(request)
    meta = meta_from_form(title, format, episodes, track, synopsis, budget)
    data = await read_upload(file, st.limits.max_upload_bytes)
    files, skipped = unpack_upload(file.filename or "", data, st.limits)
    receipt = submit(st.engine, files, meta, desk_id=user.desk_id, by=user.name, batch_name=file.filename or "",
                     skipped=skipped)
    return JSONResponse(receipt.to_dict(), status_code=201)


@router.get("/submissions")
def api_list(request: Request, user: User = Depends(api_user)):
    query = queue_query(request)
    with state(request).engine.connect() as conn:
        page = list_queue(conn, user, query)
        progress = batch_progress(conn, user, query.batch)
    out = page.to_dict()
    out["progress"] = None if progress is None else {"batch_id": progress[0].id, **progress[1].to_dict()}
    return out


@router.get("/submissions/{submission_id}")
def api_get(request: Request, submission_id: int, user: User = Depends(api_user)):
    with state(request).engine.connect() as conn:
        sub = get_visible(conn, submission_id, user)
        result = conn.execute(select(scores).where(scores.c.submission_id == submission_id)).first()
        job = conn.execute(select(jobs.c.status, jobs.c.attempts, jobs.c.error).where(jobs.c.submission_id == submission_id)).first()
        log = audit_log(conn, submission_id)
        notes = list_notes(conn, submission_id)
    data = {k: v for k, v in sub._mapping.items() if k != "content"}
    data["effective"] = {name: {"value": value, "detected": detected} for name, (value, detected) in effective_values(sub).items()}
    data["job"] = None if job is None else dict(job._mapping)
    data["score"] = None
    if result is not None:
        data["score"] = {"total": result.total, "originality": result.originality, "craft": result.craft,
                         "risk": result.risk, "weights": json.loads(result.weights),
                         "evidence": json.loads(result.evidence), "similar": json.loads(result.similar)}
        data["analysis"] = json.loads(result.analysis)
    data["audit"] = log
    data["notes"] = notes
    return data


@router.post("/submissions/{submission_id}/decision")
def api_decide(request: Request, submission_id: int, body: dict = Body(...), user: User = Depends(api_user)):
    status = body.get("status")
    version = body.get("version")
    note = body.get("note", "")
    if not isinstance(status, str) or not isinstance(version, int) or isinstance(version, bool) or not isinstance(note, str):
        raise InputError('the body must be {"status": str, "version": int, "note": str (optional)}')
    new_version = decide(state(request).engine, submission_id, user, status, version, note)
    return {"id": submission_id, "status": status, "version": new_version}


@router.get("/export.csv")
def api_export(request: Request, kind: str = "queue", user: User = Depends(api_user)):
    if kind not in ("queue", "decisions"):
        raise ConfigError(f"kind must be queue or decisions, got {kind!r}")
    with state(request).engine.connect() as conn:
        text = export_csv(conn, user, kind=kind)
    return Response(text.encode("utf-8-sig"), media_type="text/csv; charset=utf-8",
                    headers={"Content-Disposition": f'attachment; filename="dramalens-{kind}.csv"'})
