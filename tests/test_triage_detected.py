"""Declared or else detected: track, format and episodes the pipeline found, where the sender
declared none (migration 0002, the queue, its filters, the script page, CSV, saturation)."""

from __future__ import annotations

import csv
import io
from dataclasses import replace
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import delete, insert, select, text

from dramalens.db import make_engine, upgrade
from dramalens.triage.auth import add_user
from dramalens.triage.export import export_csv
from dramalens.triage.intake import SubmissionMeta, submit
from dramalens.triage.listing import EFFECTIVE, QueueQuery, effective_values, list_queue
from dramalens.triage.models import MIGRATIONS, VERSION_TABLE, init_db, submissions
from dramalens.triage.intake import SubmissionInput
from dramalens.triage.pipeline import detected_metadata
from dramalens.triage.result import Detected
from dramalens.triage.worker import Worker
from dramalens.web.app import create_app
from triage_support import REAL_PIPELINE, fake_pipeline_for_tests, fast_hash, login, make_script  # noqa: F401

DETECTED = Detected(episodes=3, format="vertical", track="古装")


def _pipeline(sub, *, weights, catalog=None):
    """TEST DOUBLE on top of the shared one: every script is 'detected' as 古装 / vertical / 3."""
    return replace(fake_pipeline_for_tests(sub, weights=weights), detected=DETECTED)


def _desk(engine):
    """Three scripts on desk 都市: one with a filled-in form, two with none; all analysed."""
    user = add_user(engine, "ann", "password-a", desk="都市")
    declared = submit(engine, [("a.txt", make_script(1).encode())],
                      SubmissionMeta(track="都市", format="horizontal", episodes=80), desk_id=user.desk_id, by="ann")
    bare = submit(engine, [("b.txt", make_script(2).encode()), ("c.txt", make_script(3).encode())], SubmissionMeta(),
                  desk_id=user.desk_id, by="ann")
    Worker(engine, pipeline=_pipeline, poll=0.05).run_until_empty()
    return user, declared.submission_ids[0], list(bare.submission_ids)


def test_migration_0002_adds_columns_and_keeps_rows(tmp_path):
    engine = make_engine(f"sqlite:///{tmp_path / 'old.sqlite'}")
    upgrade(engine, MIGRATIONS, VERSION_TABLE, revision="0001")  # a desk deployed before 0002
    with engine.begin() as c:
        c.execute(text("INSERT INTO triage_desks (id, name, created_at) VALUES (1, 'd', 0)"))
        c.execute(text(
            "INSERT INTO triage_submissions (id, desk_id, title, filename, format, episodes, track, synopsis, submitted_by,"
            " submitted_at, content, sha256, language, tropes, analysis_state, status, version, updated_at) VALUES"
            " (1, 1, 't', 't.txt', '', NULL, '都市', '', 'x', 0, x'00', 'h', 'zh', '', 'done', 'new', 1, 0)"))
        c.execute(text("INSERT INTO triage_jobs (submission_id, status, attempts, max_attempts, available_at, created_at)"
                       " VALUES (1, 'done', 1, 3, 0, 0)"))
        c.execute(text("INSERT INTO triage_scores (submission_id, total, craft, risk, weights, evidence, similar, analysis,"
                       " report_html, worker, created_at) VALUES (1, 50, 50, 0, '{}', '[]', '[]', '{}', '', 'w', 0)"))
    init_db(engine)  # → head
    with engine.connect() as c:
        row = c.execute(select(submissions).where(submissions.c.id == 1)).one()
        # A table rebuild would have cascaded into jobs and scores: they must still be there.
        assert c.execute(text("SELECT count(*) FROM triage_jobs")).scalar_one() == 1
        assert c.execute(text("SELECT count(*) FROM triage_scores")).scalar_one() == 1
        version = c.execute(text(f"SELECT version_num FROM {VERSION_TABLE}")).scalar_one()
    assert (row.detected_track, row.detected_format, row.detected_episodes) == ("", "", None)
    assert row.track == "都市" and version >= "0002"  # head; later revisions follow 0002
    assert effective_values(row)["track"] == ("都市", False)


def test_detected_metadata_reads_the_analysis():
    got = detected_metadata(12, "horizontal")
    assert got == Detected(episodes=12, format="horizontal", track="")
    assert detected_metadata(0, "odd").format == "" and detected_metadata(0, "odd").episodes is None


def test_real_pipeline_detects_episodes_format_and_track():
    import dramalens
    from dramalens.analysis.tropes import TRACKS

    out = REAL_PIPELINE(SubmissionInput(1, "a.txt", make_script(5, episodes=4).encode()))
    assert out.detected.episodes == 4
    assert out.detected.format == out.analysis.format.format and out.detected.format in ("vertical", "horizontal")
    assert out.detected.track in TRACKS["zh"]
    assert dramalens.parse(make_script(5, episodes=4)).language == "zh"


