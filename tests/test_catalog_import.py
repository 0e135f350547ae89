"""Importing scripts and metadata (catalog/importer.py): idempotent, resumable, forgiving."""

from __future__ import annotations

import json

import pytest

import dramalens.catalog.importer as importer
import dramalens.catalog.distributed as distributed
from dramalens.catalog import Catalog, import_paths
from dramalens.catalog.importer import read_metadata
from dramalens.errors import ConfigError, InputError

ZH_SCRIPT = """第1集
1-1 日 内 客厅
人物：林晚、顾深
△林晚推门而入，看见顾深坐在沙发上，茶几上放着一份离婚协议。
林晚：你怎么会在这里？这份协议又是什么意思？
顾深（冷笑）：签了它，从今天起你和顾家再也没有任何关系。
"""
EN_SCRIPT = """Title: Rain

INT. KITCHEN - NIGHT

Anna drops the letter into the sink and watches the ink run.

ANNA
You were never going to tell me.

BEN
I was protecting you.
"""


@pytest.fixture()
def folder(tmp_path):
    (tmp_path / "zh1.txt").write_text(ZH_SCRIPT, encoding="utf-8")
    (tmp_path / "en1.fountain").write_text(EN_SCRIPT, encoding="utf-8")
    rows = [
        {"id": "zh1", "title": "离婚协议", "track": "都市", "release_date": "2025-03-02", "episodes": 80, "plays": [{"date": "2025-03", "plays": 1000}]},
        {"id": "m1", "title": "Moon Shop", "language": "en", "synopsis": "A ghost opens a noodle shop on the moon.", "tags": ["fantasy", "comedy"]},
    ]
    (tmp_path / "metadata.jsonl").write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in rows) + "\n", encoding="utf-8")
    return tmp_path


def test_folder_import_reads_scripts_and_metadata(folder):
    cat = Catalog("sqlite://")
    report = import_paths(cat, [folder])
    assert report.errors == [] and report.imported == 3
    zh = cat.get("zh1")
    assert zh.work.title == "离婚协议" and zh.work.language == "zh" and zh.work.episodes == 80 and zh.work.track == "都市"
    # The stored text is the script's content as parsed: headings and lines, no cast line or cue.
    assert "顾深" in zh.work.names and zh.text.startswith("1-1 日 内 客厅\n林晚推门而入") and "人物：" not in zh.text
    assert zh.work.plays[0][1] == 1000
    assert cat.get("en1").work.language == "en" and cat.get("m1").work.tags == ("fantasy", "comedy")
    assert cat.index().embeddings.shape[0] == 3 and cat.get_model("embedder") is not None


def test_reimport_is_idempotent_and_picks_up_changes(folder):
    cat = Catalog("sqlite://")
    import_paths(cat, [folder])
    again = import_paths(cat, [folder])
    assert (again.imported, again.updated, again.unchanged) == (0, 0, 3)
    (folder / "en1.fountain").write_text(EN_SCRIPT + "\nANNA\nThen protect me now.\n", encoding="utf-8")
    third = import_paths(cat, [folder])
    assert (third.imported, third.updated, third.unchanged) == (0, 1, 2)
    assert cat.count() == 3 and "protect me now" in cat.get("en1").text


def test_interrupted_import_resumes_without_duplicates_or_loss(tmp_path, monkeypatch):
    rows = [{"id": f"w{i}", "title": f"work {i}", "language": "en", "synopsis": f"story {i} of a maid and heir {i}"} for i in range(10)]
    (tmp_path / "m.jsonl").write_text("\n".join(json.dumps(r) for r in rows), encoding="utf-8")
    cat = Catalog(f"sqlite:///{tmp_path / 'c.sqlite'}")
    monkeypatch.setattr(importer, "BATCH", 4)
    real = distributed.prepare_batch
    calls = {"n": 0}

    def flaky(tasks, *a, **kw):
        calls["n"] += 1
        if calls["n"] == 2:
            raise RuntimeError("power cut")
        return real(tasks, *a, **kw)

    monkeypatch.setattr(distributed, "prepare_batch", flaky)
    with pytest.raises(RuntimeError):
        import_paths(cat, [tmp_path / "m.jsonl"])
    assert cat.count() == 4  # the first batch committed, the failed one left nothing behind
    monkeypatch.setattr(distributed, "prepare_batch", real)
    report = import_paths(cat, [tmp_path / "m.jsonl"])
    assert report.resumed and report.imported == 6
    assert sorted(cat.ids()) == sorted(r["id"] for r in rows)
    assert not import_paths(cat, [tmp_path / "m.jsonl"]).resumed  # the run finished


