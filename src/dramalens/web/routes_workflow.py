"""The desk's workflow pages: due dates, the receipt's per-file table, a similar work's page,
and the admins' note templates."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import RedirectResponse
from starlette.responses import Response

from ..triage.likeness import similar_work
from ..triage.workflow import add_template, delete_template, due_from_text, set_due, update_member_meta
from .deps import Viewer, admin_viewer, check_form, render, state, viewer
from .forms import member_meta

__all__ = ["router"]

router = APIRouter()


@router.post("/submissions/{submission_id}/due")
def due_date(request: Request, submission_id: int, due: str = Form("", max_length=40), csrf_token: str = Form(""),
             v: Viewer = Depends(viewer)) -> Response:
    check_form(v, csrf_token)
    set_due(state(request).engine, submission_id, v.user, due_from_text(due))
    return RedirectResponse(f"/submissions/{submission_id}", status_code=303)


@router.get("/submissions/{submission_id}/similar")
def similar_page(request: Request, submission_id: int, work: str = "", v: Viewer = Depends(viewer)) -> Response:
    st = state(request)
    return render(request, "similar.html", {"view": similar_work(st.engine, st.db_url, submission_id, v.user, work[:200])}, v=v)


@router.post("/batches/{batch_id}/meta")
async def batch_meta(request: Request, batch_id: int, v: Viewer = Depends(viewer)) -> Response:
    form = await request.form()
    check_form(v, str(form.get("csrf_token") or ""))
    changed = update_member_meta(state(request).engine, v.user, batch_id, member_meta(form))
    return RedirectResponse(f"/queue?batch={batch_id}&meta_saved={changed}", status_code=303)


@router.post("/settings/templates")
def new_template(request: Request, desk: str = Form("", max_length=100), name: str = Form("", max_length=100),
                 text: str = Form("", max_length=10_000), csrf_token: str = Form(""),
                 v: Viewer = Depends(admin_viewer)) -> Response:
    check_form(v, csrf_token)
    add_template(state(request).engine, v.user, desk, name, text)
    return RedirectResponse("/settings?saved=1", status_code=303)


@router.post("/settings/templates/{template_id}/delete")
def drop_template(request: Request, template_id: int, csrf_token: str = Form(""),
                  v: Viewer = Depends(admin_viewer)) -> Response:
    check_form(v, csrf_token)
    delete_template(state(request).engine, v.user, template_id)
    return RedirectResponse("/settings?saved=1", status_code=303)
