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
from support import make_gbk_zip
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


def test_gbk_member_names_are_read_as_gbk():
    from dramalens.parsing.archive import open_zip
    from dramalens.triage.intake import unpack_upload

    data = make_gbk_zip({"第一部.txt": make_script(1).encode(), "说明.exe": b"MZ\x90\x00"})
    assert open_zip(data).names() == ["第一部.txt", "说明.exe"]
    files, skipped = unpack_upload("batch.zip", data)
    assert [f for f, _ in files] == ["第一部.txt"] and [str(s) for s in skipped] == ["说明.exe (not a script file: .exe)"]


def test_random_bytes_txt_is_refused_at_intake_with_a_reason():
    import random

    from dramalens.triage.intake import unpack_upload
    from support import make_zip

    rng = random.Random(7)
    noise = bytes(rng.randrange(256) for _ in range(4000))
    with pytest.raises(InputError, match="cannot be read as a script: not text"):
        unpack_upload("noise.txt", noise)
    files, skipped = unpack_upload("b.zip", make_zip({"ok.txt": make_script(2), "noise.txt": noise, "inner.zip": b"PK"}))
    assert [f for f, _ in files] == ["ok.txt"]
    assert str(skipped[0]).startswith("noise.txt (not text") and str(skipped[1]) == "inner.zip (not a script file: .zip)"
    # Each reason is a catalogue key as well: the random bytes fit no encoding, the inner zip is named as an archive.
    assert [s.reason_key for s in skipped] == ["skip.not_text", "skip.nested_archive"]


def test_the_same_content_twice_is_a_duplicate_not_a_second_submission(engine):
    from support import make_zip

    ann = add_user(engine, "ann", "password-a", desk="都市")
    bob = add_user(engine, "bob", "password-b", desk="古装")
    data = make_zip({"a.txt": make_script(1), "b.txt": make_script(2), "a-copy.txt": make_script(1)})
    first = desk.receive_upload(engine, "batch.zip", data, SubmissionMeta(), ann)
    assert first.accepted == ("a.txt", "b.txt") and first.duplicates == (("a-copy.txt", first.submission_ids[0]),)
    again = desk.receive_upload(engine, "batch-retry.zip", data, SubmissionMeta(), ann)
    assert again.submission_ids == () and again.batch_id == first.batch_id
    assert [d for d, _ in again.duplicates] == ["a.txt", "b.txt", "a-copy.txt"]
    assert again.to_dict()["duplicates"][0] == {"file": "a.txt", "submission_id": first.submission_ids[0]}
    other = desk.receive_upload(engine, "batch.zip", data, SubmissionMeta(), bob)  # another desk: its own copy
    assert len(other.submission_ids) == 2
    with engine.connect() as conn:
        assert conn.execute(select(jobs_table.c.id)).all().__len__() == 4


def test_upload_page_shows_a_receipt_with_every_member(client):
    from support import make_zip
    from triage_support import csrf_of

    login(client, "ann", "password-a")
    token = csrf_of(client.get("/upload").text)
    data = make_gbk_zip({"第一部.txt": make_script(5).encode(), "setup.exe": b"MZ"})
    r = client.post("/upload", data={"csrf_token": token}, files={"file": ("w.zip", data)})
    assert r.status_code == 200 and "第一部.txt" in r.text and "setup.exe" in r.text and "not a script file" in r.text
    r = client.post("/upload", data={"csrf_token": token}, files={"file": ("w.zip", data)})
    assert 'class="duplicate"' in r.text and "/queue?batch=" in r.text
    h = {"Authorization": f"Bearer {client.token}"}
    api = client.post("/api/submissions", files={"file": ("again.zip", make_zip({"x.txt": make_script(5)}))}, headers=h)
    assert api.status_code == 200 and api.json()["duplicates"][0]["file"] == "x.txt"


def test_migration_0004_moves_the_bytes_and_keeps_jobs_and_scores(tmp_path):
    from sqlalchemy import text

    from dramalens.db import make_engine, upgrade
    from dramalens.triage.models import MIGRATIONS, VERSION_TABLE, contents, init_db

    engine = make_engine(f"sqlite:///{tmp_path / 'old.sqlite'}")
    upgrade(engine, MIGRATIONS, VERSION_TABLE, revision="0003")  # a desk deployed before 0004
    with engine.begin() as c:
        c.execute(text("INSERT INTO triage_desks (id, name, created_at) VALUES (1, 'd', 0)"))
        c.execute(text(
            "INSERT INTO triage_submissions (id, desk_id, title, filename, format, track, synopsis, submitted_by,"
            " submitted_at, content, sha256, language, tropes, analysis_state, status, version, updated_at) VALUES"
            " (1, 1, 't', 't.txt', '', '', '', 'x', 0, x'e7acac', 'h', 'zh', '', 'done', 'new', 1, 0)"))
        c.execute(text("INSERT INTO triage_jobs (submission_id, status, attempts, max_attempts, available_at, created_at)"
                       " VALUES (1, 'done', 1, 3, 0, 0)"))
        c.execute(text("INSERT INTO triage_scores (submission_id, total, craft, risk, weights, evidence, similar, analysis,"
                       " report_html, worker, created_at) VALUES (1, 50, 50, 0, '{}', '[]', '[]', '{}', '', 'w', 0)"))
    init_db(engine)
    with engine.connect() as c:
        assert c.execute(select(contents.c.content)).scalar_one() == b"\xe7\xac\xac"
        assert c.execute(text("SELECT count(*) FROM triage_jobs")).scalar_one() == 1
        assert c.execute(text("SELECT count(*) FROM triage_scores")).scalar_one() == 1
        cols = [r[1] for r in c.execute(text("PRAGMA table_info(triage_submissions)"))]
    assert "content" not in cols


