"""CLI of the script desk: ``triage submit|run``, ``serve``, ``worker``, ``users add|token``."""

from __future__ import annotations

import getpass
from functools import partial
from pathlib import Path

import typer

from ..errors import ConfigError, InputError
from .context import current_settings

triage_app = typer.Typer(help="Queue scripts for triage and process the queue.", no_args_is_help=True)
users_app = typer.Typer(help="Accounts of the script desk.", no_args_is_help=True)

DB_HELP = "Database URL (default: $DRAMALENS_DB, db_url in dramalens.toml, or sqlite:///dramalens.sqlite)."


def _db(db: str | None) -> str:
    """``--db`` if given, else the settings' database."""
    return db or current_settings().db_url


def _engine(db: str | None):
    from ..db import make_engine
    from ..triage.models import init_db

    return init_db(make_engine(_db(db)))


def _pipeline():
    """The analysis each job runs, with the platform's compliance rules when settings name some."""
    from ..triage.pipeline import analyse_submission

    rules = current_settings().compliance_rules
    return analyse_submission if rules is None else partial(analyse_submission, compliance_rules=rules)


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
    from rich.console import Console
    from rich.progress import Progress

    from ..triage.intake import SCRIPT_EXTENSIONS, SubmissionMeta, ensure_desk, submit, unpack_upload
    from ..triage.jobs import run_tx

    if not path.exists():
        raise InputError("no such file or folder", source=str(path))
    engine = _engine(db)
    files: list[tuple[str, bytes]] = []
    skipped: list[str] = []
    if path.is_dir():
        candidates = sorted(p for p in path.iterdir() if p.is_file() and p.suffix.lower() in SCRIPT_EXTENSIONS)
        with Progress(console=Console(stderr=True)) as progress:
            task = progress.add_task("reading", total=len(candidates))
            for p in candidates:
                got, skip = unpack_upload(p.name, p.read_bytes())
                files += got
                skipped += skip
                progress.advance(task)
        if not files:
            raise InputError("the folder holds no script files", source=str(path), hint=f"expected {', '.join(SCRIPT_EXTENSIONS)}")
    else:
        files, skipped = unpack_upload(path.name, path.read_bytes())
    desk_id = run_tx(engine, lambda conn: ensure_desk(conn, desk))
    receipt = submit(engine, files, SubmissionMeta(track=track, format=format), desk_id=desk_id,
                     by=by or getpass.getuser(), batch_name=path.name, skipped=skipped)
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
    from contextlib import nullcontext

    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeRemainingColumn

    from ..triage.jobs import queue_stats
    from ..triage.pipeline import open_catalog, require_pipeline
    from ..triage.worker import Worker

    require_pipeline()
    if dask_timeout <= 0:
        raise ConfigError(f"--dask-timeout must be > 0 seconds, got {dask_timeout}")
    engine = _engine(db)
    stats = queue_stats(engine)
    if dask:
        from ..cluster import dask_client

        cluster = dask_client(dask, timeout=f"{dask_timeout}s")
    else:
        cluster = nullcontext()
    with cluster as client, Progress("[progress.description]{task.description}", BarColumn(), MofNCompleteColumn(),
                                     TimeRemainingColumn(), console=Console(stderr=True)) as progress:
        task = progress.add_task("triage", total=stats.queued + stats.running)
        if client is not None:
            from ..triage.distributed import run_dask

            result = run_dask(engine, client, pipeline=_pipeline(), weights_file=current_settings().triage_settings,
                              on_progress=lambda claim, ok: progress.advance(task))
        else:
            worker = Worker(engine, pipeline=_pipeline(), threads=threads, catalog=open_catalog(_db(db)),
                            weights_file=current_settings().triage_settings,
                            on_progress=lambda claim, ok: progress.advance(task))
            result = worker.run_until_empty()
    for warning in getattr(result, "warnings", ()):  # e.g. a remote cluster and a SQLite file
        Console(stderr=True).print(f"[yellow]warning:[/yellow] {warning}", highlight=False, soft_wrap=True)
    final = queue_stats(engine)
    typer.echo(f"done {result.done}, failed {result.failed}; queue: {final.to_dict()}")


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
    from ..triage.watch import FolderWatcher

    watcher = FolderWatcher(_engine(db), folder, desk=desk, by=by, interval=interval)
    if once:
        report = watcher.scan()
        counts = report.to_dict()["counts"]
        for o in report.outcomes:
            if o.action != "waiting":
                typer.echo(f"{o.action}: {o.name!r}" + (f" → batch {o.batch_id}" if o.batch_id else "")
                           + (f" ({o.reason})" if o.reason else ""))
        typer.echo("another watcher holds this folder" if report.busy else
                   ", ".join(f"{k} {v}" for k, v in counts.items()))
        return
    import logging

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
    workers: int = typer.Option(2, "--workers", help="Queue-worker threads inside the server (0: none)."),
    watch: Path = typer.Option(None, "--watch", help="Also watch this folder for dropped scripts (desk 'default')."),
) -> None:
    """Run the script desk web app (one process; embedded SQLite by default, worker threads)."""
    import uvicorn

    from ..web.app import create_app

    if not (0 < port < 65536):
        raise ConfigError(f"port must be 1-65535, got {port}")
    app = create_app(db, workers=workers, watch=watch, settings=current_settings())
    uvicorn.run(app, host=host, port=port, log_level="info")


def worker_cmd(
    db: str = typer.Option(None, "--db", help=DB_HELP),
    threads: int = typer.Option(1, "--threads", help="Threads in this process."),
    once: bool = typer.Option(False, "--once", help="Exit when the queue is empty instead of waiting for work."),
) -> None:
    """Run a queue worker process (production: several of these next to PostgreSQL)."""
    from ..triage.worker import run_worker

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
    from ..triage.auth import add_user

    secret = password or current_settings().password or typer.prompt("password", hide_input=True,
                                                                               confirmation_prompt=True)
    user = add_user(_engine(db), name, secret, admin=admin, desk=desk)
    typer.echo(f"user {user.name} added ({'admin' if user.is_admin else 'reviewer'}, desk {desk})")


@users_app.command("token")
def users_token(name: str = typer.Argument(...), db: str = typer.Option(None, "--db", help=DB_HELP)) -> None:
    """Issue a new API token for NAME (printed once; the old one stops working)."""
    from ..triage.auth import issue_token

    typer.echo(issue_token(_engine(db), name))


def register(app: typer.Typer) -> None:
    """Add this module's commands to ``app``."""
    app.add_typer(triage_app, name="triage")
    app.add_typer(users_app, name="users")
    app.command("serve")(serve_cmd)
    app.command("worker")(worker_cmd)
