"""Triage on a Dask cluster (triage/distributed.py): same scores as one machine, each job once."""

from __future__ import annotations

import sqlite3
import threading
import time
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sqlalchemy import select, update

pytest.importorskip("dask.distributed")

from dramalens.cluster import dask_client  # noqa: E402
from dramalens.cli import main  # noqa: E402
from dramalens.db import make_engine  # noqa: E402
from dramalens.errors import ConfigError  # noqa: E402
from dramalens.triage import distributed  # noqa: E402
from dramalens.triage import jobs as q  # noqa: E402
from dramalens.triage.distributed import run_dask, worker_db_url  # noqa: E402
from dramalens.triage.intake import SubmissionMeta, ensure_desk, submit  # noqa: E402
from dramalens.triage.models import init_db, jobs, scores, submissions  # noqa: E402
from dramalens.triage.catalogs import open_catalog  # noqa: E402
from dramalens.triage.worker import Worker  # noqa: E402
from triage_support import fake_pipeline_for_tests, make_script, new_engine  # noqa: E402

BAD_FDX = b"<FinalDraft><Content><Paragraph"  # cut off mid-tag: the .fdx parser rejects it


@pytest.fixture(scope="module")
def client():
    with dask_client("local", processes=False) as c:
        yield c


@pytest.fixture(scope="module")
def desk_db(tmp_path_factory):
    """A SQLite desk with a small imported catalog and a queued batch of generated scripts (+ one broken)."""
    from dramalens.catalog import Catalog, import_paths
    from dramalens.synth import generate_corpus

    root = tmp_path_factory.mktemp("desk")
    path = root / "template.sqlite"
    generate_corpus(root / "catalog", works=6, languages=("zh",), episodes=(3, 4), seed=3, plant_rate=0.0)
    with Catalog(f"sqlite:///{path}") as cat:
        import_paths(cat, [root / "catalog"])
    generate_corpus(root / "subs", works=8, languages=("zh", "en"), episodes=(2, 3), seed=11, plant_rate=0.0)
    files = [(p.name, p.read_bytes()) for p in sorted((root / "subs" / "works").iterdir())]
    # the first catalog work, resubmitted: its originality must come from the catalog on the worker side
    files.append(("known.txt", sorted((root / "catalog" / "works").iterdir())[0].read_bytes()))
    files.append(("broken.fdx", BAD_FDX))
    engine = init_db(make_engine(f"sqlite:///{path}"))
    desk = q.run_tx(engine, lambda c: ensure_desk(c, "d1"))
    submit(engine, files, SubmissionMeta(), desk_id=desk, by="tester")
    engine.dispose()
    return path, len(files)


def _copy(src: Path, dst: Path) -> str:
    """An identical copy of a (WAL-mode) SQLite database, through SQLite's own backup."""
    with sqlite3.connect(src) as a, sqlite3.connect(dst) as b:
        a.backup(b)
    return f"sqlite:///{dst}"


def _results(engine) -> dict[int, tuple]:
    with engine.connect() as c:
        rows = c.execute(select(scores.c.submission_id, scores.c.total, scores.c.originality, scores.c.craft,
                                scores.c.risk, scores.c.evidence, scores.c.similar)).all()
    return {r[0]: tuple(r[1:]) for r in rows}


def _jobs(engine) -> dict[int, tuple]:
    with engine.connect() as c:
        rows = c.execute(select(jobs.c.submission_id, jobs.c.status, jobs.c.attempts, jobs.c.error,
                                submissions.c.filename, submissions.c.analysis_state)
                         .join(submissions, submissions.c.id == jobs.c.submission_id)).all()
    return {r[0]: tuple(r[1:]) for r in rows}


def test_dask_scores_equal_single_machine_and_each_job_runs_once(client, desk_db, tmp_path, monkeypatch):
    monkeypatch.setattr(q, "RETRY_BACKOFF", 0.0)  # let the broken script use up its attempts in one run
    template, n = desk_db
    url_a, url_b = _copy(template, tmp_path / "a.sqlite"), _copy(template, tmp_path / "b.sqlite")
    single, spread = init_db(make_engine(url_a)), init_db(make_engine(url_b))

    Worker(single, threads=2, catalog=open_catalog(url_a)).run_until_empty()
    opened = []
    monkeypatch.setattr(distributed, "open_catalog", lambda url: opened.append(url) or open_catalog(url))
    seen: list[tuple[int, bool]] = []
    stats = run_dask(spread, client, on_progress=lambda claim, ok: seen.append((claim.submission_id, ok)))

    expected, got = _results(single), _results(spread)
    assert len(expected) == n - 1 and got == expected  # totals, parts, evidence and similar works alike
    assert any(row[1] is not None and row[1] < 50 for row in got.values())  # the catalog was consulted
    # opened once by the client (to migrate it) and once by the one (in-process) worker process
    assert opened == [worker_db_url(spread)] * 2

    assert (stats.done, stats.failed, stats.skipped) == (n - 1, 1, 2)  # 2 retries of the broken one
    ok_ids = [sid for sid, ok in seen if ok]
    assert sorted(ok_ids) == sorted(got) and len(set(ok_ids)) == len(ok_ids)  # each written exactly once
    states = _jobs(spread)
    (status, attempts, error, _, state), = [row for row in states.values() if row[3] == "broken.fdx"]
    assert (status, attempts, state) == ("failed", 3, "failed")
    assert error.startswith("ParseError:") and "malformed XML" in error
    assert error == [row[2] for row in _jobs(single).values() if row[3] == "broken.fdx"][0]  # recorded alike
    assert all(row[:2] == ("done", 1) and row[4] == "done" for row in states.values() if row[3] != "broken.fdx")


