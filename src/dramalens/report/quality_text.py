"""How well a file was read, said in the reader's language: one read-quality reason as a
sentence (the HTML report, the desk) and the terminal lines of ``dramalens stats`` and
``dramalens analyze``.

A reason carries its catalogue fields (``QualityReason.params``, key ``quality.<code>``); a
parser's fallback reason inside it is a ``why_key`` field, translated by ``Translator.say``.
A reason stored without fields (made before reasons had keys) keeps its English text.
"""

from __future__ import annotations

from rich.console import RenderableType
from rich.markup import escape
from rich.text import Text

from ..i18n import Translator, translator
from ..model import QualityReason, ReadQuality

__all__ = ["quality_lines", "reason_text"]

_SHOWN_REASONS = 5


def reason_text(r: QualityReason, t: Translator) -> str:
    """A read-quality reason in ``t``'s language, with example lines and what it cost.

    >>> r = QualityReason("front_matter", "3 of 9 lines held back as front matter before the body", 3, (1, 2, 3), 0.1,
    ...                   (("n", 3), ("of", 9)))
    >>> reason_text(r, translator("zh"))
    '9 行中有 3 行作为正文前的前置内容略过（例如第 1, 2, 3 行） (-0.10)'
    >>> reason_text(r, translator("en")) == str(r)
    True
    """
    if not r.params:
        return str(r)
    where = t("quality.where", lines=", ".join(map(str, r.lines))) if r.lines else ""
    return f"{t.say(f'quality.{r.code}', r.params)}{where} (-{r.penalty:.2f})"  # say: a why_key field is translated


def quality_lines(quality: ReadQuality, threshold: float = 0.5, lang: str = "en") -> list[RenderableType]:
    """How well the file was read, in ``lang``: the score, then each reason that cost
    something, with example line numbers; a warning when the score is under ``threshold``.

    >>> q = ReadQuality(0.3, lines=40, strong_lines=12, fallback_lines=28)
    >>> [str(x) for x in quality_lines(q, 0.5)][:1]
    ['read quality 0.30 (12/40 lines on strong evidence, 28 by fallback, 0 held back, 0 speakers, dialogue 0%)']
    >>> [str(x) for x in quality_lines(q, 0.5, "zh")][:1]
    ['读取质量 0.30（40 行中 12 行依据可靠，28 行为推测，0 行略过，0 人说话，台词占 0%）']
    """
    t = translator(lang)
    if not quality.measured:
        return [Text(t("s.quality.not_measured"))]
    colour = "red" if quality.score < threshold else "green" if quality.score >= 0.8 else "yellow"
    # Markup only around the score: the rest is the catalogue's text with numbers filled in.
    head = Text.from_markup(escape(t("s.quality.head", score="\x00", strong=quality.strong_lines, lines=quality.lines,
                                     fallback=quality.fallback_lines, held=quality.held_lines, speakers=quality.speakers,
                                     dialogue=quality.dialogue_share)).replace("\x00", f"[{colour}]{quality.score:.2f}[/{colour}]"))
    lines: list[RenderableType] = [head]
    shown = [r for r in quality.reasons if r.penalty > 0][:_SHOWN_REASONS]
    lines.extend(Text(f"  - {reason_text(r, t)}") for r in shown)
    if quality.score < threshold:
        warning = t("s.warning")
        gap = "" if warning.endswith("：") else " "  # a full-width colon carries its own space
        lines.append(Text.from_markup(f"[yellow]{escape(warning)}[/yellow]{gap}" + escape(t("s.quality.under", threshold=threshold))))
    return lines
