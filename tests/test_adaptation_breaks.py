"""Story breaks between chapters: the change of vocabulary (TextTiling depth) and how the
planner uses it, on short texts written for these tests."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from dramalens.adaptation import AdaptParams, adapt
from dramalens.adaptation.breaks import chapter_ends, depth_scores, lexical_breaks, percentile_ranks
from dramalens.adaptation.build import read_book
from dramalens.adaptation.planner import CutParams, plan_cuts
from dramalens.adaptation.reading import Paragraph
from dramalens.errors import ConfigError
from dramalens.model.novel import Chapter, Novel

# Six chapters: three in a tea house (talk, tea, rain), three on a mountain pass (swords,
# bandits, snow). The same two people throughout, so the cast does not change; the words do.
TEA = ["林晚和顾沉在茶馆里喝茶，窗外下着小雨，茶香很浓。", "顾沉给林晚添了一杯热茶，两人聊起茶馆老板的旧事。",
       "雨停了，茶馆里的客人渐渐散去，林晚还在慢慢喝茶。"]
PASS = ["林晚和顾沉翻过雪山，山道上积雪很深，寒风刺骨。", "山道上冲出一伙山贼，顾沉拔剑，林晚挥刀，雪地里刀光剑影。",
        "山贼退去，雪又下大了，两人在山洞里生火取暖，擦拭刀剑。"]


def _novel(texts: list[str]) -> Novel:
    return Novel("t", "", "zh", "t.txt", "utf-8", tuple(Chapter(i, "", t) for i, t in enumerate(texts, start=1)))


def _paragraphs(texts: list[str]) -> list[Paragraph]:
    return [Paragraph(c, 1, t, len(t), 60.0, 0.0, 0.0, ()) for c, t in enumerate(texts, start=1)]


def test_the_vocabulary_breaks_where_the_story_moves() -> None:
    ps = _paragraphs(TEA + PASS)
    scores = lexical_breaks(ps, "zh")
    assert scores[-1] == 0.0  # no break after the span's last paragraph
    assert max(range(len(scores)), key=lambda i: scores[i]) == 2  # the end of chapter 3
    assert scores[2] == 1.0


def test_english_is_compared_on_words() -> None:
    texts = ["The rain fell on the garden; tea and letters.", "Letters and tea in the garden, rain again.",
             "Swords flashed upon the mountain; bandits fled.", "Bandits, swords and snow upon the mountain."]
    scores = lexical_breaks(_paragraphs(texts), "en")
    assert scores.index(max(scores)) == 1


def test_only_chapter_ends_carry_a_break() -> None:
    ps = [Paragraph(c, i, t, len(t), 10.0, 0.0, 0.0, ()) for c, pair in enumerate(zip(TEA, PASS), start=1)
          for i, t in enumerate(pair, start=1)]
    scores = lexical_breaks(ps, "zh")
    assert chapter_ends(ps) == [1, 3]
    assert [i for i, s in enumerate(scores) if s] == [i for i in chapter_ends(ps) if scores[i]]
    assert all(scores[i] == 0.0 for i in range(len(ps)) if i not in chapter_ends(ps))


def test_one_chapter_has_no_breaks() -> None:
    assert lexical_breaks(_paragraphs(["林晚喝茶。"]), "zh") == [0.0]


@given(st.lists(st.floats(min_value=0, max_value=1, allow_nan=False), min_size=1, max_size=30))
def test_depth_and_ranks_are_bounded(values: list[float]) -> None:
    depth = depth_scores(values)
    assert len(depth) == len(values) and all(d >= 0 for d in depth)
    ranks = percentile_ranks(depth)
    assert all(0.0 <= r <= 1.0 for r in ranks)
    # Equal values share a rank; a larger value never ranks lower.
    for a, b in zip(depth, ranks):
        for c, d in zip(depth, ranks):
            if a < c:
                assert b < d
            elif a == c:
                assert b == d


def test_the_planner_cuts_at_the_change_of_vocabulary() -> None:
    # Five equal chapters, two episodes, no cue: within the band length alone cuts after
    # chapter 2; the vocabulary changes after chapter 3, and the lexical term moves the cut there.
    ps = _paragraphs(TEA + PASS[:2])
    lexical = lexical_breaks(ps, "zh")
    off = CutParams(cue_weight=0.0, break_weight=0.0, lexical_weight=0.0)
    plain = plan_cuts(ps, [60.0] * 5, 2, (60.0, 240.0), 150.0, off, None, lexical)
    moved = plan_cuts(ps, [60.0] * 5, 2, (60.0, 240.0), 150.0, CutParams(cue_weight=0.0, lexical_weight=1.0),
                      None, lexical)
    assert plain.starts == (0, 2) and moved.starts == (0, 3)


def test_adapt_with_a_shared_reading_gives_the_same_plan() -> None:
    novel = _novel(TEA + PASS)
    params = AdaptParams(cuts=CutParams(lexical_weight=1.0, break_weight=0.5))
    once = adapt(novel, "horizontal", episodes=2, span="all", params=params)
    shared = adapt(novel, "horizontal", episodes=2, span="all", params=params, reading=read_book(novel, params))
    assert once == shared
    assert [e.chapters for e in once.episodes] == [(1, 2, 3), (4, 5, 6)]


def test_a_negative_lexical_weight_is_refused() -> None:
    with pytest.raises(ConfigError, match="lexical_weight"):
        CutParams(lexical_weight=-1.0)
