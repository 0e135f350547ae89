"""Logging in and out, and the language switch."""

from __future__ import annotations

import secrets
from urllib.parse import urlparse

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import RedirectResponse
from starlette.responses import Response

from ..errors import TooManyRequests
from ..triage.auth import SESSION_SECONDS, check_csrf, end_session, login_attempt, signer, start_session
from ..triage.review import User
from .deps import COOKIE, LANG_COOKIE, Viewer, check_form, client_address, render, state, viewer
from .i18n import LANGUAGES

__all__ = ["PRELOGIN", "router"]

router = APIRouter()

PRELOGIN = "dl_prelogin"  # double-submit CSRF token for the login form (no session yet)
PRELOGIN_SECONDS = 3600


def _login_form(request: Request, context: dict[str, object], status_code: int) -> Response:
    token = secrets.token_urlsafe(24)
    response = render(request, "login.html", {"login_csrf": token, **context}, status_code=status_code)
    _cookie(response, request, PRELOGIN, signer(state(request).key).dumps(token), PRELOGIN_SECONDS)
    return response


def _cookie(response: Response, request: Request, name: str, value: str | bytes, max_age: int | None) -> None:
    text = value.decode() if isinstance(value, bytes) else value
    response.set_cookie(name, text, max_age=max_age, httponly=True, samesite="lax", path="/",
                        secure=state(request).secure_cookies)


def _prelogin_token(request: Request) -> str | None:
    """The login form's CSRF token, from its signed cookie; None when absent or forged."""
    try:
        token: str = signer(state(request).key).loads(request.cookies.get(PRELOGIN, ""), max_age=PRELOGIN_SECONDS)
    except Exception:  # absent or forged cookie: treated like a wrong token
        return None
    return token


def _locked_out(request: Request, name: str, exc: TooManyRequests) -> Response:
    """The login form again, saying for how long the throttle refuses (429 with Retry-After)."""
    wait = exc.retry_after
    response = _login_form(request, {"failed": False, "name": name, "locked_minutes": -(-wait // 60)}, 429)
    response.headers["Retry-After"] = str(wait)
    return response


def _logged_in(request: Request, user: User) -> Response:
    """A new session for ``user``: its signed cookie, and on to the queue."""
    sid, _csrf = start_session(state(request).engine, user)
    response = RedirectResponse("/queue", status_code=303)
    _cookie(response, request, COOKIE, signer(state(request).key).dumps(sid), SESSION_SECONDS)
    response.delete_cookie(PRELOGIN, path="/")
    return response


@router.get("/login")
def login_page(request: Request) -> Response:
    return _login_form(request, {"failed": False}, 200)


@router.post("/login")
def login(request: Request, name: str = Form("", max_length=100), password: str = Form("", max_length=1000),
          csrf_token: str = Form("")) -> Response:
    st = state(request)
    check_csrf(_prelogin_token(request), csrf_token)
    try:
        user = login_attempt(st.engine, name, password, client_address(request), at=st.clock())
    except TooManyRequests as exc:
        if "application/json" in request.headers.get("accept", ""):
            raise  # the app's handler answers the JSON error shape (and Retry-After)
        return _locked_out(request, name, exc)
    if user is None:
        return _login_form(request, {"failed": True, "name": name}, 401)
    return _logged_in(request, user)


@router.post("/logout")
def logout(request: Request, csrf_token: str = Form(""), v: Viewer = Depends(viewer)) -> Response:
    check_form(v, csrf_token)
    end_session(state(request).engine, state(request).key, request.cookies.get(COOKIE))
    response = RedirectResponse("/login", status_code=303)
    response.delete_cookie(COOKIE, path="/")
    return response


@router.get("/lang/{code}")
def switch_language(request: Request, code: str, next: str = "/queue") -> Response:
    # Only local paths: an absolute or scheme-relative URL here would be an open redirect.
    parsed = urlparse(next)
    if parsed.scheme or parsed.netloc or not next.startswith("/") or next.startswith("//") or "\\" in next:
        next = "/queue"
    response = RedirectResponse(next, status_code=303)
    if code in LANGUAGES:
        response.set_cookie(LANG_COOKIE, code, max_age=365 * 86400, samesite="lax", path="/")
    return response


@router.get("/")
def home(v: Viewer = Depends(viewer)) -> Response:
    return RedirectResponse("/queue", status_code=303)
