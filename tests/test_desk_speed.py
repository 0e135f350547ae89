"""The queue page under load (issue 11, part 7): the data-version counters the database triggers
keep, the page cache keyed by them, and what the cache must never do (show a reader a page
older than their own action, or a colleague's name or CSRF token, or another desk's rows)."""

from __future__ import annotations

import os
import re

import pytest
from fastapi.testclient import TestClient
from hypothesis import given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from dramalens.triage import jobs as q
from dramalens.triage.auth import add_user
from dramalens.triage.desk import update_weights
from dramalens.triage.intake import SubmissionMeta, submit
from dramalens.triage.listing import DataVersion, QueueQuery, list_queue, queue_data_version
from dramalens.triage.models import submissions
from dramalens.triage.review import assign, decide
from dramalens.triage.scoring import Weights
from dramalens.triage.worker import Worker
from dramalens.web.app import create_app
from dramalens.web.pagecache import PageCache
from triage_support import csrf_of, fake_pipeline_for_tests, fast_hash, login, make_script, new_engine  # noqa: F401

pytestmark = pytest.mark.usefixtures("fast_hash")


def _submit(engine, user, n=2, seed=0):
    files = [(f"s{seed + i}.txt", make_script(seed + i).encode()) for i in range(n)]
    return submit(engine, files, SubmissionMeta(), desk_id=user.desk_id, by=user.name).submission_ids


DATABASES = ["sqlite"] + ([pytest.param("pg", marks=pytest.mark.pg)] if os.environ.get("DRAMALENS_TEST_PG") else [])


def _engine(kind, tmp_path):
    if kind == "sqlite":
        return new_engine(tmp_path)
    from sqlalchemy import inspect, text

    from dramalens.db import make_engine
    from dramalens.triage.models import init_db

    engine = make_engine(os.environ["DRAMALENS_TEST_PG"])
    names = [n for n in inspect(engine).get_table_names() if n.startswith("triage_") or n == "alembic_version_triage"]
    if names:  # a fresh schema: the triggers are created again with the tables
        with engine.begin() as c:
            c.execute(text(f"DROP TABLE IF EXISTS {', '.join(names)} CASCADE"))
    return init_db(engine)


@pytest.mark.parametrize("kind", DATABASES)
def test_people_move_one_counter_workers_the_other_and_heartbeats_neither(kind, tmp_path):
    engine = _engine(kind, tmp_path)
    boss = add_user(engine, "boss", "teal-kettle-42", admin=True, desk="都市")
    ann = add_user(engine, "ann", "plum-ladder-77", desk="都市")
    v0 = queue_data_version(engine)
    sid = _submit(engine, ann)[0]
    v1 = queue_data_version(engine)
    assert v1.people > v0.people and v1.progress == v0.progress  # an upload is people's work
    claim = q.claim(engine, "w:0")
    assert claim is not None
    v2 = queue_data_version(engine)
    assert v2.people == v1.people and v2.progress > v1.progress  # a claim shows as "analysing"
    assert q.heartbeat(engine, claim)
    assert queue_data_version(engine) == v2  # leases are not on the page
    Worker(engine, pipeline=fake_pipeline_for_tests, poll=0.05).run_until_empty()
    v3 = queue_data_version(engine)
    assert v3.people == v2.people and v3.progress > v2.progress  # results and adopted titles
    decide(engine, sid, ann, "in_review", 1)
    v4 = queue_data_version(engine)
    assert v4.people > v3.people
    assign(engine, sid, boss, "ann")  # an assignment does not move the row's version: still people's
    v5 = queue_data_version(engine)
    assert v5.people > v4.people
    update_weights(engine, boss, Weights(0.1, 0.8, 0.1))  # new weights re-rank at once
    assert queue_data_version(engine).people > v5.people


def _app(tmp_path, lag=1.0):
    app = create_app(f"sqlite:///{tmp_path / 'speed.sqlite'}", workers=0, pipeline=fake_pipeline_for_tests)
    app.state.desk.pages = PageCache(lag=lag)
    return app


