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
from dramalens.serial import to_jsonable

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
    assert "not a verdict" in to_jsonable(r)["note"]


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
    assert to_jsonable(find_hooks(build(eps))) == to_jsonable(find_hooks(build(renamed)))


@settings(max_examples=40, deadline=None)
@given(st.lists(LINES, min_size=1, max_size=4), st.data())
def test_blank_elements_change_no_hook_metric(eps, data):
    eps = _clean(eps)
    i = data.draw(st.integers(0, len(eps) - 1))
    j = data.draw(st.integers(0, len(eps[i])))
    blank = data.draw(st.sampled_from([(E.ACTION, "", None), (E.DIALOGUE, "  ", "林晚")]))
    more = [list(els) for els in eps]
    more[i] = more[i][:j] + [blank] + more[i][j:]
    before, after = to_jsonable(find_hooks(build(eps))), to_jsonable(find_hooks(build(more)))
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


# --- endings as micro-drama writers write them -------------------------------------------------
# One realistic body (no cue in its last lines), then one ending per episode, through the real
# parsers. Each expected score is worked out from the weights: entrance/shock/interruption 0.3,
# question 0.25, reveal/reversal 0.35, conflict 0.15, mark 0.5, combined as 1 − Π(1 − w).
ZH_BODY = """{n}-1 夜 内 顾家客厅
人物：林晚、顾承泽、顾母
△顾家客厅灯火通明，佣人们低着头站成一排。
顾母：林晚，你嫁进顾家三年，连个孩子都没有。
林晚：妈，我会努力的。
顾母：努力？你拿什么努力？
△顾承泽放下报纸，看了林晚一眼。
顾承泽：妈，别说了。
林晚：承泽，我给你炖了汤，趁热喝吧。
顾承泽：放着吧，我等会儿喝。
林晚：好，那我先上楼了。
"""
ZH_ENDINGS = [
    ("calm", "林晚：谢谢你，承泽。\n顾承泽：傻瓜，我们是一家人。\n△两人相视一笑。", 0.0),
    ("entrance", "△门被推开——一个抱着孩子的女人站在门口。", 0.5),  # one device on the last line is a hook (as 【卡点】 is)  # 门被推开 (a mid-line dash is no cut-off)
    ("phone", "△林晚的手机响了，屏幕上跳出一个陌生号码。", 0.5),  # 手机响了: a sudden event
    ("slap", "△顾母扬起手，狠狠一巴掌甩在林晚脸上。", 0.5),  # was 1 - 0.7 * 0.85: a device on the last line lifts it  # 一巴掌: shock 0.3 + conflict 0.15
    ("cut-off", "林晚：你……", 0.5),  # the line stops on ……
    ("question", "林晚：你到底瞒了我什么？", 0.25),  # 到底 and ？ are one category, counted once
    ("reveal", "顾承泽：原来你就是当年那个女孩……", 1 - 0.65 * 0.65 * 0.7),  # 原来: reveal + reversal; ……
    ("mark inline", "△林晚转身上楼，没有回头。【卡点】", 0.5),
    ("mark own line", "△林晚转身上楼，没有回头。\n【卡点】", 0.5),
]


def _zh_series(endings):
    return "《测试》\n" + "".join(
        f"第{i}集\n{ZH_BODY.format(n=i)}{text}\n\n" for i, (_, text, _) in enumerate(endings, start=1)
    )


def test_zh_real_endings_score_above_a_calm_resolution():
    h = find_hooks(parse(_zh_series(ZH_ENDINGS), format="chinese"))
    got = {kind: ep.ending_strength for (kind, _, _), ep in zip(ZH_ENDINGS, h.episodes)}
    for kind, _, expected in ZH_ENDINGS:
        assert got[kind] == pytest.approx(expected, abs=1e-9), kind
    assert got["calm"] == 0.0
    assert all(v >= got["calm"] + 0.25 for k, v in got.items() if k != "calm")
    assert 8 not in h.weak_endings and 9 not in h.weak_endings  # the two 【卡点】 episodes


