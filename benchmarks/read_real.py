"""Read real scripts: how dramalens (and two peer Fountain parsers) read a folder of real files.

Run it (not a test), from the repository root, in an environment with dramalens installed and,
for the comparison, the peers ``screenplain`` and ``jouvence``::

    python benchmarks/read_real.py DIR [--json OUT] [--timeout S] [--quiet]
    python benchmarks/read_real.py DIR --sample N [--seed S]      # hand-check line types
    python benchmarks/read_real.py --check LABELS.tsv [LABELS.tsv ...]  # misclassification rate

Every file under DIR whose name ends in .fountain .txt .fdx .docx .md or .spmd is parsed with the
public ``dramalens.parse(path)``; a :class:`~dramalens.DramalensError` is recorded for that file
and the run goes on (any other exception is recorded too, as a crash). The first-level
sub-folder of DIR is the file's *source*; figures are printed per file, per source and in total.

Figures (the same definitions for every parser):

episodes    ``len(script.episodes)``.
scenes      scenes that have a heading (the heading-less lead-in of an episode is not a scene).
speakers    distinct character names carried by cues and spoken elements.
speeches    dialogue blocks: a cue (CHARACTER element) starts one; so does a spoken element
            (dialogue, voice-over, inner voice, lyrics) or a parenthetical whose speaker is not
            the one currently speaking. Anything else (action, heading, ...) ends the speech.
            Chinese ``名：台词`` lines therefore count one each, and consecutive lines of one
            speaker count once.
dlg share   characters of spoken elements / characters of all body elements.
quality     the script's read quality (``Script.quality.score``, 0-1; docs/read-quality.md).

For English screenplays (a text file that is not mostly CJK and has at least one slugline by the
reference below) the same figures come from screenplain and Jouvence on the same decoded text,
and from a simple reference read straight off the lines:

sluglines   lines matching ``^\\s*(\\d+[A-Z]?\\.?\\s+)?(INT|EXT|INT\\./EXT|I/E|INTERIOR|EXTERIOR)[\\.\\s/-]``
            (case-sensitive: sluglines are upper case; a scene number such as ``12``, ``4A`` or
            ``118.`` may stand before it);
            in .fountain/.spmd files also Fountain's forced headings (``.MONTAGE`` after an
            empty line), which the spec makes headings.
cues        the classic cue heuristic, see :func:`is_cue`: a short (<= 40 characters) line
            whose letters are mostly upper case, that looks like a name (at most 5 words, no
            sentence punctuation at its end), optionally followed by parenthesised extensions
            such as ``(V.O.)`` or ``(cont'd)`` in any case, that is not a slugline, transition,
            shot label or page furniture, and that is followed by a non-blank line (or, for a
            cue indented 15+ columns, by one empty line and then a line indented less: the
            "cue, blank line, speech at the margin" layout of some exports). Transcript-style
            ``NAME: speech`` lines (NAME upper case, not a label such as SUPER or CUT) count
            as speeches too. The reference speeches are cues + such colon speeches.

A parser's scenes/speeches are *within 10%* of the reference when ``|x - ref| <= 0.1 * ref``
(with ref 0 only x == 0 agrees). The report gives, per source and in total, the share of English
files within 10% for scenes, for speeches and for both, for each parser; and it lists the files
that a parser read with no dialogue while the reference finds cues.

``--sample N`` prints N random non-blank lines of each Chinese file with the type dramalens gave
that line (its element type; ``section`` for an episode marker, ``heading`` for a scene heading
and the cast lines under it, ``none`` for a line that is not part of any element, e.g. front
matter). A line holding several elements shows the spoken one (``名（哭）：台词`` is dialogue).
For .docx files the lines are the document's body paragraphs in order (dramalens' numbering).

``--check LABELS.tsv`` reads hand labels: ``#`` comment lines, one ``# file: PATH`` line naming
the script (relative to the TSV's folder, or absolute), then ``LINE<TAB>TYPE[<TAB>note]`` rows
with TYPE among heading action dialogue character parenthetical voice_over inner_voice subtitle
transition flashback_start flashback_end note section. It prints every disagreement and the
misclassification rate per file and pooled. ``note`` means "not story body" (titles, outlines,
character bios, production notes): it agrees with a line dramalens keeps out of the body
(``none``) as well as with a note element.
"""

