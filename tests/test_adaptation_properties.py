"""Invariants of every plan (Hypothesis): the span is covered once in reading order, the rest
is left for later, and counts and runtimes respect the format."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dramalens.adaptation import adapt
from dramalens.adaptation.reading import chapter_paragraphs
from dramalens.errors import ConfigError
from dramalens.model.novel import Chapter, Novel

_LINES = (
    "林晚走在街上，看着天边的晚霞。",
    "林晚道：“你到底是谁？”",
    "原来顾沉竟然是当年的凶手！",
    "沈墨冷笑：“你敢！”",
    "她把书放回架上，屋里很安静。",
    "门被推开，一个陌生人闯了进来——",
)


@st.composite
def novels(draw: st.DrawFn) -> tuple[Novel, str, int, str]:
    n_chapters = draw(st.integers(1, 14))
    chapters = []
    for number in range(1, n_chapters + 1):
        # An empty chapter now and then (a volume page): it still belongs to an episode.
        picks = draw(st.lists(st.sampled_from(_LINES), min_size=0 if number > 1 else 1, max_size=7))
        chapters.append(Chapter(number, "", "\n".join(picks)))
    novel = Novel("测试", "", "zh", "t.txt", "utf-8", tuple(chapters))
    first = draw(st.integers(1, n_chapters))
    last = draw(st.integers(first, n_chapters))
    span = draw(st.sampled_from(["all", f"{first}-{last}"]))
    lo, hi = (1, n_chapters) if span == "all" else (first, last)
    paragraphs = sum(len([x for x in c.text.split("\n") if x]) for c in chapters if lo <= c.number <= hi)
    episodes = draw(st.integers(1, max(1, min(paragraphs, 12))))
    return novel, span, episodes, draw(st.sampled_from(["vertical", "horizontal"]))


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(novels())
def test_plan_invariants(case: tuple[Novel, str, int, str]) -> None:
    novel, span, episodes, format = case
    try:
        plan = adapt(novel, format, episodes=episodes, span=span)
    except ConfigError as exc:
        assert "no text" in str(exc)  # a span of empty chapters only
        return
    first, last = plan.span
    assert len(plan.episodes) == episodes
    assert [e.number for e in plan.episodes] == list(range(1, episodes + 1))
    # Reading order, no gap, no overlap: each episode starts on the paragraph after the last one ended.
    order = [(c.number, i) for c in novel.chapters if first <= c.number <= last
             for i in range(1, len(chapter_paragraphs(c.text, "zh")) + 1)]
    position = {p: k for k, p in enumerate(order)}
    assert position[(plan.episodes[0].start.chapter, plan.episodes[0].start.paragraph)] == 0
    assert position[(plan.episodes[-1].end.chapter, plan.episodes[-1].end.paragraph)] == len(order) - 1
    for a, b in zip(plan.episodes, plan.episodes[1:]):
        assert position[(b.start.chapter, b.start.paragraph)] == position[(a.end.chapter, a.end.paragraph)] + 1
    # Every span chapter in one episode, or split across consecutive ones; chapters in order.
    where: dict[int, list[int]] = {}
    for e in plan.episodes:
        assert list(e.chapters) == sorted(e.chapters)
        assert e.start.chapter in e.chapters and e.end.chapter in e.chapters
        for c in e.chapters:
            where.setdefault(c, []).append(e.number)
    assert sorted(where) == list(range(first, last + 1))
    assert all(v == list(range(v[0], v[-1] + 1)) for v in where.values())
    assert plan.left_for_later == tuple(c.number for c in novel.chapters if not first <= c.number <= last)
    # Runtimes inside the format's band, unless a check names the episodes outside it.
    lo, hi = plan.band_s
    outside = {e.number for e in plan.episodes if not lo - 1e-6 <= e.runtime_s <= hi + 1e-6}
    flagged = {n for c in plan.checks if c.rule == "runtime_band" for n in c.episodes}
    assert outside <= flagged
    assert 1 <= plan.paywall.episode <= episodes
