"""Word .docx: screenplay paragraph styles when the document has them, otherwise the plain-text
parsers (Chinese or Fountain) over the paragraphs' text.

>>> import io, docx
>>> d = docx.Document(); _ = d.add_paragraph("INT. HALL - DAY"); buf = io.BytesIO(); d.save(buf)
>>> parse_docx(buf.getvalue()).text
'INT. HALL - DAY'
"""

from __future__ import annotations

from .reader import SCREENPLAY_STYLES, parse_docx

__all__ = ["SCREENPLAY_STYLES", "parse_docx"]
