"""``dramalens synth``: write a synthetic corpus of micro-drama scripts with planted relations."""

from __future__ import annotations

import re
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeElapsedColumn

from ..errors import ConfigError
from ..synth import CorpusTruth, generate_corpus

_RANGE = re.compile(r"^\s*(\d+)\s*(?:-\s*(\d+))?\s*$")
_LANGS = {"zh": ("zh",), "en": ("en",), "both": ("zh", "en")}


def register(app: typer.Typer) -> None:
    """Add this module's commands to ``app``."""
    app.command("synth")(synth_command)


def parse_range(text: str, name: str) -> tuple[int, int]:
    """``"60-80"`` → (60, 80); ``"10"`` → (10, 10).

    >>> parse_range("60-80", "episodes")
    (60, 80)
    """
    m = _RANGE.match(text or "")
    if not m:
        raise ConfigError(f"{name} must be MIN-MAX or N (e.g. 60-80), got {text!r}")
    low = int(m.group(1))
    high = int(m.group(2)) if m.group(2) else low
    return low, high


def synth_command(
    out_dir: Path = typer.Argument(..., help="Folder to write works/, metadata.jsonl and truth.json into."),
    works: int = typer.Option(100, "--works", "-n", help="Number of works."),
    lang: str = typer.Option("both", "--lang", help="zh, en or both (alternating)."),
    episodes: str = typer.Option("60-80", "--episodes", help="Episodes per work, MIN-MAX."),
    scenes: str = typer.Option("1-3", "--scenes", help="Scenes per episode, MIN-MAX."),
    seed: int = typer.Option(0, "--seed", help="Random seed: the same seed writes the same corpus."),
    plant_rate: float = typer.Option(0.15, "--plant-rate", help="Share of works that are planted near-copies, retellings or trope twins."),
    full_text_ratio: float = typer.Option(1.0, "--full-text-ratio", help="Share of works with a script file; the rest are metadata and synopsis only."),
) -> None:
    """Write a synthetic corpus (Chinese .txt and English .fountain scripts) with planted relations."""
    if lang not in _LANGS:
        raise ConfigError(f"unknown --lang {lang!r}; allowed: zh, en, both")
    ep_range = parse_range(episodes, "--episodes")
    sc_range = parse_range(scenes, "--scenes")
    start = time.perf_counter()
    with _writing_bar(works) as advance:
        truth = generate_corpus(
            out_dir, works=works, languages=_LANGS[lang], episodes=ep_range, seed=seed, plant_rate=plant_rate,
            scenes_per_episode=sc_range, full_text_ratio=full_text_ratio, progress=advance,
        )
    typer.echo(_summary(truth, out_dir, time.perf_counter() - start))


@contextmanager
def _writing_bar(works: int) -> Iterator[Callable[[int], None]]:
    """A transient bar on stderr, advanced with the number of works written so far."""
    with Progress("[progress.description]{task.description}", BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                  console=Console(stderr=True), transient=True) as progress:
        task = progress.add_task("writing works", total=works)
        yield lambda done: progress.update(task, completed=done)


def _summary(truth: CorpusTruth, out_dir: Path, elapsed: float) -> str:
    """How many works were written where, how fast, and which relations were planted."""
    kinds: dict[str, int] = {}
    for relation in truth.relations:
        kinds[relation.kind] = kinds.get(relation.kind, 0) + 1
    planted = ", ".join(f"{n} {k}" for k, n in sorted(kinds.items())) or "none"
    return f"wrote {len(truth.works)} works to {out_dir} in {elapsed:.1f} s; planted: {planted}"
