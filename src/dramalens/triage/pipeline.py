"""The one adapter between the script desk and the rest of dramalens.

Analysing one submission: parse → analyze → catalog novelty/similar → compliance → score.
Everything the desk needs from the parsers, the analysis, the HTML report and the catalog
goes through this module, so a change in their interfaces is fixed here and nowhere else.

The worker calls a *pipeline function* ``fn(submission, *, weights, catalog) -> dict``;
:func:`analyse_submission` is the real one. The dict holds the columns of
``triage_scores`` plus ``language`` and ``tropes`` (see :func:`dramalens.triage.jobs.complete`).
"""

from __future__ import annotations

import html
import importlib
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from ..errors import ConfigError, DramalensError
from .scoring import DEFAULT_WEIGHTS, Features, Weights, score

__all__ = [
    "CatalogRef",
    "PipelineFn",
    "SubmissionInput",
    "analyse_submission",
    "catalog_available",
    "catalog_listing",
    "detected_metadata",
    "features_from_analysis",
    "open_catalog",
    "pipeline_available",
    "require_pipeline",
    "saturation_rows",
    "trope_label",
]


@dataclass(frozen=True, slots=True)
class SubmissionInput:
    """What the pipeline gets for one submission: its bytes and the metadata the sender gave."""

    id: int
    filename: str
    content: bytes
    title: str = ""
    format: str = ""
    episodes: int | None = None
    track: str = ""
    synopsis: str = ""
    budget: int | None = None


PipelineFn = Callable[..., dict]
_CATALOG_LOCK = threading.Lock()


def _has(module: str, attr: str | None = None) -> bool:
    try:
        mod = importlib.import_module(module)
    except Exception:  # absent, or broken mid-upgrade: the desk runs without it
        return False
    return attr is None or hasattr(mod, attr)


def pipeline_available() -> bool:
    """Whether the analysis stage the pipeline needs is installed in this checkout.

    >>> isinstance(pipeline_available(), bool)
    True
    """
    return _has("dramalens.analysis", "analyze")


def catalog_available() -> bool:
    """Whether the catalog (novelty, similar works) is present."""
    return _has("dramalens.catalog", "Catalog")


def require_pipeline() -> None:
    """Raise one clear error when the analysis stage is missing (instead of failing per job)."""
    if not pipeline_available():
        raise ConfigError(
            "the analysis stage (dramalens.analysis.analyze) is not available in this installation",
            hint="install the full dramalens package; the script desk cannot score scripts without it",
        )


class CatalogRef:
    """The catalog of a database, opened lazily and looked at again every ``refresh`` seconds,
    so works imported while a long-running worker is up are compared against too."""

    def __init__(self, db_url: str | None, refresh: float = 60.0):
        self.db_url = db_url
        self.refresh = refresh
        self._catalog = None
        self._count = -1
        self._checked = float("-inf")
        self._lock = threading.Lock()

    def get(self):
        """The catalog, or None while it is absent or empty."""
        with self._lock:
            if time.monotonic() - self._checked < self.refresh:
                return self._catalog
            self._checked = time.monotonic()
            if not catalog_available():
                return None
            from .. import catalog as cat

            if self._catalog is None:
                try:
                    self._catalog = cat.Catalog(self.db_url)
                except DramalensError:
                    return None
            count = self._catalog.count()
            if count != self._count:  # works were added or removed: rebuild the cached index
                self._catalog.invalidate()
                self._count = count
            return self._catalog if count else None


def open_catalog(db_url: str | None = None) -> CatalogRef:
    """A handle on the catalog of ``db_url`` for the workers (None-safe when there is none).

    >>> open_catalog("sqlite://").get() is None
    True
    """
    return CatalogRef(db_url)


