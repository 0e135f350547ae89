"""How far our Fountain parser agrees with the peers' own test suites.

The corpora live outside the project (``../shared/conformance/fountain``, see its README):

* ``fountain-tools``: ``X.fountain`` → ``X.txt`` (``TYPE:"text"`` records);
* ``jouvence``: YAML documents with ``in:`` Fountain, ``out:`` prefixed strings and ``title:``;
* ``screenplain``: ``X.fountain`` → ``X.html`` (the peer's rendering).

Each expected output and our parse are reduced to the same comparable sequence of
``(type, text)`` pairs. The reduction removes what the peers render differently but that is
not a parsing decision: whitespace runs, empty action, action and dialogue split across
several records, the parentheses of a parenthetical, a cue's extension, notes and boneyards
(screenplain drops them, fountain-tools lists them apart). A case passes when the two
sequences are equal; its agreement is difflib's ratio (1.0 = equal).
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

from .errors import ConfigError, InputError
from .parsing.screenplay_text import parse_screenplay_text
from .serial import JSON

__all__ = [
    "KNOWN_DISAGREEMENTS",
    "PEER_DISAGREEMENTS",
    "SUITES",
    "CaseResult",
    "ConformanceReport",
    "FileResult",
    "PeerDisagreement",
    "SuiteResult",
    "comparable",
    "run_conformance",
]

SUITES = ("fountain-tools", "jouvence", "screenplain")

#: Cases we fail on purpose, each with the reason (fountain.io decides where peers differ).
#: Keys are ``suite/file`` or ``suite/file#case``.
KNOWN_DISAGREEMENTS: dict[str, str] = {
    "fountain-tools/Boneyards": "fountain-tools joins the text either side of a boneyard, so 'CUT TO:' becomes "
    "action; we take a boneyard as a paragraph break, as screenplain does (its boneyard test agrees)",
    "fountain-tools/Character": "3CPO: fountain.io says a cue needs at least one letter ('R2D2' works), so "
    "3CPO is a cue; fountain-tools wants action",
    "fountain-tools/Notes": "fountain-tools runs a speech on across the empty line after a multi-line note and "
    "closes a note across an empty line; fountain.io ends both at an empty line, as screenplain does",
    "fountain-tools/Sections": "a first line 'CUT TO:' is a transition for us (and for fountain-tools' own "
    "callback parser), a title-page key for its element parser",
    "fountain-tools/Tags": "'#tag' words are a fountain-tools extension, not fountain.io syntax: they stay in the text",
    "jouvence/test_lyrics#2": "fountain.io: a line starting with '~' is a lyric ('Lyrics are always forced'), line "
    "by line as fountain-tools reads it; jouvence makes the whole paragraph action",
}

#: Where the peers' suites expect different things for the same construct, and what we do.
#: (topic, what the peers do, fountain.io's rule and our choice)
PEER_DISAGREEMENTS: tuple[tuple[str, str, str], ...] = (
    ("lyrics", "fountain-tools: every '~' line is a lyric, also inside a paragraph; jouvence: a '~' paragraph "
     "with a plain line after it is action",
     "fountain.io: lyrics are always forced by '~' → line by line (fountain-tools)"),
    ("boneyard between paragraphs", "screenplain: text either side stays apart; fountain-tools: the lines either "
     "side join into one action; jouvence: one action with the blank lines kept",
     "fountain.io: boneyard text is ignored → we keep its line breaks, so it separates (screenplain)"),
    ("forced transition text", "screenplain upper-cases it; fountain-tools and jouvence keep it as written",
     "fountain.io: '>' forces a transition, nothing about case → kept as written"),
    ("parenthetical text", "fountain-tools strips the parentheses; jouvence and screenplain keep them",
     "a presentation choice → our element text is the inside, the writer puts them back"),
    ("dual dialogue", "fountain-tools flags only the cue with '^'; screenplain renders both speeches side by side",
     "fountain.io: the '^' speech is the second of a pair → both groups get dual=True"),
    ("cue extensions", "fountain-tools drops (CONT'D) and keeps one extension; jouvence keeps the cue as written",
     "our character element keeps the cue as written; Element.character is the bare name, extension the rest"),
    ("a digit first in a cue", "fountain-tools: '3CPO' is action", "fountain.io: one letter is enough → a cue"),
    ("two parentheticals in a row", "fountain-tools: the second is dialogue; jouvence: both parentheticals",
     "fountain.io: a parenthetical follows a cue or dialogue → the second opens the dialogue (fountain-tools)"),
    ("first line 'CUT TO:'", "fountain-tools' element parser: a title-page key; its callback parser: a transition",
     "fountain.io: a title page is key: value pairs → not a transition-shaped line; we read a transition"),
)

_TYPE_FT = {
    "HEADING": "heading",
    "ACTION": "action",
    "CHARACTER": "character",
    "PARENTHETICAL": "parenthetical",
    "DIALOGUE": "dialogue",
    "TRANSITION": "transition",
    "LYRIC": "lyrics",
    "LYRICS": "lyrics",
    "SECTION": "section",
    "SYNOPSIS": "synopsis",
    "PAGEBREAK": "page_break",
    "TITLEENTRY": "title",
    "NOTE": None,
    "NOTES": None,
    "BONEYARD": None,
}
_TYPE_JV = {
    ".": "heading",
    "!": "action",
    "@": "character",
    "=": "dialogue",
    "_": "parenthetical",
    ">": "transition",
    "~": "lyrics",
    "#": "section",
    "+": "synopsis",
}
_DROPPED = {"note", "boneyard"}
_MERGED = {"action", "dialogue"}

Pair = tuple[str, str]


# -- results -------------------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class CaseResult:
    """One input compared: what the peer expects, what we give, and how far they agree."""

    suite: str
    file: str
    case: str
    expected: tuple[Pair, ...]
    got: tuple[Pair, ...]
    agreement: float
    known: str | None = None

    @property
    def passed(self) -> bool:
        return self.expected == self.got

    def to_dict(self) -> dict[str, JSON]:
        return {
            "suite": self.suite,
            "file": self.file,
            "case": self.case,
            "passed": self.passed,
            "agreement": round(self.agreement, 4),
            "known": self.known,
            "expected": [list(p) for p in self.expected],
            "got": [list(p) for p in self.got],
        }


@dataclass(frozen=True, slots=True)
class FileResult:
    """All cases of one file of a suite."""

    suite: str
    file: str
    cases: tuple[CaseResult, ...]

    @property
    def passed(self) -> int:
        return sum(c.passed for c in self.cases)

    @property
    def agreement(self) -> float:
        return sum(c.agreement for c in self.cases) / len(self.cases) if self.cases else 1.0

    def to_dict(self) -> dict[str, JSON]:
        return {
            "suite": self.suite,
            "file": self.file,
            "cases": len(self.cases),
            "passed": self.passed,
            "agreement": round(self.agreement, 4),
            "failures": [c.to_dict() for c in self.cases if not c.passed],
        }


@dataclass(frozen=True, slots=True)
class SuiteResult:
    """One peer's suite: its files and totals."""

    suite: str
    files: tuple[FileResult, ...]

    @property
    def cases(self) -> int:
        return sum(len(f.cases) for f in self.files)

    @property
    def passed(self) -> int:
        return sum(f.passed for f in self.files)

    @property
    def agreement(self) -> float:
        all_cases = [c for f in self.files for c in f.cases]
        return sum(c.agreement for c in all_cases) / len(all_cases) if all_cases else 1.0

    def to_dict(self) -> dict[str, JSON]:
        return {
            "suite": self.suite,
            "cases": self.cases,
            "passed": self.passed,
            "agreement": round(self.agreement, 4),
            "files": [f.to_dict() for f in self.files],
        }


