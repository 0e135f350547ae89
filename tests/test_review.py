"""Review workflow: transitions, optimistic locking, audit log, notes, assignment, desks."""

from __future__ import annotations

import threading

import pytest
from sqlalchemy import select

from dramalens.errors import ConfigError, ConflictError, NotFoundError
from dramalens.triage.auth import add_user
from dramalens.triage.export import export_csv
from dramalens.triage.intake import SubmissionMeta, submit
from dramalens.triage.review import add_note, assign, audit_log, decide, list_notes, transitions
from dramalens.triage.models import submissions
from triage_support import new_engine, fast_hash  # noqa: F401 (fixture)

pytestmark = pytest.mark.usefixtures("fast_hash")


@pytest.fixture
def desk(tmp_path):
    engine = new_engine(tmp_path)
    ann = add_user(engine, "ann", "password-a", desk="都市")
    bob = add_user(engine, "bob", "password-b", desk="都市")
    eve = add_user(engine, "eve", "password-e", desk="古装")
    boss = add_user(engine, "boss", "password-x", admin=True, desk="都市")
    sid = submit(engine, [("a.txt", b"x")], SubmissionMeta(title="=cmd|' /C calc'!A0"), desk_id=ann.desk_id, by="ann").submission_ids[0]
    return engine, ann, bob, eve, boss, sid


def test_status_flow_and_versions(desk):
    engine, ann, _, _, boss, sid = desk
    assert decide(engine, sid, ann, "in_review", 1) == 2
    assert decide(engine, sid, ann, "consider", 2, "strong hook") == 3
    assert decide(engine, sid, ann, "signed", 3) == 4
    assert transitions("signed", ann) == ()
    with pytest.raises(ConfigError, match="final"):
        decide(engine, sid, ann, "passed", 4)
    assert decide(engine, sid, boss, "in_review", 4) == 5  # an admin reopens
    with pytest.raises(ConfigError, match="unknown status"):
        decide(engine, sid, ann, "maybe", 5)
    with engine.connect() as c:
        log = audit_log(c, sid)
        assert [d["outcome"] for d in log] == ["applied", "applied", "applied", "refused", "applied"]
        assert [n["text"] for n in list_notes(c, sid)] == ["strong hook"]


def test_two_reviewers_at_once_one_wins_both_audited(desk):
    engine, ann, bob, _, _, sid = desk
    barrier = threading.Barrier(2)
    results: dict[str, object] = {}

    def act(user, status):
        barrier.wait()
        try:
            results[user.name] = decide(engine, sid, user, status, 1)
        except ConflictError as exc:
            results[user.name] = exc

    threads = [threading.Thread(target=act, args=(ann, "signed")), threading.Thread(target=act, args=(bob, "passed"))]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    wins = [n for n, r in results.items() if r == 2]
    losses = [n for n, r in results.items() if isinstance(r, ConflictError)]
    assert len(wins) == 1 and len(losses) == 1
    with engine.connect() as c:
        log = audit_log(c, sid)
        final = c.execute(select(submissions.c.status, submissions.c.version).where(submissions.c.id == sid)).one()
    assert sorted((d["user_name"], d["outcome"]) for d in log) == sorted([(wins[0], "applied"), (losses[0], "conflict")])
    assert final.version == 2 and final.status == {"ann": "signed", "bob": "passed"}[wins[0]]


def test_desks_are_walls(desk):
    engine, ann, _, eve, boss, sid = desk
    with pytest.raises(NotFoundError):
        decide(engine, sid, eve, "consider", 1)
    with pytest.raises(NotFoundError):
        add_note(engine, sid, eve, "peek")
    with engine.connect() as c:
        assert "a.txt" not in export_csv(c, eve)
        assert "a.txt" in export_csv(c, ann) and "a.txt" in export_csv(c, boss)


def test_notes_and_assignment(desk):
    engine, ann, bob, eve, boss, sid = desk
    add_note(engine, sid, ann, "read ep 1-10")
    with pytest.raises(ConfigError):
        add_note(engine, sid, ann, "   ")
    assign(engine, sid, ann, "ann")
    assign(engine, sid, ann, "bob")  # a reviewer hands the script to a colleague on the desk
    with pytest.raises(ConfigError, match="not a reviewer of this"):
        assign(engine, sid, ann, "eve")  # but not to another desk
    with pytest.raises(ConfigError, match="not a reviewer of this"):
        assign(engine, sid, boss, "eve")
    assign(engine, sid, boss, "bob")
    with engine.connect() as c:
        actions = [d["action"] for d in audit_log(c, sid)]
    assert actions == ["note", "assign", "assign", "assign"]


def test_export_neutralises_formulas_and_lists_decisions(desk):
    engine, ann, _, _, _, sid = desk
    decide(engine, sid, ann, "signed", 1, "yes")
    with engine.connect() as c:
        queue = export_csv(c, ann)
        log = export_csv(c, ann, kind="decisions")
    assert "'=cmd" in queue and ",signed,2," in queue and ",ann," in queue
    assert log.splitlines()[1].endswith(",applied,yes," + log.splitlines()[1].split(",")[-1])
    with pytest.raises(ConfigError):
        export_csv(c, ann, kind="all")
