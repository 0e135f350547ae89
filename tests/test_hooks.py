"""Hooks, cliffhangers and reversals: hand-worked scores, cue evidence, invariants."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dramalens import parse
from dramalens.analysis.cues import Lexicon, element_cues, find_cues
from dramalens.analysis.hooks import HookParams, find_hooks
from dramalens.analysis.runtime import RuntimeParams
from dramalens.errors import ConfigError
from dramalens.model import Element, ElementType
from dramalens.parsing.builder import ScriptBuilder

E = ElementType
# No pauses: times are characters / rate only (240 a minute spoken, 200 a minute action) plus 2 s per scene.
P = RuntimeParams(pause_per_punct=0, pause_per_line=0, scene_change_seconds=2)
CALM = "今天天气很好我们去公园散步吧"  # 14 characters with no cue


def build(episodes, language="zh"):
    """episodes: list of element lists [(type, text, character)]; one headed scene each."""
    b = ScriptBuilder(source_format="chinese")
    line = 1
    for n, elements in enumerate(episodes, start=1):
        b.start_episode(n, line=line)
        b.start_scene(heading=f"{n}-1 日 内 客厅", line=line + 1)
        line += 2
        for t, text, who in elements:
            b.add_new(t, text, line, character=who)
            line += 1
    return b.build(language=language)


def calm_lines(n):
    return [(E.DIALOGUE, CALM, "林晚")] * n


def test_first_hook_seconds_is_hand_worked():
    # 2 s scene change + 60 action characters at 200/min (18 s) → the question line starts at 20 s.
    s = build([[(E.ACTION, "走" * 60, None), (E.DIALOGUE, "你是谁？", "林晚")]])
    h = find_hooks(s, P).episodes[0]
    assert h.first_hook_seconds == pytest.approx(20.0)
    assert h.first_hook.category == "question" and h.first_hook.line == 4


def test_episode_without_conflict_has_no_first_hook():
    h = find_hooks(build([calm_lines(3)]), P).episodes[0]
    assert h.first_hook_seconds is None and h.first_hook is None
    assert h.ending_strength == 0.0
    assert "cliffhanger_mark" in h.missing and "question" in h.missing


def test_cliffhanger_mark_alone():
    h = find_hooks(build([calm_lines(10) + [(E.CLIFFHANGER_MARK, "卡点", None)]]), P).episodes[0]
    assert h.ending_strength == pytest.approx(0.5)
    (cue,) = h.ending_cues
    assert (cue.category, cue.line) == ("cliffhanger_mark", 13)
    assert "cliffhanger_mark" not in h.missing


def test_cut_off_reversal_line_combines_as_independent_chances():
    # Last line: 竟然 (reversal 0.35) and a trailing …… (interruption 0.3): 1 - 0.65 × 0.7 = 0.545.
    h = find_hooks(build([calm_lines(10) + [(E.DIALOGUE, "你竟然……", "顾沉")]]), P).episodes[0]
    assert h.ending_strength == pytest.approx(0.545)
    assert {c.category for c in h.ending_cues} == {"reversal", "interruption"}
    assert all(c.line == 13 for c in h.ending_cues)


def test_earlier_lines_in_the_window_count_at_window_weight():
    # A threat two lines before the end: 0.3 × 0.75 = 0.225.
    els = calm_lines(10) + [(E.DIALOGUE, "我要杀了你", "顾沉"), (E.DIALOGUE, CALM, "林晚"), (E.DIALOGUE, CALM, "林晚")]
    h = find_hooks(build([els]), P).episodes[0]
    assert h.ending_strength == pytest.approx(0.225)
    assert h.ending_cues[0].weight == pytest.approx(0.225)


def test_cues_before_the_window_do_not_count():
    # 20 calm lines after the threat: it is neither in the last 15% nor in the last 3 elements.
    els = [(E.DIALOGUE, "我要杀了你", "顾沉")] + calm_lines(20)
    h = find_hooks(build([els]), P).episodes[0]
    assert h.ending_strength == 0.0 and h.first_hook.category == "threat"


def test_tail_fraction_reaches_back_in_time():
    # One long calm line is the last element; a question just before it is within the last 3 elements.
    els = calm_lines(5) + [(E.DIALOGUE, "你去哪？", "林晚"), (E.DIALOGUE, CALM * 10, "顾沉")]
    narrow = find_hooks(build([els]), P, HookParams(tail_elements=1)).episodes[0]
    wide = find_hooks(build([els]), P, HookParams(tail_elements=1, tail_fraction=0.9)).episodes[0]
    assert narrow.ending_strength == 0.0
    assert wide.ending_strength == pytest.approx(0.25 * 0.75)


def test_reversal_and_hook_rates_against_targets():
    # 2 s + 4 lines of 60 characters (15 s each) = 62 s; two reversal lines → 2/62 per second.
    els = [
        (E.DIALOGUE, "原来" + "好" * 58, "A"),
        (E.DIALOGUE, "好" * 60, "A"),
        (E.DIALOGUE, "竟然" + "好" * 58, "A"),
        (E.DIALOGUE, "好" * 60 + "？", "A"),
    ]
    r = find_hooks(build([els]), P)
    h = r.episodes[0]
    assert h.seconds == pytest.approx(62.0)
    assert h.reversals == 2 and h.hooks == 3  # the question is a hook, not a reversal
    assert h.reversals_per_minute == pytest.approx(2 * 60 / 62)
    assert r.reversal_target_per_minute == pytest.approx(2.0) and r.hook_target_per_minute == pytest.approx(4.0)
    assert r.reversals_per_minute == pytest.approx(h.reversals_per_minute)
    assert "not a verdict" in r.to_dict()["note"]


def test_weak_endings_are_listed():
    r = find_hooks(build([calm_lines(3), calm_lines(3) + [(E.CLIFFHANGER_MARK, "卡点", None), (E.DIALOGUE, "谁？！", "A")]]), P)
    assert r.weak_endings == (1,)
    assert r.episode(2).ending_strength > 0.5


def test_english_cues():
    assert ("entrance", "bursts in") in [(c, w.lower()) for c, w in find_cues("Suddenly Bob bursts in.", "en")]
    assert ("threat", "regret") in find_cues("You'll regret this.", "en")
    assert ("reveal", "turns out") in [(c, w.lower()) for c, w in find_cues("Turns out he's my real father", "en")]
    assert find_cues("It has begun.", "en") == []  # "gun" is a whole word only
    assert ("interruption", "—") in find_cues("Wait—", "en")
    assert ("question", "?") in find_cues("Why?", "en")


def test_chinese_cues():
    cats = {c for c, _ in find_cues("他竟然是顾家的亲生儿子！", "zh")}
    assert {"reveal", "reversal"} <= cats
    assert ("payoff", "打脸") in find_cues("当众打脸", "zh")
    assert ("interruption", "——") in find_cues("你——", "zh")
    assert find_cues(CALM, "zh") == []


def test_notes_and_headings_carry_no_cues():
    assert element_cues(Element(E.NOTE, "【卡点】竟然", 1), "zh") == ()
    assert element_cues(Element(E.HEADING, "1-1 夜 外 竟然村", 1), "zh") == ()
    assert element_cues(Element(E.CLIFFHANGER_MARK, "卡点", 7), "zh")[0].line == 7


def test_custom_lexicon():
    lex = Lexicon(entries=(("threat", ("毒药",), ("poison",)),))
    h = find_hooks(build([calm_lines(3) + [(E.ACTION, "他拿出毒药", None)]]), P, lexicon=lex).episodes[0]
    assert [c.cue for c in h.ending_cues] == ["毒药"]


def test_english_script_from_text():
    text = "INT. HOUSE - DAY\n\nAnna sits.\n\nANNA\nWho are you?\n\nBOB\nYour real father. You'll regret this—\n"
    h = find_hooks(parse(text)).episodes[0]
    assert h.first_hook.category == "question" and h.first_hook.line == 6
    assert {"reveal", "threat", "interruption"} <= {c.category for c in h.ending_cues}
    assert all(c.line == 9 for c in h.ending_cues if c.category in ("threat", "interruption"))


def test_chinese_script_from_text():
    text = "第1集\n1-1 日 内 客厅\n△林晚推门而入。\n林晚：你到底是谁？\n顾沉：我是你的亲生父亲——\n【卡点】\n"
    h = find_hooks(parse(text)).episodes[0]
    cats = {c.category: c.line for c in h.ending_cues}
    assert cats["cliffhanger_mark"] == 6 and cats["interruption"] == 5 and cats["reveal"] == 5
    assert h.ending_strength > 0.7


@pytest.mark.parametrize(
    "kwargs", [{"tail_fraction": 0}, {"tail_elements": 0}, {"weights": (("reveal", 1.5),)}, {"weak_threshold": 2}]
)
def test_hook_params_are_validated(kwargs):
    with pytest.raises(ConfigError):
        HookParams(**kwargs)


LINES = st.lists(
    st.tuples(
        st.sampled_from([E.DIALOGUE, E.ACTION, E.CLIFFHANGER_MARK]),
        st.sampled_from([CALM, "你竟然……", "滚！", "你是谁？", "原来是你", "突然门被推开", "卡点", "当众打脸"]),
        st.sampled_from(["林晚", "顾沉"]),
    ),
    min_size=1,
    max_size=12,
)


def _clean(eps):
    return [[(t, x, w if t == E.DIALOGUE else None) for t, x, w in els] for els in eps]


@settings(max_examples=40, deadline=None)
@given(st.lists(LINES, min_size=1, max_size=4))
def test_renaming_changes_no_hook_metric(eps):
    eps = _clean(eps)
    renamed = [[(t, x, "苏念" if w == "林晚" else w) for t, x, w in els] for els in eps]
    assert find_hooks(build(eps)).to_dict() == find_hooks(build(renamed)).to_dict()


@settings(max_examples=40, deadline=None)
@given(st.lists(LINES, min_size=1, max_size=4), st.data())
def test_blank_elements_change_no_hook_metric(eps, data):
    eps = _clean(eps)
    i = data.draw(st.integers(0, len(eps) - 1))
    j = data.draw(st.integers(0, len(eps[i])))
    blank = data.draw(st.sampled_from([(E.ACTION, "", None), (E.DIALOGUE, "  ", "林晚")]))
    more = [list(els) for els in eps]
    more[i] = more[i][:j] + [blank] + more[i][j:]
    before, after = find_hooks(build(eps)).to_dict(), find_hooks(build(more)).to_dict()
    # Lines move by one after the inserted element; compare everything but line numbers.
    assert _no_lines(before) == _no_lines(after)


def _no_lines(d):
    if isinstance(d, dict):
        return {k: _no_lines(v) for k, v in d.items() if k != "line"}
    if isinstance(d, list):
        return [_no_lines(v) for v in d]
    return d


@settings(max_examples=30, deadline=None)
@given(st.lists(LINES, min_size=1, max_size=4))
def test_strength_is_a_probability(eps):
    for h in find_hooks(build(_clean(eps))).episodes:
        assert 0.0 <= h.ending_strength < 1.0
        assert set(h.missing).isdisjoint({c.category for c in h.ending_cues})