@dataclass(frozen=True, slots=True)
class PeerDisagreement:
    """Two peers expecting different results for the same input."""

    input: str
    first: str
    second: str
    first_expected: tuple[Pair, ...]
    second_expected: tuple[Pair, ...]

    def to_dict(self) -> dict[str, JSON]:
        return {
            "input": self.input,
            "first": self.first,
            "second": self.second,
            "first_expected": [list(p) for p in self.first_expected],
            "second_expected": [list(p) for p in self.second_expected],
        }


@dataclass(frozen=True, slots=True)
class ConformanceReport:
    """Agreement per suite and per file, plus where the peers disagree with each other."""

    root: str
    suites: tuple[SuiteResult, ...]
    peer_disagreements: tuple[PeerDisagreement, ...] = field(default=())

    @property
    def cases(self) -> int:
        return sum(s.cases for s in self.suites)

    @property
    def passed(self) -> int:
        return sum(s.passed for s in self.suites)

    def suite(self, name: str) -> SuiteResult:
        for s in self.suites:
            if s.suite == name:
                return s
        raise KeyError(name)

    def to_dict(self) -> dict[str, JSON]:
        return {
            "root": self.root,
            "cases": self.cases,
            "passed": self.passed,
            "suites": [s.to_dict() for s in self.suites],
            "peer_disagreements": [d.to_dict() for d in self.peer_disagreements],
            "known_peer_disagreements": [
                {"topic": t, "peers": p, "decision": d} for t, p, d in PEER_DISAGREEMENTS
            ],
        }