from __future__ import annotations

import argparse
import codecs
import io
import json
import os
import random
import re
import signal
import sys
import time
from collections import Counter, defaultdict
from pathlib import Path

EXTENSIONS = (".fountain", ".txt", ".fdx", ".docx", ".md", ".spmd")
TEXT_EXTENSIONS = (".fountain", ".txt", ".md", ".spmd")
LABEL_TYPES = (
    "heading action dialogue character parenthetical voice_over inner_voice subtitle transition "
    "flashback_start flashback_end note section"
).split()

# ---------------------------------------------------------------------------------------------
# Reading files


def decode(data: bytes) -> str:
    """Decode a text file the way a careful reader would: BOMs, UTF-8, then cp1252 for text that
    is almost all ASCII (old script-site exports), then GB18030, then Latin-1."""
    if data.startswith(codecs.BOM_UTF8):
        return data[3:].decode("utf-8", "replace")
    if data[:2] in (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE):
        return data.decode("utf-16", "replace")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    high = sum(1 for b in data if b >= 0x80)
    if high <= len(data) * 0.02:
        return data.decode("cp1252", "replace")
    try:
        return data.decode("gb18030")
    except UnicodeDecodeError:
        return data.decode("latin-1")


def cjk_share(text: str) -> float:
    letters = [c for c in text if c.isalpha()]
    if not letters:
        return 0.0
    return sum(1 for c in letters if "\u3400" <= c <= "\u9fff" or "\uf900" <= c <= "\ufaff") / len(letters)


def find_files(root: Path) -> list[Path]:
    if root.is_file():
        return [root]
    out = [p for p in root.rglob("*") if p.is_file() and p.suffix.lower() in EXTENSIONS]
    return sorted(out, key=lambda p: str(p.relative_to(root)))


def source_of(path: Path, root: Path) -> str:
    if root.is_file():
        return root.parent.name
    rel = path.relative_to(root).parts
    return rel[0] if len(rel) > 1 else "."


# ---------------------------------------------------------------------------------------------
# The reference: sluglines and cues read straight off the lines

SLUG_RE = re.compile(r"^\s*(\d+[A-Z]?\.?\s+)?(INT|EXT|INT\./EXT|I/E|INTERIOR|EXTERIOR)[\.\s/-]")
_EXTENSION_RE = re.compile(r"\s*\([^()]{1,20}\)\s*$")
_NAME_RE = re.compile(r"^[A-Z0-9\u00C0-\u00DE][A-Za-z0-9\u00C0-\u00FF .'\u2019&/#-]*$")
# Upper-case lines that are not names: transitions, shot labels, page furniture, titles.
_NOT_A_NAME = re.compile(
    r"^(CUT|FADE|DISSOLVE|SMASH|MATCH|JUMP|TIME CUT|WIPE|IRIS|BACK TO|ANGLE|CLOSE|CLOSER|WIDE|"
    r"EXTREME|MEDIUM|INSERT|POV|REVERSE|OVER|ON |MONTAGE|SERIES OF|FLASHBACK|END OF|END |"
    r"INTERCUT|LATER|MOMENTS LATER|CONTINUOUS|CONTINUED|CONT'D|MORE|SUPER|TITLE|CREDITS|THE END|"
    r"OMITTED|OMIT|SCENE|SHOT|PAN|TRACKING|DOLLY|CRANE|AERIAL|ESTABLISHING|NIGHT|DAY|MORNING|"
    r"EVENING|DAWN|DUSK|SUNSET|SUNRISE|SAME|SILENCE|BLACK|WHITE|DARKNESS|SLOW MOTION|FREEZE|"
    r"SPLIT SCREEN|SUBTITLE|CAPTION|CARD|ACT |PROLOGUE|EPILOGUE|TEASER|COLD OPEN|FINAL DRAFT|"
    r"REVISED|DRAFT|WRITTEN BY|SCREENPLAY|STORY BY|BASED ON|TO BE CONTINUED|INT|EXT|I/E)\b"
)


def _letters_upper_share(s: str) -> float:
    letters = [c for c in s if c.isalpha()]
    if not letters:
        return 0.0
    return sum(1 for c in letters if c.isupper()) / len(letters)


