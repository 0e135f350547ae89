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

from ..model import Element, ElementType, Script
from .builder import ScriptBuilder
from .chinese_lexicon import (
    TEXT_TABLE as _TEXT_TABLE,
    MATCH_TABLE as _MATCH_TABLE,
    CN_NUM as _CN_NUM,
    TIMES as _TIMES,
    IE as _IE,
    VO_KEYS as _VO_KEYS,
    INNER_KEYS as _INNER_KEYS,
    NARRATORS as _NARRATORS,
    TITLE_KEYS as _TITLE_KEYS,
    HEADER_KEYS as _HEADER_KEYS,
    NOT_SPEAKERS as _NOT_SPEAKERS,
    CLAUSE_WORDS as _CLAUSE_WORDS,
    CLAUSE_CHARS as _CLAUSE_CHARS,
    PRONOUNS as _PRONOUNS,
    ROLE_ENDINGS as _ROLE_ENDINGS,
    END_WORDS as _END_WORDS,
    chinese_numeral,
)

__all__ = ["chinese_numeral", "parse_chinese"]

_T = ElementType

_EPISODE = re.compile(
    rf"^[【\[(（]?\s*(?:第\s*(\d{{1,4}}|{_CN_NUM}{{1,8}})\s*集(?!团|合|中|市|体|结|会|资|装|训|成|锦)|(?:EP|Ep|ep|Episode|EPISODE|episode)\s*\.?\s*(\d{{1,4}})(?!\d))"
    r"\s*[】\])）]?(.*)$"
)
_SCENE_NUM = re.compile(r"^[【\[]?\s*(\d{1,4})\s*([-－—–‐_.．])\s*(\d{1,4})\s*[】\]]?(?![\d.．%])(\s*[:：、,，.．]?\s*)(.*)$")
_SCENE_WORD = re.compile(
    rf"^[【\[]?\s*(?:第\s*(\d{{1,4}}|{_CN_NUM}{{1,6}})\s*场|场(?:景|次)?\s*(\d{{1,4}}|{_CN_NUM}{{1,6}})|(?:场景|场次)(?=\s*[:：]))"
    r"\s*[】\]]?(\s*[:：、,，.．]?\s*)(.*)$"
)
_SCENE_SINGLE = re.compile(r"^(\d{1,3})\s*[、.．:：]\s*(.+)$")
_INLINE_CAST = re.compile(r"(?:出场人物|出场角色|人物)\s*[:：]")
_CAST = re.compile(r"^(?:出场人物|出场角色|登场人物|主要人物|人物表|人物|出场)\s*[:：]\s*(.*)$")
_NAME_SPLIT = re.compile(r"[、，,/／;；|｜&＆\s]+")
_PARENS = re.compile(r"[（(][^（()）]*[）)]")
_ACTION_MARK = re.compile(r"^[△▲]+\s*")
_SENTENCE = re.compile(r"[。！？!?，,；;“”\"…]")
_TERMINAL = re.compile(r"[，,、；;：:—\-]$")
_RULE_LINE = re.compile(r"^[-—=*~～_#·.。…※＝－]{3,}$")
_WHOLE_BRACKET = re.compile(r"^[【\[]([^【】\[\]]*)[】\]]$")
_WHOLE_PAREN = re.compile(r"^[（(]([^（()）]*)[）)]$")
_LEAD_BRACKET = re.compile(r"^[【\[]([^【】\[\]]{1,30})[】\]]\s*(.+)$")
_TRAIL_MARKS = re.compile(r"((?:\s*[【\[（(][^【】\[\]（()）]{0,30}(?:卡点|钩子|悬念|反转|付费点|高能)[^【】\[\]（()）]{0,30}[】\]）)])+)\s*$")
_ONE_MARK = re.compile(r"[【\[（(]([^【】\[\]（()）]*)[】\]）)]")
_SPEAKER = re.compile(r"^([^：:（()）【】\[\]“”\"「」《》]{1,24}?)\s*((?:[（(][^（()）]{0,24}[）)]\s*)*)[：:]\s*(.*)$")
_LEAD_PAREN = re.compile(r"^[（(]([^（()）]{1,24})[）)]\s*(.*)$")
_NAME_SUFFIX = re.compile(r"^(.+?)(内心OS|内心独白|内心|心声|OS|VO|V\.O\.|O\.S\.|画外音)$")

_FLASH_END = re.compile(r"^(?:(?:闪回|回忆|插叙)\s*(?:结束|完|毕|止)|回到(?:现实|现在|当下)|结束(?:闪回|回忆))")
_FLASH_START = re.compile(r"^(?:闪回|回忆|插叙)(?:开始|起)?(?:$|[\s:：，,。].*)")
_CLIFF = re.compile(r"卡点|钩子|悬念")
_SUBTITLE = re.compile(r"^(?:画面|屏幕|片头|片尾|人物|人名)?(?:字幕卡|字幕条|字幕|人名条|花字)\s*(?:[:：]\s*(.*))?$")
_TRANSITION_WORD = re.compile(r"^(?:转场|黑场|黑屏|淡入|淡出|渐隐|渐显|叠化|闪白|闪黑|硬切|切|CUT TO|FADE IN|FADE OUT|FADE TO BLACK)[:：.。!！]?$", re.I)
_TRANSITION_TO = re.compile(r"^(?:切至|切到|切换至|切换到|转场至|画面切至|镜头切至|画面转至|转场|淡入|淡出)\s*[:：]?\s*\S[^。！？]{0,24}$")