# -- the comparable form ---------------------------------------------------------------------
def comparable(pairs: list[tuple[str, str]]) -> tuple[Pair, ...]:
    """Reduce ``(type, text)`` pairs to the form both sides are compared in.

    >>> comparable([("action", "A  b"), ("action", ""), ("action", "c"), ("character", "BOB (V.O.)"),
    ...             ("parenthetical", "(softly)"), ("note", "x")])
    (('action', 'A b c'), ('character', 'BOB'), ('parenthetical', 'softly'))
    """
    out: list[Pair] = []
    for kind, text in pairs:
        if kind in _DROPPED:
            continue
        text = " ".join(text.split())
        if kind == "character":
            text = " ".join(text.lstrip("@").split("(")[0].split("（")[0].replace("^", " ").split())
        elif kind == "parenthetical":
            if text[:1] in "(（" and text[-1:] in ")）":
                text = text[1:-1].strip()
        elif kind == "transition":
            text = text.casefold()
        if kind == "action" and not text:
            continue
        if out and kind in _MERGED and out[-1][0] == kind:
            merged = (out[-1][1] + " " + text).strip()
            out[-1] = (kind, merged)
            continue
        out.append((kind, text))
    return tuple(out)


def _ours(text: str) -> list[tuple[str, str]]:
    script = parse_screenplay_text(text)  # what dramalens.parse does with a .fountain file
    pairs: list[tuple[str, str]] = [("title", f"{k.lower()}: {v}") for k, v in script.title_page]
    for _, scene, e in script.iter_elements():
        t = e.text
        if e.type.value == "heading" and scene.number:
            t = f"{t} #{scene.number}#"
        pairs.append((e.type.value, t))
    return pairs


def _case(suite: str, file: str, case: str, expected: list[tuple[str, str]], text: str) -> CaseResult:
    exp = comparable(expected)
    got = comparable(_ours(text))
    ratio = 1.0 if exp == got else difflib.SequenceMatcher(None, exp, got, autojunk=False).ratio()
    known = KNOWN_DISAGREEMENTS.get(f"{suite}/{file}#{case}") or KNOWN_DISAGREEMENTS.get(f"{suite}/{file}")
    return CaseResult(suite, file, case, exp, got, ratio, known if exp != got else None)


# -- fountain-tools --------------------------------------------------------------------------
_FT_START = re.compile(r"^(?:\[\[\d+\]\]|/\*\d+\*/)?([A-Z]+):\"", re.M)
_FT_BODY = re.compile(r'^(.*?)"((?: "[^"\n]*")?(?: \([^()\n]*\))*(?: tags:[^\n]*)?)\s*$', re.S)
_FT_PLACEHOLDER = re.compile(r"\[\[\d+\]\]|/\*\d+\*/")


def read_fountain_tools_expected(text: str) -> list[tuple[str, str]] | None:
    """The ``(type, text)`` pairs of a fountain-tools ``.txt`` file (None if it has none)."""
    starts = list(_FT_START.finditer(text))
    if not starts:
        return None
    pairs: list[tuple[str, str]] = []
    for i, m in enumerate(starts):
        end = starts[i + 1].start() if i + 1 < len(starts) else len(text)
        kind = _TYPE_FT.get(m.group(1), "action")
        body = text[m.end() : end].rstrip("\n")
        if kind == "title":
            key, _, value = body.partition('":"')
            pairs.append(("title", f"{key.lower()}: {value.rstrip(chr(34))}"))
            continue
        bm = _FT_BODY.match(body)
        content, suffix = (bm.group(1), bm.group(2)) if bm else (body.rstrip('"'), "")
        content = _FT_PLACEHOLDER.sub("", content)
        if kind is None:
            continue
        if kind == "action" and "(centered)" in suffix:
            kind = "centered"
        if kind == "heading":
            num = re.search(r"\(([^()]*)\)", suffix)
            if num:
                content = f"{content} #{num.group(1)}#"
        pairs.append((kind, content))
    return pairs


