"""Analyses: pure functions Script → frozen result dataclasses, one module per concern.

:func:`analyze` runs them all and returns an :class:`Analysis`: runtime, episode format,
pacing, hooks, paywall, characters, emotional arc, compliance, tropes and the plot skeleton,
with ``to_dict()`` (JSON) and ``tables()`` (pandas-friendly rows). :func:`analyze_file` reads
a script file first, checking its options files before the parse.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import ConfigError
from ..i18n import Message, translator
from ..model import ReadQuality, Script
from ..parsing import parse
from ..serial import JSON, Scalar, json_field, jsonable_dict
from .arc import ArcResult, emotional_arc
from .characters import CharacterReport, analyze_characters
from .compliance import ComplianceReport, check_rules_file, lint_compliance
from .cues import DEFAULT_LEXICON, Lexicon
from .episode_format import DEFAULT_FORMAT_PARAMS, FORMATS, FormatParams, FormatResult, classify_format
from .hooks import DEFAULT_HOOK_PARAMS, HookParams, HookResult, find_hooks
from .pacing import PacingResult, analyze_pacing
from .paywall import PaywallResult, recommend_paywall
from .runtime import DEFAULT_PARAMS, RuntimeParams, RuntimeResult, estimate_runtime, load_params
from .skeleton import Skeleton, extract_skeleton
from .tropes import ScriptTropes, script_tropes

__all__ = ["Analysis", "RuntimeParams", "analyze", "analyze_file"]

Rows = list[dict[str, Scalar]]


@dataclass(frozen=True, slots=True)
class Analysis:
    """Everything :func:`analyze` measured about one script, one typed result per part."""

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
    characters: CharacterReport
    arc: ArcResult
    compliance: ComplianceReport
    tropes: ScriptTropes
    skeleton: Skeleton
    warnings: tuple[str, ...] = ()
    #: The same warnings as catalogue messages (``report`` renders them in the reader's language);
    #: not in the JSON, which keeps its English ``warnings``.
    notes: tuple[Message, ...] = field(default=(), metadata=json_field(omit=True))
    #: How well the file was read (the parse's :class:`~dramalens.model.ReadQuality`).
    read_quality: ReadQuality = ReadQuality(measured=False)

    def to_dict(self) -> dict[str, JSON]:
        """All results as JSON-ready data (``json.dumps`` works on it)."""
        return jsonable_dict(self)

    def tables(self) -> dict[str, Rows]:
        """Table name → rows (dicts of scalars): ``pandas.DataFrame(rows)`` works on each.

        ``episodes``: one row per episode (runtime vs band, hook seconds, ending strength,
        paywall); ``scenes``: the production breakdown; ``hooks``: each cue behind a hook
        score with its source line; then the list-shaped parts of characters, arc, compliance
        and tropes (``characters``, ``characters_edges``, ``arc_episodes``, ``tropes``, ...),
        each only when it has rows.
        """
        out = {"episodes": self._episode_rows(), "scenes": _rows(self.pacing.breakdown), "hooks": self._hook_rows()}
        parts: tuple[tuple[str, Sequence[object]], ...] = (
            ("characters", self.characters.characters),
            ("characters_presence", self.characters.presence),
            ("characters_edges", self.characters.edges),
            ("arc_scenes", self.arc.scenes),
            ("arc_episodes", self.arc.episodes),
            ("compliance_findings", self.compliance.findings),
            ("tropes", self.tropes.hits),
        )
        # An empty part gives no table rather than a CSV file with no columns.
        out.update((name, _rows(records)) for name, records in parts if records)
        return out

    def _episode_rows(self) -> Rows:
        paywall_ep = self.paywall.paywall_episode
        pacing = {p.number: p for p in self.pacing.episodes}
        hooks = {h.number: h for h in self.hooks.episodes}
        episodes: Rows = []
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
        return episodes

    def _hook_rows(self) -> Rows:
        rows: Rows = []
        for h in self.hooks.episodes:
            if h.first_hook is not None:
                c = h.first_hook
                rows.append(
                    {"episode": h.number, "kind": "first_hook", "category": c.category, "cue": c.cue,
                     "weight": None, "at_seconds": round(h.first_hook_seconds or 0.0, 1), "line": c.line, "excerpt": c.excerpt}
                )
            for e in h.ending_cues:
                rows.append(
                    {"episode": h.number, "kind": "ending", "category": e.category, "cue": e.cue,
                     "weight": round(e.weight, 3), "at_seconds": round(e.at_seconds, 1), "line": e.line, "excerpt": e.excerpt}
                )
        return rows


def _rows(records: Sequence[object]) -> Rows:
    """Each record (a result dataclass) as one row of scalars, with its JSON keys."""
    return [{key: _scalar(value) for key, value in jsonable_dict(record).items()} for record in records]


def _scalar(value: JSON) -> Scalar:
    # A list of names or numbers reads best as "a, b"; anything nested stays JSON in its cell.
    if value is None or isinstance(value, (str, int, float, bool)):
        return value
    if isinstance(value, list) and all(isinstance(v, (str, int, float)) for v in value):
        return ", ".join(str(v) for v in value)
    return json.dumps(value, ensure_ascii=False, default=str)


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
    """Run every analysis on ``script``: runtime, format, pacing, hooks, paywall, characters,
    emotional arc, compliance, tropes (with the track) and the plot skeleton.

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
    runtime = estimate_runtime(script, params)
    fmt = classify_format(runtime, format, format_params)
    hooks = find_hooks(script, params, hook_params, lexicon)
    paywall = recommend_paywall(hooks, free_episodes, window=paywall_window, threshold=hook_params.weak_threshold)
    characters = analyze_characters(script, params)
    said = _warnings(script, fmt, format_params, paywall, characters)
    return Analysis(
        title=script.title,
        language=script.language,
        source=script.source,
        source_format=script.source_format,
        episode_count=len(script.episodes),
        runtime=runtime,
        format=fmt,
        pacing=analyze_pacing(script, params, runtime=runtime),
        hooks=hooks,
        paywall=paywall,
        characters=characters,
        arc=emotional_arc(script),
        compliance=lint_compliance(script, budget_yuan=budget_yuan, audience=audience, rules_path=compliance_rules),
        tropes=script_tropes(script),
        skeleton=extract_skeleton(script),
        warnings=tuple(english for _, english in said),
        notes=tuple(m for m, _ in said),
        read_quality=script.quality,
    )


