"""``dramalens catalog …``: import works, ask similar / novelty / saturation / dedupe, list; train the trope tagger."""

from __future__ import annotations

import json
from collections.abc import Callable
from contextlib import AbstractContextManager, nullcontext
from pathlib import Path
from typing import Optional

import typer
from rich.console import Console
from rich.table import Table

from ..catalog import (
    Catalog,
    ImportReport,
    Match,
    dedupe,
    import_catalog,
    novelty_of_script,
    novelty_of_work,
    saturation,
    saturation_html,
    similar_to_script,
    similar_to_work,
)
from ..catalog.distributed import mapper_for
from ..catalog.novelty import Novelty
from ..catalog.saturation import saturation_lines
from ..catalog.importer import EMBEDDERS
from ..catalog.metadata import MAX_LINE_BYTES
from ..catalog.tagger_catalog import TaggerReport, apply_tagger, tag_input, train_catalog_tagger
from ..catalog.tagger_train import MIN_SUPPORT
from ..i18n import Translator, reader
from ..model import Script
from ..parsing import parse
from ..serial import to_jsonable
from ..triage.pipeline import trope_label
from .context import current_settings
from .progress import progress_bar

catalog_app = typer.Typer(help="The catalog of works: import, similar, novelty, saturation, dedupe, list.", no_args_is_help=True)

_LANG = typer.Option(None, "--lang", help="Language of the table: zh or en (default: the script's; English for a work id).")
_DB = typer.Option(None, "--db", help="Database URL (default: DRAMALENS_DB, db_url in dramalens.toml, or sqlite:///dramalens.sqlite).")


def _dump(obj: object) -> None:
    typer.echo(json.dumps(obj, ensure_ascii=False, indent=2, default=str))


def _open(db: Optional[str]) -> Catalog:
    return Catalog(db or current_settings().db_url)


def _is_script(catalog: Catalog, work: str) -> bool:
    """Whether the WORK argument names a script file rather than a work in the catalog."""
    return work not in catalog.index().position and Path(work).is_file()


@catalog_app.command("import")
def import_cmd(
    paths: list[Path] = typer.Argument(None, help="Script files or folders (scripts and .csv/.jsonl metadata inside are picked up)."),
    metadata: list[Path] = typer.Option([], "--metadata", "-m", help="CSV or JSONL metadata (id, title, language, synopsis, tags, episodes, format, track, release_date, file, plays)."),
    db: Optional[str] = _DB,
    dask: Optional[str] = typer.Option(None, "--dask", help="Parse and fingerprint on Dask: 'local' (2 workers) or tcp://scheduler:8786 (default: all local cores)."),
    max_line_bytes: int = typer.Option(MAX_LINE_BYTES, "--max-line-bytes", help="Longest metadata line read; longer lines are reported and skipped."),
    as_json: bool = typer.Option(False, "--json", help="Print the import report as JSON."),
    embedder: str = typer.Option(EMBEDDERS[0], "--embedder", help="hashed-tfidf (built in) or minilm (English; needs the ml extra)."),
) -> None:
    """Import scripts and metadata; re-running is safe (unchanged works are skipped, an interrupted run resumes)."""
    progress: AbstractContextManager[Callable[[int, int], None] | None] = nullcontext() if as_json else progress_bar("importing", counted=True)
    with progress as on_progress:
        report = import_catalog(_open(db), paths or [], metadata=metadata, dask=dask, embedder=embedder,
                                progress=on_progress, max_line_bytes=max_line_bytes)
    _show_import(report, as_json)


def _show_import(report: ImportReport, as_json: bool) -> None:
    if as_json:
        _dump(report.to_dict())
        return
    typer.echo(f"imported {report.imported}, updated {report.updated}, unchanged {report.unchanged}, errors {len(report.errors)}" + (" (resumed)" if report.resumed else ""))
    for err in report.errors[:50]:
        typer.echo(f"  {err}", err=True)
    if len(report.errors) > 50:
        typer.echo(f"  … and {len(report.errors) - 50} more (use --json for all)", err=True)


@catalog_app.command("similar")
def similar_cmd(
    work: str = typer.Argument(..., help="A work id in the catalog, or a script file."),
    k: int = typer.Option(10, "-k", help="How many similar works."),
    db: Optional[str] = _DB,
    as_json: bool = typer.Option(False, "--json"),
    lang: Optional[str] = _LANG,
) -> None:
    """The works most similar to WORK, with a score per fingerprint and the evidence."""
    catalog = _open(db)
    script = parse(work) if _is_script(catalog, work) else None
    matches = similar_to_script(catalog, script, k=k) if script is not None else similar_to_work(catalog, work, k=k)
    if as_json:
        _dump([m.to_dict() for m in matches])
    else:
        Console().print(_matches_table(matches, _reader(lang, script)))


