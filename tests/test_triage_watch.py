"""The watched folder: real files in a tmp folder, a real SQLite file, two polls per file."""

from __future__ import annotations

import json
import os
import sys
import threading

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select

from dramalens.cli import main
from dramalens.errors import ConfigError, InputError
from dramalens.triage import watch as watch_mod
from dramalens.triage.intake import IntakeLimits
from dramalens.triage.jobs import queue_stats
from dramalens.triage.models import batches, contents, submissions
from dramalens.triage.watch import FolderWatcher, read_sidecar, watch_once
from triage_support import make_script, make_zip, new_engine


@pytest.fixture
def desk(tmp_path):
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    return new_engine(tmp_path), inbox


def _rows(engine):
    with engine.connect() as c:
        return c.execute(select(submissions, contents.c.content).join(contents, contents.c.submission_id == submissions.c.id)
                         .order_by(submissions.c.id)).all()


def _two_polls(engine, inbox, **kw):
    first = watch_once(engine, inbox, **kw)
    assert first.count("submitted") == 0, "a file is never taken at the poll that first sees it"
    return watch_once(engine, inbox, **kw)


def test_script_and_zip_submitted_once_and_moved_to_done(desk):
    engine, inbox = desk
    script = make_script(1).encode()
    (inbox / "一.txt").write_bytes(script)
    (inbox / "batch.zip").write_bytes(make_zip({"a.txt": make_script(2), "b/c.fountain": "INT. HOUSE - DAY\n\nBOB\nHi.",
                                                "readme.pdf": b"%PDF"}))
    report = _two_polls(engine, inbox, desk="都市组", by="drive")
    assert report.count("submitted") == 2 and report.count("failed") == 0
    assert sorted(os.listdir(inbox / "done")) == ["batch.zip", "一.txt"]
    assert not (inbox / "一.txt").exists() and not (inbox / "batch.zip").exists()
    assert (inbox / "done" / "一.txt").read_bytes() == script  # moved, never altered or deleted
    rows = _rows(engine)
    assert sorted(r.filename for r in rows) == ["a.txt", "b/c.fountain", "一.txt"]
    assert {r.submitted_by for r in rows} == {"drive"} and queue_stats(engine).queued == 3
    zipped = next(o for o in report.outcomes if o.name == "batch.zip")
    assert zipped.skipped == ("readme.pdf (not a script file: .pdf)",)
    # Polling again (and again) submits nothing more.
    for _ in range(2):
        assert watch_once(engine, inbox, desk="都市组").outcomes == ()
    assert len(_rows(engine)) == 3


def test_growing_file_waits_until_stable(desk):
    engine, inbox = desk
    path = inbox / "ep.txt"
    path.write_text("第1集\n", encoding="utf-8")
    w = FolderWatcher(engine, inbox)
    for i in range(3):  # still being copied: grows between every poll
        report = w.scan()
        assert [o.action for o in report.outcomes] == ["waiting"]
        with open(path, "a", encoding="utf-8") as fh:
            fh.write(f"林晚：第{i}句台词。\n")
    assert _rows(engine) == []
    w.scan()  # sees the final size
    assert _rows(engine) == []
    report = w.scan()  # unchanged since: taken, whole
    assert report.count("submitted") == 1
    assert _rows(engine)[0].content == (inbox / "done" / "ep.txt").read_bytes()
    assert "第2句" in _rows(engine)[0].content.decode()


def test_same_size_rewrite_is_noticed_by_mtime(desk):
    engine, inbox = desk
    path = inbox / "ep.txt"
    path.write_text("第1集 AAAA", encoding="utf-8")
    w = FolderWatcher(engine, inbox)
    w.scan()
    path.write_text("第1集 BBBB", encoding="utf-8")
    st_ = path.stat()
    os.utime(path, ns=(st_.st_atime_ns, st_.st_mtime_ns + 5_000_000_000))
    assert w.scan().count("submitted") == 0
    assert w.scan().count("submitted") == 1
    assert _rows(engine)[0].content.decode().endswith("BBBB")