def is_cue(line: str, next_line: str | None) -> bool:
    """The classic cue heuristic, documented in the module docstring.

    >>> is_cue("SUSAN (cont'd)", "Hello.")
    True
    >>> is_cue("CUT TO:", "INT. HOUSE - DAY")
    False
    >>> is_cue("He runs.", "x")
    False
    """
    s = line.strip()
    if not s or len(s) > 40 or next_line is None or not next_line.strip():
        return False
    s = s.lstrip("@").rstrip("^").strip()
    name = s
    while True:  # peel off extensions: (V.O.) (O.S.) (cont'd) (CONT'D) ...
        m = _EXTENSION_RE.search(name)
        if not m or m.start() == 0:
            break
        name = name[: m.start()].rstrip()
    if not name or not _NAME_RE.match(name):
        return False
    if re.search(r"\s{3,}|\d+/\d+", name):  # page furniture: "PUBLISH 6/11/07   SP   2"
        return False
    if _letters_upper_share(name) < 0.85 or sum(1 for c in name if c.isalpha()) < 1:
        return False
    if len(name.split()) > 5 or name[-1] in ".:!?,;-":
        return False
    if SLUG_RE.match(line) or _NOT_A_NAME.match(name) or name.endswith(" TO"):
        return False
    if re.fullmatch(r"[\d\s.#-]+[A-Z]?", name):  # scene / page numbers
        return False
    if SLUG_RE.match(next_line):
        return False
    return True


_FORCED_HEADING_RE = re.compile(r"^\.[^.\s]")


def reference(text: str, fountain: bool = False) -> dict:
    lines = text.splitlines()
    slugs = sum(1 for ln in lines if SLUG_RE.match(ln))
    if fountain:  # Fountain's forced headings: ``.MONTAGE`` after an empty line
        slugs += sum(1 for i, ln in enumerate(lines) if _FORCED_HEADING_RE.match(ln) and (i == 0 or not lines[i - 1].strip()))
    cues = colon = 0
    n = len(lines)
    for i, ln in enumerate(lines):
        nxt = lines[i + 1] if i + 1 < n else None
        if is_cue(ln, nxt):
            cues += 1
        elif nxt is not None and not nxt.strip() and i + 2 < n and _indent(ln) >= 15 and lines[i + 2].strip() \
                and _indent(lines[i + 2]) < _indent(ln) and is_cue(ln, lines[i + 2]):
            cues += 1  # a centred cue, one empty line, then the speech further left
        elif is_colon_speech(ln):
            colon += 1
    return {"scenes": slugs, "speeches": cues + colon, "cues": cues, "colon_speeches": colon}


def _indent(line: str) -> int:
    return len(line.expandtabs(8)) - len(line.expandtabs(8).lstrip())


_COLON_SPEECH_RE = re.compile(r"^\s*([A-Z][A-Z0-9 .'\u2019&-]{0,28}?)\s*(\([^()]{1,20}\))?\s*:\s+\S")


def is_colon_speech(line: str) -> bool:
    """A ``NAME: speech`` line (transcript style), NAME upper case and not a label.

    >>> is_colon_speech("ANAKIN: (continuing) We got him!")
    True
    >>> is_colon_speech("SUPER: Paris, 1921")
    False
    """
    m = _COLON_SPEECH_RE.match(line)
    if not m:
        return False
    name = m.group(1).strip()
    if not name or len(name.split()) > 4 or _NOT_A_NAME.match(name) or SLUG_RE.match(line):
        return False
    return sum(1 for c in name if c.isalpha()) >= 2


# ---------------------------------------------------------------------------------------------
# dramalens


def _spoken_types():
    """The element types heard as a voice (dramalens' SPOKEN_TYPES when it is where it was)."""
    try:
        from dramalens.model.elements import SPOKEN_TYPES

        return frozenset(SPOKEN_TYPES)
    except ImportError:  # the model moved: fall back on the public enum
        from dramalens import ElementType

        return frozenset(t for t in ElementType if t.value in ("dialogue", "voice_over", "inner_voice", "lyrics"))


