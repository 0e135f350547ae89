"""The reviewer's pages: the queue, a script's report, decisions, notes, upload, CSV export."""

from __future__ import annotations

from fastapi import APIRouter, Depends, File, Form, Request, UploadFile
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from ..triage import desk
from ..triage.coverage import coverage_docx, coverage_for
from ..triage.reader import script_view
from ..triage.review import add_note, assign
from ..triage.workflow import DECLARABLE_LANGUAGES, bulk_decide_with_template, decide_with_template, queue_screen, review_page
from .deps import Viewer, check_form, language_of, render, render_shared, state, viewer
from .forms import int_or_none, meta_from_form, queue_query, read_upload
from .i18n import labels

__all__ = ["REPORT_CSP", "csv_response", "router"]

router = APIRouter()

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"

#: The report is another module's HTML: it runs sandboxed (no same-origin, no forms), so even
#: a flaw in it cannot act with the reviewer's session.
REPORT_CSP = "sandbox allow-scripts; default-src 'none'; img-src data:; style-src 'unsafe-inline'; script-src 'unsafe-inline'"


def csv_response(text: str, kind: str) -> Response:
    """A CSV download (UTF-8 with a BOM, so spreadsheets read Chinese titles right)."""
    return Response(text.encode("utf-8-sig"), media_type="text/csv; charset=utf-8",
                    headers={"Content-Disposition": f'attachment; filename="dramalens-{kind}.csv"'})


@router.get("/queue")
async def queue_page(request: Request, v: Viewer = Depends(viewer)) -> Response:
    query = queue_query(request)
    params = {k: val for k, val in request.query_params.items() if k != "page"}

    def context() -> dict[str, object]:  # only when the desk's kept page is out of date
        screen = queue_screen(state(request).engine, v.user, query, state(request).weights_file)
        return {"page": screen.view.page, "query": query, "progress": screen.view.progress,
                "params": params, "screen": screen}

    return await render_shared(request, "queue.html", context, v=v)


@router.get("/submissions/{submission_id}")
def submission_page(request: Request, submission_id: int, v: Viewer = Depends(viewer)) -> Response:
    rp = review_page(state(request).engine, submission_id, v.user, similar_threshold=state(request).similar_threshold)
    d = rp.detail
    return render(request, "submission.html", {"sub": d.submission, "score": d.score, "log": d.audit, "notes": d.notes,
                                               "shown": d.effective, "choices": d.choices, "rp": rp}, v=v)


@router.get("/submissions/{submission_id}/script")
def script_page(request: Request, submission_id: int, v: Viewer = Depends(viewer)) -> Response:
    view = script_view(state(request).engine, submission_id, v.user)
    return render(request, "script.html", {"view": view}, v=v)


@router.get("/submissions/{submission_id}/coverage")
def coverage_page(request: Request, submission_id: int, v: Viewer = Depends(viewer)) -> Response:
    cov = coverage_for(state(request).engine, submission_id, v.user, language_of(request))
    return render(request, "coverage.html", {"cov": cov}, v=v)


@router.get("/submissions/{submission_id}/coverage.docx")
def coverage_file(request: Request, submission_id: int, v: Viewer = Depends(viewer)) -> Response:
    cov = coverage_for(state(request).engine, submission_id, v.user, language_of(request))
    data = coverage_docx(cov, labels(language_of(request)))
    return Response(data, media_type=DOCX, headers={"Content-Disposition": f'attachment; filename="coverage-{submission_id}.docx"'})


@router.get("/submissions/{submission_id}/report")
def submission_report(request: Request, submission_id: int, v: Viewer = Depends(viewer)) -> Response:
    response = HTMLResponse(desk.report_html(state(request).engine, submission_id, v.user, language_of(request)))
    response.headers["Content-Security-Policy"] = REPORT_CSP
    return response


@router.post("/submissions/{submission_id}/decision")
def decision(request: Request, submission_id: int, status: str = Form(...), version: int = Form(...),
             note: str = Form("", max_length=10_000), then: str = Form(""), template: str = Form(""),
             csrf_token: str = Form(""), v: Viewer = Depends(viewer)) -> Response:
    check_form(v, csrf_token)
    decide_with_template(state(request).engine, submission_id, v.user, status, version, note,
                         int_or_none(template, "template", low=1))
    following = desk.next_submission(state(request).engine, v.user, after=submission_id) if then == "next" else None
    target = f"/submissions/{following}" if following is not None else ("/queue" if then == "next" else f"/submissions/{submission_id}")
    return RedirectResponse(target, status_code=303)


@router.post("/queue/decide")
def bulk_decision(request: Request, ids: list[int] = Form([]), status: str = Form(""), template: str = Form(""),
                  csrf_token: str = Form(""), v: Viewer = Depends(viewer)) -> Response:
    check_form(v, csrf_token)
    done = bulk_decide_with_template(state(request).engine, v.user, ids, status, int_or_none(template, "template", low=1))
    return RedirectResponse(f"/queue?decided={len(done.applied)}&refused={len(done.refused)}", status_code=303)


@router.get("/next")
def next_script(request: Request, v: Viewer = Depends(viewer)) -> Response:
    following = desk.next_submission(state(request).engine, v.user)
    return RedirectResponse(f"/submissions/{following}" if following is not None else "/queue", status_code=303)


@router.post("/submissions/{submission_id}/notes")
def note(request: Request, submission_id: int, text: str = Form(..., max_length=10_000), csrf_token: str = Form(""),
         v: Viewer = Depends(viewer)) -> Response:
    check_form(v, csrf_token)
    add_note(state(request).engine, submission_id, v.user, text)
    return RedirectResponse(f"/submissions/{submission_id}", status_code=303)


@router.post("/submissions/{submission_id}/assign")
def assign_page(request: Request, submission_id: int, assignee: str = Form("", max_length=100),
                csrf_token: str = Form(""), v: Viewer = Depends(viewer)) -> Response:
    check_form(v, csrf_token)
    assign(state(request).engine, submission_id, v.user, assignee or v.user.name)
    return RedirectResponse(f"/submissions/{submission_id}", status_code=303)


@router.get("/upload")
def upload_page(request: Request, v: Viewer = Depends(viewer)) -> Response:
    return render(request, "upload.html", {}, v=v)


@router.post("/upload")
async def upload(request: Request, file: UploadFile = File(...), title: str = Form("", max_length=300),
                 format: str = Form(""), episodes: str = Form(""), track: str = Form("", max_length=60),
                 synopsis: str = Form("", max_length=20_000), budget: str = Form(""), csrf_token: str = Form(""),
                 v: Viewer = Depends(viewer)) -> Response:
    check_form(v, csrf_token)
    st = state(request)
    meta = meta_from_form(title, format, episodes, track, synopsis, budget)
    data = await read_upload(file, st.limits.max_upload_bytes)
    receipt = desk.receive_upload(st.engine, file.filename or "", data, meta, v.user, limits=st.limits)
    return render(request, "receipt.html", {"receipt": receipt, "meta": meta, "languages": DECLARABLE_LANGUAGES}, v=v)


@router.get("/export.csv")
def export_page(request: Request, kind: str = "queue", v: Viewer = Depends(viewer)) -> Response:
    return csv_response(desk.export(state(request).engine, v.user, kind), kind)