def _fill(engine, n: int) -> list[int]:
    desk = q.run_tx(engine, lambda c: ensure_desk(c, "d1"))
    files = [(f"s{i}.txt", make_script(i, 2).encode()) for i in range(n)]
    return list(submit(engine, files, SubmissionMeta(), desk_id=desk, by="tester").submission_ids)


def slow_pipeline(sub, *, weights, catalog=None) -> dict:
    time.sleep(1.2)
    return fake_pipeline_for_tests(sub, weights=weights, catalog=catalog)


def test_heartbeat_keeps_leases_while_the_cluster_works(client, tmp_path):
    engine = new_engine(tmp_path)
    ids = _fill(engine, 4)
    done = threading.Event()
    out = {}

    def drive():
        try:
            out["stats"] = run_dask(engine, client, pipeline=slow_pipeline, lease=0.5, window=4)
        finally:
            done.set()

    threading.Thread(target=drive, daemon=True).start()
    while q.queue_stats(engine).queued and not done.is_set():  # wait until the run holds every job
        time.sleep(0.01)
    intruded = []
    while not done.wait(0.05):  # each job takes 1.2 s, more than twice its 0.5 s lease
        got = q.claim(engine, "intruder", lease=5.0)
        if got is not None:
            intruded.append(got)
    assert intruded == [] and out["stats"].done == 4
    assert {sid: row[:2] for sid, row in _jobs(engine).items()} == {sid: ("done", 1) for sid in ids}


def test_a_result_stored_before_a_crash_is_not_analysed_again(client, tmp_path):
    engine = new_engine(tmp_path)
    ids = _fill(engine, 3)
    first = q.claim(engine, "crashed", lease=60)
    q.complete(engine, first, fake_pipeline_for_tests(_sub(first.submission_id), weights=q_weights()))
    before = _results(engine)[first.submission_id]
    q.run_tx(engine, lambda c: c.execute(update(jobs).where(jobs.c.id == first.job_id)
                                           .values(status="running", lease_expires=0.0, lease_owner="crashed")))
    stats = run_dask(engine, client, pipeline=fake_pipeline_for_tests)
    assert (stats.done, stats.skipped) == (2, 1)
    assert _results(engine)[first.submission_id] == before and sorted(_results(engine)) == sorted(ids)


def _sub(sid):
    from dramalens.triage.intake import SubmissionInput

    return SubmissionInput(sid, "x.txt", b"x")


def q_weights():
    from dramalens.triage.scoring import DEFAULT_WEIGHTS

    return DEFAULT_WEIGHTS


@settings(max_examples=8, deadline=None)
@given(n=st.integers(0, 6), window=st.integers(1, 4))
def test_every_job_done_exactly_once_for_any_window(client, tmp_path_factory, n, window):
    engine = new_engine(tmp_path_factory.mktemp("w"))
    ids = _fill(engine, n) if n else []
    stats = run_dask(engine, client, pipeline=fake_pipeline_for_tests, window=window)
    assert stats.done == n and sorted(_results(engine)) == sorted(ids)
    assert q.queue_stats(engine).to_dict() == {"queued": 0, "running": 0, "done": n, "failed": 0, "total": n}


def test_parameters_are_validated(client, tmp_path):
    engine = new_engine(tmp_path)
    with pytest.raises(ConfigError, match="window"):
        run_dask(engine, client, window=0)
    with pytest.raises(ConfigError, match="lease"):
        run_dask(engine, client, lease=0)