def test_hostile_zip_binary_and_oversized_end_in_failed_with_reason(desk):
    engine, inbox = desk
    (inbox / "slip.zip").write_bytes(make_zip({"ok.txt": "第1集", "../../evil.txt": "第1集"}))
    (inbox / "bomb.zip").write_bytes(make_zip({"bomb.txt": b"0" * (20 * 1024 * 1024)}))
    (inbox / "photo.txt").write_bytes(bytes(range(256)) * 20)
    (inbox / "scan.pdf").write_bytes(b"%PDF-1.4 ...")
    (inbox / "huge.txt").write_text("第1集\n" + "台词。" * 3000, encoding="utf-8")
    (inbox / "fake.docx").write_text("not a zip", encoding="utf-8")
    report = _two_polls(engine, inbox, limits=IntakeLimits(max_file_bytes=8000))
    assert report.count("failed") == 6 and report.count("submitted") == 0
    failed = inbox / "failed"
    reasons = {n: (failed / f"{n}.error.txt").read_text("utf-8") for n in
               ("slip.zip", "bomb.zip", "photo.txt", "scan.pdf", "huge.txt", "fake.docx")}
    assert "unsafe path" in reasons["slip.zip"] or "outside" in reasons["slip.zip"]
    assert "compresses" in reasons["bomb.zip"] or "over the limit" in reasons["bomb.zip"]
    assert "binary" in reasons["photo.txt"] or "decode" in reasons["photo.txt"]
    assert "unsupported file type" in reasons["scan.pdf"]
    assert "over the limit" in reasons["huge.txt"]
    assert "docx" in reasons["fake.docx"]
    for name in reasons:
        assert (failed / name).exists() and not (inbox / name).exists()
    assert _rows(engine) == [] and not (failed / "evil.txt").exists()
    assert not any(p.name == "evil.txt" for p in inbox.parent.rglob("*"))


def test_binary_member_of_zip_is_skipped_not_the_batch(desk):
    engine, inbox = desk
    (inbox / "b.zip").write_bytes(make_zip({"good.txt": make_script(3), "bad.txt": bytes(range(256)) * 40}))
    report = _two_polls(engine, inbox)
    assert report.count("submitted") == 1
    assert [r.filename for r in _rows(engine)] == ["good.txt"]
    assert any(s.startswith("bad.txt") for s in report.outcomes[0].skipped)


def test_sidecar_gives_metadata(desk):
    engine, inbox = desk
    (inbox / "重生.txt").write_text(make_script(4), encoding="utf-8")
    (inbox / "重生.txt.json").write_text(json.dumps({"title": "重生之我是总裁", "format": "vertical", "episodes": "80",
                                                     "track": "都市", "synopsis": "她回来了。", "budget": 500000}),
                                        encoding="utf-8")
    (inbox / "other.fountain").write_text("INT. HOUSE - DAY\n\nBOB\nHi.", encoding="utf-8")
    (inbox / "other.json").write_text('{"track": "悬疑"}', encoding="utf-8")  # stem form
    assert _two_polls(engine, inbox).count("submitted") == 2
    rows = {r.filename: r for r in _rows(engine)}
    r = rows["重生.txt"]
    assert (r.title, r.format, r.episodes, r.track, r.synopsis, r.budget) == ("重生之我是总裁", "vertical", 80, "都市", "她回来了。", 500000)
    assert rows["other.fountain"].track == "悬疑"
    assert (inbox / "done" / "重生.txt.json").exists() and (inbox / "done" / "other.fountain.json").exists()


@pytest.mark.parametrize("sidecar, needle", [
    ('{"format": "square"}', "format must be one of"),
    ('{"episodes": "eighty"}', "whole number"),
    ('{"episodes": 0}', "episodes must be between"),
    ('{"budget": -1}', "budget"),
    ('{"colour": "red"}', "unknown sidecar keys"),
    ('["title"]', "JSON object"),
    ('{"title": ', "not valid JSON"),
    ('{"title": 5}', "must be a string"),
])
def test_bad_sidecar_sends_file_to_failed_with_reason(desk, sidecar, needle):
    engine, inbox = desk
    (inbox / "ep.txt").write_text(make_script(5), encoding="utf-8")
    (inbox / "ep.txt.json").write_text(sidecar, encoding="utf-8")
    report = _two_polls(engine, inbox)
    assert report.count("failed") == 1 and needle in report.outcomes[0].reason
    assert needle in (inbox / "failed" / "ep.txt.error.txt").read_text("utf-8")
    assert (inbox / "failed" / "ep.txt").exists() and (inbox / "failed" / "ep.txt.json").exists()
    assert _rows(engine) == []


def test_crash_between_submit_and_move_is_not_submitted_twice(desk, monkeypatch):
    engine, inbox = desk
    (inbox / "ep.txt").write_text(make_script(6), encoding="utf-8")
    (inbox / "b.zip").write_bytes(make_zip({"x.txt": make_script(7), "y.txt": make_script(8)}))
    real_submit = watch_mod.submit

    def submit_then_die(*args, **kwargs):
        real_submit(*args, **kwargs)  # committed …
        raise SystemExit("killed")  # … and the process dies before the journal or the move

    w = FolderWatcher(engine, inbox)
    w.scan()
    monkeypatch.setattr(watch_mod, "submit", submit_then_die)
    with pytest.raises(SystemExit):
        w.scan()
    monkeypatch.setattr(watch_mod, "submit", real_submit)
    assert (inbox / "b.zip").exists() and len(_rows(engine)) == 2  # the zip was submitted, then the crash
    report = FolderWatcher(engine, inbox).scan()  # the restarted process
    assert {o.name: o.action for o in report.outcomes} == {"b.zip": "duplicate", "ep.txt": "submitted"}
    assert len(_rows(engine)) == 3
    with engine.connect() as c:
        assert c.execute(select(func.count()).select_from(batches)).scalar_one() == 2
    assert sorted(os.listdir(inbox / "done")) == ["b.zip", "ep.txt"]