def dramalens_figures(script) -> dict:
    from dramalens import ElementType

    spoken = _spoken_types()
    speakers: set[str] = set()
    speeches = 0
    dialogue_chars = all_chars = 0
    current: object = None  # the speaker of the speech under way, None outside speeches
    for _, _, el in script.iter_elements():
        all_chars += len(el.text)
        if el.type == ElementType.CHARACTER:
            speeches += 1
            current = el.character or el.text
            speakers.add(current)
        elif el.type in spoken or el.type == ElementType.PARENTHETICAL:
            who = el.character or ""
            if el.type in spoken:
                dialogue_chars += len(el.text)
            if who:
                speakers.add(who)
            if current is None or who != current:
                speeches += 1
                current = who
        else:
            current = None
    scenes = sum(1 for sc in script.scenes if sc.heading is not None)
    return {
        **_figures(len(script.episodes), scenes, speakers, speeches, dialogue_chars, all_chars),
        "quality": round(script.quality.score, 3),
        "language": script.language,
        "format": script.source_format,
        "warnings": len(script.warnings),
    }


# ---------------------------------------------------------------------------------------------
# Peers


def _peer_name(raw: str) -> str:
    name = str(raw).strip().lstrip("@").rstrip("^").strip()
    name = re.sub(r"\s*\([^()]*\)\s*", " ", name).strip()
    return name.upper()


def screenplain_figures(text: str) -> dict:
    from screenplain.parsers.fountain import parse
    from screenplain.types import Action, Dialog, DualDialog, Slug, Transition

    doc = parse(io.StringIO(text))
    scenes = speeches = dialogue_chars = all_chars = 0
    speakers: set[str] = set()

    def dialog(d) -> None:
        nonlocal speeches, dialogue_chars, all_chars
        speeches += 1
        speakers.add(_peer_name(d.character))
        all_chars += len(str(d.character))
        for is_paren, line in d.blocks:
            n = len(str(line))
            all_chars += n
            if not is_paren:
                dialogue_chars += n

    for p in doc:
        if isinstance(p, Slug):
            scenes += 1
            all_chars += len(str(p.line))
        elif isinstance(p, Dialog):
            dialog(p)
        elif isinstance(p, DualDialog):
            dialog(p.left)
            dialog(p.right)
        elif isinstance(p, (Action, Transition)):
            all_chars += sum(len(str(x)) for x in p.lines)
    return _figures(1, scenes, speakers, speeches, dialogue_chars, all_chars)


def _figures(episodes: int, scenes: int, speakers: set[str], speeches: int, dialogue_chars: int, all_chars: int) -> dict:
    """The figures every reader is compared on, computed the same way for each."""
    return {
        "episodes": episodes,
        "scenes": scenes,
        "speakers": len(speakers),
        "speeches": speeches,
        "dialogue_share": round(dialogue_chars / all_chars, 4) if all_chars else 0.0,
    }


def jouvence_figures(text: str) -> dict:
    from jouvence import document as jd
    from jouvence.parser import JouvenceParser

    doc = JouvenceParser().parseString(text)
    scenes = speeches = dialogue_chars = all_chars = 0
    speakers: set[str] = set()
    for sc in doc.scenes:
        if sc.header:
            scenes += 1
            all_chars += len(sc.header)
        for p in sc.paragraphs:
            t = p.text or ""
            all_chars += len(t)
            if p.type == jd.TYPE_CHARACTER:
                speeches += 1
                speakers.add(_peer_name(t))
            elif p.type in (jd.TYPE_DIALOG, jd.TYPE_LYRICS):
                dialogue_chars += len(t)
    return _figures(1, scenes, speakers, speeches, dialogue_chars, all_chars)


def _peer_available(module: str) -> bool:
    try:
        __import__(module)
        return True
    except ImportError:
        return False


# ---------------------------------------------------------------------------------------------
# Running one parser on one file, with a time limit


class _Timeout(Exception):
    pass


def _on_alarm(signum, frame):  # pragma: no cover - signal handler
    raise _Timeout()


