"""Novels (.txt in any encoding, .epub) split into chapters, with title, author and language.

Modules: :mod:`.headings` (what a chapter or volume heading looks like), :mod:`.chapters`
(which headings are chapters and which a table of contents), :mod:`.front_matter` (title and
author), :mod:`.epub` (the .epub reader) and :mod:`.reader` (:func:`read_novel`).

>>> [c.title for c in read_novel("第一章 风起\\n夜深了。\\n第二章 云涌\\n雨停了。").chapters]
['风起', '云涌']
"""

from __future__ import annotations

from .chapters import SplitResult, split_chapters
from .front_matter import front_matter_metadata
from .reader import novel_from_text, read_novel

__all__ = ["SplitResult", "front_matter_metadata", "novel_from_text", "read_novel", "split_chapters"]