def analyse_submission(sub: SubmissionInput, *, weights: Weights = DEFAULT_WEIGHTS, catalog=None,
                       compliance_rules: str | Path | None = None) -> dict:
    """Analyse and score one submission (the real pipeline function of the worker).

    ``compliance_rules``: a platform's TOML rules file (``Settings.compliance_rules``); the
    command line binds it with :func:`functools.partial` when one is configured.

    >>> # analyse_submission(SubmissionInput(1, "a.txt", "第1集\\n…".encode()))["total"]
    """
    require_pipeline()
    from .. import analyze
    from ..parsing import parse_bytes

    suffix = PurePosixPath(sub.filename).suffix.lower()
    script = parse_bytes(sub.content, source=sub.filename, extension=suffix)
    if sub.title and not script.title:
        script.title = sub.title
    analysis = analyze(script, format=sub.format or None, budget_yuan=sub.budget, compliance_rules=compliance_rules)
    data = analysis.to_dict()

    if isinstance(catalog, CatalogRef):
        catalog = catalog.get()
    with _CATALOG_LOCK:  # the catalog caches its index in memory; one query at a time is safe
        similar, novelty = _compare(catalog, script)
    features = features_from_analysis(data, novelty=novelty, similar=similar)
    flags = list(features.flags) + _budget_flags(data)
    features = Features(**{**_features_fields(features), "flags": tuple(flags)})
    result = score(features, weights)
    out = result.to_dict()
    hits = _trope_hits(script)
    out.update(
        analysis=data,
        similar=list(similar),
        report_html=_report(analysis, script),
        language=script.language,
        script_title=script.title,
        tropes=_trope_labels(hits, script.language),
        **detected_metadata(data, script, hits),
    )
    return out


def detected_metadata(data: dict, script=None, hits=None) -> dict:
    """What the pipeline found out about a script that the sender may not have declared:
    ``detected_episodes`` (episodes parsed), ``detected_format`` (the format the analysis
    classified, or used when declared) and ``detected_track`` (the catalog's trope tagger;
    '' without a catalog or for a language it does not know).

    >>> detected_metadata({"episode_count": 60, "format": {"format": "vertical"}})
    {'detected_episodes': 60, 'detected_format': 'vertical', 'detected_track': ''}
    """
    episodes = data.get("episode_count")
    fmt = (data.get("format") or {}).get("format") or ""
    return {
        "detected_episodes": int(episodes) if isinstance(episodes, int) and episodes > 0 else None,
        "detected_format": fmt if fmt in ("vertical", "horizontal") else "",
        "detected_track": _track(script, hits) if script is not None else "",
    }


def _script_text(script) -> str:
    # The same text the catalog tags works by (title, title page, every element), so a
    # submission and a catalog work get their track by one rule.
    parts = [script.title or ""]
    parts.extend(value for _, value in script.title_page)
    parts.extend(e.text for _, _, e in script.iter_elements())
    return "\n".join(parts)


def _track(script, hits) -> str:
    """The track the catalog's tagger infers from the tropes and setting words ('' when it cannot)."""
    if hits is None or script.language not in ("zh", "en"):
        return ""
    from ..analysis.tropes import infer_track

    return infer_track(hits, _script_text(script), script.language)


def _features_fields(f: Features) -> dict:
    return {name: getattr(f, name) for name in Features.__slots__}


def _report(analysis, script) -> str:
    try:
        from ..report.html import render_html
    except ImportError:
        body = html.escape(str(analysis.to_dict())[:20000])
        return f"<!doctype html><meta charset=utf-8><title>{html.escape(script.title)}</title><pre>{body}</pre>"
    return render_html(analysis, script)


def _compare(catalog, script) -> tuple[list[dict], float | None]:
    """Similar works (with shared passages) and novelty; ([], None) when there is no catalog."""
    if catalog is None:
        return [], None
    from .. import catalog as cat

    similar = [_as_dict(m) for m in cat.similar(catalog, script, k=5)]
    novelty = float(cat.novelty(catalog, script).score)
    return similar, novelty


def _as_dict(obj) -> dict:
    if isinstance(obj, dict):
        d = dict(obj)
    elif hasattr(obj, "to_dict"):
        d = obj.to_dict()
    else:
        d = {"title": str(obj)}
    d.setdefault("title", d.get("work") or d.get("name") or "?")
    d.setdefault("score", d.get("similarity", 0.0))
    return d


