"""Issue 11's account fixes: the password rule, per-account lockout, an address limit that
spares an office's known colleagues, uniform assignment answers, and the response headers."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from dramalens.errors import ConfigError, TooManyRequests
from dramalens.triage import throttle
from dramalens.triage.auth import add_user, login_attempt
from dramalens.triage.intake import SubmissionMeta, submit
from dramalens.triage.passwords import password_problem
from dramalens.triage.review import assign
from dramalens.web.app import create_app, server_config
from triage_support import fast_hash, login, make_script, new_engine  # noqa: F401

pytestmark = pytest.mark.usefixtures("fast_hash")

T0 = 1_800_000_000.0


@pytest.fixture
def engine(tmp_path):
    return new_engine(tmp_path)


@pytest.mark.parametrize("bad", ["password", "12345678", "1234567890", "Password123", "qwertyuiop", "short"])
def test_common_or_short_passwords_are_refused(engine, bad):
    assert password_problem(bad) is not None
    with pytest.raises(ConfigError):
        add_user(engine, "ann", bad)


def test_a_password_may_not_be_the_name(engine):
    with pytest.raises(ConfigError, match="user name"):
        add_user(engine, "longusername", "LongUserName")
    assert add_user(engine, "ann", "teal-kettle-42").name == "ann"


def test_per_account_lockout_holds_across_addresses(engine):
    add_user(engine, "ann", "teal-kettle-42")
    policy = throttle.ThrottlePolicy()
    for i in range(policy.account_total_limit):  # a botnet: every guess from another address
        assert login_attempt(engine, "ann", "wrong-guess-x", f"10.0.{i}.1", at=T0 + i) is None
    with pytest.raises(TooManyRequests):
        login_attempt(engine, "ann", "teal-kettle-42", "10.9.9.9", at=T0 + 20)


def test_an_office_behind_one_address_is_not_locked_out_by_a_sprayer(engine):
    office = "203.0.113.7"
    add_user(engine, "ann", "teal-kettle-42")
    add_user(engine, "bob", "plum-ladder-77")
    assert login_attempt(engine, "ann", "teal-kettle-42", office, at=T0) is not None  # ann works here
    for i in range(20):  # someone in the same office (or its NAT) sprays names
        login_attempt(engine, f"guess{i}", "wrong-guess-x", office, at=T0 + 1 + i)
    with pytest.raises(TooManyRequests):  # names never seen at this address are refused ...
        login_attempt(engine, "bob", "plum-ladder-77", office, at=T0 + 30)
    # ... a colleague known at this address still logs in
    assert login_attempt(engine, "ann", "teal-kettle-42", office, at=T0 + 31) is not None


def test_assigning_answers_alike_for_unknown_names_and_other_desks(engine):
    boss = add_user(engine, "boss", "teal-kettle-42", admin=True, desk="都市")
    ann = add_user(engine, "ann", "plum-ladder-77", desk="都市")
    add_user(engine, "eve", "amber-spoon-31", desk="古装")
    sid = submit(engine, [("a.txt", make_script(1).encode())], SubmissionMeta(), desk_id=ann.desk_id,
                 by="ann").submission_ids[0]
    add_user(engine, "zed", "amber-spoon-32", admin=True, desk="古装")
    messages = []
    for name in ("eve", "nobody-at-all"):
        with pytest.raises(ConfigError) as exc:
            assign(engine, sid, boss, name)
        messages.append(str(exc.value.message).replace(name, "NAME"))
    for name in ("eve", "nobody-at-all", "zed"):  # a reviewer learns nothing about names off the desk
        with pytest.raises(ConfigError) as exc:
            assign(engine, sid, ann, name)
        messages.append(str(exc.value.message).replace(name, "NAME"))
    assert len(set(messages)) == 1
    assign(engine, sid, ann, "boss")  # an admin on the desk is a colleague


def test_headers_no_store_permissions_policy_and_no_banner(tmp_path):
    app = create_app(f"sqlite:///{tmp_path / 'h.sqlite'}", workers=0)
    add_user(app.state.desk.engine, "ann", "plum-ladder-77", desk="都市")
    with TestClient(app) as client:
        login(client, "ann", "plum-ladder-77")
        for path in ("/queue", "/upload", "/export.csv", "/login"):
            r = client.get(path)
            assert r.headers["cache-control"] == "no-store", path
            assert "camera=()" in r.headers["permissions-policy"], path
        assert "no-store" not in client.get("/static/desk.css").headers.get("cache-control", "")
    assert server_config(app, "127.0.0.1", 8000).server_header is False


def test_serve_runs_its_workers_as_separate_processes(tmp_path):
    import time

    from dramalens.triage import desk

    url = f"sqlite:///{tmp_path / 'p.sqlite'}"
    app = create_app(url, worker_processes=1)
    ann = add_user(app.state.desk.engine, "ann", "plum-ladder-77", desk="都市")
    sid = submit(app.state.desk.engine, [("a.txt", make_script(4).encode())], SubmissionMeta(), desk_id=ann.desk_id,
                 by="ann").submission_ids[0]
    with TestClient(app):
        pool = app.state.desk.pool
        assert app.state.desk.worker is None and pool is not None and pool.processes[0].is_alive()
        deadline = time.time() + 90
        while time.time() < deadline and desk.submission_detail(app.state.desk.engine, sid, ann).score is None:
            time.sleep(0.2)
    assert desk.submission_detail(app.state.desk.engine, sid, ann).score is not None
    assert not pool.processes  # stopped with the app


def test_script_reader_numbers_lines_and_evidence_links_to_them(tmp_path):
    import re

    from dramalens.triage.reader import script_view
    from dramalens.triage.worker import Worker
    from triage_support import REAL_PIPELINE

    app = create_app(f"sqlite:///{tmp_path / 'r.sqlite'}", workers=0)
    engine = app.state.desk.engine
    ann = add_user(engine, "ann", "plum-ladder-77", desk="都市")
    eve = add_user(engine, "eve", "amber-spoon-31", desk="古装")
    text = make_script(1, episodes=4)  # episodes 1 and 4 end without a hook: evidence with lines
    sid = submit(engine, [("a.txt", text.encode())], SubmissionMeta(), desk_id=ann.desk_id, by="ann").submission_ids[0]
    Worker(engine, pipeline=REAL_PIPELINE, poll=0.05).run_until_empty()
    view = script_view(engine, sid, ann)
    assert view.lines == tuple(text.splitlines())
    assert [e.number for e in view.episodes] == [1, 2, 3, 4]
    assert view.lines[view.episodes[1].line - 1] == "第2集"
    assert view.lines[view.episodes[0].scenes[0].line - 1].startswith("1-1 ")
    with pytest.raises(Exception, match="no submission"):
        script_view(engine, sid, eve)
    with TestClient(app) as client:
        login(client, "ann", "plum-ladder-77")
        page = client.get(f"/submissions/{sid}").text
        links = re.findall(rf'href="/submissions/{sid}/script#L(\d+)"', page)
        assert links, "evidence with a line links to the reader"
        reader = client.get(f"/submissions/{sid}/script").text
        for n in links:
            assert f'id="L{n}"' in reader
        assert 'href="#L' in reader and "第2集" in reader
        client.cookies.set("dl_lang", "zh")
        assert "目录" in client.get(f"/submissions/{sid}/script").text


def test_coverage_in_both_languages_and_as_docx(tmp_path):
    import io

    from docx import Document

    from dramalens.triage.coverage import coverage_for
    from dramalens.triage.worker import Worker
    from triage_support import REAL_PIPELINE

    app = create_app(f"sqlite:///{tmp_path / 'c.sqlite'}", workers=0)
    engine = app.state.desk.engine
    ann = add_user(engine, "ann", "plum-ladder-77", desk="都市")
    text = make_script(1, episodes=12)
    sid = submit(engine, [("a.txt", text.encode())], SubmissionMeta(), desk_id=ann.desk_id, by="ann").submission_ids[0]
    Worker(engine, pipeline=REAL_PIPELINE, poll=0.05).run_until_empty()
    cov = coverage_for(engine, sid, ann)
    lines = text.splitlines()
    assert cov.logline is not None and cov.logline.text.split("：")[-1] in lines[cov.logline.line - 1]
    assert 1 <= len(cov.synopsis) <= 8 and all(s.text.split("：")[-1] in lines[s.line - 1] for s in cov.synopsis)
    assert [g.dimension for g in cov.grades] == ["originality", "craft", "risk"]
    assert cov.verdict in ("recommend", "consider", "pass")
    with TestClient(app) as client:
        login(client, "ann", "plum-ladder-77")
        en = client.get(f"/submissions/{sid}/coverage").text
        assert "Logline" in en and "Suggested verdict" in en and cov.logline.text.split("：")[-1] in en
        client.cookies.set("dl_lang", "zh")
        zh = client.get(f"/submissions/{sid}/coverage").text
        assert "一句话梗概" in zh and "建议结论" in zh
        r = client.get(f"/submissions/{sid}/coverage.docx")
        assert r.status_code == 200 and r.headers["cache-control"] == "no-store"
        doc = Document(io.BytesIO(r.content))
        body = "\n".join(p.text for p in doc.paragraphs)
        assert "审读报告" in body and "一句话梗概" in body



def test_coverage_says_the_paywall_note_in_the_readers_language(tmp_path):
    from dramalens.triage.coverage import coverage_for
    from dramalens.triage.worker import Worker
    from triage_support import REAL_PIPELINE

    app = create_app(f"sqlite:///{tmp_path / 'n.sqlite'}", workers=0)
    engine = app.state.desk.engine
    ann = add_user(engine, "ann", "plum-ladder-77", desk="都市")
    # Twenty episodes that each end on a flat line: no episode of 8-16 ends strongly.
    text = "".join(f"第{n}集\n{n}-1 日 内 客厅\n林晚：今天吃了饭，我们明天去公司把这件事说清楚。\n顾沉：好的，明天见。\n"
                   for n in range(1, 21))
    sid = submit(engine, [("flat.txt", text.encode())], SubmissionMeta(), desk_id=ann.desk_id, by="ann").submission_ids[0]
    Worker(engine, pipeline=REAL_PIPELINE, poll=0.05).run_until_empty()
    craft = {c.dimension: c for c in coverage_for(engine, sid, ann, "zh").grades}["craft"].evidence
    assert any(e.startswith("第8-16集没有强结尾") for e in craft), craft
    craft_en = {c.dimension: c for c in coverage_for(engine, sid, ann, "en").grades}["craft"].evidence
    assert any(e.startswith("no episode in 8-16 ends strongly") for e in craft_en), craft_en

def test_bulk_decisions_and_next_script(tmp_path):
    from dramalens.triage import desk
    from dramalens.triage.worker import Worker
    from triage_support import csrf_of, fake_pipeline_for_tests

    app = create_app(f"sqlite:///{tmp_path / 'b.sqlite'}", workers=0)
    engine = app.state.desk.engine
    ann = add_user(engine, "ann", "plum-ladder-77", desk="都市")
    eve = add_user(engine, "eve", "amber-spoon-31", desk="古装")
    ids = list(submit(engine, [(f"s{i}.txt", make_script(40 + i).encode()) for i in range(4)], SubmissionMeta(),
                      desk_id=ann.desk_id, by="ann").submission_ids)
    other = submit(engine, [("x.txt", make_script(50).encode())], SubmissionMeta(), desk_id=eve.desk_id,
                   by="eve").submission_ids[0]
    Worker(engine, pipeline=fake_pipeline_for_tests, poll=0.05).run_until_empty()
    out = desk.bulk_decide(engine, ann, [ids[0], ids[1], other], "passed")
    assert out.applied == (ids[0], ids[1]) and [i for i, _ in out.refused] == [other]
    best = desk.next_submission(engine, ann)
    assert best in ids[2:] and desk.next_submission(engine, ann, after=best) in ids[2:]
    with TestClient(app) as client:
        login(client, "ann", "plum-ladder-77")
        token = csrf_of(client.get("/queue").text)
        r = client.post("/queue/decide", data={"csrf_token": token, "ids": [str(ids[2])], "status": "consider"},
                        follow_redirects=False)
        assert r.status_code == 303 and "decided=1" in r.headers["location"]
        assert "1 decided" in client.get(r.headers["location"]).text
        page = client.get(f"/submissions/{ids[3]}").text
        version = __import__("re").search(r'name="version" value="(\d+)"', page).group(1)
        r = client.post(f"/submissions/{ids[3]}/decision", data={"csrf_token": token, "status": "in_review",
                                                                 "version": version, "then": "next"},
                        follow_redirects=False)
        assert r.headers["location"] == "/queue"  # every script of the desk is decided: back to the queue
        assert client.get("/next", follow_redirects=False).headers["location"] == "/queue"
