"""Fit the runtime model to scripts of known duration.

The runtime estimate is linear in five feature totals (see :mod:`.runtime`): dialogue units
and action units per language, pauses and headed scenes. Given scripts with measured
minutes, :func:`fit_params` solves for multipliers on the default rates by least squares,
with a light ridge pull toward the defaults so that one or two scripts cannot produce absurd
rates (and a feature absent from every script keeps its default). The pause feature is the
default pause seconds (punctuation and line pauses together), so both pause settings scale by
the same factor.

The CSV for :func:`calibrate` has a header ``path,minutes``; paths are relative to the CSV.
"""

from __future__ import annotations

import csv
import math
from dataclasses import dataclass, field
from pathlib import Path
from typing import cast

import numpy as np
import numpy.typing as npt

from ..errors import ConfigError, InputError
from ..model import Script
from ..parsing import parse
from ..serial import json_field
from .runtime import DEFAULT_PARAMS, RuntimeParams, estimate_runtime

__all__ = ["CalibrationResult", "calibrate", "fit_params"]

# Multipliers are kept inside this range: a rate 20× off the default means bad data, not a fit.
# Pauses and scene changes may fit to zero; a speaking or action rate may not.
_MIN_MULT, _MAX_MULT = 0.05, 20.0


def _row_dicts(rows: tuple[tuple[str, float, float, float], ...]) -> list[dict[str, str | float]]:
    return [{"script": n, "minutes": a, "predicted_before": round(b, 3), "predicted_after": round(f, 3)} for n, a, b, f in rows]


def _multiplier_dict(multipliers: tuple[tuple[str, float], ...]) -> dict[str, float]:
    return {k: round(v, 4) for k, v in multipliers}


@dataclass(frozen=True, slots=True)
class CalibrationResult:
    """New params, the fit error before/after (minutes), and per-script predictions."""

    params: RuntimeParams
    scripts: int
    # The errors are minutes; the JSON keys say so.
    rmse_before: float = field(metadata=json_field(name="rmse_minutes_before", digits=4))
    rmse_after: float = field(metadata=json_field(name="rmse_minutes_after", digits=4))
    mae_after: float = field(metadata=json_field(name="mae_minutes_after", digits=4))
    multipliers: tuple[tuple[str, float], ...] = field(metadata=json_field(convert=_multiplier_dict))
    # (name, actual, before, after) minutes
    rows: tuple[tuple[str, float, float, float], ...] = field(metadata=json_field(convert=_row_dicts))


def _columns(script: Script, base: RuntimeParams) -> dict[str, float]:
    """Default seconds contributed by each fitted feature of ``script``."""
    f = estimate_runtime(script, base).features
    zh = script.language == "zh"
    lang = "zh" if zh else "en"
    return {
        f"{lang}_dialogue": f.dialogue_units * 60.0 / base.speaking_rate(script.language),
        f"{lang}_action": f.action_units * 60.0 / base.action_rate(script.language),
        "pauses": f.punct_pauses * base.pause_per_punct + f.spoken_lines * base.pause_per_line,
        "scenes": f.scenes * base.scene_change_seconds,
    }


_FIELDS = ("zh_dialogue", "zh_action", "en_dialogue", "en_action", "pauses", "scenes")


