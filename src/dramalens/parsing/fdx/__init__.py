"""Final Draft .fdx and Fade In (.fdx, zipped .fadein): read through a hardened XML parser.

>>> xml = b'<FinalDraft><Content><Paragraph Type="Action"><Text>He waits.</Text></Paragraph></Content></FinalDraft>'
>>> parse_fdx(xml).text
'He waits.'
"""

from __future__ import annotations

from .reader import parse_fdx
from ..safexml import parse_xml

__all__ = ["parse_fdx", "parse_xml"]
