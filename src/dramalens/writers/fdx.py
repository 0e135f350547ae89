"""Script → Final Draft .fdx (XML) that Final Draft opens and :func:`parse_fdx` reads back.

Elements FDX has no paragraph type for (subtitle, voice-over, inner voice, flashback markers,
cliffhanger marks, notes, sections, synopses, lyrics, centered text, page breaks) are written
as ordinary paragraphs carrying a ``DramalensType`` attribute, so Final Draft shows their
text and our reader restores their type. Chinese-parsed dialogue has no cue element: a
``Character`` paragraph marked ``DramalensImplied="Yes"`` is written before it (Final Draft
shows the cue; our reader does not turn it into an element). See docs/fdx-docx.md.
"""

from __future__ import annotations

import re

from ..model import ElementType, Scene, Script
from ..parsing.paragraphs import split_cue
from ..parsing.headings import parse_episode_marker
from ..text import has_han

__all__ = ["write_fdx"]

_NATIVE = {
    ElementType.HEADING: "Scene Heading",
    ElementType.ACTION: "Action",
    ElementType.CHARACTER: "Character",
    ElementType.PARENTHETICAL: "Parenthetical",
    ElementType.DIALOGUE: "Dialogue",
    ElementType.TRANSITION: "Transition",
}
# Non-native types spoken by a character are written as Dialogue so Final Draft lays them out
# under their cue; the rest as Action (General for centered text and page breaks).
_AS_DIALOGUE = {ElementType.VOICE_OVER, ElementType.INNER_VOICE, ElementType.LYRICS}
_AS_GENERAL = {ElementType.CENTERED, ElementType.PAGE_BREAK}
_VOICE = {ElementType.VOICE_OVER, ElementType.INNER_VOICE}
_BLOCK = {ElementType.PARENTHETICAL, ElementType.DIALOGUE, *_AS_DIALOGUE}
# Characters XML 1.0 cannot carry at all; dropped (they never occur in real scripts).
_INVALID_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")
_CENTERED_KEYS = {"Title", "Credit", "Author", "Authors", "Source"}


def _esc(text: str, *, attr: bool = False) -> str:
    text = _INVALID_XML.sub("", text)
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\r", "&#13;")
    if attr:  # attribute values lose raw newlines and tabs to normalisation
        text = text.replace('"', "&quot;").replace("\n", "&#10;").replace("\t", "&#9;")
    return text


def _para(kind: str, text: str, attrs: dict[str, str] | None = None, inner: str = "") -> str:
    extra = "".join(f' {k}="{_esc(v, attr=True)}"' for k, v in (attrs or {}).items())
    number = ""
    if attrs and "Number" in attrs:  # keep FD's attribute order: Number before Type
        number = f' Number="{_esc(attrs["Number"], attr=True)}"'
        extra = "".join(f' {k}="{_esc(v, attr=True)}"' for k, v in attrs.items() if k != "Number")
    body = f"<Text>{_esc(text)}</Text>" if text else ""
    return f'    <Paragraph{number} Type="{kind}"{extra}>{inner}{body}</Paragraph>\n'


def write_fdx(script: Script) -> str:
    """The script as Final Draft XML (``FinalDraft DocumentType="Script" Version="5"``).

    >>> from dramalens.parsing.fdx import parse_fdx
    >>> xml = write_fdx(parse_fdx(b'<FinalDraft><Content><Paragraph Type="Action"><Text>A &amp; B</Text></Paragraph></Content></FinalDraft>'))
    >>> "<Text>A &amp; B</Text>" in xml
    True
    """
    if not isinstance(script, Script):
        raise TypeError(f"write_fdx takes a Script, got {type(script).__name__}")
    out = ['<?xml version="1.0" encoding="UTF-8" standalone="no" ?>\n',
           '<FinalDraft DocumentType="Script" Template="No" Version="5">\n', "  <Content>\n"]
    with_markers = len(script.episodes) > 1 or any(ep.number != 1 or ep.title for ep in script.episodes)
    for episode in script.episodes:
        if with_markers:
            out.append(_para("New Act", _episode_text(script, episode.number, episode.title),
                             {"DramalensEpisode": str(episode.number), "DramalensTitle": episode.title}))
        for scene in episode.scenes:
            out.extend(_scene(scene))
    out.append("  </Content>\n")
    out.extend(_title_page(script))
    out.append("</FinalDraft>\n")
    return "".join(out)


def _episode_text(script: Script, number: int, title: str) -> str:
    if script.language == "zh":
        return f"第{number}集" + (f" {title}" if title else "")
    return f"EPISODE {number}" + (f": {title}" if title else "")


