"""``dramalens adapt``: plan a novel as micro-drama episodes (JSON, outline, or a table)."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import typer
from rich.console import Console
from rich.table import Table

from ..adaptation import AdaptationPlan, LibraryRanking, adapt_file, rank_paths
from ..adaptation.rank import novel_reasons, ranking_language
from ..i18n import Translator, check_language, reader, translator
from ..adaptation.files import write_plan_files
from .context import current_settings

__all__ = ["register"]


def register(app: typer.Typer) -> None:
    """Add ``adapt`` to ``app``."""
    app.command("adapt")(adapt_command)


def _table(plan: AdaptationPlan, t: Translator) -> Table:
    table = Table(title=t("ap.table.title", title=plan.title or t("ap.untitled"), n=len(plan.episodes), format=t(plan.format),
                          first=plan.span[0], last=plan.span[1], chapters=plan.chapters, paywall=plan.paywall.episode))
    for key, right in (("#", True), ("ap.col.from", False), ("ap.col.to", False), ("ap.col.runtime", True),
                       ("ap.col.ending", True), ("ap.col.cliffhanger", False)):
        table.add_column(t(key) if key != "#" else key, justify="right" if right else "left")
    for e in plan.episodes:
        table.add_row(str(e.number), f"{e.start.chapter}.{e.start.paragraph}", f"{e.end.chapter}.{e.end.paragraph}",
                      f"{e.runtime_s:.0f}", f"{e.cliffhanger.strength:.2f}", e.cliffhanger.text[:40])
    return table


def _rank_table(ranking: LibraryRanking, t: Translator) -> Table:
    table = Table(title=t("ar.table.title", n=len(ranking.novels)))
    for key in ("#", "ar.col.score", "ar.col.novel", "ar.col.lead", "ar.col.why"):
        table.add_column(t(key) if key != "#" else key, justify="right" if key in ("#", "ar.col.score") else "left")
    for r in ranking.novels:
        table.add_row(str(r.rank), f"{r.score:.3f}", r.profile.title, r.profile.protagonist or "",
                      t("list_semicolon").join(novel_reasons(r, t)[:3]))
    return table


def adapt_command(
    novel: list[str] = typer.Argument(..., help="Novel (.txt any encoding, .epub); or `rank LIBRARY…` to rank files/folders."),
    format: str = typer.Option("vertical", "--format", help="vertical (60-100 × 1-3 min) or horizontal (12-40 × 5-20 min)."),
    episodes: int | None = typer.Option(None, "--episodes", help="Number of episodes (default: from the format)."),
    minutes: float | None = typer.Option(None, "--minutes", help="Target minutes an episode (default: 2 vertical, 10 horizontal)."),
    free_episodes: int | None = typer.Option(None, "--free-episodes", help="Last free episode: the paywall falls in 8..K."),
    span: str = typer.Option("auto", "--span", help="auto (fit the budget), all, or FIRST-LAST chapters."),
    as_json: bool = typer.Option(False, "--json", help="Print the plan as JSON."),
    html: Path | None = typer.Option(None, "--html", help="Write the plan as a self-contained HTML page."),
    lang: str | None = typer.Option(None, "--lang", help="Language of the table and the HTML page: zh or en (default: the "
                                    "novel's; rank: the language most of the library's novels are in)."),
    outline: Path | None = typer.Option(None, "--outline", help="Write the plan as a script outline (.fountain: Fountain; else 第N集)."),
    draft: Path | None = typer.Option(None, "--draft", help="Draft each episode through the LLM endpoint in the settings "
                                      "(DRAMALENS_LLM_URL) and write the script here; its measures go to stderr."),
    catalog: str | None = typer.Option(None, "--catalog", help="rank: catalog database URL or path, for premise novelty."),
    dask: str | None = typer.Option(None, "--dask", help="rank: run on Dask: 'local' (2 workers) or tcp://scheduler:8786."),
) -> None:
    """Plan NOVEL as episodes (span, cuts, beats, hooks, cliffhangers, paywall, checks), or
    `adapt rank LIBRARY…`: score every novel of a library for adaptation, with the reasons."""
    check_language(lang, "--lang")
    if novel[0] == "rank":
        _show(rank_paths(novel[1:], catalog_url=catalog, dask=dask), as_json, lang)
        return
    settings = current_settings()
    plan = adapt_file(Path(novel[0]), format, episodes=episodes, minutes=minutes, free_episodes=free_episodes, span=span,
                      max_bytes=settings.max_bytes)
    for message in write_plan_files(plan, settings, html=html, outline=outline, draft=draft, lang=lang):
        print(f"dramalens: {message}", file=sys.stderr)
    if as_json or not (html or outline or draft):
        _show(plan, as_json, lang)


def _show(result: AdaptationPlan | LibraryRanking, as_json: bool, lang: str | None) -> None:
    if as_json:
        sys.stdout.write(json.dumps(result.to_dict(), ensure_ascii=False, indent=2) + "\n")
    elif isinstance(result, AdaptationPlan):
        Console().print(_table(result, reader(lang, result.language)))
    else:
        Console().print(_rank_table(result, translator(lang or ranking_language(result))))
