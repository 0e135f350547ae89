"""The queue is ranked under the weights in force when it is read (issue 10, part 6): a change
of the weights file re-ranks the scripts already scored, at once and without analysing them again.

(A change on /settings re-scores at once too: tests/test_desk_fixes.py.)
"""

from __future__ import annotations

import re
from dataclasses import replace

import pytest
from fastapi.testclient import TestClient

from dramalens.settings import Settings
from dramalens.triage import desk
from dramalens.triage.auth import add_user
from dramalens.triage.intake import SubmissionMeta, submit
from dramalens.triage.listing import QueueQuery
from dramalens.triage.scoring import Evidence, Score, combine
from dramalens.triage.worker import Worker
from dramalens.web.app import create_app
from triage_support import fake_pipeline_for_tests, fast_hash, login, make_script, new_engine  # noqa: F401

pytestmark = pytest.mark.usefixtures("fast_hash")

ORIGINAL_FIRST = "[weights]\noriginality = 0.8\ncraft = 0.1\nrisk = 0.1\n"
CRAFT_FIRST = "[weights]\noriginality = 0.1\ncraft = 0.8\nrisk = 0.1\n"


def _score_two(engine, user, weights_file):
    """Two scored scripts: ``a`` original with weak craft, ``b`` the reverse. Returns their ids
    and the number of analyses run (a list the fake pipeline appends to)."""
    ids = [submit(engine, [(f"{n}.txt", make_script(40 + i).encode())], SubmissionMeta(), desk_id=user.desk_id,
                  by=user.name).submission_ids[0] for i, n in enumerate("ab")]
    parts = {ids[0]: (90.0, 20.0), ids[1]: (20.0, 90.0)}
    analysed: list[int] = []

    def pipeline(sub, *, weights, catalog=None):
        analysed.append(sub.id)
        o, c = parts[sub.id]
        r = fake_pipeline_for_tests(sub, weights=weights)
        return replace(r, score=Score(combine(o, c, 0.0, weights), o, c, 0.0, weights, (Evidence("craft", "x"),)))

    Worker(engine, pipeline=pipeline, poll=0.05, weights_file=weights_file).run_until_empty()
    return ids, analysed


def test_editing_the_weights_file_reranks_the_queue_without_reanalysis(tmp_path):
    engine = new_engine(tmp_path)
    toml = tmp_path / "triage.toml"
    toml.write_text(ORIGINAL_FIRST, encoding="utf-8")
    boss = add_user(engine, "boss", "correct-horse-9", admin=True, desk="都市")
    ids, analysed = _score_two(engine, boss, toml)
    first = desk.queue_view(engine, boss, QueueQuery(), toml).page.rows
    assert [r["id"] for r in first] == ids and first[0]["score"] > first[1]["score"]

    toml.write_text(CRAFT_FIRST, encoding="utf-8")
    second = desk.queue_view(engine, boss, QueueQuery(), toml).page.rows
    assert [r["id"] for r in second] == ids[::-1]
    assert analysed == ids  # each script was analysed once, before the change
    detail = desk.submission_detail(engine, ids[1], boss)
    assert detail.score.total == second[0]["score"] and detail.score.weights == {"originality": 0.1, "craft": 0.8, "risk": 0.1}
    assert desk.apply_current_weights(engine, toml) == 0  # nothing left to recombine


def test_the_queue_page_follows_the_weights_file(tmp_path):
    toml = tmp_path / "triage.toml"
    toml.write_text(ORIGINAL_FIRST, encoding="utf-8")
    app = create_app(f"sqlite:///{tmp_path / 'w.sqlite'}", workers=0, settings=Settings(triage_settings=toml))
    engine = app.state.desk.engine
    boss = add_user(engine, "boss", "correct-horse-9", admin=True, desk="都市")
    ids, _ = _score_two(engine, boss, toml)

    def page_order(client):
        html = client.get("/queue").text
        return sorted(ids, key=lambda i: re.search(rf'href="/submissions/{i}"', html).start())

    with TestClient(app) as client:
        login(client, "boss", "correct-horse-9")
        assert page_order(client) == ids
        toml.write_text(CRAFT_FIRST, encoding="utf-8")
        assert page_order(client) == ids[::-1]