def _scene(scene: Scene) -> list[str]:
    items: list[str] = []
    speaker: str | None = None
    implied_voice: str | None = None  # "vo"/"plain" after a cue we made up, None after a real one
    block_start: int | None = None  # index in items where the current speaker block began
    block_dual = False
    prev_block: tuple[int, int, bool] | None = None  # (start, end, dual) of the block just before
    dual_start: int | None = None

    def close_block() -> None:
        nonlocal block_start, prev_block, block_dual
        prev_block = (block_start, len(items), block_dual) if block_start is not None else None
        block_dual = False
        block_start = None

    def flush_dual() -> None:
        # The whole run of consecutive dual speakers (two or more) goes into one block, as
        # the reader reads every speaker of a block as dual; pairs alone would lose a third.
        nonlocal dual_start
        if dual_start is not None:
            inner = "".join("  " + i for i in items[dual_start:])
            items[dual_start:] = [f"    <Paragraph>\n      <DualDialogue>\n{inner}      </DualDialogue>\n    </Paragraph>\n"]
            dual_start = None

    elements = scene.elements
    has_heading_element = bool(elements) and elements[0].type is ElementType.HEADING
    if scene.heading is not None and not has_heading_element:
        items.append(_para("Scene Heading", scene.heading, _scene_attrs(scene, {"DramalensImplied": "Yes"})))
    first_heading = has_heading_element
    for element in elements:
        etype = element.type
        attrs: dict[str, str] = {}
        if etype is ElementType.CHARACTER:
            close_block()
            name, _ = split_cue(element.text)
            if element.character != name:
                attrs["DramalensCharacter"] = element.character or ""
            if not element.text.strip():
                attrs["DramalensType"] = etype.value
            # Every speaker of a dual run is marked dual (Fountain's ``^`` is read that way too).
            if element.dual and prev_block is not None and prev_block[1] == len(items) and prev_block[2]:
                if dual_start is None:
                    dual_start = prev_block[0]
            else:
                flush_dual()
            block_dual = element.dual
            block_start = len(items)
            items.append(_para("Character", element.text, attrs))
            speaker, implied_voice = element.character, None
            continue
        if etype in _BLOCK:
            voice = "vo" if etype in _VOICE else "plain"
            if element.character is not None and (
                element.character != speaker or (implied_voice is not None and implied_voice != voice)
            ):
                close_block()
                flush_dual()
                block_start = len(items)
                implied = {"DramalensImplied": "Yes"}
                cue = element.character
                if voice == "vo":  # the industry's own mark for a Chinese name, Final Draft's for others
                    cue += "（OS）" if has_han(cue) else " (V.O.)"
                if split_cue(cue)[0] != element.character:
                    implied["DramalensCharacter"] = element.character
                items.append(_para("Character", cue, implied))
                speaker, implied_voice = element.character, voice
            elif element.character is None and speaker is not None:
                attrs["DramalensCharacter"] = ""
            kind = "Dialogue" if etype in _AS_DIALOGUE else _NATIVE[etype]
            text = element.text
            if etype is ElementType.PARENTHETICAL:  # the model keeps it bare; FDX shows the brackets
                text = f"（{text}）" if has_han(text) else f"({text})"
            if etype in _AS_DIALOGUE or not text.strip():
                attrs["DramalensType"] = etype.value
            items.append(_para(kind, text, attrs))
            continue
        close_block()
        flush_dual()
        prev_block = None
        speaker = implied_voice = None
        if element.character is not None:
            attrs["DramalensCharacter"] = element.character
        if etype in _NATIVE:
            kind = _NATIVE[etype]
            if not element.text.strip() or (etype is ElementType.ACTION and parse_episode_marker(element.text)):
                attrs["DramalensType"] = etype.value  # keeps "EPISODE 3" an action, not a marker
        else:
            kind = "General" if etype in _AS_GENERAL else "Action"
            attrs["DramalensType"] = etype.value
            if element.level:
                attrs["DramalensLevel"] = str(element.level)
        if etype is ElementType.HEADING and first_heading:
            attrs = _scene_attrs(scene, attrs)
            first_heading = False
        elif etype is ElementType.HEADING and parse_episode_marker(element.text):
            attrs["DramalensType"] = etype.value
        items.append(_para(kind, element.text, attrs))
    close_block()
    flush_dual()
    return items


def _scene_attrs(scene: Scene, attrs: dict[str, str]) -> dict[str, str]:
    out = dict(attrs)
    if scene.number:
        out = {"Number": scene.number, **out}
    if scene.cast:
        out["DramalensCast"] = "\u3001".join(scene.cast)
    if scene.heading is not None and parse_episode_marker(scene.heading):
        out["DramalensType"] = ElementType.HEADING.value
    return out


def _title_page(script: Script) -> list[str]:
    pairs = list(script.title_page) or ([("Title", script.title)] if script.title else [])
    if not pairs:
        return []
    out = ["  <TitlePage>\n    <Content>\n"]
    for key, value in pairs:
        align = "Center" if key in _CENTERED_KEYS else "Left"
        out.append("  " + _para("General", value, {"Alignment": align, "DramalensKey": key}))
    out.append("    </Content>\n  </TitlePage>\n")
    return out
