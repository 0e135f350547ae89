"""The Analysis aggregate: all parts present, JSON-ready, tables of scalar rows, invariants."""

from __future__ import annotations

import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dramalens import analyze as top_level_analyze
from dramalens import parse
from dramalens.analysis import Analysis, analyze
from dramalens.analysis.runtime import RuntimeParams
from dramalens.analysis.skeleton import extract_skeleton
from dramalens.analysis.tropes import TRACKS, script_tropes
from dramalens.errors import ConfigError
from dramalens.model import ElementType
from dramalens.parsing.builder import ScriptBuilder
from support import ZH_TWO_EPISODES

E = ElementType

ZH = ZH_TWO_EPISODES


def series(n_episodes=12, names=("林晚", "顾沉", "陈默")):
    b = ScriptBuilder(source_format="chinese")
    line = 1
    for n in range(1, n_episodes + 1):
        b.start_episode(n, line=line)
        b.start_scene(heading=f"{n}-1 日 内 客厅", line=line + 1, number=f"{n}-1", int_ext="INT", time="DAY", location="客厅")
        b.add_new(E.HEADING, f"{n}-1 日 内 客厅", line + 1)
        b.add_new(E.ACTION, f"{names[0]}推门而入，看着{names[1]}。" + "走" * 100, line + 2)
        b.add_new(E.DIALOGUE, "你到底想干什么？" + "好" * 200, line + 3, character=names[0])
        b.add_new(E.DIALOGUE, "我会让你后悔的。" + "好" * 150, line + 4, character=names[1])
        b.add_new(E.DIALOGUE, "好" * 80, line + 5, character=names[2])
        if n % 3 == 0:
            b.add_new(E.DIALOGUE, "原来你竟然是——", line + 6, character=names[0])
            b.add_new(E.CLIFFHANGER_MARK, "卡点", line + 7)
        line += 10
    return b.build(language="zh", title="测试剧")


def test_all_parts_present():
    a = analyze(series())
    assert isinstance(a, Analysis)
    assert (a.title, a.language, a.episode_count) == ("测试剧", "zh", 12)
    assert a.runtime.total_seconds == pytest.approx(sum(e.seconds for e in a.runtime.episodes))
    assert a.format.format == "vertical"
    assert len(a.pacing.episodes) == len(a.hooks.episodes) == 12
    # Episodes 3, 6, 9 end on a 卡点: within 8-11 (12 cannot be a paywall), 9 is the strongest.
    assert a.paywall.recommended == 9
    assert a.characters is not None and a.arc is not None and a.compliance is not None
    assert a.tropes.track and a.skeleton.language == "zh"


def test_tropes_and_skeleton_are_those_of_the_script():
    script = parse(ZH + "第3集\n3-1 夜 内 医院\n林晚：我重生了，这一世我要复仇，让他付出代价！\n")
    a = analyze(script)
    assert a.tropes == script_tropes(script) and a.skeleton == extract_skeleton(script)
    assert {"rebirth", "revenge"} <= {h.trope for h in a.tropes.hits}
    assert a.tropes.track in TRACKS["zh"] and "revenge" in a.skeleton.functions
    rows = a.tables()["tropes"]
    assert [r["trope"] for r in rows] == [h.trope for h in a.tropes.hits] and isinstance(rows[0]["cues"], str)


def test_to_dict_is_json_ready():
    a = analyze(series(), free_episodes=10)
    d = json.loads(json.dumps(a.to_dict(), ensure_ascii=False))
    assert set(d) >= {"runtime", "format", "pacing", "hooks", "paywall", "characters", "arc", "compliance", "warnings"}
    assert d["paywall"]["chosen"] == 10
    assert any("ends weakly" in w for w in d["warnings"])


def test_tables_are_flat_rows():
    a = analyze(series())
    t = a.tables()
    assert {"episodes", "scenes", "hooks", "characters"} <= set(t)
    assert len(t["episodes"]) == 12 and len(t["scenes"]) == 12
    for name, rows in t.items():
        for row in rows:
            assert all(v is None or isinstance(v, (str, int, float, bool)) for v in row.values()), name
    paywall_rows = [r for r in t["episodes"] if r["paywall"]]
    assert [r["episode"] for r in paywall_rows] == [9]
    # Every hook row points back at a source line.
    assert t["hooks"] and all(r["line"] > 0 for r in t["hooks"])
    ending_9 = {r["category"] for r in t["hooks"] if r["episode"] == 9 and r["kind"] == "ending"}
    assert {"cliffhanger_mark", "interruption", "reveal"} <= ending_9


