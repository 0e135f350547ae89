"""The script page explains a similar work (per-fingerprint scores, shared tropes, aligned plot
functions), and every page declares its icon (no /favicon.ico 404 in the console)."""

from __future__ import annotations

import re
import tempfile
from dataclasses import replace
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from dramalens.catalog import Match, Scores
from dramalens.triage.auth import add_user
from dramalens.triage.catalogs import open_catalog
from dramalens.triage.intake import SubmissionMeta, submit
from dramalens.triage.pipeline import trope_label
from dramalens.triage.worker import Worker
from dramalens.web.app import create_app
from triage_support import REAL_PIPELINE, fake_pipeline_for_tests, fast_hash, login, make_script  # noqa: F401

pytestmark = pytest.mark.usefixtures("fast_hash")

HOSTILE = '<img src=x onerror=alert(1)>'
MATCH = Match(
    work_id="w9", title=f"旧作{HOSTILE}", score=0.4123,
    scores=Scores(minhash=0.0312, passages=0.0, text=0.0312, embedding=0.4417, tropes=0.6737, skeleton=0.5714),
    shared_passages=(),
    shared_tropes=("ceo", f"unknown{HOSTILE}"),
    skeleton_alignment=((0, 2, "betrayal"), (3, 4, "revenge"), (5, 5, HOSTILE)),
)


def _with_match(sub, *, weights, catalog=None):
    """TEST DOUBLE: the shared fake plus one similar work (a catalog.Match)."""
    return replace(fake_pipeline_for_tests(sub, weights=weights), similar=(MATCH,))


def _app(tmp_path, db_url=None):
    app = create_app(db_url or f"sqlite:///{tmp_path / 'p.sqlite'}", workers=0)
    engine = app.state.desk.engine
    user = add_user(engine, "ann", "password-a", desk="都市")
    return app, engine, user


def _section(page: str, start: str) -> str:
    return page.split(start, 1)[1].split("</section>", 1)[0]


def test_similar_work_without_passages_shows_why(tmp_path):
    app, engine, user = _app(tmp_path)
    sid = submit(engine, [("a.txt", make_script(1).encode())], SubmissionMeta(), desk_id=user.desk_id, by="ann").submission_ids[0]
    Worker(engine, pipeline=_with_match, poll=0.05).run_until_empty()
    with TestClient(app) as client:
        login(client, "ann", "password-a")
        page = client.get(f"/submissions/{sid}").text
        client.cookies.set("dl_lang", "zh")
        zh = client.get(f"/submissions/{sid}").text
    sim = _section(page, 'id="sim-h"')
    for name, shown in (("text", "0.03"), ("embedding", "0.44"), ("tropes", "0.67"), ("skeleton", "0.57")):
        cell = re.search(rf'class="fp-{name}"><th scope="row">[^<]+</th>\s*<td class="num">([^<]+)</td>', sim)
        assert cell and cell.group(1) == shown, name
    assert 'class="fp-combined"' in sim and "0.41" in sim
    tropes = re.search(r'<ul class="chips shared-tropes">(.*?)</ul>', sim, re.S).group(1)
    assert f"<li>{trope_label('ceo', 'en')}</li>" in tropes
    chain = re.search(r'<ol class="chain skeleton"[^>]*>(.*?)</ol>', sim, re.S).group(1)
    assert re.search(r'betrayal</span> <small>1↔3</small>', chain) and re.search(r'revenge</span> <small>4↔5</small>', chain)
    assert "<img" not in sim and sim.count("&lt;img src=x onerror=alert(1)&gt;") == 3  # title, trope, function
    zh_sim = _section(zh, 'id="sim-h"')
    assert "背叛" in zh_sim and "复仇" in zh_sim and "语义向量" in zh_sim and "共同套路" in zh_sim
    assert trope_label("ceo", "zh") in zh_sim and trope_label("ceo", "zh") != "ceo"


def test_every_page_declares_an_inline_icon(tmp_path):
    app, _, _ = _app(tmp_path)
    with TestClient(app) as client:
        assert '<link rel="icon" href="data:,">' in client.get("/login").text
        login(client, "ann", "password-a")
        for path in ("/queue", "/upload", "/catalog", "/saturation"):
            assert '<link rel="icon" href="data:,">' in client.get(path).text, path


def test_real_pipeline_stores_what_the_page_explains(tmp_path):
    from dramalens.catalog import Catalog, import_paths
    from dramalens.synth import generate_corpus

    corpus = Path(tempfile.mkdtemp(dir=tmp_path))
    generate_corpus(corpus, works=8, languages=("zh",), episodes=(3, 4), seed=3, plant_rate=0.0)
    db_url = f"sqlite:///{tmp_path / 'c.sqlite'}"
    with Catalog(db_url) as cat:
        import_paths(cat, [corpus / "works"])
    app, engine, user = _app(tmp_path, db_url)
    known = sorted((corpus / "works").iterdir())[0]
    sid = submit(engine, [(known.name, known.read_bytes())], SubmissionMeta(), desk_id=user.desk_id,
                 by="ann").submission_ids[0]
    Worker(engine, pipeline=REAL_PIPELINE, poll=0.05, catalog=open_catalog(db_url)).run_until_empty()
    with TestClient(app) as client:
        login(client, "ann", "password-a")
        stored = client.get(f"/submissions/{sid}")
        assert stored.status_code == 200
        sim = _section(stored.text, 'id="sim-h"')
    assert 'class="fp-skeleton"' in sim and 'class="fp-embedding"' in sim
    assert '<ol class="chain skeleton"' in sim  # the twin's plot functions align
