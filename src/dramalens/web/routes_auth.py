"""Logging in and out, and the language switch."""

from __future__ import annotations

import secrets
from urllib.parse import urlparse

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import RedirectResponse

from ..triage.auth import SESSION_SECONDS, authenticate, check_csrf, end_session, signer, start_session
from .deps import COOKIE, LANG_COOKIE, Viewer, check_form, render, state, viewer
from .i18n import LANGUAGES

router = APIRouter()

PRELOGIN = "dl_prelogin"  # double-submit CSRF token for the login form (no session yet)


def _cookie(response, request: Request, name: str, value: str, max_age: int | None) -> None:
    response.set_cookie(name, value, max_age=max_age, httponly=True, samesite="lax", path="/",
                        secure=getattr(state(request), "secure_cookies", False))


@router.get("/login")
def login_page(request: Request):
    token = secrets.token_urlsafe(24)
    response = render(request, "login.html", {"login_csrf": token, "failed": False})
    _cookie(response, request, PRELOGIN, signer(state(request).key).dumps(token), 3600)
    return response


@router.post("/login")
def login(request: Request, name: str = Form("", max_length=100), password: str = Form("", max_length=1000),
          csrf_token: str = Form("")):
    st = state(request)
    try:
        expected = signer(st.key).loads(request.cookies.get(PRELOGIN, ""), max_age=3600)
    except Exception:  # absent or forged cookie: treated like a wrong token
        expected = None
    check_csrf(expected, csrf_token)
    user = authenticate(st.engine, name, password)
    if user is None:
        token = secrets.token_urlsafe(24)
        response = render(request, "login.html", {"login_csrf": token, "failed": True, "name": name}, status_code=401)
        _cookie(response, request, PRELOGIN, signer(st.key).dumps(token), 3600)
        return response
    sid, _csrf = start_session(st.engine, user)
    response = RedirectResponse("/queue", status_code=303)
    _cookie(response, request, COOKIE, signer(st.key).dumps(sid), SESSION_SECONDS)
    response.delete_cookie(PRELOGIN, path="/")
    return response


@router.post("/logout")
def logout(request: Request, csrf_token: str = Form(""), v: Viewer = Depends(viewer)):
    check_form(v, csrf_token)
    end_session(state(request).engine, state(request).key, request.cookies.get(COOKIE))
    response = RedirectResponse("/login", status_code=303)
    response.delete_cookie(COOKIE, path="/")
    return response


@router.get("/lang/{code}")
def switch_language(request: Request, code: str, next: str = "/queue"):
    # Only local paths: an absolute or scheme-relative URL here would be an open redirect.
    parsed = urlparse(next)
    if parsed.scheme or parsed.netloc or not next.startswith("/") or next.startswith("//") or "\\" in next:
        next = "/queue"
    response = RedirectResponse(next, status_code=303)
    if code in LANGUAGES:
        response.set_cookie(LANG_COOKIE, code, max_age=365 * 86400, samesite="lax", path="/")
    return response


@router.get("/")
def home(v: Viewer = Depends(viewer)):
    return RedirectResponse("/queue", status_code=303)