def test_bad_csv_rows_are_reported_and_good_rows_kept(tmp_path):
    csv_text = (
        "id,title,episodes,release_date,language,synopsis\n"
        "ok1,Good one,60,2025-01-05,en,a maid marries the heir\n"
        "bad1,Bad episodes,sixty,2025-01-05,en,x\n"
        "bad2,Bad date,10,yesterday,en,x\n"
        "bad3,Bad language,10,2025-01,fr,x\n"
        "ok1,Duplicate,3,2025-02,en,dup\n"
        ",No id,3,2025-02,en,x\n"
        "short,row\n"
        "ok2,Second good,,2025/02/03,zh,重生回到十八岁\n"
    )
    path = tmp_path / "m.csv"
    path.write_text(csv_text, encoding="utf-8")
    cat = Catalog("sqlite://")
    report = import_paths(cat, metadata=[path])
    assert sorted(cat.ids()) == ["ok1", "ok2"]
    messages = {(e.line, e.work_id): e.message for e in report.errors}
    assert "whole number" in messages[(3, "bad1")]
    assert "release_date" in messages[(4, "bad2")]
    assert "language" in messages[(5, "bad3")]
    assert "duplicate id" in messages[(6, "ok1")]
    assert any("id must be" in m for (line, _), m in messages.items() if line == 7)
    assert any("fields" in m for (line, _), m in messages.items() if line == 8)
    assert cat.get("ok1").work.title == "Good one"  # the duplicate did not overwrite the first


def test_csv_without_id_column_is_one_clear_error(tmp_path):
    path = tmp_path / "m.csv"
    path.write_text("name,title\nx,y\n", encoding="utf-8")
    report = import_paths(Catalog("sqlite://"), metadata=[path])
    assert len(report.errors) == 1 and "missing column 'id'" in report.errors[0].message


def test_overlong_line_is_skipped_without_losing_neighbours(tmp_path):
    path = tmp_path / "m.csv"
    path.write_text("id,title,synopsis\na,A,short\nb,B," + "x" * 5000 + "\nc,C,short too\n", encoding="utf-8")
    rows, errors = read_metadata(path, max_line_bytes=200)
    assert [r["id"] for _, r in rows] == ["a", "c"]
    assert errors[0].line == 3 and "longer than the cap" in errors[0].message
    jl = tmp_path / "m.jsonl"
    jl.write_text('{"id": "a", "title": "A"}\n{"id": "b", "title": "' + "y" * 5000 + '"}\n{"id": "c", "title": "C"}\n', encoding="utf-8")
    rows, errors = read_metadata(jl, max_line_bytes=200)
    assert [r["id"] for _, r in rows] == ["a", "c"] and errors[0].line == 2


def test_encodings_are_detected_per_file_and_a_broken_row_is_reported(tmp_path):
    gbk = tmp_path / "gbk.csv"
    gbk.write_bytes("id,title,synopsis\ng1,重生千金,重生回到十八岁复仇\n".encode("gbk"))
    mixed = tmp_path / "mixed.csv"
    good = "".join(f"u{i},标题{i},这是第{i}个故事，讲的是豪门恩怨。\n" for i in range(2000))  # > 64 KB of UTF-8
    mixed.write_bytes("id,title,synopsis\n".encode() + good.encode("utf-8") + "bad,坏行,这一行是GBK编码\n".encode("gbk"))
    cat = Catalog("sqlite://")
    report = import_paths(cat, metadata=[gbk, mixed], embed=False)
    assert cat.get("g1").work.title == "重生千金"
    assert cat.count() == 2001
    assert len(report.errors) == 1 and report.errors[0].line == 2002 and "utf-8" in report.errors[0].message


