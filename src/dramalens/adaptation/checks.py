"""What a producer reads before commissioning the plan: episodes without conflict, stretches
where the protagonist is absent or passive, persons introduced too late, threads dropped,
runtime outside the band, and the NRTA compliance rules applied to the source."""

from __future__ import annotations

from ..analysis.compliance import lint_compliance
from ..i18n import Param, translator
from ..model import Script
from ..model.novel import Novel
from ..parsing.builder import ScriptBuilder
from ..model import ElementType
from .plan import AdaptationPlan, Check, check

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
        out.append(check("no_conflict", tuple(flat), "ap.check.no_conflict", ("n", len(flat))))
    hero = plan.protagonist
    if hero is not None:
        absent = [e.number for e in eps if hero not in e.characters]
        for run in _runs(absent):
            if len(run) >= _ABSENT_RUN:
                out.append(check("protagonist_absent", tuple(run), "ap.check.protagonist_absent", ("name", hero),
                                 ("first", run[0]), ("last", run[-1])))
        passive = [e.number for e in eps if hero in e.characters and e.beats
                   and all(hero not in b.characters for b in e.beats)]
        for run in _runs(passive):
            if len(run) >= _ABSENT_RUN:
                out.append(check("protagonist_passive", tuple(run), "ap.check.protagonist_passive", ("name", hero),
                                 ("first", run[0]), ("last", run[-1])))
    cast = {c.name: c for c in plan.characters}
    majors = [c for c in plan.characters[:_MAJOR] if c.name != hero]
    for c in majors:
        where = [e.number for e in eps if c.name in e.characters]
        if where and where[0] > max(2, int(_LATE_SHARE * len(eps))):
            out.append(check("late_character", (where[0],), "ap.check.late_character", ("name", c.name), ("episode", where[0]),
                             ("total", len(eps))))
        if where and len(eps) >= 6 and where[-1] < len(eps) * 0.6 and len(where) >= 3:
            out.append(check("dropped_thread", (where[-1],), "ap.check.dropped_thread", ("name", c.name), ("n", len(where)),
                             ("episode", where[-1])))
    del cast
    lo, hi = plan.band_s
    outside = [e.number for e in eps if not lo - 1e-6 <= e.runtime_s <= hi + 1e-6]
    if outside or not found_band:
        out.append(check("runtime_band", tuple(outside), "ap.check.runtime_band", ("lo", lo), ("hi", hi)))
    if episodes_given and not count_range[0] <= len(eps) <= count_range[1]:
        out.append(check("episode_count", (), "ap.check.episode_count", ("n", len(eps)), ("format_key", plan.format),
                         ("lo", count_range[0]), ("hi", count_range[1])))
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
        # The rule's label where the catalogue has one (a platform's own rule keeps its text);
        # the JSON keeps the rule's full English text, as before.
        rule: tuple[str, Param] = (("rule_key", f"rule.{f.rule_id}") if translator("en").has(f"rule.{f.rule_id}")
                                   else ("rule", f.rule_text))
        key = "ap.check.compliance" if chapter is None else "ap.check.compliance_at"
        fields: tuple[tuple[str, Param], ...] = (rule,) if chapter is None else (rule, ("chapter", chapter))
        out.append(check(f"compliance:{f.rule_id}", hit, key, *fields, ("matched", f.matched),
                         english=f"{f.rule_text}{place}: “{f.matched}”"))
    return tuple(out)
