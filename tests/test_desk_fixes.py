"""Issue 11's bugs, each pinned: huge weights, integrity errors in complete, integers past 64
bits, and what an upload reports."""

from __future__ import annotations

import math
from dataclasses import replace

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from dramalens.errors import InputError
from dramalens.triage import desk, jobs
from dramalens.triage.auth import add_user, issue_token
from dramalens.triage.intake import SubmissionMeta, submit
from dramalens.triage.models import jobs as jobs_table
from dramalens.triage.models import scores
from dramalens.triage.scoring import Features, Weights, save_weights, score
from dramalens.triage.worker import Worker
from dramalens.web.app import create_app
from triage_support import REAL_PIPELINE, fake_pipeline_for_tests, fast_hash, login, make_script, new_engine  # noqa: F401

pytestmark = pytest.mark.usefixtures("fast_hash")

BIG = "9" * 30  # past 64 bits


@pytest.fixture
def engine(tmp_path):
    return new_engine(tmp_path)


def _one(engine, user, text=None):
    data = (text or make_script(1)).encode()
    return submit(engine, [("a.txt", data)], SubmissionMeta(), desk_id=user.desk_id, by=user.name).submission_ids[0]


def test_huge_weights_score_finite():
    feats = Features(episodes=4, hook_endings=3, novelty=0.5, pacing_fit=1.0, agency=0.5)
    for w in (Weights(1e308, 1e308, 1e308), Weights(1e308, 0, 0), Weights(5e-324, 1e308, 0)):
        s = score(feats, w)
        assert math.isfinite(s.total) and 0 <= s.total <= 100
        assert all(math.isfinite(v) for v in w.normalised().values())
    assert score(feats, Weights(1e308, 1e308, 1e308)).total == score(feats, Weights(1, 1, 1)).total


def test_update_weights_refuses_huge_values(engine):
    admin = add_user(engine, "boss", "correct-horse-9", admin=True)
    with pytest.raises(InputError, match="between 0 and 1,000"):
        desk.update_weights(engine, admin, Weights(1e308, 1, 1))


def test_stored_huge_weights_still_score_the_next_script(engine):
    ann = add_user(engine, "ann", "password-a", desk="都市")
    with engine.begin() as conn:
        save_weights(conn, Weights(1e308, 1e308, 1e308))  # a row saved before the limit existed
    sid = _one(engine, ann)
    Worker(engine, pipeline=REAL_PIPELINE, poll=0.05).run_until_empty()
    d = desk.submission_detail(engine, sid, ann)
    assert d.score is not None and math.isfinite(d.score.total)


def _nan_pipeline(sub, *, weights, catalog=None):
    r = fake_pipeline_for_tests(sub, weights=weights)
    return replace(r, score=replace(r.score, total=float("nan")))


def test_a_result_that_cannot_be_stored_is_a_failure_not_done(engine):
    ann = add_user(engine, "ann", "password-a", desk="都市")
    sid = _one(engine, ann)
    Worker(engine, pipeline=_nan_pipeline, poll=0.05).process_one("w:0")
    with engine.connect() as conn:
        job = conn.execute(select(jobs_table).where(jobs_table.c.submission_id == sid)).one()
        assert conn.execute(select(scores).where(scores.c.submission_id == sid)).first() is None
    assert job.status in ("queued", "failed") and "finite" in (job.error or "")


def test_complete_reraises_an_integrity_error_that_is_not_a_stored_result(engine, monkeypatch):
    ann = add_user(engine, "ann", "password-a", desk="都市")
    sid = _one(engine, ann)
    claim = jobs.claim(engine, "w:0")
    assert claim is not None and claim.submission_id == sid
    result = fake_pipeline_for_tests(replace_sub(sid), weights=Weights())
    # An integrity error other than "already stored" (here: from the title update)

    def broken(*a, **k):
        raise IntegrityError("UPDATE", {}, Exception("NOT NULL constraint failed"))

    monkeypatch.setattr(jobs, "_adopt_title", broken)
    with pytest.raises(IntegrityError):
        jobs.complete(engine, claim, result)
    with engine.connect() as conn:
        assert conn.execute(select(jobs_table.c.status).where(jobs_table.c.id == claim.job_id)).scalar_one() == "running"


def test_complete_after_another_worker_stored_it_is_a_no_op(engine):
    ann = add_user(engine, "ann", "password-a", desk="都市")
    sid = _one(engine, ann)
    claim = jobs.claim(engine, "w:0")
    result = fake_pipeline_for_tests(replace_sub(sid), weights=Weights())
    assert jobs.complete(engine, claim, result) is True
    assert jobs.complete(engine, claim, result) is False


def replace_sub(sid):
    from dramalens.triage.intake import SubmissionInput

    return SubmissionInput(sid, "a.txt", b"x")


@pytest.fixture
def client(tmp_path):
    app = create_app(f"sqlite:///{tmp_path / 'w.sqlite'}", workers=0)
    engine = app.state.desk.engine
    add_user(engine, "ann", "password-a", desk="都市")
    with TestClient(app, raise_server_exceptions=False) as c:
        c.token = issue_token(engine, "ann")  # type: ignore[attr-defined]
        c.engine = engine  # type: ignore[attr-defined]
        yield c


@pytest.mark.parametrize("url", [f"/queue?page={BIG}", f"/queue?batch={BIG}", f"/submissions/{BIG}",
                                 f"/submissions/{BIG}/report", f"/catalog?page={BIG}", "/queue?min_score=1e999",
                                 f"/queue?per_page={BIG}", "/queue?page=0"])
def test_pages_refuse_huge_integers_with_4xx(client, url):
    login(client, "ann", "password-a")
    r = client.get(url)
    assert 400 <= r.status_code < 500, (url, r.status_code)


@pytest.mark.parametrize("url", [f"/api/submissions?page={BIG}", f"/api/submissions?batch={BIG}",
                                 f"/api/submissions/{BIG}", f"/api/submissions?page=-{BIG}"])
def test_api_refuses_huge_integers_with_one_message(client, url):
    r = client.get(url, headers={"Authorization": f"Bearer {client.token}"})
    assert 400 <= r.status_code < 500 and r.json()["message"], (url, r.status_code)


def test_api_decision_and_upload_with_huge_numbers(client):
    h = {"Authorization": f"Bearer {client.token}"}
    r = client.post(f"/api/submissions/{BIG}/decision", json={"status": "signed", "version": 1}, headers=h)
    assert r.status_code == 404
    r = client.post("/api/submissions", files={"file": ("a.txt", make_script(2).encode())}, data={"budget": BIG}, headers=h)
    assert r.status_code == 400 and "budget" in r.json()["message"]
    r = client.post("/api/submissions", files={"file": ("a.txt", make_script(2).encode())}, data={"episodes": BIG}, headers=h)
    assert r.status_code == 400
    sid = r.json() and client.post("/api/submissions", files={"file": ("b.txt", make_script(3).encode())}, headers=h).json()
    first = sid["submission_ids"][0]
    r = client.post(f"/api/submissions/{first}/decision", json={"status": "consider", "version": int(BIG)}, headers=h)
    assert r.status_code == 400 and "version" in r.json()["message"]
