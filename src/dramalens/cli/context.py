"""The settings of one command line, loaded once and shared by the command that runs.

The commands call :func:`current_settings` when they need a default that a flag did not give;
the first call reads the TOML file and the environment (:func:`dramalens.settings.load_settings`)
and keeps the result on the root Click context, so one invocation reads them once, and a
command that needs no setting never fails on an unrelated bad variable.
"""

from __future__ import annotations

import click

from ..settings import Settings, load_settings

__all__ = ["current_settings"]


def current_settings() -> Settings:
    """The :class:`Settings` of the running command (outside a command: freshly loaded)."""
    ctx = click.get_current_context(silent=True)
    if ctx is None:
        return load_settings()
    root = ctx.find_root()
    if not isinstance(root.obj, Settings):
        root.obj = load_settings()
    return root.obj
