"""Both languages where English was left (issue 11, part 6): the terminal's read-quality lines
(``stats``, ``analyze``), the desk's gates (page and ``triage rank``), the ``adapt`` tables and
the adaptation zone's reasons, the saturation page's reasons. Each check renders in Chinese and
asserts the catalogue's Chinese sentence and the absence of the English one it replaced; the
JSON contracts keep their English."""

from __future__ import annotations

import json
import re
from contextlib import contextmanager
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from hypothesis import given, settings
from hypothesis import strategies as st

from dramalens import analyze, parse
from dramalens.adaptation import rank_paths
from dramalens.adaptation.rank import NovelProfile, RankedNovel, novel_reasons
from dramalens.catalog.saturation import label, label_note
from dramalens.cli import main
from dramalens.i18n import translator
from dramalens.report import quality_lines, summary
from dramalens.triage.auth import add_user
from dramalens.triage.gates import gate
from dramalens.triage.intake import SubmissionInput, SubmissionMeta, submit
from dramalens.triage.pipeline import analyse_submission, gate_evidence
from dramalens.triage.worker import Worker
from dramalens.web.app import create_app
from adaptation_fixtures import zh_novel
from triage_support import REAL_PIPELINE, fast_hash, login  # noqa: F401

#: A Chinese script with no line breaks: read quality 0, so every reason and the warning show.
BLOB = "第一集 " + "阿梅推门进来看见老周坐在桌边两人都没有说话窗外的雨一直下" * 80
#: Four lines of a Chinese episode: far under the length a desk can judge (the too-short gate).
SHORT = "第1集\n1-1 日 内 客厅\n人物：林晚、顾沉\n林晚：你终于来了？\n顾沉：我来拿回属于我的东西。\n"
ENGLISH_WORDS = re.compile(r"[A-Za-z]{3,}")
SRC = Path(__file__).resolve().parents[1] / "src" / "dramalens"


def _plain(items) -> str:
    return "\n".join(str(x) for x in items)


# -- read quality in the terminal ------------------------------------------------------------------


def test_stats_prints_the_table_and_read_quality_in_the_scripts_language(tmp_path, capsys):
    path = tmp_path / "blob.txt"
    path.write_text(BLOB, encoding="utf-8")
    assert main(["stats", str(path)]) == 0
    zh = capsys.readouterr().out
    assert "读取质量 0.00" in zh and "台词字数" in zh and "合计" in zh
    assert "缺少换行" in zh and "请先人工通读此文件" in zh  # a reason and the warning
    for english in ("read quality", "lines on strong evidence", "held back", "the line breaks are missing",
                    "a person should read", "dialogue chars", "total"):
        assert english not in zh
    assert main(["stats", str(path), "--lang", "en"]) == 0
    en = capsys.readouterr().out
    assert "read quality 0.00" in en and "the line breaks are missing" in en and "读取质量" not in en
    assert main(["stats", str(path), "--lang", "fr"]) == 2  # one clear error, not a silent English


def test_analyze_summary_says_the_read_quality_reasons_in_chinese():
    text = _plain(summary(analyze(parse(BLOB)), "blob.txt"))
    assert "读取质量 0.00" in text and "行靠推测归类" in text
    assert "lines classified by fallback" not in text and "read quality" not in text


def test_quality_lines_in_chinese_carry_no_english_words():
    lines = _plain(quality_lines(parse(BLOB).quality, 0.5, "zh"))
    assert not ENGLISH_WORDS.findall(lines), lines


# -- gates ----------------------------------------------------------------------------------------------


def test_a_gate_is_said_in_the_readers_language_and_its_json_stays_english():
    result = analyse_submission(SubmissionInput(1, "short.txt", SHORT.encode(), SubmissionMeta()))
    (too_short,) = [g for g in result.gates if g.code == "too_short"]
    assert "too short to judge" in too_short.text  # the JSON/CSV contract
    (first,) = [e for e in result.score.evidence if e.criterion == "gate"]
    zh = translator("zh").say(first.key, first.params, first.text)
    assert zh.startswith("篇幅过短：正文只有") and "字，不足 300" in zh and "too short" not in zh
    assert translator("en").say(first.key, first.params) == first.text == f"too short: {too_short.text}"


