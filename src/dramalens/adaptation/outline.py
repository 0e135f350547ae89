"""The plan as a script outline that ``dramalens parse`` reads back: the Chinese plain-text
conventions (``第N集``, ``1-1 日 内 地点``, ``人物：``, ``△`` beats) or Fountain (``# Episode N``,
scene headings, beats as action, the source span as a ``[[note]]``). The outline is also how
the plan is scored: parsed back and measured by the hooks and paywall analyses of ``analyze``.
"""

from __future__ import annotations

from ..analysis.hooks import find_hooks
from ..analysis.paywall import recommend_paywall
from ..errors import ConfigError
from ..parsing import parse_text
from .plan import AdaptationPlan, EpisodePlan, PlanScore

__all__ = ["OUTLINE_STYLES", "outline_text", "score_plan"]

OUTLINE_STYLES = ("chinese", "fountain")


def _lines(e: EpisodePlan) -> list[str]:
    """Hook, beats and cliffhanger in reading order, each once."""
    seen: set[str] = set()
    out: list[str] = []
    items = [(e.hook.chapter, e.hook.paragraph, 0, e.hook.text)]
    items += [(b.chapter, b.paragraph, 1, b.text) for b in e.beats]
    items.append((e.cliffhanger.chapter, e.cliffhanger.paragraph, 2, e.cliffhanger.text))
    for *_, text in sorted(items):
        text = " ".join(text.split())
        if text and text not in seen:
            seen.add(text)
            out.append(text)
    return out


def outline_text(plan: AdaptationPlan, style: str = "chinese") -> str:
    """The plan as an outline script in ``style`` (``chinese`` or ``fountain``).

    >>> from dramalens.adaptation.plan import Cliffhanger, Hook, Paywall, Position
    >>> e = EpisodePlan(1, (1,), Position(1, 1), Position(1, 2), (), ("林晚",), 90.0, Hook("林晚推门而入。", 1, 1), Cliffhanger("原来是他！", 0.6, 1, 2))
    >>> p = AdaptationPlan("夜", "vertical", 1, (1, 1), (), (e,), Paywall(1, ""), (), ())
    >>> print(outline_text(p).splitlines()[2])
    第1集
    """
    if style not in OUTLINE_STYLES:
        raise ConfigError(f"outline style must be one of {', '.join(OUTLINE_STYLES)}, got {style!r}")
    out: list[str] = []
    if style == "chinese":
        out += [f"《{plan.title}》分集大纲（dramalens 改编计划）", ""]
        for e in plan.episodes:
            place = e.location or "场景待定"
            out += [f"第{e.number}集", f"{e.number}-1 日 内 {place}"]
            if e.characters:
                out.append("人物：" + "、".join(e.characters[:6]))
            out.append(f"△（原著 第{e.start.chapter}章第{e.start.paragraph}段 至 第{e.end.chapter}章第{e.end.paragraph}段，"
                       f"约{e.runtime_s:.0f}秒）")
            out += [f"△{line}" for line in _lines(e)]
            out.append("")
    else:
        out += [f"Title: {plan.title}", "Credit: episode plan by dramalens", ""]
        for e in plan.episodes:
            place = (e.location or "LOCATION TBD").upper()
            out += [f"# Episode {e.number}", "", f"INT. {place} - DAY", "",
                    f"[[source: chapter {e.start.chapter} paragraph {e.start.paragraph} to chapter {e.end.chapter} "
                    f"paragraph {e.end.paragraph}, about {e.runtime_s:.0f} s]]", ""]
            for line in _lines(e):
                out += [line, ""]
    return "\n".join(out).rstrip() + "\n"


def score_plan(plan: AdaptationPlan) -> PlanScore:
    """The plan's outline parsed and measured like a script (hooks, reversals, paywall)."""
    style = "chinese" if plan.language == "zh" else "fountain"
    script = parse_text(outline_text(plan, style), format=style if style == "chinese" else "fountain")
    hooks = find_hooks(script)
    pay = recommend_paywall(hooks) if len(hooks.episodes) > 1 else None
    strengths = [e.ending_strength for e in hooks.episodes]
    return PlanScore(
        mean_ending_strength=sum(strengths) / len(strengths) if strengths else 0.0,
        weak_endings=hooks.weak_endings,
        hooks_per_minute=hooks.hooks_per_minute,
        reversals_per_minute=hooks.reversals_per_minute,
        paywall_recommended=pay.recommended if pay else None,
        paywall_strength=pay.recommended_strength if pay else None,
    )
