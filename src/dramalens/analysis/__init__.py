"""Analyses: pure functions Script → frozen result dataclasses, one module per concern.

:func:`analyze` runs them all and returns an :class:`Analysis`: runtime, episode format,
pacing, hooks, paywall, characters, emotional arc and compliance, with ``to_dict()`` (JSON)
and ``tables()`` (pandas-friendly rows).
"""

from __future__ import annotations

import json
import warnings as _warnings
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..errors import ConfigError
from ..model import Script
from .cues import DEFAULT_LEXICON, Lexicon
from .episode_format import DEFAULT_FORMAT_PARAMS, FormatParams, FormatResult, classify_format
from .hooks import DEFAULT_HOOK_PARAMS, HookParams, HookResult, find_hooks
from .pacing import PacingResult, analyze_pacing
from .paywall import PaywallResult, recommend_paywall
from .runtime import DEFAULT_PARAMS, RuntimeParams, RuntimeResult, estimate_runtime

__all__ = ["Analysis", "RuntimeParams", "analyze"]


@dataclass(frozen=True, slots=True)
class Analysis:
    """Everything :func:`analyze` measured about one script.

    ``characters``, ``arc`` and ``compliance`` are None when their module could not run (the
    reason is in ``warnings``).
    """

    title: str
    language: str
    source: str | None
    source_format: str
    episode_count: int
    runtime: RuntimeResult
    format: FormatResult
    pacing: PacingResult
    hooks: HookResult
    paywall: PaywallResult
    characters: Any = None
    arc: Any = None
    compliance: Any = None
    warnings: tuple[str, ...] = ()

    def to_dict(self) -> dict:
        """All results as JSON-ready data (``json.dumps`` works on it)."""
        return {
            "title": self.title,
            "language": self.language,
            "source": self.source,
            "source_format": self.source_format,
            "episode_count": self.episode_count,
            "runtime": self.runtime.to_dict(),
            "format": self.format.to_dict(),
            "pacing": self.pacing.to_dict(),
            "hooks": self.hooks.to_dict(),
            "paywall": self.paywall.to_dict(),
            "characters": _maybe_dict(self.characters),
            "arc": _maybe_dict(self.arc),
            "compliance": _maybe_dict(self.compliance),
            "warnings": list(self.warnings),
        }

    def tables(self) -> dict[str, list[dict]]:
        """Table name → rows (dicts of scalars): ``pandas.DataFrame(rows)`` works on each.

        ``episodes``: one row per episode (runtime vs band, hook seconds, ending strength,
        paywall); ``scenes``: the production breakdown; ``hooks``: each cue behind a hook
        score with its source line; then the list-shaped parts of characters, arc and
        compliance (``characters``, ``characters_edges``, ``arc_episodes``, ...).
        """
        paywall_ep = self.paywall.paywall_episode
        pacing = {p.number: p for p in self.pacing.episodes}
        hooks = {h.number: h for h in self.hooks.episodes}
        episodes = []
        for rt in self.runtime.episodes:
            p, h = pacing.get(rt.number), hooks.get(rt.number)
            episodes.append(
                {
                    "episode": rt.number,
                    "title": rt.title,
                    "seconds": round(rt.seconds, 1),
                    "minutes": round(rt.minutes, 2),
                    "band": self.format.status(rt.number),
                    "scenes": rt.scenes,
                    "seconds_per_scene": None if p is None else round(p.seconds_per_scene, 1),
                    "dialogue_share": None if p is None else round(p.dialogue_share, 3),
                    "first_hook_seconds": None if h is None or h.first_hook_seconds is None else round(h.first_hook_seconds, 1),
                    "ending_strength": None if h is None else round(h.ending_strength, 3),
                    "hooks_per_minute": None if h is None else round(h.hooks_per_minute, 2),
                    "reversals_per_minute": None if h is None else round(h.reversals_per_minute, 2),
                    "paywall": rt.number == paywall_ep,
                    "line": rt.line,
                }
            )
        hook_rows = []
        for h in self.hooks.episodes:
            if h.first_hook is not None:
                c = h.first_hook
                hook_rows.append(
                    {"episode": h.number, "kind": "first_hook", "category": c.category, "cue": c.cue,
                     "weight": None, "at_seconds": round(h.first_hook_seconds or 0.0, 1), "line": c.line, "excerpt": c.excerpt}
                )
            for c in h.ending_cues:
                hook_rows.append(
                    {"episode": h.number, "kind": "ending", "category": c.category, "cue": c.cue,
                     "weight": round(c.weight, 3), "at_seconds": round(c.at_seconds, 1), "line": c.line, "excerpt": c.excerpt}
                )
        out: dict[str, list[dict]] = {
            "episodes": episodes,
            "scenes": [r.to_dict() for r in self.pacing.breakdown],
            "hooks": hook_rows,
        }
        for prefix, result in (("characters", self.characters), ("arc", self.arc), ("compliance", self.compliance)):
            for name, rows in _list_tables(prefix, _maybe_dict(result)).items():
                out[name] = rows
        return out


def _maybe_dict(result: Any) -> Any:
    if result is None:
        return None
    to_dict = getattr(result, "to_dict", None)
    return to_dict() if callable(to_dict) else result


