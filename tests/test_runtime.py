"""Runtime estimate: hand-worked values, parameter validation and invariants."""

from __future__ import annotations

import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dramalens.analysis.runtime import (
    DEFAULT_PARAMS,
    RuntimeParams,
    element_parts,
    element_seconds,
    estimate_runtime,
    pause_count,
    scene_seconds,
)
from dramalens.errors import ConfigError
from dramalens.model import Element, ElementType, Scene, Script
from dramalens.parsing.builder import ScriptBuilder
from dramalens.serial import to_jsonable

E = ElementType


def build(episodes, language="zh"):
    """episodes: list of scenes; a scene is (heading or None, [(type, text, character), ...])."""
    b = ScriptBuilder(source_format="chinese" if language == "zh" else "fountain")
    line = 1
    for n, scenes in enumerate(episodes, start=1):
        b.start_episode(n, line=line)
        line += 1
        for heading, elements in scenes:
            if heading is not None:
                # As the parsers do: the scene carries its heading and also starts with a heading element.
                b.start_scene(heading=heading, line=line)
                b.add_new(E.HEADING, heading, line)
                line += 1
            for t, text, who in elements:
                b.add_new(t, text, line, character=who)
                line += 1
    return b.build(language=language, title="t")


def test_hand_worked_chinese_scene():
    # 480 Han characters of dialogue at 240 a minute: 120 s; no punctuation, so only the
    # line pause (0.5 s). Action "林晚推门而入。" has 6 Han characters at 200 a minute:
    # 1.8 s (its 。 costs nothing: pauses are for spoken lines). The heading adds the 2 s scene
    # change. Total 120 + 0.5 + 1.8 + 2 = 124.3 s.
    s = build([[("1-1 日 内 客厅", [(E.ACTION, "林晚推门而入。", None), (E.DIALOGUE, "好" * 480, "林晚")])]])
    r = estimate_runtime(s)
    assert r.total_seconds == pytest.approx(124.3)
    scene = r.scenes[0]
    assert scene.dialogue_seconds == pytest.approx(120.0)
    assert scene.action_seconds == pytest.approx(1.8)
    assert scene.pause_seconds == pytest.approx(0.5)
    assert scene.transition_seconds == pytest.approx(2.0)
    assert (scene.dialogue_units, scene.action_units) == (480, 6)
    assert r.pages is None and r.page_minutes is None  # no page convention for Chinese


def test_hand_worked_english_dialogue_and_pauses():
    # 150 words at 150 a minute = 60 s; two sentence ends ("." and "?") at 0.3 s + 0.5 s line pause.
    text = " ".join(["word"] * 74) + ". " + " ".join(["word"] * 76) + "?"
    e = Element(E.DIALOGUE, text, 1, character="BOB")
    assert element_parts(e, "en") == pytest.approx((60.0, 0.0, 1.1))
    assert element_seconds(e, "en") == pytest.approx(61.1)
    # English action at 180 words a minute: 12 words = 4 s.
    a = Element(E.ACTION, "Bob runs down the long dark hall toward the open front door.", 2)
    assert element_seconds(a, "en") == pytest.approx(4.0)


def test_params_change_the_rates():
    e = Element(E.DIALOGUE, "好" * 300, 1, character="A")
    slow = RuntimeParams(zh_chars_per_min=150, pause_per_line=0)
    assert element_seconds(e, "zh", slow) == pytest.approx(120.0)
    assert element_seconds(e, "zh", RuntimeParams(pause_per_line=0)) == pytest.approx(75.0)


@pytest.mark.parametrize(
    "etype", [E.HEADING, E.CHARACTER, E.PARENTHETICAL, E.NOTE, E.TRANSITION, E.SECTION, E.SYNOPSIS, E.CLIFFHANGER_MARK]
)
def test_non_screen_elements_take_no_time(etype):
    assert element_seconds(Element(etype, "CUT TO: 冷笑 一些文字 some words", 1), "zh") == 0.0


def test_spoken_types_and_subtitles():
    for t in (E.VOICE_OVER, E.INNER_VOICE, E.LYRICS):
        assert element_seconds(Element(t, "好" * 240, 1, character="A"), "zh") == pytest.approx(60.5)
    # A subtitle (【字幕：三年后】) holds the screen like action.
    assert element_seconds(Element(E.SUBTITLE, "三年后", 1), "zh") == pytest.approx(3 * 60 / 200)


def test_pause_count_counts_runs_once():
    assert pause_count("你……你说什么？！") == 2
    assert pause_count("Wait... what?!") == 2
    assert pause_count("没有标点") == 0


def test_scene_without_heading_has_no_change_time():
    headed = Scene(heading="1-1 日 内 客厅", elements=[Element(E.ACTION, "好" * 200, 1)])
    bare = Scene(heading=None, elements=[Element(E.ACTION, "好" * 200, 1)])
    assert scene_seconds(headed, "zh") - scene_seconds(bare, "zh") == pytest.approx(DEFAULT_PARAMS.scene_change_seconds)


