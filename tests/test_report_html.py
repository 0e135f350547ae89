"""The HTML report: self-contained, escaped, every chart drawn, small enough for 100 episodes.

The browser test drives Debian's Chromium through Playwright with the network blocked, and
saves artifacts/report.png for a human to look at.
"""

from __future__ import annotations

import re
from html import escape
from pathlib import Path

import pytest

import dramalens
from browser_support import CHROMIUM, chromium_page
from dramalens.model import ElementType as T
from dramalens.parsing.builder import ScriptBuilder
from dramalens.report.html import render_html
from dramalens.serial import to_jsonable

ROOT = Path(__file__).resolve().parents[1]
CHARTS = ("chart-runtime", "chart-arc", "chart-hooks", "chart-presence", "chart-share")
INJECTION = "<script>window.__pwned = 1</script>"
EVIL_NAME = '<img src=x onerror="window.__pwned=2">'


_GOOD = ["我好开心，谢谢你一直陪伴我。", "太好了，我们终于团圆了！", "我相信你，我们在一起吧。"]
_BAD = ["你竟然背叛我！凭什么？", "救命！他要杀了你！", "我恨你，你给我滚出去！"]
_FILL = "这件事我们明天再去公司和大家说清楚，"


def series(episodes: int = 100, *, title: str = "霸总的逆袭：<script>alert(1)</script>") -> dramalens.Script:
    """A synthetic Chinese series: three scenes an episode, ~2 minutes each, a dip in the middle
    (so the arc has a shape), compliance cues, and script text that tries to inject HTML."""
    b = ScriptBuilder(source_format="chinese")
    line = 1
    for ep in range(1, episodes + 1):
        b.start_episode(ep, line=line)
        line += 1
        for k in range(1, 4):
            cast = ("林晚", "顾沉", "王总") if k != 2 else ("林晚", "苏小雨")
            b.start_scene(heading=f"{ep}-{k} 日 内 客厅", number=f"{ep}-{k}", cast=cast, line=line)
            line += 1
            b.add_new(T.ACTION, "△林晚推开门，顾沉抬头看她。", line)
            line += 1
            mood = _BAD if episodes // 3 < ep <= 2 * episodes // 3 else _GOOD
            speakers = ("林晚", "顾沉") if k != 2 else ("林晚", "苏小雨")
            for j in range(5):
                text = _FILL + mood[(ep + j) % 3]
                if ep == 7 and k == 1 and j == 0:
                    text = "甩卡！" + INJECTION + "我决定不嫁了。"  # a compliance cue: the line shows in the flags table
                if ep == 9 and k == 3 and j == 1:
                    text = "我给你一个亿，甩卡给你，读书有什么用？"
                b.add_new(T.DIALOGUE, text, line, character=speakers[j % 2])
                line += 1
            if k == 3:
                b.add_new(T.DIALOGUE, "你到底是谁？竟然是你！", line, character="王振华")
                line += 1
            if ep == 50 and k == 1:  # a name that is markup must show as text
                b.add_new(T.DIALOGUE, "路过。", line, character=EVIL_NAME)
                line += 1
    return b.build(language="zh", title=title)


@pytest.fixture(scope="module")
def page_html() -> str:
    return render_html(dramalens.analyze(series(100), budget_yuan=1_500_000))


def test_hundred_episode_report_is_self_contained_and_small(page_html):
    size = len(page_html.encode("utf-8"))
    assert size < 2_000_000, size
    # Nothing loads from outside the page and nothing runs: no src/href to anywhere, no <script>.
    assert not re.search(r"<script", page_html, re.IGNORECASE)
    assert not re.search(r"""(?:src|href)\s*=\s*["']?(?:https?:)?//""", page_html, re.IGNORECASE)
    assert "&lt;script&gt;window.__pwned" in page_html
    assert "<img" not in page_html and "&lt;img src=x" in page_html
    for chart in CHARTS:
        assert f'id="{chart}"' in page_html
    # 100 episodes × 3 scenes = 300 scenes > the 200-column cap: the heatmap folds into episodes.
    # The script is Chinese, so the page is too (the reader may ask for the other language).
    assert "第100集" in page_html and "在该集场次中的占比" in page_html
    # The budget tier and the flags reach the page.
    assert "重点" in page_html and "content.wealth_worship" in page_html and "title.badao_zongcai" in page_html


def test_tropes_section_lists_hits_track_and_skeleton():
    b = ScriptBuilder(source_format="chinese")
    b.start_episode(1, line=1)
    b.start_scene(heading="1-1 日 内 客厅", number="1-1", line=2)
    b.add_new(T.ACTION, "她重生回到十八岁，发誓复仇。<b>初遇</b>", 3)
    b.add_new(T.DIALOGUE, "我要让你付出代价！", 4, character="林晚")
    a = dramalens.analyze(b.build(language="zh", title="T"))
    html = render_html(a, "en")
    section = html.split('<section id="tropes">', 1)[1].split("</section>", 1)[0]
    assert "Track: <b>urban</b>" in section and a.tropes.track == "都市"  # one track vocabulary, labelled in English
    assert "赛道：<b>都市</b>" in render_html(a) and "重生 → 复仇" in render_html(a)
    for hit in a.tropes.hits:
        assert f"{hit.label_en} <span" in section and f"{hit.confidence:.2f}" in section
    assert " → ".join(a.skeleton.functions) in section
    assert "<b>初遇</b>" not in html  # script text never reaches the page unescaped


