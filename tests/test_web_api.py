"""The JSON API over a real SQLite file (and PostgreSQL when DRAMALENS_TEST_PG is set)."""

from __future__ import annotations

import csv
import io
import os
import time

import pytest
from fastapi.testclient import TestClient

from dramalens.triage.auth import add_user, issue_token
from dramalens.web.app import create_app
from triage_support import REAL_PIPELINE, fast_hash, login, make_script, make_zip  # noqa: F401

pytestmark = [pytest.mark.usefixtures("fast_hash")]

URLS = [pytest.param("sqlite", id="sqlite")]
if os.environ.get("DRAMALENS_TEST_PG"):
    URLS.append(pytest.param("pg", id="postgresql", marks=pytest.mark.pg))


def _app(kind, tmp_path):
    if kind == "pg":
        from sqlalchemy import inspect, text

        from dramalens.db import make_engine

        url = os.environ["DRAMALENS_TEST_PG"]
        engine = make_engine(url)
        # Every table of the desk, whatever later migrations added: a fresh schema each run.
        names = [n for n in inspect(engine).get_table_names() if n.startswith("triage_") or n == "alembic_version_triage"]
        if names:
            with engine.begin() as c:
                c.execute(text(f"DROP TABLE IF EXISTS {', '.join(names)} CASCADE"))
    else:
        url = f"sqlite:///{tmp_path / 'api.sqlite'}"
    return create_app(url, workers=1, pipeline=REAL_PIPELINE, worker_poll=0.1)


def _wait_done(client, headers, batch, n, timeout=60):
    deadline = time.time() + timeout
    while time.time() < deadline:
        body = client.get(f"/api/submissions?batch={batch}", headers=headers).json()
        if body["progress"]["done"] + body["progress"]["failed"] == n:
            return body
        time.sleep(0.1)
    raise AssertionError(f"queue did not finish: {body['progress']}")


@pytest.mark.parametrize("kind", URLS)
def test_submit_list_get_decide_export(kind, tmp_path):
    app = _app(kind, tmp_path)
    engine = app.state.desk.engine
    add_user(engine, "ann", "password-a", desk="都市")
    add_user(engine, "eve", "password-e", desk="古装")
    ann = {"Authorization": f"Bearer {issue_token(engine, 'ann')}"}
    eve = {"Authorization": f"Bearer {issue_token(engine, 'eve')}"}
    batch = make_zip({f"剧本{i}.txt": make_script(i, episodes=3) for i in range(4)})
    with TestClient(app) as client:
        r = client.post("/api/submissions", headers=ann, files={"file": ("batch.zip", batch, "application/zip")},
                        data={"track": "都市", "format": "vertical", "episodes": "3", "budget": "400000"})
        assert r.status_code == 201, r.text
        receipt = r.json()
        assert len(receipt["submission_ids"]) == 4
        body = _wait_done(client, ann, receipt["batch_id"], 4)
        assert body["total"] == 4 and body["progress"]["done"] == 4
        scores = [row["score"] for row in body["items"]]
        assert scores == sorted(scores, reverse=True) and all(0 <= s <= 100 for s in scores)  # ranked
        titles = [row["title"] for row in client.get("/api/submissions?sort=title&direction=asc", headers=ann).json()["items"]]
        assert titles == sorted(titles) and "测试剧0" in titles  # the script's own title replaced the file's stem
        assert client.get("/api/submissions?track=古装", headers=ann).json()["total"] == 0
        assert client.get("/api/submissions?language=zh&format=vertical", headers=ann).json()["total"] == 4

        sid = receipt["submission_ids"][0]
        one = client.get(f"/api/submissions/{sid}", headers=ann).json()
        assert one["score"]["evidence"] and one["analysis"]["episode_count"] == 3 and one["job"]["status"] == "done"
        assert "content" not in one

        assert client.get(f"/api/submissions/{sid}", headers=eve).status_code == 404  # another desk
        assert client.get("/api/submissions", headers=eve).json()["total"] == 0

        r = client.post(f"/api/submissions/{sid}/decision", headers=ann, json={"status": "signed", "version": 1, "note": "签"})
        assert r.status_code == 200 and r.json()["version"] == 2
        r = client.post(f"/api/submissions/{sid}/decision", headers=ann, json={"status": "passed", "version": 1})
        assert r.status_code == 409
        assert set(r.json()) == {"error", "message", "source", "hint"} and r.json()["error"] == "ConflictError"
        r = client.post(f"/api/submissions/{sid}/decision", headers=ann, json={"status": "signed"})
        assert r.status_code == 400 and r.json()["error"] == "InputError"

        r = client.get("/api/export.csv", headers=ann)
        assert r.status_code == 200 and r.headers["content-type"].startswith("text/csv")
        rows = list(csv.DictReader(io.StringIO(r.content.decode("utf-8-sig"))))
        assert len(rows) == 4 and {row["status"] for row in rows} == {"signed", "new"}
        signed = [row for row in rows if row["status"] == "signed"][0]
        assert signed["decided_by"] == "ann" and signed["id"] == str(sid)
        log = client.get("/api/export.csv?kind=decisions", headers=ann).content.decode("utf-8-sig")
        assert "conflict" in log and "applied" in log


def test_api_refuses_without_token_and_with_cookie_only(tmp_path):
    app = create_app(f"sqlite:///{tmp_path / 'a.sqlite'}")
    with TestClient(app) as client:
        r = client.get("/api/submissions")
        assert r.status_code == 403 and r.json()["error"] == "PermissionDenied"
        assert client.get("/api/submissions", headers={"Authorization": "Bearer dl_forged"}).status_code == 403
        assert client.get("/api/nope", headers={"Accept": "application/json"}).json()["error"] == "NotFoundError"


def test_catalog_novelty_and_similar_works(tmp_path):
    import tempfile
    from pathlib import Path

    from dramalens.catalog import Catalog, import_paths
    from dramalens.synth import generate_corpus

    corpus = Path(tempfile.mkdtemp())
    generate_corpus(corpus, works=12, languages=("zh",), episodes=(3, 4), seed=3, plant_rate=0.0)
    db_url = f"sqlite:///{tmp_path / 'cat.sqlite'}"
    with Catalog(db_url) as cat:
        import_paths(cat, [corpus])
    app = create_app(db_url, workers=1, pipeline=REAL_PIPELINE, worker_poll=0.1)
    engine = app.state.desk.engine
    add_user(engine, "ann", "password-a")
    headers = {"Authorization": f"Bearer {issue_token(engine, 'ann')}"}
    known = sorted((corpus / "works").iterdir())[0]
    with TestClient(app) as client:
        r = client.post("/api/submissions", headers=headers, files={"file": (known.name, known.read_bytes())})
        sid = r.json()["submission_ids"][0]
        _wait_done(client, headers, r.json()["batch_id"], 1)
        one = client.get(f"/api/submissions/{sid}", headers=headers).json()
        assert one["score"]["originality"] is not None and one["score"]["originality"] < 50  # it is in the catalog
        top = one["score"]["similar"][0]
        assert top["score"] > 0.5 and top["shared_passages"]
        assert any(e["criterion"] == "originality" and e.get("work") for e in one["score"]["evidence"])
        assert one["tropes"]  # tagged with the catalog's trope vocabulary
        login(client, "ann", "password-a")
        assert top["title"] in client.get("/catalog").text and "12" in client.get("/catalog").text
        page = client.get(f"/submissions/{sid}").text
        assert "side-by-side" in page and "<mark>" in page
        assert client.get("/saturation").status_code == 200
