"""Chinese plain-text scripts as the micro-drama industry writes them → :class:`Script`: the
lines inside a scene (the frame, episodes and scene heads, is :mod:`.structure`).

One pass over the lines, each tried against precompiled patterns in a fixed order:
episode marker (``第1集``), scene head (``1-1 日 内 客厅`` and the other orders), cast line
(``人物：``), ``△`` action, bracketed marks (``【闪回】`` ``【卡点】`` ``【字幕：…】``), bare
subtitle/transition/flashback lines, dialogue (``角色（冷笑）：台词``) and, last, action.
Nothing raises: a line no rule claims is action. Matching is done on a copy of each line
where a few traditional characters are folded to simplified (1:1, so positions agree) and
full-width digits/letters are ASCII; the element text keeps the writer's characters.
"""

from __future__ import annotations

import re

from ...model import ElementType as T
from ...model import Script
from ...text.normalise import WIDTH_TABLE, unify_newlines
from .fields import ext_kind, has_content, heading_fields, split_names, unquote
from .lexicon import MATCH_TABLE, NARRATORS
from .patterns import (
    ACTION_LABELS,
    ACTION_MARK,
    BAD_CHARS,
    BARE_VO,
    BODY_HEAD,
    CAST,
    CLIFF,
    CUE,
    END_MARK,
    FLASH_BARE,
    FLASH_END,
    FLASH_START,
    JOINED,
    LEAD_BRACKET,
    LEAD_PAREN,
    NAME_CHARS,
    NAME_SUFFIX,
    ONE_MARK,
    OUTLINE_HEAD,
    PAGE_LINE,
    PAREN_PARTS,
    RULE_LINE,
    SECTION_WORDS,
    SPEAKER,
    SPEAKER_WIDE,
    SUBTITLE,
    TERMINAL,
    TIME_LINE,
    TRAIL_MARKS,
    TRANSITION_TO,
    TRANSITION_WORD,
    WHOLE_BRACKET,
    WHOLE_PAREN,
)
from .structure import Structure

__all__ = ["parse_chinese"]

# Markdown pasted from a chat assistant: ``## 第1集`` heads.
_MD_HEAD = re.compile(r"^[ \t]*#{1,6}[ \t]+(?=[^#\n]*$)(?![^\n]*#[ \t]*$)", re.M)
# Bold only where it opens the line (**林晚**：, **1-1 日 内 客厅**): a lone ** inside a
# speech is a writer's own mark for a bleeped word (你这个**！) and stays.
_MD_BOLD = re.compile(r"^\*\*(.+?)\*\*")
# A first-character guard, so the page-number rule costs nothing on ordinary lines.
_PAGE_FIRST = frozenset("0123456789-—–~～第Pp")


