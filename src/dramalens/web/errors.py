"""One error shape for the whole app: every error the library raises becomes the JSON of
``DramalensError.to_dict()`` for the API (and clients asking for JSON) and an error page for
browsers; a page that needs a session redirects to the login form.
"""

from __future__ import annotations

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, RedirectResponse
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.responses import Response

from ..errors import DramalensError, InputError, NotFoundError, PermissionDenied, TooManyRequests
from .deps import LoginRequired, language_of, state
from .i18n import translator

__all__ = ["error_response", "install_error_handlers", "wants_json"]


def wants_json(request: Request) -> bool:
    """Whether the client reads JSON: the API, or an ``Accept: application/json`` request."""
    return request.url.path.startswith("/api/") or "application/json" in request.headers.get("accept", "")


def error_response(request: Request, exc: DramalensError, status: int) -> Response:
    """``exc`` as the API's JSON error shape, or as the error page in the viewer's language."""
    if wants_json(request):
        return JSONResponse(exc.to_dict(), status_code=status)
    lang = language_of(request)
    t = translator(lang)
    hint = t.say(f"{exc.key}.hint", exc.params, exc.hint) if exc.key and t.has(f"{exc.key}.hint") else exc.hint
    context = {"error": exc, "message": t.say(exc.key, exc.params, exc.message), "hint": hint,
               "lang": lang, "t": t, "user": None, "csrf": ""}
    return state(request).templates.TemplateResponse(request, "error.html", context, status_code=status)


async def _login_required(request: Request, exc: Exception) -> Response:
    if wants_json(request) or request.method != "GET":
        return JSONResponse(PermissionDenied("log in first", key="err.login_first").to_dict(), status_code=401)
    return RedirectResponse("/login", status_code=303)


async def _library_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, DramalensError)  # registered for DramalensError only
    response = error_response(request, exc, exc.status_code)
    if isinstance(exc, TooManyRequests):  # the login throttle says how long to wait
        response.headers["Retry-After"] = str(exc.retry_after)
    return response


async def _invalid_request(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, RequestValidationError)
    fields = ", ".join(".".join(str(p) for p in e.get("loc", ())) for e in exc.errors())
    return error_response(request, InputError(f"invalid request: {fields}", hint="check the fields sent",
                                              key="err.invalid_request", params=(("fields", fields),)), 422)


async def _http_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, StarletteHTTPException)
    err = NotFoundError("no such page", key="err.no_page") if exc.status_code == 404 else DramalensError(str(exc.detail))
    return error_response(request, err, exc.status_code)


def install_error_handlers(app: FastAPI) -> None:
    """Register the handlers that turn every error into the app's one error shape."""
    app.add_exception_handler(LoginRequired, _login_required)
    app.add_exception_handler(DramalensError, _library_error)
    app.add_exception_handler(RequestValidationError, _invalid_request)
    app.add_exception_handler(StarletteHTTPException, _http_error)
