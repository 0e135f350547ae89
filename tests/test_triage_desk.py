"""The desk's service layer (triage/desk.py, catalogs.py, runs.py): what the pages, the API and
the CLI call, tested without HTTP."""

from __future__ import annotations

import json
from dataclasses import replace

import pytest
from sqlalchemy import select

from dramalens.errors import ConfigError, InputError, NotFoundError
from dramalens.triage import desk
from dramalens.triage.auth import add_user
from dramalens.triage.catalogs import CatalogRef, catalog_listing, saturation_rows
from dramalens.triage.intake import SubmissionMeta
from dramalens.triage.listing import QueueQuery
from dramalens.triage.models import decisions, scores
from dramalens.triage.result import Detected
from dramalens.triage.runs import drain_queue, read_scripts, submit_path
from dramalens.triage.scoring import Weights
from dramalens.triage.worker import Worker
from triage_support import fake_pipeline_for_tests, fast_hash, make_script, make_zip, new_engine  # noqa: F401

pytestmark = pytest.mark.usefixtures("fast_hash")


def _detected(sub, *, weights, catalog=None):
    """TEST DOUBLE: the shared fake, 'detecting' 古装 / vertical / 3 episodes."""
    return replace(fake_pipeline_for_tests(sub, weights=weights), detected=Detected(3, "vertical", "古装"))


@pytest.fixture
def engine(tmp_path):
    return new_engine(tmp_path)


def _upload(engine, user, n=2, name="batch.zip"):
    data = make_zip({f"s{i}.txt": make_script(i) for i in range(n)})
    return desk.receive_upload(engine, name, data, SubmissionMeta(track="都市"), user)


def test_receive_upload_queues_a_batch_on_the_users_desk(engine):
    ann = add_user(engine, "ann", "password-a", desk="都市")
    receipt = _upload(engine, ann, 3)
    view = desk.queue_view(engine, ann, QueueQuery(batch=receipt.batch_id))
    assert view.page.total == 3 and view.progress is not None
    assert view.progress.batch.id == receipt.batch_id and view.progress.batch.desk_id == ann.desk_id
    assert view.progress.stats.queued == 3
    b, s = view.progress  # the queue page unpacks the pair
    assert (b.total, s.total) == (3, 3)
    assert view.to_dict()["progress"] == {"batch_id": receipt.batch_id, "queued": 3, "running": 0, "done": 0,
                                          "failed": 0, "total": 3}


def test_submission_detail_before_and_after_analysis(engine):
    ann = add_user(engine, "ann", "password-a", desk="都市")
    sid = _upload(engine, ann, 1).submission_ids[0]
    before = desk.submission_detail(engine, sid, ann, with_analysis=True)
    assert before.score is None and "analysis" not in before.to_dict()
    assert before.job == {"status": "queued", "attempts": 0, "error": None}
    with pytest.raises(InputError, match="not analysed yet"):
        desk.report_html(engine, sid, ann)
    Worker(engine, pipeline=_detected, poll=0.05).run_until_empty()
    after = desk.submission_detail(engine, sid, ann, with_analysis=True)
    assert after.score is not None and after.score.evidence[0]["criterion"] == "craft"
    data = after.to_dict()
    assert "content" not in data and data["score"]["total"] == after.score.total
    assert data["analysis"] == {} and data["effective"]["format"] == {"value": "vertical", "detected": True}
    assert data["effective"]["track"] == {"value": "都市", "detected": False}  # declared wins
    assert list(data)[-2:] == ["audit", "notes"] and after.choices
    assert desk.report_html(engine, sid, ann) == f"<p>report {sid}</p>"


def test_desks_are_walls(engine):
    ann = add_user(engine, "ann", "password-a", desk="都市")
    bob = add_user(engine, "bob", "password-b", desk="古装")
    boss = add_user(engine, "boss", "password-c", admin=True)
    sid = _upload(engine, ann, 1).submission_ids[0]
    with pytest.raises(NotFoundError):
        desk.submission_detail(engine, sid, bob)
    with pytest.raises(NotFoundError):
        desk.report_html(engine, sid, bob)
    assert desk.queue_view(engine, bob).progress is None
    assert desk.submission_detail(engine, sid, boss).submission["id"] == sid
    assert desk.desk_supply(engine, bob) == ()


def test_desk_supply_groups_by_the_effective_track(engine):
    ann = add_user(engine, "ann", "password-a", desk="都市")
    desk.receive_upload(engine, "a.txt", make_script(1).encode(), SubmissionMeta(track="都市"), ann)
    desk.receive_upload(engine, "b.zip", make_zip({"b.txt": make_script(2), "c.txt": make_script(3)}), SubmissionMeta(), ann)
    Worker(engine, pipeline=_detected, poll=0.05).run_until_empty()
    rows = {r.effective_track: r for r in desk.desk_supply(engine, ann)}  # canonical track ids
    assert (rows["costume"].n, rows["urban"].n) == (2, 1) and rows["costume"].signed == 0 and rows["costume"].score is not None


