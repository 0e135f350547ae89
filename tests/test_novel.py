"""Reading novels (.txt and .epub) split into chapters: dramalens.parsing.novel and friends.

Golden cases live in tests/novels/: every ``*.txt``/``*.epub`` there reads to the novel in its
``*.chapters.json`` twin (without ``source``, which depends on where the checkout is). A bug
is fixed by adding an input and its expected output, no new test code. Regenerate (after
reading the diff!) with DRAMALENS_UPDATE_GOLDEN=1. The .epub inputs come from
tests/fixtures_src/make_epub_fixtures.py.
"""

from __future__ import annotations

import json
import os
import sys
from collections import Counter
from pathlib import Path

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

import dramalens
from dramalens.cli import main
from dramalens.errors import ConfigError, InputError
from dramalens.model.novel import Chapter, Novel
from dramalens.parsing.novel import front_matter_metadata, read_novel, split_chapters
from dramalens.parsing.novel.headings import classify_bare, classify_heading, is_noise_line, is_note_start, is_toc_header
from dramalens.text import clean_line

sys.path.insert(0, str(Path(__file__).parent / "fixtures_src"))
import make_epub_fixtures as mk  # noqa: E402
from support import make_zip  # noqa: E402

NOVELS = Path(__file__).parent / "novels"
CASES = sorted(p for p in NOVELS.iterdir() if p.suffix in (".txt", ".epub")) if NOVELS.is_dir() else []


def _expected_path(path: Path) -> Path:
    return path.with_suffix(".chapters.json")


def _golden_dict(novel: Novel) -> dict:
    d = novel.to_dict()
    d.pop("source")
    return d


def test_there_are_enough_golden_cases() -> None:
    assert len(CASES) >= 12
    assert {p.suffix for p in CASES} == {".txt", ".epub"}


