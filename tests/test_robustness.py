"""Robustness of the whole chain after parsing: parse → analyze → to_dict/JSON/tables/HTML → CLI.

The parsers have their own "never raises" properties; these check that what comes after them
never crashes either, on arbitrary text, on convention-shaped text and on degenerate scripts
built directly with the model, and that every result stays inside its documented bounds.
"""

from __future__ import annotations

import functools
import json
import math
import re
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from dramalens.analysis import RuntimeParams, analyze
from dramalens.cli import main
from dramalens.errors import ConfigError, DramalensError, ParseError
from dramalens.model import Element, ElementType, Episode, Scene, Script
from dramalens.parsing import parse_bytes, parse_text
from dramalens.parsing.builder import ScriptBuilder
from dramalens.parsing.detect import sniff_text_format
from dramalens.report import html as html_module
from dramalens.report.html import render_html
from dramalens.report.tables import rows_to_csv

T = ElementType

# Markers no renderer ever writes: if one shows up unescaped, input leaked into the markup.
_XSS = ("<script>alert(1)</script>", "<zq>", "<img src=x onerror=1>", "</svg><zq", "<a href=x>", "<iframe", "<!--", "<b>x</b>")
_LEAK = re.compile(r"<(script|zq|img)\b", re.IGNORECASE)

ZH_PIECES = [
    "第1集", "第0集", "第-1集", "第999999999999999999999集", "第一集", "第零集", "第一百零八集", "第3集 标题",
    "第1集", "第2集", "第2集", "1-1 日 内 客厅", "1-1 客厅 日内", "场景：夜 内 堂屋", "1-1：日 外 地点", "0-0 夜 外",
    "人物：", "人物：、", "人物：林晚、顾言", "人物： 、 、", "△", "△林晚推门而入。", "△   ", "林晚：你好。", "林晚：",
    "：", "：台词", "角色：", "角色（冷笑）：台词", "顾言（OS）：走", "林晚（内心OS）：", "【卡点】", "【闪回】",
    "【闪回结束】", "【字幕：三年后】", "【字幕：】", "（转场）", "他写下两个字：军宣。", "你以为我离开你就活不下去？",
    "他竟然是我爸！", "一巴掌扇过去", "林晚", "霸道总裁", "\t", "　", "\x00", "\ufeff", "\r",
]
EN_PIECES = [
    "INT. HOUSE - DAY", "EXT. ROAD - NIGHT", ".HEADING", "BOB", "BOB ^", "@bob", "BOB (V.O.)", "(beat)", "Hi.",
    "# Episode 0", "# Episode 1", "# Episode 99999999999999999999", "# Act", "## Sequence", "= synopsis", "===",
    "[[a note]]", "[[unclosed note", "/* boneyard */", "/* unclosed boneyard", "*/", "Title: T", "Author: A",
    "Credit:", "> CENTERED <", "CUT TO:", "> THE END", "~lyric", "!ACTION", "", "", "", "A", "?", "...", "—",
    "What if he knew?", "Suddenly, she reveals the truth!", "But then —",
]
PIECES = ZH_PIECES + EN_PIECES + list(_XSS)

_FREE = st.one_of(st.none(), st.integers(-3, 3), st.integers(4, 200), st.just(10**12))
_FORMAT = st.sampled_from([None, "vertical", "horizontal"])
_TEXT = st.text(st.characters(exclude_categories=("Cs",)))


def _long_lines():
    return st.builds(lambda c, n: c * n, st.sampled_from(["好", "a ", "？", "<", "!", "△", " "]), st.integers(1000, 20000))


def _convention_text():
    piece = st.sampled_from(PIECES) | st.text(max_size=6)
    return st.lists(piece, max_size=40).map("\n".join)


# -- checks ------------------------------------------------------------------------------------

