"""Chinese plain-text scripts as the micro-drama industry writes them → :class:`Script`.

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

from ..model import Element, Script
from .builder import ScriptBuilder
from .chinese_lexicon import chinese_numeral
from .chinese_patterns import (
    _ACTION_LABELS,
    _ACTION_LINES,
    _ACTION_MARK,
    _BAD_CHARS,
    _BARE_VO,
    _BIO_NAME,
    _BODY_HEAD,
    _CAST,
    _CLAUSE_CHARS,
    _CLAUSE_WORDS,
    _CLIFF,
    _CUE,
    _END_MARK,
    _END_WORDS,
    _EPISODE,
    _FLASH_BARE,
    _FLASH_END,
    _FLASH_START,
    _FULL_STOP,
    _HAS_LETTER,
    _HEADER_KEYS,
    _HEADER_LINE,
    _HEAD_HINT,
    _JOINED,
    _LATIN_NAME,
    _LEAD_BRACKET,
    _LEAD_PAREN,
    _MATCH_TABLE,
    _NAME_CHARS,
    _NAME_SUFFIX,
    _NARRATORS,
    _NOT_SPEAKERS,
    _ONE_MARK,
    _OUTLINE_HEAD,
    _PAGE_LINE,
    _PAREN_PARTS,
    _PARTS,
    _PLACE_LINE,
    _PRONOUNS,
    _ROLE_ENDINGS,
    _RULE_LINE,
    _SCENE_NUM,
    _SCENE_SINGLE,
    _SCENE_WORD,
    _SECTION_WORDS,
    _SENTENCE,
    _SPEAKER,
    _SPEAKER_WIDE,
    _SUBTITLE,
    _T,
    _TERMINAL,
    _TEXT_TABLE,
    _TIME_LINE,
    _TITLE_KEYS,
    _TITLE_NOISE,
    _TITLE_SEP,
    _TRAIL_MARKS,
    _TRANSITION_TO,
    _TRANSITION_WORD,
    _WHOLE_BRACKET,
    _WHOLE_PAREN,
    _ext_kind,
    _has_content,
    _heading_fields,
    _split_names,
    _unquote,
    _unwrap,
)

__all__ = ["chinese_numeral", "parse_chinese"]

# First-character and cheap guards, so the rarer rules cost nothing on ordinary lines.
_MD_HEAD = re.compile(r"^[ \t]*#{1,6}[ \t]+(?=[^#\n]*$)(?![^\n]*#[ \t]*$)", re.M)
_DIGITS = "0123456789"
_NUM_FIRST = frozenset(_DIGITS + "【[场第")
_WORD_FIRST = frozenset("【[场第")
_SINGLE_FIRST = frozenset(_DIGITS + "（(")
# Bold only where it opens the line (**林晚**：, **1-1 日 内 客厅**): a lone ** inside a
# speech is a writer's own mark for a bleeped word (你这个**！) and stays.
_MD_BOLD = re.compile(r"^\*\*(.+?)\*\*")
_PAGE_FIRST = frozenset("0123456789-—–~～第Pp")


class _Parser:
    """The state of one pass: builder, current speech, known speakers, front matter."""

    def __init__(self, text: str, source: str | None, encoding: str | None):
        self.b = ScriptBuilder(source_format="chinese", source=source, encoding=encoding)
        # A writer who marks action with △ leaves untagged lines to speech: they continue
        # the dialogue above them. Without △, untagged lines are action.
        self.triangles = _ACTION_LINES.search(text) is not None
        self.known: set[str] = set()
        self.title: str | None = None
        self.front = True
        self.front_lines: list[tuple[int, str, str]] = []
        self.speech: tuple[str, _T, str | None] | None = None
        self.speech_pending = False
        self.speech_last = ""
        self.pending_cast: tuple[str, ...] = ()
        self.saw_episode_marker = False
        self.flashback_open = 0
        self.marker: tuple[int, str] = (0, "")  # the last episode marker line
        self.toc: list[tuple[int, str]] = []  # earlier markers whose episodes stayed empty
        self.cue: tuple[int, str] | None = None  # a speaker name on its own line, awaiting speech
        self.outline = False  # inside a 分集大纲 section of the front matter
        self.outline_max = 0
        self.loose_time: tuple[Element, str | None, str | None] | None = None  # 时间：夜 before 地点：

    # -- emitting ----------------------------------------------------------------------------
    def emit(self, type: _T, text: str, line: int, character: str | None = None, extension: str | None = None) -> None:
        if self.pending_cast:
            self._apply_cast(self.pending_cast)
            self.pending_cast = ()
        self.b.add(Element(type, text, line, character, extension))

    def _apply_cast(self, names: tuple[str, ...]) -> None:
        scene = self.b.scene
        scene.cast = tuple(dict.fromkeys(scene.cast + names))

    def end_speech(self) -> None:
        if self.cue is not None:
            if self.speech_pending:  # a name on its own line that no speech followed: keep it
                self.b.add(Element(_T.ACTION, self.cue[1], self.cue[0]))
            self.cue = None
        self.speech = None
        self.speech_pending = False

    def _know(self, names) -> None:
        for name in names:
            self.known.add(name.translate(_MATCH_TABLE))
            self.b.note_character(name)

    def close_flashback(self, lineno: int) -> None:
        if self.flashback_open:
            self.b.warn(lineno, "a flashback was opened and never closed (no 【闪回结束】)")
            self.flashback_open = 0

    # -- front matter ------------------------------------------------------------------------
    def header(self, line: str, m_line: str) -> bool:
        """Title and title-page lines before the first episode or scene."""
        if not self.b.script.title_page and not self.front_lines and self.title is None:
            if len(line) >= 3 and line[0] == "《" and line.endswith("》") and line.count("《") == 1:
                self.title = line[1:-1].strip()
                self.b.script.title_page.append(("剧名", self.title))
                return True
        m = _HEADER_LINE.match(m_line)
        if m and m.group(1).replace(" ", "") in _HEADER_KEYS:
            key, value = line[: m.end(1)].strip(), line[m.start(2):].strip()
            if m.group(1).replace(" ", "") in _TITLE_KEYS and self.title is None:
                self.title = value.strip("《》 ")
            self.b.script.title_page.append((key, value))
            return True
        return False

    def leave_front(self) -> None:
        """The first episode or scene has come: what was buffered is front matter (synopsis,
        character bios), kept as title-page pairs under the section it sits in."""
        if not self.front:
            return
        self.front = False
        section = "前言"
        for index, (_, line, m_line) in enumerate(self.front_lines):
            cast = _CAST.match(m_line)
            if cast:
                self._know(_split_names(line[cast.start(1):]))
                self.b.script.title_page.append((line[: cast.start(1)].rstrip(" ：:"), line[cast.start(1):].strip()))
                continue
            bracket = _WHOLE_BRACKET.match(m_line)
            short = len(m_line) <= 30 and not _SENTENCE.search(m_line) and ":" not in m_line and "：" not in m_line
            if index == 0 and self.title is None and short and not bracket and not _SECTION_WORDS.search(m_line):
                self.title = line  # a bare first line: the title
                self.b.script.title_page.append(("剧名", line))
                continue
            entry = _EPISODE.match(m_line) is not None  # 第1集 闪婚 in an outline: an entry, not a section
            if not entry and (bracket or (short and len(m_line) <= 8) or (line.endswith(("：", ":")) and len(line) <= 12)):
                section = (line[1:-1] if bracket else line).strip(" ：:") or section
                continue
            if "人物" in section or "角色" in section:
                sp = _SPEAKER.match(m_line) or _BIO_NAME.match(m_line)
                if sp and self.plausible(sp.group(1).replace(" ", ""), strict=True):
                    self._know((line[: len(sp.group(1))].replace(" ", ""),))
            self.b.script.title_page.append((section, line))
        self.front_lines = []

    # -- the speaker rule --------------------------------------------------------------------
    def plausible(self, name_m: str, *, strict: bool = False, line: int = 0) -> bool:
        """Is ``name_m`` (matching form, spaces removed) a speaker? A known name always is;
        an unknown one must be short, free of verbs and particles and not a label word.
        With ``line``, a name that fails only on length gets a warning."""
        if not name_m or len(name_m) > 12:
            return False
        if name_m in self.known and not strict:
            return True
        if name_m in _NOT_SPEAKERS or not _NAME_CHARS.match(name_m) or not _HAS_LETTER.search(name_m):
            return False
        if "·" in name_m or "•" in name_m or "・" in name_m:  # 艾米丽·布朗: a foreign name, not a clause
            parts = re.split(r"[·•・]", name_m)
            return all(1 <= len(p) <= 6 and not any(ch in _CLAUSE_CHARS for ch in p) for p in parts)
        if name_m.isascii():
            return bool(_LATIN_NAME.match(name_m)) and name_m.upper() not in ("OS", "VO", "PS", "BGM", "NOTE")
        if name_m[0] in _PRONOUNS or _CLAUSE_WORDS.search(name_m) or any(ch in _CLAUSE_CHARS for ch in name_m):
            return False
        if len(name_m) >= 2 and name_m.endswith("道"):  # 笑道 / 冷冷道: narration, not a cue
            return False
        for known in self.known:  # 林晚看他：… is 林晚 doing something; 林晚妈妈 is someone else
            if len(known) >= 2 and name_m.startswith(known) and not name_m[len(known):].endswith(_ROLE_ENDINGS):
                return False
        if len(name_m) <= 4 or (len(name_m) <= 7 and name_m.endswith(_ROLE_ENDINGS)):
            return True
        if line:
            self.b.warn(line, f"colon line taken as action: {name_m!r} is not a known character and long for a name")
        return False

    # -- lines -------------------------------------------------------------------------------
    def line(self, lineno: int, line: str) -> None:
        m_line = line.translate(_MATCH_TABLE)
        if m_line[0] in _PAGE_FIRST and _PAGE_LINE.match(m_line):  # page numbers fall mid-speech: skipped, speech goes on
            return
        if self.structure(lineno, line, m_line):
            return
        if (not self.front and self.toc and len(m_line) <= 12 and _SECTION_WORDS.search(m_line)
                and "：" not in m_line and ":" not in m_line
                and not _has_content(self.b._episode) and self.table_of_contents()):
            self.front = True  # 目录 first, then 人物小传 / 分集大纲 before the script: still front matter
        if self.front:
            if _OUTLINE_HEAD.match(m_line):
                self.outline = True
            elif _BODY_HEAD.match(m_line):
                self.outline = False
            if not self.header(line, m_line):
                self.front_lines.append((lineno, line, m_line))
            return
        self.body(lineno, line, m_line)

    def structure(self, lineno: int, line: str, m_line: str) -> bool:
        m = _EPISODE.match(m_line)
        if m is None:
            return self.scene_head(lineno, line, m_line)
        number = chinese_numeral(m.group(1) or m.group(3))
        last = chinese_numeral(m.group(2)) if m.group(2) else None
        rest = m.group(4)
        raw = line[len(line) - len(rest):].strip() if rest else ""
        title = _unwrap(raw.lstrip(_TITLE_SEP)).strip()
        core = title.strip("（）()【】[]《》「」 ")
        current = self.b._episode.number if self.b._episode is not None else None
        if core in _END_WORDS:
            if self.saw_episode_marker:  # 第1集完: the end of episode 1, not a new one
                if number != current:
                    self.b.warn(lineno, f"end mark for episode {number} inside episode {current}")
                self.end_speech()
                self.emit(_T.NOTE, line, lineno)
                return True
            title = ""
        elif raw and not (rest[:1].isspace() or raw[0] in _TITLE_SEP or raw[0] in "（(【[《「"):
            if len(raw) > 15 or _SENTENCE.search(raw):
                return self.scene_head(lineno, line, m_line)  # 第三场戏…: prose, not a marker
        # 第四集 4-1 日 外 天台: the episode's first scene head written on the marker's line.
        title_m = title.translate(_MATCH_TABLE)
        head = raw if title and (_SCENE_NUM.match(title_m) or _SCENE_WORD.match(title_m)) else ""
        if head:
            title = ""
        if number is None or len(title) > 24 or (len(title) > 12 and _FULL_STOP.search(title)):
            return False  # 第1集：林晚重生，发现…。 is an outline entry, not an episode
        if self.front and self.outline and not head:
            if number > self.outline_max:  # an entry of the 分集大纲: kept as front matter
                self.outline_max = number
                self.front_lines.append((lineno, line, m_line))
                return True
            self.outline = False  # the numbers went back: the script itself has begun
        if core in _PARTS:
            title = ""  # 第三集（上）: a half of episode 3, not its title
            if self.saw_episode_marker and number == current:
                return True  # 第三集（下） goes on with episode 3
        self.leave_front()
        self.end_speech()
        self.close_flashback(lineno)
        title = _TITLE_NOISE.sub("", title).strip()
        if last is not None and last != number:
            self.b.warn(lineno, f"merged episodes {number}-{last}: read as episode {number}")
        if self.saw_episode_marker and current is not None and number <= current:
            if not self.table_of_contents():
                self.b.warn(lineno, f"episode {number} follows episode {current}")
        elif self.b._episode is not None and self.b._episode.line and not _has_content(self.b._episode):
            self.toc.append(self.marker)  # the episode before had nothing in it: maybe a 目录
        else:
            self.toc = []
        self.saw_episode_marker = True
        self.pending_cast = ()
        self.marker = (lineno, line)
        self.b.start_episode(number, title, lineno)
        if head and not self.scene_head(lineno, head, head.translate(_MATCH_TABLE)):
            self.b._episode.title = head
        return True

    def table_of_contents(self) -> bool:
        """A marker whose number goes back, after a run of markers with nothing under them and
        nothing else in the script so far: that run was a table of contents (``目录`` then
        第1集…第80集), not 80 empty episodes. Its lines become ``目录`` title-page pairs."""
        episodes = self.b.script.episodes
        if not self.toc or any(_has_content(ep) for ep in episodes):
            return False
        for _, text in self.toc + [self.marker]:
            self.b.script.title_page.append(("目录", text))
        episodes.clear()
        self.b._episode = self.b._scene = None
        self.toc = []
        self.saw_episode_marker = False
        return True

    def scene_head(self, lineno: int, line: str, m_line: str) -> bool:
        number: str | None = None
        episode_from_number: int | None = None
        first = m_line[0]
        m = _SCENE_NUM.match(m_line) if first in _NUM_FIRST else None
        if m:
            rest_m, sep = m.group(5), m.group(4)
            ie, time, loc, cast, found = _heading_fields(rest_m, line[len(line) - len(rest_m):])
            dashlike = m.group(2) not in ".．_"
            found_ok = found and not _FULL_STOP.search(rest_m)
            plain_ok = not rest_m or (dashlike and sep and len(rest_m) <= 24 and not _SENTENCE.search(rest_m))
            if not (found_ok or plain_ok):
                return False
            number = f"{m.group(1)}-{m.group(3)}"
            episode_from_number = int(m.group(1))
        else:
            m = _SCENE_WORD.match(m_line) if first in _WORD_FIRST else None
            if m:
                rest_m, sep = m.group(4), m.group(3)
                ie, time, loc, cast, found = _heading_fields(rest_m, line[len(line) - len(rest_m):])
                if found and _FULL_STOP.search(rest_m):
                    return False
                if rest_m and not found and (not sep or _SENTENCE.search(rest_m) or len(rest_m) > 24):
                    return False
                raw = m.group(1) or m.group(2)
                if raw:
                    number = str(chinese_numeral(raw))
            else:
                m = _SCENE_SINGLE.match(m_line) if first in _SINGLE_FIRST else None
                rest_m = m.group(3) if m else m_line
                place = _PLACE_LINE.match(m_line) if m_line[0] in "景地" else None
                if place and not _SENTENCE.search(place.group(1)) and self.place_head_ok(m_line):
                    rest_m = place.group(1)  # 景：客厅 — a scene even with no time in it
                    ie, time, loc, cast, found = _heading_fields(rest_m, line[len(line) - len(rest_m):])
                    scene, loose = self.b._scene, self.loose_time
                    if loose and scene is not None and scene.elements and scene.elements[-1] is loose[0]:
                        scene.elements.pop()  # the 时间 line just above belongs to this head
                        time, ie = time or loose[1], ie or loose[2]
                    return self.open_scene(lineno, line, None, ie, time, loc, cast, None)
                if len(rest_m) > 30 or _SENTENCE.search(rest_m) or rest_m[0] in "△▲※◆●■【[（(":
                    return False
                if not _HEAD_HINT.search(rest_m) or (not m and ("：" in rest_m or ":" in rest_m)):
                    return False
                ie, time, loc, cast, found = _heading_fields(rest_m, line[len(line) - len(rest_m):])
                spaced = m is not None and m.group(2) is not None and not m_line[m.end(2):m.start(3)].strip()
                if not found or ((not m or spaced) and not (ie and time)):
                    return False
                if m:
                    number = str(int(m.group(1) or m.group(2)))
        return self.open_scene(lineno, line, number, ie, time, loc, cast, episode_from_number)

    def open_scene(self, lineno: int, line: str, number: str | None, ie: str | None, time: str | None,
                   loc: str | None, cast: tuple[str, ...], episode_from_number: int | None) -> bool:
        """Start the scene a head line announced (any of the head forms) and emit its heading."""
        if self.front and self.outline and self.front_lines and _EPISODE.match(self.front_lines[-1][2]):
            self.outline = False  # 分集大纲 with no script marker after it: its last 第N集 starts the script
            self.structure(*self.front_lines.pop())
        self.leave_front()
        self.end_speech()
        if (episode_from_number is not None and self.saw_episode_marker and self.b._episode is not None
                and episode_from_number < self.b._episode.number):
            self.table_of_contents()  # 目录 then 第1集…第N集, then a body numbered 1-1 with no markers
        if episode_from_number is not None and not self.saw_episode_marker:
            # No 第N集 markers: the first number of "2-1" says which episode this is.
            current = self.b._episode.number if self.b._episode is not None else None
            if current != episode_from_number:
                self.b.start_episode(episode_from_number, "", lineno)
        names = tuple(dict.fromkeys(self.pending_cast + cast))
        self.pending_cast = ()
        line = " ".join(line.split())  # messy spacing: the heading reads with single spaces
        self.b.start_scene(heading=line, line=lineno, number=number, int_ext=ie, time=time, location=loc, cast=names)
        self._know(cast)
        self.b.add(Element(_T.HEADING, line, lineno))
        return True

    def body(self, lineno: int, line: str, m_line: str) -> None:
        if _BAD_CHARS.search(line):
            self.b.warn(lineno, "line holds control or undecodable characters; taken as action")
            self.end_speech()
            self.emit(_T.ACTION, line, lineno)
            return
        if _RULE_LINE.match(m_line):  # ———— / ****: layout, not content
            return
        when = _TIME_LINE.match(m_line) if m_line[0] == "时" else None
        if when:
            ie, time, _, _, found = _heading_fields(when.group(1), line[when.start(1):])
            if found and self.fresh_scene():  # 时：日 under 景：客厅
                scene = self.b._scene
                scene.time, scene.int_ext = scene.time or time, scene.int_ext or ie
                return
            if found:  # 时间：夜 then 地点：客厅 — action unless a place line follows
                self.end_speech()
                self.emit(_T.ACTION, line, lineno)
                self.loose_time = (self.b.scene.elements[-1], time, ie)
                return
        cast = _CAST.match(m_line)
        if cast:
            names = _split_names(line[cast.start(1):])
            self._know(names)
            self.end_speech()
            scene = self.b._scene
            if scene is None or (scene.heading is None and not scene.elements):
                self.pending_cast = tuple(dict.fromkeys(self.pending_cast + names))  # before the first scene
            else:
                self._apply_cast(names)
            return
        # Marks at the end of a line (…他笑了。【卡点】) come after what the line says.
        trail = _TRAIL_MARKS.search(m_line)
        if trail and trail.start() > 0:
            self.body(lineno, line[: trail.start()].rstrip(), m_line[: trail.start()].rstrip())
            self.end_speech()
            for mark in _ONE_MARK.finditer(m_line, trail.start()):
                self.mark(lineno, line[mark.start(1): mark.end(1)].strip(), mark.group(1).strip())
            return
        action = _ACTION_MARK.match(line)
        if action:
            self.end_speech()
            text = line[action.end():].strip()
            if text:
                self.emit(_T.ACTION, text, lineno)
            return
        whole = _WHOLE_BRACKET.match(m_line)
        if whole:
            self.end_speech()
            self.mark(lineno, line[1:-1].strip(), whole.group(1).strip())
            return
        lead = _LEAD_BRACKET.match(m_line)
        if lead:
            kind = self.classify_mark(lead.group(1).strip())
            if lead.group(1).strip() in _ACTION_LABELS:  # 【动作】林晚转身: the label says action
                self.end_speech()
                self.emit(_T.ACTION, line[lead.start(2):], lineno)
                return
            if kind is not None and kind[0] is not _T.NOTE:
                self.end_speech()
                rest, rest_m = line[lead.start(2):], m_line[lead.start(2):]
                if kind[0] is _T.SUBTITLE and not kind[1]:  # 【字幕】三年后
                    self.emit(_T.SUBTITLE, rest, lineno)
                    return
                self.mark(lineno, line[1: lead.end(1)].strip(), lead.group(1).strip())
                self.body(lineno, rest, rest_m)
                return
        if len(m_line) <= 24 and _END_MARK.match(m_line.strip("（）()【】[]-—*=~～ ")):  # 本集完 /（未完待续）/ ——第1集完——
            self.end_speech()
            self.emit(_T.NOTE, line, lineno)
            return
        paren = _WHOLE_PAREN.match(m_line)
        if paren:
            inner, inner_m = line[1:-1].strip(), paren.group(1).strip()
            kind = self.classify_mark(inner_m)
            if kind is not None and kind[0] is not _T.NOTE:
                self.end_speech()
                self.mark(lineno, inner, inner_m)
            elif self.speech is not None and inner:
                self.emit(_T.PARENTHETICAL, inner, lineno, self.speech[0])
            elif inner:
                self.emit(_T.ACTION, inner, lineno)
            return
        if self.classify_mark(m_line, bare=True) is not None:
            self.end_speech()
            self.mark(lineno, line, m_line, bare=True)
            return
        if self.dialogue(lineno, line, m_line) or self.speaker_line(lineno, line, m_line):
            return
        if self.speech is not None and (self.speech_pending or _TERMINAL.search(self.speech_last)
                                        or (self.triangles and not self.narration(m_line))):
            name, kind, ext = self.speech
            lead = _LEAD_PAREN.match(m_line) if self.speech_pending else None
            if lead and lead.group(2):  # 林晚： then （冷笑）你好。 on the next line
                self.emit(_T.PARENTHETICAL, line[lead.start(1): lead.end(1)].strip(), lineno, name)
                line = line[lead.start(2):].strip()
            self.speech_pending = False
            self.cue = None
            self.speech_last = line
            self.emit(kind, line, lineno, name, ext)
            return
        self.end_speech()
        self.emit(_T.ACTION, line, lineno)

    def place_head_ok(self, m_line: str) -> bool:
        """景：… always heads a scene; 地点：… only where the writer heads scenes that way (no
        numbered head is open, or the open one is a 景/地点 head, or 时间：… is just above), so
        ``地点：顾家老宅`` inside ``1-1 日 内 客厅`` stays a line of that scene."""
        if m_line.startswith("景"):
            return True
        scene = self.b._scene
        if scene is None or scene.heading is None:
            return True
        if scene.heading.startswith(("景", "地点")):
            return True
        loose = self.loose_time
        return bool(loose and scene.elements and scene.elements[-1] is loose[0])

    def fresh_scene(self) -> bool:
        scene = self.b._scene
        return scene is not None and len(scene.elements) == 1 and scene.elements[0].type is _T.HEADING

    def speaker_line(self, lineno: int, line: str, m_line: str) -> bool:
        """A known name alone on its line (``林晚`` or ``林晚（冷笑）``), screenplay style: the
        lines after it are its speech. Unknown names never count: ``走廊`` stays action."""
        m = _CUE.match(m_line)
        if not m:
            return False
        name_m = m.group(1)
        suffix = _NAME_SUFFIX.match(name_m)
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

    def classify_mark(self, inner_m: str, *, bare: bool = False) -> tuple[_T, str] | None:
        """What a bracketed mark is (a note when nothing more specific); for an unbracketed
        (``bare``) line, only the unmistakable forms count and anything else is None."""
        if _FLASH_END.match(inner_m) and (not bare or len(inner_m) <= 10):
            return _T.FLASHBACK_END, inner_m
        sub = _SUBTITLE.match(inner_m)
        if sub and (not bare or sub.group(1)):
            return _T.SUBTITLE, (sub.group(1) or "").strip()
        if _TRANSITION_WORD.match(inner_m) or _TRANSITION_TO.match(inner_m):
            return _T.TRANSITION, inner_m
        if bare:
            return (_T.FLASHBACK_START, inner_m) if _FLASH_BARE.match(inner_m) else None
        if _FLASH_START.match(inner_m):
            return _T.FLASHBACK_START, inner_m
        if _CLIFF.search(inner_m):
            return _T.CLIFFHANGER_MARK, inner_m
        return _T.NOTE, inner_m

    def mark(self, lineno: int, inner: str, inner_m: str, *, bare: bool = False) -> None:
        kind = self.classify_mark(inner_m, bare=bare)
        if kind is None:
            self.emit(_T.ACTION, inner, lineno)
            return
        type_ = kind[0]
        if type_ is _T.SUBTITLE:
            sub = _SUBTITLE.match(inner_m)
            value = inner[sub.start(1):].strip() if sub and sub.group(1) else ""
            self.emit(_T.SUBTITLE if value else _T.NOTE, value or inner, lineno)
            return
        if type_ is _T.FLASHBACK_START:
            self.flashback_open += 1
        elif type_ is _T.FLASHBACK_END:
            if not self.flashback_open:
                self.b.warn(lineno, "flashback end without a flashback start")
            self.flashback_open = max(0, self.flashback_open - 1)
        self.emit(type_, inner, lineno)

    def dialogue(self, lineno: int, line: str, m_line: str) -> bool:
        m = (_SPEAKER_WIDE if "【" in m_line or "[" in m_line else _SPEAKER).match(m_line)
        if not m:
            return False
        name_m = m.group(1).replace(" ", "")
        name = line[: m.end(1)].replace(" ", "")
        kind, ext = _T.DIALOGUE, None
        suffix = _NAME_SUFFIX.match(name_m)
        if name_m.upper() in _BARE_VO and not m.group(2):  # OS：… with no speaker: an unseen voice
            text = _unquote(line[m.start(3):].strip())
            self.end_speech()
            if text:
                self.emit(_T.VOICE_OVER, text, lineno, None, name)
            return True
        if suffix and self.plausible(suffix.group(1)):  # 林晚OS：
            kind = _ext_kind(suffix.group(2)) or _T.VOICE_OVER
            ext = name[len(suffix.group(1)):]
            name, name_m = name[: len(suffix.group(1))], suffix.group(1)
        elif not self.plausible(name_m):
            joined = [n for n in _JOINED.split(name_m) if n]
            if len(joined) < 2 or not all(n in self.known for n in joined):  # 林晚、顾言：(both known)
                if _NAME_CHARS.match(name_m) and not suffix:
                    self.plausible(name_m, line=lineno)  # warns when only the length was against it
                return False
            name = name_m = "、".join(joined)  # 林晚&顾沉 and 林晚、顾沉 are one pair
        if name_m in _NARRATORS:
            kind, ext = _T.VOICE_OVER, name
        text = line[m.start(3):].strip()
        text_m = m.group(3).strip()
        groups = [g.group(1) for g in _ONE_MARK.finditer(line, m.start(2), m.end(2))]
        lead = _LEAD_PAREN.match(text_m)
        if lead:  # 林晚：（冷笑）你也配？
            groups.append(text[lead.start(1): lead.end(1)])
            text = text[lead.start(2):].strip()
        text = _unquote(text)
        notes: list[str] = []
        for group in groups:
            rest = []
            for part in _PAREN_PARTS.split(group):
                part = part.strip()
                found = _ext_kind(part.translate(_MATCH_TABLE)) if part else None
                if found is not None:
                    kind, ext = found, part
                elif part:
                    rest.append(part)
            if rest:
                notes.append("，".join(rest))
        self.b.note_character(name)
        self.known.add(name_m)
        for note in notes:
            self.emit(_T.PARENTHETICAL, note, lineno, name)
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
    text = text.translate(_TEXT_TABLE).replace("\r\n", "\n").replace("\r", "\n")
    parser = _Parser(text, source, encoding)
    markdown = "**" in text or (("\n#" in text or text.startswith("#")) and _MD_HEAD.search(text) is not None)
    for lineno, raw in enumerate(text.split("\n"), start=1):
        line = raw.strip()
        if markdown and line:  # drafts pasted from a chat assistant: ## 第1集 / **林晚**：
            line = _MD_BOLD.sub(r"\1", _MD_HEAD.sub("", line)).strip()
        if line:
            parser.line(lineno, line)
    if parser.front:
        # No episode or scene anywhere: what looked like front matter is the script itself.
        lines, parser.front = parser.front_lines, False
        parser.front_lines = []
        for lineno, line, m_line in lines:
            parser.body(lineno, line, m_line)
    if parser.pending_cast:
        parser._apply_cast(parser.pending_cast)
    parser.close_flashback(0)
    return parser.b.build(title=parser.title, language="zh")