class _Parser(Structure):
    """The lines inside a scene: actions, bracketed marks, cast lines and dialogue."""

    # -- lines -------------------------------------------------------------------------------
    def line(self, lineno: int, line: str) -> None:
        m_line = line.translate(MATCH_TABLE)
        if m_line[0] in _PAGE_FIRST and PAGE_LINE.match(m_line):  # page numbers fall mid-speech: skipped, speech goes on
            return
        if self.structure(lineno, line, m_line):
            return
        if (not self.front and self.toc and len(m_line) <= 12 and SECTION_WORDS.search(m_line)
                and "：" not in m_line and ":" not in m_line
                and not self.episode_has_content() and self.table_of_contents()):
            self.front = True  # 目录 first, then 人物小传 / 分集大纲 before the script: still front matter
        if self.front:
            if OUTLINE_HEAD.match(m_line):
                self.outline = True
            elif BODY_HEAD.match(m_line):
                self.outline = False
            if not self.header(line, m_line):
                self.front_lines.append((lineno, line, m_line))
            return
        self.body(lineno, line, m_line)

    def body(self, lineno: int, line: str, m_line: str) -> None:
        if BAD_CHARS.search(line):
            self.b.warn(lineno, "line holds control or undecodable characters; taken as action")
            self.end_speech()
            self.emit(T.ACTION, line, lineno)
            return
        if RULE_LINE.match(m_line):  # ———— / ****: layout, not content
            return
        when = TIME_LINE.match(m_line) if m_line[0] == "时" else None
        if when:
            ie, time, _, _, found = heading_fields(when.group(1), line[when.start(1):])
            scene = self.b.current_scene
            if found and scene is not None and self.fresh_scene():  # 时：日 under 景：客厅
                scene.time, scene.int_ext = scene.time or time, scene.int_ext or ie
                return
            if found:  # 时间：夜 then 地点：客厅 — action unless a place line follows
                self.end_speech()
                self.emit(T.ACTION, line, lineno)
                self.loose_time = (self.b.scene.elements[-1], time, ie)
                return
        if self.cast_list and self.cast_name_line(line, m_line):
            return
        cast = CAST.match(m_line)
        if cast:
            names = split_names(line[cast.start(1):])
            self.end_speech()
            self.add_cast(names)
            # 人物： alone on its line: the names follow, one a line (see cast_name_line).
            self.cast_list = not names
            return
        # Marks at the end of a line (…他笑了。【卡点】) come after what the line says.
        trail = TRAIL_MARKS.search(m_line)
        if trail and trail.start() > 0:
            self.body(lineno, line[: trail.start()].rstrip(), m_line[: trail.start()].rstrip())
            self.end_speech()
            for mark in ONE_MARK.finditer(m_line, trail.start()):
                self.mark(lineno, line[mark.start(1): mark.end(1)].strip(), mark.group(1).strip())
            return
        action = ACTION_MARK.match(line)
        if action:
            self.end_speech()
            text = line[action.end():].strip()
            if text:
                self.emit(T.ACTION, text, lineno)
            return
        whole = WHOLE_BRACKET.match(m_line)
        if whole:
            self.end_speech()
            self.mark(lineno, line[1:-1].strip(), whole.group(1).strip())
            return
        lead = LEAD_BRACKET.match(m_line)
        if lead:
            kind = self.classify_mark(lead.group(1).strip())
            if lead.group(1).strip() in ACTION_LABELS:  # 【动作】林晚转身: the label says action
                self.end_speech()
                self.emit(T.ACTION, line[lead.start(2):], lineno)
                return
            if kind is not None and kind[0] is not T.NOTE:
                self.end_speech()
                rest, rest_m = line[lead.start(2):], m_line[lead.start(2):]
                if kind[0] is T.SUBTITLE and not kind[1]:  # 【字幕】三年后
                    self.emit(T.SUBTITLE, rest, lineno)
                    return
                self.mark(lineno, line[1: lead.end(1)].strip(), lead.group(1).strip())
                self.body(lineno, rest, rest_m)
                return
        if len(m_line) <= 24 and END_MARK.match(m_line.strip("（）()【】[]-—*=~～ ")):  # 本集完 /（未完待续）/ ——第1集完——
            self.end_speech()
            self.emit(T.NOTE, line, lineno)
            return
        paren = WHOLE_PAREN.match(m_line)
        if paren:
            inner, inner_m = line[1:-1].strip(), paren.group(1).strip()
            kind = self.classify_mark(inner_m)
            if kind is not None and kind[0] is not T.NOTE:
                self.end_speech()
                self.mark(lineno, inner, inner_m)
            elif self.speech is not None and inner:
                self.emit(T.PARENTHETICAL, inner, lineno, self.speech[0])
            elif inner:
                self.emit(T.ACTION, inner, lineno)
            return
        if self.classify_mark(m_line, bare=True) is not None:
            self.end_speech()
            self.mark(lineno, line, m_line, bare=True)
            return
        if self.dialogue(lineno, line, m_line) or self.speaker_line(lineno, line, m_line):
            return
        if self.speech is not None and (self.speech_pending or TERMINAL.search(self.speech_last)
                                        or (self.triangles and not self.narration(m_line))):
            name, voice, ext = self.speech
            lead = LEAD_PAREN.match(m_line) if self.speech_pending else None
            if lead and lead.group(2):  # 林晚： then （冷笑）你好。 on the next line
                self.emit(T.PARENTHETICAL, line[lead.start(1): lead.end(1)].strip(), lineno, name)
                line = line[lead.start(2):].strip()
            self.speech_pending = False
            self.cue = None
            self.speech_last = line
            self.emit(voice, line, lineno, name, ext)
            return
        self.end_speech()
        self.emit(T.ACTION, line, lineno)

    def add_cast(self, names: tuple[str, ...]) -> None:
        self.know(names)
        scene = self.b.current_scene
        if scene is None or (scene.heading is None and not scene.elements):
            self.pending_cast = tuple(dict.fromkeys(self.pending_cast + names))  # before the first scene
        else:
            self.apply_cast(names)

    def cast_name_line(self, line: str, m_line: str) -> bool:
        """A line of the list under an empty ``人物：`` (``林晚`` / ``顾沉（28岁）`` / ``A、B``)?
        The list ends at a scene head, a ``△`` line, a dialogue line, a transition, a section
        word (``目录``, ``正文``…) or the first line that is not names; that line is then read as
        usual. Blank lines neither end nor break it: adding one must change nothing."""
        names, names_m = split_names(line), split_names(m_line)
        # 黑场 / 淡出 read like a two-character name but are the list's end, as they are anywhere.
        if (ACTION_MARK.match(line) or TRANSITION_WORD.match(m_line) or SECTION_WORDS.search(m_line)
                or m_line in ("正文", "剧本正文") or "：" in m_line or ":" in m_line or not names
                or len(names) != len(names_m) or not all(self.plausible(n) for n in names_m)):
            self.cast_list = False
            return False
        self.add_cast(names)
        return True

    def fresh_scene(self) -> bool:
        scene = self.b.current_scene
        return scene is not None and len(scene.elements) == 1 and scene.elements[0].type is T.HEADING

    def speaker_line(self, lineno: int, line: str, m_line: str) -> bool:
        """A known name alone on its line (``林晚`` or ``林晚（冷笑）``), screenplay style: the
        lines after it are its speech. Unknown names never count: ``走廊`` stays action."""
        m = CUE.match(m_line)
        if not m:
            return False
        name_m = m.group(1)
        suffix = NAME_SUFFIX.match(name_m)
        if name_m not in self.known and not (suffix and suffix.group(1) in self.known):
            return False
        self.end_speech()
        self.dialogue(lineno, line + "：", m_line + "：")
        self.cue = (lineno, line)
        return True

    def narration(self, m_line: str) -> bool:
        """Does an untagged line read as narration (starts with a pronoun or a known name, or
        holds a colon a speaker was refused for) rather than more of the speech above it?"""
        if m_line[0] in "他她它" or "：" in m_line or ":" in m_line:
            return True
        return any(m_line.startswith(name) for name in self.known if len(name) >= 2)

    def classify_mark(self, inner_m: str, *, bare: bool = False) -> tuple[T, str] | None:
        """What a bracketed mark is (a note when nothing more specific); for an unbracketed
        (``bare``) line, only the unmistakable forms count and anything else is None."""
        if FLASH_END.match(inner_m) and (not bare or len(inner_m) <= 10):
            return T.FLASHBACK_END, inner_m
        sub = SUBTITLE.match(inner_m)
        if sub and (not bare or sub.group(1)):
            return T.SUBTITLE, (sub.group(1) or "").strip()
        if TRANSITION_WORD.match(inner_m) or TRANSITION_TO.match(inner_m):
            return T.TRANSITION, inner_m
        if bare:
            return (T.FLASHBACK_START, inner_m) if FLASH_BARE.match(inner_m) else None
        if FLASH_START.match(inner_m):
            return T.FLASHBACK_START, inner_m
        if CLIFF.search(inner_m):
            return T.CLIFFHANGER_MARK, inner_m
        return T.NOTE, inner_m

    def mark(self, lineno: int, inner: str, inner_m: str, *, bare: bool = False) -> None:
        kind = self.classify_mark(inner_m, bare=bare)
        if kind is None:
            self.emit(T.ACTION, inner, lineno)
            return
        type_ = kind[0]
        if type_ is T.SUBTITLE:
            sub = SUBTITLE.match(inner_m)
            value = inner[sub.start(1):].strip() if sub and sub.group(1) else ""
            self.emit(T.SUBTITLE if value else T.NOTE, value or inner, lineno)
            return
        if type_ is T.FLASHBACK_START:
            if self.head_flashback is not None:  # the writer marks it: drop the start the head made
                made = self.head_flashback[0]
                elements = self.b.scene.elements
                if made in elements:
                    del elements[next(i for i, e in enumerate(elements) if e is made)]
                self.head_flashback = None
            self.flashback_open += 1
        elif type_ is T.FLASHBACK_END:
            if self.head_flashback is not None and not self.flashback_open:
                self.head_flashback = None  # 【回忆结束】 closes what the （回忆） head opened
            elif not self.flashback_open:
                self.b.warn(lineno, "flashback end without a flashback start")
            self.flashback_open = max(0, self.flashback_open - 1)
        self.emit(type_, inner, lineno)

    def dialogue(self, lineno: int, line: str, m_line: str) -> bool:
        m = (SPEAKER_WIDE if "【" in m_line or "[" in m_line else SPEAKER).match(m_line)
        if not m:
            return False
        name_m = m.group(1).replace(" ", "")
        name = line[: m.end(1)].replace(" ", "")
        kind, ext = T.DIALOGUE, None
        suffix = NAME_SUFFIX.match(name_m)
        if name_m.upper() in BARE_VO and not m.group(2):  # OS：… with no speaker: an unseen voice
            text = unquote(line[m.start(3):].strip())
            self.end_speech()
            if text:
                self.emit(T.VOICE_OVER, text, lineno, None, name)
            return True
        if suffix and self.plausible(suffix.group(1)):  # 林晚OS：
            kind = ext_kind(suffix.group(2)) or T.VOICE_OVER
            ext = name[len(suffix.group(1)):]
            name, name_m = name[: len(suffix.group(1))], suffix.group(1)
        elif not self.plausible(name_m):
            joined = [n for n in JOINED.split(name_m) if n]
            if len(joined) < 2 or not all(n in self.known for n in joined):  # 林晚、顾言：(both known)
                if NAME_CHARS.match(name_m) and not suffix:
                    self.plausible(name_m, line=lineno)  # warns when only the length was against it
                return False
            name = name_m = "、".join(joined)  # 林晚&顾沉 and 林晚、顾沉 are one pair
        if name_m in NARRATORS:
            kind, ext = T.VOICE_OVER, name
        text = line[m.start(3):].strip()
        text_m = m.group(3).strip()
        groups = [g.group(1) for g in ONE_MARK.finditer(line, m.start(2), m.end(2))]
        lead = LEAD_PAREN.match(text_m)
        if lead:  # 林晚：（冷笑）你也配？
            groups.append(text[lead.start(1): lead.end(1)])
            text = text[lead.start(2):].strip()
        text = unquote(text)
        notes: list[str] = []
        for group in groups:
            rest = []
            for part in PAREN_PARTS.split(group):
                part = part.strip()
                found = ext_kind(part.translate(MATCH_TABLE)) if part else None
                if found is not None:
                    kind, ext = found, part
                elif part:
                    rest.append(part)
            if rest:
                notes.append("，".join(rest))
        self.b.note_character(name)
        self.known.add(name_m)
        for note in notes:
            self.emit(T.PARENTHETICAL, note, lineno, name)
        self.speech = (name, kind, ext)
        self.speech_pending = not text
        self.speech_last = text
        if text:
            self.emit(kind, text, lineno, name, ext)
        return True