def _check_bounds(d: dict) -> None:
    """Every documented bound of Analysis.to_dict()."""

    def walk(x, key=""):
        if isinstance(x, dict):
            for k, v in x.items():
                walk(v, k)
        elif isinstance(x, list):
            for v in x:
                walk(v, key)
        elif isinstance(x, float) or (isinstance(x, int) and not isinstance(x, bool)):
            assert math.isfinite(x), (key, x)
            if key in ("ending_strength", "recommended_strength", "chosen_strength"):
                assert 0 <= x <= 1, (key, x)
            if key in ("valence", "smoothed_valence", "mean_valence", "agency", "mean_primary_agency"):
                assert -1 <= x <= 1, (key, x)
            if key in ("tension", "smoothed_tension", "mean_tension", "drive_index"):
                assert 0 <= x <= 1, (key, x)
            if key.endswith(("seconds", "minutes")):
                assert x >= 0, (key, x)
            if key.endswith("_share") or key.startswith("scenes_") and key.endswith("_by_character"):
                assert 0 <= x <= 1 + 1e-9, (key, x)

    walk(d)
    chars = d.get("characters") or {}
    rows = chars.get("characters") or []
    assert sum(r.get("line_share", 0) for r in rows) <= 1 + 1e-9
    for e in d["hooks"]["episodes"]:
        assert 0 <= e["ending_strength"] <= 1
    for e in d["runtime"]["episodes"]:
        assert e["seconds"] >= 0
    assert d["runtime"]["total_seconds"] >= 0


_TAG = re.compile(r"<(?:/|!)?([A-Za-z][A-Za-z0-9-]*)")
# Every tag the renderer can write appears literally in its source: anything else came from input.
_RENDERER_TAGS = frozenset(m.lower() for m in _TAG.findall(Path(html_module.__file__).read_text(encoding="utf-8"))) - {"script"}


def _check_html(page: str) -> None:
    assert page.startswith("<!DOCTYPE html>")
    assert not _LEAK.search(page), _LEAK.search(page).group(0)
    stray = {t.lower() for t in _TAG.findall(page)} - _RENDERER_TAGS
    assert not stray, stray


def _parse(text: str, parser: str | None) -> Script | None:
    """parse_text, allowing only the one documented error: text that sniffs as Final Draft XML
    (starts ``<?xml``/``<FinalDraft``) but is malformed gets a clear ParseError."""
    try:
        return parse_text(text, format=parser)
    except ParseError as exc:
        assert parser is None and sniff_text_format(text) == "fdx", exc
        assert exc.hint
        return None


def _chain(script: Script | None, *, format=None, free_episodes=None) -> None:
    """analyze → to_dict → strict JSON → tables → CSV → HTML; only ConfigError for a bad free_episodes."""
    if script is None:
        return
    try:
        analysis = analyze(script, format=format, free_episodes=free_episodes)
    except ConfigError:
        # Only a paywall choice outside the script is an invalid parameter here.
        assert free_episodes is not None
        analysis = analyze(script, format=format)
    d = analysis.to_dict()
    json.dumps(d, ensure_ascii=False, allow_nan=False)
    _check_bounds(d)
    for rows in analysis.tables().values():
        for row in rows:
            for value in row.values():
                assert value is None or isinstance(value, (str, int, float, bool)), value
        rows_to_csv(rows)
    _check_html(render_html(analysis))


# -- 1. text → the whole chain -------------------------------------------------------------------

@settings(max_examples=300, deadline=None)
@given(_TEXT | _long_lines(), st.sampled_from([None, "fountain", "chinese"]), _FORMAT, _FREE)
@example("", None, None, None)
@example("\x00\x01\x02\x7f", "chinese", "vertical", 1)
@example("<FinalDraft", None, None, None)  # sniffed as FDX, malformed: ParseError, not a traceback
def test_any_text_through_the_chain(text, parser, format, free_episodes):
    _chain(_parse(text, parser), format=format, free_episodes=free_episodes)


@settings(max_examples=400, deadline=None)
@given(_convention_text(), st.sampled_from([None, "fountain", "chinese"]), _FORMAT, _FREE)
@example("第0集", "chinese", None, 1)
@example("第999999999999999999999集\n林晚：你好", "chinese", None, None)
@example("# Episode 0\n\nBOB\n", "fountain", "horizontal", None)
@example("Title: T\nAuthor: A", "fountain", None, None)
@example("【闪回】\n林晚：<script>alert(1)</script>", "chinese", None, None)
@example("第1集\n第1集\n第1集", "chinese", "vertical", 1)
@example("A", None, None, None)
def test_convention_text_through_the_chain(text, parser, format, free_episodes):
    _chain(_parse(text, parser), format=format, free_episodes=free_episodes)


