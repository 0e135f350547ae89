"""Importing in the workers (catalog/prepare.py, catalog/distributed.py): scripts parsed,
fingerprinted and counted (lexical terms) in this process, in a pool of processes and on Dask
give the same catalog."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

import dramalens.catalog.distributed as distributed
from dramalens.catalog import Catalog, import_paths
from dramalens.catalog.distributed import LocalMapper
from dramalens.catalog.lexical import catalog_lexical
from dramalens.catalog.prepare import ImportTask, prepare_batch
from dramalens.catalog.records import Work

# Fixture scripts in the formats a catalog gets: Chinese plain text with names that overlap
# (林晚秋 / 晚秋月: two names of one length sharing characters) and English Fountain.
ZH = """《雨夜来客》

第{n}集
{n}-1 夜 内 林家客厅
出场人物：林晚秋、晚秋月、周明
△雨夜，林晚秋推开门，晚秋月站在门外，手里提着一只旧皮箱。
林晚秋：你怎么回来了？这里早就没有你的位置了。
晚秋月（冷笑）：林晚秋月下的誓言，你忘了吗？我回来拿回属于我的东西。
周明：两位，有话好好说，先进来避避雨。
△晚秋月把皮箱放在桌上，打开，里面是一叠泛黄的信。
林晚秋：这些信……是{what}？
【卡点】
{n}-2 日 外 码头
△周明追到码头，船已经开走了。
周明：{line}
"""
EN = """Title: The Lighthouse Keeper {n}

INT. LIGHTHOUSE - NIGHT

MARA climbs the spiral stairs with a lantern. The beam sweeps the storm.

MARA
Someone has been keeping the light for me. {line}

TOM (O.S.)
You were never supposed to come back, Mara.

EXT. HARBOUR - DAWN

Mara finds a letter pinned to the boat: {what}.
"""
WHATS = ["母亲留下的", "你伪造的", "遗嘱的副本", "a map of the reef", "the deed to the house", "an old photograph"]
LINES = ["她不会再回来了。", "我一定会找到真相。", "Nobody leaves this island.", "I kept every promise."]


def _write_scripts(folder: Path, n: int = 6) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for i in range(n):
        kw = {"n": i + 1, "what": WHATS[i % len(WHATS)], "line": LINES[i % len(LINES)]}
        (folder / f"zh{i}.txt").write_text(ZH.format(**kw) * 3, encoding="utf-8")
        (folder / f"en{i}.fountain").write_text(EN.format(**kw) * 3, encoding="utf-8")
    (folder / "broken.docx").write_bytes(b"PK\x03\x04 not really a docx")
    return folder


def _contents(cat: Catalog) -> dict[str, tuple[object, ...]]:
    index = cat.index()
    out: dict[str, tuple[object, ...]] = {}
    for w in cat.ids():
        r = cat.get(w)
        out[w] = (r.work, r.content_hash, r.minhash, r.passages, r.passage_lines, r.shingles, r.text, r.tropes,
                  r.skeleton, r.lexical, r.features, index.embeddings[index.position[w]].tobytes())
    lexical = cat.get_model("lexical")
    out["<lexical>"] = (lexical[0] if lexical else None,)
    lx = catalog_lexical(cat)  # the index built from the counts the workers stored
    out["<lexical index>"] = (lx.ids, lx.indptr.tobytes(), lx.indices.tobytes(), lx.data.tobytes(), lx.idf.tobytes())
    return out


@pytest.fixture(scope="module")
def folder(tmp_path_factory):
    return _write_scripts(tmp_path_factory.mktemp("scripts"))


@pytest.fixture(scope="module")
def here(folder):
    cat = Catalog("sqlite://")
    report = import_paths(cat, [folder], mapper=LocalMapper(processes=1))
    assert report.imported == 12 and [e.work_id for e in report.errors] == ["broken"]
    assert all(cat.get(w).lexical and cat.get(w).features for w in cat.ids())  # computed in the workers, with the fingerprints
    return _contents(cat), report


def test_a_process_pool_stores_the_same_catalog(folder, here, monkeypatch):
    monkeypatch.setattr(distributed, "POOL_MIN_BYTES", 0)  # a pool even for a dozen small scripts
    mapper = LocalMapper(processes=2)
    try:
        cat = Catalog("sqlite://")
        report = import_paths(cat, [folder], mapper=mapper)
        assert mapper._pool is not None  # the chunks really went to worker processes
    finally:
        mapper.close()
    assert _contents(cat) == here[0]
    assert [(e.source, e.work_id, e.message) for e in report.errors] == [(e.source, e.work_id, e.message) for e in here[1].errors]


def test_dask_stores_the_same_catalog(folder, here):
    pytest.importorskip("dask.distributed")  # the optional dask extra
    from dramalens.catalog.distributed import DaskMapper
    from dramalens.cluster import dask_client

    with dask_client("local", processes=False) as client:
        cat = Catalog("sqlite://")
        import_paths(cat, [folder], mapper=DaskMapper(client))
    assert _contents(cat) == here[0]


def test_an_unchanged_work_comes_back_without_fingerprints(folder):
    data = (folder / "zh0.txt").read_bytes()
    first = prepare_batch([ImportTask(Work("zh0", language=""), data, str(folder / "zh0.txt"))])[0]
    assert first.record is not None and not first.unchanged
    again = prepare_batch([ImportTask(Work("zh0", language=""), data, str(folder / "zh0.txt"), first.record.content_hash)])[0]
    assert again.unchanged and again.record is None and again.error is None


def test_reimport_through_the_pool_changes_nothing(folder, monkeypatch):
    monkeypatch.setattr(distributed, "POOL_MIN_BYTES", 0)
    cat = Catalog("sqlite://")
    import_paths(cat, [folder])
    signatures = cat.index().signatures.copy()
    mapper = LocalMapper(processes=2)
    try:
        again = import_paths(cat, [folder], mapper=mapper)
    finally:
        mapper.close()
    assert (again.imported, again.updated, again.unchanged) == (0, 0, 12)
    assert np.array_equal(cat.index().signatures, signatures)


def test_names_of_one_length_are_masked_alike_in_every_process():
    """Workers are processes with their own string-hash seed; masking must not depend on it."""
    code = ("from dramalens.catalog.shingles import shingle_lines; "
            "s = shingle_lines(['林晚秋月来了，晚秋月林晚秋', '月林晚秋晚秋月'], 'zh', k=2, "
            "names=['林晚秋', '晚秋月', '秋月来', '月林晚']); print(s.ids.tolist())")
    outs = set()
    for seed in ("0", "1", "2"):
        env = dict(os.environ, PYTHONHASHSEED=seed, PYTHONPATH=os.pathsep.join(sys.path))
        outs.add(subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True).stdout)
    assert len(outs) == 1