@given(units=st.integers(0, 10**6), minimum=st.integers(1, 10**6), minutes=st.floats(0, 10**4, allow_nan=False),
       score=st.floats(0, 1), n=st.integers(0, 99), quality=st.floats(0, 1), threshold=st.floats(0, 1))
@settings(max_examples=60, deadline=None)
def test_every_gate_in_chinese_has_no_english_word(units, minimum, minutes, score, n, quality, threshold):
    gates = [gate("unreadable", "gate.why.undecodable", ("bad", units), ("total", minimum)),
             gate("too_short", "gate.why.too_short", ("units", units), ("unit_key", "unit.words"), ("min", minimum)),
             gate("not_micro_drama", "gate.why.long_episode", ("minutes", minutes)),
             gate("not_micro_drama", "gate.why.long_median", ("minutes", minutes)),
             gate("near_copy", "gate.why.near_copy", ("title", "旧作"), ("score", score), ("n", n)),
             gate("unreadable", "gate.why.read_quality", ("quality", quality), ("threshold", threshold))]
    for g in gates:
        e = gate_evidence(g)
        zh = translator("zh").say(e.key, e.params, e.text)
        assert zh and "{" not in zh and not ENGLISH_WORDS.findall(zh), zh
        assert translator("en").say(e.key, e.params) == e.text and g.text in e.text


def test_triage_rank_prints_gates_and_reasons_in_chinese(tmp_path, capsys):
    (tmp_path / "blob.txt").write_text(BLOB, encoding="utf-8")
    assert main(["triage", "rank", str(tmp_path / "blob.txt")]) == 0
    zh = capsys.readouterr().out
    assert "不排名" in zh and "无法读取：读取质量 0.00，低于阈值 0.50，需人工通读" in zh and "缺少换行" in zh
    assert "gated" not in zh and "read quality" not in zh and "unreadable" not in zh
    assert main(["triage", "rank", str(tmp_path / "blob.txt"), "--lang", "en"]) == 0
    assert "unreadable: read quality 0.00 under 0.50" in capsys.readouterr().out
    assert main(["triage", "rank", str(tmp_path / "blob.txt"), "--json"]) == 0
    data = json.loads(capsys.readouterr().out)  # the contract: English gates with the reasons inline
    assert data[0]["gates"][0].startswith("unreadable: read quality 0.00 under 0.50: ")


def _desk_with_short_script(db, *, analysed):
    """A desk app on SQLite file ``db`` with reviewer ann and SHORT submitted (and analysed with
    the real pipeline when ``analysed``): the submission's id."""
    app = create_app(f"sqlite:///{db}", workers=0)
    engine = app.state.desk.engine
    user = add_user(engine, "ann", "password-a", desk="都市")
    sid = submit(engine, [("short.txt", SHORT.encode())], SubmissionMeta(), desk_id=user.desk_id, by="ann").submission_ids[0]
    if analysed:
        Worker(engine, pipeline=REAL_PIPELINE, poll=0.05).run_until_empty()
    return app, sid


@contextmanager
def _ann_reading_chinese(app):
    """A client of ``app`` logged in as ann, with Chinese chosen as the reader's language."""
    with TestClient(app) as client:
        login(client, "ann", "password-a")
        client.cookies.set("dl_lang", "zh")
        yield client


@pytest.mark.usefixtures("fast_hash")
def test_the_submission_page_says_a_gate_in_chinese(tmp_path):
    app, sid = _desk_with_short_script(tmp_path / "g.sqlite", analysed=True)
    with _ann_reading_chinese(app) as client:
        zh = client.get(f"/submissions/{sid}").text
        client.cookies.set("dl_lang", "en")
        en = client.get(f"/submissions/{sid}").text
    assert "篇幅过短：正文只有" in zh and "too short to judge" not in zh and "of text, fewer than" not in zh
    assert "too short: " in en and "too short to judge" in en


# -- adaptation ------------------------------------------------------------------------------------------


@pytest.fixture()
def novel(tmp_path):
    path = tmp_path / "novel.txt"
    path.write_text(zh_novel(), encoding="utf-8")
    return path


def test_adapt_table_is_in_the_novels_language(novel, capsys):
    assert main(["adapt", str(novel)]) == 0
    zh = capsys.readouterr().out
    assert "集，取自第 1-12 章（共 12 章）" in zh and "结尾悬念" in zh and "结尾强度" in zh
    assert "episodes from chapters" not in zh and "paywall after" not in zh and "cliffhanger" not in zh
    assert main(["adapt", str(novel), "--lang", "en"]) == 0
    assert "episodes from chapters 1-12 of 12" in capsys.readouterr().out


