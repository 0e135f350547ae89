"""Issue 11, part 8: every authenticated answer (pages, exports, the JSON API) is ``no-store``
and carries the Permissions-Policy; the server sends no banner. The routes are read from the app
itself, so a page added later is checked without touching this file."""

from __future__ import annotations

import http.client
import re
import urllib.parse

import pytest
from fastapi.routing import APIRoute
from fastapi.testclient import TestClient

from dramalens.triage.auth import add_user, issue_token
from dramalens.triage.intake import SubmissionMeta, submit
from dramalens.triage.worker import Worker
from dramalens.web.app import create_app
from browser_support import live_server
from triage_support import fake_pipeline_for_tests, fast_hash, login, make_script  # noqa: F401

pytestmark = pytest.mark.usefixtures("fast_hash")


@pytest.fixture
def desk(tmp_path):
    app = create_app(f"sqlite:///{tmp_path / 'h.sqlite'}", workers=0, pipeline=fake_pipeline_for_tests)
    engine = app.state.desk.engine
    add_user(engine, "boss", "teal-kettle-42", admin=True, desk="都市")
    sid = submit(engine, [("a.txt", make_script(3).encode())], SubmissionMeta(), desk_id=1, by="boss").submission_ids[0]
    Worker(engine, pipeline=fake_pipeline_for_tests, poll=0.05).run_until_empty()
    return app, sid, issue_token(engine, "boss")


def _get_paths(app, sid: int) -> list[str]:
    paths = []
    for entry in app.routes:  # included routers wrap their routes (original_router)
        inner = getattr(entry, "original_router", None)
        for route in (inner.routes if inner is not None else [entry]):
            if isinstance(route, APIRoute) and "GET" in route.methods:
                paths.append(re.sub(r"\{[a-z_]+\}", str(sid), route.path))
    return sorted(set(paths))


def test_every_authenticated_answer_is_no_store_with_a_permissions_policy(desk):
    app, sid, token = desk
    paths = _get_paths(app, sid)
    assert "/queue" in paths and "/export.csv" in paths and "/api/export.csv" in paths
    with TestClient(app) as client:
        login(client, "boss", "teal-kettle-42")
        for path in paths:
            headers = {"Authorization": f"Bearer {token}"} if path.startswith("/api/") else {}
            r = client.get(path, headers=headers, follow_redirects=False)
            assert r.status_code < 500, path
            assert r.headers.get("cache-control") == "no-store", path
            assert "camera=()" in r.headers.get("permissions-policy", ""), path


def test_the_running_server_sends_no_banner(desk):
    app, _sid, _token = desk
    with live_server(app) as base:
        url = urllib.parse.urlsplit(base)
        conn = http.client.HTTPConnection(url.hostname or "127.0.0.1", url.port, timeout=10)
        for path in ("/login", "/queue", "/static/desk.css", "/no-such-page"):
            conn.request("GET", path)
            r = conn.getresponse()
            r.read()
            assert r.getheader("server") is None, path
        conn.close()
