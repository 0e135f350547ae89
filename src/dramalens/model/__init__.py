"""The document model: Script → Episode → Scene → Element, and Characters (see DESIGN.md)."""

from .elements import SPOKEN_TYPES, Element, ElementType, ParseWarning
from .quality import Evidence, HeldLine, QualityReason, ReadQuality
from .script import Character, Episode, Scene, Script

__all__ = [
    "SPOKEN_TYPES",
    "Character",
    "Element",
    "ElementType",
    "Episode",
    "Evidence",
    "HeldLine",
    "ParseWarning",
    "QualityReason",
    "ReadQuality",
    "Scene",
    "Script",
]
