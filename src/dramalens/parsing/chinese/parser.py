"""Chinese plain-text scripts as the micro-drama industry writes them → :class:`Script`: the
lines inside a scene (the frame, episodes and scene heads, is :mod:`.structure`).

One pass over the lines, each tried against precompiled patterns in a fixed order:
episode marker (``第1集``), scene head (``1-1 日 内 客厅`` and the other orders), cast line
(``人物：``), ``△`` action, bracketed marks (``【闪回】`` ``【卡点】`` ``【字幕：…】``), bare
subtitle/transition/flashback lines, dialogue (``角色（冷笑）：台词``) and, last, action.
Nothing raises: a line no rule claims is action. Matching is done on a copy of each line
where a few traditional characters are folded to simplified (1:1, so positions agree) and
full-width digits/letters are ASCII; the element text keeps the writer's characters.

Speed (a catalog import reads tens of thousands of scripts): a rule's regex is tried only when
the line's first (or last) character is one the regex can match there, the guards in
:mod:`.patterns` (tests/test_chinese_guards.py reads each off its regex), so the outcome is
that of trying every rule in turn.
"""

from __future__ import annotations

import re

from ...model import ElementType as T
from ...model import Script
from ...text.normalise import fold_width, unify_newlines
from ...text.numerals import parse_numeral
from .fields import comma_head, ext_kind, has_content, heading_fields, split_names, unquote
from .lexicon import NARRATORS, fold_match
from .patterns import (
    ACTION_FIRST, ACTION_LABELS, ACTION_MARK, BACK_MATTER, BACK_MATTER_FIRST, BAD_CHARS, BARE_MARK_FIRST,
    BARE_VO, BODY_HEAD, BRACKET_FIRST, CAST, CAST_FIRST, CUE, END_LAST, END_MARK, EPISODE, HEAD_HINT, ENTRANCE,
    JOINED, LEAD_BRACKET, LEAD_PAREN, NAME_CHARS, NAME_SUFFIX, NAME_SUFFIX_LAST, NESTED, NO_COLON, ONE_MARK,
    OUTLINE_HEAD, PAGE_LINE, PAREN_FIRST, PAREN_PARTS, PLACE_LINE, QUOTES, RULE_FIRST, RULE_LINE, SPACES,
    SECTION_WORDS, SENTENCE, SPEAKER, SPEAKER_INNER, SPEAKER_WIDE, SUBTITLED_VO, SUBTITLE, TERMINAL, TIME_LINE,
    TRAIL_LAST, TRAIL_MARKS, TRANSITION_WORD, VOICE_FIRST, VOICE_PREFIX, WHOLE_BRACKET, WHOLE_PAREN,
)
from .layout import DAMAGED, LEGEND, NUMBERED, split_damaged
from .marks import classify_mark
from .stage import FOOTNOTE, FOOTNOTE_FIRST, INTERLUDE, LINK, TITLE_AGAIN
from .speakers import action_speaker, group_speaker, speakers_elsewhere, tone_speaker
from .structure import FRAME_FIRST, NOT_BARE, Structure

__all__ = ["parse_chinese"]

# Markdown pasted from a chat assistant: ``## 第1集`` heads (``##第一部分``: the space is often left out).
_MD_HEAD = re.compile(r"^[ \t]*#{1,6}(?:[ \t]+|(?=[\u4e00-\u9fff]))(?=[^#\n]*$)(?![^\n]*#[ \t]*$)", re.M)
# Bold only where it opens the line (**林晚**：, **1-1 日 内 客厅**): a lone ** inside a
# speech is a writer's own mark for a bleeped word (你这个**！) and stays.
_MD_BOLD = re.compile(r"^\*\*(.+?)\*\*")
# 坐下 / 放下 / 停顿一下: the last character before 下/上 makes a gesture, not an entrance.
_NOT_ENTERING = frozenset("一坐躺蹲跪倒放低停趴摔拿写留扔按咽脱卸吞剩落爬跳递送戴穿关")
# A first-character guard, so the page-number rule costs nothing on ordinary lines.
_PAGE_FIRST = frozenset("0123456789-—–~～第Pp")
# CUE matches a name alone (at most 12 characters) or one with a bracket last, then only space.
_CUE_LAST = frozenset("）)" + SPACES)


