"""The script desk's web app: ``create_app(db_url)`` builds a FastAPI application.

Pages are server-rendered (Jinja2); the JSON API lives under ``/api/`` with token auth. Every
error the library raises becomes one JSON shape (``DramalensError.to_dict()``) for the API and
an error page for browsers (:mod:`.errors`). Worker threads may run inside the app
(``workers=N``) for the one-process mode of ``dramalens serve``.

The app is assembled from parts: the shared :class:`~.deps.DeskState`, the request guard
(:mod:`.guard`), the error handlers, and one router per area (:mod:`.routes_auth`,
:mod:`.routes_pages`, :mod:`.routes_admin`, :mod:`.routes_api`).
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from pathlib import Path

import uvicorn
from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates

from ..analysis.tracks import TRACK_IDS, track_label
from ..catalog.saturation import row_label
from ..db import make_engine
from ..errors import ConfigError
from ..settings import Settings, load_settings
from ..triage.auth import secret_key
from ..triage.catalogs import open_catalog
from ..triage.intake import DEFAULT_INTAKE_LIMITS, IntakeLimits
from ..triage.models import init_db, now
from ..triage.pipeline import PipelineFn, pipeline_for, trope_label
from ..triage.watch import FolderWatcher
from ..triage.worker import Worker, WorkerProcesses, lower_priority
from . import routes_admin, routes_api, routes_auth, routes_ip, routes_pages, routes_workflow
from .deps import DeskState
from .errors import install_error_handlers
from .guard import Guard
from .i18n import translator

__all__ = ["create_app", "server_config"]

HERE = Path(__file__).parent
TITLE = "dramalens script desk"


def _status_label(lang: str, status: str) -> str:
    return translator(lang)(f"status.{status}")


def templates() -> Jinja2Templates:
    """The page templates, with the helpers every page may call."""
    found = Jinja2Templates(directory=str(HERE / "templates"))
    found.env.globals["status_label"] = _status_label
    found.env.globals["trope_label"] = trope_label
    found.env.globals["track_label"] = track_label
    found.env.globals["track_ids"] = TRACK_IDS
    found.env.globals["row_label"] = row_label  # a saturation row named in the page's language
    return found


@asynccontextmanager
async def lifespan(app: FastAPI) -> AsyncIterator[None]:
    """Run the desk's worker threads and folder watcher while the app serves."""
    desk: DeskState = app.state.desk
    if desk.worker_processes:
        desk.pool = WorkerProcesses(str(desk.db_url), desk.worker_processes, pipeline=desk.pipeline,
                                    weights_file=desk.weights_file)
        desk.pool.start()
        # After the spawn, so the workers keep the priority the server was started with and
        # reviewers' pages yield a core both want to the analysis (Settings.web_niceness).
        lower_priority(desk.web_niceness)
    if desk.workers:
        desk.worker = Worker(desk.engine, pipeline=desk.pipeline, threads=desk.workers, poll=desk.worker_poll,
                             catalog=open_catalog(desk.db_url), name="serve", weights_file=desk.weights_file)
        desk.worker.start()
    if desk.watcher is not None:
        desk.watcher.start()
    try:
        yield
    finally:
        if desk.watcher is not None:
            desk.watcher.stop()
        if desk.worker is not None:
            desk.worker.stop()
        if desk.pool is not None:
            desk.pool.stop()


def create_app(
    db_url: str | None = None,
    *,
    workers: int = 0,
    worker_processes: int = 0,
    pipeline: PipelineFn | None = None,
    limits: IntakeLimits = DEFAULT_INTAKE_LIMITS,
    secure_cookies: bool | None = None,
    worker_poll: float = 0.5,
    watch: str | Path | None = None,
    clock: Callable[[], float] | None = None,
    settings: Settings | None = None,
    web_niceness: int = 0,
) -> FastAPI:
    """The web application over the database at ``db_url`` (migrated on creation).

    ``workers`` > 0 runs that many queue-worker threads inside the app, ``worker_processes`` > 0
    that many worker processes beside it (what ``serve`` does: threads inside the web process
    slow its pages down under load); ``pipeline`` replaces
    the real analysis (tests only). ``watch``: a folder polled for dropped scripts (a
    :class:`~dramalens.triage.watch.FolderWatcher` thread, desk ``default``). ``clock``: a
    function giving epoch seconds, used by the login throttle (tests inject a fake one).
    ``settings``: the :class:`~dramalens.settings.Settings` (default: loaded here, this factory
    being an entry point like the command line); ``db_url`` and ``secure_cookies`` override it.
    ``web_niceness``: how far the process serving the app lowers its CPU priority once its
    ``worker_processes`` are started (``serve`` and ``demo`` pass ``Settings.web_niceness``; 0,
    the default, leaves a process that embeds the app, such as a test, as it was).

    >>> create_app("sqlite://").title
    'dramalens script desk'
    """
    if not (0 <= workers <= 64 and 0 <= worker_processes <= 64):
        raise ConfigError(f"workers and worker_processes must be between 0 and 64, got {workers}, {worker_processes}")
    if not 0 <= web_niceness <= 19:
        raise ConfigError(f"web_niceness must be between 0 and 19, got {web_niceness}")
    settings = settings or load_settings()
    db_url = db_url or settings.db_url
    engine = init_db(make_engine(db_url))
    # Built before the server starts, so a missing folder is refused at once.
    watcher = FolderWatcher(engine, watch, limits=limits) if watch is not None else None
    app = FastAPI(title=TITLE, lifespan=lifespan, docs_url=None, redoc_url=None, openapi_url=None)
    app.state.desk = DeskState(
        engine=engine, db_url=db_url, templates=templates(), key=secret_key(engine, settings.secret), limits=limits,
        secure_cookies=settings.secure_cookies if secure_cookies is None else secure_cookies, clock=clock or now,
        weights_file=settings.triage_settings, pipeline=pipeline or pipeline_for(settings.compliance_rules, settings.read_quality_threshold),
        workers=workers, worker_processes=worker_processes, worker_poll=worker_poll, watcher=watcher,
        similar_threshold=settings.similar_threshold, web_niceness=web_niceness)
    app.mount("/static", StaticFiles(directory=str(HERE / "static")), name="static")
    app.add_middleware(Guard)
    install_error_handlers(app)
    for module in (routes_auth, routes_pages, routes_workflow, routes_ip, routes_admin, routes_api):
        app.include_router(module.router)
    return app


def server_config(app: FastAPI, host: str, port: int, *, log_level: str = "info") -> uvicorn.Config:
    """How ``serve``, ``demo`` and the browser test run the app: no ``Server: uvicorn`` banner
    (it tells an attacker what to look up), proxy headers from trusted proxies only.

    >>> # uvicorn.Server(server_config(create_app(None), "127.0.0.1", 8000)).run()
    """
    return uvicorn.Config(app, host=host, port=port, log_level=log_level, server_header=False)
