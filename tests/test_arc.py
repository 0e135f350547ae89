"""Emotional arc: lexicon scoring with negation and intensifiers, smoothing, shape names, bounds.

Expected values are worked out by hand from data/sentiment_zh.txt (开心 0.7/0.0, 救命
-0.4/0.9, 非常 ×1.5) and the formulas in dramalens.analysis.arc:
valence = Σv / (hits + 2); tension = d / (d + 1) with d = (Σt + 0.25·! + 0.1·?) / max(1, units/50).
"""

from __future__ import annotations

import subprocess
import sys

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dramalens.analysis.arc import emotional_arc, name_shape, scene_scores, smooth
from dramalens.model import Element, ElementType as T, Scene, Script
from dramalens.parsing.builder import ScriptBuilder
from dramalens.serial import to_jsonable


def _scene(*lines: str) -> Scene:
    return Scene(elements=[Element(T.DIALOGUE, text, i + 1, "A") for i, text in enumerate(lines)])


def test_chinese_lexicon_negation_and_intensifier():
    v, t, hits, units = scene_scores(_scene("我开心。"), "zh")
    assert (v, t, hits, units) == (pytest.approx(0.7 / 3), 0.0, 1, 3)
    v, _, _, _ = scene_scores(_scene("我不开心。"), "zh")
    assert v == pytest.approx(-0.6 * 0.7 / 3)  # negation flips and damps
    v, _, _, _ = scene_scores(_scene("我非常开心。"), "zh")
    assert v == pytest.approx(0.7 * 1.5 / 3)
    v, _, _, _ = scene_scores(_scene("我没有不开心。"), "zh")
    assert v == pytest.approx(0.7 / 3)  # two negators cancel
    v, t, _, _ = scene_scores(_scene("救命！"), "zh")
    # Σt = 0.9 + one "!" 0.25 = 1.15 over 2 units (< 50, so no length discount).
    assert v == pytest.approx(-0.4 / 3) and t == pytest.approx(1.15 / 2.15)


def test_english_vader_and_tension_words():
    from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

    v, t, _, units = scene_scores(_scene("Run! He has a gun."), "en")
    expected = SentimentIntensityAnalyzer().polarity_scores("Run! He has a gun.")["compound"]
    assert v == pytest.approx(expected)
    # run 0.9 + gun 0.9 + "!" 0.25 = 2.05 over 5 words.
    assert units == 5 and t == pytest.approx(2.05 / 3.05)
    happy, calm, _, _ = scene_scores(_scene("I love you. What a wonderful day."), "en")
    assert happy > 0.5 and calm == 0.0


def test_smooth_and_window():
    assert smooth([0.0, 3.0, 0.0, 3.0], 3) == [1.5, 1.0, 2.0, 1.5]
    assert smooth([1.0, 2.0], 1) == [1.0, 2.0]
    with pytest.raises(ValueError):
        smooth([1.0], 2)


@pytest.mark.parametrize(
    "values, shape",
    [
        ([0, 0.01, -0.01, 0.02], "flat"),
        ([0, 0.2, 0.4, 0.6], "rise"),
        ([0.5, 0.3, 0.0], "fall"),
        ([0, 0.5, 0.0], "rise-fall"),
        ([0, -0.5, 0.1], "fall-rise"),
        ([0, 0.5, 0.0, 0.6], "rise-fall-rise"),
        ([0, -0.5, 0.0, -0.6], "fall-rise-fall"),
        ([0, 0.5, 0, 0.5, 0, 0.5], "oscillating"),
        ([0.0, 0.04, 0.08, 0.12, 0.16], "rise"),  # small steps add up to a move
    ],
)
def test_shape_names(values, shape):
    assert name_shape(values) == shape


def _series(moods: list[str]) -> Script:
    b = ScriptBuilder(source_format="chinese")
    for ep, text in enumerate(moods, start=1):
        b.start_episode(ep, line=ep * 10)
        b.start_scene(heading=f"{ep}-1 日 内 客厅", number=f"{ep}-1", line=ep * 10 + 1)
        b.add_new(T.DIALOGUE, text, ep * 10 + 2, character="林晚")
    return b.build(language="zh")


def test_emotional_arc_per_scene_and_episode():
    arc = emotional_arc(_series(["我开心。", "我恨你，你给我滚！", "我们终于团圆了，我好开心。"]))
    assert arc.window == 1  # fewer than 10 scenes: no smoothing
    v = [p.valence for p in arc.scenes]
    assert v[0] > 0 > v[1] and v[2] > 0
    assert arc.scenes[1].tension > arc.scenes[0].tension
    assert arc.shape == "fall-rise"
    assert [e.episode for e in arc.episodes] == [1, 2, 3]
    assert [e.valence for e in arc.episodes] == v  # one scene an episode: the same values
    d = to_jsonable(arc)
    assert d["shape"] == "fall-rise" and len(d["scenes"]) == 3


def test_long_arc_is_smoothed():
    moods = ["我开心。"] * 12 + ["我恨你！"] * 12
    arc = emotional_arc(_series(moods))
    assert arc.window == 5  # 24 scenes → 2·(24 // 10) + 1
    assert arc.shape == "fall"
    assert arc.scenes[11].smoothed_valence < arc.scenes[11].valence  # pulled down by what follows


def test_empty_script_is_flat():
    arc = emotional_arc(Script(language="zh"))
    assert arc.scenes == () and arc.shape == "flat" and arc.mean_valence == 0.0


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(texts=st.lists(st.text(max_size=60), min_size=1, max_size=12), language=st.sampled_from(["zh", "en"]))
def test_values_stay_in_bounds(texts, language):
    moods = [t if t.strip() else "。" for t in texts]
    s = _series(moods)
    s.language = language
    arc = emotional_arc(s)
    for p in arc.scenes:
        assert -1.0 <= p.valence <= 1.0 and -1.0 <= p.smoothed_valence <= 1.0
        assert 0.0 <= p.tension < 1.0 and 0.0 <= p.smoothed_tension < 1.0
    for e in arc.episodes:
        assert -1.0 <= e.valence <= 1.0 and 0.0 <= e.tension < 1.0


def test_jieba_is_lazy_and_quiet():
    code = (
        "import sys\n"
        "import dramalens.analysis.arc as arc\n"
        "assert 'jieba' not in sys.modules, 'jieba imported at module import'\n"
        "from dramalens.model import Scene, Element, ElementType\n"
        "arc.scene_scores(Scene(elements=[Element(ElementType.DIALOGUE, '我好开心', 1, 'A')]), 'zh')\n"
        "assert 'jieba' in sys.modules\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stderr == "" and done.stdout == ""