def test_jsonl_errors(tmp_path):
    path = tmp_path / "m.jsonl"
    path.write_text('{"id": "a", "title": "A"}\nnot json\n[1, 2]\n{"id": "b", "episodes": 2.5, "title": "B"}\n{"id": "c"}\n', encoding="utf-8")
    cat = Catalog("sqlite://")
    report = import_paths(cat, [path])
    assert cat.ids() == ["a"]
    assert [e.line for e in report.errors] == [2, 3, 4, 5]


def test_nothing_to_import_and_bad_parameters(tmp_path):
    with pytest.raises(InputError, match="nothing to import"):
        import_paths(Catalog("sqlite://"), [tmp_path])
    with pytest.raises(InputError, match="no such file"):
        import_paths(Catalog("sqlite://"), [tmp_path / "missing"])
    with pytest.raises(ConfigError):
        import_paths(Catalog("sqlite://"), [tmp_path], max_line_bytes=1)


def test_unreadable_script_is_reported_not_fatal(tmp_path):
    (tmp_path / "empty.txt").write_bytes(b"")
    (tmp_path / "ok.fountain").write_text(EN_SCRIPT, encoding="utf-8")
    cat = Catalog("sqlite://")
    report = import_paths(cat, [tmp_path])
    assert cat.ids() == ["ok"]
    assert report.errors and report.errors[0].work_id == "empty"


def test_chinese_and_alias_column_names_are_understood(tmp_path):
    # A sheet as an IP team keeps it: Chinese headers, "简介" for synopsis, "集数" for episodes.
    path = tmp_path / "片单.csv"
    path.write_text("编号,剧名,简介,标签,集数,上线时间\n"
                    "c1,闪婚后豪门老公宠我,女主为救母闪婚神秘总裁,甜宠|闪婚,80,2025-03-01\n", encoding="gb18030")
    cat = Catalog("sqlite://")
    report = import_paths(cat, metadata=[path])
    assert report.errors == [] or list(report.errors) == []
    work = cat.get("c1")
    assert work.work.title == "闪婚后豪门老公宠我" and work.work.episodes == 80 and "甜宠" in work.work.tags
    assert work.work.synopsis.startswith("女主为救母")


def test_canonical_column_wins_over_its_alias(tmp_path):
    path = tmp_path / "m.jsonl"
    path.write_text('{"id": "a1", "title": "Real", "剧名": "Alias", "summary": "s"}\n', encoding="utf-8")
    cat = Catalog("sqlite://")
    import_paths(cat, metadata=[path])
    assert cat.get("a1").work.title == "Real" and cat.get("a1").work.synopsis == "s"


def test_counts_and_episode_numbers_as_chinese_sheets_write_them(tmp_path):
    path = tmp_path / "片单.csv"
    path.write_text("编号,剧名,集数,上线时间,播放量\n"
                    "c1,甲,全80集,2025-03-01,1.2亿\n"
                    "c2,乙,60集,2025-04-01,3500万+\n"
                    "c3,丙,72,2025-05-01,\"1,234\"\n"
                    "c4,丁,八十集,2025-05-01,10w+\n"
                    "c5,戊,80,,500万\n", encoding="utf-8")
    cat = Catalog("sqlite://")
    report = import_paths(cat, metadata=[path])
    assert [p[1] for p in cat.get("c1").work.plays] == [120_000_000] and cat.get("c1").work.episodes == 80
    assert [p[1] for p in cat.get("c2").work.plays] == [35_000_000] and cat.get("c2").work.episodes == 60
    assert [p[1] for p in cat.get("c3").work.plays] == [1234]
    messages = {e.work_id: e.message for e in report.errors}
    assert "episodes must be a whole number" in messages["c4"]  # Chinese numerals are not guessed at
    assert "give release_date too" in messages["c5"]  # a total with no date cannot go on a time axis…
    assert sorted(cat.ids()) == ["c1", "c2", "c3", "c5"] and cat.get("c5").work.plays == ()  # …but the work is kept
