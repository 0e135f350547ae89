"""``dramalens conformance``: how far our Fountain parser agrees with the peers' test suites."""

from __future__ import annotations

import json
from pathlib import Path

import typer
from rich.console import Console
from rich.table import Table

from ..conformance import PEER_DISAGREEMENTS, ConformanceReport, run_conformance

__all__ = ["DEFAULT_DIR", "register"]

DEFAULT_DIR = Path("..") / "shared" / "conformance" / "fountain"


def register(app: typer.Typer) -> None:
    """Add this module's commands to ``app``."""
    app.command("conformance")(conformance)


def _agreement_table(report: ConformanceReport) -> Table:
    """Agreement per suite, then per file of each suite."""
    table = Table(title=f"Fountain conformance: {report.passed}/{report.cases} cases agree")
    for col in ("suite", "file", "cases", "passed", "agreement", "known"):
        table.add_column(col, justify="right" if col in ("cases", "passed", "agreement") else "left")
    for suite in report.suites:
        table.add_row(
            f"[bold]{suite.suite}[/bold]", "[bold]all[/bold]", str(suite.cases), str(suite.passed), f"{suite.agreement:.1%}", ""
        )
        for f in suite.files:
            known = next((c.known for c in f.cases if c.known), "") if f.passed < len(f.cases) else ""
            style = "" if f.passed == len(f.cases) else "[yellow]"
            table.add_row("", f"{style}{f.file}", str(len(f.cases)), str(f.passed), f"{f.agreement:.1%}", "yes" if known else "")
    return table


def _print_failures(console: Console, report: ConformanceReport) -> None:
    """Each case that does not agree: why (when known), what was expected and what we got."""
    for suite in report.suites:
        for f in suite.files:
            for c in f.cases:
                if not c.passed:
                    console.print(f"[yellow]{c.suite}/{c.file}#{c.case}[/yellow] agreement {c.agreement:.1%}")
                    if c.known:
                        console.print(f"  why: {c.known}", markup=False)
                    console.print(f"  expected: {list(c.expected)[:8]}", markup=False)
                    console.print(f"  got:      {list(c.got)[:8]}", markup=False)


def _peers_table(report: ConformanceReport) -> Table:
    """Where the peers disagree with each other, and what we chose (fountain.io decides)."""
    peers = Table(title="Where the peers disagree (fountain.io decides)")
    for col in ("topic", "peers", "our choice"):
        peers.add_column(col)
    for topic, what, decision in PEER_DISAGREEMENTS:
        peers.add_row(topic, what, decision)
    for d in report.peer_disagreements:
        peers.add_row(d.input[:40], f"{d.first} ≠ {d.second}", "")
    return peers


def conformance(
    directory: Path = typer.Argument(
        DEFAULT_DIR, help="The 'fountain' folder of the conformance corpora (fountain-tools/, jouvence/, screenplain/)."
    ),
    as_json: bool = typer.Option(False, "--json", help="Print the full report as JSON instead of tables."),
    failures: bool = typer.Option(True, "--failures/--no-failures", help="List the cases that do not agree."),
) -> None:
    """Compare the Fountain parser with the peers' suites: agreement per suite and per file."""
    report = run_conformance(directory)
    if as_json:
        typer.echo(json.dumps(report.to_dict(), ensure_ascii=False, indent=2))
        return
    console = Console()
    console.print(_agreement_table(report))
    if failures:
        _print_failures(console, report)
    console.print(_peers_table(report))