def features_from_analysis(data: dict, *, novelty: float | None = None, similar: list[dict] | None = None) -> Features:
    """Map ``Analysis.to_dict()`` onto the rubric's :class:`Features`.

    Missing parts stay None so the rubric scores only what was measured.

    >>> features_from_analysis({}).hook_rate is None
    True
    """
    hooks = data.get("hooks") or {}
    episodes = hooks.get("episodes") or []
    threshold = float(hooks.get("weak_threshold", 0.5))
    strong = [e for e in episodes if float(e.get("ending_strength", 0)) >= threshold]
    weak = []
    for e in episodes:
        if float(e.get("ending_strength", 0)) < threshold:
            cues = e.get("ending_cues") or []
            weak.append((int(e.get("number", 0)), int(cues[-1].get("line", 0)) if cues else 0))

    fmt = data.get("format") or {}
    pacing_fit = None
    pacing_note = ""
    n_eps = len(episodes) or int(data.get("episodes", 0) or 0)
    if fmt and n_eps:
        outside = len(fmt.get("outside") or [])
        pacing_fit = max(0.0, 1.0 - outside / n_eps)
        pacing_note = f"{n_eps - outside} of {n_eps} episodes inside the {fmt.get('format', '?')} length band"

    chars = data.get("characters") or {}
    summary = chars.get("summary") or {}
    agency = None
    agency_note = ""
    if "mean_primary_agency" in summary:
        raw = float(summary["mean_primary_agency"])  # in [-1, 1]
        agency = (raw + 1.0) / 2.0
        agency_note = f"lead characters' agency {raw:+.2f} ({summary.get('drive', '')})"

    return Features(
        episodes=len(episodes),
        hook_endings=len(strong),
        novelty=novelty,
        pacing_fit=pacing_fit,
        agency=agency,
        flags=tuple(_compliance_flags(data.get("compliance"))),
        weak_endings=tuple(weak),
        similar=tuple(similar or ()),
        pacing_note=pacing_note,
        agency_note=agency_note,
    )


def _compliance_flags(comp) -> list[dict]:
    if not comp:
        return []
    items = comp.get("flags") or comp.get("findings") or [] if isinstance(comp, dict) else comp
    out = []
    for item in items:
        if not isinstance(item, dict):
            continue
        out.append({
            "rule": str(item.get("rule_id") or item.get("rule") or "compliance"),
            "severity": str(item.get("severity") or "medium").lower(),
            "text": f"{item.get('rule_text', '')}: {item.get('context') or item.get('matched') or ''}".strip(": "),
            "episode": item.get("episode"),
            "line": item.get("line"),
        })
    return out


def _budget_flags(data: dict) -> list[dict]:
    """The NRTA budget tier as evidence (severity info: it decides who reviews, not the score)."""
    budget = (data.get("compliance") or {}).get("budget")
    if not budget:
        return []
    return [{"rule": f"budget.{budget.get('tier', '?')}", "severity": "info",
             "text": f"{budget.get('label', '')}: {budget.get('review', '')}", "episode": None, "line": None}]


def _trope_hits(script):
    """The catalog tagger's trope hits, or None without a catalog module."""
    if not catalog_available():
        return None
    from ..analysis.tropes import tag_script

    return tag_script(script)


def _trope_labels(hits, language: str) -> list[str]:
    """Trope labels in the script's language (the queue filters on them); [] without a catalog."""
    return [(h.label_zh if language == "zh" else h.label_en) or h.trope for h in hits or ()][:20]


def trope_label(trope_id: str, language: str = "en") -> str:
    """The catalog vocabulary's label of a trope id (a shared trope of a similar work) in
    ``language``; the id itself when the catalog or the trope is unknown.

    >>> trope_label("no_such_trope")
    'no_such_trope'
    """
    if not catalog_available():
        return trope_id
    from ..analysis.tropes import load_vocabulary

    for t in load_vocabulary().tropes:  # cached; ~30 entries
        if t.id == trope_id:
            return (t.label_zh if language == "zh" else t.label_en) or trope_id
    return trope_id


# -- the catalog pages of the web app ----------------------------------------------------------
@contextmanager
def _opened_catalog(db_url: str | None) -> Iterator:
    """The catalog of ``db_url``, closed on leaving; None where there is none (the module is
    absent or the database cannot be opened as a catalog)."""
    if not catalog_available():
        yield None
        return
    from .. import catalog as cat

    try:
        catalog = cat.Catalog(db_url)
    except DramalensError:
        yield None
        return
    try:
        yield catalog
    finally:
        catalog.close()


def catalog_listing(db_url: str | None, *, limit: int = 50, offset: int = 0) -> tuple[list[dict], int] | None:
    """(works, total) from the catalog for the catalog browser; None when there is no catalog.

    >>> catalog_listing("sqlite://") in (None, ([], 0))
    True
    """
    with _opened_catalog(db_url) as catalog:
        if catalog is None:
            return None
        return catalog.list_works(limit=limit, offset=offset), catalog.count()


def saturation_rows(db_url: str | None) -> list[dict] | None:
    """Saturation by trope/track from the catalog (supply against plays); None without one."""
    if not _has("dramalens.catalog", "saturation"):
        return None
    from .. import catalog as cat

    with _opened_catalog(db_url) as catalog:
        if catalog is None:
            return None
        result = cat.saturation(catalog)
    keys = ("kind", "name", "label", "works", "share", "supply_growth", "plays_growth", "status")
    return [{k: getattr(r, k) for k in keys} for r in result.rows]