@settings(max_examples=80, deadline=None)
@given(_convention_text(), st.sampled_from(["utf-8", "utf-16", "gb18030"]))
def test_bytes_through_the_chain(text, encoding):
    data = text.encode(encoding, errors="replace")
    try:
        script = parse_bytes(data)
    except DramalensError:
        return  # unreadable input (empty, binary) gets one clear error: allowed
    _chain(script)


def test_input_markup_is_escaped():
    script = parse_text("第1集\n1-1 日 内 <zq>\n人物：<script>\n△<img src=x onerror=1>\n<zq>：你好<zq>")
    page = render_html(analyze(script))
    _check_html(page)
    assert "&lt;script&gt;" in page  # the cast name is shown, escaped


def test_invalid_parameters_are_config_errors():
    script = parse_text("第1集\n林晚：你好\n第2集\n林晚：再见")
    for bad in (0, -1, 2, 10**12, True, 1.5):
        with pytest.raises(ConfigError):
            analyze(script, free_episodes=bad)
    with pytest.raises(ConfigError):
        analyze(script, format="square")
    with pytest.raises(ConfigError):
        render_html(object())


_NUMBER = st.one_of(
    st.floats(allow_nan=True, allow_infinity=True),
    st.integers(-10, 10**6),
    st.just(10**400),
    st.sampled_from([0, 0.001, 1e-305, 1e308, 3600, 3600.5]),
)
_PARAM_TEXT = "第1集\n1-1 日 内 客厅\n林晚：你好？\n△他竟然回来了！\n第2集\n林晚：再见……" + "好" * 500


@functools.lru_cache(maxsize=1)
def _param_script() -> Script:
    return parse_text(_PARAM_TEXT)  # parsed once: analyze reads a Script, never changes it


@settings(max_examples=80, deadline=None)
@given(st.sampled_from(sorted(RuntimeParams.__dataclass_fields__)), _NUMBER, st.none() | _NUMBER)
@example("pause_per_line", float("inf"), None)  # was: Infinity in the JSON
@example("pause_per_line", 1e308, None)  # was: OverflowError in math.fsum
@example("zh_chars_per_min", 1e-305, None)  # was: inf seconds on a long line
@example("zh_chars_per_min", 240, float("inf"))  # was: Infinity in the JSON
@example("zh_chars_per_min", 240, 10**400)  # was: OverflowError converting to float
def test_numeric_parameters_are_validated_or_work(field, value, budget):
    script = _param_script()
    try:
        params = RuntimeParams(**{field: value})
        analysis = analyze(script, params=params, budget_yuan=budget)
    except ConfigError as exc:
        assert field in str(exc) or "budget" in str(exc)
        return
    d = analysis.to_dict()
    json.dumps(d, ensure_ascii=False, allow_nan=False)
    _check_bounds(d)
    _check_html(render_html(analysis))


# -- 2. degenerate scripts built with the model ------------------------------------------------

_NAMES = st.sampled_from(["", " ", "   ", "林晚", "BOB", "<zq>", "林晚（冷笑）", "\x00", "a" * 300])
_ELEMENT = st.builds(
    Element,
    st.sampled_from(list(T)),
    st.sampled_from(["", " ", "你好？", "But then —", "<script>alert(1)</script>", "!"]) | st.text(max_size=20),
    st.integers(-5, 10**6),
    st.none() | _NAMES,
)
_SCENE = st.builds(
    lambda elements, heading, number, cast: Scene(elements=elements, heading=heading, number=number, cast=cast),
    st.lists(_ELEMENT, max_size=8),
    st.none() | st.sampled_from(["", "INT. <zq> - DAY", "1-1 日 内 客厅"]),
    st.none() | st.sampled_from(["", "1-1", "0", "<zq>"]),
    st.lists(_NAMES, max_size=3).map(tuple),
)
_EPISODE = st.builds(
    lambda n, scenes, title: Episode(n, title, scenes),
    st.sampled_from([-5, 0, 1, 1, 2, 3, 10**9, 10**30, -(10**30)]),
    st.lists(_SCENE, max_size=3),
    st.sampled_from(["", "<zq>", "标题"]),
)