def fit_params(
    samples: list[tuple[Script, float]] | list[tuple[str, Script, float]],
    base: RuntimeParams = DEFAULT_PARAMS,
    *,
    ridge: float = 1e-3,
) -> CalibrationResult:
    """Fit runtime params to ``(script, minutes)`` (or ``(name, script, minutes)``) samples.

    >>> from dramalens.parsing.builder import ScriptBuilder
    >>> from dramalens.model import ElementType
    >>> def one(n):
    ...     b = ScriptBuilder(source_format="chinese"); _ = b.start_episode(1)
    ...     _ = b.add_new(ElementType.DIALOGUE, "好" * n, 1, character="A"); return b.build(language="zh")
    >>> r = fit_params([(one(300), 1.5), (one(600), 3.0)])  # 200 characters a minute
    >>> abs(r.params.zh_chars_per_min - 200) < 2  # the ridge pulls a hair toward the default
    True
    """
    if not samples:
        raise ConfigError("calibration needs at least one script with a known duration")
    if ridge < 0:
        raise ConfigError(f"ridge must be >= 0, got {ridge!r}")
    names: list[str] = []
    columns: list[dict[str, float]] = []
    targets: list[float] = []
    for i, sample in enumerate(samples):
        if len(sample) == 3:
            name, script, minutes = cast(tuple[str, Script, float], sample)
        else:
            script, minutes = cast(tuple[Script, float], sample)
            name = f"#{i + 1}"
        if not (isinstance(minutes, (int, float)) and minutes > 0 and math.isfinite(minutes)):
            raise ConfigError(f"duration of {name} must be > 0 minutes, got {minutes!r}")
        names.append(name)
        columns.append(_columns(script, base))
        targets.append(minutes * 60.0)
    X = np.array([[c.get(k, 0.0) for k in _FIELDS] for c in columns], dtype=float)
    y = np.array(targets, dtype=float)
    used = [j for j in range(len(_FIELDS)) if np.any(X[:, j] > 0)]
    mult = np.ones(len(_FIELDS))
    fixed: set[int] = set()
    # Solve, clip any multiplier out of range, fix it and solve again for the others.
    for _ in range(len(_FIELDS)):
        free = [j for j in used if j not in fixed]
        if not free:
            break
        resid = y - X[:, [j for j in range(len(_FIELDS)) if j not in free]] @ mult[[j for j in range(len(_FIELDS)) if j not in free]]
        A = X[:, free]
        lam = ridge * max(float(np.mean(np.sum(A * A, axis=0))), 1e-9)
        m = np.linalg.solve(A.T @ A + lam * np.eye(len(free)), A.T @ resid + lam * np.ones(len(free)))
        lows = {j: (0.0 if _FIELDS[j] in ("pauses", "scenes") else _MIN_MULT) for j in free}
        bad = [j for j, v in zip(free, m) if not lows[j] <= v <= _MAX_MULT]
        for j, v in zip(free, m):
            mult[j] = min(max(v, lows[j]), _MAX_MULT)
        if not bad:
            break
        fixed.update(bad)
    before = X.sum(axis=1)
    after = X @ mult
    fitted: dict[str, float] = dict(zip(_FIELDS, mult.tolist()))
    params = RuntimeParams(
        zh_chars_per_min=base.zh_chars_per_min / fitted["zh_dialogue"],
        en_words_per_min=base.en_words_per_min / fitted["en_dialogue"],
        zh_action_chars_per_min=base.zh_action_chars_per_min / fitted["zh_action"],
        en_action_words_per_min=base.en_action_words_per_min / fitted["en_action"],
        pause_per_punct=base.pause_per_punct * fitted["pauses"],
        pause_per_line=base.pause_per_line * fitted["pauses"],
        scene_change_seconds=base.scene_change_seconds * fitted["scenes"],
    )

    def rmse(pred: npt.NDArray[np.float64]) -> float:
        return float(np.sqrt(np.mean((pred / 60.0 - y / 60.0) ** 2)))

    return CalibrationResult(
        params=params,
        scripts=len(y),
        rmse_before=rmse(before),
        rmse_after=rmse(after),
        mae_after=float(np.mean(np.abs(after / 60.0 - y / 60.0))),
        rows=tuple((n, float(t / 60.0), float(b / 60.0), float(a / 60.0)) for n, t, b, a in zip(names, y, before, after)),
        multipliers=tuple((k, fitted[k]) for k in _FIELDS if _FIELDS.index(k) in used),
    )


def calibrate(csv_path: str | Path, base: RuntimeParams = DEFAULT_PARAMS) -> CalibrationResult:
    """Fit runtime params from a CSV ``path,minutes`` of scripts with known durations.

    The new params are ``result.params``; ``result.rmse_after`` is the fit error in minutes.

    >>> import tempfile, pathlib
    >>> d = pathlib.Path(tempfile.mkdtemp())
    >>> _ = (d / "a.fountain").write_text("INT. HOUSE - DAY\\n\\nBOB\\nHello there, my friend.\\n")
    >>> _ = (d / "t.csv").write_text("path,minutes\\na.fountain,0.1\\n")
    >>> calibrate(d / "t.csv").scripts
    1
    """
    path = Path(csv_path)
    if not path.is_file():
        raise InputError("calibration table not found", source=str(path), hint="give a CSV with a header path,minutes")
    with path.open(newline="", encoding="utf-8-sig") as fh:
        reader = csv.DictReader(fh)
        header = [h.strip().lower() for h in (reader.fieldnames or [])]
        if "path" not in header or "minutes" not in header:
            raise InputError(
                f"the header must name the columns path and minutes, got {reader.fieldnames!r}",
                source=str(path),
                hint="first line: path,minutes",
            )
        samples = []
        for lineno, row in enumerate(reader, start=2):
            row = {(k or "").strip().lower(): (v or "").strip() for k, v in row.items()}
            if not row.get("path"):
                continue
            try:
                minutes = float(row["minutes"])
            except ValueError:
                raise InputError(f"line {lineno}: minutes must be a number, got {row['minutes']!r}", source=str(path)) from None
            if not (minutes > 0 and math.isfinite(minutes)):
                raise InputError(f"line {lineno}: minutes must be > 0, got {row['minutes']!r}", source=str(path))
            script_path = Path(row["path"])
            if not script_path.is_absolute():
                script_path = path.parent / script_path
            samples.append((row["path"], parse(script_path), minutes))
    if not samples:
        raise InputError("the calibration table has no rows", source=str(path), hint="add lines path,minutes")
    return fit_params(samples, base)
