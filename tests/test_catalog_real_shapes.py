"""The shapes real data comes in (issue 10), on fixtures written for these tests: synopses with
markup, empty fingerprints, platform exports' column names, dates with times, other languages,
impossible values; and the lexical signal that ranks retold synopses."""

from __future__ import annotations

import json
from pathlib import Path

from dramalens.catalog import Catalog, import_paths, similar_to_text, similar_to_work
from dramalens.catalog.lexical import catalog_lexical, lexical_row
from dramalens.catalog.ranking import MIN_SHINGLES
from dramalens.text import strip_markup

STORIES = {
    "lighthouse": "A lighthouse keeper on a northern island finds a drowned sailor's logbook that names the "
                  "ship owner who sank his own vessel for the insurance money, and sails to the mainland to expose him.",
    "lighthouse2": "On a remote northern island the lighthouse keeper discovers the logbook of a drowned sailor; "
                   "it proves the ship owner scuttled the vessel for insurance, so the keeper sails to the mainland.",
    "bakery": "Two sisters inherit their grandmother's failing bakery in Lyon and must win a regional pastry "
              "contest to pay the debts, while a supermarket chain tries to buy the building.",
    "bakery2": "After their grandmother dies, two sisters take over her bakery in Lyon, deep in debt; a pastry "
               "contest is their last hope before a supermarket chain buys the building.",
    "racer": "A retired rally driver coaches a teenage girl from a mountain village for the desert race "
             "that killed his co-driver twenty years ago.",
    "chef": "A disgraced sushi chef opens a food stall at a night market and trains a runaway boy who turns out "
            "to be the son of the critic who ruined him.",
}


def _catalog(tmp_path: Path, rows: list[dict[str, object]]) -> Catalog:
    meta = tmp_path / "works.jsonl"
    meta.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")
    cat = Catalog(f"sqlite:///{tmp_path / 'c.sqlite'}")
    report = import_paths(cat, metadata=[meta])
    assert not [e for e in report.errors if "impossible" not in e.message], report.errors
    return cat


def test_retold_synopses_find_each_other_by_the_lexical_signal(tmp_path: Path) -> None:
    cat = _catalog(tmp_path, [{"id": k, "title": "", "synopsis": v, "language": "en"} for k, v in STORIES.items()])
    for a, b in (("lighthouse", "lighthouse2"), ("bakery", "bakery2")):
        top = similar_to_work(cat, a, k=1, evidence=False)[0]
        assert top.work_id == b
        assert top.scores.lexical is not None and top.scores.lexical > 0.2
    lexical = catalog_lexical(cat)
    assert lexical is not None and len(lexical.ids) == len(STORIES)
    # a query text is compared by the same stored idf
    assert similar_to_text(cat, STORIES["racer"].replace("retired", "former"), k=1)[0].work_id == "racer"


def test_tropes_are_evidence_not_score(tmp_path: Path) -> None:
    cat = _catalog(tmp_path, [{"id": k, "title": "", "synopsis": v, "language": "en"} for k, v in STORIES.items()])
    for m in similar_to_work(cat, "chef", k=5, evidence=False):
        s = m.scores
        assert s.topic is not None
        assert abs(m.score - max(s.topic, s.text)) < 1e-3  # whatever the trope overlap is


def test_empty_fingerprints_never_match(tmp_path: Path) -> None:
    rows = [{"id": f"h{i}", "title": "", "synopsis": "# Act I", "language": "en"} for i in range(4)]
    rows += [{"id": k, "title": "", "synopsis": v, "language": "en"} for k, v in STORIES.items()]
    cat = _catalog(tmp_path, rows)
    assert cat.get("h0").shingles < MIN_SHINGLES
    for m in similar_to_work(cat, "h0", k=9, evidence=False):
        assert m.scores.minhash == 0.0 and m.scores.text == 0.0
        assert m.score < 0.9  # identical heading-only texts are not "the same work"
        if m.work_id.startswith("h"):
            assert m.score == 0.0 and m.scores.topic == 0.0, m  # nor any evidence of a shared topic


def test_markup_is_stripped_before_fingerprinting(tmp_path: Path) -> None:
    html = "<p>A lighthouse keeper &amp; a drowned sailor&rsquo;s logbook.</p><p>He sails to the mainland.</p>"
    md = "# Part One\n\nA lighthouse keeper finds a logbook.\n\n---\n\nHe sails."
    assert strip_markup(html) == "A lighthouse keeper & a drowned sailor’s logbook.\nHe sails to the mainland."
    assert strip_markup(md) == "Part One\nA lighthouse keeper finds a logbook.\nHe sails."
    cat = _catalog(tmp_path, [{"id": "h", "title": "", "synopsis": html, "language": "en"},
                              {"id": "m", "title": "", "synopsis": md, "language": "en"}])
    assert "<p>" not in cat.get("h").work.synopsis and "&rsquo;" not in cat.get("h").work.synopsis
    assert cat.get("m").shingles >= MIN_SHINGLES and "#" not in cat.get("m").work.synopsis