def test_a_kept_page_is_what_a_fresh_render_would_give_the_next_reader(tmp_path):
    """ann fills the desk's kept page; bob is served it with his own name and token, exactly as an
    uncached render for bob reads (the template knows readers only as a desk and a language)."""
    app = _app(tmp_path)
    engine = app.state.desk.engine
    ann = add_user(engine, "ann", "plum-ladder-77", desk="都市")
    add_user(engine, "bob", "amber-spoon-31", desk="都市")
    _submit(engine, ann, 3)
    Worker(engine, pipeline=fake_pipeline_for_tests, poll=0.05).run_until_empty()
    with TestClient(app) as a, TestClient(app) as b:
        login(a, "ann", "plum-ladder-77")
        login(b, "bob", "amber-spoon-31")
        ann_page = a.get("/queue?sort=title").text
        builds = app.state.desk.pages.builds
        kept_for_bob = b.get("/queue?sort=title").text
        assert app.state.desk.pages.builds == builds  # served from the cache
        app.state.desk.pages = PageCache(lag=0)
        fresh_for_bob = b.get("/queue?sort=title").text
    assert kept_for_bob == fresh_for_bob
    assert 'class="who">bob<' in kept_for_bob and 'class="who">ann<' in ann_page
    assert csrf_of(kept_for_bob) != csrf_of(ann_page)
    assert "dlname" not in kept_for_bob and "dlcsrf" not in kept_for_bob


def test_the_kept_page_stays_within_its_desk_and_language(tmp_path):
    app = _app(tmp_path)
    engine = app.state.desk.engine
    ann = add_user(engine, "ann", "plum-ladder-77", desk="都市")
    eve = add_user(engine, "eve", "amber-spoon-31", desk="古装")
    submit(engine, [("a.txt", make_script(1).encode())], SubmissionMeta(title="城里的剧"), desk_id=ann.desk_id, by="ann")
    submit(engine, [("b.txt", make_script(2).encode())], SubmissionMeta(title="宫里的剧"), desk_id=eve.desk_id, by="eve")
    with TestClient(app) as a, TestClient(app) as e:
        login(a, "ann", "plum-ladder-77")
        login(e, "eve", "amber-spoon-31")
        assert "城里的剧" in a.get("/queue").text
        eve_page = e.get("/queue").text
        assert "宫里的剧" in eve_page and "城里的剧" not in eve_page
        e.cookies.set("dl_lang", "zh")
        assert "待审队列" in e.get("/queue").text and "Queue<" not in e.get("/queue").text


def test_a_readers_own_action_is_on_the_next_page_at_once(tmp_path):
    """Even with a long analysis lag, what a person did is never served from an older page."""
    app = _app(tmp_path, lag=3600)
    engine = app.state.desk.engine
    ann = add_user(engine, "ann", "plum-ladder-77", desk="都市")
    sid = _submit(engine, ann, 1)[0]
    Worker(engine, pipeline=fake_pipeline_for_tests, poll=0.05).run_until_empty()
    with TestClient(app) as c:
        login(c, "ann", "plum-ladder-77")
        page = c.get(f"/submissions/{sid}").text
        assert 'class="status status-new"' in c.get("/queue").text
        c.post(f"/submissions/{sid}/decision", data={"status": "in_review", "version": 1, "csrf_token": csrf_of(page)})
        assert 'class="status status-in_review"' in c.get("/queue").text


def test_analysis_progress_waits_at_most_the_lag(tmp_path):
    now = [1000.0]
    app = _app(tmp_path)
    app.state.desk.pages = PageCache(lag=1.0, clock=lambda: now[0])
    engine = app.state.desk.engine
    ann = add_user(engine, "ann", "plum-ladder-77", desk="都市")
    _submit(engine, ann, 1)
    with TestClient(app) as c:
        login(c, "ann", "plum-ladder-77")
        assert "state-queued" in c.get("/queue").text
        Worker(engine, pipeline=fake_pipeline_for_tests, poll=0.05).run_until_empty()
        now[0] += 0.5
        assert "state-queued" in c.get("/queue").text  # within the lag: the kept page
        now[0] += 0.6
        assert "state-done" in c.get("/queue").text  # past it: built again


# -- the cache on its own: a model of what it may serve -------------------------------------------

ops = st.lists(st.tuples(st.sampled_from(["a", "b"]), st.integers(0, 3), st.integers(0, 3), st.floats(0, 2)),
               min_size=1, max_size=40)


@settings(max_examples=200, deadline=None)
@given(ops)
def test_never_a_page_behind_on_people_nor_older_than_the_lag_on_progress(steps):
    """Versions only grow (a counter); whatever order requests come in, a served page was built at
    the same people-version and either the same progress or within ``lag`` seconds."""
    now = [0.0]
    cache = PageCache(size=8, lag=1.0, max_age=60.0, clock=lambda: now[0])
    people = progress = 0
    for key, dp, dg, dt in steps:
        people, progress, now[0] = people + dp, progress + dg, now[0] + dt
        version = DataVersion(people, progress)
        page = cache.page(key, version, lambda: f"{key}|{people}|{progress}|{now[0]}")
        k, p, g, t = page.split("|")
        assert k == key and int(p) == people
        assert int(g) == progress or now[0] - float(t) <= 1.0