# Time words → the model's normalised names; 内/外 → INT/EXT.


# Title-page keys (before the first episode or scene) and the ones that name the work.
# Words before a colon that are never a speaker.
# Particles and speech verbs almost never found in a name (听, 见, 和, 有… are, so they are not here).
_LATIN_NAME = re.compile(r"^[A-Z][A-Za-z.'\-]{0,15}$")
_NAME_CHARS = re.compile(r"^[\u3400-\u9fffA-Za-z0-9·•・]+$")
_HAS_LETTER = re.compile(r"[\u3400-\u9fffA-Za-z]")
_BAD_CHARS = re.compile(r"[\x00-\x08\x0e-\x1f\x7f\ufffd]")
_HEADER_LINE = re.compile(r"^([^:：]{1,8}?)\s*[:：]\s*(.*)$")
_SECTION_WORDS = re.compile(r"人物|角色|简介|梗概|大纲|小传|介绍|设定|说明|目录|前言|备注")
_TITLE_SEP = " :：、.．,，-—–·|｜~～"
_TITLE_NOISE = re.compile(r"\s*[（(【\[]\s*完\s*[）)】\]]\s*$")
_FULL_STOP = re.compile(r"[。！？!?]")
_HEAD_HINT = re.compile(r"[日夜晨晚昏早午内外景]")
_JOINED = re.compile(r"[、&＆]")
_PAREN_PARTS = re.compile(r"[，,、/;；]")
_FLASH_BARE = re.compile(r"^(?:闪回|回忆)(?:开始)?(?:[:：].{0,30})?[。.]?$")
_OPEN_CLOSE = {"【": "】", "[": "]", "（": "）", "(": ")", "《": "》", "「": "」"}


def _unwrap(title: str) -> str:
    """Drop one layer of matching brackets and an unbalanced closer left by ``（第1集完）``."""
    if len(title) >= 2 and _OPEN_CLOSE.get(title[0]) == title[-1]:
        title = title[1:-1].strip()
    if title and title[-1] in "】])）》」":
        opener = next(o for o, c in _OPEN_CLOSE.items() if c == title[-1])
        if title.count(opener) < title.count(title[-1]):
            title = title[:-1].strip()
    return title


def _time_ie(token: str) -> tuple[str | None, str | None] | None:
    """(time, int_ext) when ``token`` is a time word, 内/外 word or one of each glued (日内, 内日)."""
    if token in _TIMES:
        return _TIMES[token], None
    if token in _IE:
        return None, _IE[token]
    if len(token) <= 5:
        for k in range(1, len(token)):
            a, b = token[:k], token[k:]
            if a in _TIMES and b in _IE:
                return _TIMES[a], _IE[b]
            if a in _IE and b in _TIMES:
                return _TIMES[b], _IE[a]
    return None


_HEAD_TOKEN = re.compile(r"[^\s/／|｜,，、:：;；()（）【】\[\]]+")


def _heading_fields(rest_m: str, rest: str):
    """Split a heading's text (after its number) into int_ext, time, location, cast and a flag
    saying whether any time/内外 word was found (which makes a doubtful line a heading).
    ``rest_m`` is the matching form of ``rest`` (same length, positions agree)."""
    cast: tuple[str, ...] = ()
    m = _INLINE_CAST.search(rest_m)
    if m:
        cast = _split_names(rest[m.end():])
        rest_m, rest = rest_m[: m.start()], rest[: m.start()]
    time = ie = None
    found = False
    location: list[str] = []
    for tok in _HEAD_TOKEN.finditer(rest_m):
        tok_m, start, end = tok.group(0), tok.start(), tok.end()
        hit = _time_ie(tok_m)
        if hit is None and len(tok_m) > 2:
            # glued to the location: 客厅日内 / 日内客厅
            for k in (2, 3, 4):
                if k >= len(tok_m):
                    break
                tail, head = _time_ie(tok_m[-k:]), _time_ie(tok_m[:k])
                if tail and tail[0] and tail[1]:
                    hit, end = tail, end - k
                    break
                if head and head[0] and head[1]:
                    hit, start = head, start + k
                    break
            else:
                hit = None
            if hit is not None:
                location.append(rest[start:end])
        if hit is None:
            location.append(rest[start:end])
            continue
        found = True
        t, i = hit
        time = time or t
        if i:
            ie = i if ie is None or ie == i else "INT/EXT"
    return ie, time, (" ".join(location) or None), cast, found


def _split_names(text: str) -> tuple[str, ...]:
    names = []
    for raw in _NAME_SPLIT.split(_PARENS.sub(" ", text)):
        name = raw.strip("：:。.；;")
        if name and name != "等" and len(name) <= 12 and name not in names:
            names.append(name)
    return tuple(names)


