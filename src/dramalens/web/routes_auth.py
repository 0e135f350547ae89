"""Logging in and out, and the language switch."""

from __future__ import annotations

import secrets
from urllib.parse import urlparse

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import RedirectResponse

from ..errors import TooManyRequests
from ..triage.auth import SESSION_SECONDS, check_csrf, end_session, login_attempt, signer, start_session
from .deps import COOKIE, LANG_COOKIE, Viewer, check_form, client_address, render, state, viewer
from .i18n import LANGUAGES

router = APIRouter()

PRELOGIN = "dl_prelogin"  # double-submit CSRF token for the login form (no session yet)


def _login_form(request: Request, context: dict, status_code: int):
    token = secrets.token_urlsafe(24)
    response = render(request, "login.html", {"login_csrf": token, **context}, status_code=status_code)
    _cookie(response, request, PRELOGIN, signer(state(request).key).dumps(token), 3600)
    return response


def _cookie(response, request: Request, name: str, value: str, max_age: int | None) -> None:
    response.set_cookie(name, value, max_age=max_age, httponly=True, samesite="lax", path="/",
                        secure=getattr(state(request), "secure_cookies", False))


@router.get("/login")
def login_page(request: Request):
    return _login_form(request, {"failed": False}, 200)


@router.post("/login")
def login(request: Request, name: str = Form("", max_length=100), password: str = Form("", max_length=1000),
          csrf_token: str = Form("")):
    st = state(request)
    try:
        expected = signer(st.key).loads(request.cookies.get(PRELOGIN, ""), max_age=3600)
    except Exception:  # absent or forged cookie: treated like a wrong token
        expected = None
    check_csrf(expected, csrf_token)
    try:
        user = login_attempt(st.engine, name, password, client_address(request), at=st.clock())
    except TooManyRequests as exc:
        if "application/json" in request.headers.get("accept", ""):
            raise  # the app's handler answers the JSON error shape (and Retry-After)
        response = _login_form(request, {"failed": False, "name": name, "locked_minutes": -(-exc.retry_after // 60)}, 429)
        response.headers["Retry-After"] = str(exc.retry_after)
        return response
    if user is None:
        return _login_form(request, {"failed": True, "name": name}, 401)
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
