"""The IP section: upload a novel, see its episode plan, change format/episodes/span, and
download the plan's JSON and outline. The plan's page speaks the reader's UI language (its
labels, checks and paywall reason from the message catalogue); the JSON stays the English contract.

An uploaded novel is held in the desk's database for its uploader under a random token
(:mod:`dramalens.triage.ip_novels`: a few per account, oldest dropped first), so changing the
plan's parameters needs no second upload and every server process finds it; a token another
user holds is not found. Each handler calls one library function
(:func:`dramalens.adaptation.adapt_file`, :func:`~dramalens.adaptation.outline_text`).
"""

from __future__ import annotations

import json

from fastapi import APIRouter, Depends, File, Form, Request, UploadFile
from fastapi.responses import RedirectResponse, Response

from ..adaptation import AdaptationPlan, adapt_file, outline_text, plan_html
from ..errors import ConfigError, InputError
from ..triage.ip_novels import held_novel, hold_novel
from .deps import Viewer, check_form, language_of, render, state, viewer
from .forms import read_upload

__all__ = ["router"]

router = APIRouter()


def _int(value: str | None, name: str) -> int | None:
    if not value:
        return None
    try:
        return int(value)
    except ValueError:
        raise ConfigError(f"{name} must be a whole number, got {value!r}", key="err.not_whole",
                          params=(("name_key", name.replace(" ", "_")), ("got", value[:40]))) from None


def _plan(request: Request, v: Viewer, token: str) -> tuple[str, AdaptationPlan, dict[str, str]]:
    q = request.query_params
    params = {k: q.get(k, "") for k in ("format", "episodes", "minutes", "free", "span")}
    name, data = held_novel(state(request).engine, v.user.name, token)
    minutes = float(params["minutes"]) if params["minutes"].replace(".", "", 1).isdigit() else None
    plan = adapt_file(data, params["format"] or "vertical", episodes=_int(params["episodes"], "episodes"), minutes=minutes,
                      free_episodes=_int(params["free"], "free episodes"), span=params["span"] or "auto")
    return name, plan, params


@router.get("/ip")
def ip_page(request: Request, v: Viewer = Depends(viewer)) -> Response:
    return render(request, "ip.html", {"plan": None}, v=v)


@router.post("/ip")
async def ip_upload(request: Request, file: UploadFile | None = File(None), csrf_token: str = Form(""),
                    v: Viewer = Depends(viewer)) -> Response:
    check_form(v, csrf_token)  # before anything else: a forged post learns nothing, not even a 422
    if file is None:
        raise InputError("no novel was uploaded", hint="choose a .txt or .epub file", key="err.no_novel")
    data = await read_upload(file, state(request).limits.max_upload_bytes)
    token = hold_novel(state(request).engine, v.user.name, file.filename or "novel.txt", data)
    return RedirectResponse(f"/ip/{token}", status_code=303)


@router.get("/ip/{token}")
def ip_plan(request: Request, token: str, v: Viewer = Depends(viewer)) -> Response:
    name, plan, params = _plan(request, v, token)
    query = "&".join(f"{k}={val}" for k, val in params.items() if val)
    return render(request, "ip.html", {"plan": plan, "name": name, "token": token, "params": params, "query": query,
                                       "page": plan_html(plan, language_of(request))}, v=v)


@router.get("/ip/{token}/plan.json")
def ip_json(request: Request, token: str, v: Viewer = Depends(viewer)) -> Response:
    _, plan, _ = _plan(request, v, token)
    return Response(json.dumps(plan.to_dict(), ensure_ascii=False, indent=2), media_type="application/json",
                    headers={"Content-Disposition": 'attachment; filename="dramalens-plan.json"'})


@router.get("/ip/{token}/outline.txt")
def ip_outline(request: Request, token: str, v: Viewer = Depends(viewer)) -> Response:
    _, plan, _ = _plan(request, v, token)
    style = "chinese" if plan.language == "zh" else "fountain"
    return Response(outline_text(plan, style).encode("utf-8"), media_type="text/plain; charset=utf-8",
                    headers={"Content-Disposition": f'attachment; filename="dramalens-outline.{"txt" if style == "chinese" else "fountain"}"'})