@pytest.mark.parametrize("path", CASES, ids=[p.name for p in CASES])
def test_golden(path: Path) -> None:
    got = _golden_dict(read_novel(path))
    expected_path = _expected_path(path)
    if os.environ.get("DRAMALENS_UPDATE_GOLDEN"):
        expected_path.write_text(json.dumps(got, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    assert expected_path.exists(), f"missing expected output {expected_path.name}"
    assert got == json.loads(expected_path.read_text(encoding="utf-8"))


def test_epub_fixtures_are_what_the_generator_writes() -> None:
    for name, builder in mk.FIXTURES.items():
        assert (NOVELS / name).read_bytes() == builder(), f"{name} is stale: rerun tests/fixtures_src/make_epub_fixtures.py"


# -- headings -----------------------------------------------------------------------------------

HEADINGS = [
    ("第一回", "chapter", "chapter", 1, ""),
    ("第十二章", "chapter", "chapter", 12, ""),
    ("第一百二十三章 标题", "chapter", "chapter", 123, "标题"),
    ("第1章", "chapter", "chapter", 1, ""),
    ("第001章 重生", "chapter", "chapter", 1, "重生"),
    ("第 1 章", "chapter", "chapter", 1, ""),
    ("【第一章】", "chapter", "chapter", 1, ""),
    ("【第二章 风起】", "chapter", "chapter", 2, "风起"),
    ("第四章：反转", "chapter", "chapter", 4, "反转"),
    ("第１２章", "chapter", "chapter", 12, ""),
    ("卷一", "volume", "chapter", 1, ""),
    ("第一卷 潜龙在渊", "volume", "chapter", 1, "潜龙在渊"),
    ("Chapter XII", "chapter", "chapter", 12, ""),
    ("CHAPTER 1.", "chapter", "chapter", 1, ""),
    ("Chapter One", "chapter", "chapter", 1, ""),
    ("Chapter Twenty-Three: Home", "chapter", "chapter", 23, "Home"),
    ("BOOK II", "volume", "chapter", 2, ""),
    ("PART ONE", "volume", "chapter", 1, ""),
    ("Book the First", "volume", "chapter", 1, ""),
    ("序章", "chapter", "prologue", None, "序章"),
    ("楔子", "chapter", "prologue", None, "楔子"),
    ("序章 一场雪", "chapter", "prologue", None, "一场雪"),
    ("尾声", "chapter", "epilogue", None, "尾声"),
    ("番外一 小团圆", "chapter", "extra", 1, "小团圆"),
    ("Prologue", "chapter", "prologue", None, "Prologue"),
    ("Epilogue: Ten Years On", "chapter", "epilogue", None, "Ten Years On"),
]


@pytest.mark.parametrize("line,level,kind,number,title", HEADINGS, ids=[h[0] for h in HEADINGS])
def test_headings(line, level, kind, number, title) -> None:
    head = classify_heading(clean_line(line))
    assert head is not None
    assert (head.level, head.kind, head.number, head.title) == (level, kind, number, title)


@pytest.mark.parametrize(
    "line",
    ["第三回合，他输了。", "第一部分", "第二天他走了", "序号", "Chapter 3 was the best part.", "第一章，他写道", "I am here.",
     "Part of me", "他看了看第一章的内容。", "前言不搭后语", "Bookish people", "第" * 200],
)
def test_prose_is_not_a_heading(line) -> None:
    assert classify_heading(line) is None


def test_toc_entries_with_page_numbers_are_marked() -> None:
    assert classify_heading("第一章 风起 ........ 12").toc_like
    assert classify_heading("Chapter 1   The Door ....... 5").title == "The Door"
    assert not classify_heading("第一章 风起").toc_like


def test_line_predicates() -> None:
    assert clean_line("\u3000\u3000正文\u200b ") == "正文"
    assert is_toc_header("目　录") and is_toc_header("CONTENTS") and not is_toc_header("目录页很长的一句话")
    assert is_noise_line("======") and is_noise_line("天才一秒记住本站地址：www.x.com") and is_noise_line("（本章完）")
    assert not is_noise_line("他在 www.x.com 上看到了那条消息，愣住了很久很久。")
    assert is_note_start("作者有话要说：") and is_note_start("PS：求票") and not is_note_start("Psst.")


# -- splitting -----------------------------------------------------------------------------------


def test_toc_with_header_is_front_matter() -> None:
    r = split_chapters("目录\n第一章 甲\n第二章 乙\n\n第一章 甲\n正文一。\n第二章 乙\n正文二。")
    assert [c.title for c in r.chapters] == ["甲", "乙"]
    assert "第二章 乙" in r.front_matter
    assert any("table of contents" in w.message for w in r.warnings)


def test_toc_without_header_is_found_by_the_restart() -> None:
    r = split_chapters("书名\n第1章 黑夜\n第2章 微光\n第1章 黑夜\n夜。\n第2章 微光\n光。")
    assert [(c.source_number, c.text) for c in r.chapters] == [(1, "夜。"), (2, "光。")]


def test_short_chapters_that_never_restart_are_chapters() -> None:
    r = split_chapters("第一章 甲\n一。\n第二章 乙\n二。\n第三章 丙\n三。")
    assert [c.text for c in r.chapters] == ["一。", "二。", "三。"]
    assert r.front_matter == ""


def test_toc_with_volumes_restarting_per_volume() -> None:
    toc = "目录\n第一卷 上\n第一章 a\n第二章 b\n第二卷 下\n第一章 c\n"
    body = "第一卷 上\n第一章 a\n甲。\n第二章 b\n乙。\n第二卷 下\n第一章 c\n丙。"
    r = split_chapters(toc + body)
    assert [(c.volume, c.source_number, c.text) for c in r.chapters] == [("第一卷 上", 1, "甲。"), ("第一卷 上", 2, "乙。"), ("第二卷 下", 1, "丙。")]
    assert not any("restarts" in w.message for w in r.warnings)  # restarting per volume is normal


def test_numbering_warnings() -> None:
    r = split_chapters("第一章\n一。\n第三章\n三。\n第二章\n二。")
    messages = [w.message for w in r.warnings]
    assert any("missing" in m for m in messages) and any("restarts" in m for m in messages)


def test_sections_inside_chapters_stay_in_the_chapter() -> None:
    r = split_chapters("第一章 基础\n第一节 概念\n甲。\n第二节 方法\n乙。")
    assert len(r.chapters) == 1 and "第二节 方法" in r.chapters[0].text


def test_only_volumes_become_chapters() -> None:
    r = split_chapters("第一部 春\n春天。\n第二部 夏\n夏天。")
    assert [(c.title, c.text, c.volume) for c in r.chapters] == [("春", "春天。", None), ("夏", "夏天。", None)]


def test_no_headings_is_one_chapter_with_a_warning() -> None:
    r = split_chapters("他走了。\n\n她也走了。")
    assert len(r.chapters) == 1 and r.chapters[0].text == "他走了。\n\n她也走了。"
    assert r.warnings


def test_author_notes_and_boilerplate() -> None:
    r = split_chapters("第一章 开始\n　　正文。\nwww.example.com\n=====\n作者有话要说：\n谢谢大家支持。\n第二章 继续\n又是正文。")
    assert r.chapters[0].text == "正文。" and r.chapters[0].notes == "作者有话要说：\n谢谢大家支持。"
    assert r.dropped_lines == 2


def test_english_title_on_the_next_line() -> None:
    r = split_chapters("CHAPTER I.\nDown the Rabbit-Hole\n\nAlice was tired.\n\nCHAPTER II.\n\n\"Oh dear!\" she said.")
    assert [(c.title, c.heading) for c in r.chapters] == [("Down the Rabbit-Hole", "CHAPTER I.\nDown the Rabbit-Hole"), ("", "CHAPTER II.")]
    assert r.chapters[1].text == "\"Oh dear!\" she said."


def test_line_numbers_point_at_the_headings() -> None:
    text = "书名：x\n\n第一章 a\n正文\n\n第二章 b\n正文"
    lines = text.split("\n")
    for c in split_chapters(text).chapters:
        assert lines[c.line - 1] == c.heading


def test_metadata() -> None:
    assert front_matter_metadata("《斗破苍穹》\n作者：天蚕土豆") == ("斗破苍穹", "天蚕土豆")
    assert front_matter_metadata("Title: Emma\nAuthor: Jane Austen") == ("Emma", "Jane Austen")
    assert front_matter_metadata("西游记\n吴承恩 著") == ("西游记", "吴承恩")


def test_volumes_in_order() -> None:
    novel = read_novel(NOVELS / "zh_volumes.txt")
    assert novel.volumes == ("第一卷 少年游", "第二卷 天下行")
    assert [c.volume_line for c in novel.chapters if c.volume] == [4, 4, 10, 10, 10, 10]


def test_epub_toc_page_without_toc_entry_is_dropped() -> None:
    files = {
        "OEBPS/page0.xhtml": mk.xhtml(mk.paragraphs("目录", "第一章 甲", "第二章 乙", "第三章 丙")),
        "OEBPS/c1.xhtml": mk.xhtml("<h1>第一章 甲</h1>" + mk.paragraphs("一。")),
    }
    files["OEBPS/content.opf"] = mk.opf("t", "a", "zh", [("x", "page0.xhtml", ""), ("c1", "c1.xhtml", "")], ["x", "c1"])
    novel = read_novel(mk.build(files))
    assert [(c.title, c.text) for c in novel.chapters] == [("甲", "一。")] and novel.front_matter == ""


def test_chapter_validates_kind() -> None:
    with pytest.raises(ValueError, match="prologue"):
        Chapter(1, "", "", kind="interlude")


BARE = [("1.", "1.", 1, ""), ("1、初见", "1、", 1, "初见"), ("一、初见", "一、", 1, "初见"), ("（十二）", "（）", 12, ""),
        ("001", "0", 1, ""), ("12", "0", 12, ""), ("chapter 4", "chapter", 4, ""), ("IV.", "I.", 4, ""), ("II. The Storm", "I.", 2, "The Storm")]


@pytest.mark.parametrize("line,style,number,title", BARE, ids=[b[0] for b in BARE])
def test_bare_numbers(line, style, number, title) -> None:
    assert classify_bare(line) == (style, number, title)
    assert classify_heading(line) is None  # alone, a bare number is never a heading


@pytest.mark.parametrize("line", ["1.5 倍速", "2023年", "1. 买菜。", "001号房间", "I.e. this", "一、二、三，他数着。", "12 apples fell."])
def test_bare_prose_is_not_a_number_head(line) -> None:
    assert classify_bare(line) is None


def test_bare_numbers_split_only_a_book_without_headings() -> None:
    body = "他走了很远很远的路，一直走到天黑，才在一座破庙里停下来歇脚。庙里有个老和尚正在烧火做饭，看见他也不吃惊。" * 2
    bare = "\n".join(f"{n}.\n{body}" for n in (1, 2, 3))
    assert [c.source_number for c in split_chapters(bare).chapters] == [1, 2, 3]
    # The same numbers under real headings are a list inside the chapter.
    headed = f"第一章 远行\n{body}\n1.\n买菜\n2.\n做饭\n3.\n洗碗\n第二章 归来\n{body}"
    assert [c.source_number for c in split_chapters(headed).chapters] == [1, 2]
    # Out of sequence (1, 3, 5) or with only a line between: not chapters.
    assert len(split_chapters("\n".join(f"{n}.\n{body}" for n in (1, 3, 5))).chapters) == 1
    assert len(split_chapters("清单：\n1、买菜\n2、做饭\n3、洗碗\n" + body).chapters) == 1


@settings(max_examples=100, deadline=None)
@given(st.integers(2, 12), st.sampled_from(["{}.", "{}、", "（{}）", "{:03d}"]), st.text(alphabet="买菜做饭洗碗扫地", min_size=1, max_size=8))
def test_a_numbered_list_in_prose_is_never_chapters(items, style, item) -> None:
    prose = "他想了很久，终于拿起笔，在本子上把明天要做的事情一件一件写了下来，写完天已经亮了。"
    lines = [prose] + [f"{style.format(n)}{item}" if "{:03d}" not in style else style.format(n) for n in range(1, items + 1)] + [prose]
    result = split_chapters("\n".join(lines))
    assert len(result.chapters) == 1 and result.chapters[0].text == "\n".join(lines)


def test_update_dates_and_parts() -> None:
    head = classify_heading("第12章 重逢（2023-05-01更新）")
    assert (head.number, head.title, head.part) == (12, "重逢", None)
    assert (classify_heading("第13章 离别 (2/2)").title, classify_heading("第13章 离别 (2/2)").part) == ("离别", 2)
    body = "机场的广播一遍一遍地催促登机，她拖着箱子走到安检口，又停了下来，回头看了很久很久，终于还是走了进去。"
    r = split_chapters(f"第12章 重逢\n{body}\n第13章 离别 (1/2)\n{body}\n第13章 离别 (2/2)\n{body}\n第14章 归\n{body}")
    assert [(c.source_number, c.title) for c in r.chapters] == [(12, "重逢"), (13, "离别"), (13, "离别"), (14, "归")]
    assert not any("twice" in w.message for w in r.warnings)


def test_table_of_contents_at_the_end_goes_to_the_last_chapters_notes() -> None:
    body = "风从北边吹来，带着沙子和冬天的味道。他站在城头上，看着远处的烽火一座接一座地亮起来，知道战事又要开始了。"
    r = split_chapters(f"第一章 甲\n{body}\n第二章 乙\n{body}\n\n目录\n第一章 甲\n第二章 乙")
    assert [c.title for c in r.chapters] == ["甲", "乙"]
    assert r.chapters[-1].text == body and r.chapters[-1].notes == "目录\n第一章 甲\n第二章 乙"


def test_couplet_title_on_the_next_line() -> None:
    r = split_chapters("第一回\n灵根育孕源流出　心性修持大道生\n诗曰：\n混沌未分天地乱。\n第二回　悟彻菩提真妙理\n断魔归本合元神\n话表。")
    assert [c.title for c in r.chapters] == ["灵根育孕源流出　心性修持大道生", "悟彻菩提真妙理\u3000断魔归本合元神"]
    assert r.chapters[0].text == "诗曰：\n混沌未分天地乱。"


# -- invariants (Hypothesis) ---------------------------------------------------------------------

HEADING_LIKE = ["第一章 风起", "第二章", "第1章", "第一章 风起", "【第三章】", "第一卷 潜龙", "卷二", "楔子", "尾声", "番外一 番外",
                "目录", "Contents", "Chapter 1", "CHAPTER II.", "Down the Hole", "BOOK ONE", "Prologue", "第一节 小节",
                "第一章 风起 ....... 3", "=====", "（本章完）", "（求月票）", "www.example.com", "作者有话说：", "PS：求票", "", "　　正文。",
                "第三回合", "Chapter 3 was fine.", "1.", "2、重逢", "三、", "（一）", "002", "II.", "chapter 3", "卷之一",
                "第五章 离别 (1/2)", "第五章 离别 (2/2)", "第六章 回（2023-05-01更新）", "STAVE ONE.", "第二回", "灵根育孕源流出　心性修持大道生",
                "新书求收藏", "Letter 2"]
LINES = st.lists(st.one_of(st.sampled_from(HEADING_LIKE), st.text(max_size=20)), max_size=40)


def _check_nothing_lost(text: str, result) -> None:
    expected = []
    static_noise = 0
    for raw in text.split("\n"):
        s = clean_line(raw)
        if s and not (is_noise_line(s) and classify_heading(s) is None):
            expected.append(s)
        elif s:
            static_noise += 1
    content = [s for s in result.front_matter.split("\n") if s]
    heads: list[str] = []
    volumes: dict[int, str] = {}
    for c in result.chapters:
        heads += [s for s in c.heading.split("\n") if s]
        if c.volume is not None:
            volumes[c.volume_line] = c.volume
        content += [s for s in c.text.split("\n") if s] + [s for s in c.notes.split("\n") if s]
    for v in volumes.values():
        heads += v.split("\n")
    # Every line lands exactly once (as text or as a heading), or is reported as removed: site
    # noise, and lines repeated word for word across chapters (a site's header or footer) ...
    landed = Counter(content + heads)
    assert not landed - Counter(expected)
    assert sum((Counter(expected) - landed).values()) + static_noise == sum(r.count for r in result.removed)
    # ... and the text keeps its order.
    it = iter(expected)
    assert all(any(s == e for e in it) for s in content)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(LINES)
@example(["Chapter 1", "", "", ""])
@example(["Chapter 1", "Chapter 1", "A"])
@example(["第一章 风起", "第一章 风起", "第一章 风起", "第一卷 潜龙", "第一卷 潜龙"])  # a TOC with text after it
@example(["第一章", "本书首发于某某网站", "甲", "第二章", "本书首发于某某网站", "乙", "第三章", "本书首发于某某网站", "丙"])  # a footer
@example(["第一章", "窗外的雨一直下个不停", "甲", "第二章", "窗外的雨一直下个不停", "乙", "第三章", "窗外的雨一直下个不停", "丙"])  # repeated
def test_split_never_loses_text(lines: list[str]) -> None:
    text = "\n".join(lines)
    result = split_chapters(text)
    _check_nothing_lost(text, result)
    assert [c.number for c in result.chapters] == list(range(1, len(result.chapters) + 1))
    for c in result.chapters:
        assert c.kind in ("chapter", "prologue", "epilogue", "extra")


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=300))
def test_split_any_text(text: str) -> None:
    _check_nothing_lost(text, split_chapters(text))


