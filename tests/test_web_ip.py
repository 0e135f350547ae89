"""The IP section: upload a novel, see the plan, change its parameters, download JSON and outline."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time

import httpx2
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
        assert "Book to episodes" in page.text and "原著到分集" not in page.text  # the plan in the reader's language
        data = json.loads(client.get(where + "/plan.json?episodes=4&span=all").text)
        assert [e["to"]["chapter"] for e in data["episodes"]][:3] == list(ZH_TURNS)
        outline = client.get(where + "/outline.txt?episodes=4&span=all")
        assert outline.text.count("第") >= 4 and "第4集" in outline.text
        horizontal = json.loads(client.get(where + "/plan.json?format=horizontal&episodes=2&span=1-6").text)
        assert horizontal["format"] == "horizontal" and horizontal["left_for_later"] == list(range(7, 13))
        assert client.get(where + "?span=nonsense").status_code == 400
        client.cookies.set("dl_lang", "zh")
        in_zh = client.get(where + "?episodes=4&span=all").text
        assert "IP改编" in in_zh and "原著到分集" in in_zh and "Book to episodes" not in in_zh
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


def test_an_upload_is_seen_by_every_server_process(tmp_path):
    """Two app instances on one SQLite file, in two processes (a server started here in a
    subprocess): the novel uploaded through one is planned and downloaded through the other,
    for its uploader only. An upload held in one process's memory would be a 404 there."""
    url = f"sqlite:///{tmp_path / 'shared.sqlite'}"
    first = create_app(url, workers=0)
    add_user(first.state.desk.engine, "ann", "password-a", desk="都市")
    add_user(first.state.desk.engine, "bob", "password-b", desk="都市")
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    code = ("import uvicorn, sys; from dramalens.web.app import create_app, server_config; "
            "uvicorn.Server(server_config(create_app(sys.argv[1], workers=0), '127.0.0.1', int(sys.argv[2]), "
            "log_level='warning')).run()")
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)}
    other = subprocess.Popen([sys.executable, "-c", code, url, str(port)], env=env)
    try:
        base = f"http://127.0.0.1:{port}"
        for _ in range(300):  # the server imports and binds: seconds, never assumed
            try:
                if httpx2.get(base + "/login", timeout=1).status_code == 200:
                    break
            except httpx2.TransportError:
                time.sleep(0.1)
        with TestClient(first) as a:
            login(a, "ann", "password-a")
            sent = a.post("/ip", data={"csrf_token": csrf_of(a.get("/ip").text)},
                          files={"file": ("晚霞.txt", zh_novel().encode("utf-8"))}, follow_redirects=False)
            where = sent.headers["location"]
            # The same browser: its next requests served by the other process.
            with httpx2.Client(base_url=base, cookies=dict(a.cookies), timeout=60) as b:
                got = b.get(where + "/plan.json?episodes=4&span=all")
                assert got.status_code == 200, got.text
                data = got.json()
                assert [e["to"]["chapter"] for e in data["episodes"]][:3] == list(ZH_TURNS)
                assert "第4集" in b.get(where + "/outline.txt?episodes=4&span=all").text
            with TestClient(first) as bob:
                login(bob, "bob", "password-b")
                with httpx2.Client(base_url=base, cookies=dict(bob.cookies), timeout=60) as b:
                    assert b.get(where).status_code == 404
    finally:
        other.terminate()
        other.wait(timeout=30)


def test_each_account_keeps_its_last_uploads(tmp_path):
    from dramalens.errors import NotFoundError
    from dramalens.triage.ip_novels import HELD_PER_OWNER, held_novel, hold_novel

    app = create_app(f"sqlite:///{tmp_path / 'ip.sqlite'}", workers=0)
    engine = app.state.desk.engine
    novel = zh_novel(chapters=3).encode("utf-8")
    tokens = [hold_novel(engine, "ann", f"{k}.txt", novel) for k in range(HELD_PER_OWNER + 2)]
    theirs = hold_novel(engine, "bob", "b.txt", novel)
    with pytest.raises(NotFoundError):
        held_novel(engine, "ann", tokens[0])  # the oldest went first
    assert held_novel(engine, "ann", tokens[-1])[0] == f"{HELD_PER_OWNER + 1}.txt"
    assert held_novel(engine, "bob", theirs)[0] == "b.txt"  # another account's uploads untouched
    with pytest.raises(NotFoundError):
        held_novel(engine, "bob", tokens[-1])
