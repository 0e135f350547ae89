"""The persistent job queue: claims, leases, retries, crash recovery, exactly-once results."""

from __future__ import annotations

import multiprocessing
import os
import signal
import threading
import time

import pytest
from sqlalchemy import func, select, update

from dramalens.db import make_engine
from dramalens.errors import ConfigError
from dramalens.triage import jobs as q
from dramalens.triage.intake import SubmissionMeta, ensure_desk, submit
from dramalens.triage.models import init_db, jobs, scores, submissions
from dramalens.triage.intake import SubmissionInput
from dramalens.triage.scoring import DEFAULT_WEIGHTS
from dramalens.triage.worker import Worker
from triage_support import REAL_PIPELINE, fake_pipeline_for_tests, make_script, new_engine


def _fill(engine, n: int, episodes: int = 2) -> list[int]:
    desk = q.run_tx(engine, lambda c: ensure_desk(c, "d1"))
    files = [(f"s{i}.txt", make_script(i, episodes).encode()) for i in range(n)]
    return list(submit(engine, files, SubmissionMeta(), desk_id=desk, by="tester").submission_ids)


def _counts(engine):
    with engine.connect() as c:
        n_scores = c.execute(select(func.count()).select_from(scores)).scalar_one()
        states = dict(c.execute(select(jobs.c.status, func.count()).group_by(jobs.c.status)).all())
    return n_scores, states


@pytest.fixture
def engine(tmp_path):
    return new_engine(tmp_path)


def test_claim_takes_each_job_once_and_complete_is_idempotent(engine):
    ids = _fill(engine, 3)
    c1 = q.claim(engine, "a")
    c2 = q.claim(engine, "b")
    assert c1.submission_id != c2.submission_id and c1.attempt == 1
    result = fake_pipeline_for_tests(SubmissionInput(c1.submission_id, "x.txt", b"x"), weights=DEFAULT_WEIGHTS)
    assert q.complete(engine, c1, result) is True
    assert q.complete(engine, c1, result) is False  # second write of the same submission: no-op
    stats = q.queue_stats(engine)
    assert (stats.done, stats.running, stats.queued) == (1, 1, 1)
    assert _counts(engine)[0] == 1
    assert set(ids) >= {c1.submission_id, c2.submission_id}


def test_expired_lease_is_reclaimed_live_one_is_not(engine):
    _fill(engine, 1)
    first = q.claim(engine, "dead-worker", lease=0.2)
    assert q.claim(engine, "other", lease=5) is None  # lease still live
    time.sleep(0.3)
    second = q.claim(engine, "other", lease=5)
    assert second is not None and second.submission_id == first.submission_id and second.attempt == 2
    assert q.heartbeat(engine, first) is False  # the dead worker lost it
    assert q.heartbeat(engine, second) is True


def test_failures_retry_then_fail(engine, monkeypatch):
    monkeypatch.setattr(q, "RETRY_BACKOFF", 0.0)
    _fill(engine, 1)
    calls = []

    def broken(sub, *, weights, catalog=None):
        calls.append(sub.id)
        raise RuntimeError("boom")

    stats = Worker(engine, pipeline=broken, threads=1).run_until_empty()
    assert len(calls) == 3 and stats.failed == 1
    with engine.connect() as c:
        job = c.execute(select(jobs)).one()
        state = c.execute(select(submissions.c.analysis_state)).scalar_one()
    assert job.status == "failed" and "boom" in job.error and state == "failed"
    assert q.requeue_failed(engine) == 1 and q.queue_stats(engine).queued == 1


def test_concurrent_threads_analyse_every_script_exactly_once(engine):
    ids = _fill(engine, 40, episodes=1)
    seen: list[int] = []
    lock = threading.Lock()

    def counting(sub, *, weights, catalog=None):
        with lock:
            seen.append(sub.id)
        return fake_pipeline_for_tests(sub, weights=weights)

    stats = Worker(engine, pipeline=counting, threads=4).run_until_empty()
    assert sorted(seen) == sorted(ids)  # no duplicates, none lost
    assert stats.done == 40
    assert _counts(engine) == (40, {"done": 40})


def test_thread_stopped_between_claim_and_completion_resumes(engine):
    ids = _fill(engine, 5, episodes=1)
    # A worker that claims and then "dies" before writing (its lease is never renewed).
    orphan = q.claim(engine, "crashed", lease=0.2)
    time.sleep(0.3)
    Worker(engine, pipeline=fake_pipeline_for_tests, threads=2, lease=5).run_until_empty()
    n_scores, states = _counts(engine)
    assert n_scores == len(ids) and states == {"done": len(ids)}
    with engine.connect() as c:
        attempts = c.execute(select(jobs.c.attempts).where(jobs.c.id == orphan.job_id)).scalar_one()
    assert attempts == 2
    # The crashed worker wakes up late and completes too: still one result.
    late = fake_pipeline_for_tests(SubmissionInput(orphan.submission_id, "y.txt", b"y"), weights=DEFAULT_WEIGHTS)
    assert q.complete(engine, orphan, late) is False
    assert _counts(engine)[0] == len(ids)


