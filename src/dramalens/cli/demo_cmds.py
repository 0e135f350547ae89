"""``dramalens demo``: the README's main job — a script desk ready to use on an embedded default."""

from __future__ import annotations

from pathlib import Path

import typer
import uvicorn
from rich.console import Console

from ..demo import DemoSite, prepare_demo
from ..triage.worker import default_worker_processes
from .context import current_settings

__all__ = ["register"]


def register(app: typer.Typer) -> None:
    """Add this module's commands to ``app``."""
    app.command("demo")(demo_command)


def _serve(site: DemoSite, host: str, port: int, console: Console) -> None:
    """Run the desk over the demo database with its worker processes, saying how to log in."""
    # Lazy: the web stack (FastAPI, pydantic, Jinja2) takes ~0.7 s to import, and every other
    # command of the CLI would pay for it at start-up.
    from ..web.app import create_app, server_config

    # Processes, not threads, and one core left to the pages: they stay fast while the batch runs.
    settings = current_settings()  # web_niceness: the pages yield the CPU to the analysis
    app = create_app(site.db_url, worker_processes=default_worker_processes(), settings=settings,
                     web_niceness=settings.web_niceness)
    console.print(f"[bold]script desk: http://{host}:{port}/[/bold]  log in as {site.user} / {site.password}"
                  f"  (password also in {site.folder / 'admin-password.txt'})", highlight=False)
    uvicorn.Server(server_config(app, host, port, log_level="warning")).run()


def demo_command(
    folder: Path = typer.Option(Path("dramalens-demo"), "--dir", help="Where the demo database and reports go."),
    host: str = typer.Option("127.0.0.1", "--host", help="Address the web app listens on."),
    port: int = typer.Option(8000, "--port", help="Port of the web app."),
    works: int = typer.Option(200, "--works", help="Works in the generated demo catalog."),
    submissions: int = typer.Option(20, "--submissions", help="Scripts in the generated demo batch."),
    serve: bool = typer.Option(True, "--serve/--no-serve", help="Start the web app when ready (default) or stop."),
) -> None:
    """Analyse the bundled samples, build a demo catalog and batch, and start the script desk."""
    console = Console(stderr=True)
    site = prepare_demo(folder, works=works, submissions=submissions, log=lambda m: console.print(m, highlight=False))
    console.print(f"catalog: {site.catalog_works} works; queue: {site.queued} submissions; database {site.db_url}")
    if serve:
        _serve(site, host, port, console)