def test_crash_after_journal_before_move(desk, monkeypatch):
    engine, inbox = desk
    (inbox / "ep.txt").write_text(make_script(9), encoding="utf-8")
    w = FolderWatcher(engine, inbox)
    w.scan()

    def die(src, dst):
        raise SystemExit("killed")

    monkeypatch.setattr(watch_mod, "_move", die)
    with pytest.raises(SystemExit):
        w.scan()
    monkeypatch.undo()
    report = w.scan()
    assert [o.action for o in report.outcomes] == ["duplicate"] and len(_rows(engine)) == 1
    assert (inbox / "done" / "ep.txt").exists()


def test_same_bytes_dropped_again_under_another_name(desk):
    engine, inbox = desk
    data = make_script(10).encode()
    (inbox / "a.txt").write_bytes(data)
    _two_polls(engine, inbox)
    (inbox / "copy of a.txt").write_bytes(data)
    (inbox / "a.txt").write_bytes(data)  # and the same name again
    report = _two_polls(engine, inbox)
    assert report.count("duplicate") == 2 and len(_rows(engine)) == 1
    # Kept, not lost, and nothing in done/ overwritten.
    assert sorted(os.listdir(inbox / "done")) == ["a (2).txt", "a.txt", "copy of a.txt"]


def test_stale_journal_does_not_hide_a_script_from_a_new_database(desk, tmp_path):
    engine, inbox = desk
    data = make_script(11).encode()
    (inbox / "a.txt").write_bytes(data)
    _two_polls(engine, inbox)
    other = new_engine(tmp_path, "other.sqlite")
    (inbox / "a.txt").write_bytes(data)
    assert _two_polls(other, inbox).count("submitted") == 1
    assert len(_rows(other)) == 1


def test_odd_names_symlinks_and_temp_files(desk, tmp_path):
    engine, inbox = desk
    secret = tmp_path / "secret.txt"
    secret.write_text("第1集 secret", encoding="utf-8")
    os.symlink(secret, inbox / "link.txt")
    (inbox / "line\nbreak.txt").write_text(make_script(12), encoding="utf-8")
    (inbox / "..dots.txt").write_text(make_script(13), encoding="utf-8")  # hidden: a copy tool's temp
    (inbox / "ep.txt.part").write_text("第1集", encoding="utf-8")
    (inbox / "~$draft.docx").write_bytes(b"x")
    (inbox / "-rf .txt").write_text(make_script(14), encoding="utf-8")
    (inbox / "e\u0301pisode.txt").write_text(make_script(15), encoding="utf-8")  # NFD name
    if sys.platform.startswith("linux"):
        fd = os.open(os.path.join(os.fsencode(inbox), b"bad\xff.txt"), os.O_WRONLY | os.O_CREAT)
        os.write(fd, make_script(16).encode())
        os.close(fd)
    report = _two_polls(engine, inbox)
    actions = {o.name: o.action for o in report.outcomes}
    assert actions["link.txt"] == "failed" and actions["line\nbreak.txt"] == "failed"
    assert actions["-rf .txt"] == "submitted" and actions["e\u0301pisode.txt"] == "submitted"
    assert not {"..dots.txt", "ep.txt.part", "~$draft.docx"} & set(actions)
    assert os.path.islink(inbox / "failed" / "link.txt") and secret.read_text("utf-8") == "第1集 secret"
    assert "symbolic link" in (inbox / "failed" / "link.txt.error.txt").read_text("utf-8")
    assert "plain file name" in (inbox / "failed" / "line\nbreak.txt.error.txt").read_text("utf-8")
    if sys.platform.startswith("linux"):
        bad = os.fsdecode(b"bad\xff.txt")
        assert actions[bad] == "failed"
        assert os.path.exists(os.path.join(inbox, "failed", bad))
    names = sorted(r.filename for r in _rows(engine))
    assert names == sorted(["-rf .txt", "\u00e9pisode.txt"])  # NFC, as uploads are
    assert b"secret" not in b"".join(r.content for r in _rows(engine))
    assert (inbox / "..dots.txt").exists() and (inbox / "ep.txt.part").exists()


def test_second_watcher_on_the_same_folder_stands_aside(desk):
    engine, inbox = desk
    (inbox / "a.txt").write_text(make_script(17), encoding="utf-8")
    w = FolderWatcher(engine, inbox)
    lock = watch_mod._FolderLock(w.state / "lock")
    assert lock.acquire()
    try:
        assert w.scan().busy and w.scan().busy
    finally:
        lock.release()
    assert not w.scan().busy