def _warnings(
    script: Script, fmt: FormatResult, format_params: FormatParams, paywall: PaywallResult, characters: CharacterReport
) -> tuple[tuple[Message, str], ...]:
    """What a reader of the numbers should know first, as (message, English sentence): names
    left unmerged, empty scripts, episodes outside the band or over the NRTA ceiling, a weak
    paywall. The format's and the paywall's notes keep the English their results have always
    carried (the JSON's ``warnings``); the rest are their messages said in English."""
    en = translator("en")
    warnings = [(m, m.render(en)) for m in characters.notes]  # names left unmerged on purpose

    def add(message: Message, english: str | None = None) -> None:
        warnings.append((message, message.render(en) if english is None else english))

    if not script.episodes:
        add(Message("note.no_episodes"))
    if fmt.note:
        add(fmt.note_message or Message("note.text", (("text", fmt.note),)), fmt.note)
    if fmt.outside:
        shown = ", ".join(str(o.number) for o in fmt.outside[:10]) + (" …" if len(fmt.outside) > 10 else "")
        lo, hi = fmt.band
        add(Message("note.outside_band", (("n", len(fmt.outside)), ("format_key", fmt.format),
                                          ("lo", lo / 60), ("hi", hi / 60), ("shown", shown))))
    if fmt.over_nrta:
        add(Message("note.over_nrta", (("n", len(fmt.over_nrta)), ("ceiling", format_params.nrta_ceiling_seconds / 60))))
    if paywall.warning:
        add(paywall.message or Message("note.text", (("text", paywall.warning),)), paywall.warning)
    return tuple(warnings)


def analyze_file(
    path: str | Path,
    *,
    input_format: str | None = None,
    encoding: str | None = None,
    max_bytes: int | None = None,
    format: str | None = None,
    free_episodes: int | None = None,
    budget_yuan: float | None = None,
    audience: str | None = None,
    params_path: str | Path | None = None,
    compliance_rules: str | Path | None = None,
) -> Analysis:
    """Parse the script file ``path`` and :func:`analyze` it: what ``dramalens analyze`` runs.

    The options are checked before the (possibly long) parse: an unknown ``format``, a bad
    runtime params JSON (``params_path``, as ``dramalens calibrate --out`` writes it) or a bad
    compliance rules TOML each fail at once with one clear error. ``input_format``,
    ``encoding`` and ``max_bytes`` go to :func:`dramalens.parse`.

    >>> import tempfile, pathlib
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "s.txt"
    >>> _ = p.write_text("第1集\\n1-1 日 内 客厅\\n林晚：你终于来了？\\n", encoding="utf-8")
    >>> analyze_file(p, format="vertical").format.chosen
    True
    """
    if format is not None and format not in FORMATS:
        raise ConfigError(f"unknown episode format {format!r}; allowed: {', '.join(FORMATS)}")
    params = DEFAULT_PARAMS if params_path is None else load_params(params_path)
    if compliance_rules is not None:
        check_rules_file(compliance_rules)  # before the parse: a bad rules file fails fast
    script = parse(Path(path), format=input_format, encoding=encoding, max_bytes=max_bytes)
    return analyze(
        script, format=format, free_episodes=free_episodes, budget_yuan=budget_yuan, audience=audience, params=params,
        compliance_rules=compliance_rules,
    )