@settings(max_examples=100, deadline=None)
@given(st.binary(max_size=300))
def test_read_novel_on_any_bytes_reads_or_says_why(data: bytes) -> None:
    try:
        novel = read_novel(data)
    except InputError as exc:
        assert exc.message
    else:
        assert isinstance(novel, Novel)


@settings(max_examples=30, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(HEADING_LIKE + ["Interlude", "第十章 终"]), st.lists(st.text(max_size=15), max_size=4)), min_size=1, max_size=5))
def test_epub_with_any_text_reads(docs) -> None:
    from html import escape

    files, items, points = {}, [], []
    for k, (label, paras) in enumerate(docs):
        files[f"OEBPS/d{k}.xhtml"] = mk.xhtml(f"<h1>{escape(label)}</h1>" + mk.paragraphs(*map(escape, paras)))
        items.append((f"d{k}", f"d{k}.xhtml", ""))
        points.append((escape(label), f"d{k}.xhtml", []))
    files["OEBPS/toc.ncx"] = mk.ncx(points)
    files["OEBPS/content.opf"] = mk.opf("t", "a", "zh", [("ncx", "toc.ncx", "")] + items, [i for i, _, _ in items], ncx="ncx")
    novel = read_novel(mk.build(files))
    assert novel.source_format == "epub"
    assert [c.number for c in novel.chapters] == list(range(1, len(novel.chapters) + 1))