def _fountain_tools(root: Path) -> list[FileResult]:
    results = []
    for src in sorted(root.glob("*.fountain")):
        stem = src.stem
        for candidate in (f"{stem}-Merged.txt", f"{stem}.txt"):
            exp_path = root / candidate
            if exp_path.exists():
                break
        else:
            continue  # writer outputs and FDX twins: no element listing to compare with
        expected = read_fountain_tools_expected(_read(exp_path))
        if expected is None:
            continue  # e.g. Formatted.txt renders emphasis as HTML, not elements
        case = _case("fountain-tools", stem, "1", expected, _read(src))
        results.append(FileResult("fountain-tools", stem, (case,)))
    return results


# -- jouvence --------------------------------------------------------------------------------
def _jouvence_expected(doc: dict[str, Any]) -> list[tuple[str, str]]:
    pairs = [("title", f"{str(k).lower()}: {v}") for k, v in (doc.get("title") or {}).items()]
    for item in doc.get("out") or []:
        item = str(item)
        if item == "<pagebreak>":
            pairs.append(("page_break", ""))
        elif item.startswith("!><"):
            pairs.append(("centered", item[3:]))
        elif item[:1] in _TYPE_JV:
            pairs.append((_TYPE_JV[item[0]], item[1:]))
        else:
            pairs.append(("action", item))
    return pairs


def _jouvence(root: Path) -> list[FileResult]:
    try:
        import yaml
    except ImportError as exc:  # pragma: no cover - PyYAML comes with dask
        raise ConfigError("reading the jouvence suite needs PyYAML", hint="pip install pyyaml") from exc
    results = []
    for path in sorted(root.glob("*.yaml")):
        cases = []
        for k, doc in enumerate(yaml.safe_load_all(_read(path)), start=1):
            if not isinstance(doc, dict) or "in" not in doc:
                continue
            cases.append(_case("jouvence", path.stem, str(k), _jouvence_expected(doc), str(doc["in"] or "")))
        results.append(FileResult("jouvence", path.stem, tuple(cases)))
    return results