def test_a_platform_export_imports_as_it_is(tmp_path: Path) -> None:
    # The columns a short-drama platform's API export has (our own rows, in its shape).
    export = tmp_path / "export.csv"
    export.write_text(
        "book_id,t_book_id,book_title,read_count,collect_count,chapter_count,release_date,special_desc,tags,lang\n"
        "b1,t1,Tides of Gold,1250000,300,0,2025-03-07 18:00:00,\"<p>A fisherman&rsquo;s daughter inherits a shipping empire.</p>\",Heiress|Revenge,en\n"
        "b2,t2,Second Spring,880000,120,60,2025-04-01T09:30:00Z,A widow opens a tea house and falls for the landlord.,Second Chance,en\n"
        "b3,t3,Night Court,10,1,72,2025-05-02 00:00,A junior judge finds her mentor took bribes.,Legal,en\n",
        encoding="utf-8")
    cat = Catalog("sqlite://")
    report = import_paths(cat, metadata=[export])
    assert sorted(cat.ids()) == ["b1", "b2", "b3"]
    b1 = cat.get("b1").work
    assert b1.title == "Tides of Gold" and b1.synopsis == "A fisherman’s daughter inherits a shipping empire."
    assert b1.episodes is None and [p[1] for p in b1.plays] == [1_250_000]
    assert str(b1.release_date) == "2025-03-07" and str(cat.get("b2").work.release_date) == "2025-04-01"
    assert cat.get("b2").work.episodes == 60
    zero = [e for e in report.errors if e.work_id == "b1"]
    assert len(zero) == 1 and "episodes 0 is impossible" in zero[0].message  # reported per row, row kept


def test_chinese_export_columns(tmp_path: Path) -> None:
    sheet = tmp_path / "片单.csv"
    sheet.write_text("剧集id,剧名,内容简介,集数,上线时间,播放次数\n"
                     "z1,逆风翻盘,外卖员意外继承千亿家产，回到旧公司复仇。,80集,2025-06-01 20:00:00,1.2亿\n", encoding="utf-8")
    cat = Catalog("sqlite://")
    import_paths(cat, metadata=[sheet])
    w = cat.get("z1").work
    assert (w.title, w.language, w.episodes, str(w.release_date)) == ("逆风翻盘", "zh", 80, "2025-06-01")


def test_other_languages_are_refused_clearly_never_called_zh(tmp_path: Path) -> None:
    sheet = tmp_path / "ja.csv"
    sheet.write_text("book_id,book_title,special_desc\n"
                     "j1,花の約束,彼女は幼なじみとの約束を守るため、東京の小さな花屋で働き始めた。\n"
                     "e1,Garden,A florist keeps a childhood promise.\n", encoding="utf-8")
    cat = Catalog("sqlite://")
    report = import_paths(cat, metadata=[sheet])
    assert cat.ids() == ["e1"]
    (err,) = [e for e in report.errors if e.work_id == "j1"]
    assert "'ja'" in err.message and "zh, en" in err.message
    # a language column naming another language is refused the same way
    sheet.write_text("book_id,book_title,special_desc,lang\nk1,Garden,A florist.,ko\n", encoding="utf-8")
    report = import_paths(Catalog("sqlite://"), metadata=[sheet])
    assert "'ko'" in report.errors[0].message


def test_lexical_rows_zh_use_character_ngrams_after_t2s() -> None:
    simplified, traditional = lexical_row("总裁离婚", "zh"), lexical_row("總裁離婚", "zh")
    assert simplified.cols.tolist() == traditional.cols.tolist()
    assert int(simplified.counts.sum()) == 4 + 3


def test_a_broken_unicode_escape_is_one_row_error_and_the_other_rows_are_kept(tmp_path):
    """JSON's "\\udcff" escape decodes to a lone surrogate that no encoder can write: the import
    used to stop with a UnicodeEncodeError traceback. Now the row is refused with its column named."""
    meta = tmp_path / "m.jsonl"
    meta.write_text('{"id": "bad", "title": "t", "synopsis": "重生复仇\\udcff 的故事"}\n'
                    '{"id": "tagged", "title": "t", "synopsis": "A maid marries the heir.", "tags": ["ok", "x\\ud800"]}\n'
                    '{"id": "good", "title": "Rain", "synopsis": "A maid marries the heir."}\n', encoding="utf-8")
    cat = Catalog("sqlite://")
    report = import_paths(cat, metadata=[meta])
    assert report.imported == 1 and cat.ids() == ["good"]
    assert [(e.line, e.message.split(" holds")[0]) for e in report.errors] == [(1, "'synopsis'"), (2, "'tags'")]
    assert all("unpaired UTF-16 surrogate" in e.message and "fix it in the export" in e.message for e in report.errors)
