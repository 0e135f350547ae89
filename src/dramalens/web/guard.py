"""The request guard (HTTP middleware): refuse bodies over the upload limit before they are read,
and send the security headers on every response."""

from __future__ import annotations

from fastapi import Request
from fastapi.responses import JSONResponse
from starlette.datastructures import MutableHeaders
from starlette.responses import Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from ..errors import InputError
from .deps import state

__all__ = ["NO_STORE", "SECURITY_HEADERS", "Guard"]

#: Sent with every response unless a route set its own (the sandboxed report sets its CSP).
SECURITY_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "X-Frame-Options": "SAMEORIGIN",
    "Content-Security-Policy": "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; "
                               "frame-ancestors 'self'; form-action 'self'",
    # The desk needs no camera, microphone, location, payment or USB: a flaw in a page cannot ask.
    "Permissions-Policy": "camera=(), microphone=(), geolocation=(), payment=(), usb=(), interest-cohort=()",
}
#: Pages and exports hold a desk's unpublished scripts: never kept by a browser or proxy cache
#: (a shared computer's back button, a proxy's disk). Only the stylesheet may be cached.
NO_STORE = "no-store"
# Room for the multipart framing and the form's other fields around the file itself.
_FORM_SLACK = 64 * 1024


def _refusal(request: Request) -> Response | None:
    """The answer to a body that must not be read, or None to let the request through."""
    limit = state(request).limits.max_upload_bytes
    length = request.headers.get("content-length")
    if length is None and request.method in ("POST", "PUT", "PATCH") and "chunked" in request.headers.get("transfer-encoding", ""):
        # A chunked body has no size to check up front; browsers and API clients send one.
        err = InputError("a request body needs a Content-Length header", hint="send the upload with its length")
        return JSONResponse(err.to_dict(), status_code=411)
    if length is None:
        return None
    try:
        too_big = int(length) > limit + _FORM_SLACK
    except ValueError:
        too_big = True
    if not too_big:
        return None
    err = InputError(f"the request body is over the limit of {limit:,} bytes", hint="split the batch into several zips")
    return JSONResponse(err.to_dict(), status_code=413)


class Guard:
    """Refuse an oversized body before it is read (the multipart parser would spool it to disk),
    then add the security headers to whatever the route answered.

    Plain ASGI rather than ``@app.middleware("http")``: that form runs every response through a
    task group and a re-chunking stream, about a third of a cached queue page's cost.
    """

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        refused = _refusal(Request(scope))
        if refused is not None:
            await refused(scope, receive, send)
            return
        cacheable = scope["path"].startswith("/static/")

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                for name, value in SECURITY_HEADERS.items():
                    headers.setdefault(name, value)
                if not cacheable:
                    headers["Cache-Control"] = NO_STORE
            await send(message)

        await self.app(scope, receive, send_with_headers)
