"""Progress bars on stderr for the commands that run long (reading a folder, draining a queue).

A library function reports ``on_progress(done, total)``; :func:`progress_bar` turns those calls
into a Rich bar that appears with the first call, so work that reports nothing shows nothing.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager

from rich.console import Console
from rich.progress import (BarColumn, MofNCompleteColumn, Progress, ProgressColumn, TaskID, TextColumn,
                           TimeRemainingColumn)

__all__ = ["progress_bar"]


def _columns(counted: bool) -> tuple[str | ProgressColumn, ...]:
    if not counted:
        return ()  # Rich's default: description, bar, percentage, time remaining
    return (TextColumn("[progress.description]{task.description}"), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn())


@contextmanager
def progress_bar(description: str, *, counted: bool = False) -> Iterator[Callable[[int, int], None]]:
    """An ``on_progress(done, total)`` callback drawing a bar on stderr (``counted``: "3/40").

    >>> with progress_bar("reading") as advance:
    ...     pass  # nothing reported: no bar drawn
    """
    with ExitStack() as stack:
        shown: list[tuple[Progress, TaskID]] = []

        def advance(done: int, total: int) -> None:
            if not shown:
                bar = stack.enter_context(Progress(*_columns(counted), console=Console(stderr=True)))
                shown.append((bar, bar.add_task(description, total=total)))
            bar, task = shown[0]
            bar.update(task, completed=done, total=total)

        yield advance