# -- files: encodings and bad input --------------------------------------------------------------


@pytest.mark.parametrize("encoding", ["gb18030", "big5", "utf-16", "utf-8-sig"])
def test_encodings(tmp_path, encoding) -> None:
    text = "書名：測試\n第一章 開始\n　　他說：「你好。」\n第二章 結束\n　　再見。\n" if encoding == "big5" else "第一章 开始\n　　镕说：“你好。”\n第二章 结束\n　　再见。\n"
    path = tmp_path / "n.txt"
    path.write_bytes(text.encode(encoding))
    novel = read_novel(path)
    assert novel.encoding.replace("_", "-") == encoding
    assert [c.source_number for c in novel.chapters] == [1, 2]
    assert ("你好" in novel.chapters[0].text) and novel.language == "zh"


def test_forced_encoding_that_is_wrong_is_an_input_error(tmp_path) -> None:
    path = tmp_path / "n.txt"
    path.write_bytes("第一章 开始\n你好".encode("gb18030"))
    with pytest.raises(InputError, match="not valid utf-8"):
        read_novel(path, encoding="utf-8")


def _epub_with(opf: str, extra: dict[str, str] | None = None) -> bytes:
    return mk.build({"OEBPS/content.opf": opf, **(extra or {})})


BOMB = '<?xml version="1.0"?>\n<!DOCTYPE p [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;"><!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;">]>\n<package><metadata>&c;</metadata></package>'
GOOD_OPF = mk.opf("t", "a", "zh", [("c", "c.xhtml", "")], ["c"])