def test_character_drive_shows_both_numbers_and_alias_warnings():
    b = ScriptBuilder(source_format="chinese")
    b.start_episode(1, line=1)
    b.start_scene(heading="1-1 日 内 办公室", number="1-1", line=2)
    b.add_new(T.DIALOGUE, "我决定辞职。", 3, character="王振华")  # opens the scene and decides
    b.add_new(T.DIALOGUE, "爸！", 4, character="王磊")
    b.add_new(T.DIALOGUE, "<b>都别吵</b>", 5, character="王总")  # 王总: two 王 full names → a warning
    a = dramalens.analyze(b.build(language="zh", title="T"))
    summary = to_jsonable(a.characters)["summary"]
    html = render_html(a, "en")
    assert "<td>做出决定</td>" in render_html(a) and "<td>decides</td>" in html  # agency kinds by name, not id
    section = html.split('id="characters"', 1)[1].split("</section>", 1)[0]
    assert f"<b>{summary['scenes_driven_by_character']:.0%}</b>" in section
    assert f"<b>{summary['mean_primary_agency']:+.2f}</b>" in section and f"<b>{summary['drive']}</b>" in section
    assert f"drive index {summary['drive_index']:.2f}" in section
    warnings = section.split('id="character-warnings"', 1)[1].split("</ul>", 1)[0]
    assert "王总 not merged" in warnings and "王振华" in warnings


def test_missing_parts_render_not_available():
    a = dramalens.analyze(ScriptBuilder(source_format="chinese").build(language="zh", title="T"))
    for lang, na in (("en", "not available"), ("zh", "暂无")):
        html = render_html(a, lang)
        for chart in CHARTS:
            block = html.split(f'id="{chart}"', 1)[1].split("</figure>", 1)[0]
            assert na in block and "<svg" not in block


def test_rejects_other_objects():
    with pytest.raises(dramalens.DramalensError):
        render_html(42)


@pytest.mark.browser
def test_report_renders_in_chromium(tmp_path, page_html):
    if not CHROMIUM.exists():
        pytest.skip("/usr/bin/chromium is absent")
    sync_api = pytest.importorskip("playwright.sync_api")
    report = tmp_path / "report.html"
    report.write_text(page_html, encoding="utf-8")
    artifacts = ROOT / "artifacts"
    artifacts.mkdir(exist_ok=True)
    blocked: list[str] = []

    def guard(route):
        if route.request.url.startswith("file:"):
            route.continue_()
        else:
            blocked.append(route.request.url)
            route.abort()

    with sync_api.sync_playwright() as p:
        with chromium_page(p, viewport={"width": 1200, "height": 900}) as (page, errors):
            page.route("**/*", guard)
            page.goto(report.as_uri())
            for chart in CHARTS:
                marks = page.locator(f"#{chart} svg .mark").count()
                assert marks > 0, f"{chart} drew nothing"
            # Drawn marks have a real size on screen, not just elements in the DOM.
            box = page.locator("#chart-runtime svg .mark").first.bounding_box()
            assert box is not None and box["height"] > 0
            assert page.locator("#chart-hooks .paywall").count() == 1
            assert page.evaluate("typeof window.__pwned") == "undefined"
            assert page.locator("script").count() == 0
            assert INJECTION in page.inner_text("body")
            page.screenshot(path=str(artifacts / "report.png"), full_page=True)
    assert errors == []
    assert blocked == []


def test_format_and_paywall_notes_are_said_in_the_reports_language():
    from dramalens.report.summary import summary

    # Twenty episodes that each end on a flat line: the paywall after episode 15 ends weakly.
    text = "".join(f"第{n}集\n{n}-1 日 内 客厅\n林晚：今天吃了饭，我们明天见。\n顾沉：好的。\n" for n in range(1, 21))
    a = dramalens.analyze(dramalens.parse(text), free_episodes=15)
    assert a.paywall.message is not None
    english = a.paywall.warning
    assert english in a.warnings and english in to_jsonable(a)["warnings"]  # the JSON's English is unchanged
    zh_page, en_page = render_html(a, lang="zh"), render_html(a, lang="en")
    zh_note = a.paywall.message.render(dramalens.i18n.translator("zh"))
    assert zh_note.startswith("付费点设在第15集之后") and escape(zh_note) in zh_page
    assert "ends stronger" not in english and "更强" not in zh_note  # every ending ties: none is named as stronger
    assert "ends weakly" not in zh_page and escape(a.paywall.message.render(dramalens.i18n.translator("en"))) in en_page
    assert any(zh_note in str(line) for line in summary(a, "s.txt", lang="zh"))