def _reader(lang: str | None, script: Script | None) -> Translator:
    """``--lang`` if given, else the script's language (English for a work id)."""
    return reader(lang, script.language if script is not None else None, "--lang")


def _matches_table(matches: list[Match], t: Translator) -> Table:
    table = Table(*(t(key) for key in ("cat.col.work", "cat.col.title", "cat.col.score", "fp.text", "fp.embedding", "fp.tropes",
                                       "fp.skeleton", "cat.col.evidence")))

    def fmt(v: float | None) -> str:
        return "—" if v is None else f"{v:.2f}"

    for m in matches:
        ev = t("list_semicolon").join(f"{p.lines_a[0]}-{p.lines_a[1]} ↔ {p.lines_b[0]}-{p.lines_b[1]}" for p in m.shared_passages[:2])
        s = m.scores
        table.add_row(m.work_id, m.title, f"{m.score:.3f}", fmt(s.text), fmt(s.embedding), fmt(s.tropes), fmt(s.skeleton),
                      ev or t("list_sep").join(trope_label(x, t.lang) for x in m.shared_tropes))
    return table


@catalog_app.command("novelty")
def novelty_cmd(
    file: str = typer.Argument(..., help="A script file (or a work id in the catalog)."),
    db: Optional[str] = _DB,
    as_json: bool = typer.Option(False, "--json"),
    lang: Optional[str] = _LANG,
) -> None:
    """How novel a script is against the catalog, per fingerprint, with its percentile."""
    catalog = _open(db)
    script = parse(file) if _is_script(catalog, file) else None
    result = novelty_of_script(catalog, script) if script is not None else novelty_of_work(catalog, file)
    if as_json:
        _dump(result.to_dict())
        return
    typer.echo("\n".join(_novelty_lines(result, _reader(lang, script))))


def _novelty_lines(result: Novelty, t: Translator) -> list[str]:
    """The score with its percentile, then a line per fingerprint (its figures as JSON)."""
    head = t("cat.novelty_alone", score=result.score) if result.percentile is None else \
        t("cat.novelty", score=result.score, p=result.percentile)
    lines = [head]
    for name, part in result.parts.items():
        extra = {k: v for k, v in part.to_dict().items() if k != "novelty"}
        lines.append(f"  {t('fp.' + name):<10} {part.novelty:.3f}  {json.dumps(extra, ensure_ascii=False)}")
    return lines


@catalog_app.command("saturation")
def saturation_cmd(
    db: Optional[str] = _DB,
    html: Optional[Path] = typer.Option(None, "--html", help="Write a self-contained HTML chart here."),
    min_works: Optional[int] = typer.Option(None, "--min-works", help="Works before a label (default: the setting saturation_min_works)."),
    as_json: bool = typer.Option(False, "--json"),
    lang: str = typer.Option("en", "--lang", help="Language of the lines and the HTML chart: zh or en."),
) -> None:
    """Works, month-over-month supply and plays growth (90% intervals) by trope and track; crowded / under-served labels."""
    result = saturation(_open(db), min_works=current_settings().saturation_min_works if min_works is None else min_works)
    if html:
        html.write_text(saturation_html(result, lang=lang), encoding="utf-8")
    if as_json:
        _dump(to_jsonable(result))
        return
    typer.echo("\n".join(saturation_lines(result, lang, html)))


@catalog_app.command("dedupe")
def dedupe_cmd(
    threshold: float = typer.Option(0.08, "--threshold", help="Pair score (0-1] at which two works are near-duplicates."),
    measure: str = typer.Option("passages", "--measure", help="passages (share of reused passages), jaccard (whole-text MinHash), text (the larger)."),
    db: Optional[str] = _DB,
    dask: Optional[str] = typer.Option(None, "--dask", help="Run on Dask: 'local' or tcp://scheduler:8786."),
    as_json: bool = typer.Option(False, "--json"),
) -> None:
    """Clusters of near-duplicate works (LSH candidates + union-find)."""
    catalog = _open(db)
    with mapper_for(dask) as mapper:
        result = dedupe(catalog, threshold, measure=measure, mapper=mapper)
    if as_json:
        _dump(result.to_dict())
        return
    typer.echo(f"{len(result.clusters)} clusters at {measure} ≥ {threshold}")
    for c in result.clusters:
        typer.echo(f"  {c.score:.3f}  {', '.join(c.ids)}")


