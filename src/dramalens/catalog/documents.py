"""From a parsed script or a text to the :class:`~.records.Document` the fingerprinter reads.

A script is compared by its content as the parser modelled it, never by its file: the same
story saved as .fountain, .fdx, .docx or a Chinese .txt gives the same lines, so the same
fingerprints. The content is the text of the scene headings and of the elements an audience gets
(action, dialogue, voice-over, lyrics, on-screen text), one line per element line. Cues,
parentheticals, transitions, sections, notes and markers are left out: names and
directions every script has, or notes to the crew. Headings stay, because where a scene
happens (总裁办公室, a hospital corridor) tells tropes and topics apart; the shingler leaves them
out of the compared text by its structure rule, as it does in any text. A text (a synopsis, an
outline) is read line by line through the same normalisation (:mod:`.shingles`).
"""

from __future__ import annotations

from dataclasses import replace

from ..model import ElementType, Script
from ..text.language import identify_language, rules_language
from .records import Document, Work

__all__ = ["CONTENT_TYPES", "content_lines", "script_document", "text_document", "text_language"]

#: Element types whose text is compared.
CONTENT_TYPES = frozenset(
    {
        ElementType.HEADING,
        ElementType.ACTION,
        ElementType.DIALOGUE,
        ElementType.VOICE_OVER,
        ElementType.INNER_VOICE,
        ElementType.LYRICS,
        ElementType.CENTERED,
        ElementType.SUBTITLE,
    }
)


def content_lines(script: Script) -> tuple[str, ...]:
    """The script's content, one line per line of a content element (empty ones left out).

    >>> from dramalens.parsing import parse_text
    >>> content_lines(parse_text("第1集\\n1-1 日 内 客厅\\n△林晚推门而入。\\n林晚（冷笑）：你来了。"))
    ('1-1 日 内 客厅', '林晚推门而入。', '你来了。')
    """
    # An element may span lines (an FDX paragraph with a break); each is a line here, so the
    # stored text splits back into exactly these lines. Splitting the elements' texts joined by
    # newlines gives each element's lines in turn, with one split for the whole script.
    texts = [e.text for episode in script.episodes for scene in episode.scenes for e in scene.elements if e.type in CONTENT_TYPES]
    return tuple(line for line in "\n".join(texts).split("\n") if line.strip())


def text_language(text: str) -> str:
    """``zh`` or ``en``: the shingling rules for ``text`` (:mod:`dramalens.text.language`).

    >>> text_language("重生回到十八岁"), text_language("A maid marries the heir.")
    ('zh', 'en')
    """
    return rules_language(identify_language(text))


def script_document(script: Script, work: Work) -> Document:
    """The document of a parsed script, with ``work``'s metadata; an empty ``work.title`` or
    ``work.language`` is taken from the script, and ``work.names`` from its character table.

    >>> from dramalens.parsing import parse_text
    >>> doc = script_document(parse_text("INT. HOUSE - DAY\\n\\nANNA\\nHi, Bob."), Work("w1", language=""))
    >>> doc.lines, doc.work.language, doc.work.names
    (('INT. HOUSE - DAY', 'Hi, Bob.'), 'en', ('ANNA',))
    """
    names = tuple(n for c in script.characters.values() for n in c.names)
    filled = replace(work, title=work.title or script.title, language=work.language or rules_language(script.language),
                     source=work.source or script.source, names=names or work.names)
    return Document(filled, content_lines(script))


def text_document(text: str, language: str | None = None, *, work_id: str = "<text>") -> Document:
    """The document of a plain text (a synopsis, an outline, prose): its lines as they are.

    >>> text_document("A ghost opens a noodle shop.").work.language
    'en'
    """
    return Document(Work(work_id, language=language or text_language(text)), tuple(text.split("\n")))
