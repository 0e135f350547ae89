"""Catalog browser, saturation dashboard, and the admins' settings page."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import RedirectResponse
from starlette.responses import Response

from ..triage import desk
from ..triage.models import MAX_PAGE
from ..triage.scoring import Weights
from ..triage.workflow import settings_screen
from .charts import STATUS_COLOURS, growth_chart
from .deps import Viewer, admin_viewer, check_form, language_of, render, state, viewer
from .forms import int_or_none

__all__ = ["router"]

router = APIRouter()


@router.get("/catalog")
def catalog_page(request: Request, page: str = "1", q: str = "", v: Viewer = Depends(viewer)) -> Response:
    n = int_or_none(page, "page", low=1, high=MAX_PAGE) or 1
    return render(request, "catalog.html", {"listing": desk.catalog_page(state(request).db_url, n, q), "page_no": n,
                                            "q": q}, v=v)


@router.get("/saturation")
def saturation_page(request: Request, v: Viewer = Depends(viewer)) -> Response:
    view = desk.saturation_view(state(request).engine, state(request).db_url, v.user)
    charts = {kind: growth_chart(view.rows or (), kind, lang=language_of(request)) for kind in ("track", "trope")}
    return render(request, "saturation.html", {"supply": view.supply, "rows": view.rows, "charts": charts,
                                               "status_colours": STATUS_COLOURS}, v=v)


@router.get("/settings")
def settings_page(request: Request, saved: str = "", v: Viewer = Depends(admin_viewer)) -> Response:
    screen = settings_screen(state(request).engine, v.user, state(request).weights_file)
    return render(request, "settings.html", {"weights": screen.weights, "screen": screen, "saved": bool(saved)}, v=v)


@router.post("/settings")
def save_settings(request: Request, originality: str = Form(...), craft: str = Form(...), risk: str = Form(...),
                  csrf_token: str = Form(""), v: Viewer = Depends(admin_viewer)) -> Response:
    check_form(v, csrf_token)
    weights = Weights.from_mapping({"originality": originality, "craft": craft, "risk": risk})
    desk.update_weights(state(request).engine, v.user, weights)
    return RedirectResponse("/settings?saved=1", status_code=303)