BAD_INPUTS = {
    "empty": (b"", "empty"),
    "blank": (b"  \n\n ", "empty"),
    "binary": (bytes(range(256)) * 40, "binary|decode"),
    "epub that is not a zip": (b"this is not a zip file at all", "not a zip"),
    "epub zip bomb": (make_zip({"META-INF/container.xml": b"<container/>", "big.xhtml": b"\0" * (10 * 1024 * 1024)}), "zip bomb|compresses"),
    "epub without container": (make_zip({"mimetype": b"application/epub+zip", "a.opf": GOOD_OPF.encode()}), "container.xml is missing"),
    "epub with a missing OPF": (mk.build({}, opf_path="OEBPS/missing.opf"), "missing"),
    "epub with an entity bomb": (_epub_with(BOMB), "entit"),
    "epub with malformed OPF": (_epub_with("<package><manifest>"), "malformed XML"),
    "epub with entities in XHTML": (_epub_with(GOOD_OPF, {"OEBPS/c.xhtml": BOMB}), "entities"),
    "epub with an empty spine": (_epub_with(mk.opf("t", "a", "zh", [], [])), "spine"),
    "epub with traversal": (make_zip({"../evil.xhtml": b"x", "META-INF/container.xml": b"<container/>"}), "outside|unsafe"),
}