def test_lru_keeps_at_most_size_pages():
    cache = PageCache(size=2)
    for key in "abc":
        cache.page(key, DataVersion(0, 0), lambda: key)
    assert cache.page("a", DataVersion(0, 0), lambda: "rebuilt") == "rebuilt"  # dropped first


def test_ties_follow_the_sort_direction(tmp_path):
    """Equal statuses in id order the sort's own way (what lets the index serve the page)."""
    engine = new_engine(tmp_path)
    ann = add_user(engine, "ann", "plum-ladder-77", desk="都市")
    ids = _submit(engine, ann, 4)
    with engine.connect() as conn:
        up = [r["id"] for r in list_queue(conn, ann, QueueQuery(sort="status", direction="asc")).rows]
        down = [r["id"] for r in list_queue(conn, ann, QueueQuery(sort="status", direction="desc")).rows]
        assert conn.execute(select(submissions.c.status).distinct()).scalars().all() == ["new"]
    assert up == sorted(ids) and down == sorted(ids, reverse=True)


def test_queue_page_builds_once_for_many_readers_of_one_desk(tmp_path):
    app = _app(tmp_path)
    engine = app.state.desk.engine
    names = [f"reader{i}" for i in range(5)]
    for name in names:
        add_user(engine, name, "teal-kettle-42", desk="都市")
    clients = [TestClient(app) for _ in names]
    try:
        for client, name in zip(clients, names):
            client.__enter__()
            login(client, name, "teal-kettle-42")
        builds = app.state.desk.pages.builds
        for _ in range(3):
            for client, name in zip(clients, names):
                page = client.get("/queue").text
                assert re.search(rf'class="who">{name}<', page)
        assert app.state.desk.pages.builds == builds + 1
    finally:
        for client in clients:
            client.__exit__(None, None, None)


def test_readers_do_not_queue_behind_a_rebuild_unless_a_person_changed_something():
    import threading

    now = [0.0]
    cache = PageCache(lag=1.0, clock=lambda: now[0])
    cache.page("q", DataVersion(1, 1), lambda: "old")
    now[0] = 5.0  # past the lag: the next reader rebuilds
    release, started = threading.Event(), threading.Event()

    def slow_build() -> str:
        started.set()
        release.wait(10)
        return "new"

    builder = threading.Thread(target=cache.page, args=("q", DataVersion(1, 2), slow_build))
    builder.start()
    assert started.wait(10)
    assert cache.page("q", DataVersion(1, 3), lambda: "never") == "old"  # analysis only: served at once
    waiting: list[str] = []
    person = threading.Thread(target=lambda: waiting.append(cache.page("q", DataVersion(2, 3), lambda: "mine")))
    person.start()
    person.join(0.2)
    assert not waiting  # a person's change waits for a build of its own
    release.set()
    builder.join(10)
    person.join(10)
    assert waiting == ["mine"]


def test_migration_0006_counts_from_a_desk_deployed_before_it(tmp_path):
    from sqlalchemy import text

    from dramalens.db import make_engine, upgrade
    from dramalens.triage.models import MIGRATIONS, VERSION_TABLE, init_db

    engine = make_engine(f"sqlite:///{tmp_path / 'old.sqlite'}")
    upgrade(engine, MIGRATIONS, VERSION_TABLE, revision="0004")
    with engine.begin() as c:
        c.execute(text("INSERT INTO triage_desks (id, name, created_at) VALUES (1, 'd', 0)"))
        c.execute(text(
            "INSERT INTO triage_submissions (id, desk_id, title, filename, format, track, synopsis, submitted_by,"
            " submitted_at, sha256, language, tropes, analysis_state, status, version, updated_at) VALUES"
            " (1, 1, 't', 't.txt', '', '', '', 'x', 0, 'h', 'zh', '', 'done', 'new', 1, 0)"))
    init_db(engine)
    assert queue_data_version(engine) == DataVersion(0, 0)
    with engine.begin() as c:
        c.execute(text("UPDATE triage_submissions SET status = 'consider', version = 2 WHERE id = 1"))
        c.execute(text("UPDATE triage_submissions SET score = 40 WHERE id = 1"))
        c.execute(text("UPDATE triage_submissions SET status = 'consider' WHERE id = 1"))  # nothing changed
    assert queue_data_version(engine) == DataVersion(1, 2)