EN_BODY = """INT. GU MANSION - LIVING ROOM - NIGHT

Servants stand in a row. MADAM GU sits on the sofa.

MADAM GU
Three years in this house and nothing to show for it.

LIN
I'm trying, Mother.

GU CHENGZE puts down his paper.

GU CHENGZE
Enough. Let her eat.

"""
EN_ENDINGS = [
    ("calm", "LIN\nThank you.\n\nGU CHENGZE\nAlways.\n\nThey smile at each other.", 0.0),
    ("entrance", "The door bursts open. A woman holding a baby stands there.", 0.5),  # the same ending as the zh one scores the same
    ("phone", "Lin's phone rings. UNKNOWN NUMBER.", 0.5),
    ("slap", "Madam Gu slaps Lin across the face.", 0.5),
    ("cut-off", "LIN\nYou--", 0.5),
    ("question", "LIN\nWhat are you hiding from me?", 0.25),
    ("reveal", "GU CHENGZE\nIt was you. The girl from the fire...", 1 - 0.65 * 0.65 * 0.7),
    ("to be continued", "Lin climbs the stairs without looking back.\n\n> TO BE CONTINUED <", 0.5),
]


def test_en_real_endings_score_above_a_calm_resolution():
    text = "Title: T\n\n" + "".join(
        f"# Episode {i}\n\n{EN_BODY}{t}\n\n" for i, (_, t, _) in enumerate(EN_ENDINGS, start=1))
    h = find_hooks(parse(text, format="fountain"))
    for (kind, _, expected), ep in zip(EN_ENDINGS, h.episodes):
        assert ep.ending_strength == pytest.approx(expected, abs=1e-9), kind
    assert h.weak_endings[0] == 1 and 8 not in h.weak_endings


def test_mark_on_its_own_line_gives_the_line_it_marks_full_weight():
    # 你…… then 【卡点】: the cut-off is the episode's last line, so 0.3 at full weight:
    # 1 − 0.5 × 0.7 = 0.65 (not 1 − 0.5 × (1 − 0.3 × 0.75)).
    h = find_hooks(parse("第1集\n1-1 日 内 客厅\n林晚：好。\n林晚：你……\n【卡点】\n", format="chinese")).episodes[0]
    assert h.ending_strength == pytest.approx(0.65)


def test_end_card_is_not_the_last_line():
    text = "# Episode 1\n\nINT. ROOM - DAY\n\nAnna sits.\n\nThe door bursts open.\n\n> END OF EPISODE 1 <\n"
    h = find_hooks(parse(text, format="fountain")).episodes[0]
    assert h.ending_strength == pytest.approx(0.5)  # full weight (a final-line device): the centred card is layout


def test_explicit_mark_is_at_least_the_weak_threshold_whatever_the_settings():
    eps = [calm_lines(4) + [(E.CLIFFHANGER_MARK, "【卡点】", None)]]
    strict = HookParams(weak_threshold=0.8)
    r = find_hooks(build(eps), P, strict)
    assert r.episodes[0].ending_strength == pytest.approx(0.8) and r.weak_endings == ()
    light = HookParams(weights=(("cliffhanger_mark", 0.1),))
    assert find_hooks(build(eps), P, light).episodes[0].ending_strength == pytest.approx(0.5)
    # A mark that is not the last element counts by its weight only: 0.5 < 0.8.
    later = [eps[0] + [(E.DIALOGUE, CALM, "林晚")]]
    assert find_hooks(build(later), P, strict).episodes[0].ending_strength == pytest.approx(0.5)


@settings(max_examples=40, deadline=None)
@given(st.lists(LINES, min_size=1, max_size=3), st.floats(0, 1))
def test_a_last_mark_never_reads_weak(eps, threshold):
    eps = [els + [(E.CLIFFHANGER_MARK, "【卡点】", None)] for els in _clean(eps)]
    r = find_hooks(build(eps), P, HookParams(weak_threshold=threshold))
    assert r.weak_endings == ()
    assert all(h.ending_strength >= threshold for h in r.episodes)