def test_update_weights_is_audited(engine):
    boss = add_user(engine, "boss", "password-c", admin=True)
    desk.update_weights(engine, boss, Weights(0.2, 0.7, 0.1))
    assert desk.current_weights(engine) == Weights(0.2, 0.7, 0.1)
    with engine.connect() as conn:
        row = conn.execute(select(decisions).where(decisions.c.action == "settings")).one()
    assert (row.user_name, row.submission_id, json.loads(row.detail)) == ("boss", None, Weights(0.2, 0.7, 0.1).to_dict())


def test_export_refuses_an_unknown_kind(engine):
    ann = add_user(engine, "ann", "password-a", desk="都市")
    assert desk.export(engine, ann).startswith("id,title")
    with pytest.raises(ConfigError, match="queue or decisions"):
        desk.export(engine, ann, "everything")


def test_without_a_catalog_the_pages_say_so(tmp_path):
    url = f"sqlite:///{tmp_path / 'empty.sqlite'}"
    assert catalog_listing(url) == ([], 0) and saturation_rows(url) == ()
    assert desk.catalog_page(url, 0).total == 0  # page numbers below 1 read as the first page


def test_an_empty_catalog_is_never_compared_against(tmp_path):
    # Regression: within the refresh window the handle used to return the (empty) catalog on the
    # second call, so a second script scored originality 100 against nothing.
    ref = CatalogRef(f"sqlite:///{tmp_path / 'c.sqlite'}", refresh=60.0)
    assert ref.get() is None and ref.get() is None


def test_submit_path_and_drain_queue_report_progress(tmp_path):
    folder = tmp_path / "inbox"
    folder.mkdir()
    for i in range(3):
        (folder / f"s{i}.txt").write_text(make_script(i), encoding="utf-8")
    (folder / "notes.pdf").write_bytes(b"%PDF")  # not a script: not even read
    url = f"sqlite:///{tmp_path / 'd.sqlite'}"
    seen: list[tuple[int, int]] = []
    receipt = submit_path(url, folder, SubmissionMeta(format="vertical"), by="ann", on_progress=lambda d, t: seen.append((d, t)))
    assert len(receipt.submission_ids) == 3 and seen == [(0, 3), (1, 3), (2, 3), (3, 3)]
    seen.clear()
    report = drain_queue(url, pipeline=fake_pipeline_for_tests, on_progress=lambda d, t: seen.append((d, t)))
    assert (report.done, report.failed, report.warnings, report.queue.done) == (3, 0, (), 3)
    assert seen[0] == (0, 3) and seen[-1] == (3, 3)
    with pytest.raises(ConfigError, match="dask-timeout"):
        drain_queue(url, dask_timeout=0)


def test_read_scripts_refuses_what_is_not_there(tmp_path):
    with pytest.raises(InputError, match="no such file"):
        read_scripts(tmp_path / "missing")
    (tmp_path / "empty").mkdir()
    with pytest.raises(InputError, match="no script files"):
        read_scripts(tmp_path / "empty")


def test_complete_writes_the_json_columns_once(engine):
    ann = add_user(engine, "ann", "password-a", desk="都市")
    sid = _upload(engine, ann, 1).submission_ids[0]
    Worker(engine, pipeline=_detected, poll=0.05).run_until_empty()
    with engine.connect() as conn:
        row = conn.execute(select(scores).where(scores.c.submission_id == sid)).one()
    assert json.loads(row.weights) == Weights().to_dict() and json.loads(row.similar) == []
    assert json.loads(row.evidence)[0] == {"criterion": "craft", "text": "fake score of s0.txt", "episode": None,
                                          "line": None, "work": None, "key": "", "params": []}


def test_a_script_counted_done_is_listed_with_its_score_even_if_it_finished_mid_request(engine, monkeypatch):
    """The queue view reads the batch's counts before its page: a script that finishes between
    the two reads is then at worst listed scored and not yet counted, never counted done and
    listed unscored (PostgreSQL's READ COMMITTED gives each statement its own snapshot; CI saw it)."""
    ann = add_user(engine, "ann", "password-a", desk="都市")
    receipt = _upload(engine, ann, 2)
    worker = Worker(engine, pipeline=_detected, poll=0.05)
    assert worker.process_one("first")
    real_list = desk.list_queue

    def list_then_finish(conn, user, query):
        page = real_list(conn, user, query)
        worker.process_one("second")  # the other script finishes while the request runs
        return page

    monkeypatch.setattr(desk, "list_queue", list_then_finish)
    view = desk.queue_view(engine, ann, QueueQuery(batch=receipt.batch_id))
    scored = sum(1 for row in view.page.rows if row["score"] is not None)
    assert view.progress is not None and view.progress.stats.done <= scored
