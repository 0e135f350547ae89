"""Plain text that is not Chinese-convention: a PDF or Word export or a micro-drama script is
rewritten into Fountain (:func:`.layout.normalise_layout`), anything else is read as Fountain."""

from __future__ import annotations

from ...model import Script
from ..fountain import parse_fountain
from .layout import rewrite_layout

__all__ = ["parse_screenplay_text"]


def parse_screenplay_text(text: str, *, source: str | None = None, encoding: str | None = None) -> Script:
    """A Script from plain screenplay text, whatever its layout; line numbers and
    ``Script.text`` refer to ``text`` even when it was rewritten first. Never raises on a str.

    >>> s = parse_screenplay_text("EPISODE 1\\nLILY: You fired me?\\nMARK (O.S.): Security!")
    >>> [(e.type.value, e.text, e.line) for e in s.episodes[0].elements][:2]
    [('character', 'LILY', 2), ('dialogue', 'You fired me?', 2)]
    """
    if not isinstance(text, str):
        raise TypeError(f"parse_screenplay_text needs a str, got {type(text).__name__}")
    # A file named .fountain/.spmd is Fountain as it stands (fountain.io: indentation carries no
    # meaning), however its speeches happen to be indented.
    named_fountain = source is not None and source.lower().endswith((".fountain", ".spmd"))
    w = None if named_fountain else rewrite_layout(text)
    if w is None:
        return parse_fountain(text, source=source, encoding=encoding)
    return parse_fountain(
        "\n".join(w.out),
        source=source,
        encoding=encoding,
        source_lines=w.numbers,
        source_text=text,
        held=w.held,
        fallback=w.fallback,
    )
