"""Parse once: the catalog fingerprints the parsed model, so a script gives the same
fingerprints whatever file format it was saved in (catalog/documents.py)."""

from __future__ import annotations

import json

import numpy as np
import pytest

from dramalens.catalog import Catalog, import_paths, similar_to_script
from dramalens.catalog.documents import content_lines
from dramalens.parsing import parse, parse_text
from dramalens.writers.fdx import write_fdx
from dramalens.writers.fountain import write_fountain

ZH = """第1集
1-1 日 内 顾氏集团总裁办公室
出场人物：林晚、顾沉舟
△林晚推门而入，手里攥着一份离婚协议，指节发白。
林晚（冷笑）：顾沉舟，你签了它，我们从此两清，谁也不欠谁。
顾沉舟：你以为离开我，你还能去哪？整个江城都是顾家的。
林晚：三年前你为了白月光当众羞辱我，今天我要你付出代价！
【卡点】
第2集
2-1 夜 外 医院走廊
△她重生回到十八岁那年的雨夜，发誓这一世绝不再任人摆布。
林晚：孩子是你的，可你不配知道。
"""
EN = """Title: Rain on the Mill

INT. PENTHOUSE - NIGHT

Anna slams the contract marriage papers on the glass desk.

ANNA
You signed them without reading a word, Bob. Just like last time.

BOB (V.O.)
(quietly)
I'm the alpha of this pack. Don't test me.

CUT TO:

EXT. OLD MILL - DAY

They first met here in the rain, before he betrayed her and sold the mill to his rival.
"""


@pytest.fixture(scope="module", params=["zh", "en"])
def saved(request, tmp_path_factory):
    """One script saved as its source text, as Fountain and as Final Draft, imported under
    three ids with one title."""
    root = tmp_path_factory.mktemp(request.param)
    source = ZH if request.param == "zh" else EN
    script = parse_text(source)
    files = {"source": ("s.txt" if request.param == "zh" else "s.fountain", source),
             "fountain": ("f.fountain", write_fountain(script)), "fdx": ("d.fdx", write_fdx(script))}
    rows = []
    for key, (name, text) in files.items():
        (root / name).write_text(text, encoding="utf-8")
        rows.append({"id": key, "title": "one story", "file": name})
    (root / "metadata.jsonl").write_text("\n".join(json.dumps(r) for r in rows), encoding="utf-8")
    cat = Catalog("sqlite://")
    assert import_paths(cat, [root]).errors == []
    return cat, root, files


def test_every_format_has_the_same_content(saved):
    _cat, root, files = saved
    contents = {key: content_lines(parse(root / name)) for key, (name, _text) in files.items()}
    assert contents["source"] and contents["source"] == contents["fountain"] == contents["fdx"]


def test_every_format_gives_the_same_fingerprints(saved):
    cat, _root, _files = saved
    works = {key: cat.get(key) for key in ("source", "fountain", "fdx")}
    first = works["source"]
    for rec in works.values():
        assert rec.minhash == first.minhash
        assert rec.passages == first.passages and rec.passage_lines == first.passage_lines
        assert rec.text == first.text and rec.tropes == first.tropes and rec.skeleton == first.skeleton
        # The cast is masked alike (an alias such as "BOB (V.O.)" masks no other word than "BOB").
        plain = {n for n in rec.work.names if "(" not in n}
        assert plain and plain == {n for n in first.work.names if "(" not in n}
    index = cat.index()
    embeddings = [index.embeddings[index.position[key]] for key in works]
    assert np.any(embeddings[0]) and all(np.array_equal(e, embeddings[0]) for e in embeddings)


def test_a_parsed_copy_finds_every_saved_format_at_one(saved):
    cat, root, files = saved
    matches = similar_to_script(cat, parse(root / files["fdx"][0]), k=3)
    assert {m.work_id for m in matches} == {"source", "fountain", "fdx"}
    assert all(m.scores.minhash == 1.0 and m.scores.passages == 1.0 for m in matches)
