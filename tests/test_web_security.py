"""Security of the web app: auth on every route, CSRF on every form, upload limits, hostile
archives and file names, HTML escaping everywhere."""

from __future__ import annotations

import re
import time

import pytest
from fastapi.routing import APIRoute
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from dramalens.triage.auth import add_user, issue_token
from dramalens.triage.intake import IntakeLimits
from dramalens.triage.models import submissions
from dramalens.web.app import create_app
from triage_support import (REAL_PIPELINE, csrf_of, fake_pipeline_for_tests, fast_hash, login, make_script,  # noqa: F401
                            make_zip)

pytestmark = pytest.mark.usefixtures("fast_hash")

PUBLIC = {("GET", "/login"), ("GET", "/lang/{code}")}
XSS = "<script>alert('x')</script>"


@pytest.fixture
def app(tmp_path):
    app = create_app(f"sqlite:///{tmp_path / 'sec.sqlite'}", limits=IntakeLimits(max_upload_bytes=200_000, max_files=5))
    add_user(app.state.desk.engine, "ann", "password-a", desk="都市")
    add_user(app.state.desk.engine, "boss", "password-b", admin=True, desk="都市")
    return app


def _api_routes(routes):
    # FastAPI >= 0.16x keeps included routers as wrappers; older versions flatten them.
    for route in routes:
        if isinstance(route, APIRoute):
            yield route
        elif hasattr(route, "original_router"):
            yield from _api_routes(route.original_router.routes)


def _routes(app):
    for route in _api_routes(app.routes):
        for method in sorted(route.methods - {"HEAD"}):
            yield method, route.path


def _fill(path: str) -> str:
    return re.sub(r"\{[^}]+\}", "1", path)


def test_every_route_refuses_anonymous(app):
    routes = list(_routes(app))
    assert len(routes) >= 20  # the enumeration sees the whole app
    with TestClient(app) as client:
        for method, path in routes:
            if (method, path) in PUBLIC:
                continue
            r = client.request(method, _fill(path), follow_redirects=False)
            refused = r.status_code in (401, 403) or (r.status_code == 303 and r.headers["location"] == "/login")
            assert refused, f"{method} {path} answered {r.status_code} without a login"
            assert "ann" not in r.text


def test_csrf_required_on_every_form_post(app):
    with TestClient(app) as client:
        assert login(client, "boss", "password-b").status_code == 303
        posts = [(m, p) for m, p in _routes(app) if m == "POST" and not p.startswith("/api/") and p != "/login"]
        assert {"/logout", "/upload", "/settings", "/submissions/{submission_id}/decision"} <= {p for _, p in posts}
        for _, path in posts:
            for token in (None, "wrong-token"):
                data = {"csrf_token": token} if token else {}
                data.update({"status": "signed", "version": "1", "text": "x", "originality": "1", "craft": "1", "risk": "1"})
                files = {"file": ("a.txt", b"x")} if path == "/upload" else None
                r = client.post(_fill(path), data=data, files=files, follow_redirects=False)
                assert r.status_code == 403, f"POST {path} with csrf={token!r} answered {r.status_code}"
        assert client.get("/queue").status_code == 200  # still logged in: logout was refused too
        # Every form the pages render carries the token.
        for page in ("/queue", "/upload", "/settings"):
            html = client.get(page).text
            for form in re.findall(r"<form[^>]*method=\"post\".*?</form>", html, re.S):
                assert 'name="csrf_token"' in form


def test_login_form_needs_its_token(app):
    with TestClient(app) as client:
        r = client.post("/login", data={"name": "ann", "password": "password-a"}, follow_redirects=False)
        assert r.status_code == 403
        r = client.post("/login", data={"name": "ann", "password": "password-a", "csrf_token": "forged"}, follow_redirects=False)
        assert r.status_code == 403
        assert login(client, "ann", "nope").status_code == 401
        assert login(client, "ann", "password-a").status_code == 303


def test_logout_kills_the_session_and_admin_pages_need_admin(app):
    with TestClient(app) as client:
        login(client, "ann", "password-a")
        cookie = client.cookies.get("dl_session")
        assert client.get("/settings").status_code == 403
        token = csrf_of(client.get("/queue").text)
        assert client.post("/logout", data={"csrf_token": token}, follow_redirects=False).status_code == 303
        client.cookies.set("dl_session", cookie)  # a copy of the old cookie
        assert client.get("/queue", follow_redirects=False).status_code == 303