@pytest.mark.parametrize("name", list(BAD_INPUTS))
def test_bad_input_is_one_clear_input_error(tmp_path, name) -> None:
    data, pattern = BAD_INPUTS[name]
    path = tmp_path / ("book.epub" if name.startswith("epub") else "book.txt")
    path.write_bytes(data)
    with pytest.raises(InputError, match=pattern) as info:
        read_novel(path)
    assert info.value.source == str(path)


def test_parameters_are_validated(tmp_path) -> None:
    with pytest.raises(ConfigError, match="max_bytes"):
        read_novel("第一章\n正文", max_bytes=0)
    path = tmp_path / "n.txt"
    path.write_text("第一章\n" + "正文" * 100, encoding="utf-8")
    with pytest.raises(InputError, match="over the limit"):
        read_novel(path, max_bytes=50)
    with pytest.raises(InputError, match="not found"):
        read_novel(tmp_path / "missing.txt")


def test_package_root_exports() -> None:
    assert dramalens.read_novel is read_novel and dramalens.Novel is Novel
    assert list(dramalens.__all__) == sorted(dramalens.__all__)


def _generated_novel(chapters: int, paragraphs: int) -> str:
    para = "　　夜色深沉，城里的灯一盏一盏地灭了，只有他还站在桥上，望着远处的河水出神。"
    parts = ["书名：长河\n作者：测试\n\n目录"] + [f"第{n}章 第{n}夜" for n in range(1, chapters + 1)] + [""]
    for n in range(1, chapters + 1):
        parts.append(f"第{n}章 第{n}夜")
        parts.extend([para] * paragraphs)
    return "\n".join(parts)