def test_worker_db_url_is_absolute_for_sqlite(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert worker_db_url(make_engine("sqlite:///rel.sqlite")) == f"sqlite:///{tmp_path / 'rel.sqlite'}"
    assert worker_db_url(make_engine("sqlite://")) is None


def test_unreachable_scheduler_is_one_clear_error(tmp_path, capsys):
    url = f"sqlite:///{tmp_path / 'd.sqlite'}"
    # returns after the 1 s connect timeout (a hang would never get to the asserts)
    assert main(["triage", "run", "--db", url, "--dask", "tcp://127.0.0.1:1", "--dask-timeout", "1"]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "cannot reach the Dask scheduler at tcp://127.0.0.1:1" in err[0]
    assert main(["triage", "run", "--db", url, "--dask", "tcp://host:port"]) == 2
    assert main(["triage", "run", "--db", url, "--dask", "bogus"]) == 2
    assert "--dask must be 'local'" in capsys.readouterr().err


@pytest.mark.slow
def test_cli_run_with_a_local_process_cluster(tmp_path, capsys):
    url = f"sqlite:///{tmp_path / 'd.sqlite'}"
    engine = new_engine(tmp_path, "d.sqlite")
    ids = _fill(engine, 3)
    assert main(["triage", "run", "--db", url, "--dask", "local"]) == 0
    assert "done 3, failed 0" in capsys.readouterr().out
    assert sorted(_results(engine)) == sorted(ids)


_CATALOG_SEEN: list[bool] = []


def catalog_recording_pipeline(sub, *, weights, catalog=None) -> dict:
    _CATALOG_SEEN.append(catalog is not None)
    return fake_pipeline_for_tests(sub, weights=weights, catalog=catalog)


class _FakeClient:
    cluster = None

    def __init__(self, workers):
        self.workers = workers

    def scheduler_info(self):
        if self.workers is None:
            raise OSError("scheduler gone")
        return {"workers": {w: {} for w in self.workers}}


def test_client_is_local(client):
    assert distributed.client_is_local(client)  # dask_client("local"): a LocalCluster
    assert distributed.client_is_local(_FakeClient(["tcp://127.0.0.1:4001", "inproc://10.1.2.3/1/2"]))
    assert not distributed.client_is_local(_FakeClient(["tcp://127.0.0.1:4001", "tcp://10.0.0.7:4002"]))
    assert not distributed.client_is_local(_FakeClient([]))
    assert not distributed.client_is_local(_FakeClient(None))


def test_remote_cluster_with_sqlite_warns_once_and_runs_without_catalog(client, tmp_path):
    engine = new_engine(tmp_path)
    ids = _fill(engine, 3)
    _CATALOG_SEEN.clear()
    stats = run_dask(engine, client, pipeline=catalog_recording_pipeline, is_local=lambda c: False)
    assert stats.done == len(ids) and sorted(_results(engine)) == sorted(ids)
    assert len(stats.warnings) == 1 and "SQLite" in stats.warnings[0] and "PostgreSQL" in stats.warnings[0]
    assert stats.to_dict()["warnings"] == stats.warnings
    assert _CATALOG_SEEN and not any(_CATALOG_SEEN)  # the workers were given no database to open
    # the same cluster seen as local: no warning (and the workers get the SQLite URL)
    more = _fill(engine, 2)
    stats = run_dask(engine, client, pipeline=fake_pipeline_for_tests)
    assert stats.done == len(more) and stats.warnings == []
    assert distributed.sqlite_warning("postgresql://u@db/desk") is None


def test_cli_warns_about_sqlite_with_a_remote_scheduler(client, tmp_path, capsys, monkeypatch):
    import contextlib

    from dramalens import cluster

    @contextlib.contextmanager
    def fake_dask_client(address, **kwargs):
        assert address == "tcp://scheduler.example:8786"
        yield client

    monkeypatch.setattr(cluster, "dask_client", fake_dask_client)
    monkeypatch.setattr(distributed, "client_is_local", lambda c: False)
    url = f"sqlite:///{tmp_path / 'd.sqlite'}"
    assert main(["triage", "run", "--db", url, "--dask", "tcp://scheduler.example:8786"]) == 0
    out, err = capsys.readouterr()
    assert "done 0, failed 0" in out
    warned = [line for line in err.splitlines() if "warning" in line.lower()]
    assert len(warned) == 1 and "SQLite" in warned[0] and "PostgreSQL" in warned[0]  # once, on one line


def test_a_batch_watches_its_own_clients_futures_not_the_default_clients(client, tmp_path, monkeypatch):
    """Dask's as_completed watches futures on the default client's event loop unless told
    otherwise; the default client is another one when a run made its own since (a CLI
    `--dask local` closing), and the batch then waited for ever on futures long done."""
    import distributed.client as dask_client_module

    def elsewhere():
        raise AssertionError("the batch asked for the default client")

    monkeypatch.setattr(dask_client_module, "default_client", elsewhere)
    engine = new_engine(tmp_path)
    ids = _fill(engine, 3)
    stats = run_dask(engine, client, pipeline=fake_pipeline_for_tests)
    assert stats.done == len(ids) and sorted(_results(engine)) == sorted(ids)
