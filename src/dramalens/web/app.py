"""The script desk's web app: ``create_app(db_url)`` builds a FastAPI application.

Pages are server-rendered (Jinja2); the JSON API lives under ``/api/`` with token auth. Every
error the library raises becomes one JSON shape (``DramalensError.to_dict()``) for the API and
an error page for browsers. Worker threads may run inside the app (``workers=N``) for the
one-process mode of ``dramalens serve``.
"""

from __future__ import annotations

from contextlib import asynccontextmanager
from functools import partial
from pathlib import Path

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates
from starlette.exceptions import HTTPException as StarletteHTTPException

from ..db import make_engine
from ..errors import ConfigError, DramalensError, InputError, NotFoundError, PermissionDenied
from ..settings import Settings, load_settings
from ..triage.auth import secret_key
from ..triage.intake import DEFAULT_INTAKE_LIMITS, IntakeLimits
from ..triage.models import init_db, now
from ..triage.pipeline import trope_label
from .deps import LoginRequired, language_of
from .i18n import translator

__all__ = ["create_app"]

HERE = Path(__file__).parent


class _State:
    """What the routes share: the engine, the templates, the signing key, limits, the worker."""

    def __init__(self, engine, templates, key, limits, db_url):
        self.engine = engine
        self.templates = templates
        self.key = key
        self.limits = limits
        self.db_url = db_url
        self.worker = None


def create_app(
    db_url: str | None = None,
    *,
    workers: int = 0,
    pipeline=None,
    limits: IntakeLimits = DEFAULT_INTAKE_LIMITS,
    secure_cookies: bool | None = None,
    worker_poll: float = 0.5,
    watch: str | Path | None = None,
    clock=None,
    settings: Settings | None = None,
) -> FastAPI:
    """The web application over the database at ``db_url`` (migrated on creation).

    ``workers`` > 0 runs that many queue-worker threads inside the app; ``pipeline`` replaces
    the real analysis (tests only). ``watch``: a folder polled for dropped scripts (a
    :class:`~dramalens.triage.watch.FolderWatcher` thread, desk ``default``). ``clock``: a
    function giving epoch seconds, used by the login throttle (tests inject a fake one).
    ``settings``: the :class:`~dramalens.settings.Settings` (default: loaded here, this factory
    being an entry point like the command line); ``db_url`` and ``secure_cookies`` override it.

    >>> create_app("sqlite://").title
    'dramalens script desk'
    """
    if workers < 0 or workers > 64:
        raise ConfigError(f"workers must be between 0 and 64, got {workers}")
    if settings is None:
        settings = load_settings()
    db_url = db_url or settings.db_url
    engine = init_db(make_engine(db_url))
    templates = Jinja2Templates(directory=str(HERE / "templates"))
    templates.env.globals["status_label"] = lambda lang, s: translator(lang)(f"status.{s}")
    templates.env.globals["trope_label"] = trope_label
    state = _State(engine, templates, secret_key(engine, settings.secret), limits, db_url)
    state.secure_cookies = settings.secure_cookies if secure_cookies is None else secure_cookies
    state.weights_file = settings.triage_settings
    state.clock = clock or now
    watcher = None
    if watch is not None:  # built here so a missing folder is refused before the server starts
        from ..triage.watch import FolderWatcher

        watcher = FolderWatcher(engine, watch, limits=limits)

    @asynccontextmanager
    async def lifespan(app: FastAPI):
        if workers:
            from ..triage.pipeline import analyse_submission, open_catalog, require_pipeline
            from ..triage.worker import Worker

            fn = pipeline or analyse_submission
            real = fn is analyse_submission
            if real:
                require_pipeline()
                if settings.compliance_rules is not None:  # a platform's rules for every script
                    fn = partial(analyse_submission, compliance_rules=settings.compliance_rules)
            state.worker = Worker(engine, pipeline=fn, threads=workers, poll=worker_poll,
                                  catalog=open_catalog(db_url) if real else None, name="serve",
                                  weights_file=settings.triage_settings)
            state.worker.start()
        if watcher is not None:
            watcher.start()
        try:
            yield
        finally:
            if watcher is not None:
                watcher.stop()
            if state.worker is not None:
                state.worker.stop()

    app = FastAPI(title="dramalens script desk", lifespan=lifespan, docs_url=None, redoc_url=None, openapi_url=None)
    app.state.desk = state
    app.mount("/static", StaticFiles(directory=str(HERE / "static")), name="static")

    @app.middleware("http")
    async def guard(request: Request, call_next):
        # Refuse an oversized body before it is read: the multipart parser would spool it.
        length = request.headers.get("content-length")
        if length is None and request.method in ("POST", "PUT", "PATCH") and "chunked" in request.headers.get("transfer-encoding", ""):
            # A chunked body has no size to check up front; browsers and API clients send one.
            err = InputError("a request body needs a Content-Length header", hint="send the upload with its length")
            return JSONResponse(err.to_dict(), status_code=411)
        if length is not None:
            try:
                too_big = int(length) > limits.max_upload_bytes + 64 * 1024
            except ValueError:
                too_big = True
            if too_big:
                err = InputError(f"the request body is over the limit of {limits.max_upload_bytes:,} bytes",
                                 hint="split the batch into several zips")
                return JSONResponse(err.to_dict(), status_code=413)
        response: Response = await call_next(request)
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("Referrer-Policy", "same-origin")
        response.headers.setdefault("X-Frame-Options", "SAMEORIGIN")
        response.headers.setdefault("Content-Security-Policy",
                                    "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; "
                                    "frame-ancestors 'self'; form-action 'self'")
        return response

    def _wants_json(request: Request) -> bool:
        return request.url.path.startswith("/api/") or "application/json" in request.headers.get("accept", "")

    def _error_page(request: Request, exc: DramalensError, status: int):
        if _wants_json(request):
            return JSONResponse(exc.to_dict(), status_code=status)
        lang = language_of(request)
        return templates.TemplateResponse(request, "error.html", {"error": exc, "lang": lang, "t": translator(lang),
                                                                  "user": None, "csrf": ""}, status_code=status)

    @app.exception_handler(LoginRequired)
    async def _login(request: Request, exc: LoginRequired):
        if _wants_json(request) or request.method != "GET":
            return JSONResponse(PermissionDenied("log in first").to_dict(), status_code=401)
        return RedirectResponse("/login", status_code=303)

    @app.exception_handler(DramalensError)
    async def _dl_error(request: Request, exc: DramalensError):
        response = _error_page(request, exc, exc.status_code)
        if getattr(exc, "retry_after", None):  # TooManyRequests from the login throttle
            response.headers["Retry-After"] = str(exc.retry_after)
        return response

    @app.exception_handler(RequestValidationError)
    async def _validation(request: Request, exc: RequestValidationError):
        fields = ", ".join(".".join(str(p) for p in e.get("loc", ())) for e in exc.errors())
        return _error_page(request, InputError(f"invalid request: {fields}", hint="check the fields sent"), 422)

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException):
        err = NotFoundError("no such page") if exc.status_code == 404 else DramalensError(str(exc.detail))
        return _error_page(request, err, exc.status_code)

    from . import routes_admin, routes_api, routes_auth, routes_pages

    for module in (routes_auth, routes_pages, routes_admin, routes_api):
        app.include_router(module.router)
    return app