def test_a_long_generated_novel_splits_exactly(tmp_path) -> None:
    path = tmp_path / "long.txt"
    path.write_bytes(_generated_novel(300, 20).encode("gb18030"))
    novel = read_novel(path)
    assert [c.source_number for c in novel.chapters] == list(range(1, 301))
    assert novel.title == "长河" and novel.encoding == "gb18030"
    assert all(c.text.count("\n") == 19 for c in novel.chapters)


# -- CLI ---------------------------------------------------------------------------------------


def test_cli_table_and_json(capsys) -> None:
    path = NOVELS / "zh_volumes.txt"
    assert main(["chapters", str(path)]) == 0
    out = capsys.readouterr().out
    assert "第一卷 少年游" in out and "番外一 师父的故事" in out
    assert main(["chapters", str(path), "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert [c["kind"] for c in data["chapters"]] == ["prologue", "chapter", "chapter", "chapter", "chapter", "epilogue", "extra"]


def test_cli_bad_file_exits_2(tmp_path, capsys) -> None:
    path = tmp_path / "x.epub"
    path.write_bytes(b"not a zip")
    assert main(["chapters", str(path)]) == 2
    assert "not a zip" in capsys.readouterr().err


def test_epub_site_lines_are_removed_and_reported() -> None:
    # A pirated epub carries the site's footer in every chapter and a URL in one: both leave the
    # chapter text and are reported in Novel.removed, as the .txt reader does.
    footer = "本书由某某中文网首发，请勿转载"
    files = {f"OEBPS/c{n}.xhtml": mk.xhtml(f"<h1>第{n}章 {t}</h1>" + mk.paragraphs(story, footer))
             for n, t, story in ((1, "甲", "他推门进来。"), (2, "乙", "她回头一笑。"), (3, "丙", "雨停了。"))}
    files["OEBPS/c2.xhtml"] = files["OEBPS/c2.xhtml"].replace("她回头一笑。", "她回头一笑。</p><p>www.example-novel.com")
    files["OEBPS/content.opf"] = mk.opf("t", "a", "zh", [(f"c{n}", f"c{n}.xhtml", "") for n in (1, 2, 3)], ["c1", "c2", "c3"])
    novel = read_novel(mk.build(files))
    assert [c.text for c in novel.chapters] == ["他推门进来。", "她回头一笑。", "雨停了。"]
    kinds = {r.kind: r for r in novel.removed}
    assert kinds["repeated"].count == 3 and kinds["repeated"].examples == (footer,)
    assert sum(r.count for r in novel.removed) == 4
    assert any("not story" in w.message for w in novel.warnings)