def timed(fn, *args, limit: float) -> tuple[str, str, float, object]:
    """(status, message, seconds, result): status ok / error / crash / timeout."""
    use_alarm = hasattr(signal, "SIGALRM") and limit > 0
    if use_alarm:
        old = signal.signal(signal.SIGALRM, _on_alarm)
        signal.setitimer(signal.ITIMER_REAL, limit)
    t0 = time.perf_counter()
    try:
        result = fn(*args)
        return "ok", "", time.perf_counter() - t0, result
    except _Timeout:
        return "timeout", f"over {limit:g} s", time.perf_counter() - t0, None
    except Exception as exc:  # noqa: BLE001 - recorded, the run goes on
        from dramalens import DramalensError

        status = "error" if isinstance(exc, DramalensError) else "crash"
        msg = str(exc).replace("\n", " ")[:200]
        if status == "crash":
            msg = f"{type(exc).__name__}: {msg}"
        return status, msg, time.perf_counter() - t0, None
    finally:
        if use_alarm:
            signal.setitimer(signal.ITIMER_REAL, 0)
            signal.signal(signal.SIGALRM, old)


def within(x: int | None, ref: int) -> bool | None:
    if x is None:
        return None
    if ref == 0:
        return x == 0
    return abs(x - ref) <= 0.1 * ref


# ---------------------------------------------------------------------------------------------
# The evaluation


def evaluate(root: Path, limit: float, quiet: bool) -> list[dict]:
    import dramalens

    peers = {
        "screenplain": screenplain_figures if _peer_available("screenplain") else None,
        "jouvence": jouvence_figures if _peer_available("jouvence") else None,
    }
    records = []
    files = find_files(root)
    if not files:
        print(f"no script files under {root}", file=sys.stderr)
    for path in files:
        rel = str(path.relative_to(root)) if root.is_dir() else path.name
        data = path.read_bytes()
        rec: dict = {"file": rel, "source": source_of(path, root), "bytes": len(data), "ext": path.suffix.lower()}
        status, msg, secs, script = timed(dramalens.parse, str(path), limit=limit)
        rec["dramalens"] = {"status": status, "message": msg, "seconds": round(secs, 4)}
        if script is not None:
            rec["dramalens"].update(dramalens_figures(script))
        text = decode(data) if rec["ext"] in TEXT_EXTENSIONS else None
        if text is not None:  # universal newlines, as open() in text mode gives the peers
            text = text.replace("\r\n", "\n").replace("\r", "\n")
        english = False
        western = text is not None and cjk_share(text) < 0.05
        if western:
            ref = rec["reference"] = reference(text, fountain=rec["ext"] in (".fountain", ".spmd"))
            english = ref["scenes"] > 0
        rec["english_text"] = western
        rec["english_screenplay"] = english
        if western:
            for name, fn in peers.items():
                if fn is None:
                    continue
                st, m, s, fig = timed(fn, text, limit=limit)
                rec[name] = {"status": st, "message": m, "seconds": round(s, 4)}
                if fig:
                    rec[name].update(fig)
            for name in ("dramalens", *peers):
                r = rec.get(name)
                if not r or r.get("status") != "ok":
                    continue
                r["scenes_ok"] = within(r.get("scenes"), ref["scenes"])
                r["speeches_ok"] = within(r.get("speeches"), ref["speeches"])
                silent = r.get("speeches", 0) == 0 or r.get("dialogue_share", 0) == 0
                r["no_dialogue_with_cues"] = bool(ref["speeches"] > 0 and silent)
        records.append(rec)
        if not quiet:
            print_file(rec)
    return records


def _fmt(x, width: int, digits: int = 0) -> str:
    if x is None:
        return "-".rjust(width)
    if isinstance(x, float):
        return f"{x:.{digits or 2}f}".rjust(width)
    return str(x).rjust(width)


def _mark(ok) -> str:
    return "-" if ok is None else ("y" if ok else "n")


def print_file(rec: dict) -> None:
    d = rec["dramalens"]
    head = f"{rec['file'][:70]:70s} {d['status']:7s} {d['seconds']:7.3f}s"
    if d["status"] != "ok":
        print(f"{head}  {d['message']}")
        return
    line = (
        f"{head} ep{_fmt(d['episodes'], 4)} sc{_fmt(d['scenes'], 5)} spk{_fmt(d['speakers'], 4)}"
        f" sp{_fmt(d['speeches'], 5)} dlg{_fmt(d['dialogue_share'], 5)} q{_fmt(d['quality'], 5)}"
    )
    if rec.get("english_text"):
        ref = rec["reference"]
        line += " |" + ("" if rec["english_screenplay"] else " (no sluglines)")
        line += f" ref sc{_fmt(ref['scenes'], 5)} sp{_fmt(ref['speeches'], 5)}"
        for name, tag in (("dramalens", "DL"), ("screenplain", "SP"), ("jouvence", "JV")):
            r = rec.get(name)
            if not r:
                continue
            if r["status"] != "ok":
                line += f" {tag}:{r['status']}"
            else:
                line += f" {tag} sc{_fmt(r['scenes'], 5)}{_mark(r['scenes_ok'])}"
                line += f" sp{_fmt(r['speeches'], 5)}{_mark(r['speeches_ok'])}"
    print(line)


