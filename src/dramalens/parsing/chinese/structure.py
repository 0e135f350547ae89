"""The frame of a Chinese plain-text script, for :mod:`.parser`: the parser's state, the
title page and front matter, episode markers (``第1集``), tables of contents and scene heads
(``1-1 日 内 客厅`` and the other orders). The lines inside a scene are read in :mod:`.parser`.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from ...model import Element
from ...model import ElementType as T
from ...text.numerals import parse_numeral
from ..builder import ScriptBuilder
from .fields import comma_head, has_content, heading_fields, split_names, unwrap
from .lexicon import (
    CLAUSE_CHARS,
    CLAUSE_WORDS,
    END_WORDS,
    HEADER_KEYS,
    NOT_SPEAKERS,
    PRONOUNS,
    ROLE_ENDINGS,
    TITLE_KEYS,
    FOLDED,
    fold_match,
)
from .patterns import (
    ACTION_LINES,
    ACTION_MARK,
    BAD_CHARS,
    BIO_NAME,
    CAST,
    EPISODE,
    EPISODE_FIRST,
    FULL_STOP,
    HAS_LETTER,
    HEADER_LINE,
    HEAD_FLASHBACK,
    HEAD_HINT,
    LATIN_NAME,
    NAME_CHARS,
    PARTS,
    PLACE_LINE,
    SCENE_NUM,
    SCENE_SINGLE,
    SCENE_WORD,
    SECTION_WORDS,
    SENTENCE,
    SPEAKER,
    TITLE_NOISE,
    TITLE_SEP,
    WHOLE_BRACKET,
)
from .stage import entering, leaving, role_nouns, self_named, stage_marked

# First-character guards, so the rarer head forms cost nothing on ordinary lines.
_DIGITS = "0123456789"
_NUM_FIRST = frozenset(_DIGITS + "【[场第")
_WORD_FIRST = frozenset("【[场第")
_SINGLE_FIRST = frozenset(_DIGITS + "（(")
#: The first characters of every marker and numbered head (EPISODE, SCENE_NUM, SCENE_WORD,
#: SCENE_SINGLE, 景/地点/背景): a line starting otherwise is framing only as a bare short head
#: (客厅 日 内, the last branch of :meth:`Structure.scene_head`): 30 characters at most, none
#: of :data:`NOT_BARE` first, a HEAD_HINT word and no colon. The parser tests that first.
FRAME_FIRST = EPISODE_FIRST | _NUM_FIRST | _WORD_FIRST | _SINGLE_FIRST | frozenset("景地背")
NOT_BARE = frozenset("△▲※◆●■【[（(")


__all__ = ["FRAME_FIRST", "NOT_BARE", "Structure"]

# 片段一： / 镜头3： — a numbered beat or shot, never a speaker.
_NUMBERED_LABEL = re.compile(r"^(?:片段|镜头|分镜|画面|场面|段落|桥段)[0-9一二三四五六七八九十]+$")
_LISTED = re.compile(r"^([^\s—\-：:，。（）()]{1,6})\s*[—\-]{1,2}\s*\S")


# …溜下场 / …下 at the end of a clause: who leaves or enters the stage.
_MOVES = re.compile(r"(?:下场|上场|退场|登场|溜下|走下|跑下|退下)(?=$|[，,。；;])")
# The words that open a play's prologue, which is played before 第一幕 (not front matter).
_PROLOGUE = ("序幕", "序章", "序场", "楔子", "开场", "开幕", "引子", "序曲")
# 皇后、魔镜、猎人 / 小动物们和白雪公主: the names of a cast line with no 人物： label.
_CAST_JOIN = re.compile(r"[、&＆和与]")


class Structure:
    """The state of one pass (builder, current speech, known speakers, front matter) and the
    rules for what frames a script: title page, episode markers, tables of contents, scene heads."""

    def __init__(self, text: str, source: str | None, encoding: str | None):
        self.b = ScriptBuilder(source_format="chinese", source=source, encoding=encoding)
        # The lines (numbers) that need fold_match: every other line is its own matching form,
        # and so is every piece of it the parser reads (all taken from that line).
        self.bad_chars = BAD_CHARS.search(text) is not None  # no line holds one when the text does not
        self.fold_lines: set[int] = set()
        newlines, at = 1, 0
        for found in FOLDED.finditer(text):
            newlines += text.count("\n", at, found.start())
            at = found.start()
            self.fold_lines.add(newlines)
        # A writer who marks action with △ leaves untagged lines to speech: they continue
        # the dialogue above them. Without △, untagged lines are action.
        self.triangles = ACTION_LINES.search(text) is not None
        # A play that opens every direction with 〔 leaves bare lines to speech (see .stage).
        self.stage_marks = stage_marked(text)
        self.resume: str | None = None  # who speaks a bare line there: interrupted or just entered
        self.roles = role_nouns(text)
        self.interludes = False  # inside the 幕前 pieces printed after the play
        self.known: set[str] = set()
        self.indent = 0  # the current line's indentation, and that of the line the speech began on
        self.speech_indent = 0
        self.after_blank = False  # a blank line came before the current line
        self.comment = False  # inside a /* … */ note
        self.notes: set[int] = set()  # the lines of those notes
        self.back = False  # after 结语 / 后记: the writer's remarks
        self.elsewhere: frozenset[str] = frozenset()
        self.legend: dict[str, str] = {}  # 1 → 林晚: speakers coded as numbers  # names that speak with a bare 名： twice or more
        self.title: str | None = None
        self.front = True
        self.front_lines: list[tuple[int, str, str]] = []
        self.speech: tuple[str, T, str | None] | None = None
        self.speech_pending = False
        self.speech_last = ""
        self.pending_cast: tuple[str, ...] = ()
        self.saw_episode_marker = False
        self.flashback_open = 0
        # The flashback_start made for a head marked （回忆）, and its word, while that scene lasts.
        self.head_flashback: tuple[Element, str] | None = None
        self.cast_list = False  # under an empty 人物： line: one name a line follows
        self.marker: tuple[int, str] = (0, "")  # the last episode marker line
        self.toc: list[tuple[int, str]] = []  # earlier markers whose episodes stayed empty
        self.cue: tuple[int, str] | None = None  # a speaker name on its own line, awaiting speech
        self.outline = False  # inside a 分集大纲 section of the front matter
        self.outline_max = 0
        self.loose_time: tuple[Element, str | None, str | None] | None = None  # 时间：夜 before 地点：

    # -- emitting ----------------------------------------------------------------------------
    def episode_has_content(self) -> bool:
        """Whether the current episode holds anything yet (False before the first)."""
        episode = self.b.current_episode
        return episode is not None and has_content(episode)

    def emit(self, type: T, text: str, line: int, character: str | None = None, extension: str | None = None,
             *, fallback: str = "") -> None:
        """Add an element; ``fallback`` (why) says it was classified because nothing else matched,
        which the script's read quality counts."""
        if self.pending_cast:
            self.apply_cast(self.pending_cast)
            self.pending_cast = ()
        if fallback:
            self.b.add(Element(type, text, line, character, extension), evidence="fallback", why=fallback)
        else:  # (the builder's defaults: strong evidence, no why)
            self.b.add(Element(type, text, line, character, extension))

    def add_cast(self, names: tuple[str, ...]) -> None:
        self.know(names)
        scene = self.b.current_scene
        if scene is None or (scene.heading is None and not scene.elements):
            self.pending_cast = tuple(dict.fromkeys(self.pending_cast + names))  # before the first scene
        else:
            self.apply_cast(names)

    def apply_cast(self, names: tuple[str, ...]) -> None:
        scene = self.b.scene
        scene.cast = tuple(dict.fromkeys(scene.cast + names))

    def end_speech(self) -> None:
        if self.cue is not None:
            if self.speech_pending:  # a name on its own line that no speech followed: keep it
                self.b.add(Element(T.ACTION, self.cue[1], self.cue[0]))
            self.cue = None
        self.speech = None
        self.speech_pending = False

    # -- stage plays (see .stage) ------------------------------------------------------------
    def direction(self, text: str) -> None:
        """A ``〔`` direction in a stage-marked play: who speaks a bare line after it — the one it
        brings on, else whoever it interrupted; nobody once that one leaves."""
        if not self.stage_marks:
            return
        names = self.known | self.elsewhere
        if self.speech is not None:
            self.resume = self.speech[0]
        came = entering(text, names)
        if came is not None:
            self.resume = came
        elif not self.interludes and self.resume is not None and leaving(text, names) == self.resume:
            # (The pieces before the curtain all belong to one performer, who exits each.)
            self.resume = None

    def cast_under_head(self, line: str, m_line: str) -> bool:
        """``皇后、魔镜、猎人`` under ``第一场 皇宫内`` (a music cue may come between): the scene's
        cast with no 人物： label — every part a plausible name, one of them a speaker already or
        one who speaks twice later, and no line of the scene spoken yet."""
        scene = self.b.current_scene
        if (scene is None or scene.heading is None or scene.cast or len(scene.elements) > 3 or len(m_line) > 30
                or any(e.type not in (T.HEADING, T.ACTION) for e in scene.elements)
                or not _CAST_JOIN.search(m_line) or SENTENCE.search(m_line.replace("，", "、"))):
            return False
        names = split_names(_CAST_JOIN.sub("、", line))
        if len(names) < 2 or not all(self.plausible(fold_match(n)) for n in names):
            return False
        speakers = self.known | self.elsewhere  # 白雪公主 for the 白雪 who speaks
        if not any(fold_match(n).startswith(k) for n in names for k in speakers if len(k) >= 2):
            return False
        self.add_cast(names)
        return True

    def someone_else(self, inner_m: str) -> bool:
        """Does a bracketed line under a speech say what somebody other than the speaker does
        (``众躲在床后`` / ``小鹿走上前`` under 小兔's line)? Then it is action, not a tone."""
        if self.speech is None:
            return False
        if inner_m.startswith(("众", "大家", "全体", "所有人")) or _MOVES.search(inner_m):
            return True  # a group, or someone entering or leaving: stage movement is never a tone
        speaker = fold_match(self.speech[0])
        names = [k for k in self.known | self.elsewhere if len(k) >= 2]
        lead = [k for k in names if inner_m.startswith(k)]
        if any(not speaker.startswith(k) for k in lead):
            return True
        # 小矮人A，小矮人B将…: the speaker and another, named in a row, act together.
        return any(inner_m[len(k) + 1:].startswith(n) for k in lead for n in names if inner_m[len(k): len(k) + 1] in "，,、和与")

    def stage_speaker(self, m_line: str) -> str | None:
        """Who speaks an untagged line of a stage-marked play, or None when it stays action."""
        if not self.stage_marks:  # (pronouns and refused colons too: no direction is bare here)
            return None
        named = self_named(m_line, self.known | self.elsewhere)
        if named is not None:
            return named
        return self.speech[0] if self.speech is not None else self.resume

    def know(self, names: Iterable[str]) -> None:
        for name in names:
            self.known.add(fold_match(name))
            self.b.note_character(name)

    def open_head_flashback(self, lineno: int, m_line: str) -> None:
        """A head marked （回忆）/（闪回）/【回忆】 makes its scene a flashback: a
        ``flashback_start`` right after the heading (closed when the next scene or episode
        starts), unless the writer is inside an explicit 【闪回】 already."""
        m = HEAD_FLASHBACK.search(m_line)
        if m is None or self.flashback_open:
            return
        start = Element(T.FLASHBACK_START, m.group(1), lineno)
        self.b.add(start)
        self.head_flashback = (start, m.group(1))

    def end_head_flashback(self, lineno: int) -> None:
        """Close the flashback a head opened, at the end of its scene (added to that scene)."""
        if self.head_flashback is not None:
            self.b.add(Element(T.FLASHBACK_END, self.head_flashback[1] + "结束", lineno))
            self.head_flashback = None

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
        m = HEADER_LINE.match(m_line)
        if m and m.group(1).replace(" ", "") in HEADER_KEYS:
            key, value = line[: m.end(1)].strip(), line[m.start(2):].strip()
            if m.group(1).replace(" ", "") in TITLE_KEYS and self.title is None:
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
        # Body-shaped lines (△ action, numbered heads with a time word) kept as front matter:
        # say so, so no scene vanishes into the title page unnoticed.
        body_like = [n for n, _, m_line in self.front_lines
                     if ACTION_MARK.match(m_line) or (SCENE_NUM.match(m_line) and HEAD_HINT.search(m_line))]
        if body_like:
            shown = ", ".join(str(n) for n in body_like[:5])
            self.b.warn(body_like[0], f"{len(body_like)} line(s) kept as front matter look like script (△ or a scene head): lines {shown}")
        start = self.prologue_start()
        prologue = self.front_lines[start:] if start is not None else []
        if start is not None:
            self.front_lines = self.front_lines[:start]
        for index, (lineno, line, m_line) in enumerate(self.front_lines):
            # Each line is held here, not left to the builder's 'before the body' rule: a /* */
            # note emitted before the first episode starts the body early, and a section head
            # (【闪回】, a bare name) has no title-page pair of its own, so it would land nowhere.
            if lineno in self.notes:  # a /* */ note: the writer's remark, never the title
                self.b.script.title_page.append(("备注", line))
                self.b.hold(lineno, "front matter")
                continue
            cast = CAST.match(m_line)
            if cast:
                self.know(split_names(line[cast.start(1):]))
                self.b.script.title_page.append((line[: cast.start(1)].rstrip(" ：:"), line[cast.start(1):].strip()))
                self.b.hold(lineno, "title page")
                continue
            bracket = WHOLE_BRACKET.match(m_line)
            short = len(m_line) <= 30 and not SENTENCE.search(m_line) and ":" not in m_line and "：" not in m_line
            if index == 0 and self.title is None and short and not bracket and not SECTION_WORDS.search(m_line):
                self.title = line  # a bare first line: the title
                self.b.script.title_page.append(("剧名", line))
                self.b.hold(lineno, "title page")
                continue
            entry = EPISODE.match(m_line) is not None  # 第1集 闪婚 in an outline: an entry, not a section
            if not entry and (bracket or (short and len(m_line) <= 8) or (line.endswith(("：", ":")) and len(line) <= 12)):
                section = (line[1:-1] if bracket else line).strip(" ：:") or section
                self.b.hold(lineno, "front matter")
                continue
            listed = _LISTED.match(m_line)  # 孙掌柜——男。五十岁。: a play's list of characters
            if listed and self.plausible(listed.group(1), strict=True):
                self.know((line[: listed.end(1)],))
            if "人物" in section or "角色" in section:
                sp = SPEAKER.match(m_line) or BIO_NAME.match(m_line)
                if sp and self.plausible(sp.group(1).replace(" ", ""), strict=True):
                    self.know((line[: len(sp.group(1))].replace(" ", ""),))
            self.b.script.title_page.append((section, line))
            self.b.hold(lineno, "title page")
        self.front_lines = []
        if prologue:  # 序幕 / 楔子 / 开场 before 第一幕: played, so an episode 0 of its own
            self.b.start_episode(0, prologue[0][1].strip(" #"), prologue[0][0])
            for lineno, line, m_line in prologue[1:]:
                self.body(lineno, line, m_line)
            self.end_speech()

    def prologue_start(self) -> int | None:
        """Where a prologue (序幕, 楔子, 开场, 开幕…) begins among the lines before the first
        act or episode: a short head line with a prologue word and text under it."""
        for index in range(len(self.front_lines) - 2, 0, -1):
            squeezed = "".join(self.front_lines[index][2].split()).strip("#【】[]（）() ：:")
            if len(squeezed) <= 12 and squeezed.startswith(_PROLOGUE) and not SENTENCE.search(squeezed):
                return index
        return None

    def body(self, lineno: int, line: str, m_line: str) -> None:
        """Read one line of the script's body (the parser's rules)."""
        raise NotImplementedError

    # -- the speaker rule --------------------------------------------------------------------
    def plausible(self, name_m: str, *, strict: bool = False, line: int = 0) -> bool:
        """Is ``name_m`` (matching form, spaces removed) a speaker? A known name always is;
        an unknown one must be short, free of verbs and particles and not a label word.
        With ``line``, a name that fails only on length gets a warning."""
        if not name_m or len(name_m) > 12:
            return False
        if (name_m in self.known or name_m in self.roles) and not strict:
            return True
        if (name_m in NOT_SPEAKERS or not NAME_CHARS.match(name_m) or not HAS_LETTER.search(name_m)
                or _NUMBERED_LABEL.match(name_m)):
            return False
        if "·" in name_m or "•" in name_m or "・" in name_m:  # 艾米丽·布朗: a foreign name, not a clause
            parts = re.split(r"[·•・]", name_m)
            return all(1 <= len(p) <= 6 and not any(ch in CLAUSE_CHARS for ch in p) for p in parts)
        if name_m.isascii():
            return bool(LATIN_NAME.match(name_m)) and name_m.upper() not in ("OS", "VO", "PS", "BGM", "NOTE")
        if name_m[0] in PRONOUNS or CLAUSE_WORDS.search(name_m) or any(ch in CLAUSE_CHARS for ch in name_m):
            return False
        if len(name_m) >= 2 and name_m.endswith("道"):  # 笑道 / 冷冷道: narration, not a cue
            return False
        # 林晚看他：… is 林晚 doing something; 林晚妈妈 is someone else. (Each head of the name
        # looked up, rather than each known name tried against it: the same test, fewer steps.)
        for k in range(2, len(name_m) + 1):
            if name_m[:k] in self.known and not name_m[k:].endswith(ROLE_ENDINGS):
                return False
        if len(name_m) <= 4 or (len(name_m) <= 7 and name_m.endswith(ROLE_ENDINGS)):
            return True
        if line:
            self.b.warn(line, f"colon line taken as action: {name_m!r} is not a known character and long for a name")
        return False

    def structure(self, lineno: int, line: str, m_line: str) -> bool:
        m = EPISODE.match(m_line) if m_line[:1] in EPISODE_FIRST else None
        if m is None:
            return self.scene_head(lineno, line, m_line)
        number = parse_numeral(m.group(1) or m.group(3))
        last = parse_numeral(m.group(2)) if m.group(2) else None
        rest = m.group(4)
        raw = line[len(line) - len(rest):].strip() if rest else ""
        title = unwrap(raw.lstrip(TITLE_SEP)).strip()
        core = title.strip("（）()【】[]《》「」 ")
        current = self.b.current_episode.number if self.b.current_episode is not None else None
        if core in END_WORDS:
            if self.saw_episode_marker:  # 第1集完: the end of episode 1, not a new one
                if number != current:
                    self.b.warn(lineno, f"end mark for episode {number} inside episode {current}")
                self.end_speech()
                self.emit(T.NOTE, line, lineno)
                return True
            title = ""
        elif raw and not (rest[:1].isspace() or raw[0] in TITLE_SEP or raw[0] in "（(【[《「"):
            if len(raw) > 15 or SENTENCE.search(raw):
                return self.scene_head(lineno, line, m_line)  # 第三场戏…: prose, not a marker
        # 第四集 4-1 日 外 天台: the episode's first scene head written on the marker's line.
        title_m = fold_match(title)
        head = raw if title and (SCENE_NUM.match(title_m) or SCENE_WORD.match(title_m)) else ""
        if head:
            title = ""
        if number is None or len(title) > 24 or (len(title) > 12 and FULL_STOP.search(title)):
            return False  # 第1集：林晚重生，发现…。 is an outline entry, not an episode
        if number == 0 and self.front and not head:
            self.front_lines.append((lineno, line, m_line))  # 第0集: the pitch (大纲, 人物小传) before the script
            return True
        if self.front and self.outline and not head:
            if number > self.outline_max:  # an entry of the 分集大纲: kept as front matter
                self.outline_max = number
                self.front_lines.append((lineno, line, m_line))
                return True
            self.outline = False  # the numbers went back: the script itself has begun
        if core in PARTS:
            title = ""  # 第三集（上）: a half of episode 3, not its title
            if self.saw_episode_marker and number == current:
                self.b.read_line(lineno)
                return True  # 第三集（下） goes on with episode 3
        self.leave_front()
        self.end_speech()
        self.cast_list = False
        self.end_head_flashback(lineno)
        self.close_flashback(lineno)
        title = TITLE_NOISE.sub("", title).strip()
        if last is not None and last != number:
            self.b.warn(lineno, f"merged episodes {number}-{last}: read as episode {number}")
        episode = self.b.current_episode
        if (self.saw_episode_marker and number == current and episode is not None and not has_content(episode)
                and not self.front):
            # 第 1 集 then 第一集: one episode marked twice (the second often carries the title).
            # Held with why, so Script.held says what became of the second marker.
            episode.title = episode.title or title
            self.b.hold(lineno, "episode marker repeated")
            return True
        if self.saw_episode_marker and current is not None and number <= current:
            if not self.table_of_contents():
                self.b.warn(lineno, f"episode {number} follows episode {current}")
        elif self.b.current_episode is not None and self.b.current_episode.line and not has_content(self.b.current_episode):
            self.toc.append(self.marker)  # the episode before had nothing in it: maybe a 目录
        else:
            self.toc = []
        self.saw_episode_marker = True
        self.pending_cast = ()
        self.marker = (lineno, line)
        episode = self.b.start_episode(number, title, lineno)
        if head and not self.scene_head(lineno, head, fold_match(head)):
            episode.title = head
        return True

    def table_of_contents(self) -> bool:
        """A marker whose number goes back, after a run of markers with nothing under them and
        nothing else in the script so far: that run was a table of contents (``目录`` then
        第1集…第80集), not 80 empty episodes. Its lines become ``目录`` title-page pairs."""
        episodes = self.b.script.episodes
        if not self.toc or any(has_content(ep) for ep in episodes):
            return False
        for _, text in self.toc + [self.marker]:
            self.b.script.title_page.append(("目录", text))
        self.b.discard_episodes()
        self.toc = []
        self.saw_episode_marker = False
        return True

    def scene_head(self, lineno: int, line: str, m_line: str) -> bool:
        number: str | None = None
        episode_from_number: int | None = None
        first = m_line[0]
        m = SCENE_NUM.match(m_line) if first in _NUM_FIRST else None
        if m:
            rest_m = m.group(5)
            if self.front and self.outline and not HEAD_HINT.search(rest_m):
                return False  # 1-5 / 1-10：剧情概括 under 分集梗概: a range of episodes, not scene 1-5
            sep = m_line[m.end(3): m.start(5)]  # 1-1 客厅 / 1-1：客厅 / 15-2场 地下停车场 (not 1-1客厅)
            ie, time, loc, cast, found = heading_fields(rest_m, line[len(line) - len(rest_m):])
            dashlike = m.group(2) not in ".．_"
            found_ok = found and not FULL_STOP.search(rest_m)
            plain_ok = not rest_m or (dashlike and sep and len(rest_m) <= 24 and not SENTENCE.search(rest_m))
            if not (found_ok or plain_ok):
                return False
            number = f"{m.group(1)}-{m.group(3)}"
            episode_from_number = int(m.group(1))
        else:
            m = SCENE_WORD.match(m_line) if first in _WORD_FIRST else None
            if m:
                rest_m, sep = m.group(4), m.group(3)
                # 第一场 皇宫内: a space parts number and place as well as a colon does.
                before = m_line[m.start(4) - 1: m.start(4)]
                parted = bool(sep) or (before != "" and before.isspace())
                ie, time, loc, cast, found = heading_fields(rest_m, line[len(line) - len(rest_m):])
                if found and FULL_STOP.search(rest_m):
                    return False
                if rest_m and not found and (not parted or SENTENCE.search(rest_m) or len(rest_m) > 24):
                    return False
                raw = m.group(1) or m.group(2)
                if raw:
                    number = str(parse_numeral(raw))
            else:
                m = SCENE_SINGLE.match(m_line) if first in _SINGLE_FIRST else None
                rest_m = m.group(3) if m else m_line
                place = PLACE_LINE.match(m_line) if m_line[0] in "景地背" else None
                scene, loose = self.b.current_scene, self.loose_time
                after_time = bool(place and loose and scene is not None and scene.elements and scene.elements[-1] is loose[0])
                if place and (after_time or not SENTENCE.search(place.group(1))) and self.place_head_ok(m_line):
                    rest_m = place.group(1)  # 景：客厅 — a scene even with no time in it
                    ie, time, loc, cast, found = heading_fields(rest_m, line[len(line) - len(rest_m):])
                    start = lineno
                    if loose and scene is not None and after_time:
                        scene.elements.pop()  # the 时间 line just above belongs to this head: the scene starts there
                        time, ie, start = time or loose[1], ie or loose[2], loose[0].line
                    if not found and rest_m.strip() and "，" not in rest_m:
                        loc = line[len(line) - len(rest_m):].strip()  # 背景：~~旧~~音乐室 — the place as written
                    loc = loc.rstrip("。.") if loc else loc  # 地点：同前幕。
                    return self.open_scene(lineno, line, None, ie, time, loc, cast, None, scene_line=start)
                if len(rest_m) > 30 or rest_m[0] in NOT_BARE:
                    return False
                if not HEAD_HINT.search(rest_m) or (not m and ("：" in rest_m or ":" in rest_m)):
                    return False
                if SENTENCE.search(rest_m) and ("。" in rest_m or not comma_head(rest_m)):  # 门前土路,日,外 is a head
                    return False
                ie, time, loc, cast, found = heading_fields(rest_m, line[len(line) - len(rest_m):])
                spaced = m is not None and m.group(2) is not None and not m_line[m.end(2):m.start(3)].strip()
                if not found or ((not m or spaced) and not (ie and time)):
                    return False
                if m:
                    number = str(int(m.group(1) or m.group(2)))
        return self.open_scene(lineno, line, number, ie, time, loc, cast, episode_from_number)

    def open_scene(self, lineno: int, line: str, number: str | None, ie: str | None, time: str | None,
                   loc: str | None, cast: tuple[str, ...], episode_from_number: int | None,
                   scene_line: int = 0) -> bool:
        """Start the scene a head line announced (any of the head forms) and emit its heading."""
        if self.front and self.outline and self.front_lines and EPISODE.match(self.front_lines[-1][2]):
            self.outline = False  # 分集大纲 with no script marker after it: its last 第N集 starts the script
            self.structure(*self.front_lines.pop())
        self.leave_front()
        self.end_speech()
        self.cast_list = False
        self.end_head_flashback(lineno)
        if (episode_from_number is not None and self.saw_episode_marker and self.b.current_episode is not None
                and episode_from_number < self.b.current_episode.number):
            self.table_of_contents()  # 目录 then 第1集…第N集, then a body numbered 1-1 with no markers
        if episode_from_number is not None and not self.saw_episode_marker:
            # No 第N集 markers: the first number of "2-1" says which episode this is.
            current = self.b.current_episode.number if self.b.current_episode is not None else None
            if current != episode_from_number:
                self.b.start_episode(episode_from_number, "", lineno)
        names = tuple(dict.fromkeys(self.pending_cast + cast))
        self.pending_cast = ()
        line = " ".join(line.split())  # messy spacing: the heading reads with single spaces
        self.b.start_scene(heading=line, line=scene_line or lineno, number=number, int_ext=ie, time=time, location=loc, cast=names)
        self.know(cast)
        self.b.add(Element(T.HEADING, line, lineno))
        self.open_head_flashback(lineno, fold_match(line))
        return True

    def place_head_ok(self, m_line: str) -> bool:
        """景：… always heads a scene; 地点：… only where the writer heads scenes that way (no
        numbered head is open, or the open one is a 景/地点 head, or 时间：… is just above), so
        ``地点：顾家老宅`` inside ``1-1 日 内 客厅`` stays a line of that scene."""
        if m_line.startswith(("景", "背景")):
            return True
        scene = self.b.current_scene
        if scene is None or scene.heading is None:
            return True
        if scene.heading.startswith(("景", "地点")):
            return True
        loose = self.loose_time
        return bool(loose and scene.elements and scene.elements[-1] is loose[0])
