"""Micro-drama scripts written in Word and saved as text: ``EPISODE 1`` / ``Scene 3 - INT. …``
lines, ``NAME: line`` dialogue, ``[FLASHBACK]``, ``SUPER: …``, rewritten into Fountain."""

from __future__ import annotations

import re

from .lines import COLON, COLON_CUE, EPISODE, FURNITURE, HEADING, SCENE, colon_name_ok, cue_text, is_cue
from .writer import FountainLines, copy_title_page, cue_line, write_heading, write_marker

__all__ = ["write_colon_script"]


def write_colon_script(lines: list[str], w: FountainLines) -> None:
    """Write the Fountain for a micro-drama script's ``lines`` into ``w``.

    >>> w = FountainLines(); write_colon_script(["EPISODE 1", "LILY: You fired me?"], w); w.out, w.numbers
    (['# Episode 1', '', 'LILY', 'You fired me?', ''], [1, 1, 2, 2, 2])
    """
    total = len(lines)
    i = copy_title_page(lines, w)
    i = _front_matter(lines, i, w)
    if w.out:
        w.line("", i)
    # Before the first episode marker or heading, ``NAME: text`` is front matter (a cast list
    # with ages, a logline), not a speech, when the script has such markers at all.
    story = not any(EPISODE.match(x.strip()) or SCENE.match(x.strip()) or HEADING.match(x.strip()) for x in lines)
    # Dense text (hardly any blank lines) is a Word script: every line is a paragraph. Text
    # with blank lines between paragraphs keeps Fountain's reading of what is not rewritten.
    nonblank = sum(1 for x in lines if x.strip())
    dense = (total - nonblank) * 4 < nonblank
    in_speech = False
    verbatim = False  # inside a Fountain speech (cue at a paragraph start) in paragraphed text
    para_start = True
    while i < total:
        n = i + 1
        s = lines[i].strip()
        if not s:
            w.blank(n) if dense else w.line("", n)
            in_speech = verbatim = False
            para_start = True
            i += 1
            continue
        starts, para_start = para_start, False
        if verbatim:
            w.line(lines[i].rstrip(), n)
            i += 1
            continue
        used = write_marker(s, n, w, lines, i)
        if used:
            i += used
            in_speech = False
            story = True
            continue
        if write_heading(s, n, w):
            i += 1
            in_speech = False
            story = True
            continue
        nxt = lines[i + 1].strip() if i + 1 < total else ""
        mc = COLON_CUE.match(s)
        if mc and story and nxt and colon_name_ok(mc.group("name")) and not FURNITURE.match(s):
            # ``NICK:`` alone on its line: a cue, the speech below it.
            cue, paren = cue_text(mc.group("name"), mc.group("ext"))
            w.blank(n)
            w.line(cue_line(cue), n)
            if paren:
                w.line(f"({paren})", n)
            in_speech = dense
            verbatim = not dense
            i += 1
            continue
        m = COLON.match(s)
        if m and story and colon_name_ok(m.group("name")):
            cue, paren = cue_text(m.group("name"), m.group("ext"))
            speech = m.group("t").strip()
            block = [cue_line(cue)]
            if paren:
                block.append(f"({paren})")
            pm = re.match(r"^(\([^()]{1,40}\))\s*(\S.*)$", speech)
            if pm:
                block += [pm.group(1), pm.group(2)]
            else:
                block.append(speech)
            w.paragraph(block, n)
            in_speech = False
            i += 1
            continue
        if not dense:
            verbatim = starts and bool(nxt) and is_cue(s)
            w.line(lines[i].rstrip(), n)
            i += 1
            continue
        if is_cue(s) and nxt and not COLON.match(nxt) and not HEADING.match(nxt) and len(s.split()) <= 4:
            # A stacked cue in a Word script: no blank line before it is needed.
            w.blank(n)
            w.line(s, n)
            in_speech = True
            i += 1
            continue
        if in_speech:
            # A Word script writes a speech as one paragraph: parentheticals, then one line.
            w.line(s, n)
            in_speech = s.startswith("(") and s.endswith(")")
        else:
            # Each line of a Word script is a paragraph of its own. An uppercase sentence
            # followed by text would read as a cue: force it to action.
            w.blank(n)
            upper = s == s.upper() and any(c.isalpha() for c in s) and not s.startswith("!")
            w.line(("!" + s) if upper else s, n)
            w.line("", n)
        i += 1



def _front_matter(lines: list[str], start: int, w: FountainLines) -> int:
    """Lines before the first episode marker (a cast list, a logline) → the title page's Notes.

    Left in the story they would form an episode of their own before ``EPISODE 1``.
    """
    k = start
    while k < len(lines):
        s = lines[k].strip()
        if HEADING.match(s) or SCENE.match(s):
            return start
        if EPISODE.match(s):
            break
        k += 1
    else:
        return start
    front = [(j, lines[j].strip()) for j in range(start, k) if lines[j].strip()]
    if not front:
        return start
    w.line("Notes:", front[0][0] + 1)
    for j, s in front:
        w.line("    " + s, j + 1)
    return k