def summarise(records: list[dict]) -> dict:
    out: dict = {
        "files": len(records),
        "bytes": sum(r["bytes"] for r in records),
        "dramalens": Counter(r["dramalens"]["status"] for r in records),
    }
    ok = [r for r in records if r["dramalens"]["status"] == "ok"]
    secs = sum(r["dramalens"]["seconds"] for r in records)
    out["seconds"] = round(secs, 3)
    out["kb_per_s"] = round(out["bytes"] / 1024 / secs, 1) if secs else None
    if ok:
        out["mean_dialogue_share"] = round(sum(r["dramalens"]["dialogue_share"] for r in ok) / len(ok), 3)
        out["no_dialogue"] = sum(1 for r in ok if r["dramalens"]["speeches"] == 0)
        qs = [r["dramalens"]["quality"] for r in ok if r["dramalens"].get("quality") is not None]
        out["mean_quality"] = round(sum(qs) / len(qs), 3) if qs else None
    texts = [r for r in records if r.get("english_text")]
    out["english_texts"] = len(texts)
    out["english_texts_no_dialogue_with_cues"] = {
        name: sum(1 for r in texts if r.get(name, {}).get("no_dialogue_with_cues"))
        for name in ("dramalens", "screenplain", "jouvence")
    }
    eng = [r for r in records if r.get("english_screenplay")]
    out["english_screenplays"] = len(eng)
    if eng:
        for name in ("dramalens", "screenplain", "jouvence"):
            rs = [r[name] for r in eng if name in r]
            if not rs:
                continue
            good = [x for x in rs if x["status"] == "ok"]
            n = len(eng)
            sc = sum(1 for x in good if x["scenes_ok"])
            sp = sum(1 for x in good if x["speeches_ok"])
            both = sum(1 for x in good if x["scenes_ok"] and x["speeches_ok"])
            out[name + "_vs_reference"] = {
                "files": n,
                "failed": n - len(good),
                "scenes_within_10pct": sc,
                "speeches_within_10pct": sp,
                "both_within_10pct": both,
                "scenes_share": round(sc / n, 3),
                "speeches_share": round(sp / n, 3),
                "both_share": round(both / n, 3),
                "no_dialogue_with_cues": sum(1 for x in good if x["no_dialogue_with_cues"]),
                "seconds": round(sum(x["seconds"] for x in rs), 3),
            }
    out["dramalens"] = dict(out["dramalens"])
    return out


def print_summary(title: str, s: dict) -> None:
    st = ", ".join(f"{k} {v}" for k, v in sorted(s["dramalens"].items()))
    print(f"\n== {title}: {s['files']} files, {s['bytes'] / 1024:.0f} KB; dramalens {st}; "
          f"{s['seconds']:.2f} s ({s['kb_per_s']} KB/s)")
    if "mean_dialogue_share" in s:
        q = s.get("mean_quality")
        print(f"   mean dialogue share {s['mean_dialogue_share']:.3f}; read with no speech: {s['no_dialogue']}; "
              f"mean read quality {'-' if q is None else q}")
    if s["english_texts"]:
        nd = s["english_texts_no_dialogue_with_cues"]
        print(f"   English texts {s['english_texts']}, read with no dialogue while the reference finds cues: "
              + ", ".join(f"{k} {v}" for k, v in nd.items()))
    if s["english_screenplays"]:
        print(f"   English screenplays vs reference ({s['english_screenplays']} files): within 10% scenes / speeches / both")
        for name in ("dramalens", "screenplain", "jouvence"):
            v = s.get(name + "_vs_reference")
            if not v:
                continue
            print(f"     {name:12s} {v['scenes_share']:6.1%} {v['speeches_share']:6.1%} {v['both_share']:6.1%}"
                  f"   failed {v['failed']}, no dialogue while the reference finds cues: {v['no_dialogue_with_cues']},"
                  f" {v['seconds']:.2f} s")