class _Parser(Structure):
    """The lines inside a scene: actions, bracketed marks, cast lines and dialogue."""

    # -- lines -------------------------------------------------------------------------------
    def line(self, lineno: int, line: str) -> None:
        m_line = fold_match(line) if lineno in self.fold_lines else line
        first = m_line[0]
        if first in _PAGE_FIRST and PAGE_LINE.match(m_line):  # page numbers fall mid-speech: skipped, speech goes on
            self.b.hold(lineno, "page number")
            return
        if (self.back or self.interludes) and self.stage_marks and INTERLUDE.match(m_line):
            # 附录 then 第一幕幕前: played before the curtain, not remarks; the same performer
            # usually plays them all, so who spoke last carries over.
            self.end_speech()
            if self.back:  # the first piece: nobody from the play's last scene is on stage
                self.resume = None
            self.back, self.interludes = False, True
            self.b.start_scene(heading=line, line=lineno)
            return
        if self.back and not self.later_episode(m_line):
            self.end_speech()  # 附录 / 结语 after the script: a 第一幕 there (numbers going back) is not a new act
            self.emit(T.NOTE, line, lineno)
            return
        # A line starting otherwise than any head form is framing only as a bare short head
        # (客厅 日 内), what the last branch of scene_head asks first: else structure() is False.
        if ((first in FRAME_FIRST or (len(m_line) <= 30 and first not in NOT_BARE and "：" not in m_line
                                       and ":" not in m_line and HEAD_HINT.search(m_line)))
                and self.structure(lineno, line, m_line)):
            self.back, self.resume = False, None
            return
        if not self.front and first in BACK_MATTER_FIRST and BACK_MATTER.match(m_line):
            self.back = True  # 结语 / 后记 after the script: the writer's remarks, not story
        if self.back:
            self.end_speech()
            self.emit(T.NOTE, line, lineno)
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
            legend = LEGEND.match(m_line)
            if legend and self.plausible(legend.group(2)):  # 1：林晚 — speakers coded as numbers
                self.legend[legend.group(1)] = line[legend.start(2): legend.end(2)]
                self.know((self.legend[legend.group(1)],))
            if not self.header(line, m_line):
                self.front_lines.append((lineno, line, m_line))
            return
        self.body(lineno, line, m_line)

    def body(self, lineno: int, line: str, m_line: str) -> None:
        # The first character, read once for every guard below. (The fold leaves the marks
        # △ ＊ alone, so line and m_line agree on those.)
        first = m_line[0]
        if self.bad_chars and BAD_CHARS.search(line):
            self.b.warn(lineno, "line holds control or undecodable characters; taken as action")
            self.end_speech()
            self.emit(T.ACTION, line, lineno, fallback="undecodable characters")
            return
        if first in RULE_FIRST and RULE_LINE.match(m_line):  # ———— / ****: layout, not content
            self.b.hold(lineno, "rule line")
            return
        when = TIME_LINE.match(m_line) if first in "时内外室" else None
        if when:
            ie, time, _, _, found = heading_fields(when.group(1), line[when.start(1):])
            scene = self.b.current_scene
            if (found or len(when.group(1)) > 12) and scene is not None and self.fresh_scene():  # 时：日 under 景：客厅
                scene.time, scene.int_ext = scene.time or time, scene.int_ext or ie
                self.b.read_line(lineno)
                return
            if found or first == "时":  # 时间：夜 then 地点：客厅 — action unless a place line follows
                self.end_speech()
                self.emit(T.ACTION, line, lineno)
                self.loose_time = (self.b.scene.elements[-1], time, ie)
                return
        place = PLACE_LINE.match(m_line) if first in "地背" else None
        scene = self.b.current_scene
        if place and scene is not None and scene.location is None and self.fresh_scene():
            scene.location = line[place.start(1):].strip()  # 【场次 1】 / 时间：日 / 地点：宴会厅: one head
            self.b.read_line(lineno)
            return
        if self.cast_list and self.cast_name_line(line, m_line):
            self.b.read_line(lineno)
            return
        # (cast_under_head reads no longer line, nor one in a scene with a cast or four elements)
        if (len(m_line) <= 30 and scene is not None and not scene.cast and len(scene.elements) <= 3
                and self.cast_under_head(line, m_line)):
            self.b.read_line(lineno)
            return
        cast = CAST.match(m_line) if first in CAST_FIRST else None
        if cast:
            names = split_names(line[cast.start(1):])
            self.end_speech()
            self.add_cast(names)
            self.b.read_line(lineno)
            # 人物： alone on its line: the names follow, one a line (see cast_name_line).
            self.cast_list = not names
            return
        # Marks at the end of a line (…他笑了。【卡点】) come after what the line says.
        trail = TRAIL_MARKS.search(m_line) if m_line[-1] in TRAIL_LAST else None
        if trail and trail.start() > 0:
            self.body(lineno, line[: trail.start()].rstrip(), m_line[: trail.start()].rstrip())
            self.end_speech()
            for mark in ONE_MARK.finditer(m_line, trail.start()):
                self.mark(lineno, line[mark.start(1): mark.end(1)].strip(), mark.group(1).strip())
            return
        action = ACTION_MARK.match(line) if first in ACTION_FIRST else None
        if action:
            self.direction(line[action.end():])
            self.end_speech()
            text = line[action.end():].strip()
            whole = WHOLE_BRACKET.match(m_line[action.end():].strip())
            kind = classify_mark(whole.group(1).strip()) if whole else None
            if whole and kind is not None and kind[0] is not T.NOTE:  # ▲【闪回】: the mark, not action
                self.mark(lineno, text[1:-1].strip(), whole.group(1).strip())
            elif text:
                self.emit(T.ACTION, text, lineno)
            else:
                self.b.hold(lineno, "an action mark with nothing after it")
            return
        bracketed = first in BRACKET_FIRST
        whole = WHOLE_BRACKET.match(m_line) if bracketed else None
        if whole and self.bracket_head(lineno, line[1:-1].strip(), whole.group(1).strip()):
            return
        if whole:
            self.end_speech()
            self.mark(lineno, line[1:-1].strip(), whole.group(1).strip())
            return
        lead = LEAD_BRACKET.match(m_line) if bracketed else None
        if lead:
            kind = classify_mark(lead.group(1).strip())
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
        # ＊初载于… / …剧本: the printer's, not the play's (TITLE_AGAIN ends in 剧本).
        if (first in FOOTNOTE_FIRST and FOOTNOTE.match(line)) or (m_line[-1] == "本" and TITLE_AGAIN.match(m_line)):
            self.end_speech()
            self.emit(T.NOTE, line, lineno)
            return
        core = m_line.strip("（）()【】[]-—*=~～ ") if len(m_line) <= 24 else ""
        if core[-1:] in END_LAST and END_MARK.match(core):  # 本集完 /（未完待续）/ ——第1集完——
            self.end_speech()
            self.emit(T.NOTE, line, lineno)
            return
        paren = WHOLE_PAREN.match(m_line) if first in PAREN_FIRST else None
        if paren and LINK.search(m_line):  # （以下参见：https://…）: a reference for the crew
            self.end_speech()
            self.emit(T.NOTE, line, lineno)
            return
        if paren:
            inner, inner_m = line[1:-1].strip(), paren.group(1).strip()
            kind = classify_mark(inner_m)
            if len(inner_m) <= 20 and self.entrance(inner_m):  # （皇后、魔镜上）: who enters or leaves
                self.end_speech()
                self.emit(T.ACTION, inner, lineno)
            elif kind is not None and kind[0] is not T.NOTE:
                self.end_speech()
                self.mark(lineno, inner, inner_m)
            elif self.speech is not None and inner and not self.someone_else(inner_m):
                self.emit(T.PARENTHETICAL, inner, lineno, self.speech[0])
            elif inner:
                self.end_speech()  # (众躲在床后。) under a speech: what others do, not how it is said
                self.emit(T.ACTION, inner, lineno)
            return
        if first in BARE_MARK_FIRST and classify_mark(m_line, bare=True) is not None:
            self.end_speech()
            self.mark(lineno, line, m_line, bare=True)
            return
        numbered = NUMBERED.match(m_line) if first.isdecimal() else None  # (\d is isdecimal)
        if numbered:  # 4、 小李（低声）：… — the number is the writer's count, not the speaker
            line, m_line = line[numbered.end():], m_line[numbered.end():]
        if self.dialogue(lineno, line, m_line) or self.speaker_line(lineno, line, m_line):
            return
        # NO_COLON's bracket comes after one to six characters of name.
        toned = NO_COLON.match(m_line) if "（" in m_line[1:7] or "(" in m_line[1:7] else None
        if toned and toned.group(1) in self.known and not any(c.isdigit() for c in toned.group(2)):
            k = toned.end(2) + 1  # 江河（调侃）你怎么…: a known name and its tone, the colon left out
            if self.dialogue(lineno, line[:k] + "：" + line[k:], m_line[:k] + "：" + m_line[k:]):
                return
        if self.speech is not None and (self.speech_pending or TERMINAL.search(self.speech_last)
                                        or (self.triangles and not self.narration(m_line))
                                        or (self.indent > self.speech_indent + 1 and "：" not in m_line)
                                        or self.hard_wrapped()):
            name, voice, ext = self.speech
            lead = LEAD_PAREN.match(m_line) if self.speech_pending else None
            if lead and lead.group(2):  # 林晚： then （冷笑）你好。 on the next line
                self.emit(T.PARENTHETICAL, line[lead.start(1): lead.end(1)].strip(), lineno, name)
                line = line[lead.start(2):].strip()
            # Read as speech on the writer's layout alone (no mark, no unfinished sentence above).
            guess = "" if self.speech_pending or TERMINAL.search(self.speech_last) else "untagged line taken as more of the speech above"
            self.speech_pending = False
            self.cue = None
            self.speech_last = line
            self.emit(voice, line, lineno, name, ext, fallback=guess)
            return
        speaker = self.stage_speaker(m_line)
        if speaker is not None:  # no direction goes untagged in this play: the line is speech
            self.end_speech()
            self.speech, self.speech_last = (speaker, T.DIALOGUE, None), line
            self.emit(T.DIALOGUE, line, lineno, speaker, fallback="untagged line of a play that marks its directions with 〔: read as speech")
            return
        self.end_speech()
        # Untagged prose is action by the convention of a script without △; a line with a colon
        # whose speaker was refused, an untagged line where action is marked with △, or a line
        # too long to be one thing is action only because nothing else matched.
        why = ("colon line taken as action" if "：" in m_line or ":" in m_line
               else "very long line taken as action" if len(line) > 300
               else "untagged line taken as action in a script that marks action with △" if self.triangles else "")
        self.emit(T.ACTION, line, lineno, fallback=why)

    def bracket_head(self, lineno: int, inner: str, inner_m: str) -> bool:
        """``11-2`` then ``【足浴店，内，晚】`` then ``【江河，若干警察】``: the head written over
        three lines, the place and the cast in brackets under a bare scene number."""
        scene = self.b.current_scene
        if scene is None or scene.heading is None or not self.fresh_scene():
            return False
        if scene.location is None and scene.time is None and comma_head(inner_m):
            ie, time, loc, _, _ = heading_fields(inner_m, inner)
            scene.int_ext, scene.time, scene.location = ie, time, loc
            self.b.read_line(lineno)
            return True
        names = split_names(inner)
        if (not scene.cast and names and len(names) <= 12 and not SENTENCE.search(inner_m.replace("，", "、"))
                and all(self.plausible(fold_match(n)) or n.startswith("若干") for n in names)):
            self.add_cast(names)
            self.b.read_line(lineno)
            return True
        return False

    def entrance(self, inner_m: str) -> bool:
        """（皇后、魔镜上） / （下） / （众人下）: who enters or leaves the stage — every name before
        上/下 a speaker of the script, so （停顿一下） and （坐下） stay parentheticals."""
        m = ENTRANCE.match(inner_m)
        if m is None:
            return False
        names = [n for n in re.split(r"[、，,/和与及]", m.group(1).rstrip("等")) if n]
        return all(n in self.known or n in self.elsewhere or n in ("众人", "众", "全体", "大家")
                   or (len(n) >= 2 and n[-1] not in _NOT_ENTERING and self.plausible(n)) for n in names)

    def hard_wrapped(self) -> bool:
        """Did the speech so far stop mid-word at a long line's end (…通过ISO9002国家认 / 证体系…)?
        A copy from a site that wraps lines at a fixed width leaves no punctuation there."""
        last = self.speech_last
        return len(last) >= 30 and last[-1].isalnum()

    def later_episode(self, m_line: str) -> bool:
        """Is the line an episode marker numbered after the current episode?"""
        m = EPISODE.match(m_line)
        number = parse_numeral(m.group(1) or m.group(3)) if m else None
        current = self.b.current_episode
        return number is not None and (current is None or number > current.number)

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
        m = CUE.match(m_line) if len(m_line) <= 12 or m_line[-1] in _CUE_LAST else None
        if not m:
            return False
        name_m = m.group(1)
        suffix = NAME_SUFFIX.match(name_m)
        if name_m not in self.known and not (suffix and suffix.group(1) in self.known):
            return False
        self.end_speech()
        self.dialogue(lineno, line + "：", m_line + "：")
        self.cue = (lineno, line)
        self.b.read_line(lineno)
        return True

    def narration(self, m_line: str) -> bool:
        """Does an untagged line read as narration (starts with a pronoun or a known name, or
        holds a colon a speaker was refused for) rather than more of the speech above it?"""
        if m_line[0] in "他她它" or "：" in m_line or ":" in m_line:
            return True
        return any(m_line.startswith(name) for name in self.known if len(name) >= 2)

    def mark(self, lineno: int, inner: str, inner_m: str, *, bare: bool = False) -> None:
        kind = classify_mark(inner_m, bare=bare)
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
        if "：" not in m_line and ":" not in m_line:  # each speaker pattern needs a colon
            return False
        m = (SPEAKER_WIDE if "【" in m_line or "[" in m_line else SPEAKER).match(m_line) or SPEAKER_INNER.match(m_line)
        if not m:
            return False
        name_m = m.group(1).replace(" ", "")
        name = line[: m.end(1)].replace(" ", "")
        if name_m in self.legend:  # 1：… with a legend 1：林晚 before the script
            name = name_m = self.legend[name_m]
        text = line[m.start(4):].strip()
        text_m = m.group(4).strip()
        kind, ext = T.DIALOGUE, None
        groups: list[str] = []
        tone_at, tone_end = m.span(2)
        if tone_at < tone_end:  # (most cues have no bracket)
            groups = ONE_MARK.findall(line, tone_at, tone_end)  # (its one group: each mark's inside)
            bracket = line[tone_at:tone_end].strip()
            if NESTED.search(bracket):  # 段坤（用力戳在他胸膛上（特写））：the whole bracket is the tone
                groups = [bracket[1:-1].strip()]
        voiced_first = name_m[:1] in VOICE_FIRST
        if name_m.upper() in BARE_VO or (voiced_first and SUBTITLED_VO.match(name_m)):  # OS：… / VO（低沉男声）：… with no speaker: an unseen voice
            self.end_speech()
            for group in groups:  # the voice described: 低沉男声
                self.emit(T.PARENTHETICAL, group.strip(" ：:"), lineno, None)
            text = unquote(text)
            if text:
                self.emit(T.VOICE_OVER, text, lineno, None, name)
            self.b.read_line(lineno)
            return True
        prefix = VOICE_PREFIX.match(name_m) if voiced_first else None
        if prefix and self.plausible(prefix.group(1)):  # VO系统：the voice of 系统
            cut = len(name_m) - len(prefix.group(1))
            kind, ext, name, name_m = T.VOICE_OVER, name[:cut], name[cut:], prefix.group(1)
        if m.group(3):  # 名（表情）OS：
            kind, ext = ext_kind(m.group(3)) or T.VOICE_OVER, line[m.start(3): m.end(3)]
        suffix = NAME_SUFFIX.match(name_m) if kind is T.DIALOGUE and name_m[-1:] in NAME_SUFFIX_LAST else None
        if suffix and suffix.group(2).islower() and suffix.group(1).isascii():
            suffix = None  # Chaos： is a name, not Cha + os
        if suffix:  # 林晚OS： / 小舟os：
            cut = len(suffix.group(1))
            kind, ext = ext_kind(suffix.group(2)) or T.VOICE_OVER, name[cut:]
            name, name_m = name[:cut], name_m[:cut]
        tone = ""
        # (tone_speaker reads only four- and five-character prefixes: no union of names for others)
        glued = (tone_speaker(name_m, self.plausible, self.known | self.elsewhere)
                 if len(name_m) in (4, 5) and name_m not in self.elsewhere else None)
        if glued is not None:  # 阿城冷声：
            tone, name, name_m = name[glued:], name[:glued], name_m[:glued]
        elif not ((name_m in self.known and 0 < len(name_m) <= 12) or self.plausible(name_m)):  # (plausible's first test)
            joined = group_speaker(name_m, self.known, self.plausible)
            around = None
            if joined is None and (text or suffix):
                around = action_speaker(name_m, self.known | self.elsewhere)
            if joined:
                name = name_m = joined  # 林晚&顾沉 and 林晚、顾沉 are one pair
            elif around is not None:  # 雯雯猛地转过身：… — speech introduced by an action
                start, end = around
                tone = (name[:start] if start else name[end:]).strip("，, ")
                name, name_m = name[start:end], name_m[start:end]
            else:
                if NAME_CHARS.match(name_m) and not suffix:
                    self.plausible(name_m, line=lineno)  # warns when only the length was against it
                return False
        if name_m in NARRATORS:
            kind, ext = T.VOICE_OVER, name
        if tone:
            groups.insert(0, tone)
        lead = LEAD_PAREN.match(text_m) if text_m[:1] in PAREN_FIRST else None
        if lead:  # 林晚：（冷笑）你也配？
            groups.append(text[lead.start(1): lead.end(1)])
            text = text[lead.start(2):].strip()
        if text[:1] in QUOTES:  # (unquote leaves any other text as it is)
            text = unquote(text)
        notes: list[str] = []
        for group in groups:
            rest = []
            for part in PAREN_PARTS.split(group):
                part = part.strip(" ：:")
                part_m = fold_match(part) if lineno in self.fold_lines else part
                found = ext_kind(part_m) if part else None
                voiced = NAME_SUFFIX.match(part_m) if part and found is None and part_m[-1] in NAME_SUFFIX_LAST else None
                if found is not None:
                    kind, ext = found, part
                elif voiced is not None and ext_kind(voiced.group(2)) is not None:  # （震惊OS）
                    kind, ext = ext_kind(voiced.group(2)) or T.VOICE_OVER, part[len(voiced.group(1)):]
                    rest.append(part[: len(voiced.group(1))])
                elif part:
                    rest.append(part)
            if rest:
                notes.append("，".join(rest))
        self.b.note_character(name)
        self.known.add(name_m)
        for note in notes:
            self.emit(T.PARENTHETICAL, note, lineno, name)
        self.speech = (name, kind, ext)
        self.speech_indent = self.indent
        self.speech_pending = not text
        self.speech_last = text
        if text:
            self.emit(kind, text, lineno, name, ext)
        self.b.read_line(lineno)  # 林晚： with the speech on the next line
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
    text = fold_width(source_text)
    parser = _Parser(text, source, encoding)
    text_lines = text.split("\n")
    parser.elsewhere = speakers_elsewhere(text_lines, parser.plausible)
    markdown = "**" in text or (("\n#" in text or text.startswith("#")) and _MD_HEAD.search(text) is not None)
    last = 0
    blank = False
    source_lines = source_text.split("\n")
    for lineno, raw in enumerate(text_lines, start=1):
        raw = raw.lstrip("\u200b\ufeff")
        line = raw.strip()
        if markdown and line:  # drafts pasted from a chat assistant: ## 第1集 / **林晚**：
            # ~~struck~~ words stay (no text is dropped), only the marks go.
            # (A stripped line holds no newline: each mark can only open it, so look there first.)
            if line[0] == "#":
                line = _MD_HEAD.sub("", line)
            if line.startswith("**"):
                line = _MD_BOLD.sub(r"\1", line)
            line = line.replace("~~", "").strip()
        if not line:
            if raw.strip() or source_lines[lineno - 1].strip():
                parser.b.hold(lineno, "markup or invisible characters only")  # ** / ~~ / a lone BOM
            blank = True
            continue
        last = lineno
        if raw[0] in " \t":
            spaced = raw.expandtabs(4)
            parser.indent = len(spaced) - len(spaced.lstrip())
        else:
            parser.indent = 0
        parser.after_blank, blank = blank, False
        if parser.comment or line.startswith("/*"):  # /* a writer's note */, kept as a note
            parser.comment = "*/" not in (line[2:] if line.startswith("/*") and not parser.comment else line)
            parser.notes.add(lineno)
            if parser.front:  # before the first episode: front matter, not an episode of its own
                parser.front_lines.append((lineno, line, fold_match(line)))
                continue
            parser.end_speech()
            parser.emit(T.NOTE, line, lineno)
            continue
        pieces = split_damaged(line) if len(line) >= DAMAGED else (line,)  # (a shorter line is whole)
        if len(pieces) > 1:
            parser.b.warn(lineno, f"line holds {len(pieces)} lines run together (layout damage); read as that many lines")
        for piece in pieces:
            parser.line(lineno, piece)
    if parser.front:
        # No episode or scene anywhere: what looked like front matter is the script itself.
        lines, parser.front = parser.front_lines, False
        parser.front_lines = []
        for lineno, line, m_line in lines:
            if lineno in parser.notes:
                parser.emit(T.NOTE, line, lineno)
                continue
            if LEGEND.match(m_line) and m_line.split()[0][:2].rstrip(":：=＝-—") in parser.legend:
                parser.b.read_line(lineno)  # 1：林晚 — the legend itself
                continue
            parser.body(lineno, line, m_line)
    if parser.pending_cast:
        parser.apply_cast(parser.pending_cast)
    parser.end_head_flashback(last)  # a head's flashback lasts to the end of the script
    parser.close_flashback(0)
    return parser.b.build(text=source_text, title=parser.title)
