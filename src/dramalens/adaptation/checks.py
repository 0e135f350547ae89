"""What a producer reads before commissioning the plan: episodes without conflict, stretches
where the protagonist is absent or passive, persons introduced too late, threads dropped,
runtime outside the band, and the NRTA compliance rules applied to the source."""

from __future__ import annotations

from ..analysis.compliance import lint_compliance
from ..model import Script
from ..model.novel import Novel
from ..parsing.builder import ScriptBuilder
from ..model import ElementType
from .plan import AdaptationPlan, Check

__all__ = ["plan_checks"]

_ABSENT_RUN = 3
_LATE_SHARE = 0.3
_MAJOR = 5


def _runs(numbers: list[int]) -> list[list[int]]:
    runs: list[list[int]] = []
    for n in numbers:
        if runs and runs[-1][-1] == n - 1:
            runs[-1].append(n)
        else:
            runs.append([n])
    return runs


def _source_script(novel: Novel, first: int, last: int) -> tuple[Script, dict[int, int]]:
    """The span as a script (one episode per chapter, paragraphs as action) for the compliance
    rules, and line → chapter."""
    builder = ScriptBuilder(source_format="novel", source=novel.source)
    line_chapter: dict[int, int] = {}
    line = 0
    for c in novel.chapters:
        if not first <= c.number <= last:
            continue
        builder.start_episode(c.number, line=line + 1)
        for text in c.text.split("\n"):
            line += 1
            if text.strip():
                builder.add_new(ElementType.ACTION, text, line)
                line_chapter[line] = c.number
    return builder.build(title=novel.title, language=novel.language), line_chapter


def plan_checks(plan: AdaptationPlan, *, found_band: bool, episodes_given: bool,
                count_range: tuple[int, int], novel: Novel) -> tuple[Check, ...]:
    """The checks of ``plan`` (see the module docstring), in a fixed order."""
    out: list[Check] = []
    eps = plan.episodes
    flat = [e.number for e in eps if not any(b.kind in ("conflict", "reversal", "reveal") for b in e.beats)]
    if flat:
        out.append(Check("no_conflict", tuple(flat), f"{len(flat)} episode(s) carry no conflict, reversal or reveal in their source"))
    hero = plan.protagonist
    if hero is not None:
        absent = [e.number for e in eps if hero not in e.characters]
        for run in _runs(absent):
            if len(run) >= _ABSENT_RUN:
                out.append(Check("protagonist_absent", tuple(run), f"{hero} is absent from episodes {run[0]}-{run[-1]}"))
        passive = [e.number for e in eps if hero in e.characters and e.beats
                   and all(hero not in b.characters for b in e.beats)]
        for run in _runs(passive):
            if len(run) >= _ABSENT_RUN:
                out.append(Check("protagonist_passive", tuple(run),
                                 f"{hero} is present but in none of the turns of episodes {run[0]}-{run[-1]}: do the events serve the lead?"))
    cast = {c.name: c for c in plan.characters}
    majors = [c for c in plan.characters[:_MAJOR] if c.name != hero]
    for c in majors:
        where = [e.number for e in eps if c.name in e.characters]
        if where and where[0] > max(2, int(_LATE_SHARE * len(eps))):
            out.append(Check("late_character", (where[0],), f"{c.name}, a major character, first appears in episode {where[0]} of {len(eps)}"))
        if where and len(eps) >= 6 and where[-1] < len(eps) * 0.6 and len(where) >= 3:
            out.append(Check("dropped_thread", (where[-1],), f"{c.name} carries {len(where)} episodes then vanishes after episode {where[-1]}"))
    del cast
    lo, hi = plan.band_s
    outside = [e.number for e in eps if not lo - 1e-6 <= e.runtime_s <= hi + 1e-6]
    if outside or not found_band:
        out.append(Check("runtime_band", tuple(outside), f"no split of the span keeps every episode within {lo:g}-{hi:g} s; these fall outside"))
    if episodes_given and not count_range[0] <= len(eps) <= count_range[1]:
        out.append(Check("episode_count", (), f"{len(eps)} episodes is outside the {plan.format} range {count_range[0]}-{count_range[1]}"))
    script, line_chapter = _source_script(novel, *plan.span)
    report = lint_compliance(script)
    by_chapter: dict[int, list[int]] = {}
    for e in eps:
        for ch in e.chapters:
            by_chapter.setdefault(ch, []).append(e.number)
    for f in report.findings:
        chapter = line_chapter.get(f.line)
        hit = tuple(by_chapter.get(chapter, ())) if chapter is not None else ()
        place = f" (chapter {chapter})" if chapter is not None else ""
        out.append(Check(f"compliance:{f.rule_id}", hit, f"{f.rule_text}{place}: “{f.matched}”"))
    return tuple(out)
