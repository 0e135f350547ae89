"""The script reader: a submission's own text, numbered line by line, with its episodes and
scenes as a table of contents, so every piece of evidence that names a line can link to it.

The text is the parser's decoded source (``Script.text``), the one every ``line`` number of the
analysis points into; it is parsed again here (a reader opens one script at a time) rather
than stored twice.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import PurePosixPath

from sqlalchemy import select
from sqlalchemy.engine import Engine

from ..errors import NotFoundError
from ..parsing import parse_bytes
from .models import contents
from .review import User, get_visible

__all__ = ["ReaderEpisode", "ReaderScene", "ScriptView", "script_view"]


@dataclass(frozen=True, slots=True)
class ReaderScene:
    """A scene in the table of contents: its label (number and heading) and first line."""

    label: str
    line: int


@dataclass(frozen=True, slots=True)
class ReaderEpisode:
    """An episode in the table of contents, with its scenes."""

    number: int
    title: str
    line: int
    scenes: tuple[ReaderScene, ...]


@dataclass(frozen=True, slots=True)
class ScriptView:
    """A submission's text as numbered lines (line ``i + 1`` is ``lines[i]``) and its contents.

    >>> ScriptView(1, "T", ("第1集",), ()).lines[0]
    '第1集'
    """

    submission_id: int
    title: str
    lines: tuple[str, ...]
    episodes: tuple[ReaderEpisode, ...]


def script_view(engine: Engine, submission_id: int, user: User) -> ScriptView:
    """The text of submission ``submission_id`` for ``user`` (NotFoundError across a desk wall).

    >>> # script_view(engine, 7, reviewer).episodes[0].scenes[0].line
    """
    with engine.connect() as conn:
        row = get_visible(conn, submission_id, user)
        data = conn.execute(select(contents.c.content).where(contents.c.submission_id == submission_id)).scalar()
    if data is None:
        raise NotFoundError(f"submission {submission_id} has no stored text", key="err.no_text", params=(("id", submission_id),))
    script = parse_bytes(bytes(data), source=str(row.filename), extension=PurePosixPath(str(row.filename)).suffix.lower())
    episodes = tuple(
        ReaderEpisode(ep.number, ep.title, ep.line or (ep.scenes[0].line if ep.scenes else 0),
                      tuple(ReaderScene((sc.heading or sc.number or "").strip() or "—", sc.line)
                            for sc in ep.scenes if sc.heading is not None and sc.line > 0))
        for ep in script.episodes)
    return ScriptView(submission_id, str(row.title), tuple(script.text.splitlines()), episodes)
