"""Paywall placement: the recommendation searches the window; a weak chosen paywall is flagged."""

from __future__ import annotations

import pytest

from dramalens.analysis.hooks import EndingCue, EpisodeHooks, HookResult, find_hooks
from dramalens.analysis.paywall import recommend_paywall
from dramalens.errors import ConfigError
from dramalens.model import ElementType
from dramalens.parsing.builder import ScriptBuilder
from dramalens.serial import to_jsonable


def hooks(strengths: list[float]) -> HookResult:
    eps = tuple(
        EpisodeHooks(
            number=n,
            seconds=90.0,
            first_hook_seconds=None,
            first_hook=None,
            ending_strength=s,
            ending_cues=(EndingCue("question", "？", n * 10, "谁？", 80.0, s),) if s else (),
            missing=("cliffhanger_mark", "reversal") if s < 0.5 else (),
            hooks=0,
            reversals=0,
            hooks_per_minute=0.0,
            reversals_per_minute=0.0,
        )
        for n, s in enumerate(strengths, start=1)
    )
    return HookResult(eps, 0.0, 0.0, 4.0, 2.0, 0.5)


def test_recommends_the_strongest_ending_in_8_to_16():
    strengths = [0.9] * 7 + [0.2, 0.3, 0.6, 0.8, 0.4, 0.1, 0.2, 0.3, 0.5] + [0.95] * 10
    r = recommend_paywall(hooks(strengths))
    assert r.window == (8, 16)
    assert r.recommended == 11 and r.recommended_strength == pytest.approx(0.8)
    assert [n for n, _ in r.candidates] == list(range(8, 17))
    assert r.chosen is None and r.warning is None
    assert r.paywall_episode == 11


def test_ties_go_to_the_earlier_episode():
    r = recommend_paywall(hooks([0.1] * 9 + [0.7, 0.7] + [0.1] * 9))
    assert r.recommended == 10


def test_window_is_clipped_to_the_script():
    # 12 episodes: the last cannot be a paywall, so 8-11 is searched.
    r = recommend_paywall(hooks([0.3] * 10 + [0.6, 0.99]))
    assert r.window == (8, 11) and r.recommended == 11
    # 5 episodes: the window shrinks to the last eligible episode.
    short = recommend_paywall(hooks([0.3, 0.9, 0.3, 0.4, 0.2]))
    assert short.window == (4, 4) and short.recommended == 4
    one = recommend_paywall(hooks([0.9]))
    assert one.window is None and one.recommended is None and one.warning is None


def test_weak_chosen_paywall_warns_with_missing_cues():
    strengths = [0.5] * 9 + [0.2] + [0.9] + [0.5] * 9
    r = recommend_paywall(hooks(strengths), free_episodes=10)
    assert r.chosen == 10 and r.chosen_strength == pytest.approx(0.2)
    assert r.missing == ("cliffhanger_mark", "reversal")
    assert "episode 10 ends weakly" in r.warning and "cliffhanger_mark" in r.warning
    assert "episode 11 ends stronger" in r.warning
    assert r.paywall_episode == 10


def test_strong_chosen_paywall_has_no_warning():
    r = recommend_paywall(hooks([0.6] * 20), free_episodes=3)
    assert r.chosen_strength == pytest.approx(0.6) and r.warning is None


def test_weak_window_warns_without_a_choice():
    r = recommend_paywall(hooks([0.1] * 20))
    assert r.recommended == 8 and "no episode in 8-16 ends strongly" in r.warning


def test_threshold_and_window_options():
    r = recommend_paywall(hooks([0.4] * 20), free_episodes=9, threshold=0.3)
    assert r.warning is None
    r = recommend_paywall(hooks([0.1] * 3 + [0.9] + [0.1] * 16), window=(2, 5))
    assert r.recommended == 4


@pytest.mark.parametrize(
    "kwargs",
    [{"free_episodes": 0}, {"free_episodes": 20}, {"free_episodes": 2.5}, {"window": (9, 3)}, {"threshold": 1.5}],
)
def test_validation(kwargs):
    with pytest.raises(ConfigError):
        recommend_paywall(hooks([0.5] * 20), **kwargs)


def test_from_a_built_script():
    # Episode 9 of 12 ends on a 卡点 and a question: it is the recommendation.
    b = ScriptBuilder(source_format="chinese")
    for n in range(1, 13):
        b.start_episode(n, line=n * 10)
        b.add_new(ElementType.DIALOGUE, "今天天气很好", n * 10 + 1, character="林晚")
        if n == 9:
            b.add_new(ElementType.DIALOGUE, "你到底是谁？", n * 10 + 2, character="顾沉")
            b.add_new(ElementType.CLIFFHANGER_MARK, "卡点", n * 10 + 3)
    r = recommend_paywall(find_hooks(b.build(language="zh")))
    assert r.recommended == 9 and r.window == (8, 11)
    d = to_jsonable(r)
    assert d["recommended"] == 9 and len(d["candidates"]) == 4


def test_paywall_warnings_carry_a_message_said_in_both_languages():
    from dramalens.analysis.episode_format import classify_format
    from types import SimpleNamespace
    from dramalens.i18n import translator

    zh, en = translator("zh"), translator("en")
    weak = recommend_paywall(hooks([0.5] * 9 + [0.2] + [0.9] + [0.5] * 9), free_episodes=10)
    assert weak.message is not None and weak.message.key == "pw.weak_chosen_stronger"
    said = weak.message.render(zh)
    # The cue kinds are said with their labels (悬念标记, 反转), not their ids.
    assert "第10集之后" in said and "悬念标记、反转" in said and "第11集结尾更强（0.90）" in said and "_" not in said
    assert weak.message.render(en).startswith("paywall after episode 10 ends weakly (0.20 < 0.50)")
    # The JSON keeps the English text it always had, and no message field.
    assert "message" not in to_jsonable(weak) and "cliffhanger_mark" in to_jsonable(weak)["warning"]
    window = recommend_paywall(hooks([0.1] * 20))
    assert window.message is not None and window.message.render(zh).startswith("第8-16集没有强结尾：最好的第8集得分 0.10 < 0.50")
    gap = hooks([0.5] * 20)
    gap = HookResult(tuple(e for e in gap.episodes if e.number != 5), 0.0, 0.0, 4.0, 2.0, 0.5)  # episode 5 lost
    missing = recommend_paywall(gap, free_episodes=5)
    assert missing.warning == "episode 5 is not in the script" and missing.message is not None and missing.message.render(zh) == "剧本中没有第5集"
    assert recommend_paywall(hooks([0.6] * 20), free_episodes=3).message is None

    # classify_format reads only the episodes' numbers, lines and seconds: 4 min is between the bands.
    between = classify_format(SimpleNamespace(episodes=(SimpleNamespace(number=1, seconds=240.0, line=1),)))
    assert between.note.startswith("median episode (4.0 min)") and between.note_message is not None
    assert between.note_message.render(zh) == "单集时长中位数（4.0 分钟）介于竖屏与横屏两档之间"
    assert "note_message" not in to_jsonable(between)