def test_adapt_rank_reasons_in_chinese_and_the_json_keeps_english(novel, capsys):
    assert main(["adapt", "rank", str(novel)]) == 0
    zh = capsys.readouterr().out
    assert "改编专区：1 部小说" in zh and "冲突密度 每千字" in zh and "理由" in zh
    assert "Adaptation zone" not in zh and "conflict" not in zh and "a thousand units" not in zh
    assert main(["adapt", "rank", str(novel), "--json"]) == 0
    reasons = json.loads(capsys.readouterr().out)["novels"][0]["reasons"]
    assert reasons[0].startswith("conflict ") and "a thousand units" in reasons[0]
    assert tuple(reasons) == novel_reasons(rank_paths([novel]).novels[0], translator("en"))


@given(density=st.floats(0, 100), agency=st.floats(-1, 1), cast=st.integers(0, 400), pct=st.floats(0, 1),
       novelty=st.one_of(st.none(), st.floats(0, 1)), nearest=st.one_of(st.none(), st.just("旧作")),
       hero=st.one_of(st.none(), st.just("林晚")), tropes=st.sampled_from([(), ("rebirth", "ceo")]))
@settings(max_examples=60, deadline=None)
def test_a_novels_reasons_in_chinese_have_no_english_word(density, agency, cast, pct, novelty, nearest, hero, tropes):
    p = NovelProfile("a.txt", "A", "zh", 8, 9000, density, hero, agency, cast, tropes, "")
    said = novel_reasons(RankedNovel(1, 0.5, p, (("conflict", pct),), novelty, nearest, ()), translator("zh"))
    assert len(said) >= 3 and not any(ENGLISH_WORDS.findall(s) for s in said), said


# -- saturation ------------------------------------------------------------------------------------------


@given(works=st.integers(0, 50), share=st.floats(0, 1), median=st.floats(0, 1),
       supply=st.one_of(st.none(), st.tuples(st.floats(-1, 1), st.tuples(st.floats(-1, 0), st.floats(0, 1)))),
       per_title=st.one_of(st.none(), st.tuples(st.floats(-1, 1), st.tuples(st.floats(-1, 1), st.floats(-1, 1)))))
@settings(max_examples=80, deadline=None)
def test_a_saturation_reason_is_the_same_label_in_both_languages(works, share, median, supply, per_title):
    status, note = label_note(works, share, median, supply, per_title)
    assert label(works, share, median, supply, per_title) == (status, note.render(translator("en")))
    zh = note.render(translator("zh"))
    assert "{" not in zh and not ENGLISH_WORDS.findall(zh), zh


# -- errors a reviewer reads on a page ----------------------------------------------------------------

#: The modules whose errors reach the desk's pages (the error page says ``key`` in the reader's
#: language), and the raises that never reach a page, each with why.
PAGE_MODULES = [*(f"triage/{m}.py" for m in ("likeness", "reader", "ip_novels", "review", "desk", "catalogs", "listing",
                                             "intake", "workflow", "coverage", "export", "auth", "passwords")),
                *(f"web/{p.name}" for p in (SRC / "web").glob("*.py"))]
NEVER_ON_A_PAGE = {
    ("triage/intake.py", "IntakeLimits."): "settings, checked at start-up",
    ("triage/intake.py", "the sender's name"): "the command line's --by; a page sends the signed-in name",
    ("triage/auth.py", "a user name is"): "accounts are made with `dramalens users add`",
    ("triage/auth.py", "no user "): "`dramalens users token`",
    ("triage/auth.py", "user "): "`dramalens users add`",
    ("triage/auth.py", "an API token is required"): "the JSON API (documented English)",
    ("triage/auth.py", "the API token is not valid"): "the JSON API (documented English)",
    ("triage/passwords.py", ""): "`dramalens users add` (the password rule)",
    ("web/app.py", "workers and worker_processes"): "start-up arguments",
    ("web/app.py", "web_niceness"): "start-up arguments (settings)",
    ("web/charts.py", "kind must be track or trope"): "a programming error, not an input",
    ("web/routes_api.py", "the body must be"): "the JSON API (documented English)",
}


