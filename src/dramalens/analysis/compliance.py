"""Compliance lint: flags where a script meets NRTA's content prompts for micro-dramas.

Every finding is a flag for a human reviewer, not a verdict: a cue word says where to look,
not what the scene means (a villain flaunting a black card may be the point of the satire).
Rules live in data/compliance_rules.toml; a platform adds or overrides rules with its own
TOML file of the same shape (``rules_path=``).
"""

from __future__ import annotations

import math
import re
import tomllib
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

from ..errors import ConfigError, InputError
from ..model import ElementType, Script
from ..serial import json_field, pairs_to_dict

__all__ = [
    "AUDIENCES",
    "BudgetTier",
    "ComplianceReport",
    "Finding",
    "Rule",
    "budget_tier",
    "check_rules_file",
    "lint_compliance",
    "load_rules",
]

AUDIENCES = ("general", "children")
SEVERITIES = ("high", "medium", "low", "info")
SCOPES = ("title", "text", "dialogue", "action")
NOTE = "A flag for a human reviewer, not a verdict: read the line in its scene before deciding."
#: NRTA's budget tiers for micro-dramas (yuan): ≥ 1,000,000 key, 300,000–1,000,000 ordinary.
KEY_BUDGET = 1_000_000
ORDINARY_BUDGET = 300_000
_LATIN = re.compile(r"[A-Za-z]")
_DIALOGUE = frozenset({ElementType.DIALOGUE, ElementType.VOICE_OVER, ElementType.INNER_VOICE, ElementType.LYRICS,
                       ElementType.PARENTHETICAL})
_ACTION = frozenset({ElementType.ACTION, ElementType.SUBTITLE, ElementType.CENTERED})


def _pattern_text(pattern: re.Pattern[str]) -> str:
    return pattern.pattern


@dataclass(frozen=True, slots=True)
class Rule:
    """One compliance rule, compiled."""

    id: str
    text: str
    severity: str
    scope: str
    audience: str | None
    pattern: re.Pattern[str] = field(metadata=json_field(convert=_pattern_text))


@dataclass(frozen=True, slots=True)
class Finding:
    """One place where a rule's cue occurs. ``line`` 0 and ``episode`` 0 mean the title."""

    rule_id: str
    rule_text: str
    severity: str
    line: int
    episode: int
    scene: str
    matched: str
    context: str
    note: str = NOTE


@dataclass(frozen=True, slots=True)
class BudgetTier:
    """Which review track a budget falls in: key (重点), ordinary (普通) or platform (平台自审)."""

    budget_yuan: float
    tier: str
    label: str
    review: str


@dataclass(frozen=True, slots=True)
class ComplianceReport:
    """The result of :func:`lint_compliance`; ``counts`` maps severity → number of findings."""

    findings: tuple[Finding, ...]
    audience: str
    budget: BudgetTier | None
    rules_checked: tuple[str, ...]
    counts: tuple[tuple[str, int], ...] = field(metadata=json_field(convert=pairs_to_dict))
    note: str = NOTE


def _compile(entry: dict[str, Any], source: str) -> Rule:  # a [[rule]] table as tomllib reads it
    try:
        rule_id = str(entry["id"])
        text = str(entry["text"])
    except KeyError as exc:
        raise ConfigError(f"a compliance rule lacks {exc.args[0]!r}", source=source,
                          hint="each [[rule]] needs id, text, severity, scope and terms or patterns") from None
    severity = entry.get("severity", "medium")
    scope = entry.get("scope", "text")
    audience = entry.get("audience")
    if severity not in SEVERITIES:
        raise ConfigError(f"rule {rule_id}: severity {severity!r} not allowed; allowed: {', '.join(SEVERITIES)}",
                          source=source)
    if scope not in SCOPES:
        raise ConfigError(f"rule {rule_id}: scope {scope!r} not allowed; allowed: {', '.join(SCOPES)}", source=source)
    if audience is not None and audience not in AUDIENCES:
        raise ConfigError(f"rule {rule_id}: audience {audience!r} not allowed; allowed: {', '.join(AUDIENCES)}",
                          source=source)
    parts: list[str] = []
    for term in entry.get("terms", []):
        escaped = re.escape(str(term))
        # Latin words match whole words only: "kill" must not fire inside "skill".
        parts.append(rf"(?<![A-Za-z]){escaped}(?![A-Za-z])" if _LATIN.search(str(term)) else escaped)
    parts.extend(str(p) for p in entry.get("patterns", []))
    if not parts:
        raise ConfigError(f"rule {rule_id} has neither terms nor patterns", source=source)
    try:
        pattern = re.compile("|".join(f"(?:{p})" for p in parts), re.IGNORECASE)
    except re.error as exc:
        raise ConfigError(f"rule {rule_id}: bad pattern: {exc}", source=source) from None
    return Rule(rule_id, text, severity, scope, audience, pattern)


def load_rules(path: str | Path | None = None) -> tuple[Rule, ...]:
    """The built-in rules, with those of the TOML file ``path`` added (same id replaces).

    A platform's file reaches every entry point through the settings (``compliance_rules``,
    ``DRAMALENS_COMPLIANCE_RULES``), which the command line and the web app pass down here.

    >>> [r.id for r in load_rules()][:1]
    ['title.badao_zongcai']
    """
    text = resources.files("dramalens.data").joinpath("compliance_rules.toml").read_text("utf-8")
    rules: dict[str, Rule] = {}
    for entry in tomllib.loads(text).get("rule", []):
        rule = _compile(entry, "compliance_rules.toml")
        rules[rule.id] = rule
    if path is not None:
        source = str(path)
        try:
            extra = tomllib.loads(Path(path).read_text("utf-8"))
        except OSError as exc:
            raise InputError(f"cannot read the rules file: {exc.strerror}", source=source,
                             hint="give a TOML file with [[rule]] tables") from None
        except tomllib.TOMLDecodeError as exc:
            raise ConfigError(f"the rules file is not valid TOML: {exc}", source=source) from None
        for entry in extra.get("rule", []):
            rule = _compile(entry, source)
            rules[rule.id] = rule
    return tuple(rules.values())


