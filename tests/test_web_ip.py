"""The IP section: upload a novel, see the plan, change its parameters, download JSON and outline."""

from __future__ import annotations

import json

import pytest
from adaptation_fixtures import ZH_TURNS, zh_novel
from fastapi.testclient import TestClient

from dramalens.triage.auth import add_user
from dramalens.web.app import create_app
from triage_support import csrf_of, fast_hash, login  # noqa: F401

pytestmark = pytest.mark.usefixtures("fast_hash")


def test_upload_plan_replan_and_download(tmp_path):
    app = create_app(f"sqlite:///{tmp_path / 'ip.sqlite'}", workers=0)
    add_user(app.state.desk.engine, "ann", "password-a", desk="都市")
    add_user(app.state.desk.engine, "bob", "password-b", desk="都市")
    with TestClient(app) as client:
        login(client, "ann", "password-a")
        form = client.get("/ip")
        assert form.status_code == 200 and 'action="/ip"' in form.text
        # No CSRF token: refused.
        bad = client.post("/ip", files={"file": ("n.txt", zh_novel().encode("gb18030"))}, follow_redirects=False)
        assert bad.status_code in (400, 403)
        sent = client.post("/ip", data={"csrf_token": csrf_of(form.text)},
                           files={"file": ("晚霞.txt", zh_novel().encode("gb18030"))}, follow_redirects=False)
        assert sent.status_code == 303
        where = sent.headers["location"]
        page = client.get(where + "?episodes=4&span=all")
        assert page.status_code == 200 and "srcdoc=" in page.text and "download-json" in page.text
        data = json.loads(client.get(where + "/plan.json?episodes=4&span=all").text)
        assert [e["to"]["chapter"] for e in data["episodes"]][:3] == list(ZH_TURNS)
        outline = client.get(where + "/outline.txt?episodes=4&span=all")
        assert outline.text.count("第") >= 4 and "第4集" in outline.text
        horizontal = json.loads(client.get(where + "/plan.json?format=horizontal&episodes=2&span=1-6").text)
        assert horizontal["format"] == "horizontal" and horizontal["left_for_later"] == list(range(7, 13))
        assert client.get(where + "?span=nonsense").status_code == 400
        client.cookies.set("dl_lang", "zh")
        assert "IP改编" in client.get(where + "?episodes=4&span=all").text
        client.post("/logout", data={"csrf_token": csrf_of(page.text)})
        login(client, "bob", "password-b")
        assert client.get(where).status_code == 404  # another user's upload is not found


@pytest.mark.parametrize("name, content", [("junk.txt", bytes(range(256)) * 40), ("empty.txt", b""), ("book.epub", b"PK\x03\x04not a zip")])
def test_a_broken_upload_gets_one_clear_refusal(tmp_path, name, content):
    app = create_app(f"sqlite:///{tmp_path / 'ip.sqlite'}", workers=0)
    add_user(app.state.desk.engine, "ann", "password-a", desk="都市")
    with TestClient(app) as client:
        login(client, "ann", "password-a")
        form = client.get("/ip")
        sent = client.post("/ip", data={"csrf_token": csrf_of(form.text)}, files={"file": (name, content)},
                           follow_redirects=False, headers={"accept": "application/json"})
        assert 400 <= sent.status_code < 500, sent.text
        assert sent.json()["message"]  # what went wrong, in one message
        # Nothing half-stored: the broken upload has no plan page to visit.
        assert "/ip/" not in sent.headers.get("location", "")