def _raises_without_key(path):
    import ast

    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Raise) and isinstance(node.exc, ast.Call) and isinstance(node.exc.func, ast.Name) \
                and node.exc.func.id.endswith(("Error", "Denied")) and not any(k.arg == "key" for k in node.exc.keywords):
            first = node.exc.args[0] if node.exc.args else None
            text = "".join(v.value for v in first.values if isinstance(v, ast.Constant)) if isinstance(first, ast.JoinedStr) \
                else first.value if isinstance(first, ast.Constant) else ""
            yield node.lineno, str(text)


def test_every_error_a_page_can_show_has_a_catalogue_key():
    missing = [f"{name}:{line} {text[:60]}" for name in PAGE_MODULES for line, text in _raises_without_key(SRC / name)
               if not any(name == m and text.startswith(prefix) for m, prefix in NEVER_ON_A_PAGE)]
    assert missing == []


@pytest.mark.usefixtures("fast_hash")
def test_the_error_page_speaks_chinese(tmp_path):
    app, sid = _desk_with_short_script(tmp_path / "e.sqlite", analysed=False)
    with _ann_reading_chinese(app) as client:
        similar = client.get(f"/submissions/{sid}/similar?work=w1")
        query = client.get("/queue?sort=bogus")
        export = client.get("/export.csv?kind=bogus")
        client.cookies.set("dl_lang", "en")
        english = client.get(f"/submissions/{sid}/similar?work=w1").text
    assert similar.status_code == 404 and "没有名为“w1”的相似作品" in similar.text and "请从投稿页面打开相似作品" in similar.text
    assert "no similar work" not in similar.text and "open a similar work" not in similar.text
    assert 400 <= query.status_code < 500 and "排序必须是" in query.text and "must be one of" not in query.text
    assert 400 <= export.status_code < 500 and "必须是 queue, decisions 之一" in export.text
    assert "no similar work &#39;w1&#39; for submission" in english and "open a similar work from the submission&#39;s page" in english


def _saturation_result():
    from dramalens.catalog.saturation import Saturation, SaturationRow

    status, note = label_note(20, 0.3, 0.1, (0.1, (0.05, 0.2)), (-0.05, (-0.1, -0.01)))
    crowded = SaturationRow("trope", "rebirth", "重生 / rebirth", 20, 0.3, (("2024-01", 3), ("2024-02", 5)), (), 0.1, -0.02,
                            status, (0.05, 0.2), (-0.1, 0.0), note.render(translator("en")), -0.05, (-0.1, -0.01), note)
    return Saturation((crowded,), ("2024-01", "2024-02"), 20, as_of="2024-02", median_share=(("trope", 0.1),))


def test_the_saturation_chart_and_lines_in_chinese():
    from dramalens.catalog.saturation import RULE, saturation_html, saturation_lines

    result = _saturation_result()
    zh = saturation_html(result, lang="zh")
    assert "作品库饱和度" in zh and "重生" in zh and "rebirth" not in zh and "拥挤" in zh and "每月 +10.0%" in zh
    assert "单部播放量每月 -5.0%" in zh and "套路占比中位数：10.0%" in zh and "规则——供给" in zh
    for english in ("works;", "Rule:", "crowded", "%/mo", "plays per title", "median share"):
        assert english not in zh
    en = saturation_html(result)
    assert "Catalog saturation" in en and "rebirth" in en and "%/mo [" in en and "crowded" in en
    assert translator("en")("sat.report.rule") == f"Rule: {RULE}"  # the English rule is the code's own
    (line,) = saturation_lines(result, "zh")
    assert line.startswith("套路") and "20 部作品" in line and "拥挤" in line and "works" not in line
    with pytest.raises(Exception, match="must be one of"):
        saturation_lines(result, "fr")


def test_the_saturation_page_names_a_trope_in_the_readers_language():
    from dramalens.web.charts import growth_chart

    result = _saturation_result()
    assert growth_chart(result.rows, "trope", lang="zh").rows[0].label == "重生"
    assert growth_chart(result.rows, "trope", lang="en").rows[0].label == "rebirth"


