"""The ``dramalens`` command line: a thin shell over the library (Typer + Rich).

Each area registers its commands from its own module; errors become one line on stderr and
exit code 2.
"""

from __future__ import annotations

import sys

import click
import typer

from ..errors import DramalensError
from . import adapt_cmds, analyze_cmds, catalog_cmds, conformance_cmds, demo_cmds, novel_cmds, parse_cmds, synth_cmds, triage_cmds

__all__ = ["app", "main"]

app = typer.Typer(
    name="dramalens",
    help="Script intelligence for micro dramas: read, measure, compare and triage scripts.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)


for _module in (parse_cmds, conformance_cmds, analyze_cmds, catalog_cmds, synth_cmds, triage_cmds, demo_cmds, novel_cmds, adapt_cmds):
    _module.register(app)


def main(argv: list[str] | None = None) -> int:
    """Entry point: run the app, turning any DramalensError into one line on stderr, exit 2.

    >>> main(["--help"]) == 0  # doctest: +SKIP
    True
    """
    try:
        app(args=argv, standalone_mode=False, prog_name="dramalens")
    except DramalensError as exc:
        print(f"dramalens: error: {exc.one_line()}", file=sys.stderr)
        return 2
    except click.exceptions.Exit as exc:
        return exc.exit_code
    except click.exceptions.Abort:
        print("dramalens: aborted", file=sys.stderr)
        return 1
    except click.ClickException as exc:
        exc.show()
        return 2
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