def _ext_kind(part: str) -> _T | None:
    key = part.upper().replace(".", "").replace(" ", "").replace("·", "")
    if key in _INNER_KEYS:
        return _T.INNER_VOICE
    if key in _VO_KEYS:
        return _T.VOICE_OVER
    return None


class _Parser:
    """The state of one pass: builder, current speech, known speakers, front matter."""

    def __init__(self, text: str, source: str | None, encoding: str | None):
        self.b = ScriptBuilder(source_format="chinese", source=source, encoding=encoding)
        # A writer who marks action with △ leaves untagged lines to speech: they continue
        # the dialogue above them. Without △, untagged lines are action.
        self.triangles = "△" in text or "▲" in text
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
            if bracket or (short and len(m_line) <= 8) or (line.endswith(("：", ":")) and len(line) <= 12):
                section = (line[1:-1] if bracket else line).strip(" ：:") or section
                continue
            if "人物" in section or "角色" in section:
                sp = _SPEAKER.match(m_line)
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
        if self.structure(lineno, line, m_line):
            return
        if self.front:
            if not self.header(line, m_line):
                self.front_lines.append((lineno, line, m_line))
            return
        self.body(lineno, line, m_line)

    def structure(self, lineno: int, line: str, m_line: str) -> bool:
        m = _EPISODE.match(m_line)
        if m is None:
            return self.scene_head(lineno, line, m_line)
        number = chinese_numeral(m.group(1) or m.group(2))
        rest = m.group(3)
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
        if number is None or len(title) > 24 or (len(title) > 12 and _FULL_STOP.search(title)):
            return False  # 第1集：林晚重生，发现…。 is an outline entry, not an episode
        self.leave_front()
        self.end_speech()
        self.close_flashback(lineno)
        title = _TITLE_NOISE.sub("", title).strip()
        if self.saw_episode_marker and current is not None and number <= current:
            self.b.warn(lineno, f"episode {number} follows episode {current}")
        self.saw_episode_marker = True
        self.pending_cast = ()
        self.b.start_episode(number, title, lineno)
        return True

    def scene_head(self, lineno: int, line: str, m_line: str) -> bool:
        number: str | None = None
        episode_from_number: int | None = None
        m = _SCENE_NUM.match(m_line)
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
            m = _SCENE_WORD.match(m_line)
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
                m = _SCENE_SINGLE.match(m_line)
                rest_m = m.group(2) if m else m_line
                if len(rest_m) > 30 or _SENTENCE.search(rest_m) or rest_m[0] in "△▲【[（(":
                    return False
                if not _HEAD_HINT.search(rest_m) or (not m and ("：" in rest_m or ":" in rest_m)):
                    return False
                ie, time, loc, cast, found = _heading_fields(rest_m, line[len(line) - len(rest_m):])
                if not found or (not m and not (ie and time)):
                    return False
                if m:
                    number = m.group(1)
        self.leave_front()
        self.end_speech()
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
            if kind is not None and kind[0] is not _T.NOTE:
                self.end_speech()
                rest, rest_m = line[lead.start(2):], m_line[lead.start(2):]
                if kind[0] is _T.SUBTITLE and not kind[1]:  # 【字幕】三年后
                    self.emit(_T.SUBTITLE, rest, lineno)
                    return
                self.mark(lineno, line[1: lead.end(1)].strip(), lead.group(1).strip())
                self.body(lineno, rest, rest_m)
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
        if m_line.strip("（）()【】[]-—*= ") in _END_WORDS:  # 本集完 / （完） / —— 全剧终 ——
            self.end_speech()
            self.emit(_T.NOTE, line, lineno)
            return
        if self.classify_mark(m_line, bare=True) is not None:
            self.end_speech()
            self.mark(lineno, line, m_line, bare=True)
            return
        if self.dialogue(lineno, line, m_line):
            return
        if self.speech is not None and (self.speech_pending or _TERMINAL.search(self.speech_last)
                                        or (self.triangles and not self.narration(m_line))):
            name, kind, ext = self.speech
            self.speech_pending = False
            self.speech_last = line
            self.emit(kind, line, lineno, name, ext)
            return
        self.end_speech()
        self.emit(_T.ACTION, line, lineno)

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
        m = _SPEAKER.match(m_line)
        if not m:
            return False
        name_m = m.group(1).replace(" ", "")
        name = line[: m.end(1)].replace(" ", "")
        kind, ext = _T.DIALOGUE, None
        suffix = _NAME_SUFFIX.match(name_m)
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
        if name_m in _NARRATORS:
            kind, ext = _T.VOICE_OVER, name
        text = line[m.start(3):].strip()
        text_m = m.group(3).strip()
        groups = [g.group(1) for g in _ONE_MARK.finditer(line, m.start(2), m.end(2))]
        lead = _LEAD_PAREN.match(text_m)
        if lead:  # 林晚：（冷笑）你也配？
            groups.append(text[lead.start(1): lead.end(1)])
            text = text[lead.start(2):].strip()
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
    for lineno, raw in enumerate(text.split("\n"), start=1):
        line = raw.strip()
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