@pytest.mark.parametrize(
    "field,value",
    [("zh_chars_per_min", 0), ("en_words_per_min", -5), ("pause_per_line", -0.1), ("scene_change_seconds", float("nan"))],
)
def test_params_are_validated(field, value):
    with pytest.raises(ConfigError, match=field):
        RuntimeParams(**{field: value})


def test_estimate_runtime_rejects_non_params():
    with pytest.raises(ConfigError):
        estimate_runtime(Script(), params={"zh_chars_per_min": 240})


def test_english_page_estimate():
    # 55 short action paragraphs: 1 line each plus a blank line = 110 lines = 2 pages ≈ 2 minutes.
    s = build([[("INT. HOUSE - DAY", [(E.ACTION, "Bob sits.", None)] * 55)]], language="en")
    r = estimate_runtime(s)
    # The heading adds its own line and gap: 112 lines.
    assert r.pages == pytest.approx(112 / 55)
    assert r.page_minutes == r.pages


def test_episode_lookup_and_minutes():
    s = build([[("1-1 日 内 客厅", [(E.DIALOGUE, "好" * 240, "A")])], [(None, [(E.ACTION, "好" * 100, None)])]])
    r = estimate_runtime(s)
    assert r.episode(1).seconds == pytest.approx(62.5)
    assert r.episode(2).minutes == pytest.approx(0.5)
    with pytest.raises(KeyError):
        r.episode(9)
    d = to_jsonable(r)
    assert d["total_seconds"] == pytest.approx(92.5) and len(d["episodes"]) == 2


# --- invariants -------------------------------------------------------------------------------
TEXT = st.text(alphabet="林晚好你吗。！？…—,.?! abcXYZ", max_size=40)
ELEMENT = st.tuples(
    st.sampled_from([E.ACTION, E.DIALOGUE, E.PARENTHETICAL, E.SUBTITLE, E.VOICE_OVER, E.CLIFFHANGER_MARK, E.NOTE]),
    TEXT,
    st.sampled_from(["林晚", "顾沉", "BOB"]),
)
SCENE = st.tuples(st.one_of(st.none(), st.just("1-1 日 内 客厅")), st.lists(ELEMENT, max_size=6))
SCRIPT = st.lists(st.lists(SCENE, min_size=1, max_size=4), min_size=1, max_size=5)


def _fix(episodes):
    # Only spoken elements carry a speaker, as parsers produce them.
    return [
        [(h, [(t, x, w if t in (E.DIALOGUE, E.VOICE_OVER, E.PARENTHETICAL) else None) for t, x, w in els]) for h, els in eps]
        for eps in episodes
    ]


@settings(max_examples=60, deadline=None)
@given(SCRIPT, st.sampled_from(["zh", "en"]))
def test_runtime_is_additive(episodes, language):
    s = build(_fix(episodes), language)
    r = estimate_runtime(s)
    assert r.total_seconds == pytest.approx(math.fsum(e.seconds for e in r.episodes))
    for ep in r.episodes:
        assert ep.seconds == pytest.approx(math.fsum(sc.seconds for sc in r.scenes if sc.episode == ep.number))
    for sc, scene in zip(r.scenes, s.scenes):
        parts = math.fsum(element_seconds(e, language) for e in scene.elements)
        assert sc.seconds == pytest.approx(parts + sc.transition_seconds)
        assert sc.seconds == pytest.approx(sc.dialogue_seconds + sc.action_seconds + sc.pause_seconds + sc.transition_seconds)
    # Series = sum of independently estimated single-episode scripts.
    singles = [estimate_runtime(build(_fix([eps]), language)).total_seconds for eps in episodes]
    assert r.total_seconds == pytest.approx(math.fsum(singles))


@settings(max_examples=60, deadline=None)
@given(SCRIPT, st.data())
def test_blank_elements_change_nothing(episodes, data):
    episodes = _fix(episodes)
    before = estimate_runtime(build(episodes))
    ep = data.draw(st.integers(0, len(episodes) - 1))
    sc = data.draw(st.integers(0, len(episodes[ep]) - 1))
    blank = data.draw(st.sampled_from([(E.ACTION, "", None), (E.DIALOGUE, "   ", "林晚"), (E.ACTION, "\n", None)]))
    heading, elements = episodes[ep][sc]
    pos = data.draw(st.integers(0, len(elements)))
    episodes[ep][sc] = (heading, elements[:pos] + [blank] + elements[pos:])
    after = estimate_runtime(build(episodes))
    assert after.total_seconds == pytest.approx(before.total_seconds)
    assert [e.seconds for e in after.episodes] == pytest.approx([e.seconds for e in before.episodes])
    assert after.features == before.features


@settings(max_examples=40, deadline=None)
@given(SCRIPT)
def test_renaming_a_character_changes_nothing(episodes):
    episodes = _fix(episodes)
    renamed = [[(h, [(t, x, "苏念" if w == "林晚" else w) for t, x, w in els]) for h, els in eps] for eps in episodes]
    a, b = estimate_runtime(build(episodes)), estimate_runtime(build(renamed))
    assert to_jsonable(a) == to_jsonable(b)
