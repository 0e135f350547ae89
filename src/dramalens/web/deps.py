"""What every route needs: the desk's state, who is asking (session or API token), CSRF,
language, rendering."""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace

from fastapi import Request
from fastapi.templating import Jinja2Templates
from sqlalchemy.engine import Engine
from starlette.concurrency import run_in_threadpool
from starlette.responses import HTMLResponse, Response

from ..errors import PermissionDenied
from ..triage.auth import check_csrf, session_user, token_user
from ..triage.intake import IntakeLimits
from ..triage.listing import queue_data_version
from ..triage.pipeline import PipelineFn
from ..triage.review import User
from ..triage.watch import FolderWatcher
from ..triage.worker import Worker, WorkerProcesses
from .i18n import LANGUAGES, translator
from .pagecache import CSRF_MARK, NAME_MARK, PageCache, personalise

__all__ = ["COOKIE", "LANG_COOKIE", "DeskState", "LoginRequired", "Viewer", "admin_viewer", "api_user", "check_form",
           "client_address", "language_of", "render", "render_shared", "state", "viewer"]

COOKIE = "dl_session"
LANG_COOKIE = "dl_lang"


class LoginRequired(Exception):
    """Raised by :func:`viewer` when there is no valid session: pages redirect to /login."""


@dataclass(slots=True)
class DeskState:
    """What the routes share (``app.state.desk``): the engine, templates, signing key, limits,
    and the worker threads and folder watcher the app runs while it is up."""

    engine: Engine
    db_url: str | None
    templates: Jinja2Templates
    key: str
    limits: IntakeLimits
    secure_cookies: bool
    clock: Callable[[], float]
    weights_file: str | os.PathLike[str] | None
    pipeline: PipelineFn
    workers: int = 0
    worker_poll: float = 0.5
    watcher: FolderWatcher | None = None
    worker: Worker | None = None
    worker_processes: int = 0
    pool: WorkerProcesses | None = None
    #: Niceness the web process adds to itself once its worker processes run (Settings.web_niceness).
    web_niceness: int = 0
    #: Similar works under this combined score are not listed (Settings.similar_threshold).
    similar_threshold: float = 0.0
    pages: PageCache = field(default_factory=PageCache)


@dataclass(frozen=True, slots=True)
class Viewer:
    """A logged-in browser user with the CSRF token of their session."""

    user: User
    csrf: str


def language_of(request: Request) -> str:
    """The language cookie's, else ``zh`` for a Chinese Accept-Language, else ``en``."""
    lang = request.cookies.get(LANG_COOKIE, "")
    if lang in LANGUAGES:
        return lang
    accept = request.headers.get("accept-language", "")
    return "zh" if accept.lower().startswith("zh") else "en"


def client_address(request: Request) -> str:
    """The peer's address, as the server saw it. Behind a reverse proxy, uvicorn puts the real
    client here only for trusted proxies (``FORWARDED_ALLOW_IPS``); a raw ``X-Forwarded-For`` is
    never read here (any client could forge it)."""
    return request.client.host if request.client else "unknown"


def state(request: Request) -> DeskState:
    """The desk's shared state (set by :func:`dramalens.web.app.create_app`)."""
    desk: DeskState = request.app.state.desk
    return desk


async def viewer(request: Request) -> Viewer:
    """The session's user, or LoginRequired. API tokens are not accepted here (and cookies are
    not accepted by the API): each surface has one way in, so CSRF has one place to guard.

    Run on the event loop: the lookup is one read by primary key, and handing it to a thread
    and back cost more than the read (under load, each hand-off waits for the GIL)."""
    st = state(request)
    found = session_user(st.engine, st.key, request.cookies.get(COOKIE))
    if found is None:
        raise LoginRequired()
    return Viewer(*found)


async def admin_viewer(request: Request) -> Viewer:
    """The session's user if an admin; PermissionDenied for a reviewer."""
    v = await viewer(request)
    if not v.user.is_admin:
        raise PermissionDenied("only admins may open this page", key="err.admins_only")
    return v


def api_user(request: Request) -> User:
    """The owner of the ``Authorization: Bearer`` token, or PermissionDenied (401 shape);
    TooManyRequests (429) while the client's address is locked out by failed logins/tokens."""
    header = request.headers.get("authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer":
        token = ""
    st = state(request)
    return token_user(st.engine, token.strip() or None, client_address(request), at=st.clock())


def check_form(v: Viewer, token: str | None) -> None:
    """Refuse a form whose CSRF token does not match the session's."""
    check_csrf(v.csrf, token)


def render(request: Request, name: str, context: Mapping[str, object], *, v: Viewer | None = None,
           status_code: int = 200) -> Response:
    """Template ``name`` with ``context`` and what every page shows (language, user, CSRF token)."""
    lang = language_of(request)
    ctx: dict[str, object] = {"lang": lang, "t": translator(lang), "user": v.user if v else None, "csrf": v.csrf if v else "",
           "path": request.url.path}
    ctx.update(context)
    return state(request).templates.TemplateResponse(request, name, ctx, status_code=status_code)


def _file_stamp(path: object) -> tuple[int, int] | None:
    """(modified time, size) of the weights file: an edited file re-ranks the queue at once, so
    it is part of the kept page's key (the data-version counters only see the database)."""
    try:
        info = os.stat(path) if isinstance(path, str | os.PathLike) else None
    except OSError:
        return None
    return None if info is None else (info.st_mtime_ns, info.st_size)


async def render_shared(request: Request, name: str, context: Callable[[], Mapping[str, object]], *,
                        v: Viewer) -> Response:
    """Template ``name`` as every user of ``v``'s desk sees it alike (the queue), from the desk's
    page cache while the data is unchanged (:mod:`.pagecache`); ``context()`` runs only to build,
    in a worker thread (a kept page is served on the event loop: no thread hand-off).

    The shared render knows the reader only as a desk (or admin) and a language: the name and
    CSRF token are markers filled per request, and the user id is 0, so a template that starts
    showing one reader's own rows cannot leak them to a colleague (a test compares the kept page
    with a fresh render for another reader).
    """
    st, lang, user = state(request), language_of(request), v.user
    key = (name, lang, user.is_admin, None if user.is_admin else user.desk_id, request.url.path,
           tuple(sorted(request.query_params.multi_items())), _file_stamp(st.weights_file))
    version = queue_data_version(st.engine)  # before the rows (see .pagecache)

    def build() -> str:
        ctx: dict[str, object] = {"lang": lang, "t": translator(lang), "user": replace(user, id=0, name=NAME_MARK),
                                  "csrf": CSRF_MARK, "path": request.url.path, "request": request}
        ctx.update(context())
        return st.templates.get_template(name).render(ctx)

    page = st.pages.kept(key, version)  # on the event loop: a kept page costs a dict lookup
    if page is None:  # building (or waiting for a build) happens in a worker thread
        page = await run_in_threadpool(st.pages.page, key, version, build)
    return HTMLResponse(personalise(page, user.name, v.csrf))