@pytest.mark.usefixtures("fast_hash")
def test_queue_filters_and_export_use_detected_values(tmp_path):
    engine = init_db(make_engine(f"sqlite:///{tmp_path / 'd.sqlite'}"))
    user, declared, bare = _desk(engine)
    with engine.connect() as c:
        assert {r["id"] for r in list_queue(c, user, QueueQuery(track="古装")).rows} == set(bare)
        assert [r["id"] for r in list_queue(c, user, QueueQuery(track="都市")).rows] == [declared]
        assert {r["id"] for r in list_queue(c, user, QueueQuery(format="vertical")).rows} == set(bare)
        assert [r["id"] for r in list_queue(c, user, QueueQuery(format="horizontal")).rows] == [declared]
        rows = {r["id"]: r for r in list_queue(c, user).rows}
        table = {int(r["id"]): r for r in csv.DictReader(io.StringIO(export_csv(c, user)))}
    assert (rows[declared]["effective_track"], rows[declared]["track_detected"]) == ("都市", 0)
    assert (rows[declared]["effective_episodes"], rows[declared]["episodes_detected"]) == (80, 0)
    assert (rows[bare[0]]["effective_track"], rows[bare[0]]["track_detected"]) == ("古装", 1)
    assert (rows[bare[0]]["effective_episodes"], rows[bare[0]]["effective_format"]) == (3, "vertical")
    assert (table[declared]["track"], table[declared]["format"], table[declared]["episodes"]) == ("都市", "horizontal", "80")
    assert table[declared]["detected"] == ""
    assert (table[bare[1]]["track"], table[bare[1]]["format"], table[bare[1]]["episodes"]) == ("古装", "vertical", "3")
    assert table[bare[1]]["detected"] == "track;format;episodes"


@pytest.mark.usefixtures("fast_hash")
def test_pages_show_declared_or_detected(tmp_path):
    app = create_app(f"sqlite:///{tmp_path / 'w.sqlite'}", workers=0)
    _, declared, bare = _desk(app.state.desk.engine)
    with TestClient(app) as client:
        assert login(client, "ann", "password-a").status_code == 303
        queue = client.get("/queue").text
        assert queue.count('class="detected"') >= 6  # track, format, episodes of the two bare scripts
        assert "costume" in queue and "c-episodes" in queue  # the detected 古装, labelled in the page's language
        only = client.get("/queue", params={"track": "古装"}).text
        assert f'href="/submissions/{bare[0]}"' in only and f'href="/submissions/{declared}"' not in only
        page = client.get(f"/submissions/{bare[0]}").text
        assert "(detected)" in page and 'id="track"><span class="detected"' in page
        page = client.get(f"/submissions/{declared}").text
        assert "(detected)" not in page and "urban" in page and ">80<" in page  # the declared 都市, in English
        client.cookies.set("dl_lang", "zh")
        assert "自动识别" in client.get(f"/submissions/{bare[1]}").text
        client.cookies.set("dl_lang", "en")
        supply = client.get("/saturation").text.split('id="desk-supply"')[1].split("</table>")[0]
    cells = [line for line in supply.splitlines() if "<td>" in line]
    assert any("<td>costume</td><td class=\"num\">2</td>" in line for line in cells)  # grouped by the effective track
    assert any("<td>urban</td><td class=\"num\">1</td>" in line for line in cells)


_declared = st.one_of(st.just(""), st.sampled_from(["都市", "古装", "romance"]))
_format = st.sampled_from(["", "vertical", "horizontal"])
_eps = st.one_of(st.none(), st.integers(1, 200))


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(track=_declared, d_track=_declared, fmt=_format, d_fmt=_format, eps=_eps, d_eps=_eps)
def test_sql_and_python_agree_on_the_effective_value(tmp_path_factory, track, d_track, fmt, d_fmt, eps, d_eps):
    """The filters (SQL) and the script page (Python) must show the same value."""
    engine = _memory_engine(tmp_path_factory)
    with engine.begin() as c:
        c.execute(delete(submissions))
        c.execute(insert(submissions).values(
            id=1, desk_id=1, title="t", filename="t.txt", format=fmt, episodes=eps, track=track, synopsis="",
            submitted_by="x", submitted_at=0.0, sha256="h", updated_at=0.0,
            detected_track=d_track, detected_format=d_fmt, detected_episodes=d_eps))
        row = c.execute(select(submissions, *EFFECTIVE.values())).one()
        sql = [row[-3], row[-2], row[-1]]
        python = effective_values(c.execute(select(submissions)).one())
    assert [python["track"][0], python["format"][0], python["episodes"][0]] == sql
    assert sql[0] == (track or d_track) and sql[2] == (eps if eps is not None else d_eps)
    assert python["track"][1] == (not track and bool(d_track))


_ENGINES: dict[str, object] = {}


def _memory_engine(factory):
    if "e" not in _ENGINES:
        path = Path(factory.mktemp("agree")) / "a.sqlite"
        engine = init_db(make_engine(f"sqlite:///{path}"))
        with engine.begin() as c:
            c.execute(text("INSERT INTO triage_desks (id, name, created_at) VALUES (1, 'd', 0)"))
        _ENGINES["e"] = engine
    return _ENGINES["e"]


def test_models_and_migrations_agree():
    """Revision 0002 creates exactly what models.py declares (autogenerate finds nothing to do)."""
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    from dramalens.triage.models import metadata

    engine = init_db(make_engine("sqlite://"))
    with engine.connect() as c:
        diff = compare_metadata(MigrationContext.configure(c), metadata)
    assert [d for d in diff if not (d[0] == "remove_table" and d[1].name == VERSION_TABLE)] == []
