"""Agency: acted-upon evidence counted as broadly as acting, shrinkage, and the drive summary.

Every expected number is worked out by hand in the comments: agency = (a − p) / (a + p + 4).
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

import dramalens
from dramalens.analysis.agency import AGENCY_SHRINKAGE, AgencyCollector, agency_score
from dramalens.analysis.characters import DRIVE_THRESHOLDS, analyze_characters, drive_summary
from dramalens.model import ElementType as T
from dramalens.parsing.builder import ScriptBuilder
from dramalens.serial import to_jsonable

SAMPLES = Path(dramalens.__file__).parent / "samples"


def _roles(text: str, language: str, names: tuple[str, ...]):
    pattern = re.compile("|".join(sorted(names, key=len, reverse=True)))
    return AgencyCollector(language).action_roles(text, pattern, {n: n for n in names})


# --- acted upon: each construction on its own ------------------------------------------------
@pytest.mark.parametrize(
    "text",
    [
        "林晚被保安拦住。",  # 被
        "林晚又被人推倒在地。",  # adverb + 被人
        "林晚被迫签下协议。",  # 被迫
        "林晚受到威胁。",  # 受到
        "林晚挨了一巴掌。",  # 挨了
        "林晚当众遭到羞辱。",  # adverb + 遭到
        "林晚遇袭。",  # 遇袭 (遇 only in its harm compounds)
        "保安把林晚拖走。",  # X把NAME
        "保安将林晚赶出公司。",  # X将NAME
        "王母给林晚一巴掌。",  # X给NAME一巴掌
        "王母给了林晚一记耳光。",  # 给了 + 一记
        "保安拖着林晚往外走。",  # 拖 + 着
        "保安推林晚出门。",  # 推
        "王母骂林晚没教养。",  # 骂
        "保安赶林晚出门。",  # 赶
        "保安关林晚在门外。",  # 关
        "人贩子抱走林晚。",  # 抱走
        "绑匪绑林晚到仓库。",  # 绑
        "绑匪打林晚。",  # 打
        "绑匪拉林晚上车。",  # 拉
        "周岩给林晚戴上手铐。",  # 给NAME戴上 (a restraint)
    ],
)
def test_zh_acted_upon_forms(text):
    roles = [r for r in _roles(text, "zh", ("林晚",)) if r[0] == "林晚"]
    assert roles == [("林晚", "acted_on", -1)], text


def test_zh_dropped_subject_of_a_passive_clause():
    # 沈听 pounces (acts), then "，被陆川…按住": the dropped subject of the 被-clause is 沈听.
    roles = _roles("沈听扑过去，被陆川一把按住。", "zh", ("沈听", "陆川"))
    assert sorted(roles) == [("沈听", "acted_on", -1), ("沈听", "acts", 1), ("陆川", "acts", 1)]
    # A new sentence starts a new subject: the 被 there belongs to nobody we know.
    roles = _roles("沈听扑过去。门被撞开，灯灭了。", "zh", ("沈听",))
    assert roles == [("沈听", "acts", 1)]


@pytest.mark.parametrize(
    "text, expected",
    [
        ("陆川把手机递给林晚。", []),  # a hand-over, not a blow: 林晚 is not acted upon
        ("林晚接受了道歉。", []),  # 接受: 受 inside a word of will
        ("林晚挨着母亲坐下。", []),  # 挨着 = next to
        ("林晚遇见了旧友。", []),  # 遇见 = meets
        ("林晚推开门。", [("林晚", "acts", 1)]),
    ],
)
def test_zh_near_misses(text, expected):
    assert [r for r in _roles(text, "zh", ("林晚", "陆川")) if r[0] == "林晚"] == expected


@pytest.mark.parametrize(
    "text",
    [
        "Maya is dragged out.",
        "Maya was fired this morning.",
        "Maya gets slapped.",
        "Maya is told to wait.",
        "Maya is roughly pushed aside.",  # adverb before the participle
        "The guard slaps Maya.",
        "The guard drags Maya out.",
        "Her boss orders Maya to leave.",
        "The CEO fires Maya.",
    ],
)
def test_en_acted_upon_forms(text):
    assert _roles(text, "en", ("Maya",)) == [("Maya", "acted_on", -1)], text


def test_en_state_adjectives_are_not_passive():
    assert _roles("Maya is tired.", "en", ("Maya",)) == []
    assert _roles("Maya is determined.", "en", ("Maya",)) == []
    assert _roles("Maya bursts in.", "en", ("Maya",)) == [("Maya", "acts", 1)]


# --- the score -------------------------------------------------------------------------------
def test_shrinkage_keeps_small_counts_away_from_the_ends():
    assert AGENCY_SHRINKAGE == 4.0
    assert agency_score(1, 0) == pytest.approx(0.2)  # one decision line: 1/5, not +1.00
    assert agency_score(0, 1) == pytest.approx(-0.2)
    assert agency_score(0, 0) == 0.0
    assert agency_score(36, 0) == pytest.approx(0.9)  # a lot of evidence keeps its balance
    with pytest.raises(ValueError):
        agency_score(-1, 0)


@given(a=st.integers(0, 500), p=st.integers(0, 500))
def test_score_is_bounded_antisymmetric_and_monotone(a, p):
    s = agency_score(a, p)
    assert -1 < s < 1
    assert agency_score(p, a) == pytest.approx(-s)
    assert agency_score(a + 1, p) > s and agency_score(a, p + 1) < s


def test_one_decision_line_is_not_plus_one():
    b = ScriptBuilder(source_format="chinese")
    b.start_scene(heading="1-1 日 内 客厅", number="1-1", line=1)
    b.add_new(T.ACTION, "△雨下个不停。", 2)  # the scene opens on an event
    b.add_new(T.DIALOGUE, "我决定不嫁了。", 3, character="林晚")
    lin = analyze_characters(b.build(language="zh")).get("林晚")
    assert (lin.active, lin.passive, lin.agency) == (1, 0, 0.2)


def test_heroine_only_acted_upon_scores_negative():
    b = ScriptBuilder(source_format="chinese")
    b.start_episode(1, line=1)
    b.start_scene(heading="1-1 日 内 顾家客厅", number="1-1", line=2)
    b.add_new(T.ACTION, "△顾母端坐沙发。", 3)  # opens on 顾母 sitting: not a willing act → no opener
    b.add_new(T.ACTION, "△顾母给林晚一巴掌。", 4)  # 林晚 −1 (给NAME一巴掌)
    b.add_new(T.ACTION, "△保安把林晚拖出门外。", 5)  # 林晚 −1 (把NAME)
    b.add_new(T.DIALOGUE, "我又被赶出来了。", 6, character="林晚")  # 林晚 −1 (suffers: 我又被)
    b.start_scene(heading="1-2 夜 外 街道", number="1-2", line=7)
    b.add_new(T.ACTION, "△林晚被人推倒在雨里。", 8)  # 林晚 −1 (被人); also the opening, but not a willing act
    b.add_new(T.ACTION, "△顾承泽骂林晚不要脸。", 9)  # 林晚 −1 (骂NAME); 顾承泽 +1 (骂 is his act)
    r = analyze_characters(b.build(language="zh"))
    lin = r.get("林晚")
    # 0 active, 5 passive → (0 − 5) / (5 + 4) = −5/9.
    assert (lin.active, lin.passive) == (0, 5)
    assert lin.agency == pytest.approx(-5 / 9, abs=1e-6)
    assert dict(lin.agency_kinds) == {"acted_on": 4, "suffers": 1}
    assert all(p.opened_by != "林晚" for p in r.presence)


# --- the script-level label -----------------------------------------------------------------
@pytest.mark.parametrize(
    "driven, agency, expected",
    [
        # index = ½·driven + ¼·(agency + 1)
        (0.8, 0.4, "character-driven"),  # 0.40 + 0.35 = 0.75 ≥ 0.6, agency > 0
        (1.0, -0.6, "mixed"),  # 0.50 + 0.10 = 0.60, but agency ≤ 0: never character-driven
        (0.1, 0.1, "plot-driven"),  # 0.05 + 0.275 = 0.325 < 0.4, agency < 0.25
        (0.0, 1.0, "mixed"),  # 0.00 + 0.50 = 0.50: a +1 agency never reads plot-driven
        (0.2, 0.6, "mixed"),  # 0.10 + 0.40 = 0.50 (the old rule said plot-driven here)
        (0.5, 0.0, "mixed"),  # 0.25 + 0.25 = 0.50
    ],
)
def test_drive_summary_rule(driven, agency, expected):
    index, drive, label = drive_summary(driven, agency)
    assert index == pytest.approx(0.5 * driven + 0.25 * (agency + 1))
    assert drive == expected
    assert label.startswith(drive) and f"{driven:.0%}" in label and f"{agency:+.2f}" in label
    assert DRIVE_THRESHOLDS == (0.6, 0.4)


@given(driven=st.floats(0, 1), agency=st.floats(-1, 1))
def test_drive_label_never_contradicts_its_agency(driven, agency):
    _, drive, _ = drive_summary(driven, agency)
    if agency >= 0.25:
        assert drive != "plot-driven"
    if agency <= 0:
        assert drive != "character-driven"


# --- the shipped samples: plausible, not saturated ----------------------------------------------
@pytest.mark.parametrize("path", ["zh/voice_witness.txt", "en/the_night_shift_heir.fountain"])
def test_samples_are_not_saturated(path):
    r = analyze_characters(dramalens.parse(SAMPLES / path))
    primaries = [c for c in r.characters if c.tier == "primary"]
    assert len(primaries) >= 2
    assert all(-0.9 < c.agency < 0.9 for c in r.characters)
    assert len({c.agency for c in primaries}) > 1  # the leads are told apart
    lead = primaries[0]
    assert lead.agency > 0 and lead.active > lead.passive  # both samples' heroines drive their story
    summary = to_jsonable(r)["summary"]
    assert summary["drive"] in ("character-driven", "mixed", "plot-driven")
    assert f"{summary['mean_primary_agency']:+.2f}" in summary["drive_label"]
    assert f"{summary['scenes_driven_by_character']:.0%}" in summary["drive_label"]
    assert summary["scenes_driven_by_character"] >= summary["scenes_opened_by_character"]


def test_zh_sample_counts_the_heroine_pinned_down():
    # Line 128: 沈听扑过去，被陆川一把按在调音台上 — she acts and is acted upon; 陆川 acts.
    r = analyze_characters(dramalens.parse(SAMPLES / "zh/voice_witness.txt"))
    shen = {(e.kind, e.line) for e in r.get("沈听").evidence}
    assert {("acts", 128), ("acted_on", 128)} <= shen
    # Line 157: 周岩给陆川戴上手铐 — 陆川 is handcuffed.
    assert ("acted_on", 157) in {(e.kind, e.line) for e in r.get("陆川").evidence}
