"""Receiving scripts: single files, zip batches, and every hostile archive refused."""

from __future__ import annotations

import zipfile

import pytest
from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import select

from dramalens.errors import ConfigError, InputError
from dramalens.triage.intake import IntakeLimits, SubmissionMeta, check_filename, ensure_desk, submit, unpack_upload
from dramalens.triage.jobs import queue_stats, run_tx
from dramalens.triage.models import batches, submissions
from triage_support import make_script, make_zip, new_engine


def test_single_file_and_zip_batch():
    files, skipped = unpack_upload("一.txt", make_script(1).encode())
    assert [f for f, _ in files] == ["一.txt"] and skipped == []
    data = make_zip({"a/one.txt": make_script(1), "two.fountain": "INT. HOUSE - DAY\n\nBOB\nHi.", "readme.pdf": b"%PDF",
                     "__MACOSX/._one.txt": b"x", ".hidden.txt": "x", "dir/": b""})
    files, skipped = unpack_upload("batch.zip", data)
    assert sorted(f for f, _ in files) == ["a/one.txt", "two.fountain"]
    assert [str(s) for s in skipped] == ["readme.pdf (not a script file: .pdf)"]
    assert [(s.reason_key, s.params) for s in skipped] == [("skip.not_script", (("kind", ".pdf"),))]


def test_submit_records_metadata_and_queues(tmp_path):
    engine = new_engine(tmp_path)
    desk = run_tx(engine, lambda c: ensure_desk(c, "都市组"))
    meta = SubmissionMeta(title="Ignored for batches", format="vertical", episodes=80, track="都市", synopsis="s", budget=500000)
    receipt = submit(engine, [("a.txt", b"x1"), ("b.txt", b"x2")], meta, desk_id=desk, by="ann", batch_name="b.zip")
    with engine.connect() as c:
        rows = c.execute(select(submissions).order_by(submissions.c.id)).all()
        batch = c.execute(select(batches)).one()
    assert [r.title for r in rows] == ["a", "b"]  # batch: titles from file names
    assert {(r.format, r.episodes, r.track, r.budget, r.submitted_by, r.status) for r in rows} == {("vertical", 80, "都市", 500000, "ann", "new")}
    assert batch.total == 2 and batch.submitted_by == "ann" and receipt.batch_id == batch.id
    assert queue_stats(engine).queued == 2
    one = submit(engine, [("c.txt", b"x3")], meta, desk_id=desk, by="ann")
    with engine.connect() as c:
        assert c.execute(select(submissions.c.title).where(submissions.c.id == one.submission_ids[0])).scalar_one() == meta.title


@pytest.mark.parametrize("name", ["../evil.txt", "/etc/passwd.txt", "a/../../b.txt", "C:/x.txt", "..\\x.txt", "a\\b.txt"])
def test_zip_slip_refused(name):
    data = make_zip({"ok.txt": "第1集", name: "第1集"})
    with pytest.raises(InputError, match="unsafe path|outside the archive"):
        unpack_upload("b.zip", data)


def test_zip_bomb_refused():
    bomb = make_zip({"bomb.txt": b"0" * (20 * 1024 * 1024)})
    assert len(bomb) < 100_000
    with pytest.raises(InputError, match="compresses|over the limit"):
        unpack_upload("b.zip", bomb)


def test_too_many_and_too_large_members_refused():
    limits = IntakeLimits(max_files=3, max_file_bytes=1000)
    with pytest.raises(InputError, match="members|scripts"):
        unpack_upload("b.zip", make_zip({f"{i}.txt": "第1集" for i in range(60)}), limits)
    with pytest.raises(InputError, match="more than 3 scripts"):
        unpack_upload("b.zip", make_zip({f"{i}.txt": "第1集" for i in range(5)}), limits)
    with pytest.raises(InputError, match="over the limit"):
        unpack_upload("b.zip", make_zip({"big.txt": "长" * 2000}, compression=zipfile.ZIP_STORED), limits)
    with pytest.raises(InputError, match="over the limit"):
        unpack_upload("big.txt", b"x" * 2000, limits)
    with pytest.raises(InputError, match="upload is"):
        unpack_upload("big.zip", b"x" * 2000, IntakeLimits(max_upload_bytes=1000))


@pytest.mark.parametrize("name", ["../a.txt", "a/b.txt", "..", "x\x00.txt", "a\\b.txt", "", "x\n.txt"])
def test_bad_file_names_refused(name):
    with pytest.raises(InputError):
        unpack_upload(name, b"x")


def test_wrong_type_empty_and_broken_zip():
    with pytest.raises(InputError, match="unsupported"):
        unpack_upload("a.exe", b"MZ")
    with pytest.raises(InputError, match="empty"):
        unpack_upload("a.txt", b"  \n")
    with pytest.raises(InputError, match="not a zip"):
        unpack_upload("a.zip", b"hello")
    with pytest.raises(InputError, match="no readable script"):
        unpack_upload("a.zip", make_zip({"a.pdf": b"x"}))


def test_metadata_validated():
    with pytest.raises(ConfigError, match="vertical, horizontal"):
        SubmissionMeta(format="square")
    with pytest.raises(ConfigError):
        SubmissionMeta(episodes=0)
    with pytest.raises(ConfigError):
        SubmissionMeta(budget=-1)


@given(st.text(min_size=1, max_size=40))
def test_accepted_names_never_hold_a_path(name):
    try:
        out = check_filename(name)
    except InputError:
        return
    assert "/" not in out and "\\" not in out and out not in (".", "..") and "\x00" not in out