def test_the_chapters_table_is_in_the_novels_language(capsys):
    novel = Path(__file__).parent / "novels" / "zh_volumes.txt"
    assert main(["chapters", str(novel)]) == 0
    zh = capsys.readouterr().out
    assert "共 7 章" in zh and "首句" in zh and "序章" in zh and "番外" in zh
    assert "chapters" not in zh and "first line" not in zh and "prologue" not in zh
    assert main(["chapters", str(novel), "--lang", "en"]) == 0
    assert "7 chapters" in capsys.readouterr().out


@pytest.mark.usefixtures("fast_hash")
def test_the_coverage_heading_and_the_nav_use_the_readers_punctuation_and_words(tmp_path):
    import io
    import zipfile

    app, sid = _desk_with_short_script(tmp_path / "c.sqlite", analysed=True)
    with _ann_reading_chinese(app) as client:
        page = client.get(f"/submissions/{sid}/coverage").text
        docx = client.get(f"/submissions/{sid}/coverage.docx").content
        client.cookies.set("dl_lang", "en")
        english = client.get(f"/submissions/{sid}/coverage").text
    xml = zipfile.ZipFile(io.BytesIO(docx)).read("word/document.xml").decode()
    assert "审读报告：short" in page and "审读报告: " not in page and 'aria-label="主导航"' in page
    assert "审读报告：short" in xml and "审读报告: " not in xml
    assert "Coverage: short" in english and 'aria-label="main"' in english


@pytest.mark.usefixtures("fast_hash")
@pytest.mark.parametrize("name, content, zh, english", [
    ("junk.txt", bytes(range(256)) * 40, "无法解码文本", "cannot decode the text"),
    ("empty.txt", b" \n", "是空的", "is empty"),
    ("book.epub", b"PK\x03\x04not a zip", "不是有效的 .epub 文件：zip 压缩包已损坏", "the zip archive is damaged"),
])
def test_a_refused_novel_is_explained_in_chinese(tmp_path, name, content, zh, english):
    from triage_support import csrf_of

    app = create_app(f"sqlite:///{tmp_path / 'ip.sqlite'}", workers=0)
    add_user(app.state.desk.engine, "ann", "password-a", desk="都市")
    with _ann_reading_chinese(app) as client:
        sent = client.post("/ip", data={"csrf_token": csrf_of(client.get("/ip").text)}, files={"file": (name, content)},
                           follow_redirects=False)
    assert 400 <= sent.status_code < 500 and zh in sent.text and english not in sent.text


def test_the_report_and_the_summary_name_the_source_format_in_chinese():
    from dramalens.report.html import render_html

    analysis = analyze(parse(SHORT))
    zh, en = render_html(analysis, "zh"), render_html(analysis, "en")
    assert "中文 · 中文剧本格式" in zh and "· chinese ·" not in zh and "Chinese · chinese" in en
    assert "中文剧本格式" in _plain(summary(analysis, "s.txt", lang="zh"))


def test_catalog_similar_and_novelty_speak_the_scripts_language(tmp_path, capsys):
    from dramalens.catalog import Catalog, import_paths
    from dramalens.synth import generate_corpus

    corpus = tmp_path / "corpus"
    generate_corpus(corpus, works=6, languages=("zh",), episodes=(3, 4), seed=5, plant_rate=0.0)
    url = f"sqlite:///{tmp_path / 'cat.sqlite'}"
    import_paths(Catalog(url), [corpus])
    script = sorted(corpus.rglob("*.txt"))[0]
    assert main(["catalog", "similar", str(script), "--db", url]) == 0
    zh = capsys.readouterr().out
    assert "作品编号" in zh and "综合得分" in zh and "evidence" not in zh and "skeleton" not in zh
    assert main(["catalog", "novelty", str(script), "--db", url]) == 0
    zh = capsys.readouterr().out
    assert zh.startswith("新颖度 ") and "novelty" not in zh.splitlines()[0]
    assert main(["catalog", "novelty", str(script), "--db", url, "--lang", "en"]) == 0
    assert capsys.readouterr().out.startswith("novelty ")


@pytest.mark.parametrize("command", [["stats"], ["chapters"], ["adapt"], ["triage", "rank"]])
def test_every_lang_option_refuses_an_unknown_language_with_one_message(command, tmp_path, capsys):
    path = tmp_path / "blob.txt"
    path.write_text(BLOB, encoding="utf-8")
    assert main([*command, str(path), "--lang", "fr"]) == 2
    err = capsys.readouterr().err
    assert "must be one of zh, en, got 'fr'" in err and "Traceback" not in err