@catalog_app.command("list")
def list_cmd(
    db: Optional[str] = _DB,
    limit: int = typer.Option(100, "--limit"),
    offset: int = typer.Option(0, "--offset"),
    as_json: bool = typer.Option(False, "--json"),
) -> None:
    """The works in the catalog, by id."""
    catalog = _open(db)
    rows = catalog.list_works(limit=limit, offset=offset)
    if as_json:
        _dump({"total": catalog.count(), "works": rows})
        return
    for r in rows:
        typer.echo(f"{r['id']}\t{r['title']}\t{r['language']}\t{r['track'] or ''}\t{r['episodes'] or ''}\t{r['release_date'] or ''}")
    typer.echo(f"{catalog.count()} works", err=True)


tagger_app = typer.Typer(help="The catalog's own trope tagger, learned from its works' platform tags.", no_args_is_help=True)
catalog_app.add_typer(tagger_app, name="tagger")


@tagger_app.command("train")
def tagger_train_cmd(
    db: Optional[str] = _DB,
    folds: int = typer.Option(5, "--folds", help="k of the k-fold cross-validation reported."),
    seed: int = typer.Option(0, "--seed", help="Seed of the fold split."),
    min_support: int = typer.Option(MIN_SUPPORT, "--min-support", help="Tagged works a trope needs to be learned."),
    no_apply: bool = typer.Option(False, "--no-apply", help="Store the model but leave the untagged works' tropes as they are."),
    as_json: bool = typer.Option(False, "--json", help="Print the report (per-trope precision/recall) as JSON."),
) -> None:
    """Learn the platform's tags from the tagged works: cross-validate, store with the catalog, retag untagged works."""
    report = train_catalog_tagger(_open(db), folds=folds, seed=seed, min_support=min_support, apply=not no_apply)
    if as_json:
        _dump(to_jsonable(report))
        return
    Console().print(_tagger_table(report))


def _tagger_table(report: TaggerReport) -> Table:
    cv = report.cv
    title = (f"{report.tagged_works} tagged works of {report.works}, {len(report.labels)} tropes learned, {cv.folds}-fold CV: "
             f"micro P {cv.micro_precision:.3f} R {cv.micro_recall:.3f} F1 {cv.micro_f1:.3f}; threshold {report.threshold:.2f}"
             + (f", at most {report.cap} tags a work; " if report.cap else "; ") +
             f"{report.retagged} untagged works retagged")
    table = Table("trope", "tagged by", "support", "predicted", "precision", "recall", "F1", title=title)
    for t in cv.per_tag:
        by = "learned" if t.trope in report.labels else "vocabulary"
        table.add_row(t.trope, by, str(t.support), str(t.predicted), f"{t.precision:.2f}", f"{t.recall:.2f}", f"{t.f1:.2f}")
    for trope, n in report.not_learned:
        table.add_row(trope, "vocabulary", str(n), "—", "—", "—", "too few to learn")
    return table


@tagger_app.command("apply")
def tagger_apply_cmd(db: Optional[str] = _DB) -> None:
    """Retag the works without platform tags with the stored tagger (after importing more)."""
    typer.echo(f"{apply_tagger(_open(db))} works retagged")


@tagger_app.command("tag")
def tagger_tag_cmd(
    file: Optional[Path] = typer.Argument(None, help="A script or synopsis file."),
    text: Optional[str] = typer.Option(None, "--text", help="Tag this text instead of a file."),
    db: Optional[str] = _DB,
    as_json: bool = typer.Option(False, "--json"),
) -> None:
    """The tropes of a submission as the catalog's tagger sees them, with the words behind each."""
    tagged = tag_input(_open(db), file, text)
    if as_json:
        _dump(to_jsonable(tagged))
        return
    for t in tagged.learned:
        typer.echo(f"{t.trope:<20} p={t.probability:.2f} (≥{t.threshold:.2f})  words: {', '.join(t.features)}" + (f"  cues: {', '.join(t.cues)}" if t.cues else ""))
    for h in tagged.vocabulary:
        typer.echo(f"{h.trope:<20} vocabulary {h.confidence:.2f}  cues: {', '.join(h.cues)}")
    if not tagged.model:
        typer.echo("(no tagger trained for this catalog: vocabulary only — see `dramalens catalog tagger train`)", err=True)


def register(app: typer.Typer) -> None:
    """Add ``dramalens catalog …`` to ``app``."""
    app.add_typer(catalog_app, name="catalog")