def test_parameters_validated(desk, tmp_path):
    engine, inbox = desk
    with pytest.raises(InputError, match="does not exist"):
        FolderWatcher(engine, tmp_path / "nope")
    with pytest.raises(ConfigError, match="interval"):
        FolderWatcher(engine, inbox, interval=0)
    with pytest.raises(ConfigError, match="desk"):
        FolderWatcher(engine, inbox, desk="")


def test_thread_mode_submits_and_stops(desk):
    engine, inbox = desk
    (inbox / "a.txt").write_text(make_script(18), encoding="utf-8")
    w = FolderWatcher(engine, inbox, interval=0.1)
    w.start()
    try:
        for _ in range(200):
            if (inbox / "done" / "a.txt").exists():
                break
            w._stop.wait(0.05)
    finally:
        w.stop()
    assert (inbox / "done" / "a.txt").exists() and len(_rows(engine)) == 1


def test_cli_watch_once(desk, tmp_path, capsys):
    engine, inbox = desk
    (inbox / "a.txt").write_text(make_script(19), encoding="utf-8")
    db = f"sqlite:///{tmp_path / 'desk.sqlite'}"
    args = ["triage", "watch", str(inbox), "--db", db, "--desk", "悬疑组", "--by", "agent-x", "--once"]
    assert main(args) == 0
    assert main(args) == 0
    out = capsys.readouterr().out
    assert "submitted: 'a.txt'" in out and "submitted 1" in out
    assert [(r.submitted_by, r.filename) for r in _rows(engine)] == [("agent-x", "a.txt")]
    assert main(["triage", "watch", str(tmp_path / "missing"), "--db", db, "--once"]) == 2
    assert main(["triage", "watch", str(inbox), "--db", db, "--interval", "0", "--once"]) == 2


_fields = st.fixed_dictionaries({}, optional={
    "title": st.one_of(st.none(), st.text(max_size=10), st.integers()),
    "format": st.one_of(st.sampled_from(["", "vertical", "horizontal", "x"]), st.integers()),
    "episodes": st.one_of(st.none(), st.integers(-5, 3000), st.text(max_size=4), st.booleans(), st.floats()),
    "budget": st.one_of(st.none(), st.integers(-5, 10**9), st.text(max_size=4)),
    "other": st.integers(),
})


@settings(max_examples=150, deadline=None)
@given(_fields)
def test_sidecar_either_valid_meta_or_input_error(obj):
    """Whatever JSON a sender writes, a sidecar is a valid SubmissionMeta or one InputError."""
    try:
        meta = read_sidecar(json.dumps(obj).encode())
    except InputError as exc:
        assert exc.message
        return
    assert set(obj) <= {"title", "format", "episodes", "track", "synopsis", "budget"}
    assert meta.episodes is None or 1 <= meta.episodes <= 2000
    assert meta.budget is None or meta.budget >= 0


def test_serve_starts_and_stops_the_watcher(desk, tmp_path):
    from fastapi.testclient import TestClient

    from dramalens.web.app import create_app

    engine, inbox = desk
    db = f"sqlite:///{tmp_path / 'desk.sqlite'}"
    with pytest.raises(InputError, match="does not exist"):
        create_app(db, watch=tmp_path / "missing")
    (inbox / "a.txt").write_text(make_script(20), encoding="utf-8")
    seen = inbox / ".dramalens-watch" / "seen.json"
    with TestClient(create_app(db, watch=inbox)):
        for _ in range(200):  # the first poll runs as the server starts
            if seen.exists() and "a.txt" in seen.read_text("utf-8"):
                break
            threading.Event().wait(0.05)
        assert "a.txt" in seen.read_text("utf-8")
    assert not any(t.name == "dramalens-watch" and t.is_alive() for t in threading.enumerate())


def test_symlinked_sidecar_is_refused_and_file_changed_during_read_waits(desk, tmp_path):
    engine, inbox = desk
    private = tmp_path / "private.json"
    private.write_text('{"title": "secret title"}', encoding="utf-8")
    (inbox / "a.txt").write_text(make_script(21), encoding="utf-8")
    os.symlink(private, inbox / "a.txt.json")
    report = _two_polls(engine, inbox)
    assert report.count("failed") == 1 and "symbolic link" in report.outcomes[0].reason
    assert _rows(engine) == []
    (inbox / "b.txt").write_text(make_script(22), encoding="utf-8")
    w = FolderWatcher(engine, inbox)
    size = (inbox / "b.txt").stat().st_size
    outcome = w._take("b.txt", None, 1, [size - 1, 0])  # the listing saw another size
    assert outcome.action == "waiting" and (inbox / "b.txt").exists() and _rows(engine) == []
