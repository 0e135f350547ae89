"""dramalens: script intelligence for micro dramas (微短剧), in Chinese and English.

>>> import dramalens
>>> dramalens.parse("第1集\\n1-1 日 内 客厅\\n△林晚推门而入。").language
'zh'
"""

from __future__ import annotations

from .analysis import analyze
from .errors import DramalensError, InputError, ParseError
from .model import Character, Element, ElementType, Episode, Scene, Script
from .model.novel import Novel
from .parsing import parse
from .parsing.novel import read_novel

__version__ = "0.1.0"

__all__ = [
    "Character",
    "DramalensError",
    "Element",
    "ElementType",
    "Episode",
    "InputError",
    "Novel",
    "ParseError",
    "Scene",
    "Script",
    "analyze",
    "parse",
    "read_novel",
]