def test_progress_shows_the_batch_the_workers_are_on(engine):
    from support import make_zip

    ann = add_user(engine, "ann", "password-a", desk="都市")
    first = desk.receive_upload(engine, "a.zip", make_zip({f"a{i}.txt": make_script(10 + i) for i in range(2)}),
                                SubmissionMeta(), ann)
    second = desk.receive_upload(engine, "b.zip", make_zip({f"b{i}.txt": make_script(20 + i) for i in range(2)}),
                                 SubmissionMeta(), ann)
    assert desk.queue_view(engine, ann).progress.batch.id == first.batch_id  # the workers start on the oldest
    Worker(engine, pipeline=fake_pipeline_for_tests, poll=0.05, batch_id=first.batch_id).run_until_empty()
    assert desk.queue_view(engine, ann).progress.batch.id == second.batch_id
    Worker(engine, pipeline=fake_pipeline_for_tests, poll=0.05).run_until_empty()
    view = desk.queue_view(engine, ann)
    assert view.progress.batch.id == second.batch_id and view.progress.stats.done == 2  # all done: the latest


def _html_title(sub, *, weights, catalog=None):
    return replace(fake_pipeline_for_tests(sub, weights=weights), script_title="<b><!-- </b>if (window!= top)…")


def _marked_title(sub, *, weights, catalog=None):
    return replace(fake_pipeline_for_tests(sub, weights=weights), script_title="<h1>重生 &amp; 归来</h1>")


def test_titles_from_html_scripts_lose_their_markup(engine):
    ann = add_user(engine, "ann", "password-a", desk="都市")
    a = _one(engine, ann)
    Worker(engine, pipeline=_html_title, poll=0.05).run_until_empty()
    b = submit(engine, [("b.txt", make_script(3).encode())], SubmissionMeta(), desk_id=ann.desk_id, by="ann").submission_ids[0]
    Worker(engine, pipeline=_marked_title, poll=0.05).run_until_empty()
    assert desk.submission_detail(engine, a, ann).submission["title"] == "a"  # all markup: the file's stem stays
    assert desk.submission_detail(engine, b, ann).submission["title"] == "重生 & 归来"


def test_an_empty_catalog_is_looked_at_again_at_once(tmp_path):
    import tempfile
    from pathlib import Path

    from dramalens.catalog import Catalog, import_paths
    from dramalens.synth import generate_corpus
    from dramalens.triage.catalogs import CatalogRef

    url = f"sqlite:///{tmp_path / 'c.sqlite'}"
    ref = CatalogRef(url, refresh=60.0)
    with Catalog(url):
        pass
    assert ref.get() is None
    corpus = Path(tempfile.mkdtemp())
    generate_corpus(corpus, works=3, languages=("zh",), episodes=(2, 3), seed=4, plant_rate=0.0)
    with Catalog(url) as cat:
        import_paths(cat, [corpus])
    assert ref.get() is not None  # not 60 s later: the first script after an import is compared too


def test_changing_the_weights_rescored_the_queue_and_its_order(engine):
    from dramalens.triage.listing import QueueQuery
    from dramalens.triage.scoring import Evidence, Score

    boss = add_user(engine, "boss", "correct-horse-9", admin=True, desk="都市")
    ids = [submit(engine, [(f"{n}.txt", make_script(30 + i).encode())], SubmissionMeta(), desk_id=boss.desk_id,
                  by="boss").submission_ids[0] for i, n in enumerate("ab")]
    parts = {ids[0]: (90.0, 20.0), ids[1]: (20.0, 90.0)}  # a: original, weak craft; b: the reverse

    def pipeline(sub, *, weights, catalog=None):
        o, c = parts[sub.id]
        r = fake_pipeline_for_tests(sub, weights=weights)
        return replace(r, score=Score(score(Features(), weights).total, o, c, 0.0, weights, (Evidence("craft", "x"),)))

    Worker(engine, pipeline=pipeline, poll=0.05).run_until_empty()
    desk.update_weights(engine, boss, Weights(0.8, 0.1, 0.1))
    first = [r["id"] for r in desk.queue_view(engine, boss, QueueQuery()).page.rows]
    desk.update_weights(engine, boss, Weights(0.1, 0.8, 0.1))
    second = [r["id"] for r in desk.queue_view(engine, boss, QueueQuery()).page.rows]
    assert first == ids and second == ids[::-1]
    d = desk.submission_detail(engine, ids[1], boss)
    assert d.score.total == 84.0 and d.score.weights == {"originality": 0.1, "craft": 0.8, "risk": 0.1}