@settings(max_examples=300, deadline=None)
@given(st.lists(_EPISODE, max_size=5), st.sampled_from(["zh", "en"]), _FORMAT, _FREE)
@example([], "zh", None, None)
@example([Episode(1)], "en", None, 1)
@example([Episode(0, scenes=[Scene()]), Episode(0, scenes=[Scene()])], "zh", "vertical", None)
@example([Episode(-1, scenes=[Scene(elements=[Element(T.DIALOGUE, "", 1, character="")])])], "zh", None, None)
def test_degenerate_model_scripts(episodes, language, format, free_episodes):
    script = Script(title="<zq>", language=language, source_format="text", episodes=episodes)
    _chain(script, format=format, free_episodes=free_episodes)


@pytest.mark.parametrize("speakers", [3, 6, 7, 11])
def test_line_shares_sum_to_at_most_one(speakers):
    # Found by test_degenerate_model_scripts: shares rounded to nearest summed to 1.000001.
    scene = Scene(elements=[Element(T.DIALOGUE, "", 0, character=f"c{i}") for i in range(speakers)])
    script = Script(language="zh", episodes=[Episode(1, scenes=[scene])])
    rows = analyze(script).to_dict()["characters"]["characters"]
    assert len(rows) == speakers
    assert sum(r["line_share"] for r in rows) <= 1 + 1e-9
    assert all(r["line_share"] == pytest.approx(1 / speakers, abs=1e-6) for r in rows)


def test_a_thousand_characters():
    # 50 speakers a scene: all 1,000 in one scene also works but makes 499,500 edges (~10 s here).
    b = ScriptBuilder(source_format="chinese")
    b.start_episode(1, line=1)
    for i in range(1000):
        if i % 50 == 0:
            b.start_scene(heading=f"1-{i // 50 + 1} 日 内 客厅", line=i + 2)
        b.add_new(T.DIALOGUE, "你好？" if i % 2 else "走！", i + 3, character=f"角色{i}")
    b.add_new(T.ACTION, "他竟然回来了！", 1004)
    script = b.build(language="zh", title="千人")
    assert len(script.characters) == 1000
    _chain(script)


@pytest.mark.parametrize("language,line", [("zh", "好" * 100_000), ("en", "word " * 20_000)])
def test_one_hundred_thousand_character_line(language, line):
    b = ScriptBuilder(source_format="text")
    b.start_episode(1, line=1)
    b.add_new(T.DIALOGUE, line, 2, character="A")
    b.add_new(T.ACTION, line, 3)
    _chain(b.build(language=language, title="long"))


# -- 3. the CLI on the same inputs -------------------------------------------------------------

def _no_constant(name: str):
    raise AssertionError(f"{name} in the JSON output: not valid JSON")


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    _convention_text() | _TEXT,
    st.sampled_from([".txt", ".fountain"]),
    st.sampled_from([[], ["--free-episodes", "1"], ["--budget", "inf"], ["--format", "horizontal"]]),
    st.booleans(),
)
@example("", ".txt", [], True)
@example("第1集\n林晚：<zq>", ".txt", ["--free-episodes", "1"], True)
@example("<FinalDraft", ".txt", [], True)
@example("第1集\n林晚：你好", ".txt", ["--budget", "inf"], True)  # was: Infinity in the JSON output
def test_cli_analyze(capsys, text, suffix, extra, as_json):
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / f"script{suffix}"
        path.write_text(text, encoding="utf-8")
        capsys.readouterr()
        rc = main(["analyze", str(path), *(["--json"] if as_json else []), *extra])
        out, err = capsys.readouterr()
    assert rc in (0, 2), (rc, err)
    assert "Traceback" not in err
    if rc == 0 and as_json:
        json.loads(out, parse_constant=_no_constant)
    elif rc == 0:
        assert "format:" in out or "类型：" in out  # the summary speaks the script's language
    else:
        assert err.startswith("dramalens: error:") and err.count("\n") == 1