def parse_chinese(text: str, *, source: str | None = None, encoding: str | None = None) -> Script:
    """Parse a Chinese plain-text script (``第1集`` / ``1-1 日 内 客厅`` / ``角色：台词``).

    Never raises on text: a line no rule claims becomes action (with a warning when it was a
    doubtful case).

    >>> s = parse_chinese("第1集 重生\\n1-1 日 内 客厅\\n人物：林晚\\n△林晚推门。\\n林晚（冷笑）：你来了。")
    >>> [(e.type.value, e.text) for e in s.episodes[0].elements][-2:]
    [('parenthetical', '冷笑'), ('dialogue', '你来了。')]
    """
    if not isinstance(text, str):
        raise TypeError(f"parse_chinese needs str, got {type(text).__name__}")
    source_text = unify_newlines(text)
    text = source_text.translate(WIDTH_TABLE)
    parser = _Parser(text, source, encoding)
    markdown = "**" in text or (("\n#" in text or text.startswith("#")) and _MD_HEAD.search(text) is not None)
    last = 0
    for lineno, raw in enumerate(text.split("\n"), start=1):
        line = raw.strip()
        if markdown and line:  # drafts pasted from a chat assistant: ## 第1集 / **林晚**：
            line = _MD_BOLD.sub(r"\1", _MD_HEAD.sub("", line)).strip()
        if line:
            last = lineno
            parser.line(lineno, line)
    if parser.front:
        # No episode or scene anywhere: what looked like front matter is the script itself.
        lines, parser.front = parser.front_lines, False
        parser.front_lines = []
        for lineno, line, m_line in lines:
            parser.body(lineno, line, m_line)
    if parser.pending_cast:
        parser.apply_cast(parser.pending_cast)
    parser.end_head_flashback(last)  # a head's flashback lasts to the end of the script
    parser.close_flashback(0)
    return parser.b.build(text=source_text, title=parser.title)