def _slow_worker_process(db_url: str, log_path: str) -> None:  # runs in a child process
    engine = init_db(make_engine(db_url))

    def slow(sub, *, weights, catalog=None):
        with open(log_path, "a") as fh:
            fh.write(f"{sub.id}\n")
        time.sleep(0.1)
        return fake_pipeline_for_tests(sub, weights=weights)

    Worker(engine, pipeline=slow, threads=2, lease=0.5, poll=0.05).run_until_empty()


@pytest.mark.slow
def test_worker_process_killed_mid_batch_resumes_without_loss_or_duplicates(tmp_path):
    db_url = f"sqlite:///{tmp_path / 'kill.sqlite'}"
    engine = init_db(make_engine(db_url))
    ids = _fill(engine, 30, episodes=1)
    log = tmp_path / "calls.log"
    ctx = multiprocessing.get_context("spawn")  # no fork of a threaded (xdist) parent
    proc = ctx.Process(target=_slow_worker_process, args=(db_url, str(log)))
    proc.start()
    deadline = time.time() + 20
    while time.time() < deadline and q.queue_stats(engine).done < 8:
        time.sleep(0.02)
    os.kill(proc.pid, signal.SIGKILL)
    proc.join()
    mid = q.queue_stats(engine)
    assert 8 <= mid.done < 30, "the kill must land mid-batch"
    time.sleep(0.6)  # the dead process's leases expire
    stats = Worker(engine, pipeline=fake_pipeline_for_tests, threads=2, lease=5).run_until_empty()
    n_scores, states = _counts(engine)
    assert n_scores == len(ids) and states == {"done": len(ids)}  # none lost, one result each
    assert stats.done == len(ids) - mid.done
    started_before_kill = [int(x) for x in log.read_text().split()]
    assert len(started_before_kill) == len(set(started_before_kill))  # the killed process ran none twice
    with engine.connect() as c:
        per_sub = c.execute(select(scores.c.submission_id, func.count()).group_by(scores.c.submission_id)).all()
    assert all(n == 1 for _, n in per_sub) and {s for s, _ in per_sub} == set(ids)


def test_claim_validates_lease(engine):
    with pytest.raises(ConfigError):
        q.claim(engine, "w", lease=0)


def test_real_pipeline_through_the_queue(engine):
    ids = _fill(engine, 3, episodes=3)
    stats = Worker(engine, pipeline=REAL_PIPELINE, threads=1).run_until_empty()
    assert stats.done == 3
    with engine.connect() as c:
        rows = c.execute(select(submissions.c.score, submissions.c.language)).all()
        html = c.execute(select(scores.c.report_html)).scalars().all()
    assert all(r.score is not None and 0 <= r.score <= 100 and r.language == "zh" for r in rows)
    assert all("<html" in h.lower() for h in html) and len(ids) == 3


@pytest.mark.pg
@pytest.mark.skipif(not os.environ.get("DRAMALENS_TEST_PG"), reason="DRAMALENS_TEST_PG (a PostgreSQL URL) not set")
def test_postgresql_queue_exactly_once():
    from sqlalchemy import text

    engine = init_db(make_engine(os.environ["DRAMALENS_TEST_PG"]))
    with engine.begin() as c:  # a clean queue for this test
        c.execute(text("TRUNCATE triage_jobs, triage_scores, triage_decisions, triage_notes, triage_assignments, "
                       "triage_submissions, triage_batches CASCADE"))
    ids = _fill(engine, 20, episodes=1)
    Worker(engine, pipeline=fake_pipeline_for_tests, threads=4).run_until_empty()
    assert _counts(engine) == (len(ids), {"done": len(ids)})
    with engine.begin() as c:
        c.execute(update(jobs).values(status="queued"))
    assert q.claim(engine, "again") is not None


def test_cli_submit_run_and_users(tmp_path, capsys, monkeypatch):
    from dramalens.cli import main

    monkeypatch.setenv("DRAMALENS_PASSWORD", "cli-password")
    db = f"sqlite:///{tmp_path / 'cli.sqlite'}"
    folder = tmp_path / "in"
    folder.mkdir()
    for i in range(3):
        (folder / f"s{i}.txt").write_text(make_script(i, 2), encoding="utf-8")
    (folder / "notes.pdf").write_bytes(b"%PDF")
    assert main(["triage", "submit", str(folder), "--db", db, "--by", "ann", "--track", "都市"]) == 0
    assert "3 scripts queued" in capsys.readouterr().out
    assert main(["triage", "run", "--db", db]) == 0
    assert "done 3, failed 0" in capsys.readouterr().out
    assert main(["users", "add", "boss", "--admin", "--db", db]) == 0
    assert main(["users", "add", "boss", "--db", db]) == 2  # exists: one line, exit 2
    assert "already exists" in capsys.readouterr().err
    assert main(["triage", "submit", str(tmp_path / "missing"), "--db", db]) == 2
    engine = init_db(make_engine(db))
    assert _counts(engine) == (3, {"done": 3})