# -- screenplain -----------------------------------------------------------------------------
class _ScreenplainHTML(HTMLParser):
    """Turns screenplain's HTML rendering back into (type, text) pairs."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.pairs: list[tuple[str, str]] = []
        self.current: list[str] | None = None
        self.kind: str | None = None
        self.skip = 0
        self.in_dialog = False

    def _start(self, kind: str) -> None:
        self._end()
        self.kind = kind
        self.current = []

    def _end(self) -> None:
        if self.kind is not None and self.current is not None:
            text = "".join(self.current).replace("\xa0", " ")
            self.pairs.append((self.kind, text))
        self.kind = None
        self.current = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        cls = dict(attrs).get("class") or ""
        if tag == "span" and cls in ("scnuml", "scnumr"):
            self.skip += 1
            return
        if tag == "br":
            if self.current is not None:
                self.current.append("\n")
            return
        if tag == "h6":
            if "page-break" in cls:
                self._end()
                self.pairs.append(("page_break", ""))
            self._start("heading")
            self.number: str | None = None
        elif tag in ("h1", "h2", "h3", "h4", "h5"):
            self._start("section")
        elif tag == "span" and cls.endswith("-synopsis"):
            self._start("synopsis")
        elif tag == "div" and cls in ("dialog", "dual", "left", "right"):
            self._end()
            self.in_dialog = True
        elif tag == "div" and cls in ("action", "transition", "centered", "lyrics"):
            self._end()
            self.in_dialog = False
            self.block = {"action": "action", "centered": "centered", "lyrics": "lyrics"}.get(cls, "transition")
            if self.block == "transition":
                self._start("transition")
        elif tag == "p":
            if self.in_dialog:
                self._start({"character": "character", "parenthetical": "parenthetical"}.get(cls, "dialogue"))
            else:
                self._start(getattr(self, "block", "action"))

    def handle_endtag(self, tag: str) -> None:
        if tag == "span" and self.skip:
            self.skip -= 1
            return
        if tag in ("p", "h1", "h2", "h3", "h4", "h5", "h6") or (tag == "span" and self.kind == "synopsis"):
            if tag == "h6" and self.kind == "heading" and getattr(self, "number", None):
                self.current = [*(self.current or []), f" #{self.number}#"]
            self._end()
        elif tag == "div":
            self._end()

    def handle_data(self, data: str) -> None:
        if self.skip:
            if self.kind == "heading" and getattr(self, "number", None) is None:
                self.number = data.strip()
            return
        if self.current is not None:
            self.current.append(data)


def _screenplain(root: Path) -> list[FileResult]:
    results = []
    for src in sorted(root.glob("*.fountain")):
        html = src.with_suffix(".html")
        if not html.exists():
            continue
        reader = _ScreenplainHTML()
        reader.feed(_read(html))
        reader.close()
        reader._end()
        case = _case("screenplain", src.stem, "1", reader.pairs, _read(src))
        results.append(FileResult("screenplain", src.stem, (case,)))
    return results


# -- running -----------------------------------------------------------------------------------
def _read(path: Path) -> str:
    return path.read_text(encoding="utf-8-sig").replace("\r\n", "\n")


def _peer_disagreements(suites: list[SuiteResult], inputs: dict[tuple[str, str, str], str]) -> list[PeerDisagreement]:
    by_input: dict[str, list[CaseResult]] = {}
    for suite in suites:
        for f in suite.files:
            for c in f.cases:
                key = " ".join(inputs.get((c.suite, c.file, c.case), "").split())
                if key:
                    by_input.setdefault(key, []).append(c)
    found = []
    for key, cases in by_input.items():
        for i in range(len(cases)):
            for j in range(i + 1, len(cases)):
                a, b = cases[i], cases[j]
                if a.suite != b.suite and a.expected != b.expected:
                    found.append(
                        PeerDisagreement(key[:200], f"{a.suite}/{a.file}#{a.case}", f"{b.suite}/{b.file}#{b.case}", a.expected, b.expected)
                    )
    return found


def run_conformance(root: str | Path) -> ConformanceReport:
    """Compare the Fountain reader with every peer suite found under ``root``.

    ``root`` is the ``fountain`` folder of the conformance corpora; suites missing from it
    are left out. Raises :class:`~dramalens.errors.InputError` when ``root`` is not a folder
    or holds none of the suites.

    >>> run_conformance("/no/such/dir")  # doctest: +IGNORE_EXCEPTION_DETAIL
    Traceback (most recent call last):
    dramalens.errors.InputError: /no/such/dir: conformance folder not found
    """
    base = Path(root)
    if not base.is_dir():
        raise InputError(
            "conformance folder not found", source=str(base), hint="give the folder holding fountain-tools/, jouvence/, screenplain/"
        )
    readers = {"fountain-tools": _fountain_tools, "jouvence": _jouvence, "screenplain": _screenplain}
    suites = []
    for name in SUITES:
        folder = base / name
        if folder.is_dir():
            suites.append(SuiteResult(name, tuple(readers[name](folder))))
    if not suites:
        raise InputError(
            "none of the peer suites is in this folder",
            source=str(base),
            hint=f"expected one of: {', '.join(SUITES)}",
        )
    return ConformanceReport(str(base), tuple(suites), tuple(_peer_disagreements(suites, _inputs(base))))


def _inputs(base: Path) -> dict[tuple[str, str, str], str]:
    found: dict[tuple[str, str, str], str] = {}
    for suite in ("fountain-tools", "screenplain"):
        for src in sorted((base / suite).glob("*.fountain")) if (base / suite).is_dir() else []:
            found[(suite, src.stem, "1")] = _read(src)
    jv = base / "jouvence"
    if jv.is_dir():
        import yaml

        for path in sorted(jv.glob("*.yaml")):
            for k, doc in enumerate(yaml.safe_load_all(_read(path)), start=1):
                if isinstance(doc, dict) and "in" in doc:
                    found[("jouvence", path.stem, str(k))] = str(doc["in"] or "")
    return found