def test_tables_work_with_pandas_if_installed():
    pd = pytest.importorskip("pandas")
    frame = pd.DataFrame(analyze(series()).tables()["episodes"])
    assert list(frame["episode"]) == list(range(1, 13))


def test_options_reach_the_parts():
    a = analyze(series(), format="horizontal", params=RuntimeParams(zh_chars_per_min=120))
    assert a.format.chosen and a.format.format == "horizontal"
    assert a.runtime.params.zh_chars_per_min == 120
    assert any("outside the horizontal band" in w for w in a.warnings)


def test_from_chinese_text_and_top_level_api():
    a = top_level_analyze(parse(ZH))
    assert a.episode_count == 2 and a.source_format == "chinese"
    assert a.hooks.episode(1).ending_strength > a.hooks.episode(2).ending_strength
    assert a.pacing.breakdown[0].cast == ("林晚", "顾沉")


def test_from_fountain_text():
    text = "Title: T\n\nINT. HOUSE - DAY\n\nAnna sits.\n\nANNA\nWho are you?\n\nBOB\nYour real father—\n"
    a = analyze(parse(text))
    assert a.language == "en" and a.runtime.pages is not None
    assert a.hooks.episodes[0].first_hook.line == 8  # "Who are you?"


def test_validation():
    with pytest.raises(ConfigError):
        analyze("第1集")
    with pytest.raises(ConfigError):
        analyze(series(), budget_yuan=-1)
    with pytest.raises(ConfigError):
        analyze(series(), format="square")


def test_empty_script():
    a = analyze(ScriptBuilder(source_format="chinese").build(language="zh"))
    assert a.episode_count == 0 and a.runtime.total_seconds == 0
    assert any("no episodes" in w for w in a.warnings)


def _swap(value, old, new):
    return json.loads(json.dumps(value, ensure_ascii=False).replace(old, new))


@settings(max_examples=15, deadline=None)
@given(st.integers(1, 14), st.sampled_from(["苏念", "白薇"]))  # same length: the name also appears in action text
def test_renaming_changes_no_metric_but_the_name(n, new):
    a = analyze(series(n)).to_dict()
    b = analyze(series(n, names=(new, "顾沉", "陈默"))).to_dict()
    for part in ("runtime", "format", "pacing", "hooks", "paywall", "arc", "compliance"):
        assert _swap(a[part], "林晚", new) == b[part], part
    # Characters: same records, the name swapped (order may follow names on ties).
    key = lambda c: json.dumps(c, sort_keys=True, ensure_ascii=False)  # noqa: E731
    ca = sorted((key(c) for c in _swap(a["characters"]["characters"], "林晚", new)))
    cb = sorted(key(c) for c in b["characters"]["characters"])
    assert ca == cb


def _no_lines(d):
    if isinstance(d, dict):
        return {k: _no_lines(v) for k, v in d.items() if k not in ("line", "first_line")}
    if isinstance(d, list):
        return [_no_lines(v) for v in d]
    return d


@settings(max_examples=15, deadline=None)
@given(st.sets(st.integers(1, ZH.count("\n") - 1), max_size=4))
def test_blank_lines_in_chinese_text_change_nothing_but_line_numbers(positions):
    lines = ZH.split("\n")
    for p in sorted(positions, reverse=True):
        lines.insert(p, "")
    a, b = analyze(parse(ZH)).to_dict(), analyze(parse("\n".join(lines))).to_dict()
    for part in ("runtime", "format", "pacing", "hooks", "paywall"):
        assert _no_lines(a[part]) == _no_lines(b[part]), part


def test_renaming_in_chinese_text():
    a = analyze(parse(ZH)).to_dict()
    b = analyze(parse(ZH.replace("林晚", "苏念"))).to_dict()
    for part in ("runtime", "format", "pacing", "hooks", "paywall"):
        assert _swap(a[part], "林晚", "苏念") == b[part], part


def test_keys_the_script_desk_reads_are_stable():
    # triage/pipeline.py reads hooks.episodes[].ending_strength and characters.summary's
    # mean_primary_agency and drive: those keys and their types must not move.
    d = analyze(series()).to_dict()
    assert all(isinstance(e["ending_strength"], float) for e in d["hooks"]["episodes"])
    summary = d["characters"]["summary"]
    assert -1 < summary["mean_primary_agency"] < 1
    assert summary["drive"] in ("character-driven", "mixed", "plot-driven")
    assert summary["drive_label"].startswith(summary["drive"] + ":")
    assert {"scenes_opened_by_character", "scenes_turned_by_character", "scenes_driven_by_character",
            "drive_index", "agency_shrinkage"} <= set(summary)
    assert isinstance(d["characters"]["warnings"], list)