def check_rules_file(path: str | Path) -> None:
    """Load the rules file ``path`` once, so that any fault in it is one clear error.

    A missing file or one that is not UTF-8 is an :class:`InputError`; a ``[[rule]]`` of the
    wrong shape (``rule = 3``) a :class:`ConfigError`, as is invalid TOML.

    >>> try:
    ...     check_rules_file("no/such/rules.toml")
    ... except InputError as exc:
    ...     print(str(exc).split(" — ")[0])
    no/such/rules.toml: compliance rules file not found
    """
    hint = "a TOML file of [[rule]] tables with id, text, severity, scope and terms or patterns"
    source = str(path)
    if not Path(path).is_file():
        raise InputError("compliance rules file not found", source=source, hint=hint)
    try:
        load_rules(path)
    except UnicodeDecodeError:
        raise InputError("the compliance rules file is not UTF-8 text", source=source, hint=hint) from None
    except (TypeError, AttributeError, ValueError) as exc:  # [[rule]] of the wrong shape: `rule = 3`
        raise ConfigError(f"malformed compliance rules file: {exc}", source=source, hint=hint) from None


def _finite(x: float) -> bool:
    try:
        return math.isfinite(float(x))
    except OverflowError:
        return False


def budget_tier(budget_yuan: float) -> BudgetTier:
    """The NRTA review tier of a budget in yuan.

    >>> budget_tier(1_200_000).label, budget_tier(500_000).tier, budget_tier(80_000).tier
    ('重点', 'ordinary', 'platform')
    """
    # inf passed a plain ">= 0" and then broke strict JSON (Infinity); an int past float's range
    # (10**400) raised OverflowError in float(): both are invalid parameters, said as such.
    if isinstance(budget_yuan, bool) or not isinstance(budget_yuan, (int, float)) or not _finite(budget_yuan) or not budget_yuan >= 0:
        raise ConfigError(f"budget_yuan must be a finite number >= 0 (yuan), got {budget_yuan!r}")
    if budget_yuan >= KEY_BUDGET:
        return BudgetTier(float(budget_yuan), "key", "重点",
                          "key micro-drama (≥ ¥1M): filed with and reviewed by the NRTA")
    if budget_yuan >= ORDINARY_BUDGET:
        return BudgetTier(float(budget_yuan), "ordinary", "普通",
                          "ordinary micro-drama (¥300k–1M): filed with and reviewed by the provincial bureau")
    return BudgetTier(float(budget_yuan), "platform", "平台自审",
                      "below ¥300k: reviewed by the platform that carries it")


def _excerpt(text: str, start: int, end: int, width: int = 40) -> str:
    a, b = max(0, start - width), min(len(text), end + width)
    return ("…" if a else "") + text[a:b] + ("…" if b < len(text) else "")


def lint_compliance(
    script: Script,
    *,
    budget_yuan: float | None = None,
    audience: str | None = None,
    rules_path: str | Path | None = None,
) -> ComplianceReport:
    """Flag title and lines that meet NRTA's content prompts; each finding cites its line.

    ``audience`` is None/"general" or "children" (children's rules only apply to the latter).

    >>> from dramalens.model import Script
    >>> r = lint_compliance(Script(title="霸总的契约娇妻", language="zh"), budget_yuan=500_000)
    >>> [f.rule_id for f in r.findings], r.budget.label
    (['title.badao_zongcai', 'title.vulgar_sensational'], '普通')
    """
    audience = audience or "general"
    if audience not in AUDIENCES:
        raise ConfigError(f"audience {audience!r} not allowed; allowed: {', '.join(AUDIENCES)}")
    budget = budget_tier(budget_yuan) if budget_yuan is not None else None
    rules = [r for r in load_rules(rules_path) if r.audience is None or r.audience == audience]
    findings: list[Finding] = []
    title = script.title or ""
    for rule in rules:
        if rule.scope != "title":
            continue
        for m in rule.pattern.finditer(title):
            findings.append(Finding(rule.id, rule.text, rule.severity, 0, 0, "", m.group(0),
                                    _excerpt(title, m.start(), m.end())))
    body = [r for r in rules if r.scope != "title"]
    for episode, scene, element in script.iter_elements():
        if element.type in _DIALOGUE:
            kind = "dialogue"
        elif element.type in _ACTION:
            kind = "action"
        else:
            continue
        text = element.text
        label = scene.number or ""
        for rule in body:
            if rule.scope not in ("text", kind):
                continue
            for m in rule.pattern.finditer(text):
                if not m.group(0):
                    continue
                findings.append(Finding(rule.id, rule.text, rule.severity, element.line, episode.number, label,
                                        m.group(0), _excerpt(text, m.start(), m.end())))
    counts = {s: 0 for s in SEVERITIES}
    for f in findings:
        counts[f.severity] += 1
    return ComplianceReport(
        findings=tuple(findings),
        audience=audience,
        budget=budget,
        rules_checked=tuple(r.id for r in rules),
        counts=tuple(counts.items()),
    )
