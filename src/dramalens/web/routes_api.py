"""The JSON API under ``/api/`` (token auth: ``Authorization: Bearer dl_…``)."""

from __future__ import annotations

from fastapi import APIRouter, Body, Depends, File, Form, Request, UploadFile
from fastapi.responses import JSONResponse
from starlette.responses import Response

from ..errors import InputError
from ..triage import desk
from ..triage.review import User, decide
from .deps import api_user, state
from .forms import meta_from_form, queue_query, read_upload
from .routes_pages import csv_response

__all__ = ["router"]

router = APIRouter(prefix="/api")


@router.post("/submissions")
async def api_submit(request: Request, file: UploadFile = File(...), title: str = Form("", max_length=300),
                     format: str = Form(""), episodes: str = Form(""), track: str = Form("", max_length=60),
                     synopsis: str = Form("", max_length=20_000), budget: str = Form(""),
                     user: User = Depends(api_user)) -> Response:
    st = state(request)
    meta = meta_from_form(title, format, episodes, track, synopsis, budget)
    data = await read_upload(file, st.limits.max_upload_bytes)
    receipt = desk.receive_upload(st.engine, file.filename or "", data, meta, user, limits=st.limits)
    return JSONResponse(receipt.to_dict(), status_code=201 if receipt.submission_ids else 200)


@router.get("/submissions", response_model=None)
def api_list(request: Request, user: User = Depends(api_user)) -> dict[str, object]:
    return desk.queue_view(state(request).engine, user, queue_query(request), state(request).weights_file).to_dict()


@router.get("/submissions/{submission_id}", response_model=None)
def api_get(request: Request, submission_id: int, user: User = Depends(api_user)) -> dict[str, object]:
    return desk.submission_detail(state(request).engine, submission_id, user, with_analysis=True).to_dict()


@router.post("/submissions/{submission_id}/decision", response_model=None)
def api_decide(request: Request, submission_id: int, body: dict[str, object] = Body(...),
               user: User = Depends(api_user)) -> dict[str, object]:
    status = body.get("status")
    version = body.get("version")
    note = body.get("note", "")
    if not isinstance(status, str) or not isinstance(version, int) or isinstance(version, bool) or not isinstance(note, str):
        raise InputError('the body must be {"status": str, "version": int, "note": str (optional)}')
    new_version = decide(state(request).engine, submission_id, user, status, version, note)
    return {"id": submission_id, "status": status, "version": new_version}


@router.get("/export.csv")
def api_export(request: Request, kind: str = "queue", user: User = Depends(api_user)) -> Response:
    return csv_response(desk.export(state(request).engine, user, kind), kind)
