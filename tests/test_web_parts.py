"""The parts create_app assembles: form parsing (web/forms.py), the request guard (web/guard.py)
and the one error shape (web/errors.py)."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from dramalens.errors import ConfigError
from dramalens.triage.intake import IntakeLimits
from dramalens.web.app import create_app
from dramalens.web.forms import float_or_none, int_or_none, meta_from_form
from dramalens.web.guard import SECURITY_HEADERS


def test_form_numbers_are_checked_and_named():
    assert int_or_none(None, "page") is None and int_or_none(" ", "page") is None and int_or_none("3", "page") == 3
    assert float_or_none("0.5", "min_score") == 0.5
    with pytest.raises(ConfigError, match="episodes must be a whole number"):
        int_or_none("eighty", "episodes")
    with pytest.raises(ConfigError, match="min_score must be a number"):
        float_or_none("high", "min_score")
    meta = meta_from_form(" 题 ", "horizontal", "", " 都市 ", " 梗概 ", "300000")
    assert (meta.title, meta.format, meta.episodes, meta.track, meta.synopsis, meta.budget) == \
        ("题", "horizontal", None, "都市", "梗概", 300000)
    with pytest.raises(ConfigError, match="format"):
        meta_from_form("", "square", "", "", "", "")


@pytest.fixture
def client(tmp_path):
    app = create_app(f"sqlite:///{tmp_path / 'w.sqlite'}", limits=IntakeLimits(max_upload_bytes=1024))
    with TestClient(app) as c:
        yield c


def test_every_answer_carries_the_security_headers(client):
    for path in ("/login", "/nope", "/api/submissions"):
        r = client.get(path)
        for name, value in SECURITY_HEADERS.items():
            assert r.headers[name] == value, (path, name)


def test_guard_refuses_a_body_over_the_limit_before_reading_it(client):
    r = client.post("/api/submissions", content=b"x" * 100_000, headers={"Content-Type": "application/octet-stream"})
    assert r.status_code == 413 and "1,024 bytes" in r.json()["message"]
    r = client.post("/api/submissions", content=b"x", headers={"Content-Length": "lots"})
    assert r.status_code == 413


def test_errors_are_json_for_the_api_and_a_page_for_browsers(client):
    api = client.get("/api/submissions/1")
    assert api.status_code == 403 and set(api.json()) == {"error", "message", "source", "hint"}
    page = client.get("/nope")
    assert page.status_code == 404 and "text/html" in page.headers["content-type"] and "no such page" in page.text
    assert client.get("/nope", headers={"Accept": "application/json"}).json()["error"] == "NotFoundError"
    assert client.get("/queue", follow_redirects=False).headers["location"] == "/login"  # pages ask to log in
    assert client.post("/logout").status_code == 401  # a form without a session: the JSON 401