def _scalar(value: Any) -> Any:
    if value is None or isinstance(value, (str, int, float, bool)):
        return value
    if isinstance(value, (list, tuple)) and all(isinstance(v, (str, int, float)) for v in value):
        return ", ".join(str(v) for v in value)
    return json.dumps(value, ensure_ascii=False, default=str)


def _list_tables(prefix: str, data: Any) -> dict[str, list[dict]]:
    """Every top-level list of dicts in ``data`` as a table of scalar rows."""
    if not isinstance(data, dict):
        return {}
    out = {}
    for key, value in data.items():
        if isinstance(value, list) and value and all(isinstance(v, dict) for v in value):
            name = prefix if key == prefix else f"{prefix}_{key}"
            out[name] = [{k: _scalar(v) for k, v in row.items()} for row in value]
    return out


def _optional(name: str, call, warnings: list[str]):
    """Run one of the other analyses; a module that cannot be imported becomes a warning.

    Only ImportError is caught: a bug inside an analysis must show, not turn into a None.
    """
    try:
        return call()
    except ImportError as exc:
        message = f"{name} analysis unavailable: {exc}"
    _warnings.warn(message, RuntimeWarning, stacklevel=3)
    warnings.append(message)
    return None


def analyze(
    script: Script,
    *,
    format: str | None = None,
    free_episodes: int | None = None,
    budget_yuan: float | None = None,
    audience: str | None = None,
    params: RuntimeParams = DEFAULT_PARAMS,
    hook_params: HookParams = DEFAULT_HOOK_PARAMS,
    format_params: FormatParams = DEFAULT_FORMAT_PARAMS,
    paywall_window: tuple[int, int] = (8, 16),
    lexicon: Lexicon = DEFAULT_LEXICON,
    compliance_rules: str | Path | None = None,
) -> Analysis:
    """Run every analysis on ``script``.

    ``format`` checks the episodes against ``"vertical"``/``"horizontal"`` instead of
    classifying; ``free_episodes`` is the chosen paywall (episodes 1..N free); ``budget_yuan``
    and ``audience`` go to the compliance lint, as does ``compliance_rules``: a TOML rules file
    that extends the built-in rules (default: none; the CLI passes ``Settings.compliance_rules``).

    >>> from dramalens.parsing.builder import ScriptBuilder
    >>> from dramalens.model import ElementType
    >>> b = ScriptBuilder(source_format="chinese"); _ = b.start_episode(1, line=1)
    >>> _ = b.add_new(ElementType.DIALOGUE, "好" * 480, 2, character="林晚")
    >>> a = analyze(b.build(language="zh", title="T"))
    >>> a.episode_count, a.runtime.total_seconds, a.format.format
    (1, 120.5, 'vertical')
    """
    if not isinstance(script, Script):
        raise ConfigError(f"analyze() needs a Script (from dramalens.parse), got {type(script).__name__}")
    if budget_yuan is not None and (isinstance(budget_yuan, bool) or not isinstance(budget_yuan, (int, float)) or budget_yuan < 0):
        raise ConfigError(f"budget_yuan must be a number >= 0, got {budget_yuan!r}")
    if compliance_rules is not None and not isinstance(compliance_rules, (str, Path)):
        raise ConfigError(f"compliance_rules must be a path to a TOML rules file, got {type(compliance_rules).__name__}")
    warnings: list[str] = []
    runtime = estimate_runtime(script, params)
    fmt = classify_format(runtime, format, format_params)
    pacing = analyze_pacing(script, params, runtime=runtime)
    hooks = find_hooks(script, params, hook_params, lexicon)
    paywall = recommend_paywall(hooks, free_episodes, window=paywall_window, threshold=hook_params.weak_threshold)

    def characters():
        from .characters import analyze_characters

        return analyze_characters(script, params)

    def arc():
        from .arc import emotional_arc

        return emotional_arc(script)

    def compliance():
        from .compliance import lint_compliance

        return lint_compliance(script, budget_yuan=budget_yuan, audience=audience, rules_path=compliance_rules)

    chars = _optional("characters", characters, warnings)
    arc_result = _optional("arc", arc, warnings)
    comp = _optional("compliance", compliance, warnings)

    if chars is not None:
        warnings.extend(getattr(chars, "warnings", ()))  # names left unmerged on purpose
    if not script.episodes:
        warnings.append("the script has no episodes: nothing to measure")
    if fmt.note:
        warnings.append(fmt.note)
    if fmt.outside:
        shown = ", ".join(str(o.number) for o in fmt.outside[:10]) + (" …" if len(fmt.outside) > 10 else "")
        lo, hi = fmt.band
        warnings.append(f"{len(fmt.outside)} episode(s) outside the {fmt.format} band {lo / 60:g}-{hi / 60:g} min: {shown}")
    if fmt.over_nrta:
        warnings.append(f"{len(fmt.over_nrta)} episode(s) over the NRTA micro-drama ceiling (~{format_params.nrta_ceiling_seconds / 60:g} min)")
    if paywall.warning:
        warnings.append(paywall.warning)
    return Analysis(
        title=script.title,
        language=script.language,
        source=script.source,
        source_format=script.source_format,
        episode_count=len(script.episodes),
        runtime=runtime,
        format=fmt,
        pacing=pacing,
        hooks=hooks,
        paywall=paywall,
        characters=chars,
        arc=arc_result,
        compliance=comp,
        warnings=tuple(warnings),
    )
