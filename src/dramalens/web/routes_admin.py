"""Catalog browser, saturation dashboard, and the admins' settings page."""

from __future__ import annotations

import json

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import RedirectResponse
from sqlalchemy import case, func, insert, select, true

from ..triage.jobs import run_tx
from ..triage.listing import EFFECTIVE
from ..triage.models import decisions, now, submissions
from ..triage.pipeline import catalog_listing, saturation_rows
from ..triage.scoring import Weights, load_weights, save_weights
from .charts import STATUS_COLOURS, growth_chart
from .deps import Viewer, admin_viewer, check_form, render, state, viewer
from .routes_pages import _int_or_none

router = APIRouter()


@router.get("/catalog")
def catalog_page(request: Request, page: str = "1", v: Viewer = Depends(viewer)):
    n = max(1, _int_or_none(page, "page") or 1)
    listing = catalog_listing(state(request).db_url, limit=50, offset=(n - 1) * 50)
    return render(request, "catalog.html", {"listing": listing, "page_no": n}, v=v)


@router.get("/saturation")
def saturation_page(request: Request, v: Viewer = Depends(viewer)):
    # The desk's own supply (what arrives, what gets signed) beside the catalog's saturation.
    visible = true() if v.user.is_admin else submissions.c.desk_id == v.user.desk_id
    # Grouped by the effective track (declared or else detected): most senders declare none.
    track = EFFECTIVE["track"].label("effective_track")
    q = (select(track, func.count().label("n"),
                func.sum(case((submissions.c.status == "signed", 1), else_=0)).label("signed"),
                func.avg(submissions.c.score).label("score"))
         .where(visible).group_by(track).order_by(func.count().desc(), track).limit(50))
    with state(request).engine.connect() as conn:
        supply = [dict(r._mapping) for r in conn.execute(q)]
    rows = saturation_rows(state(request).db_url)
    charts = {kind: growth_chart(rows or [], kind) for kind in ("track", "trope")}
    return render(request, "saturation.html", {"supply": supply, "rows": rows, "charts": charts,
                                               "status_colours": STATUS_COLOURS}, v=v)


@router.get("/settings")
def settings_page(request: Request, saved: str = "", v: Viewer = Depends(admin_viewer)):
    with state(request).engine.connect() as conn:
        weights = load_weights(conn, path=state(request).weights_file)
    return render(request, "settings.html", {"weights": weights, "saved": bool(saved)}, v=v)


@router.post("/settings")
def save_settings(request: Request, originality: str = Form(...), craft: str = Form(...), risk: str = Form(...),
                  csrf_token: str = Form(""), v: Viewer = Depends(admin_viewer)):
    check_form(v, csrf_token)
    weights = Weights.from_mapping({"originality": originality, "craft": craft, "risk": risk})

    def work(conn):
        save_weights(conn, weights)
        # Settings changes are audited with the submission id 0-less: a row per change, no submission.
        conn.execute(insert(decisions).values(submission_id=None, user_id=v.user.id, user_name=v.user.name,
                                              action="settings", outcome="applied",
                                              detail=json.dumps(weights.to_dict()), at=now()))

    run_tx(state(request).engine, work)
    return RedirectResponse("/settings?saved=1", status_code=303)
