"""CLI of the script desk: ``triage submit|run|watch``, ``serve``, ``worker``, ``users add|token``."""

from __future__ import annotations

import getpass
import json
import logging
from pathlib import Path

import typer
import uvicorn
from rich.console import Console

from ..errors import ConfigError
from ..triage.auth import add_user, issue_token
from ..triage.intake import SubmissionMeta
from ..serial import to_jsonable
from ..triage.pipeline import PipelineFn, pipeline_for
from ..i18n import check_language
from ..triage.rank import parse_weights, rank_paths, ranked_lines
from ..triage.scoring import load_weights
from ..triage.runs import drain_queue, open_desk, submit_path
from ..triage.watch import FolderWatcher, ScanReport, watch_once
from ..triage.worker import default_worker_processes, run_worker
from .context import current_settings
from .progress import progress_bar

__all__ = ["register"]

triage_app = typer.Typer(help="Queue scripts for triage and process the queue.", no_args_is_help=True)
users_app = typer.Typer(help="Accounts of the script desk.", no_args_is_help=True)

DB_HELP = "Database URL (default: $DRAMALENS_DB, db_url in dramalens.toml, or sqlite:///dramalens.sqlite)."


def _db(db: str | None) -> str:
    """``--db`` if given, else the settings' database."""
    return db or current_settings().db_url


def _pipeline() -> PipelineFn:
    """The analysis each job runs, with the platform's compliance rules when settings name some."""
    return pipeline_for(current_settings().compliance_rules, current_settings().read_quality_threshold)


@triage_app.command("submit")
def submit_cmd(
    path: Path = typer.Argument(..., help="A script file, a folder of scripts, or a .zip batch."),
    db: str = typer.Option(None, "--db", help=DB_HELP),
    by: str = typer.Option(None, "--by", help="Who sends it (default: your login name)."),
    desk: str = typer.Option("default", "--desk", help="The desk that receives it."),
    track: str = typer.Option("", "--track", help="Track (赛道) of every script in the batch."),
    format: str = typer.Option("", "--format", help="vertical or horizontal."),
) -> None:
    """Queue scripts for analysis (one batch)."""
    meta = SubmissionMeta(track=track, format=format)
    with progress_bar("reading") as advance:
        receipt = submit_path(_db(db), path, meta, desk=desk, by=by or getpass.getuser(), on_progress=advance)
    typer.echo(f"batch {receipt.batch_id}: {len(receipt.submission_ids)} scripts queued"
               + (f", {len(receipt.skipped)} skipped" if receipt.skipped else ""))


@triage_app.command("run")
def run_cmd(
    db: str = typer.Option(None, "--db", help=DB_HELP),
    threads: int = typer.Option(1, "--threads", help="Worker threads."),
    dask: str = typer.Option(None, "--dask", help="Analyse on a Dask cluster: 'local' (2 worker processes) or tcp://HOST:PORT."),
    dask_timeout: float = typer.Option(5.0, "--dask-timeout", help="Seconds to wait for a remote Dask scheduler."),
) -> None:
    """Process the queue until it is empty, with a progress bar."""
    with progress_bar("triage", counted=True) as advance:
        report = drain_queue(_db(db), threads=threads, dask=dask, dask_timeout=dask_timeout, pipeline=_pipeline(),
                             weights_file=current_settings().triage_settings, on_progress=advance)
    for warning in report.warnings:  # e.g. a remote cluster and a SQLite file
        Console(stderr=True).print(f"[yellow]warning:[/yellow] {warning}", highlight=False, soft_wrap=True)
    typer.echo(f"done {report.done}, failed {report.failed}; queue: {report.queue.to_dict()}")


@triage_app.command("rank")
def rank_cmd(
    paths: list[Path] = typer.Argument(..., help="Script files, folders of scripts or .zip batches."),
    db: str = typer.Option(None, "--db", help="Catalog database to compare against (default: none; originality unscored)."),
    weights: str = typer.Option(None, "--weights", help="originality=0.45,craft=0.4,risk=0.15 (default: the settings' weights)."),
    as_json: bool = typer.Option(False, "--json", help="Print the ranked list as JSON."),
    lang: str | None = typer.Option(None, "--lang", help="Language of the gates and reasons: zh or en (default: each script's language)."),
) -> None:
    """Analyse and rank scripts in one command, without the web app: gated scripts (not a micro drama, too short, unreadable, near-copy) last."""
    check_language(lang, "--lang")
    chosen = parse_weights(weights, load_weights(path=current_settings().triage_settings))
    with progress_bar("ranking", counted=True) as advance:
        ranked = rank_paths(paths, db_url=db, weights=chosen, pipeline=_pipeline(), on_progress=advance)
    if as_json:
        typer.echo(json.dumps(to_jsonable([r.to_dict() for r in ranked]), ensure_ascii=False, indent=2))
        return
    typer.echo("\n".join(ranked_lines(ranked, lang)))


