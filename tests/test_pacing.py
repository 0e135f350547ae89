"""Pacing and the production breakdown."""

from __future__ import annotations

import csv
import io

import pytest

from dramalens import parse
from dramalens.analysis.pacing import analyze_pacing
from dramalens.analysis.runtime import RuntimeParams, estimate_runtime
from dramalens.model import ElementType
from dramalens.parsing.builder import ScriptBuilder
from dramalens.report.tables import rows_to_csv
from dramalens.serial import jsonable_dict, to_jsonable

E = ElementType
# Round numbers: 60 Han characters of dialogue or action = 15 s / 20 s; no pauses, no scene change time.
P = RuntimeParams(zh_chars_per_min=240, zh_action_chars_per_min=180, pause_per_line=0, pause_per_punct=0, scene_change_seconds=0)


def script():
    b = ScriptBuilder(source_format="chinese")
    b.start_episode(1, line=1)
    b.start_scene(heading="1-1 日 内 客厅", line=2, number="1-1", int_ext="INT", time="DAY", location="客厅", cast=("林晚", "顾沉"))
    b.add_new(E.ACTION, "走" * 60, 3)  # 20 s
    b.add_new(E.DIALOGUE, "好" * 60, 4, character="林晚")  # 15 s
    b.start_scene(heading="1-2 夜 外 街道", line=5, number="1-2", int_ext="EXT", time="NIGHT", location="街道")
    b.add_new(E.DIALOGUE, "好" * 120, 6, character="顾沉")  # 30 s
    b.add_new(E.DIALOGUE, "好" * 60, 7, character="苏念")  # 15 s
    b.start_episode(2, line=8)
    b.start_scene(heading="2-1 日 内 客厅", line=9, number="2-1", int_ext="INT", time="DAY", location="客厅")
    b.add_new(E.ACTION, "走" * 180, 10)  # 60 s
    return b.build(language="zh")


def test_per_episode_pacing():
    r = analyze_pacing(script(), P)
    e1, e2 = r.episodes
    assert (e1.scenes, e2.scenes) == (2, 1)
    assert e1.seconds == pytest.approx(80) and e1.seconds_per_scene == pytest.approx(40)
    # Episode 1: 60 s of dialogue, 20 s of action.
    assert e1.dialogue_share == pytest.approx(0.75)
    assert e2.dialogue_share == 0.0
    assert (e1.locations, e1.speakers, e2.speakers) == (2, 3, 0)
    assert r.scenes_per_episode == pytest.approx(1.5)
    assert r.seconds_per_scene == pytest.approx(140 / 3)
    assert r.dialogue_share == pytest.approx(60 / 140)


def test_location_and_heading_counts():
    r = analyze_pacing(script(), P)
    assert dict(r.locations) == {"客厅": 2, "街道": 1}
    assert r.locations[0] == ("客厅", 2)  # most used first
    assert dict(r.int_ext) == {"INT": 2, "EXT": 1}
    assert dict(r.times) == {"DAY": 2, "NIGHT": 1}


def test_breakdown_rows_point_back_and_list_cast():
    rows = analyze_pacing(script(), P).breakdown
    assert [(r.episode, r.scene, r.line) for r in rows] == [(1, "1-1", 2), (1, "1-2", 5), (2, "2-1", 9)]
    assert rows[0].cast == ("林晚", "顾沉")  # the 人物： line wins
    assert rows[1].cast == ("顾沉", "苏念")  # else the speakers, in order of first line
    assert rows[2].cast == ()
    assert [r.seconds for r in rows] == pytest.approx([35, 45, 60])
    d = to_jsonable(rows[0])
    assert d["cast"] == "林晚、顾沉" and d["est_seconds"] == 35.0 and d["int_ext"] == "INT"


def test_breakdown_exports_as_csv():
    rows = [jsonable_dict(r) for r in analyze_pacing(script(), P).breakdown]
    parsed = list(csv.DictReader(io.StringIO(rows_to_csv(rows))))
    assert [p["location"] for p in parsed] == ["客厅", "街道", "客厅"]
    assert list(parsed[0]) == ["episode", "scene", "heading", "location", "int_ext", "time", "cast", "est_seconds", "line"]


def test_reuses_a_given_runtime():
    s = script()
    rt = estimate_runtime(s, P)
    assert analyze_pacing(s, runtime=rt) == analyze_pacing(s, P)


def test_from_chinese_text():
    text = "第1集\n1-1 日 内 客厅\n人物：林晚、顾沉\n△林晚推门而入。\n林晚：你是谁？\n1-2 夜 外 街道\n顾沉：走。\n"
    r = analyze_pacing(parse(text))
    assert [(b.scene, b.int_ext, b.time, b.location) for b in r.breakdown] == [
        ("1-1", "INT", "DAY", "客厅"),
        ("1-2", "EXT", "NIGHT", "街道"),
    ]
    assert r.breakdown[0].line == 2 and r.breakdown[1].cast == ("顾沉",)


def test_from_fountain_text():
    text = "INT. HOUSE - DAY\n\nAnna sits.\n\nANNA\nHello.\n\nEXT. STREET - NIGHT\n\nBOB\nRun!\n"
    r = analyze_pacing(parse(text))
    assert [(b.location, b.int_ext, b.time) for b in r.breakdown] == [("HOUSE", "INT", "DAY"), ("STREET", "EXT", "NIGHT")]
    assert to_jsonable(r.breakdown[0])["cast"] == "ANNA"