def report(records: list[dict]) -> dict:
    by_source: dict[str, list[dict]] = defaultdict(list)
    for r in records:
        by_source[r["source"]].append(r)
    summaries = {src: summarise(rs) for src, rs in sorted(by_source.items())}
    for src, s in summaries.items():
        print_summary(f"source {src}", s)
    total = summarise(records)
    print_summary("TOTAL", total)
    failed = [r for r in records if r["dramalens"]["status"] != "ok"]
    if failed:
        print("\nfiles dramalens could not read:")
        for r in failed:
            print(f"  {r['file']}: {r['dramalens']['status']} {r['dramalens']['message']}")
    silent = [r for r in records if r.get("english_text") and r["dramalens"].get("no_dialogue_with_cues")]
    if silent:
        print("\nEnglish texts dramalens read with no dialogue while the reference finds cues:")
        for r in silent:
            print(f"  {r['file']}  (reference cues {r['reference']['speeches']})")
    return {"sources": summaries, "total": total}


# ---------------------------------------------------------------------------------------------
# Line types, for --sample and --check


def docx_lines(path: Path) -> list[str]:
    """Body paragraphs (and table-cell paragraphs) of a .docx in document order, one a line."""
    import docx
    from docx.oxml.ns import qn
    from docx.text.paragraph import Paragraph

    document = docx.Document(str(path))
    out: list[str] = []

    def walk(parent) -> None:
        for child in parent.iterchildren():
            if child.tag == qn("w:p"):
                out.append(Paragraph(child, document).text)
            elif child.tag in (qn("w:tbl"), qn("w:tr"), qn("w:tc"), qn("w:sdt"), qn("w:sdtContent")):
                walk(child)

    walk(document.element.body)
    return out


def source_lines(path: Path, script=None) -> list[str]:
    """The lines dramalens numbered (its own decoded text when the script carries it: a .docx
    with text boxes or line breaks inside paragraphs numbers differently from python-docx)."""
    if script is not None and getattr(script, "text", ""):
        return script.text.split("\n")
    if path.suffix.lower() == ".docx":
        return docx_lines(path)
    return decode(path.read_bytes()).replace("\r\n", "\n").replace("\r", "\n").split("\n")


def line_types(script) -> dict[int, str]:
    """Source line number -> the type dramalens gave it (see the module docstring)."""
    spoken = {t.value for t in _spoken_types()}
    types: dict[int, str] = {}

    def put(n: int, t: str) -> None:
        old = types.get(n)
        if old is None or (t in spoken and old not in spoken) or (old == "parenthetical" and t != "parenthetical"):
            types[n] = t

    # The second of a doubled marker (第 13 集 then 第十三集) is held by the parser as the same
    # episode's marker: it is read as a section, not lost.
    held_lines = {held.line for held in getattr(script, "held", ())}
    for held in getattr(script, "held", ()):
        if held.why == "episode marker repeated":
            put(held.line, "section")
    for ep in script.episodes:
        if ep.line:
            put(ep.line, "section")
        for sc in ep.scenes:
            if sc.heading is not None and sc.line:
                types[sc.line] = "heading"
            first = None
            for el in sc.elements:
                if not el.line:
                    continue
                if el.type.value != "heading":
                    first = el.line if first is None else min(first, el.line)
                span = 1 if el.type.value == "parenthetical" else el.text.count("\n") + 1
                for k in range(span):
                    put(el.line + k, el.type.value)
            if sc.heading is not None and sc.cast and sc.line and first:
                # The cast line(s) under the heading, also after a music cue (第一场 / (音乐) /
                # 皇后、魔镜): a line of the scene that is no element and was not held.
                last = max((el.line for el in sc.elements if el.line), default=first)
                for n in range(sc.line + 1, last):
                    if n < first or n not in held_lines:
                        types.setdefault(n, "heading")
    return types


def sample(root: Path, n: int, seed: int) -> None:
    import dramalens

    rng = random.Random(seed)
    for path in find_files(root):
        try:
            script = dramalens.parse(str(path))
        except Exception as exc:  # noqa: BLE001
            print(f"## {path}: {type(exc).__name__}: {exc}")
            continue
        if getattr(script, "language", None) != "zh":
            continue
        lines = source_lines(path, script)
        types = line_types(script)
        candidates = [i for i, ln in enumerate(lines, start=1) if ln.strip()]
        picked = sorted(rng.sample(candidates, min(n, len(candidates))))
        print(f"## {path}  ({len(candidates)} non-blank lines)")
        for i in picked:
            print(f"{i}\t{types.get(i, 'none')}\t{lines[i - 1].strip()[:80]}")