def _print_scan(report: ScanReport) -> None:
    """One line per file taken or refused, then the counts (or that another watcher is busy)."""
    for o in report.outcomes:
        if o.action != "waiting":
            typer.echo(f"{o.action}: {o.name!r}" + (f" → batch {o.batch_id}" if o.batch_id else "")
                       + (f" ({o.reason})" if o.reason else ""))
    counts = {a: report.count(a) for a in ("submitted", "duplicate", "failed", "waiting")}
    typer.echo("another watcher holds this folder" if report.busy else ", ".join(f"{k} {v}" for k, v in counts.items()))


@triage_app.command("watch")
def watch_cmd(
    folder: Path = typer.Argument(..., help="The folder to watch (e.g. a shared drive where agents drop scripts)."),
    db: str = typer.Option(None, "--db", help=DB_HELP),
    desk: str = typer.Option("default", "--desk", help="The desk that receives the scripts."),
    by: str = typer.Option("watch", "--by", help="Recorded as the sender."),
    interval: float = typer.Option(10.0, "--interval", help="Seconds between polls (0.1-86400)."),
    once: bool = typer.Option(False, "--once", help="Poll once and exit (cron; a file is taken at the poll after it stopped changing)."),
) -> None:
    """Submit every script or .zip dropped into FOLDER once it stops changing; move it to done/ or failed/."""
    if once:
        _print_scan(watch_once(open_desk(_db(db)), folder, desk=desk, by=by, interval=interval))
        return
    watcher = FolderWatcher(open_desk(_db(db)), folder, desk=desk, by=by, interval=interval)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(message)s")  # one line per file taken
    typer.echo(f"watching {folder} every {interval:g} s (Ctrl-C to stop)", err=True)
    try:
        watcher.run()
    except KeyboardInterrupt:
        pass


def serve_cmd(
    host: str = typer.Option("127.0.0.1", "--host", help="Address to listen on."),
    port: int = typer.Option(8000, "--port", help="Port."),
    db: str = typer.Option(None, "--db", help=DB_HELP),
    workers: int = typer.Option(None, "--workers", help="Queue workers started with the server (0: none; default: "
                                "one per core but one, so pages keep a core while a batch runs)."),
    in_process: bool = typer.Option(False, "--in-process", help="Run the workers as threads inside the web process "
                                    "(slower pages under load; the default is separate worker processes)."),
    watch: Path = typer.Option(None, "--watch", help="Also watch this folder for dropped scripts (desk 'default')."),
) -> None:
    """Run the script desk web app (embedded SQLite by default) and its queue workers as separate processes."""
    # Lazy: the web stack (FastAPI, pydantic, Jinja2) takes ~0.7 s to import, and every other
    # command of the CLI would pay for it at start-up.
    from ..web.app import create_app, server_config

    if not (0 < port < 65536):
        raise ConfigError(f"port must be 1-65535, got {port}")
    settings = current_settings()
    url = db or settings.db_url
    separate = not in_process and url not in ("sqlite://", "sqlite:///:memory:")  # memory: one process only
    workers = default_worker_processes() if workers is None else workers
    app = create_app(db, workers=0 if separate else workers, worker_processes=workers if separate else 0, watch=watch,
                     settings=settings, web_niceness=settings.web_niceness)
    uvicorn.Server(server_config(app, host, port, log_level="info")).run()


def worker_cmd(
    db: str = typer.Option(None, "--db", help=DB_HELP),
    threads: int = typer.Option(1, "--threads", help="Threads in this process."),
    once: bool = typer.Option(False, "--once", help="Exit when the queue is empty instead of waiting for work."),
) -> None:
    """Run a queue worker process (production: several of these next to PostgreSQL)."""
    stats = run_worker(_db(db), threads=threads, until_empty=once, pipeline=_pipeline(),
                       weights_file=current_settings().triage_settings)
    typer.echo(f"worker: {stats.to_dict()}")


@users_app.command("add")
def users_add(
    name: str = typer.Argument(..., help="User name."),
    admin: bool = typer.Option(False, "--admin", help="May see every desk and edit settings."),
    desk: str = typer.Option("default", "--desk", help="The desk the user reviews for."),
    db: str = typer.Option(None, "--db", help=DB_HELP),
    password: str = typer.Option(None, "--password", help="Password (default: $DRAMALENS_PASSWORD, password in dramalens.toml, or a prompt)."),
) -> None:
    """Create a reviewer (or admin) account."""
    secret = password or current_settings().password or typer.prompt("password", hide_input=True,
                                                                     confirmation_prompt=True)
    user = add_user(open_desk(_db(db)), name, secret, admin=admin, desk=desk)
    typer.echo(f"user {user.name} added ({'admin' if user.is_admin else 'reviewer'}, desk {desk})")


@users_app.command("token")
def users_token(name: str = typer.Argument(...), db: str = typer.Option(None, "--db", help=DB_HELP)) -> None:
    """Issue a new API token for NAME (printed once; the old one stops working)."""
    typer.echo(issue_token(open_desk(_db(db)), name))


def register(app: typer.Typer) -> None:
    """Add this module's commands to ``app``."""
    app.add_typer(triage_app, name="triage")
    app.add_typer(users_app, name="users")
    app.command("serve")(serve_cmd)
    app.command("worker")(worker_cmd)
