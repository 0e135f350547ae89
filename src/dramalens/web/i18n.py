"""The UI's two languages: the web layer's door to the project's message catalogue.

The texts live in ``dramalens/locale/{en,zh}/LC_MESSAGES/dramalens.po`` (read by
:mod:`dramalens.i18n`); this module keeps the names the templates and route modules have always
imported. A missing key falls back to English, then to the key itself.
"""

from __future__ import annotations

from ..i18n import LANGUAGES, Message, Translator, catalogue, labels, translator

__all__ = ["LANGUAGES", "MESSAGES", "Message", "Translator", "labels", "translator"]

#: The raw per-language tables (read-only views), for code that listed keys from the old dict.
MESSAGES = {lang: catalogue(lang) for lang in LANGUAGES}