def test_upload_limits_and_hostile_archives(app):
    engine = app.state.desk.engine
    headers = {"Authorization": f"Bearer {issue_token(engine, 'ann')}"}
    cases = {
        "slip.zip": make_zip({"ok.txt": "第1集", "../../etc/cron.d/evil.txt": "x"}),
        "abs.zip": make_zip({"/tmp/evil.txt": "x"}),
        "bomb.zip": make_zip({"bomb.txt": b"0" * (30 * 1024 * 1024)}),
        "many.zip": make_zip({f"{i}.txt": "第1集" for i in range(8)}),
    }
    with TestClient(app) as client:
        login(client, "ann", "password-a")
        token = csrf_of(client.get("/upload").text)
        for name, data in cases.items():
            r = client.post("/api/submissions", headers=headers, files={"file": (name, data)})
            assert r.status_code == 400 and r.json()["error"] == "InputError", name
            r = client.post("/upload", data={"csrf_token": token}, files={"file": (name, data)}, follow_redirects=False)
            assert r.status_code == 400, name
        for bad_name in ("../evil.txt", "..\\evil.txt", "a/b.txt"):
            r = client.post("/api/submissions", headers=headers, files={"file": (bad_name, "第1集".encode())})
            assert r.status_code == 400, bad_name
        big = b"x" * 300_000
        r = client.post("/api/submissions", headers=headers, files={"file": ("big.txt", big)})
        assert r.status_code == 413 and r.json()["error"] == "InputError"
        chunks = iter([b"x" * 1000] * 3)
        r = client.post("/api/submissions", headers={**headers, "Content-Type": "multipart/form-data; boundary=b"},
                        content=chunks)
        assert r.status_code == 411  # no length to check: refused before the body is read
    with engine.connect() as c:
        assert c.execute(select(func.count()).select_from(submissions)).scalar_one() == 0


def test_html_in_scripts_is_escaped_on_every_page(tmp_path):
    app = create_app(f"sqlite:///{tmp_path / 'xss.sqlite'}", workers=1, pipeline=REAL_PIPELINE, worker_poll=0.1)
    engine = app.state.desk.engine
    add_user(engine, "boss", "password-b", admin=True)
    text = make_script(3, episodes=2) + f"\n林晚：{XSS}\n△{XSS}\n"
    with TestClient(app) as client:
        login(client, "boss", "password-b")
        token = csrf_of(client.get("/upload").text)
        r = client.post("/upload", data={"csrf_token": token, "title": f"T{XSS}", "track": XSS, "synopsis": XSS},
                        files={"file": ("x.txt", text.encode())}, follow_redirects=False)
        assert r.status_code == 200 and "x.txt" in r.text  # the receipt
        deadline = time.time() + 30
        while time.time() < deadline:
            with engine.connect() as c:
                if c.execute(select(submissions.c.analysis_state)).scalar_one() == "done":
                    break
            time.sleep(0.1)
        client.post("/submissions/1/notes", data={"csrf_token": token, "text": XSS})
        pages = ["/queue", "/submissions/1", "/submissions/1/report", "/saturation", "/catalog", "/settings",
                 f"/queue?q={XSS}"]
        for page in pages:
            html = client.get(page).text
            assert XSS not in html, page
        assert "&lt;script&gt;" in client.get("/submissions/1").text
        report = client.get("/submissions/1/report")
        assert report.status_code == 200 and "sandbox" in report.headers["content-security-policy"]


def test_language_switch_has_no_open_redirect(app):
    with TestClient(app) as client:
        for target in ("https://evil.example/", "//evil.example", "/\\evil.example"):
            r = client.get(f"/lang/zh?next={target}", follow_redirects=False)
            assert r.headers["location"] == "/queue"
        r = client.get("/lang/zh?next=/upload", follow_redirects=False)
        assert r.headers["location"] == "/upload" and "dl_lang=zh" in r.headers["set-cookie"]
        login(client, "ann", "password-a")
        client.cookies.set("dl_lang", "zh")
        assert "待审队列" in client.get("/queue").text


def test_fake_pipeline_is_only_a_test_double():
    assert fake_pipeline_for_tests.__name__.endswith("_for_tests") and REAL_PIPELINE.__module__ == "dramalens.triage.pipeline"