def check(tsv_paths: list[str]) -> dict:
    import dramalens

    pooled_n = pooled_bad = 0
    results = {}
    for tsv in tsv_paths:
        tsv_path = Path(tsv)
        target = None
        labels: list[tuple[int, str]] = []
        for raw in tsv_path.read_text(encoding="utf-8").splitlines():
            if not raw.strip():
                continue
            if raw.startswith("#"):
                m = re.match(r"#\s*file:\s*(.+?)\s*$", raw)
                if m:
                    target = m.group(1)
                continue
            parts = raw.split("\t")
            if len(parts) < 2 or not parts[0].strip().isdigit():
                print(f"{tsv}: bad row {raw!r}", file=sys.stderr)
                continue
            t = parts[1].strip()
            if t not in LABEL_TYPES:
                print(f"{tsv}: unknown type {t!r}", file=sys.stderr)
            labels.append((int(parts[0]), t))
        if target is None:
            print(f"{tsv}: no '# file: PATH' line", file=sys.stderr)
            continue
        path = Path(target)
        if not path.is_absolute():
            path = (tsv_path.parent / path).resolve()
        script = dramalens.parse(str(path))
        types = line_types(script)
        lines = source_lines(path, script)
        bad = []
        for n, expected in labels:
            got = types.get(n, "none")
            agree = got == expected or (expected == "note" and got == "none")
            if not agree:
                text = lines[n - 1].strip()[:50] if 0 < n <= len(lines) else ""
                bad.append((n, expected, got, text))
        rate = len(bad) / len(labels) if labels else 0.0
        pooled_n += len(labels)
        pooled_bad += len(bad)
        print(f"## {tsv_path.name}: {len(bad)} of {len(labels)} lines misclassified ({rate:.1%})  [{path.name}]")
        for n, e, g, text in bad:
            print(f"  line {n}: expected {e}, dramalens {g}   {text}")
        results[tsv_path.name] = {"file": str(path), "labelled": len(labels), "misclassified": len(bad), "rate": round(rate, 4),
                                  "confusions": dict(Counter(f"{e}->{g}" for _, e, g, _ in bad))}
    if pooled_n:
        print(f"\n== pooled: {pooled_bad} of {pooled_n} lines misclassified ({pooled_bad / pooled_n:.1%})")
    return results


# ---------------------------------------------------------------------------------------------


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("dir", nargs="?", help="folder of scripts (first-level sub-folders are sources)")
    ap.add_argument("--json", metavar="OUT", help="write every figure as JSON to OUT")
    ap.add_argument("--timeout", type=float, default=120.0, help="seconds allowed per parser per file (default 120)")
    ap.add_argument("--quiet", action="store_true", help="summaries only, no line per file")
    ap.add_argument("--sample", type=int, metavar="N", help="print N random non-blank lines per Chinese file with their type")
    ap.add_argument("--seed", type=int, default=9, help="random seed for --sample (default 9)")
    ap.add_argument("--check", nargs="+", action="extend", metavar="LABELS.tsv", help="hand-label files to check")
    args = ap.parse_args(argv)
    if args.check:
        results = check(args.check)
        if args.json:
            Path(args.json).write_text(json.dumps(results, ensure_ascii=False, indent=1), encoding="utf-8")
        return 0
    if not args.dir:
        ap.error("give a folder (or --check)")
    root = Path(args.dir)
    if not root.exists():
        ap.error(f"{root} does not exist")
    if args.sample:
        sample(root, args.sample, args.seed)
        return 0
    t0 = time.perf_counter()
    records = evaluate(root, args.timeout, args.quiet)
    summary = report(records)
    print(f"\n(wall time {time.perf_counter() - t0:.1f} s)")
    if args.json:
        Path(args.json).write_text(
            json.dumps({"root": os.path.abspath(root), "files": records, **summary}, ensure_ascii=False, indent=1),
            encoding="utf-8",
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
